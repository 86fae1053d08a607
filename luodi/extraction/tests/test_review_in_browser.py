"""Reading a report in a real headless Chromium, as 科尔沁右翼中旗's reporter
does it: paste a text, look over what luodi proposes, correct and accept one
figure, reject another. Every step leaves a screenshot under var/screenshots/."""

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from luodi.extraction.models import Reading
from luodi.reporting.models import DataValue
from luodi.reporting.services import periods_open_year
from tests.browser.conftest import CHROMIUM_FLAGS, log_in
from tests.browser.conftest import served_demo as served_demo  # the demo on the live server

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

TEXT = (
    "截至目前，科右中旗完成沙化土地综合治理2.5万亩，其中人工造林0.8万亩、封沙育林1.7万亩。"
    "完成老旧管网改造12公里、老旧小区改造3个。"
)
REASON = "管网数据以住建局报送为准"


class BrowserThread:
    """Chromium driven from a thread of its own. Playwright's sync API allows
    one instance a thread, and tests/browser/ keeps its browser open for the
    whole session in the main thread; this one works beside it in any order."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._thread.submit(self._launch).result()

    def _launch(self) -> None:
        from playwright.sync_api import sync_playwright

        executable = shutil.which("chromium")
        if executable is None:
            pytest.fail("Chromium is not installed; `make test` installs Debian's package.")
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS
        )

    def run(self, steps: Callable) -> None:
        """Run `steps(page)` in a fresh Chinese-language page; its failures are raised here."""
        self._thread.submit(self._run, steps).result()

    def _run(self, steps: Callable) -> None:
        context = self._browser.new_context(locale="zh-CN")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            steps(page)
        finally:
            context.close()

    def close(self) -> None:
        def stop():
            self._browser.close()
            self._playwright.stop()

        self._thread.submit(stop).result()
        self._thread.shutdown()


@pytest.fixture(scope="module")
def chromium():
    browser = BrowserThread()
    yield browser
    browser.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"extraction-{name}.png"), full_page=True)


def in_chinese(message: str) -> str:
    """`message` as the pages show it, in Chinese."""
    with translation.override("zh-hans"):
        return gettext(message)


def statuses(page) -> list[str]:
    return [row.get_attribute("data-status") for row in page.locator("tr[data-proposal]").all()]


def test_a_reporter_pastes_a_report_corrects_and_accepts_one_figure_and_rejects_another(
    chromium, served_demo
):
    # The office has opened this year's reporting periods.
    periods_open_year(year=timezone.localdate().year, acting_user=None)
    today = timezone.localdate()
    accepted_message = "2.5万亩: " + in_chinese("accepted and written.")

    def review(page):
        log_in(page, served_demo, "kyzq")
        page.goto(served_demo + "/readings/")
        page.fill("#id_title", "科右中旗十一月进展")
        page.select_option("#id_division", "152222")
        # The date fields come up empty in Chinese (test_pages'
        # test_the_date_fields_hold_iso_dates_in_chinese), so the clerk picks the day.
        page.fill("#id_as_of", today.isoformat())
        page.fill("#id_text", TEXT)
        shot(page, "pasted")
        with page.expect_navigation():
            page.click("form[data-reading-form] button[type=submit]")

        assert page.locator("tr[data-proposal] mark").all_inner_texts() == [
            "2.5万亩",
            "0.8万亩",
            "1.7万亩",
            "12公里",
            "3个",
        ]
        assert statuses(page) == ["pending"] * 5
        shot(page, "proposals")

        sand = page.locator("tr[data-proposal='0']")
        sand.locator("input[name$='-quantity']").fill("2.6万亩")
        sand.locator("input[name$='-day']").fill(today.isoformat())
        with page.expect_navigation():
            sand.locator("form[data-accept] button[type=submit]").click()

        assert sand.get_attribute("data-status") == "accepted"
        assert page.locator("p.success[role=status]").all_inner_texts() == [accepted_message]
        assert page.locator("p.error[role=status]").count() == 0
        shot(page, "accepted")

        pipes = page.locator("tr[data-proposal='3']")
        pipes.locator("form[data-reject] input[name=reason]").fill(REASON)
        with page.expect_navigation():
            pipes.locator("form[data-reject] button[type=submit]").click()

        assert statuses(page) == ["accepted", "pending", "pending", "rejected", "pending"]
        assert REASON in pipes.inner_text()
        assert page.locator("p.error[role=status]").count() == 0
        shot(page, "rejected")

    chromium.run(review)

    reading = Reading.objects.get()
    decided = {p.written: (p.status, p.reason) for p in reading.proposals.exclude(status="pending")}
    assert decided == {"2.5万亩": ("accepted", ""), "12公里": ("rejected", REASON)}
    figure = DataValue.objects.get(
        report__division__code="152222",
        report__period__code=today.strftime("%Y-%m"),
        indicator__code="sand-land-treated",
    )
    assert (figure.value, figure.report.status) == (Decimal(26_000), "draft")
