"""The dashboards in a real browser, as each demo user meets them. Every step
leaves a screenshot under var/screenshots/."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from luodi.dashboards.tests.test_board import figures
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def projects_in(bundle: dict, prefix: str) -> tuple[int, int]:
    """Started and all projects located under `prefix`, counted from the bundle."""
    located = [p for p in bundle["projects"] if any(d.startswith(prefix) for d in p["divisions"])]
    return sum(1 for p in located if p["phase"] == "started"), len(located)


def figure(page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").first.inner_text()


@pytest.mark.parametrize(
    ("user", "home", "name", "prefix"),
    [
        ("taskforce", "150000", "内蒙古自治区", "15"),
        ("hinggan", "152200", "兴安盟", "1522"),
        ("kyzq", "152222", "科尔沁右翼中旗", "152222"),
    ],
)
def test_each_user_opens_their_dashboard_as_of_the_demo_day(
    page, served_demo, demo_bundle, user, home, name, prefix
):
    log_in(page, served_demo, user)
    page.click("nav >> text=进展看板")
    page.goto(page.url + "?as_of=2024-03-18")

    assert page.url.startswith(f"{served_demo}/dashboard/{home}/")
    assert page.locator("h1").inner_text() == f"{name}：截至 2024-03-18 的进展"
    started, total = projects_in(demo_bundle, prefix)
    assert (figure(page, "projects-started"), figure(page, "projects-total")) == (
        str(started),
        str(total),
    )
    shot(page, f"dashboard-{user}")


def test_the_office_changes_the_date_drills_down_and_opens_the_map(page, served_demo):
    log_in(page, served_demo, "taskforce")
    page.goto(served_demo + "/dashboard/150000/?as_of=2024-03-18")
    sand = page.locator("[data-indicator=sand-land-treated] [data-figure=value]")
    on_18_march = sand.inner_text()
    assert (figure(page, "projects-started"), figure(page, "projects-total")) == ("54", "86")
    assert (figure(page, "projects-waiting"), figure(page, "expected-2024")) == ("32", "29")
    assert figure(page, "expected-2025") == "3"

    page.fill("#id_as_of", "2024-02-29")
    with page.expect_navigation():
        page.click("[data-board-form] button[type=submit]")
    shot(page, "dashboard-region-2024-02-29")
    end_of_february = sand.inner_text()
    assert "as_of=2024-02-29" in page.url
    assert float(end_of_february) < float(on_18_march)

    # As recorded on 1 March: February's figures had not been entered yet.
    page.fill("#id_recorded_on", "2024-03-01")
    with page.expect_navigation():
        page.click("[data-board-form] button[type=submit]")
    assert "recorded_on=2024-03-01" in page.url
    assert float(sand.inner_text()) < float(end_of_february)
    assert (
        page.locator("h1").inner_text() == "内蒙古自治区：截至 2024-02-29，按 2024-03-01 记录的进展"
    )

    page.goto(served_demo + "/dashboard/150000/?as_of=2024-03-18")
    page.wait_for_selector("#map[data-ready=true]")
    shot(page, "map-region")
    with page.expect_navigation():
        page.click("#league >> text=兴安盟")
    assert page.locator("h1").inner_text() == "兴安盟：截至 2024-03-18 的进展"
    page.wait_for_selector("#map[data-ready=true]")
    assert page.locator("#map canvas").count() == 1
    shot(page, "map-hinggan")


def test_the_dashboard_fits_a_phone_screen(chromium, served_demo):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, served_demo, "hinggan")
        page.goto(served_demo + "/dashboard/152200/?as_of=2024-03-18")
        page.wait_for_selector("#map[data-ready=true]")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        shot(page, "dashboard-phone")
        assert overflow <= 0
    finally:
        context.close()


def test_the_readmes_dashboard_link_keeps_its_date(page, served_demo):
    """README tour step 6: /dashboard/ with ?as_of= opens one's own division on that day."""
    log_in(page, served_demo, "hinggan")

    page.goto(served_demo + "/dashboard/?as_of=2024-03-18")

    assert page.url == f"{served_demo}/dashboard/152200/?as_of=2024-03-18"
    assert page.locator("h1").inner_text() == "兴安盟：截至 2024-03-18 的进展"
    assert page.locator("#id_as_of").input_value() == "2024-03-18"
    sand = page.locator("[data-indicator=sand-land-treated] [data-figure=value]").inner_text()
    assert Decimal(sand) == figures("sand-land-treated", "1522", 3)
