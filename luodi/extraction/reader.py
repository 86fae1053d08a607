"""Reading a report: every quantity in the text, with what it most likely is.

For each quantity (`numbers`) the reader proposes
- the indicator: the one whose name shares the most character pairs with the
  words around the number (those in the same clause count double), among the
  indicators measured in the same dimension (a count only matches an indicator
  counted with the same word: 项 is not 个);
- the division: the one named nearest before the number in its sentence
  (A、B分别完成X、Y pairs them in order), else the reporting division;
- the date or period: the nearest before the number in its sentence, else the
  last one written earlier in the paragraph;
- the kind: a target, a plan, a completed value or a count of items, from the
  cue words before it;
- parts and wholes: after 其中, figures in the same unit are parts of the last
  figure before it, and the parts are added up against it.

Nothing here reads or writes the database; see `catalogue`."""

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .catalogue import Catalogue, DivisionEntry, IndicatorEntry, unit_word
from .dates import DateMention, date_mentions
from .numbers import Quantity, plain, quantities

TARGET, COMPLETED, PLAN, COUNT = "target", "completed", "plan", "count"

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_CLAUSE_BREAK = re.compile(r"[，,；;：:、（）()]")
_CLAUSE_END = re.compile(r"[，,；;：:]")

_DONE = re.compile(r"已经|已|累计|共计|争取到|实现了|建成了|完成了|达到了")
_PLANNED = re.compile(r"拟|预计|计划|将|准备|安排|预算|打算")
_AIMED = re.compile(r"目标|任务|力争|确保|争取|下达|(?<![重主需纪概摘只不])要(?![求素点闻])")
_DID = re.compile(
    r"完成|实现|建成|达到|新增|开工|出台|改造|治理|办理|开行|筹集|落实|投入|增长|下降"
)
_PARTS = "其中"
# Characters either side of a figure that are read for its indicator and kind.
_WINDOW = 120
_RESPECTIVELY = "分别"


@dataclass
class PartsCheck:
    total: Decimal
    parts: Decimal
    count: int

    @property
    def adds_up(self) -> bool:
        return self.total == self.parts

    @property
    def difference(self) -> Decimal:
        return plain(self.total - self.parts)


@dataclass
class Extracted:
    quantity: Quantity
    sentence: str
    subject: str
    kind: str
    indicator: IndicatorEntry | None
    indicator_score: float
    division: DivisionEntry | None
    period: str
    part_of: int | None = None
    parts_check: PartsCheck | None = None
    index: int = 0
    sentence_offset: int = 0  # where the quantity starts in its sentence

    @property
    def value(self) -> Decimal:
        return self.quantity.value

    @property
    def unit(self) -> str:
        return self.quantity.unit


@dataclass
class _Sentence:
    start: int
    text: str
    quantities: list[Quantity] = field(default_factory=list)


# Words in nearly every indicator's name or report sentence, which say nothing
# about which indicator is meant.
_GENERIC = re.compile(r"完成|新增|累计|面积|总额|数量|户数|规模|总量|情况|全年|今年")
_SEGMENT = re.compile(r"[\u4e00-\u9fff]+")


def _pairs(text: str) -> set[str]:
    """The pairs of neighbouring Chinese characters in `text`, within words
    (not across punctuation or a generic word like 完成)."""
    pairs: set[str] = set()
    for segment in _SEGMENT.findall(_GENERIC.sub(" ", text)):
        pairs.update(a + b for a, b in zip(segment, segment[1:], strict=False))
    return pairs


def _near(sentence: _Sentence, quantity: Quantity, index: int) -> tuple[str, str]:
    """The words of the quantity's own clause: before it (back to the previous
    quantity or a break) and after it (to the next quantity or a break)."""
    text, offset = sentence.text, sentence.start
    begin = quantity.start - offset
    lower = max(sentence.quantities[index - 1].end - offset if index else 0, begin - _WINDOW)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, lower, begin)]
    before = text[max([lower, *breaks]) : begin]
    end = quantity.end - offset
    upper = (
        sentence.quantities[index + 1].start - offset
        if index + 1 < len(sentence.quantities)
        else len(text)
    )
    stop = _CLAUSE_BREAK.search(text, end, upper)
    after = text[end : stop.start() if stop else upper]
    return before, after


def _indicator(
    catalogue: Catalogue, quantity: Quantity, near: str, sentence_before: str, sentence_after: str
) -> tuple[IndicatorEntry | None, float]:
    """The indicator the quantity most likely belongs to, and how sure: the
    share of an indicator's name (or one of its other names) found around the
    number, the clause counting fully, the rest of the sentence before it by
    half and after it by a quarter. At least one pair must be in the clause;
    the share must reach a third, unless the indicator is the only one of its
    dimension (a count needs a third in any case). A name written out whole
    in the clause wins."""
    near_pairs = _pairs(near)
    before_pairs = _pairs(sentence_before)
    after_pairs = _pairs(sentence_after)
    candidates = [i for i in catalogue.indicators if _fits(i, quantity)]
    best, best_key = None, (0.0, 0)
    for indicator in candidates:
        for name in (indicator.name, *indicator.aliases):
            name_pairs = _pairs(name)
            close = len(name_pairs & near_pairs)
            if not name_pairs or close == 0:
                continue
            rest = name_pairs - near_pairs
            score = (
                close
                + 0.5 * len(rest & before_pairs)
                + 0.25 * len(rest - before_pairs & after_pairs)
            ) / len(name_pairs)
            key = (score, close)
            if key > best_key:
                best, best_key = indicator, key
    # A counting word is shared by many things (家: any firm), so a count
    # needs a third of the name even when one indicator is counted with it.
    only_one = len(candidates) == 1 and quantity.dimension != "count"
    if best is None or (best_key[0] < 0.34 and not only_one):
        return None, best_key[0]
    return best, best_key[0]


def _fits(indicator: IndicatorEntry, quantity: Quantity) -> bool:
    if indicator.dimension != quantity.dimension:
        return False
    # A count only matches an indicator counted with the same word: 项 is not 个.
    return quantity.dimension != "count" or unit_word(indicator.unit) == quantity.unit


_CUE_WORDS = re.compile(
    r"其中|截至|截止|已经|已|累计|共计|完成|实现|达到|新增|计划|预计|力争|确保|全年|年内|"
    r"今年|目前|分别|目标|任务|突破|认定|出台|印发|开工|为|共|约|近|超过|再|又|和|及|与"
)


def _names_nothing(catalogue: Catalogue, near: str) -> bool:
    """The quantity's clause names nothing but a division, a date or a cue
    word (其中东乌旗12.5万亩, 截至5月底已完成1.96万亩): the same measure again."""
    rest = near
    for _start, _end, code in catalogue.division_mentions(near, reporting=None):
        division = catalogue.division(code)
        for name in division.names if division else ():
            rest = rest.replace(name, " ")
    for mention in date_mentions(rest, as_of=date(2000, 1, 1)):
        rest = rest.replace(mention.written, " ")
    rest = _CUE_WORDS.sub(" ", rest)
    return not any(len(segment) > 1 for segment in _SEGMENT.findall(rest))


_STOCK = re.compile(r"清单|共列|其余|另有|现有|总数|名单|库中|有")


def _kind(quantity: Quantity, near_before: str, sentence_before: str) -> str:
    """In the number's own clause, 已 or 累计 make it a completed value, then
    预计 or 拟 a plan, then 力争 or 任务 a target; failing those, the nearest
    such cue earlier in the sentence (back to a ；) decides. A figure with no
    cue is a completed value, unless it counts what a list or stock holds
    (清单中86项, 其余32个, 另有23家)."""
    own = _clause_kind(near_before)
    if own is not None:
        return own
    clause_start = max(sentence_before.rfind("；"), sentence_before.rfind(";"))
    earlier = sentence_before[clause_start + 1 :]
    cues = [
        (match.end(), kind)
        for pattern, kind in ((_DONE, COMPLETED), (_PLANNED, PLAN), (_AIMED, TARGET))
        for match in pattern.finditer(earlier)
    ]
    if cues:
        return max(cues)[1]
    if _DID.search(near_before):
        return COMPLETED
    if quantity.dimension == "count" and _STOCK.search(near_before):
        return COUNT
    return COMPLETED


def _clause_kind(near_before: str) -> str | None:
    """The kind the number's own clause gives it, if any."""
    if "下达" in near_before:
        return TARGET  # 已下达…任务: a target handed down
    for pattern, kind in ((_DONE, COMPLETED), (_PLANNED, PLAN), (_AIMED, TARGET)):
        if pattern.search(near_before):
            return kind
    return None


def _described(found: list[Extracted], sentence_start: int) -> Extracted | None:
    """The figure a share or a growth rate describes: the last one before it
    in its sentence that is not itself a share."""
    for extracted in reversed(found):
        if extracted.quantity.start < sentence_start:
            return None
        if extracted.quantity.dimension not in ("percent", "point"):
            return extracted
    return None


def _subject(near_before: str, near_after: str, quantity: Quantity) -> str:
    subject = near_before.strip("，,、；;：:。 ")
    if quantity.dimension == "count" and near_after.strip():
        return near_after.strip("，,、；;：:。 ")
    return subject


def _nearest_before(
    mentions: list[tuple[int, int, Any]], position: int, start: int
) -> tuple[int, int, Any] | None:
    """The last mention (in order of their ends) that ends before `position`
    and starts at or after `start` (the sentence's beginning)."""
    at = bisect_right(mentions, position, key=lambda mention: mention[1])
    for mention in reversed(mentions[max(0, at - 8) : at]):
        if mention[0] >= start:
            return mention
    return None


def read_text(
    text: str, *, catalogue: Catalogue, as_of: date, reporting: str | None = None
) -> list[Extracted]:
    """Every quantity in `text` with its proposed meaning, in order.
    `reporting` is the code of the division the report comes from: 全盟, 我市
    and figures naming no division are its."""
    found: list[Extracted] = []
    normalised = text.translate(HALF_WIDTH)
    default_division = catalogue.division(reporting) if reporting else None
    dates = date_mentions(normalised, as_of=as_of)
    divisions = catalogue.division_mentions(normalised, reporting=reporting)
    # Sorted by their ends, for _nearest_before.
    division_marks = sorted(((s, e, code) for s, e, code in divisions), key=lambda m: m[1])
    date_marks = [(m.start, m.end, m) for m in dates]
    carried_date: DateMention | None = None
    for paragraph in re.finditer(r"[^\n]+", normalised):
        carried_date = None
        # Figures outside a 其中 list, by unit: the totals a part may belong to.
        wholes: dict[str, Extracted] = {}
        for sentence_match in _SENTENCE.finditer(paragraph.group()):
            raw = sentence_match.group()
            # A paragraph's indent (the 公文 "　　") is not part of its sentence.
            start = paragraph.start() + sentence_match.start() + len(raw) - len(raw.lstrip())
            sentence = _Sentence(start, raw.strip())
            if not sentence.text:
                continue
            sentence.quantities = [
                q
                for q in quantities(sentence.text)
                if not _in_short_quote(sentence.text, q.start, q.end)
            ]
            sentence.quantities = [_shift(q, start) for q in sentence.quantities]
            parts_from = sentence.text.find(_PARTS)
            respectively = _respectively(sentence, division_marks)
            for index, quantity in enumerate(sentence.quantities):
                before, after = _near(sentence, quantity, index)
                # The words around a figure that can say what it is; a bounded
                # window, so a long list costs no more for each figure in it.
                sentence_before = normalised[max(start, quantity.start - _WINDOW) : quantity.start]
                sentence_after = normalised[
                    quantity.end : min(start + len(sentence.text), quantity.end + _WINDOW)
                ]
                indicator, score = _indicator(
                    catalogue, quantity, before + after, sentence_before, sentence_after
                )
                previous = _previous_in_sentence(found, sentence.start, quantity)
                in_parts = parts_from >= 0 and quantity.start - start > parts_from
                total = wholes.get(quantity.unit) if in_parts else None
                names_nothing = _names_nothing(catalogue, before + after)
                if total is not None and not names_nothing:
                    # A part of another kind (其中风电712万千瓦): its own words
                    # decide, and the total's indicator is not its.
                    indicator, score = _indicator(catalogue, quantity, before + after, "", "")
                    if indicator == total.indicator and score <= 0.5:
                        indicator = None
                elif indicator is None and previous is not None and names_nothing:
                    # The same measure again, for a part, a division or a later
                    # date: it keeps the indicator of the figure before it.
                    indicator, score = previous.indicator, previous.indicator_score
                division_code = respectively.get(index)
                if division_code is None:
                    mark = _nearest_before(division_marks, quantity.start, start)
                    division_code = mark[2] if mark else None
                division = catalogue.division(division_code) if division_code else default_division
                date_mark = _nearest_before(date_marks, quantity.start, start)
                mention = date_mark[2] if date_mark else carried_date
                extracted = Extracted(
                    quantity=quantity,
                    sentence=sentence.text,
                    subject=_subject(before, after, quantity),
                    kind=_kind(quantity, before, sentence_before),
                    indicator=indicator,
                    indicator_score=round(score, 2),
                    division=division,
                    period=mention.period if mention else "",
                    index=len(found),
                    sentence_offset=quantity.start - start,
                )
                described = _described(found, sentence.start)
                if quantity.dimension in ("percent", "point") and described is not None:
                    # 完成年度任务的61.6%, 同比增长20%: of the figure before it.
                    extracted.kind, extracted.period = described.kind, described.period
                if total is not None:
                    extracted.part_of = total.index
                    # A part is of its whole's kind unless its own clause
                    # says otherwise (其中已出台29项，拟出台12项).
                    extracted.kind = _clause_kind(before) or total.kind
                elif not in_parts:
                    wholes[quantity.unit] = extracted
                found.append(extracted)
            last = _nearest_before(date_marks, start + len(sentence.text), start)
            if last is not None:
                carried_date = last[2]
    _check_parts(found)
    return found


def _previous_in_sentence(
    found: list[Extracted], sentence_start: int, quantity: Quantity
) -> Extracted | None:
    for extracted in reversed(found):
        if extracted.quantity.start < sentence_start:
            return None
        if extracted.unit == quantity.unit:
            return extracted
    return None


def _shift(quantity: Quantity, offset: int) -> Quantity:
    return Quantity(
        start=quantity.start + offset,
        end=quantity.end + offset,
        written=quantity.written,
        value=quantity.value,
        unit=quantity.unit,
        dimension=quantity.dimension,
        upper=quantity.upper,
        approximate=quantity.approximate,
    )


def _in_short_quote(text: str, start: int, end: int) -> bool:
    """Inside “六个工程” or 《…》: part of a name, not a figure."""
    for opening_mark, closing_mark in _QUOTES:
        opening = text.rfind(opening_mark, max(0, start - _QUOTED), start)
        closing = text.find(closing_mark, end, end + _QUOTED)
        if 0 <= opening and closing >= 0 and closing_mark not in text[opening:start]:
            if closing - opening <= _QUOTED:
                return True
    return False


# The longest quoted name a number may stand in: “六个工程”, 《十四五规划》.
_QUOTED = 12


_QUOTES = (("“", "”"), ("‘", "’"), ("《", "》"), ('"', '"'))


def _respectively(sentence: _Sentence, division_marks: list) -> dict[int, str]:
    """A、B、C分别完成X、Y、Z: the i-th division named before 分别 for the i-th
    quantity after it, when the counts agree."""
    at = sentence.text.find(_RESPECTIVELY)
    if at < 0:
        return {}
    position = sentence.start + at
    clause_start = sentence.start
    for match in _CLAUSE_END.finditer(sentence.text, 0, at):
        clause_start = sentence.start + match.end()
    named = [code for s, e, code in division_marks if clause_start <= s and e <= position]
    after = [i for i, q in enumerate(sentence.quantities) if q.start >= position]
    if len(named) < 2 or len(named) != len(after):
        return {}
    return dict(zip(after, named, strict=True))


def _check_parts(found: list[Extracted]) -> None:
    parts_of: dict[int, list[Extracted]] = {}
    for extracted in found:
        if extracted.part_of is not None:
            parts_of.setdefault(extracted.part_of, []).append(extracted)
    for index, parts in parts_of.items():
        total = found[index]
        total.parts_check = PartsCheck(
            total=total.value,
            parts=plain(sum((p.value for p in parts), Decimal(0))),
            count=len(parts),
        )


HALF_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": ".", "～": "~", "－": "-"}
)
