"""`luodi backup` and `luodi restore` on the database the suite runs on:
SQLite files when it runs on SQLite, scratch PostgreSQL databases when it runs
on PostgreSQL. A backup taken while a service writes restores to a database
as it was at one moment; a restore never lands on a database with tables."""

import hashlib
import os
import re
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from config.settings.base import sqlite_database
from luodi.core.backups import (
    BackupError,
    BackupSummary,
    database_backup,
    database_restore,
    database_tables,
)

# Backups and restores reach the suite's database in processes of their own.
pytestmark = pytest.mark.database

ROOT = Path(settings.BASE_DIR)
WARM_UP = 20
# Makes the tables it needs (the apps' migrations, not all of luodi's: that
# is faster), then writes departments through the service until told to stop;
# says when it has written WARM_UP of them, and at the end how many in all.
WRITER = f"""
import sys
from pathlib import Path

import django

django.setup()
from django.core.management import call_command

call_command("migrate", "core", verbosity=0)
call_command("migrate", "divisions", verbosity=0)
from luodi.divisions.choices import DepartmentKind
from luodi.divisions.services import department_save

stop = Path(sys.argv[1])
written = 0
while not stop.exists():
    written += 1
    department_save(
        name=f"Department {{written}}", kind=DepartmentKind.NATIONAL_MINISTRY, acting_user=None
    )
    if written == {WARM_UP}:
        print("writing", flush=True)
print(written, flush=True)
"""

Checksums = dict[str, tuple[int, str]]


@dataclass(frozen=True)
class Scratch:
    """A database of its own: the environment a luodi process needs to use it,
    and its Django connection settings for reading it from the test."""

    env: dict[str, str]
    settings: dict


@pytest.fixture
def scratch_databases(tmp_path) -> Iterator:
    """Makes empty databases on the suite's database server; drops them after."""
    base = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "LUODI_SECRET_KEY": secrets.token_urlsafe(50),
        "LUODI_ALLOWED_HOSTS": "luodi.example.org",
    }
    server = connection.settings_dict
    made: list[str] = []

    def make(label: str) -> Scratch:
        folder = tmp_path / label
        folder.mkdir()
        env = {**base, "LUODI_VAR_DIR": str(folder), "DATABASE_URL": ""}
        if connection.vendor == "sqlite":
            return Scratch(env=env, settings=sqlite_database(folder / "luodi.sqlite3"))
        name = f"luodi_scratch_{label}_{secrets.token_hex(4)}"
        with _maintenance() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        credentials = quote(server["USER"] or "")
        if server["PASSWORD"]:
            credentials += ":" + quote(server["PASSWORD"])
        url = f"postgres://{credentials}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
        return Scratch(env={**env, "DATABASE_URL": url}, settings=dj_database_url.parse(url))

    yield make
    if made:
        with _maintenance() as cursor:
            for name in made:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _maintenance():
    import psycopg

    server = connection.settings_dict
    with psycopg.connect(
        host=server["HOST"],
        port=server["PORT"] or 5432,
        user=server["USER"],
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as maintenance:
        yield maintenance.cursor()


def luodi_started(scratch: Scratch, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "luodi", *arguments],
        env=scratch.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def luodi_finished(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def luodi(scratch: Scratch, *arguments: str) -> str:
    return luodi_finished(luodi_started(scratch, *arguments))


@contextmanager
def opened(scratch: Scratch) -> Iterator[BaseDatabaseWrapper]:
    wrapper = ConnectionHandler({"default": scratch.settings})["default"]
    try:
        yield wrapper
    finally:
        wrapper.close()


def table_checksums(database: BaseDatabaseWrapper) -> Checksums:
    """Per table: how many rows, and a SHA-256 over all of them in the order of
    the primary key (of every column where a table has none)."""
    quote_name = database.ops.quote_name
    sums = {}
    with database.cursor() as cursor:
        for table in database_tables(database):
            name = table.split(".")[-1]
            key = database.introspection.get_primary_key_column(cursor, name)
            columns = [c.name for c in database.introspection.get_table_description(cursor, name)]
            order = quote_name(key) if key else ", ".join(map(quote_name, columns))
            cursor.execute(f"SELECT * FROM {quote_name(name)} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            rows = cursor.fetchall()
            for row in rows:
                digest.update(repr(row).encode())
            sums[table] = (len(rows), digest.hexdigest())
    return sums


def rows_in(sums: Checksums, table: str) -> int:
    (count,) = [rows for name, (rows, _digest) in sums.items() if name.split(".")[-1] == table]
    return count


def departments_written(database: BaseDatabaseWrapper) -> tuple[int, int, int]:
    """Departments, their history rows and their audit events: one of each per
    write, so equal in any database taken at one moment."""
    with database.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM divisions_department")
        (departments,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM divisions_historicaldepartment")
        (history,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'divisions.department.created'"
        )
        (audited,) = cursor.fetchone()
    return departments, history, audited


def test_a_backup_taken_while_a_service_writes_restores_to_one_moment(
    tmp_path, scratch_databases, django_db_blocker
):
    source = scratch_databases("source")
    stop = tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WRITER, str(stop)],
        env=source.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "writing\n"
        # Given a service writing, when a backup is taken:
        during_output = luodi(source, "backup", str(tmp_path / "during.backup"))
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0])
    # and once the writing has stopped, another one, into a folder.
    folder = tmp_path / "backups"
    folder.mkdir()
    after_output = luodi(source, "backup", str(folder))
    (after,) = list(folder.iterdir())
    # Each is restored into an empty database: one by the command, the other
    # meanwhile by the function the command calls.
    restored_during = scratch_databases("restored_during")
    restored_after = scratch_databases("restored_after")
    restoring = luodi_started(restored_during, "restore", str(tmp_path / "during.backup"))
    with django_db_blocker.unblock():
        with opened(restored_after) as database:
            database_restore(path=after, database=database)
            after_sums = table_checksums(database)
        with opened(source) as database:
            source_sums = table_checksums(database)
        restore_output = luodi_finished(restoring)
        with opened(restored_during) as database:
            during_sums = table_checksums(database)
            during_counts = departments_written(database)

    assert str(tmp_path / "during.backup") in during_output
    assert str(tmp_path / "during.backup") in restore_output
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    assert re.fullmatch(rf"luodi-\d{{8}}-\d{{6}}\{suffix}", after.name)
    assert str(after) in after_output
    assert stat.S_IMODE(after.stat().st_mode) == 0o600
    # The backup taken after the writes is the source, table by table, row by row.
    assert after_sums == source_sums
    assert rows_in(source_sums, "divisions_department") == written
    # The one taken during the writes holds each write whole or not at all,
    # somewhere between the warm-up and the end,
    departments, history, audited = during_counts
    assert departments == history == audited
    assert WARM_UP <= departments <= written
    # and nothing else differs from the source.
    written_tables = {"divisions_department", "divisions_historicaldepartment", "core_auditevent"}
    assert {
        table: sums
        for table, sums in during_sums.items()
        if table.split(".")[-1] not in written_tables
    } == {
        table: sums
        for table, sums in source_sums.items()
        if table.split(".")[-1] not in written_tables
    }


def with_notes(database: BaseDatabaseWrapper) -> None:
    """A small database: one table, two rows."""
    with database.cursor() as cursor:
        cursor.execute("CREATE TABLE note (id integer PRIMARY KEY, body varchar(100))")
        cursor.execute("INSERT INTO note (id, body) VALUES (1, 'first'), (2, '第二')")


def test_a_backup_restores_into_an_empty_database_and_says_what_it_did(
    tmp_path, scratch_databases, django_db_blocker
):
    path = tmp_path / "notes.backup"
    with django_db_blocker.unblock():
        with opened(scratch_databases("source")) as source:
            with_notes(source)
            backed_up = database_backup(path=path, database=source)
            source_sums = table_checksums(source)
        with opened(scratch_databases("target")) as target:
            restored = database_restore(path=path, database=target)
            target_sums = table_checksums(target)

    size = path.stat().st_size
    assert backed_up == BackupSummary(path=path, size=size, tables=1)
    assert restored == BackupSummary(path=path, size=size, tables=1)
    assert target_sums == source_sums
    assert [rows for rows, _digest in target_sums.values()] == [2]


@pytest.mark.django_db
def test_a_restore_into_a_database_with_tables_is_refused_and_changes_nothing(
    tmp_path, scratch_databases, django_db_blocker
):
    path = tmp_path / "notes.backup"
    with django_db_blocker.unblock(), opened(scratch_databases("notes")) as notes:
        with_notes(notes)
        database_backup(path=path, database=notes)
        notes_before = table_checksums(notes)
        with pytest.raises(BackupError):
            database_restore(path=path, database=notes)
        notes_after = table_checksums(notes)
    tables = database_tables(connection)
    before = table_checksums(connection)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))

    assert str(refused.value) == (
        f"The database {connection.settings_dict['NAME']} already has {len(tables)} tables "
        f"({tables[0]}, …); restore only into an empty database. Nothing was changed."
    )
    assert table_checksums(connection) == before
    assert notes_after == notes_before


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_for_this_database_is_refused(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup", encoding="utf-8")
    before = table_checksums(connection)

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(other))

    assert str(refused.value) == (
        f"{other} is not a luodi backup of a {connection.display_name} database."
    )
    assert table_checksums(connection) == before


def test_a_backup_never_overwrites_a_file(tmp_path):
    kept = tmp_path / "monday.backup"
    kept.write_bytes(b"Monday's backup")

    with pytest.raises(CommandError) as refused:
        call_command("backup", str(kept))

    assert str(refused.value) == f"{kept} already exists; name a new file."
    assert kept.read_bytes() == b"Monday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["monday.backup"]
