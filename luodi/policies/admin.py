from django.contrib import admin

from luodi.plan.admin import CampaignScopedAdmin

from .models import Policy
from .services import policy_save


@admin.register(Policy)
class PolicyAdmin(CampaignScopedAdmin):
    campaign_lookup = "programme__campaign"
    service = staticmethod(policy_save)
    service_instance_kwarg = "policy"
    action_prefix = "policies.policy"
    list_display = ["code", "title", "status", "planned_on", "issued_on", "programme", "is_sample"]
    list_filter = [
        "status",
        ("programme", admin.RelatedOnlyFieldListFilter),
        "issuing_departments__kind",
        "is_sample",
    ]
    search_fields = ["code", "title", "document_number", "issuing_departments__name"]
    date_hierarchy = "planned_on"
    fields = [
        "code",
        "title",
        "document_number",
        "programme",
        "issuing_departments",
        "status",
        "planned_on",
        "due_on",
        "issued_on",
        "is_sample",
        "note",
    ]
    filter_horizontal = ["issuing_departments"]
    list_select_related = ["programme"]
