from datetime import date

from django.db.models import Case, CharField, QuerySet, Value, When

from .choices import Phase
from .models import Project


def projects_as_of(as_of: date) -> QuerySet[Project]:
    """Projects on the list on `as_of`, each annotated with `phase_as_of`: the
    phase it was in that day, read from its dated milestones. A project listed
    as started without a start date counts as started from the day it was listed."""
    return Project.objects.filter(listed_on__lte=as_of).annotate(
        phase_as_of=Case(
            When(cancelled_on__lte=as_of, then=Value(Phase.CANCELLED)),
            When(completed_on__lte=as_of, then=Value(Phase.COMPLETED)),
            When(started_on__lte=as_of, then=Value(Phase.STARTED)),
            When(
                started_on__isnull=True,
                phase__in=[Phase.STARTED, Phase.COMPLETED],
                then=Value(Phase.STARTED),
            ),
            default=Value(Phase.PRE_CONSTRUCTION),
            output_field=CharField(),
        )
    )
