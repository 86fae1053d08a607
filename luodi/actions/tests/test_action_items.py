"""A supervised action item from a dispatch meeting through every state,
with its audit events, lights and the digest that lists it."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from luodi.actions.choices import ItemStatus
from luodi.actions.models import ActionItem, ItemUpdate
from luodi.actions.selectors import digest_for
from luodi.actions.services import (
    action_item_acknowledge,
    action_item_assign,
    action_item_close,
    action_item_progress,
    action_item_report_done,
    action_item_return,
    decision_save,
    event_save,
)
from luodi.core.evidence import Evidence
from luodi.core.models import AuditEvent
from luodi.dashboards.choices import Light
from luodi.dashboards.models import LightChange
from luodi.dashboards.services import lights_record
from luodi.divisions.choices import Role
from luodi.divisions.models import Division

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def setting(programme, make_user):
    office = make_user("office", "150000", Role.TASK_FORCE)
    office.email = "office@example.gov.cn"
    office.save()
    league = make_user("hinggan", "152200", Role.REPORTER)
    league.email = "hinggan@example.gov.cn"
    league.save()
    meeting, _ = event_save(
        code="dispatch-2024-03",
        kind="dispatch_meeting",
        title="政策落地工程调度会",
        starts_on=date(2024, 3, 4),
        programme=programme,
        acting_user=office,
    )
    decision, _ = decision_save(
        meeting=meeting, text="兴安盟3月底前完成项目前期手续梳理", acting_user=office
    )
    item = action_item_assign(
        decision=decision,
        programme=programme,
        title="梳理重大项目前期手续",
        lead_division=Division.objects.get(code="152200"),
        assigned_on=date(2024, 3, 4),
        due_on=date(2024, 3, 29),
        acting_user=office,
    )
    return item, office, league


def test_an_item_goes_through_every_state_and_each_step_is_audited(setting):
    item, office, league = setting

    assert item.acknowledge_by == date(2024, 3, 6)  # two working days after Monday
    item = action_item_acknowledge(item=item, on=date(2024, 3, 5), acting_user=league)
    item = action_item_progress(
        item=item,
        on=date(2024, 3, 12),
        note="已梳理9个项目",
        evidence=Evidence("现场.png", PNG),
        acting_user=league,
    )
    item = action_item_report_done(
        item=item, on=date(2024, 3, 20), note="已完成", acting_user=league
    )
    item = action_item_return(
        item=item, on=date(2024, 3, 21), reason="缺少用地手续清单", acting_user=office
    )
    item = action_item_report_done(
        item=item, on=date(2024, 3, 27), note="已补充", acting_user=league
    )
    item = action_item_close(item=item, on=date(2024, 3, 28), acting_user=office)

    assert item.status == ItemStatus.CLOSED
    assert (item.acknowledged_on, item.reported_on, item.closed_on) == (
        date(2024, 3, 5),
        date(2024, 3, 27),
        date(2024, 3, 28),
    )
    trail = list(
        AuditEvent.objects.filter(action__startswith="actions.item.", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert trail == [
        ("actions.item.assigned", "office"),
        ("actions.item.acknowledged", "hinggan"),
        ("actions.item.progress", "hinggan"),
        ("actions.item.reported_done", "hinggan"),
        ("actions.item.returned", "office"),
        ("actions.item.reported_done", "hinggan"),
        ("actions.item.closed", "office"),
    ]
    evidence = ItemUpdate.objects.get(kind="progress")
    assert (evidence.attachment_name, evidence.attachment_type) == ("现场.png", "image/png")


def test_a_step_out_of_order_or_by_the_wrong_person_changes_nothing(setting):
    item, office, league = setting
    audits = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as out_of_order:
        action_item_report_done(item=item, on=date(2024, 3, 5), note="", acting_user=league)
    with pytest.raises(PermissionDenied):
        action_item_close(item=item, on=date(2024, 3, 5), acting_user=league)
    with pytest.raises(PermissionDenied):
        action_item_return(item=item, on=date(2024, 3, 5), reason="x", acting_user=league)

    assert out_of_order.value.message_dict == {
        "status": ["The item is “Assigned”; it cannot become “Reported done”."]
    }
    item.refresh_from_db()
    assert item.status == ItemStatus.ASSIGNED
    assert AuditEvent.objects.count() == audits


def test_evidence_that_is_not_a_photo_pdf_or_word_file_is_refused(setting):
    item, office, league = setting
    item = action_item_acknowledge(item=item, on=date(2024, 3, 5), acting_user=league)
    updates = ItemUpdate.objects.count()

    with pytest.raises(ValidationError) as refused:
        action_item_progress(
            item=item,
            on=date(2024, 3, 6),
            note="见附件",
            evidence=Evidence("a.exe", b"MZ\x90\x00"),
            acting_user=league,
        )

    assert refused.value.message_dict == {
        "attachment": ["“a.exe” is not a photo (JPEG, PNG), a PDF or a Word file."]
    }
    item.refresh_from_db()
    assert item.status == ItemStatus.ACKNOWLEDGED
    assert ItemUpdate.objects.count() == updates


def test_the_digest_lists_the_item_as_it_nears_and_passes_its_date(setting, django_user_model):
    item, office, league = setting

    def light(user, day):
        return [(line.item.pk, line.light, line.escalated) for line in digest_for(user, as_of=day)]

    # Due Friday 29 March: amber from three working days before it.
    assert light(league, date(2024, 3, 5)) == []
    assert light(league, date(2024, 3, 7)) == [(item.pk, Light.AMBER, False)]  # not acknowledged
    action_item_acknowledge(item=item, on=date(2024, 3, 7), acting_user=league)
    assert light(league, date(2024, 3, 8)) == []
    assert light(league, date(2024, 3, 26)) == [(item.pk, Light.AMBER, False)]
    assert light(league, date(2024, 4, 1)) == [(item.pk, Light.RED, False)]
    # The region's office gets it only once overdue, escalated.
    assert light(office, date(2024, 3, 26)) == []
    assert light(office, date(2024, 4, 1)) == [(item.pk, Light.RED, True)]
    line = digest_for(league, as_of=date(2024, 4, 1))[0]
    assert (line.acknowledged_late, line.reported_late) == (True, True)

    call_command("send_digests", "--as-of", "2024-04-01", stdout=None)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hinggan@example.gov.cn",
        "office@example.gov.cn",
    ]
    assert "梳理重大项目前期手续" in mail.outbox[0].body


def test_the_digest_page_shows_the_persons_items(client, setting):
    item, office, league = setting
    ActionItem.objects.filter(pk=item.pk).update(due_on=date(2000, 1, 3))  # long overdue
    client.force_login(league)

    page = client.get(reverse("actions:digest"))

    assert page.status_code == 200
    assert [line.item.pk for line in page.context["lines"]] == [item.pk]
    assert 'data-light="red"' in page.content.decode()


def test_the_pages_take_an_item_from_acknowledgement_to_closing(client, setting, make_user):
    item, office, league = setting
    url = reverse("actions:item", args=[item.pk])
    client.force_login(league)

    client.post(url, {"step": "acknowledge"})
    client.post(
        url,
        {"step": "progress", "note": "已梳理", "attachment": SimpleUploadedFile("照片.png", PNG)},
    )
    client.post(url, {"step": "report", "note": "已完成"})
    refused = client.post(url, {"step": "close"})
    client.force_login(office)
    client.post(url, {"step": "close", "note": "核实无误"})
    client.force_login(make_user("baotou", "150200", Role.TASK_FORCE))
    outside = client.get(url)

    item.refresh_from_db()
    assert refused.status_code == 403
    assert item.status == ItemStatus.CLOSED
    assert ItemUpdate.objects.get(kind="progress").attachment_name == "照片.png"
    assert outside.status_code == 404


def test_a_red_item_has_a_supervision_notice(client, setting, monkeypatch):
    item, office, league = setting
    client.force_login(office)
    notice_url = reverse("actions:notice", args=[item.pk])
    monkeypatch.setattr(timezone, "localdate", lambda: date(2024, 3, 20))
    not_red = client.get(notice_url)
    monkeypatch.setattr(timezone, "localdate", lambda: date(2024, 4, 8))

    notice = client.get(notice_url)

    assert not_red.status_code == 404
    assert notice.status_code == 200
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(notice.content)).paragraphs)
    assert text.startswith("督办函\n兴安盟：")
    # Due Friday 29 March. Qingming: off 4–6 April, Sunday 7 April working; so Monday
    # 8 April is the fifth working day after (1, 2, 3, 7, 8 April).
    assert "应于3月29日前办结。截至4月8日仍未办结，已逾期5个工作日。" in text
    assert "请抓紧办理，并于4月11日前报送办理情况。" in text


def test_a_year_without_a_calendar_is_told_on_the_page(client, setting):
    item, office, league = setting
    ActionItem.objects.filter(pk=item.pk).update(due_on=date(2000, 1, 3))
    client.force_login(office)

    page = client.get(reverse("actions:notice", args=[item.pk]))

    assert page.status_code == 503
    assert "2000" in page.content.decode()


def test_the_office_assigns_an_item_from_the_page(client, setting):
    item, office, league = setting
    client.force_login(office)

    page = client.post(
        reverse("actions:new"),
        {
            "meeting": item.decision.meeting.pk,
            "decision": "各盟市3月底前报送一季度项目开工情况",
            "title": "报送一季度项目开工情况",
            "lead_division": Division.objects.get(code="152200").pk,
            "assigned_on": "2024-03-18",
            "due_on": "2024-03-29",
        },
    )
    client.force_login(league)
    refused = client.post(
        reverse("actions:new"),
        {
            "title": "自己交办自己",
            "lead_division": Division.objects.get(code="152222").pk,
            "assigned_on": "2024-03-18",
            "due_on": "2024-03-29",
        },
    )

    created = ActionItem.objects.get(title="报送一季度项目开工情况")
    assert page.status_code == 302
    assert created.acknowledge_by == date(2024, 3, 20)
    assert created.decision.text == "各盟市3月底前报送一季度项目开工情况"
    assert created.decision.meeting == item.decision.meeting
    assert created.programme == item.programme
    assert refused.status_code == 400
    assert not ActionItem.objects.filter(title="自己交办自己").exists()


def test_an_item_amber_a_second_time_is_red(setting):
    item, office, league = setting
    region = Division.objects.get(code="150000")
    action_item_acknowledge(item=item, on=date(2024, 3, 5), acting_user=league)

    # Amber three working days before 29 March; then the due date moves and it is
    # green again; when it nears the new date it is amber a second time: red.
    lights_record(divisions=[region], as_of=date(2024, 3, 26), acting_user=office)
    ActionItem.objects.filter(pk=item.pk).update(due_on=date(2024, 4, 30))
    lights_record(divisions=[region], as_of=date(2024, 4, 1), acting_user=office)
    second = digest_for(league, as_of=date(2024, 4, 26))

    assert list(
        LightChange.objects.filter(subject="item", subject_id=item.pk).values_list(
            "observed_on", "light"
        )
    ) == [(date(2024, 3, 26), Light.AMBER), (date(2024, 4, 1), Light.GREEN)]
    assert [
        (line.light, line.reason.startswith("Red: amber for the second time.")) for line in second
    ] == [(Light.RED, True)]
