from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luodi.core.admin import DivisionScopedAdmin, ServiceAdmin, VersionedModelForm

from .models import CalendarDay, CalendarYear, CaseType, Window
from .services import calendar_day_save, calendar_year_save, case_type_save, window_save


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


class CaseTypeForm(VersionedModelForm):
    steps = forms.CharField(
        label=_("steps"), widget=forms.Textarea, help_text=_("One step per line, in order.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["steps"].initial = "\n".join(s.name for s in self.instance.steps.all())

    def clean_steps(self):
        return [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]


@admin.register(CaseType)
class CaseTypeAdmin(ServiceAdmin):
    """Case types are shared by every campaign: kept by top-level editors."""

    form = CaseTypeForm
    service = staticmethod(case_type_save)
    service_instance_kwarg = "case_type"
    action_prefix = "cases.case_type"
    list_display = ["name", "kind", "limit_working_days"]
    fields = ["code", "name", "kind", "limit_working_days", "materials", "steps"]


@admin.register(Window)
class WindowAdmin(DivisionScopedAdmin):
    service = staticmethod(window_save)
    service_instance_kwarg = "window"
    action_prefix = "cases.window"
    list_display = ["name", "division", "is_active"]
    list_filter = ["is_active", ("case_types", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "division__name"]
    fields = ["code", "name", "division", "case_types", "is_active"]
    filter_horizontal = ["case_types"]
    list_select_related = ["division"]
