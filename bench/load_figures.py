"""The figures bench/load.py reports: one load step's, a target's summary, the table.

Latencies are from a member's speaking change leaving the client to the dashboard
seeing it; a change never seen counts as infinitely late, so a p99 is None in JSON
when more than 1% of changes went missing.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from typing import Any

LATENCY_BOUND_MS = 100.0  # a step is sustained while its p99 stays under this
MIN_PERIOD_S = 1 / 9  # members also send hands: stay under the 10 messages/s limit (S4)


@dataclass
class Step:
    """One load step's figures; rates are inbound speaking changes a second."""

    period_s: float
    target_per_s: float
    sent_per_s: float
    p50_ms: float
    p99_ms: float
    missing: int
    server_cpu: float  # cores busy in the server process(es)
    client_cpu: float  # the busiest generator process, in cores
    late_share: float  # of the sends, those the generator made over 50 ms behind schedule
    load_avg: float  # the machine's 1-minute load average at the end (other work perturbs figures)
    errors: dict[str, int] = field(default_factory=dict)
    closes: dict[str, int] = field(default_factory=dict)

    @property
    def sustained(self) -> bool:
        return self.p99_ms < LATENCY_BOUND_MS and self.sent_per_s >= 0.9 * self.target_per_s

    @property
    def server_us_per_change(self) -> float:
        """Server CPU per inbound speaking change, everything else the load brings included."""
        return self.server_cpu / self.sent_per_s * 1e6 if self.sent_per_s else math.nan

    @property
    def client_bound(self) -> bool:
        """The generator, not the server, was the likely limit of this step."""
        return self.client_cpu > 0.9 or self.late_share > 0.01


def percentile(samples: list[float], missing: int, q: float) -> float:
    """The q-quantile, with `missing` samples counted as infinitely late."""
    ordered = sorted(samples) + [math.inf] * missing
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def rounded(value: float) -> float | None:
    """Milliseconds for JSON: None for a p99 that never arrived."""
    return None if math.isinf(value) or math.isnan(value) else round(value, 1)


def summary(name: str, result: dict[str, Any]) -> dict[str, Any]:
    l1: Step = result["l1"]
    steps: list[Step] = result["ramp"]
    last = steps[-1] if steps else None
    best = max((s.sent_per_s for s in steps if s.sustained), default=0.0)
    return {
        f"{name}_p50_ms": rounded(l1.p50_ms), f"{name}_p99_ms": rounded(l1.p99_ms),
        f"{name}_max_per_s": round(best) if steps else None,
        f"{name}_l1_sent_per_s": round(l1.sent_per_s), f"{name}_l1_missing": l1.missing,
        f"{name}_l1_errors": l1.errors, f"{name}_l1_closes": l1.closes,
        f"{name}_connect_errors": result["connect_errors"],
        f"{name}_l1_server_cpu": round(l1.server_cpu, 2), f"{name}_l1_client_cpu": round(l1.client_cpu, 2),
        f"{name}_l1_server_us_per_change": round(l1.server_us_per_change),
        f"{name}_l1_load_avg": round(l1.load_avg, 1),
        f"{name}_ramp_ended_client_bound": bool(last and not last.sustained and last.client_bound),
        f"{name}_ramp_capped": bool(last and last.sustained and last.period_s <= MIN_PERIOD_S),
        f"{name}_rss_loaded_kib": result["rss_loaded_kib"],
        f"{name}_ramp": [{"per_s": round(s.sent_per_s), "p99_ms": rounded(s.p99_ms), "missing": s.missing,
                          "server_cpu": round(s.server_cpu, 2), "client_cpu": round(s.client_cpu, 2),
                          "errors": sum(s.errors.values()), "load_avg": round(s.load_avg, 1)}
                         for s in steps],
    }  # fmt: skip


def figures(airtime: dict[str, Any], raw: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    return {
        "workers": 2 if args.redis else 1, "sessions": args.sessions, "members": args.members,
        "sessions_spread_over_workers": args.redis and not args.one_worker_per_session,
        "sockets": airtime["sockets"], "l1_rate_per_s": round(args.sessions * args.members / args.period),
        "duration_s": args.duration,
        "rss_per_socket_kib": round(airtime["rss_per_socket_kib"], 1),
        "raw_rss_per_socket_kib": round(raw["rss_per_socket_kib"], 1),
        **summary("project", airtime), **summary("raw", raw),
    }  # fmt: skip


def verdicts(f: dict[str, Any]) -> list[tuple[str, str, str, str, bool | None]]:
    """(figure, project, raw, target, met) for the issue's targets on one worker; None: not judged."""
    p99, raw_p99 = f["project_p99_ms"], f["raw_p99_ms"]
    rss, raw_rss = f["rss_per_socket_kib"], f["raw_rss_per_socket_kib"]
    most, raw_most = f["project_max_per_s"], f["raw_max_per_s"]
    latency_met = p99 is not None and raw_p99 is not None and p99 <= 50 and p99 <= 3 * raw_p99
    return [
        ("p99 speaking -> dashboard at L1", f"{p99} ms", f"{raw_p99} ms", "<= 50 ms and <= 3x raw", latency_met),
        ("p50 speaking -> dashboard at L1", f"{f['project_p50_ms']} ms", f"{f['raw_p50_ms']} ms", "", None),
        ("server CPU per speaking change at L1", f"{f['project_l1_server_us_per_change']} us",
         f"{f['raw_l1_server_us_per_change']} us", "", None),
        ("max speaking changes/s (p99 < 100 ms)", str(most), str(raw_most), ">= half of raw",
         None if most is None else most >= raw_most / 2),
        ("RSS per socket", f"{rss} KiB", f"{raw_rss} KiB", "<= 1.5x raw", rss <= 1.5 * raw_rss),
    ]  # fmt: skip


def print_table(f: dict[str, Any]) -> None:
    print(f"Load profile L1: {f['sessions']} sessions x ({f['members']} members + 1 dashboard) = "
          f"{f['sockets']} sockets, {f['l1_rate_per_s']} speaking changes/s, {f['workers']} Airtime worker(s)")  # fmt: skip
    print(f"{'':40} {'Airtime':>12} {'raw relay':>12}   target")
    for label, project, raw, target, met in verdicts(f):
        mark = {True: "met", False: "MISSED", None: ""}[met]
        print(f"{label:40} {project:>12} {raw:>12}   {target} {mark}")
    for name in ("project", "raw"):
        print(f"{name}: L1 sent {f[f'{name}_l1_sent_per_s']}/s, missing {f[f'{name}_l1_missing']}, "
              f"errors {f[f'{name}_l1_errors'] or 0}, unexpected closes {f[f'{name}_l1_closes'] or 0}, "
              f"server {f[f'{name}_l1_server_cpu']} cores, client {f[f'{name}_l1_client_cpu']} cores, "
              f"machine load {f[f'{name}_l1_load_avg']}")  # fmt: skip
        for s in f[f"{name}_ramp"]:
            print(f"  ramp {s['per_s']:>6}/s  p99 {s['p99_ms']} ms  missing {s['missing']}  "
                  f"server {s['server_cpu']}  client {s['client_cpu']}  errors {s['errors']}  "
                  f"load {s['load_avg']}")  # fmt: skip
        if f[f"{name}_ramp_capped"]:
            print(f"  ({name}'s ramp reached the 10 messages/s socket limit: its max is a lower bound)")
        if f[f"{name}_ramp_ended_client_bound"]:
            print(f"  ({name}'s ramp ended with the load generator saturated: its max is a lower bound)")


