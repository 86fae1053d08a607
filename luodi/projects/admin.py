from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from luodi.core.admin import DivisionScopedAdmin
from luodi.divisions.admin import PrefectureFilter
from luodi.plan.admin import PlanChoicesMixin
from luodi.plan.units import tidy

from .models import Project, ProjectApproval
from .services import (
    project_approval_delete,
    project_approval_save,
    project_delete,
    project_save,
)

YI = Decimal(100_000_000)  # 1 亿元 in 元, by definition


class ProjectPrefectureFilter(PrefectureFilter):
    division_path = "divisions__path"


class ApprovalInline(admin.TabularInline):
    model = ProjectApproval
    fields = ["kind", "granted_on", "note"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(PlanChoicesMixin, DivisionScopedAdmin):
    service = staticmethod(project_save)
    service_instance_kwarg = "project"
    action_prefix = "projects.project"
    division_lookup = "divisions"
    inlines = [ApprovalInline]
    list_display = [
        "code",
        "name",
        "phase",
        "expected_start_year",
        "planned_start_on",
        "started_on",
        "investment_display",
        "open_approvals",
        "is_sample",
    ]
    list_filter = [
        "phase",
        ("programme", admin.RelatedOnlyFieldListFilter),
        "expected_start_year",
        ProjectPrefectureFilter,
        "is_sample",
    ]
    search_fields = ["code", "name", "owner"]
    date_hierarchy = "listed_on"
    fields = [
        "code",
        "name",
        "programme",
        "divisions",
        "owner",
        "lead_department",
        "total_investment",
        "planned_investment",
        "planned_investment_year",
        "phase",
        "listed_on",
        "expected_start_year",
        "started_on",
        "completed_on",
        "cancelled_on",
        "is_sample",
        "note",
    ]
    filter_horizontal = ["divisions"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_approval_count=Count(
                    "approvals", filter=Q(approvals__granted_on__isnull=True), distinct=True
                )
            )
        )

    @admin.display(description=_("open approvals"), ordering="open_approval_count")
    def open_approvals(self, obj):
        return obj.open_approval_count

    @admin.display(description=_("total investment (亿元)"), ordering="total_investment")
    def investment_display(self, obj):
        if obj.total_investment is None:
            return "—"
        return tidy(obj.total_investment / YI)

    def delete_model(self, request, obj):
        project_delete(project=obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for approval in formset.deleted_objects:
            project_approval_delete(approval=approval, acting_user=request.user)
        for approval in instances:
            project_approval_save(
                approval=approval,
                project=form.instance,
                kind=approval.kind,
                granted_on=approval.granted_on,
                note=approval.note,
                acting_user=request.user,
            )
