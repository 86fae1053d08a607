"""One database's run of the province benchmark: build the synthetic province
(bench/province.py), time luodi's dashboards, bulletins and import beside
hand-written baselines on the same data in the same process, and write the
results as JSON. bench/run.py runs it once per database; by hand:

    DATABASE_URL= .venv/bin/python -m bench.cases --size small --output small.json

Without DATABASE_URL it uses a throw-away SQLite file. With it, the named
database must be empty; the tables made here are dropped afterwards. --keep
keeps either.
"""

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself off the path: a module there (bench/http.py) would shadow the
# standard library's of the same name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
# Never the developer's own database: a fresh directory for the SQLite file.
VAR_DIR = tempfile.mkdtemp(prefix="luodi-bench-")
os.environ["LUODI_VAR_DIR"] = VAR_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# As in production: with DEBUG, Django keeps every query's text, which costs
# time and memory a server does not spend.
settings.DEBUG = False

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import sql  # noqa: E402
from bench.province import IMPORT_COLUMNS, LOCAL, SIZES, Province, build  # noqa: E402
from bench.timing import paired, python_peak, stopwatch  # noqa: E402
from luodi.bulletins.selectors import bulletin_document  # noqa: E402
from luodi.bulletins.services import bulletin_generate  # noqa: E402
from luodi.dashboards.selectors import (  # noqa: E402
    campaign_status,
    division_board,
    division_board_kept,
)
from luodi.divisions.models import Division  # noqa: E402
from luodi.divisions.permissions import visible_divisions  # noqa: E402
from luodi.reporting.selectors import totals  # noqa: E402
from luodi.reporting.services import ValuesImportRefused, values_import  # noqa: E402

# A PDF without a Chinese font logs every missing glyph; the results say so once.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# Goals, as the most luodi's time may be over its baseline's.
ROLLUP_GOAL = 1.3
IMPORT_GOAL = 2.0  # at least half the raw rate


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rolled_back(function):
    """A run of `function` whose writes are undone afterwards, so that every
    run meets the same data; returns the time of `function` alone, in ms."""

    def run() -> float:
        with transaction.atomic():
            elapsed = stopwatch(function)()
            transaction.set_rollback(True)
        return elapsed

    return run


class QueryCount:
    """How many statements luodi sends to the database (a wrapper around
    every execution; it costs about a microsecond each)."""

    def __init__(self) -> None:
        self.count = 0

    def _count(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "QueryCount":
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)


class Bench:
    def __init__(self, province: Province, *, repeat: int, import_repeat: int):
        self.p = province
        self.repeat = repeat
        self.import_repeat = import_repeat
        self.results: list[dict] = []
        self.user = get_user_model().objects.get(pk=province.user_id)

    def case(
        self,
        group,
        name,
        *,
        ours,
        baseline,
        luodi,
        against,
        goal=None,
        rows=None,
        repeat=None,
        warmup=1,
        trace=True,
    ):
        """Time `ours` beside `baseline` (both return their own ms), then,
        with `trace`, take one more run of `ours` for its Python peak."""
        log(f"  {name}")
        queries = QueryCount()
        timing = paired(ours, baseline, repeat=repeat or self.repeat, warmup=warmup, watch=queries)
        peak = python_peak(ours) if trace else None
        ratio = timing["ours_ms"] / timing["baseline_ms"]
        self.results.append(
            {
                "group": group,
                "case": name,
                "luodi": luodi,
                "baseline": against,
                **timing,
                "ratio": ratio,
                "goal": goal,
                "met": None if goal is None else ratio <= goal,
                "python_peak": peak,
                "queries": queries.count,
                "rows": rows,
            }
        )
        log(f"    {timing['ours_ms']:.1f} ms vs {timing['baseline_ms']:.1f} ms: {ratio:.2f}×")

    # -- dashboards ---------------------------------------------------------

    def dashboards(self) -> None:
        p = self.p
        today = p.today
        last_month_end = today.replace(day=1) - timedelta(days=1)
        flows = [i.pk for i in p.indicators if i.over_time == "flow"]
        latest = [i.pk for i in p.indicators if i.over_time != "flow"]
        visible = visible_divisions(self.user)
        for place, label, below in (
            (p.region, f"region {p.region.code}", "leagues"),
            (p.league, f"league {p.league.code}", "counties"),
        ):
            children = list(place.children.filter(is_active=True))
            places = [place, *children]
            scope = f"{label} + {len(children)} {below}"
            for as_of in (today, last_month_end):
                # The past day is read as recorded on that day: the figures
                # as stored by its end, from their history (recorded_on).
                moment = None
                if as_of < today:
                    moment = datetime.combine(
                        as_of + timedelta(days=1), clock_time.min, tzinfo=LOCAL
                    )
                when = "now" if moment is None else f"as of {as_of.isoformat()}"
                self._check(places, flows, latest, as_of, moment)

                def ours_totals(places=places, as_of=as_of, moment=moment):
                    totals(
                        indicators=p.indicators,
                        divisions=places,
                        year=as_of.year,
                        up_to=as_of,
                        as_of=moment,
                    )

                def raw(up_to, place=place, moment=moment):
                    return sql.township_figures(
                        flows=flows, latest=latest, root_path=place.path, up_to=up_to, moment=moment
                    )

                self.case(
                    "dashboards",
                    f"totals, {scope}, {when}",
                    ours=stopwatch(ours_totals),
                    baseline=stopwatch(lambda raw=raw, as_of=as_of: raw(as_of)),
                    luodi=f"reporting.selectors.totals, all {len(p.indicators)} indicators",
                    against="SQL: township figures grouped, one statement per kind",
                    goal=ROLLUP_GOAL,
                )
                # The board also reads the totals to the end of the month
                # before, for the change in its league table.
                before = as_of.replace(day=1) - timedelta(days=1)

                def raw_board(raw=raw, as_of=as_of, before=before):
                    raw(as_of)
                    if before.year == as_of.year:
                        raw(before)

                def ours_board(place=place, as_of=as_of, moment=moment):
                    division_board(
                        division=place,
                        as_of=as_of,
                        visible=visible,
                        recorded_on=as_of if moment is not None else None,
                    )

                self.case(
                    "dashboards",
                    f"division_board, {label}, {when}",
                    ours=stopwatch(ours_board),
                    baseline=stopwatch(raw_board),
                    luodi="dashboards.selectors.division_board (the page's data)",
                    against="the same SQL for its two year-to-date totals",
                )
        region = p.region

        def raw_region_board():
            for up_to in (today, last_month_end):
                if up_to.year == today.year:
                    sql.township_figures(
                        flows=flows, latest=latest, root_path=region.path, up_to=up_to
                    )

        self.case(
            "dashboards",
            f"division_board_kept, region {region.code}, now, again",
            ours=stopwatch(
                lambda: division_board_kept(division=region, as_of=today, visible=visible)
            ),
            baseline=stopwatch(raw_region_board),
            luodi="dashboards.selectors.division_board_kept (the page's; kept in the cache)",
            against="the same SQL for its two year-to-date totals",
        )
        self.case(
            "dashboards",
            f"campaign_status, region {region.code}, now",
            ours=stopwatch(
                lambda: campaign_status(
                    as_of=today, divisions=Division.objects.subtree_of([region]), home=[region]
                )
            ),
            baseline=stopwatch(lambda: sql.status_counts(root_path=region.path, as_of=today)),
            luodi="dashboards.selectors.campaign_status (status page)",
            against="SQL: policy, project and approval counts per programme",
        )

    def _check(self, places, flows, latest, as_of, moment) -> None:
        """luodi's total for the top division equals the sum of the baseline's
        township figures, for every indicator: both read the same figures."""
        found = totals(
            indicators=self.p.indicators,
            divisions=places,
            year=as_of.year,
            up_to=as_of,
            as_of=moment,
        )
        expected: dict[int, float] = {}
        for indicator_id, _path, value in sql.township_figures(
            flows=flows, latest=latest, root_path=places[0].path, up_to=as_of, moment=moment
        ):
            expected[indicator_id] = expected.get(indicator_id, 0.0) + float(value)
        for indicator_id, value in expected.items():
            ours = float(found[(indicator_id, places[0].pk)])
            if abs(ours - value) > 1e-6 * max(1.0, abs(value)):
                raise AssertionError(f"indicator {indicator_id}: luodi {ours}, SQL {value}")

    # -- bulletins ----------------------------------------------------------

    def bulletins(self) -> None:
        region, today, user = self.p.region, self.p.today, self.user
        for file_format in ("txt", "docx", "xlsx", "pdf"):

            def generate(file_format=file_format):
                bulletin_generate(
                    division=region,
                    as_of=today,
                    language="zh",
                    file_format=file_format,
                    acting_user=user,
                )

            self.case(
                "bulletins",
                f"bulletin, region {region.code}, {file_format}",
                ours=rolled_back(generate),
                baseline=stopwatch(
                    lambda: bulletin_document(as_of=today, division=region, language="zh")
                ),
                luodi="bulletins.services.bulletin_generate (read, render, keep)",
                against="bulletins.selectors.bulletin_document (the read alone)",
            )

    # -- import -------------------------------------------------------------

    def imports(self) -> None:
        p = self.p
        figures, rows = p.import_figures, p.import_rows

        def ours():
            # A fresh user, as each request loads one.
            user = get_user_model().objects.get(pk=p.user_id)
            try:
                report = values_import(figures=figures, acting_user=user)
            except ValuesImportRefused as refused:
                raise AssertionError("\n".join(refused.errors[:5])) from refused
            if report.saved != len(figures):
                raise AssertionError(f"{report.saved} of {len(figures)} figures saved")

        def copy():
            sql.insert_rows("reporting_datavalue", IMPORT_COLUMNS, rows)

        raw = "COPY" if connection.vendor == "postgresql" else "executemany INSERT"
        self.case(
            "import",
            f"import {len(figures):,} new figures",
            ours=rolled_back(ours),
            baseline=rolled_back(copy),
            luodi="reporting.services.values_import (checks, history, audit)",
            against=f"{raw} of the same rows into reporting_datavalue",
            goal=IMPORT_GOAL,
            rows=len(figures),
            repeat=self.import_repeat,
            # A large import runs long enough without a warm-up run; under
            # tracemalloc it runs many times slower, so its memory is the rise
            # of resident memory alone.
            warmup=0,
            trace=False,
        )


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) * 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "vendor": connection.vendor,
        # Without one, WeasyPrint draws empty boxes and the PDF time means little.
        "cjk_font": _has_chinese_font(),
    }


def code_state() -> dict:
    """The commit measured, and luodi's files changed since it (what was
    measured is what was in the working tree)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout

    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "luodi_changes": [
            line[3:] for line in git("status", "--porcelain", "--", "luodi").splitlines()
        ],
    }


def _has_chinese_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def empty_or_refuse() -> None:
    if connection.introspection.table_names():
        sys.exit(f"{connection.settings_dict['NAME']} is not empty: give an empty database.")


def drop_tables() -> None:
    """Drop what this run made (the database was empty when it began)."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each read")
    parser.add_argument("--import-repeat", type=int, default=3, help="timed imports")
    parser.add_argument("--output", type=Path, help="write the results here as JSON")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data (the SQLite file, the PostgreSQL tables)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    if postgres:
        empty_or_refuse()
    load = os.getloadavg()[0]
    try:
        log(f"{connection.vendor}: migrate")
        call_command("migrate", verbosity=0)
        log(f"{connection.vendor}: build the {args.size} province")
        start = time.perf_counter()
        province = build(SIZES[args.size], today=timezone.localdate(), log=log)
        build_s = time.perf_counter() - start
        bench = Bench(province, repeat=args.repeat, import_repeat=args.import_repeat)
        log(f"{connection.vendor}: measure")
        bench.dashboards()
        bench.bulletins()
        bench.imports()
        result = {
            "size": args.size,
            "date": timezone.localdate().isoformat(),
            "machine": machine(),
            "code": code_state(),
            "counts": province.counts,
            "repeat": args.repeat,
            "import_repeat": args.import_repeat,
            "build_s": build_s,
            "total_s": time.perf_counter() - started,
            "load_before": load,
            "load_after": os.getloadavg()[0],
            "results": bench.results,
        }
    finally:
        if args.keep:
            log(f"kept: {connection.settings_dict['NAME']}")
        elif postgres:
            drop_tables()
        connection.close()
        if not args.keep:
            shutil.rmtree(VAR_DIR, ignore_errors=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.output:
        args.output.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
