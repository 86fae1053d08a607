"""The division dashboard on the demo: figures, lights, league table,
pipeline, policies, as of a day, scope and query counts. Expectations are
counted from the demo's files, not from the code under test."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from luodi.dashboards.choices import Light
from luodi.dashboards.selectors import division_board
from luodi.demo.services import DEMO_VALUES
from luodi.divisions.models import Division
from luodi.divisions.permissions import visible_divisions
from luodi.policies.models import Policy
from luodi.policies.services import policy_issue
from luodi.reporting.models import DataValue
from luodi.reporting.services import value_save

AS_OF = date(2024, 3, 18)


def figures(indicator: str, prefix: str, month: int) -> Decimal:
    """The demo file's latest figure up to `month` for each county under
    `prefix`, added up (the indicators are year-to-date figures)."""
    latest: dict[str, Decimal] = {}
    with DEMO_VALUES.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            in_time = int(row["period"][5:]) <= month
            if row["indicator"] == indicator and row["division"].startswith(prefix) and in_time:
                latest[row["division"]] = Decimal(row["value"])
    return sum(latest.values(), Decimal(0))


def region_board(as_of=AS_OF, **options):
    region = Division.objects.get(code="150000")
    return division_board(division=region, as_of=as_of, visible=Division.objects.all(), **options)


def indicator(board, code):
    return next(row for row in board["indicators"] if row["code"] == code)


def test_the_region_pipeline_and_ledger_read_like_the_article(demo, demo_bundle):
    board = region_board()

    assert board["pipeline"]["total"] == 86
    assert board["pipeline"]["started"] == 54
    assert board["pipeline"]["by_phase"]["pre_construction"] == 32
    assert board["pipeline"]["expected_start"] == {"2024": 29, "2025": 3}
    assert len(board["pipeline"]["waiting"]) == 32
    with_open = [p for p in demo_bundle["projects"] if p.get("approvals")]
    assert sum(1 for p in board["pipeline"]["waiting"] if p["open_approvals"]) == len(with_open)
    assert (board["policies"]["total"], board["policies"]["issued"]) == (41, 29)
    assert board["policies"]["planned"] == 12
    assert board["policies"]["overdue"] == []  # the demo gives no planned issue dates


def test_an_indicator_shows_its_value_target_share_and_why_its_light(demo):
    row = indicator(region_board(), "sand-land-treated")

    value = figures("sand-land-treated", "15", 3)
    reached = (value * 100 / 1500).quantize(Decimal("0.1"))
    due = (Decimal(78 * 100) / 366).quantize(Decimal("0.1"))  # 18 March is day 78 of 366
    assert (row["value"], row["target"], row["unit"]) == (str(value), "1500", "万亩")
    assert (Decimal(row["reached"]), Decimal(row["due"])) == (reached, due)
    assert due - reached > 10
    assert row["light"] == (Light.RED if due - reached > 30 else Light.AMBER)
    assert row["reason"].startswith(row["light"].capitalize() + ": ")
    assert f"{reached.normalize()}% of the target reached, {due}% due" in row["reason"]


def test_a_data_date_counts_the_periods_begun_by_then_at_their_current_values(demo):
    end_of_february = indicator(region_board(as_of=date(2024, 2, 29)), "sand-land-treated")
    first_of_march = indicator(region_board(as_of=date(2024, 3, 1)), "sand-land-treated")

    # February's figures were entered on 5 March and March's on 15 March: read
    # now, each counts for every data date from the start of its month.
    assert Decimal(end_of_february["value"]) == figures("sand-land-treated", "15", 2)
    assert Decimal(first_of_march["value"]) == figures("sand-land-treated", "15", 3)


def test_as_recorded_on_a_day_the_board_shows_only_what_had_been_entered_then(demo):
    board = region_board(as_of=date(2024, 3, 1), recorded_on=date(2024, 3, 1))

    # On 1 March only January's figures had been entered (February's on 5 March).
    assert Decimal(indicator(board, "sand-land-treated")["value"]) == figures(
        "sand-land-treated", "15", 1
    )
    assert (board["as_of"], board["recorded_on"]) == ("2024-03-01", "2024-03-01")
    assert region_board()["recorded_on"] is None


def test_a_figure_corrected_later_is_read_at_its_new_value_unless_asked_as_recorded_before(demo):
    office = get_user_model().objects.get(username="taskforce")
    figure = DataValue.objects.select_related("report", "indicator").get(
        indicator__code="sand-land-treated",
        report__division__code="152222",
        report__period__code="2024-03",
    )
    assert figure.value == Decimal(65_000)  # 6.5万亩, in 亩
    before = figures("sand-land-treated", "15", 3)

    value_save(
        report=figure.report,
        indicator=figure.indicator,
        value=Decimal(68_000),
        comment="更正：漏报0.3万亩",
        expected_version=figure.version,
        acting_user=office,
        today=date(2024, 3, 20),
    )

    now = indicator(region_board(), "sand-land-treated")
    recorded = indicator(region_board(recorded_on=date(2024, 3, 18)), "sand-land-treated")
    assert Decimal(now["value"]) == before + Decimal("0.3")
    assert Decimal(recorded["value"]) == before


def test_the_dashboard_link_keeps_its_dates(client, demo):
    client.force_login(get_user_model().objects.get(username="kyzq"))

    answer = client.get("/dashboard/?as_of=2024-03-18&recorded_on=2024-03-20")

    assert answer.status_code == 302
    assert answer["Location"] == "/dashboard/152222/?as_of=2024-03-18&recorded_on=2024-03-20"


def test_a_malformed_recorded_on_is_told_and_the_data_date_kept(client, demo):
    client.force_login(get_user_model().objects.get(username="taskforce"))

    page = client.get("/dashboard/150000/", {"as_of": "2024-03-18", "recorded_on": "2024-13-01"})

    html = page.content.decode()
    assert "<h1>内蒙古自治区：截至 2024-03-18 的进展</h1>" in html
    assert '<p class="error" role="alert">请按 YYYY-MM-DD 输入日期，例如 2024-03-18。</p>' in html


def test_the_heading_says_as_recorded_on_when_asked(client, demo):
    client.force_login(get_user_model().objects.get(username="taskforce"))

    page = client.get("/dashboard/150000/", {"as_of": "2024-03-18", "recorded_on": "2024-03-10"})
    now = client.get("/dashboard/150000/", {"as_of": "2024-03-18"})

    heading = "<h1>内蒙古自治区：截至 2024-03-18，按 2024-03-10 记录的进展</h1>"
    assert heading in page.content.decode()
    assert "<h1>内蒙古自治区：截至 2024-03-18 的进展</h1>" in now.content.decode()


def test_the_league_table_ranks_the_leagues_with_the_change_since_last_month(demo):
    league = region_board(rank_by="pipes-renovated")["league"]

    reported = [r for r in league["rows"] if r["value"] is not None]
    expected = sorted(
        (
            (figures("pipes-renovated", code[:4], 3), code)
            for code in ("152200", "150600", "150100")
        ),
        reverse=True,
    )
    assert [(Decimal(r["value"]), r["code"]) for r in reported] == expected
    assert [r["rank"] for r in league["rows"]] == list(range(1, 13))
    hinggan = next(r for r in league["rows"] if r["code"] == "152200")
    assert Decimal(hinggan["change"]) == figures("pipes-renovated", "1522", 3) - figures(
        "pipes-renovated", "1522", 2
    )
    assert league["since"] == "2024-02-29"


def test_a_league_board_is_its_subtree(demo):
    hinggan = Division.objects.get(code="152200")
    board = division_board(division=hinggan, as_of=AS_OF, visible=Division.objects.all())

    expected_projects = (
        demo.programmes.get(code="policy-landing")
        .projects.filter(divisions__code__startswith="1522")
        .distinct()
        .count()
    )
    assert board["pipeline"]["total"] == expected_projects
    assert [r["code"] for r in board["league"]["rows"]][:1] and {
        r["code"][:4] for r in board["league"]["rows"]
    } == {"1522"}
    assert indicator(board, "sand-land-treated")["light"] == Light.NONE  # no league target


def test_the_board_costs_a_fixed_number_of_queries_however_many_divisions(
    demo, django_assert_num_queries, django_assert_max_num_queries
):
    everything = Division.objects.all()
    with django_assert_num_queries(17):
        division_board(
            division=Division.objects.get(code="150000"), as_of=AS_OF, visible=everything
        )
    # A league with no project waiting for approvals skips that one query.
    for code in ["152200", "150600", "152222"]:
        with django_assert_max_num_queries(17):
            division_board(
                division=Division.objects.get(code=code), as_of=AS_OF, visible=everything
            )


@pytest.mark.parametrize(
    ("user", "code", "status"),
    [
        ("taskforce", "150000", 200),
        ("taskforce", "152222", 200),
        ("hinggan", "152200", 200),
        ("hinggan", "152222", 200),
        ("hinggan", "150000", 404),
        ("hinggan", "150600", 404),
        ("kyzq", "152222", 200),
        ("kyzq", "152200", 404),
    ],
)
def test_a_dashboard_outside_ones_scope_does_not_exist(client, demo, user, code, status):
    client.force_login(get_user_model().objects.get(username=user))

    page = client.get(reverse("dashboards:board", args=[code]), {"as_of": "2024-03-18"})
    data = client.get(reverse("dashboards:board_data", args=[code]), {"as_of": "2024-03-18"})
    boundaries = client.get(reverse("dashboards:map", args=[code]))

    assert (page.status_code, data.status_code) == (status, status)
    # Boundary files exist for the region and its leagues, not for counties.
    has_map = code in {"150000", "152200", "150600"}
    assert boundaries.status_code == (200 if status == 200 and has_map else 404)


def test_each_user_lands_on_their_own_dashboard(client, demo):
    client.force_login(get_user_model().objects.get(username="hinggan"))

    response = client.get(reverse("dashboards:board_home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:board", args=["152200"])
    assert visible_divisions(get_user_model().objects.get(username="hinggan")).count() == 7


def test_an_approved_map_file_of_the_operator_replaces_the_built_one(
    client, demo, tmp_path, settings
):
    approved = '{"type":"FeatureCollection","features":[],"approved":true}'
    (tmp_path / "152200.json").write_text(approved, encoding="utf-8")
    client.force_login(get_user_model().objects.get(username="hinggan"))

    built = client.get(reverse("dashboards:map", args=["152200"]))
    settings.LUODI_MAP_DIR = tmp_path
    replaced = client.get(reverse("dashboards:map", args=["152200"]))

    assert built.status_code == 200
    assert len(built.json()["features"]) == 6  # Hinggan's six county units
    assert {f["properties"]["code"] for f in built.json()["features"]} == {
        d.code for d in Division.objects.filter(parent__code="152200")
    }
    assert replaced.json() == {"type": "FeatureCollection", "features": [], "approved": True}


def test_a_kept_board_is_served_until_anything_is_written(client, demo, django_assert_num_queries):
    client.force_login(get_user_model().objects.get(username="taskforce"))
    url = reverse("dashboards:board_data", args=["150000"])
    first = client.get(url, {"as_of": "2024-03-18"}).json()

    # Kept: the session, the user, the scope, the division and the newest audit event.
    with django_assert_num_queries(5):
        again = client.get(url, {"as_of": "2024-03-18"}).json()
    planned = Policy.objects.filter(issued_on__isnull=True).order_by("code").first()
    policy_issue(policy=planned, issued_on=date(2024, 3, 1), acting_user=None)
    after = client.get(url, {"as_of": "2024-03-18"}).json()

    assert again == first
    assert (first["policies"]["issued"], after["policies"]["issued"]) == (29, 30)
