"""A citizen files a complaint in a real browser, without logging in, and
checks it with the tracking number and the secret."""

import pytest

from tests.browser.test_dashboards import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_citizen_files_a_complaint_and_checks_it(page, served_demo):
    page.goto(served_demo + "/public/cases/new/")
    page.select_option("#id_case_type", label="诚信建设投诉")
    page.select_option("#id_window", label="乌兰察布市政务服务中心“诚信建设投诉”窗口")
    page.fill("#id_applicant", "赵六")
    page.fill("#id_contact", "13600000000")
    page.fill("#id_subject", "装修公司收款后不施工")
    page.fill("#id_description", "2024年3月付款，至今未开工。")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    shot(page, "public-case-received")
    number = page.locator("[data-tracking]").inner_text()
    secret = page.locator("[data-secret]").inner_text()

    page.goto(served_demo + "/public/cases/status/")
    page.fill("#id_tracking_number", number)
    page.fill("#id_secret", "not-the-secret")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    refused = page.locator("[role=alert]").inner_text()
    page.fill("#id_tracking_number", number)
    page.fill("#id_secret", secret)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    shot(page, "public-case-status")

    assert refused == "查询编号与密码不匹配。"
    assert page.locator("[data-step]").inner_text() == "受理"
    assert page.locator("[data-status]").inner_text() == "办理中"
