"""Faults with real processes (RELIABILITY.md F1): a worker killed while a member speaks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.realtime.test_live_session import of_type
from tests.support.clients import OPENED, Socket, join_member, setup_facilitator, start_live
from tests.support.redis import RedisServer
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    redis = RedisServer(tmp_path / "redis").start()
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_HEARTBEAT_TIMEOUT_S": "2", "AIRTIME_LEAVE_GRACE_S": "30"}
    first = LiveServer(tmp_path / "data", **env).start()
    second = LiveServer(tmp_path / "data", **env).start()
    yield first, second
    second.stop()
    first.stop()
    redis.stop()


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
