"""Python's garbage collector, set for a server that holds many long-lived objects.

A worker under load holds hundreds of thousands of container objects: about a hundred for
each open socket (its coroutines, queue and buffers), each room's state, and what the
process loaded to start. A full collection walks every one of them while everything else
waits: on the L1 load profile, about 250 ms each, every few seconds (docs/scaling.md).
Full collections only reclaim reference cycles; reference counting frees all other garbage
at once, whatever the collector does.

So what survives any collection is frozen: moved where the collector no longer looks, and
each collection walks only what was made since the last one. Young collections used to hand
their survivors on to older generations, whose collections then walked them again: on L1,
6-20 ms every second or two, and 25-50 ms every ten seconds. Frozen objects are still freed
by reference counting as soon as nothing uses them. A cycle that becomes garbage among frozen
objects waits for the sweep: every `sweep_s` seconds everything is unfrozen, and the next
full collection walks it all, once, and reclaims it (nothing is frozen until then).
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
        self._sweeping = False  # unfrozen: nothing is frozen until a full collection has walked it all

    def install(self) -> None:
        gc.collect()
        gc.freeze()  # what the process loaded to start lives as long as it does
        gc.callbacks.append(self._after)

    def uninstall(self) -> None:
        gc.callbacks.remove(self._after)
        gc.unfreeze()

    def _after(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop":
            return
        full = info["generation"] == 2
        if self._sweeping:
            if full:
                self._sweeping = False
                gc.freeze()
            return
        if full and self._clock() >= self._next_sweep:
            self._next_sweep = self._clock() + self.sweep_s
            self.sweeps += 1
            self._sweeping = True
            gc.unfreeze()  # the next full collection walks everything, and reclaims dead cycles
            return
        gc.freeze()


_installed: list[Collector] = []


def install_once(sweep_s: float) -> None:
    """Set the collector for this process, once (0: leave Python's own collection alone)."""
    if sweep_s > 0 and not _installed:
        _installed.append(Collector(sweep_s))
        _installed[0].install()
