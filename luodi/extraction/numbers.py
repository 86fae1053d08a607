"""Finding the quantities in a text: a number, written in Arabic or Chinese
numerals, with its magnitude (万, 亿) and a unit from `units`.

Chinese numerals are read by cn2an; the grammar around them (magnitudes,
units, ranges, approximations) is luodi's own and is documented in `units`."""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

import cn2an

from .units import MAGNITUDES, UnitWord, unit_at

_ARABIC = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")
_CHINESE_DIGITS = set("零〇一二两三四五六七八九")
# Two of these side by side are a guess (一两个, 三五家); 零 joins digits (一百零六).
_GUESSED = _CHINESE_DIGITS - {"零", "〇"}
_START = re.compile(r"百分之|\d|[零〇一二两三四五六七八九十]|(?<=[近逾上])[百千]")
# Written before the number: 约3万亩, 近百台.
_ABOUT_BEFORE = set("约近逾上")
# 3个工作日, 6个月: a duration counted with 个, not a count of things.
_DURATION_AFTER = re.compile(r"工作日|月|小时|星期|周|年|季度")
# A value this large (10¹⁸ in the base unit) is a code or an identifier, and
# more than a figure can hold (24 digits, 6 of them decimals).
LARGEST_VALUE = Decimal(10) ** 18
# A minus sign before a number that follows no digit: 增长-3.5%.
_MINUS = set("-－−")
# Between the two ends of a range: 3万至5万亩, 20%—30%, 10-15亿元.
_RANGE = re.compile(r"[至到~～—–\-－]{1,2}")
# Written after the number: 1200多名, 700余个, 3万多亩.
_ABOUT_AFTER = re.compile(r"[多余]")
# A number right after one of these is an ordinal or part of a name: 第四批,
# 十一届七次全会.
_NOT_A_QUANTITY_AFTER = set("第届")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    written: str
    value: Decimal  # in the base unit
    unit: str  # the base unit
    dimension: str
    upper: Decimal | None = None  # a range's upper end
    approximate: bool = False


@dataclass(frozen=True)
class _Number:
    """A number without its unit; `magnitude` is the 万/亿 written with it."""

    value: Decimal
    magnitude: Decimal
    end: int
    approximate: bool = False


def plain(value: Decimal) -> Decimal:
    """12.50 → 12.5 and 1.32E+7 → 13200000: the same number, no exponent."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _chinese_value(numeral: str) -> Decimal | None:
    if not (set(numeral) & _CHINESE_DIGITS) and not numeral.startswith("十"):
        return None  # 千家万户, 万亩: a magnitude alone is not a number
    if numeral == "一":
        return None  # 一个, 一批: an article, not a count
    if len(numeral) > 1 and set(numeral) <= _CHINESE_DIGITS:
        return None  # 二〇二四: a year or a code, not a quantity
    pairs = zip(numeral, numeral[1:], strict=False)
    if any(a in _GUESSED and b in _GUESSED for a, b in pairs):
        return None  # 一两个, 三五家: a guess, not a figure
    if "点" in numeral and numeral[-1] in "万亿":
        # 一点二万: cn2an reads the decimal, luodi the magnitude after it.
        whole = _chinese_value(numeral[:-1])
        return None if whole is None else whole * MAGNITUDES[numeral[-1]]
    try:
        number = cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return Decimal(str(number))


def _magnitude_at(text: str, position: int) -> tuple[Decimal, int]:
    """The magnitude written at `position` (万, 亿, 千万, ...) and where it ends;
    1 when there is none."""
    factor, end = Decimal(1), position
    while end < len(text) and text[end] in MAGNITUDES and end - position < 2:
        factor *= MAGNITUDES[text[end]]
        end += 1
    return factor, end


def _arabic_numbers(text: str, start: int) -> list[_Number]:
    """Readings of an Arabic number at `start`: with each magnitude it may
    carry, longest first (5千万元 may be 5千万 元; 3千瓦 is 3 千瓦)."""
    match = _ARABIC.match(text, start)
    if match is None:
        return []
    value = Decimal(match.group().replace(",", ""))
    factor, end = _magnitude_at(text, match.end())
    readings = []
    while end >= match.end():
        readings.append(_Number(value * factor, factor, end))
        if end == match.end():
            break
        end -= 1
        factor, _end = _magnitude_at(text[:end], match.end())
    return readings


def _chinese_numbers(text: str, start: int) -> list[_Number]:
    """Readings of a Chinese numeral at `start`, longest first: in 一千三百二十万千瓦
    the numeral may end before 千瓦."""
    if text[start] in "百千" and start > 0 and text[start - 1] in "近逾上":
        # 近百台, 上千人: about a hundred, a thousand
        return [_Number(MAGNITUDES[text[start]], Decimal(1), start + 1)]
    match = _CHINESE.match(text, start)
    if match is None:
        return []
    readings = []
    for end in range(match.end(), start, -1):
        numeral = text[start:end]
        value = _chinese_value(numeral)
        if value is not None:
            magnitude = MAGNITUDES.get(numeral[-1], Decimal(1))
            readings.append(_Number(value, magnitude, end))
    return readings


def _numbers(text: str, start: int) -> list[_Number]:
    if start >= len(text):
        return []
    readings = (
        _arabic_numbers(text, start) if text[start].isdigit() else _chinese_numbers(text, start)
    )
    return [_about_magnitude(text, number) for number in readings]


def _about_magnitude(text: str, number: _Number) -> _Number:
    """2000多万元, 30余万亩, 三十多万亩: 多 or 余 between a number and its magnitude."""
    if number.magnitude != 1 or not text.startswith(("多", "余"), number.end):
        return number
    factor, end = _magnitude_at(text, number.end + 1)
    if end == number.end + 1:
        return number
    return _Number(number.value * factor, factor, end, approximate=True)


def _unit_after(text: str, position: int) -> tuple[UnitWord, int, bool] | None:
    """The unit after a number (allowing 多/余 before it): the unit, where it
    ends, and whether the number was approximate."""
    approximate = False
    about = _ABOUT_AFTER.match(text, position)
    if about:
        approximate, position = True, about.end()
    unit = unit_at(text, position)
    if unit is None:
        return None
    end = position + len(unit.word)
    if unit.word == "个" and _DURATION_AFTER.match(text, end):
        return None
    if text.startswith("左右", end):
        approximate, end = True, end + 2
    return unit, end, approximate


def _single_at(text: str, start: int) -> tuple[Quantity, _Number] | None:
    """The quantity at `start` and the number it was read from."""
    if text.startswith("百分之", start):
        numbers = _numbers(text, start + 3)
        if not numbers:
            return None
        number = numbers[0]
        percent = Quantity(
            start=start,
            end=number.end,
            written=text[start : number.end],
            value=plain(number.value),
            unit="%",
            dimension="percent",
        )
        return percent, number
    for number in _numbers(text, start):
        found = _unit_after(text, number.end)
        if found is None:
            continue
        unit, end, approximate = found
        approximate = (
            approximate or number.approximate or (start > 0 and text[start - 1] in _ABOUT_BEFORE)
        )
        quantity = Quantity(
            start=start,
            end=end,
            written=text[start:end],
            value=plain(number.value * unit.factor),
            unit=unit.base,
            dimension=unit.dimension,
            approximate=approximate,
        )
        return quantity, number
    return None


def _range_at(text: str, start: int) -> Quantity | None:
    """A range written with a bare low end (3至5万亩, 10-15亿元, 3万至5万亩) or
    with two whole quantities (20%—30%)."""
    for low in _numbers(text, start):
        joint = _RANGE.match(text, low.end)
        if joint is None:
            continue
        found = _single_at(text, joint.end())
        if found is None:
            continue
        high, high_number = found
        unit_factor = high.value / high_number.value if high_number.value else Decimal(1)
        # The low end takes the high end's magnitude when it has none of its own.
        magnitude = high_number.magnitude if low.magnitude == 1 else Decimal(1)
        return Quantity(
            start=start,
            end=high.end,
            written=text[start : high.end],
            value=plain(low.value * magnitude * unit_factor),
            unit=high.unit,
            dimension=high.dimension,
            upper=high.value,
            approximate=high.approximate,
        )
    found = _single_at(text, start)
    if found is None:
        return None
    first = found[0]
    joint = _RANGE.match(text, first.end)
    second = _single_at(text, joint.end()) if joint else None
    if second is None or second[0].unit != first.unit:
        return None
    return Quantity(
        start=start,
        end=second[0].end,
        written=text[start : second[0].end],
        value=first.value,
        unit=first.unit,
        dimension=first.dimension,
        upper=second[0].value,
        approximate=first.approximate or second[0].approximate,
    )


def quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order; they do not overlap."""
    found: list[Quantity] = []
    position = 0
    while True:
        match = _START.search(text, position)
        if match is None:
            return found
        start = match.start()
        quantity = None
        if start == 0 or text[start - 1] not in _NOT_A_QUANTITY_AFTER:
            if not (start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()):
                single = _single_at(text, start)
                quantity = _range_at(text, start) or (single[0] if single else None)
        if quantity is None:
            # Skip the rest of this number, so 2024年 is not read again as 024.
            skip = _ARABIC.match(text, start) or _CHINESE.match(text, start)
            position = skip.end() if skip else start + 1
            continue
        position = quantity.end
        if max(abs(quantity.value), abs(quantity.upper or Decimal(0))) >= LARGEST_VALUE:
            continue
        if start > 0 and text[start - 1] in _MINUS and (start < 2 or not text[start - 2].isdigit()):
            quantity = replace(
                quantity,
                start=start - 1,
                written=text[start - 1 : quantity.end],
                value=-quantity.value,
                upper=None if quantity.upper is None else -quantity.upper,
            )
        found.append(quantity)
