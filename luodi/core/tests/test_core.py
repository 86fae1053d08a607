import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings.base import sqlite_database
from luodi.core.errors import at_most_listed
from luodi.core.models import AuditEvent
from luodi.core.services import audit_record
from luodi.divisions.models import Division

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def event(inner_mongolia):
    return audit_record(
        actor=None, action="test.thing.done", instance=inner_mongolia, changes={"name": ["a", "b"]}
    )


def test_an_audit_event_cannot_be_changed(event):
    event.action = "test.thing.undone"

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.thing.undone")

    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing.done"


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_every_division_loaded_is_audited(inner_mongolia):
    assert (
        AuditEvent.objects.filter(action="divisions.division.created").count()
        == (Division.objects.count())
        == 116
    )


def test_sqlite_is_set_up_for_several_server_processes(tmp_path, django_db_blocker):
    connection = DatabaseWrapper(
        {
            **sqlite_database(tmp_path / "luodi.sqlite3"),
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
    )
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            busy_timeout = cursor.fetchone()[0]
        assert journal == "wal"
        assert busy_timeout == 20_000
        assert connection.transaction_mode == "IMMEDIATE"
    finally:
        connection.close()


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "LUODI_SECRET_KEY": secrets.token_urlsafe(50),
        "LUODI_ALLOWED_HOSTS": "luodi.example.org",
        "LUODI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "luodi", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "LUODI_SECRET_KEY": "",
        "LUODI_VAR_DIR": str(tmp_path),
    }

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "luodi", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )

    assert result.returncode != 0
    assert "Set LUODI_SECRET_KEY" in result.stderr


def test_every_message_has_its_chinese_translation():
    with open(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as po:
        catalog = read_po(po)

    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalog) > 200


def test_the_chinese_catalogue_holds_every_message_in_the_source(tmp_path):
    """makemessages, run over a copy of the source and catalogue, finds no
    message without its Chinese translation."""
    for part in ["config", "luodi", "templates", "locale"]:
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "",
    }

    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "luodi", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )

    with open(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as po:
        extracted = read_po(po)
    untranslated = [m.id for m in extracted if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    assert len(extracted) == len(read_po(open(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po", "rb")))


def test_a_long_list_of_errors_shows_fifty_and_counts_the_rest():
    errors = [f"row {n}: bad" for n in range(1, 53)]

    listed = at_most_listed(errors)

    assert listed[:2] == ["row 1: bad", "row 2: bad"]
    assert listed[49:] == ["row 50: bad", "… and 2 more errors."]
    assert at_most_listed(errors[:3]) == errors[:3]
