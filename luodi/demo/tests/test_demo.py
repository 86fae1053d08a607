"""The demo must hold every fact of the March 2024 article exactly."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from conftest import AS_OF
from luodi.actions.models import Event
from luodi.core.models import AuditEvent
from luodi.dashboards.selectors import campaign_status
from luodi.divisions.models import Division, Membership
from luodi.plan.models import Programme
from luodi.projects.models import Project


def status_on(day: date) -> dict:
    roots = list(Division.objects.filter(parent__isnull=True))
    return campaign_status(as_of=day, divisions=Division.objects.all(), home=roots)


def programme(status: dict, code: str) -> dict:
    return next(p for p in status["programmes"] if p["code"] == code)


def test_the_six_programmes_serve_the_five_tasks_in_the_article_order(demo):
    names = list(Programme.objects.order_by("order").values_list("name", flat=True))

    assert names == [
        "政策落地工程",
        "防沙治沙和风电光伏一体化工程",
        "温暖工程",
        "诚信建设工程",
        "科技“突围”工程",
        "自贸区创建工程",
    ]
    assert demo.tasks.count() == 5
    assert (demo.decided_from, demo.decided_until) == (date(2023, 12, 25), date(2023, 12, 26))


def test_policy_landing_as_of_18_march_matches_the_article(demo):
    landing = programme(status_on(AS_OF), "policy-landing")

    assert landing["policies"] == {"total": 41, "issued": 29, "planned": 12, "ministries": 36}
    projects = landing["projects"]
    assert projects["total"] == 86
    assert projects["by_phase"] == {
        "pre_construction": 32,
        "started": 54,
        "completed": 0,
    }
    assert projects["cancelled"] == 0
    assert projects["expected_start"] == {"2024": 29, "2025": 3}


def test_the_two_named_projects_carry_their_amounts_and_dates(demo):
    railway = Project.objects.get(name="太子城至锡林浩特铁路（内蒙古段）")
    data_centre = Project.objects.get(name="中国建设银行内蒙古和林格尔新区数据中心项目")

    assert railway.planned_investment == Decimal("1250000000")
    assert railway.planned_investment_year == 2024
    assert not railway.is_sample
    assert data_centre.total_investment == Decimal("10000000000")
    assert data_centre.started_on == date(2024, 3, 18)
    assert [d.code for d in data_centre.divisions.all()] == ["150123"]


def test_the_2024_targets_are_those_of_the_article(demo):
    status = status_on(AS_OF)
    targets = {
        t["indicator"]: (t["value"], t["unit"], t["change_percent"])
        for p in status["programmes"]
        for t in p["targets"]
    }

    assert targets == {
        "sand-land-treated": ("1500", "万亩", None),
        "new-energy-capacity": ("1320", "万千瓦", None),
        "sand-land-treated-with-energy": ("230", "万亩", None),
        "pipes-renovated": ("1500", "公里", None),
        "old-communities-renovated": ("1185", "个", None),
        "st-budget": ("34", "亿元", "20"),
    }


def test_the_dated_events_are_those_of_the_article(demo):
    dated = {
        (e.starts_on.isoformat(), e.ends_on.isoformat() if e.ends_on else None)
        for e in Event.objects.filter(date_is_approximate=False)
    }

    assert dated == {
        ("2023-12-25", "2023-12-26"),
        ("2024-03-17", None),
        ("2024-03-13", "2024-03-20"),
        ("2024-03-15", None),
        ("2024-03-14", None),
        ("2024-02-01", None),
        ("2024-03-04", None),
        ("2024-03-19", None),
        ("2024-03-18", None),
        ("2024-03-18", "2024-03-22"),
    }
    tour = Event.objects.get(code="ev-dr-leaders-12-leagues")
    assert tour.divisions.count() == 12


def test_an_event_after_the_as_of_date_is_not_yet_shown(demo):
    def integrity_events(day):
        return [e["code"] for e in programme(status_on(day), "integrity")["recent_events"]]

    assert "ev-in-justice-seminar" not in integrity_events(AS_OF)
    assert "ev-in-justice-seminar" in integrity_events(date(2024, 3, 19))


def test_before_the_list_existed_there_were_no_projects(demo):
    landing = programme(status_on(date(2024, 1, 1)), "policy-landing")

    assert landing["projects"]["total"] == 0


def test_the_status_command_prints_the_article_figures_as_json(demo):
    out = StringIO()

    call_command("status", "--as-of", "2024-03-18", "--json", stdout=out)

    status = json.loads(out.getvalue())
    assert status["totals"]["policies"] == {
        "total": 41,
        "issued": 29,
        "planned": 12,
        "ministries": 36,
    }
    assert status["totals"]["projects"]["by_phase"]["started"] == 54
    assert programme(status, "policy-landing")["projects"]["expected_start"] == {
        "2024": 29,
        "2025": 3,
    }


def test_loading_the_demo_again_adds_nothing(demo):
    counts = Counter(type(obj).__name__ for obj in [*Project.objects.all(), *Event.objects.all()])
    audits = AuditEvent.objects.count()

    call_command("load_demo", stdout=StringIO())

    again = Counter(type(obj).__name__ for obj in [*Project.objects.all(), *Event.objects.all()])
    assert again == counts == Counter({"Project": 86, "Event": 16})
    assert AuditEvent.objects.count() == audits


def test_the_demo_users_can_log_in_with_their_roles(demo):
    for username, code, roles in [
        ("taskforce", "150000", ["task_force"]),
        ("hinggan", "152200", ["approver", "reporter"]),
        ("kyzq", "152222", ["reporter"]),
    ]:
        user = authenticate(
            RequestFactory().post("/accounts/login/"),
            username=username,
            password="luodi-demo-2024",
        )
        assert user is not None
        memberships = Membership.objects.filter(user=user).order_by("role")
        assert [(m.division.code, m.role) for m in memberships] == [(code, r) for r in roles]


def test_sample_names_are_marked_and_named_projects_are_not(demo, demo_bundle):
    samples = Project.objects.filter(is_sample=True)

    assert samples.count() == sum(1 for p in demo_bundle["projects"] if p.get("is_sample"))
    assert all(p.name.startswith("（示例）") for p in samples)


def test_this_years_planned_investment_is_the_railways_12_5_yi(demo):
    landing = programme(status_on(AS_OF), "policy-landing")

    assert landing["projects"]["planned_investment_this_year"] == {"value": "12.5", "unit": "亿元"}
    assert (
        programme(status_on(date(2025, 3, 18)), "policy-landing")["projects"][
            "planned_investment_this_year"
        ]
        is None
    )


def test_another_provinces_campaign_stays_out_of_this_read_out(demo):
    from luodi.divisions.services import divisions_load
    from luodi.plan.services import campaign_save, programme_save

    divisions_load(province_code="110000")
    beijing = Division.objects.get(code="110000")
    other, _ = campaign_save(
        code="bj", name="北京专项", division=beijing, year=2024, acting_user=None
    )
    programme_save(code="bj-p", campaign=other, name="北京工程", acting_user=None)
    region = Division.objects.get(code="150000")
    county = Division.objects.get(code="152222")

    seen_by_region = campaign_status(
        as_of=AS_OF, divisions=Division.objects.subtree_of([region]), home=[region]
    )
    seen_by_county = campaign_status(
        as_of=AS_OF, divisions=Division.objects.subtree_of([county]), home=[county]
    )
    seen_by_beijing = campaign_status(
        as_of=AS_OF, divisions=Division.objects.subtree_of([beijing]), home=[beijing]
    )

    assert len(seen_by_region["programmes"]) == 6
    assert [p["code"] for p in seen_by_county["programmes"]] == [
        p["code"] for p in seen_by_region["programmes"]
    ]
    assert [p["code"] for p in seen_by_beijing["programmes"]] == ["bj-p"]
    assert seen_by_beijing["totals"]["policies"]["total"] == 0


def test_ulanqab_has_its_12_integrity_complaint_windows(demo):
    from luodi.cases.models import Window

    windows = Window.objects.filter(division__code__startswith="1509")

    assert windows.count() == 12
    assert {w.division.code for w in windows} == {
        d.code for d in Division.objects.filter(code__startswith="1509", is_active=True)
    }
    assert all(w.case_types.count() == 2 for w in windows)
