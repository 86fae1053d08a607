import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_logs_in_and_reads_the_article_figures(page, served_demo):
    log_in(page, served_demo, "taskforce")
    page.goto(served_demo + "/?as_of=2024-03-18")

    landing = page.locator("#programme-policy-landing")
    assert page.locator("h1").inner_text() == "截至 2024-03-18 的进展"
    assert landing.locator("[data-figure=policies-total]").inner_text() == "41"
    assert landing.locator("[data-figure=policies-issued]").inner_text() == "29"
    assert landing.locator("[data-figure=policies-planned]").inner_text() == "12"
    assert landing.locator("[data-figure=policies-ministries]").inner_text() == "36"
    assert landing.locator("[data-figure=projects-total]").inner_text() == "86"


def test_a_wrong_password_stays_on_the_log_in_page(page, served_demo):
    page.goto(served_demo + "/")
    page.fill("#id_username", "taskforce")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误，请重试。"
    assert "/accounts/login/" in page.url


def test_the_reader_switches_to_english_and_stays_on_the_same_date(page, served_demo):
    log_in(page, served_demo, "hinggan")
    page.goto(served_demo + "/?as_of=2024-03-18")

    page.select_option("select[name=language]", "en")
    with page.expect_navigation():
        page.click("text=切换语言")

    assert page.locator("h1").inner_text() == "Status as of 2024-03-18"
    assert page.locator("html").get_attribute("lang") == "en"
