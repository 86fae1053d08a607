"""Benchmark: totals of reported figures up the division tree, against the same
aggregate as one hand-written SQL GROUP BY at leaf level, on the same data.

Run: make bench   (or .venv/bin/python bench/rollup.py [--townships N] [--indicators N]
                   [--months N] [--repeat N])
Uses a throw-away SQLite database (or DATABASE_URL if set, which must be empty).
The default size is 1,030 townships × 100 indicators × 10 months = 1,030,000 values.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("LUODI_VAR_DIR", tempfile.mkdtemp(prefix="luodi-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.timing import timed  # noqa: E402

YEAR = 2024
UP_TO = date(YEAR, 12, 31)

# The baselines: one hand-written statement for each case, over the figures of
# the reporting level in the year, inside the subtree, for the same indicators.
IN_SCOPE = """
  JOIN reporting_report r ON r.id = v.report_id
  JOIN reporting_period p ON p.id = r.period_id
  JOIN divisions_division d ON d.id = r.division_id
 WHERE d.level = 'township' AND p.starts_on >= %s AND p.starts_on <= %s AND d.path LIKE %s
   AND v.indicator_id IN ({ids})"""
RAW_FLOW = f"""
SELECT v.indicator_id, d.path, SUM(v.value) FROM reporting_datavalue v {IN_SCOPE}
 GROUP BY v.indicator_id, d.path"""
RAW_LATEST = f"""
SELECT indicator_id, path, value FROM (
  SELECT v.indicator_id, d.path, v.value,
         ROW_NUMBER() OVER (PARTITION BY v.indicator_id, r.division_id
                            ORDER BY p.starts_on DESC) AS rank
    FROM reporting_datavalue v {IN_SCOPE}
) ranked WHERE rank = 1"""
RAW_FLOW_AS_OF = f"""
SELECT v.indicator_id, d.path, SUM(v.value) FROM reporting_historicaldatavalue v {IN_SCOPE}
   AND v.history_type <> '-' AND v.history_date <= %s
   AND NOT EXISTS (SELECT 1 FROM reporting_historicaldatavalue l
                    WHERE l.id = v.id AND l.history_date <= %s AND l.history_id > v.history_id)
 GROUP BY v.indicator_id, d.path"""


def build(townships_per_county: int, indicator_count: int, months: int) -> dict:
    """A synthetic province on the real Inner Mongolia tree: townships below
    every county, monthly figures for each. Bulk inserts: fixture data for
    timing reads, not a path users write through."""
    from luodi.divisions.models import Division
    from luodi.divisions.services import divisions_load
    from luodi.plan.models import Campaign, Indicator, Programme
    from luodi.plan.units import unit_by_symbol
    from luodi.reporting.models import Assignment, Report
    from luodi.reporting.services import period_containing

    divisions_load(province_code="150000")
    region = Division.objects.get(code="150000")
    townships = []
    for county in Division.objects.filter(level="county").order_by("code"):
        for n in range(townships_per_county):
            township = Division(
                code=f"{county.code}{n + 1:03d}", name=f"{county.name}{n + 1}乡", level="township"
            )
            township.parent = county
            township.path = f"{county.path}{township.key}/"
            townships.append(township)
    Division.objects.bulk_create(townships, batch_size=2000)
    campaign = Campaign.objects.create(code="bench", name="基准", division=region, year=YEAR)
    programme = Programme.objects.create(code="bench-p", campaign=campaign, name="工程")
    unit = unit_by_symbol("亩")
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                code=f"i{n:03d}",
                name=f"指标{n}",
                programme=programme,
                unit=unit,
                over_time="flow" if n % 2 else "cumulative",
            )
            for n in range(indicator_count)
        ]
    )
    Assignment.objects.bulk_create(
        [Assignment(indicator=i, level="township", frequency="monthly") for i in indicators]
    )
    periods = [
        period_containing(frequency="monthly", day=date(YEAR, m + 1, 1)) for m in range(months)
    ]
    township_rows = list(Division.objects.filter(level="township"))
    Report.objects.bulk_create(
        [Report(division=d, period=p) for d in township_rows for p in periods], batch_size=5000
    )
    report_ids = list(Report.objects.values_list("id", flat=True))
    rng = random.Random(20240318)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for report_id in report_ids:
            for indicator in indicators:
                batch.append(
                    (now, now, report_id, indicator.pk, Decimal(rng.randint(0, 10_000)), "", 1)
                )
            if len(batch) >= 50_000:
                _insert(cursor, batch)
                batch = []
        _insert(cursor, batch)
        # Each figure's first version in its history, as value_save would leave it.
        cursor.execute(
            "INSERT INTO reporting_historicaldatavalue (id, created_at, updated_at, value,"
            " comment, version, report_id, indicator_id, history_date, history_type)"
            " SELECT id, created_at, updated_at, value, comment, version, report_id,"
            " indicator_id, created_at, '+' FROM reporting_datavalue"
        )
        cursor.execute("ANALYZE")
    return {
        "region": region,
        "leagues": list(Division.objects.filter(level="prefecture")),
        "indicators": indicators,
        "values": len(report_ids) * len(indicators),
        "townships": len(township_rows),
    }


def _insert(cursor, rows) -> None:
    if rows:
        cursor.executemany(
            "INSERT INTO reporting_datavalue"
            " (created_at, updated_at, report_id, indicator_id, value, comment, version)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def raw(sql: str, indicators, root_path: str, *extra) -> None:
    ids = ", ".join(str(int(i.pk)) for i in indicators)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ids=ids), [date(YEAR, 1, 1), UP_TO, root_path + "%", *extra])
        cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=10, help="townships per county")
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--months", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from luodi.reporting.selectors import totals

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    world = build(args.townships, args.indicators, args.months)
    build_s = time.perf_counter() - start
    indicators, leagues, region = world["indicators"], world["leagues"], world["region"]
    flows = [i for i in indicators if i.over_time == "flow"]
    cumulative = [i for i in indicators if i.over_time == "cumulative"]
    as_of = datetime.now(tz=timezone.get_current_timezone())

    def ours(subset, divisions, **kwargs):
        return lambda: totals(
            indicators=subset, divisions=divisions, year=YEAR, up_to=UP_TO, **kwargs
        )

    hinggan = next(d for d in leagues if d.code == "152200")
    counties = list(hinggan.children.all())
    rows = [
        (
            "flow indicators, 12 leagues",
            timed(ours(flows, leagues), args.repeat),
            timed(lambda: raw(RAW_FLOW, flows, region.path), args.repeat),
        ),
        (
            "cumulative indicators (latest month), 12 leagues",
            timed(ours(cumulative, leagues), args.repeat),
            timed(lambda: raw(RAW_LATEST, cumulative, region.path), args.repeat),
        ),
        (
            "all indicators, one league's counties",
            timed(ours(indicators, counties), args.repeat),
            timed(
                lambda: (
                    raw(RAW_FLOW, flows, hinggan.path),
                    raw(RAW_LATEST, cumulative, hinggan.path),
                ),
                args.repeat,
            ),
        ),
        (
            "flow indicators, 12 leagues, as of now (history)",
            timed(ours(flows, leagues, as_of=as_of), args.repeat),
            timed(lambda: raw(RAW_FLOW_AS_OF, flows, region.path, as_of, as_of), args.repeat),
        ),
    ]
    print(
        f"database: {connection.vendor}; {world['values']:,} values "
        f"({world['townships']:,} townships × {args.indicators} indicators × {args.months} "
        f"months), built in {build_s:.0f} s; median of {args.repeat} runs"
    )
    print(f"{'case':<52} {'luodi ms':>10} {'raw SQL ms':>11} {'ratio':>7}")
    for name, mine, baseline in rows:
        print(f"{name:<52} {mine:>10.1f} {baseline:>11.1f} {mine / baseline:>7.2f}")


if __name__ == "__main__":
    main()
