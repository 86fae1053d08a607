from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When

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


UNKNOWN_YEAR = "unknown"  # key for waiting projects whose expected start year is not given


@dataclass(frozen=True)
class PipelineCounts:
    """Projects on a list as of a day, counted by luodi's one rule: a cancelled
    project is off the list; a completed project has started; every other
    listed project waits in pre-construction approvals, counted by the year it
    is expected to start. Amounts are in base units (元), for listed projects."""

    listed: int = 0
    started: int = 0  # completed ones included
    completed: int = 0
    waiting: int = 0
    cancelled: int = 0
    expected_start: dict[str, int] = field(default_factory=dict)
    total_investment: Decimal | None = None
    planned_investment_this_year: Decimal | None = None

    def __add__(self, other: "PipelineCounts") -> "PipelineCounts":
        years = dict(self.expected_start)
        for year, count in other.expected_start.items():
            years[year] = years.get(year, 0) + count
        return PipelineCounts(
            listed=self.listed + other.listed,
            started=self.started + other.started,
            completed=self.completed + other.completed,
            waiting=self.waiting + other.waiting,
            cancelled=self.cancelled + other.cancelled,
            expected_start=dict(sorted(years.items())),
            total_investment=_added(self.total_investment, other.total_investment),
            planned_investment_this_year=_added(
                self.planned_investment_this_year, other.planned_investment_this_year
            ),
        )

    @property
    def in_progress(self) -> int:
        """Started and not yet completed."""
        return self.started - self.completed


def _added(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    if first is None:
        return second
    if second is None:
        return first
    return first + second


def pipeline_counts(projects: QuerySet[Project], *, year: int) -> dict[int, PipelineCounts]:
    """`projects` (from `projects_as_of`) counted per programme id by the one
    rule of `PipelineCounts`, with the listed projects' total investment and
    their investment planned for `year`. One query."""
    tallies: dict[int, dict] = defaultdict(
        lambda: {"phases": defaultdict(int), "years": {}, "total": None, "this_year": None}
    )
    # phase_as_of is annotated by projects_as_of; the type checker cannot see it.
    grouped = (
        projects.values("programme", "phase_as_of", "expected_start_year")  # type: ignore[misc]
        .annotate(
            n=Count("id"),
            total=Sum("total_investment"),
            this_year=Sum("planned_investment", filter=Q(planned_investment_year=year)),
        )
        .order_by("programme", "expected_start_year")
    )
    for row in grouped:
        tally = tallies[row["programme"]]
        phase = row["phase_as_of"]
        tally["phases"][phase] += row["n"]
        if phase == Phase.CANCELLED:
            continue
        if phase == Phase.PRE_CONSTRUCTION:
            key = str(row["expected_start_year"] or UNKNOWN_YEAR)
            tally["years"][key] = tally["years"].get(key, 0) + row["n"]
        tally["total"] = _added(tally["total"], row["total"])
        tally["this_year"] = _added(tally["this_year"], row["this_year"])
    counts = {}
    for programme_id, tally in tallies.items():
        phases = tally["phases"]
        started = phases[Phase.STARTED] + phases[Phase.COMPLETED]
        counts[programme_id] = PipelineCounts(
            listed=started + phases[Phase.PRE_CONSTRUCTION],
            started=started,
            completed=phases[Phase.COMPLETED],
            waiting=phases[Phase.PRE_CONSTRUCTION],
            cancelled=phases[Phase.CANCELLED],
            expected_start=tally["years"],
            total_investment=tally["total"],
            planned_investment_this_year=tally["this_year"],
        )
    return counts
