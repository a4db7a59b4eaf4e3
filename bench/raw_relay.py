"""The baseline for bench/load.py: the least a WebSocket relay on Airtime's stack can do.

FastAPI + uvicorn, one room per path (`/ws/{room}`), every text frame relayed to
every other socket in the room, and nothing else: no tickets, no storage, no
per-socket queues. uvicorn runs on its defaults, except the WebSocket
implementation, which bench/load.py sets to the one Airtime's server uses.
Run: python bench/raw_relay.py --port 8001 [--ws auto]
"""

from __future__ import annotations

import argparse
import contextlib
from collections import defaultdict

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect


def create_app() -> FastAPI:
    app = FastAPI()
    rooms: defaultdict[str, set[WebSocket]] = defaultdict(set)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/ws/{room}")
    async def relay(ws: WebSocket, room: str) -> None:
        await ws.accept()
        peers = rooms[room]
        peers.add(ws)
        try:
            while True:
                text = await ws.receive_text()
                for peer in list(peers):
                    if peer is not ws:
                        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                            await peer.send_text(text)  # a peer that just left is skipped
        except WebSocketDisconnect:
            pass
        finally:
            peers.discard(ws)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ws", default="auto", help="uvicorn's WebSocket implementation")
    args = parser.parse_args()
    uvicorn.run(create_app(), host="127.0.0.1", port=args.port, ws=args.ws)


if __name__ == "__main__":
    main()
