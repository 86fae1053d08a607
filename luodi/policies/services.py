"""Writes to the supporting-policy ledger."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luodi.core.services import record_save
from luodi.divisions.models import Department
from luodi.plan.models import Programme

from .choices import PolicyStatus
from .models import Policy


@transaction.atomic
def policy_save(
    *,
    policy: Policy | None = None,
    code: str,
    title: str,
    programme: Programme,
    issuing_departments: Iterable[Department],
    planned_on: date,
    due_on: date | None = None,
    status: str = PolicyStatus.PLANNED,
    issued_on: date | None = None,
    document_number: str = "",
    is_sample: bool = False,
    note: str = "",
    acting_user: Any,
) -> tuple[Policy, dict]:
    departments = list(issuing_departments)
    if not departments:
        raise ValidationError({"issuing_departments": _("Name at least one issuing department.")})
    return record_save(
        instance=policy or Policy(),
        fields={
            "code": code,
            "title": title,
            "programme": programme,
            "planned_on": planned_on,
            "due_on": due_on,
            "status": status,
            "issued_on": issued_on,
            "document_number": document_number,
            "is_sample": is_sample,
            "note": note,
        },
        m2m={"issuing_departments": departments},
        acting_user=acting_user,
        action_prefix="policies.policy",
    )


@transaction.atomic
def policy_issue(
    *, policy: Policy, issued_on: date, document_number: str = "", acting_user: Any
) -> Policy:
    """Mark a planned policy as issued."""
    if policy.status == PolicyStatus.ISSUED:
        raise ValidationError({"status": _("This policy has already been issued.")})
    policy, _changes = record_save(
        instance=policy,
        fields={
            "status": PolicyStatus.ISSUED,
            "issued_on": issued_on,
            "document_number": document_number or policy.document_number,
        },
        acting_user=acting_user,
        action_prefix="policies.policy",
        action="policies.policy.issued",
    )
    return policy
