"""Fixtures shared by the reporting tests: one county-level indicator in 万亩,
people at each level of Hinggan League, and January 2024."""

from datetime import date

import pytest

from luodi.divisions.choices import Level, Role
from luodi.plan.services import indicator_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency
from luodi.reporting.services import assignment_save, period_containing


@pytest.fixture
def sand_land(programme):
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
    return indicator


@pytest.fixture
def people(inner_mongolia, make_user):
    return {
        "county": make_user("kyzq", "152222", Role.REPORTER),
        "other county": make_user("wlht", "152201", Role.REPORTER),
        "league": make_user("hinggan", "152200", Role.APPROVER),
        "region": make_user("office", "150000", Role.TASK_FORCE),
    }


@pytest.fixture
def january():
    return period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 15))
