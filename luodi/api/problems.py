"""Errors as problem details (RFC 9457): `application/problem+json` with a
title, the status, a detail a person can act on, and, for refused input, one
entry per field."""

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from luodi.cases.workdays import CalendarNotCovered
from luodi.core.database_errors import unavailable_response

PROBLEM_TYPE = "application/problem+json"


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] = []


class ConflictProblem(Problem):
    """A write made from a stale copy: what is stored now, and its version."""

    current_value: str
    current_version: int


class ImportProblem(Problem):
    """A data value set refused whole: DHIS2's import summary beside the problem."""

    import_summary: dict


TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    503: "Service Unavailable",
}


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict] | None = None,
    **extra,
) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": errors or [],
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="luodi"'
    return response


def _input_errors(exc: InputError) -> list[dict]:
    found = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        found.append({"field": where, "message": str(error.get("msg", ""))})
    return found


def _service_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": " ".join(messages)}
            for field, messages in exc.message_dict.items()
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def install(api) -> None:
    """Replace django-ninja's error bodies with problem details."""

    def on_input(request, exc):
        return problem_response(
            request, 422, _("The request does not fit the schema."), _input_errors(exc)
        )

    def on_refused(request, exc):
        errors = _service_errors(exc)
        return problem_response(request, 422, " ".join(e["message"] for e in errors), errors)

    def on_authentication(request, exc):
        return problem_response(
            request, 401, _("Log in, or send a personal access token as “Bearer <token>”.")
        )

    def on_http(request, exc):
        return problem_response(request, exc.status_code, str(exc))

    def on_forbidden(request, exc):
        return problem_response(
            request, 403, str(exc) or _("You may not do this for this division.")
        )

    def on_missing(request, exc):
        return problem_response(request, 404, str(exc) or _("Nothing here in your scope."))

    def on_calendar(request, exc):
        return problem_response(request, 503, str(exc))

    def on_database(request, exc):
        # Unreachable, busy, full or read-only: a 503 that says so; any other
        # database error is a fault and goes on to Django as a 500.
        response = unavailable_response(request, exc)
        if response is None:
            raise exc
        return response

    api.add_exception_handler(InputError, on_input)
    api.add_exception_handler(DjangoValidationError, on_refused)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_missing)
    api.add_exception_handler(CalendarNotCovered, on_calendar)
    api.add_exception_handler(DatabaseError, on_database)


def responses(*statuses: int, ok=None, conflict: type[Problem] = Problem) -> dict:
    """The response schemas of an endpoint: `ok` for 200 and a problem for
    every error status it can answer (`conflict` for 409). Every endpoint can
    answer 401, and 503 when the database cannot serve it."""
    declared: dict = {200: ok} if ok is not None else {}
    for status in sorted({401, 503, *statuses}):
        declared[status] = conflict if status == 409 else Problem
    return declared
