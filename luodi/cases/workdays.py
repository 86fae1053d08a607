"""Working days on the official calendar.

Holidays and make-up working days (调休) come from the `chinese-calendar`
package, corrected and extended by the office's `CalendarDay` rows. A year
the package does not cover is counted only once the office has declared it
complete (`CalendarYear`); otherwise it is an error that says what to enter.
The start day of a period is never counted, whatever kind of day it is.
"""

from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear


class CalendarNotCovered(Exception):
    """The official calendar of a year is unknown to luodi."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The official calendar for %(year)d is not known yet. Enter that year's "
                "holidays and make-up working days as calendar days, then declare the year "
                "entered in the admin's calendar years, or install a newer chinese-calendar."
            )
            % {"year": year}
        )


class WorkingCalendar:
    """The calendar as stored when it was made: overrides are read once."""

    def __init__(self) -> None:
        self.overrides = dict(CalendarDay.objects.values_list("day", "is_working"))
        self.entered_years = set(CalendarYear.objects.values_list("year", flat=True))

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.entered_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError as error:
            raise CalendarNotCovered(day.year) from error

    def add_working_days(self, start: date, count: int) -> date:
        """The day `count` working days after `start` (which is not counted)."""
        day, left = start, count
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


class CalendarNotCoveredMiddleware:
    """A page that needs a year's calendar luodi lacks says so, with what to
    enter, instead of failing: 503 until the office enters the year."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CalendarNotCovered):
            return None
        from django.shortcuts import render

        return render(request, "calendar_missing.html", {"message": str(exception)}, status=503)
