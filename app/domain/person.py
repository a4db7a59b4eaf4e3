"""One person's running totals in a session, updated in O(1) per event."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from app.domain.clock import Micros
from app.domain.events import Role, Source
from app.domain.rules import TURN_MIN, UTTERANCE_GAP


@dataclass(slots=True)
class Stopwatch:
    """Accumulates the time a condition held, without re-reading history."""

    total: Micros = 0
    since: Micros | None = None

    def set(self, running: bool, t: Micros) -> None:
        if running and self.since is None:
            self.since = t
        elif not running and self.since is not None:
            self.total += t - self.since
            self.since = None

    def value(self, now: Micros) -> Micros:
        return self.total + (0 if self.since is None else now - self.since)


@dataclass(slots=True)
class Segment:
    """A closed stretch of speech [start, end) and how it was detected."""

    start: Micros
    end: Micros
    source: Source
    inferred: bool = False


@dataclass(slots=True)
class Utterance:
    """Segments merged across gaps shorter than 1 s (DOMAIN.md M2)."""

    start: Micros
    end: Micros

    @property
    def is_turn(self) -> bool:
        return self.end - self.start >= TURN_MIN


@dataclass(slots=True)
class Person:
    """A member or facilitator as the fold sees them."""

    id: str
    name: str
    role: Role
    consented: bool = False
    ever_tracked: bool = False
    present: bool = False
    listening: bool = False
    paused: bool = False
    removed: bool = False
    cofacilitator: bool = False
    presence: Stopwatch = field(default_factory=Stopwatch)
    listening_time: Stopwatch = field(default_factory=Stopwatch)
    joined_at: Micros | None = None
    # Speech: the open segment, if any, and what is already closed.
    seg_start: Micros | None = None
    seg_source: Source = Source.DEVICE
    run_start: Micros | None = None  # continuous speaking, for R1's 3 s (survives off+on at one instant)
    airtime: Micros = 0
    floor: Micros = 0
    segments: list[Segment] = field(default_factory=list)
    segment_ends: list[Micros] = field(default_factory=list)  # for windowed airtime (P1)
    airtime_through: list[Micros] = field(default_factory=list)  # airtime up to each segment's end
    utterances: list[Utterance] = field(default_factory=list)
    finalized: int = 0  # utterances[:finalized] are classified and counted
    turns: int = 0
    backchannels: int = 0
    turn_total: Micros = 0
    longest_turn: Micros = 0
    first_turn: Micros | None = None
    interruptions_made: int = 0
    interruptions_received: int = 0
    # Hands (DOMAIN.md R1).
    hand_raised_at: Micros | None = None
    hand_order: int = 0
    hand_raises: int = 0
    hand_wait_total: Micros = 0
    hand_waits: list[tuple[Micros, Micros]] = field(default_factory=list)  # (raised, lowered), for the report

    @property
    def tracked(self) -> bool:
        return self.role is Role.FACILITATOR or self.consented

    @property
    def speaking(self) -> bool:
        return self.seg_start is not None

    @property
    def hand_up(self) -> bool:
        return self.hand_raised_at is not None

    def airtime_at(self, now: Micros) -> Micros:
        """M1 airtime including the open segment."""
        open_part = 0 if self.seg_start is None else now - self.seg_start
        return self.airtime + open_part

    def add_segment(self, seg: Segment) -> None:
        self.segments.append(seg)
        self.airtime += seg.end - seg.start
        self.segment_ends.append(seg.end)
        self.airtime_through.append(self.airtime)

    def airtime_before(self, x: Micros) -> Micros:
        """Speech before instant x (x no later than now), in O(log segments)."""
        closed = bisect_right(self.segment_ends, x)
        total = self.airtime_through[closed - 1] if closed else 0
        if closed < len(self.segments) and self.segments[closed].start < x:
            total += x - self.segments[closed].start
        if self.seg_start is not None and x > self.seg_start:
            total += x - self.seg_start
        return total

    def airtime_between(self, lo: Micros, hi: Micros) -> Micros:
        """Speech within [lo, hi), e.g. the last 15 minutes (DOMAIN.md P1)."""
        return self.airtime_before(hi) - self.airtime_before(max(lo, 0))

    def utterance_start(self) -> Micros | None:
        """Start of the utterance under way while speaking (segments merge across short gaps)."""
        if self.seg_start is None:
            return None
        last = self.utterances[-1] if self.utterances else None
        if last is not None and self.seg_start - last.end < UTTERANCE_GAP:
            return last.start
        return self.seg_start

    def last_spoke(self, now: Micros) -> Micros | None:
        """End of the last utterance (now, while speaking), for M5's quiet-for."""
        if self.speaking:
            return now
        return self.utterances[-1].end if self.utterances else None

    def update_stopwatches(self, t: Micros) -> None:
        """Presence and listening only count while tracked (E2) and present."""
        counting = self.present and self.tracked
        self.presence.set(counting, t)
        self.listening_time.set(counting and (self.listening or self.paused), t)
