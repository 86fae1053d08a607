"""A change the database cannot keep, because its disk is full or it takes no
changes: the API and the pages answer 503 saying why, reading still works,
nothing of the change is kept, and it goes through once the disk has room.

The faults are real, not simulated, and touch only this test's database:
- a full disk: the database on a small tmpfs of its own, filled up by
  another file (SQLite: the database's folder; PostgreSQL: a tablespace
  holding the test's database). tmpfs keeps no blocks back for root, unlike
  ext4, and these tests run as root. Mounting needs root; without it the
  test is skipped.
- read-only: SQLite's database file marked immutable (`chattr +i`), which
  stops root too (plain permissions do not); PostgreSQL's database set to
  `default_transaction_read_only`, as a hot standby answers writes.
"""

import html
import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from .conftest import ON_POSTGRESQL, Database, postgres_admin

# One worker runs them all, over one seeded database (tests/load/conftest.py).
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

FULL = "The database's disk is full: the change was not saved. Tell the administrator."
READ_ONLY = (
    "The database takes no changes just now (it is read-only): the change was not saved. "
    "Tell the administrator."
)
UNREACHABLE = (
    "The database cannot be reached just now. Try again in a few minutes; "
    "if this goes on, tell the administrator."
)
COUNTY = "150102"


@contextmanager
def tmpfs(folder: Path, megabytes: int, *options: str):
    folder.mkdir()
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", ",".join([f"size={megabytes}m", *options]), "tmpfs", folder],  # noqa: S607
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small filesystem of its own needs mount (root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", folder], check=True)  # noqa: S603, S607


def fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem holding `folder` but for `leave` bytes."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    filler = folder / "filler"
    with open(filler, "wb") as out:
        out.write(b"\0" * max(free - leave, 0))
    return filler


def assert_change_refused(server, seed, message: str, *, version: str | None) -> None:
    """A change through the API and one through the report page both answer
    503 with `message`; reading still works."""
    reporter = server.client(seed["counties"][COUNTY])
    period = seed["period"]
    figure = f"/api/v1/values/load-01/{COUNTY}/{period}"
    api = reporter.put_json(figure, {"value": "2"}, **({"If-Match": version} if version else {}))
    assert (api.status, api.headers["Content-Type"], api.json()) == (
        503,
        "application/problem+json",
        {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": message,
            "instance": figure,
            "errors": [],
        },
    )
    key = seed["indicators"]["load-01"]
    page = reporter.post_form(
        f"/reports/{COUNTY}/{period}/",
        {"action": "save", f"value-{key}": "3", f"version-{key}": (version or "").strip('"')},
    )
    assert (page.status, page.headers["Content-Type"]) == (503, "text/html; charset=utf-8")
    assert f'<p role="alert">{html.escape(message)}</p>' in page.text
    assert "Traceback" not in page.text
    listed = reporter.get(f"/api/v1/values?division={COUNTY}")
    assert (listed.status, listed.json()["count"]) == (200, 0 if version is None else 1)


def stored_after_one_change(database) -> None:
    assert database.run("read")["figures"] == {
        f"load-01/{COUNTY}": {
            "value": "4",
            "version": 1,
            "audit": ["reporting.value.created"],
            "history": 1,
        }
    }


@contextmanager
def postgresql_on_tmpfs(database, folder: Path):
    """The test's database moved into a tablespace on a small tmpfs."""
    address = urlsplit(database.url)
    if address.hostname not in ("127.0.0.1", "localhost", "::1"):
        pytest.skip("the PostgreSQL server is not on this machine")
    owner = pwd.getpwnam("postgres")
    name = address.path.lstrip("/")
    space = f"{name}_disk"
    with tmpfs(folder, 64, f"uid={owner.pw_uid}", f"gid={owner.pw_gid}", "mode=700"):
        (folder / "data").mkdir()
        os.chown(folder / "data", owner.pw_uid, owner.pw_gid)
        postgres_admin(f"CREATE TABLESPACE \"{space}\" LOCATION '{folder / 'data'}'")
        try:
            postgres_admin(f'ALTER DATABASE "{name}" SET TABLESPACE "{space}"')
            yield folder
        finally:
            postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            postgres_admin(f'DROP TABLESPACE "{space}"')


def test_a_full_disk_refuses_the_change_with_503_and_keeps_none_of_it(database, seed, serve):
    # PostgreSQL's server runs as another user: the folder must be reachable.
    outside = Path(tempfile.mkdtemp(prefix="luodi-disk-"))
    outside.chmod(0o711)
    if ON_POSTGRESQL:
        where = postgresql_on_tmpfs(database, outside / "disk")
    else:
        where = tmpfs(outside / "disk", 8)
    try:
        with where as disk:
            if not ON_POSTGRESQL:
                (disk / "luodi.sqlite3").write_bytes(database.sqlite_path.read_bytes())
                database = Database(var_dir=disk)
            server = serve(database, workers=1)
            try:
                # Reading works and the token's first use today is recorded.
                assert server.client(seed["counties"][COUNTY]).get("/api/v1/me").status == 200

                # SQLite needs room for its shared-memory file to read at all.
                # PostgreSQL has free bytes in the pages it has; a new figure
                # in a new report needs new pages of the empty tables.
                filler = fill(disk, leave=(0 if ON_POSTGRESQL else 48 * 1024))
                assert_change_refused(server, seed, FULL, version=None)

                filler.unlink()
                figure = f"/api/v1/values/load-01/{COUNTY}/{seed['period']}"
                after = server.client(seed["counties"][COUNTY]).put_json(figure, {"value": "4"})
                assert (after.status, after.headers["ETag"]) == (200, '"1"')
                stored_after_one_change(database)
            finally:
                server.stop()
    finally:
        shutil.rmtree(outside)


@contextmanager
def read_only(database):
    if ON_POSTGRESQL:
        name = urlsplit(database.url).path.lstrip("/")
        postgres_admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        try:
            yield
        finally:
            postgres_admin(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
            # Sessions keep the setting they started with: end them, as a
            # failover does.
            postgres_admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                name,
            )
        return
    changed = subprocess.run(  # noqa: S603
        ["chattr", "+i", database.sqlite_path],  # noqa: S607
        capture_output=True,
        text=True,
    )
    if changed.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {changed.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", database.sqlite_path], check=True)  # noqa: S603, S607


def test_a_read_only_database_refuses_the_change_with_503_and_keeps_none_of_it(
    database, seed, serve
):
    # The token's first use today is recorded while the database takes changes.
    first = serve(database, workers=1)
    assert first.client(seed["counties"][COUNTY]).get("/api/v1/me").status == 200
    first.stop()

    with read_only(database):
        server = serve(database, workers=1)
        assert_change_refused(server, seed, READ_ONLY, version=None)

    figure = f"/api/v1/values/load-01/{COUNTY}/{seed['period']}"
    reporter = server.client(seed["counties"][COUNTY])
    answers = [reporter.put_json(figure, {"value": "4"})]
    health_checks = settings.DATABASES["default"].get("CONN_HEALTH_CHECKS", False)
    if ON_POSTGRESQL and not health_checks:
        # The worker's kept connection was ended: its next request finds
        # out, answers 503 and connects afresh for the one after.
        assert (answers[0].status, answers[0].json()["detail"]) == (503, UNREACHABLE)
        answers = [reporter.put_json(figure, {"value": "4"})]
    assert (answers[0].status, answers[0].headers["ETag"]) == (200, '"1"')
    stored_after_one_change(database)
