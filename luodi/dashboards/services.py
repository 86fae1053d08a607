"""Writes of the dashboards app: the light rules, and the lights' history."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from luodi.actions.selectors import item_verdicts, open_items_in
from luodi.core.services import audit_record, record_save
from luodi.divisions.models import Division
from luodi.plan.models import Campaign, Programme

from .choices import Light, Subject
from .models import LightChange, LightRule
from .selectors import division_board


def light_rule_save(
    *,
    rule: LightRule | None = None,
    campaign: Campaign,
    programme: Programme | None = None,
    indicator_amber_points: Decimal = Decimal(10),
    indicator_red_points: Decimal = Decimal(30),
    project_amber_months: int = 0,
    project_red_months: int = 3,
    policy_amber_days: int = 0,
    policy_red_days: int | None = None,
    item_amber_working_days: int = 3,
    acting_user: Any,
) -> tuple[LightRule, dict]:
    """Set when lights turn amber and red, for a campaign or one programme."""
    return record_save(
        instance=rule or LightRule(),
        fields={
            "campaign": campaign,
            "programme": programme,
            "indicator_amber_points": indicator_amber_points,
            "indicator_red_points": indicator_red_points,
            "project_amber_months": project_amber_months,
            "project_red_months": project_red_months,
            "policy_amber_days": policy_amber_days,
            "policy_red_days": policy_red_days,
            "item_amber_working_days": item_amber_working_days,
        },
        acting_user=acting_user,
        action_prefix="dashboards.light_rule",
    )


@dataclass
class LightsRecorded:
    looked_at: int = 0
    changed: int = 0


@transaction.atomic
def lights_record(*, divisions: list[Division], as_of: date, acting_user: Any) -> LightsRecorded:
    """Look at every light the dashboards of `divisions` show on `as_of` and
    add a `LightChange` for each whose colour differs from the last one
    recorded: run daily, this is the lights' history. Days are recorded in
    order; a day before the last one recorded for a light is not rewritten.

    A light observed on a day is what the records said that day: the boards
    are read as recorded on `as_of` (for today, the same as the current
    figures), so a day recorded late does not take in figures entered after it."""
    report = LightsRecorded()
    seen: dict[tuple, tuple[str, str]] = {}
    everything = Division.objects.all()
    for division in divisions:
        board = division_board(
            division=division, as_of=as_of, visible=everything, recorded_on=as_of
        )
        for row in board["indicators"]:
            seen[(Subject.INDICATOR, row["id"], division.pk)] = (row["light"], row["reason"])
        for row in board["pipeline"]["waiting"]:
            seen[(Subject.PROJECT, row["id"], None)] = (row["light"], row["reason"])
        for row in board["policies"]["overdue"]:
            seen[(Subject.POLICY, row["id"], None)] = (row["light"], row["reason"])
        items = open_items_in(Division.objects.subtree_of([division]))
        for item_id, verdict in item_verdicts(items, as_of=as_of).items():
            seen[(Subject.ACTION_ITEM, item_id, None)] = (verdict.light, verdict.reason)
    last: dict[tuple, LightChange] = {}
    for change in LightChange.objects.filter(subject_id__in={key[1] for key in seen}).order_by(
        "observed_on", "id"
    ):
        last[(change.subject, change.subject_id, change.division_id)] = change
    for key, (light, reason) in seen.items():
        report.looked_at += 1
        previous = last.get(key)
        if previous is not None and (previous.light == light or previous.observed_on >= as_of):
            continue
        if previous is None and light == Light.NONE:
            continue
        subject, subject_id, division_id = key
        change = LightChange.objects.create(
            subject=subject,
            subject_id=subject_id,
            division_id=division_id,
            light=light,
            reason=reason[:300],
            observed_on=as_of,
        )
        audit_record(
            actor=acting_user,
            action="dashboards.light.changed",
            instance=change,
            changes={"light": [previous.light if previous else None, light]},
        )
        report.changed += 1
    return report
