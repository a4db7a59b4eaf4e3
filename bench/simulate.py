"""Time `airtime simulate` on a 3-hour, 30-member, 40,000-event session.

Prints the whole run's time (parse, fold, report) and the per-event cost of the
fold in successive slices of the session, to show it does not grow with length.
Run: python bench/simulate.py [--events N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.scenario import parse_scenario
from app.domain.simulate import engine_for, simulate
from bench.scenarios import long_session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--slices", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="one JSON line of figures")
    args = parser.parse_args()
    text = json.dumps(long_session(events=args.events))

    runs = []
    for _ in range(5):
        start = time.perf_counter()
        scenario = parse_scenario(text)
        simulate(scenario)
        runs.append(time.perf_counter() - start)

    # Per-event cost of the fold, slice by slice, as the session grows.
    engine = engine_for(scenario)
    events = scenario.events
    size = len(events) // args.slices
    per_event_us = []
    for k in range(args.slices):
        chunk = events[k * size : (k + 1) * size] if k < args.slices - 1 else events[k * size :]
        start = time.perf_counter()
        engine.apply_all(chunk)
        per_event_us.append((time.perf_counter() - start) / len(chunk) * 1e6)

    figures = {
        "events": len(events), "members": len(scenario.members),
        "duration_s": scenario.duration / 1e6,
        "simulate_median_s": round(statistics.median(runs), 3),
        "simulate_min_s": round(min(runs), 3),
        "per_event_us_by_slice": [round(x, 2) for x in per_event_us],
    }  # fmt: skip
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['events']} events, {figures['members']} members, "
          f"{figures['duration_s'] / 3600:.1f} h session")  # fmt: skip
    print(f"airtime simulate (parse + fold + report): median {figures['simulate_median_s']} s, "
          f"best {figures['simulate_min_s']} s over {len(runs)} runs")  # fmt: skip
    print("fold cost per event, by slice of the session (us): "
          + ", ".join(f"{x:.1f}" for x in per_event_us))  # fmt: skip


if __name__ == "__main__":
    main()
