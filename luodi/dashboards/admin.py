from django.contrib import admin

from luodi.plan.admin import CampaignScopedAdmin

from .models import LightRule
from .services import light_rule_save


@admin.register(LightRule)
class LightRuleAdmin(CampaignScopedAdmin):
    service = staticmethod(light_rule_save)
    service_instance_kwarg = "rule"
    action_prefix = "dashboards.light_rule"
    list_display = [
        "__str__",
        "indicator_amber_points",
        "indicator_red_points",
        "project_red_months",
        "policy_red_days",
    ]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]
    fields = [
        "campaign",
        "programme",
        "indicator_amber_points",
        "indicator_red_points",
        "project_amber_months",
        "project_red_months",
        "policy_amber_days",
        "policy_red_days",
        "item_amber_working_days",
    ]
    list_select_related = ["campaign", "programme"]
