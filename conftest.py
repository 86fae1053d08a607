"""Fixtures shared by every app's tests."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from luodi.demo.services import DEMO_BUNDLE
from luodi.divisions.choices import DepartmentKind, Role
from luodi.divisions.models import Department, Division
from luodi.divisions.services import department_save, divisions_load, membership_grant
from luodi.plan.models import Campaign, Programme
from luodi.plan.services import campaign_save, programme_save
from tests.snapshots import kept_demo

AS_OF = date(2024, 3, 18)

SQLITE_ONLY = pytest.StashKey[int]()
# Fixtures through which a test reaches the suite's database in its own process.
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def reaches_the_database(item: pytest.Item) -> bool:
    """Whether a test can behave differently on SQLite and PostgreSQL: it asks
    for the database, or is marked as reaching it from another process (the
    load tests' servers, backups and restores)."""
    return (
        bool(DATABASE_FIXTURES & set(item.fixturenames))
        or item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("database") is not None
        or item.get_closest_marker("load") is not None
    )


def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite on SQLite, then again on PostgreSQL. The
    second pass keeps every test that touches the database: SQL, locking,
    transactions, the database's own behaviour. The others (the report reader,
    the light rules' arithmetic, the translation catalogue, the committed
    OpenAPI document, file checks before any row is read, the mapping of
    database errors to messages (no database needed), and the processes
    the tests start on SQLite on purpose: `check --deploy`, `luodi serve`)
    cannot differ between databases and run once, on SQLite."""
    if connection.vendor == "sqlite":
        return
    once = [item for item in items if not reaches_the_database(item)]
    config.stash[SQLITE_ONLY] = len(once)
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker tells the controller
        config.workeroutput["sqlite_only"] = len(once)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if reaches_the_database(item)]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: what a worker left out, for the summary below."""
    if "sqlite_only" in getattr(node, "workeroutput", {}):
        node.config.stash[SQLITE_ONLY] = node.workeroutput["sqlite_only"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if SQLITE_ONLY in config.stash:
        terminalreporter.write_line(
            f"{config.stash[SQLITE_ONLY]} tests that cannot differ between databases "
            "ran on SQLite only (conftest.py)."
        )


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English, the source language; pages
    are requested without this and answer in Chinese, the default."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing kept: the cache outlives a test's
    rolled-back transaction, and record ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def inner_mongolia(db):
    """The 116 divisions of 150000, loaded the way a customer loads them."""
    divisions_load(province_code="150000")
    return Division.objects.get(code="150000", is_active=True)


@pytest.fixture
def division(inner_mongolia):
    def find(code: str) -> Division:
        return Division.objects.get(code=code, is_active=True)

    return find


@pytest.fixture
def programme(inner_mongolia) -> Programme:
    campaign, _ = campaign_save(
        code="test-campaign",
        name="测试专项行动",
        division=inner_mongolia,
        year=2024,
        acting_user=None,
    )
    programme, _ = programme_save(
        code="policy-landing", campaign=campaign, name="政策落地工程", order=1, acting_user=None
    )
    return programme


@pytest.fixture
def ministry(db) -> Department:
    department, _ = department_save(
        name="国家发展改革委", kind=DepartmentKind.NATIONAL_MINISTRY, acting_user=None
    )
    return department


@pytest.fixture
def make_user(db):
    """A user with one membership, e.g. make_user("hinggan", "152200", Role.REPORTER)."""

    def make(username: str, code: str, role: str = Role.REPORTER, *, is_staff: bool = False):
        user = get_user_model().objects.create_user(
            username=username, password="test-password", is_staff=is_staff
        )
        division = Division.objects.get(code=code, is_active=True)
        membership_grant(user=user, division=division, role=role, acting_user=None)
        return user

    return make


@pytest.fixture
def demo(db):
    """The whole Inner Mongolia 2024 demo, as the bundle import and the other
    services load it (tests/snapshots.py)."""
    kept_demo()
    return Campaign.objects.get()


@pytest.fixture(scope="session")
def demo_bundle() -> dict:
    """The demo bundle as a customer's file: expectations are counted from it,
    independently of the code under test."""
    return json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
