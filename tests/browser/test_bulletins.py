"""Bulletins in a real browser: the office follows a figure to its records,
and anyone reads the published bulletin without logging in."""

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_dashboards import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_follows_a_figure_of_the_preview_to_its_records(page, served_demo):
    log_in(page, served_demo, "taskforce")
    page.goto(served_demo + "/bulletins/")
    page.fill("#id_as_of", "2024-03-18")
    with page.expect_navigation():
        page.click("text=预览")
    shot(page, "bulletin-preview")

    assert "配套政策41项，其中已出台29项、拟出台12项" in page.locator("article").inner_text()
    with page.expect_navigation():
        page.click("a[data-figure='policy-landing.policies.issued']")
    assert page.locator("[data-count]").inner_text() == "29 条记录"


def test_anyone_reads_and_downloads_the_published_bulletin(page, served_demo):
    page.goto(served_demo + "/public/bulletins/")
    with page.expect_navigation():
        page.click("[data-published] a")
    shot(page, "bulletin-public")

    assert "已开工54个" in page.locator("pre.bulletin-text").inner_text()
    with page.expect_download() as download:
        page.click("text=下载")
    assert download.value.suggested_filename == "luodi-bulletin-150000-2024-03-18-zh.docx"
