"""The organiser (DOMAIN.md E6): runs accounts and groups, sees group figures only from five members."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import (
    NewBrowser,
    TestClient,
    create_group,
    join_member,
    open_session,
    refused,
)  # fmt: skip

PER_MEMBER_KEYS = {"members", "member_id", "name", "display_name", "airtime_s"}


def test_an_organiser_creates_a_group_run_by_named_facilitators(
    organiser: TestClient, fay: TestClient
) -> None:
    assert "facilitators" in refused(organiser.post("/api/groups", json={"name": "Circle"}), 400)
    assert "gus" in refused(
        organiser.post("/api/groups", json={"name": "Circle", "facilitators": ["gus"]}), 400
    )
    group = create_group(organiser, "Circle", facilitators=["fay"])
    assert group["facilitators"] == ["fay"]
    assert [g["id"] for g in fay.get("/api/groups").json()] == [group["id"]]
    assert organiser.get(f"/api/groups/{group['id']}").json()["name"] == "Circle"
    # Facilitators cannot choose who else runs a group.
    refused(fay.post("/api/groups", json={"name": "Mine", "facilitators": ["fay"]}), 403)


def test_the_organiser_changes_who_runs_a_group_and_it_is_audited(
    organiser: TestClient, fay: TestClient, gil: TestClient, group: dict[str, Any]
) -> None:
    url = f"/api/groups/{group['id']}/facilitators"
    refused(fay.put(url, json={"facilitators": ["fay", "gil"]}), 403)
    assert organiser.put(url, json={"facilitators": ["gil"]}).json()["facilitators"] == ["gil"]
    assert gil.get(f"/api/groups/{group['id']}").status_code == 200
    refused(fay.get(f"/api/groups/{group['id']}"), 404)  # no longer hers
    refused(
        organiser.put(url, json={"facilitators": ["org"]}), 400
    )  # an organiser is not a facilitator
    log = organiser.get(f"/api/groups/{group['id']}/audit").json()
    assert [(r["action"], r["detail"]) for r in log] == [("facilitators.change", "gil")]


def ended_session_with(
    fay: TestClient, browser: NewBrowser, group: dict[str, Any], names: list[str]
) -> None:
    session = open_session(fay, group["id"])
    for name in names:
        join_member(browser(), group["invite_code"], name)
    for step in ("start", "confidentiality", "end"):
        assert fay.post(f"/api/sessions/{session['id']}/{step}").status_code == 200


def test_organisers_see_group_figures_only_from_five_members(
    organiser: TestClient, fay: TestClient, browser: NewBrowser, group: dict[str, Any]
) -> None:
    url = f"/api/groups/{group['id']}/summary"
    ended_session_with(fay, browser, group, ["Ana", "Ben", "Cy", "Di"])
    assert "5 or more" in refused(organiser.get(url), 403)
    assert fay.get(url).json()["member_count"] == 4  # the group's facilitators always see them
    ended_session_with(fay, browser, group, ["Eve"])
    summary = organiser.get(url).json()
    assert (summary["member_count"], summary["sessions_held"]) == (5, 2)
    # Joined through the invite but never connected: present for no time, so not attending.
    assert [s["attendance"] for s in summary["sessions"]] == [0, 0]
    assert summary["check_ins"] == {"answers": 0, "shown": False, "included_mean": None}
    assert not PER_MEMBER_KEYS & set(summary) and not any(
        PER_MEMBER_KEYS & set(s) for s in summary["sessions"]
    )


def test_contacts_are_chosen_among_the_groups_facilitators_and_organisers(
    organiser: TestClient, fay: TestClient, gil: TestClient, group: dict[str, Any]
) -> None:
    url = f"/api/groups/{group['id']}/contacts"
    contacts = fay.get(url).json()
    names = {c["username"]: c["id"] for c in contacts["candidates"]}
    assert set(names) == {"fay", "org"}  # gil runs no part of this group
    assert (contacts["contact_name"], contacts["alternate_name"]) == ("fay", "org")
    refused(
        fay.put(
            url, json={"contact": names["fay"], "alternate": gil.get("/api/auth/me").json()["id"]}
        ),
        400,
    )
    swapped = organiser.put(url, json={"contact": names["org"], "alternate": names["fay"]}).json()
    assert (swapped["contact_name"], swapped["alternate_name"]) == ("org", "fay")
