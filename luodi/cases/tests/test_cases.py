"""Cases on working-day clocks, and the public intake."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as WordDocument

from luodi.cases.choices import CaseKind, CaseStatus, Outcome
from luodi.cases.models import Case, CaseType
from luodi.cases.selectors import on_time_rates
from luodi.cases.services import (
    case_advance,
    case_decide,
    case_extend,
    case_pause,
    case_resume,
    case_status_check,
    case_submit,
    case_type_save,
    window_save,
)
from luodi.core.models import AuditEvent
from luodi.demo.services import task_force_group_ensure
from luodi.divisions.choices import Role
from luodi.divisions.models import Division


@pytest.fixture
def window(inner_mongolia):
    complaint, _ = case_type_save(
        code="integrity-complaint",
        name="诚信建设投诉",
        kind=CaseKind.COMPLAINT,
        limit_working_days=15,
        steps=["受理", "调查处理", "答复"],
        acting_user=None,
    )
    repair, _ = case_type_save(
        code="credit-repair",
        name="信用修复申请",
        kind=CaseKind.CREDIT_REPAIR,
        limit_working_days=10,
        materials="信用修复申请书\n已履行法定义务的证明材料",
        steps=["材料接收", "受理决定", "审查", "修复决定"],
        acting_user=None,
    )
    saved, _ = window_save(
        code="ulanqab-city",
        name="乌兰察布市本级政务服务中心诚信建设投诉窗口",
        division=Division.objects.get(code="150900"),
        case_types=[complaint, repair],
        acting_user=None,
    )
    return saved


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def submit(window, received_on=date(2024, 2, 8)):
    return case_submit(
        case_type=window.case_types.get(code="integrity-complaint"),
        window=window,
        applicant="张三",
        contact="13800000000",
        subject="某企业拖欠工程款",
        description="详见材料",
        received_on=received_on,
    )


def test_the_clock_pauses_and_extends_once_in_working_days(window, make_user):
    clerk = make_user("window-clerk", "150900", Role.REPORTER)
    case, _secret = submit(window)

    # 8 February + 15 working days, across Spring Festival (10–17 Feb off, Sunday 18 Feb
    # working): 9, 18–23, 26–29 February, 1, 4, 5, 6 March.
    assert case.due_on == date(2024, 3, 6)
    case = case_pause(case=case, on=date(2024, 2, 19), reason="补充合同复印件", acting_user=clerk)
    case = case_resume(case=case, on=date(2024, 2, 22), acting_user=clerk)
    # Paused over 20, 21 and 22 February: three working days later.
    assert (case.paused_working_days, case.due_on) == (3, date(2024, 3, 11))
    case = case_extend(case=case, working_days=5, reason="涉及多个部门", acting_user=clerk)
    assert case.due_on == date(2024, 3, 18)
    with pytest.raises(ValidationError) as twice:
        case_extend(case=case, working_days=5, reason="再次延期", acting_user=clerk)
    assert twice.value.message_dict == {"extension": ["A case can be extended only once."]}
    case = case_advance(case=case, acting_user=clerk)
    case = case_decide(
        case=case,
        outcome=Outcome.ANSWERED,
        reason="已督促企业支付",
        on=date(2024, 3, 12),
        acting_user=clerk,
    )

    assert (case.status, case.step.name, case.decided_on <= case.due_on) == (
        CaseStatus.DECIDED,
        "答复",
        True,
    )
    assert list(
        AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="cases.case.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "cases.case.submitted",
        "cases.case.paused",
        "cases.case.resumed",
        "cases.case.extended",
        "cases.case.advanced",
        "cases.case.decided",
    ]


def test_a_refusal_needs_reasons_and_another_window_may_not_act(window, make_user):
    case, _secret = submit(window)
    stranger = make_user("baotou-clerk", "150200", Role.REPORTER)
    clerk = make_user("window-clerk", "150900", Role.REPORTER)

    with pytest.raises(PermissionDenied):
        case_decide(
            case=case,
            outcome=Outcome.REFUSED,
            reason="x",
            on=date(2024, 2, 9),
            acting_user=stranger,
        )
    with pytest.raises(ValidationError) as no_reason:
        case_decide(
            case=case, outcome=Outcome.REFUSED, reason=" ", on=date(2024, 2, 9), acting_user=clerk
        )

    assert no_reason.value.message_dict == {"outcome_reason": ["A refusal gives its reasons."]}
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_citizen_files_a_complaint_and_checks_it_with_the_secret(client, window):
    form = {
        "case_type": window.case_types.get(code="integrity-complaint").pk,
        "window": window.pk,
        "applicant": "李四",
        "contact": "13900000000",
        "subject": "商家虚假宣传",
        "description": "购买的商品与宣传不符",
        "attachment": SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", "application/pdf"),
        "website": "",
    }

    received = client.post(reverse("public_cases:new"), form)
    number, secret = received.context["case"].tracking_number, received.context["secret"]
    wrong = client.post(
        reverse("public_cases:status"), {"tracking_number": number, "secret": secret + "x"}
    )
    right = client.post(
        reverse("public_cases:status"), {"tracking_number": number, "secret": secret}
    )

    assert received.status_code == 200
    assert wrong.status_code == 404
    assert wrong.context["case"] is None
    assert "商家虚假宣传" not in wrong.content.decode()
    assert right.status_code == 200
    assert right.context["case"].subject == "商家虚假宣传"
    assert "受理" in right.content.decode()
    stored = Case.objects.get()
    assert stored.secret_hash != secret and stored.attachment_name == "发票.pdf"
    assert case_status_check(tracking_number=number.lower(), secret=secret) == stored


def test_robots_bad_files_and_floods_are_refused_and_nothing_is_kept(client, window):
    form = {
        "case_type": window.case_types.get(code="integrity-complaint").pk,
        "window": window.pk,
        "applicant": "王五",
        "contact": "13700000000",
        "subject": "测试",
        "description": "测试",
    }

    robot = client.post(reverse("public_cases:new"), {**form, "website": "http://spam"})
    bad_file = client.post(
        reverse("public_cases:new"),
        {
            **form,
            "attachment": SimpleUploadedFile("a.exe", b"MZ\x90\x00", "application/octet-stream"),
        },
    )
    flood = [client.post(reverse("public_cases:new"), {**form, "website": "x"}) for _ in range(4)]

    assert robot.status_code == 400
    assert bad_file.status_code == 400
    assert "a.exe" in bad_file.content.decode()
    assert [r.status_code for r in flood] == [400, 400, 400, 429]
    assert not Case.objects.exists()


def test_on_time_rates_by_window_division_and_type(window, make_user):
    clerk = make_user("window-clerk", "150900", Role.REPORTER)
    late, _s = submit(window, received_on=date(2024, 3, 1))
    prompt, _s = submit(window, received_on=date(2024, 3, 1))
    submit(window, received_on=date(2024, 3, 1))  # still open: not counted
    for case, day in [(late, date(2024, 4, 30)), (prompt, date(2024, 3, 5))]:
        case_decide(case=case, outcome=Outcome.ANSWERED, reason="", on=day, acting_user=clerk)

    ulanqab = Division.objects.filter(code__startswith="1509")
    rates = {
        by: [(r.key, r.decided, r.in_time, r.rate) for r in on_time_rates(divisions=ulanqab, by=by)]
        for by in ["window", "division", "case_type"]
    }

    assert rates == {
        "window": [("ulanqab-city", 2, 1, 0.5)],
        "division": [("150900", 2, 1, 0.5)],
        "case_type": [("integrity-complaint", 2, 1, 0.5)],
    }
    assert on_time_rates(divisions=Division.objects.filter(code="150200"), by="window") == []


def test_the_window_staff_handle_a_case_and_the_applicant_gets_a_letter(client, window, make_user):
    clerk = make_user("window-clerk", "150900", Role.REPORTER)
    case, _secret = submit(window)
    url = reverse("cases:case", args=[case.pk])
    client.force_login(make_user("baotou", "150200", Role.TASK_FORCE))
    outside = client.get(url)
    client.force_login(clerk)

    client.post(url, {"step": "advance"})
    client.post(url, {"step": "decide", "outcome": "answered", "note": "已责令企业整改"})
    letter = client.get(reverse("cases:letter", args=[case.pk]))

    case.refresh_from_db()
    assert outside.status_code == 404
    assert (case.status, case.step.name, case.outcome) == (CaseStatus.DECIDED, "答复", "answered")
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(letter.content)).paragraphs)
    assert text.startswith(f"投诉答复书\n编号：{case.tracking_number}\n张三：")
    assert "经调查处理，现答复如下：已责令企业整改" in text


def test_the_office_sets_up_a_case_type_with_its_steps_in_the_admin(
    client, inner_mongolia, make_user
):
    office = make_user("office", "150000", Role.TASK_FORCE, is_staff=True)
    office.groups.add(task_force_group_ensure())
    client.force_login(office)

    response = client.post(
        "/admin/cases/casetype/add/",
        {
            "code": "consumer-complaint",
            "name": "消费投诉",
            "kind": "complaint",
            "limit_working_days": "7",
            "materials": "",
            "steps": "受理\n处理\n\n答复\n",
            "loaded_version": "",
        },
    )

    assert response.status_code == 302
    saved = CaseType.objects.get(code="consumer-complaint")
    assert [s.name for s in saved.steps.all()] == ["受理", "处理", "答复"]


def test_a_paused_case_must_be_resumed_before_it_is_decided(window, make_user):
    clerk = make_user("window-clerk", "150900", Role.REPORTER)
    case, _secret = submit(window)
    case = case_pause(case=case, on=date(2024, 2, 19), reason="补充材料", acting_user=clerk)

    with pytest.raises(ValidationError) as refused:
        case_decide(
            case=case, outcome=Outcome.ANSWERED, reason="", on=date(2024, 2, 20), acting_user=clerk
        )

    assert refused.value.message_dict == {"status": ["The case is paused: resume it first."]}
    case.refresh_from_db()
    assert (case.status, case.decided_on) == (CaseStatus.PAUSED, None)


def test_the_steps_of_a_type_in_use_do_not_change(window):
    complaint = window.case_types.get(code="integrity-complaint")
    submit(window)

    with pytest.raises(ValidationError) as refused:
        case_type_save(
            case_type=complaint,
            code=complaint.code,
            name=complaint.name,
            kind=complaint.kind,
            limit_working_days=15,
            steps=["受理", "答复"],
            acting_user=None,
        )

    assert "steps" in refused.value.message_dict
    assert [s.name for s in complaint.steps.all()] == ["受理", "调查处理", "答复"]


def test_the_limit_counts_the_citizen_behind_the_proxy_and_refuses_huge_bodies(
    client, window, settings
):
    settings.LUODI_PROXY_HOPS = 1
    form = {"website": "x"}

    def post(address, **extra):
        return client.post(
            reverse("public_cases:new"), form, HTTP_X_FORWARDED_FOR=address, **extra
        ).status_code

    first = [post("203.0.113.7") for _ in range(6)]
    other = post("203.0.113.8")
    huge = post("203.0.113.9", CONTENT_LENGTH=str(50 * 1024 * 1024))

    assert first == [400, 400, 400, 400, 400, 429]
    assert other == 400
    assert huge == 413
    assert not Case.objects.exists()
