"""Benchmarks: the per-programme status read-out against the same aggregates in
hand-written SQL, on the demo and on a province-sized list.

Run: make bench   (or .venv/bin/python bench/run.py [--projects N] [--repeat N])
Uses a throw-away SQLite database (or DATABASE_URL if set).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("LUODI_VAR_DIR", tempfile.mkdtemp(prefix="luodi-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.timing import timed  # noqa: E402

AS_OF = date(2024, 3, 18)

# Projects located in the region's subtree, as luodi scopes every read.
SCOPE = """SELECT l.project_id FROM projects_project_divisions l
  JOIN divisions_division v ON v.id = l.division_id
 WHERE v.path LIKE %(root)s"""

RAW_SQL = """
SELECT p.programme_id, COUNT(*),
       SUM(CASE WHEN p.issued_on IS NOT NULL AND p.issued_on <= %(d)s THEN 1 ELSE 0 END)
  FROM policies_policy p WHERE p.planned_on <= %(d)s GROUP BY p.programme_id;
SELECT p.programme_id, COUNT(DISTINCT l.department_id)
  FROM policies_policy_issuing_departments l
  JOIN policies_policy p ON p.id = l.policy_id
  JOIN divisions_department d ON d.id = l.department_id
 WHERE p.planned_on <= %(d)s AND d.kind = 'national_ministry' GROUP BY p.programme_id;
SELECT pr.programme_id,
       CASE WHEN pr.cancelled_on <= %(d)s THEN 'cancelled'
            WHEN pr.completed_on <= %(d)s THEN 'completed'
            WHEN pr.started_on <= %(d)s THEN 'started'
            WHEN pr.started_on IS NULL AND pr.phase IN ('started', 'completed') THEN 'started'
            ELSE 'pre_construction' END AS phase_as_of,
       pr.expected_start_year, COUNT(*), SUM(pr.total_investment)
  FROM projects_project pr WHERE pr.listed_on <= %(d)s AND pr.id IN (%(scope)s)
 GROUP BY 1, 2, 3;
SELECT pr.programme_id, a.kind, COUNT(*)
  FROM projects_projectapproval a JOIN projects_project pr ON pr.id = a.project_id
 WHERE (a.granted_on IS NULL OR a.granted_on > %(d)s) AND pr.listed_on <= %(d)s
   AND pr.started_on IS NULL AND pr.phase = 'pre_construction' AND pr.id IN (%(scope)s)
 GROUP BY 1, 2;
"""


def raw_status() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT path FROM divisions_division WHERE code = '150000'")
        params = {"d": AS_OF.isoformat(), "root": cursor.fetchone()[0] + "%"}
        for statement in filter(str.strip, RAW_SQL.split(";")):
            cursor.execute(statement.replace("%(scope)s", SCOPE), params)
            cursor.fetchall()


def orm_status() -> None:
    from luodi.dashboards.selectors import campaign_status
    from luodi.divisions.models import Division

    roots = list(Division.objects.filter(parent__isnull=True))
    campaign_status(as_of=AS_OF, divisions=Division.objects.subtree_of(roots), home=roots)


def grow_project_list(count: int) -> None:
    """Add `count` projects with approvals. Bulk inserts: this is fixture data
    for timing reads, not a path users write through."""
    from luodi.divisions.models import Division
    from luodi.plan.models import Programme
    from luodi.projects.models import Project, ProjectApproval

    programme = Programme.objects.get(code="policy-landing")
    counties = list(Division.objects.filter(level="county"))
    projects = [
        Project(
            code=f"bench-{n:06d}",
            name=f"基准项目{n}",
            programme=programme,
            total_investment=1_000_000 * (n % 97 + 1),
            listed_on=date(2024, 1, 31),
            phase="started" if n % 3 else "pre_construction",
            started_on=date(2023, 1, 1) + timedelta(days=n % 440) if n % 3 else None,
            expected_start_year=None if n % 3 else 2024 + n % 2,
        )
        for n in range(count)
    ]
    Project.objects.bulk_create(projects, batch_size=2000)
    links = Project.divisions.through
    created = Project.objects.filter(code__startswith="bench-")
    links.objects.bulk_create(
        [
            links(project_id=p.pk, division_id=counties[i % len(counties)].pk)
            for i, p in enumerate(created)
        ],
        batch_size=5000,
    )
    ProjectApproval.objects.bulk_create(
        [
            ProjectApproval(project_id=p.pk, kind="land")
            for p in created
            if p.phase == "pre_construction"
        ],
        batch_size=5000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    load_ms = (time.perf_counter() - start) * 1000

    rows = [("load_demo (bundle import, 116 divisions + 231 records)", load_ms, None)]
    rows.append(
        (
            "status as of 2024-03-18, demo (86 projects)",
            timed(orm_status, args.repeat),
            timed(raw_status, args.repeat),
        )
    )
    grow_project_list(args.projects)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after the bulk insert
    rows.append(
        (
            f"status, {args.projects + 86:,} projects",
            timed(orm_status, args.repeat),
            timed(raw_status, args.repeat),
        )
    )

    print(f"database: {connection.vendor}; median of {args.repeat} runs")
    print(f"{'case':<58} {'luodi ms':>10} {'raw SQL ms':>11} {'ratio':>7}")
    for name, ours, baseline in rows:
        if baseline is None:
            print(f"{name:<58} {ours:>10.1f} {'—':>11} {'—':>7}")
        else:
            print(f"{name:<58} {ours:>10.1f} {baseline:>11.1f} {ours / baseline:>7.2f}")


if __name__ == "__main__":
    main()
