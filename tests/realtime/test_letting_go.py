"""A worker lets go of a live room that another worker serves alone, and loads it again
when it is next used (docs/scaling.md)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realtime.test_faults import speaking_of, talk
from tests.realtime.test_live_session import of_type
from tests.realtime.test_metrics import value
from tests.support.clients import Socket, client, join_member, moved, setup_facilitator, start_live
from tests.support.redis import RedisServer
from tests.support.server import LiveServer

pytestmark = pytest.mark.server

QUIET_S = 2.0  # both the heartbeat timeout and a leave's grace: a room is let go after 4 s unused


@pytest.fixture
def workers(tmp_path: Path, redis: RedisServer) -> Iterator[tuple[LiveServer, LiveServer]]:
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_HEARTBEAT_TIMEOUT_S": str(QUIET_S),
           "AIRTIME_LEAVE_GRACE_S": str(QUIET_S)}  # fmt: skip
    first = LiveServer(tmp_path / "data", **env).start()
    second = LiveServer(tmp_path / "data", **env).start()
    yield first, second
    second.stop()
    first.stop()


async def rooms(worker: LiveServer) -> float:
    return value((await client(worker.url).get("/metrics")).text, "airtime_rooms")


async def keep_talking(sock: Socket, until: float) -> None:
    while time.monotonic() < until:
        await sock.send(type="heartbeat")
        await asyncio.sleep(0.25)


async def until_let_go(worker: LiveServer, device: Socket) -> None:
    """Keep a device talking to the other worker until `worker` holds no room (20 s at most)."""
    deadline = time.monotonic() + 20
    while await rooms(worker) and time.monotonic() < deadline:
        await keep_talking(device, time.monotonic() + 1)
    assert await rooms(worker) == 0


async def test_the_worker_that_served_the_joins_lets_the_room_go(workers: tuple[LiveServer, LiveServer]) -> None:
    first, second = workers
    fac = await setup_facilitator(first.url)  # the session is opened, and joined, through the first
    http, joined = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana_id = joined["member"]["id"]
    assert await rooms(first) == 1
    dash = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url)
    ana = await Socket.open(second.ws_url, moved(http, second.url), fac.session_id, origin=second.url)
    await start_live(dash)
    await talk(ana, ana_id, dash, "before")

    # Her device talks to the second worker only; the first lets the room go once it is unused.
    await until_let_go(first, ana)
    assert await rooms(second) == 1

    # The second worker goes on alone: her turns, and the timed work (its figures) it does.
    await ana.send(type="speaking", on=True, id="on")
    await ana.wait_for(of_type("ack", id="on"))
    await dash.wait_for(speaking_of(ana_id, True))
    await dash.wait_for(lambda f: f["type"] == "airtime" and any(p["id"] == ana_id and p["speaking"]
                                                                 for p in f["people"]))  # fmt: skip
    await ana.send(type="speaking", on=False, id="off")
    await ana.wait_for(of_type("ack", id="off"))

    # A settings change made through the first worker, which holds no room now, reaches the
    # session's log: the second worker's dashboard follows it.
    mark = dash.mark()
    r = await fac.http.put(f"/api/groups/{fac.group['id']}/settings", json={"long_turn_s": 240})
    assert r.status_code == 200, r.text
    changed = await dash.wait_for(of_type("settings"), since=mark, timeout=10)
    assert changed["settings"]["long_turn_s"] == 240

    # Used again through the first worker, the room is loaded again, with every turn in it.
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    assert await rooms(first) == 1
    turns = [s for s in report["details"]["segments"] if s["person"] == ana_id]
    assert len(turns) == 2 and not any(s["inferred"] for s in turns)
    # The turns of a device the second worker still hears were not ended by the reload.
    dash_first = await Socket.open(first.ws_url, fac.http, fac.session_id)
    snapshot = await dash_first.wait_for(of_type("snapshot"))
    [ana_seen] = [p for p in snapshot["people"] if p["id"] == ana_id]
    assert ana_seen["present"]


async def test_a_deletion_through_a_worker_that_let_the_room_go_reaches_her_socket(
        workers: tuple[LiveServer, LiveServer]) -> None:  # fmt: skip
    """E9, S3: her data is deleted through the first worker, which no longer holds the room;
    her socket on the second worker is closed and the dashboard there forgets her."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    http, joined = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana_id = joined["member"]["id"]
    dash = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url)
    ana = await Socket.open(second.ws_url, moved(http, second.url), fac.session_id, origin=second.url)
    await start_live(dash)
    await until_let_go(first, ana)

    gone = await http.post("/api/members/delete", json={"member_key": joined["member_key"], "confirm": True})
    assert gone.status_code == 204
    assert await ana.closed(timeout=10) == 4004
    await dash.wait_for(of_type("forget", person=ana_id), timeout=10)
