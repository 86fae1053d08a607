"""Totals of reported figures for any division, from the values in its subtree."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Max, QuerySet, Sum

from luodi.divisions.models import Division
from luodi.plan.choices import AcrossDivisions
from luodi.plan.models import Indicator

from .models import DataValue, Period

COMBINE = {AcrossDivisions.SUM: Sum, AcrossDivisions.MEAN: Avg, AcrossDivisions.MAXIMUM: Max}


def _values(
    indicator: Indicator, division: Division, period: Period, as_of: datetime | None
) -> QuerySet:
    values = DataValue.history.as_of(as_of) if as_of else DataValue.objects.all()
    return values.filter(
        indicator=indicator,
        report__period=period,
        report__division__in=Division.objects.subtree_of([division]),
    )


def rollup(
    *, indicator: Indicator, division: Division, period: Period, as_of: datetime | None = None
) -> Decimal | None:
    """The indicator's total for the division's subtree in one query, combined
    by the indicator's rule; with `as_of`, from the values as they were stored
    then. None when nothing has been reported."""
    combine = COMBINE[AcrossDivisions(indicator.across_divisions)]
    return _values(indicator, division, period, as_of).aggregate(total=combine("value"))["total"]
