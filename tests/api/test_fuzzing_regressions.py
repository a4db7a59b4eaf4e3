"""What fuzzing the API found (tests/api/test_schema_fuzzing.py and probes around it), kept
as plain tests: each input got a 500, broke a live room, or would stop the hourly purge.

Each is refused now with a documented status, on SQLite and on PostgreSQL, whose text
columns cannot hold NUL at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.api.access import Rule
from app.api.problems import RULE_REFUSALS
from tests.api.conftest import Serve, TestClient, refused
from tests.support.postgres import PostgresServer

JSON = {"Content-Type": "application/json"}
SETTINGS_BEFORE = {"quiet_after_s": 600, "retain_events_days": 30}


@pytest.fixture(params=["sqlite", "postgres"])
def client(request: pytest.FixtureRequest, serve: Serve) -> TestClient:
    """The app (and, through conftest.py, `fay`, `group` and `session`) on each database."""
    if request.param == "sqlite":
        return serve()
    postgres: PostgresServer = request.getfixturevalue("postgres")
    return serve(database_url=postgres.new_database())


def test_nul_in_a_path_or_a_body_is_refused_not_a_500(fay: Any, group: dict[str, Any],
                                                      session: dict[str, Any]) -> None:  # fmt: skip
    assert refused(fay.get("/api/groups/g_%00"), 404) == "nothing here has that name"
    assert refused(fay.get("/api/invites/a%00b"), 404) == "nothing here has that name"
    assert refused(fay.post("/api/auth/login", json={"username": "fay\x00", "password": "x" * 12}), 422)
    made = fay.post("/api/groups", json={"name": "Tues\x00day"})
    assert made.status_code == 422 and "NUL" in made.text
    joined = fay.post(f"/api/invites/{group['invite_code']}/join", json={"display_name": "Jo\x00", "accept": True})
    assert joined.status_code == 422
    assert fay.put(f"/api/groups/{group['id']}/agreement", json={"ground_rules": ["a\x00"]}).status_code == 422


def test_lone_surrogates_are_refused_not_a_500(client: TestClient, fay: Any, group: dict[str, Any],
                                               session: dict[str, Any]) -> None:  # fmt: skip
    # JSON may escape a lone surrogate; Python reads it, UTF-8 cannot write it back.
    key = client.post("/api/members/export", content=b'{"member_key": "\\ud800"}', headers=JSON)
    assert refused(key, 403) == "member_key: no member has that key"
    name = client.post(f"/api/invites/{group['invite_code']}/join", headers=JSON,
                       content=b'{"display_name": "Jo\\ud800", "accept": true}')  # fmt: skip
    assert name.status_code == 422 and name.json()["detail"][0]["loc"] == ["body", "display_name"]
    setting = fay.put(f"/api/groups/{group['id']}/settings", content=b'{"a\\ud800": 1}', headers=JSON)
    assert refused(setting, 400).endswith(": unknown setting")


@pytest.mark.parametrize("value", [b"1e999", b"-1e999", b"NaN", b"1" + b"0" * 400, b"1e7"])
def test_settings_out_of_range_change_nothing(fay: Any, group: dict[str, Any], session: dict[str, Any],
                                              value: bytes) -> None:  # fmt: skip
    """Infinity and huge numbers were stored: the live room could not apply them (Decimal
    overflow) and a retention of 1e7 days would stop every group's hourly purge."""
    url = f"/api/groups/{group['id']}/settings"
    for key in SETTINGS_BEFORE:
        assert fay.put(url, content=b'{"%s": %s}' % (key.encode(), value), headers=JSON).status_code == 400
    assert fay.post(f"/api/sessions/{session['id']}/start").status_code == 200
    assert fay.put(url, json={"quiet_after_s": 1_000_000, "retain_events_days": 36_500}).status_code == 200
    assert fay.get(f"/api/sessions/{session['id']}").json()["state"] == "live"
    assert fay.get(f"/api/sessions/{session['id']}/report").status_code == 200  # the room still answers


def test_the_settings_body_is_documented_with_its_ranges(client: TestClient) -> None:
    body = client.get("/openapi.json").json()["paths"]["/api/groups/{group_id}/settings"]["put"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["quiet_after_s"] == {"type": "number", "minimum": 0, "maximum": 1_000_000}
    assert schema["properties"]["retain_events_days"]["maximum"] == 36_500
    assert schema["properties"]["hand_order"]["enum"] == ["fifo", "least_airtime"]


def test_an_import_longer_than_any_session_is_refused(fay: Any, session: dict[str, Any]) -> None:
    """A duration of 1e196 s overflowed the microsecond clock: a 500 (found by schemathesis)."""
    r = fay.post(f"/api/sessions/{session['id']}/import",
                 json={"rttm": "", "confirm_consent": True, "duration_s": 1.0295508723146502e196})  # fmt: skip
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "duration_s"]
    rttm = "SPEAKER f 1 1e300 5 <NA> <NA> A <NA> <NA>\n"
    late = fay.post(f"/api/sessions/{session['id']}/import", json={"rttm": rttm, "confirm_consent": True})
    assert refused(late, 400) == 'line 1: start "1e300" must be at most 10,000,000 seconds'


def test_a_body_that_is_not_text_is_a_documented_400(client: TestClient, fay: Any) -> None:
    r = client.post("/api/auth/login", content=b"\xff\xfe{", headers=JSON)
    assert refused(r, 400) == "There was an error parsing the body"
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert "400" in operation["responses"], (method, path)


def test_reports_are_documented_as_the_files_they_are(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert list(paths["/api/sessions/{session_id}/report.csv"]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    assert list(paths["/api/sessions/{session_id}/report.html"]["get"]["responses"]["200"]["content"]) == ["text/html"]


def test_every_rule_of_the_permission_table_names_its_refusals() -> None:
    assert set(RULE_REFUSALS) == set(Rule)
