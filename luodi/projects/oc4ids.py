"""The major-project list as an OC4IDS project package (Open Contracting for
Infrastructure Data Standards, schema 0.9).

A read: it changes nothing. The caller chooses the projects (already limited to
the user's scope); this module decides how luodi's records read in OC4IDS terms.
"""

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.divisions.models import Department, Division

from .choices import ApprovalKind, Phase
from .models import Project, ProjectApproval
from .selectors import projects_as_of

OC4IDS_VERSION = "0.9"

# A registered prefix has the form "oc4ids-" + six characters + "-" and is assigned
# by the OC4IDS Helpdesk. This default is deliberately not of that form, so
# libcoveoc4ids' conformance check flags data published before one is registered.
DEFAULT_PREFIX = "oc4ids-luodi-"

# GB/T 2260 has no code in the open locationGazetteers codelist, so it is named here.
GAZETTEER_SCHEME = "GBT2260"

CURRENCY = "CNY"

# luodi's phases against the closed projectStatus codelist. Pre-construction
# approvals (land, environment, planning) are OC4IDS "preparation". luodi records
# completion of construction (竣工), i.e. handover, not the end of close-out
# activities, so a completed project is in "completion" rather than "completed".
PROJECT_STATUS = {
    Phase.PRE_CONSTRUCTION: "preparation",
    Phase.STARTED: "implementation",
    Phase.COMPLETED: "completion",
    Phase.CANCELLED: "cancelled",
}

# Party roles from the open partyRole codelist: the department responsible for
# the project is its public authority; the owner (业主) pays for the works.
PUBLIC_AUTHORITY_ROLE = "publicAuthority"
OWNER_ROLE = "buyer"
OWNER_PARTY_ID = "owner"

START_MILESTONE_ID = "construction-start"


def project_package(
    *,
    projects: QuerySet[Project],
    as_of: date,
    uri: str,
    publisher_name: str,
    prefix: str = DEFAULT_PREFIX,
    published_at: datetime | None = None,
) -> dict[str, Any]:
    """An OC4IDS project package of `projects` as they stood on `as_of`.

    `projects` may be any queryset of projects (annotated or not); only those
    on the list on `as_of` are included, each with its phase that day. Amounts
    and names are read as they stand now (see docs/architecture.md, "Dates in the
    domain"). Four queries, whatever the number of projects.
    """
    selected = (
        projects_as_of(as_of)
        .filter(pk__in=projects.values("pk"))
        .select_related("lead_department", "programme__lead_department")
        .prefetch_related("divisions", "approvals")
        .order_by("code")
    )
    rows = list(selected)
    places = _places({division for project in rows for division in project.divisions.all()})
    return {
        "uri": uri,
        "publishedDate": timezone.localtime(published_at or timezone.now()).isoformat(
            timespec="seconds"
        ),
        "publisher": {"name": publisher_name},
        "version": OC4IDS_VERSION,
        "projects": [
            _project(project, as_of=as_of, prefix=prefix, places=places) for project in rows
        ],
    }


def _project(
    project: Project, *, as_of: date, prefix: str, places: dict[str, dict[str, str]]
) -> dict[str, Any]:
    phase = Phase(project.phase_as_of)  # type: ignore[attr-defined]
    data: dict[str, Any] = {
        "id": f"{prefix}{project.code}",
        "updated": timezone.localtime(project.updated_at).isoformat(timespec="seconds"),
        "title": project.name,
    }
    if project.note.strip():
        data["description"] = project.note.strip()
    data["status"] = PROJECT_STATUS[phase]
    if project.planned_start_on:
        data["period"] = {"startDate": _moment(project.planned_start_on)}
    if project.total_investment is not None:
        data["budget"] = {
            "amount": {"amount": _number(project.total_investment), "currency": CURRENCY}
        }
    data["locations"] = [
        _location(division, places[division.key])
        for division in sorted(project.divisions.all(), key=lambda d: d.code)
    ]
    parties, authority = _parties(project)
    if parties:
        data["parties"] = parties
    if authority:
        data["publicAuthority"] = authority
    data["milestones"] = [
        *(_approval_milestone(approval, as_of) for approval in project.approvals.all()),
        _start_milestone(project, phase, as_of),
    ]
    if phase == Phase.COMPLETED and project.completed_on:
        data["completion"] = {"endDate": _moment(project.completed_on)}
    return data


def _places(divisions: Iterable[Division]) -> dict[str, dict[str, str]]:
    """For each division (by key): its region and locality, read from the names
    of the divisions on its path, in one query."""
    divisions = list(divisions)
    keys = {key for division in divisions for key in division.path.strip("/").split("/")}
    names = dict(Division.objects.filter(key__in=keys).values_list("key", "name"))
    places = {}
    for division in divisions:
        path = [names[key] for key in division.path.strip("/").split("/")]
        place = {"region": path[0]}
        if len(path) > 1:
            place["locality"] = "".join(path[1:])
        places[division.key] = place
    return places


def _location(division: Division, place: dict[str, str]) -> dict[str, Any]:
    return {
        "id": division.code,
        "description": division.name,
        "gazetteer": {"scheme": GAZETTEER_SCHEME, "identifiers": [division.code]},
        "address": {**place, "countryName": _("China")},
    }


def _parties(project: Project) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    parties = []
    authority = None
    department: Department | None = project.lead_department or project.programme.lead_department
    if department is not None:
        authority = {"id": f"department-{department.pk}", "name": department.name}
        parties.append({**authority, "roles": [PUBLIC_AUTHORITY_ROLE]})
    if project.owner.strip():
        parties.append({"id": OWNER_PARTY_ID, "name": project.owner.strip(), "roles": [OWNER_ROLE]})
    return parties, authority


def _approval_milestone(approval: ProjectApproval, as_of: date) -> dict[str, Any]:
    """A pre-construction approval: met once granted, otherwise not met as of the day."""
    milestone: dict[str, Any] = {
        "id": f"approval-{approval.kind}",
        "title": str(ApprovalKind(approval.kind).label),
        "type": "approval",
    }
    if approval.note.strip():
        milestone["description"] = approval.note.strip()
    if approval.granted_on is not None and approval.granted_on <= as_of:
        milestone["status"] = "met"
        milestone["dateMet"] = _moment(approval.granted_on)
    else:
        milestone["status"] = "notMet"
    milestone["dateModified"] = _moment(as_of)
    return milestone


def _start_milestone(project: Project, phase: Phase, as_of: date) -> dict[str, Any]:
    """The start of construction: planned (due) and actual (met) dates."""
    milestone: dict[str, Any] = {"id": START_MILESTONE_ID, "title": _("Construction start")}
    if project.expected_start_year:
        milestone["description"] = _("Expected to start in %(year)d.") % {
            "year": project.expected_start_year
        }
    if project.planned_start_on:
        milestone["dueDate"] = _moment(project.planned_start_on)
    started = phase in (Phase.STARTED, Phase.COMPLETED) or (
        project.started_on is not None and project.started_on <= as_of
    )
    if started:
        milestone["status"] = "met"
        # A project listed as already under construction may have no start date.
        if project.started_on:
            milestone["dateMet"] = _moment(project.started_on)
    elif project.planned_start_on and project.planned_start_on > as_of and phase != Phase.CANCELLED:
        milestone["status"] = "scheduled"
    else:
        milestone["status"] = "notMet"
    milestone["dateModified"] = _moment(as_of)
    return milestone


def _moment(day: date) -> str:
    """A local date as the OC4IDS date-time of its start in luodi's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def _number(amount: Decimal) -> int | float:
    """Yuan as a JSON number: whole yuan as an integer, fen as a decimal fraction."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)
