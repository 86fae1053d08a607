"""Writes of the cases app: the office's calendar corrections, case types
and windows, and cases moving along their working-day clocks."""

import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luodi.core.evidence import Evidence, evidence_type
from luodi.core.services import record_delete, record_save
from luodi.divisions.models import Division
from luodi.divisions.permissions import can_edit

from .choices import CaseStatus, Outcome
from .models import CalendarDay, CalendarYear, Case, CaseStep, CaseType, Window
from .workdays import WorkingCalendar


def calendar_day_save(
    *,
    calendar_day: CalendarDay | None = None,
    day: date,
    is_working: bool,
    note: str = "",
    acting_user: Any,
) -> tuple[CalendarDay, dict]:
    """Say whether a day is a working day, over the official-calendar package."""
    return record_save(
        instance=calendar_day or CalendarDay.objects.filter(day=day).first() or CalendarDay(),
        fields={"day": day, "is_working": is_working, "note": note},
        acting_user=acting_user,
        action_prefix="cases.calendar_day",
    )


def calendar_year_save(
    *, calendar_year: CalendarYear | None = None, year: int, source: str, acting_user: Any
) -> tuple[CalendarYear, dict]:
    """Declare a year's holidays and make-up working days entered completely."""
    return record_save(
        instance=calendar_year or CalendarYear.objects.filter(year=year).first() or CalendarYear(),
        fields={"year": year, "source": source},
        acting_user=acting_user,
        action_prefix="cases.calendar_year",
    )


# Cases on working-day clocks.

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def case_type_save(
    *,
    case_type: CaseType | None = None,
    code: str,
    name: str,
    kind: str,
    limit_working_days: int,
    materials: str = "",
    steps: list[str],
    acting_user: Any,
) -> tuple[CaseType, dict]:
    """A kind of case, its time limit and its steps in order."""
    if not steps:
        raise ValidationError({"steps": _("Name at least one step.")})
    saved, changes = record_save(
        instance=case_type or CaseType.objects.filter(code=code).first() or CaseType(),
        fields={
            "code": code,
            "name": name,
            "kind": kind,
            "limit_working_days": limit_working_days,
            "materials": materials,
        },
        acting_user=acting_user,
        action_prefix="cases.case_type",
    )
    if [s.name for s in saved.steps.all()] != steps:
        if saved.cases.exists():
            raise ValidationError(
                {"steps": _("Cases of this type exist: its steps can no longer change.")}
            )
        for old in saved.steps.all():
            record_delete(instance=old, acting_user=acting_user, action_prefix="cases.case_step")
        for order, step in enumerate(steps, start=1):
            record_save(
                instance=CaseStep(),
                fields={"case_type": saved, "order": order, "name": step},
                acting_user=acting_user,
                action_prefix="cases.case_step",
            )
        changes["steps"] = [None, steps]
    return saved, changes


def window_save(
    *,
    window: Window | None = None,
    code: str,
    name: str,
    division: Division,
    case_types: Iterable[CaseType],
    is_active: bool = True,
    acting_user: Any,
) -> tuple[Window, dict]:
    return record_save(
        instance=window or Window.objects.filter(code=code).first() or Window(),
        fields={"code": code, "name": name, "division": division, "is_active": is_active},
        m2m={"case_types": list(case_types)},
        acting_user=acting_user,
        action_prefix="cases.window",
    )


def _due_on(case: Case, calendar: WorkingCalendar) -> date:
    limit = case.case_type.limit_working_days + case.extension_working_days
    return calendar.add_working_days(case.received_on, limit + case.paused_working_days)


@transaction.atomic
def case_submit(
    *,
    case_type: CaseType,
    window: Window,
    applicant: str,
    contact: str,
    subject: str,
    description: str,
    received_on: date,
    evidence: Evidence | None = None,
    acting_user: Any = None,
) -> tuple[Case, str]:
    """File a complaint or an application; returns the case and the secret the
    applicant checks its status with (shown once, kept hashed)."""
    if not window.is_active or not window.case_types.filter(pk=case_type.pk).exists():
        raise ValidationError(
            {
                "window": _("%(window)s does not receive this kind of case.")
                % {"window": window.name}
            }
        )
    if evidence is not None:
        evidence_type(evidence)
    secret = secrets.token_urlsafe(9)
    while True:
        random = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(6))
        number = f"{received_on:%Y%m%d}-{random}"
        if not Case.objects.filter(tracking_number=number).exists():
            break
    case = Case(case_type=case_type, received_on=received_on, extension_working_days=0)
    case.paused_working_days = 0
    due_on = _due_on(case, WorkingCalendar())
    case, _changes = record_save(
        instance=case,
        fields={
            "case_type": case_type,
            "window": window,
            "tracking_number": number,
            "secret_hash": make_password(secret),
            "applicant": applicant,
            "contact": contact,
            "subject": subject,
            "description": description,
            "attachment_name": evidence.name if evidence else "",
            "attachment": evidence.content if evidence else None,
            "received_on": received_on,
            "step": case_type.steps.order_by("order").first(),
            "status": CaseStatus.OPEN,
            "due_on": due_on,
        },
        acting_user=acting_user,
        action_prefix="cases.case",
        action="cases.case.submitted",
    )
    return case, secret


def case_status_check(*, tracking_number: str, secret: str) -> Case | None:
    """The case, if the number and the secret match; None otherwise, taking
    as long either way."""
    case = (
        Case.objects.select_related("case_type", "step", "window")
        .filter(tracking_number=tracking_number.strip().upper())
        .first()
    )
    if case is None:
        make_password(secret)  # the same work as a real check
        return None
    return case if check_password(secret, case.secret_hash) else None


def _staff_or_refuse(case: Case, acting_user: Any) -> None:
    if not can_edit(acting_user, case.window.division):
        raise PermissionDenied


def _open_or_refuse(case: Case) -> None:
    if case.status == CaseStatus.DECIDED:
        raise ValidationError({"status": _("The case is decided.")})
    if case.status == CaseStatus.PAUSED:
        raise ValidationError({"status": _("The case is paused: resume it first.")})


@transaction.atomic
def case_advance(*, case: Case, acting_user: Any) -> Case:
    """Move the case to its next step."""
    _staff_or_refuse(case, acting_user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _open_or_refuse(case)
    following = case.case_type.steps.filter(order__gt=case.step.order if case.step else 0).first()
    if following is None:
        raise ValidationError({"step": _("This is the last step: decide the case.")})
    case, _changes = record_save(
        instance=case,
        fields={"step": following},
        acting_user=acting_user,
        action_prefix="cases.case",
        action="cases.case.advanced",
    )
    return case


@transaction.atomic
def case_pause(*, case: Case, on: date, reason: str, acting_user: Any) -> Case:
    """Stop the clock while the applicant supplements materials."""
    _staff_or_refuse(case, acting_user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise ValidationError({"status": _("Only an open case can be paused.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    case, _changes = record_save(
        instance=case,
        fields={"status": CaseStatus.PAUSED, "paused_on": on},
        acting_user=acting_user,
        action_prefix="cases.case",
        action="cases.case.paused",
    )
    return case


@transaction.atomic
def case_resume(*, case: Case, on: date, acting_user: Any) -> Case:
    """Start the clock again; the working days paused move the due date."""
    _staff_or_refuse(case, acting_user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.PAUSED or case.paused_on is None:
        raise ValidationError({"status": _("The case is not paused.")})
    calendar = WorkingCalendar()
    case.paused_working_days += calendar.working_days_between(case.paused_on, on)
    case, _changes = record_save(
        instance=case,
        fields={
            "status": CaseStatus.OPEN,
            "paused_on": None,
            "paused_working_days": case.paused_working_days,
            "due_on": _due_on(case, calendar),
        },
        acting_user=acting_user,
        action_prefix="cases.case",
        action="cases.case.resumed",
    )
    return case


@transaction.atomic
def case_extend(*, case: Case, working_days: int, reason: str, acting_user: Any) -> Case:
    """Extend the time limit, once, with a reason."""
    _staff_or_refuse(case, acting_user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _open_or_refuse(case)
    if case.extension_working_days:
        raise ValidationError({"extension": _("A case can be extended only once.")})
    if working_days <= 0 or not reason.strip():
        raise ValidationError({"extension": _("Give the working days and the reason.")})
    case.extension_working_days = working_days
    case, _changes = record_save(
        instance=case,
        fields={
            "extension_working_days": working_days,
            "extension_reason": reason.strip(),
            "due_on": _due_on(case, WorkingCalendar()),
        },
        acting_user=acting_user,
        action_prefix="cases.case",
        action="cases.case.extended",
    )
    return case


@transaction.atomic
def case_decide(*, case: Case, outcome: str, reason: str, on: date, acting_user: Any) -> Case:
    """Decide the case; a refusal gives its reasons."""
    _staff_or_refuse(case, acting_user)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _open_or_refuse(case)
    if outcome == Outcome.REFUSED and not reason.strip():
        raise ValidationError({"outcome_reason": _("A refusal gives its reasons.")})
    case, _changes = record_save(
        instance=case,
        fields={
            "status": CaseStatus.DECIDED,
            "outcome": outcome,
            "outcome_reason": reason.strip(),
            "decided_on": on,
            "step": case.case_type.steps.order_by("order").last(),
        },
        acting_user=acting_user,
        action_prefix="cases.case",
        action="cases.case.decided",
    )
    return case
