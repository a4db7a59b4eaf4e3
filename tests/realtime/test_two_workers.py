"""Two Airtime processes over one real redis-server: a session's events reach every worker's sockets in order.

Run twice: on one SQLite file shared by the two processes, and on a real PostgreSQL
server, the set-up several workers are meant for (RELIABILITY.md V5)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realtime.test_live_session import of_type
from tests.support.clients import Socket, join_member, setup_facilitator, start_live
from tests.support.postgres import PostgresServer
from tests.support.redis import RedisServer
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


@pytest.fixture(params=["sqlite", "postgres"])
def workers(request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresServer
            ) -> Iterator[tuple[LiveServer, LiveServer]]:  # fmt: skip
    redis = RedisServer(tmp_path / "redis").start()
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_LEAVE_GRACE_S": "2"}
    if request.param == "postgres":
        env["AIRTIME_DATABASE_URL"] = postgres.new_database()
    first = LiveServer(tmp_path / "data", **env).start()
    second = LiveServer(tmp_path / "data", **env).start()  # the same database, another process
    yield first, second
    second.stop()
    first.stop()
    redis.stop()


async def test_a_member_on_one_worker_reaches_a_dashboard_on_the_other(
    workers: tuple[LiveServer, LiveServer],
) -> None:
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(second.ws_url, fac.http, fac.session_id, origin=second.url)
    await dash.wait_for(of_type("snapshot"))
    http, joined = await join_member(first.url, fac.group["invite_code"], "Ana")
    ana = await Socket.open(first.ws_url, http, fac.session_id)
    me = joined["member"]["id"]
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me and f["person"]["present"])
    await start_live(dash)
    for number, on in enumerate((True, False, True, False)):
        mark = dash.mark()
        await ana.send(type="speaking", on=on, id=f"s{number}")
        await ana.wait_for(of_type("ack", id=f"s{number}"))
        await dash.wait_for(lambda f, on=on: f["type"] == "person" and f["person"]["id"] == me
                            and f["person"]["speaking"] is on, since=mark)  # fmt: skip
        await asyncio.sleep(0.3)
    # Both workers hand out frames in the session's order: the same seq, nothing skipped.
    numbers = [f["n"] for f in dash.frames if "n" in f]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    assert len([s for s in report["details"]["segments"] if s["person"] == me]) == 2  # both stretches counted


async def test_prompts_fire_once_whichever_workers_hold_the_room(workers: tuple[LiveServer, LiveServer]) -> None:
    """Timed work has one holder per session (a lease in Redis): each prompt exists once,
    and reaches the dashboards on both workers."""
    first, second = workers
    fac = await setup_facilitator(first.url)
    quick = {"quiet_after_s": 2, "quiet_window_s": 4, "silent_for_s": 2, "member_prompt_gap_s": 30, "prompt_gap_s": 30}
    assert (await fac.http.put(f"/api/groups/{fac.group['id']}/settings", json=quick)).status_code == 200
    dashes = [await Socket.open(w.ws_url, fac.http, fac.session_id, origin=w.url) for w in (first, second)]
    http, _ = await join_member(first.url, fac.group["invite_code"], "Ana")
    await join_member(second.url, fac.group["invite_code"], "Ben")
    ana = await Socket.open(second.ws_url, http, fac.session_id, origin=second.url)
    await ana.wait_for(of_type("snapshot"))
    await start_live(dashes[0])
    await ana.send(type="speaking", on=True, id="on")
    for dash in dashes:
        await dash.wait_for(of_type("prompt"), timeout=15)
    await asyncio.sleep(2)
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    ids = [p["id"] for p in report["prompts"]]
    assert ids and ids == sorted(set(ids))
    for dash in dashes:
        seen = [f["prompt"]["id"] for f in dash.frames if f["type"] == "prompt"]
        assert seen == sorted(set(seen)) and seen[0] == 1  # each prompt once per dashboard
