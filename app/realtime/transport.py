"""The TCP transport under a WebSocket, for the two things ASGI has no call for: capping the
kernel's send buffer and dropping a stalled client at once (RELIABILITY.md F5)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

TRANSPORT_KEY = "airtime.transport"


class ExposeTransport:
    """ASGI middleware: under uvicorn, a socket's `send` belongs to the protocol object that
    owns the transport; it is put in the scope. Under other servers nothing is added, and the
    calls below do nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
            if callable(getattr(transport, "abort", None)):  # asyncio's or uvloop's
                scope = {**scope, TRANSPORT_KEY: transport}
        await self.app(scope, receive, send)


def _transport(ws: WebSocket) -> asyncio.Transport | None:
    transport: asyncio.Transport | None = ws.scope.get(TRANSPORT_KEY)
    return transport


def abort(ws: WebSocket) -> None:
    """Drop the connection, unsent bytes and all: a client that stopped reading would hold a
    polite close forever behind the data it does not read."""
    if (transport := _transport(ws)) is not None:
        transport.abort()


def limit_send_buffer(ws: WebSocket, kib: int) -> None:
    """Cap what the kernel holds for a client that does not read (it would grow to megabytes),
    so that a stalled client fills its own bounded queue soon and is dropped."""
    sock = None if (transport := _transport(ws)) is None else transport.get_extra_info("socket")
    if sock is not None and kib > 0:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, kib * 1024)
