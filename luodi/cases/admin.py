from django.contrib import admin

from luodi.core.admin import ServiceAdmin

from .models import CalendarDay, CalendarYear
from .services import calendar_day_save, calendar_year_save


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceAdmin):
    """Shared by every campaign: kept by top-level editors."""

    service = staticmethod(calendar_day_save)
    service_instance_kwarg = "calendar_day"
    action_prefix = "cases.calendar_day"
    list_display = ["day", "is_working", "note"]
    list_filter = ["is_working"]
    date_hierarchy = "day"
    fields = ["day", "is_working", "note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ServiceAdmin):
    service = staticmethod(calendar_year_save)
    service_instance_kwarg = "calendar_year"
    action_prefix = "cases.calendar_year"
    list_display = ["year", "source"]
    fields = ["year", "source"]
