"""Totals entered above the reporting level, checked against the divisions
below; approval level by level; totals over time."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from luodi.core.models import AuditEvent
from luodi.divisions.choices import Level, Role
from luodi.divisions.models import Division
from luodi.divisions.permissions import can_approve
from luodi.plan.choices import AcrossDivisions, OverTime
from luodi.plan.services import indicator_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency, ParentCheck, ReportStatus
from luodi.reporting.models import DataValue, Report
from luodi.reporting.selectors import forms_open, report_form_rows, rollup, totals
from luodi.reporting.services import (
    assignment_save,
    period_containing,
    report_approve,
    report_submit,
)
from luodi.reporting.tests.support import WAN_MU, enter

HINGGAN_COUNTIES = ["152201", "152202", "152221", "152222", "152223", "152224"]


def check_parents(indicator, mode):
    assignment = indicator.assignment
    assignment_save(
        assignment=assignment,
        indicator=indicator,
        level=assignment.level,
        frequency=assignment.frequency,
        parent_check=mode,
        acting_user=None,
    )


def league_row(indicator, period):
    league = Division.objects.get(code="152200")
    return next(
        r for r in report_form_rows(division=league, period=period) if r.indicator == indicator
    )


def test_without_a_parent_check_the_league_enters_nothing(people, january, sand_land):
    assert [
        r.indicator
        for r in report_form_rows(division=Division.objects.get(code="152200"), period=january)
    ] == []


def test_a_warned_league_total_is_saved_and_shown_against_its_counties(people, january, sand_land):
    check_parents(sand_land, ParentCheck.WARN)
    enter(people, "county", "152222", january, sand_land, "10")
    enter(people, "other county", "152201", january, sand_land, "2.5")

    saved = enter(people, "region", "152200", january, sand_land, "13")
    row = league_row(sand_land, january)

    assert saved.value == 13 * WAN_MU
    assert (row.checks_children, row.value, row.children_total) == (True, 13, Decimal("12.5"))
    assert (row.children_reported, row.children_expected) == (2, 6)
    assert row.differs_from_children
    # The tree's totals come from the counties only: the league's 13 is not added.
    league = Division.objects.get(code="152200")
    assert rollup(indicator=sand_land, division=league, period=january) == Decimal("12.5") * WAN_MU


def test_a_blocked_league_total_must_match_its_counties(people, january, sand_land):
    check_parents(sand_land, ParentCheck.BLOCK)
    enter(people, "county", "152222", january, sand_land, "10")
    enter(people, "other county", "152201", january, sand_land, "2.5")
    audits = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        enter(people, "region", "152200", january, sand_land, "13")

    assert refused.value.message_dict == {
        "value": ["The divisions below add up to 12.5 万亩, not 13 万亩."]
    }
    assert not DataValue.objects.filter(report__division__code="152200").exists()
    assert AuditEvent.objects.count() == audits + 1  # the league's report was opened
    assert enter(people, "region", "152200", january, sand_land, "12.5").value == 125_000


def test_a_blocked_total_with_nothing_below_is_refused(people, january, sand_land):
    check_parents(sand_land, ParentCheck.BLOCK)

    with pytest.raises(ValidationError) as refused:
        enter(people, "region", "152200", january, sand_land, "1")

    assert refused.value.message_dict == {
        "value": ["No division below has reported this figure yet."]
    }
    assert not DataValue.objects.exists()


def test_approval_goes_up_level_by_level(people, january, sand_land, make_user):
    check_parents(sand_land, ParentCheck.BLOCK)
    region_approver = make_user("shenhe", "150000", Role.APPROVER)
    for code in HINGGAN_COUNTIES:
        enter(people, "region", code, january, sand_land, "1")
    league_report = enter(people, "region", "152200", january, sand_land, "6").report
    counties = Report.objects.filter(division__code__in=HINGGAN_COUNTIES).order_by("division__code")
    for report in counties[:4]:
        report_submit(report=report, acting_user=people["region"])
        report_approve(report=report, acting_user=people["league"])

    with pytest.raises(ValidationError) as early:
        report_submit(report=league_report, acting_user=people["region"])

    assert early.value.messages == [
        "Approve the reports of the divisions below first; not yet approved: 扎赉特旗, 突泉县."
    ]
    league_report.refresh_from_db()
    assert league_report.status == ReportStatus.DRAFT

    # The region's approver does not approve a county; the league's does.
    assert not can_approve(region_approver, Division.objects.get(code="152222"))
    assert can_approve(region_approver, Division.objects.get(code="152200"))
    for report in counties[4:]:
        report_submit(report=report, acting_user=people["region"])
        with pytest.raises(PermissionDenied):
            report_approve(report=report, acting_user=region_approver)
        report_approve(report=report, acting_user=people["league"])

    report_submit(report=league_report, acting_user=people["region"])
    report_approve(report=league_report, acting_user=region_approver)
    league_report.refresh_from_db()
    assert league_report.status == ReportStatus.APPROVED


def test_a_league_total_that_no_longer_matches_cannot_be_submitted(
    people, january, sand_land, division
):
    check_parents(sand_land, ParentCheck.BLOCK)
    for code in HINGGAN_COUNTIES:
        enter(people, "region", code, january, sand_land, "1")
    league_report = enter(people, "region", "152200", january, sand_land, "6").report
    enter(people, "region", "152222", january, sand_land, "2", version=1)
    for report in Report.objects.filter(division__code__in=HINGGAN_COUNTIES):
        report_submit(report=report, acting_user=people["region"])
        report_approve(report=report, acting_user=people["league"])

    with pytest.raises(ValidationError) as refused:
        report_submit(report=league_report, acting_user=people["region"])

    assert refused.value.messages == [
        "沙化土地综合治理面积: The divisions below add up to 7 万亩, not 6 万亩."
    ]
    league_report.refresh_from_db()
    assert league_report.status == ReportStatus.DRAFT


@pytest.fixture
def quarter(people, sand_land):
    """Three months of figures for two Hinggan counties and one Hohhot district."""
    months = [
        period_containing(frequency=Frequency.MONTHLY, day=date(2024, month, 1))
        for month in (1, 2, 3)
    ]
    figures = {
        "152222": ["1", "3", "6"],
        "152201": ["2", "2.5", None],  # no March figure yet
        "150105": ["4", "5", "9"],
    }
    for code, amounts in figures.items():
        for period, amount in zip(months, amounts, strict=True):
            if amount is not None:
                enter(people, "region", code, period, sand_land, amount, today=period.ends_on)
    return months


def year_totals(indicator, codes, *, up_to=date(2024, 3, 18), as_of=None):
    divisions = [Division.objects.get(code=code) for code in codes]
    found = totals(indicators=[indicator], divisions=divisions, year=2024, up_to=up_to, as_of=as_of)
    return {d.code: found.get((indicator.pk, d.pk)) for d in divisions}


def test_a_cumulative_total_takes_each_countys_latest_figure(quarter, sand_land):
    # 152222 has 6 in March, 152201 still 2.5 from February, Hohhot's 150105 has 9.
    assert year_totals(sand_land, ["150000", "152200", "150100", "152201", "150200"]) == {
        "150000": Decimal("17.5") * WAN_MU,
        "152200": Decimal("8.5") * WAN_MU,
        "150100": 9 * WAN_MU,
        "152201": Decimal("2.5") * WAN_MU,
        "150200": None,
    }
    assert year_totals(sand_land, ["152200"], up_to=date(2024, 1, 31)) == {"152200": 3 * WAN_MU}


def test_a_flow_total_adds_up_the_months(quarter, sand_land):
    sand_land.over_time = OverTime.FLOW
    sand_land.save()

    assert year_totals(sand_land, ["150000", "152200", "152222"]) == {
        "150000": Decimal("32.5") * WAN_MU,
        "152200": Decimal("14.5") * WAN_MU,
        "152222": 10 * WAN_MU,
    }


@pytest.mark.parametrize(
    ("rule", "expected"),
    [(AcrossDivisions.MEAN, Decimal("17.5") / 3), (AcrossDivisions.MAXIMUM, Decimal(9))],
)
def test_other_rules_combine_the_counties_latest_figures(quarter, sand_land, rule, expected):
    sand_land.across_divisions = rule
    sand_land.save()

    assert year_totals(sand_land, ["150000"]) == {"150000": expected * WAN_MU}


def test_a_total_over_time_as_of_an_earlier_moment(quarter, people, sand_land):
    between = timezone.now()
    march = quarter[2]
    enter(people, "region", "152201", march, sand_land, "4", today=march.ends_on)

    assert year_totals(sand_land, ["152200"]) == {"152200": 10 * WAN_MU}
    assert year_totals(sand_land, ["152200"], as_of=between) == {"152200": Decimal("8.5") * WAN_MU}


def test_the_totals_take_three_queries_however_many_divisions(
    quarter, people, sand_land, django_assert_num_queries
):
    pipes, _ = indicator_save(
        code="pipes",
        name="管网改造",
        programme=sand_land.programme,
        unit=unit_by_symbol("万亩"),
        over_time=OverTime.FLOW,
        acting_user=None,
    )
    assignment_save(
        indicator=pipes, level=Level.COUNTY, frequency=Frequency.MONTHLY, acting_user=None
    )
    enter(people, "region", "150105", quarter[0], pipes, "3", today=quarter[0].ends_on)
    leagues = list(Division.objects.filter(level=Level.PREFECTURE, is_active=True))
    counties = list(Division.objects.filter(level=Level.COUNTY, is_active=True))
    both = [sand_land, pipes]

    with django_assert_num_queries(3):
        by_league = totals(indicators=both, divisions=leagues, year=2024, up_to=date(2024, 3, 18))
    with django_assert_num_queries(3):
        by_county = totals(indicators=both, divisions=counties, year=2024, up_to=date(2024, 3, 18))

    hohhot = Division.objects.get(code="150100")
    assert by_league[(pipes.pk, hohhot.pk)] == 3 * WAN_MU
    assert len(by_league) == 3  # Hinggan and Hohhot for sand, Hohhot for pipes
    assert len(by_county) == 4


def test_the_league_page_lists_its_counties_reports(people, january, sand_land, client):
    enter(people, "county", "152222", january, sand_land, "1")
    report_submit(report=Report.objects.get(), acting_user=people["county"])
    client.force_login(people["league"])

    page = client.get("/reports/152200/2024-01/")

    assert page.status_code == 200
    below = page.context["below"]
    assert [(d.code, r.status if r else None) for d, r in below] == [
        ("152201", None),
        ("152202", None),
        ("152221", None),
        ("152222", ReportStatus.SUBMITTED),
        ("152223", None),
        ("152224", None),
    ]


def test_the_forms_open_are_those_begun_and_not_yet_closed(people, january, sand_land):
    february = period_containing(frequency=Frequency.MONTHLY, day=date(2024, 2, 1))
    period_containing(frequency=Frequency.MONTHLY, day=date(2024, 3, 1))
    enter(people, "county", "152222", january, sand_land, "1")
    league = Division.objects.filter(code__startswith="1522")

    def open_on(day):
        return [
            (f.period.code, f.division.code, f.report and f.report.status)
            for f in forms_open(divisions=league, today=day)
        ]

    # January closes 10 days after its end; March has not begun on 20 February.
    assert open_on(date(2024, 2, 10))[:2] == [
        (february.code, "152201", None),
        (february.code, "152202", None),
    ]
    assert len(open_on(date(2024, 2, 10))) == 12
    assert ("2024-01", "152222", ReportStatus.DRAFT) in open_on(date(2024, 2, 10))
    assert {code for code, _d, _s in open_on(date(2024, 2, 20))} == {"2024-02"}
    check_parents(sand_land, ParentCheck.WARN)
    assert ("2024-02", "152200", None) in open_on(date(2024, 2, 20))
    assert open_on(date(2024, 12, 1)) == []


def test_a_blocked_average_total_matches_its_counties_mean(people, january, sand_land):
    sand_land.across_divisions = AcrossDivisions.MEAN
    sand_land.save()
    check_parents(sand_land, ParentCheck.BLOCK)
    for code, amount in [("152222", "1"), ("152201", "1"), ("152202", "2")]:
        enter(people, "region", code, january, sand_land, amount)

    # The mean is four thirds of 万亩: 13,333.333333 亩 at the six places stored.
    saved = enter(people, "region", "152200", january, sand_land, "1.3333333333333")

    assert saved.value == Decimal("13333.333333")
