from django.contrib import admin

from luodi.core.admin import DivisionScopedAdmin

from .models import Event
from .services import event_save


@admin.register(Event)
class EventAdmin(DivisionScopedAdmin):
    service = staticmethod(event_save)
    service_instance_kwarg = "event"
    action_prefix = "actions.event"
    division_lookup = "divisions"
    divisionless_is_shared = True  # an event with no division concerns the whole campaign
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
