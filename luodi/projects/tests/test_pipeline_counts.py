"""One rule for counting projects, stated the same by every surface: a
cancelled project is off the list, a completed one has started, the rest wait
in pre-construction approvals."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from luodi.bulletins.selectors import bulletin_document
from luodi.dashboards.selectors import campaign_status, division_board
from luodi.divisions.models import Division
from luodi.projects.choices import Phase
from luodi.projects.selectors import PipelineCounts, pipeline_counts, projects_as_of
from luodi.projects.services import project_save

AS_OF = date(2024, 3, 18)


@pytest.fixture
def three_projects(programme, division):
    """One completed, one cancelled, one waiting to start in 2025."""
    common = {
        "programme": programme,
        "divisions": [division("150123")],
        "listed_on": date(2024, 1, 31),
        "acting_user": None,
    }
    project_save(
        code="done",
        name="已竣工项目",
        total_investment=Decimal("300000000"),
        phase=Phase.COMPLETED,
        started_on=date(2024, 2, 1),
        completed_on=date(2024, 3, 1),
        **common,
    )
    project_save(
        code="dropped",
        name="已取消项目",
        total_investment=Decimal("900000000"),
        phase=Phase.CANCELLED,
        cancelled_on=date(2024, 3, 10),
        **common,
    )
    project_save(
        code="waiting",
        name="待开工项目",
        total_investment=Decimal("100000000"),
        expected_start_year=2025,
        **common,
    )
    return programme


def test_the_rule_counts_a_cancelled_project_off_the_list_and_a_completed_one_as_started(
    three_projects,
):
    counts = pipeline_counts(projects_as_of(AS_OF), year=2024)

    assert counts == {
        three_projects.pk: PipelineCounts(
            listed=2,
            started=1,
            completed=1,
            waiting=1,
            cancelled=1,
            expected_start={"2025": 1},
            total_investment=Decimal("400000000"),
            planned_investment_this_year=None,
        )
    }
    # Before the completion and the cancellation: all three listed, one started.
    before = pipeline_counts(projects_as_of(date(2024, 2, 15)), year=2024)[three_projects.pk]
    assert (before.listed, before.started, before.completed, before.cancelled) == (3, 1, 0, 0)


def test_the_status_page_dashboard_bulletin_and_command_state_the_same_counts(
    three_projects, client, make_user
):
    region = Division.objects.get(code="150000")
    status = campaign_status(
        as_of=AS_OF, divisions=Division.objects.subtree_of([region]), home=[region]
    )
    board = division_board(division=region, as_of=AS_OF, visible=Division.objects.all())
    text = bulletin_document(as_of=AS_OF, division=region, language="en").plain_text()
    out = StringIO()
    call_command("status", "--as-of", AS_OF.isoformat(), "--json", stdout=out)
    client.force_login(make_user("office", "150000", "task_force"))
    page = client.get("/", {"as_of": AS_OF.isoformat()}).content.decode()

    expected = {"total": 2, "started": 1, "completed": 1, "waiting": 1, "cancelled": 1}
    programme = status["programmes"][0]["projects"]
    assert {key: programme[key] for key in expected} == expected
    assert {key: status["totals"]["projects"][key] for key in expected} == expected
    assert programme["by_phase"] == {"pre_construction": 1, "started": 0, "completed": 1}
    printed = json.loads(out.getvalue())["totals"]["projects"]
    assert {key: printed[key] for key in expected} == expected
    assert {key: board["pipeline"][key] for key in ("total", "started", "cancelled")} == {
        "total": 2,
        "started": 1,
        "cancelled": 1,
    }
    assert board["pipeline"]["by_programme"][0]["total"] == 2
    assert "Of the 2 projects on the major-project list, 1 have started" in text
    assert "重大项目 2 项，已开工 1 个，1 个正在办理前期手续。" in page
    # The phases listed under the total add up to it; the cancelled one stands apart.
    assert '<td class="num" data-figure="projects-total">2</td>' in page
    assert "<tr><th>已取消</th>" not in page
    assert (
        '<th>已取消（不在清单内）</th><td class="num" data-figure="projects-cancelled">1</td>'
        in page
    )
