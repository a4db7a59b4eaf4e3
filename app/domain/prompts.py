"""Gentle prompts to facilitators (DOMAIN.md P0-P5), checked at whole seconds.

`check` is pure: it says which prompt, if any, would fire at second k given the
state then. The engine calls it on every whole second as time advances, and the
live service calls it to learn whether a tick is due; so simulations and live
sessions fire the same prompts at the same seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.clock import Micros, s
from app.domain.events import Role
from app.domain.person import Person
from app.domain.rules import GroupSettings
from app.domain.wording import phrase

if TYPE_CHECKING:
    from app.domain.engine import SessionEngine

FOLLOW_THROUGH = s(180)  # DOMAIN.md P4: did the named member speak within 3 min
KINDS = ("group_invite", "invite_quieter", "long_turn", "facilitator_airtime")


@dataclass(frozen=True, slots=True)
class Prompt:
    id: int
    t: Micros
    kind: str
    about: str | None  # the person it names (None for group_invite and facilitator_airtime)
    text: str
    candidates: tuple[str, ...] = ()  # who it was for: the quiet members, or the facilitator

    def concerns(self) -> tuple[str, ...]:
        return (self.about,) if self.about is not None else self.candidates


@dataclass(frozen=True, slots=True)
class Limits:
    """The group's prompt thresholds in microseconds, converted once (DOMAIN.md P5)."""

    quiet_after: Micros
    quiet_window: Micros
    silent_for: Micros
    member_gap: Micros
    gap: Micros
    long_turn: Micros

    @classmethod
    def of(cls, rules: GroupSettings) -> Limits:
        return cls(s(rules.quiet_after_s), s(rules.quiet_window_s), s(rules.silent_for_s),
                   s(rules.member_prompt_gap_s), s(rules.prompt_gap_s), s(rules.long_turn_s))  # fmt: skip


@dataclass
class PromptLog:
    """What has fired so far: the spacing rules read it."""

    issued: list[Prompt] = field(default_factory=list)
    last_about: dict[str, Micros] = field(default_factory=dict)  # invitations naming someone
    facilitator_cued: dict[str, Micros] = field(default_factory=dict)
    long_turns: dict[str, Micros] = field(default_factory=dict)  # person -> utterance start cued
    outcomes: dict[int, str] = field(default_factory=dict)  # prompt id -> dismissed | acted_on

    def record(self, prompt: Prompt, turn_start: Micros | None = None) -> None:
        """Remember a fired prompt; a long-turn cue remembers which turn it was about."""
        self.issued.append(prompt)
        if prompt.kind == "invite_quieter" and prompt.about is not None:
            self.last_about[prompt.about] = prompt.t
        elif prompt.kind == "long_turn" and prompt.about is not None and turn_start is not None:
            self.long_turns[prompt.about] = turn_start
        elif prompt.kind == "facilitator_airtime":
            for pid in prompt.candidates:
                self.facilitator_cued[pid] = prompt.t

    @property
    def last_t(self) -> Micros | None:
        return self.issued[-1].t if self.issued else None

    def count(self, kind: str) -> int:
        return sum(1 for p in self.issued if p.kind == kind)


def check(engine: SessionEngine, k: Micros) -> Prompt | None:
    """The prompt due at whole second k, if any (long turns first, then invitations)."""
    rules, log = engine.settings, engine.prompt_log
    if not rules.prompts or engine.ended:
        return None
    if log.last_t is not None and k - log.last_t < engine.limits.gap:
        return None  # P0: no two prompts within prompt_gap_s
    return _long_turn(engine, k) or _invitation(engine, k) or _facilitator_airtime(engine, k)


def _new(engine: SessionEngine, k: Micros, kind: str, about: Person | None,
         candidates: Iterable[str] = ()) -> Prompt:  # fmt: skip
    log = engine.prompt_log
    text = phrase(kind, log.count(kind), about.name if about else None)
    return Prompt(len(log.issued) + 1, k, kind, about.id if about else None, text, tuple(candidates))


def _long_turn(engine: SessionEngine, k: Micros) -> Prompt | None:
    """P3: someone's current turn passes long_turn_s; once per turn."""
    limit = engine.limits.long_turn
    for p in engine.persons.values():
        start = p.utterance_start()
        if start is None or k - start < limit or p.listening:
            continue  # E5: someone in listening mode gets no prompts, even while speaking
        if engine.prompt_log.long_turns.get(p.id) != start:
            return _new(engine, k, "long_turn", p)
    return None


def participants_now(engine: SessionEngine) -> list[Person]:
    """P1's participants at this moment: present, tracked members not listening or paused."""
    return [p for p in engine.persons.values()
            if p.role is Role.MEMBER and p.present and p.tracked and not p.listening
            and not p.paused]  # fmt: skip


def _invitation(engine: SessionEngine, k: Micros) -> Prompt | None:
    """P1: invite a quieter member; the session's first invitation is group-level (P2)."""
    rules, log, limits = engine.settings, engine.prompt_log, engine.limits
    settle = limits.quiet_after
    if k < settle or engine.round_running or any(p.hand_up for p in engine.persons.values()):
        return None
    people = participants_now(engine)
    window = {p.id: p.airtime_between(k - limits.quiet_window, k) for p in people}
    total = sum(window.values())
    quiet: list[tuple[float, Micros, int, Person]] = []
    for order, p in enumerate(people):
        if p.presence.value(k) < settle:
            continue
        named = log.last_about.get(p.id)
        if named is not None and k - named < limits.member_gap:
            continue
        ratio = len(people) * window[p.id] / total if total else None
        since = p.last_spoke(k)
        silent = k - (since if since is not None else p.joined_at or 0)
        if (ratio is not None and ratio < rules.quiet_ratio) or silent >= limits.silent_for:
            quiet.append((ratio if ratio is not None else 0.0, -silent, order, p))
    if not quiet:
        return None
    quiet.sort(key=lambda entry: entry[:3])
    if not any(prompt.kind in ("group_invite", "invite_quieter") for prompt in log.issued):
        return _new(engine, k, "group_invite", None, (entry[3].id for entry in quiet))
    return _new(engine, k, "invite_quieter", quiet[0][3])


def _facilitator_airtime(engine: SessionEngine, k: Micros) -> Prompt | None:
    """P3: the facilitator's own share of the last 15 min, counted as one more person."""
    rules, log, limits = engine.settings, engine.prompt_log, engine.limits
    if k < limits.quiet_after:
        return None
    lo = k - limits.quiet_window
    members_total: Micros | None = None  # summed only when a facilitator has spoken lately
    for fac in engine.persons.values():
        if fac.role is not Role.FACILITATOR or not fac.present:
            continue
        cued = log.facilitator_cued.get(fac.id)
        if cued is not None and k - cued < limits.member_gap:
            continue
        own = fac.airtime_between(lo, k)
        if not own:
            continue
        people = participants_now(engine)
        if members_total is None:
            members_total = sum(p.airtime_between(lo, k) for p in people)
        if (len(people) + 1) * own / (own + members_total) > rules.facilitator_ratio:
            return _new(engine, k, "facilitator_airtime", None, (fac.id,))
    return None


def follow_through(engine: SessionEngine, prompt: Prompt, now: Micros) -> bool | None:
    """P4: did the person named (or, for a group invitation, any quiet member) speak within
    3 min? None while those 3 minutes have not passed, and for cues that name no one to invite."""
    if prompt.kind not in ("group_invite", "invite_quieter"):
        return None
    end = prompt.t + FOLLOW_THROUGH
    if now < end and not engine.ended:
        return None
    end = min(end, now)
    return any(engine.persons[pid].airtime_between(prompt.t, end) > 0 for pid in prompt.concerns())
