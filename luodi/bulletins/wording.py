"""The wording of bulletins: default sentences, and filling in the figures.

A sentence is a template with placeholders such as {total}; each placeholder
is filled with plain text or with a figure, which the bulletin page links to
the records behind it.
"""

from dataclasses import dataclass, field
from html import escape

from .models import PLACEHOLDER

DEFAULTS = {
    ("title", "zh"): "{campaign}推进情况通报",
    ("title", "en"): "{campaign}: progress bulletin",
    ("dateline", "zh"): "（截至{date}）",
    ("dateline", "en"): "(as of {date})",
    ("policies", "zh"): (
        "截至{date}，已争取到{ministries}个国家部委出台或拟出台配套政策{total}项，"
        "其中已出台{issued}项、拟出台{planned}项。"
    ),
    ("policies", "en"): (
        "As of {date}, {ministries} national ministries have issued or plan to issue "
        "{total} supporting policies: {issued} issued and {planned} planned."
    ),
    ("projects", "zh"): (
        "重大项目清单共列项目{total}个，已开工{started}个，其余{waiting}个正在加快办理"
        "前期手续，预计{expected}。"
    ),
    ("projects", "en"): (
        "Of the {total} projects on the major-project list, {started} have started; the "
        "other {waiting} are completing pre-construction approvals, {expected}."
    ),
    ("targets", "zh"): "今年的目标是：{targets}。",
    ("targets", "en"): "This year's targets: {targets}.",
    ("progress", "zh"): "截至{date}，各地填报{progress}。",
    ("progress", "en"): "Reported as of {date}: {progress}.",
    ("events", "zh"): "近期工作：{events}。",
    ("events", "en"): "Recent work: {events}.",
}


@dataclass(frozen=True)
class Figure:
    """A number in a bulletin and what it counts; `trace` names the records
    behind it (the query of the trace page)."""

    key: str
    text: str
    counts: str
    records: int
    trace: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def count(cls, key: str, number: int, counts: str, trace: dict) -> "Figure":
        """A figure that is a count of records: printed as the number itself."""
        return cls(key, str(number), counts, number, trace)


# A filled placeholder: text, a figure, or a list of both (e.g. "2024年开工29个").
Part = str | Figure | list


def _plain(part: Part) -> str:
    if isinstance(part, Figure):
        return part.text
    if isinstance(part, list):
        return "".join(_plain(p) for p in part)
    return part


def _html(part: Part, link) -> str:
    if isinstance(part, Figure):
        href, key = escape(link(part)), escape(part.key)
        return f'<a href="{href}" data-figure="{key}">{escape(part.text)}</a>'
    if isinstance(part, list):
        return "".join(_html(p, link) for p in part)
    return escape(part)


@dataclass
class Sentence:
    template: str
    values: dict[str, Part]

    def plain(self) -> str:
        return PLACEHOLDER.sub(lambda m: _plain(self.values.get(m.group(1), "")), self.template)

    def html(self, link) -> str:
        """The sentence as HTML, each figure a link made by `link(figure)`."""
        pieces, last = [], 0
        for match in PLACEHOLDER.finditer(self.template):
            pieces.append(escape(self.template[last : match.start()]))
            pieces.append(_html(self.values.get(match.group(1), ""), link))
            last = match.end()
        pieces.append(escape(self.template[last:]))
        return "".join(pieces)

    def figures(self) -> list[Figure]:
        found: list[Figure] = []

        def collect(part: Part) -> None:
            if isinstance(part, Figure):
                found.append(part)
            elif isinstance(part, list):
                for inner in part:
                    collect(inner)

        for name in PLACEHOLDER.findall(self.template):
            collect(self.values.get(name, ""))
        return found
