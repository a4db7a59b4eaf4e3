"""Faults with real processes (RELIABILITY.md F1-F4): a worker killed while a member speaks,
a worker stopped gracefully, a reconnect storm, and Redis going away mid-session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.realtime.test_live_session import of_type
from tests.support.clients import OPENED, Socket, join_member, setup_facilitator, start_live
from tests.support.redis import RedisServer
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path: Path, redis: RedisServer) -> Iterator[tuple[LiveServer, LiveServer]]:
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_HEARTBEAT_TIMEOUT_S": "2", "AIRTIME_LEAVE_GRACE_S": "30"}
    first = LiveServer(tmp_path / "data", **env).start()
    second = LiveServer(tmp_path / "data", **env).start()
    yield first, second
    second.stop()
    first.stop()


def moved(http: httpx.AsyncClient, base: str) -> httpx.AsyncClient:
    """The same browser (its cookies), now talking to another worker."""
    other = httpx.AsyncClient(base_url=base, cookies=http.cookies)
    OPENED.append(other)
    return other


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
