"""Read-outs of the whole campaign, as of a date, for a set of divisions."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import get_language

from luodi.actions.models import Event
from luodi.core.models import AuditEvent
from luodi.divisions.choices import DepartmentKind
from luodi.divisions.models import Division
from luodi.plan.models import Indicator, Target, Unit
from luodi.plan.selectors import campaigns_for, programmes_in_order, targets_for
from luodi.plan.units import from_base, tidy
from luodi.policies.models import Policy
from luodi.policies.selectors import issued_as_of, policies_as_of
from luodi.projects.choices import Phase
from luodi.projects.models import Project, ProjectApproval
from luodi.projects.selectors import PipelineCounts, pipeline_counts, projects_as_of
from luodi.reporting.selectors import end_of_day, totals

from .choices import Light
from .lights import indicator_light, policy_light, project_light, rules_for, share_due
from .models import LightChange

RECENT_EVENTS = 5


def _money(amount: Decimal | None, unit: Unit | None) -> dict[str, str] | None:
    if amount is None or unit is None:
        return None
    return {"value": str(from_base(amount, unit)), "unit": unit.symbol}


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def _listed_by_phase(counts: PipelineCounts) -> dict[str, int]:
    """The listed projects by phase: they add up to the list's total. Cancelled
    projects are off the list and counted apart."""
    return {
        Phase.PRE_CONSTRUCTION.value: counts.waiting,
        Phase.STARTED.value: counts.in_progress,
        Phase.COMPLETED.value: counts.completed,
    }


def _projects_read(counts: PipelineCounts, money_unit: Unit | None) -> dict[str, Any]:
    """A pipeline's counts for the status page, its JSON and the bulletin."""
    return {
        "total": counts.listed,
        "started": counts.started,
        "completed": counts.completed,
        "waiting": counts.waiting,
        "cancelled": counts.cancelled,
        "by_phase": _listed_by_phase(counts),
        "expected_start": counts.expected_start,
        "total_investment": _money(counts.total_investment, money_unit),
        "planned_investment_this_year": _money(counts.planned_investment_this_year, money_unit),
    }


def campaign_status(
    *, as_of: date, divisions: QuerySet[Division], home: list[Division]
) -> dict[str, Any]:
    """Per programme: the policy ledger, the project list by phase and expected
    start year, open approvals, targets for the year of `as_of`, recent events.

    `divisions` limits projects and events to a subtree (policies serve the whole
    campaign); `home` are the divisions whose own targets are shown.
    """
    programmes = list(programmes_in_order(campaigns_for(home)))
    money_unit = Unit.objects.filter(symbol="亿元").first()

    policies = policies_as_of(as_of).filter(programme__in=programmes)
    policy_counts = {
        row["programme"]: row
        for row in policies.values("programme").annotate(
            total=Count("id"), issued=Count("id", filter=issued_as_of(as_of))
        )
    }
    ministry_links = Policy.issuing_departments.through.objects.filter(
        policy__in=policies, department__kind=DepartmentKind.NATIONAL_MINISTRY
    )
    ministries = {
        row["policy__programme"]: row["n"]
        for row in ministry_links.values("policy__programme").annotate(
            n=Count("department", distinct=True)
        )
    }

    in_scope = Project.divisions.through.objects.filter(division__in=divisions).values("project")
    projects = projects_as_of(as_of).filter(pk__in=in_scope)
    pipelines = pipeline_counts(projects, year=as_of.year)
    approvals: dict[int, dict[str, int]] = defaultdict(dict)
    open_approvals = ProjectApproval.objects.filter(
        Q(granted_on__isnull=True) | Q(granted_on__gt=as_of),
        project__in=projects.filter(phase_as_of=Phase.PRE_CONSTRUCTION),  # type: ignore[misc]
    )
    for row in open_approvals.values("project__programme", "kind").annotate(n=Count("id")):
        approvals[row["project__programme"]][row["kind"]] = row["n"]

    targets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for target in targets_for(year=as_of.year, divisions=home):
        indicator = target.indicator
        targets[indicator.programme_id].append(
            {
                "indicator": indicator.code,
                "name": indicator.name,
                "division": target.division.code,
                "division_name": target.division.name,
                "year": target.year,
                "value": str(from_base(target.value, indicator.unit)),
                "unit": indicator.unit.symbol,
                "change_percent": _decimal_text(target.change_percent),
            }
        )

    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    visible_events = (
        Event.objects.filter(starts_on__lte=as_of)
        .filter(Q(divisions__isnull=True) | Q(divisions__in=divisions))
        .distinct()
        .order_by("-starts_on", "code")
    )
    for event in visible_events:
        if event.programme_id and len(events[event.programme_id]) < RECENT_EVENTS:
            events[event.programme_id].append(
                {
                    "code": event.code,
                    "kind": event.kind,
                    "title": event.title,
                    "starts_on": event.starts_on.isoformat(),
                    "ends_on": event.ends_on.isoformat() if event.ends_on else None,
                }
            )

    rows = []
    for programme in programmes:
        counts = policy_counts.get(programme.pk, {"total": 0, "issued": 0})
        rows.append(
            {
                "code": programme.code,
                "name": programme.name,
                "campaign": programme.campaign.code,
                "lead_department": str(programme.lead_department or ""),
                "policies": {
                    "total": counts["total"],
                    "issued": counts["issued"],
                    "planned": counts["total"] - counts["issued"],
                    "ministries": ministries.get(programme.pk, 0),
                },
                "projects": {
                    **_projects_read(pipelines.get(programme.pk, PipelineCounts()), money_unit),
                    "open_approvals": approvals[programme.pk],
                },
                "targets": targets[programme.pk],
                "recent_events": events[programme.pk],
            }
        )

    all_ministries = ministry_links.values("department").distinct().count()
    return {
        "as_of": as_of.isoformat(),
        "scope": [division.code for division in home],
        "programmes": rows,
        "totals": {
            "policies": {
                "total": sum(r["policies"]["total"] for r in rows),
                "issued": sum(r["policies"]["issued"] for r in rows),
                "planned": sum(r["policies"]["planned"] for r in rows),
                "ministries": all_ministries,
            },
            "projects": _projects_read(
                sum((pipelines.get(p.pk, PipelineCounts()) for p in programmes), PipelineCounts()),
                money_unit,
            ),
        },
    }


# ---------------------------------------------------------------------------
# The dashboard of one division: indicators with lights, league table, map,
# project pipeline and policy ledger, as of a day.


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(tidy(value))


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + str(tidy(value))


def _or_lowest(value: Decimal | None) -> Decimal:
    """For sorting: a missing figure ranks below every real one, 0 included."""
    return Decimal("-Infinity") if value is None else value


def _share(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    if value is None or not target:
        return None
    return (value * 100 / target).quantize(Decimal("0.1"))


def _since(keys: set[tuple[str, int, int | None]], as_of: date) -> dict[tuple, tuple[str, date]]:
    """Each light's last recorded colour on or before `as_of`, and since when:
    one query."""
    if not keys:
        return {}
    subjects = {subject for subject, _id, _division in keys}
    changes = LightChange.objects.filter(
        subject__in=subjects,
        subject_id__in={subject_id for _s, subject_id, _d in keys},
        observed_on__lte=as_of,
    ).order_by("observed_on", "id")
    since: dict[tuple, tuple[str, date]] = {}
    for change in changes:
        key = (change.subject, change.subject_id, change.division_id)
        if key in keys:
            since[key] = (change.light, change.observed_on)
    return since


def _since_text(recorded: tuple[str, date] | None, light: str) -> str | None:
    """Since when a light has had its colour, if the last record says so (a
    change not yet recorded by the daily run has no date)."""
    if recorded is None or recorded[0] != light:
        return None
    return recorded[1].isoformat()


def division_board(
    *,
    division: Division,
    as_of: date,
    visible: QuerySet[Division],
    programme_code: str | None = None,
    rank_by: str | None = None,
    recorded_on: date | None = None,
) -> dict[str, Any]:
    """Everything a division's dashboard shows, as plain data for the page, its
    charts and the JSON view. A fixed number of queries, however many
    divisions, indicators, projects or policies there are.

    Figures are those of periods begun on or before `as_of` (the data date),
    at their current values; with `recorded_on` (the knowledge date), as they
    were stored at the end of that day."""
    programmes = list(programmes_in_order(campaigns_for([division])))
    if programme_code:
        programmes = [p for p in programmes if p.code == programme_code]
    indicators = list(
        Indicator.objects.filter(programme__in=programmes)
        .select_related("unit")
        .order_by("programme__order", "programme__code", "id")
    )
    children = list(
        Division.objects.filter(parent=division, is_active=True, pk__in=visible.values("pk"))
    )
    places = [division, *children]
    targets = {
        (t.indicator_id, t.division_id): t
        for t in Target.objects.filter(
            year=as_of.year, division__in=places, indicator__in=indicators
        )
    }
    moment = end_of_day(recorded_on)
    now = totals(
        indicators=indicators, divisions=places, year=as_of.year, up_to=as_of, as_of=moment
    )
    previous_end = as_of.replace(day=1) - timedelta(days=1)
    before = (
        totals(
            indicators=indicators,
            divisions=children,
            year=as_of.year,
            up_to=previous_end,
            as_of=moment,
        )
        if previous_end.year == as_of.year and children
        else {}
    )
    rules = rules_for(programmes)
    programme_of = {p.pk: p for p in programmes}

    indicator_rows = []
    for indicator in indicators:
        unit = indicator.unit
        value = now.get((indicator.pk, division.pk))
        target = targets.get((indicator.pk, division.pk))
        # Nothing reported yet gives no light rather than a red one for 0%.
        reached = _share(value, target.value) if target and value is not None else None
        due = share_due(as_of=as_of, trajectory=target.trajectory if target else None)
        verdict = indicator_light(
            reached=reached, due=due.quantize(Decimal("0.1")), rules=rules[indicator.programme_id]
        )
        indicator_rows.append(
            {
                "code": indicator.code,
                "id": indicator.pk,
                "name": indicator.name,
                "programme": programme_of[indicator.programme_id].code,
                "programme_name": programme_of[indicator.programme_id].name,
                "unit": unit.symbol,
                "value": _text(from_base(value, unit)) if value is not None else None,
                "target": _text(from_base(target.value, unit)) if target else None,
                "reached": _text(reached),
                "due": _text(due.quantize(Decimal("0.1"))),
                "light": verdict.light,
                "reason": verdict.reason,
            }
        )

    ranked = next(
        (i for i in indicators if i.code == rank_by),
        next((i for i in indicators if any((i.pk, c.pk) in now for c in children)), None),
    )
    league = []
    if ranked is not None:
        for child in children:
            value = now.get((ranked.pk, child.pk))
            target = targets.get((ranked.pk, child.pk))
            earlier = before.get((ranked.pk, child.pk))
            change = None if value is None else value - (earlier or Decimal(0))
            league.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "value": _text(from_base(value, ranked.unit)) if value is not None else None,
                    "share": _text(_share(value, target.value if target else None)),
                    "change": _signed(from_base(change, ranked.unit))
                    if change is not None
                    else None,
                    "_sort": (
                        _or_lowest(_share(value, target.value if target else None)),
                        _or_lowest(value),
                    ),
                }
            )
        league.sort(key=lambda row: row["_sort"], reverse=True)
        for position, row in enumerate(league, start=1):
            row["rank"] = position
            del row["_sort"]

    pipeline = _pipeline(division=division, as_of=as_of, programmes=programmes, rules=rules)
    ledger = _ledger(as_of=as_of, programmes=programmes, rules=rules)
    keys: set[tuple[str, int, int | None]] = {
        ("project", row["id"], None) for row in pipeline["waiting"]
    }
    keys |= {("policy", row["id"], None) for row in ledger["overdue"]}
    keys |= {("indicator", row["id"], division.pk) for row in indicator_rows}
    # A light's history as known on the knowledge date, if one is asked for.
    since = _since(keys, min(as_of, recorded_on) if moment is not None and recorded_on else as_of)
    for row in indicator_rows:
        row["since"] = _since_text(since.get(("indicator", row["id"], division.pk)), row["light"])
    for row in pipeline["waiting"]:
        row["since"] = _since_text(since.get(("project", row["id"], None)), row["light"])
    for row in ledger["overdue"]:
        row["since"] = _since_text(since.get(("policy", row["id"], None)), row["light"])

    return {
        "as_of": as_of.isoformat(),
        "recorded_on": recorded_on.isoformat() if moment is not None and recorded_on else None,
        "division": {"code": division.code, "name": division.name, "level": division.level},
        "programme": programme_code or None,
        "programmes": [{"code": p.code, "name": p.name} for p in programmes],
        "indicators": indicator_rows,
        "league": {
            "indicator": ranked.code if ranked else None,
            "indicator_name": ranked.name if ranked else None,
            "unit": ranked.unit.symbol if ranked else None,
            "since": previous_end.isoformat(),
            "rows": league,
        },
        "pipeline": pipeline,
        "policies": ledger,
    }


BOARD_KEPT_SECONDS = 6 * 60 * 60


def division_board_kept(
    *,
    division: Division,
    as_of: date,
    visible: QuerySet[Division],
    programme_code: str | None = None,
    rank_by: str | None = None,
    recorded_on: date | None = None,
) -> dict[str, Any]:
    """`division_board`, kept in the cache until anything is written.

    Every write leaves an audit event in its own transaction, so the newest
    event's id names the state of the data: one indexed query tells whether a
    kept board is still true. A division's board is the same for everyone who
    may see it (the whole subtree below a visible division is visible)."""
    latest = AuditEvent.objects.aggregate(latest=Max("id"))["latest"] or 0
    key = ":".join(
        [
            "board",
            str(division.pk),
            as_of.isoformat(),
            recorded_on.isoformat() if recorded_on else "",
            programme_code or "",
            rank_by or "",
            get_language() or "",
            str(latest),
        ]
    )
    board = cache.get(key)
    if board is None:
        board = division_board(
            division=division,
            as_of=as_of,
            visible=visible,
            programme_code=programme_code,
            rank_by=rank_by,
            recorded_on=recorded_on,
        )
        cache.set(key, board, BOARD_KEPT_SECONDS)
    return board


def _pipeline(*, division: Division, as_of: date, programmes: list, rules: dict) -> dict[str, Any]:
    """Projects in the division's subtree as of the day: by phase, by expected
    start year and by programme, with investment totals; and those still in
    pre-construction approvals with what is open for each. Three queries."""
    money_unit = Unit.objects.filter(symbol="亿元").first()
    in_subtree = Project.divisions.through.objects.filter(
        division__path__startswith=division.path
    ).values("project")
    projects = projects_as_of(as_of).filter(pk__in=in_subtree, programme__in=programmes)
    pipelines = pipeline_counts(projects, year=as_of.year)
    overall = sum(pipelines.values(), PipelineCounts())

    waiting_projects = list(
        projects.filter(phase_as_of=Phase.PRE_CONSTRUCTION).order_by(  # type: ignore[misc]
            "expected_start_year", "code"
        )
    )
    open_kinds: dict[int, list[str]] = defaultdict(list)
    for approval in ProjectApproval.objects.filter(
        Q(granted_on__isnull=True) | Q(granted_on__gt=as_of),
        project__in=[p.pk for p in waiting_projects],
    ).order_by("kind"):
        open_kinds[approval.project_id].append(approval.get_kind_display())
    waiting = []
    for project in waiting_projects:
        verdict = project_light(
            phase=Phase.PRE_CONSTRUCTION,
            planned_start_on=project.planned_start_on,
            expected_start_year=project.expected_start_year,
            as_of=as_of,
            rules=rules[project.programme_id],
        )
        waiting.append(
            {
                "id": project.pk,
                "code": project.code,
                "name": project.name,
                "expected_start_year": project.expected_start_year,
                "open_approvals": open_kinds[project.pk],
                "light": verdict.light,
                "reason": verdict.reason,
            }
        )
    return {
        "total": overall.listed,
        "started": overall.started,
        "completed": overall.completed,
        "cancelled": overall.cancelled,
        "by_phase": _listed_by_phase(overall),
        "expected_start": overall.expected_start,
        "by_programme": [
            {
                "code": programme.code,
                "name": programme.name,
                "total": pipelines[programme.pk].listed,
                "started": pipelines[programme.pk].started,
                "investment": _money(
                    pipelines[programme.pk].total_investment or Decimal(0), money_unit
                ),
            }
            for programme in programmes
            if programme.pk in pipelines
        ],
        "investment": _money(overall.total_investment or Decimal(0), money_unit),
        "waiting": waiting,
    }


def _ledger(*, as_of: date, programmes: list, rules: dict) -> dict[str, Any]:
    """The policy ledger as of the day: issued and planned by ministry, and the
    policies past their planned issue date. Two queries."""
    policies = list(
        policies_as_of(as_of)
        .filter(programme__in=programmes)
        .prefetch_related("issuing_departments")
        .order_by("due_on", "code")
    )
    by_department: dict[str, dict[str, int]] = {}
    overdue = []
    issued_total = 0
    for policy in policies:
        issued = policy.issued_on is not None and policy.issued_on <= as_of
        issued_total += issued
        for department in policy.issuing_departments.all():
            counts = by_department.setdefault(department.name, {"issued": 0, "planned": 0})
            counts["issued" if issued else "planned"] += 1
        if not issued and policy.due_on is not None:
            verdict = policy_light(
                planned_on=policy.due_on,
                issued_on=policy.issued_on,
                as_of=as_of,
                rules=rules[policy.programme_id],
            )
            if verdict.light in (Light.AMBER, Light.RED):
                overdue.append(
                    {
                        "id": policy.pk,
                        "code": policy.code,
                        "title": policy.title,
                        "due_on": policy.due_on.isoformat(),
                        "light": verdict.light,
                        "reason": verdict.reason,
                    }
                )
    return {
        "total": len(policies),
        "issued": issued_total,
        "planned": len(policies) - issued_total,
        "by_department": [
            {"name": name, **counts}
            for name, counts in sorted(
                by_department.items(), key=lambda item: (-sum(item[1].values()), item[0])
            )
        ],
        "overdue": overdue,
    }
