"""HTTP benchmark: requests a second and latency of the dashboard's JSON and of
entering a figure through the API, under concurrent clients, against luodi
served the production way (gunicorn sync workers, production settings with
DEBUG off) on loopback; each beside a ceiling, a plain Django view that
answers the same rows with one query and a JsonResponse in the same server.

Run: .venv/bin/python bench/http.py [--clients 32] [--seconds 10] [--workers N]
Uses the demo in a throw-away SQLite database (or DATABASE_URL's PostgreSQL
server, in a throw-away database made there).

The load comes from this script: client threads, each with its own
http.client connection, spread over a few processes so that the client's
own interpreter lock does not set the pace. gunicorn's sync workers close
the connection after each answer, so every request opens a new one, as a
browser behind no proxy would.

Goal: at 32 clients, at least half the ceiling's requests a second, p99
under 200 ms and no errors.
"""

import os
import sys

# Run as a file, this folder would come first on the path, and this file
# would hide the standard library's `http`.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from luodi.core.management.commands.serve import gunicorn_command  # noqa: E402

ROOT = Path(_HERE).parent
BOARD = "150000"
AS_OF = "2024-03-18"
INDICATOR = "sand-land-treated"
PROCESSES = 4


def prepare() -> None:
    """In the server's environment: the demo, this month's period, one figure
    per county to change, the task-force office's token and session. Prints
    them as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from luodi.api.services import access_token_create
    from luodi.demo.services import demo_load
    from luodi.divisions.choices import Level
    from luodi.divisions.models import Division
    from luodi.plan.models import Indicator
    from luodi.reporting.choices import Frequency
    from luodi.reporting.services import period_containing, report_open, value_save

    call_command("migrate", verbosity=0)
    demo_load()
    office = get_user_model().objects.get(username="taskforce")
    period = period_containing(frequency=Frequency.MONTHLY, day=timezone.localdate())
    indicator = Indicator.objects.get(code=INDICATOR)
    counties = list(Division.objects.filter(level=Level.COUNTY).order_by("code"))
    for county in counties:
        report = report_open(division=county, period=period, acting_user=office)
        value_save(
            report=report, indicator=indicator, value=1, expected_version=None, acting_user=office
        )
    _token, secret = access_token_create(user=office, name="bench", acting_user=office)
    browser = Client()
    browser.force_login(office)
    print(
        json.dumps(
            {
                "period": period.code,
                "counties": [county.code for county in counties],
                "token": secret,
                "session": browser.cookies["sessionid"].value,
            }
        )
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres(url: str, statement: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)


# The load -----------------------------------------------------------------


def client_thread(port, scenario, person, county, period, until, results) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": f"127.0.0.1:{port}", "Accept-Language": "en"}
    version, value = None, 1
    while time.monotonic() < until:
        if scenario == "board":
            method, path, body = "GET", f"/dashboard/{BOARD}/data.json?as_of={AS_OF}", None
            headers["Cookie"] = f"sessionid={person['session']}"
        elif scenario == "board ceiling":
            method, path, body = "GET", f"/bench/ceiling/{BOARD}/data.json", None
        else:
            value = 3 - value  # 1, 2, 1, …: always a change
            body = json.dumps({"value": str(value)})
            headers["Content-Type"] = "application/json"
            method = "PUT"
            if scenario == "entry":
                path = f"/api/v1/values/{INDICATOR}/{county}/{period}"
                headers["Authorization"] = f"Bearer {person['token']}"
                if version:
                    headers["If-Match"] = version
            else:
                path = f"/bench/ceiling/values/{INDICATOR}/{county}/{period}"
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            status = response.status
            version = response.getheader("ETag", version)
            if status == 409 and scenario == "entry":
                # The first write of a client does not know the version yet.
                version = '"{}"'.format(json.loads(answer)["current_version"])
            if response.will_close:
                connection.close()
        except OSError:
            status = 0
            connection.close()
        results.append(((time.perf_counter() - start) * 1000, status))


def client_process(port, scenario, person, counties, period, start_at, seconds, warm_up, queue):
    """Threads, one a client, each on its own county; the answers after warm-up."""
    results: list[list] = [[] for _county in counties]
    until = start_at + warm_up + seconds
    while time.monotonic() < start_at:
        time.sleep(0.001)
    threads = [
        threading.Thread(
            target=client_thread,
            args=(port, scenario, person, county, period, until, results[n]),
        )
        for n, county in enumerate(counties)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Requests are timed from their start; keep those begun after warm-up by
    # dropping each client's first answers that fit in it.
    kept = []
    for answers in results:
        elapsed = 0.0
        for latency, status in answers:
            elapsed += latency
            if elapsed > warm_up * 1000:
                kept.append((latency, status))
    queue.put(kept)


def measure(port, scenario, person, counties, period, seconds, warm_up) -> dict:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.monotonic() + 0.5
    groups = [counties[n::PROCESSES] for n in range(PROCESSES)]
    processes = [
        context.Process(
            target=client_process,
            args=(port, scenario, person, group, period, start_at, seconds, warm_up, queue),
        )
        for group in groups
        if group
    ]
    for process in processes:
        process.start()
    answers = [answer for _process in processes for answer in queue.get()]
    for process in processes:
        process.join()
    latencies = sorted(latency for latency, _status in answers)
    errors = Counter(status for _latency, status in answers if status != 200)
    return {
        "requests": len(answers),
        "per_second": len(answers) / seconds,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10, help="measured, per scenario")
    parser.add_argument(
        "--warm-up", type=float, default=5, help="seconds first, not counted: every worker warms up"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * len(os.sched_getaffinity(0)) + 1,
        help="gunicorn sync workers (default: two per core plus one, as `luodi serve`)",
    )
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="luodi-http-bench-"))
    database_url = os.environ.get("DATABASE_URL", "")
    name = f"luodi_http_bench_{os.getpid()}"
    if database_url:
        postgres(database_url, f'CREATE DATABASE "{name}"')
        database_url = urlunsplit(urlsplit(database_url)._replace(path="/" + name))
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "LUODI_SECRET_KEY": "bench-" + secrets.token_hex(16),
        "LUODI_SECURE_SSL_REDIRECT": "false",
        "LUODI_VAR_DIR": str(folder),
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        prepared = subprocess.run(
            [sys.executable, "-m", "bench.http", "--prepare"],
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if prepared.returncode != 0:
            sys.exit(prepared.stderr)
        data = json.loads(prepared.stdout.strip().splitlines()[-1])
        port = free_port()
        log = open(folder / "gunicorn.log", "w")
        server = subprocess.Popen(
            # The command `luodi serve` runs, access log and all.
            gunicorn_command(
                bind=f"127.0.0.1:{port}",
                workers=arguments.workers,
                timeout=30,
                graceful_timeout=10,
            ),
            env=environment,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("gunicorn did not start:\n" + (folder / "gunicorn.log").read_text())
                time.sleep(0.1)

        counties = data["counties"][: arguments.clients]
        if len(counties) < arguments.clients:
            sys.exit(f"at most {len(data['counties'])} clients: one county each")
        backend = "PostgreSQL" if database_url else "SQLite"
        print(
            f"luodi over HTTP: {arguments.clients} clients, {arguments.workers} gunicorn sync "
            f"workers, {backend}, {arguments.seconds:g} s measured after {arguments.warm_up:g} s"
        )
        rows = {}
        for scenario in ("board", "board ceiling", "entry", "entry ceiling"):
            rows[scenario] = measure(
                port,
                scenario,
                data,
                counties,
                data["period"],
                arguments.seconds,
                arguments.warm_up,
            )
        labels = {
            "board": f"GET /dashboard/{BOARD}/data.json",
            "board ceiling": "  ceiling: JsonResponse, one query",
            "entry": "PUT /api/v1/values/… (If-Match)",
            "entry ceiling": "  ceiling: one UPDATE, JsonResponse",
        }
        print(f"{'':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'of ceiling':>11}")
        for scenario, row in rows.items():
            ceiling = rows.get(f"{scenario} ceiling")
            share = f"{row['per_second'] / ceiling['per_second']:.0%}" if ceiling else ""
            print(
                f"{labels[scenario]:36} {row['per_second']:8.1f} {row['p50']:8.1f} "
                f"{row['p99']:8.1f} {sum(row['errors'].values()):7d} {share:>11}"
            )
        for scenario, row in rows.items():
            if row["errors"]:
                print(f"{labels[scenario].strip()}: errors by status {dict(row['errors'])}")
        for scenario in ("board", "entry"):
            row, ceiling = rows[scenario], rows[f"{scenario} ceiling"]
            met = [
                row["per_second"] >= ceiling["per_second"] / 2,
                row["p99"] < 200,
                not row["errors"],
            ]
            verdict = "met" if all(met) else "NOT met"
            print(f"goal for {scenario} (≥ 50% of ceiling, p99 < 200 ms, no errors): {verdict}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if database_url:
            postgres(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        prepare()
    else:
        main()
