"""Reads of action items: their lights, and each person's digest."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from luodi.cases.workdays import WorkingCalendar
from luodi.dashboards.choices import Light
from luodi.dashboards.lights import Rules, Verdict, rules_for
from luodi.divisions.models import Division
from luodi.divisions.permissions import reportable_divisions

from .choices import ItemStatus
from .models import ActionItem

OPEN_STATUSES = [s for s in ItemStatus.values if s != ItemStatus.CLOSED]


def item_light(
    *, item: ActionItem, as_of: date, calendar: WorkingCalendar, rules: Rules
) -> Verdict:
    """Red once overdue; amber when due within `item_amber_working_days`
    working days, or not acknowledged in time; green otherwise."""
    facts = {"due": item.due_on.isoformat(), "ack": item.acknowledge_by.isoformat()}
    if item.status == ItemStatus.CLOSED:
        return Verdict(Light.GREEN, _("Verified and closed."))
    if item.status == ItemStatus.REPORTED_DONE:
        return Verdict(Light.GREEN, _("Reported done; waiting for verification."))
    if as_of > item.due_on:
        return Verdict(Light.RED, _("Red: overdue, it was due on %(due)s.") % facts)
    if item.acknowledged_on is None and as_of > item.acknowledge_by:
        return Verdict(Light.AMBER, _("Amber: not acknowledged by %(ack)s as asked.") % facts)
    left = calendar.working_days_between(as_of, item.due_on)
    if left <= rules.item_amber_working_days:
        facts["left"] = str(left)
        return Verdict(
            Light.AMBER, _("Amber: due on %(due)s, %(left)s working days from now.") % facts
        )
    return Verdict(Light.GREEN, _("Due on %(due)s.") % facts)


@dataclass(frozen=True)
class DigestLine:
    item: ActionItem
    light: str
    reason: str
    acknowledged_late: bool
    reported_late: bool
    escalated: bool


def _items_in(divisions: QuerySet[Division]) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(lead_division__in=divisions, status__in=OPEN_STATUSES)
        .select_related("lead_division", "programme")
        .order_by("due_on", "id")
    )


def digest_for(user, *, as_of: date) -> list[DigestLine]:
    """What is due soon or overdue for a person: the open items of the
    divisions they act for that are amber or red. Items of the divisions
    below them appear only once overdue (escalated to the level above)."""
    divisions = reportable_divisions(user)
    own = {m.division_id for m in user.memberships.all()}
    items = list(_items_in(divisions))
    if not items:
        return []
    calendar = WorkingCalendar()
    rules = rules_for(list({i.programme for i in items if i.programme}))
    lines = []
    for item in items:
        verdict = item_light(
            item=item,
            as_of=as_of,
            calendar=calendar,
            rules=rules.get(item.programme_id, Rules()) if item.programme_id else Rules(),
        )
        escalated = item.lead_division_id not in own and not user.is_superuser
        if verdict.light not in (Light.AMBER, Light.RED) or (
            escalated and verdict.light != Light.RED
        ):
            continue
        lines.append(
            DigestLine(
                item=item,
                light=verdict.light,
                reason=verdict.reason,
                acknowledged_late=(item.acknowledged_on or as_of) > item.acknowledge_by,
                reported_late=(item.reported_on or as_of) > item.due_on,
                escalated=escalated,
            )
        )
    return lines


@dataclass(frozen=True)
class ItemLine:
    item: ActionItem
    light: str
    reason: str


def items_visible_to(user, *, as_of: date, divisions: QuerySet[Division]) -> list[ItemLine]:
    """The open items of the divisions a person may see, with their lights."""
    items = list(_items_in(divisions)[:500])
    if not items:
        return []
    calendar = WorkingCalendar()
    rules = rules_for(list({i.programme for i in items if i.programme}))
    lines = []
    for item in items:
        verdict = item_light(
            item=item,
            as_of=as_of,
            calendar=calendar,
            rules=rules.get(item.programme_id, Rules()) if item.programme_id else Rules(),
        )
        lines.append(ItemLine(item, verdict.light, verdict.reason))
    return lines
