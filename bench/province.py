"""A synthetic province for the benchmarks, the same on every run (seeded).

The tree is Inner Mongolia's real GB/T 2260 divisions down to its 103 counties,
loaded by luodi's own `divisions_load`, with made-up townships (9-digit codes)
below every county. One campaign of ten programmes; township-level monthly
indicators, alternately flows and cumulative figures, each with a target for
every division and year; monthly figures for the 36 months before the current
one, with their history (each entered 1-9 days after its month, one in ten
corrected a few days later); major projects with their approvals, supporting
policies, meetings and action items.

Everything here is fixture data, written with bulk inserts (the ORM's
`bulk_create`, and COPY or `executemany` for the figures), not through
luodi's services: only the division tree, the benchmark's user and the periods are made
by luodi itself. What the benchmarks measure are luodi's reads and its import.

Import this module only after django.setup().
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from bench.sql import db_datetime, insert_rows
from luodi.actions.models import ActionItem, Decision, Event
from luodi.divisions.models import Department, Division
from luodi.divisions.services import divisions_load, membership_grant
from luodi.plan.models import Campaign, Indicator, Programme, Target
from luodi.plan.units import unit_by_symbol
from luodi.policies.models import Policy
from luodi.projects.models import Project, ProjectApproval
from luodi.reporting.models import Assignment, DataValue, Report
from luodi.reporting.services import period_containing
from luodi.reporting.spreadsheets import FigureRow

SEED = 20240318
PROVINCE = "150000"
MONTHS = 36
PROGRAMMES = 10
LOCAL = ZoneInfo("Asia/Shanghai")
# Display units the indicators cycle through (the figures are made in them).
UNITS = ["亩", "万亩", "万元", "个", "千瓦"]
# A month's figure is at most this many display units, and a township's yearly
# target at least half of twelve times it, so no figure (a flow, or a
# cumulative one after twelve months) passes twice its target: values_import
# would want a comment for it.
MOST_PER_MONTH = Decimal("999.9")
EXPECTED_PER_YEAR = 6000


@dataclass(frozen=True)
class Size:
    name: str
    townships_per_county: int
    indicators: int
    projects: int
    policies: int
    action_items: int
    # Figures in the import file: the largest file luodi reads is 100,000 rows.
    import_rows: int


SIZES = {
    "small": Size("small", 1, 10, 100, 20, 200, 10_000),
    "medium": Size("medium", 1, 100, 1_000, 200, 2_000, 100_000),
    "large": Size("large", 10, 100, 10_000, 2_000, 20_000, 100_000),
}


@dataclass
class Province:
    size: Size
    today: date
    region: Division
    leagues: list[Division]
    # The league with the most counties: the subtree case.
    league: Division
    indicators: list[Indicator]
    user_id: int
    counts: dict[str, int]
    # The import file (as the CSV reader gives it) and the same figures as
    # reporting_datavalue rows, for the raw baseline.
    import_figures: list[FigureRow] = field(default_factory=list)
    import_rows: list[tuple] = field(default_factory=list)


def _month_start(day: date, months_later: int) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL)


def build(size: Size, *, today: date, log=print) -> Province:
    """Fill an empty, migrated database with the province at `size`."""
    rng = random.Random(SEED)
    with transaction.atomic():
        region, leagues, townships = _divisions(size)
        log(f"  divisions: {Division.objects.count():,} ({len(townships):,} townships)")
        user = _user(region)
        departments = _departments(region, leagues)
        campaign, programmes, indicators = _plan(size, region, today)
        data_months = [_month_start(today, m - MONTHS) for m in range(MONTHS)]
        per_month = len(townships) * len(indicators)
        import_months = [
            _month_start(today, m) for m in range(math.ceil(size.import_rows / per_month))
        ]
        years = sorted({m.year for m in data_months + import_months})
        targets = _targets(rng, indicators, region, townships, years)
        log(f"  plan: {len(indicators)} indicators, {targets:,} targets")
    with transaction.atomic():
        province = _figures(rng, size, today, townships, indicators, data_months, import_months)
        log(f"  figures: {province['values']:,} values, {province['history']:,} history rows")
    with transaction.atomic():
        window = (data_months[0], today)
        counties = list(Division.objects.filter(level="county").order_by("code"))
        projects = _projects(rng, size, programmes, counties, townships, window)
        policies = _policies(rng, size, programmes, departments, window)
        items = _action_items(rng, size, programmes, region, leagues, departments, window)
        log(f"  {projects:,} projects, {policies:,} policies, {items:,} action items")
    _analyze()
    league = max(leagues, key=lambda d: (d.children.count(), d.code))
    figures, rows = province["import"]
    return Province(
        size=size,
        today=today,
        region=region,
        leagues=leagues,
        league=league,
        indicators=indicators,
        user_id=user.pk,
        counts={
            "divisions": Division.objects.count(),
            "townships": len(townships),
            "indicators": len(indicators),
            "targets": targets,
            "values": province["values"],
            "history": province["history"],
            "projects": projects,
            "policies": policies,
            "action_items": items,
            "import_rows": len(figures),
        },
        import_figures=figures,
        import_rows=rows,
    )


def _divisions(size: Size) -> tuple[Division, list[Division], list[Division]]:
    divisions_load(province_code=PROVINCE)
    region = Division.objects.get(code=PROVINCE)
    townships = []
    for county in Division.objects.filter(level="county").order_by("code"):
        for n in range(1, size.townships_per_county + 1):
            township = Division(
                code=f"{county.code}{n:03d}", name=f"{county.name}第{n}镇", level="township"
            )
            township.parent = county
            township.path = f"{county.path}{township.key}/"
            townships.append(township)
    Division.objects.bulk_create(townships, batch_size=2000)
    townships = list(Division.objects.filter(level="township").order_by("code"))
    leagues = list(Division.objects.filter(level="prefecture").order_by("code"))
    return region, leagues, townships


def _user(region: Division):
    """The region's task-force administrator: reads everything, reports for
    every township. No password: nobody logs in as it."""
    user = get_user_model().objects.create_user(username="bench-taskforce")
    membership_grant(user=user, division=region, role="task_force", acting_user=None)
    return user


def _departments(region: Division, leagues: list[Division]) -> list[Department]:
    rows = [Department(name=f"国家部委{n}", kind="national_ministry") for n in range(1, 21)]
    rows += [
        Department(name=f"自治区厅局{n}", kind="regional_department", division=region)
        for n in range(1, 31)
    ]
    rows += [
        Department(name=f"{league.name}局{n}", kind="local_department", division=league)
        for league in leagues
        for n in range(1, 6)
    ]
    return Department.objects.bulk_create(rows)


def _plan(size: Size, region: Division, today: date):
    campaign = Campaign.objects.create(
        code="bench", name="基准自治区重点工作", division=region, year=today.year
    )
    programmes = Programme.objects.bulk_create(
        [
            Programme(code=f"bench-p{n:02d}", campaign=campaign, name=f"专项工程{n}", order=n)
            for n in range(1, PROGRAMMES + 1)
        ]
    )
    units = [unit_by_symbol(symbol) for symbol in UNITS]
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                code=f"bench-i{n:03d}",
                name=f"指标{n}",
                programme=programmes[n % PROGRAMMES],
                unit=units[n % len(units)],
                over_time="flow" if n % 2 else "cumulative",
            )
            for n in range(size.indicators)
        ]
    )
    Assignment.objects.bulk_create(
        [Assignment(indicator=i, level="township", frequency="monthly") for i in indicators]
    )
    indicators = list(Indicator.objects.select_related("unit").order_by("code"))
    return campaign, programmes, indicators


def _targets(rng, indicators, region, townships, years) -> int:
    """Every division's yearly target for every indicator: a township's is
    its expected figure for the year, give or take; a division's above it,
    the sum of those below."""
    by_path = {d.path: d.pk for d in Division.objects.all()}
    # A township's own id and its ancestors' ids.
    upwards = {
        township.pk: [by_path[a] for a in by_path if township.path.startswith(a)]
        for township in townships
    }
    rows = []
    for year in years:
        for indicator in indicators:
            factor = int(indicator.unit.factor)
            sums: dict[int, Decimal] = {}
            for township in townships:
                value = EXPECTED_PER_YEAR * Decimal(rng.randint(100, 130)) / 100 * factor
                for pk in upwards[township.pk]:
                    sums[pk] = sums.get(pk, Decimal(0)) + value
            rows += [
                Target(indicator=indicator, division_id=pk, year=year, value=value)
                for pk, value in sums.items()
            ]
    Target.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


VALUE_COLUMNS = [
    "id", "created_at", "updated_at", "value", "comment", "version", "report_id", "indicator_id",
]  # fmt: skip
HISTORY_COLUMNS = [*VALUE_COLUMNS, "history_date", "history_type"]
# The import baseline's rows: a new figure's columns, the id left to the database.
IMPORT_COLUMNS = VALUE_COLUMNS[1:]


def _figures(rng, size, today, townships, indicators, data_months, import_months) -> dict:
    """The monthly figures of every township, with their history, and the
    import file's figures for the months from the current one on.

    Rows are written in the order they would have been saved: month by month,
    and within a month by the day each township entered its figures; each
    figure's id and each history row's id rise with time, as in a database
    that has been used, so that rows saved together lie together."""
    months = data_months + import_months
    periods = [period_containing(frequency="monthly", day=m) for m in months]
    Report.objects.bulk_create(
        [
            Report(
                division=township,
                period=period,
                status="approved" if month < len(data_months) else "draft",
            )
            for month, period in enumerate(periods)
            for township in townships
        ],
        batch_size=5000,
    )
    report_ids = {
        (division_id, period_id): pk
        for pk, division_id, period_id in Report.objects.values_list("id", "division", "period")
    }
    running: dict[tuple[int, int], Decimal] = {}
    imported: list[tuple] = []
    values = history = 0
    for month, period in enumerate(periods):
        entries = []
        for township in townships:
            # A township enters all its figures of a month on one day.
            entered = rng.randint(1, 9)
            for indicator in indicators:
                key = (township.pk, indicator.pk)
                figure = Decimal(rng.randint(0, int(MOST_PER_MONTH * 10))) / 10
                if months[month].month == 1:
                    running[key] = Decimal(0)
                running[key] = running.get(key, Decimal(0)) + figure
                shown = figure if indicator.over_time == "flow" else running[key]
                if month >= len(data_months):
                    imported.append((township, indicator, period, shown))
                    continue
                # One figure in ten entered lower at first, corrected days later.
                corrected = rng.randint(1, 5) if rng.random() < 0.1 else 0
                entries.append((entered, township, indicator, shown, corrected))
        if not entries:
            continue
        entries.sort(key=lambda entry: entry[0])
        rows, events = [], []
        for entered, township, indicator, shown, corrected in entries:
            values += 1
            factor = int(indicator.unit.factor)
            report = report_ids[(township.pk, period.pk)]
            first = _saved_at(months[month], entered)
            if corrected:
                later = _saved_at(months[month], entered + corrected)
                earlier = (shown * Decimal("0.9")).quantize(Decimal("0.1")) * factor
                row = (values, first, later, shown * factor, "", 2, report, indicator.pk)
                events.append((entered, (values, first, first, earlier, "", 1, report,
                                         indicator.pk, first, "+")))  # fmt: skip
                events.append((entered + corrected, (*row, later, "~")))
            else:
                row = (values, first, first, shown * factor, "", 1, report, indicator.pk)
                events.append((entered, (*row, first, "+")))
            rows.append(row)
        events.sort(key=lambda event: event[0])
        insert_rows("reporting_datavalue", VALUE_COLUMNS, rows)
        insert_rows("reporting_historicaldatavalue", HISTORY_COLUMNS, [e for _, e in events])
        history += len(events)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [DataValue]):
            cursor.execute(statement)

    figures, raw = [], []
    now = db_datetime(_at(today))
    for line, (township, indicator, period, shown) in enumerate(
        imported[: size.import_rows], start=2
    ):
        figures.append(
            FigureRow(
                row=line,
                indicator=indicator.code,
                division=township.code,
                period=period.code,
                value=str(shown),
                comment="",
                version="",
            )
        )
        report = report_ids[(township.pk, period.pk)]
        value = shown * int(indicator.unit.factor)
        raw.append((now, now, value, "", 1, report, indicator.pk))  # IMPORT_COLUMNS
    return {"values": values, "history": history, "import": (figures, raw)}


_saved: dict[tuple[date, int], object] = {}


def _saved_at(month: date, days: int):
    """When a month's figure was saved: `days` after the month ended, at
    10:00, as the database stores it."""
    if (month, days) not in _saved:
        day = _month_start(month, 1) + timedelta(days=days - 1)
        _saved[(month, days)] = db_datetime(_at(day))
    return _saved[(month, days)]


def _day(rng, window: tuple[date, date]) -> date:
    first, last = window
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _projects(rng, size, programmes, counties, townships, window) -> int:
    projects, places, approvals = [], [], []
    for n in range(size.projects):
        listed = _day(rng, window)
        roll = rng.random()
        project = Project(
            code=f"bench-project-{n:05d}",
            name=f"重大项目{n}",
            programme=rng.choice(programmes),
            total_investment=Decimal(rng.randint(100, 500_000)) * 10_000,
            listed_on=listed,
        )
        if rng.random() < 0.5:
            project.planned_investment = project.total_investment / 4
            project.planned_investment_year = window[1].year
        if roll < 0.35:
            project.phase = "pre_construction"
            project.expected_start_year = window[1].year + rng.randint(0, 1)
            project.planned_start_on = _month_start(window[1], rng.randint(-3, 9))
        else:
            project.phase = "started"
            project.started_on = min(listed + timedelta(days=rng.randint(0, 200)), window[1])
            if roll > 0.95:
                project.phase, project.started_on = "cancelled", None
                project.cancelled_on = min(listed + timedelta(days=90), window[1])
            elif roll > 0.85:
                project.phase = "completed"
                project.completed_on = min(project.started_on + timedelta(days=300), window[1])
        projects.append(project)
        place = rng.choice(counties) if rng.random() < 0.7 else rng.choice(townships)
        places.append([place] + ([rng.choice(counties)] if rng.random() < 0.1 else []))
    Project.objects.bulk_create(projects, batch_size=2000)
    links = Project.divisions.through
    links.objects.bulk_create(
        [
            links(project_id=project.pk, division_id=place.pk)
            for project, where in zip(projects, places, strict=True)
            for place in {d.pk: d for d in where}.values()
        ],
        batch_size=5000,
    )
    kinds = ["project_approval", "land", "planning", "environment", "energy", "water"]
    for project in projects:
        if project.phase == "pre_construction":
            for kind in rng.sample(kinds, rng.randint(2, 4)):
                granted = _day(rng, (project.listed_on, window[1])) if rng.random() < 0.4 else None
                approvals.append(ProjectApproval(project=project, kind=kind, granted_on=granted))
    ProjectApproval.objects.bulk_create(approvals, batch_size=5000)
    return len(projects)


def _policies(rng, size, programmes, departments, window) -> int:
    ministries = [d for d in departments if d.kind == "national_ministry"]
    others = [d for d in departments if d.kind != "national_ministry"]
    policies, issuers = [], []
    for n in range(size.policies):
        planned = _day(rng, window)
        issued = planned + timedelta(days=rng.randint(10, 200))
        policy = Policy(
            code=f"bench-policy-{n:05d}",
            title=f"配套政策{n}",
            programme=rng.choice(programmes),
            planned_on=planned,
            due_on=planned + timedelta(days=rng.randint(30, 180)),
        )
        if issued <= window[1] and rng.random() < 0.7:
            policy.status, policy.issued_on = "issued", issued
        policies.append(policy)
        chosen = rng.sample(others, rng.randint(1, 2))
        if rng.random() < 0.6:
            chosen.append(rng.choice(ministries))
        issuers.append(chosen)
    Policy.objects.bulk_create(policies, batch_size=2000)
    links = Policy.issuing_departments.through
    links.objects.bulk_create(
        [
            links(policy_id=policy.pk, department_id=department.pk)
            for policy, chosen in zip(policies, issuers, strict=True)
            for department in chosen
        ],
        batch_size=5000,
    )
    return len(policies)


def _action_items(rng, size, programmes, region, leagues, departments, window) -> int:
    """Progress meetings (one per twenty items) whose decisions (one per two
    items) became supervised action items led by leagues and counties."""
    meetings = Event.objects.bulk_create(
        [
            Event(
                code=f"bench-meeting-{n:05d}",
                kind="progress_meeting",
                title=f"专项工作调度会{n}",
                starts_on=_day(rng, window),
                programme=rng.choice(programmes),
            )
            for n in range(max(1, size.action_items // 20))
        ]
    )
    places = Event.divisions.through
    places.objects.bulk_create(
        [
            places(event_id=meeting.pk, division_id=rng.choice([region, *leagues]).pk)
            for meeting in meetings
        ]
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(meeting=meeting, text=f"会议决定事项{n}", order=n)
            for meeting in meetings
            for n in range(10)
        ],
        batch_size=5000,
    )
    leads = list(Division.objects.filter(level__in=["prefecture", "county"]))
    statuses = ["assigned", "acknowledged", "in_progress", "reported_done", "closed", "returned"]
    items = []
    for n in range(size.action_items):
        decision = decisions[n // 2]
        assigned = max(decision.meeting.starts_on, window[0])
        status = rng.choice(statuses)
        item = ActionItem(
            decision=decision,
            title=f"督办事项{n}",
            programme=decision.meeting.programme,
            lead_division=rng.choice(leads),
            lead_department=rng.choice(departments),
            assigned_on=assigned,
            acknowledge_by=assigned + timedelta(days=3),
            due_on=assigned + timedelta(days=rng.randint(30, 120)),
            status=status,
        )
        if status != "assigned":
            item.acknowledged_on = assigned + timedelta(days=rng.randint(0, 4))
        if status in ("reported_done", "closed"):
            item.reported_on = item.due_on - timedelta(days=rng.randint(-10, 20))
        if status == "closed":
            item.closed_on = item.reported_on + timedelta(days=3)
        items.append(item)
    ActionItem.objects.bulk_create(items, batch_size=5000)
    helpers = ActionItem.helpers.through
    helpers.objects.bulk_create(
        [
            helpers(actionitem_id=item.pk, department_id=department.pk)
            for item in items
            for department in rng.sample(departments, rng.randint(0, 2))
        ],
        batch_size=5000,
    )
    return len(items)


def _analyze() -> None:
    """Fresh planner statistics after the bulk inserts (and, on PostgreSQL, a
    visibility map, as autovacuum would leave a table that has settled)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
