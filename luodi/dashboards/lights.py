"""Status lights (红黄绿灯): the rules, as plain functions of the facts.

Each function returns the light and, in words, why: the dashboards show the
reason beside the light. The thresholds come from a `LightRule` (see
`rules_for`); the defaults follow published practice.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from luodi.projects.choices import Phase

from .choices import Light
from .models import LightRule


@dataclass(frozen=True)
class Rules:
    indicator_amber_points: Decimal = Decimal(10)
    indicator_red_points: Decimal = Decimal(30)
    project_amber_months: int = 0
    project_red_months: int = 3
    policy_amber_days: int = 0
    policy_red_days: int | None = None
    item_amber_working_days: int = 3

    @classmethod
    def of(cls, rule: LightRule | None) -> "Rules":
        if rule is None:
            return cls()
        return cls(
            indicator_amber_points=rule.indicator_amber_points,
            indicator_red_points=rule.indicator_red_points,
            project_amber_months=rule.project_amber_months,
            project_red_months=rule.project_red_months,
            policy_amber_days=rule.policy_amber_days,
            policy_red_days=rule.policy_red_days,
            item_amber_working_days=rule.item_amber_working_days,
        )


@dataclass(frozen=True)
class Verdict:
    light: str
    reason: str


def _percent(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")).normalize(), "f")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months_after(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def share_due(*, as_of: date, trajectory: list | None) -> Decimal:
    """The share of the year's target due by `as_of`, in percent: the share of
    the year elapsed, or read from a monthly trajectory (the share due at each
    month's end), between month ends in proportion to the days."""
    if not trajectory:
        days = Decimal(366 if calendar.isleap(as_of.year) else 365)
        return Decimal(as_of.timetuple().tm_yday) * 100 / days
    before = Decimal(str(trajectory[as_of.month - 2])) if as_of.month > 1 else Decimal(0)
    after = Decimal(str(trajectory[as_of.month - 1]))
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    return before + (after - before) * Decimal(as_of.day) / Decimal(days_in_month)


def indicator_light(*, reached: Decimal | None, due: Decimal, rules: Rules) -> Verdict:
    """Amber from `indicator_amber_points` behind the trajectory up to and
    including `indicator_red_points`; red beyond."""
    if reached is None:
        return Verdict(Light.NONE, _("No target for this year, or nothing reported yet: no light."))
    behind = due - reached
    facts = {
        "behind": _percent(behind),
        "reached": _percent(reached),
        "due": _percent(due),
        "amber": _percent(rules.indicator_amber_points),
        "red": _percent(rules.indicator_red_points),
    }
    if behind > rules.indicator_red_points:
        return Verdict(
            Light.RED,
            _(
                "Red: %(behind)s points behind; %(reached)s%% of the target reached, "
                "%(due)s%% due. Red beyond %(red)s points."
            )
            % facts,
        )
    if behind >= rules.indicator_amber_points:
        return Verdict(
            Light.AMBER,
            _(
                "Amber: %(behind)s points behind; %(reached)s%% of the target reached, "
                "%(due)s%% due. Amber from %(amber)s to %(red)s points."
            )
            % facts,
        )
    return Verdict(
        Light.GREEN,
        _("Green: %(reached)s%% of the target reached, %(due)s%% due.") % facts,
    )


def project_light(
    *,
    phase: str,
    planned_start_on: date | None,
    expected_start_year: int | None,
    as_of: date,
    rules: Rules,
) -> Verdict:
    """A project not started by the end of its planned start month turns amber
    (`project_amber_months` later) and red `project_red_months` later. Without a
    planned month, December of the expected start year counts."""
    if phase == Phase.CANCELLED:
        return Verdict(Light.NONE, _("Cancelled."))
    if phase != Phase.PRE_CONSTRUCTION:
        return Verdict(Light.GREEN, _("Construction has started."))
    if planned_start_on is None and expected_start_year is None:
        return Verdict(Light.NONE, _("No planned start is given, so no light."))
    month = planned_start_on or date(expected_start_year or as_of.year, 12, 1)
    facts = {"month": f"{month.year}-{month.month:02d}"}
    if as_of >= _months_after(month, rules.project_red_months + 1):
        facts["months"] = str(rules.project_red_months)
        return Verdict(
            Light.RED,
            _("Red: not started, %(months)s months after its planned start month %(month)s.")
            % facts,
        )
    if as_of >= _months_after(month, rules.project_amber_months + 1):
        return Verdict(
            Light.AMBER, _("Amber: its planned start month %(month)s has passed.") % facts
        )
    return Verdict(Light.GREEN, _("Planned to start in %(month)s.") % facts)


def policy_light(*, planned_on: date, issued_on: date | None, as_of: date, rules: Rules) -> Verdict:
    """Amber once the planned issue date has passed without the policy issued
    (plus `policy_amber_days`); red after `policy_red_days`, when set."""
    if issued_on is not None and issued_on <= as_of:
        return Verdict(Light.GREEN, _("Issued on %(date)s.") % {"date": issued_on.isoformat()})
    late = (as_of - planned_on).days
    facts = {"date": planned_on.isoformat(), "days": late}
    if rules.policy_red_days is not None and late > rules.policy_red_days:
        return Verdict(
            Light.RED, _("Red: %(days)d days past its planned issue date %(date)s.") % facts
        )
    if late > rules.policy_amber_days:
        return Verdict(
            Light.AMBER, _("Amber: %(days)d days past its planned issue date %(date)s.") % facts
        )
    return Verdict(Light.GREEN, _("Planned for %(date)s.") % facts)


def rules_for(programmes: list) -> dict[int, Rules]:
    """Each programme's rules: its own, else its campaign's default, else the
    published defaults. One query."""
    stored = list(
        LightRule.objects.filter(campaign__in={p.campaign_id for p in programmes}).select_related(
            None
        )
    )
    own = {r.programme_id: r for r in stored if r.programme_id}
    default = {r.campaign_id: r for r in stored if r.programme_id is None}
    return {p.pk: Rules.of(own.get(p.pk) or default.get(p.campaign_id)) for p in programmes}
