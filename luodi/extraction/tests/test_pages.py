"""Reading a report on its pages: a county clerk pastes or uploads a progress
report, luodi proposes every figure in it, and nothing reaches the county's
report until a person accepts a proposal.

The demo's 科尔沁右翼中旗 (152222) reports 沙化土地综合治理面积 (万亩, kept in 亩),
管网改造 (公里, kept in 米) and 老旧小区改造 (个) monthly, and its entry stays
open 60 days after a month ends. The texts are dated 截至目前 and read today,
so a figure accepted from them falls in this month, which is open."""

import io
from datetime import date, timedelta
from decimal import Decimal

import docx
import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luodi.core.models import AuditEvent
from luodi.divisions.choices import Role
from luodi.divisions.models import Division
from luodi.extraction.models import Proposal, Reading
from luodi.extraction.services import proposal_accept, reading_create
from luodi.plan.models import Indicator, Target
from luodi.plan.services import campaign_save, indicator_save, programme_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency
from luodi.reporting.models import DataValue, Period, Report
from luodi.reporting.services import period_containing, periods_open_year, report_open, value_save

FIRST_SENTENCE = (
    "截至目前，科右中旗完成沙化土地综合治理2.5万亩，其中人工造林0.8万亩、封沙育林1.7万亩。"
)
TEXT = FIRST_SENTENCE + "完成老旧管网改造12公里、老旧小区改造3个。"
TITLE = "科右中旗防沙治沙和城镇更新进展"


@pytest.fixture
def people(demo):
    """The demo's users: taskforce (the region), hinggan (兴安盟), kyzq (科右中旗);
    the office has opened this year's reporting periods."""
    periods_open_year(year=timezone.localdate().year, acting_user=None)
    users = get_user_model().objects.filter(username__in=["taskforce", "hinggan", "kyzq"])
    return {user.username: user for user in users}


@pytest.fixture
def today():
    return timezone.localdate()


def logged_in(client, user):
    """`client` as `user`, with the pages in English (the messages' source language)."""
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def kyzq(client, people):
    return logged_in(client, people["kyzq"])


@pytest.fixture
def reading(people, today) -> Reading:
    """科右中旗's report of TEXT, read today by its reporter."""
    return reading_create(
        title=TITLE,
        text=TEXT,
        division=Division.objects.get(code="152222"),
        as_of=today,
        acting_user=people["kyzq"],
    )


@pytest.fixture
def sand(reading) -> Proposal:
    """The proposal of 2.5万亩 沙化土地综合治理."""
    return reading.proposals.get(written="2.5万亩")


def page_of(response):
    return lxml.html.fromstring(response.content.decode())


def messages_on(response) -> list[tuple[str, str]]:
    """(class, text) of each message the page shows."""
    return [
        (p.get("class"), p.text_content().strip())
        for p in page_of(response).xpath("//p[@role='status']")
    ]


def rows_on(response) -> list[tuple[str, str, str]]:
    """(quantity as written, value as shown, status) of each proposal on the page."""
    return [
        (
            row.xpath("string(.//mark)"),
            row.xpath("string(.//strong[@data-value])"),
            row.get("data-status"),
        )
        for row in page_of(response).xpath("//tr[@data-proposal]")
    ]


def accept(
    client,
    proposal,
    *,
    quantity,
    indicator="sand-land-treated",
    division="152222",
    day,
    write_as="figure",
):
    prefix = f"p{proposal.pk}-"
    return client.post(
        reverse("extraction:accept", args=[proposal.pk]),
        {
            prefix + "quantity": quantity,
            prefix + "indicator": indicator,
            prefix + "division": division,
            prefix + "day": day.isoformat(),
            prefix + "write_as": write_as,
        },
        follow=True,
    )


def reject(client, proposal, *, reason):
    return client.post(
        reverse("extraction:reject", args=[proposal.pk]), {"reason": reason}, follow=True
    )


def everything_written(proposal: Proposal) -> dict:
    """What accepting or rejecting could change, to compare before and after."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    return {
        "figures": sorted(DataValue.objects.values_list("pk", "value", "version", "comment")),
        "reports": sorted(Report.objects.values_list("pk", "status")),
        "periods": Period.objects.count(),
        "targets": Target.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "proposal": (
            proposal.status,
            proposal.decided_by_id,
            proposal.data_value_id,
            proposal.target_id,
            proposal.reason,
        ),
    }


def read_through_the_page(client, *, today, **fields):
    return client.post(
        reverse("extraction:list"),
        {"title": "", "division": "152222", "as_of": today.isoformat(), "text": "", **fields},
    )


# Reading a text proposes, and writes nothing else


def test_a_pasted_report_lists_every_figure_proposed_and_writes_no_figure(kyzq, today):
    figures_before, reports_before = DataValue.objects.count(), Report.objects.count()

    response = read_through_the_page(kyzq, today=today, title=TITLE, text=TEXT)

    reading = Reading.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("extraction:reading", args=[reading.pk])
    assert (reading.title, reading.division.code, reading.as_of, reading.read_by.username) == (
        TITLE,
        "152222",
        today,
        "kyzq",
    )
    proposals = [
        (
            p.written,
            p.value,
            p.unit,
            p.kind,
            p.indicator.code if p.indicator else None,
            p.division.code,
            p.period,
            p.part_of.written if p.part_of else None,
        )
        for p in reading.proposals.select_related("indicator", "division", "part_of")
    ]
    now = today.isoformat()
    assert proposals == [
        ("2.5万亩", 25_000, "亩", "completed", "sand-land-treated", "152222", now, None),
        ("0.8万亩", 8_000, "亩", "completed", None, "152222", now, "2.5万亩"),
        ("1.7万亩", 17_000, "亩", "completed", None, "152222", now, "2.5万亩"),
        ("12公里", 12_000, "米", "completed", "pipes-renovated", "152222", now, None),
        ("3个", 3, "个", "completed", "old-communities-renovated", "152222", now, None),
    ]
    page = kyzq.get(response["Location"])
    assert rows_on(page) == [
        ("2.5万亩", "25,000 亩", "pending"),
        ("0.8万亩", "8,000 亩", "pending"),
        ("1.7万亩", "17,000 亩", "pending"),
        ("12公里", "12,000 米", "pending"),
        ("3个", "3 个", "pending"),
    ]
    parts = page_of(page).xpath("string(//span[@data-parts])")
    assert " ".join(parts.split()) == "2 parts add up to 25,000 亩 ✓"
    assert len(page_of(page).xpath("//form[@data-accept]")) == 5
    assert (DataValue.objects.count(), Report.objects.count()) == (figures_before, reports_before)
    assert AuditEvent.objects.filter(action="extraction.reading.proposed").count() == 1


def test_the_form_offers_the_proposed_indicator_division_and_day(kyzq, sand, today):
    page = page_of(kyzq.get(reverse("extraction:reading", args=[sand.reading_id])))

    prefix = f"p{sand.pk}-"
    form = page.xpath(f"//form[@action='{reverse('extraction:accept', args=[sand.pk])}']")[0]
    assert form.xpath(f"string(.//input[@name='{prefix}quantity']/@value)") == "2.5万亩"
    assert form.xpath(f"string(.//select[@name='{prefix}indicator']/option[@selected]/@value)") == (
        "sand-land-treated"
    )
    assert form.xpath(f"string(.//select[@name='{prefix}division']/option[@selected]/@value)") == (
        "152222"
    )
    assert form.xpath(f"string(.//input[@name='{prefix}day']/@value)") == today.isoformat()
    assert form.xpath(f"string(.//select[@name='{prefix}write_as']/option[@selected]/@value)") == (
        "figure"
    )


def test_the_date_fields_hold_iso_dates_in_chinese(client, people, sand, today):
    client.force_login(people["kyzq"])

    listed = page_of(client.get(reverse("extraction:list")))
    shown = page_of(client.get(reverse("extraction:reading", args=[sand.reading_id])))

    assert listed.xpath("string(//input[@name='as_of']/@value)") == today.isoformat()
    assert shown.xpath(f"string(//input[@name='p{sand.pk}-day']/@value)") == today.isoformat()


# Accepting writes one draft figure


def test_accepting_a_corrected_value_writes_one_draft_figure_with_its_sentence(
    kyzq, people, sand, today
):
    figures_before = set(DataValue.objects.values_list("pk", flat=True))

    response = accept(kyzq, sand, quantity="2.6万亩", day=today)

    written = DataValue.objects.exclude(pk__in=figures_before)
    assert len(written) == 1
    figure = written[0]
    assert figure.value == Decimal(26_000)
    assert figure.indicator.code == "sand-land-treated"
    assert (figure.report.division.code, figure.report.period.code, figure.report.status) == (
        "152222",
        today.strftime("%Y-%m"),
        "draft",
    )
    assert figure.comment == f"摘自《{TITLE}》（{today.isoformat()}）：{FIRST_SENTENCE}"
    sand.refresh_from_db()
    assert (sand.status, sand.decided_by, sand.data_value) == ("accepted", people["kyzq"], figure)
    event = AuditEvent.objects.get(action="extraction.proposal.accepted")
    assert (event.actor, event.object_id) == (people["kyzq"], str(sand.pk))
    assert response.redirect_chain == [
        (reverse("extraction:reading", args=[sand.reading_id]) + f"#p{sand.pk}", 302)
    ]
    assert messages_on(response) == [("success", "2.5万亩: accepted and written.")]
    assert rows_on(response)[0] == ("2.5万亩", "25,000 亩", "accepted")


def test_a_bare_number_is_read_in_the_indicators_unit(kyzq, reading, today):
    pipes = reading.proposals.get(written="12公里")

    accept(kyzq, pipes, quantity="12.5", indicator="pipes-renovated", day=today)

    pipes.refresh_from_db()
    assert (pipes.status, pipes.data_value.value) == ("accepted", Decimal(12_500))


# Refusals change nothing


def test_a_proposal_is_accepted_once(kyzq, sand, today):
    accept(kyzq, sand, quantity="2.6万亩", day=today)
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="2.7万亩", day=today)

    assert messages_on(response) == [("error", "2.5万亩: This proposal was already Accepted.")]
    assert everything_written(sand) == before


def test_a_county_reporter_cannot_write_another_countys_figure(kyzq, sand, today):
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="2.5万亩", division="152201", day=today)

    assert messages_on(response) == [
        ("error", "2.5万亩: you may not write figures or targets for that division.")
    ]
    assert everything_written(sand) == before


def test_a_value_of_another_dimension_is_refused(kyzq, sand, today):
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="3亿元", day=today)

    assert messages_on(response) == [
        (
            "error",
            "2.5万亩: “3亿元” cannot be a value of “沙化土地综合治理面积”, kept in 万亩.",
        )
    ]
    assert everything_written(sand) == before


def test_a_division_that_does_not_report_the_indicator_is_refused(client, people, sand, today):
    hinggan = logged_in(client, people["hinggan"])
    before = everything_written(sand)

    response = accept(hinggan, sand, quantity="2.5万亩", division="152200", day=today)

    assert messages_on(response) == [
        (
            "error",
            f"2.5万亩: 兴安盟 does not report “沙化土地综合治理面积” for {today:%Y-%m}.",
        )
    ]
    assert everything_written(sand) == before


def test_a_figure_already_in_the_report_is_not_replaced(kyzq, people, sand, today):
    report = report_open(
        division=Division.objects.get(code="152222"),
        period=period_containing(frequency=Frequency.MONTHLY, day=today),
        acting_user=people["kyzq"],
    )
    value_save(
        report=report,
        indicator=Indicator.objects.get(code="sand-land-treated"),
        value=Decimal(12_000),
        expected_version=None,
        acting_user=people["kyzq"],
    )
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="2.5万亩", day=today)

    assert messages_on(response) == [
        (
            "error",
            f"2.5万亩: 科尔沁右翼中旗 already has a figure for “沙化土地综合治理面积” in "
            f"{today:%Y-%m} (1.2 万亩); change it in the report itself.",
        )
    ]
    assert everything_written(sand) == before


def test_a_rejected_proposal_keeps_its_reason_and_cannot_be_accepted(kyzq, people, sand, today):
    response = reject(kyzq, sand, reason="与上月重复统计")

    sand.refresh_from_db()
    assert (sand.status, sand.reason, sand.decided_by, sand.data_value) == (
        "rejected",
        "与上月重复统计",
        people["kyzq"],
        None,
    )
    assert AuditEvent.objects.filter(
        action="extraction.proposal.rejected", object_id=str(sand.pk)
    ).exists()
    assert messages_on(response) == [("success", "2.5万亩: rejected.")]
    assert rows_on(response)[0] == ("2.5万亩", "25,000 亩", "rejected")
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="2.5万亩", day=today)

    assert messages_on(response) == [("error", "2.5万亩: This proposal was already Rejected.")]
    assert everything_written(sand) == before


# Targets are set from above


def test_the_league_writes_a_countys_target_from_a_reading(client, people, sand, today):
    hinggan = logged_in(client, people["hinggan"])

    response = accept(hinggan, sand, quantity="30万亩", day=today, write_as="target")

    target = Target.objects.get(division__code="152222")
    assert (target.indicator.code, target.year, target.value) == (
        "sand-land-treated",
        today.year,
        Decimal(300_000),
    )
    assert target.note == f"摘自《{TITLE}》（{today.isoformat()}）：{FIRST_SENTENCE}"
    sand.refresh_from_db()
    assert (sand.status, sand.decided_by, sand.target, sand.data_value) == (
        "accepted",
        people["hinggan"],
        target,
        None,
    )
    assert messages_on(response) == [("success", "2.5万亩: accepted and written.")]


def test_a_county_reporter_cannot_set_its_own_target(kyzq, sand, today):
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="30万亩", day=today, write_as="target")

    assert messages_on(response) == [
        ("error", "2.5万亩: you may not write figures or targets for that division.")
    ]
    assert everything_written(sand) == before


# Who sees a reading


@pytest.fixture
def another_countys_sand(people, today) -> Proposal:
    """乌兰浩特市's report, read by the league; 2.5万亩 is its only figure."""
    reading = reading_create(
        title="乌兰浩特市进展",
        text="截至目前，全市完成沙化土地综合治理2.5万亩。",
        division=Division.objects.get(code="152201"),
        as_of=today,
        acting_user=people["hinggan"],
    )
    return reading.proposals.get()


def test_a_county_reporter_meets_another_countys_reading_as_not_found(
    kyzq, another_countys_sand, today
):
    proposal = another_countys_sand
    before = everything_written(proposal)

    page = kyzq.get(reverse("extraction:reading", args=[proposal.reading_id]))
    accepted = accept(kyzq, proposal, quantity="2.5万亩", division="152201", day=today)
    rejected = reject(kyzq, proposal, reason="")
    listed = kyzq.get(reverse("extraction:list"))

    assert (page.status_code, accepted.status_code, rejected.status_code) == (404, 404, 404)
    assert page_of(listed).xpath("//table[@data-readings]//td[1]//text()") == [
        "No report read yet."
    ]
    assert everything_written(proposal) == before


def test_the_league_sees_its_counties_readings(client, people, reading):
    hinggan = logged_in(client, people["hinggan"])

    response = hinggan.get(reverse("extraction:reading", args=[reading.pk]))

    assert response.status_code == 200
    assert len(rows_on(response)) == 5


def test_an_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(client, sand):
    before = everything_written(sand)
    login = reverse("login")

    listed = client.get(reverse("extraction:list"))
    shown = client.get(reverse("extraction:reading", args=[sand.reading_id]))
    accepted = client.post(reverse("extraction:accept", args=[sand.pk]))
    rejected = client.post(reverse("extraction:reject", args=[sand.pk]))

    assert [(r.status_code, r["Location"]) for r in (listed, shown, accepted, rejected)] == [
        (302, f"{login}?next={reverse('extraction:list')}"),
        (302, f"{login}?next={reverse('extraction:reading', args=[sand.reading_id])}"),
        (302, f"{login}?next={reverse('extraction:accept', args=[sand.pk])}"),
        (302, f"{login}?next={reverse('extraction:reject', args=[sand.pk])}"),
    ]
    assert everything_written(sand) == before


# Uploaded files


def docx_bytes(paragraphs: list[str], table: list[list[str]]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    rows = document.add_table(rows=len(table), cols=len(table[0]))
    for row, cells in zip(rows.rows, table, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    content = io.BytesIO()
    document.save(content)
    return content.getvalue()


def test_a_word_report_is_read_paragraphs_then_table_rows(kyzq, today):
    content = docx_bytes(
        ["科右中旗防沙治沙进展", "截至目前，全旗完成沙化土地综合治理3.2万亩。"],
        [["项目", "完成"], ["老旧小区改造", "5个"]],
    )

    response = read_through_the_page(
        kyzq, today=today, file=SimpleUploadedFile("十一月进展.docx", content)
    )

    reading = Reading.objects.get()
    assert response.status_code == 302
    assert reading.title == "十一月进展.docx"
    assert reading.text == (
        "科右中旗防沙治沙进展\n截至目前，全旗完成沙化土地综合治理3.2万亩。\n项目\t完成\n老旧小区改造\t5个"
    )
    assert [(p.written, p.value, p.unit) for p in reading.proposals.all()] == [
        ("3.2万亩", 32_000, "亩"),
        ("5个", 5, "个"),
    ]


def test_a_gb18030_text_file_is_read(kyzq, today):
    text = "截至目前，科右中旗改造老旧管网12.5公里。"

    response = read_through_the_page(
        kyzq,
        today=today,
        title="管网改造",
        file=SimpleUploadedFile("管网.txt", text.encode("gb18030")),
    )

    reading = Reading.objects.get()
    assert response.status_code == 302
    assert (reading.title, reading.text) == ("管网改造", text)
    assert [(p.written, p.value, p.unit) for p in reading.proposals.all()] == [
        ("12.5公里", 12_500, "米")
    ]


def errors_on(response) -> list[str]:
    return [e.text_content().strip() for e in page_of(response).xpath("//*[@role='alert']")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("进展.pdf", b"%PDF-1.4\n", "“进展.pdf”: luodi reads .txt and .docx reports, not .pdf."),
        ("进展.docx", b"not a zip", "“进展.docx” is not a Word .docx file that can be read."),
        ("空白.txt", b" \r\n\n ", "“空白.txt” holds no text."),
        (
            "进展.txt",
            "截至目前".encode("utf-16"),
            "“进展.txt” is neither UTF-8 nor GB 18030 text.",
        ),
        pytest.param("空.txt", b"", "“空.txt” holds no text."),
    ],
    ids=["pdf", "broken docx", "blank", "utf-16", "zero bytes"],
)
def test_a_file_luodi_cannot_read_is_refused_by_name(kyzq, today, name, content, message):
    response = read_through_the_page(kyzq, today=today, file=SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert errors_on(response) == [message]
    assert not Reading.objects.exists()
    assert not Proposal.objects.exists()


def test_a_file_over_the_size_limit_is_refused_by_name(kyzq, today, monkeypatch):
    monkeypatch.setattr("luodi.extraction.documents.MAX_REPORT_BYTES", 100)
    content = ("截至目前，科右中旗改造老旧管网12公里。" * 3).encode()

    response = read_through_the_page(kyzq, today=today, file=SimpleUploadedFile("长.txt", content))

    assert len(content) == 168
    assert response.status_code == 400
    assert errors_on(response) == [
        "“长.txt” is 168 bytes; the largest report luodi reads is 100 bytes."
    ]
    assert not Reading.objects.exists()


def test_a_reading_needs_a_text_or_a_file(kyzq, today):
    response = read_through_the_page(kyzq, today=today, text="  \n ")

    assert response.status_code == 400
    assert errors_on(response) == ["Paste a report's text or upload its file."]
    assert not Reading.objects.exists()


# Queries


def queries_of_the_page(client, reading) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("extraction:reading", args=[reading.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_review_page_reads_as_many_rows_in_the_same_queries(kyzq, people, reading, today):
    one = reading_create(
        title="一项",
        text="截至目前，科右中旗改造老旧管网12公里。",
        division=Division.objects.get(code="152222"),
        as_of=today,
        acting_user=people["kyzq"],
    )
    assert (one.proposals.count(), reading.proposals.count()) == (1, 5)

    assert queries_of_the_page(kyzq, reading) == queries_of_the_page(kyzq, one) == 9


def test_the_review_page_of_decided_proposals_reads_in_the_same_queries(
    kyzq, people, reading, today
):
    one = reading_create(
        title="一项",
        text="截至目前，科右中旗改造老旧管网12公里。",
        division=Division.objects.get(code="152222"),
        as_of=today,
        acting_user=people["kyzq"],
    )
    for proposal in [*reading.proposals.all(), *one.proposals.all()]:
        reject(kyzq, proposal, reason="测试")

    assert queries_of_the_page(kyzq, reading) == queries_of_the_page(kyzq, one) == 5


def test_a_figure_for_a_day_to_come_is_refused(kyzq, sand, today):
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="2.5万亩", day=today + timedelta(days=1))

    tomorrow = (today + timedelta(days=1)).isoformat()
    assert messages_on(response) == [
        ("error", f"2.5万亩: {tomorrow} has not come yet: figures are entered for what is done.")
    ]
    assert everything_written(sand) == before


def test_a_figure_for_a_day_no_period_holds_is_refused_and_no_period_is_made(kyzq, sand):
    before = everything_written(sand)

    response = accept(kyzq, sand, quantity="2.5万亩", day=date(2019, 6, 30))

    assert messages_on(response) == [
        ("error", "2.5万亩: No reporting period holds 2019-06-30; the office opens periods.")
    ]
    assert everything_written(sand) == before


def test_an_indicator_of_a_campaign_the_user_is_not_in_is_refused(client, people, sand, today):
    xilingol = Division.objects.get(code="152500")
    campaign, _ = campaign_save(
        code="xl", name="锡盟专项", division=xilingol, year=today.year, acting_user=None
    )
    programme, _ = programme_save(
        code="xl-p", campaign=campaign, name="锡盟工程", order=1, acting_user=None
    )
    indicator_save(
        code="xl-sand",
        name="锡盟治沙面积",
        programme=programme,
        unit=unit_by_symbol("万亩"),
        acting_user=None,
    )
    hinggan = logged_in(client, people["hinggan"])
    before = everything_written(sand)

    response = accept(
        hinggan, sand, quantity="30万亩", indicator="xl-sand", day=today, write_as="target"
    )

    [(level, message)] = messages_on(response)
    assert level == "error" and message.startswith("2.5万亩: Indicator: Select a valid choice.")
    assert everything_written(sand) == before
    with pytest.raises(PermissionDenied):
        proposal_accept(
            proposal=sand,
            quantity="30万亩",
            indicator=Indicator.objects.get(code="xl-sand"),
            division=Division.objects.get(code="152222"),
            day=today,
            write_as="target",
            acting_user=people["hinggan"],
        )
    assert everything_written(sand) == before


def test_a_viewer_who_sees_a_reading_cannot_decide_on_it(client, sand, make_user):
    viewer = logged_in(client, make_user("hinggan-viewer", "152200", Role.VIEWER))
    before = everything_written(sand)

    page = viewer.get(reverse("extraction:reading", args=[sand.reading_id]))
    response = reject(viewer, sand, reason="看错了")

    assert page.status_code == 200
    assert messages_on(response) == [
        ("error", "2.5万亩: you may not write figures or targets for that division.")
    ]
    assert everything_written(sand) == before
