"""Reads of cases: how many were answered in time, by window, division and type."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from luodi.divisions.models import Division

from .choices import CaseStatus
from .models import Case


@dataclass(frozen=True)
class OnTime:
    key: str
    name: str
    decided: int
    in_time: int

    @property
    def rate(self) -> float | None:
        return None if not self.decided else self.in_time / self.decided


def on_time_rates(*, divisions: QuerySet[Division], by: str) -> list[OnTime]:
    """Decided cases and those decided by their due date, grouped `by`
    "window", "division" or "case_type": one query."""
    group = {
        "window": ("window__code", "window__name"),
        "division": ("window__division__code", "window__division__name"),
        "case_type": ("case_type__code", "case_type__name"),
    }[by]
    rows = (
        Case.objects.filter(window__division__in=divisions, status=CaseStatus.DECIDED)
        .values(*group)
        .annotate(decided=Count("id"), in_time=Count("id", filter=Q(decided_on__lte=F("due_on"))))
        .order_by(group[0])
    )
    return [OnTime(r[group[0]], r[group[1]], r["decided"], r["in_time"]) for r in rows]
