"""/metrics in Prometheus format: sockets, events, frames, fan-out latency; nothing about anyone."""

from __future__ import annotations

import re

import pytest

from tests.realtime.test_facilitation import live_session
from tests.realtime.test_live_session import of_type
from tests.support.clients import client
from tests.support.server import LiveServer

pytestmark = pytest.mark.server


def value(text: str, name: str) -> float:
    found = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.MULTILINE)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


async def test_metrics_count_sockets_events_and_fan_out(server: LiveServer) -> None:
    room = await live_session(server, ["Ana", "Ben"])
    await room.socks[0].send(type="speaking", on=True, id="on")
    await room.socks[0].wait_for(of_type("ack", id="on"))
    r = await client(server.url).get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert value(text, "airtime_sockets") == 3  # the dashboard and two members
    assert value(text, "airtime_rooms") == 1
    assert value(text, "airtime_events_in_total") >= 5  # joins, start, confidentiality, speech
    assert value(text, "airtime_frames_out_total") > value(text, "airtime_events_in_total")
    assert value(text, "airtime_fanout_seconds_count") >= 1
    assert value(text, "airtime_queue_overflows_total") == 0
    assert "Ana" not in text and room.ids[0] not in text
