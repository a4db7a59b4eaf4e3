"""A facilitator and three members over real sockets on a real server (issue: foundation)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from tests.support.clients import Socket, join_member, setup_facilitator, start_live
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


def person(pid: str, **state: Any) -> Any:
    def match(frame: dict[str, Any]) -> bool:
        if frame["type"] != "person" or frame["person"]["id"] != pid:
            return False
        return all(frame["person"].get(k) == v for k, v in state.items())

    return match


def of_type(kind: str, **fields: Any) -> Any:
    return lambda f: f["type"] == kind and all(f.get(k) == v for k, v in fields.items())


async def test_session_end_to_end(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    code = fac.group["invite_code"]
    joined = [await join_member(server.url, code, name) for name in ("Ana", "Ben", "Cy")]
    ids = [j[1]["member"]["id"] for j in joined]
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id, "facilitator")
    members = [await Socket.open(server.ws_url, http, fac.session_id, "member") for http, _ in joined]
    ana, ben, cy = members

    snap = await dash.wait_for(of_type("snapshot"))
    assert snap["session"]["state"] == "open"
    await dash.wait_for(person(ids[2], present=True, connected=True))

    await dash.send(type="session", action="start", id="start-1")
    await dash.send(type="session", action="confidentiality_read", id="read")  # E3
    await dash.wait_for(of_type("ack", id="read"))
    await dash.wait_for(of_type("ack", id="start-1"))
    for sock in (dash, *members):
        await sock.wait_for(of_type("session", state="live"))

    # Ana speaks; the dashboard sees it, other members never see her.
    t0 = time.monotonic()
    await ana.send(type="speaking", on=True, id="a1")
    await dash.wait_for(person(ids[0], speaking=True))
    await ana.wait_for(person(ids[0], speaking=True))

    # Hands go up in order; each member learns only their own place.
    await ben.send(type="hand", raised=True)
    await dash.wait_for(lambda f: f["type"] == "hands" and len(f["queue"]) == 1)
    await cy.send(type="hand", raised=True)
    queue = (await dash.wait_for(lambda f: f["type"] == "hands" and len(f["queue"]) == 2))["queue"]
    assert [q["person"] for q in queue] == [ids[1], ids[2]]
    assert queue[0]["reason"] == "raised first"
    cy_hand = await cy.wait_for(lambda f: f["type"] == "person" and f["person"]["hand"])
    assert cy_hand["person"]["hand"] == {"position": 2, "raised_at_s": cy_hand["person"]["hand"]["raised_at_s"]}

    # A member cannot act for another: refused, and nothing changes.
    await ana.send(type="hand", raised=False, member=ids[1], id="bad")
    error = await ana.wait_for(of_type("error", id="bad"))
    assert error["code"] == "forbidden"
    await ana.send(type="call", member=ids[1], id="bad2")
    assert (await ana.wait_for(of_type("error", id="bad2")))["code"] == "forbidden"

    await asyncio.sleep(1.0)
    await ana.send(type="speaking", on=False)
    await dash.wait_for(person(ids[0], speaking=False))
    ana_talk = time.monotonic() - t0

    # The facilitator calls on Ben; Ben is told, the queue moves up.
    mark = dash.mark()
    await dash.send(type="call", member=ids[1])
    await ben.wait_for(of_type("called"))
    queue = (await dash.wait_for(of_type("hands"), since=mark))["queue"]
    assert [(q["person"], q["position"]) for q in queue] == [(ids[2], 1)]
    await cy.wait_for(lambda f: f["type"] == "person" and (f["person"]["hand"] or {}).get("position") == 1)

    await ben.send(type="speaking", on=True)
    await dash.wait_for(person(ids[1], speaking=True))
    await asyncio.sleep(0.5)
    await ben.send(type="speaking", on=False)
    await dash.wait_for(person(ids[1], speaking=False))

    # Live figures reach the dashboard; members only ever see their own numbers.
    airtime = await dash.wait_for(lambda f: f["type"] == "airtime")
    assert {p["id"] for p in airtime["people"]} >= set(ids)
    await dash.send(type="session", action="end")
    for sock in members:
        await sock.wait_for(of_type("session", state="ended"))
        assert await sock.closed() == 1000
    for sock, me in zip(members, ids, strict=True):
        for frame in sock.frames:
            assert "people" not in frame and "hands" not in frame
            if frame["type"] == "person":
                assert frame["person"]["id"] == me
                assert "reason" not in (frame["person"]["hand"] or {})
        numbers = [f["n"] for f in sock.frames]
        assert numbers == list(range(1, len(numbers) + 1))

    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    by_name = {m["name"]: m for m in report["members"]}
    assert by_name["Ana"]["airtime_s"] == pytest.approx(ana_talk, abs=0.3)
    assert by_name["Ben"]["hand_raises"] == 1 and by_name["Cy"]["hand_raises"] == 1
    assert by_name["Ben"]["airtime_s"] == pytest.approx(0.5, abs=0.3)
    assert report["group"]["participants"] == 3
    assert report["facilitator"]["name"] == "fay"
    assert report["facilitator"]["airtime_s"] == 0
    # Members cannot read the report.
    assert (await joined[0][0].get(f"/api/sessions/{fac.session_id}/report")).status_code == 401


async def test_reconnect_gets_a_whole_snapshot(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    http, joined = await join_member(server.url, fac.group["invite_code"], "Jo")
    me = joined["member"]["id"]
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    await start_live(dash)
    first = await Socket.open(server.ws_url, http, fac.session_id)
    assert (await first.wait_for(of_type("snapshot")))["session"]["state"] == "live"
    await first.send(type="hand", raised=True)
    await first.send(type="speaking", on=True)
    await dash.wait_for(person(me, speaking=True))

    # A second socket arrives before the first is gone (RELIABILITY.md F6): still present,
    # still speaking, hand still first.
    second = await Socket.open(server.ws_url, http, fac.session_id)
    snap = await second.wait_for(of_type("snapshot"))
    assert snap["me"]["speaking"] is True and snap["me"]["hand"]["position"] == 1
    await first.close()
    await second.send(type="heartbeat", id="hb")
    await second.wait_for(of_type("ack", id="hb"))
    again = await Socket.open(server.ws_url, fac.http, fac.session_id)
    whole = await again.wait_for(of_type("snapshot"))
    jo = next(p for p in whole["people"] if p["id"] == me)
    assert jo["present"] and jo["speaking"] and jo["hand"]["position"] == 1
    assert [h["person"] for h in whole["hands"]] == [me]


async def test_dropped_device_closes_speech_at_last_heard(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    http, joined = await join_member(server.url, fac.group["invite_code"], "Kim")
    me = joined["member"]["id"]
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    await start_live(dash)
    sock = await Socket.open(server.ws_url, http, fac.session_id)
    await sock.send(type="speaking", on=True)
    await dash.wait_for(person(me, speaking=True))
    await asyncio.sleep(0.6)
    await sock.send(type="heartbeat", id="last")
    await sock.wait_for(of_type("ack", id="last"))
    heard = (await fac.http.get(f"/api/sessions/{fac.session_id}")).json()["elapsed_s"]
    await asyncio.sleep(1.5)
    await sock.close()  # the device is gone while its member was speaking (DOMAIN.md D5)
    await dash.wait_for(person(me, speaking=False))
    report = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    kim = report["members"][0]
    # Closed when last heard, not when the drop was noticed 1.5 s later.
    assert kim["airtime_s"] < heard + 0.3
    assert kim["airtime_s"] > 0.4


async def test_report_survives_a_restart(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    http, _ = await join_member(server.url, fac.group["invite_code"], "Lee")
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    await start_live(dash)
    sock = await Socket.open(server.ws_url, http, fac.session_id)
    await sock.send(type="speaking", on=True)
    await asyncio.sleep(0.4)
    await sock.send(type="speaking", on=False, id="off")
    await sock.wait_for(of_type("ack", id="off"))
    await dash.send(type="session", action="end")
    await dash.wait_for(of_type("session", state="ended"))
    url = f"/api/sessions/{fac.session_id}/report"
    before = await _eventually(fac.http, url)
    server.stop()
    server.start()
    after = (await fac.http.get(url)).json()
    assert after == before
    assert after["members"][0]["airtime_s"] == pytest.approx(0.4, abs=0.2)


async def _eventually(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await http.get(url)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_bad_frames_get_errors_and_change_nothing(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    http, joined = await join_member(server.url, fac.group["invite_code"], "<b>Max</b>")
    me = joined["member"]["id"]
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    await start_live(dash)
    sock = await Socket.open(server.ws_url, http, fac.session_id)
    await sock.wait_for(of_type("snapshot"))
    for raw, code in [
        ("not json", "bad_json"),
        ('["speaking"]', "invalid"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "speaking", "on": "yes"}', "invalid"),
        ('{"type": "speaking", "on": true, "transcript": "hello"}', "invalid"),
        ('{"type": "session", "action": "end"}', "forbidden"),
        ('{"type": "hand", "raised": true, "id": {"a": {"b": {"c": {"d": 1}}}}}', "invalid"),
    ]:
        mark = sock.mark()
        await sock.ws.send(raw)
        error = await sock.wait_for(of_type("error"), since=mark)
        assert error["code"] == code, raw
    mark = sock.mark()
    await sock.ws.send(b'{"type": "snapshot"}')  # a binary frame is read as text
    snap = await sock.wait_for(of_type("snapshot"), since=mark)
    assert snap["me"]["name"] == "<b>Max</b>"
    assert snap["me"]["speaking"] is False and snap["me"]["hand"] is None
    assert snap["session"]["state"] == "live"
    whole = (await fac.http.get(f"/api/sessions/{fac.session_id}/report")).json()
    assert whole["members"][0]["id"] == me and whole["members"][0]["airtime_s"] == 0

    # A frame over 64 KiB closes the socket with 1009 (RELIABILITY.md S4).
    await sock.ws.send('{"type": "heartbeat", "id": "' + "x" * 70_000 + '"}')
    assert await sock.closed() == 1009


async def test_handshake_refuses_foreign_origins_and_reused_tickets(server: LiveServer) -> None:
    import websockets

    fac = await setup_facilitator(server.url)

    async def refused(url: str, origin: str) -> None:
        with pytest.raises(websockets.InvalidStatus) as refusal:
            await websockets.connect(url, origin=websockets.Origin(origin))
        assert refusal.value.response.status_code == 403

    for origin in ("http://evil.example", "null", f"http://127.0.0.1:{server.port}.evil.example"):
        r = await fac.http.post(f"/api/sessions/{fac.session_id}/ticket", json={})
        await refused(f"{server.ws_url}/ws/sessions/{fac.session_id}?ticket={r.json()['ticket']}", origin)
    r = await fac.http.post(f"/api/sessions/{fac.session_id}/ticket", json={})
    url = f"{server.ws_url}/ws/sessions/{fac.session_id}?ticket={r.json()['ticket']}"
    async with websockets.connect(url, origin=websockets.Origin(server.url)) as ws:
        assert '"snapshot"' in await ws.recv()
    await refused(url, server.url)  # the same ticket again
    await refused(f"{server.ws_url}/ws/sessions/{fac.session_id}", server.url)  # none at all
