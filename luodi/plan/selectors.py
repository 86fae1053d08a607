from django.db.models import QuerySet

from .models import Programme, Target


def programmes_in_order() -> QuerySet[Programme]:
    return Programme.objects.select_related("campaign", "lead_department").order_by(
        "campaign__year", "campaign__code", "order", "code"
    )


def targets_for(*, year: int, divisions) -> QuerySet[Target]:
    return (
        Target.objects.filter(year=year, division__in=divisions)
        .select_related("indicator__unit", "indicator__programme", "division")
        .order_by("indicator__programme__order", "indicator_id", "division__code")
    )
