"""Faults with real processes (RELIABILITY.md F1-F4): a worker killed while a member speaks,
a worker stopped gracefully, a reconnect storm, and Redis going away mid-session."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.realtime.test_live_session import of_type
from tests.support import clients
from tests.support.clients import Socket, join_member, moved, setup_facilitator, start_live
from tests.support.redis import RedisServer
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


async def test_a_worker_killed_while_a_member_speaks(workers: tuple[LiveServer, LiveServer]) -> None:
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(second.ws_url, fac.http, fac.session_id, origin=second.url)
    http, joined = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana = await Socket.open(first.ws_url, http, fac.session_id)
    me = joined["member"]["id"]
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me and f["person"]["present"])
    await start_live(dash)
    await ana.send(type="speaking", on=True, id="on")
    await ana.wait_for(of_type("ack", id="on"))
    started = time.monotonic()
    while time.monotonic() - started < 2.0:  # her device keeps saying it is there
        await ana.send(type="heartbeat")
        await asyncio.sleep(0.25)
    first.kill()  # SIGKILL: nothing is closed tidily
    mark = dash.mark()
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me and f["person"]["speaking"] is False,
                        since=mark, timeout=15)  # fmt: skip
    fac_b = moved(fac.http, second.url)
    report = (await fac_b.get(f"/api/sessions/{fac.session_id}/report")).json()
    [turn] = [s for s in report["details"]["segments"] if s["person"] == me]
    assert turn["inferred"] is True  # closed by the surviving worker, when she was last heard
    assert 0.8 <= turn["end_s"] - turn["start_s"] <= 2.4  # not the time the worker lay dead

    # She reconnects to the surviving worker: present, not speaking, one turn at a time.
    ana_b = await Socket.open(second.ws_url, moved(http, second.url), fac.session_id, origin=second.url)
    snapshot = await ana_b.wait_for(of_type("snapshot"))
    assert snapshot["me"]["present"] and not snapshot["me"]["speaking"]
    await ana_b.send(type="speaking", on=True, id="again")
    await ana_b.wait_for(of_type("ack", id="again"))
    speaking = await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me
                                   and f["person"]["speaking"], since=mark)  # fmt: skip
    assert speaking["person"]["present"]


def speaking_of(person: str, on: bool) -> Any:
    return lambda f: f["type"] == "person" and f["person"]["id"] == person and f["person"]["speaking"] is on


async def talk(sock: Socket, person: str, dash: Socket, turn: str) -> None:
    """One short turn from a member's device, acknowledged, and seen on the dashboard."""
    mark = dash.mark()
    for on in (True, False):
        await sock.send(type="speaking", on=on, id=f"{turn}-{on}")
        await sock.wait_for(of_type("ack", id=f"{turn}-{on}"))
    await dash.wait_for(speaking_of(person, True), since=mark, timeout=10)
    await dash.wait_for(speaking_of(person, False), since=mark, timeout=10)


async def test_redis_going_away_mid_session(workers: tuple[LiveServer, LiveServer], redis: RedisServer) -> None:
    """F4: no crash, REST stays up, facilitators are told, nothing accepted is lost, and
    after Redis is back every socket gets a fresh snapshot."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url)
    http, joined = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana, ana_id = await Socket.open(first.ws_url, http, fac.session_id), joined["member"]["id"]
    http_b, joined_b = await join_member(second.url, fac.group["invite_code"], "Bo")
    bo, bo_id = await Socket.open(second.ws_url, http_b, fac.session_id, origin=second.url), joined_b["member"]["id"]
    await start_live(dash)
    await talk(ana, ana_id, dash, "before")

    redis.stop()
    await dash.wait_for(of_type("degraded", on=True), timeout=10)
    for worker in (first, second):  # REST stays up
        async with httpx.AsyncClient(base_url=worker.url) as probe:
            assert (await probe.get("/healthz")).status_code == 200
            assert (await probe.get(f"/api/invites/{fac.group['invite_code']}")).status_code == 200
    mark = dash.mark()
    await talk(ana, ana_id, dash, "during")  # Ana's worker stores it; the dashboard's reads it there
    await talk(bo, bo_id, dash, "during")
    assert [f for f in dash.frames[mark:] if f["type"] == "person" and f["person"]["id"] == ana_id]

    redis.start_again()
    marks = {sock: sock.mark() for sock in (dash, ana, bo)}
    for sock, since in marks.items():  # every socket is whole again
        snapshot = await sock.wait_for(of_type("snapshot"), since=since, timeout=15)
        assert snapshot["session"]["degraded"] is False
    await talk(ana, ana_id, dash, "after")  # and the broker carries it again

    await dash.send(type="session", action="end", id="end")
    await dash.closed(timeout=10)
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    turns = {pid: [s for s in report["details"]["segments"] if s["person"] == pid] for pid in (ana_id, bo_id)}
    assert len(turns[ana_id]) == 3 and len(turns[bo_id]) == 1  # every turn sent, none lost or doubled
    assert not any(s["inferred"] for s in turns[ana_id] + turns[bo_id])


async def test_a_worker_stopped_gracefully_while_a_member_speaks(workers: tuple[LiveServer, LiveServer]) -> None:
    """F2: SIGTERM ends her turn at an exact time, her socket hears 1001, and she carries on
    through the other worker."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url)
    http, joined = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana, me = await Socket.open(first.ws_url, http, fac.session_id), joined["member"]["id"]
    await start_live(dash)
    await ana.wait_for(of_type("session", confidentiality_read=True))  # her worker knows it too
    await ana.send(type="speaking", on=True, id="on")
    await ana.wait_for(of_type("ack", id="on"))
    await dash.wait_for(speaking_of(me, True))
    await asyncio.sleep(1.0)
    mark = dash.mark()
    stopping = time.monotonic()
    await asyncio.to_thread(first.stop)  # SIGTERM, and wait for the process to end
    stopped = time.monotonic() - stopping
    assert await ana.closed() == 1001
    await dash.wait_for(speaking_of(me, False), since=mark, timeout=10)

    report = (await moved(fac.http, second.url).get(f"/api/sessions/{fac.session_id}/report")).json()
    [turn] = [s for s in report["details"]["segments"] if s["person"] == me]
    assert turn["inferred"] is False and turn["source"] == "device"  # an exact end, not a guess
    assert 1.0 <= turn["end_s"] - turn["start_s"] <= 1.0 + stopped + 0.5

    ana_b = await Socket.open(second.ws_url, moved(http, second.url), fac.session_id, origin=second.url)
    snapshot = await ana_b.wait_for(of_type("snapshot"))
    assert snapshot["me"]["present"] and not snapshot["me"]["speaking"]


async def test_back_through_another_worker_before_the_old_socket_is_seen_dead(
        workers: tuple[LiveServer, LiveServer]) -> None:  # fmt: skip
    """F6 across workers: she keeps her place, her open turn and her hand."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(first.ws_url, fac.http, fac.session_id)
    people = [await join_member(first.url, fac.group["invite_code"], name) for name in ("Ana", "Bo")]
    ana, bo = [await Socket.open(first.ws_url, http, fac.session_id) for http, _ in people]
    me = people[0][1]["member"]["id"]
    await start_live(dash)
    await ana.wait_for(of_type("session", confidentiality_read=True))
    for sock, message in ((ana, {"type": "hand", "raised": True}), (bo, {"type": "hand", "raised": True}),
                          (ana, {"type": "speaking", "on": True})):  # fmt: skip
        await sock.send(**message, id=message["type"])
        await sock.wait_for(of_type("ack", id=message["type"]))
    await dash.wait_for(speaking_of(me, True))

    again = await Socket.open(second.ws_url, moved(people[0][0], second.url), fac.session_id, origin=second.url)
    snapshot = await again.wait_for(of_type("snapshot"))
    assert snapshot["me"]["speaking"] and snapshot["me"]["hand"]["position"] == 1
    mark = dash.mark()
    await ana.close()  # the old socket is noticed gone only now
    await heartbeats(again, 2)
    await dash.send(type="snapshot")
    [her] = [p for p in (await dash.wait_for(of_type("snapshot"), since=mark))["people"] if p["id"] == me]
    assert her["present"] and her["speaking"] and her["hand"]["position"] == 1
    await heartbeats(again, 6)  # past the heartbeat timeout of 2 s, her device on the second worker
    assert not [f for f in dash.frames[mark:] if f["type"] == "person" and f["person"]["id"] == me
                and (not f["person"]["speaking"] or not f["person"]["present"])]  # fmt: skip


async def heartbeats(sock: Socket, count: int) -> None:
    for _ in range(count):
        await sock.send(type="heartbeat")
        await asyncio.sleep(0.5)


async def test_rejoining_a_session_that_ended_meanwhile(workers: tuple[LiveServer, LiveServer]) -> None:
    """F7: offline while the session ended; back through the other worker, she sees it ended
    and nothing new is recorded."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(first.ws_url, fac.http, fac.session_id)
    http, _ = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana = await Socket.open(first.ws_url, http, fac.session_id)
    await start_live(dash)
    await ana.send(type="heartbeat", id="last")
    last_seq = (await ana.wait_for(of_type("ack", id="last")))["seq"]
    await ana.close()
    # Her page was already reconnecting: it held a ticket when the session ended.
    ticket = (await http.post(f"/api/sessions/{fac.session_id}/ticket", json={})).json()["ticket"]
    await dash.send(type="session", action="end", id="end")
    assert await dash.closed(timeout=10) == 1000
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    stored = await store_size(fac, first)

    http_b = moved(http, second.url)
    back = await Socket.open(second.ws_url, http_b, fac.session_id, origin=second.url, after=last_seq, ticket=ticket)
    snapshot = await back.wait_for(lambda f: True)
    assert snapshot["type"] == "snapshot" and snapshot["session"]["state"] == "ended"
    assert await back.closed() == 1000
    refused = await http_b.post(f"/api/sessions/{fac.session_id}/ticket", json={})  # a later attempt
    assert (refused.status_code, refused.json()["detail"]) == (409, "this session has ended")
    assert (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json() == report
    assert await store_size(fac, first) == stored  # nothing new was recorded


async def store_size(fac: clients.Facilitator, worker: LiveServer) -> int:
    """How many events the session's stored log holds (the workers share this SQLite file)."""
    with contextlib.closing(sqlite3.connect(worker.data_dir / "airtime.db")) as db:
        [(count,)] = db.execute("SELECT count(*) FROM session_events WHERE session_id = ?", (fac.session_id,))
    return int(count)


class Member:
    """A member's page: her cookies, her socket, and the last seq she took in."""

    def __init__(self, http: httpx.AsyncClient, person: str, session_id: str, sock: Socket) -> None:
        self.http, self.person, self.session_id, self.sock = http, person, session_id, sock


    async def turn(self, name: str) -> None:
        for on in (True, False):
            await self.sock.send(type="speaking", on=on, id=f"{name}-{on}")
            await self.sock.wait_for(of_type("ack", id=f"{name}-{on}"), timeout=15)

    async def reconnect(self, worker: LiveServer) -> dict[str, Any]:
        """As the pages do (RELIABILITY.md F3): full-jitter backoff, then resume from her seq."""
        assert await self.sock.closed(timeout=15) is not None
        seen, attempt = int(self.sock.frames[-1]["seq"]), 0
        while True:
            await asyncio.sleep(random.uniform(0, min(10.0, 0.5 * 2**attempt)))
            try:
                self.sock = await Socket.open(worker.ws_url, moved(self.http, worker.url), self.session_id,
                                              origin=worker.url, after=seen)  # fmt: skip
                return await self.sock.wait_for(lambda f: f["type"] in ("snapshot", "resumed"), timeout=15)
            except (OSError, AssertionError):
                attempt += 1


async def test_a_reconnect_storm_after_a_worker_dies(workers: tuple[LiveServer, LiveServer]) -> None:
    """F3: everyone on a worker that dies comes back at once, with jittered backoff; all are
    whole again, nobody is present twice, and no turn is doubled or lost."""
    first, second = workers
    rooms = []
    for name in ("fay", "flo"):
        fac = await setup_facilitator(first.url, username=name)
        dash = await Socket.open(first.ws_url, fac.http, fac.session_id)
        members = []
        for i in range(10):
            http, joined = await join_member(first.url, fac.group["invite_code"], f"{name}-{i}")
            sock = await Socket.open(first.ws_url, http, fac.session_id)
            members.append(Member(http, joined["member"]["id"], fac.session_id, sock))
        await start_live(dash)
        await asyncio.gather(*(m.sock.wait_for(of_type("session", confidentiality_read=True)) for m in members))
        rooms.append((fac, members))
    await asyncio.gather(*(m.turn("before") for _, members in rooms for m in members))

    first.kill()
    everyone = [m for _, members in rooms for m in members]
    firsts = await asyncio.gather(*(m.reconnect(second) for m in everyone))
    assert all(f["type"] in ("snapshot", "resumed") for f in firsts)  # all resynced
    await asyncio.gather(*(m.turn("after") for m in everyone))

    for fac, members in rooms:
        dash = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url)
        people = [p for p in (await dash.wait_for(of_type("snapshot")))["people"] if p["role"] == "member"]
        assert sorted(p["id"] for p in people) == sorted(m.person for m in members)  # each once
        assert all(p["present"] and not p["speaking"] for p in people)
        await dash.send(type="session", action="end", id="end")
        await dash.closed(timeout=10)
        report = (await moved(fac.http, second.url).get(f"/api/sessions/{fac.session_id}/report")).json()
        for m in members:
            turns = [s for s in report["details"]["segments"] if s["person"] == m.person]
            assert len(turns) == 2 and turns[0]["end_s"] <= turns[1]["start_s"]  # none doubled or lost
        assert all(row["present_s"] <= report["duration_s"] for row in report["members"])


async def test_closes_reach_sockets_on_every_worker(workers: tuple[LiveServer, LiveServer]) -> None:
    """S3 across workers: a removal, a deletion and a logout made through one worker close the
    sockets they concern on the other; the deletion leaves no stored event about her (V2)."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url)
    people = [await join_member(first.url, fac.group["invite_code"], name) for name in ("Ana", "Bo")]
    ana, bo = [await Socket.open(second.ws_url, moved(http, second.url), fac.session_id, origin=second.url)
               for http, _ in people]  # fmt: skip
    (ana_http, ana_joined), (_, bo_joined) = people
    await start_live(dash)
    await ana.send(type="speaking", on=True, id="on")
    await ana.wait_for(of_type("ack", id="on"))

    gone = await ana_http.post("/api/members/delete", json={"member_key": ana_joined["member_key"], "confirm": True})
    assert gone.status_code == 204  # through the first worker; her socket is on the second
    assert await ana.closed(timeout=10) == 4004
    await dash.wait_for(of_type("forget", person=ana_joined["member"]["id"]), timeout=10)
    with contextlib.closing(sqlite3.connect(first.data_dir / "airtime.db")) as db:
        rows = db.execute("SELECT count(*) FROM session_events WHERE person = ?", (ana_joined["member"]["id"],))
        assert rows.fetchone() == (0,)

    remover = await Socket.open(first.ws_url, fac.http, fac.session_id)
    await remover.send(type="remove", member=bo_joined["member"]["id"], id="rm")
    await remover.wait_for(of_type("ack", id="rm"))
    assert await bo.closed(timeout=10) == 4003

    assert (await fac.http.post("/api/auth/logout")).status_code == 204
    assert await dash.closed(timeout=10) == 4001
    assert await remover.closed(timeout=10) == 4001


def purges_by(worker_db: Path) -> list[int]:
    """The process ids of the workers that ran the retention purge, oldest first."""
    with contextlib.closing(sqlite3.connect(worker_db)) as db:
        rows = db.execute("SELECT detail FROM audit_log WHERE action = 'purge.run' ORDER BY at").fetchall()
    return [int(detail.split(":")[1]) for (detail,) in rows]


async def test_the_retention_purge_runs_on_one_worker_and_moves_when_it_dies(tmp_path: Path, redis: RedisServer) -> None:
    """Timed work once across workers: never twice, and never not at all when a worker dies."""
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_PURGE_EVERY_S": "0.5"}
    first = LiveServer(tmp_path / "data", **env).start()
    second = LiveServer(tmp_path / "data", **env).start()
    db = tmp_path / "data" / "airtime.db"
    try:
        await asyncio.sleep(3)
        runs = purges_by(db)
        assert len(runs) >= 4 and len(set(runs)) == 1  # about every half second, by one of them
        holder, other = (first, second) if first.process and first.process.pid == runs[0] else (second, first)
        holder.kill()
        await asyncio.sleep(3)
        after = purges_by(db)[len(runs):]
        assert other.process is not None and after and set(after) == {other.process.pid}
    finally:
        first.stop()
        second.stop()
