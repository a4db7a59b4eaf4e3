"""Prompts, rounds, hand order, removal, the waiting room and co-facilitators, live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.realtime.test_live_session import of_type
from tests.support.clients import Facilitator, Socket, join_member, setup_facilitator, start_live
from tests.support.server import LiveServer

pytestmark = pytest.mark.server
QUICK = {"quiet_after_s": 2, "quiet_window_s": 4, "silent_for_s": 2, "member_prompt_gap_s": 6,
         "prompt_gap_s": 2, "long_turn_s": 600}  # fmt: skip


@dataclass
class Room:
    fac: Facilitator
    dash: Socket
    socks: list[Socket]
    ids: list[str]
    clients: list[httpx.AsyncClient]
    keys: list[str]  # the members' keys, for their own data (export, deletion)


async def live_session(server: LiveServer, names: list[str], settings: dict[str, Any] | None = None
                       ) -> Room:  # fmt: skip
    fac = await setup_facilitator(server.url)
    if settings:
        r = await fac.http.put(f"/api/groups/{fac.group['id']}/settings", json=settings)
        assert r.status_code == 200, r.text
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    socks, ids, clients, keys = [], [], [], []
    for name in names:
        http, joined = await join_member(server.url, fac.group["invite_code"], name)
        socks.append(await Socket.open(server.ws_url, http, fac.session_id))
        ids.append(joined["member"]["id"])
        clients.append(http)
        keys.append(joined["member_key"])
    for pid in ids:
        await dash.wait_for(lambda f, pid=pid: f["type"] == "person" and f["person"]["id"] == pid
                            and f["person"]["present"])  # fmt: skip
    await start_live(dash)
    return Room(fac, dash, socks, ids, clients, keys)


async def test_prompts_reach_facilitators_and_never_members(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"], QUICK)
    fac, dash, (ana, ben), ids = room.fac, room.dash, room.socks, room.ids
    second = await Socket.open(server.ws_url, fac.http, fac.session_id)  # a second dashboard
    await ana.send(type="speaking", on=True)
    first = await dash.wait_for(of_type("prompt"), timeout=10)
    assert first["prompt"]["kind"] == "group_invite" and first["prompt"]["about"] is None
    assert "pass" in first["prompt"]["text"].lower()
    named = await dash.wait_for(
        lambda f: f["type"] == "prompt" and f["prompt"]["id"] == 2, timeout=10
    )
    assert named["prompt"]["kind"] == "invite_quieter" and named["prompt"]["about"] == ids[1]
    assert not any(ch.isdigit() for ch in named["prompt"]["text"])
    # Each facilitator's socket gets each prompt once.
    await second.wait_for(lambda f: f["type"] == "prompt" and f["prompt"]["id"] == 2, timeout=10)
    for sock in (dash, second):
        ids_seen = [f["prompt"]["id"] for f in sock.frames if f["type"] == "prompt"]
        assert len(ids_seen) == len(set(ids_seen))

    await dash.send(type="prompt", prompt=2, action="acted_on", id="p2")
    await dash.wait_for(of_type("ack", id="p2"))
    await second.wait_for(lambda f: f["type"] == "prompt_outcome" and f["id"] == 2)
    await ben.send(type="snapshot", id="s")
    await ben.wait_for(of_type("ack", id="s"))
    for member in (ana, ben):
        assert not [f for f in member.frames if f["type"] in ("prompt", "prompt_outcome")]
        assert all("prompts" not in f for f in member.frames)
    await ben.send(type="prompt", prompt=1, action="dismiss", id="nope")
    assert (await ben.wait_for(of_type("error", id="nope")))["code"] == "forbidden"

    await dash.send(type="session", action="end")
    await dash.wait_for(of_type("session", state="ended"))
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    assert [p["kind"] for p in report["prompts"]][:2] == ["group_invite", "invite_quieter"]
    assert report["prompts"][1]["about"] == "Ben"
    assert report["prompts"][1]["outcome"] == "acted_on"
    # Ben never spoke after being named: not followed through (the session ended first).
    assert report["prompts"][1]["followed_through"] is False


async def test_rounds_rotate_and_only_the_current_member_passes(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben", "Cy"])
    dash, (ana, ben, cy), ids = room.dash, room.socks, room.ids
    await dash.send(type="round", action="start", kind="check_in", timebox_s=60)
    state = (await ana.wait_for(of_type("round")))["round"]
    assert state["order"] == ids and state["current"] == ids[0] and state["timebox_s"] == 60
    await ben.send(type="turn", action="pass", id="early")
    assert (await ben.wait_for(of_type("error", id="early")))["code"] == "forbidden"
    await ana.send(type="turn", action="pass", id="mine")
    await ana.wait_for(of_type("ack", id="mine"))
    moved = await cy.wait_for(
        lambda f: f["type"] == "round" and f["round"] and f["round"]["position"] == 1
    )
    assert moved["round"]["current"] == ids[1]
    await dash.send(type="turn", action="next")
    await cy.wait_for(lambda f: f["type"] == "round" and f["round"] and f["round"]["position"] == 2)
    await dash.send(type="turn", action="skip")
    await cy.wait_for(lambda f: f["type"] == "round" and f["round"] is None)
    # The next round starts one place on and goes the other way (DOMAIN.md R3).
    await dash.send(type="round", action="start")
    mark = ana.mark()
    nxt = (await ana.wait_for(lambda f: f["type"] == "round" and f["round"], since=mark))["round"]
    assert nxt["order"] == [ids[1], ids[0], ids[2]] and nxt["direction"] == "backward"
    assert nxt["current_name"] == "Ben" and nxt["next_name"] == "Ana"
    await dash.send(type="round", action="end", id="end")
    await dash.wait_for(of_type("ack", id="end"))
    report = (await room.fac.http.get(f"/api/sessions/{room.fac.session_id}/report")).json()
    assert [(r["number"], r["kind"], r["people"], r["led_by"]) for r in report["rounds"]] == [
        (1, "check_in", 3, "fay"),
        (2, "go_around", 3, "fay"),
    ]
    assert all(r["ended_s"] is not None for r in report["rounds"])


async def test_facilitator_reorders_hands(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    dash, (ana, ben), ids = room.dash, room.socks, room.ids
    await ana.send(type="hand", raised=True)
    await ben.send(type="hand", raised=True)
    await dash.wait_for(lambda f: f["type"] == "hands" and len(f["queue"]) == 2)
    await dash.send(type="reorder", member=ids[1], position=1)
    queue = (
        await dash.wait_for(lambda f: f["type"] == "hands" and f["queue"][0]["person"] == ids[1])
    )["queue"]
    assert [q["reason"] for q in queue] == ["order set by the facilitator"] * 2
    await ben.wait_for(
        lambda f: f["type"] == "person" and (f["person"]["hand"] or {}).get("position") == 1
    )
    await ana.send(type="reorder", member=ids[0], position=1, id="r")
    assert (await ana.wait_for(of_type("error", id="r")))["code"] == "forbidden"


async def test_removed_members_cannot_come_back(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    await room.dash.send(type="remove", member=room.ids[0])
    assert await room.socks[0].closed() == 4003
    await room.dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == room.ids[0]
                             and f["person"]["removed"] and not f["person"]["present"])  # fmt: skip
    ana = room.clients[0]
    ticket = await ana.post(f"/api/sessions/{room.fac.session_id}/ticket", json={"as": "member"})
    assert ticket.status_code == 403
    assert ticket.json()["detail"] == "a facilitator removed you from this session"


async def test_waiting_room_lets_people_in(server: LiveServer) -> None:
    room = await live_session(server, [], {"waiting_room": True})
    http, joined = await join_member(server.url, room.fac.group["invite_code"], "Lee")
    lee = await Socket.open(server.ws_url, http, room.fac.session_id)
    assert (await lee.wait_for(of_type("snapshot")))["waiting"] is True
    waiting = await room.dash.wait_for(lambda f: f["type"] == "waiting" and f["people"])
    assert waiting["people"] == [{"id": joined["member"]["id"], "name": "Lee"}]
    await room.dash.send(type="admit", member=joined["member"]["id"])
    mark = lee.mark()
    assert (await lee.wait_for(of_type("snapshot"), since=mark))["waiting"] is False
    await lee.wait_for(lambda f: f["type"] == "person" and f["person"]["present"], since=mark)
    await room.dash.wait_for(lambda f: f["type"] == "waiting" and f["people"] == [])


async def test_cofacilitator_chosen_from_willing_members(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    dash, (ana, ben), ids = room.dash, room.socks, room.ids
    await dash.send(type="cofacilitator", action="choose", id="c0")
    assert (await dash.wait_for(of_type("error", id="c0")))["code"] == "invalid"
    await ben.send(type="lead", on=True, id="l")
    await ben.wait_for(of_type("ack", id="l"))
    await dash.send(type="cofacilitator", action="choose")
    assert await ben.closed() == 4002  # role changed: reconnect with the new powers
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == ids[1]
                        and f["person"]["cofacilitator"])  # fmt: skip
    lead = await Socket.open(server.ws_url, room.clients[1], room.fac.session_id)
    snap = await lead.wait_for(of_type("snapshot"))
    assert snap["you"]["role"] == "cofacilitator" and "people" in snap  # the facilitator's view
    await ana.send(type="hand", raised=True)
    await lead.wait_for(lambda f: f["type"] == "hands" and f["queue"])
    await lead.send(type="call", member=ids[0], id="call")
    await lead.wait_for(of_type("ack", id="call"))
    await ana.wait_for(of_type("called"))
    await lead.send(type="session", action="end", id="end")  # ending stays the facilitator's
    assert (await lead.wait_for(of_type("error", id="end")))["code"] == "forbidden"
    history = (await room.fac.http.get(f"/api/groups/{room.fac.group['id']}/leaders")).json()
    assert [(h["name"], h["session_id"]) for h in history] == [("Ben", room.fac.session_id)]
