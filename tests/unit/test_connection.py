"""A socket's outbound path (app/realtime/connection.py): frames go out at once while the
socket takes them, and wait in order, bounded, while it does not (RELIABILITY.md F5)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.websockets import WebSocketState

from app.realtime.connection import Connection, Viewer


class GatedSocket:
    """Takes frames while its gate is open, and makes a send wait while it is shut, as
    uvicorn's does while the transport's buffers are full."""

    def __init__(self) -> None:
        self.application_state = WebSocketState.CONNECTED
        self.gate = asyncio.Event()
        self.gate.set()
        self.sent: list[str] = []
        self.closed_with: int | None = None

    async def send_text(self, text: str) -> None:
        await self.gate.wait()
        self.sent.append(text)

    async def close(self, code: int) -> None:
        await self.gate.wait()
        self.closed_with = code
        self.application_state = WebSocketState.DISCONNECTED


def connection(ws: GatedSocket, max_frames: int = 8, aborted: list[bool] | None = None) -> Connection:
    return Connection(ws, Viewer("m_1", "member", "cred"), max_frames,  # type: ignore[arg-type]
                      abort=lambda: (aborted if aborted is not None else []).append(True))  # fmt: skip


def numbers(ws: GatedSocket) -> list[Any]:
    return [json.loads(text)["k"] for text in ws.sent]


async def test_frames_go_out_at_once_numbered_for_the_socket() -> None:
    ws = GatedSocket()
    conn = connection(ws)
    conn.send({"type": "x", "k": 1}, seq=7)
    conn.send('{"type":"x","k":2}', seq=8)
    assert ws.sent == ['{"type":"x","n":1,"seq":7,"k":1}', '{"type":"x","n":2,"seq":8,"k":2}']  # no await


async def test_while_the_socket_waits_frames_queue_in_order_then_go() -> None:
    ws = GatedSocket()
    conn = connection(ws)
    ws.gate.clear()
    for k in range(5):
        conn.send({"type": "x", "k": k}, seq=k)
    await asyncio.sleep(0.01)
    assert ws.sent == []
    ws.gate.set()
    await conn.finished(timeout=1)
    assert numbers(ws) == [0, 1, 2, 3, 4]
    conn.send({"type": "x", "k": 5}, seq=5)  # drained: at once again
    assert numbers(ws) == [0, 1, 2, 3, 4, 5]


async def test_a_socket_that_stops_reading_is_dropped_when_its_queue_overflows() -> None:
    ws, aborted = GatedSocket(), []
    conn = connection(ws, max_frames=3, aborted=aborted)
    ws.gate.clear()
    for k in range(4):  # one waits in the socket, three in the queue
        conn.send({"type": "x", "k": k}, seq=k)
    assert not conn.closed and not aborted
    conn.send({"type": "x", "k": 4}, seq=4)
    assert conn.closed and aborted == [True]
    conn.send({"type": "x", "k": 5}, seq=5)  # a closed connection takes nothing more
    ws.gate.set()
    await conn.finished(timeout=1)
    assert numbers(ws) == [0]  # what was queued was dropped, not sent after the abort
    assert ws.closed_with is None


async def test_a_close_goes_after_the_frames_queued_before_it() -> None:
    ws = GatedSocket()
    conn = connection(ws)
    ws.gate.clear()
    conn.send({"type": "x", "k": 1}, seq=1)
    conn.send({"type": "x", "k": 2}, seq=2)
    conn.close(4003)
    conn.send({"type": "x", "k": 3}, seq=3)
    ws.gate.set()
    await conn.finished(timeout=1)
    assert numbers(ws) == [1, 2] and ws.closed_with == 4003


async def test_a_close_with_nothing_queued_goes_at_once() -> None:
    ws = GatedSocket()
    conn = connection(ws)
    conn.close(1000)
    assert ws.closed_with == 1000 and conn.closed


async def test_cancelling_a_waiting_send_reaches_the_socket_send() -> None:
    ws = GatedSocket()
    conn = connection(ws)
    ws.gate.clear()
    conn.send({"type": "x", "k": 1}, seq=1)
    finishing = conn._finishing
    assert finishing is not None
    await asyncio.sleep(0)
    finishing.cancel()
    await asyncio.sleep(0.01)
    assert finishing.cancelled() and not ws.gate._waiters  # the send's own wait was cancelled


class BrokenSocket(GatedSocket):
    async def send_text(self, text: str) -> None:
        raise ValueError("something nobody foresaw")


async def test_a_socket_whose_send_fails_is_closed_and_raises_nothing() -> None:
    broken, fine = BrokenSocket(), GatedSocket()
    conns = [connection(broken), connection(fine)]
    for conn in conns:  # as a room's fan-out does: the failure stays with its socket
        conn.send({"type": "x", "k": 1}, seq=1)
    assert conns[0].closed and not conns[1].closed
    assert numbers(fine) == [1]
