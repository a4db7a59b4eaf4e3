"""Anonymous check-in pulses: figures only from five answers, never linked (DOMAIN.md E8)."""

from __future__ import annotations

import pytest

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
from tests.support.clients import PASSWORD, client
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


async def test_pulse_figures_show_from_five_answers(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben", "Cy", "Dee", "Eli"])
    url = f"/api/sessions/{room.fac.session_id}/pulses"
    answers = [(5, "yes"), (4, "yes"), (4, "partly"), (2, "no"), (None, "yes")]
    for sock, (included, space) in zip(room.socks[:4], answers, strict=False):
        await sock.send(type="pulse", phase="check_in", included=included, space=space, id="p")
        await sock.wait_for(of_type("ack", id="p"))
    hidden = (await room.fac.http.get(url)).json()
    assert hidden["check_in"] == {"answers": 4, "shown": False}
    await room.socks[4].send(type="pulse", phase="check_in", space="yes", id="p")
    await room.socks[4].wait_for(of_type("ack", id="p"))
    shown = (await room.fac.http.get(url)).json()["check_in"]
    assert shown["answers"] == 5 and shown["shown"] is True
    assert shown["included_mean"] == 3.75  # four gave a score; one answered only the second
    assert shown["space_counts"] == {"yes": 3, "partly": 1, "no": 1}
    assert (await room.fac.http.get(url)).json()["check_out"] == {"answers": 0, "shown": False}
    # Once per person and phase; a member cannot read the figures.
    await room.socks[0].send(type="pulse", phase="check_in", included=1, id="again")
    assert (await room.socks[0].wait_for(of_type("error", id="again")))["code"] == "invalid"
    assert (await room.clients[0].get(url)).status_code == 401


async def test_group_figures_count_attendance_and_pool_only_shown_check_ins(
    server: LiveServer,
) -> None:
    room = await live_session(server, ["Ana", "Ben", "Cy", "Dee", "Eli"])
    for sock, included in zip(room.socks, (5, 4, 4, 3, 4), strict=True):
        await sock.send(type="pulse", phase="check_in", included=included, id="p")
        await sock.wait_for(of_type("ack", id="p"))
    for sock in room.socks[:2]:  # two check-outs: too few to count anywhere
        await sock.send(type="pulse", phase="check_out", included=1, id="p")
        await sock.wait_for(of_type("ack", id="p"))
    assert (await room.fac.http.post(f"/api/sessions/{room.fac.session_id}/end")).status_code == 200
    organiser = client(server.url)
    await organiser.post("/api/auth/login", json={"username": "org", "password": PASSWORD})
    url = f"/api/groups/{room.fac.group['id']}/summary"
    summary = (await organiser.get(url)).json()
    assert (summary["member_count"], summary["sessions_held"], summary["mean_attendance"]) == (
        5,
        1,
        5,
    )
    assert summary["check_ins"] == {"answers": 5, "shown": True, "included_mean": 4.0}
    # A member deletes their data: the session's attendance stands, the group is now too small.
    gone = await room.clients[0].post(
        "/api/members/delete", json={"member_key": room.keys[0], "confirm": True}
    )
    assert gone.status_code == 204
    assert (await room.fac.http.get(url)).json()["sessions"][0]["attendance"] == 5
    assert (await organiser.get(url)).status_code == 403
