"""Concerns reach the designated contact, or the alternate when about the contact (E7)."""

from __future__ import annotations

import httpx
import pytest

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
from tests.support.clients import PASSWORD, client
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


async def test_concerns_are_routed_and_move_through_their_statuses(server: LiveServer) -> None:
    room = await live_session(server, ["Ana"])
    fay, ana = room.fac.http, room.socks[0]
    organiser: httpx.AsyncClient = client(server.url)
    await organiser.post("/api/auth/login", json={"username": "org", "password": PASSWORD})
    contacts = (await fay.get(f"/api/groups/{room.fac.group['id']}/contacts")).json()
    me = (await fay.get("/api/auth/me")).json()["id"]
    assert contacts["contact"] == me and contacts["alternate"] != me

    await ana.send(type="concern", text="The group ran over time again.", id="c1")
    await ana.wait_for(of_type("ack", id="c1"))
    await ana.send(type="concern", text="I felt talked over by the facilitator.", about_contact=True,
                   anonymous=False, id="c2")  # fmt: skip
    await ana.wait_for(of_type("ack", id="c2"))

    mine = (await fay.get("/api/concerns")).json()
    assert [(c["text"], c["anonymous"], c["status"]) for c in mine] == [
        ("The group ran over time again.", True, "received")
    ]
    assert mine[0]["member_id"] is None  # anonymous by default: not linked to Ana
    about_fay = (await organiser.get("/api/concerns")).json()
    assert [(c["about_contact"], c["anonymous"], c["member_name"]) for c in about_fay] == [
        (True, False, "Ana")
    ]

    url = f"/api/concerns/{mine[0]['id']}/status"
    assert (
        await fay.post(url, json={"status": "resolved"})
    ).status_code == 409  # acknowledge first
    acknowledged = (await fay.post(url, json={"status": "acknowledged"})).json()
    assert acknowledged["status"] == "acknowledged" and acknowledged["acknowledged_at"]
    resolved = (await fay.post(url, json={"status": "resolved"})).json()
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    # The contact cannot read or move the one that concerns them.
    other = f"/api/concerns/{about_fay[0]['id']}/status"
    assert (await fay.post(other, json={"status": "acknowledged"})).status_code == 404
