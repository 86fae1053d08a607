"""The admin: the task-force office keeps the lists; every save is audited;
a league-level clerk sees and edits only their league."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from luodi.core.models import AuditEvent
from luodi.demo.services import task_force_group_ensure
from luodi.divisions.choices import Role
from luodi.divisions.models import Division
from luodi.divisions.services import membership_grant
from luodi.policies.models import Policy
from luodi.projects.models import Project

CHANGELISTS = [
    "divisions_division",
    "divisions_department",
    "divisions_membership",
    "plan_campaign",
    "plan_strategictask",
    "plan_programme",
    "plan_workstream",
    "plan_unit",
    "plan_indicator",
    "plan_target",
    "policies_policy",
    "projects_project",
    "actions_event",
    "core_auditevent",
]


@pytest.fixture
def office(client, demo):
    client.force_login(get_user_model().objects.get(username="taskforce"))
    return client


@pytest.fixture
def league_clerk(client, demo):
    user = get_user_model().objects.create_user("hinggan-office", password="x", is_staff=True)
    user.groups.add(task_force_group_ensure())
    membership_grant(
        user=user,
        division=Division.objects.get(code="152200"),
        role=Role.TASK_FORCE,
        acting_user=None,
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_office_opens_every_list(office, name):
    response = office.get(reverse(f"admin:{name}_changelist"))

    assert response.status_code == 200


def test_the_lists_filter_as_a_clerk_would(office):
    response = office.get(
        reverse("admin:projects_project_changelist"),
        {"phase__exact": "pre_construction", "expected_start_year": "2025"},
    )

    assert response.context["cl"].result_count == 3


def test_an_admin_edit_goes_through_the_service_and_is_audited(office):
    policy = Policy.objects.get(code="pl-policy-30")
    data = {
        "code": policy.code,
        "title": policy.title,
        "document_number": "",
        "programme": policy.programme_id,
        "issuing_departments": [d.pk for d in policy.issuing_departments.all()],
        "status": "issued",
        "planned_on": policy.planned_on.isoformat(),
        "issued_on": "2024-03-20",
        "is_sample": "on",
        "note": "",
    }

    response = office.post(reverse("admin:policies_policy_change", args=[policy.pk]), data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="policies.policy.updated", object_id=str(policy.pk))
    assert event.actor.username == "taskforce"
    assert event.changes == {"status": ["planned", "issued"], "issued_on": [None, "2024-03-20"]}
    assert policy.issuing_departments.count() == len(data["issuing_departments"]) == 1


def test_an_admin_edit_with_bad_dates_is_refused_and_nothing_changes(office):
    policy = Policy.objects.get(code="pl-policy-30")
    audits = AuditEvent.objects.count()

    response = office.post(
        reverse("admin:policies_policy_change", args=[policy.pk]),
        {
            "code": policy.code,
            "title": policy.title,
            "programme": policy.programme_id,
            "issuing_departments": [d.pk for d in policy.issuing_departments.all()],
            "status": "issued",
            "planned_on": policy.planned_on.isoformat(),
            "issued_on": "2023-01-01",
        },
    )

    assert response.status_code == 200
    assert "出台日期 2023-01-01 早于列入日期" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == "planned"
    assert AuditEvent.objects.count() == audits


def test_audit_events_cannot_be_edited_from_the_admin(office):
    event = AuditEvent.objects.first()

    response = office.post(
        reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "tampered"}
    )

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.action != "tampered"


def test_a_league_clerk_sees_only_their_league(league_clerk, demo_bundle):
    hinggan_codes = {
        c for c in Division.objects.filter(code__startswith="1522").values_list("code", flat=True)
    }
    expected = sum(1 for p in demo_bundle["projects"] if set(p["divisions"]) & hinggan_codes)

    response = league_clerk.get(reverse("admin:projects_project_changelist"))

    assert response.context["cl"].result_count == expected


def test_a_league_clerk_cannot_open_or_change_another_leagues_project(league_clerk):
    data_centre = Project.objects.get(code="pl-project-02")
    url = reverse("admin:projects_project_change", args=[data_centre.pk])

    opened = league_clerk.get(url)
    changed = league_clerk.post(url, {"name": "改名"})

    assert opened.status_code == 302
    assert changed.status_code == 302
    data_centre.refresh_from_db()
    assert data_centre.name == "中国建设银行内蒙古和林格尔新区数据中心项目"


def test_a_league_clerk_cannot_change_the_region_wide_policy_ledger(league_clerk):
    policy = Policy.objects.get(code="pl-policy-30")

    response = league_clerk.post(
        reverse("admin:policies_policy_change", args=[policy.pk]), {"title": "改名"}
    )

    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.title.startswith("（示例）")
