from django.contrib import admin
from django.db.models import Q

from luodi.core.admin import DivisionScopedAdmin
from luodi.plan.admin import PlanChoicesMixin, user_campaigns

from .models import Event
from .services import event_save


@admin.register(Event)
class EventAdmin(PlanChoicesMixin, DivisionScopedAdmin):
    service = staticmethod(event_save)
    service_instance_kwarg = "event"
    action_prefix = "actions.event"
    division_lookup = "divisions"
    divisionless_is_shared = True  # an event with no division concerns the whole campaign

    def scope_filter(self, request, visible):
        # An event without divisions is shared, but only within its campaign.
        return Q(divisions__in=visible) | Q(
            divisions__isnull=True, programme__campaign__in=user_campaigns(request)
        )

    def may_view(self, request, obj) -> bool:
        campaign_id = obj.programme.campaign_id if obj.programme_id else None
        if campaign_id and not user_campaigns(request).filter(pk=campaign_id).exists():
            return False
        return super().may_view(request, obj)

    list_display = ["starts_on", "ends_on", "kind", "title", "programme", "date_is_approximate"]
    list_filter = ["kind", ("programme", admin.RelatedOnlyFieldListFilter), "date_is_approximate"]
    search_fields = ["code", "title", "summary"]
    date_hierarchy = "starts_on"
    fields = [
        "code",
        "kind",
        "title",
        "starts_on",
        "ends_on",
        "date_is_approximate",
        "programme",
        "divisions",
        "departments",
        "summary",
    ]
    filter_horizontal = ["divisions", "departments"]
    list_select_related = ["programme"]
