"""Year-to-date totals for divisions at several depths at once, by each rule
across divisions, against values worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from luodi.divisions.choices import Level
from luodi.divisions.models import Division
from luodi.plan.choices import AcrossDivisions, OverTime
from luodi.plan.services import indicator_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency
from luodi.reporting.selectors import totals
from luodi.reporting.services import assignment_save, period_containing
from luodi.reporting.tests.support import WAN_MU, enter

# 万亩 in January, February and March 2024, for a flow and a cumulative
# indicator alike; SQLite keeps the fractions as floats.
FIGURES = {
    "152222": ["1.00001", "2.00002", "3.00003"],  # Hinggan League
    "152201": ["0.00001", "0.00002", None],  # Hinggan League, no March figure yet
    "150105": ["4.00001", "5", "9.00007"],  # Hohhot
}
# Region and leagues (each Hinggan total combines two counties), or leagues and
# counties; Baotou (150200) and 152223 have reported nothing.
ABOVE = ["150000", "152200", "150100", "150200"]
BELOW = ["152200", "150100", "152222", "152201", "150105", "152223"]

# By hand, in 万亩: a flow adds each county's three months (6.00006, 0.00003,
# 18.00008), a cumulative figure is each county's latest (3.00003, 0.00002,
# 9.00007); a mean is (total, number of counties).
EXPECTED = {
    (OverTime.FLOW, AcrossDivisions.SUM): {
        "150000": "24.00017",
        "152200": "6.00009",
        "150100": "18.00008",
        "152222": "6.00006",
        "152201": "0.00003",
        "150105": "18.00008",
    },
    (OverTime.FLOW, AcrossDivisions.MEAN): {
        "150000": ("24.00017", 3),
        "152200": ("6.00009", 2),
        "150100": "18.00008",
        "152222": "6.00006",
        "152201": "0.00003",
        "150105": "18.00008",
    },
    (OverTime.FLOW, AcrossDivisions.MAXIMUM): {
        "150000": "18.00008",
        "152200": "6.00006",
        "150100": "18.00008",
        "152222": "6.00006",
        "152201": "0.00003",
        "150105": "18.00008",
    },
    (OverTime.CUMULATIVE, AcrossDivisions.SUM): {
        "150000": "12.00012",
        "152200": "3.00005",
        "150100": "9.00007",
        "152222": "3.00003",
        "152201": "0.00002",
        "150105": "9.00007",
    },
    (OverTime.CUMULATIVE, AcrossDivisions.MEAN): {
        "150000": ("12.00012", 3),
        "152200": ("3.00005", 2),
        "150100": "9.00007",
        "152222": "3.00003",
        "152201": "0.00002",
        "150105": "9.00007",
    },
    (OverTime.CUMULATIVE, AcrossDivisions.MAXIMUM): {
        "150000": "9.00007",
        "152200": "3.00003",
        "150100": "9.00007",
        "152222": "3.00003",
        "152201": "0.00002",
        "150105": "9.00007",
    },
}


def in_base_units(expected: str | tuple[str, int] | None) -> Decimal | None:
    if expected is None:
        return None
    if isinstance(expected, tuple):
        total, count = expected
        return Decimal(total) * WAN_MU / count
    return Decimal(expected) * WAN_MU


@pytest.fixture
def irrigation(sand_land):
    """A county-level monthly flow, beside the cumulative sand_land."""
    indicator, _ = indicator_save(
        code="irrigation",
        name="高标准农田灌溉面积",
        programme=sand_land.programme,
        unit=unit_by_symbol("万亩"),
        over_time=OverTime.FLOW,
        acting_user=None,
    )
    assignment_save(
        indicator=indicator, level=Level.COUNTY, frequency=Frequency.MONTHLY, acting_user=None
    )
    return indicator


@pytest.fixture
def quarter(people, sand_land, irrigation):
    """FIGURES entered for both indicators; returns a moment between the
    February and the March figures."""
    months = [
        period_containing(frequency=Frequency.MONTHLY, day=date(2024, month, 1))
        for month in (1, 2, 3)
    ]
    between = None
    for month, period in enumerate(months):
        if month == 2:
            between = timezone.now()
        for code, amounts in FIGURES.items():
            if amounts[month] is not None:
                for indicator in (sand_land, irrigation):
                    enter(
                        people, "region", code, period, indicator, amounts[month],
                        today=period.ends_on,
                    )  # fmt: skip
    return between


def year_totals(indicators, divisions, *, as_of=None):
    """The totals to 18 March 2024, keyed by (rule over time, division code)."""
    found = totals(
        indicators=indicators, divisions=divisions, year=2024, up_to=date(2024, 3, 18), as_of=as_of
    )
    return {
        (indicator.over_time, d.code): found.get((indicator.pk, d.pk))
        for indicator in indicators
        for d in divisions
    }


def divisions_coded(codes):
    return [Division.objects.get(code=code) for code in codes]


@pytest.mark.parametrize(
    "codes", [ABOVE, BELOW], ids=["region and leagues", "leagues and counties"]
)
@pytest.mark.parametrize(
    "rule", [AcrossDivisions.SUM, AcrossDivisions.MEAN, AcrossDivisions.MAXIMUM]
)
def test_totals_at_two_depths_combine_the_counties_by_the_rule(
    quarter, sand_land, irrigation, rule, codes, django_assert_num_queries
):
    for indicator in (sand_land, irrigation):
        indicator.across_divisions = rule
        indicator.save()

    divisions = divisions_coded(codes)

    with django_assert_num_queries(3):  # the assignments, then one a kind of indicator
        found = year_totals([sand_land, irrigation], divisions)

    assert found == {
        (over_time, code): in_base_units(EXPECTED[(over_time, rule)].get(code))
        for over_time in (OverTime.CUMULATIVE, OverTime.FLOW)
        for code in codes
    }


def test_totals_at_two_depths_as_of_an_earlier_moment(quarter, sand_land, irrigation):
    # Before the March figures: January and February only.
    assert year_totals([sand_land, irrigation], divisions_coded(ABOVE), as_of=quarter) == {
        (OverTime.CUMULATIVE, "150000"): Decimal("7.00004") * WAN_MU,
        (OverTime.CUMULATIVE, "152200"): Decimal("2.00004") * WAN_MU,
        (OverTime.CUMULATIVE, "150100"): 5 * WAN_MU,
        (OverTime.CUMULATIVE, "150200"): None,
        (OverTime.FLOW, "150000"): Decimal("12.00007") * WAN_MU,
        (OverTime.FLOW, "152200"): Decimal("3.00006") * WAN_MU,
        (OverTime.FLOW, "150100"): Decimal("9.00001") * WAN_MU,
        (OverTime.FLOW, "150200"): None,
    }
