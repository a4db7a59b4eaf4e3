"""The fold: a session's events, applied one by one, give its live state.

Applying an event costs O(people present), never O(length of the session).
Time only moves forward; `advance` is path-independent, so advancing in many
small steps or one large one gives the same state (that is what makes replays,
restarts and several workers agree).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.domain.clock import US_PER_S, Micros
from app.domain.events import Change, Event, Kind, Role, Source
from app.domain.facilitation import Facilitation
from app.domain.person import Person, Segment
from app.domain.prompts import Limits, Prompt, PromptLog, check
from app.domain.rounds import Round
from app.domain.rules import HAND_AUTO_LOWER, MAX_RETRO_CLOSE, GroupSettings
from app.domain.speech import FloorClock, add_segment, finalize_through


class DomainError(ValueError):
    """An event the fold cannot take; the message is fit to show a person."""


class SessionEngine(Facilitation):
    """Live state of one session, built by applying its events in order."""

    def __init__(self, settings: GroupSettings | None = None) -> None:
        self.settings = settings or GroupSettings()
        self.limits = Limits.of(self.settings)
        self.persons: dict[str, Person] = {}
        self.floor = FloorClock(self.persons)
        self.now: Micros = 0
        self.ended_at: Micros | None = None
        self._hand_counter = 0
        self.rounds: list[Round] = []
        self.manual_queue: list[str] | None = None  # a facilitator's own order of the hands
        self.prompt_log = PromptLog()
        # DOMAIN.md E3: live sessions track speech only once the confidentiality statement
        # has been read aloud; a session that starts with {"confidentiality": "required"} waits.
        self.awaiting_confidentiality = False
        self._checked_through: Micros = 0  # whole seconds of prompt checks done (P0)
        self._quiet_through: Micros = 0  # seconds known to fire nothing in the current state
        self._handlers: dict[Kind, Callable[[Event, Person | None], list[Change]]] = {
            Kind.START: self._on_start,
            Kind.END: self._on_end,
            Kind.TICK: lambda ev, p: [],
            Kind.ROUND: self._on_round,
            Kind.CONFIDENTIALITY: self._on_confidentiality,
            Kind.TURN: self._on_turn,
            Kind.PROMPT: self._on_prompt_outcome,
            Kind.REORDER: self._on_reorder,
            Kind.SETTINGS: self._on_settings,
            Kind.REMOVE: self._on_remove,
            Kind.ADMIT: lambda ev, p: [Change("admitted", ev.t, ev.person)],
            Kind.COFACILITATOR: self._on_cofacilitator,
            Kind.JOIN: self._on_join,
            Kind.LEAVE: self._on_leave,
            Kind.SPEAKING: self._on_speaking,
            Kind.HAND: self._on_hand,
            Kind.CALL: self._on_call,
            Kind.LISTENING: self._on_listening,
            Kind.PAUSE: self._on_pause,
            Kind.CONSENT: self._on_consent,
        }

    # -- roster ---------------------------------------------------------------

    def add_person(self, pid: str, name: str, role: Role = Role.MEMBER) -> Person:
        """Put someone on the session's roster (idempotent; a later name wins)."""
        person = self.persons.get(pid)
        if person is None:
            person = self.persons[pid] = Person(pid, name, role)
        person.name = name
        return person

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    # -- the fold ---------------------------------------------------------------

    def apply(self, ev: Event) -> list[Change]:
        """Apply one event; raises DomainError for an unknown person or time running back."""
        if self.ended:
            return []
        if ev.t < self.now:
            raise DomainError(f"event at {ev.t} us is before the session's time {self.now} us")
        person = None
        if ev.person is not None:
            person = self.persons.get(ev.person)
            if person is None:
                raise DomainError(f"{ev.person!r} is not in this session")
        changes = self.advance(ev.t)
        self._quiet_through = 0
        return changes + self._handlers[ev.kind](ev, person)

    def apply_all(self, events: Iterable[Event]) -> list[Change]:
        changes: list[Change] = []
        for ev in events:
            changes += self.apply(ev)
        return changes

    def advance(self, t: Micros) -> list[Change]:
        """Move session time to t: hands lower after 3 s of speech (R1), and every whole
        second the prompt rules are checked (P0); at one instant, lowering comes first."""
        if self.ended or t <= self.now:
            return []
        changes: list[Change] = []
        while True:
            lower = self._next_auto_lower()
            second = self._checked_through + US_PER_S
            if lower is not None and lower[0] <= min(second, t):
                self._move_to(lower[0])
                changes.append(self._lower_hand(lower[1], "spoke"))
            elif second <= t:
                self._move_to(second)
                self._checked_through = second
                changes += self._fire(check(self, second))
            else:
                break
        self._move_to(t)
        return changes

    def due(self, t: Micros) -> Micros | None:
        """The first instant in (now, t] at which time alone would change the state.

        Read-only: the live service asks it every second to know when to log a tick.
        """
        lower = self._next_auto_lower()
        limit = t if lower is None else min(t, lower[0])
        k = max(self._checked_through, self._quiet_through) + US_PER_S
        while k <= limit:
            if check(self, k) is not None:
                return k
            self._quiet_through = k
            k += US_PER_S
        return lower[0] if lower is not None and lower[0] <= t else None

    def next_due(self) -> Micros | None:
        """The next hand due to lower by itself, if any."""
        due = self._next_auto_lower()
        return None if due is None else due[0]

    def _fire(self, prompt: Prompt | None) -> list[Change]:
        if prompt is None:
            return []
        turn = self.persons[prompt.about].utterance_start() if prompt.about else None
        self.prompt_log.record(prompt, turn)
        detail = {"id": prompt.id, "kind": prompt.kind, "text": prompt.text}
        return [Change("prompt", prompt.t, prompt.about, detail)]

    # -- handlers -------------------------------------------------------------

    def _on_start(self, ev: Event, _: Person | None) -> list[Change]:
        data = ev.data or {}
        self.awaiting_confidentiality = data.get("confidentiality") == "required"
        if "settings" in data:  # the settings in force when it started (a replay uses them)
            self._on_settings(ev, None)
        return [Change("session", ev.t, detail={"state": "live"})]

    def _on_confidentiality(self, ev: Event, _: Person | None) -> list[Change]:
        if not self.awaiting_confidentiality:
            return []
        self.awaiting_confidentiality = False
        return [Change("confidentiality", ev.t, detail={"read": True})]

    def _on_end(self, ev: Event, _: Person | None) -> list[Change]:
        changes: list[Change] = []
        for person in self.persons.values():
            changes += self._depart(person, ev.t, "ended")
            finalize_through(person, len(person.utterances), self.persons)
        self.ended_at = ev.t
        return changes + [Change("session", ev.t, detail={"state": "ended"})]

    def _on_join(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if p.present or p.removed:
            return []
        p.present = True
        p.joined_at = ev.t
        p.update_stopwatches(ev.t)
        return [Change("presence", ev.t, p.id, {"present": True})]

    def _on_leave(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if not p.present:
            return []
        return self._depart(p, ev.t, "left")

    def speech_refusal(self, p: Person, on: bool) -> str | None:
        """Why a speaking change for p cannot count now, in words; None if it can.

        The one check for every source (D1-D3): present, tracked (E2), not paused (E5),
        and, to start speaking, the confidentiality statement read (E3)."""
        if not p.present:
            return f"{p.name} is not in the session right now"
        if not p.tracked:
            return f"{p.name} has not consented to tracking"
        if on and p.paused:
            return f"{p.name} has paused their tracking"
        if on and self.awaiting_confidentiality:
            return "the confidentiality statement has not been marked read yet"
        return None

    def _on_speaking(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if self.speech_refusal(p, bool(ev.on)) is not None:
            return []
        if ev.on and not p.speaking:
            return self._open_segment(p, ev.t, ev.source or Source.DEVICE)
        if not ev.on and p.speaking:
            floor = max(p.seg_start or 0, ev.t - MAX_RETRO_CLOSE)
            return self._close_segment(p, max(ev.effective_t(), floor), ev.inferred)
        return []

    def _on_hand(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if not self._active(p) or bool(ev.on) == p.hand_up:
            return []
        if not ev.on:
            return [self._lower_hand(p, "lowered")]
        self._hand_counter += 1
        p.hand_raised_at, p.hand_order = ev.t, self._hand_counter
        p.hand_raises += 1
        changes = [Change("hand", ev.t, p.id, {"raised": True})]
        if p.run_start is not None and p.speaking and ev.t - p.run_start >= HAND_AUTO_LOWER:
            changes.append(self._lower_hand(p, "spoke"))
        return changes

    def _on_call(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if not self._active(p) or not p.hand_up:
            return []
        return [self._lower_hand(p, "called")]

    def _on_listening(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if not self._active(p) or bool(ev.on) == p.listening:
            return []
        p.listening = bool(ev.on)
        p.update_stopwatches(ev.t)
        return [Change("listening", ev.t, p.id, {"on": p.listening})]

    def _on_pause(self, ev: Event, p: Person | None) -> list[Change]:
        assert p is not None
        if not self._active(p) or bool(ev.on) == p.paused:
            return []
        changes = self._close_segment(p, ev.t) if ev.on and p.speaking else []
        p.paused = bool(ev.on)
        p.update_stopwatches(ev.t)
        return changes + [Change("paused", ev.t, p.id, {"on": p.paused})]

    def _on_consent(self, ev: Event, p: Person | None) -> list[Change]:
        """E2: consent may come before joining; withdrawal takes effect at once."""
        assert p is not None
        if p.role is Role.FACILITATOR or bool(ev.on) == p.consented:
            return []
        changes: list[Change] = []
        if not ev.on:
            if p.speaking:
                changes += self._close_segment(p, ev.t)
            if p.hand_up:
                changes.append(self._lower_hand(p, "withdrew"))
        p.consented = bool(ev.on)
        p.ever_tracked = p.ever_tracked or p.consented
        p.update_stopwatches(ev.t)
        return changes + [Change("consent", ev.t, p.id, {"on": p.consented})]

    # -- mechanics --------------------------------------------------------------

    def _active(self, p: Person) -> bool:
        """Events for someone absent or untracked are ignored (SCENARIO.md rules)."""
        return p.present and p.tracked

    def _move_to(self, t: Micros) -> None:
        self.floor.advance(t)
        self.now = t

    def _depart(self, p: Person, t: Micros, reason: str) -> list[Change]:
        changes = self._close_segment(p, t) if p.speaking else []
        if p.hand_up:
            changes.append(self._lower_hand(p, reason))
        if p.present:
            p.present = False
            changes.append(Change("presence", t, p.id, {"present": False}))
        p.update_stopwatches(t)
        return changes

    def _open_segment(self, p: Person, t: Micros, source: Source) -> list[Change]:
        last = p.segments[-1] if p.segments else None
        if last is None or last.end != t:
            p.run_start = t  # an off and an on at one instant are no break (SCENARIO.md)
        p.seg_start, p.seg_source = t, source
        self.floor.add(p.id)
        changes = [Change("speaking", t, p.id, {"on": True, "source": source.value})]
        if p.hand_up and p.run_start is not None and t - p.run_start >= HAND_AUTO_LOWER:
            changes.append(self._lower_hand(p, "spoke"))
        return changes

    def _close_segment(self, p: Person, at: Micros, inferred: bool = False) -> list[Change]:
        start = p.seg_start
        assert start is not None
        self.floor.remove(p.id, at)
        p.seg_start = None
        if at > start:
            seg = Segment(start, at, p.seg_source, inferred)
            p.add_segment(seg)
            add_segment(p, seg, self.persons)
        detail = {"on": False, "at": at, "inferred": inferred}
        return [Change("speaking", self.now, p.id, detail)]

    def _lower_hand(self, p: Person, reason: str) -> Change:
        raised = p.hand_raised_at
        assert raised is not None
        p.hand_wait_total += self.now - raised
        p.hand_waits.append((raised, self.now))
        p.hand_raised_at = None
        if self.manual_queue is not None and not any(q.hand_up for q in self.persons.values()):
            self.manual_queue = None
        return Change("hand", self.now, p.id, {"raised": False, "reason": reason})

    def _next_auto_lower(self) -> tuple[Micros, Person] | None:
        best: tuple[Micros, Person] | None = None
        for pid in self.floor.speakers:
            p = self.persons[pid]
            if p.hand_up and p.run_start is not None:
                due = p.run_start + HAND_AUTO_LOWER
                if best is None or due < best[0]:
                    best = (due, p)
        return best
