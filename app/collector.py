"""Python's garbage collector, set for a server that holds many long-lived objects.

A worker under load holds hundreds of thousands of container objects: about a hundred for
each open socket (its coroutines, queue and buffers), each room's state, and what the
process loaded to start. A full collection walks every one of them while everything else
waits: on the L1 load profile, about 250 ms each, every few seconds (docs/scaling.md).
Full collections only reclaim reference cycles; reference counting frees all other garbage
at once, whatever the collector does.

So what survives a full collection is frozen: moved where the collector no longer looks, and
the next full collection walks only what was made since. A cycle that becomes garbage among
frozen objects waits for the sweep: every `sweep_s` seconds everything is unfrozen, and the
next full collection walks it all, once, and reclaims it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any


class Collector:
    def __init__(self, sweep_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.sweep_s = sweep_s
        self._clock = clock
        self._next_sweep = clock() + sweep_s
        self.sweeps = 0

    def install(self) -> None:
        gc.collect()
        gc.freeze()  # what the process loaded to start lives as long as it does
        gc.callbacks.append(self._after)

    def uninstall(self) -> None:
        gc.callbacks.remove(self._after)
        gc.unfreeze()

    def _after(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info["generation"] != 2:
            return
        now = self._clock()
        if now < self._next_sweep:
            gc.freeze()
            return
        self._next_sweep = now + self.sweep_s
        self.sweeps += 1
        gc.unfreeze()  # the next full collection walks everything, and reclaims dead cycles


_installed: list[Collector] = []


def install_once(sweep_s: float) -> None:
    """Set the collector for this process, once (0: leave Python's own collection alone)."""
    if sweep_s > 0 and not _installed:
        _installed.append(Collector(sweep_s))
        _installed[0].install()
