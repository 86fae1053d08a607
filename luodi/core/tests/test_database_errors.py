"""A database that cannot serve a request answers 503 saying why; other
database errors are left to Django. (tests/load/ causes each fault for real
against gunicorn.)"""

import json
import sqlite3

import psycopg
import pytest
from django.db import IntegrityError, InterfaceError, InternalError, OperationalError
from django.test import RequestFactory

from luodi.core.database_errors import DatabaseUnavailableMiddleware, Trouble, trouble_of


def wrapped(error_class, cause):
    """A driver's error as Django raises it."""
    error = error_class(str(cause))
    error.__cause__ = cause
    return error


def sqlite_error(code: int, message: str) -> sqlite3.Error:
    cause = sqlite3.OperationalError(message)
    cause.sqlite_errorcode = code
    return cause


@pytest.mark.parametrize(
    ("error", "trouble"),
    [
        (
            wrapped(OperationalError, sqlite_error(sqlite3.SQLITE_BUSY, "database is locked")),
            Trouble.BUSY,
        ),
        (
            wrapped(OperationalError, sqlite_error(sqlite3.SQLITE_FULL, "disk is full")),
            Trouble.FULL,
        ),
        (wrapped(OperationalError, sqlite_error(1288, "readonly (dbmoved)")), Trouble.READ_ONLY),
        (
            wrapped(OperationalError, sqlite_error(14, "unable to open database file")),
            Trouble.UNREACHABLE,
        ),
        (wrapped(OperationalError, sqlite_error(sqlite3.SQLITE_ERROR, "no such table: x")), None),
        (
            wrapped(OperationalError, psycopg.OperationalError("connection refused")),
            Trouble.UNREACHABLE,
        ),
        (wrapped(OperationalError, psycopg.errors.AdminShutdown()), Trouble.UNREACHABLE),
        (wrapped(OperationalError, psycopg.errors.DiskFull()), Trouble.FULL),
        (wrapped(InternalError, psycopg.errors.ReadOnlySqlTransaction()), Trouble.READ_ONLY),
        (wrapped(OperationalError, psycopg.errors.LockNotAvailable()), Trouble.BUSY),
        (wrapped(InternalError, psycopg.errors.InFailedSqlTransaction()), None),
        (wrapped(IntegrityError, psycopg.errors.UniqueViolation()), None),
        (InterfaceError("connection already closed"), Trouble.UNREACHABLE),
        (ValueError("not the database"), None),
    ],
)
def test_what_each_database_error_means(error, trouble):
    assert trouble_of(error) is trouble


FULL = wrapped(OperationalError, sqlite_error(sqlite3.SQLITE_FULL, "database or disk is full"))


def answer(path: str, error: Exception):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    return middleware.process_exception(RequestFactory().put(path), error)


def test_the_api_answers_problem_details_and_the_cause_is_logged(caplog):
    response = answer("/api/v1/values/sand/152222/2024-01", FULL)

    assert (response.status_code, response["Content-Type"]) == (503, "application/problem+json")
    assert json.loads(response.content) == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The database's disk is full: the change was not saved. Tell the administrator.",
        "instance": "/api/v1/values/sand/152222/2024-01",
        "errors": [],
    }
    assert "Retry-After" not in response
    assert "no-cache" in response["Cache-Control"]
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "ERROR",
            "database full, PUT /api/v1/values/sand/152222/2024-01 answered 503: "
            "database or disk is full",
        )
    ]


def test_a_page_answers_a_short_page_that_asks_for_no_user():
    unreachable = wrapped(OperationalError, psycopg.OperationalError("connection refused"))

    response = answer("/reports/152222/2024-01/", unreachable)

    assert (response.status_code, response["Content-Type"], response["Retry-After"]) == (
        503,
        "text/html; charset=utf-8",
        "30",
    )
    assert response.content.decode() == (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Service unavailable</title></head>\n<body><h1>Service unavailable</h1>\n"
        '<p role="alert">The database cannot be reached just now. Try again in a few minutes; '
        "if this goes on, tell the administrator.</p></body></html>\n"
    )


def test_other_errors_are_left_to_django():
    missing = wrapped(OperationalError, sqlite_error(sqlite3.SQLITE_ERROR, "no such table: x"))

    assert answer("/reports/", missing) is None
    assert answer("/reports/", KeyError("x")) is None
