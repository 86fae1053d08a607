"""The REST API at /api/v1/ (django-ninja): thin doors into the selectors and
services the pages use. Every list is cut to the asking user's scope first;
a record outside it answers 404, as if it did not exist."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Header, NinjaAPI, Query, Schema
from ninja.errors import HttpError

from luodi.actions.choices import EventKind, ItemStatus
from luodi.actions.selectors import item_verdicts
from luodi.cases.choices import CaseStatus
from luodi.dashboards.choices import Light
from luodi.divisions.choices import Level
from luodi.divisions.models import Membership
from luodi.divisions.permissions import home_divisions
from luodi.plan.units import from_base, to_base
from luodi.policies.choices import PolicyStatus
from luodi.projects.choices import Phase
from luodi.projects.oc4ids import project_package
from luodi.reporting.dhis2 import as_csv, data_values_export, data_values_import, luodi_period
from luodi.reporting.models import Period
from luodi.reporting.selectors import end_of_day
from luodi.reporting.services import ValueConflict, report_open, value_save

from . import schemas as s
from . import selectors as q
from .auth import API_AUTH
from .problems import (
    PROBLEM_TYPE,
    ConflictProblem,
    ImportProblem,
    install,
    problem_response,
    responses,
)

# Operations whose answer carries the figure's version as an ETag.
VERSIONED_OPERATIONS = {"luodi_api_endpoints_value", "luodi_api_endpoints_value_put"}


class LuodiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error bodies are problem details: say so in the schema's media types."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_TYPE] = content.pop("application/json")
                if operation.get("operationId") in VERSIONED_OPERATIONS:
                    operation["responses"][200]["headers"] = {
                        "ETag": {
                            "description": "The figure's version, for If-Match.",
                            "schema": {"type": "string"},
                        }
                    }
        return schema


api = LuodiAPI(
    title="luodi",
    version="1",
    description=(
        "Plan, progress, meetings, cases and bulletins of a task-force office. "
        "Authenticate with a personal access token (`Authorization: Bearer …`, "
        "made on the tokens page) or the pages' log-in. Every list holds only the "
        "records of the divisions the user may see."
    ),
    auth=API_AUTH,
    urls_namespace="api",
)
install(api)


class Paging(Schema):
    page: int = SchemaField(1, ge=1, le=100_000)
    page_size: int = SchemaField(50, ge=1, le=500)


def page_of(queryset: QuerySet | list, paging: Paging, shape) -> dict:
    start = (paging.page - 1) * paging.page_size
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    rows = queryset[start : start + paging.page_size]
    return {
        "count": count,
        "page": paging.page,
        "page_size": paging.page_size,
        "items": [shape(row) for row in rows],
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _today(day: date | None) -> date:
    return day or timezone.localdate()


# Who is asking -------------------------------------------------------------


@api.get("/me", response=responses(ok=s.MeOut), tags=["divisions"])
def me(request: HttpRequest):
    memberships = Membership.objects.filter(user=request.user).select_related(
        "division", "department"
    )
    return {
        "username": request.user.get_username(),
        "memberships": [
            {
                "division": m.division.code,
                "division_name": m.division.name,
                "role": m.role,
                "department": m.department.name if m.department else None,
            }
            for m in memberships
        ],
    }


# Divisions and the plan ----------------------------------------------------


def _division(d) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "level": d.level,
        "parent": d.parent.code if d.parent_id else None,
        "is_active": d.is_active,
    }


@api.get("/divisions", response=responses(404, 422, ok=s.Page[s.DivisionOut]), tags=["divisions"])
def divisions(
    request: HttpRequest,
    paging: Query[Paging],
    parent: s.DivisionCode | None = None,
    level: Level | None = None,
):
    found = q.divisions_seen(request.user).select_related("parent").order_by("code")
    if parent:
        found = found.filter(parent=q.division_seen(request.user, parent))
    if level:
        found = found.filter(level=level)
    return page_of(found, paging, _division)


@api.get("/divisions/{code}", response=responses(404, 422, ok=s.DivisionOut), tags=["divisions"])
def division(request: HttpRequest, code: s.DivisionCode):
    found = q.division_seen(request.user, code)
    return _division(found)


def _programme(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "campaign": p.campaign.code,
        "campaign_name": p.campaign.name,
        "year": p.campaign.year,
        "order": p.order,
        "lead_department": p.lead_department.name if p.lead_department else None,
        "description": p.description,
    }


@api.get("/programmes", response=responses(422, ok=s.Page[s.ProgrammeOut]), tags=["plan"])
def programmes(request: HttpRequest, paging: Query[Paging], year: s.Year | None = None):
    found = q.programmes_seen(request.user)
    if year:
        found = found.filter(campaign__year=year)
    return page_of(found, paging, _programme)


@api.get("/programmes/{code}", response=responses(404, 422, ok=s.ProgrammeOut), tags=["plan"])
def programme(request: HttpRequest, code: s.RecordCode):
    return _programme(q.programme_seen(request.user, code))


def _indicator(i) -> dict:
    assignment = getattr(i, "assignment", None)
    return {
        "code": i.code,
        "name": i.name,
        "programme": i.programme.code,
        "unit": i.unit.symbol,
        "across_divisions": i.across_divisions,
        "over_time": i.over_time,
        "higher_is_better": i.higher_is_better,
        "reported_by_level": assignment.level if assignment else None,
        "frequency": assignment.frequency if assignment else None,
    }


@api.get("/indicators", response=responses(404, 422, ok=s.Page[s.IndicatorOut]), tags=["plan"])
def indicators(request: HttpRequest, paging: Query[Paging], programme: s.RecordCode | None = None):
    found = q.indicators_seen(request.user)
    if programme:
        found = found.filter(programme=q.programme_seen(request.user, programme))
    return page_of(found, paging, _indicator)


@api.get("/indicators/{code}", response=responses(404, 422, ok=s.IndicatorOut), tags=["plan"])
def indicator(request: HttpRequest, code: s.RecordCode):
    return _indicator(q.indicator_seen(request.user, code))


def _target(t) -> dict:
    unit = t.indicator.unit
    return {
        "indicator": t.indicator.code,
        "division": t.division.code,
        "year": t.year,
        "value": _text(from_base(t.value, unit)),
        "unit": unit.symbol,
        "change_percent": _text(t.change_percent),
        "trajectory": t.trajectory,
    }


@api.get("/targets", response=responses(404, 422, ok=s.Page[s.TargetOut]), tags=["plan"])
def targets(
    request: HttpRequest,
    paging: Query[Paging],
    programme: s.RecordCode | None = None,
    indicator: s.RecordCode | None = None,
    division: s.DivisionCode | None = None,
    year: s.Year | None = None,
):
    found = q.targets_seen(request.user)
    if programme:
        found = found.filter(indicator__programme=q.programme_seen(request.user, programme))
    if indicator:
        found = found.filter(indicator=q.indicator_seen(request.user, indicator))
    if division:
        found = found.filter(division=q.division_seen(request.user, division))
    if year:
        found = found.filter(year=year)
    return page_of(found, paging, _target)


# Figures -------------------------------------------------------------------


def _value(v) -> dict:
    unit = v.indicator.unit
    return {
        "indicator": v.indicator.code,
        "division": v.report.division.code,
        "period": v.report.period.code,
        "value": _text(from_base(v.value, unit)),
        "unit": unit.symbol,
        "comment": v.comment,
        "version": v.version,
        "report_status": v.report.status,
        "updated_at": v.updated_at,
    }


@api.get("/values", response=responses(404, 422, ok=s.Page[s.ValueOut]), tags=["figures"])
def values(
    request: HttpRequest,
    paging: Query[Paging],
    programme: s.RecordCode | None = None,
    indicator: s.RecordCode | None = None,
    division: s.DivisionCode | None = None,
    within: s.DivisionCode | None = Query(
        None, description="A division whose whole subtree is wanted."
    ),
    period: s.PeriodCode | None = None,
    as_of: s.Day | None = Query(
        None, description="The figures as they were stored by the end of this day."
    ),
):
    found = q.values_seen(request.user, as_of=as_of)
    if programme:
        found = found.filter(indicator__programme=q.programme_seen(request.user, programme))
    if indicator:
        found = found.filter(indicator=q.indicator_seen(request.user, indicator))
    if division:
        found = found.filter(report__division=q.division_seen(request.user, division))
    if within:
        top = q.division_seen(request.user, within)
        found = found.filter(report__division__path__startswith=top.path)
    if period:
        found = found.filter(report__period=q.period_named(period))
    return page_of(found, paging, _value)


def _etag(version: int) -> str:
    return f'"{version}"'


def _expected_version(if_match: str | None) -> int | None:
    """The version named by an If-Match header ("3" or W/"3"); None when absent."""
    if not if_match or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise ValidationError({"If-Match": _('Send the ETag of the figure you read, e.g. "3".')})
    return int(tag)


VALUE_PATH = "/values/{indicator}/{division}/{period}"


@api.get(VALUE_PATH, response=responses(404, 422, ok=s.ValueOut), tags=["figures"])
def value(
    request: HttpRequest,
    response: HttpResponse,
    indicator: s.RecordCode,
    division: s.DivisionCode,
    period: s.PeriodCode,
):
    """One figure; its ETag is the version to send back in If-Match."""
    found = q.value_seen(request.user, indicator=indicator, division=division, period=period)
    response["ETag"] = _etag(found.version)
    return _value(found)


@api.put(
    VALUE_PATH,
    response=responses(400, 403, 404, 409, 422, ok=s.ValueOut, conflict=ConflictProblem),
    tags=["figures"],
)
def value_put(
    request: HttpRequest,
    response: HttpResponse,
    indicator: s.RecordCode,
    division: s.DivisionCode,
    period: s.PeriodCode,
    payload: s.ValueIn,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description="The ETag of the figure as read; leave out for a new figure.",
    ),
):
    """Enter or change a figure through the same service as the form: the
    same scope, rules, locking and version check. A stale If-Match answers 409
    with the value stored now."""
    the_division = q.division_seen(request.user, division)
    the_indicator = q.indicator_seen(request.user, indicator)
    the_period = q.period_named(period)
    try:
        amount = to_base(Decimal(payload.value), the_indicator.unit)
    except InvalidOperation:
        raise ValidationError({"value": _("Not a number.")}) from None
    expected = _expected_version(if_match)
    try:
        # A refused figure leaves no new empty report behind.
        with transaction.atomic():
            report = report_open(division=the_division, period=the_period, acting_user=request.user)
            saved = value_save(
                report=report,
                indicator=the_indicator,
                value=amount,
                comment=payload.comment,
                expected_version=expected,
                acting_user=request.user,
            )
    except ValueConflict as conflict:
        current = conflict.current
        return problem_response(
            request,
            409,
            str(conflict),
            current_value=_text(from_base(current.value, the_indicator.unit)),
            current_version=current.version,
        )
    response["ETag"] = _etag(saved.version)
    return _value(saved)


# The plan's ledgers -----------------------------------------------------------


def _policy(p) -> dict:
    return {
        "code": p.code,
        "title": p.title,
        "document_number": p.document_number,
        "programme": p.programme.code,
        "status": p.status,
        "planned_on": p.planned_on,
        "due_on": p.due_on,
        "issued_on": p.issued_on,
        "issuing_departments": [d.name for d in p.issuing_departments.all()],
    }


@api.get("/policies", response=responses(404, 422, ok=s.Page[s.PolicyOut]), tags=["plan"])
def policies(
    request: HttpRequest,
    paging: Query[Paging],
    programme: s.RecordCode | None = None,
    status: PolicyStatus | None = None,
    as_of: s.Day | None = Query(None, description="The ledger as it stood on this day."),
):
    day = _today(as_of)
    found = q.policies_seen(request.user, as_of=day)
    if programme:
        found = found.filter(programme=q.programme_seen(request.user, programme))
    if status == PolicyStatus.ISSUED:
        found = found.filter(issued_on__isnull=False, issued_on__lte=day)
    elif status == PolicyStatus.PLANNED:
        found = found.exclude(issued_on__isnull=False, issued_on__lte=day)
    return page_of(found, paging, _policy)


def _project(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "programme": p.programme.code,
        "divisions": sorted(d.code for d in p.divisions.all()),
        "owner": p.owner,
        "phase": p.phase_as_of,
        "total_investment": _text(p.total_investment),
        "expected_start_year": p.expected_start_year,
        "planned_start_on": p.planned_start_on,
        "started_on": p.started_on,
        "approvals": [{"kind": a.kind, "granted_on": a.granted_on} for a in p.approvals.all()],
    }


@api.get("/projects", response=responses(404, 422, ok=s.Page[s.ProjectOut]), tags=["plan"])
def projects(
    request: HttpRequest,
    paging: Query[Paging],
    programme: s.RecordCode | None = None,
    division: s.DivisionCode | None = Query(
        None, description="Projects in this division or below it."
    ),
    phase: Phase | None = None,
    as_of: s.Day | None = Query(None, description="Phases as they were on this day."),
):
    found = q.projects_within(request.user, as_of=_today(as_of), division=division)
    if programme:
        found = found.filter(programme=q.programme_seen(request.user, programme))
    if phase:
        found = found.filter(phase_as_of=phase)
    return page_of(found, paging, _project)


# Meetings and supervised action items ----------------------------------------


def _event(e) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "title": e.title,
        "starts_on": e.starts_on,
        "ends_on": e.ends_on,
        "programme": e.programme.code if e.programme else None,
        "divisions": sorted(d.code for d in e.divisions.all()),
    }


@api.get("/events", response=responses(404, 422, ok=s.Page[s.EventOut]), tags=["actions"])
def events(
    request: HttpRequest,
    paging: Query[Paging],
    programme: s.RecordCode | None = None,
    kind: EventKind | None = None,
    starts_from: s.Day | None = None,
    starts_until: s.Day | None = None,
):
    found = q.events_seen(request.user)
    if programme:
        found = found.filter(programme=q.programme_seen(request.user, programme))
    if kind:
        found = found.filter(kind=kind)
    if starts_from:
        found = found.filter(starts_on__gte=starts_from)
    if starts_until:
        found = found.filter(starts_on__lte=starts_until)
    return page_of(found, paging, _event)


@api.get(
    "/action-items",
    response=responses(404, 422, 503, ok=s.Page[s.ActionItemOut]),
    tags=["actions"],
)
def action_items(
    request: HttpRequest,
    paging: Query[Paging],
    programme: s.RecordCode | None = None,
    division: s.DivisionCode | None = Query(
        None, description="Items led by this division or one below it."
    ),
    status: ItemStatus | None = None,
    light: Light | None = None,
    as_of: s.Day | None = Query(None, description="Lights as they stood on this day."),
):
    """Items with their status lights (working days, the programme's rules and
    the second-amber rule, as on the pages)."""
    found = q.action_items_seen(request.user)
    if programme:
        found = found.filter(programme=q.programme_seen(request.user, programme))
    if division:
        top = q.division_seen(request.user, division)
        found = found.filter(lead_division__path__startswith=top.path)
    if status:
        found = found.filter(status=status)
    day = _today(as_of)
    rows: QuerySet | list = found
    if light:
        items = list(found)
        verdicts = item_verdicts(items, as_of=day)
        rows = [item for item in items if verdicts[item.pk].light == light]
    start = (paging.page - 1) * paging.page_size
    page = list(rows[start : start + paging.page_size])
    verdicts = item_verdicts(page, as_of=day) if page else {}
    return {
        "count": rows.count() if isinstance(rows, QuerySet) else len(rows),
        "page": paging.page,
        "page_size": paging.page_size,
        "items": [
            {
                "id": item.pk,
                "title": item.title,
                "programme": item.programme.code if item.programme else None,
                "lead_division": item.lead_division.code,
                "lead_department": item.lead_department.name if item.lead_department else None,
                "assigned_on": item.assigned_on,
                "acknowledge_by": item.acknowledge_by,
                "due_on": item.due_on,
                "status": item.status,
                "light": verdicts[item.pk].light,
                "light_reason": str(verdicts[item.pk].reason),
            }
            for item in page
        ],
    }


# Citizen cases and bulletins -------------------------------------------------


def _case(c) -> dict:
    return {
        "tracking_number": c.tracking_number,
        "case_type": c.case_type.code,
        "window": c.window.code,
        "division": c.window.division.code,
        "subject": c.subject,
        "received_on": c.received_on,
        "status": c.status,
        "step": c.step.name if c.step else None,
        "due_on": c.due_on,
        "outcome": c.outcome,
        "decided_on": c.decided_on,
    }


@api.get("/cases", response=responses(404, 422, ok=s.Page[s.CaseOut]), tags=["cases"])
def cases(
    request: HttpRequest,
    paging: Query[Paging],
    division: s.DivisionCode | None = Query(
        None, description="Cases received by windows of this division or below it."
    ),
    status: CaseStatus | None = None,
    case_type: s.RecordCode | None = None,
    received_from: s.Day | None = None,
    received_until: s.Day | None = None,
):
    found = q.cases_seen(request.user)
    if division:
        top = q.division_seen(request.user, division)
        found = found.filter(window__division__path__startswith=top.path)
    if status:
        found = found.filter(status=status)
    if case_type:
        found = found.filter(case_type__code=case_type)
    if received_from:
        found = found.filter(received_on__gte=received_from)
    if received_until:
        found = found.filter(received_on__lte=received_until)
    return page_of(found, paging, _case)


def _bulletin(b) -> dict:
    return {
        "id": b.pk,
        "title": b.title,
        "division": b.division.code,
        "campaign": b.campaign.code,
        "programme": b.programme.code if b.programme else None,
        "as_of": b.as_of,
        "language": b.language,
        "file_format": b.file_format,
        "sha256": b.sha256,
        "published_at": b.published_at,
    }


@api.get("/bulletins", response=responses(404, 422, ok=s.Page[s.BulletinOut]), tags=["bulletins"])
def bulletins(
    request: HttpRequest,
    paging: Query[Paging],
    division: s.DivisionCode | None = None,
    published: bool | None = None,
):
    found = q.bulletins_seen(request.user)
    if division:
        found = found.filter(division=q.division_seen(request.user, division))
    if published is not None:
        found = found.filter(published_at__isnull=not published)
    return page_of(found, paging, _bulletin)


# Data exchange ---------------------------------------------------------------

DATA_VALUE_SETS = "/dataValueSets"
CSV_BODY = {
    "content": {"text/csv": {"schema": {"type": "string"}}},
    "required": True,
}
JSON_BODY = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DataValueSet"}}},
    "required": True,
}


def _exported(request, org_unit, period, data_element, as_of) -> list[dict]:
    found = q.divisions_seen(request.user)
    if org_unit:
        found = found.filter(path__startswith=q.division_seen(request.user, org_unit).path)
    periods = Period.objects.all()
    if period:
        try:
            periods = periods.filter(code__in=[luodi_period(code) for code in period])
        except ValueError as wrong:
            raise ValidationError({"period": str(wrong)}) from None
    indicators = q.indicators_seen(request.user)
    if data_element:
        indicators = indicators.filter(code__in=data_element)
    return data_values_export(
        divisions=found,
        periods=periods,
        indicators=indicators,
        as_of=end_of_day(as_of),
    )


@api.get(DATA_VALUE_SETS, response=responses(404, 422, ok=s.DataValueSet), tags=["exchange"])
def data_value_sets(
    request: HttpRequest,
    orgUnit: s.DivisionCode | None = Query(None, description="This division and those below."),  # noqa: N803
    period: list[s.IsoPeriod] = Query([], description="ISO periods; all when none."),
    dataElement: list[s.RecordCode] = Query([], description="Indicator codes; all when none."),  # noqa: N803
    as_of: s.Day | None = Query(None, description="The figures as stored by the end of this day."),
):
    """The figures the user may see as a DHIS2 data value set (JSON)."""
    return {"dataValues": _exported(request, orgUnit, period, dataElement, as_of)}


@api.get(
    DATA_VALUE_SETS + ".csv",
    response=responses(404, 422),
    openapi_extra={
        "responses": {
            200: {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
    tags=["exchange"],
)
def data_value_sets_csv(
    request: HttpRequest,
    orgUnit: s.DivisionCode | None = Query(None, description="This division and those below."),  # noqa: N803
    period: list[s.IsoPeriod] = Query([], description="ISO periods; all when none."),
    dataElement: list[s.RecordCode] = Query([], description="Indicator codes; all when none."),  # noqa: N803
    as_of: s.Day | None = Query(None, description="The figures as stored by the end of this day."),
):
    """The same data value set in DHIS2's CSV columns."""
    values = _exported(request, orgUnit, period, dataElement, as_of)
    return HttpResponse(as_csv(values), content_type="text/csv; charset=utf-8")


def _imported(request, content: bytes, file_format: str, dry_run: bool):
    summary = data_values_import(
        content=content, format=file_format, acting_user=request.user, dry_run=dry_run
    )
    if summary["status"] == "SUCCESS":
        return summary
    return problem_response(
        request,
        409,
        summary["description"],
        [{"field": c["object"], "message": c["value"]} for c in summary["conflicts"]],
        import_summary=summary,
    )


IMPORT_RESPONSES = responses(400, 409, 413, 422, ok=s.ImportSummary, conflict=ImportProblem)


@api.post(
    DATA_VALUE_SETS,
    response=IMPORT_RESPONSES,
    openapi_extra={"requestBody": JSON_BODY},
    tags=["exchange"],
)
def data_value_sets_import(
    request: HttpRequest,
    dryRun: bool = Query(False, description="Check and report what would change; save nothing."),  # noqa: N803
):
    """Import a DHIS2 data value set (JSON) as the user, through the same checks
    as the forms: scope, rules, locking and versions; all of it or nothing.
    A refused file answers 409 with each conflict and DHIS2's import summary."""
    return _imported(request, _body(request), "json", dryRun)


@api.post(
    DATA_VALUE_SETS + ".csv",
    response=IMPORT_RESPONSES,
    openapi_extra={"requestBody": CSV_BODY},
    tags=["exchange"],
)
def data_value_sets_import_csv(
    request: HttpRequest,
    dryRun: bool = Query(False, description="Check and report what would change; save nothing."),  # noqa: N803
):
    """Import a data value set in DHIS2's CSV columns."""
    return _imported(request, _body(request), "csv", dryRun)


def _body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise HttpError(413, _("The file is larger than this server takes.")) from None


def _publisher(user) -> str:
    """Without a configured publisher, the user's own top division publishes."""
    home = home_divisions(user)
    return home[0].name if home else "luodi"


@api.get(
    "/projects.oc4ids",
    response=responses(404, 422, ok=dict[str, Any]),
    tags=["exchange"],
)
def projects_oc4ids(
    request: HttpRequest,
    division: s.DivisionCode | None = Query(
        None, description="Projects in this division or below it."
    ),
    as_of: s.Day | None = Query(None, description="Phases as they were on this day."),
):
    """The major projects the user may see as an OC4IDS project package."""
    day = _today(as_of)
    return project_package(
        projects=q.projects_within(request.user, as_of=day, division=division),
        as_of=day,
        uri=request.build_absolute_uri(),
        publisher_name=settings.LUODI_OC4IDS_PUBLISHER or _publisher(request.user),
        prefix=settings.LUODI_OC4IDS_PREFIX,
    )
