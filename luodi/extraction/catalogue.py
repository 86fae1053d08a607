"""What a report can be about: the indicators and the divisions, with the
names they go by. Built from the database for the pages and the command, or
from plain data for the evaluation, so that reading a text needs no query."""

import re
from dataclasses import dataclass, field

from luodi.divisions.aliases import division_names

from .units import UNITS

# Words that name the reporting division itself, or the region above it.
_OWN_WORDS = ("全", "我", "本")


@dataclass(frozen=True)
class IndicatorEntry:
    code: str
    name: str
    unit: str  # the unit targets and figures are written in: 万亩, 公里, 个
    dimension: str
    pk: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DivisionEntry:
    code: str
    name: str
    level: str
    names: tuple[str, ...]
    pk: int | None = None


@dataclass
class Catalogue:
    indicators: list[IndicatorEntry]
    divisions: list[DivisionEntry]
    _by_code: dict[str, DivisionEntry] = field(init=False)
    _by_name: dict[str, str] = field(init=False)
    _names: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        self._by_code = {d.code: d for d in self.divisions}
        self._by_name = {}
        # A name used by two divisions names the first loaded (the higher one).
        for division in self.divisions:
            for name in division.names:
                self._by_name.setdefault(name, division.code)
        names = sorted(self._by_name, key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, names)) if names else r"(?!)")

    def division(self, code: str) -> DivisionEntry | None:
        return self._by_code.get(code)

    @property
    def region_code(self) -> str | None:
        tops = [d for d in self.divisions if d.level == "province"]
        return tops[0].code if tops else None

    def division_mentions(self, text: str, *, reporting: str | None) -> list[tuple[int, int, str]]:
        """(start, end, code) of every division named in `text`: by name or alias,
        or as 全区/我盟/本旗 (the reporting division, or the region for 全区
        when the report is not a district's)."""
        found = [(m.start(), m.end(), self._by_name[m.group()]) for m in self._names.finditer(text)]
        own = self._by_code.get(reporting or "")
        for match in re.finditer(r"[全我本](区|盟|市|旗|县|省)(?!域)|自治区", text):
            code = self._own_word(match.group(), own)
            if code and not any(s <= match.start() < e for s, e, _c in found):
                found.append((match.start(), match.end(), code))
        return sorted(found)

    def _own_word(self, word: str, own: DivisionEntry | None) -> str | None:
        """全盟 in a league's report is the league, in a banner's report the
        league above it; 全区 is a district's own, else the region."""
        suffix = word[-1]
        for division in self._own_and_above(own):
            if division.name.endswith(suffix) and division.level != "province":
                return division.code
        if suffix in ("区", "省"):
            return self.region_code
        return own.code if own is not None else None

    def _own_and_above(self, own: DivisionEntry | None) -> list[DivisionEntry]:
        if own is None:
            return []
        codes = [own.code, own.code[:4] + "00", own.code[:2] + "0000"]
        return [d for d in map(self._by_code.get, dict.fromkeys(codes)) if d is not None]


def indicator_entry(
    *, code: str, name: str, unit: str, aliases: str = "", pk: int | None = None
) -> IndicatorEntry:
    """`aliases`: other names, separated by 、 or commas (`Indicator.aliases`)."""
    return IndicatorEntry(
        code=code,
        name=name,
        unit=unit,
        dimension=_dimension_of_written(unit),
        pk=pk,
        aliases=tuple(a.strip() for a in re.split(r"[、,，;；]", aliases) if a.strip()),
    )


def unit_word(unit: str) -> str:
    """万亩 → 亩, 万千瓦 → 千瓦, 个 → 个: the unit word without its magnitude."""
    for cut in range(3):
        if unit[cut:] in UNITS and all(c in "百千万亿" for c in unit[:cut]):
            return unit[cut:]
    return unit


def _dimension_of_written(unit: str) -> str:
    word = unit_word(unit)
    return UNITS[word].dimension if word in UNITS else ""


def division_entry(*, code: str, name: str, level: str, pk: int | None = None) -> DivisionEntry:
    return DivisionEntry(
        code=code, name=name, level=level, names=tuple(division_names(code=code, name=name)), pk=pk
    )
