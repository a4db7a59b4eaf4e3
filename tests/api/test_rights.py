"""A member's export holds only their data (V1); deletion leaves no row about them (V2);
every view of per-member data is audited and the audit log cannot be changed (V4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from tests.api.conftest import NewBrowser, join_member, refused


def _end_with_report(fay: TestClient, session: dict[str, Any]) -> dict[str, Any]:
    assert fay.post(f"/api/sessions/{session['id']}/start").status_code == 200
    assert fay.post(f"/api/sessions/{session['id']}/end").status_code == 200
    return dict(fay.get(f"/api/sessions/{session['id']}/report").json())


def test_export_is_only_mine(fay: TestClient, browser: NewBrowser, group: dict[str, Any],
                             session: dict[str, Any]) -> None:  # fmt: skip
    mine = join_member(browser(), group["invite_code"], "Jo")
    theirs = join_member(browser(), group["invite_code"], "Kim")
    _end_with_report(fay, session)
    export = browser().post("/api/members/export", json={"member_key": mine["member_key"]}).json()
    assert export["member"]["display_name"] == "Jo"
    text_of_it = json.dumps(export)
    assert theirs["member"]["id"] not in text_of_it and "Kim" not in text_of_it
    assert [c["given"] for c in export["consents"]] == [True]
    assert export["reports"][0]["me"]["name"] == "Jo"
    assert refused(browser().post("/api/members/export", json={"member_key": "mk_nope"}), 403)


def test_deletion_leaves_no_row_about_the_member(fay: TestClient, browser: NewBrowser,
                                                 group: dict[str, Any], session: dict[str, Any],
                                                 tmp_path: Path) -> None:  # fmt: skip
    jo = join_member(browser(), group["invite_code"], "Jo")
    join_member(browser(), group["invite_code"], "Kim")
    before = _end_with_report(fay, session)
    response = browser().post("/api/members/delete", json={"member_key": jo["member_key"], "confirm": True})
    assert response.status_code == 204
    after = fay.get(f"/api/sessions/{session['id']}/report").json()
    assert [m["name"] for m in after["members"]] == ["Kim"]
    assert after["group"]["includes_removed_member"] is True
    assert {k: v for k, v in after["group"].items() if k != "includes_removed_member"} == before["group"]
    # Zero rows about Jo in every table (RELIABILITY.md V2).
    member_id = jo["member"]["id"]
    engine = create_engine(f"sqlite:///{tmp_path / 'data0' / 'airtime.db'}")
    with engine.connect() as db:
        for table in inspect(engine).get_table_names():
            rows = db.execute(text(f'SELECT * FROM "{table}"')).fetchall()
            assert not [r for r in rows if member_id in json.dumps([str(v) for v in r])], table
    engine.dispose()


def test_views_are_audited_and_the_log_cannot_be_changed(fay: TestClient, group: dict[str, Any],
                                                         session: dict[str, Any]) -> None:  # fmt: skip
    _end_with_report(fay, session)
    fay.get(f"/api/sessions/{session['id']}/report")
    log = fay.get(f"/api/groups/{group['id']}/audit").json()
    assert [entry["action"] for entry in log].count("report.view") == 2
    assert fay.delete(f"/api/groups/{group['id']}/audit").status_code == 405
    assert fay.put(f"/api/groups/{group['id']}/audit", json=[]).status_code == 405
