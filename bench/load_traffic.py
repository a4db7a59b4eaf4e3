"""What the load generator's sockets say and hear (bench/load_client.py drives them).

Every member socket changes its speaking state once a `period` (each member at its
own random phase) and raises or lowers its hand every 30 s; Airtime's members also
send a heartbeat when they would otherwise be quiet for 4 s, as the pages do. Each
room's dashboard socket times every speaking change from the moment the member sent
it to the moment the dashboard sees it: a `person` frame showing the new state
(Airtime), or the relayed frame itself (the raw relay).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.load_socket import OnText

HAND_PERIOD_S = 30.0
HEARTBEAT_S = 4.0  # Airtime closes a device's turn after 8 s unheard (DOMAIN.md D5)
LATE_S = 0.05  # a send this late on its schedule means the generator fell behind


class Sender(Protocol):
    def send(self, text: str) -> None: ...


@dataclass
class Latencies:
    """Speaking changes in flight, matched when a dashboard sees them; only changes sent
    inside the recording window count."""

    pending: dict[tuple[str, bool], float] = field(default_factory=dict)
    window: tuple[float, float] = (float("inf"), float("-inf"))
    samples: list[float] = field(default_factory=list)
    sent: int = 0
    missing: int = 0

    def _counts(self, t: float) -> bool:
        return self.window[0] <= t < self.window[1]

    def sending(self, member: str, on: bool, t: float) -> None:
        earlier = self.pending.get((member, on))
        if earlier is not None and self._counts(earlier):
            self.missing += 1  # the same change again, and the dashboard never saw the last one
        self.pending[(member, on)] = t
        self.sent += self._counts(t)

    def seen(self, member: str, on: bool, t: float) -> None:
        sent = self.pending.pop((member, on), None)
        if sent is not None and self._counts(sent):
            self.samples.append(t - sent)

    def close_window(self) -> dict[str, Any]:
        unseen = [k for k, t in self.pending.items() if self._counts(t)]
        for key in unseen:
            del self.pending[key]
        figures = {"sent": self.sent, "missing": self.missing + len(unseen),
                   "latencies_ms": [round(s * 1000, 3) for s in self.samples]}  # fmt: skip
        self.samples, self.sent, self.missing = [], 0, 0
        self.window = (float("inf"), float("-inf"))
        return figures


@dataclass
class Tally:
    """What went wrong on the sockets: error frames by code, closes by code, and how many
    speaking changes the generator sent late on their schedule."""

    errors: Counter[str] = field(default_factory=Counter)
    closes: Counter[int] = field(default_factory=Counter)
    sends: int = 0
    late_sends: int = 0
    frames_in: int = 0

    def error(self, text: str) -> None:
        self.errors[str(json.loads(text).get("code"))] += 1


class Member:
    """One member socket: its own speaking and hand state, sent on its schedule."""

    def __init__(self, link: Sender, member: str, airtime: bool, rng: random.Random) -> None:
        self.link, self.id, self.airtime = link, member, airtime
        self.phase, self.hand_phase = rng.random(), rng.random()
        self.speaking = self.hand = False
        self.last_sent = time.monotonic()  # kept across steps: the heartbeat must not lapse between them
        extra = "" if airtime else f',"member":"{member}"'  # the raw relay knows nobody
        self.texts = {(kind, on): f'{{"type":"{kind}","{field}":{json.dumps(on)}{extra}}}'
                      for kind, field in (("speaking", "on"), ("hand", "raised"))
                      for on in (True, False)}  # fmt: skip

    def reconnected(self) -> None:
        """Airtime ended the turn of a device that dropped (DOMAIN.md D5): start afresh."""
        self.speaking = False

    async def drive(self, period: float, start: float, end: float, lat: Latencies, tally: Tally) -> None:
        """Send speaking changes (and hands, heartbeats) on schedule until `end`."""
        next_speak = start + self.phase * period
        next_hand = start + (self.hand_phase * HAND_PERIOD_S - start) % HAND_PERIOD_S
        while True:
            beat = self.last_sent + HEARTBEAT_S if self.airtime else float("inf")
            due = min(next_speak, next_hand, beat)
            if due >= end:
                return
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            if due == next_speak:
                tally.sends += 1
                tally.late_sends += now - due > LATE_S
                self.speaking = not self.speaking
                lat.sending(self.id, self.speaking, now)
                self.link.send(self.texts[("speaking", self.speaking)])
                next_speak += period
            elif due == next_hand:
                self.hand = not self.hand
                self.link.send(self.texts[("hand", self.hand)])
                next_hand += HAND_PERIOD_S
            else:
                self.link.send('{"type":"heartbeat"}')
            self.last_sent = now


def member_reader(tally: Tally) -> OnText:
    """A member socket only has to notice error frames."""

    def on_text(text: str, now: float) -> None:
        tally.frames_in += 1
        if text.startswith('{"type":"error"'):
            tally.error(text)

    return on_text


def dashboard_reader(airtime: bool, lat: Latencies, tally: Tally) -> OnText:
    """A dashboard matches what it sees to the speaking changes in flight."""

    def on_text(text: str, now: float) -> None:
        tally.frames_in += 1
        if not airtime:
            frame = json.loads(text)
            if frame.get("type") == "speaking":
                lat.seen(frame["member"], frame["on"], now)
        elif text.startswith('{"type":"person"'):  # the server puts `type` first, compactly
            person = json.loads(text)["person"]
            lat.seen(person["id"], person["speaking"], now)
        elif text.startswith('{"type":"error"'):
            tally.error(text)

    return on_text


