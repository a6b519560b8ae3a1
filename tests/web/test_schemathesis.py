"""Schemathesis over the JSON API's own OpenAPI document: no input gives a server error.

The schema is loaded from the app itself (ASGI transport, no network), every operation is
called with generated valid and invalid inputs, signed in as each role that reaches the API
(session cookie and CSRF header, as a browser or script would), on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.engine import Engine

from socialaudit.config import load_settings
from socialaudit.web.app import create_app
from socialaudit.web.security import SESSION_COOKIE
from tests.web.seed import seed_web
from tests.web.test_app import sign_in

EXAMPLES = 25  # per operation, role and mode: enough to hit the edges, bounded in time
# Each role that reaches the API, with the API's tags it may use (the others answer 403,
# which tests/web/test_app.py covers): reviewer, manager, person, admin.
ROLES = {
    "rita": {"findings", "service"},
    "max": {"service"},
    "ana": {"own"},
    "ada": {"findings", "service", "admin"},
}


@pytest.fixture
def app(engine: Engine) -> Iterator[FastAPI]:
    seed_web(engine)
    yield create_app(load_settings(environ={}), engine)


def _credentials(app: FastAPI, user: str) -> tuple[dict[str, str], dict[str, str]]:
    with TestClient(app, follow_redirects=False) as client:
        csrf = sign_in(client, user)
        cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    return {SESSION_COOKIE: cookie}, {"X-CSRF-Token": csrf}


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    cookies: dict[str, str],
    headers: dict[str, str],
    calls: dict[int, int],
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(cookies=cookies, headers=headers)
        calls[response.status_code] = calls.get(response.status_code, 0) + 1
        case.validate_response(response, checks=[not_a_server_error])

    run()


def test_no_generated_request_gives_a_server_error(app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert "GET /api/findings" in labels and "POST /api/findings/{finding_id}/review" in labels
    calls: dict[int, int] = {}
    for user, tags in ROLES.items():
        cookies, headers = _credentials(app, user)
        for operation in operations:
            raw = operation.definition.raw
            if not tags & set(raw.get("tags", [])):
                continue
            takes_input = bool(raw.get("parameters") or raw.get("requestBody"))
            # An operation without parameters or body has no invalid input to generate.
            modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * takes_input
            for mode in modes:
                _fuzz(operation, mode, cookies, headers, calls)
    # The roles got through to real answers, not only to validation errors.
    assert calls.get(200, 0) > 0 and calls.get(422, 0) > 0, calls
    assert not [code for code in calls if code >= 500], calls
