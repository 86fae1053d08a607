"""Numbers, quantities and dates as official bulletins write them.

Chinese: no thousands separators, 万 and 亿 for large amounts (1500万亩,
100亿元), dates as 3月18日. English: 15 million mu, 10 billion yuan, 18 March.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from luodi.plan.models import Unit
from luodi.plan.units import from_base

WAN, YI = Decimal(10_000), Decimal(100_000_000)
# English names of the units' base symbols; counts need no unit in English.
ENGLISH_UNITS = {
    "亩": "mu",
    "公顷": "ha",
    "平方公里": "km²",
    "千瓦": "kW",
    "兆瓦": "MW",
    "吉瓦": "GW",
    "元": "yuan",
    "米": "m",
    "公里": "km",
    "%": "%",
    "个": "",
    "项": "",
    "户": "households",
    "人": "people",
}


def plain_number(value: Decimal, places: int = 2) -> str:
    """At most `places` decimals, no trailing zeros, no separators: 1500, 27.72."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(rounded.normalize(), "f")


def zh_quantity(base_value: Decimal, unit: Unit) -> str:
    """1500万亩, 100亿元, 27.72万亩, 36个: in the unit's own scale, or in 万/亿
    of it when the unit has none and the amount is large."""
    shown = from_base(base_value, unit)
    symbol = unit.symbol
    if symbol.startswith(("万", "亿")) or unit.dimension == "percent":
        return plain_number(shown) + symbol
    if abs(shown) >= YI:
        return plain_number(shown / YI) + "亿" + symbol
    if abs(shown) >= WAN:
        return plain_number(shown / WAN) + "万" + symbol
    return plain_number(shown) + symbol


def en_quantity(base_value: Decimal, unit: Unit) -> str:
    """15 million mu, 13.2 million kW, 10 billion yuan, 1,500 km."""
    symbol = unit.symbol
    if symbol.startswith(("万", "亿")):
        amount, name = base_value, ENGLISH_UNITS.get(symbol[1:], symbol[1:])
    else:
        amount, name = from_base(base_value, unit), ENGLISH_UNITS.get(symbol, symbol)
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(amount) >= size:
            text = f"{plain_number(amount / size)} {word}"
            break
    else:
        whole = amount == amount.to_integral()
        text = f"{int(amount):,}" if whole else plain_number(amount)
    if name == "%":
        return text + "%"
    return f"{text} {name}".strip()


def zh_date(day: date, *, with_year: bool = False) -> str:
    text = f"{day.month}月{day.day}日"
    return f"{day.year}年{text}" if with_year else text


def en_date(day: date, *, with_year: bool = False) -> str:
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    text = f"{day.day} {months[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def percent(value: Decimal) -> str:
    return plain_number(value, 1) + "%"
