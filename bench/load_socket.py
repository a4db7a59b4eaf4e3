"""A lean WebSocket client for bench/load.py: websockets' sans-I/O client on an asyncio Protocol.

websockets' asyncio client wakes a task for each message it receives. A generator
holding 1,300 sockets, most of them hearing a dozen frames a second from the raw
relay, would spend its core on those wake-ups and become the bottleneck it is meant
to measure. Here each frame is handed to a callback as soon as it is parsed, inside
`data_received`, by the same protocol code (`websockets.client.ClientProtocol`)
the asyncio client runs on. Servers under test send whole text frames, never
fragments, and no extension is offered (permessage-deflate stays off, as in
Airtime's pages).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import cast

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri

OnText = Callable[[str, float], None]  # a frame's text and when it arrived (time.monotonic)
OnClose = Callable[[int | None], None]  # the close code, once the connection is gone


class LeanSocket(asyncio.Protocol):
    def __init__(self, url: str, origin: str, on_text: OnText, on_close: OnClose) -> None:
        self.protocol = ClientProtocol(parse_uri(url), origin=Origin(origin))
        self.on_text, self.on_close = on_text, on_close
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()

    @classmethod
    async def connect(cls, url: str, origin: str, on_text: OnText, on_close: OnClose,
                      timeout: float = 60) -> LeanSocket:  # fmt: skip
        """Open the TCP connection and complete the opening handshake."""
        uri = parse_uri(url)
        loop = asyncio.get_running_loop()
        _, socket = await loop.create_connection(lambda: cls(url, origin, on_text, on_close), uri.host, uri.port)
        await asyncio.wait_for(socket.opened, timeout)
        return socket

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's does not subclass it
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                self._handshake_done()
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self.on_text(str(event.data, "utf-8"), now)
        self._flush()  # pongs to the server's pings, the reply to its close frame

    def _handshake_done(self) -> None:
        if self.opened.done():
            return
        if self.protocol.handshake_exc is not None:
            self.opened.set_exception(self.protocol.handshake_exc)
        else:
            self.opened.set_result(None)

    def _flush(self) -> None:
        assert self.transport is not None
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()  # the protocol's end-of-stream mark

    def send(self, text: str) -> None:
        """Send a text frame; nothing once the connection is closing (its close is counted)."""
        if self.protocol.state is State.OPEN:
            self.protocol.send_text(text.encode())
            self._flush()

    def close(self) -> None:
        """Start the closing handshake; `closed` resolves when the server has closed."""
        if self.transport is not None and not self.transport.is_closing():
            self.protocol.send_close(1000)
            self._flush()

    def eof_received(self) -> bool:
        self.protocol.receive_eof()
        self._flush()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)
            self.on_close(self.protocol.close_code)
