"""Schemathesis drives every operation of the API with data it generates from
the OpenAPI document, as a county reporter and as a region task-force
administrator, against the demo: no answer may be a server error, and every
answer must be one the document declares, in its media type and shape."""

import itertools

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from luodi.api.services import access_token_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def schema(db):
    """The document as the running application serves it. Requests go to the
    application in this process, inside the test's transaction: as Django's
    test client does, connections are not closed between requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("username", ["kyzq", "taskforce"])
def test_every_operation_answers_as_the_document_says(demo, schema, username, django_user_model):
    user = django_user_model.objects.get(username=username)
    _token, secret = access_token_create(user=user, name="schemathesis", acting_user=user)
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 22

    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_declared(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_declared()
