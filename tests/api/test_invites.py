"""Invite links: what a member sees before joining, and joining the open session."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import (
    NewBrowser,
    TestClient,
    create_group,
    join_member,
    open_session,
    refused,
    schema_errors,
    set_cookie,
)

BAD_NAME = "display_name: use 1 to 40 characters"
HTML_NAME = "<img src=x onerror=alert(1)>"


def join(client: TestClient, code: str, **body: Any) -> Any:
    return client.post(f"/api/invites/{code}/join", json={"accept": True} | body)


# -- before joining --------------------------------------------------------------------


def test_the_invite_shows_the_group_before_any_session(
    group: dict[str, Any], browser: NewBrowser
) -> None:
    r = browser().get(f"/api/invites/{group['invite_code']}")
    assert r.status_code == 200
    invite = r.json()
    assert invite["group"] == "Tuesday circle"
    assert invite["description"] == "We note who speaks and for how long."
    assert invite["session"] is None


def test_the_invite_shows_the_session_as_it_goes(
    fay: TestClient, group: dict[str, Any], browser: NewBrowser
) -> None:
    visitor = browser()

    def shown() -> Any:
        return visitor.get(f"/api/invites/{group['invite_code']}").json()["session"]

    session = open_session(fay, group["id"])
    assert shown() == {"id": session["id"], "state": "open"}
    fay.post(f"/api/sessions/{session['id']}/start")
    assert shown() == {"id": session["id"], "state": "live"}
    fay.post(f"/api/sessions/{session['id']}/end")
    assert shown() is None


def test_an_unknown_invite_is_not_found(client: TestClient) -> None:
    detail = "this invite link is not valid; it may have been replaced by a new one"
    assert refused(client.get("/api/invites/made-up-code"), 404) == detail
    assert refused(join(client, "made-up-code", display_name="Jo"), 404) == detail


# -- joining ---------------------------------------------------------------------------


def test_a_new_member_joins_and_gets_their_key_once(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    jo = browser()
    r = join(jo, group["invite_code"], display_name="Jo", member_key=None)
    assert r.status_code == 200
    joined = r.json()
    assert set(joined) == {"member", "member_key", "session_id"}
    assert set(joined["member"]) == {"id", "display_name"}
    assert joined["member"]["id"].startswith("m_")
    assert joined["member"]["display_name"] == "Jo"
    assert joined["member_key"].startswith("mk_")
    assert joined["session_id"] == session["id"]


def test_joining_sets_an_httponly_cookie_for_that_session(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    r = join(browser(), group["invite_code"], display_name="Jo")
    cookie = set_cookie(r, f"airtime_member_{session['id']}")
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"


def test_a_returning_member_keeps_their_identity_and_may_rename(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    first = join_member(browser(), group["invite_code"], "Jo")
    again = join_member(browser(), group["invite_code"], "Joanna", key=first["member_key"])
    assert again == {"member": {"id": first["member"]["id"], "display_name": "Joanna"},
                     "member_key": None, "session_id": session["id"]}  # fmt: skip
    # Without the key, the same name is somebody new.
    other = join_member(browser(), group["invite_code"], "Jo")
    assert other["member"]["id"] != first["member"]["id"]
    assert other["member_key"] not in (None, first["member_key"])


def test_the_key_works_in_the_groups_next_session(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    first = join_member(browser(), group["invite_code"], "Jo")
    fay.post(f"/api/sessions/{session['id']}/end")
    following = open_session(fay, group["id"])
    again = join_member(browser(), group["invite_code"], "Jo", key=first["member_key"])
    assert again["member"]["id"] == first["member"]["id"]
    assert again["session_id"] == following["id"]


def test_a_key_from_another_group_is_forbidden(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    key = join_member(browser(), group["invite_code"], "Jo")["member_key"]
    other = create_group(fay, "Thursday")
    open_session(fay, other["id"])
    detail = "member_key: that key does not belong to this group"
    r = join(browser(), other["invite_code"], display_name="Jo", member_key=key)
    assert refused(r, 403) == detail
    r = join(browser(), group["invite_code"], display_name="Jo", member_key="mk_made-up")
    assert refused(r, 403) == detail


def test_joining_needs_acceptance(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    jo = browser()
    r = jo.post(
        f"/api/invites/{group['invite_code']}/join", json={"display_name": "Jo", "accept": False}
    )
    assert refused(r, 400) == "accept: please read the group's agreement and accept it to join"
    assert "set-cookie" not in r.headers
    assert jo.cookies == {}


@pytest.mark.parametrize(
    "name",
    ["", "   ", "\n\t", "x" * 41, " ".join("x" * 21)],
    ids=["empty", "spaces", "newline tab", "41 chars", "41 with spaces"],
)
def test_bad_display_names_are_refused(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser, name: str
) -> None:
    assert refused(join(browser(), group["invite_code"], display_name=name), 400) == BAD_NAME


@pytest.mark.parametrize(("raw", "stored"), [
    ("  Jo  ", "Jo"),
    ("Jo   \t Ann\n", "Jo Ann"),
    ("x" * 40, "x" * 40),
    ("  " + "x" * 40 + "  ", "x" * 40),
    ("Zoë 🌱", "Zoë 🌱"),
], ids=["trimmed", "collapsed", "40 chars", "40 after trimming", "unicode"])  # fmt: skip
def test_display_names_are_trimmed_and_whitespace_collapsed(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser, raw: str, stored: str
) -> None:
    assert join_member(browser(), group["invite_code"], raw)["member"]["display_name"] == stored


def test_any_text_is_a_name_and_comes_back_unchanged(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    """Escaping is the pages' job: the API stores and returns the name as given."""
    joined = join_member(browser(), group["invite_code"], HTML_NAME)
    assert joined["member"]["display_name"] == HTML_NAME
    again = join_member(browser(), group["invite_code"], HTML_NAME, key=joined["member_key"])
    assert again["member"]["display_name"] == HTML_NAME
    report = fay.get(f"/api/sessions/{session['id']}/report").json()
    assert [m["name"] for m in report["members"]] == [HTML_NAME]


def test_joining_needs_an_open_session(
    fay: TestClient, group: dict[str, Any], browser: NewBrowser
) -> None:
    detail = "this group has no session open right now"
    assert refused(join(browser(), group["invite_code"], display_name="Jo"), 409) == detail
    session = open_session(fay, group["id"])
    fay.post(f"/api/sessions/{session['id']}/end")
    assert refused(join(browser(), group["invite_code"], display_name="Jo"), 409) == detail


def test_a_live_session_can_still_be_joined(
    fay: TestClient, group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    fay.post(f"/api/sessions/{session['id']}/start")
    assert join_member(browser(), group["invite_code"], "Late Lou")["session_id"] == session["id"]


def test_join_bodies_are_strict(
    group: dict[str, Any], session: dict[str, Any], browser: NewBrowser
) -> None:
    jo, code = browser(), group["invite_code"]
    r = join(jo, code, display_name="Jo", member_id="m_someone")
    assert schema_errors(r) == [("extra_forbidden", "body", "member_id")]
    r = jo.post(f"/api/invites/{code}/join", json={"display_name": "Jo"})
    assert schema_errors(r) == [("missing", "body", "accept")]
    assert jo.cookies == {}
