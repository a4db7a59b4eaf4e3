"""Group insights across live sessions: came back, check-ins, follow-through, leaders (E6, E8, R4)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.realtime.test_facilitation import QUICK
from tests.realtime.test_live_session import of_type
from tests.support.clients import (
    PASSWORD,
    Facilitator,
    Socket,
    client,
    join_member,
    setup_facilitator,
    start_live,
)  # fmt: skip
from tests.support.server import LiveServer

pytestmark = pytest.mark.server
PER_MEMBER_KEYS = {"members", "member_id", "name", "display_name", "airtime_s", "share", "about"}


@dataclass
class Group:
    """A facilitator's group whose members come back to later sessions with their keys."""

    server: LiveServer
    fac: Facilitator
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    http: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    async def session(self, names: list[str]) -> tuple[Socket, dict[str, Socket]]:
        """Open a session (the first is already open), connect these members, start it."""
        if not self.fac.session_id:
            r = await self.fac.http.post(f"/api/groups/{self.fac.group['id']}/sessions")
            self.fac.session_id = r.json()["id"]
        dash = await Socket.open(self.server.ws_url, self.fac.http, self.fac.session_id)
        socks = {name: await self.connect(name) for name in names}
        for name in names:
            await dash.wait_for(lambda f, pid=self.ids[name]: f["type"] == "person"
                                and f["person"]["id"] == pid and f["person"]["present"])  # fmt: skip
        await start_live(dash)
        return dash, socks

    async def connect(self, name: str) -> Socket:
        code = self.fac.group["invite_code"]
        http, joined = await join_member(self.server.url, code, name, self.keys.get(name))
        self.keys[name] = (
            self.keys.get(name) or joined["member_key"]
        )  # shown once, on first joining
        self.ids[name], self.http[name] = joined["member"]["id"], http
        return await Socket.open(self.server.ws_url, http, self.fac.session_id)

    async def end(self) -> str:
        ended = self.fac.session_id
        assert (await self.fac.http.post(f"/api/sessions/{ended}/end")).status_code == 200
        self.fac.session_id = ""
        return ended

    async def insights(self, http: httpx.AsyncClient | None = None) -> dict[str, Any]:
        r = await (http or self.fac.http).get(f"/api/groups/{self.fac.group['id']}/insights")
        assert r.status_code == 200, r.text
        return dict(r.json())


async def pulses(socks: list[Socket], phase: str, scores: list[int]) -> None:
    for sock, included in zip(socks, scores, strict=False):
        await sock.send(type="pulse", phase=phase, included=included, id=phase)
        answer = await sock.wait_for(
            lambda f: f["type"] in ("ack", "error") and f.get("id") == phase
        )
        assert answer["type"] == "ack", answer


async def first_session_with_prompts(group: Group) -> str:
    """Five members; Ana talks, the group invitation is followed by Ben speaking, and the
    session ends once a second invitation has come. Five check-ins, two check-outs."""
    dash, socks = await group.session(["Ana", "Ben", "Cy", "Dee", "Eli"])
    await pulses(list(socks.values()), "check_in", [5, 4, 4, 3, 4])
    await pulses([socks["Ana"], socks["Ben"]], "check_out", [1, 1])  # too few to show
    await socks["Ana"].send(type="speaking", on=True)
    await dash.wait_for(lambda f: f["type"] == "prompt" and f["prompt"]["id"] == 1, timeout=10)
    await socks["Ben"].send(type="speaking", on=True)
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == group.ids["Ben"]
                        and f["person"]["speaking_since_s"] is not None)  # fmt: skip
    await socks["Ben"].send(type="speaking", on=False)
    await dash.wait_for(lambda f: f["type"] == "prompt" and f["prompt"]["id"] == 2, timeout=10)
    return await group.end()


async def second_session_led_by_ben(group: Group) -> str:
    """Ana, Ben and Cy come back, Gus is new; Ben co-facilitates (R4). Four check-ins."""
    dash, socks = await group.session(["Ana", "Ben", "Cy", "Gus"])
    await pulses(list(socks.values()), "check_in", [2, 3, 4, 5])
    await socks["Ben"].send(type="lead", on=True, id="l")
    await socks["Ben"].wait_for(of_type("ack", id="l"))
    await dash.send(type="cofacilitator", action="choose")
    assert await socks["Ben"].closed() == 4002  # role changed: he reconnects with the new powers
    await Socket.open(group.server.ws_url, group.http["Ben"], group.fac.session_id)
    return await group.end()


def nothing_per_member(insights: dict[str, Any], group: Group) -> None:
    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        return {k for v in value for k in keys(v)} if isinstance(value, list) else set()

    assert not PER_MEMBER_KEYS & keys(insights)
    text = json.dumps(insights)
    assert not any(
        f'"{name}"' in text or member_id in text for name, member_id in group.ids.items()
    )


async def test_insights_across_three_sessions_survive_deletions(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    assert (
        await fac.http.put(f"/api/groups/{fac.group['id']}/settings", json=QUICK)
    ).status_code == 200
    group = Group(server, fac)
    first = await first_session_with_prompts(group)
    await second_session_led_by_ben(group)
    await group.session(["Ana", "Ben", "Dee", "Gus"])  # Dee is back after a break
    await group.end()

    insights = await group.insights()
    sessions = insights["sessions"]
    assert [s["number"] for s in sessions] == [1, 2, 3] and insights["member_count"] == 6
    assert [s["attendance"] for s in sessions] == [5, 4, 4]
    assert [(s["came_back"], s["previous_attendance"]) for s in sessions] == [
        (None, None),
        (3, 5),
        (3, 4),
    ]
    assert [s["came_back_share"] for s in sessions] == [None, 0.6, 0.75]
    assert insights["overall"]["came_back_share"] == round(6 / 9, 3)
    # Check-ins count only where five or more answered (E8).
    assert sessions[0]["inclusion"] == {"check_in": {"answers": 5, "included_mean": 4.0},
                                        "check_out": {"answers": 2, "included_mean": None}}  # fmt: skip
    assert sessions[1]["inclusion"]["check_in"] == {"answers": 4, "included_mean": None}
    assert insights["overall"]["included_mean"] == 4.0
    # Follow-through, as the stored report has it: the group invitation was followed (Ben spoke).
    report = (await fac.http.get(f"/api/sessions/{first}/report")).json()
    invitations = [p for p in report["prompts"] if p["followed_through"] is not None]
    assert invitations[0]["kind"] == "group_invite" and invitations[0]["followed_through"] is True
    followed = sum(1 for p in invitations if p["followed_through"])
    assert (sessions[0]["invitations"], sessions[0]["followed_through"]) == (
        len(invitations),
        followed,
    )
    assert sessions[0]["follow_through_share"] == round(followed / len(invitations), 3)
    assert [s["co_facilitated"] for s in sessions] == [False, True, False]
    assert insights["leaders"] == {"sessions_with_co_facilitator": 1, "different_leaders": 1,
                                   "willing_members": 1, "willing_yet_to_lead": 0}  # fmt: skip

    organiser = client(server.url)
    await organiser.post("/api/auth/login", json={"username": "org", "password": PASSWORD})
    assert await group.insights(organiser) == insights  # the same aggregates, nothing more
    nothing_per_member(insights, group)

    # Ana (at all three) and Ben (who led) delete their data: past figures stand (E9).
    for name in ("Ana", "Ben"):
        r = await group.http[name].post("/api/members/delete",
                                        json={"member_key": group.keys[name], "confirm": True})  # fmt: skip
        assert r.status_code == 204, r.text
    after = await group.insights()
    for key in ("attendance", "came_back", "came_back_share", "co_facilitated", "inclusion"):
        assert [s[key] for s in after["sessions"]] == [s[key] for s in sessions], key
    assert after["leaders"]["sessions_with_co_facilitator"] == 1
    assert (
        after["leaders"]["different_leaders"] == 0
    )  # Ben is gone; the session he led still counts
    r = await organiser.get(f"/api/groups/{fac.group['id']}/insights")
    assert r.status_code == 403 and "5 or more" in r.json()["detail"]  # four members are left
