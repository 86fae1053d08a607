from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luodi.core.models import AuditEvent
from luodi.divisions.choices import Level, Role
from luodi.divisions.models import Division
from luodi.plan.services import indicator_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency, ReportStatus
from luodi.reporting.models import DataValue, Report
from luodi.reporting.services import assignment_save, period_containing


@pytest.fixture
def setup(programme, make_user, client):
    indicators = []
    for code, name, unit in [
        ("sand", "沙化土地综合治理面积", "万亩"),
        ("pipes", "管网改造", "公里"),
    ]:
        indicator, _ = indicator_save(
            code=code, name=name, programme=programme, unit=unit_by_symbol(unit), acting_user=None
        )
        assignment_save(
            indicator=indicator,
            level=Level.COUNTY,
            frequency=Frequency.MONTHLY,
            closes_after_days=30_000,
            acting_user=None,
        )
        indicators.append(indicator)
    period = period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 1))
    users = {
        "county": make_user("kyzq", "152222", Role.REPORTER),
        "league": make_user("hinggan", "152200", Role.APPROVER),
        "elsewhere": make_user("saihan", "150105", Role.REPORTER),
    }
    return indicators, period, users


def url(code="152222", period="2024-01"):
    return reverse("reporting:report", args=[code, period])


def test_a_county_reporter_enters_figures_in_display_units(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])

    response = client.post(
        url(),
        {
            "action": "save",
            f"value-{sand.pk}": "12.5",
            f"value-{pipes.pk}": "3",
            f"comment-{pipes.pk}": "主城区",
        },
    )

    assert response.status_code == 302
    values = {v.indicator.code: (v.value, v.comment) for v in DataValue.objects.all()}
    assert values == {"sand": (125_000, ""), "pipes": (3_000, "主城区")}
    page = client.get(url()).content.decode()
    assert 'value="12.5"' in page


def test_one_bad_figure_saves_none_and_is_shown_beside_its_field(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])

    response = client.post(
        url(), {"action": "save", f"value-{sand.pk}": "12", f"value-{pipes.pk}": "-4"}
    )

    assert response.status_code == 400
    assert "不能小于 0 公里。" in response.content.decode()
    assert 'data-error-for="pipes"' in response.content.decode()
    assert not DataValue.objects.exists()
    assert not Report.objects.exists()


def test_a_stale_form_shows_the_other_persons_value(client, setup, make_user):
    (sand, pipes), period, users = setup
    office = make_user("office", "150000", Role.TASK_FORCE)
    client.force_login(users["county"])
    client.post(url(), {"action": "save", f"value-{sand.pk}": "10"})
    client.force_login(office)
    client.post(url(), {"action": "save", f"value-{sand.pk}": "11", f"version-{sand.pk}": "1"})
    client.force_login(users["county"])

    response = client.post(
        url(), {"action": "save", f"value-{sand.pk}": "12", f"version-{sand.pk}": "1"}
    )

    assert response.status_code == 400
    assert "其他人已在此保存了 11 万亩" in response.content.decode()
    assert DataValue.objects.get().value == 110_000


def test_submit_then_the_league_approves_and_the_form_says_why_it_is_locked(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])
    client.post(url(), {"action": "save", f"value-{sand.pk}": "10"})
    client.post(url(), {"action": "submit"})
    client.force_login(users["league"])

    client.post(url(), {"action": "approve"})

    report = Report.objects.get()
    assert report.status == ReportStatus.APPROVED
    assert AuditEvent.objects.get(action="reporting.report.approved").actor == users["league"]
    client.force_login(users["county"])
    page = client.get(url()).content.decode()
    assert "已审核：如需修改，请上级专项组管理员解锁。" in page
    assert 'name="action" value="save"' not in page


def test_the_county_cannot_approve_its_own_report(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])
    client.post(url(), {"action": "save", f"value-{sand.pk}": "10"})
    client.post(url(), {"action": "submit"})

    response = client.post(url(), {"action": "approve"})

    assert response.status_code == 403
    assert Report.objects.get().status == ReportStatus.SUBMITTED


def test_another_leagues_report_does_not_exist_for_a_reporter(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["elsewhere"])

    read = client.get(url())
    written = client.post(url(), {"action": "save", f"value-{sand.pk}": "10"})

    assert read.status_code == 404
    assert written.status_code == 404
    assert not DataValue.objects.exists()


def test_the_list_shows_only_reports_in_ones_subtree(client, setup):
    (sand, pipes), period, users = setup
    for who, code in [("county", "152222"), ("elsewhere", "150105")]:
        client.force_login(users[who])
        client.post(url(code), {"action": "save", f"value-{sand.pk}": "1"})
    client.force_login(users["league"])

    listed = client.get(reverse("reporting:list")).context["reports"]

    assert [r.division.code for r in listed] == ["152222"]
    assert Division.objects.get(code="150105").reports.count() == 1


def test_the_template_downloads_and_an_upload_saves_through_the_page(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])

    template = client.get(reverse("reporting:template", args=["152222", "2024-01"]))
    csv = SimpleUploadedFile(
        "values.csv", b"indicator,division,period,value\nsand,152222,2024-01,4\n"
    )
    uploaded = client.post(url(), {"action": "upload", "file": csv})

    assert template.status_code == 200
    assert template["Content-Disposition"] == 'attachment; filename="luodi-152222-2024-01.xlsx"'
    assert uploaded.status_code == 302
    assert DataValue.objects.get().value == 40_000


def test_a_refused_upload_lists_row_and_column_and_saves_nothing(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])
    csv = SimpleUploadedFile(
        "values.csv",
        b"indicator,division,period,value\nsand,152222,2024-01,4\nnope,152222,2024-01,1\n",
    )

    response = client.post(url(), {"action": "upload", "file": csv})

    assert response.status_code == 400
    assert "第 3 行，indicator：没有指标“nope”。" in response.content.decode()
    assert not DataValue.objects.exists()


def test_another_leagues_template_does_not_exist(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["elsewhere"])

    response = client.get(reverse("reporting:template", args=["152222", "2024-01"]))

    assert response.status_code == 404


def test_a_figures_changes_are_listed_beside_it_newest_first(client, setup, make_user):
    (sand, pipes), period, users = setup
    office = make_user("office", "150000", Role.TASK_FORCE)
    client.force_login(users["county"])
    client.post(url(), {"action": "save", f"value-{sand.pk}": "10"})
    client.force_login(office)
    client.post(
        url(),
        {
            "action": "save",
            f"value-{sand.pk}": "11",
            f"version-{sand.pk}": "1",
            f"comment-{sand.pk}": "核实后更正",
        },
    )

    page = client.get(url())

    log = page.context["rows"][0]["log"]
    assert [(c.by, c.value, c.comment) for c in log] == [
        ("office", 11, "核实后更正"),
        ("kyzq", 10, ""),
    ]
    assert 'data-log-for="sand"' in page.content.decode()


def test_the_entry_page_costs_the_same_queries_however_many_changes(
    client, setup, django_assert_max_num_queries, django_assert_num_queries
):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])
    client.post(url(), {"action": "save", f"value-{sand.pk}": "1", f"value-{pipes.pk}": "1"})
    client.get(url())
    with django_assert_max_num_queries(50) as before:
        client.get(url())
    baseline = len(before.captured_queries)  # read now: each request clears the query log
    for version in range(1, 6):
        client.post(
            url(),
            {
                "action": "save",
                f"value-{sand.pk}": str(version + 1),
                f"version-{sand.pk}": str(version),
            },
        )

    with django_assert_num_queries(baseline):
        client.get(url())


def test_the_list_offers_the_forms_open_today(client, setup):
    (sand, pipes), period, users = setup
    client.force_login(users["county"])
    client.post(url(), {"action": "save", f"value-{sand.pk}": "1"})

    offered = client.get(reverse("reporting:list")).context["forms"]

    # Entry stays open 30,000 days in this setup: January 2024 is still open.
    assert [(f.period.code, f.division.code, f.report.status) for f in offered] == [
        ("2024-01", "152222", ReportStatus.DRAFT)
    ]
