"""Entering figures and moving reports through draft → submitted → approved.

Every change of a value and every submit, approve, return and unlock leaves an
audit event in the same transaction; a value saved from a stale copy is refused
with the value that is stored now.
"""

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from luodi.core.errors import at_most_listed
from luodi.core.models import AuditEvent
from luodi.core.services import _plain, _real_user, mark_history, record_save
from luodi.divisions.models import Division
from luodi.divisions.permissions import can_approve, can_report, can_unlock
from luodi.plan.choices import OverTime
from luodi.plan.models import Indicator, Target
from luodi.plan.units import from_base, to_base

from .choices import EDITABLE_STATUSES, Frequency, ParentCheck, ReportStatus
from .models import Assignment, DataValue, Period, Report
from .selectors import (
    ChildrenTotal,
    assignments_reported_at,
    children_combined,
    children_figures,
    children_totals,
    earlier_figures,
    is_earlier_in_year,
)


class ValueConflict(Exception):
    """Someone saved the value after the copy being edited was read."""

    def __init__(self, current: DataValue):
        self.current = current
        shown = from_base(current.value, current.indicator.unit)
        super().__init__(
            _("Someone else saved %(value)s %(unit)s here after you opened the form.")
            % {"value": shown, "unit": current.indicator.unit.symbol}
        )


def assignment_save(
    *,
    assignment: Assignment | None = None,
    indicator: Indicator,
    level: str,
    frequency: str,
    closes_after_days: int = 10,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
    comment_above_target_factor: Decimal | None = Decimal(2),
    parent_check: str = "off",
    acting_user: Any,
) -> tuple[Assignment, dict]:
    """Say which level reports an indicator, how often, and by which rules."""
    return record_save(
        instance=assignment or Assignment(),
        fields={
            "indicator": indicator,
            "level": level,
            "frequency": frequency,
            "closes_after_days": closes_after_days,
            "minimum": minimum,
            "maximum": maximum,
            "comment_above_target_factor": comment_above_target_factor,
            "parent_check": parent_check,
        },
        acting_user=acting_user,
        action_prefix="reporting.assignment",
    )


def _period_bounds(frequency: str, day: date) -> tuple[str, date, date]:
    """The code, first and last day of the period of this frequency holding `day`."""
    if frequency == Frequency.MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return f"{day.year}-{day.month:02d}", day.replace(day=1), day.replace(day=last)
    if frequency == Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3
        last_month = quarter * 3 + 3
        return (
            f"{day.year}-Q{quarter + 1}",
            date(day.year, quarter * 3 + 1, 1),
            date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
        )
    if frequency == Frequency.YEARLY:
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValidationError({"frequency": _("Unknown frequency “%(value)s”.") % {"value": frequency}})


def _period_create(period: Period, frequency: str, day: date, acting_user: Any) -> Period:
    code, starts, ends = _period_bounds(frequency, day)
    period, _changes = record_save(
        instance=period,
        fields={"code": code, "frequency": frequency, "starts_on": starts, "ends_on": ends},
        acting_user=acting_user,
        action_prefix="reporting.period",
    )
    return period


def period_containing(*, frequency: str, day: date, acting_user: Any = None) -> Period:
    """The period of this frequency that contains `day`, created (and audited)
    on first use."""
    code, _starts, _ends = _period_bounds(frequency, day)
    existing = Period.objects.filter(code=code).first()
    return existing or _period_create(Period(), frequency, day, acting_user)


@transaction.atomic
def period_open(
    *, period: Period | None = None, frequency: str, starts_on: date, acting_user: Any
) -> Period:
    """Open the period of this frequency that holds `starts_on` (any day in it).
    A period does not change once it is open."""
    if period is not None and period.pk:
        raise ValidationError(_("A period does not change once it is open."))
    period_open_check(frequency=frequency, starts_on=starts_on)
    return _period_create(period or Period(), frequency, starts_on, acting_user)


def period_open_check(*, frequency: str, starts_on: date) -> None:
    """Refuse to open a period that is open already (also used by the admin form)."""
    code, _starts, _ends = _period_bounds(frequency, starts_on)
    if Period.objects.filter(code=code).exists():
        raise ValidationError(
            {"starts_on": _("The period %(code)s is open already.") % {"code": code}}
        )


FIRST_YEAR, LAST_YEAR = 2000, 2100


@transaction.atomic
def periods_open_year(*, year: int, acting_user: Any) -> list[Period]:
    """The twelve months, four quarters and the year itself, each created (and
    audited) unless it exists."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("%(year)d is not a year between %(first)d and %(last)d.")
                % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    days = [
        *((Frequency.MONTHLY, date(year, month, 1)) for month in range(1, 13)),
        *((Frequency.QUARTERLY, date(year, month, 1)) for month in (1, 4, 7, 10)),
        (Frequency.YEARLY, date(year, 1, 1)),
    ]
    return [
        period_containing(frequency=frequency, day=day, acting_user=acting_user)
        for frequency, day in days
    ]


@transaction.atomic
def report_open(*, division: Division, period: Period, acting_user: Any) -> Report:
    """The division's report for the period, started as a draft on first use."""
    if not can_report(acting_user, division):
        raise PermissionDenied
    report = Report.objects.filter(division=division, period=period).first()
    if report is None:
        report, _changes = record_save(
            instance=Report(),
            fields={"division": division, "period": period, "status": ReportStatus.DRAFT},
            acting_user=acting_user,
            action_prefix="reporting.report",
        )
    return report


def lock_reason(*, report: Report, assignment: Assignment, today: date) -> str | None:
    """Why the value cannot be changed now, in words for the form; None if it can."""
    if report.status == ReportStatus.APPROVED:
        return _("Approved: ask the task-force administrator above to unlock it.")
    if report.status == ReportStatus.SUBMITTED:
        return _("Submitted and waiting for approval.")
    closes_on = report.period.ends_on + timedelta(days=assignment.closes_after_days)
    if today > closes_on:
        return _("Entry for %(period)s closed on %(date)s.") % {
            "period": report.period.code,
            "date": closes_on.isoformat(),
        }
    return None


def _assignment_for(report: Report, indicator: Indicator) -> Assignment:
    assignment = Assignment.objects.filter(indicator=indicator).first()
    if (
        assignment is None
        or not assignment.reported_at(report.division.level)
        or assignment.frequency != report.period.frequency
    ):
        raise ValidationError(
            {
                "indicator": _("%(division)s does not report “%(indicator)s” for %(period)s.")
                % {
                    "division": report.division.name,
                    "indicator": indicator.name,
                    "period": report.period.code,
                }
            }
        )
    return assignment


def _checks_children(assignment: Assignment, division: Division) -> bool:
    """Whether a division's own total must match its children's figures before
    it is saved."""
    return assignment.parent_check == ParentCheck.BLOCK and assignment.level != division.level


class _RuleFacts(NamedTuple):
    """What the rules hold a figure against, read beforehand: the latest
    earlier figure of a year-to-date indicator as (period code, value), the
    divisions below for a checked total, and this year's target."""

    earlier: tuple[str, Decimal] | None = None
    below: ChildrenTotal | None = None
    target: Decimal | None = None


def _rule_errors(
    *,
    division: Division,
    indicator: Indicator,
    assignment: Assignment,
    value: Decimal,
    comment: str,
    facts: _RuleFacts,
) -> dict[str, str]:
    """Why a figure breaks the assignment's rules, by field; empty if it
    does not. The same rules for a figure typed in a form and one imported."""
    unit = indicator.unit
    errors: dict[str, str] = {}
    if assignment.minimum is not None and value < assignment.minimum:
        errors["value"] = _("Must be at least %(limit)s %(unit)s.") % {
            "limit": from_base(assignment.minimum, unit),
            "unit": unit.symbol,
        }
    elif assignment.maximum is not None and value > assignment.maximum:
        errors["value"] = _("Must be at most %(limit)s %(unit)s.") % {
            "limit": from_base(assignment.maximum, unit),
            "unit": unit.symbol,
        }
    if (
        indicator.over_time == OverTime.CUMULATIVE
        and "value" not in errors
        and facts.earlier is not None
        and value < facts.earlier[1]
    ):
        errors["value"] = _(
            "A year-to-date figure cannot fall: %(period)s had %(earlier)s %(unit)s."
        ) % {
            "period": facts.earlier[0],
            "earlier": from_base(facts.earlier[1], unit),
            "unit": unit.symbol,
        }
    if _checks_children(assignment, division) and "value" not in errors:
        mismatch = _children_mismatch(indicator=indicator, value=value, below=facts.below)
        if mismatch:
            errors["value"] = mismatch
    factor = assignment.comment_above_target_factor
    target = facts.target
    if factor and target and value > target * factor and not comment:
        errors["comment"] = _(
            "More than %(factor)s× this year's target of %(target)s %(unit)s: say why in a comment."
        ) % {
            "factor": factor.normalize(),
            "target": from_base(target, unit),
            "unit": unit.symbol,
        }
    return errors


def _check_rules(
    *, report: Report, indicator: Indicator, assignment: Assignment, value: Decimal, comment: str
) -> None:
    """The rules for one figure, with what they need read for it alone."""
    division, period = report.division, report.period
    earlier = None
    if indicator.over_time == OverTime.CUMULATIVE:
        found = earlier_figures(period=period, divisions=[division.pk], indicators=[indicator.pk])
        earlier = next(((code, stored) for *_keys, code, _starts, stored in found), None)
    below = None
    if _checks_children(assignment, division):
        below = children_totals(division=division, period=period, indicators=[indicator]).get(
            indicator.pk
        )
    target = (
        Target.objects.filter(indicator=indicator, division=division, year=period.starts_on.year)
        .values_list("value", flat=True)
        .first()
    )
    errors = _rule_errors(
        division=division,
        indicator=indicator,
        assignment=assignment,
        value=value,
        comment=comment,
        facts=_RuleFacts(earlier=earlier, below=below, target=target),
    )
    if errors:
        raise ValidationError(errors)


def _children_mismatch(
    *, indicator: Indicator, value: Decimal, below: ChildrenTotal | None
) -> str | None:
    """Why a division's own total cannot stand against its children's figures
    (`below`, None when none has reported)."""
    unit = indicator.unit
    if below is None:
        return _("No division below has reported this figure yet.")
    total = below.total
    if total == value:
        return None
    return _("The divisions below add up to %(total)s %(unit)s, not %(value)s %(unit)s.") % {
        "total": from_base(total, unit) if total is not None else "—",
        "value": from_base(value, unit),
        "unit": unit.symbol,
    }


def _check_version(current: DataValue | None, expected_version: int | None) -> None:
    """Refuse a figure written from a copy read before someone else's save."""
    if current is not None and current.version != expected_version:
        raise ValueConflict(current)
    if current is None and expected_version is not None:
        raise ValidationError(_("This figure was removed after you opened the form."), code="stale")


@transaction.atomic
def value_save(
    *,
    report: Report,
    indicator: Indicator,
    value: Decimal,
    comment: str = "",
    expected_version: int | None,
    acting_user: Any,
    today: date | None = None,
) -> DataValue:
    """Save one figure (in base units). `expected_version` is the version the
    user's copy was read at (None for a figure not yet entered)."""
    if not can_report(acting_user, report.division):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    assignment = _assignment_for(report, indicator)
    reason = lock_reason(report=report, assignment=assignment, today=today or timezone.localdate())
    if reason:
        raise ValidationError(reason, code="locked")
    current = (
        DataValue.objects.select_for_update()
        .select_related("indicator__unit")
        .filter(report=report, indicator=indicator)
        .first()
    )
    _check_version(current, expected_version)
    _check_rules(
        report=report, indicator=indicator, assignment=assignment, value=value, comment=comment
    )
    fields: dict[str, Any] = {
        "report": report,
        "indicator": indicator,
        "value": value,
        "comment": comment,
    }
    if current is not None:
        if current.value == value and current.comment == comment:
            return current
        fields["version"] = current.version + 1
    saved, _changes = record_save(
        instance=current or DataValue(),
        fields=fields,
        acting_user=acting_user,
        action_prefix="reporting.value",
    )
    return saved


def _move(report: Report, *, to: str, reason: str, action: str, acting_user: Any) -> Report:
    report, _changes = record_save(
        instance=report,
        fields={"status": to, "status_reason": reason},
        acting_user=acting_user,
        action_prefix="reporting.report",
        action=action,
    )
    return report


def _refuse_unless(report: Report, statuses: set[str]) -> None:
    if report.status not in statuses:
        raise ValidationError(
            {
                "status": _("This report is “%(status)s”; that cannot be done now.")
                % {"status": report.get_status_display()}
            }
        )


def _refuse_unless_children_ready(report: Report) -> None:
    """A total checked against the divisions below goes up only after their
    reports were approved, level by level, and while the blocking checks hold."""
    checked = [
        assignment
        for assignment in assignments_reported_at(report.division, report.period)
        if assignment.level != report.division.level
    ]
    if not checked:
        return
    approved = set(
        Report.objects.filter(
            division__parent=report.division, period=report.period, status=ReportStatus.APPROVED
        ).values_list("division_id", flat=True)
    )
    waiting = [
        child.name
        for child in report.division.children.filter(is_active=True).order_by("code")
        if child.pk not in approved
    ]
    if waiting:
        raise ValidationError(
            _("Approve the reports of the divisions below first; not yet approved: %(names)s.")
            % {"names": _(", ").join(waiting)}
        )
    stored = {v.indicator_id: v.value for v in report.values.all()}
    blocking = [
        a.indicator
        for a in checked
        if a.parent_check == ParentCheck.BLOCK and a.indicator_id in stored
    ]
    # The children's totals of every blocking indicator in one query.
    below = children_totals(division=report.division, period=report.period, indicators=blocking)
    for indicator in blocking:
        mismatch = _children_mismatch(
            indicator=indicator, value=stored[indicator.pk], below=below.get(indicator.pk)
        )
        if mismatch:
            raise ValidationError(f"{indicator.name}: {mismatch}")


@transaction.atomic
def report_submit(*, report: Report, acting_user: Any) -> Report:
    if not can_report(acting_user, report.division):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_unless(report, set(EDITABLE_STATUSES))
    if not report.values.exists():
        raise ValidationError(_("Enter at least one figure before submitting."))
    _refuse_unless_children_ready(report)
    return _move(
        report,
        to=ReportStatus.SUBMITTED,
        reason="",
        action="reporting.report.submitted",
        acting_user=acting_user,
    )


@transaction.atomic
def report_approve(*, report: Report, acting_user: Any) -> Report:
    if not can_approve(acting_user, report.division):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_unless(report, {ReportStatus.SUBMITTED})
    return _move(
        report,
        to=ReportStatus.APPROVED,
        reason="",
        action="reporting.report.approved",
        acting_user=acting_user,
    )


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"status_reason": _("Give the reason.")})
    return reason


@transaction.atomic
def report_return(*, report: Report, reason: str, acting_user: Any) -> Report:
    if not can_approve(acting_user, report.division):
        raise PermissionDenied
    reason = _required_reason(reason)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_unless(report, {ReportStatus.SUBMITTED})
    return _move(
        report,
        to=ReportStatus.RETURNED,
        reason=reason,
        action="reporting.report.returned",
        acting_user=acting_user,
    )


@transaction.atomic
def report_unlock(*, report: Report, reason: str, acting_user: Any) -> Report:
    if not can_unlock(acting_user, report.division):
        raise PermissionDenied
    reason = _required_reason(reason)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_unless(report, {ReportStatus.APPROVED})
    return _move(
        report,
        to=ReportStatus.DRAFT,
        reason=reason,
        action="reporting.report.unlocked",
        acting_user=acting_user,
    )


@dataclass(frozen=True)
class RowProblem:
    """Why one row of an imported file was refused. `same_as` is the earlier
    row a duplicate repeats."""

    row: int
    column: str
    message: str
    same_as: int | None = None

    def __str__(self) -> str:
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ValuesImportRefused(Exception):
    """The file was refused; `errors` name row, column and reason (at most the
    first fifty, then a count), `problems` hold every refusal as data. Nothing
    was saved."""

    def __init__(self, errors: list[str], problems: list[RowProblem] | None = None):
        super().__init__("\n".join(errors))
        self.errors = errors
        self.problems = problems or []


@dataclass(frozen=True)
class FigureChange:
    """One figure an import wrote, or in a dry run would write, in the
    indicator's display unit; `old_value` is None for a new figure."""

    row: int
    indicator: str
    division: str
    period: str
    unit: str
    old_value: Decimal | None
    new_value: Decimal
    old_comment: str
    new_comment: str


@dataclass
class ValuesImportReport:
    saved: int = 0
    unchanged: int = 0
    # Rows with no value, which an import skips.
    blank: int = 0
    changes: list[FigureChange] = field(default_factory=list)


def _refused(problems: list[RowProblem]) -> ValuesImportRefused:
    return ValuesImportRefused(at_most_listed([str(p) for p in problems]), problems)


def _checked_rows(figures: list, acting_user: Any) -> tuple[list[tuple], list[RowProblem]]:
    """Every row checked before anything is written: codes, scope, numbers,
    duplicates, and whether the division reports that indicator."""
    divisions = {
        d.code: d for d in Division.objects.active().filter(code__in={f.division for f in figures})
    }
    periods = {p.code: p for p in Period.objects.filter(code__in={f.period for f in figures})}
    indicators = {
        i.code: i
        for i in Indicator.objects.select_related("unit").filter(
            code__in={f.indicator for f in figures}
        )
    }
    assignments = {
        a.indicator_id: a for a in Assignment.objects.filter(indicator__in=indicators.values())
    }
    problems: list[RowProblem] = []
    rows: list[tuple] = []
    seen: dict[tuple[str, str, str], int] = {}

    def fail(figure, column: str, message: str, same_as: int | None = None) -> None:
        problems.append(RowProblem(figure.row, column, message, same_as))

    reportable = {division.pk: can_report(acting_user, division) for division in divisions.values()}
    for figure in figures:
        division = divisions.get(figure.division)
        # Out of scope reads as unknown, so a file cannot probe for divisions.
        if division is None or not reportable[division.pk]:
            fail(
                figure,
                "division",
                _("No division you report for has the code “%(code)s”.")
                % {"code": figure.division},
            )
            continue
        period, indicator = periods.get(figure.period), indicators.get(figure.indicator)
        if period is None:
            fail(figure, "period", _("No period “%(code)s”.") % {"code": figure.period})
            continue
        if indicator is None:
            fail(figure, "indicator", _("No indicator “%(code)s”.") % {"code": figure.indicator})
            continue
        assignment = assignments.get(indicator.pk)
        if (
            assignment is None
            or not assignment.reported_at(division.level)
            or assignment.frequency != period.frequency
        ):
            fail(
                figure,
                "indicator",
                _("%(division)s does not report “%(indicator)s” for %(period)s.")
                % {"division": division.name, "indicator": indicator.name, "period": period.code},
            )
            continue
        key = (figure.indicator, figure.division, figure.period)
        if key in seen:
            fail(
                figure,
                "indicator",
                _("The same figure as row %(row)d.") % {"row": seen[key]},
                same_as=seen[key],
            )
            continue
        seen[key] = figure.row
        if not figure.value:
            continue
        try:
            value = Decimal(figure.value.replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            fail(figure, "value", _("“%(value)s” is not a number.") % {"value": figure.value})
            continue
        version = int(figure.version) if figure.version.isdigit() else None
        rows.append((figure, division, period, indicator, to_base(value, indicator.unit), version))
    return rows, problems


# Files with at least this many figures are written in bulk, smaller ones
# figure by figure through value_save; both give the same result.
BULK_IMPORT_FROM = 100
# Ids a query names at once, well under SQLite's limit of bound parameters.
IDS_PER_QUERY = 500
# Rows an insert writes at once, and an update: bulk_update names each row in
# a CASE, which the database reads through for every row it changes.
ROWS_PER_WRITE = 1000
ROWS_PER_UPDATE = 200


@transaction.atomic
def values_import(
    *, figures: list, acting_user: Any, today: date | None = None, dry_run: bool = False
) -> ValuesImportReport:
    """Write the figures of a filled template or CSV, all or none.

    A row with a `version` is refused if the stored figure has moved on since;
    a row without one (a hand-made CSV) replaces the stored figure. A figure
    equal to the stored one is left alone, so the same file twice changes nothing.
    The report lists every figure written (in a dry run: that would be written),
    with its stored and its new value in the indicator's display unit.

    Each row is checked as value_save checks a figure (scope, lock, version,
    rules), in the order of the file, so a row sees the figures of the rows
    above it; a large file is checked and written in bulk, with the same result.
    """
    rows, problems = _checked_rows(figures, acting_user)
    if problems:
        raise _refused(problems)
    outcome = ValuesImportReport(blank=len(figures) - len(rows))
    today = today or timezone.localdate()
    # The history and audit rows of figures inserted in bulk need their new ids.
    if len(rows) >= BULK_IMPORT_FROM and connection.features.can_return_rows_from_bulk_insert:
        problems = _import_in_bulk(
            rows, outcome, acting_user=acting_user, today=today, dry_run=dry_run
        )
    else:
        problems = _import_row_by_row(rows, outcome, acting_user=acting_user, today=today)
    if problems:
        raise _refused(problems)
    if dry_run:
        transaction.set_rollback(True)
    return outcome


def _problems(row: int, error: ValueConflict | ValidationError) -> list[RowProblem]:
    if isinstance(error, ValueConflict):
        return [RowProblem(row, "value", str(error))]
    return [
        RowProblem(row, column, " ".join(messages))
        for column, messages in getattr(error, "message_dict", {"value": error.messages}).items()
    ]


def _change(
    figure: Any,
    division: Division,
    period: Period,
    indicator: Indicator,
    stored: DataValue | None,
    value: Decimal,
) -> FigureChange:
    unit = indicator.unit
    return FigureChange(
        row=figure.row,
        indicator=indicator.code,
        division=division.code,
        period=period.code,
        unit=unit.symbol,
        old_value=from_base(stored.value, unit) if stored else None,
        new_value=from_base(value, unit),
        old_comment=stored.comment if stored else "",
        new_comment=figure.comment,
    )


def _import_row_by_row(
    rows: list[tuple], outcome: ValuesImportReport, *, acting_user: Any, today: date
) -> list[RowProblem]:
    """Each figure through value_save, in a savepoint of its own."""
    problems: list[RowProblem] = []
    for figure, division, period, indicator, value, version in rows:
        try:
            with transaction.atomic():
                target = report_open(division=division, period=period, acting_user=acting_user)
                stored = DataValue.objects.filter(report=target, indicator=indicator).first()
                if stored and stored.value == value and stored.comment == figure.comment:
                    outcome.unchanged += 1
                    continue
                value_save(
                    report=target,
                    indicator=indicator,
                    value=value,
                    comment=figure.comment,
                    expected_version=version
                    if version is not None
                    else (stored.version if stored else None),
                    acting_user=acting_user,
                    today=today,
                )
                outcome.saved += 1
                outcome.changes.append(_change(figure, division, period, indicator, stored, value))
        except (ValueConflict, ValidationError) as error:
            problems.extend(_problems(figure.row, error))
    return problems


def _id_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), IDS_PER_QUERY):
        yield ordered[start : start + IDS_PER_QUERY]


class _BulkImport:
    """A large file checked against what is stored, read in a few queries
    under lock, then written in a few statements a table.

    The rows are checked one after the other in the order of the file, by the
    same functions value_save uses, against the stored figures as the rows
    above have left them: exactly what writing them one by one would check.
    """

    def __init__(self, rows: list[tuple], *, acting_user: Any, today: date):
        self.rows = rows
        self.acting_user = acting_user
        self.today = today
        self.divisions = {row[1].pk: row[1] for row in rows}
        self.periods = {row[2].pk: row[2] for row in rows}
        self.indicators = {row[3].pk: row[3] for row in rows}
        self.assignments = {
            a.indicator_id: a for a in Assignment.objects.filter(indicator__in=self.indicators)
        }
        self.reports = self._reports_locked()
        self.stored = self._values_locked()
        self.earlier = self._earlier_figures()
        self.checked_totals = {
            (division.pk, period.pk, indicator.pk)
            for _figure, division, period, indicator, _value, _version in rows
            if _checks_children(self.assignments[indicator.pk], division)
        }
        self.below = self._children_figures()
        self.targets = self._targets()
        # Figures written by the rows checked so far, for the rows below them:
        # year-to-date ones by (division, indicator) → {period id: value}, and those under
        # each checked total (parent, period, indicator) → {division id: value}.
        self.written: dict[tuple[int, int], dict[int, Decimal]] = {}
        self.written_below: dict[tuple[int, int, int], dict[int, Decimal]] = {}

    def _reports_locked(self) -> dict[tuple[int, int], Report]:
        """The reports the file writes into that exist, locked in id order."""
        divisions_by_period: dict[int, set[int]] = {}
        for _figure, division, period, *_rest in self.rows:
            divisions_by_period.setdefault(period.pk, set()).add(division.pk)
        reports = {}
        for period_id, division_ids in sorted(divisions_by_period.items()):
            for chunk in _id_chunks(division_ids):
                for report in (
                    Report.objects.select_for_update()
                    .filter(period_id=period_id, division_id__in=chunk)
                    .order_by("pk")
                ):
                    report.division = self.divisions[report.division_id]
                    report.period = self.periods[period_id]
                    reports[(report.division_id, period_id)] = report
        return reports

    def _values_locked(self) -> dict[tuple[int, int, int], DataValue]:
        """The stored figures of the file's indicators in those reports, locked,
        by (division, period, indicator)."""
        by_id = {report.pk: report for report in self.reports.values()}
        stored = {}
        for chunk in _id_chunks(by_id):
            for figure in (
                DataValue.objects.select_for_update()
                .filter(report_id__in=chunk, indicator_id__in=self.indicators)
                .order_by("pk")
            ):
                report = by_id[figure.report_id]
                figure.report = report
                figure.indicator = self.indicators[figure.indicator_id]
                stored[(report.division_id, report.period_id, figure.indicator_id)] = figure
        return stored

    def _earlier_figures(self) -> dict[tuple[int, int, int], tuple[str, date, Decimal]]:
        """For the year-to-date rows, the latest figure stored before their
        period, by (period, division, indicator)."""
        wanted: dict[int, tuple[set[int], set[int]]] = {}
        for _figure, division, period, indicator, _value, _version in self.rows:
            if indicator.over_time == OverTime.CUMULATIVE:
                divisions, indicators = wanted.setdefault(period.pk, (set(), set()))
                divisions.add(division.pk)
                indicators.add(indicator.pk)
        found = {}
        for period_id, (division_ids, indicator_ids) in wanted.items():
            period = self.periods[period_id]
            for chunk in _id_chunks(division_ids):
                for division_id, indicator_id, code, starts_on, value in earlier_figures(
                    period=period, divisions=chunk, indicators=list(indicator_ids)
                ):
                    found[(period_id, division_id, indicator_id)] = (code, starts_on, value)
        return found

    def _children_figures(self) -> dict[tuple[int | None, int, int], dict[int, Decimal]]:
        """The stored figures under each checked total in the file."""
        below: dict[tuple[int | None, int, int], dict[int, Decimal]] = {}
        if not self.checked_totals:
            return below
        periods = list({period for _division, period, _indicator in self.checked_totals})
        indicators = list({indicator for _d, _p, indicator in self.checked_totals})
        parents = {division for division, _p, _i in self.checked_totals}
        for chunk in _id_chunks(parents):
            for parent, period, indicator, division, value in children_figures(
                parents=chunk, periods=periods, indicators=indicators
            ):
                below.setdefault((parent, period, indicator), {})[division] = value
        return below

    def _targets(self) -> dict[tuple[int, int, int], Decimal]:
        """This year's targets of the rows' divisions, by (indicator, division, year)."""
        years = {period.starts_on.year for period in self.periods.values()}
        targets = {}
        for chunk in _id_chunks(self.divisions):
            for indicator_id, division_id, year, value in Target.objects.filter(
                indicator_id__in=self.indicators, division_id__in=chunk, year__in=years
            ).values_list("indicator_id", "division_id", "year", "value"):
                targets[(indicator_id, division_id, year)] = value
        return targets

    def _earlier(
        self, division_id: int, period: Period, indicator_id: int
    ) -> tuple[str, Decimal] | None:
        """What earlier_figures would read now: the stored figure, unless a row
        above wrote a later period or a new value for the same one."""
        latest = self.earlier.get((period.pk, division_id, indicator_id))
        written = self.written.get((division_id, indicator_id))
        if written:
            for period_id, value in written.items():
                candidate = self.periods[period_id]
                if is_earlier_in_year(candidate, period) and (
                    latest is None or candidate.starts_on >= latest[1]
                ):
                    latest = (candidate.code, candidate.starts_on, value)
        return None if latest is None else (latest[0], latest[2])

    def _below(
        self, division_id: int, period_id: int, indicator: Indicator
    ) -> ChildrenTotal | None:
        """What children_totals would read now, with the rows above written."""
        key = (division_id, period_id, indicator.pk)
        figures = {**self.below.get(key, {}), **self.written_below.get(key, {})}
        return children_combined(figures.values(), indicator.across_divisions)

    def check(self, outcome: ValuesImportReport) -> tuple[list[RowProblem], list[tuple]]:
        """Every row, as value_save would check it after the rows above were
        saved; the figures to write as (report, figure, changes, created)."""
        problems: list[RowProblem] = []
        writes: list[tuple] = []
        # value_save's full_clean also checks that the report and the indicator
        # exist, that the figure is the only one of its report and indicator,
        # and the version it sets: all hold here by construction, under lock,
        # and the tables' constraints stand behind them. What the file brings
        # is validated by the fields' own validators.
        from_file = {"value", "comment"}
        not_validated = {f.name for f in DataValue._meta.fields} - from_file
        for figure, division, period, indicator, value, version in self.rows:
            division_id, period_id, indicator_id = division.pk, period.pk, indicator.pk
            stored = self.stored.get((division_id, period_id, indicator_id))
            comment = figure.comment
            if stored is not None and stored.value == value and stored.comment == comment:
                outcome.unchanged += 1
                continue
            report = self.reports.get((division_id, period_id))
            if report is None:
                report = Report(division=division, period=period, status=ReportStatus.DRAFT)
                self.reports[(division_id, period_id)] = report
            assignment = self.assignments[indicator_id]
            try:
                reason = lock_reason(report=report, assignment=assignment, today=self.today)
                if reason:
                    raise ValidationError(reason, code="locked")
                _check_version(
                    stored,
                    version if version is not None else (stored.version if stored else None),
                )
                facts = _RuleFacts(
                    earlier=self._earlier(division_id, period, indicator_id)
                    if indicator.over_time == OverTime.CUMULATIVE
                    else None,
                    below=self._below(division_id, period_id, indicator)
                    if (division_id, period_id, indicator_id) in self.checked_totals
                    else None,
                    target=self.targets.get((indicator_id, division_id, period.starts_on.year)),
                )
                errors = _rule_errors(
                    division=division,
                    indicator=indicator,
                    assignment=assignment,
                    value=value,
                    comment=comment,
                    facts=facts,
                )
                if errors:
                    raise ValidationError(errors)
                change = _change(figure, division, period, indicator, stored, value)
                if stored is None:
                    fields = {"report": report, "indicator": indicator, "value": value}
                    changes = _record_changes(None, {**fields, "comment": comment})
                    written = DataValue(**fields, comment=comment)
                else:
                    changes = _record_changes(
                        stored, {"value": value, "comment": comment, "version": stored.version + 1}
                    )
                    written = stored
                    written.value, written.comment = value, comment
                    written.version += 1
                written.clean_fields(exclude=not_validated)
            except (ValueConflict, ValidationError) as error:
                problems.extend(_problems(figure.row, error))
                continue
            if indicator.over_time == OverTime.CUMULATIVE:
                self.written.setdefault((division_id, indicator_id), {})[period_id] = value
            if self.checked_totals and division.parent_id is not None:
                below = self.written_below.setdefault(
                    (division.parent_id, period_id, indicator_id), {}
                )
                below[division_id] = value
            outcome.saved += 1
            outcome.changes.append(change)
            writes.append((report, written, changes, stored is None))
        return problems, writes

    def write(self, writes: list[tuple]) -> None:
        """The new reports, the new and the changed figures, a history row for
        each and an audit event for each, in the audit log in the order of the
        file, as value_save would have written them."""
        opened = [report for report in self.reports.values() if report.pk is None]
        _created_with_history(opened, Report, self.acting_user, "reporting.report.created")
        created = [figure for _report, figure, _changes, new in writes if new]
        _figures_created(created, self.acting_user)
        updated = [(figure, changes) for _report, figure, changes, new in writes if not new]
        if updated:
            now = timezone.now()
            for figure, _changes in updated:
                figure.updated_at = now
                mark_history(figure, self.acting_user, "reporting.value.updated")
            # Every changed figure moves on one version at the same moment: one
            # statement a chunk. Only what the file changed goes through
            # bulk_update, which names each row in a CASE for each field.
            for chunk in _id_chunks(figure.pk for figure, _changes in updated):
                DataValue.objects.filter(pk__in=chunk).update(
                    version=F("version") + 1, updated_at=now
                )
            bulk_update_with_history(
                [figure for figure, _changes in updated],
                DataValue,
                [
                    name
                    for name in ("value", "comment")
                    if any(name in changes for _figure, changes in updated)
                ],
                batch_size=ROWS_PER_UPDATE,
                default_user=_real_user(self.acting_user),
                default_date=now,
            )
        actor = _real_user(self.acting_user)
        events = []
        announced = set()
        opened_ids = {report.pk for report in opened}
        for report, figure, changes, new in writes:
            if report.pk not in announced:
                announced.add(report.pk)
                if report.pk in opened_ids:
                    report_changes = _record_changes(
                        None,
                        {
                            "division": report.division,
                            "period": report.period,
                            "status": report.status,
                        },
                    )
                    events.append(
                        _audit_event(actor, "reporting.report.created", report, report_changes)
                    )
            action = "reporting.value.created" if new else "reporting.value.updated"
            events.append(_audit_event(actor, action, figure, changes))
        _rows_insert(AuditEvent, events)


_CHANGES = AuditEvent._meta.get_field("changes")
_VALUE = DataValue._meta.get_field("value")


def _stamp(moment: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _rows_insert(model: Any, rows: list[tuple]) -> None:
    """Insert rows already in the database's terms, one value for each column
    of `model` but its own id, in order: one prepared statement for them all,
    without building a model object or compiling SQL for each row, which is
    most of what bulk_create costs for a large file."""
    if not rows:
        return
    columns = [
        field.column
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.get_internal_type().endswith("AutoField"))
    ]
    quote = connection.ops.quote_name
    # Only names from the model's own metadata go into the statement.
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    placeholders = ", ".join(["%s"] * len(columns))
    statement = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_WRITE * 10):
            cursor.executemany(statement, rows[start : start + ROWS_PER_WRITE * 10])


def _figures_created(figures: list[DataValue], acting_user: Any) -> None:
    """Insert new figures, a history row each ("+", dated as the figure), as
    value_save would, and give each its id. All are written at one moment."""
    if not figures:
        return
    now = timezone.now()
    stamp = _stamp(now)
    newest = DataValue.objects.aggregate(newest=Max("pk"))["newest"] or 0
    values = []
    for figure in figures:
        figure.created_at = figure.updated_at = now
        values.append(_VALUE.get_db_prep_save(figure.value, connection))
    # The columns in the order of DataValue's fields (see _rows_insert).
    _rows_insert(
        DataValue,
        [
            (
                stamp,
                stamp,
                figure.report.pk,
                figure.indicator_id,
                value,
                figure.comment,
                figure.version,
            )
            for figure, value in zip(figures, values, strict=True)
        ],
    )
    # The new ids, in one read whatever the file's length: every figure
    # inserted is newer than the newest before, and no other transaction
    # writes a figure of these reports, which are locked until this one ends.
    ids = {
        (report_id, indicator_id): pk
        for pk, report_id, indicator_id in DataValue.objects.filter(pk__gt=newest).values_list(
            "pk", "report_id", "indicator_id"
        )
    }
    for figure in figures:
        # report_id is left as it is: setting it would drop the report it
        # holds, which its audit event's description reads.
        figure.pk = ids[(figure.report.pk, figure.indicator_id)]
        figure._state.adding = False
        figure._state.db = connection.alias
    user = _real_user(acting_user)
    user_id = user.pk if user is not None else None
    # HistoricalDataValue's columns: the figure's, then history id (automatic),
    # date, change reason, type and user.
    _rows_insert(
        DataValue.history.model,
        [
            (
                figure.pk,
                stamp,
                stamp,
                value,
                figure.comment,
                figure.version,
                figure.report.pk,
                figure.indicator_id,
                stamp,
                "reporting.value.created",
                "+",
                user_id,
            )
            for figure, value in zip(figures, values, strict=True)
        ],
    )


def _import_in_bulk(
    rows: list[tuple],
    outcome: ValuesImportReport,
    *,
    acting_user: Any,
    today: date,
    dry_run: bool,
) -> list[RowProblem]:
    bulk = _BulkImport(rows, acting_user=acting_user, today=today)
    problems, writes = bulk.check(outcome)
    if not problems and not dry_run:
        bulk.write(writes)
    return problems


def _record_changes(before: Any, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """What record_save logs for `fields`: every field of a new record, the
    changed ones of a stored one, each as [old, new]."""
    if before is None:
        return {name: [None, _plain(value)] for name, value in fields.items()}
    changes = {}
    for name, value in fields.items():
        old = getattr(before, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
    return changes


def _audit_event(actor: Any, action: str, instance: Any, changes: dict) -> tuple:
    """The row audit_record writes for `instance`, in AuditEvent's columns,
    at the moment the record was written, to be inserted in bulk."""
    return (
        _stamp(instance.updated_at),
        actor.pk if actor is not None else None,
        action,
        instance._meta.label_lower,
        str(instance.pk),
        str(instance)[:300],
        _CHANGES.get_db_prep_save(changes, connection),
    )


def _created_with_history(objects: list, model: Any, acting_user: Any, action: str) -> None:
    """Insert `objects` with a history row each, as simple-history's
    bulk_create_with_history does on a database that returns the new ids,
    but with each history row dated with its record's own `updated_at` (set by
    the insert), so that the history and the record agree to the microsecond."""
    if not objects:
        return
    for instance in objects:
        mark_history(instance, acting_user, action)
    model._default_manager.bulk_create(objects, batch_size=ROWS_PER_WRITE)
    for instance in objects:
        setattr(instance, "_history_date", instance.updated_at)  # noqa: B010
    model.history.bulk_history_create(objects, batch_size=ROWS_PER_WRITE)
