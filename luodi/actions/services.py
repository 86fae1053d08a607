"""Writes to meetings and events, and to the action items they assign."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luodi.cases.workdays import WorkingCalendar
from luodi.core.evidence import Evidence, evidence_type
from luodi.core.services import record_save
from luodi.divisions.models import Department, Division
from luodi.divisions.permissions import can_report, can_supervise
from luodi.plan.models import Programme

from .choices import NEXT_STATUSES, ItemStatus, UpdateKind
from .models import ActionItem, Decision, Event, ItemUpdate


@transaction.atomic
def event_save(
    *,
    event: Event | None = None,
    code: str,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    date_is_approximate: bool = False,
    programme: Programme | None = None,
    divisions: Iterable[Division] = (),
    departments: Iterable[Department] = (),
    summary: str = "",
    acting_user: Any,
) -> tuple[Event, dict]:
    return record_save(
        instance=event or Event(),
        fields={
            "code": code,
            "kind": kind,
            "title": title,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "date_is_approximate": date_is_approximate,
            "programme": programme,
            "summary": summary,
        },
        m2m={"divisions": divisions, "departments": departments},
        acting_user=acting_user,
        action_prefix="actions.event",
    )


# Supervised action items (督办事项).

ACKNOWLEDGE_WORKING_DAYS = 2


def decision_save(
    *, decision: Decision | None = None, meeting: Event, text: str, order: int = 0, acting_user: Any
) -> tuple[Decision, dict]:
    """Record what a meeting decided."""
    return record_save(
        instance=decision or Decision(),
        fields={"meeting": meeting, "text": text, "order": order},
        acting_user=acting_user,
        action_prefix="actions.decision",
    )


@transaction.atomic
def action_item_assign(
    *,
    title: str,
    lead_division: Division,
    due_on: date,
    assigned_on: date,
    decision: Decision | None = None,
    programme: Programme | None = None,
    lead_department: Department | None = None,
    helpers: Iterable[Department] = (),
    acting_user: Any,
) -> ActionItem:
    """Turn a decision into a supervised item with a lead and a due date. It
    must be acknowledged within two working days."""
    if not can_supervise(acting_user, lead_division):
        raise PermissionDenied
    if due_on < assigned_on:
        raise ValidationError({"due_on": _("An item cannot be due before it is assigned.")})
    item, _changes = record_save(
        instance=ActionItem(),
        fields={
            "decision": decision,
            "programme": programme,
            "title": title,
            "lead_division": lead_division,
            "lead_department": lead_department,
            "assigned_on": assigned_on,
            "acknowledge_by": WorkingCalendar().add_working_days(
                assigned_on, ACKNOWLEDGE_WORKING_DAYS
            ),
            "due_on": due_on,
            "status": ItemStatus.ASSIGNED,
        },
        m2m={"helpers": list(helpers)},
        acting_user=acting_user,
        action_prefix="actions.item",
        action="actions.item.assigned",
    )
    return item


def _step(
    item: ActionItem,
    *,
    to: str,
    kind: str,
    on: date,
    note: str,
    evidence: Evidence | None,
    fields: dict[str, Any],
    acting_user: Any,
) -> ActionItem:
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if to not in NEXT_STATUSES[ItemStatus(item.status)]:
        raise ValidationError(
            {
                "status": _("The item is “%(status)s”; it cannot become “%(next)s”.")
                % {"status": item.get_status_display(), "next": ItemStatus(to).label}
            }
        )
    media_type = evidence_type(evidence) if evidence else ""
    update, _changes = record_save(
        instance=ItemUpdate(),
        fields={
            "item": item,
            "kind": kind,
            "note": note,
            "on": on,
            "by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
            "attachment_name": evidence.name if evidence else "",
            "attachment_type": media_type,
            "attachment": evidence.content if evidence else None,
        },
        acting_user=acting_user,
        action_prefix="actions.item_update",
    )
    item, _changes = record_save(
        instance=item,
        fields={"status": to, **fields},
        acting_user=acting_user,
        action_prefix="actions.item",
        action=f"actions.item.{kind}",
    )
    return item


def _assignee_or_refuse(item: ActionItem, acting_user: Any) -> None:
    if not can_report(acting_user, item.lead_division):
        raise PermissionDenied


@transaction.atomic
def action_item_acknowledge(*, item: ActionItem, on: date, acting_user: Any) -> ActionItem:
    _assignee_or_refuse(item, acting_user)
    return _step(
        item,
        to=ItemStatus.ACKNOWLEDGED,
        kind=UpdateKind.ACKNOWLEDGED,
        on=on,
        note="",
        evidence=None,
        fields={"acknowledged_on": on},
        acting_user=acting_user,
    )


@transaction.atomic
def action_item_progress(
    *, item: ActionItem, on: date, note: str, evidence: Evidence | None = None, acting_user: Any
) -> ActionItem:
    _assignee_or_refuse(item, acting_user)
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    return _step(
        item,
        to=ItemStatus.IN_PROGRESS,
        kind=UpdateKind.PROGRESS,
        on=on,
        note=note.strip(),
        evidence=evidence,
        fields={},
        acting_user=acting_user,
    )


@transaction.atomic
def action_item_report_done(
    *, item: ActionItem, on: date, note: str, evidence: Evidence | None = None, acting_user: Any
) -> ActionItem:
    _assignee_or_refuse(item, acting_user)
    return _step(
        item,
        to=ItemStatus.REPORTED_DONE,
        kind=UpdateKind.REPORTED_DONE,
        on=on,
        note=note.strip(),
        evidence=evidence,
        fields={"reported_on": on},
        acting_user=acting_user,
    )


@transaction.atomic
def action_item_close(
    *, item: ActionItem, on: date, note: str = "", acting_user: Any
) -> ActionItem:
    if not can_supervise(acting_user, item.lead_division):
        raise PermissionDenied
    return _step(
        item,
        to=ItemStatus.CLOSED,
        kind=UpdateKind.CLOSED,
        on=on,
        note=note.strip(),
        evidence=None,
        fields={"closed_on": on},
        acting_user=acting_user,
    )


@transaction.atomic
def action_item_return(*, item: ActionItem, on: date, reason: str, acting_user: Any) -> ActionItem:
    if not can_supervise(acting_user, item.lead_division):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"note": _("Give the reason.")})
    return _step(
        item,
        to=ItemStatus.RETURNED,
        kind=UpdateKind.RETURNED,
        on=on,
        note=reason.strip(),
        evidence=None,
        fields={"reported_on": None},
        acting_user=acting_user,
    )
