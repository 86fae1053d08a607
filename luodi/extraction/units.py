"""The grammar of units luodi recognises after a number in a report.

A quantity is written as  NUMBER [MAGNITUDE] UNIT , for example 1320万千瓦,
27.72万亩, 一千三百二十万千瓦, 34亿元, 1185个, 12.5% or 百分之二十. MAGNITUDE is 万,
亿, 千 or 百 (or a run of them: 万亿). UNIT is one of the words below; each
measured unit converts to the base unit of its dimension, which is the unit
luodi stores figures in (the same bases as `plan.Unit`: 亩, 千瓦, 元, 米, ...).
Counting words (个, 项, 家, ...) are their own base: 3.5万户 is 35,000 户.

A word that is not listed is not a unit, so durations (15分钟, 三年), dates
(2024年) and ordinals (第四批 — refused in `numbers`) never become figures.
Add a unit here, with its dimension and factor, to teach luodi a new one."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class UnitWord:
    word: str
    dimension: str
    base: str
    factor: Decimal


# Dimensions that match `plan.choices.Dimension` keep its names; the others
# (energy, mass, volume, point) have no standard unit in luodi yet.
_MEASURED: list[tuple[str, str, str, str]] = [
    # word, dimension, base unit, base units in one
    ("亩", "area", "亩", "1"),
    ("公顷", "area", "亩", "15"),
    ("平方公里", "area", "亩", "1500"),
    ("平方千米", "area", "亩", "1500"),
    ("平方米", "area", "亩", "0.0015"),
    ("千瓦", "power", "千瓦", "1"),
    ("兆瓦", "power", "千瓦", "1000"),
    ("吉瓦", "power", "千瓦", "1000000"),
    ("千瓦时", "energy", "千瓦时", "1"),
    ("元", "money", "元", "1"),
    ("米", "length", "米", "1"),
    ("公里", "length", "米", "1000"),
    ("千米", "length", "米", "1000"),
    ("吨", "mass", "吨", "1"),
    ("公斤", "mass", "吨", "0.001"),
    ("千克", "mass", "吨", "0.001"),
    ("立方米", "volume", "立方米", "1"),
    ("%", "percent", "%", "1"),
    ("％", "percent", "%", "1"),
    ("个百分点", "point", "个百分点", "1"),
]

# Words that count things; the unit of a count is the word itself.
COUNTING_WORDS = (
    "人次 场次 个 项 家 户 人 名 套 座 件 列 所 台 辆 处 条 批 次 宗 栋 幢 间 张 份 场 "
    "支 头 只 架 艘 部 类 种 片 棵 株 眼 口 对 位 例 起 单 笔 本 册 篇 门 "
    "吨次 标箱 车次"
).split()

UNITS: dict[str, UnitWord] = {
    word: UnitWord(word, dimension, base, Decimal(factor))
    for word, dimension, base, factor in _MEASURED
}
UNITS.update({word: UnitWord(word, "count", word, Decimal(1)) for word in COUNTING_WORDS})

# Longest first, so 千瓦时 is read before 千瓦, and 平方公里 before 公里.
_BY_LENGTH = sorted(UNITS, key=len, reverse=True)

MAGNITUDES = {"百": Decimal(100), "千": Decimal(1000), "万": Decimal(10_000), "亿": Decimal(10**8)}


def unit_at(text: str, position: int) -> UnitWord | None:
    """The longest unit word that starts at `position`, if any."""
    for word in _BY_LENGTH:
        if text.startswith(word, position):
            return UNITS[word]
    return None
