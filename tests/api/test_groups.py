"""Groups and their invite links: facilitators see and run only their own."""

from __future__ import annotations

from typing import Any

import pytest

from app.models.groups import DEFAULT_DESCRIPTION
from tests.api.conftest import (
    NewBrowser,
    Serve,
    TestClient,
    add_facilitator,
    create_group,
    login,
    refused,
    register_organiser,
    schema_errors,
)

NOT_YOURS = "no such group among yours"
BAD_NAME = "name: use 1 to 80 characters"
STALE_INVITE = "this invite link is not valid; it may have been replaced by a new one"
GROUP_FIELDS = {
    "id", "name", "description", "invite_code", "invite_url", "facilitators", "session",
}  # fmt: skip


def test_a_facilitator_creates_a_group_and_runs_it(fay: TestClient) -> None:
    r = fay.post(
        "/api/groups", json={"name": "Tuesday circle", "description": "We note speaking times."}
    )
    assert r.status_code == 201
    group = r.json()
    assert set(group) == GROUP_FIELDS
    assert group["id"].startswith("g_")
    assert group["name"] == "Tuesday circle"
    assert group["description"] == "We note speaking times."
    assert len(group["invite_code"]) >= 22  # 128 random bits, base64url
    assert group["invite_url"] == f"http://testserver/join/{group['invite_code']}"
    assert group["facilitators"] == ["fay"]
    assert group["session"] is None
    assert fay.get(f"/api/groups/{group['id']}").json() == group


def test_a_group_without_a_description_explains_what_is_tracked(fay: TestClient) -> None:
    assert create_group(fay)["description"] == DEFAULT_DESCRIPTION
    assert create_group(fay, "Thursday", description="   ")["description"] == DEFAULT_DESCRIPTION


def test_invite_codes_differ_between_groups(fay: TestClient) -> None:
    codes = {create_group(fay, f"group {i}")["invite_code"] for i in range(5)}
    assert len(codes) == 5


def test_invite_urls_use_the_public_url(serve: Serve) -> None:
    client = serve(public_url="http://airtime.example.org/")
    register_organiser(client)
    add_facilitator(client, "fay")
    client.cookies.clear()
    login(client, "fay")
    group = create_group(client)
    assert group["invite_url"] == f"http://airtime.example.org/join/{group['invite_code']}"


def test_names_are_trimmed(fay: TestClient) -> None:
    assert create_group(fay, "  Tuesday circle \n")["name"] == "Tuesday circle"
    assert create_group(fay, "x" * 80)["name"] == "x" * 80


@pytest.mark.parametrize(
    "name", ["", "   ", "\t\n", "x" * 81], ids=["empty", "spaces", "tab newline", "81 chars"]
)
def test_bad_names_are_refused(fay: TestClient, name: str) -> None:
    assert refused(fay.post("/api/groups", json={"name": name}), 400) == BAD_NAME
    assert fay.get("/api/groups").json() == []


def test_group_bodies_are_strict(fay: TestClient) -> None:
    r = fay.post("/api/groups", json={"name": "Tuesday", "invite_code": "mine"})
    assert schema_errors(r) == [("extra_forbidden", "body", "invite_code")]
    assert schema_errors(fay.post("/api/groups", json={})) == [("missing", "body", "name")]


def test_anonymous_callers_see_no_groups(group: dict[str, Any], browser: NewBrowser) -> None:
    stranger = browser()
    assert refused(stranger.post("/api/groups", json={"name": "Mine"}), 401) == "please log in"
    assert refused(stranger.get("/api/groups"), 401) == "please log in"
    assert refused(stranger.get(f"/api/groups/{group['id']}"), 401) == "please log in"
    assert refused(stranger.post(f"/api/groups/{group['id']}/invite"), 401) == "please log in"


def test_facilitators_list_only_their_own_groups(
    organiser: TestClient, fay: TestClient, gil: TestClient
) -> None:
    tuesday, thursday = create_group(fay, "Tuesday"), create_group(fay, "Thursday")
    assert gil.get("/api/groups").json() == []
    assert fay.get("/api/groups").json() == [tuesday, thursday]
    friday = create_group(gil, "Friday")
    assert gil.get("/api/groups").json() == [friday]
    assert fay.get("/api/groups").json() == [tuesday, thursday]
    # The organiser sees every group.
    assert organiser.get("/api/groups").json() == [tuesday, thursday, friday]


def test_another_facilitators_group_does_not_exist_for_you(
    organiser: TestClient, gil: TestClient, group: dict[str, Any]
) -> None:
    assert refused(gil.get(f"/api/groups/{group['id']}"), 404) == NOT_YOURS
    assert refused(gil.post(f"/api/groups/{group['id']}/invite"), 404) == NOT_YOURS
    assert refused(gil.post(f"/api/groups/{group['id']}/sessions"), 404) == NOT_YOURS
    assert organiser.get(f"/api/groups/{group['id']}").status_code == 200  # organisers oversee all groups
    assert refused(gil.get("/api/groups/g_nothing"), 404) == NOT_YOURS


def test_rotating_the_invite_replaces_the_link(fay: TestClient, group: dict[str, Any]) -> None:
    old = group["invite_code"]
    assert fay.get(f"/api/invites/{old}").status_code == 200
    r = fay.post(f"/api/groups/{group['id']}/invite")
    assert r.status_code == 200
    rotated = r.json()
    new = rotated["invite_code"]
    assert new != old
    assert len(new) >= 22
    assert rotated == group | {"invite_code": new, "invite_url": f"http://testserver/join/{new}"}
    assert fay.get(f"/api/groups/{group['id']}").json() == rotated
    assert refused(fay.get(f"/api/invites/{old}"), 404) == STALE_INVITE
    r = fay.post(f"/api/invites/{old}/join", json={"display_name": "Jo", "accept": True})
    assert refused(r, 404) == STALE_INVITE
    assert fay.get(f"/api/invites/{new}").json()["group"] == group["name"]
