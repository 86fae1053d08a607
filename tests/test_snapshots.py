"""The kept copy of a data set (tests/snapshots.py) that tests asking for the
demo get instead of a fresh load: it must hold exactly what the services
wrote, and load again whenever it could not."""

import pytest
from django.db import transaction

from luodi.core.models import AuditEvent
from luodi.divisions.choices import DepartmentKind
from luodi.divisions.models import Department
from luodi.divisions.services import department_save
from luodi.plan.models import Unit
from tests.snapshots import KeptLoad, table_rows


class Loads:
    """A load through the services that counts how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self):
        self.runs += 1
        for name in ("国家发展改革委", "财政部"):
            department_save(name=name, kind=DepartmentKind.NATIONAL_MINISTRY, acting_user=None)


def written() -> dict:
    return {
        model: table_rows(model) for model in (Department, Department.history.model, AuditEvent)
    }


def loaded_then_undone(kept: KeptLoad) -> dict:
    """Runs `kept` in a transaction that is rolled back; what it wrote."""
    with transaction.atomic():
        kept()
        rows = written()
        transaction.set_rollback(True)
    return rows


def test_a_copy_holds_the_rows_the_load_wrote_ids_and_times_included(db):
    load = Loads()
    kept = KeptLoad(load)
    first = loaded_then_undone(kept)
    assert written() == {model: {} for model in first}

    kept()

    assert load.runs == 1
    assert written() == first
    assert sorted(d.name for d in Department.objects.all()) == ["国家发展改革委", "财政部"]
    assert [len(rows) for rows in first.values()] == [2, 2, 2]
    # Ids go on after the copied ones.
    later, _ = department_save(
        name="科技部", kind=DepartmentKind.NATIONAL_MINISTRY, acting_user=None
    )
    assert later.pk > max(first[Department])


def test_a_changed_base_is_loaded_again_not_copied(db):
    load = Loads()
    kept = KeptLoad(load)
    loaded_then_undone(kept)
    Unit.objects.filter(symbol="万亩").update(name="万亩（改）")

    kept()

    assert load.runs == 2
    assert Department.objects.count() == 2


def test_a_row_written_before_asking_makes_the_copy_unfit_and_the_load_runs_again(db):
    load = Loads()
    kept = KeptLoad(load)
    loaded_then_undone(kept)
    department_save(name="科技部", kind=DepartmentKind.NATIONAL_MINISTRY, acting_user=None)

    kept()

    assert load.runs == 2
    assert sorted(d.name for d in Department.objects.all()) == [
        "国家发展改革委",
        "科技部",
        "财政部",
    ]


def test_after_a_flush_the_base_is_put_back_under_its_ids(db):
    load = Loads()
    kept = KeptLoad(load)
    loaded_then_undone(kept)
    units = table_rows(Unit)
    Unit.objects.all().delete()  # as a live-server test's flush leaves it

    kept(after_flush=True)

    assert load.runs == 1
    assert table_rows(Unit) == units
    assert Department.objects.count() == 2


def test_a_load_that_changes_a_row_it_found_is_refused(db):
    def renames_a_unit():
        Unit.objects.filter(symbol="万亩").update(name="万亩（改）")

    with pytest.raises(AssertionError, match="changed or removed rows .* in plan.Unit"):
        KeptLoad(renames_a_unit)()
