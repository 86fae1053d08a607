from django.db.models import QuerySet

from luodi.divisions.models import Division
from luodi.divisions.permissions import home_divisions, related_to_divisions, sees_everything

from .models import Campaign, Indicator, Programme, Target


def campaigns_for(divisions: list[Division]) -> QuerySet[Campaign]:
    """Campaigns that concern these divisions: run at, above or below them."""
    return Campaign.objects.filter(
        division__in=Division.objects.filter(related_to_divisions(divisions))
    )


def indicators_seen(user) -> QuerySet[Indicator]:
    """The indicators of the campaigns that concern the user's divisions:
    what their forms may offer and their writes may name."""
    indicators = Indicator.objects.select_related("unit")
    if sees_everything(user):
        return indicators
    return indicators.filter(programme__campaign__in=campaigns_for(home_divisions(user)))


def programmes_in_order(campaigns: QuerySet[Campaign]) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(campaign__in=campaigns)
        .select_related("campaign", "lead_department")
        .order_by("campaign__year", "campaign__code", "order", "code")
    )


def targets_for(*, year: int, divisions) -> QuerySet[Target]:
    return (
        Target.objects.filter(year=year, division__in=divisions)
        .select_related("indicator__unit", "indicator__programme", "division")
        .order_by("indicator__programme__order", "indicator_id", "division__code")
    )
