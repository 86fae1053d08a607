"""Who reaches what: every route × role × how the record relates to the user.

The expectations come from the GB/T 2260 codes alone (a county's code starts
with its league's four digits, a league's with its province's two), not from
luodi's own scope code. A route or a model added without a place here fails
`test_every_route_has_a_place_in_the_matrix`.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from luodi.bulletins.services import bulletin_generate
from luodi.demo.services import task_force_group_ensure
from luodi.divisions.choices import Role
from luodi.divisions.models import Division
from luodi.divisions.services import divisions_load, membership_grant
from luodi.plan.models import Programme
from luodi.plan.services import campaign_save, programme_save
from luodi.projects.models import Project
from luodi.projects.services import project_save
from luodi.reporting.choices import Frequency
from luodi.reporting.services import period_containing, report_open

# How each registered model is scoped; a new model must be placed here.
SCOPE_OF_MODEL = {
    "divisions.division": "division tree (kept from the parent)",
    "divisions.membership": "division",
    "divisions.department": "reference data",
    "plan.unit": "reference data",
    "plan.campaign": "campaign",
    "plan.strategictask": "campaign",
    "plan.programme": "campaign",
    "plan.workstream": "campaign",
    "plan.indicator": "campaign",
    "plan.target": "division (set from above)",
    "policies.policy": "campaign",
    "projects.project": "division",
    "actions.event": "division, or campaign when it has none",
    "reporting.assignment": "campaign",
    "dashboards.lightrule": "campaign",
    "bulletins.sentencetemplate": "reference data",
    "cases.calendarday": "reference data",
    "cases.calendaryear": "reference data",
    "cases.casetype": "reference data",
    "cases.window": "division",
    "reporting.period": "reference data (opened by top-level editors, never changed)",
    "core.auditevent": "superuser only",
    "auth.user": "superuser only",
    "auth.group": "superuser only",
    "axes.accessattempt": "superuser only",
    "axes.accessfailurelog": "superuser only",
    "axes.accesslog": "superuser only",
}
# Pages outside the admin, and who may open them.
PAGES = {
    "login": "anyone",
    "healthz": "anyone; the process answers (for the load balancer)",
    "readyz": "anyone; the database answers and has every migration (for monitoring)",
    "logout": "anyone (POST)",
    "set_language": "anyone (POST)",
    "dashboards:status": "logged in; figures scoped to the user's divisions",
    "dashboards:board_home": "logged in; redirects to the user's own division",
    "dashboards:board": "logged in; 404 outside the user's subtree",
    "dashboards:board_data": "logged in; 404 outside the user's subtree",
    "dashboards:map": "logged in; 404 outside the user's subtree or without a map file",
    "reporting:list": "logged in; the reports of the user's subtree",
    "bulletins:list": "logged in; the bulletins of the user's subtree",
    "actions:digest": "logged in; the items of the divisions the user acts for",
    "cases:list": "logged in; the cases of the windows in the user's subtree",
    "cases:case": "logged in; 404 outside the user's subtree",
    "cases:letter": "logged in; 404 outside the user's subtree or before the decision",
    "actions:items": "logged in; the items of the user's subtree",
    "actions:new": "logged in; assigns only to divisions the user supervises",
    "actions:item": "logged in; 404 outside the user's subtree",
    "actions:notice": "logged in; 404 outside the user's subtree or unless the item is red",
    "bulletins:preview": "logged in; 404 for a division outside the user's subtree",
    "bulletins:trace": "logged in; 404 for a division outside the user's subtree",
    "bulletins:save": "logged in (POST); the division's editors",
    "bulletins:download": "logged in; 404 outside the user's subtree",
    "bulletins:publish": "logged in (POST); task-force administrators at or above",
    "public:list": "anyone; published bulletins only",
    "public:detail": "anyone; 404 unless published",
    "public:download": "anyone; 404 unless published",
    "public_cases:new": "anyone; rate-limited, honeypot",
    "public_cases:status": "anyone with the tracking number and secret; rate-limited",
    "reporting:report": "logged in; 404 outside the user's subtree",
    "reporting:template": "logged in; 404 outside the user's subtree",
    "tokens:list": "logged in; the user's own tokens only",
    "extraction:list": "logged in; the readings of the user's subtree; reads for divisions "
    "the user reports for",
    "extraction:reading": "logged in; 404 outside the user's subtree",
    "extraction:accept": "logged in (POST); 404 outside the user's subtree; reporters of the "
    "reading's division, the user's campaigns' indicators, then the figure's or the target's "
    "own rule (value_save, can_set_target)",
    "extraction:reject": "logged in (POST); 404 outside the user's subtree; reporters of the "
    "reading's division",
    "tokens:revoke": "logged in (POST); 404 for another user's token",
    # The API: a token or the pages' log-in (401 without); lists hold the user's
    # subtree, a record outside it is 404 (test_the_api_reaches_only_the_users_subtree).
    "api:api-root": "nothing there (404); the API's paths are below it",
    "api:openapi-json": "anyone; the API's description",
    "api:openapi-view": "anyone; the interactive documentation",
    "api:me": "token or log-in; the user's own memberships",
    "api:divisions": "token or log-in; the user's subtree",
    "api:division": "token or log-in; 404 outside the user's subtree",
    "api:programmes": "token or log-in; the campaigns at, above or below the user's divisions",
    "api:programme": "token or log-in; 404 outside those campaigns",
    "api:indicators": "token or log-in; those campaigns' indicators",
    "api:indicator": "token or log-in; 404 outside those campaigns",
    "api:targets": "token or log-in; the targets of the user's subtree",
    "api:values": "token or log-in; the figures of the user's subtree",
    "api:value": "token or log-in; 404 outside the user's subtree",
    "api:value_put": "token or log-in; value_save's rule (reporters and task force)",
    "api:policies": "token or log-in; those campaigns' policies",
    "api:projects": "token or log-in; projects in the user's subtree",
    "api:events": "token or log-in; the subtree's events and its campaigns' general ones",
    "api:action_items": "token or log-in; items led within the user's subtree",
    "api:cases": "token or log-in; cases of windows in the user's subtree",
    "api:bulletins": "token or log-in; bulletins of the user's subtree",
    "api:data_value_sets": "token or log-in; the figures of the user's subtree",
    "api:data_value_sets_csv": "token or log-in; the figures of the user's subtree",
    "api:data_value_sets_import": "token or log-in; values_import's rules",
    "api:data_value_sets_import_csv": "token or log-in; values_import's rules",
    "api:projects_oc4ids": "token or log-in; projects in the user's subtree",
}
# Arguments for pages whose address names a record.
PAGE_ARGS = {
    "cases:case": [1],
    "cases:letter": [1],
    "actions:item": [1],
    "actions:notice": [1],
    "bulletins:download": [1],
    "bulletins:publish": [1],
    "public:detail": [1],
    "public:download": [1],
    "dashboards:board": ["152222"],
    "dashboards:board_data": ["152222"],
    "dashboards:map": ["152200"],
    "reporting:report": ["152222", "2024-01"],
    "reporting:template": ["152222", "2024-01"],
    "tokens:revoke": [1],
    "extraction:reading": [1],
    "extraction:accept": [1],
    "extraction:reject": [1],
    "api:division": ["152222"],
    "api:programme": ["im-p"],
    "api:indicator": ["sand"],
    "api:value": ["sand", "152222", "2024-01"],
    "api:value_put": ["sand", "152222", "2024-01"],
}

# The divisions a record may lie in, named by their relation to league 152200.
RELATIONS = {
    "own": "152200",
    "child": "152222",
    "sibling": "150105",
    "parent": "150000",
    "unrelated": "110101",
}
USERS = {
    "region": ("150000", Role.TASK_FORCE),
    "league": ("152200", Role.TASK_FORCE),
    "league viewer": ("152200", Role.VIEWER),
    "county": ("152222", Role.TASK_FORCE),
}


def within(code: str, root: str) -> bool:
    if root.endswith("0000"):
        return code[:2] == root[:2]
    if root.endswith("00"):
        return code[:4] == root[:4]
    return code == root


def parent_code(code: str) -> str | None:
    if code.endswith("0000"):
        return None
    if code.endswith("00") or not Division.objects.filter(code=code[:4] + "00").exists():
        return code[:2] + "0000"
    return code[:4] + "00"


@pytest.fixture
def world(db):
    for province in ["150000", "110000"]:
        divisions_load(province_code=province)
    region = Division.objects.get(code="150000")
    campaign, _ = campaign_save(
        code="im", name="内蒙古专项", division=region, year=2024, acting_user=None
    )
    programme, _ = programme_save(code="im-p", campaign=campaign, name="工程", acting_user=None)
    beijing, _ = campaign_save(
        code="bj",
        name="北京专项",
        division=Division.objects.get(code="110000"),
        year=2024,
        acting_user=None,
    )
    programme_save(code="bj-p", campaign=beijing, name="北京工程", acting_user=None)
    for relation, code in RELATIONS.items():
        project_save(
            code=f"p-{relation}",
            name=f"项目 {relation}",
            programme=programme,
            divisions=[Division.objects.get(code=code)],
            total_investment=None,
            listed_on=date(2024, 1, 31),
            acting_user=None,
        )
    return programme


def log_in(client, name: str):
    code, role = USERS[name]
    user = get_user_model().objects.create_user(name.replace(" ", "-"), password="x", is_staff=True)
    user.groups.add(task_force_group_ensure())
    membership_grant(
        user=user, division=Division.objects.get(code=code), role=role, acting_user=None
    )
    client.force_login(user)
    return code, role


def expected(route: str, *, visible: bool, editable: bool) -> int:
    if not visible:
        return 404
    if route == "delete":
        return 200 if editable else 403
    return 200


@pytest.mark.parametrize("user", list(USERS))
def test_records_in_divisions_are_reached_only_within_the_users_subtree(client, world, user):
    root, role = log_in(client, user)
    may_edit = role != Role.VIEWER
    found, wanted = {}, {}
    for relation, code in RELATIONS.items():
        project = Project.objects.get(code=f"p-{relation}")
        division = Division.objects.get(code=code)
        parent = parent_code(code)
        cases = {
            "project": (
                project.pk,
                "projects_project",
                within(code, root),
                may_edit and within(code, root),
            ),
            "division": (
                division.pk,
                "divisions_division",
                within(code, root),
                may_edit and parent is not None and within(parent, root),
            ),
        }
        for model, (pk, name, visible, editable) in cases.items():
            for route in ["change", "history", "delete"]:
                url = reverse(f"admin:{name}_{route}", args=[pk])
                found[(model, relation, route)] = client.get(url).status_code
                wanted[(model, relation, route)] = expected(
                    route, visible=visible, editable=editable
                )

    assert found == wanted


@pytest.mark.parametrize("user", list(USERS))
def test_reports_are_reached_only_within_the_users_subtree(client, world, user):
    office = get_user_model().objects.create_superuser("root", password="x")
    january = period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 1))
    for code in RELATIONS.values():
        report_open(division=Division.objects.get(code=code), period=january, acting_user=office)
    root, _role = log_in(client, user)

    found = {
        (relation, route): client.get(
            reverse(f"reporting:{route}", args=[code, "2024-01"])
        ).status_code
        for relation, code in RELATIONS.items()
        for route in ["report", "template"]
    }
    listed = {r.division.code for r in client.get(reverse("reporting:list")).context["reports"]}

    assert found == {
        (relation, route): 200 if within(code, root) else 404
        for relation, code in RELATIONS.items()
        for route in ["report", "template"]
    }
    assert listed == {code for code in RELATIONS.values() if within(code, root)}


@pytest.mark.parametrize("user", list(USERS))
def test_dashboards_are_reached_only_within_the_users_subtree(client, world, user):
    root, _role = log_in(client, user)

    found = {
        (relation, route): client.get(reverse(f"dashboards:{route}", args=[code])).status_code
        for relation, code in RELATIONS.items()
        for route in ["board", "board_data", "map"]
    }

    # Boundary files exist for provinces and prefectures only.
    has_map = {"own": True, "parent": True, "sibling": False, "child": False, "unrelated": False}
    assert found == {
        (relation, route): 200
        if within(code, root) and (route != "map" or has_map[relation])
        else 404
        for relation, code in RELATIONS.items()
        for route in ["board", "board_data", "map"]
    }


@pytest.mark.parametrize("user", list(USERS))
def test_bulletins_are_reached_only_within_the_users_subtree(client, world, user):
    office = get_user_model().objects.create_superuser("root", password="x")
    kept = {
        relation: bulletin_generate(
            division=Division.objects.get(code=code),
            as_of=date(2024, 3, 18),
            language="zh",
            file_format="txt",
            acting_user=office,
        )
        for relation, code in RELATIONS.items()
    }
    root, _role = log_in(client, user)

    found = {
        relation: (
            client.get(reverse("bulletins:download", args=[bulletin.pk])).status_code,
            client.get(
                reverse("bulletins:preview"),
                {"division": RELATIONS[relation], "as_of": "2024-03-18", "language": "zh"},
            ).status_code,
            client.get(reverse("public:detail", args=[bulletin.pk])).status_code,
        )
        for relation, bulletin in kept.items()
    }
    listed = {b.division.code for b in client.get(reverse("bulletins:list")).context["bulletins"]}

    assert found == {
        relation: (200, 200, 404) if within(code, root) else (404, 404, 404)
        for relation, code in RELATIONS.items()
    }
    assert listed == {code for code in RELATIONS.values() if within(code, root)}


@pytest.mark.parametrize("user", list(USERS))
def test_a_campaigns_plan_is_reached_only_by_its_own_divisions(client, world, user):
    root, role = log_in(client, user)
    own = Programme.objects.get(code="im-p")
    other = Programme.objects.get(code="bj-p")

    found = {
        (programme.code, route): client.get(
            reverse(f"admin:plan_programme_{route}", args=[programme.pk])
        ).status_code
        for programme in [own, other]
        for route in ["change", "history", "delete"]
    }

    may_edit_own = role != Role.VIEWER and root == "150000"
    assert found == {
        ("im-p", "change"): 200,
        ("im-p", "history"): 200,
        ("im-p", "delete"): 200 if may_edit_own else 403,
        ("bj-p", "change"): 404,
        ("bj-p", "history"): 404,
        ("bj-p", "delete"): 404,
    }


@pytest.mark.parametrize("user", list(USERS))
def test_the_api_reaches_only_the_users_subtree(client, world, user):
    root, _role = log_in(client, user)

    found = {
        relation: client.get(f"/api/v1/divisions/{code}").status_code
        for relation, code in RELATIONS.items()
    }
    listed = client.get("/api/v1/projects", {"as_of": "2024-03-18"}).json()["items"]
    packaged = client.get("/api/v1/projects.oc4ids", {"as_of": "2024-03-18"}).json()

    assert found == {
        relation: 200 if within(code, root) else 404 for relation, code in RELATIONS.items()
    }
    in_scope = {code for code in RELATIONS.values() if within(code, root)}
    assert {p["divisions"][0] for p in listed} == in_scope
    assert {p["locations"][0]["id"] for p in packaged["projects"]} == in_scope


def test_a_reporter_without_staff_rights_never_enters_the_admin(client, world):
    reporter = get_user_model().objects.create_user("reporter", password="x")
    membership_grant(
        user=reporter,
        division=Division.objects.get(code="152200"),
        role=Role.REPORTER,
        acting_user=None,
    )
    client.force_login(reporter)
    project = Project.objects.get(code="p-child")

    response = client.get(reverse("admin:projects_project_change", args=[project.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _named_patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_route_has_a_place_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    pages = {
        name
        for name in _named_patterns(get_resolver().url_patterns)
        if not name.startswith("admin:")
    }

    assert registered == set(SCOPE_OF_MODEL)
    assert pages == set(PAGES)


def test_every_page_but_log_in_and_the_public_ones_needs_a_user(client, db):
    answers = {
        name: client.get(reverse(name, args=PAGE_ARGS.get(name, [])))
        for name in PAGES
        if ":" in name and not name.startswith(("public:", "public_cases:", "api:"))
    }
    api = {
        name: client.get(reverse(name, args=PAGE_ARGS.get(name, []))).status_code
        for name in PAGES
        if name.startswith("api:")
    }
    public = {
        name: client.get(reverse(name, args=PAGE_ARGS.get(name, []))).status_code
        for name in PAGES
        if name.startswith(("public:", "public_cases:")) or name in {"healthz", "readyz"}
    }

    assert {name: r.status_code for name, r in answers.items()} == {name: 302 for name in answers}
    assert all(r["Location"].startswith(reverse("login")) for r in answers.values())
    assert len(answers) == 28
    # The API answers 401 rather than redirecting; its description is public.
    assert api == {
        name: 200 if name.startswith("api:openapi") else 404 if name == "api:api-root" else 401
        for name in api
    }
    # Without a published bulletin the public list is empty and the rest is not found.
    assert public == {
        "public:list": 200,
        "public:detail": 404,
        "public:download": 404,
        "public_cases:new": 200,
        "public_cases:status": 200,
        "healthz": 200,
        "readyz": 200,
    }


def test_a_malformed_record_key_is_simply_not_found(client, world):
    log_in(client, "region")

    response = client.get("/admin/projects/project/not-a-number/change/")

    assert response.status_code == 404
