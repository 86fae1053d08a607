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


def _pairs(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def _near(sentence: _Sentence, quantity: Quantity, index: int) -> tuple[str, str]:
    """The words of the quantity's own clause: before it (back to the previous
    quantity or a break) and after it (to the next quantity or a break)."""
    text, offset = sentence.text, sentence.start
    begin = quantity.start - offset
    lower = sentence.quantities[index - 1].end - offset if index else 0
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, begin)]
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
    near_pairs = _pairs(near)
    before_pairs = _pairs(sentence_before)
    after_pairs = _pairs(sentence_after)
    best, best_score = None, 0.0
    for indicator in catalogue.indicators:
        if indicator.dimension != quantity.dimension:
            continue
        if quantity.dimension == "count" and unit_word(indicator.unit) != quantity.unit:
            continue
        name_pairs = _pairs(indicator.name)
        if not name_pairs:
            continue
        close = len(name_pairs & near_pairs)
        if close == 0:
            continue
        rest = name_pairs - near_pairs
        score = (
            close + 0.5 * len(rest & before_pairs) + 0.25 * len(rest - before_pairs & after_pairs)
        ) / len(name_pairs)
        if score > best_score:
            best, best_score = indicator, score
    if best_score < 0.34:
        return None, best_score
    return best, best_score


def _kind(quantity: Quantity, near_before: str, sentence_before: str) -> str:
    """The nearest cue before the number in its sentence decides (已 → completed,
    预计 → plan, 力争 → target); failing one, a verb of doing in its clause
    (完成, 开工) makes it a completed value, and a bare count a count."""
    cues = [
        (match.end(), kind)
        for pattern, kind in ((_DONE, COMPLETED), (_PLANNED, PLAN), (_AIMED, TARGET))
        for match in pattern.finditer(sentence_before)
    ]
    if cues:
        return max(cues)[1]
    if _DID.search(near_before):
        return COMPLETED
    if quantity.dimension == "count":
        return COUNT
    return COMPLETED


def _subject(near_before: str, near_after: str, quantity: Quantity) -> str:
    subject = near_before.strip("，,、；;：:。 ")
    if quantity.dimension == "count" and near_after.strip():
        return near_after.strip("，,、；;：:。 ")
    return subject


def _nearest_before(
    mentions: list[tuple[int, int, Any]], position: int, start: int
) -> tuple[int, int, Any] | None:
    """The last mention that ends before `position` and starts at or after
    `start` (the sentence's beginning)."""
    chosen = None
    for mention in mentions:
        if mention[0] >= start and mention[1] <= position:
            chosen = mention
    return chosen


def read_text(
    text: str, *, catalogue: Catalogue, as_of: date, reporting: str | None = None
) -> list[Extracted]:
    """Every quantity in `text` with its proposed meaning, in order.
    `reporting` is the code of the division the report comes from: 全盟, 我市
    and figures naming no division are its."""
    found: list[Extracted] = []
    normalised = text.translate(_HALF_WIDTH)
    default_division = catalogue.division(reporting) if reporting else None
    dates = date_mentions(normalised, as_of=as_of)
    divisions = catalogue.division_mentions(normalised, reporting=reporting)
    division_marks = [(s, e, code) for s, e, code in divisions]
    date_marks = [(m.start, m.end, m) for m in dates]
    carried_date: DateMention | None = None
    for paragraph in re.finditer(r"[^\n]+", normalised):
        carried_date = None
        last_total: Extracted | None = None
        for sentence_match in _SENTENCE.finditer(paragraph.group()):
            start = paragraph.start() + sentence_match.start()
            sentence = _Sentence(start, sentence_match.group().strip())
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
                sentence_before = normalised[start : quantity.start]
                sentence_after = normalised[quantity.end : start + len(sentence.text)]
                indicator, score = _indicator(
                    catalogue, quantity, before + after, sentence_before, sentence_after
                )
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
                )
                in_parts = parts_from >= 0 and quantity.start - start > parts_from
                if in_parts and last_total is not None and last_total.unit == quantity.unit:
                    extracted.part_of = last_total.index
                elif not in_parts:
                    last_total = extracted
                found.append(extracted)
            sentence_dates = [m for m in dates if start <= m.start < start + len(sentence.text)]
            if sentence_dates:
                carried_date = sentence_dates[-1]
    _check_parts(found)
    return found


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
        opening = text.rfind(opening_mark, 0, start)
        closing = text.find(closing_mark, end)
        if 0 <= opening and closing >= 0 and closing_mark not in text[opening:start]:
            if closing - opening <= 12:
                return True
    return False


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
    for total in found:
        parts = [e for e in found if e.part_of == total.index]
        if parts:
            total.parts_check = PartsCheck(
                total=total.value,
                parts=plain(sum((p.value for p in parts), Decimal(0))),
                count=len(parts),
            )


_HALF_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": ".", "～": "~", "－": "-"}
)
