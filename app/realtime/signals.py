"""A graceful stop: the sockets hear 1001 from Airtime before the server shuts down."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType

from app.realtime.hub import Hub

SignalHandler = Callable[[int, FrameType | None], object]


def go_away_on_signals(hub: Hub) -> Callable[[], None]:
    """SIGTERM or SIGINT (RELIABILITY.md F2): first close this worker's sockets with 1001 and end
    its devices' turns exactly, then hand over to the server's own handler (uvicorn's), which
    would otherwise close the sockets itself with 1012 and leave the turns open.
    Returns what puts the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals are the main thread's business (an app under test in a thread)
    loop = asyncio.get_running_loop()
    going: set[asyncio.Task[None]] = set()
    replaced: dict[signal.Signals, SignalHandler] = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue
        replaced[sig] = previous

        async def go_away(signum: int, frame: FrameType | None, previous: SignalHandler = previous) -> None:
            try:
                await hub.going_away()
            finally:
                previous(signum, frame)

        def handle(signum: int, frame: FrameType | None, previous: SignalHandler = previous) -> None:
            if going:  # a second signal: stop at once
                previous(signum, frame)
                return
            loop.call_soon_threadsafe(lambda: going.add(loop.create_task(go_away(signum, frame))))

        signal.signal(sig, handle)

    def restore() -> None:
        for sig, previous in replaced.items():
            signal.signal(sig, previous)

    return restore
