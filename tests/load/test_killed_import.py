"""A server process killed (SIGKILL) in the middle of importing a large data
value set: the database then holds none of the file, the server's next
worker answers, and nothing is left locked."""

import json
import os
import signal
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest

from .conftest import ON_POSTGRESQL
from .scenario import INDICATORS

LAST = f"load-{INDICATORS - 1:02d}"

# One worker runs them all, over one seeded database (tests/load/conftest.py).
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]


def data_value_set(seed: dict) -> bytes:
    """Every county's every indicator this month: 12,360 figures."""
    period = seed["period"].replace("-", "")
    values = [
        {"dataElement": indicator, "period": period, "orgUnit": county, "value": str(number)}
        for number, (county, indicator) in enumerate(
            (county, indicator) for county in seed["counties"] for indicator in seed["indicators"]
        )
    ]
    return json.dumps({"dataValues": values}).encode()


@contextmanager
def postgresql_import_held(database):
    """While this lasts, an import waits on its first audit event, having
    written other rows already: a lock on the audit table that inserts wait
    for. Yields a function telling whether an import is waiting there with
    rows written (its transaction has an id only once it has written)."""
    import psycopg

    holder = psycopg.connect(database.url)
    holder.execute("LOCK TABLE core_auditevent IN SHARE MODE")
    with psycopg.connect(database.url, autocommit=True) as monitor:

        def writing_and_held() -> bool:
            return bool(
                monitor.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_xid IS NOT NULL AND wait_event_type = 'Lock'"
                ).fetchall()
            )

        try:
            yield writing_and_held
        finally:
            holder.close()
            # The killed worker's session notices its client is gone and
            # rolls back once the lock is free.
            deadline = time.monotonic() + 20
            while monitor.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall():
                assert time.monotonic() < deadline, "the killed import's session lingers"
                time.sleep(0.05)


@contextmanager
def sqlite_import_writing(database):
    """A function telling whether an import has written for a while: its
    write transaction has held SQLite's lock for two seconds (hundreds of
    rows inserted, none committed) or it has spilled rows into the WAL."""
    wal = database.var_dir / "luodi.sqlite3-wal"
    baseline = wal.stat().st_size if wal.exists() else 0
    held_since = None

    def writing() -> bool:
        nonlocal held_since
        if wal.exists() and wal.stat().st_size > baseline + 65536:
            return True
        probe = sqlite3.connect(database.sqlite_path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            held_since = None
        except sqlite3.OperationalError:  # database is locked: the import writes
            held_since = held_since or time.monotonic()
        finally:
            probe.close()
        return held_since is not None and time.monotonic() - held_since > 2

    yield writing


def test_a_worker_killed_in_the_middle_of_an_import_leaves_none_of_the_file(database, seed, serve):
    server = serve(database, workers=1)
    office = seed["office"]
    body = data_value_set(seed)
    # The token's first use today is bookkeeping written before the import.
    assert server.client(office).get("/api/v1/me").status == 200
    (worker,) = server.workers()
    answered = {}

    def post() -> None:
        try:
            answered["status"] = (
                server.client(office).post_json("/api/v1/dataValueSets", body).status
            )
        except OSError as lost:
            answered["lost"] = type(lost).__name__

    watch = postgresql_import_held if ON_POSTGRESQL else sqlite_import_writing
    with watch(database) as writing:
        importing = threading.Thread(target=post)
        importing.start()
        deadline = time.monotonic() + 30
        while not writing():
            assert importing.is_alive() and time.monotonic() < deadline, answered
            time.sleep(0.01)
        os.kill(worker, signal.SIGKILL)
        importing.join(timeout=10)

    # The client lost its connection without an answer,
    assert answered == {"lost": "RemoteDisconnected"}
    # the server's new worker answers and writes,
    county, period = next(iter(seed["counties"])), seed["period"]
    after = server.client(office).put_json(
        f"/api/v1/values/{LAST}/{county}/{period}", {"value": "7"}
    )
    assert (after.status, after.headers["ETag"]) == (200, '"1"')
    assert server.workers() != [worker]
    # and of the file's 12,360 figures none was kept.
    stored = database.run("read")
    assert stored["figures"] == {
        f"{LAST}/{county}": {
            "value": "7",
            "version": 1,
            "audit": ["reporting.value.created"],
            "history": 1,
        }
    }
    assert stored["reports"] == {county: {"status": "draft", "audit": ["reporting.report.created"]}}
