"""Reads for reporting: the form of one report, and totals for any division
from the values in its subtree."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Max, QuerySet, Sum

from luodi.divisions.models import Division
from luodi.plan.choices import AcrossDivisions
from luodi.plan.models import Indicator, Target, Unit
from luodi.plan.units import from_base

from .models import Assignment, DataValue, Period, Report

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


@dataclass
class FormRow:
    """One line of the data-entry form, in the indicator's display unit."""

    assignment: Assignment
    value: Decimal | None
    comment: str
    version: int | None
    target: Decimal | None
    previous: Decimal | None

    @property
    def indicator(self) -> Indicator:
        return self.assignment.indicator

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _shown(value: Decimal | None, unit: Unit) -> Decimal | None:
    return None if value is None else from_base(value, unit)


def previous_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(frequency=period.frequency, ends_on__lt=period.starts_on)
        .order_by("-starts_on")
        .first()
    )


def report_form_rows(*, division: Division, period: Period) -> list[FormRow]:
    """Every indicator the division reports for this period, with its value,
    this year's target and the previous period's value: four queries."""
    assignments = list(
        Assignment.objects.filter(level=division.level, frequency=period.frequency)
        .select_related("indicator__unit")
        .order_by("indicator__programme__order", "indicator_id")
    )
    indicators = [a.indicator_id for a in assignments]
    current = {
        v.indicator_id: v
        for v in DataValue.objects.filter(
            report__division=division, report__period=period, indicator__in=indicators
        )
    }
    earlier = previous_period(period)
    previous = (
        {
            v.indicator_id: v.value
            for v in DataValue.objects.filter(
                report__division=division, report__period=earlier, indicator__in=indicators
            )
        }
        if earlier
        else {}
    )
    targets = {
        t.indicator_id: t.value
        for t in Target.objects.filter(
            division=division, year=period.starts_on.year, indicator__in=indicators
        )
    }
    rows = []
    for assignment in assignments:
        unit, key = assignment.indicator.unit, assignment.indicator_id
        stored = current.get(key)
        rows.append(
            FormRow(
                assignment=assignment,
                value=_shown(stored.value if stored else None, unit),
                comment=stored.comment if stored else "",
                version=stored.version if stored else None,
                target=_shown(targets.get(key), unit),
                previous=_shown(previous.get(key), unit),
            )
        )
    return rows


def reports_visible_to(divisions: QuerySet[Division]) -> QuerySet[Report]:
    return (
        Report.objects.filter(division__in=divisions)
        .select_related("division", "period")
        .order_by("-period__starts_on", "division__code")
    )


@dataclass
class ValueChange:
    at: datetime
    by: str
    value: Decimal
    comment: str


def report_change_logs(*, report: Report | None) -> dict[int, list[ValueChange]]:
    """Each figure's saved versions in a report, newest first, in display units:
    one query for the whole report."""
    if report is None:
        return {}
    logs: dict[int, list[ValueChange]] = {}
    versions = (
        DataValue.history.filter(report_id=report.pk)
        .select_related("history_user", "indicator__unit")
        .order_by("-history_date")
    )
    for version in versions:
        logs.setdefault(version.indicator_id, []).append(
            ValueChange(
                at=version.history_date,
                by=version.history_user.get_username() if version.history_user else "—",
                value=from_base(version.value, version.indicator.unit),
                comment=version.comment,
            )
        )
    return logs
