"""A real headless Chromium (Debian's package, installed by `make test`)
driven by Playwright against luodi served by the test server."""

import os
import shutil

import pytest

from tests.snapshots import kept_demo

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed; `make test` installs Debian's chromium package.")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls
    # the tests make between page actions are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def served_demo(live_server):
    """The demo, served by the test server; its address. The live server needs
    committed data, so these tests flush the database after each one, and with
    it the rows the migrations wrote: the kept copy puts them back first."""
    kept_demo(after_flush=True)
    return live_server.url


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", "luodi-demo-2024")
    with page.expect_navigation():
        page.click("main button[type=submit]")
