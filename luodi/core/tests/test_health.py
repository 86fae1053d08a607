"""/healthz and /readyz: what the load balancer and monitoring are told."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder


def test_healthz_answers_without_the_database_or_a_session(client):
    # No `db` fixture: any query here would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]


def test_healthz_and_readyz_answer_head_requests_and_refuse_writes(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.head("/readyz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_is_ready_when_the_database_answers_and_has_every_migration(
    client, db, django_assert_num_queries
):
    # SELECT 1; does django_migrations exist; which migrations it lists.
    with django_assert_num_queries(3):
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.cookies == {}


def test_readyz_names_a_migration_the_database_lacks(client, db):
    # The database forgets one migration, as one restored from an older
    # backup would; the test's transaction puts the row back afterwards.
    MigrationRecorder(connection).record_unapplied("core", "0001_initial")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "unapplied_migrations": ["core.0001_initial"],
    }


def test_readyz_says_the_database_is_unreachable_without_saying_why(client, db, caplog):
    refused = OperationalError('connection to server at "db.internal" failed')

    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert b"db.internal" not in response.content
    assert [record.getMessage() for record in caplog.records] == [
        "readyz: the database cannot be reached",
        "Service Unavailable: /readyz",
    ]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_answers_are_never_cached(client, db, path):
    response = client.get(path)

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
