from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext

from luodi.core.admin import DivisionScopedAdmin, ServiceAdmin
from luodi.divisions.models import Division
from luodi.divisions.permissions import (
    can_edit,
    can_edit_any,
    can_set_target,
    home_divisions,
    sees_everything,
)

from .models import Campaign, Indicator, Programme, StrategicTask, Target, Unit, Workstream
from .selectors import campaigns_for
from .services import (
    campaign_save,
    indicator_save,
    programme_save,
    strategic_task_save,
    target_save,
    unit_save,
    workstream_save,
)

PLAN_MODELS = {
    Campaign: "pk",
    StrategicTask: "campaign",
    Programme: "campaign",
    Workstream: "programme__campaign",
    Indicator: "programme__campaign",
}


def user_campaigns(request) -> QuerySet[Campaign]:
    return campaigns_for(home_divisions(request.user))


class PlanChoicesMixin:
    """Offers only the user's own campaigns' plan records (programmes,
    indicators, …) in forms, so nothing can be attached to another campaign."""

    def _plan_choices(self, request, db_field, kwargs):
        lookup = PLAN_MODELS.get(db_field.related_model)
        if lookup and not sees_everything(request.user):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                **{f"{lookup}__in": user_campaigns(request)}
            )
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(  # type: ignore[misc]
            db_field, request, **self._plan_choices(request, db_field, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(  # type: ignore[misc]
            db_field, request, **self._plan_choices(request, db_field, kwargs)
        )


class CampaignScopedAdmin(PlanChoicesMixin, ServiceAdmin):
    """Records of one campaign (its programmes, indicators, policy ledger):
    seen by everyone at, under or above the campaign's division, kept by those
    who may edit that division. `campaign_lookup` leads from the record to its
    campaign; empty for the campaign itself."""

    campaign_lookup: str = "campaign"

    def _follow(self, start, steps: list[str]):
        for step in steps:
            start = getattr(start, step, None)
        return start

    def campaign_division(self, obj) -> Division:
        steps = self.campaign_lookup.split("__") if self.campaign_lookup else []
        return self._follow(obj, steps).division

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(**{f"{self.campaign_lookup or 'pk'}__in": user_campaigns(request)})

    def may_view(self, request, obj) -> bool:
        # Also guards the history pages, which reach records outside get_queryset.
        if sees_everything(request.user):
            return True
        division = self.campaign_division(obj)
        return user_campaigns(request).filter(division=division).exists()

    def may_edit(self, request, obj) -> bool:
        return can_edit(request.user, self.campaign_division(obj))

    def may_add(self, request) -> bool:
        return can_edit_any(request.user)

    def scope_error(self, request, cleaned_data):
        if self.campaign_lookup:
            first, *rest = self.campaign_lookup.split("__")
            division = getattr(self._follow(cleaned_data.get(first), rest), "division", None)
        else:
            division = cleaned_data.get("division")
        if division is None or can_edit(request.user, division):
            return None
        return gettext("You may only change the plan of a campaign your division runs.")


@admin.register(Campaign)
class CampaignAdmin(CampaignScopedAdmin):
    campaign_lookup = ""
    service = staticmethod(campaign_save)
    service_instance_kwarg = "campaign"
    action_prefix = "plan.campaign"
    list_display = ["name", "year", "division", "decided_from"]
    list_filter = ["year"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "division", "year", "decided_by", "decided_from", "decided_until"]


@admin.register(StrategicTask)
class StrategicTaskAdmin(CampaignScopedAdmin):
    service = staticmethod(strategic_task_save)
    service_instance_kwarg = "task"
    action_prefix = "plan.strategic_task"
    list_display = ["name", "campaign", "order"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    fields = ["code", "campaign", "name", "order"]


@admin.register(Programme)
class ProgrammeAdmin(CampaignScopedAdmin):
    service = staticmethod(programme_save)
    service_instance_kwarg = "programme"
    action_prefix = "plan.programme"
    list_display = ["name", "campaign", "lead_department", "order"]
    list_filter = [
        ("campaign", admin.RelatedOnlyFieldListFilter),
        ("strategic_tasks", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "name"]
    fields = [
        "code",
        "campaign",
        "name",
        "order",
        "strategic_tasks",
        "lead_department",
        "description",
    ]
    filter_horizontal = ["strategic_tasks"]
    list_select_related = ["campaign", "lead_department"]


@admin.register(Workstream)
class WorkstreamAdmin(CampaignScopedAdmin):
    campaign_lookup = "programme__campaign"
    service = staticmethod(workstream_save)
    service_instance_kwarg = "workstream"
    action_prefix = "plan.workstream"
    list_display = ["name", "programme", "lead_department", "order"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    fields = ["code", "programme", "name", "order", "lead_department"]
    list_select_related = ["programme", "lead_department"]


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    service = staticmethod(unit_save)
    service_instance_kwarg = "unit"
    action_prefix = "plan.unit"
    list_display = ["symbol", "name", "dimension", "factor"]
    list_filter = ["dimension"]
    search_fields = ["symbol", "name"]
    fields = ["symbol", "name", "dimension", "factor"]


@admin.register(Indicator)
class IndicatorAdmin(CampaignScopedAdmin):
    campaign_lookup = "programme__campaign"
    service = staticmethod(indicator_save)
    service_instance_kwarg = "indicator"
    action_prefix = "plan.indicator"
    list_display = [
        "name",
        "unit",
        "programme",
        "workstream",
        "across_divisions",
        "over_time",
        "higher_is_better",
    ]
    list_filter = [
        ("programme", admin.RelatedOnlyFieldListFilter),
        "across_divisions",
        "over_time",
    ]
    search_fields = ["code", "name"]
    fields = [
        "code",
        "name",
        "programme",
        "workstream",
        "unit",
        "across_divisions",
        "over_time",
        "higher_is_better",
        "description",
        "aliases",
    ]
    list_select_related = ["unit", "programme", "workstream"]


@admin.register(Target)
class TargetAdmin(PlanChoicesMixin, DivisionScopedAdmin):
    """A division's target is assigned from above: it is kept by whoever may
    edit the division's parent (the top division's, by its own office)."""

    service = staticmethod(target_save)
    service_instance_kwarg = "target"
    action_prefix = "plan.target"
    list_display = ["indicator", "division", "year", "value", "change_percent"]
    list_filter = ["year", ("indicator", admin.RelatedOnlyFieldListFilter), "division__level"]
    search_fields = ["indicator__name", "division__name", "division__code"]
    fields = ["indicator", "division", "year", "value", "change_percent", "note", "trajectory"]
    list_select_related = ["indicator__unit", "division"]

    def may_edit(self, request, obj) -> bool:
        return can_set_target(request.user, obj.division)

    def scope_error(self, request, cleaned_data):
        division = cleaned_data.get("division")
        if division is None or can_set_target(request.user, division):
            return None
        return gettext("A division's target is set by the office above it.")
