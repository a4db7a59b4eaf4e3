"""Importing an RTTM file into an open session: its log, its end and its stored report."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from app.db import session_scope
from app.domain.scenario import parse_rttm
from app.domain.simulate import simulate
from app.models import AuditRecord, SessionEvent, SessionPerson
from tests.api.conftest import NewBrowser, TestClient, join_member, refused

# Three speakers over 30 minutes, one of them quiet: prompts fire, turns overlap.
RTTM = (
    ";; a comment, and a record type that is skipped\n"
    "SPKR-INFO mtg 1 <NA> <NA> <NA> unknown alice <NA> <NA>\n"
    "SPEAKER mtg 1 0.00 600.00 <NA> <NA> alice <NA> <NA>\n"
    "SPEAKER mtg 1 598.50 900.00 <NA> <NA> bob <NA> <NA>\n"
    "SPEAKER mtg 1 1000.00 0.40 <NA> <NA> cy <NA> <NA>\n"
    "SPEAKER mtg 1 1500.00 2.00 <NA> <NA> cy <NA> <NA>\n"
    "SPEAKER mtg 1 1502.74 297.26 <NA> <NA> alice <NA> <NA>\n"
)


def post_import(client: TestClient, session: dict[str, Any], **body: Any) -> Any:
    return client.post(f"/api/sessions/{session['id']}/import",
                       json={"rttm": RTTM, "confirm_consent": True} | body)  # fmt: skip


def simulate_shape(report: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The report with only the keys `airtime simulate` gives (the app adds ids and more)."""
    shaped = {key: report[key] for key in expected}
    shaped["members"] = [{key: got[key] for key in want}
                         for got, want in zip(report["members"], expected["members"], strict=True)]  # fmt: skip
    shaped["prompts"] = [{key: got[key] for key in want}
                         for got, want in zip(report["prompts"], expected["prompts"], strict=True)]  # fmt: skip
    return shaped


def stored_rows(client: TestClient, session_id: str) -> tuple[int, int]:
    """(events, people) stored for the session."""
    with session_scope(client.app.state.db) as db:  # type: ignore[attr-defined]
        events = db.exec(select(SessionEvent).where(SessionEvent.session_id == session_id)).all()
        people = db.exec(select(SessionPerson).where(SessionPerson.session_id == session_id)).all()
        return len(events), len(people)


def test_an_import_ends_the_session_with_the_report_simulate_gives(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any]
) -> None:
    r = post_import(fay, session)
    assert r.status_code == 200, r.text
    assert r.json() == {"session_id": session["id"], "state": "ended", "speakers": 3, "segments": 5,
                        "duration_s": 1800.0}  # fmt: skip
    assert fay.get(f"/api/sessions/{session['id']}").json()["state"] == "ended"
    report = fay.get(f"/api/sessions/{session['id']}/report").json()
    expected = json.loads(json.dumps(simulate(parse_rttm(RTTM))))
    assert expected["prompts"], "the file should be long enough for prompts"
    assert simulate_shape(report, expected) == expected
    assert report["session_id"] == session["id"] and report["facilitator"] is None
    assert all(m["id"].startswith("im_") for m in report["members"])
    assert report["details"]["detection"]["sources"] == {
        "import": report["group"]["total_speech_s"]
    }
    audit = fay.get(f"/api/groups/{group['id']}/audit").json()
    [record] = [a for a in audit if a["action"] == "session.import"]
    assert (
        record["session_id"] == session["id"]
        and record["actor"] == fay.get("/api/auth/me").json()["id"]
    )


def test_names_and_duration(fay: TestClient, session: dict[str, Any]) -> None:
    r = post_import(fay, session, names={"alice": " Ana  Lopez ", "cy": "Cy"}, duration_s=900)
    assert r.status_code == 200, r.text
    assert r.json()["duration_s"] == 900.0
    report = fay.get(f"/api/sessions/{session['id']}/report").json()
    assert [m["name"] for m in report["members"]] == ["Ana Lopez", "bob", "Cy"]
    expected = simulate(parse_rttm(RTTM, duration_s=json.loads("900", parse_float=str)))
    assert [m["airtime_s"] for m in report["members"]] == [
        m["airtime_s"] for m in expected["members"]
    ]


def test_a_bad_file_is_the_line_simulate_gives_and_writes_nothing(
    fay: TestClient, session: dict[str, Any]
) -> None:
    before = stored_rows(fay, session["id"])
    bad = RTTM + "SPEAKER mtg 1 x 1 <NA> <NA> dee <NA> <NA>\n"
    assert refused(post_import(fay, session, rttm=bad), 400) == 'line 8: start "x" is not a number'
    assert refused(post_import(fay, session, rttm="\n"), 400) == "no SPEAKER lines"
    assert (
        refused(post_import(fay, session, names={"zed": "Zed"}), 400)
        == 'names: no speaker "zed" in the file'
    )
    detail = refused(post_import(fay, session, names={"alice": "bob"}), 400)
    assert detail == 'names: two speakers would both be called "bob"'
    large = "; " + "é" * (3 * 1024 * 1024) + "\n" + RTTM  # under the characters' cap, over 5 MB
    assert (
        refused(post_import(fay, session, rttm=large), 400) == "rttm: the file is larger than 5 MB"
    )
    assert stored_rows(fay, session["id"]) == before
    assert fay.get(f"/api/sessions/{session['id']}").json()["state"] == "open"
    assert post_import(fay, session).status_code == 200  # and the session is still usable


def test_consent_must_be_confirmed(fay: TestClient, session: dict[str, Any]) -> None:
    for body in ({"rttm": RTTM}, {"rttm": RTTM, "confirm_consent": False}):
        r = fay.post(f"/api/sessions/{session['id']}/import", json=body)
        assert refused(r, 400).startswith("confirm_consent: confirm that everyone in the recording")
    assert fay.get(f"/api/sessions/{session['id']}").json()["state"] == "open"


def test_only_an_open_session_nobody_joined(
    fay: TestClient, browser: NewBrowser, group: dict[str, Any], session: dict[str, Any]
) -> None:
    join_member(browser(), group["invite_code"], "Jo")
    detail = refused(post_import(fay, session), 409)
    assert detail == "members have joined this session; import into a session nobody has joined"
    assert fay.post(f"/api/sessions/{session['id']}/start").status_code == 200
    assert refused(post_import(fay, session), 409).startswith("this session has already started")
    assert fay.post(f"/api/sessions/{session['id']}/end").status_code == 200
    assert refused(post_import(fay, session), 409).startswith("this session has ended")


def test_only_the_sessions_facilitators_import(
    fay: TestClient, gil: TestClient, organiser: TestClient, browser: NewBrowser,
    session: dict[str, Any],
) -> None:  # fmt: skip
    assert refused(post_import(gil, session), 404) == "no such session among your groups"
    assert refused(post_import(organiser, session), 404) == "no such session among your groups"
    assert refused(post_import(browser(), session), 401) == "please log in"
    assert fay.get(f"/api/sessions/{session['id']}").json()["state"] == "open"
    with session_scope(fay.app.state.db) as db:  # type: ignore[attr-defined]
        actions = db.exec(
            select(AuditRecord.action).where(col(AuditRecord.action) == "session.import")
        )
        assert list(actions) == []
