"""The health check, and the REST table of docs/protocol.md kept true by the OpenAPI document."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.conftest import TestClient

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
# A table row whose first cell is a call: | `POST /api/groups/{group_id}/invite` | ...
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/api/[^`]*)` \|", re.MULTILINE)


def documented_calls() -> set[tuple[str, str]]:
    return {(method, path) for method, path in ROW.findall(PROTOCOL.read_text())}


def served_calls(client: TestClient) -> set[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops
            if path.startswith("/api/")}  # fmt: skip


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_the_protocol_table_is_parsed() -> None:
    calls = documented_calls()
    assert ("GET", "/api/setup") in calls
    assert ("POST", "/api/invites/{code}/join") in calls
    assert ("GET", "/api/sessions/{session_id}/report") in calls
    assert len(calls) >= 19


def test_every_documented_call_is_served(client: TestClient) -> None:
    assert documented_calls() - served_calls(client) == set()


def test_every_served_call_is_documented(client: TestClient) -> None:
    assert served_calls(client) - documented_calls() == set()
