"""Regressions found in review: retries, stale tickets, the waiting room, crashes."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
from tests.support.clients import Socket, join_member
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


async def test_a_refused_message_can_be_retried_with_the_same_id(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    ana = room.socks[0]
    await ana.send(type="turn", action="pass", id="p1")  # no round yet: refused
    assert (await ana.wait_for(of_type("error", id="p1")))["code"] == "invalid"
    await room.dash.send(type="round", action="start", id="r")
    await room.dash.wait_for(of_type("ack", id="r"))
    await ana.wait_for(lambda f: f["type"] == "round" and f["round"])
    mark = ana.mark()
    await ana.send(type="turn", action="pass", id="p1")  # the same id, now applied
    await ana.wait_for(lambda f: f["type"] == "round" and f["round"]["position"] == 1, since=mark)


async def test_a_ticket_minted_before_removal_opens_nothing(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    r = await room.clients[0].post(f"/api/sessions/{room.fac.session_id}/ticket", json={"as": "member"})
    stale = r.json()["ticket"]
    await room.dash.send(type="remove", member=room.ids[0])
    assert await room.socks[0].closed() == 4003
    url = f"{server.ws_url}/ws/sessions/{room.fac.session_id}?ticket={stale}"
    async with websockets.connect(url, origin=websockets.Origin(server.url)) as ws:
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 4003


async def test_waiting_members_learn_nothing_of_the_session(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    r = await room.fac.http.put(f"/api/groups/{room.fac.group['id']}/settings", json={"waiting_room": True})
    assert r.status_code == 200
    http, _ = await join_member(server.url, room.fac.group["invite_code"], "Lee")
    lee = await Socket.open(server.ws_url, http, room.fac.session_id)
    snap = await lee.wait_for(of_type("snapshot"))
    assert snap["waiting"] is True and snap["group"] is None and snap["round"] is None
    await room.dash.send(type="round", action="start", id="r")
    await room.dash.wait_for(of_type("ack", id="r"))
    await room.socks[0].wait_for(lambda f: f["type"] == "round" and f["round"])
    await lee.send(type="snapshot", id="s")  # a round trip, so anything sent to Lee has arrived
    await lee.wait_for(of_type("ack", id="s"))
    assert [f["type"] for f in lee.frames if f["type"] not in ("snapshot", "ack")] == []


async def test_members_see_the_balance_in_words_only(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    snap = await room.socks[0].wait_for(of_type("snapshot"))
    assert set(snap["group"]) == {"participants", "warming_up", "balance", "elapsed_s"}


async def test_a_killed_server_does_not_count_its_downtime_as_speech(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    await room.socks[0].send(type="speaking", on=True, id="on")
    await room.socks[0].wait_for(of_type("ack", id="on"))
    await asyncio.sleep(1.0)
    server.kill()  # RELIABILITY.md F1: no shutdown code runs
    await asyncio.sleep(3.0)
    server.start()
    r = await room.fac.http.post(f"/api/sessions/{room.fac.session_id}/end")
    assert r.status_code == 200, r.text
    report = (await room.fac.http.get(f"/api/sessions/{room.fac.session_id}/report")).json()
    # Closed where the log ends, never at the restart or the end: at most the 1 s spoken.
    assert report["members"][0]["airtime_s"] <= 1.5


async def test_too_many_messages_get_a_retry_hint_then_a_close(server: LiveServer) -> None:
    """RELIABILITY.md S4: excess messages are refused with when to retry; a flood is cut off."""
    room = await live_session(server, ["Ana", "Ben"])
    ana, ben = room.socks
    for _ in range(40):
        await ana.send(type="heartbeat")
    limited = await ana.wait_for(of_type("error", code="rate_limited"))
    assert limited["retry_after_ms"] >= 1
    await asyncio.sleep(1.0)
    await ana.send(type="hand", raised=True, id="after-a-pause")
    await ana.wait_for(of_type("ack", id="after-a-pause"))  # a pause restores the allowance
    for _ in range(200):
        await ben.send(type="heartbeat")
    assert await ben.closed() == 1008


async def test_one_person_cannot_open_sockets_without_end(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    extra = [await Socket.open(server.ws_url, room.clients[0], room.fac.session_id) for _ in range(4)]
    for sock in extra:
        await sock.wait_for(of_type("snapshot"))
    sixth = await Socket.open(server.ws_url, room.clients[0], room.fac.session_id)
    assert await sixth.closed() == 1008
    assert extra[0].close_code is None  # the ones already open stay
