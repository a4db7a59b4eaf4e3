"""A client that stops reading (RELIABILITY.md F5): it never slows the others; its bounded
queue overflows into a disconnect, and it gets a snapshot when it comes back."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.realtime.test_live_session import of_type
from tests.support.clients import Socket, join_member, setup_facilitator, start_live
from tests.support.server import LiveServer

pytestmark = pytest.mark.server
QUEUE_FRAMES = 32


@pytest.fixture
def small_queues(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data", AIRTIME_SOCKET_QUEUE_FRAMES=str(QUEUE_FRAMES),
                      AIRTIME_SOCKET_SEND_BUFFER_KIB="8").start()  # fmt: skip
    yield live
    live.stop()


def open_and_never_read(server: LiveServer, path: str) -> socket.socket:
    """A WebSocket handshake on a plain TCP socket with a tiny receive buffer, after which
    nothing is ever read: the server's writes back up within a few kilobytes."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Origin: {server.url}\r\n\r\n").encode())  # fmt: skip
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def send_text(sock: socket.socket, text: str) -> None:
    """One masked text frame, as a client must send it (RFC 6455), for a short message."""
    payload, mask = text.encode(), os.urandom(4)
    assert len(payload) < 126
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def ended(dash: Socket, person: str) -> int:
    """How many of this person's turns the dashboard saw end (speaking, then not)."""
    states = [f["person"]["speaking"] for f in dash.frames if f["type"] == "person" and f["person"]["id"] == person]
    return sum(1 for before, now in itertools.pairwise(states) if before and not now)


def server_holds(server: LiveServer, client: socket.socket) -> bool:
    """Whether the server process still has the connection to this client open (`ss`)."""
    assert server.process is not None
    port = client.getsockname()[1]
    shown = subprocess.run(["ss", "-tnpH", f"( sport = :{server.port} and dport = :{port} )"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    return f"pid={server.process.pid}," in shown


async def released(server: LiveServer, client: socket.socket) -> bool:
    for _ in range(100):
        if not server_holds(server, client):
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_client_that_stops_reading_is_dropped_without_slowing_anyone(small_queues: LiveServer) -> None:
    server = small_queues
    fac = await setup_facilitator(server.url)
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    ticket = (await fac.http.post(f"/api/sessions/{fac.session_id}/ticket", json={})).json()["ticket"]
    stalled = await asyncio.to_thread(open_and_never_read, server, f"/ws/sessions/{fac.session_id}?ticket={ticket}")
    assert server_holds(server, stalled)
    members = [await join_member(server.url, fac.group["invite_code"], f"M{i}") for i in range(3)]
    sockets = [await Socket.open(server.ws_url, http, fac.session_id) for http, _ in members]
    await start_live(dash)
    await sockets[-1].wait_for(of_type("session", confidentiality_read=True))

    turns = 40
    for turn in range(turns):  # 240 changes, each a frame for both dashboards
        for i, sock in enumerate(sockets):
            for on in (True, False):
                await sock.send(type="speaking", on=on, id=f"{i}-{turn}-{on}")
        await asyncio.gather(*(sock.wait_for(of_type("ack", id=f"{i}-{turn}-False"))
                               for i, sock in enumerate(sockets)))  # fmt: skip
        await asyncio.sleep(0.2)  # within the rate limit of 10 messages a second
        if turn % 4 == 0:  # it keeps asking for whole snapshots it never reads, until dropped
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                send_text(stalled, '{"type": "snapshot"}')

    # The reading dashboard saw every change, numbered without a gap.
    last = members[-1][1]["member"]["id"]
    await dash.wait_for(lambda _: ended(dash, last) == turns)
    assert [f["n"] for f in dash.frames] == list(range(1, len(dash.frames) + 1))
    for _, joined in members:
        assert ended(dash, joined["member"]["id"]) == turns
    metrics = (await fac.http.get("/metrics")).text
    assert "airtime_queue_overflows_total 1.0" in metrics
    assert await released(server, stalled)  # dropped at once, while it still does not read
    stalled.close()

    back = await Socket.open(server.ws_url, fac.http, fac.session_id)
    snapshot = await back.wait_for(lambda f: True)
    assert snapshot["type"] == "snapshot"
    assert [p["present"] for p in snapshot["people"] if p["role"] == "member"] == [True] * 3
