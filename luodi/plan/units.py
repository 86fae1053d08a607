"""Quantities: a value in a named unit, converted to and from the base unit."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Unit


def unit_by_symbol(symbol: str) -> Unit:
    unit = Unit.objects.filter(symbol=str(symbol).strip()).first()
    if unit is None:
        raise ValidationError(_("Unknown unit “%(unit)s”.") % {"unit": symbol})
    return unit


def parse_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool) or raw is None or isinstance(raw, float):
        # Floats are refused: 0.1 has no exact binary form and targets must be exact.
        raise ValidationError(
            _("“%(value)s” is not a number; write it as a string or integer.") % {"value": raw}
        )
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation as error:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}) from error
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw})
    return value


STORED_PLACES = Decimal("0.000001")


def to_base(value: Decimal, unit: Unit, *, expected: Unit | None = None) -> Decimal:
    """The value in base units; `expected` refuses a unit of another dimension."""
    if expected is not None and unit.dimension != expected.dimension:
        raise ValidationError(
            _("“%(unit)s” cannot express a value in “%(expected)s”.")
            % {"unit": unit.symbol, "expected": expected.symbol}
        )
    # Values are stored with six decimals of the base unit; finer is noise.
    return tidy((value * unit.factor).quantize(STORED_PLACES))


def from_base(value: Decimal, unit: Unit) -> Decimal:
    return tidy(value / unit.factor)


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros (12.5 × 100000000.000000 is 1250000000), no exponent."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def quantity_to_base(
    raw: Any, *, expected: Unit | None = None, default: Unit | None = None
) -> Decimal:
    """Read {"value": "1500", "unit": "万亩"} (or a bare number in `default`)."""
    if isinstance(raw, dict):
        unknown = set(raw) - {"value", "unit"}
        if unknown or "value" not in raw:
            raise ValidationError(_('Write a quantity as {"value": …, "unit": …}.'))
        unit = unit_by_symbol(raw["unit"]) if "unit" in raw else default
        value = parse_decimal(raw["value"])
    else:
        unit = default
        value = parse_decimal(raw)
    if unit is None:
        raise ValidationError(_("Name the unit of this value."))
    return to_base(value, unit, expected=expected or default)
