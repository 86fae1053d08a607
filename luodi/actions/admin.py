from django.contrib import admin
from django.db.models import Q

from luodi.core.admin import DivisionScopedAdmin
from luodi.divisions.permissions import sees_everything, visible_divisions

from .models import Event
from .services import event_save


@admin.register(Event)
class EventAdmin(DivisionScopedAdmin):
    service = staticmethod(event_save)
    service_instance_kwarg = "event"
    action_prefix = "actions.event"
    division_lookup = "divisions"
    list_display = ["starts_on", "ends_on", "kind", "title", "programme", "date_is_approximate"]
    list_filter = ["kind", "programme", "date_is_approximate"]
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

    def get_queryset(self, request):
        # Events with no division concern the whole campaign and are seen by all.
        queryset = super(DivisionScopedAdmin, self).get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(
            Q(divisions__isnull=True) | Q(divisions__in=visible_divisions(request.user))
        ).distinct()
