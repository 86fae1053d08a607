from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luodi.core.admin import DivisionScopedAdmin, ServiceAdmin

from .choices import Level
from .models import Department, Division, Membership
from .permissions import can_edit, can_view, sees_everything, visible_divisions
from .services import department_save, division_save, membership_save


class PrefectureFilter(admin.SimpleListFilter):
    title = _("league / city")
    parameter_name = "prefecture"

    def lookups(self, request, model_admin):
        prefectures = visible_divisions(request.user).filter(level=Level.PREFECTURE, is_active=True)
        return [(d.code, d.name) for d in prefectures.order_by("code")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        prefecture = Division.objects.filter(code=self.value(), is_active=True).first()
        if prefecture is None:
            return queryset.none()
        return queryset.filter(**{f"{self.division_path}__startswith": prefecture.path})

    division_path = "path"


@admin.register(Division)
class DivisionAdmin(DivisionScopedAdmin):
    """A division is kept by whoever may edit its parent, so a league office
    may add townships below its banners but cannot move or rename the league
    (nor lift it to the top of the tree). Top-level divisions are loaded with
    `luodi load_divisions`, or kept by a superuser."""

    service = staticmethod(division_save)
    service_instance_kwarg = "division"
    action_prefix = "divisions.division"
    division_lookup = "parent"
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active", PrefectureFilter]
    search_fields = ["code", "name"]
    fields = ["code", "name", "level", "parent", "is_active"]
    list_select_related = ["parent"]

    def scope_filter(self, request, visible):
        return Q(pk__in=visible)

    def may_view(self, request, obj) -> bool:
        return can_view(request.user, obj)

    def may_edit(self, request, obj) -> bool:
        if obj.parent is None:
            return sees_everything(request.user)
        return can_edit(request.user, obj.parent)

    def scope_error(self, request, cleaned_data):
        parent = cleaned_data.get("parent")
        if parent is None and not sees_everything(request.user):
            return gettext("Only a superuser may add or move a top-level division.")
        if parent is not None and not can_edit(request.user, parent):
            return gettext("You may only place divisions below divisions you can edit.")
        return None


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    service = staticmethod(department_save)
    service_instance_kwarg = "department"
    action_prefix = "divisions.department"
    list_display = ["name", "kind", "division"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "division"]
    autocomplete_fields = ["division"]


@admin.register(Membership)
class MembershipAdmin(DivisionScopedAdmin):
    service = staticmethod(membership_save)
    service_instance_kwarg = "membership"
    action_prefix = "divisions.membership"
    list_display = ["user", "division", "role", "department"]
    list_filter = ["role"]
    search_fields = ["user__username", "division__name", "division__code", "department__name"]
    fields = ["user", "division", "role", "department"]
    raw_id_fields = ["user"]  # a list of every user would show names from other divisions
    list_select_related = ["user", "division", "department"]
