"""The prompts a 2-hour session of 12 members, two of them quiet, produces.

A deterministic scenario: ten members share turns freely, two (Kai and Noor)
speak once early and then stay quiet; a few hands go up along the way. Prints
each prompt as `m:ss  kind  about  text`. Run: python bench/quiet_members.py [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.scenario import parse_scenario
from app.domain.simulate import simulate

TALKERS = ["Ana", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo"]
QUIET = ["Kai", "Noor"]


def scenario(seed: int = 3, duration_s: int = 7200) -> dict[str, Any]:
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    for name, t in zip(QUIET, (240, 420), strict=True):  # one short contribution each, early on
        events += [{"t": t, "type": "speaking", "member": name, "on": True},
                   {"t": t + 20, "type": "speaking", "member": name, "on": False}]  # fmt: skip
    t = 30.0
    while t < duration_s - 60:
        speaker = rng.choice(TALKERS)
        length = rng.uniform(20, 150)
        if any(e["t"] <= t < e["t"] + 20 for e in events if e["member"] in QUIET):
            t += 25
            continue
        events += [{"t": round(t, 1), "type": "speaking", "member": speaker, "on": True},
                   {"t": round(t + length, 1), "type": "speaking", "member": speaker, "on": False}]  # fmt: skip
        if rng.random() < 0.08:  # now and then a hand goes up and is called a minute later
            waiting = rng.choice(TALKERS)
            events += [{"t": round(t + 5, 1), "type": "hand", "member": waiting, "raised": True},
                       {"t": round(t + 65, 1), "type": "call", "member": waiting}]  # fmt: skip
        t += length + rng.uniform(1, 6)
    events.sort(key=lambda e: e["t"])
    return {"duration_s": duration_s, "facilitator": "Fac",
            "members": [{"name": n} for n in TALKERS + QUIET], "events": events}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = simulate(parse_scenario(json.dumps(scenario())))
    if args.json:
        print(json.dumps(report["prompts"]))
        return
    for prompt in report["prompts"]:
        t = int(prompt["t"])
        print(f"{t // 3600}:{t // 60 % 60:02d}:{t % 60:02d}  {prompt['kind']:<19} "
              f"{prompt['about'] or '-':<5} {prompt['text']}")  # fmt: skip
    quiet = {m["name"]: m["airtime_s"] for m in report["members"] if m["name"] in QUIET}
    print(f"({len(report['prompts'])} prompts; quiet members' airtime: {quiet})")


if __name__ == "__main__":
    main()
