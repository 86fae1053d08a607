from datetime import date

from django.db.models import Q, QuerySet

from .models import Policy


def policies_as_of(as_of: date) -> QuerySet[Policy]:
    """Policies already on the ledger on `as_of` (planned on or before it)."""
    return Policy.objects.filter(planned_on__lte=as_of)


def issued_as_of(as_of: date) -> Q:
    return Q(issued_on__isnull=False, issued_on__lte=as_of)
