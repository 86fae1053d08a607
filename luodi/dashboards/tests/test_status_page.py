import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from luodi.actions.services import event_save
from luodi.divisions.models import Department
from luodi.policies.services import policy_save
from luodi.projects.models import Project
from luodi.projects.services import project_save

STATUS = reverse("dashboards:status")


def figures(html: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for name, value in re.findall(r'data-figure="([\w-]+)">(\d+)<', html):
        found.setdefault(name, []).append(int(value))
    return found


@pytest.fixture
def login(client):
    def as_user(username: str):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        return client

    return as_user


def test_the_status_page_needs_a_log_in(client, db):
    response = client.get(STATUS)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_the_log_in_page_is_in_chinese_by_default(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "登录落地" in response.content.decode()


def test_a_demo_user_logs_in_with_the_printed_password(client, demo):
    response = client.post(
        reverse("login"), {"username": "taskforce", "password": "luodi-demo-2024"}
    )

    assert response.status_code == 302
    assert response["Location"] == STATUS


def test_a_wrong_password_is_told_and_no_session_starts(client, demo):
    response = client.post(reverse("login"), {"username": "taskforce", "password": "wrong"})

    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_office_sees_the_article_figures(login, demo):
    response = login("taskforce").get(STATUS, {"as_of": "2024-03-18"})

    html = response.content.decode()
    assert "截至 2024-03-18 的进展" in html
    assert figures(html) == {
        "policies-total": [41],
        "policies-issued": [29],
        "policies-planned": [12],
        "policies-ministries": [36],
        "projects-total": [86],
    }
    assert "36 个国家部委配套政策 41 项，其中已出台 29 项，拟出台 12 项。" in html
    assert "重大项目 86 项，已开工 54 个，32 个正在办理前期手续。" in html
    assert "预计 2024 年开工" in html


def test_a_county_reporter_sees_only_projects_in_their_county(login, demo, demo_bundle):
    in_county = sum(1 for p in demo_bundle["projects"] if "152222" in p["divisions"])

    response = login("kyzq").get(STATUS, {"as_of": "2024-03-18"})

    assert in_county > 0
    assert figures(response.content.decode())["projects-total"] == [in_county]


def test_a_user_without_a_division_sees_no_projects(client, demo):
    client.force_login(get_user_model().objects.create_user("stranger", password="x"))

    response = client.get(STATUS, {"as_of": "2024-03-18"})

    html = response.content.decode()
    assert "projects-total" not in figures(html)
    assert "请联系专项组办公室为您分配区划" in html


def test_a_malformed_date_is_told_and_today_shown(login, demo):
    response = login("taskforce").get(STATUS, {"as_of": "2024-02-30"})

    html = response.content.decode()
    assert "请按 YYYY-MM-DD 输入日期" in html
    assert response.context["as_of"] == timezone.localdate()


def test_english_is_complete_for_this_page(login, demo):
    client = login("taskforce")
    client.cookies["django_language"] = "en"

    html = client.get(STATUS, {"as_of": "2024-03-18"}).content.decode()

    assert "Status as of 2024-03-18" in html
    assert "41 supporting policies from 36 ministries: 29 issued, 12 planned." in html
    assert not re.search(r"截至|已出台|前期手续", html)


def test_the_page_costs_the_same_queries_however_many_projects(
    login, demo, django_assert_num_queries, division
):
    client = login("taskforce")
    client.get(STATUS)  # warm the session and membership caches of this client

    with django_assert_num_queries(12) as before:
        client.get(STATUS, {"as_of": "2024-03-18"})
    landing = Project.objects.first().programme
    ministry = Department.objects.filter(kind="national_ministry").first()
    for n in range(20):
        project_save(
            code=f"extra-{n}",
            name=f"新增项目{n}",
            programme=landing,
            divisions=[division("150105")],
            total_investment=None,
            listed_on=date(2024, 1, 31),
            acting_user=None,
        )
        policy_save(
            code=f"extra-policy-{n}",
            title=f"新增政策{n}",
            programme=landing,
            issuing_departments=[ministry],
            planned_on=date(2024, 1, 2),
            acting_user=None,
        )
        event_save(
            code=f"extra-event-{n}",
            kind="other",
            title=f"新增活动{n}",
            starts_on=date(2024, 3, 1),
            programme=landing,
            divisions=[division("150105")],
            acting_user=None,
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(STATUS, {"as_of": "2024-03-18"})


def test_the_office_manages_the_lists_but_reporters_do_not(login, demo):
    office = login("taskforce")
    assert office.get(reverse("admin:projects_project_changelist")).status_code == 200

    reporter = login("hinggan")
    response = reporter.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client, db):
    asked = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    switched = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert "登录落地" in asked.content.decode()
    assert "Log in to luodi" in switched.content.decode()


def test_repeated_wrong_passwords_lock_the_user_name_for_a_while(client, demo):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "taskforce", "password": "guess"})

    locked = client.post(reverse("login"), {"username": "taskforce", "password": "luodi-demo-2024"})

    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
