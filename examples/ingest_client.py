#!/usr/bin/env python3
"""Send speaker changes to a live Airtime session (docs/ingest.md). Standard library only.

From standard input, one change a line ("Ana on", "Ana off", "Jo Lee on"):

    python examples/ingest_client.py --url URL --key KEY

Or replay a diarization (RTTM) file in real time, or N times faster with --speed N:

    python examples/ingest_client.py --url URL --key KEY --rttm meeting.rttm --speed 10

URL and KEY are what `POST /api/sessions/{id}/ingest-key` answered; the key may also
come from the AIRTIME_INGEST_KEY environment variable. Each accepted request prints
one line on stdout, each refused one a line on stderr; the exit status is 1 if any
change was refused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

MAX_CHANGES = 100  # a batch the server accepts


def post(url: str, key: str, changes: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """POST one batch; (HTTP status, the JSON answer)."""
    request = urllib.request.Request(
        url, data=json.dumps({"changes": changes}).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.load(error)
        except ValueError:
            return error.code, {"detail": error.reason}


def send(url: str, key: str, changes: list[dict[str, Any]], place: str) -> bool:
    status, answer = post(url, key, changes)
    if status == 200:
        print(f"{place}: accepted {answer['accepted']} (seq {answer['seq']})", flush=True)
        return True
    print(f"{place}: {status} {answer.get('detail')}", file=sys.stderr, flush=True)
    return False


def parse_line(line: str) -> dict[str, Any] | None:
    """`NAME on` or `NAME off` as a change; None for a blank or `#` comment line."""
    words = line.split()
    if not words or words[0].startswith("#"):
        return None
    if len(words) < 2 or words[-1] not in ("on", "off"):
        raise ValueError('expected "NAME on" or "NAME off"')
    return {"speaker": " ".join(words[:-1]), "speaking": words[-1] == "on"}


def from_lines(url: str, key: str) -> int:
    """Each line of standard input as it comes; the number of refused lines."""
    refused = 0
    for number, line in enumerate(sys.stdin, start=1):
        try:
            change = parse_line(line)
        except ValueError as error:
            print(f"line {number}: {error}", file=sys.stderr, flush=True)
            refused += 1
            continue
        if change is not None:
            refused += not send(url, key, [change], f"line {number}")
    return refused


def rttm_changes(path: str) -> list[tuple[float, dict[str, Any]]]:
    """(seconds from the start, change) for every SPEAKER line; a speaker's overlaps merged."""
    spans: dict[str, list[tuple[float, float]]] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if len(fields) >= 8 and fields[0] == "SPEAKER" and float(fields[4]) > 0:
                start = float(fields[3])
                spans.setdefault(fields[7], []).append((start, start + float(fields[4])))
    changes = []
    for speaker, mine in spans.items():
        for start, end in merged(mine):
            changes += [(start, {"speaker": speaker, "speaking": True}),
                        (end, {"speaker": speaker, "speaking": False})]  # fmt: skip
    return sorted(changes, key=lambda item: (item[0], item[1]["speaking"]))  # offs first


def merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def replay(url: str, key: str, path: str, speed: float) -> int:
    """Send each change when it is due (changes due together go in one request)."""
    changes, refused, began = rttm_changes(path), 0, time.monotonic()
    while changes:
        due = changes[0][0]
        batch = [c for t, c in changes[:MAX_CHANGES] if t == due]
        changes = changes[len(batch) :]
        time.sleep(max(0.0, began + due / speed - time.monotonic()))
        refused += not send(url, key, batch, f"{due:.2f} s")
    return refused


def main() -> int:
    parser = argparse.ArgumentParser(description="Send speaker changes to a live Airtime session.")
    parser.add_argument("--url", required=True, help="the ingest URL of the session")
    parser.add_argument(
        "--key", default=os.environ.get("AIRTIME_INGEST_KEY"), help="the ingest key"
    )
    parser.add_argument("--rttm", help="replay this diarization file instead of reading stdin")
    parser.add_argument("--speed", type=float, default=1.0, help="replay this many times faster")
    args = parser.parse_args()
    if not args.key:
        parser.error("give --key or set AIRTIME_INGEST_KEY")
    if args.speed <= 0:
        parser.error("--speed must be more than 0")
    refused = (
        replay(args.url, args.key, args.rttm, args.speed)
        if args.rttm
        else from_lines(args.url, args.key)
    )
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
