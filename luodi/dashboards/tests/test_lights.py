"""The light rules at their boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from luodi.dashboards.choices import Light
from luodi.dashboards.lights import (
    Rules,
    indicator_light,
    policy_light,
    project_light,
    rules_for,
    share_due,
)
from luodi.dashboards.models import LightRule
from luodi.projects.choices import Phase

DEFAULTS = Rules()


@pytest.mark.parametrize(
    ("reached", "light"),
    [
        ("50", Light.GREEN),
        ("40.1", Light.GREEN),  # 9.9 points behind
        ("40", Light.AMBER),  # exactly 10 behind
        ("20", Light.AMBER),  # exactly 30 behind
        ("19.9", Light.RED),  # 30.1 behind
        ("0", Light.RED),
        ("80", Light.GREEN),  # ahead
    ],
)
def test_an_indicator_is_amber_from_10_to_30_points_behind_and_red_beyond(reached, light):
    assert indicator_light(reached=Decimal(reached), due=Decimal(50), rules=DEFAULTS).light == light


def test_the_reason_says_how_far_behind_and_the_rule():
    verdict = indicator_light(reached=Decimal("9.1"), due=Decimal("21.3"), rules=DEFAULTS)

    assert verdict.reason == (
        "Amber: 12.2 points behind; 9.1% of the target reached, 21.3% due. "
        "Amber from 10 to 30 points."
    )


def test_an_indicator_without_a_target_has_no_light():
    assert indicator_light(reached=None, due=Decimal(50), rules=DEFAULTS).light == Light.NONE


def test_the_share_due_is_the_share_of_the_year_or_the_trajectory():
    assert share_due(as_of=date(2024, 12, 31), trajectory=None) == 100
    assert share_due(as_of=date(2024, 3, 18), trajectory=None) == Decimal(78 * 100) / 366
    trajectory = [0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert share_due(as_of=date(2024, 2, 29), trajectory=trajectory) == 0
    assert share_due(as_of=date(2024, 3, 31), trajectory=trajectory) == 10
    assert share_due(as_of=date(2023, 4, 15), trajectory=trajectory) == 15
    assert share_due(as_of=date(2024, 1, 10), trajectory=[30] * 12) == Decimal(300) / 31


@pytest.mark.parametrize(
    ("as_of", "light"),
    [
        (date(2024, 3, 31), Light.GREEN),  # still its planned month
        (date(2024, 4, 1), Light.AMBER),  # the month has passed
        (date(2024, 6, 30), Light.AMBER),
        (date(2024, 7, 1), Light.RED),  # three months later
    ],
)
def test_a_project_turns_amber_after_its_planned_month_and_red_three_months_later(as_of, light):
    verdict = project_light(
        phase=Phase.PRE_CONSTRUCTION,
        planned_start_on=date(2024, 3, 1),
        expected_start_year=2024,
        as_of=as_of,
        rules=DEFAULTS,
    )

    assert verdict.light == light


def test_a_project_with_only_a_year_is_late_after_december_and_a_started_one_is_green():
    def light(phase, year, as_of):
        return project_light(
            phase=phase,
            planned_start_on=None,
            expected_start_year=year,
            as_of=as_of,
            rules=DEFAULTS,
        ).light

    assert light(Phase.PRE_CONSTRUCTION, 2024, date(2024, 12, 31)) == Light.GREEN
    assert light(Phase.PRE_CONSTRUCTION, 2024, date(2025, 1, 1)) == Light.AMBER
    assert light(Phase.PRE_CONSTRUCTION, 2024, date(2025, 4, 1)) == Light.RED
    assert light(Phase.STARTED, 2020, date(2025, 4, 1)) == Light.GREEN
    assert light(Phase.PRE_CONSTRUCTION, None, date(2025, 4, 1)) == Light.NONE


@pytest.mark.parametrize(
    ("as_of", "issued_on", "light"),
    [
        (date(2024, 3, 1), None, Light.GREEN),  # the planned day itself
        (date(2024, 3, 2), None, Light.AMBER),
        (date(2025, 3, 2), None, Light.AMBER),  # no red by default
        (date(2024, 3, 20), date(2024, 3, 10), Light.GREEN),
        (date(2024, 3, 5), date(2024, 3, 10), Light.AMBER),  # not issued yet on 5 March
    ],
)
def test_a_policy_is_amber_once_its_planned_date_has_passed(as_of, issued_on, light):
    verdict = policy_light(
        planned_on=date(2024, 3, 1), issued_on=issued_on, as_of=as_of, rules=DEFAULTS
    )

    assert verdict.light == light


def test_stored_rules_apply_per_programme_over_the_campaign_default(programme):
    other = programme.campaign.programmes.create(code="other", name="另一工程")
    LightRule.objects.create(
        campaign=programme.campaign, indicator_amber_points=5, indicator_red_points=15
    )
    LightRule.objects.create(campaign=programme.campaign, programme=other, policy_red_days=30)

    rules = rules_for([programme, other])

    assert rules[programme.pk] == Rules(
        indicator_amber_points=Decimal(5), indicator_red_points=Decimal(15)
    )
    assert rules[other.pk] == Rules(policy_red_days=30)
    assert (
        indicator_light(reached=Decimal(40), due=Decimal(50), rules=rules[programme.pk]).light
        == Light.AMBER
    )
