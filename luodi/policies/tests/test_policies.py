from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from luodi.core.models import AuditEvent
from luodi.policies.choices import PolicyStatus
from luodi.policies.models import Policy
from luodi.policies.services import policy_issue, policy_save


@pytest.fixture
def planned_policy(programme, ministry):
    policy, _ = policy_save(
        code="p-01",
        title="支持内蒙古配套政策",
        programme=programme,
        issuing_departments=[ministry],
        planned_on=date(2024, 1, 10),
        acting_user=None,
    )
    return policy


def test_a_policy_issued_before_it_was_planned_is_refused(programme, ministry):
    with pytest.raises(ValidationError) as refused:
        policy_save(
            code="p-02",
            title="早于计划出台的政策",
            programme=programme,
            issuing_departments=[ministry],
            planned_on=date(2024, 2, 1),
            status=PolicyStatus.ISSUED,
            issued_on=date(2024, 1, 31),
            acting_user=None,
        )

    assert refused.value.message_dict["issued_on"] == [
        "Issued on 2024-01-31, before it was planned on 2024-02-01."
    ]
    assert Policy.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="policies.").exists()


def test_a_policy_needs_an_issuing_department(programme):
    with pytest.raises(ValidationError) as refused:
        policy_save(
            code="p-03",
            title="无部门",
            programme=programme,
            issuing_departments=[],
            planned_on=date(2024, 1, 1),
            acting_user=None,
        )

    assert "issuing_departments" in refused.value.message_dict
    assert Policy.objects.count() == 0


def test_issuing_a_policy_is_audited_and_its_earlier_state_kept(planned_policy, make_user):
    clerk = make_user("clerk", "150000")
    before_issue = timezone.now()

    policy = policy_issue(
        policy=planned_policy,
        issued_on=date(2024, 3, 1),
        document_number="发改〔2024〕1号",
        acting_user=clerk,
    )

    assert policy.status == PolicyStatus.ISSUED
    event = AuditEvent.objects.get(action="policies.policy.issued")
    assert event.actor == clerk
    assert event.changes == {
        "status": ["planned", "issued"],
        "issued_on": [None, "2024-03-01"],
        "document_number": ["", "发改〔2024〕1号"],
    }
    then = policy.history.as_of(before_issue)
    assert then.status == PolicyStatus.PLANNED
    assert then.issued_on is None


def test_a_policy_cannot_be_issued_twice(planned_policy):
    policy_issue(policy=planned_policy, issued_on=date(2024, 3, 1), acting_user=None)
    audits = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        policy_issue(policy=planned_policy, issued_on=date(2024, 3, 5), acting_user=None)

    planned_policy.refresh_from_db()
    assert planned_policy.issued_on == date(2024, 3, 1)
    assert AuditEvent.objects.count() == audits


def test_saving_unchanged_values_writes_nothing(planned_policy, ministry, programme):
    audits = AuditEvent.objects.count()
    versions = planned_policy.history.count()

    _policy, changes = policy_save(
        policy=planned_policy,
        code="p-01",
        title="支持内蒙古配套政策",
        programme=programme,
        issuing_departments=[ministry],
        planned_on=date(2024, 1, 10),
        acting_user=None,
    )

    assert changes == {}
    assert AuditEvent.objects.count() == audits
    assert planned_policy.history.count() == versions
