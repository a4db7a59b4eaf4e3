"""Sessions: open, start, end, the report, and tickets for the live socket."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import (
    NewBrowser,
    TestClient,
    join_member,
    open_session,
    refused,
    schema_errors,
)

NOT_YOURS = "no such session among your groups"
NO_TICKET = "no such session for this browser; join it through its invite link"
PERSON_FIELDS = {
    "name", "status", "present_s", "listening_s", "airtime_s", "floor_s", "share",
    "fair_share_ratio", "turns", "backchannels", "mean_turn_s", "longest_turn_s",
    "first_contribution_s", "interruptions_made", "interruptions_received", "hand_raises",
    "mean_hand_wait_s",
}  # fmt: skip
GROUP_FIELDS = {
    "participants", "total_speech_s", "overlap_s", "silence_s", "gini", "gini_normalized",
    "evenness", "effective_speakers",
}  # fmt: skip


def control(client: TestClient, session: dict[str, Any], action: str) -> Any:
    return client.post(f"/api/sessions/{session['id']}/{action}")


# -- the life cycle: open, live, ended -------------------------------------------------


def test_opening_a_session(fay: TestClient, group: dict[str, Any]) -> None:
    r = fay.post(f"/api/groups/{group['id']}/sessions")
    assert r.status_code == 201
    session = r.json()
    assert session["id"].startswith("s_")
    assert session | {"id": "-"} == {
        "id": "-", "group_id": group["id"], "group": "Tuesday circle", "state": "open",
        "invite_path": f"/join/{group['invite_code']}",
        "started_at": None, "ended_at": None, "elapsed_s": None,
    }  # fmt: skip
    shown = fay.get(f"/api/groups/{group['id']}").json()["session"]
    assert shown == {"id": session["id"], "state": "open"}


def test_one_session_at_a_time(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any]
) -> None:
    detail = "this group already has a session open; end it first"
    assert refused(fay.post(f"/api/groups/{group['id']}/sessions"), 409) == detail
    assert control(fay, session, "start").status_code == 200
    assert refused(fay.post(f"/api/groups/{group['id']}/sessions"), 409) == detail
    assert control(fay, session, "end").status_code == 200
    following = open_session(fay, group["id"])
    assert following["id"] != session["id"]


def test_start_makes_the_session_live_once(fay: TestClient, session: dict[str, Any]) -> None:
    r = control(fay, session, "start")
    assert r.status_code == 200
    live = r.json()
    assert (live["id"], live["state"]) == (session["id"], "live")
    assert live["started_at"] is not None
    assert live["ended_at"] is None
    assert live["elapsed_s"] >= 0
    assert refused(control(fay, session, "start"), 409) == "this session has already started"
    assert fay.get(f"/api/sessions/{session['id']}").json()["state"] == "live"


def test_end_ends_the_session_for_good(fay: TestClient, session: dict[str, Any]) -> None:
    started = control(fay, session, "start").json()
    r = control(fay, session, "end")
    assert r.status_code == 200
    ended = r.json()
    assert (ended["id"], ended["state"]) == (session["id"], "ended")
    assert ended["started_at"] == started["started_at"]
    assert ended["ended_at"] is not None
    assert ended["ended_at"] >= ended["started_at"]
    assert refused(control(fay, session, "end"), 409) == "this session has ended"
    assert refused(control(fay, session, "start"), 409) == "this session has ended"
    got = fay.get(f"/api/sessions/{session['id']}").json()
    assert {k: got[k] for k in ("state", "started_at", "ended_at")} == {
        k: ended[k] for k in ("state", "started_at", "ended_at")
    }


def test_an_open_session_can_end_without_starting(fay: TestClient, session: dict[str, Any]) -> None:
    ended = control(fay, session, "end").json()
    assert (ended["state"], ended["started_at"]) == ("ended", None)
    assert ended["ended_at"] is not None


def test_only_the_groups_facilitators_control_the_session(
    organiser: TestClient, gil: TestClient, session: dict[str, Any], member: TestClient,
    browser: NewBrowser,
) -> None:  # fmt: skip
    for action in ("start", "end"):
        assert refused(control(gil, session, action), 404) == NOT_YOURS
        assert refused(control(organiser, session, action), 404) == NOT_YOURS
        assert refused(control(member, session, action), 401) == "please log in"
        assert refused(control(browser(), session, action), 401) == "please log in"
    assert refused(gil.post("/api/sessions/s_made-up/start"), 404) == NOT_YOURS


def test_a_session_is_visible_to_its_facilitators_and_members(
    fay: TestClient, gil: TestClient, session: dict[str, Any], member: TestClient,
    browser: NewBrowser,
) -> None:  # fmt: skip
    path = f"/api/sessions/{session['id']}"
    seen = fay.get(path).json()
    assert (seen["id"], seen["state"], seen["group"]) == (session["id"], "open", "Tuesday circle")
    assert member.get(path).json() == seen
    assert refused(gil.get(path), 404) == NO_TICKET
    assert refused(browser().get(path), 404) == NO_TICKET
    assert refused(fay.get("/api/sessions/s_made-up"), 404) == "no such session"


# -- the report ------------------------------------------------------------------------


def test_the_report_has_the_simulate_shape(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    jo = join_member(browser(), group["invite_code"], "Jo")
    control(fay, session, "start")
    control(fay, session, "end")
    r = fay.get(f"/api/sessions/{session['id']}/report")
    assert r.status_code == 200
    report = r.json()
    assert set(report) == {"session_id", "duration_s", "members", "facilitator", "group", "prompts",
                           "rounds", "details"}
    assert report["session_id"] == session["id"]
    assert report["duration_s"] >= 0
    [block] = report["members"]
    assert set(block) == PERSON_FIELDS | {"id"}
    # Jo joined through the link but never connected a socket: present for no time at all.
    assert (block["id"], block["name"], block["status"]) == (jo["member"]["id"], "Jo", "absent")
    assert (block["present_s"], block["airtime_s"], block["share"]) == (0.0, 0.0, None)
    facilitator = report["facilitator"]
    assert set(facilitator) == PERSON_FIELDS | {"id"}
    me = fay.get("/api/auth/me").json()
    assert facilitator["id"] == me["id"]
    assert (facilitator["name"], facilitator["status"]) == ("fay", "facilitator")
    assert set(report["group"]) == GROUP_FIELDS
    assert report["group"]["participants"] == 0
    assert report["prompts"] == []


def test_a_report_is_previewed_while_the_session_runs(
    fay: TestClient, session: dict[str, Any], member: TestClient
) -> None:
    control(fay, session, "start")
    report = fay.get(f"/api/sessions/{session['id']}/report").json()
    assert report["session_id"] == session["id"]
    assert [m["name"] for m in report["members"]] == ["Jo"]


def test_only_the_groups_facilitators_read_the_report(
    organiser: TestClient, gil: TestClient, session: dict[str, Any], member: TestClient,
    browser: NewBrowser,
) -> None:  # fmt: skip
    path = f"/api/sessions/{session['id']}/report"
    assert refused(member.get(path), 401) == "please log in"
    assert refused(browser().get(path), 401) == "please log in"
    assert refused(gil.get(path), 404) == NOT_YOURS
    assert refused(organiser.get(path), 404) == NOT_YOURS


# -- tickets for the live socket -------------------------------------------------------


def ticket(client: TestClient, session: dict[str, Any], role: str | None = None) -> Any:
    return client.post(f"/api/sessions/{session['id']}/ticket", json={"as": role} if role else {})


def assert_ticket(r: Any) -> None:
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"ticket", "expires_in_s"}
    assert len(body["ticket"]) >= 22
    assert body["expires_in_s"] == 60


def test_facilitators_and_members_get_tickets(
    fay: TestClient, session: dict[str, Any], member: TestClient
) -> None:
    assert_ticket(ticket(fay, session))
    assert_ticket(ticket(fay, session, "facilitator"))
    assert_ticket(ticket(member, session))
    assert_ticket(ticket(member, session, "member"))
    first, second = ticket(fay, session).json(), ticket(fay, session).json()
    assert first["ticket"] != second["ticket"]


def test_the_ticket_body_is_optional(fay: TestClient, session: dict[str, Any]) -> None:
    assert_ticket(fay.post(f"/api/sessions/{session['id']}/ticket"))


def test_a_ticket_takes_the_role_asked_for(
    fay: TestClient, session: dict[str, Any], member: TestClient
) -> None:
    assert refused(ticket(fay, session, "member"), 404) == NO_TICKET
    assert refused(ticket(member, session, "facilitator"), 404) == NO_TICKET


def test_strangers_get_no_ticket(
    gil: TestClient, session: dict[str, Any], member: TestClient, browser: NewBrowser
) -> None:
    assert refused(ticket(browser(), session), 404) == NO_TICKET
    assert refused(ticket(gil, session), 404) == NO_TICKET
    assert refused(gil.post("/api/sessions/s_made-up/ticket", json={}), 404) == "no such session"


def test_a_member_cookie_is_for_its_session_only(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any], member: TestClient
) -> None:
    control(fay, session, "end")
    following = open_session(fay, group["id"])
    assert refused(ticket(member, following), 404) == NO_TICKET
    assert refused(member.get(f"/api/sessions/{following['id']}"), 404) == NO_TICKET


def test_no_tickets_for_an_ended_session(
    fay: TestClient, session: dict[str, Any], member: TestClient
) -> None:
    control(fay, session, "start")
    control(fay, session, "end")
    assert refused(ticket(fay, session), 409) == "this session has ended"
    assert refused(ticket(member, session), 409) == "this session has ended"


@pytest.mark.parametrize(("body", "problem"), [
    ({"as": "organiser"}, ("literal_error", "body", "as")),
    ({"role": "member"}, ("extra_forbidden", "body", "role")),
], ids=["unknown role", "extra field"])  # fmt: skip
def test_ticket_bodies_are_strict(
    fay: TestClient, session: dict[str, Any], body: dict[str, str], problem: tuple[str, ...]
) -> None:
    r = fay.post(f"/api/sessions/{session['id']}/ticket", json=body)
    assert schema_errors(r) == [problem]
