"""The benchmark `make bench` runs: a synthetic province at a chosen size, on
SQLite and (when given one) PostgreSQL, luodi beside hand-written baselines.

    .venv/bin/python bench/run.py [--size small|medium|large] [--postgres URL]
                                  [--repeat N] [--import-repeat N] [--no-docs]

Each database is measured in a process of its own (bench/cases.py) on a
throw-away SQLite file, or on the empty PostgreSQL database named by --postgres
(default: LUODI_BENCH_DATABASE_URL). The results are printed as tables, kept as
JSON in var/bench/, and written into the size's results block in
docs/benchmarks.md.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
OUTPUT = ROOT / "var" / "bench"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MIB = 2**20


def measure(size: str, database_url: str, args) -> dict:
    """One database's results, from a process of its own."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    label = "postgresql" if database_url else "sqlite"
    output = OUTPUT / f"{size}-{label}.json"
    command = [
        sys.executable,
        "-m",
        "bench.cases",
        f"--size={size}",
        f"--repeat={args.repeat}",
        f"--import-repeat={args.import_repeat}",
        f"--output={output}",
    ]
    print(f"== {NAMES[label]}, {size}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url}, check=True)
    result = json.loads(output.read_text())
    result["wall_s"] = time.perf_counter() - start
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def _cell(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _goal(row: dict) -> str:
    goal = row["goal"]
    if goal is None:
        return ""
    if row["group"] == "import":
        return f"≥ {100 / goal:.0f}% of raw rate"
    return f"≤ {goal}×"


def tables(runs: list[dict]) -> str:
    """The results as Markdown tables, databases side by side."""
    names = [NAMES[run["machine"]["vendor"]] for run in runs]
    by_case = [{r["case"]: r for r in run["results"]} for run in runs]
    cases = list(by_case[0])
    lines = []

    header = ["case"]
    for name in names:
        header += [f"{name} luodi ms", "baseline ms", "ratio"]
    header.append("goal")
    timed = [c for c in cases if by_case[0][c]["group"] != "import"]
    lines += _table(
        header,
        [
            [case]
            + [
                cell
                for results in by_case
                for cell in (
                    _cell(results[case]["ours_ms"]),
                    _cell(results[case]["baseline_ms"]),
                    _ratio(results[case]),
                )
            ]
            + [_goal(by_case[0][case])]
            for case in timed
        ],
    )

    lines.append("")
    header = ["import", *names]
    rows = []
    for case in [c for c in cases if by_case[0][c]["group"] == "import"]:
        per = [results[case] for results in by_case]
        rows += [
            [f"{case}: luodi rows/s"] + [_cell(_rate(r["rows"], r["ours_ms"]), 0) for r in per],
            ["raw rows/s (baseline)"] + [_cell(_rate(r["rows"], r["baseline_ms"]), 0) for r in per],
            [f"luodi's share of the raw rate (goal {_goal(per[0])})"]
            + [f"{100 * r['baseline_ms'] / r['ours_ms']:.2f}% {_mark(r)}" for r in per],
        ]
    lines += _table(header, rows)

    lines.append("")
    header = ["luodi's step: queries, memory (MiB)"]
    for name in names:
        header += [f"{name} queries", "Python peak", "RSS rise"]
    rows = []
    for case in cases:
        row = [case]
        for results in by_case:
            result = results[case]
            peak = result["python_peak"]
            row += [
                str(result["queries"]),
                _cell(None if peak is None else peak / MIB),
                _cell(result["rss_growth"] / MIB),
            ]
        rows.append(row)
    lines += _table(header, rows)
    return "\n".join(lines)


def _rate(rows: int, ms: float) -> float:
    return rows / (ms / 1000)


def _mark(row: dict) -> str:
    return "" if row["met"] is None else ("✓" if row["met"] else "✗")


def _ratio(row: dict) -> str:
    return f"{row['ratio']:.2f} {_mark(row)}".rstrip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    aligns = ["---"] + ["---:"] * (len(header) - 1)
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(aligns) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def summary(runs: list[dict]) -> str:
    first = runs[0]
    machine, counts = first["machine"], first["counts"]
    databases = ", ".join(run["machine"]["database"] for run in runs)
    runs_text = "; ".join(
        f"{NAMES[run['machine']['vendor']]} {run['wall_s'] / 60:.1f} min "
        f"(building the data {run['build_s']:.0f} s, load average "
        f"{run['load_before']:.1f} → {run['load_after']:.1f})"
        for run in runs
    )
    fonts = "" if machine["cjk_font"] else " No Chinese font was installed: the PDF is boxes."
    code = first["code"]
    changed = code["luodi_changes"]
    state = f"luodi at {code['commit']}" + (
        f" with uncommitted changes to {', '.join(changed)}" if changed else ""
    )
    return (
        f"{first['date']}, `{first['size']}`, {state}: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory'] / 2**30:.0f} GiB; Python {machine['python']}, Django "
        f"{machine['django']}; {databases}. {counts['divisions']:,} divisions "
        f"({counts['townships']:,} townships), {counts['indicators']} indicators, "
        f"{counts['targets']:,} targets, {counts['values']:,} figures "
        f"({counts['history']:,} history rows), {counts['projects']:,} projects, "
        f"{counts['policies']:,} policies, {counts['action_items']:,} action items. "
        f"Medians of {first['repeat']} runs ({first['import_repeat']} for the import). "
        f"Run time: {runs_text}.{fonts}"
    )


def write_docs(size: str, text: str) -> None:
    """Replace the size's block between its markers in docs/benchmarks.md."""
    start, end = f"<!-- results {size} -->", f"<!-- /results {size} -->"
    content = DOCS.read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(content):
        print(f"{DOCS} has no {start} block; not written.", file=sys.stderr)
        return
    DOCS.write_text(pattern.sub(lambda _m: f"{start}\n{text}\n{end}", content))
    print(f"Wrote the {size} results into {DOCS.relative_to(ROOT)}.", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "medium", "large"], default="small")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("LUODI_BENCH_DATABASE_URL", ""),
        help="an empty PostgreSQL database (default: $LUODI_BENCH_DATABASE_URL)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each read")
    parser.add_argument("--import-repeat", type=int, default=3, help="timed imports")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument(
        "--last",
        action="store_true",
        help="measure nothing: show (and write) the size's last results from var/bench/",
    )
    args = parser.parse_args()

    if args.last:
        runs = [
            json.loads(path.read_text())
            for label in NAMES
            if (path := OUTPUT / f"{args.size}-{label}.json").exists()
        ]
        if not runs:
            sys.exit(f"No {args.size} results in {OUTPUT}.")
    else:
        urls = ([] if args.no_sqlite else [""]) + ([args.postgres] if args.postgres else [])
        runs = [measure(args.size, url, args) for url in urls]
    text = summary(runs) + "\n\n" + tables(runs)
    print(text)
    if not args.no_docs:
        write_docs(args.size, text)


if __name__ == "__main__":
    main()
