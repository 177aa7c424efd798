"""Schemathesis reads our own OpenAPI schema from the WSGI app and fuzzes every operation.

Two passes: one where everything is generated (so nearly every request names something that
does not exist, and negative data tests the validation), and one with the path pinned to the
published plan and its measure with history (or its indicator with values), with and without
the owner's token, so that the full answers (200) are checked against the schema too.
Deterministic and bounded, so it runs the same on SQLite and PostgreSQL in a few seconds per
operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from planstatus.api.services import issue_api_token
from planstatus.wsgi import application
from tests.opendata_base import API_SECRETS, OpenDataTestCase

SCHEMA_URL = "/api/v1/openapi.json"
FUZZ = hypothesis_settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Loaded when the module is collected: the schema view reads no database. (The lazy
# `schemathesis.pytest.from_fixture` loader does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
known_schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
known_schema.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, which closes the database connection after
    each request; the test's transaction (PostgreSQL) would go with it. Django's test client
    disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db: None, settings: Any, keep_test_connection: None) -> type[OpenDataTestCase]:
    # The fixture is made for every operation; the real password hasher would take most of
    # the time making its users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    class SchemaData(OpenDataTestCase):
        """The API tests' data, made by their own set-up (never run as a test case)."""

    SchemaData.setUpTestData()
    return SchemaData


@pytest.fixture
def owner_token(api_data: type[OpenDataTestCase]) -> str:
    return issue_api_token(user=api_data.owner, name="schemathesis")[1]


@schema.parametrize()
@FUZZ
def test_every_operation_with_generated_input(case: Any, api_data: Any) -> None:
    # Every check Schemathesis has: no server error, documented status codes, content types
    # and headers, answers that match the schema, and invalid input refused.
    case.call_and_validate()


@known_schema.parametrize()
@FUZZ
@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_every_operation_on_the_published_plan(
    case: Any, api_data: type[OpenDataTestCase], owner_token: str, who: str
) -> None:
    if case.path_parameters:
        known = {
            "region_slug": "testdal",
            "plan_slug": "regionplan",
            "pk": (api_data.indicator if "/indicators/" in case.path else api_data.measure).pk,
        }
        case.path_parameters = {k: known[k] for k in case.path_parameters}
    headers = {}
    if who == "owner":
        headers["Authorization"] = f"Bearer {owner_token}"
    response = case.call(headers=headers)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
        headers=headers,
    )
    # Valid input on existing objects: a full answer, unless the generated query is refused.
    assert response.status_code in {200, 422}, (response.status_code, response.text[:200])
    if who == "anonymous":
        for secret in API_SECRETS:
            assert secret not in response.text
