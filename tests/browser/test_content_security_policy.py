"""The main pages work under luodi's Content Security Policy: a real Chromium
enforces it, and nothing it refuses (an inline script or style, a handler,
something from another origin) is reported. One log-in, one browser session."""

import re

import pytest

from luodi.divisions.models import Division
from luodi.projects.models import Project
from tests.browser.conftest import log_in
from tests.browser.test_dashboards import shot

pytestmark = pytest.mark.django_db(transaction=True)


def pages_to_open() -> list[tuple[str, str]]:
    """Each page and an element that shows it was drawn."""
    region = Division.objects.get(code="150000", is_active=True)
    project = Project.objects.order_by("pk").first()
    return [
        ("/reports/", "main h1"),
        ("/bulletins/", "main h1"),
        ("/actions/", "main h1"),
        ("/cases/", "main h1"),
        ("/public/cases/new/", "main h1"),
        ("/admin/", "#site-name"),
        ("/admin/divisions/division/", "#changelist"),
        (f"/admin/divisions/division/{region.pk}/history/", "#change-history"),
        (f"/admin/projects/project/{project.pk}/change/", "#project_form"),
    ]


# Registered before any page script runs; reports through a Playwright
# binding, which the policy does not govern.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} (${location.pathname})`
  );
}, true);
"""

# How many of a canvas's pixels are painted (not transparent), sampled on a grid.
PAINTED = """
(canvas) => {
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let y = 0; y < height; y += 4) {
    for (let x = 0; x < width; x += 4) {
      if (pixels[(y * width + x) * 4 + 3] > 0) painted += 1;
    }
  }
  return painted;
}
"""


def test_the_main_pages_work_under_the_content_security_policy(page, served_demo):
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, served_demo, "taskforce")

    page.goto(served_demo + "/dashboard/150000/?as_of=2024-03-18")
    page.wait_for_selector("#map[data-ready=true]")
    painted = page.locator("#map canvas").evaluate(PAINTED)
    # The map's tooltip: a text node in ECharts' tooltip box.
    page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('map'))"
        ".dispatchAction({type: 'showTip', seriesIndex: 0, name: '152200'})"
    )
    tooltip = page.locator("#map div", has_text="兴安盟:").last.inner_text()
    page.wait_for_selector("#pipeline-chart[data-ready=true]")
    page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('pipeline-chart'))"
        ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})"
    )
    bar_tooltip = page.locator("#pipeline-chart div", has_text=" ✓ ").last.inner_text()
    shot(page, "csp-dashboard")

    pages = pages_to_open()
    headings = {}
    for path, heading in pages:
        page.goto(served_demo + path)
        headings[path] = page.locator(heading).first.inner_text() != ""
    shot(page, "csp-admin")

    page.goto(served_demo + "/api/v1/docs")
    title = page.locator(".swagger-ui .info .title").inner_text()
    # An operation opened: its parameters and responses are drawn too.
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock.is-open .responses-table")
    shot(page, "csp-api-docs")

    assert violations == []
    assert painted > 1000
    assert tooltip.startswith("兴安盟: ")
    assert re.fullmatch(r".+ ✓ \d+", bar_tooltip)
    assert headings == {path: True for path, _heading in pages}
    assert title.startswith("luodi")
