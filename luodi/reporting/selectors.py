"""Reads for reporting: the form of one report, and totals for any division
from the values in its subtree."""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Context, Decimal
from typing import Any

from django.db import connections
from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from luodi.divisions.choices import LEVEL_ORDER, is_above, levels_below
from luodi.divisions.models import Division
from luodi.plan.choices import AcrossDivisions, OverTime
from luodi.plan.models import Indicator, Target, Unit
from luodi.plan.units import from_base

from .choices import ParentCheck
from .models import Assignment, DataValue, Period, Report

SIX_PLACES = Decimal("0.000001")
COMBINE = {AcrossDivisions.SUM: Sum, AcrossDivisions.MEAN: Avg, AcrossDivisions.MAXIMUM: Max}


def _as_stored(as_of: datetime | None) -> QuerySet:
    """The figures as stored now, or each figure's last version saved at or
    before `as_of`, leaving out figures deleted by then. History ids rise with
    time, so the last version is the one no later id of the same figure follows."""
    if as_of is None:
        return DataValue.objects.all()
    versions = DataValue.history.filter(history_date__lte=as_of)
    later = versions.filter(id=OuterRef("id"), history_id__gt=OuterRef("history_id"))
    return versions.filter(~Exists(later)).exclude(history_type="-")


def end_of_day(day: date | None) -> datetime | None:
    """The knowledge date ("as recorded on") as the moment records are read at:
    the end of `day`; None (as stored now) for no day, today or later. Every
    surface that offers the knowledge date turns it into a moment here."""
    if day is None or day >= timezone.localdate():
        return None
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def values_as_stored(as_of: datetime | None) -> QuerySet:
    """Figures as stored now, or as they were at `as_of` (history rows, which
    carry the same fields as the figures)."""
    return _as_stored(as_of)


def _values(
    indicator: Indicator, division: Division, period: Period, as_of: datetime | None
) -> QuerySet:
    # Only the figures of the reporting level: a parent's own total is never
    # added to its children's.
    return _as_stored(as_of).filter(
        indicator=indicator,
        report__division__level=F("indicator__assignment__level"),
        report__period=period,
        report__division__path__startswith=division.path,
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
class _Combined:
    """Figures of several divisions, combined by an indicator's rule."""

    total: Decimal = Decimal(0)
    count: int = 0
    largest: Decimal | None = None

    def add(self, value: Decimal) -> None:
        self.add_part(value, 1, value)

    def add_part(self, total: Decimal, count: int, largest: Decimal) -> None:
        """Adds `count` figures combined already: their sum and the largest."""
        self.total += total
        self.count += count
        self.largest = largest if self.largest is None else max(self.largest, largest)

    def result(self, rule: str) -> Decimal | None:
        if rule == AcrossDivisions.MAXIMUM:
            return self.largest
        if rule == AcrossDivisions.MEAN:
            return self.total / self.count
        return self.total


def _ancestor_paths(path: str) -> list[str]:
    """ "/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"]; a path cut short gives only
    its whole steps: "/a/b/c" → ["/a/", "/a/b/"]."""
    return [path[: i + 1] for i, char in enumerate(path) if char == "/" and i > 0]


# The reduced figures (indicator id, reporting division's path, figure)
# combined for each branch: the path cut at a given length. A sum is taken as
# whole units plus millionths (the stored precision), each added up as an
# integer: exact on SQLite too, which keeps decimals as floats and adds them as
# floats. (CAST rounds on PostgreSQL and truncates on SQLite; either way the two
# parts make up the figure.)
_BRANCHES = """
WITH reduced (indicator_id, path, figure) AS ({reduced})
SELECT indicator_id, SUBSTR(path, 1, %s),
       SUM(CAST(figure AS BIGINT)),
       SUM(CAST(ROUND((figure - CAST(figure AS BIGINT)) * 1000000) AS BIGINT)),
       COUNT(*), MAX(figure)
  FROM reduced GROUP BY 1, 2"""
# SQLite returns the largest figure as a float: it is read as Django reads a
# stored decimal, to 15 significant digits and six places.
_FROM_FLOAT = Context(prec=15).create_decimal_from_float


def _branches(reduced: QuerySet, length: int) -> list[tuple[int, str, Decimal, int, Decimal]]:
    """Each (indicator id, branch)'s sum, count and largest of the figures
    `reduced` gives, in one statement. Django cannot aggregate the rows of a
    grouped or window-filtered query in an outer query, so that query is
    written around the statement Django compiles. (The ORM's ways round it
    cost more: the latest figures picked by id with `pk__in`, and a flow
    grouped once with COUNT(DISTINCT), took up to 1.8 times the hand-written
    SQL's time on PostgreSQL; and a flow's largest needs each division's sum.)"""
    connection = connections[reduced.db]
    inner, params = reduced.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(_BRANCHES.format(reduced=inner), (*params, length))
        return [
            (
                indicator_id,
                branch,
                Decimal(whole) + Decimal(millionths).scaleb(-6),
                count,
                largest
                if isinstance(largest, Decimal)
                else _FROM_FLOAT(largest).quantize(SIX_PLACES),
            )
            for indicator_id, branch, whole, millionths, count, largest in cursor.fetchall()
        ]


def totals(
    *,
    indicators: list[Indicator],
    divisions: list[Division],
    year: int,
    up_to: date,
    as_of: datetime | None = None,
) -> dict[tuple[int, int], Decimal]:
    """Each indicator's total from 1 January of `year` to `up_to` for each
    division's subtree, in base units, keyed by (indicator id, division id);
    a pair with no figures is absent. A fixed number of queries, however many
    divisions.

    In the database, figures are reduced over time for each reporting division
    (the latest figure of a cumulative or a level indicator, the sum of a
    flow), then combined for each branch at the depth of the deepest division
    asked for (sum, count, largest); those partial results are added up the
    tree here and combined by the indicator's rule. With `as_of`, from the
    figures as they were stored at that moment. One query for the assignments,
    then one for each kind of indicator (same level, frequency and rule over
    time): usually three in all."""
    if not indicators or not divisions:
        return {}
    common = os.path.commonprefix([d.path for d in divisions])
    stored = _as_stored(as_of).filter(
        report__period__starts_on__year=year,
        report__period__starts_on__lte=up_to,
        report__division__path__startswith=common[: common.rfind("/") + 1],
    )
    # Indicators reported at the same level and frequency and reduced over time
    # the same way share a query, whose conditions are then plain constants.
    groups: dict[tuple[str, str, bool], list[int]] = {}
    for indicator_id, level, frequency, over_time in Assignment.objects.filter(
        indicator_id__in=[i.pk for i in indicators]
    ).values_list("indicator_id", "level", "frequency", "indicator__over_time"):
        key = (level, frequency, over_time == OverTime.FLOW)
        groups.setdefault(key, []).append(indicator_id)
    # Paths end in "/", so a division asked for lies above a reporting division
    # exactly when it lies above that division's path cut at the deepest
    # asked-for division's length.
    depth = max(len(d.path) for d in divisions)
    parts: list[tuple[int, str, Decimal, int, Decimal]] = []
    for (level, frequency, is_flow), indicator_ids in groups.items():
        figures = stored.filter(
            indicator_id__in=indicator_ids,
            report__division__level=level,
            report__period__frequency=frequency,
        )
        if is_flow:
            reduced = figures.values_list("indicator_id", "report__division__path").annotate(
                reduced=Sum("value")
            )
        else:
            reduced = (
                figures.annotate(
                    rank=Window(
                        RowNumber(),
                        partition_by=[F("indicator_id"), F("report__division_id")],
                        order_by=F("report__period__starts_on").desc(),
                    )
                )
                .filter(rank=1)
                .values_list("indicator_id", "report__division__path", "value")
            )
        parts.extend(_branches(reduced, depth))
    wanted = {d.path: d.pk for d in divisions}
    # Each branch counts towards the asked-for divisions above it; worked out
    # once per branch, not once per indicator.
    towards: dict[str, list[int]] = {}
    combined: dict[tuple[int, int], _Combined] = {}
    for indicator_id, branch, total, count, largest in parts:
        if branch not in towards:
            towards[branch] = [wanted[a] for a in _ancestor_paths(branch) if a in wanted]
        for division_id in towards[branch]:
            pair = (indicator_id, division_id)
            if pair not in combined:
                combined[pair] = _Combined()
            combined[pair].add_part(total, count, largest)
    rules = {i.pk: i.across_divisions for i in indicators}
    return {
        key: result
        for key, parts in combined.items()
        if (result := parts.result(rules[key[0]])) is not None
    }


def figures_counted(
    *,
    indicators: list[Indicator],
    division: Division,
    year: int,
    up_to: date,
    rows: bool = False,
) -> Any:
    """Exactly the reported figures `totals` adds up for `division`: those of
    the reporting level in its subtree, in periods of `year` begun by `up_to`;
    for an indicator whose figures run to date (cumulative or level), only the
    latest of each reporting division. How many per indicator (one query for
    each kind of indicator), or with `rows` the figures themselves."""
    figures = DataValue.objects.filter(
        report__division__level=F("indicator__assignment__level"),
        report__period__frequency=F("indicator__assignment__frequency"),
        report__division__path__startswith=division.path,
        report__period__starts_on__year=year,
        report__period__starts_on__lte=up_to,
    )
    flows = [i for i in indicators if i.over_time == OverTime.FLOW]
    to_date = [i for i in indicators if i.over_time != OverTime.FLOW]
    if rows:
        latest = figures.filter(indicator__in=to_date).annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("indicator_id"), F("report__division_id")],
                order_by=F("report__period__starts_on").desc(),
            )
        )
        found = [
            figure
            for part in (figures.filter(indicator__in=flows), latest.filter(rank=1))
            for figure in part.select_related("report__division", "report__period")
        ]
        return sorted(found, key=lambda f: (f.report.division.code, f.report.period.starts_on))
    # The latest figure of each reporting division: as many as the divisions.
    counted = [
        (flows, Count("id")),
        (to_date, Count("report__division", distinct=True)),
    ]
    return {
        row["indicator_id"]: row["n"]
        for chosen, count in counted
        if chosen
        for row in figures.filter(indicator__in=chosen).values("indicator_id").annotate(n=count)
    }


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

    # For a total checked against the figures of the divisions below.
    checks_children: bool = False
    children_total: Decimal | None = None
    children_reported: int = 0
    children_expected: int = 0

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def differs_from_children(self) -> bool:
        return (
            self.checks_children
            and self.value is not None
            and self.children_total is not None
            and self.value != self.children_total
        )


def _shown(value: Decimal | None, unit: Unit) -> Decimal | None:
    return None if value is None else from_base(value, unit)


def previous_period(period: Period) -> Period | None:
    return (
        Period.objects.filter(frequency=period.frequency, ends_on__lt=period.starts_on)
        .order_by("-starts_on")
        .first()
    )


def assignments_reported_at(division: Division, period: Period) -> QuerySet[Assignment]:
    """The indicators a division enters for a period: those of its level, and
    the totals it checks against the divisions below it."""
    return (
        Assignment.objects.filter(frequency=period.frequency)
        .filter(
            Q(level=division.level)
            | Q(level__in=levels_below(division.level)) & ~Q(parent_check=ParentCheck.OFF)
        )
        .select_related("indicator__unit")
        .order_by("indicator__programme__order", "indicator_id")
    )


@dataclass(frozen=True)
class ChildrenTotal:
    total: Decimal | None
    reported: int


def children_figures(
    *, parents: list[int], periods: list[int], indicators: list[int]
) -> QuerySet[DataValue, tuple[int | None, int, int, int, Decimal]]:
    """The figures of the divisions directly below `parents` (ids) in these
    periods, as (parent id, period id, indicator id, division id, value)."""
    return DataValue.objects.filter(
        report__division__parent_id__in=parents,
        report__period_id__in=periods,
        indicator_id__in=indicators,
    ).values_list(
        "report__division__parent_id",
        "report__period_id",
        "indicator_id",
        "report__division_id",
        "value",
    )


def children_combined(values: Iterable[Decimal], rule: str) -> ChildrenTotal | None:
    """The figures of the divisions below, combined by the indicator's rule;
    None when none has reported."""
    parts = _Combined()
    for value in values:
        parts.add(value)
    if not parts.count:
        return None
    total = parts.result(rule)
    # Stored figures keep six decimals; so does their combination (a mean).
    return ChildrenTotal(
        total=None if total is None else total.quantize(SIX_PLACES), reported=parts.count
    )


def children_totals(
    *, division: Division, period: Period, indicators: list[Indicator]
) -> dict[int, ChildrenTotal]:
    """What the divisions directly below reported for each indicator, combined
    by the indicator's rule, and how many of them reported: one query."""
    if not indicators:
        return {}
    below: dict[int, list[Decimal]] = {}
    for _parent, _period, indicator_id, _division, value in children_figures(
        parents=[division.pk], periods=[period.pk], indicators=[i.pk for i in indicators]
    ):
        below.setdefault(indicator_id, []).append(value)
    rules = {i.pk: i.across_divisions for i in indicators}
    return {
        indicator_id: combined
        for indicator_id, values in below.items()
        if (combined := children_combined(values, rules[indicator_id])) is not None
    }


def earlier_figures(
    *, period: Period, divisions: list[int], indicators: list[int]
) -> QuerySet[DataValue, tuple[int, int, str, date, Decimal]]:
    """For each of `divisions` × `indicators` (ids), the figure of the latest
    period before `period` in the same year and of the same frequency, as
    (division id, indicator id, period code, period start, value): what a
    year-to-date figure may not fall below. One query."""
    return (
        DataValue.objects.filter(
            indicator_id__in=indicators,
            report__division_id__in=divisions,
            report__period__frequency=period.frequency,
            report__period__starts_on__year=period.starts_on.year,
            report__period__ends_on__lt=period.starts_on,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("report__division_id"), F("indicator_id")],
                order_by=F("report__period__starts_on").desc(),
            )
        )
        .filter(rank=1)
        .values_list(
            "report__division_id",
            "indicator_id",
            "report__period__code",
            "report__period__starts_on",
            "value",
        )
    )


def is_earlier_in_year(candidate: Period, period: Period) -> bool:
    """Whether `earlier_figures` looks at figures of `candidate` for `period`:
    the same condition, for figures not stored yet."""
    return (
        candidate.frequency == period.frequency
        and candidate.starts_on.year == period.starts_on.year
        and candidate.ends_on < period.starts_on
    )


def report_form_rows(*, division: Division, period: Period) -> list[FormRow]:
    """Every indicator the division enters for this period, with its value,
    this year's target, the previous period's value and, for a checked total,
    the figures below: five queries."""
    assignments = list(assignments_reported_at(division, period))
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
    checked = [a.indicator for a in assignments if a.level != division.level]
    below = children_totals(division=division, period=period, indicators=checked)
    expected = division.children.filter(is_active=True).count() if checked else 0
    rows = []
    for assignment in assignments:
        unit, key = assignment.indicator.unit, assignment.indicator_id
        stored = current.get(key)
        children = below.get(key, ChildrenTotal(total=None, reported=0))
        rows.append(
            FormRow(
                assignment=assignment,
                value=_shown(stored.value if stored else None, unit),
                comment=stored.comment if stored else "",
                version=stored.version if stored else None,
                target=_shown(targets.get(key), unit),
                previous=_shown(previous.get(key), unit),
                checks_children=assignment.level != division.level,
                children_total=_shown(children.total, unit),
                children_reported=children.reported,
                children_expected=expected,
            )
        )
    return rows


def reports_below(*, division: Division, period: Period) -> list[tuple[Division, Report | None]]:
    """The divisions directly below, each with its report for the period if
    one was started: two queries."""
    children = list(division.children.filter(is_active=True).order_by("code"))
    reports = {
        r.division_id: r for r in Report.objects.filter(division__in=children, period=period)
    }
    return [(child, reports.get(child.pk)) for child in children]


@dataclass(frozen=True)
class OpenForm:
    division: Division
    period: Period
    report: Report | None


def forms_open(*, divisions: QuerySet[Division], today: date, limit: int = 200) -> list[OpenForm]:
    """The entry forms of `divisions` still open on `today`: each division at a
    level that enters an indicator × each period of that indicator's frequency
    that has begun and not yet closed for entry. Four queries."""
    levels: dict[str, set[str]] = {}
    closes_after: dict[str, int] = {}
    for assignment in Assignment.objects.all():
        entering = {assignment.level}
        if assignment.parent_check != ParentCheck.OFF:
            entering |= {level for level in LEVEL_ORDER if is_above(level, assignment.level)}
        levels.setdefault(assignment.frequency, set()).update(entering)
        closes_after[assignment.frequency] = max(
            closes_after.get(assignment.frequency, 0), assignment.closes_after_days
        )
    periods = [
        period
        for period in Period.objects.filter(frequency__in=levels, starts_on__lte=today).order_by(
            "-starts_on"
        )
        if period.ends_on + timedelta(days=closes_after[period.frequency]) >= today
    ]
    all_levels = set().union(*levels.values()) if levels else set()
    candidates = list(
        divisions.filter(is_active=True, level__in=all_levels).order_by("code")[:limit]
    )
    reports = {
        (r.division_id, r.period_id): r
        for r in Report.objects.filter(division__in=candidates, period__in=periods)
    }
    forms = [
        OpenForm(division, period, reports.get((division.pk, period.pk)))
        for period in periods
        for division in candidates
        if division.level in levels[period.frequency]
    ]
    return forms[:limit]


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
