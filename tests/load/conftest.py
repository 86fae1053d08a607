"""Real gunicorn servers on loopback, each over a database of its own.

Each test gets a fresh copy of one seeded database (`scenario.py`): a file
under the test's temporary folder when the suite runs on SQLite, a database
made from a template on the suite's PostgreSQL server otherwise, dropped
afterwards. The server runs luodi's production settings (DEBUG off) with
sync workers, as `luodi serve` does.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from config import env
from luodi.core.management.commands.serve import gunicorn_command

from .client import Client

ROOT = Path(settings.BASE_DIR)
SERVER_SETTINGS = "config.settings.prod"
# The seeded sessions are signed with it, so every server of a run shares it.
SECRET_KEY = "load-test-" + secrets.token_hex(16)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "load: starts real gunicorn servers over a database of its own"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Database:
    """Where a test's database lives: `url` for PostgreSQL, else the SQLite
    file luodi finds under `var_dir`."""

    var_dir: Path
    url: str = ""

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "luodi.sqlite3"

    def environment(self) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
            "LUODI_SECRET_KEY": SECRET_KEY,
            "LUODI_SECURE_SSL_REDIRECT": "false",
            "LUODI_VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.url,
            "PYTHONPATH": str(ROOT),
        }

    def run(self, command: str) -> dict:
        """`scenario.py COMMAND` against this database; its JSON answer."""
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tests.load.scenario", command],
            env=self.environment(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


def postgres_url(name: str) -> str:
    parts = urlsplit(env.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + name))


def postgres_admin(statement: str, *params) -> list:
    """Run one statement on the suite's PostgreSQL server, outside any transaction."""
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


ON_POSTGRESQL = env.DATABASE_URL.startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """The seeded database every test copies, and what `scenario.py seed` said."""
    folder = tmp_path_factory.mktemp("load-template")
    if ON_POSTGRESQL:
        name = f"luodi_load_{os.getpid()}_template"
        postgres_admin(f'CREATE DATABASE "{name}"')
        template = Database(var_dir=folder / "var", url=postgres_url(name))
    else:
        template = Database(var_dir=folder / "var")
    try:
        seed = template.run("seed")
        yield template, seed
    finally:
        if ON_POSTGRESQL:
            postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(seeded, tmp_path):
    """A fresh copy of the seeded database for this test."""
    template, _seed = seeded
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    if not ON_POSTGRESQL:
        shutil.copy(template.sqlite_path, var_dir / "luodi.sqlite3")
        yield Database(var_dir=var_dir)
        return
    name = f"luodi_load_{os.getpid()}_{secrets.token_hex(4)}"
    template_name = urlsplit(template.url).path.lstrip("/")
    postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    try:
        yield Database(var_dir=var_dir, url=postgres_url(name))
    finally:
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def seed(seeded) -> dict:
    return seeded[1]


class Server:
    """gunicorn serving luodi with `workers` sync workers on a free loopback port."""

    def __init__(self, database: Database, folder: Path, *, workers: int, url: str = ""):
        self.port = free_port()
        self.log = folder / f"gunicorn-{self.port}.log"
        environment = database.environment()
        if url:
            environment["DATABASE_URL"] = url
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                # The command `luodi serve` runs.
                gunicorn_command(
                    bind=f"127.0.0.1:{self.port}", workers=workers, timeout=60, graceful_timeout=30
                ),
                env=environment,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("gunicorn stopped:\n" + self.log.read_text())
            try:
                # Answers 401 without touching the database.
                Client(self.port).get("/api/v1/me")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer in 30 s:\n" + self.log.read_text())

    def client(self, person: dict | None = None, **options) -> Client:
        return Client(self.port, person=person, **options)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def serve(tmp_path):
    """Start a server: serve(database, workers=4); stopped after the test."""
    started: list[Server] = []

    def start(database: Database, *, workers: int = 2, url: str = "") -> Server:
        server = Server(database, tmp_path, workers=workers, url=url)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
