import copy
import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from luodi.bundles import services
from luodi.bundles.services import BundleError, bundle_import, bundle_read
from luodi.core.models import AuditEvent
from luodi.divisions.models import Department, Division
from luodi.plan.models import Programme
from luodi.policies.models import Policy
from luodi.projects.models import Project


@pytest.fixture
def bundle():
    return {
        "format": "luodi-bundle/1",
        "division_provinces": ["150000"],
        "departments": [{"name": "国家能源局", "kind": "national_ministry"}],
        "campaigns": [{"code": "c", "name": "专项", "division": "150000", "year": 2024}],
        "programmes": [{"code": "p", "campaign": "c", "name": "工程"}],
        "policies": [
            {
                "code": "p-1",
                "title": "政策一",
                "programme": "p",
                "issuing_departments": ["国家能源局"],
                "planned_on": "2024-01-01",
            }
        ],
        "projects": [
            {
                "code": "x-1",
                "name": "项目一",
                "programme": "p",
                "divisions": ["150123"],
                "total_investment": {"value": "100", "unit": "亿元"},
                "listed_on": "2024-01-31",
                "phase": "pre_construction",
                "expected_start_year": 2024,
                "approvals": [{"kind": "land"}, {"kind": "environment"}],
            }
        ],
    }


def refused(bundle) -> list[str]:
    with pytest.raises(BundleError) as error:
        bundle_import(data=bundle, acting_user=None)
    return error.value.errors


def assert_nothing_saved():
    assert Division.objects.count() == 0
    assert Department.objects.count() == 0
    assert Programme.objects.count() == 0
    assert Project.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_bundle_imports_every_section(db, bundle):
    report = bundle_import(data=bundle, acting_user=None)

    assert report.sections["divisions"].created == 116
    assert report.sections["projects"].created == 1
    project = Project.objects.get(code="x-1")
    assert project.total_investment == 10_000_000_000
    assert sorted(project.approvals.values_list("kind", flat=True)) == ["environment", "land"]


def test_one_bad_record_refuses_the_whole_bundle(db, bundle):
    bundle["projects"][0]["divisions"] = ["159999"]

    assert refused(bundle) == ["projects[0].divisions: Nothing is known by “159999”."]
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda b: b["projects"][0].update(total_investment={"value": "-5", "unit": "亿元"}),
            "projects[0].total_investment: Ensure this value is greater than or equal to 0.",
        ),
        (
            lambda b: b["projects"][0].update(total_investment={"value": "5", "unit": "斤"}),
            "projects[0].total_investment: Unknown unit “斤”.",
        ),
        (
            lambda b: b["policies"][0].update(status="issued", issued_on="2023-12-31"),
            "policies[0].issued_on: Issued on 2023-12-31, before it was planned on 2024-01-01.",
        ),
        (
            lambda b: b["policies"][0].update(planned_on="2024-02-30"),
            "policies[0].planned_on: “2024-02-30” is not a date; write YYYY-MM-DD.",
        ),
        (
            lambda b: b["policies"][0].update(plannedon="2024-01-01"),
            "policies[0].plannedon: Unknown field.",
        ),
        (
            lambda b: b["projects"][0].update(phase="begun"),
            "projects[0].phase: “begun” is not one of: pre_construction, started, completed, "
            "cancelled.",
        ),
        (
            lambda b: b["projects"][0]["approvals"].append({"kind": "luck"}),
            "projects[0].approvals[2].kind: “luck” is not one of: project_approval, land, "
            "planning, environment, energy, water, forest_grassland, construction_permit, other.",
        ),
        (
            lambda b: b.update(division_provinces=["990000"]),
            "division_provinces[0]: No province has the code “990000”.",
        ),
    ],
)
def test_bad_input_names_the_record_and_field_and_saves_nothing(db, bundle, change, error):
    change(bundle)

    assert refused(bundle) == [error]
    assert Project.objects.count() == 0
    assert Policy.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_bundle_of_another_format_is_refused(db, bundle):
    bundle["format"] = "something-else"

    assert refused(bundle) == ["format: expected “luodi-bundle/1”, found “something-else”."]
    assert_nothing_saved()


def test_importing_the_same_bundle_twice_changes_nothing(db, bundle):
    bundle_import(data=bundle, acting_user=None)
    audits = AuditEvent.objects.count()

    report = bundle_import(data=copy.deepcopy(bundle), acting_user=None)

    assert all(c.created == 0 and c.updated == 0 for c in report.sections.values())
    assert AuditEvent.objects.count() == audits


def test_a_changed_record_is_updated_in_place_and_audited(db, bundle):
    bundle_import(data=bundle, acting_user=None)
    bundle["policies"][0]["title"] = "政策一（修订）"
    bundle["projects"][0]["approvals"] = [{"kind": "land", "granted_on": "2024-03-01"}]

    report = bundle_import(data=bundle, acting_user=None)

    assert report.sections["policies"].updated == 1
    assert report.sections["projects"].updated == 1
    event = AuditEvent.objects.get(action="policies.policy.updated")
    assert event.changes == {"title": ["政策一", "政策一（修订）"]}
    project = Project.objects.get(code="x-1")
    assert list(project.approvals.values_list("kind", "granted_on")) == [("land", date(2024, 3, 1))]
    assert AuditEvent.objects.filter(action="projects.approval.deleted").count() == 1


def test_a_dry_run_reports_but_saves_nothing(db, bundle):
    report = bundle_import(data=bundle, acting_user=None, dry_run=True)

    assert report.sections["policies"].created == 1
    assert_nothing_saved()


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"format": "luodi-bundle/1",\n "policies": [}', encoding="utf-8")

    with pytest.raises(BundleError) as error:
        bundle_read(path)

    assert error.value.errors == [f"{path}, line 2, column 15: not valid JSON (Expecting value)."]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "MAX_BUNDLE_BYTES", 100)
    path = tmp_path / "big.json"
    content = json.dumps({"format": "luodi-bundle/1", "title": "x" * 200})
    path.write_text(content)

    with pytest.raises(BundleError) as error:
        bundle_read(path)

    assert error.value.errors == [
        f"{path}: {len(content)} bytes is larger than the 100-byte limit."
    ]


def test_the_same_record_twice_in_a_section_is_refused(db, bundle):
    bundle["policies"].append(dict(bundle["policies"][0], title="重复"))

    assert refused(bundle) == ["policies[1]: the same record as policies[0]."]
    assert_nothing_saved()


def test_an_approval_listed_twice_is_refused_where_it_stands(db, bundle):
    bundle["projects"][0]["approvals"].append({"kind": "land"})

    assert refused(bundle) == ["projects[0].approvals[2].kind: This approval is listed twice."]
    assert_nothing_saved()


def test_an_approval_error_names_the_approval(db, bundle):
    bundle["projects"][0]["approvals"][0]["note"] = "长" * 301

    assert refused(bundle) == [
        "projects[0].approvals[0].note: Ensure this value has at most 300 characters (it has 301)."
    ]


def test_a_project_without_an_approvals_key_keeps_its_checklist(db, bundle):
    bundle_import(data=bundle, acting_user=None)
    del bundle["projects"][0]["approvals"]

    report = bundle_import(data=bundle, acting_user=None)

    assert report.sections["projects"].unchanged == 1
    assert Project.objects.get(code="x-1").approvals.count() == 2


def test_provinces_must_be_a_list(db, bundle):
    bundle["division_provinces"] = "150000"

    assert refused(bundle) == ["division_provinces: expected a list of province codes."]
    assert_nothing_saved()


def test_the_import_command_records_who_imported(db, bundle, tmp_path):
    clerk = get_user_model().objects.create_user("clerk", password="x")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_bundle", str(path), "--user", "nobody", stdout=StringIO())
    assert Project.objects.count() == 0
    call_command("import_bundle", str(path), "--user", "clerk", stdout=StringIO())

    event = AuditEvent.objects.get(action="projects.project.created")
    assert event.actor == clerk
