"""The dates and periods a report's figures are as of: 截至3月18日, 6月底, 1—5月,
上半年, 一季度, 今年, 2025年, 截至目前. Each is resolved against the day the report
was written (`as_of`) and written as "2024-03-18" (a day), "2024-05" (a month,
or the months from January to it), "2024-Q1", "2024-H1" or "2024" (a year)."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?:(?P<year>(?:19|20)\d\d)年)?"

_PATTERNS = [
    ("day", re.compile(_YEAR + r"(?P<month>1[0-2]|0?[1-9])月(?P<day>[0-3]?\d)[日号]")),
    ("month_end", re.compile(_YEAR + r"(?P<month>1[0-2]|0?[1-9])月(?:份)?(?:底|末)")),
    (
        "months",
        re.compile(_YEAR + r"(?:1|一)?[—–\-~～至到]{1,2}(?P<month>1[0-2]|[1-9])月(?:份)?"),
    ),
    ("half", re.compile(_YEAR + r"(?P<half>上|下)半年")),
    ("quarter", re.compile(_YEAR + r"(?:第|前)?(?P<quarter>[一二三四1-4])季度")),
    ("month", re.compile(_YEAR + r"(?P<month>1[0-2]|0?[1-9])月(?:份)?(?![0-9])")),
    ("year_end", re.compile(r"(?P<year>(?:19|20)\d\d)年(?:底|末)")),
    ("year", re.compile(r"(?P<year>(?:19|20)\d\d)年(?:度)?")),
    ("this_year_end", re.compile(r"年底|年末")),
    ("this_year", re.compile(r"今年|本年度?|全年|年内|年度")),
    ("next_year", re.compile(r"明年")),
    ("last_year", re.compile(r"去年(?!同期)")),
    ("now", re.compile(r"截至目前|截止目前|目前|近日|日前|当前|现已|本周|近期")),
]
_STARTS = set("0123456789一二三四上下第前今本全年明去截目近日当现")
# 10月底前: a deadline, so this year's, however far from the report's month.
_DEADLINE = "前"


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    written: str
    period: str


def _year(match: re.Match, as_of: date, month: int | None = None) -> int:
    if match.groupdict().get("year"):
        return int(match.group("year"))
    # A month more than half a year after the report's, with no year, is last
    # year's (a report of 10 January speaks of 12月25日 of the year before); a
    # nearer one is this year's (a plan for 8月底 in a June report).
    if month is not None and month - as_of.month > 6:
        return as_of.year - 1
    return as_of.year


def _resolve(kind: str, match: re.Match, as_of: date) -> str | None:
    if kind == "day":
        month, day = int(match.group("month")), int(match.group("day"))
        year = _year(match, as_of, month)
        if day < 1 or day > calendar.monthrange(year, month)[1]:
            return None
        return date(year, month, day).isoformat()
    if kind == "month_end":
        month = int(match.group("month"))
        year = _year(match, as_of, month)
        return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    if kind in ("months", "month"):
        month = int(match.group("month"))
        return f"{_year(match, as_of, month)}-{month:02d}"
    if kind == "half":
        return f"{_year(match, as_of)}-H{1 if match.group('half') == '上' else 2}"
    if kind == "quarter":
        return f"{_year(match, as_of)}-Q{_QUARTERS[match.group('quarter')]}"
    if kind in ("year", "year_end"):
        return match.group("year")
    if kind == "this_year":
        return str(as_of.year)
    if kind == "this_year_end":
        return date(as_of.year, 12, 31).isoformat()
    if kind == "next_year":
        return str(as_of.year + 1)
    if kind == "last_year":
        return str(as_of.year - 1)
    return as_of.isoformat()  # now


def _forward(as_of: date) -> date:
    """A report date from which no month of its year reads as last year's."""
    return date(as_of.year, 12, 31)


def date_mentions(text: str, *, as_of: date) -> list[DateMention]:
    """Every date or period written in `text`, in order; the first pattern that
    matches at a position wins, so 2023年12月25日 is a day, not a year."""
    found = []
    position = 0
    while position < len(text):
        if text[position] not in _STARTS:
            position += 1
            continue
        for kind, pattern in _PATTERNS:
            match = pattern.match(text, position)
            if match is not None and match.end() > position:
                ahead = text.startswith(_DEADLINE, match.end())
                period = _resolve(kind, match, as_of if not ahead else _forward(as_of))
                if period is not None:
                    found.append(DateMention(position, match.end(), match.group(), period))
                position = match.end()
                break
        else:
            position += 1
    return found
