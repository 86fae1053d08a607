"""Writes to the major-project list."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.core.services import record_delete, record_save
from luodi.divisions.models import Department, Division
from luodi.plan.models import Programme

from .choices import Phase
from .models import Project, ProjectApproval


@transaction.atomic
def project_save(
    *,
    project: Project | None = None,
    code: str,
    name: str,
    programme: Programme,
    divisions: Iterable[Division],
    total_investment: Decimal | None,
    listed_on: date,
    phase: str = Phase.PRE_CONSTRUCTION,
    owner: str = "",
    lead_department: Department | None = None,
    planned_investment: Decimal | None = None,
    planned_investment_year: int | None = None,
    expected_start_year: int | None = None,
    planned_start_on: date | None = None,
    started_on: date | None = None,
    completed_on: date | None = None,
    cancelled_on: date | None = None,
    is_sample: bool = False,
    note: str = "",
    acting_user: Any,
) -> tuple[Project, dict]:
    division_list = list(divisions)
    if not division_list:
        raise ValidationError({"divisions": _("Name at least one division.")})
    return record_save(
        instance=project or Project(),
        fields={
            "code": code,
            "name": name,
            "programme": programme,
            "total_investment": total_investment,
            "listed_on": listed_on,
            "phase": phase,
            "owner": owner,
            "lead_department": lead_department,
            "planned_investment": planned_investment,
            "planned_investment_year": planned_investment_year,
            "expected_start_year": expected_start_year,
            "planned_start_on": planned_start_on.replace(day=1) if planned_start_on else None,
            "started_on": started_on,
            "completed_on": completed_on,
            "cancelled_on": cancelled_on,
            "is_sample": is_sample,
            "note": note,
        },
        m2m={"divisions": division_list},
        acting_user=acting_user,
        action_prefix="projects.project",
    )


@transaction.atomic
def project_start(*, project: Project, started_on: date, acting_user: Any) -> Project:
    """Record that construction has started."""
    if project.phase != Phase.PRE_CONSTRUCTION:
        raise ValidationError(
            {
                "phase": _("Only a project in pre-construction can start; this one is “%(phase)s”.")
                % {"phase": project.get_phase_display()}
            }
        )
    project, _changes = record_save(
        instance=project,
        fields={"phase": Phase.STARTED, "started_on": started_on},
        acting_user=acting_user,
        action_prefix="projects.project",
        action="projects.project.started",
    )
    return project


def _touch(project: Project) -> None:
    """An approval is part of its project: changing one moves the project's
    `updated_at`, so an edit made on a stale project form is refused."""
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())


@transaction.atomic
def project_approval_save(
    *,
    approval: ProjectApproval | None = None,
    project: Project,
    kind: str,
    granted_on: date | None = None,
    note: str = "",
    acting_user: Any,
) -> tuple[ProjectApproval, dict]:
    if approval is None:
        approval = ProjectApproval.objects.filter(project=project, kind=kind).first()
    approval, changes = record_save(
        instance=approval or ProjectApproval(),
        fields={"project": project, "kind": kind, "granted_on": granted_on, "note": note},
        acting_user=acting_user,
        action_prefix="projects.approval",
    )
    if changes:
        _touch(project)
    return approval, changes


@transaction.atomic
def project_approval_delete(*, approval: ProjectApproval, acting_user: Any) -> None:
    project = approval.project
    record_delete(instance=approval, acting_user=acting_user, action_prefix="projects.approval")
    _touch(project)


@transaction.atomic
def project_delete(*, project: Project, acting_user: Any) -> None:
    """Delete a project and its approvals, each leaving an audit record."""
    for approval in project.approvals.all():
        project_approval_delete(approval=approval, acting_user=acting_user)
    record_delete(instance=project, acting_user=acting_user, action_prefix="projects.project")
