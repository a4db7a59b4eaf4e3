"""Load benchmark: Airtime's live sessions against a raw WebSocket relay, load profile L1.

What is measured (RELIABILITY.md, load profile L1: `--sessions` x (`--members` + one
facilitator dashboard) sockets; each member changes its speaking state every 2 s
(`--period`) at a random phase and raises or lowers a hand every 30 s):

- latency: from a member's `speaking` change leaving the client to the room's
  dashboard receiving the `person` frame that shows it (raw relay: to the room's
  designated dashboard socket receiving the relayed frame); p50 and p99 over
  `--duration` s after `--warmup` s. A change the dashboard never sees (within 2 s of
  the step's end) counts as infinitely late.
- saturation: from half the L1 rate, the speaking interval shortens 1.5x a step
  (`--step-duration` s each, kept under the 10 messages/s socket limit) until a step
  fails (or, if the first fails, lengthens until one is sustained), then that gap is
  split twice; max_per_s is the highest inbound rate of speaking changes sustained
  with p99 under 100 ms. A failing step is run once more before it counts (the
  machine is shared).
- memory: server RSS (VmRSS) growth from before the sockets open to all of them open
  and idle, per socket.

How: Airtime runs as `airtime serve` on a free loopback port with its own data
directory (SQLite, in-memory broker); with --redis as two processes over one
redis-server and one PostgreSQL, each session's sockets spread over both (or, with
--one-worker-per-session, each session on one of them, as deploy/nginx routes them;
the raw relay, the baseline, is always one process). Set-up
goes over REST (bench/load_setup.py), sockets open with single-use tickets. Then
the raw relay (bench/raw_relay.py) runs, driven by the same generator
(bench/load_client.py): `--procs` asyncio processes using the `websockets` library's
client protocol (bench/load_socket.py), on the same machine as the server, so server
and client CPU are reported too, and the machine's load average.
Run: python bench/load.py [--json] [--redis] [--sessions N] [--members N] [--duration S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_client import RoomPlan, Seat, run_generator
from bench.load_figures import MIN_PERIOD_S, Step, figures, percentile, print_table
from bench.load_servers import Worker, airtime_workers, cpu_seconds, raw_relay, rss_kib
from bench.load_setup import SeatedSession, set_up

AIRTIME_WS = "auto"  # app/cli.py `serve` leaves uvicorn's WebSocket implementation on auto
COARSE = 1.5  # the ramp's rate grows this much a step until it fails...
REFINE = 2  # ...then the gap between the last good and the failed rate is split this often
SLOWEST = 16  # the ramp gives up below 1/16 of the L1 rate
RAMP_WARMUP_S = 3.0
IDLE_S = 3.0  # sockets open and quiet before RSS is read


class Generators:
    """Generator processes (bench/load_client.py), each driving a share of the rooms."""

    def __init__(self, rooms: list[RoomPlan], airtime: bool, procs: int) -> None:
        spawn = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for number in range(procs):
            mine, theirs = spawn.Pipe()
            process = spawn.Process(target=run_generator, args=(rooms[number::procs], airtime, number, theirs),
                                    daemon=True)  # fmt: skip
            process.start()
            theirs.close()
            self.pipes.append(mine)
            self.processes.append(process)

    def answers(self) -> list[dict[str, Any]]:
        replies = [pipe.recv() for pipe in self.pipes]
        failed = [r["failed"] for r in replies if "failed" in r]
        if failed:
            raise RuntimeError(f"a load generator failed: {failed[0]}")
        return replies

    def step(self, period: float, warmup_s: float, record_s: float) -> list[dict[str, Any]]:
        for pipe in self.pipes:
            pipe.send(("step", period, warmup_s, record_s))
        return self.answers()

    def stop(self) -> None:
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            with contextlib.suppress(OSError, EOFError):  # a generator that failed is gone
                pipe.send(("stop",))
                if pipe.poll(30):
                    pipe.recv()  # the sockets are closed
            process.join(10)


def run_step(gens: Generators, pids: list[int], period: float, warmup_s: float, record_s: float,
             members: int) -> Step:  # fmt: skip
    cpu, start = cpu_seconds(pids), time.monotonic()
    answers = gens.step(period, warmup_s, record_s)
    server_cpu = (cpu_seconds(pids) - cpu) / (time.monotonic() - start)
    samples = [ms for a in answers for ms in a["latencies_ms"]]
    missing = sum(a["missing"] for a in answers)
    errors: Counter[str] = Counter()
    closes: Counter[str] = Counter()
    for a in answers:
        errors.update(a["errors"])
        closes.update({str(code): n for code, n in a["closes"].items()})
    return Step(period, members / period, sum(a["sent"] for a in answers) / record_s,
                percentile(samples, missing, 0.5), percentile(samples, missing, 0.99), missing,
                server_cpu, max(a["client_cpu"] for a in answers), max(a["late_share"] for a in answers),
                os.getloadavg()[0], dict(errors), dict(closes))  # fmt: skip


def show(label: str, step: Step) -> None:
    print(f"  {label}: {step.target_per_s:7.0f}/s wanted, {step.sent_per_s:7.0f}/s sent, p50 {step.p50_ms:7.1f} ms, "
          f"p99 {step.p99_ms:7.1f} ms, missing {step.missing}, server {step.server_cpu:.2f} cores "
          f"({step.server_us_per_change:.0f} us/change), client {step.client_cpu:.2f}, "
          f"errors {sum(step.errors.values())}, load {step.load_avg:.1f}", file=sys.stderr)  # fmt: skip


def ramp(gens: Generators, pids: list[int], args: argparse.Namespace, members: int) -> list[Step]:
    """From half of L1, move the rate COARSE-fold a step (up while steps are sustained,
    down while they are not) until one step of each kind brackets the limit, then split
    that gap REFINE times. A failing step is run once more before it counts as failed
    (the machine is shared)."""
    steps: list[Step] = []

    def sustained(period: float) -> bool:
        for _ in range(2):
            steps.append(run_step(gens, pids, period, RAMP_WARMUP_S, args.step_duration, members))
            show("ramp", steps[-1])
            if steps[-1].sustained:
                return True
        return False

    good = bad = math.nan  # the slowest-known failing and fastest-known sustained periods
    period = args.period * 2
    while math.isnan(good) or math.isnan(bad):
        if sustained(period):
            good = period
            if period <= MIN_PERIOD_S:
                return steps  # the socket rate limit caps the ramp, not the server
            period = max(period / COARSE, MIN_PERIOD_S)
        else:
            bad = period
            if period >= args.period * SLOWEST:
                return steps  # not sustained even at a small fraction of L1
            period *= COARSE
    for _ in range(REFINE):
        middle = math.sqrt(good * bad)
        good, bad = (middle, bad) if sustained(middle) else (good, middle)
    return steps


def measure(workers: list[Worker], rooms: list[RoomPlan], airtime: bool, args: argparse.Namespace) -> dict[str, Any]:
    """Open every socket, read the memory they cost, run L1, then the ramp."""
    pids = [w.pid for w in workers]
    sockets = sum(1 + len(room.members) for room in rooms)
    members = sockets - len(rooms)
    time.sleep(1)
    before = rss_kib(pids)
    gens = Generators(rooms, airtime, args.procs)
    try:
        opened = gens.answers()
        time.sleep(IDLE_S)
        after = rss_kib(pids)
        print(f"  {sum(o['sockets'] for o in opened)} sockets open: RSS {before} -> {after} KiB", file=sys.stderr)
        l1 = run_step(gens, pids, args.period, args.warmup, args.duration, members)
        show("L1", l1)
        loaded = rss_kib(pids)
        steps = ramp(gens, pids, args, members) if args.ramp else []
    finally:
        gens.stop()
    return {"l1": l1, "ramp": steps, "sockets": sockets, "rss_before_kib": before, "rss_after_kib": after,
            "rss_loaded_kib": loaded, "rss_per_socket_kib": (after - before) / sockets,
            "connect_errors": sum(sum(o["errors"].values()) for o in opened)}  # fmt: skip


def airtime_rooms(workers: list[Worker], sessions: list[SeatedSession], fac: str, spread: bool) -> list[RoomPlan]:
    """Each session's dashboard and members, spread round-robin over the workers, or (not
    `spread`) all on one worker, as deploy/nginx routes a session's sockets."""

    def seat(number: int, place: int, member: str | None, cookie: str, role: str) -> Seat:
        w = workers[(number + place if spread else number) % len(workers)]
        sid = sessions[number].session_id
        return Seat(f"{w.ws_url}/ws/sessions/{sid}", w.url, member, f"{w.url}/api/sessions/{sid}/ticket", cookie, role)

    return [RoomPlan(seat(n, 0, None, fac, "facilitator"),
                     [seat(n, 1 + k, pid, cookie, "member") for k, (pid, cookie) in enumerate(s.members)])
            for n, s in enumerate(sessions)]  # fmt: skip


def raw_rooms(relay: Worker, sessions: int, members: int) -> list[RoomPlan]:
    def seat(room: int, member: str | None) -> Seat:
        return Seat(f"{relay.ws_url}/ws/room-{room}", relay.url, member)

    return [RoomPlan(seat(r, None), [seat(r, f"m{r}-{k}") for k in range(members)]) for r in range(sessions)]


def measure_airtime(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    with airtime_workers(folder, 2 if args.redis else 1) as workers:
        started = time.monotonic()
        fac, sessions = asyncio.run(set_up(workers[0].url, args.sessions, args.members))
        print(f"  set-up took {time.monotonic() - started:.0f} s", file=sys.stderr)
        return measure(workers, airtime_rooms(workers, sessions, fac, not args.one_worker_per_session), True, args)


def measure_raw(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    with raw_relay(folder, AIRTIME_WS) as relay:
        return measure([relay], raw_rooms(relay, args.sessions, args.members), False, args)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line of figures")
    parser.add_argument("--redis", action="store_true", help="two Airtime workers over Redis and PostgreSQL")
    parser.add_argument("--one-worker-per-session", action="store_true",
                        help="with --redis: each session's sockets on one worker (as deploy/nginx routes them) "
                             "instead of spread over both")  # fmt: skip
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--members", type=int, default=12, help="members per session")
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of L1 measured")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of L1 before measuring")
    parser.add_argument("--period", type=float, default=2.0, help="seconds between a member's speaking changes at L1")
    parser.add_argument("--step-duration", type=float, default=12.0, help="seconds measured per ramp step")
    parser.add_argument("--no-ramp", dest="ramp", action="store_false", help="skip the ramp to saturation")
    parser.add_argument("--procs", type=int, default=1, help="load generator processes")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="airtime-load-") as tmp:
        print("Airtime:", file=sys.stderr)
        airtime = measure_airtime(Path(tmp), args)
        print("raw relay:", file=sys.stderr)
        raw = measure_raw(Path(tmp), args)
    result = figures(airtime, raw, args)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
