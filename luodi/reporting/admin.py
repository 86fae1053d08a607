from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from luodi.core.admin import VERSION_FIELD, ServiceAdmin
from luodi.plan.admin import CampaignScopedAdmin

from .models import Assignment, Period
from .services import assignment_save, period_open, period_open_check


@admin.register(Period)
class PeriodAdmin(ServiceAdmin):
    """Periods are shared by every campaign: opened by top-level editors, and
    never changed once open (reports hang on them)."""

    service = staticmethod(period_open)
    service_instance_kwarg = "period"
    action_prefix = "reporting.period"
    list_display = ["code", "frequency", "starts_on", "ends_on"]
    list_filter = ["frequency"]
    search_fields = ["code"]

    def may_edit(self, request, obj) -> bool:
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["frequency", "starts_on", VERSION_FIELD]
        return ["code", "frequency", "starts_on", "ends_on"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["labels"] = {"starts_on": _("Any day in the period")}
            kwargs["help_texts"] = {
                "starts_on": _("The period's code, first and last day are worked out from it.")
            }
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class OpenPeriodForm(form):
            def clean(self):
                cleaned = super().clean()
                if cleaned.get("frequency") and cleaned.get("starts_on"):
                    period_open_check(
                        frequency=cleaned["frequency"], starts_on=cleaned["starts_on"]
                    )
                return cleaned

        return OpenPeriodForm


@admin.register(Assignment)
class AssignmentAdmin(CampaignScopedAdmin):
    service = staticmethod(assignment_save)
    service_instance_kwarg = "assignment"
    action_prefix = "reporting.assignment"
    campaign_lookup = "indicator__programme__campaign"
    list_display = ["indicator", "level", "frequency", "closes_after_days", "parent_check"]
    list_filter = ["level", "frequency", ("indicator", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["indicator__name", "indicator__code"]
    fields = [
        "indicator",
        "level",
        "frequency",
        "closes_after_days",
        "minimum",
        "maximum",
        "comment_above_target_factor",
        "parent_check",
    ]
    list_select_related = ["indicator"]
