"""Admin building blocks. Every save and delete goes through a service; every
record is shown and edited only within the user's scope; an edit made on a
stale form is refused instead of overwriting someone else's change."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from luodi.divisions.models import Division
from luodi.divisions.permissions import (
    can_edit,
    can_edit_any,
    can_edit_campaign_wide,
    can_view,
    editable_divisions,
    sees_everything,
    visible_divisions,
)

from .models import AuditEvent
from .services import m2m_references, record_delete

admin.site.site_header = _("luodi administration")
admin.site.site_title = _("luodi")
admin.site.index_title = _("Lists kept by the task-force office")

VERSION_FIELD = "loaded_version"


class VersionedModelForm(forms.ModelForm):
    """Carries the record's `updated_at` as loaded, so a save on a stale form
    is refused rather than silently undoing a colleague's change."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[VERSION_FIELD].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin runs the whole request in one transaction: the lock holds
            # until the save commits, so two saves of the same version cannot both pass.
            stored = (
                type(self.instance)
                ._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if stored is None or stored.isoformat() != cleaned.get(VERSION_FIELD):
                raise ValidationError(
                    _(
                        "Someone else changed this record after you opened it. Reload the "
                        "page to see their change, then make yours again."
                    ),
                    code="stale",
                )
        return cleaned


class ServiceAdmin(SimpleHistoryAdmin):
    """Writes through the app's service; kept by top-level editors.

    `service` is the app's save function: it gets the form's cleaned data as
    keyword arguments, the record under `service_instance_kwarg`, and the user.
    Subclasses narrow who may see and edit by overriding the `may_*` hooks and
    `scope_error`.
    """

    service: Callable[..., Any]
    service_instance_kwarg: str
    action_prefix: str
    form = VersionedModelForm

    # Scope hooks.

    def may_view(self, request, obj) -> bool:
        return True

    def may_edit(self, request, obj) -> bool:
        return can_edit_campaign_wide(request.user)

    def may_add(self, request) -> bool:
        return can_edit_campaign_wide(request.user)

    def scope_error(self, request, cleaned_data: dict) -> str | None:
        """Why the user may not save a record with these values, if they may not."""
        return None

    # Django's permission checks, narrowed by the hooks.

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.may_view(request, obj))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self.may_add(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (self.may_add(request) if obj is None else self.may_edit(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (self.may_add(request) if obj is None else self.may_edit(request, obj))

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), VERSION_FIELD]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ScopedForm(base):
            def clean(self):
                cleaned = super().clean()
                message = model_admin.scope_error(request, cleaned)
                if message:
                    raise ValidationError(message, code="out_of_scope")
                return cleaned

        return ScopedForm

    # Outside one's scope a record does not exist: 404, never 403, so that its
    # existence is not leaked.

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _reachable(self, request, object_id) -> bool:
        """In the user's list, or (once deleted) viewable in its last version."""
        if self._in_scope(request, object_id):
            return True
        history = getattr(self.model, "history", None)
        if history is None or not str(object_id).isdigit():
            return False
        last = history.filter(id=object_id).order_by("-history_date").first()
        return last is not None and self.has_view_permission(request, last.instance)

    def _in_scope(self, request, object_id) -> bool:
        try:
            return self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):
            return False  # not even a valid key

    def _in_scope_or_404(self, request, object_id) -> None:
        if not self._in_scope(request, unquote(object_id)):
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Django checks the permission before it looks the record up: look first.
        self._in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not self._reachable(request, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._reachable(request, unquote(object_id)):
            raise Http404
        # Reverting a record from its history would write around the services.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Many-to-many links would vanish with the record and leave records that
        # depend on it unaudited (a project without its division): refuse instead.
        for obj in objs:
            protected.extend(str(other) for other in m2m_references(obj))
        return deleted, model_count, perms_needed, protected

    # Writes.

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in form.cleaned_data.items() if name != VERSION_FIELD}
        self.service(**{self.service_instance_kwarg: obj}, **data, acting_user=request.user)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were written by the service; only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        record_delete(instance=obj, acting_user=request.user, action_prefix=self.action_prefix)

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        # The bulk action checks each object too; this keeps the rule in one place.
        if not all(self.has_delete_permission(request, obj) for obj in objects):
            raise PermissionDenied
        for obj in objects:
            self.delete_model(request, obj)


class DivisionScopedAdmin(ServiceAdmin):
    """Records that lie in divisions: seen within the user's subtree, edited
    only where the user may edit every one of the record's divisions.

    `division_lookup` is the field holding the record's division(s).
    """

    division_lookup: str = "division"
    # Whether a record with no division concerns everyone (events do).
    divisionless_is_shared: bool = False

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        # A subquery rather than a join, so counts annotated on the list are not
        # multiplied by the number of divisions a record lies in.
        in_scope = self.model._default_manager.filter(
            self.scope_filter(request, visible_divisions(request.user))
        )
        return queryset.filter(pk__in=in_scope.values("pk"))

    def scope_filter(self, request, visible: QuerySet[Division]) -> Q:
        condition = Q(**{f"{self.division_lookup}__in": visible})
        if self.divisionless_is_shared:
            condition |= Q(**{f"{self.division_lookup}__isnull": True})
        return condition

    def record_divisions(self, obj) -> list[Division]:
        related = getattr(obj, self.division_lookup)
        if related is None or isinstance(related, Division):
            return [related] if related else []
        return list(related.all()) if obj.pk else []

    def may_view(self, request, obj) -> bool:
        divisions = self.record_divisions(obj)
        if not divisions:
            return self.divisionless_is_shared or can_edit_campaign_wide(request.user)
        return any(can_view(request.user, division) for division in divisions)

    def _may_edit_all(self, request, divisions) -> bool:
        if not divisions:
            return can_edit_campaign_wide(request.user)
        return all(can_edit(request.user, division) for division in divisions)

    def may_edit(self, request, obj) -> bool:
        return self._may_edit_all(request, self.record_divisions(obj))

    def may_add(self, request) -> bool:
        return can_edit_any(request.user)

    def scope_error(self, request, cleaned_data):
        if self.division_lookup not in cleaned_data:
            return None
        value = cleaned_data[self.division_lookup]
        divisions = [value] if isinstance(value, Division) else list(value or [])
        if self._may_edit_all(request, divisions):
            return None
        if not divisions:
            return gettext("Only the top-level office may save a record without a division.")
        return gettext("You may only save records in divisions you can edit.")

    def _scope_choices(self, request, db_field, kwargs):
        if db_field.related_model is Division:
            kwargs["queryset"] = editable_divisions(request.user).active()
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scope_choices(request, db_field, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scope_choices(request, db_field, kwargs)
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "object_repr", "actor"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "action", "object_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_view_permission(self, request, obj=None):
        # The log spans every division and campaign of the installation; offices
        # read the history of their own records instead.
        return sees_everything(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
