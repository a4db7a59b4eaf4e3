"""Synthetic sessions for benchmarks: realistic turn-taking, deterministic by seed."""

from __future__ import annotations

import random
from typing import Any


def long_session(members: int = 30, duration_s: float = 3 * 3600, events: int = 40_000,
                 seed: int = 7) -> dict[str, Any]:  # fmt: skip
    """A scenario with about `events` events: turns, backchannels, overlaps and hands."""
    rng = random.Random(seed)
    names = [f"M{i:02d}" for i in range(members)]
    weights = [rng.uniform(0.2, 3.0) for _ in names]
    timeline: list[dict[str, Any]] = []
    t = 0.0
    step = duration_s / (events / 2.05)
    while len(timeline) < events - 2:
        speaker = rng.choices(names, weights)[0]
        length = rng.choice([rng.uniform(0.2, 0.9), rng.uniform(1, 2 * step)])
        start = round(t, 3)
        timeline.append({"t": start, "type": "speaking", "member": speaker, "on": True})
        timeline.append({"t": round(t + length, 3), "type": "speaking", "member": speaker, "on": False})
        if rng.random() < 0.1:
            timeline.append({"t": start, "type": "hand", "member": rng.choice(names), "raised": True})
        t += rng.uniform(0.5, 1.5) * step
        if t > duration_s - 5:
            break
    timeline = sorted(timeline, key=lambda e: e["t"])[:events]
    return {"duration_s": duration_s, "facilitator": "Fac",
            "members": [{"name": n} for n in names], "events": timeline}  # fmt: skip
