from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from luodi.core.models import AuditEvent
from luodi.projects.choices import Phase
from luodi.projects.models import Project
from luodi.projects.selectors import projects_as_of
from luodi.projects.services import project_save, project_start


@pytest.fixture
def data_centre(programme, division):
    project, _ = project_save(
        code="ccb-dc",
        name="数据中心项目",
        programme=programme,
        divisions=[division("150123")],
        total_investment=Decimal("10000000000"),
        listed_on=date(2024, 1, 31),
        expected_start_year=2024,
        acting_user=None,
    )
    return project


def test_a_negative_investment_is_refused_and_nothing_saved(programme, division):
    with pytest.raises(ValidationError) as refused:
        project_save(
            code="bad",
            name="负投资项目",
            programme=programme,
            divisions=[division("150123")],
            total_investment=Decimal("-1"),
            listed_on=date(2024, 1, 31),
            acting_user=None,
        )

    assert "total_investment" in refused.value.message_dict
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="projects.").exists()


def test_a_project_needs_a_division(programme):
    with pytest.raises(ValidationError) as refused:
        project_save(
            code="nowhere",
            name="无区划项目",
            programme=programme,
            divisions=[],
            total_investment=Decimal(1),
            listed_on=date(2024, 1, 31),
            acting_user=None,
        )

    assert "divisions" in refused.value.message_dict
    assert Project.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="projects.").exists()


def test_a_project_in_pre_construction_cannot_carry_a_start_date(programme, division):
    with pytest.raises(ValidationError) as refused:
        project_save(
            code="odd",
            name="项目",
            programme=programme,
            divisions=[division("150123")],
            total_investment=Decimal(1),
            listed_on=date(2024, 1, 31),
            started_on=date(2024, 2, 1),
            acting_user=None,
        )

    assert "started_on" in refused.value.message_dict
    assert Project.objects.count() == 0


def test_the_phase_on_a_past_date_comes_from_the_dated_milestones(data_centre):
    project_start(project=data_centre, started_on=date(2024, 3, 18), acting_user=None)

    def phase_on(day):
        return projects_as_of(day).get(pk=data_centre.pk).phase_as_of

    assert phase_on(date(2024, 3, 17)) == Phase.PRE_CONSTRUCTION
    assert phase_on(date(2024, 3, 18)) == Phase.STARTED
    assert not projects_as_of(date(2024, 1, 30)).filter(pk=data_centre.pk).exists()
    event = AuditEvent.objects.get(action="projects.project.started")
    assert event.changes == {
        "phase": ["pre_construction", "started"],
        "started_on": [None, "2024-03-18"],
    }


def test_a_started_project_cannot_start_again(data_centre):
    project_start(project=data_centre, started_on=date(2024, 3, 18), acting_user=None)

    with pytest.raises(ValidationError):
        project_start(project=data_centre, started_on=date(2024, 4, 1), acting_user=None)

    data_centre.refresh_from_db()
    assert data_centre.started_on == date(2024, 3, 18)
    assert AuditEvent.objects.filter(action="projects.project.started").count() == 1
