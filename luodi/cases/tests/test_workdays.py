"""Working days on the official calendar: Spring Festival and National Day
2024 with their make-up working days, and a year the package lacks."""

from datetime import date

import pytest

from luodi.cases.services import calendar_day_save, calendar_year_save
from luodi.cases.workdays import CalendarNotCovered, WorkingCalendar
from luodi.core.models import AuditEvent


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        # Spring Festival 2024: off 10–17 February, make-up working Sunday 18 February.
        (date(2024, 2, 8), 1, date(2024, 2, 9)),
        (date(2024, 2, 8), 2, date(2024, 2, 18)),
        (date(2024, 2, 8), 5, date(2024, 2, 21)),
        # Make-up working Sunday 4 February, before the holiday.
        (date(2024, 2, 3), 1, date(2024, 2, 4)),
        # A start on a holiday is not counted; the next working day is day 1.
        (date(2024, 2, 10), 1, date(2024, 2, 18)),
        # National Day 2024: make-up Sunday 29 September, off 1–7 October.
        (date(2024, 9, 27), 1, date(2024, 9, 29)),
        (date(2024, 9, 27), 3, date(2024, 10, 8)),
        # Make-up working Saturday 12 October.
        (date(2024, 10, 11), 1, date(2024, 10, 12)),
        # An ordinary week: Friday + 1 is Monday.
        (date(2024, 3, 15), 1, date(2024, 3, 18)),
        (date(2024, 3, 15), 0, date(2024, 3, 15)),
    ],
)
def test_working_days_count_from_the_day_after_the_start(db, start, count, due):
    calendar = WorkingCalendar()

    assert calendar.add_working_days(start, count) == due
    assert calendar.working_days_between(start, due) == count


def test_fifteen_working_days_across_national_day(db):
    calendar = WorkingCalendar()

    # 20 September + 15: 23–27, 29, 30 (7), 8–11 (11), 12 (Saturday, 12), 14–16 (15).
    assert calendar.add_working_days(date(2024, 9, 20), 15) == date(2024, 10, 16)


def test_a_year_the_calendar_lacks_is_an_error_that_says_what_to_enter(db):
    calendar = WorkingCalendar()

    with pytest.raises(CalendarNotCovered) as refused:
        calendar.add_working_days(date(2026, 12, 30), 3)

    assert refused.value.year == 2027
    assert "official calendar for 2027 is not known yet" in str(refused.value)


def test_the_office_enters_a_year_and_its_days(db):
    calendar_day_save(day=date(2027, 1, 1), is_working=False, note="元旦", acting_user=None)
    calendar_day_save(day=date(2027, 1, 2), is_working=True, note="调休上班", acting_user=None)
    calendar_year_save(year=2027, source="国务院办公厅通知（示例）", acting_user=None)
    calendar = WorkingCalendar()

    # 31 December 2026 (Thursday) + 1: 1 January off, 2 January (Saturday) working.
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 2)
    assert calendar.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert AuditEvent.objects.filter(action__startswith="cases.calendar_").count() == 3


def test_an_office_correction_wins_over_the_package(db):
    calendar_day_save(
        day=date(2024, 3, 18), is_working=False, note="例：临时停工", acting_user=None
    )

    assert WorkingCalendar().add_working_days(date(2024, 3, 15), 1) == date(2024, 3, 19)
