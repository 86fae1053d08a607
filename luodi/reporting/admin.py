from django.contrib import admin

from luodi.plan.admin import CampaignScopedAdmin

from .models import Assignment
from .services import assignment_save


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
