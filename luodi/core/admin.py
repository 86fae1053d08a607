"""Admin building blocks: writes through services, querysets scoped to the
user's divisions, and a read-only audit log."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from luodi.divisions.models import Division
from luodi.divisions.permissions import (
    can_edit,
    can_edit_campaign_wide,
    sees_everything,
    visible_divisions,
)

from .models import AuditEvent
from .services import record_delete

admin.site.site_header = _("luodi administration")
admin.site.site_title = _("luodi")
admin.site.index_title = _("Lists kept by the task-force office")


class ServiceAdmin(SimpleHistoryAdmin):
    """Every save and delete from the admin goes through the app's services.

    `service` is the app's save function; it gets the form's cleaned data as
    keyword arguments, the record under `service_instance_kwarg`, and the user.
    """

    service: Callable[..., Any]
    service_instance_kwarg: str
    action_prefix: str

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        self.service(**{self.service_instance_kwarg: obj}, **data, acting_user=request.user)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were written by the service; only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # Records outside the division tree are kept by the top-level office only.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_edit_campaign_wide(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_campaign_wide(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_campaign_wide(request.user)

    def delete_model(self, request, obj):
        record_delete(instance=obj, acting_user=request.user, action_prefix=self.action_prefix)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class DivisionScopedAdmin(ServiceAdmin):
    """Shows only records in the user's subtree; edits need `can_edit` there.

    `division_lookup` is the path from the record to its division(s).
    """

    division_lookup: str = "division"

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        visible = visible_divisions(request.user)
        return queryset.filter(**{f"{self.division_lookup}__in": visible}).distinct()

    def record_divisions(self, obj) -> list[Division]:
        related = getattr(obj, self.division_lookup)
        if isinstance(related, Division):
            return [related]
        return list(related.all()) if obj.pk else []

    def may_edit(self, request, obj) -> bool:
        divisions = self.record_divisions(obj)
        if not divisions:
            return can_edit_campaign_wide(request.user)
        return any(can_edit(request.user, division) for division in divisions)

    def has_add_permission(self, request):
        return admin.ModelAdmin.has_add_permission(self, request) and (
            sees_everything(request.user) or visible_divisions(request.user).exists()
        )

    def has_change_permission(self, request, obj=None):
        allowed = admin.ModelAdmin.has_change_permission(self, request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = admin.ModelAdmin.has_delete_permission(self, request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def _scope(self, request, db_field, kwargs):
        if db_field.related_model is Division:
            kwargs["queryset"] = visible_divisions(request.user).active()
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scope(request, db_field, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scope(request, db_field, kwargs)
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "object_repr", "actor"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "action", "object_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
