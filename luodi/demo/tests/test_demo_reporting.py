"""The demo's reported figures: loaded through the values import, in several states."""

import csv
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse

from luodi.demo.services import DEMO_VALUES
from luodi.divisions.models import Division
from luodi.plan.models import Indicator
from luodi.reporting.choices import ReportStatus
from luodi.reporting.models import DataValue, Period, Report
from luodi.reporting.selectors import rollup


def csv_rows() -> list[dict]:
    with DEMO_VALUES.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_every_figure_of_the_file_is_loaded(demo):
    assert DataValue.objects.count() == len(csv_rows()) == 216


def test_reports_are_in_the_states_the_demo_gives_them(demo):
    counties = {
        prefix: len({r["division"] for r in csv_rows() if r["division"].startswith(prefix)})
        for prefix in ("1522", "1506")
    }

    def count(prefix, period, status):
        return Report.objects.filter(
            division__code__startswith=prefix, period__code=period, status=status
        ).count()

    assert count("1522", "2024-01", ReportStatus.APPROVED) == counties["1522"] == 6
    assert count("1522", "2024-02", ReportStatus.SUBMITTED) == 6
    assert count("1506", "2024-01", ReportStatus.RETURNED) == counties["1506"] == 9
    assert Report.objects.filter(status=ReportStatus.DRAFT).count() == 72 - 21


def test_a_league_total_equals_the_sum_of_its_counties_in_the_file(demo):
    by_hand = sum(
        Decimal(r["value"])
        for r in csv_rows()
        if r["indicator"] == "sand-land-treated"
        and r["period"] == "2024-01"
        and r["division"].startswith("1522")
    )

    total = rollup(
        indicator=Indicator.objects.get(code="sand-land-treated"),
        division=Division.objects.get(code="152200"),
        period=Period.objects.get(code="2024-01"),
    )

    assert total == by_hand * 10_000


def test_the_county_reporter_cannot_see_another_leagues_report(client, demo):
    client.force_login(get_user_model().objects.get(username="kyzq"))
    ordos = Report.objects.filter(division__code__startswith="1506").first()

    own = client.get(reverse("reporting:report", args=["152222", "2024-01"]))
    other = client.get(reverse("reporting:report", args=[ordos.division.code, "2024-01"]))

    assert own.status_code == 200
    assert other.status_code == 404


def test_the_league_approver_approves_a_county(client, demo):
    client.force_login(get_user_model().objects.get(username="hinggan"))
    url = reverse("reporting:report", args=["152222", "2024-02"])

    response = client.post(url, {"action": "approve"})

    assert response.status_code == 302
    assert Report.objects.get(division__code="152222", period__code="2024-02").status == (
        ReportStatus.APPROVED
    )


def test_the_region_office_lists_every_report(client, demo):
    client.force_login(get_user_model().objects.get(username="taskforce"))

    listed = client.get(reverse("reporting:list")).context["reports"]

    assert len(listed) == Report.objects.count() == 72
