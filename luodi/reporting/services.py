"""Entering figures and moving reports through draft → submitted → approved.

Every change of a value and every submit, approve, return and unlock leaves an
audit event in the same transaction; a value saved from a stale copy is refused
with the value that is stored now.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.core.errors import at_most_listed
from luodi.core.services import record_save
from luodi.divisions.models import Division
from luodi.divisions.permissions import can_approve, can_report, can_unlock
from luodi.plan.choices import OverTime
from luodi.plan.models import Indicator, Target
from luodi.plan.units import from_base, to_base

from .choices import EDITABLE_STATUSES, Frequency, ParentCheck, ReportStatus
from .models import Assignment, DataValue, Period, Report
from .selectors import assignments_reported_at, children_totals


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


def _check_rules(
    *, report: Report, indicator: Indicator, assignment: Assignment, value: Decimal, comment: str
) -> None:
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
    if indicator.over_time == OverTime.CUMULATIVE and "value" not in errors:
        earlier = (
            DataValue.objects.filter(
                indicator=indicator,
                report__division=report.division,
                report__period__frequency=report.period.frequency,
                report__period__starts_on__year=report.period.starts_on.year,
                report__period__ends_on__lt=report.period.starts_on,
            )
            .order_by("-report__period__starts_on")
            .first()
        )
        if earlier is not None and value < earlier.value:
            errors["value"] = _(
                "A year-to-date figure cannot fall: %(period)s had %(earlier)s %(unit)s."
            ) % {
                "period": earlier.report.period.code,
                "earlier": from_base(earlier.value, unit),
                "unit": unit.symbol,
            }
    if (
        assignment.parent_check == ParentCheck.BLOCK
        and assignment.level != report.division.level
        and "value" not in errors
    ):
        mismatch = _children_mismatch(report=report, indicator=indicator, value=value)
        if mismatch:
            errors["value"] = mismatch
    factor = assignment.comment_above_target_factor
    target = Target.objects.filter(
        indicator=indicator, division=report.division, year=report.period.starts_on.year
    ).first()
    if factor and target and target.value and value > target.value * factor and not comment:
        errors["comment"] = _(
            "More than %(factor)s× this year's target of %(target)s %(unit)s: say why in a comment."
        ) % {
            "factor": factor.normalize(),
            "target": from_base(target.value, unit),
            "unit": unit.symbol,
        }
    if errors:
        raise ValidationError(errors)


def _children_mismatch(
    *, report: Report, indicator: Indicator, value: Decimal, below: dict | None = None
) -> str | None:
    """Why a division's own total cannot stand against its children's figures;
    `below` are the children's totals when already read."""
    if below is None:
        below = children_totals(
            division=report.division, period=report.period, indicators=[indicator]
        )
    unit = indicator.unit
    if indicator.pk not in below:
        return _("No division below has reported this figure yet.")
    total = below[indicator.pk].total
    if total == value:
        return None
    return _("The divisions below add up to %(total)s %(unit)s, not %(value)s %(unit)s.") % {
        "total": from_base(total, unit) if total is not None else "—",
        "value": from_base(value, unit),
        "unit": unit.symbol,
    }


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
    if current is not None and current.version != expected_version:
        raise ValueConflict(current)
    if current is None and expected_version is not None:
        raise ValidationError(_("This figure was removed after you opened the form."), code="stale")
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
            report=report, indicator=indicator, value=stored[indicator.pk], below=below
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

    for figure in figures:
        division = divisions.get(figure.division)
        # Out of scope reads as unknown, so a file cannot probe for divisions.
        if division is None or not can_report(acting_user, division):
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
    """
    rows, problems = _checked_rows(figures, acting_user)
    if problems:
        raise _refused(problems)
    report = ValuesImportReport(blank=len(figures) - len(rows))
    for figure, division, period, indicator, value, version in rows:
        try:
            with transaction.atomic():
                target = report_open(division=division, period=period, acting_user=acting_user)
                stored = DataValue.objects.filter(report=target, indicator=indicator).first()
                if stored and stored.value == value and stored.comment == figure.comment:
                    report.unchanged += 1
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
                report.saved += 1
                report.changes.append(
                    FigureChange(
                        row=figure.row,
                        indicator=indicator.code,
                        division=division.code,
                        period=period.code,
                        unit=indicator.unit.symbol,
                        old_value=from_base(stored.value, indicator.unit) if stored else None,
                        new_value=from_base(value, indicator.unit),
                        old_comment=stored.comment if stored else "",
                        new_comment=figure.comment,
                    )
                )
        except ValueConflict as conflict:
            problems.append(RowProblem(figure.row, "value", str(conflict)))
        except ValidationError as error:
            for column, messages in getattr(
                error, "message_dict", {"value": error.messages}
            ).items():
                problems.append(RowProblem(figure.row, column, " ".join(messages)))
    if problems:
        raise _refused(problems)
    if dry_run:
        transaction.set_rollback(True)
    return report
