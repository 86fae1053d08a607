import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from jsonschema import Draft4Validator
from libcoveoc4ids.additional_checks import ADDITIONAL_CHECKS, CONFORMANCE_CHECKS
from libcoveocds.lib.additional_checks import flatten_dict

from conftest import AS_OF
from luodi.divisions.models import Department, Division
from luodi.projects.choices import ApprovalKind, Phase
from luodi.projects.models import Project
from luodi.projects.oc4ids import project_package
from luodi.projects.services import project_approval_save, project_save, project_start

# Of the form of a registered prefix ("oc4ids-" and six characters); the real one
# is assigned to the office by the OC4IDS Helpdesk.
WELL_FORMED_PREFIX = "oc4ids-test01-"
PUBLISHED_AT = datetime(2024, 3, 18, 9, 30, tzinfo=UTC)


def package_of(projects, *, as_of=AS_OF, prefix=WELL_FORMED_PREFIX) -> dict:
    return project_package(
        projects=projects,
        as_of=as_of,
        uri="https://luodi.example.org/api/v1/oc4ids.json",
        publisher_name="内蒙古自治区“六个工程”专项组办公室",
        prefix=prefix,
        published_at=PUBLISHED_AT,
    )


def libcove_checks(package: dict) -> list:
    """libcoveoc4ids' own additional and conformance checks: they need no schema."""
    flat = dict(flatten_dict(package))
    return [
        result
        for check in ADDITIONAL_CHECKS + CONFORMANCE_CHECKS
        for result in check(package, flat)
    ]


@pytest.fixture
def make_project(programme, division):
    def make(code: str, **fields) -> Project:
        fields.setdefault("name", f"项目{code}")
        fields.setdefault("divisions", [division("150123")])
        fields.setdefault("total_investment", Decimal("100000000"))
        fields.setdefault("listed_on", date(2024, 1, 31))
        project, _ = project_save(code=code, programme=programme, acting_user=None, **fields)
        return project

    return make


def one_project(package: dict) -> dict:
    (project,) = package["projects"]
    return project


# The demo: the published schema, and a league's package with one project's exact values.


# The published OC4IDS project schema that a package registry carries: the
# 0.9.0-beta file in ocdskit's source package (PyPI). `make test` fetches it.
PUBLISHED_SCHEMA = Path(settings.BASE_DIR) / "var" / "oc4ids" / "project-schema.json"


def test_every_demo_project_is_valid_against_the_published_oc4ids_project_schema(demo):
    assert PUBLISHED_SCHEMA.is_file(), f"{PUBLISHED_SCHEMA} is missing: run `make oc4ids-schema`."
    validator = Draft4Validator(json.loads(PUBLISHED_SCHEMA.read_text(encoding="utf-8")))
    package = package_of(Project.objects.all())

    errors = [
        f"{project['id']} {list(error.absolute_path)}: {error.message}"
        for project in package["projects"]
        for error in validator.iter_errors(project)
    ]
    wrong_status = dict(package["projects"][0], status="started")

    assert len(package["projects"]) == 86
    assert errors == []
    # The check has teeth: a status outside the projectStatus codelist is refused.
    assert [list(error.absolute_path) for error in validator.iter_errors(wrong_status)] == [
        ["status"]
    ]


def test_a_league_package_holds_exactly_its_projects_as_oc4ids(demo, demo_bundle):
    tongliao = Division.objects.get(code="150500", is_active=True)
    expected_codes = sorted(
        record["code"]
        for record in demo_bundle["projects"]
        if any(code.startswith("1505") for code in record["divisions"])
    )
    projects = Project.objects.filter(divisions__in=Division.objects.subtree_of([tongliao]))

    package = package_of(projects)

    ids = [project["id"] for project in package["projects"]]
    assert ids == [f"oc4ids-test01-{code}" for code in expected_codes]
    assert ids == [
        "oc4ids-test01-pl-project-20",
        "oc4ids-test01-pl-project-35",
        "oc4ids-test01-pl-project-55",
        "oc4ids-test01-pl-project-65",
        "oc4ids-test01-pl-project-70",
    ]
    ndrc = Department.objects.get(name="自治区发展改革委")
    stored = Project.objects.get(code="pl-project-55")
    assert package["projects"][2] == {
        "id": "oc4ids-test01-pl-project-55",
        "updated": timezone.localtime(stored.updated_at).isoformat(timespec="seconds"),
        "title": "（示例）通辽市扎鲁特旗交通重大项目55",
        "status": "preparation",
        "budget": {"amount": {"amount": 6800000000, "currency": "CNY"}},
        "locations": [
            {
                "id": "150526",
                "description": "扎鲁特旗",
                "gazetteer": {"scheme": "GBT2260", "identifiers": ["150526"]},
                "address": {
                    "region": "内蒙古自治区",
                    "locality": "通辽市扎鲁特旗",
                    "countryName": "China",
                },
            }
        ],
        "parties": [
            {
                "id": f"department-{ndrc.pk}",
                "name": "自治区发展改革委",
                "roles": ["publicAuthority"],
            }
        ],
        "publicAuthority": {"id": f"department-{ndrc.pk}", "name": "自治区发展改革委"},
        "milestones": [
            {
                "id": "approval-water",
                "title": "Water and soil conservation",
                "type": "approval",
                "status": "notMet",
                "dateModified": "2024-03-18T00:00:00+08:00",
            },
            {
                "id": "construction-start",
                "title": "Construction start",
                "description": "Expected to start in 2024.",
                "status": "notMet",
                "dateModified": "2024-03-18T00:00:00+08:00",
            },
        ],
    }
    # With a registered-looking prefix, libcoveoc4ids' checks find nothing; with
    # the default one, each project's id is flagged until a prefix is registered.
    assert libcove_checks(package) == []
    unregistered = package_of(projects, prefix="oc4ids-luodi-")
    assert libcove_checks(unregistered) == [
        {
            "check_id": "invalid-project-ids",
            "message": "5 of your project id fields has a problem: "
            "There is no prefix or the prefix format is not recognised.",
            "path_values": [
                {"path": f"/projects/{index}/id", "value": f"oc4ids-luodi-{code}"}
                for index, code in enumerate(expected_codes)
            ],
        }
    ]


# Small data: each rule on its own.


def test_each_phase_has_its_oc4ids_status(make_project):
    make_project("waiting")
    make_project("building", phase=Phase.STARTED, started_on=date(2024, 2, 1))
    make_project(
        "done", phase=Phase.COMPLETED, started_on=date(2023, 1, 5), completed_on=date(2024, 3, 1)
    )
    make_project("dropped", phase=Phase.CANCELLED, cancelled_on=date(2024, 3, 10))

    package = package_of(Project.objects.all())

    assert {p["id"]: p["status"] for p in package["projects"]} == {
        "oc4ids-test01-building": "implementation",
        "oc4ids-test01-done": "completion",
        "oc4ids-test01-dropped": "cancelled",
        "oc4ids-test01-waiting": "preparation",
    }
    done = next(p for p in package["projects"] if p["id"] == "oc4ids-test01-done")
    assert done["completion"] == {"endDate": "2024-03-01T00:00:00+08:00"}


def test_the_status_is_the_phase_on_the_day_asked(make_project):
    make_project("building", phase=Phase.STARTED, started_on=date(2024, 3, 1))

    before = one_project(package_of(Project.objects.all(), as_of=date(2024, 2, 29)))
    after = one_project(package_of(Project.objects.all(), as_of=date(2024, 3, 1)))

    assert before["status"] == "preparation"
    assert after["status"] == "implementation"


def test_projects_listed_after_the_day_are_left_out(make_project):
    make_project("early", listed_on=date(2024, 1, 31))
    make_project("late", listed_on=date(2024, 6, 30))

    package = package_of(Project.objects.all(), as_of=date(2024, 3, 18))

    assert [p["id"] for p in package["projects"]] == ["oc4ids-test01-early"]


def test_an_approval_is_met_from_the_day_it_is_granted(make_project):
    project = make_project("dc")
    project_approval_save(
        project=project, kind=ApprovalKind.LAND, granted_on=date(2024, 3, 1), acting_user=None
    )
    project_approval_save(
        project=project, kind=ApprovalKind.ENVIRONMENT, note="待批复", acting_user=None
    )

    before = one_project(package_of(Project.objects.all(), as_of=date(2024, 2, 29)))
    on_the_day = one_project(package_of(Project.objects.all(), as_of=date(2024, 3, 1)))

    assert before["milestones"][:2] == [
        {
            "id": "approval-environment",
            "title": "Environmental impact assessment",
            "type": "approval",
            "description": "待批复",
            "status": "notMet",
            "dateModified": "2024-02-29T00:00:00+08:00",
        },
        {
            "id": "approval-land",
            "title": "Land use",
            "type": "approval",
            "status": "notMet",
            "dateModified": "2024-02-29T00:00:00+08:00",
        },
    ]
    assert on_the_day["milestones"][1] == {
        "id": "approval-land",
        "title": "Land use",
        "type": "approval",
        "status": "met",
        "dateMet": "2024-03-01T00:00:00+08:00",
        "dateModified": "2024-03-01T00:00:00+08:00",
    }


def test_the_start_is_scheduled_for_the_planned_month_then_met(make_project):
    project = make_project("dc", expected_start_year=2024, planned_start_on=date(2024, 5, 20))

    planned = one_project(package_of(Project.objects.all(), as_of=date(2024, 3, 18)))
    project_start(project=project, started_on=date(2024, 5, 28), acting_user=None)
    started = one_project(package_of(Project.objects.all(), as_of=date(2024, 6, 1)))

    assert planned["period"] == {"startDate": "2024-05-01T00:00:00+08:00"}
    assert planned["milestones"] == [
        {
            "id": "construction-start",
            "title": "Construction start",
            "description": "Expected to start in 2024.",
            "dueDate": "2024-05-01T00:00:00+08:00",
            "status": "scheduled",
            "dateModified": "2024-03-18T00:00:00+08:00",
        }
    ]
    assert started["milestones"] == [
        {
            "id": "construction-start",
            "title": "Construction start",
            "description": "Expected to start in 2024.",
            "dueDate": "2024-05-01T00:00:00+08:00",
            "status": "met",
            "dateMet": "2024-05-28T00:00:00+08:00",
            "dateModified": "2024-06-01T00:00:00+08:00",
        }
    ]


def test_a_project_listed_as_started_without_a_date_has_met_its_start(make_project):
    make_project("rail", phase=Phase.STARTED, total_investment=None)

    project = one_project(package_of(Project.objects.all()))

    assert "budget" not in project
    assert project["milestones"] == [
        {
            "id": "construction-start",
            "title": "Construction start",
            "status": "met",
            "dateModified": "2024-03-18T00:00:00+08:00",
        }
    ]


def test_investment_is_in_yuan(make_project):
    make_project("whole", total_investment=Decimal("10000000000.00"))
    make_project("fen", total_investment=Decimal("1234567.89"))

    package = package_of(Project.objects.all())

    assert [p["budget"] for p in package["projects"]] == [
        {"amount": {"amount": 1234567.89, "currency": "CNY"}},
        {"amount": {"amount": 10000000000, "currency": "CNY"}},
    ]


def test_the_lead_department_is_the_public_authority_and_the_owner_a_party(
    make_project, ministry, division
):
    make_project(
        "dc",
        owner="中国建设银行",
        lead_department=ministry,
        note="“东数西算”重点建设工程。",
        divisions=[division("150123"), division("150100")],
    )

    project = one_project(package_of(Project.objects.all()))

    assert project["description"] == "“东数西算”重点建设工程。"
    assert project["publicAuthority"] == {
        "id": f"department-{ministry.pk}",
        "name": "国家发展改革委",
    }
    assert project["parties"] == [
        {"id": f"department-{ministry.pk}", "name": "国家发展改革委", "roles": ["publicAuthority"]},
        {"id": "owner", "name": "中国建设银行", "roles": ["buyer"]},
    ]
    assert project["locations"] == [
        {
            "id": "150100",
            "description": "呼和浩特市",
            "gazetteer": {"scheme": "GBT2260", "identifiers": ["150100"]},
            "address": {"region": "内蒙古自治区", "locality": "呼和浩特市", "countryName": "China"},
        },
        {
            "id": "150123",
            "description": "和林格尔县",
            "gazetteer": {"scheme": "GBT2260", "identifiers": ["150123"]},
            "address": {
                "region": "内蒙古自治区",
                "locality": "呼和浩特市和林格尔县",
                "countryName": "China",
            },
        },
    ]


def test_a_project_without_department_or_owner_has_no_parties(make_project):
    make_project("plain")

    project = one_project(package_of(Project.objects.all()))

    assert "parties" not in project
    assert "publicAuthority" not in project
    assert "description" not in project


def test_the_package_metadata(make_project):
    make_project("dc")

    package = package_of(Project.objects.all())

    assert {key: value for key, value in package.items() if key != "projects"} == {
        "uri": "https://luodi.example.org/api/v1/oc4ids.json",
        "publishedDate": "2024-03-18T17:30:00+08:00",
        "publisher": {"name": "内蒙古自治区“六个工程”专项组办公室"},
        "version": "0.9",
    }


def test_the_package_reads_in_four_queries_whatever_the_number_of_projects(
    make_project, division, django_assert_num_queries
):
    for number in range(5):
        project = make_project(f"p{number}", divisions=[division("150123"), division("150102")])
        project_approval_save(project=project, kind=ApprovalKind.LAND, acting_user=None)

    with django_assert_num_queries(4):
        package = package_of(Project.objects.all())

    assert len(package["projects"]) == 5


# The command.


def test_the_command_writes_a_division_package_to_a_file(make_project, division, tmp_path):
    make_project("hohhot", divisions=[division("150123")])
    make_project("baotou", divisions=[division("150202")])
    output = tmp_path / "package.json"

    call_command(
        "export_oc4ids",
        "--division=150100",
        "--as-of=2024-03-18",
        f"--output={output}",
        "--publisher=专项组办公室",
        f"--prefix={WELL_FORMED_PREFIX}",
        "--uri=https://luodi.example.org/oc4ids/150100.json",
    )

    package = json.loads(output.read_text(encoding="utf-8"))
    assert package["uri"] == "https://luodi.example.org/oc4ids/150100.json"
    assert package["publisher"] == {"name": "专项组办公室"}
    assert [p["id"] for p in package["projects"]] == ["oc4ids-test01-hohhot"]


def test_the_command_writes_to_stdout_by_default_with_the_default_prefix(make_project, capsys):
    make_project("dc")

    call_command("export_oc4ids", "--publisher=专项组办公室", "--as-of=2024-03-18")

    package = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in package["projects"]] == ["oc4ids-luodi-dc"]
    assert package["uri"].startswith("urn:uuid:")


def test_the_command_refuses_an_unknown_division(inner_mongolia):
    with pytest.raises(CommandError, match="No division has the code “159999”"):
        call_command("export_oc4ids", "--division=159999", "--publisher=专项组办公室")


def test_the_command_needs_a_publisher(inner_mongolia, settings):
    settings.LUODI_OC4IDS_PUBLISHER = ""

    with pytest.raises(CommandError, match="Name the publisher"):
        call_command("export_oc4ids")
