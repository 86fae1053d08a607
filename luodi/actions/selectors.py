"""Reads of action items: their lights, and each person's digest."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from luodi.cases.workdays import WorkingCalendar
from luodi.dashboards.choices import Light, Subject
from luodi.dashboards.lights import Rules, Verdict, rules_for
from luodi.dashboards.models import LightChange
from luodi.divisions.models import Division
from luodi.divisions.permissions import reportable_divisions

from .choices import ItemStatus
from .models import ActionItem

OPEN_STATUSES = [s for s in ItemStatus.values if s != ItemStatus.CLOSED]


def item_light(
    *,
    item: ActionItem,
    as_of: date,
    calendar: WorkingCalendar,
    rules: Rules,
    earlier_ambers: int = 0,
) -> Verdict:
    """Red once overdue; amber when due within `item_amber_working_days`
    working days, or not acknowledged in time; green otherwise. An item that
    turns amber a second time (`earlier_ambers` recorded before) is red."""
    verdict = _item_light(item=item, as_of=as_of, calendar=calendar, rules=rules)
    if verdict.light == Light.AMBER and earlier_ambers >= 1:
        return Verdict(
            Light.RED, _("Red: amber for the second time. %(reason)s") % {"reason": verdict.reason}
        )
    return verdict


def _item_light(
    *, item: ActionItem, as_of: date, calendar: WorkingCalendar, rules: Rules
) -> Verdict:
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


def earlier_ambers(items: list[ActionItem], as_of: date) -> dict[int, int]:
    """For each item, the amber spells recorded before its current one: one query."""
    counts: dict[int, int] = {}
    last: dict[int, str] = {}
    changes = LightChange.objects.filter(
        subject=Subject.ACTION_ITEM, subject_id__in=[i.pk for i in items], observed_on__lte=as_of
    ).order_by("observed_on", "id")
    for change in changes:
        if change.light == Light.AMBER:
            counts[change.subject_id] = counts.get(change.subject_id, 0) + 1
        last[change.subject_id] = change.light
    # The spell going on now (last recorded amber) is not an earlier one.
    return {
        key: count - (1 if last.get(key) == Light.AMBER else 0) for key, count in counts.items()
    }


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
    verdicts = item_verdicts(items, as_of=as_of)
    lines = []
    for item in items:
        verdict = verdicts[item.pk]
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
    verdicts = item_verdicts(items, as_of=as_of)
    return [ItemLine(item, verdicts[item.pk].light, verdicts[item.pk].reason) for item in items]


def item_verdicts(items: list[ActionItem], *, as_of: date) -> dict[int, Verdict]:
    """Each item's light on `as_of`, by its programme's rules: two queries."""
    calendar = WorkingCalendar()
    rules = rules_for(list({i.programme for i in items if i.programme}))
    ambers = earlier_ambers(items, as_of)
    return {
        item.pk: item_light(
            item=item,
            as_of=as_of,
            calendar=calendar,
            rules=rules.get(item.programme_id, Rules()) if item.programme_id else Rules(),
            earlier_ambers=ambers.get(item.pk, 0),
        )
        for item in items
    }


def open_items_in(divisions: QuerySet[Division]) -> list[ActionItem]:
    return list(_items_in(divisions))
