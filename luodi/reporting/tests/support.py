"""Helpers shared by the reporting tests."""

from datetime import date
from decimal import Decimal

from luodi.divisions.models import Division
from luodi.plan.units import to_base, unit_by_symbol
from luodi.reporting.services import report_open, value_save

IN_TIME = date(2024, 2, 5)  # January's entry is open until 10 February
WAN_MU = Decimal(10_000)


def enter(people, who, code, period, indicator, amount, *, version=None, comment="", today=IN_TIME):
    """`who` (a key of the people fixture) enters `amount` 万亩 for division `code`."""
    report = report_open(
        division=Division.objects.get(code=code), period=period, acting_user=people[who]
    )
    return value_save(
        report=report,
        indicator=indicator,
        value=to_base(Decimal(amount), unit_by_symbol("万亩")),
        comment=comment,
        expected_version=version,
        acting_user=people[who],
        today=today,
    )
