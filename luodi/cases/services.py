"""Writes of the cases app: the office's calendar corrections."""

from datetime import date
from typing import Any

from luodi.core.services import record_save

from .models import CalendarDay, CalendarYear


def calendar_day_save(
    *,
    calendar_day: CalendarDay | None = None,
    day: date,
    is_working: bool,
    note: str = "",
    acting_user: Any,
) -> tuple[CalendarDay, dict]:
    """Say whether a day is a working day, over the official-calendar package."""
    return record_save(
        instance=calendar_day or CalendarDay.objects.filter(day=day).first() or CalendarDay(),
        fields={"day": day, "is_working": is_working, "note": note},
        acting_user=acting_user,
        action_prefix="cases.calendar_day",
    )


def calendar_year_save(
    *, calendar_year: CalendarYear | None = None, year: int, source: str, acting_user: Any
) -> tuple[CalendarYear, dict]:
    """Declare a year's holidays and make-up working days entered completely."""
    return record_save(
        instance=calendar_year or CalendarYear.objects.filter(year=year).first() or CalendarYear(),
        fields={"year": year, "source": source},
        acting_user=acting_user,
        action_prefix="cases.calendar_year",
    )
