"""The admin: the task-force office keeps the lists; every save is audited;
a league-level clerk sees and edits only their league."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from luodi.actions.models import Event
from luodi.actions.services import event_save
from luodi.core.models import AuditEvent
from luodi.demo.services import task_force_group_ensure
from luodi.divisions.choices import Role
from luodi.divisions.models import Department, Division
from luodi.divisions.services import division_save, membership_grant
from luodi.plan.models import Target
from luodi.plan.services import campaign_save, programme_save
from luodi.policies.models import Policy
from luodi.policies.services import policy_save
from luodi.projects.models import Project
from luodi.projects.services import project_approval_save, project_save

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
    "reporting_assignment",
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
        "loaded_version": policy.updated_at.isoformat(),
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


def test_a_league_clerk_cannot_open_another_leagues_project(league_clerk):
    data_centre = Project.objects.get(code="pl-project-02")

    response = league_clerk.get(reverse("admin:projects_project_change", args=[data_centre.pk]))

    assert response.status_code == 404  # outside their scope it does not exist


def test_a_league_clerk_cannot_change_the_region_wide_policy_ledger(league_clerk):
    policy = Policy.objects.get(code="pl-policy-30")

    response = league_clerk.post(
        reverse("admin:policies_policy_change", args=[policy.pk]), {"title": "改名"}
    )

    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.title.startswith("（示例）")


def policy_form(policy, **changes) -> dict:
    data = {
        "code": policy.code,
        "title": policy.title,
        "document_number": policy.document_number,
        "programme": policy.programme_id,
        "issuing_departments": [d.pk for d in policy.issuing_departments.all()],
        "status": policy.status,
        "planned_on": policy.planned_on.isoformat(),
        "issued_on": policy.issued_on.isoformat() if policy.issued_on else "",
        "is_sample": "on" if policy.is_sample else "",
        "note": policy.note,
        "loaded_version": policy.updated_at.isoformat(),
    }
    return {**data, **changes}


def test_a_save_on_a_stale_form_is_refused_and_the_colleagues_change_kept(office):
    policy = Policy.objects.get(code="pl-policy-30")
    opened = policy_form(policy, title="我的标题")
    policy_save(
        policy=policy,
        code=policy.code,
        title="同事的标题",
        programme=policy.programme,
        issuing_departments=policy.issuing_departments.all(),
        planned_on=policy.planned_on,
        is_sample=True,
        acting_user=None,
    )

    response = office.post(reverse("admin:policies_policy_change", args=[policy.pk]), opened)

    assert response.status_code == 200
    assert "在您打开之后，其他人修改了这条记录" in response.content.decode()
    policy.refresh_from_db()
    assert policy.title == "同事的标题"


def test_a_league_clerk_cannot_lift_their_league_to_the_top(league_clerk):
    hinggan = Division.objects.get(code="152200")

    response = league_clerk.post(
        reverse("admin:divisions_division_change", args=[hinggan.pk]),
        {
            "code": "152200",
            "name": "兴安盟",
            "level": "prefecture",
            "parent": "",
            "is_active": "on",
            "loaded_version": hinggan.updated_at.isoformat(),
        },
    )

    assert response.status_code == 403
    hinggan.refresh_from_db()
    assert hinggan.parent.code == "150000"


def test_a_league_clerk_may_add_a_township_below_their_banners(league_clerk):
    response = league_clerk.post(
        reverse("admin:divisions_division_add"),
        {
            "code": "152222100",
            "name": "好腰苏木镇",
            "level": "township",
            "parent": Division.objects.get(code="152222").pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    township = Division.objects.get(code="152222100")
    assert township.is_within(Division.objects.get(code="152200"))
    assert (
        AuditEvent.objects.get(
            action="divisions.division.created", object_id=str(township.pk)
        ).actor.username
        == "hinggan-office"
    )


def test_a_league_clerk_cannot_read_another_leagues_history_or_the_audit_log(league_clerk):
    data_centre = Project.objects.get(code="pl-project-02")

    history = league_clerk.get(reverse("admin:projects_project_history", args=[data_centre.pk]))
    audit_log = league_clerk.get(reverse("admin:core_auditevent_changelist"))

    assert history.status_code == 404
    assert audit_log.status_code == 403


def test_a_project_spanning_two_leagues_is_kept_by_whoever_may_edit_both(league_clerk):
    project = Project.objects.get(code="pl-project-02")
    project.divisions.add(Division.objects.get(code="152222"))
    url = reverse("admin:projects_project_change", args=[project.pk])

    opened = league_clerk.get(url)
    changed = league_clerk.post(
        url, {"name": "改名", "divisions": [Division.objects.get(code="152222").pk]}
    )

    assert opened.status_code == 200  # visible, since part of it lies in the league
    assert changed.status_code == 403
    project.refresh_from_db()
    assert project.name == "中国建设银行内蒙古和林格尔新区数据中心项目"
    assert sorted(project.divisions.values_list("code", flat=True)) == ["150123", "152222"]


def test_a_league_clerk_cannot_save_an_event_for_the_whole_campaign(league_clerk):
    events = Event.objects.count()

    response = league_clerk.post(
        reverse("admin:actions_event_add"),
        {"code": "ev-x", "kind": "other", "title": "全区活动", "starts_on": "2024-03-20"},
    )

    assert response.status_code == 200
    assert "只有最上级的办公室可以保存不属于任何行政区划的记录" in response.content.decode()
    assert Event.objects.count() == events


def test_a_leader_reads_but_cannot_add_projects(client, demo):
    leader = get_user_model().objects.create_user("leader", password="x", is_staff=True)
    leader.groups.add(task_force_group_ensure())
    membership_grant(
        user=leader,
        division=Division.objects.get(code="152200"),
        role=Role.VIEWER,
        acting_user=None,
    )
    client.force_login(leader)
    projects = Project.objects.count()

    listed = client.get(reverse("admin:projects_project_changelist"))
    added = client.post(reverse("admin:projects_project_add"), {"code": "x", "name": "x"})

    assert listed.status_code == 200
    assert added.status_code == 403
    assert Project.objects.count() == projects


def test_deleting_a_project_from_the_admin_audits_it_and_its_approvals(office):
    project = Project.objects.get(code="pl-project-60")
    kinds = sorted(project.approvals.values_list("kind", flat=True))

    response = office.post(
        reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Project.objects.filter(code="pl-project-60").exists()
    deleted = AuditEvent.objects.filter(action="projects.approval.deleted")
    assert sorted(e.changes["kind"][0] for e in deleted) == kinds
    assert (
        AuditEvent.objects.filter(
            action="projects.project.deleted", object_id=str(project.pk)
        ).count()
        == 1
    )


def add_project(n, programme, hohhot, ministry):
    project_save(
        code=f"more-{n}",
        name=f"项目{n}",
        programme=programme,
        divisions=[hohhot],
        total_investment=None,
        listed_on=date(2024, 1, 31),
        acting_user=None,
    )


def add_policy(n, programme, hohhot, ministry):
    policy_save(
        code=f"more-{n}",
        title=f"政策{n}",
        programme=programme,
        issuing_departments=[ministry],
        planned_on=date(2024, 1, 2),
        acting_user=None,
    )


def add_event(n, programme, hohhot, ministry):
    event_save(
        code=f"more-{n}",
        kind="other",
        title=f"活动{n}",
        starts_on=date(2024, 3, 1),
        programme=programme,
        divisions=[hohhot],
        departments=[ministry],
        acting_user=None,
    )


@pytest.mark.parametrize(
    ("name", "add"),
    [
        ("projects_project", add_project),
        ("policies_policy", add_policy),
        ("actions_event", add_event),
    ],
)
def test_a_list_costs_the_same_queries_however_long_it_grows(
    office, name, add, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse(f"admin:{name}_changelist")
    office.get(url)
    with django_assert_max_num_queries(100) as before:
        office.get(url)
    programme = Project.objects.first().programme
    hohhot = Division.objects.get(code="150105")
    ministry = Department.objects.filter(kind="national_ministry").first()
    for n in range(15):
        add(n, programme, hohhot, ministry)

    with django_assert_num_queries(len(before.captured_queries)):
        office.get(url)


def test_the_audit_log_is_for_the_system_administrator_only(office, client):
    admin_user = get_user_model().objects.create_superuser("root", password="x")

    office_view = office.get(reverse("admin:core_auditevent_changelist"))
    client.force_login(admin_user)
    root_view = client.get(reverse("admin:core_auditevent_changelist"))

    assert office_view.status_code == 403
    assert root_view.status_code == 200
    assert root_view.context["cl"].result_count == AuditEvent.objects.count()


@pytest.fixture
def hohhot_campaign(demo):
    """A second campaign, run by Hohhot, sharing the installation."""
    hohhot = Division.objects.get(code="150100")
    campaign, _ = campaign_save(
        code="hohhot-2024", name="呼和浩特专项", division=hohhot, year=2024, acting_user=None
    )
    programme, _ = programme_save(
        code="hohhot-p", campaign=campaign, name="呼和浩特工程", acting_user=None
    )
    event_save(
        code="hohhot-ev",
        kind="other",
        title="呼和浩特全市活动",
        starts_on=date(2024, 3, 1),
        programme=programme,
        acting_user=None,
    )
    return programme


def test_reverting_from_a_history_page_is_refused(office):
    ministry = Department.objects.get(name="国家能源局")
    version = ministry.history.latest().history_id

    response = office.post(
        reverse("admin:divisions_department_simple_history", args=[ministry.pk, version]),
        {
            "name": "改名",
            "kind": "national_ministry",
            "loaded_version": ministry.updated_at.isoformat(),
        },
    )

    assert response.status_code == 403
    ministry.refresh_from_db()
    assert ministry.name == "国家能源局"


def test_another_campaigns_plan_is_neither_listed_nor_readable(league_clerk, hohhot_campaign):
    listed = league_clerk.get(reverse("admin:plan_programme_changelist"))
    history = league_clerk.get(reverse("admin:plan_programme_history", args=[hohhot_campaign.pk]))
    events = league_clerk.get(reverse("admin:actions_event_changelist"))

    assert hohhot_campaign not in listed.context["cl"].result_list
    assert history.status_code == 404
    assert "hohhot-ev" not in [e.code for e in events.context["cl"].result_list]


def test_a_project_cannot_be_put_in_another_campaigns_programme(league_clerk, hohhot_campaign):
    projects = Project.objects.count()

    response = league_clerk.post(
        reverse("admin:projects_project_add"),
        {
            "code": "sneaky",
            "name": "项目",
            "programme": hohhot_campaign.pk,
            "divisions": [Division.objects.get(code="152222").pk],
            "phase": "pre_construction",
            "listed_on": "2024-03-01",
        },
    )

    assert response.status_code == 200
    assert "programme" in response.context["adminform"].form.errors
    assert Project.objects.count() == projects


def test_a_colleagues_approval_change_makes_the_project_form_stale(office):
    project = Project.objects.get(code="pl-project-68")
    approval = project.approvals.first()
    opened_version = project.updated_at.isoformat()
    project_approval_save(
        approval=approval,
        project=project,
        kind=approval.kind,
        granted_on=date(2024, 3, 10),
        acting_user=None,
    )

    response = office.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        {
            "code": project.code,
            "name": "改名",
            "programme": project.programme_id,
            "divisions": [d.pk for d in project.divisions.all()],
            "phase": project.phase,
            "listed_on": project.listed_on.isoformat(),
            "loaded_version": opened_version,
            "approvals-TOTAL_FORMS": "0",
            "approvals-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    project.refresh_from_db()
    approval.refresh_from_db()
    assert project.name != "改名"
    assert approval.granted_on == date(2024, 3, 10)


def test_a_division_still_used_by_projects_cannot_be_deleted(office):
    banner = Division.objects.get(code="152222")
    in_use = banner.projects.count()

    response = office.post(
        reverse("admin:divisions_division_delete", args=[banner.pk]), {"post": "yes"}
    )

    assert in_use > 0
    assert response.status_code == 200
    assert response.context["protected"]
    assert Division.objects.filter(pk=banner.pk).exists()
    assert banner.projects.count() == in_use


def test_a_league_sets_its_banners_targets_but_not_its_own(league_clerk):
    indicator = Target.objects.first().indicator

    def add_target(code):
        return league_clerk.post(
            reverse("admin:plan_target_add"),
            {
                "indicator": indicator.pk,
                "division": Division.objects.get(code=code).pk,
                "year": "2024",
                "value": "100",
            },
        )

    own = add_target("152200")
    banner = add_target("152222")

    assert own.status_code == 200
    assert "由其上级办公室设定" in own.content.decode()
    assert banner.status_code == 302
    assert list(
        Target.objects.filter(division__code__startswith="1522").values_list(
            "division__code", flat=True
        )
    ) == ["152222"]


def test_moving_a_banner_audits_the_townships_it_carries(demo):
    league, banner = Division.objects.get(code="152200"), Division.objects.get(code="152222")
    township, _ = division_save(
        code="152222100", name="好腰苏木镇", level="township", parent=banner, acting_user=None
    )

    division_save(
        division=banner,
        code="152222",
        name=banner.name,
        level=banner.level,
        parent=Division.objects.get(code="150100"),
        acting_user=None,
    )

    township.refresh_from_db()
    assert not township.is_within(league)
    event = AuditEvent.objects.get(action="divisions.division.subtree_moved")
    assert event.changes == {"descendants": ["152222100"]}


def test_open_approvals_are_counted_once_for_a_project_in_several_banners(league_clerk):
    project = Project.objects.get(code="pl-project-68")
    project.divisions.add(*Division.objects.filter(code__in=["152222", "152201"]))
    open_count = project.approvals.filter(granted_on__isnull=True).count()

    response = league_clerk.get(reverse("admin:projects_project_changelist"))

    listed = {p.code: p.open_approval_count for p in response.context["cl"].result_list}
    assert open_count > 0
    assert listed["pl-project-68"] == open_count
