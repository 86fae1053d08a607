"""Writes to the plan: campaigns, tasks, programmes, workstreams, indicators, targets."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from luodi.core.services import record_save
from luodi.divisions.models import Department, Division

from .choices import AcrossDivisions, OverTime
from .models import Campaign, Indicator, Programme, StrategicTask, Target, Unit, Workstream


def campaign_save(
    *,
    campaign: Campaign | None = None,
    code: str,
    name: str,
    division: Division,
    year: int,
    decided_by: str = "",
    decided_from: date | None = None,
    decided_until: date | None = None,
    acting_user: Any,
) -> tuple[Campaign, dict]:
    return record_save(
        instance=campaign or Campaign(),
        fields={
            "code": code,
            "name": name,
            "division": division,
            "year": year,
            "decided_by": decided_by,
            "decided_from": decided_from,
            "decided_until": decided_until,
        },
        acting_user=acting_user,
        action_prefix="plan.campaign",
    )


def strategic_task_save(
    *,
    task: StrategicTask | None = None,
    code: str,
    campaign: Campaign,
    name: str,
    order: int = 0,
    acting_user: Any,
) -> tuple[StrategicTask, dict]:
    return record_save(
        instance=task or StrategicTask(),
        fields={"code": code, "campaign": campaign, "name": name, "order": order},
        acting_user=acting_user,
        action_prefix="plan.strategic_task",
    )


@transaction.atomic
def programme_save(
    *,
    programme: Programme | None = None,
    code: str,
    campaign: Campaign,
    name: str,
    order: int = 0,
    strategic_tasks: Iterable[StrategicTask] = (),
    lead_department: Department | None = None,
    description: str = "",
    acting_user: Any,
) -> tuple[Programme, dict]:
    return record_save(
        instance=programme or Programme(),
        fields={
            "code": code,
            "campaign": campaign,
            "name": name,
            "order": order,
            "lead_department": lead_department,
            "description": description,
        },
        m2m={"strategic_tasks": strategic_tasks},
        acting_user=acting_user,
        action_prefix="plan.programme",
    )


def workstream_save(
    *,
    workstream: Workstream | None = None,
    code: str,
    programme: Programme,
    name: str,
    order: int = 0,
    lead_department: Department | None = None,
    acting_user: Any,
) -> tuple[Workstream, dict]:
    return record_save(
        instance=workstream or Workstream(),
        fields={
            "code": code,
            "programme": programme,
            "name": name,
            "order": order,
            "lead_department": lead_department,
        },
        acting_user=acting_user,
        action_prefix="plan.workstream",
    )


def unit_save(
    *,
    unit: Unit | None = None,
    symbol: str,
    name: str,
    dimension: str,
    factor: Decimal,
    acting_user: Any,
) -> tuple[Unit, dict]:
    return record_save(
        instance=unit or Unit(),
        fields={"symbol": symbol, "name": name, "dimension": dimension, "factor": factor},
        acting_user=acting_user,
        action_prefix="plan.unit",
    )


def indicator_save(
    *,
    indicator: Indicator | None = None,
    code: str,
    name: str,
    programme: Programme,
    unit: Unit,
    workstream: Workstream | None = None,
    across_divisions: str = AcrossDivisions.SUM,
    over_time: str = OverTime.CUMULATIVE,
    higher_is_better: bool = True,
    description: str = "",
    aliases: str = "",
    acting_user: Any,
) -> tuple[Indicator, dict]:
    return record_save(
        instance=indicator or Indicator(),
        fields={
            "code": code,
            "name": name,
            "programme": programme,
            "unit": unit,
            "workstream": workstream,
            "across_divisions": across_divisions,
            "over_time": over_time,
            "higher_is_better": higher_is_better,
            "description": description,
            "aliases": aliases,
        },
        acting_user=acting_user,
        action_prefix="plan.indicator",
    )


def target_save(
    *,
    target: Target | None = None,
    indicator: Indicator,
    division: Division,
    year: int,
    value: Decimal,
    change_percent: Decimal | None = None,
    note: str = "",
    trajectory: list | None = None,
    acting_user: Any,
) -> tuple[Target, dict]:
    """Set a target; `value` is in the indicator's base unit."""
    if target is None:
        target = Target.objects.filter(indicator=indicator, division=division, year=year).first()
    return record_save(
        instance=target or Target(),
        fields={
            "indicator": indicator,
            "division": division,
            "year": year,
            "value": value,
            "change_percent": change_percent,
            "note": note,
            "trajectory": trajectory,
        },
        acting_user=acting_user,
        action_prefix="plan.target",
    )
