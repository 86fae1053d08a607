"""The lights' history: recorded when a light changes colour, kept when it
turns green again."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from luodi.core.models import AuditEvent
from luodi.dashboards.choices import Light, Subject
from luodi.dashboards.models import LightChange
from luodi.dashboards.selectors import division_board
from luodi.dashboards.services import lights_record
from luodi.divisions.choices import Level, Role
from luodi.divisions.models import Division
from luodi.plan.services import indicator_save, target_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency
from luodi.reporting.models import DataValue
from luodi.reporting.services import (
    assignment_save,
    period_containing,
    report_open,
    value_save,
)

WAN_MU = Decimal(10_000)


@pytest.fixture
def sand(programme, make_user):
    indicator, _ = indicator_save(
        code="sand",
        name="沙化土地综合治理面积",
        programme=programme,
        unit=unit_by_symbol("万亩"),
        acting_user=None,
    )
    assignment_save(
        indicator=indicator, level=Level.COUNTY, frequency=Frequency.MONTHLY, acting_user=None
    )
    target_save(
        indicator=indicator,
        division=Division.objects.get(code="150000"),
        year=2024,
        value=100 * WAN_MU,
        acting_user=None,
    )
    return indicator, make_user("kyzq", "152222", Role.REPORTER)


def entered(indicator, user, month: int, amount: int, on: date) -> None:
    """The county enters `amount` 万亩 for `month` of 2024, as on day `on`."""
    period = period_containing(frequency=Frequency.MONTHLY, day=date(2024, month, 1))
    report = report_open(
        division=Division.objects.get(code="152222"), period=period, acting_user=user
    )
    stored = DataValue.objects.filter(report=report, indicator=indicator).first()
    value_save(
        report=report,
        indicator=indicator,
        value=amount * WAN_MU,
        expected_version=stored.version if stored else None,
        acting_user=user,
        today=on,
    )
    moment = datetime.combine(on, time(9), tzinfo=timezone.get_current_timezone())
    DataValue.history.filter(report=report, history_date__gt=moment).update(history_date=moment)


def region_light(indicator, as_of, recorded_on=None):
    board = division_board(
        division=Division.objects.get(code="150000"),
        as_of=as_of,
        visible=Division.objects.all(),
        recorded_on=recorded_on,
    )
    row = next(r for r in board["indicators"] if r["code"] == indicator.code)
    return row["light"], row["since"]


def test_a_light_that_turns_green_again_keeps_its_history(sand):
    indicator, county = sand
    region = Division.objects.get(code="150000")
    entered(indicator, county, 1, 10, date(2024, 2, 5))
    entered(indicator, county, 3, 30, date(2024, 4, 5))

    # 10 of 100 reached; due 11.2% on 10 Feb, 24.6% on 31 March; 30 reached by 10 April.
    for day in [date(2024, 2, 10), date(2024, 3, 31), date(2024, 4, 10), date(2024, 4, 20)]:
        lights_record(divisions=[region], as_of=day, acting_user=None)

    history = list(
        LightChange.objects.filter(subject=Subject.INDICATOR, subject_id=indicator.pk)
        .order_by("observed_on")
        .values_list("observed_on", "light", "division__code")
    )
    assert history == [
        (date(2024, 2, 10), Light.GREEN, "150000"),
        (date(2024, 3, 31), Light.AMBER, "150000"),
        (date(2024, 4, 10), Light.GREEN, "150000"),
    ]
    assert AuditEvent.objects.filter(action="dashboards.light.changed").count() == 3
    assert region_light(indicator, date(2024, 3, 31), date(2024, 3, 31)) == (
        Light.AMBER,
        "2024-03-31",
    )
    # Read now, March's figure (entered on 5 April) counts for 31 March: green,
    # which is not the colour recorded that day, so no "since".
    assert region_light(indicator, date(2024, 3, 31)) == (Light.GREEN, None)
    assert region_light(indicator, date(2024, 4, 20)) == (Light.GREEN, "2024-04-10")


def test_recording_the_same_day_again_or_an_earlier_day_adds_nothing(sand):
    indicator, county = sand
    entered(indicator, county, 1, 10, date(2024, 2, 5))
    call_command("record_lights", "--as-of", "2024-03-31", "--division", "150000")
    before = list(LightChange.objects.values_list("id", flat=True))

    call_command("record_lights", "--as-of", "2024-03-31", "--division", "150000")
    call_command("record_lights", "--as-of", "2024-02-10", "--division", "150000")

    assert list(LightChange.objects.values_list("id", flat=True)) == before
    assert LightChange.objects.get().light == Light.AMBER
