"""Anonymous check-in pulses: figures only from five answers, never linked (DOMAIN.md E8)."""

from __future__ import annotations

import pytest

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
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
