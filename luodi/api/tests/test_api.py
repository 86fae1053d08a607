"""The API: who may ask, what they see, and figures written through the
same service as the form, with the version check as ETag / If-Match."""

import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from luodi.api.endpoints import api
from luodi.api.models import AccessToken
from luodi.api.services import access_token_create, access_token_revoke
from luodi.core.models import AuditEvent
from luodi.reporting.models import DataValue, Report
from luodi.reporting.tests.support import IN_TIME, enter

OPENAPI_FILE = Path(__file__).resolve().parents[3] / "openapi.json"
VALUE_URL = "/api/v1/values/sand/152222/2024-01"


@pytest.fixture
def in_time(monkeypatch):
    """Today is 5 February 2024: January's figures may still be entered."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: IN_TIME)


@pytest.fixture
def bearer(people):
    """A client that sends a person's personal access token."""

    def client_for(who: str) -> Client:
        _token, secret = access_token_create(user=people[who], name="test", acting_user=people[who])
        # Answers in English, the source language, unless a test asks otherwise.
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")

    return client_for


def test_a_token_is_kept_only_as_its_hash_and_acts_as_its_owner(people):
    token, secret = access_token_create(
        user=people["county"], name="统计系统", acting_user=people["county"]
    )

    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not AccessToken.objects.filter(secret_hash=secret).exists()
    assert secret.startswith(token.prefix) and len(token.prefix) == 10
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me")
    assert answer.status_code == 200
    assert answer.json() == {
        "username": "kyzq",
        "memberships": [
            {
                "division": "152222",
                "division_name": "科尔沁右翼中旗",
                "role": "reporter",
                "department": None,
            }
        ],
    }
    assert (
        AuditEvent.objects.filter(action="api.token.created", object_id=str(token.pk)).count() == 1
    )


def test_a_revoked_or_expired_token_or_none_is_refused_as_problem_details(people):
    token, secret = access_token_create(
        user=people["county"], name="old", acting_user=people["county"]
    )
    access_token_revoke(token=token, acting_user=people["county"])
    _expired, expired_secret = access_token_create(
        user=people["county"],
        name="expired",
        expires_on=timezone.localdate() - timedelta(days=1),
        acting_user=people["county"],
    )

    for headers in (
        {"HTTP_AUTHORIZATION": f"Bearer {secret}"},
        {"HTTP_AUTHORIZATION": f"Bearer {expired_secret}"},
        {},
    ):
        answer = Client(**headers).get("/api/v1/divisions")
        assert answer.status_code == 401
        assert answer["Content-Type"] == "application/problem+json"
        assert answer["WWW-Authenticate"] == 'Bearer realm="luodi"'
        assert answer.json()["status"] == 401
        assert answer.json()["instance"] == "/api/v1/divisions"


def test_lists_hold_only_the_divisions_a_person_may_see(people, bearer):
    league = bearer("league").get("/api/v1/divisions", {"page_size": 3})
    county = bearer("county").get("/api/v1/divisions")

    assert league.json()["count"] == 7  # 兴安盟 and its six banners and cities
    assert [d["code"] for d in league.json()["items"]] == ["152200", "152201", "152202"]
    assert league.json()["page_size"] == 3
    assert [d["code"] for d in county.json()["items"]] == ["152222"]
    assert county.json()["items"][0]["parent"] == "152200"


def test_a_record_outside_ones_scope_does_not_exist(people, bearer):
    answer = bearer("league").get("/api/v1/divisions/150105")

    assert answer.status_code == 404
    assert answer.json()["detail"] == "No division “150105” in your scope."
    assert bearer("region").get("/api/v1/divisions/150105").json()["name"] == "赛罕区"


def test_refused_input_names_each_field(people, bearer):
    answer = bearer("county").get("/api/v1/divisions", {"page": 0, "level": "planet"})

    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in answer.json()["errors"]}
    assert fields == {"query.page", "query.level"}


def test_figures_are_read_in_the_display_unit_with_their_version(
    people, bearer, sand_land, january
):
    enter(people, "county", "152222", january, sand_land, "12.5")
    enter(people, "other county", "152201", january, sand_land, "3")

    mine = bearer("county").get("/api/v1/values", {"period": "2024-01"}).json()
    league = bearer("league").get("/api/v1/values", {"within": "152200"}).json()
    one = bearer("county").get(VALUE_URL)

    assert mine["count"] == 1
    item = mine["items"][0]
    assert (item["indicator"], item["division"], item["value"], item["unit"]) == (
        "sand",
        "152222",
        "12.5",
        "万亩",
    )
    assert [v["division"] for v in league["items"]] == ["152201", "152222"]
    assert one["ETag"] == '"1"'
    assert one.json()["report_status"] == "draft"


def test_figures_as_of_a_past_day_come_from_their_history(people, bearer, sand_land, january):
    enter(people, "county", "152222", january, sand_land, "12.5")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    assert bearer("region").get("/api/v1/values").json()["count"] == 1
    assert bearer("region").get("/api/v1/values", {"as_of": yesterday}).json()["count"] == 0


def test_a_figure_is_written_with_if_match_and_a_stale_write_gets_409(
    people, bearer, sand_land, january, in_time
):
    enter(people, "county", "152222", january, sand_land, "12.5")
    county = bearer("county")

    saved = county.put(
        VALUE_URL,
        {"value": "13", "comment": ""},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    stale = county.put(
        VALUE_URL, {"value": "14"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )

    assert saved.status_code == 200
    assert saved["ETag"] == '"2"'
    assert saved.json()["value"] == "13"
    assert stale.status_code == 409
    assert stale.json()["current_value"] == "13"
    assert stale.json()["current_version"] == 2
    stored = DataValue.objects.get()
    assert (stored.value, stored.version) == (Decimal(130_000), 2)


def test_a_figure_outside_ones_scope_or_role_is_refused_and_nothing_changes(
    people, bearer, sand_land, january, in_time
):
    enter(people, "county", "152222", january, sand_land, "12.5")
    other, league, county = bearer("other county"), bearer("league"), bearer("county")
    events, reports = AuditEvent.objects.count(), Report.objects.count()
    body = {"value": "99"}

    other = other.put(VALUE_URL, body, content_type="application/json")
    approver = league.put(
        "/api/v1/values/sand/152201/2024-01", body, content_type="application/json"
    )
    no_version = county.put(VALUE_URL, body, content_type="application/json")

    assert other.status_code == 404
    assert approver.status_code == 403  # an approver sees the banner but does not report
    assert no_version.status_code == 409  # the figure exists: say which version you saw
    assert DataValue.objects.get().value == Decimal(125_000)
    assert (AuditEvent.objects.count(), Report.objects.count()) == (events, reports)


def test_a_refused_value_names_the_rule(people, bearer, sand_land, january, in_time):
    answer = bearer("county").put(VALUE_URL, {"value": "-1"}, content_type="application/json")

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "value"
    assert not DataValue.objects.exists()
    assert not Report.objects.exists()


def test_the_pages_session_works_and_writes_need_the_csrf_token(
    people, sand_land, january, in_time
):
    enter(people, "county", "152222", january, sand_land, "12.5")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["county"])

    read = browser.get(VALUE_URL)
    write = browser.put(
        VALUE_URL, {"value": "20"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )

    assert read.status_code == 200
    assert write.status_code == 403
    assert DataValue.objects.get().version == 1


def test_the_committed_openapi_document_is_the_one_the_code_makes():
    made = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False)

    assert OPENAPI_FILE.read_text(encoding="utf-8") == made, (
        "openapi.json is out of date: run `make openapi` and commit it."
    )


def test_the_interactive_docs_are_served_from_luodi_itself(people):
    browser = Client()
    browser.force_login(people["county"])

    page = browser.get("/api/v1/docs")

    # Every script and style sheet the page loads is one luodi serves itself.
    loaded = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.content.decode())
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in loaded
    assert all(address.startswith("/static/") for address in loaded), loaded


def test_a_person_makes_and_revokes_their_own_tokens_on_the_tokens_page(people):
    browser = Client()
    browser.force_login(people["county"])

    made = browser.post("/api/tokens/", {"name": "统计系统", "valid_days": "30"})
    token = AccessToken.objects.get()
    others = Client()
    others.force_login(people["other county"])
    refused = others.post(f"/api/tokens/{token.pk}/revoke/")
    revoked = browser.post(f"/api/tokens/{token.pk}/revoke/")

    assert made.status_code == 200
    assert token.expires_on == timezone.localdate() + timedelta(days=30)
    assert token.prefix.encode() in made.content
    assert refused.status_code == 404
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_dhis2_data_value_set_dry_run_reports_and_saves_nothing_then_imports(
    people, bearer, sand_land, january, in_time
):
    enter(people, "county", "152222", january, sand_land, "12.5")
    county = bearer("county")
    events = AuditEvent.objects.count()
    body = {
        "dataValues": [
            {"dataElement": "sand", "period": "202401", "orgUnit": "152222", "value": "13.25"}
        ]
    }

    checked = county.post(
        "/api/v1/dataValueSets?dryRun=true", body, content_type="application/json"
    )
    assert checked.status_code == 200
    assert checked.json()["importCount"] == {
        "imported": 0,
        "updated": 1,
        "ignored": 0,
        "deleted": 0,
    }
    assert [(c["oldValue"], c["newValue"]) for c in checked.json()["changes"]] == [
        ("12.5", "13.25")
    ]
    assert DataValue.objects.get().value == Decimal(125_000)
    assert AuditEvent.objects.count() == events

    done = county.post("/api/v1/dataValueSets", body, content_type="application/json")
    exported = county.get("/api/v1/dataValueSets", {"period": "202401"})
    as_csv = county.get("/api/v1/dataValueSets.csv", {"orgUnit": "152222"})

    assert done.json()["dryRun"] is False
    assert DataValue.objects.get().value == Decimal(132_500)
    assert [
        (v["dataElement"], v["period"], v["orgUnit"], v["value"], v["storedBy"])
        for v in exported.json()["dataValues"]
    ] == [("sand", "202401", "152222", "13.25", "kyzq")]
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv.content.decode().splitlines()[1].startswith("sand,202401,152222,,,13.25,kyzq,")


def test_a_data_value_set_with_one_bad_row_is_refused_whole(
    people, bearer, sand_land, january, in_time
):
    csv_body = (
        "dataelement,period,orgunit,value\n"
        "sand,202401,152222,4\n"
        "sand,202401,152201,5\n"  # another banner: not the reporter's
    )

    county = bearer("county")

    answer = county.post("/api/v1/dataValueSets.csv", csv_body, content_type="text/csv")
    chinese = county.post(
        "/api/v1/dataValueSets.csv", csv_body, content_type="text/csv", HTTP_ACCEPT_LANGUAGE="zh"
    )

    assert answer.status_code == 409
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"] == [
        {
            "field": "line 3, orgunit",
            "message": "No division you report for has the code “152201”.",
        }
    ]
    assert answer.json()["import_summary"]["status"] == "ERROR"
    assert chinese.json()["errors"][0]["message"] == "您负责填报的区划中没有代码为“152201”的区划。"
    assert not DataValue.objects.exists()


def test_the_oc4ids_package_holds_the_projects_in_ones_scope(people, bearer, programme):
    from luodi.divisions.models import Division
    from luodi.projects.services import project_save

    for code in ["152222", "150105"]:
        project_save(
            code=f"p-{code}",
            name=f"项目{code}",
            programme=programme,
            divisions=[Division.objects.get(code=code)],
            total_investment=Decimal(300_000_000),
            listed_on=date(2024, 1, 31),
            acting_user=None,
        )

    league = bearer("league").get("/api/v1/projects.oc4ids", {"as_of": "2024-03-18"}).json()
    region = bearer("region").get("/api/v1/projects.oc4ids", {"as_of": "2024-03-18"}).json()

    assert [p["title"] for p in league["projects"]] == ["项目152222"]
    assert league["projects"][0]["budget"]["amount"] == {"amount": 300_000_000, "currency": "CNY"}
    assert len(region["projects"]) == 2
    league_only = bearer("region").get("/api/v1/projects", {"division": "152200"}).json()
    assert [p["code"] for p in league_only["items"]] == ["p-152222"]
