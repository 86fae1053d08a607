import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from luodi.core.models import AuditEvent
from luodi.demo.services import task_force_group_ensure
from luodi.divisions.choices import Role
from luodi.divisions.models import Division
from luodi.plan.choices import AcrossDivisions
from luodi.plan.services import target_save
from luodi.reporting.choices import Frequency, ReportStatus
from luodi.reporting.models import DataValue, Period
from luodi.reporting.selectors import rollup
from luodi.reporting.services import (
    ValueConflict,
    period_containing,
    report_approve,
    report_open,
    report_return,
    report_submit,
    report_unlock,
    value_save,
)
from luodi.reporting.tests.support import IN_TIME, WAN_MU, enter


def test_a_figure_typed_in_wan_mu_is_kept_in_mu_and_audited(people, january, sand_land):
    saved = enter(people, "county", "152222", january, sand_land, "12.5")

    assert saved.value == Decimal(125_000)
    assert saved.version == 1
    event = AuditEvent.objects.get(action="reporting.value.created")
    assert event.actor == people["county"]
    assert event.changes["value"] == [None, "125000"]


def test_a_save_from_a_stale_copy_is_refused_with_the_other_persons_value(
    people, january, sand_land
):
    first = enter(people, "county", "152222", january, sand_land, "10")
    enter(people, "region", "152222", january, sand_land, "11", version=first.version)
    audits = AuditEvent.objects.count()

    with pytest.raises(ValueConflict) as conflict:
        enter(people, "county", "152222", january, sand_land, "12", version=first.version)

    assert str(conflict.value) == "Someone else saved 11 万亩 here after you opened the form."
    stored = DataValue.objects.get()
    assert (stored.value, stored.version) == (Decimal(110_000), 2)
    assert AuditEvent.objects.count() == audits


def test_submit_approve_return_and_unlock_are_audited_with_who_and_why(people, january, sand_land):
    enter(people, "county", "152222", january, sand_land, "10")
    report = DataValue.objects.get().report

    report_submit(report=report, acting_user=people["county"])
    report_return(report=report, reason="数据与台账不符", acting_user=people["league"])
    report_submit(report=report, acting_user=people["county"])
    report_approve(report=report, acting_user=people["league"])
    report_unlock(report=report, reason="补报遗漏项目", acting_user=people["region"])

    trail = [
        (e.action, e.actor.username, e.changes.get("status_reason", [None, ""])[1])
        for e in AuditEvent.objects.filter(action__startswith="reporting.report.")
        .exclude(action="reporting.report.created")
        .order_by("occurred_at", "id")
    ]
    assert trail == [
        ("reporting.report.submitted", "kyzq", ""),
        ("reporting.report.returned", "hinggan", "数据与台账不符"),
        ("reporting.report.submitted", "kyzq", ""),
        ("reporting.report.approved", "hinggan", ""),
        ("reporting.report.unlocked", "office", "补报遗漏项目"),
    ]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_reporter_cannot_approve_their_own_report(people, january, sand_land):
    enter(people, "county", "152222", january, sand_land, "10")
    report = DataValue.objects.get().report
    report_submit(report=report, acting_user=people["county"])

    with pytest.raises(PermissionDenied):
        report_approve(report=report, acting_user=people["county"])

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="reporting.report.approved").exists()


def test_a_return_needs_a_reason(people, january, sand_land):
    enter(people, "county", "152222", january, sand_land, "10")
    report = report_submit(report=DataValue.objects.get().report, acting_user=people["county"])

    with pytest.raises(ValidationError) as refused:
        report_return(report=report, reason="  ", acting_user=people["league"])

    assert refused.value.message_dict == {"status_reason": ["Give the reason."]}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    ("submit", "today", "reason"),
    [
        (True, IN_TIME, "Submitted and waiting for approval."),
        (False, date(2024, 2, 11), "Entry for 2024-01 closed on 2024-02-10."),
    ],
)
def test_a_locked_figure_says_why_and_keeps_its_value(
    people, january, sand_land, submit, today, reason
):
    saved = enter(people, "county", "152222", january, sand_land, "10")
    if submit:
        report_submit(report=saved.report, acting_user=people["county"])

    with pytest.raises(ValidationError) as refused:
        enter(people, "county", "152222", january, sand_land, "20", version=1, today=today)

    assert refused.value.messages == [reason]
    assert DataValue.objects.get().value == Decimal(100_000)


def test_the_rules_are_told_beside_the_figure(people, january, sand_land, division):
    target_save(
        indicator=sand_land,
        division=division("152222"),
        year=2024,
        value=Decimal(10) * WAN_MU,
        acting_user=None,
    )
    february = period_containing(frequency=Frequency.MONTHLY, day=date(2024, 2, 1))
    enter(people, "county", "152222", january, sand_land, "8")

    with pytest.raises(ValidationError) as negative:
        enter(people, "county", "152222", february, sand_land, "-1", today=date(2024, 3, 1))
    with pytest.raises(ValidationError) as falling:
        enter(people, "county", "152222", february, sand_land, "7", today=date(2024, 3, 1))
    with pytest.raises(ValidationError) as far_above:
        enter(people, "county", "152222", february, sand_land, "25", today=date(2024, 3, 1))
    explained = enter(
        people,
        "county",
        "152222",
        february,
        sand_land,
        "25",
        comment="含上年结转面积",
        today=date(2024, 3, 1),
    )

    assert negative.value.message_dict == {"value": ["Must be at least 0 万亩."]}
    assert falling.value.message_dict == {
        "value": ["A year-to-date figure cannot fall: 2024-01 had 8 万亩."]
    }
    assert far_above.value.message_dict == {
        "comment": ["More than 2× this year's target of 10 万亩: say why in a comment."]
    }
    assert explained.value == Decimal(250_000)


def test_a_division_reports_only_the_indicators_of_its_level(people, january, sand_land):
    report = report_open(
        division=Division.objects.get(code="152200"), period=january, acting_user=people["region"]
    )

    with pytest.raises(ValidationError) as refused:
        value_save(
            report=report,
            indicator=sand_land,
            value=Decimal(1),
            expected_version=None,
            acting_user=people["region"],
            today=IN_TIME,
        )

    assert "indicator" in refused.value.message_dict
    assert not DataValue.objects.exists()


def test_a_reporter_cannot_enter_figures_for_another_county(people, january, sand_land):
    with pytest.raises(PermissionDenied):
        enter(people, "county", "152201", january, sand_land, "10")

    assert not DataValue.objects.exists()


def test_totals_are_the_sum_of_the_subtree(people, january, sand_land, make_user):
    hohhot = make_user("saihan", "150105", Role.REPORTER)
    people["hohhot"] = hohhot
    for who, code, amount in [
        ("county", "152222", "10"),
        ("other county", "152201", "2.5"),
        ("hohhot", "150105", "7"),
    ]:
        enter(people, who, code, january, sand_land, amount)

    def total(code):
        return rollup(indicator=sand_land, division=Division.objects.get(code=code), period=january)

    assert total("152200") == Decimal("12.5") * WAN_MU
    assert total("150000") == Decimal("19.5") * WAN_MU
    assert total("152222") == Decimal(10) * WAN_MU
    assert total("150200") is None


def test_an_indicator_combined_by_maximum_takes_the_largest(people, january, sand_land):
    sand_land.across_divisions = AcrossDivisions.MAXIMUM
    sand_land.save()
    for who, code, amount in [("county", "152222", "10"), ("other county", "152201", "2.5")]:
        enter(people, who, code, january, sand_land, amount)

    assert (
        rollup(indicator=sand_land, division=Division.objects.get(code="152200"), period=january)
        == Decimal(10) * WAN_MU
    )


def test_a_total_as_of_an_earlier_moment_uses_the_values_stored_then(people, january, sand_land):
    first = enter(people, "county", "152222", january, sand_land, "10")
    enter(people, "other county", "152201", january, sand_land, "2")
    between = timezone.now()
    enter(people, "county", "152222", january, sand_land, "15", version=first.version)
    league = Division.objects.get(code="152200")

    assert rollup(indicator=sand_land, division=league, period=january) == 17 * WAN_MU
    assert (
        rollup(indicator=sand_land, division=league, period=january, as_of=between) == 12 * WAN_MU
    )


@pytest.mark.parametrize(
    ("frequency", "day", "code", "starts", "ends"),
    [
        (Frequency.MONTHLY, date(2024, 2, 14), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (Frequency.QUARTERLY, date(2024, 5, 3), "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        (Frequency.YEARLY, date(2024, 5, 3), "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_a_period_is_created_once_and_audited(db, frequency, day, code, starts, ends):
    period = period_containing(frequency=frequency, day=day)
    again = period_containing(frequency=frequency, day=ends)

    assert (period.code, period.starts_on, period.ends_on) == (code, starts, ends)
    assert again == period
    assert AuditEvent.objects.filter(action="reporting.period.created").count() == 1


def test_a_year_of_periods_opens_once_from_the_command(db):
    out = io.StringIO()
    call_command("open_periods", "2025", stdout=out)
    call_command("open_periods", "2025", stdout=io.StringIO())

    assert out.getvalue() == "17 periods of 2025 are open: 2025-01 … 2025.\n"
    assert Period.objects.filter(frequency=Frequency.MONTHLY).count() == 12
    assert list(
        Period.objects.filter(frequency=Frequency.QUARTERLY).values_list("code", "ends_on")
    ) == [
        ("2025-Q1", date(2025, 3, 31)),
        ("2025-Q2", date(2025, 6, 30)),
        ("2025-Q3", date(2025, 9, 30)),
        ("2025-Q4", date(2025, 12, 31)),
    ]
    assert AuditEvent.objects.filter(action="reporting.period.created").count() == 17
    with pytest.raises(CommandError, match="1899 is not a year between 2000 and 2100"):
        call_command("open_periods", "1899")
    assert Period.objects.count() == 17


def test_the_office_opens_a_period_in_the_admin_and_a_county_cannot(
    client, inner_mongolia, make_user
):
    office = make_user("office", "150000", Role.TASK_FORCE, is_staff=True)
    county = make_user("kyzq", "152222", Role.TASK_FORCE, is_staff=True)
    group = task_force_group_ensure()
    office.groups.add(group)
    county.groups.add(group)
    form = {"frequency": Frequency.QUARTERLY, "starts_on": "2024-05-20", "loaded_version": ""}

    client.force_login(county)
    refused = client.post("/admin/reporting/period/add/", form)
    client.force_login(office)
    added = client.post("/admin/reporting/period/add/", form)
    again = client.post("/admin/reporting/period/add/", form)

    assert refused.status_code == 403
    assert added.status_code == 302
    period = Period.objects.get()
    assert (period.code, period.starts_on, period.ends_on) == (
        "2024-Q2",
        date(2024, 4, 1),
        date(2024, 6, 30),
    )
    assert again.status_code == 200
    assert again.context["adminform"].form.errors == {"starts_on": ["报告期2024-Q2已开放。"]}
    assert Period.objects.count() == 1
    change = client.post(
        f"/admin/reporting/period/{period.pk}/change/", {**form, "starts_on": "2024-08-01"}
    )
    assert change.status_code == 403
    period.refresh_from_db()
    assert period.starts_on == date(2024, 4, 1)
