"""External sources (DOMAIN.md D3), live: ingest keys, speaker changes and imports."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
from tests.support.clients import Facilitator, Socket, client, setup_facilitator
from tests.support.server import LiveServer

pytestmark = pytest.mark.server
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ingest_client.py"


async def new_key(fac: Facilitator) -> dict[str, Any]:
    r = await fac.http.post(f"/api/sessions/{fac.session_id}/ingest-key")
    assert r.status_code == 201, r.text
    return dict(r.json())


async def ingest(server: LiveServer, session_id: str, key: str | None, *changes: dict[str, Any],
                 **body: Any) -> httpx.Response:  # fmt: skip
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return await client(server.url).post(f"/api/sessions/{session_id}/ingest", headers=headers,
                                         json=body or {"changes": list(changes)})  # fmt: skip


def change(speaker: str, speaking: bool = True, ago_ms: int = 0) -> dict[str, Any]:
    return {"speaker": speaker, "speaking": speaking, "ago_ms": ago_ms}


def detail(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    return str(r.json()["detail"])


def speaking(pid: str, on: bool) -> Any:
    return lambda f: (
        f["type"] == "person" and f["person"]["id"] == pid and f["person"]["speaking"] is on
    )


async def test_only_the_sessions_current_key_is_taken(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    other = await setup_facilitator(server.url, "gus")  # another group, another session
    sid = room.fac.session_id
    assert detail(await ingest(server, sid, None, change("Ana")), 401).startswith("Authorization:")
    assert detail(await ingest(server, sid, "ik_guess", change("Ana")), 403).startswith(
        "that is not"
    )
    first = await new_key(room.fac)
    assert (
        first["key"].startswith("ik_") and first["url"] == f"{server.url}/api/sessions/{sid}/ingest"
    )
    theirs = (await new_key(other))["key"]
    assert (await ingest(server, sid, theirs, change("Ana"))).status_code == 403
    assert (await ingest(server, other.session_id, first["key"], change("Ana"))).status_code == 403
    second = (await new_key(room.fac))["key"]  # a new key replaces the old
    assert (await ingest(server, sid, first["key"], change("Ana"))).status_code == 403
    assert (await ingest(server, sid, second, change("Ana"))).status_code == 200
    # Members and other facilitators cannot make one.
    assert (await room.clients[0].post(f"/api/sessions/{sid}/ingest-key")).status_code == 401
    assert (await other.http.post(f"/api/sessions/{sid}/ingest-key")).status_code == 404


async def test_a_change_reaches_the_dashboard_and_the_report(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    dash, (ana, _), ids = room.dash, room.socks, room.ids
    key = (await new_key(room.fac))["key"]
    r = await ingest(server, room.fac.session_id, key, change("ana", ago_ms=400), change("Ben"))
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 2
    frame = await dash.wait_for(speaking(ids[0], True))
    assert frame["person"]["speaking_source"] == "external"
    await ana.wait_for(speaking(ids[0], True))  # the member sees their own state
    await dash.wait_for(speaking(ids[1], True))
    await dash.wait_for(lambda f: f["type"] == "airtime" and any(  # some speech to count
        p["id"] == ids[1] and p["airtime_s"] > 0.1 for p in f["people"]))  # fmt: skip
    r = await ingest(server, room.fac.session_id, key, change(ids[0], False), change("BEN", False))
    assert r.status_code == 200, r.text
    await dash.wait_for(speaking(ids[1], False))
    await dash.send(type="session", action="end")
    await dash.wait_for(of_type("session", state="ended"))
    report = (await room.fac.http.get(f"/api/sessions/{room.fac.session_id}/report")).json()
    assert all(m["airtime_s"] > 0 for m in report["members"])
    assert {s["source"] for s in report["details"]["segments"]} == {"external"}
    assert set(report["details"]["detection"]["sources"]) == {"external"}
    # The key died with the session.
    assert (await ingest(server, room.fac.session_id, key, change("Ana"))).status_code == 403


async def test_refused_changes_change_nothing(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben", "Cy"])
    dash, (_, ben, cy), ids = room.dash, room.socks, room.ids
    sid, key = room.fac.session_id, (await new_key(room.fac))["key"]
    await ben.send(type="consent", on=False, id="withdraw")
    await ben.wait_for(of_type("ack", id="withdraw"))
    await cy.send(type="pause", on=True, id="pause")
    await cy.wait_for(of_type("ack", id="pause"))
    unknown = await ingest(server, sid, key, change("Ana"), change("Zed"))
    assert detail(unknown, 400) == 'changes[1].speaker: "Zed": nobody here has that name or id'
    assert detail(await ingest(server, sid, key, change("Ana"), change("Ben")), 409) == (
        "changes[1]: Ben has not consented to tracking"
    )
    assert (
        detail(await ingest(server, sid, key, change("Cy")), 409)
        == "changes[0]: Cy has paused their tracking"
    )
    for body in ({"changes": [change("Ana", ago_ms=2001)]}, {"changes": []},
                 {"changes": [change("Ana")] * 101}, {"changes": [change("Ana") | {"audio": "…"}]}):  # fmt: skip
        assert (await ingest(server, sid, key, **body)).status_code == 422
    left = dash.mark()
    await ben.close()  # Ben leaves (after the grace period): not present any more
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == ids[1]
                        and not f["person"]["present"], timeout=10, since=left)  # fmt: skip
    assert detail(await ingest(server, sid, key, change(ids[1], False)), 409) == (
        "changes[0]: Ben is not in the session right now"
    )
    mark = dash.mark()
    await dash.send(type="snapshot", id="look")
    snapshot = await dash.wait_for(of_type("snapshot"), since=mark)
    assert not any(p["speaking"] for p in snapshot["people"])  # Ana's change was never applied


async def test_only_a_live_session_after_the_statement(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    sid, key = fac.session_id, (await new_key(fac))["key"]
    assert (
        detail(await ingest(server, sid, key, change("fay")), 409) == "the session is not running"
    )
    assert (await fac.http.post(f"/api/sessions/{sid}/start")).status_code == 200
    assert detail(await ingest(server, sid, key, change("fay")), 409) == (
        "the confidentiality statement has not been marked read yet"
    )
    assert (await fac.http.post(f"/api/sessions/{sid}/end")).status_code == 200
    assert (await ingest(server, sid, key, change("fay"))).status_code == 403
    assert (await fac.http.post(f"/api/sessions/{sid}/ingest-key")).status_code == 409


async def test_batches_are_rate_limited(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    key = (await new_key(fac))["key"]
    answers = await asyncio.gather(*(ingest(server, fac.session_id, key, change("fay"))
                                     for _ in range(60)))  # fmt: skip
    assert {r.status_code for r in answers} == {409, 429}  # not live; and too many
    assert "batch the changes" in next(r for r in answers if r.status_code == 429).json()["detail"]


async def test_an_import_ends_an_open_dashboard(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    await dash.wait_for(of_type("snapshot"))
    rttm = "SPEAKER mtg 1 0.0 4.0 <NA> <NA> alice <NA> <NA>\nSPEAKER mtg 1 3.0 3.0 <NA> <NA> bob <NA> <NA>\n"
    r = await fac.http.post(f"/api/sessions/{fac.session_id}/import",
                            json={"rttm": rttm, "confirm_consent": True})  # fmt: skip
    assert r.status_code == 200, r.text
    await dash.wait_for(of_type("session", state="ended"))
    assert await dash.closed() == 1000
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    assert [m["airtime_s"] for m in report["members"]] == [4.0, 3.0]


async def test_the_example_client_sends_stdin_lines(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Jo Lee"])
    ids, key = room.ids, await new_key(room.fac)
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLE), "--url", key["url"], "--key", key["key"],
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    lines = b"Ana on\nJo Lee on\n# a comment\nZed on\nAna maybe\nAna off\n"
    out, err = await asyncio.wait_for(process.communicate(lines), timeout=30)
    assert process.returncode == 1  # two lines were refused
    assert out.decode().splitlines()[0].startswith("line 1: accepted 1 (seq ")
    assert err.decode().splitlines() == ['line 4: 400 changes[0].speaker: "Zed": nobody here has that name or id',
                                         'line 5: expected "NAME on" or "NAME off"']  # fmt: skip
    frame = await room.dash.wait_for(speaking(ids[1], True))
    assert frame["person"]["speaking_source"] == "external"
    await room.dash.wait_for(speaking(ids[0], False))
