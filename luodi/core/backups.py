"""Consistent backups of luodi's database, taken while luodi runs, and their restore.

SQLite: the backup API copies every page in one step inside one read
transaction, so the copy is the database as of one moment even while server
processes write (WAL lets them go on writing meanwhile). PostgreSQL: pg_dump
reads one snapshot and writes its custom format; pg_restore loads it in one
transaction.

A restore goes only into an empty database: it never merges with or
overwrites data that is already there.
"""

import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone
from django.utils.translation import gettext as _

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
# A table in `pg_restore --list`: "215; 1259 16390 TABLE public auth_group luodi".
PG_TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )")


class BackupError(Exception):
    """A backup or restore refused or failed; nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size: int
    tables: int


def database_backup(*, path: Path, database: BaseDatabaseWrapper) -> BackupSummary:
    """Copy the database to `path` (a new file, or a folder to put a dated
    file in), readable only by its owner. The file appears under its name
    only once it is complete."""
    vendor = _supported_vendor(database)
    if path.is_dir():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = path / f"luodi-{stamp}{SUFFIX[vendor]}"
    if path.exists():
        raise BackupError(_("%(path)s already exists; name a new file.") % {"path": path})
    partial = path.with_name(path.name + ".partial")
    try:
        # Created empty and private first: backups hold password hashes.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise BackupError(
            _("Cannot write %(path)s: %(error)s") % {"path": partial, "error": error.strerror}
        ) from error
    try:
        if vendor == "sqlite":
            tables = _sqlite_backup(database, partial)
        else:
            tables = _postgres_backup(database, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path=path, size=path.stat().st_size, tables=tables)


def database_restore(*, path: Path, database: BaseDatabaseWrapper) -> BackupSummary:
    """Load a backup made by `database_backup` into the database, which must
    be empty (no tables at all); otherwise refuse and change nothing."""
    vendor = _supported_vendor(database)
    try:
        with path.open("rb") as backup:
            header = backup.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
        ) from error
    expected = SQLITE_HEADER if vendor == "sqlite" else PG_DUMP_HEADER
    if not header.startswith(expected):
        raise BackupError(
            _("%(path)s is not a luodi backup of a %(vendor)s database.")
            % {"path": path, "vendor": database.display_name}
        )
    existing = database_tables(database)
    if existing:
        raise BackupError(
            _(
                "The database %(name)s already has %(count)d tables (%(first)s, …); "
                "restore only into an empty database. Nothing was changed."
            )
            % {
                "name": database.settings_dict["NAME"],
                "count": len(existing),
                "first": existing[0],
            }
        )
    if vendor == "sqlite":
        _sqlite_restore(database, path)
    else:
        _postgres_restore(database, path)
    return BackupSummary(path=path, size=path.stat().st_size, tables=len(database_tables(database)))


def database_tables(database: BaseDatabaseWrapper) -> list[str]:
    """Every table in the database, luodi's or not, sorted."""
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(
                "SELECT schemaname || '.' || tablename FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        return [row[0] for row in cursor.fetchall()]


def _supported_vendor(database: BaseDatabaseWrapper) -> str:
    if database.vendor not in SUFFIX:
        raise BackupError(
            _("luodi backs up SQLite and PostgreSQL databases, not %(vendor)s.")
            % {"vendor": database.display_name}
        )
    return database.vendor


def _sqlite_backup(database: BaseDatabaseWrapper, partial: Path) -> int:
    name = str(database.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError(_("An in-memory database cannot be backed up."))
    if not Path(name).is_file():
        raise BackupError(_("There is no database at %(path)s.") % {"path": name})
    # A connection of its own, outside any transaction of the caller's: it
    # copies only what is committed.
    source = sqlite3.connect(name, timeout=20)
    target = sqlite3.connect(partial)
    try:
        # All pages in one step: one read transaction, one consistent moment.
        source.backup(target, pages=-1)
        # The copy stands alone as one file, without a write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        (tables,) = target.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    finally:
        target.close()
        source.close()
    return tables


def _sqlite_restore(database: BaseDatabaseWrapper, path: Path) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (verdict,) = source.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise BackupError(
                _("%(path)s is damaged (%(verdict)s); nothing was restored.")
                % {"path": path, "verdict": verdict}
            )
        database.ensure_connection()
        source.backup(database.connection, pages=-1)
    finally:
        source.close()


def _libpq_environment(database: BaseDatabaseWrapper) -> dict[str, str]:
    """The connection's settings as libpq variables, so no password shows in
    the process list."""
    settings_dict = database.settings_dict
    _args, password_and_options = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(password_and_options or {})}
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("NAME", "PGDATABASE"),
    ]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run_client(program: str, arguments: list[str], database: BaseDatabaseWrapper) -> str:
    try:
        finished = subprocess.run(  # noqa: S603 (a fixed program, our own arguments)
            [program, *arguments],
            env=_libpq_environment(database),
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as error:
        raise BackupError(
            _(
                "%(program)s is not installed; install the PostgreSQL client of the "
                "server's major version (Debian: postgresql-client-15)."
            )
            % {"program": program}
        ) from error
    if finished.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": finished.stderr.strip()}
        )
    return finished.stdout


def _postgres_tables_in(path: Path, database: BaseDatabaseWrapper) -> int:
    listing = _run_client("pg_restore", ["--list", str(path)], database)
    return sum(1 for line in listing.splitlines() if PG_TABLE_ENTRY.match(line))


def _postgres_backup(database: BaseDatabaseWrapper, partial: Path) -> int:
    _run_client("pg_dump", ["--format=custom", "--file", str(partial)], database)
    return _postgres_tables_in(partial, database)


def _postgres_restore(database: BaseDatabaseWrapper, path: Path) -> None:
    _postgres_tables_in(path, database)  # refuses a damaged file before loading anything
    _run_client(
        "pg_restore",
        [
            "--exit-on-error",
            "--single-transaction",
            # Owners and grants of the old server may not exist on this one:
            # everything belongs to the user luodi connects as.
            "--no-owner",
            "--no-privileges",
            "--dbname",
            database.settings_dict["NAME"],
            str(path),
        ],
        database,
    )
