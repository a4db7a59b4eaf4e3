"""RELIABILITY.md O4: a hypothesis state machine over the engine, with worker crashes.

Rules join, leave, disconnect (a device's turn closed when it was last heard, D5),
reconnect, raise and lower hands, speak, send duplicates, and crash: a crash throws the
live engine away and rebuilds it by replaying the stored log, as a restarted or
another worker does. After every step: at most one open segment per member, airtime
never exceeds presence, no duplicate in the hand queue, and the live state equals the
state rebuilt from the stored log.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.domain.engine import SessionEngine
from app.domain.events import Event, Kind, Source
from app.domain.views import hand_queue
from tests.unit.test_properties import FACILITATOR, MEMBERS, fresh_engine, report_of

MS = 1000
people = st.sampled_from((*MEMBERS, FACILITATOR))
gaps = st.sampled_from([0, 1, 999, 1000, 1001, 2500, 3000, 8000])


class Session(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.stored: list[Event] = []
        self.live = fresh_engine()
        self.t = 0
        self.last_heard: dict[str, int] = {}
        self.record(Event(0, Kind.START))
        for member in MEMBERS:
            self.record(Event(0, Kind.CONSENT, member, True))
        self.ended = False

    def record(self, event: Event) -> None:
        """Stored before it is applied, as the rooms do: nothing applied is unstored."""
        self.stored.append(event)
        self.live.apply(event)

    def later(self, gap_ms: int) -> int:
        self.t += gap_ms * MS
        return self.t

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps, who=people)
    def join(self, gap: int, who: str) -> None:
        self.record(Event(self.later(gap), Kind.JOIN, who))

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps, who=people)
    def leave(self, gap: int, who: str) -> None:
        self.record(Event(self.later(gap), Kind.LEAVE, who))

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps, who=people, on=st.booleans(), twice=st.booleans())
    def speak(self, gap: int, who: str, on: bool, twice: bool) -> None:
        event = Event(self.later(gap), Kind.SPEAKING, who, on, Source.DEVICE)
        self.record(event)
        self.last_heard[who] = self.t
        if twice:  # a duplicate re-send changes nothing
            self.record(event)

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps, who=people)
    def device_drops(self, gap: int, who: str) -> None:
        """Its connection went: the turn closes when the device was last heard (D5)."""
        at = self.last_heard.get(who, self.t)
        self.record(Event(self.later(gap), Kind.SPEAKING, who, False, Source.SYSTEM, at=at, inferred=True))

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps, who=people)
    def reconnect(self, gap: int, who: str) -> None:
        """A reconnect is a join for someone present: a no-op, never a second presence."""
        self.record(Event(self.later(gap), Kind.JOIN, who))

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps, who=people, raised=st.booleans(), twice=st.booleans())
    def hand(self, gap: int, who: str, raised: bool, twice: bool) -> None:
        event = Event(self.later(gap), Kind.HAND, who, raised)
        self.record(event)
        if twice:
            self.record(event)

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps)
    def tick(self, gap: int) -> None:
        self.record(Event(self.later(gap), Kind.TICK))

    @rule()
    def crash(self) -> None:
        """The worker dies: a new one rebuilds the session from what was stored."""
        self.live = replay(self.stored)

    @precondition(lambda self: not self.ended)
    @rule(gap=gaps)
    def end(self, gap: int) -> None:
        self.record(Event(self.later(gap), Kind.END))
        self.ended = True

    @invariant()
    def one_open_segment_at_most_and_airtime_within_presence(self) -> None:
        now = self.live.now
        for p in self.live.persons.values():
            open_segments = [s for s in p.segments if s.end > now] + ([1] if p.seg_start is not None else [])
            assert len(open_segments) <= 1
            assert p.airtime_at(now) <= p.presence.value(now)
            assert all(s.start <= s.end for s in p.segments)  # O3: no negative durations

    @invariant()
    def the_hand_queue_has_no_duplicates(self) -> None:
        queue = [place.person.id for place in hand_queue(self.live, self.live.now)]
        assert len(queue) == len(set(queue))

    @invariant()
    def the_stored_log_rebuilds_the_live_state(self) -> None:
        assert report_of(replay(self.stored)) == report_of(self.live)


def replay(stored: list[Event]) -> SessionEngine:
    engine = fresh_engine()
    engine.apply_all(stored)
    return engine


Session.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestSessionWithCrashes = Session.TestCase
