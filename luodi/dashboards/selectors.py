"""Read-outs of the whole campaign, as of a date, for a set of divisions."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from luodi.actions.models import Event
from luodi.divisions.choices import DepartmentKind
from luodi.divisions.models import Division
from luodi.plan.models import Unit
from luodi.plan.selectors import campaigns_for, programmes_in_order, targets_for
from luodi.plan.units import from_base
from luodi.policies.models import Policy
from luodi.policies.selectors import issued_as_of, policies_as_of
from luodi.projects.choices import Phase
from luodi.projects.models import Project, ProjectApproval
from luodi.projects.selectors import projects_as_of

RECENT_EVENTS = 5
UNKNOWN_YEAR = "unknown"  # key for projects whose expected start year is not given


def _money(amount: Decimal | None, unit: Unit | None) -> dict[str, str] | None:
    if amount is None or unit is None:
        return None
    return {"value": str(from_base(amount, unit)), "unit": unit.symbol}


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


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
    # One pass over the projects: counts by phase and expected start year, and
    # the investment sums, folded per programme below.
    phases: dict[int, dict[str, int]] = defaultdict(dict)
    expected: dict[int, dict[str, int]] = defaultdict(dict)
    investment: dict[int, dict[str, Decimal]] = defaultdict(dict)
    # phase_as_of is annotated by projects_as_of; the type checker cannot see it.
    grouped = projects.values(  # type: ignore[misc]
        "programme", "phase_as_of", "expected_start_year"
    ).annotate(
        n=Count("id"),
        total=Sum("total_investment"),
        this_year=Sum("planned_investment", filter=Q(planned_investment_year=as_of.year)),
    )
    for row in grouped.order_by("expected_start_year"):
        programme_id, phase = row["programme"], row["phase_as_of"]
        phases[programme_id][phase] = phases[programme_id].get(phase, 0) + row["n"]
        if phase == Phase.PRE_CONSTRUCTION:
            year = str(row["expected_start_year"] or UNKNOWN_YEAR)
            expected[programme_id][year] = row["n"]
        for key in ("total", "this_year"):
            if row[key] is not None:
                investment[programme_id][key] = investment[programme_id].get(key, 0) + row[key]
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
        by_phase = {phase.value: phases[programme.pk].get(phase.value, 0) for phase in Phase}
        money = investment[programme.pk]
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
                    "total": sum(by_phase.values()),
                    "by_phase": by_phase,
                    "expected_start": expected[programme.pk],
                    "open_approvals": approvals[programme.pk],
                    "total_investment": _money(money.get("total"), money_unit),
                    "planned_investment_this_year": _money(money.get("this_year"), money_unit),
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
            "projects": {
                "total": sum(r["projects"]["total"] for r in rows),
                "by_phase": {
                    phase.value: sum(r["projects"]["by_phase"][phase.value] for r in rows)
                    for phase in Phase
                },
            },
        },
    }
