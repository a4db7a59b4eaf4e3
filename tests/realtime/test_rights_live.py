"""A member deletes their data during a live session (DOMAIN.md E9, RELIABILITY.md V2)."""

from __future__ import annotations

import pytest

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


async def test_deleting_during_a_session_closes_the_members_socket_and_leaves_the_report(
    server: LiveServer,
) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    ana, ben = room.socks
    for sock, name in ((ana, "a"), (ben, "b")):
        await sock.send(type="speaking", on=True, id=f"{name}1")
        await sock.wait_for(of_type("ack", id=f"{name}1"))
        await sock.send(type="speaking", on=False, id=f"{name}2")
        await sock.wait_for(of_type("ack", id=f"{name}2"))
    gone = await room.clients[0].post("/api/members/delete", json={"member_key": room.keys[0], "confirm": True})
    assert gone.status_code == 204
    assert await ana.closed() == 4004  # not 4003: nobody removed her, she left with her data
    await room.dash.wait_for(of_type("forget", person=room.ids[0]))
    mark = room.dash.mark()
    await room.dash.send(type="snapshot")
    snapshot = await room.dash.wait_for(of_type("snapshot"), since=mark)
    assert [p["name"] for p in snapshot["people"] if p["role"] == "member"] == ["Ben"]
    assert {s["person"] for s in snapshot["timeline"]} == {room.ids[1]}
    assert (await room.fac.http.post(f"/api/sessions/{room.fac.session_id}/end")).status_code == 200
    report = (await room.fac.http.get(f"/api/sessions/{room.fac.session_id}/report")).json()
    assert [m["name"] for m in report["members"]] == ["Ben"]
    assert room.ids[0] not in str(report)
