"""When the database cannot do what a request needs: it cannot be reached, it
stays busy past the timeout, its disk is full or it takes no changes.

The request then answers 503 with a sentence a person can act on (problem
details under /api/, a short page elsewhere) instead of a 500 and a
traceback, and the cause goes to the log. Other database errors (a missing
table, a broken constraint) are bugs and stay 500s.

Django itself makes the connection usable again: a connection that raised
is checked when the request ends and closed if it is broken, so the next
request connects afresh once the database is back.
"""

import enum
import html
import json
import logging
import sqlite3

from django.db import Error, InterfaceError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class Trouble(enum.Enum):
    UNREACHABLE = "unreachable"
    BUSY = "busy"
    FULL = "full"
    READ_ONLY = "read-only"


# SQLite's primary result codes (an extended code carries one in its low byte).
SQLITE_TROUBLES = {
    sqlite3.SQLITE_BUSY: Trouble.BUSY,
    sqlite3.SQLITE_LOCKED: Trouble.BUSY,
    sqlite3.SQLITE_FULL: Trouble.FULL,
    sqlite3.SQLITE_READONLY: Trouble.READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: Trouble.UNREACHABLE,
    sqlite3.SQLITE_IOERR: Trouble.UNREACHABLE,
}

# PostgreSQL's SQLSTATEs; a lost or refused connection has none.
POSTGRESQL_TROUBLES = {
    "25006": Trouble.READ_ONLY,  # read_only_sql_transaction: a standby, or set read-only
    "53100": Trouble.FULL,  # disk_full
    "53200": Trouble.BUSY,  # out_of_memory
    "53300": Trouble.BUSY,  # too_many_connections
    "55P03": Trouble.BUSY,  # lock_not_available
    "57014": Trouble.BUSY,  # query_canceled, e.g. by statement_timeout
    "40001": Trouble.BUSY,  # serialization_failure
    "40P01": Trouble.BUSY,  # deadlock_detected
    "57P01": Trouble.UNREACHABLE,  # admin_shutdown
    "57P02": Trouble.UNREACHABLE,  # crash_shutdown
    "57P03": Trouble.UNREACHABLE,  # cannot_connect_now
}


def trouble_of(error: BaseException) -> Trouble | None:
    """What kind of unavailability a database error means; None for an error
    that is not about the database being unavailable."""
    if not isinstance(error, Error):
        return None
    cause = error.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return SQLITE_TROUBLES.get(code & 0xFF)
    if cause is not None and hasattr(cause, "sqlstate"):
        state = cause.sqlstate
        if state is None or state.startswith("08"):  # connection_exception
            return Trouble.UNREACHABLE
        return POSTGRESQL_TROUBLES.get(state)
    if isinstance(error, InterfaceError):
        return Trouble.UNREACHABLE
    return None


def trouble_message(trouble: Trouble) -> str:
    """What the person asking is told, in their language."""
    if trouble is Trouble.FULL:
        return _("The database's disk is full: the change was not saved. Tell the administrator.")
    if trouble is Trouble.READ_ONLY:
        return _(
            "The database takes no changes just now (it is read-only): the change was not "
            "saved. Tell the administrator."
        )
    if trouble is Trouble.BUSY:
        return _("The database is too busy just now. Try again in a minute.")
    return _(
        "The database cannot be reached just now. Try again in a few minutes; "
        "if this goes on, tell the administrator."
    )


# Seconds a client should wait before asking again, when waiting may help.
RETRY_AFTER = {Trouble.UNREACHABLE: 30, Trouble.BUSY: 10}


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse | None:
    """The 503 for a request the database could not serve, logged; None when
    `error` is not about the database being unavailable."""
    trouble = trouble_of(error)
    if trouble is None:
        return None
    # One line a request: an outage would otherwise fill the log with tracebacks.
    logger.error(
        "database %s, %s %s answered 503: %s", trouble.value, request.method, request.path, error
    )
    message = trouble_message(trouble)
    if request.path_info.startswith("/api/"):
        # Problem details (RFC 9457), the shape of every other API error.
        body = {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": message,
            "instance": request.path,
            "errors": [],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=503,
            content_type="application/problem+json",
        )
    else:
        # No template: base.html asks for the user, which needs the database.
        response = HttpResponse(
            '<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            "<title>{title}</title></head>\n<body><h1>{title}</h1>\n"
            '<p role="alert">{message}</p></body></html>\n'.format(
                lang=html.escape(translation.get_language() or ""),
                title=html.escape(_("Service unavailable")),
                message=html.escape(message),
            ),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    if trouble in RETRY_AFTER:
        response["Retry-After"] = str(RETRY_AFTER[trouble])
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot serve a request into a clear 503.

    django-ninja hands the API's unknown errors on to Django when DEBUG is
    off, so this answers for /api/v1/ too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable_response(request, exception)
