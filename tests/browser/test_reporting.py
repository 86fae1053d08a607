"""The demo's reporting, as its users meet it in a browser."""

import pytest

from luodi.reporting.models import Report
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_league_approver_approves_a_submitted_county_report(page, served_demo):
    log_in(page, served_demo, "hinggan")
    page.goto(served_demo + "/reports/152200/2024-02/")
    page.click("[data-below] >> text=科尔沁右翼中旗")

    assert page.locator("[data-status]").first.inner_text() == "已上报"
    page.fill("#id_reason", "")
    with page.expect_navigation():
        page.click("button[value=approve]")

    assert page.locator("[data-status]").first.inner_text() == "已审核"
    assert page.locator("[data-lock-for]").first.inner_text().startswith("已审核")
    report = Report.objects.get(division__code="152222", period__code="2024-02")
    assert report.status == "approved"


def test_the_county_reporter_meets_another_leagues_report_as_not_found(page, served_demo):
    log_in(page, served_demo, "kyzq")

    answer = page.goto(served_demo + "/reports/150602/2024-01/")
    listed = page.goto(served_demo + "/reports/")

    assert answer.status == 404
    assert listed.status == 200
    divisions = page.locator("table:last-of-type td:nth-child(2)").all_inner_texts()
    assert divisions and set(divisions) == {"科尔沁右翼中旗"}
