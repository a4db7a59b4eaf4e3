"""Invariants of the prompt rules over random sessions (DOMAIN.md P0-P5, E2, E5).

Five members and a facilitator, every kind of event, small random thresholds so
that every kind of prompt fires. The engine is stepped one whole second at a time
so each prompt can be checked against the state at the second it fired (after the
events before it, before those stamped at it: docs/prompts.md).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.domain.clock import US_PER_S, Micros, s
from app.domain.engine import SessionEngine
from app.domain.events import Event, Kind, Role
from app.domain.person import Person
from app.domain.prompts import Prompt
from app.domain.rules import UTTERANCE_GAP, GroupSettings

MEMBERS = ("A", "B", "C", "D", "E")
FACILITATOR = "F"
PEOPLE = (*MEMBERS, FACILITATOR)
INVITATIONS = ("group_invite", "invite_quieter")
KINDS = (
    (Kind.SPEAKING,) * 12 + (Kind.HAND,) * 3 + (Kind.LISTENING,) * 2 + (Kind.ROUND,) * 2
    + (Kind.JOIN, Kind.LEAVE, Kind.CALL, Kind.PAUSE, Kind.CONSENT, Kind.TICK)
)  # fmt: skip
MS = 1000  # microseconds

# Equal times, the 1 s boundary, short steps, and now and then a long stretch so
# that turns grow long and members fall silent.
gaps_ms = st.one_of(
    st.just(0),
    st.sampled_from([1, 500, 999, 1000, 1001, 2000, 3000]),
    st.integers(0, 6000),
    st.integers(5000, 15000),
)

settings_st = st.builds(
    GroupSettings,
    prompts=st.sampled_from([True] * 9 + [False]),
    quiet_after_s=st.sampled_from([5, 10, 20]),
    quiet_window_s=st.sampled_from([5, 10, 30]),
    quiet_ratio=st.sampled_from([0.5, 0.8]),
    silent_for_s=st.sampled_from([5, 15, 30]),
    member_prompt_gap_s=st.sampled_from([5, 15, 40]),
    prompt_gap_s=st.sampled_from([0.5, 1, 2.5, 4]),
    long_turn_s=st.sampled_from([3, 8]),
    facilitator_ratio=st.sampled_from([1.0, 1.5, 2.0]),
)


@st.composite
def logs(draw: st.DrawFn, backdate: bool = True) -> list[Event]:
    """Start, consents and joins at 0 for most, random events, the end."""
    consented = set(MEMBERS) - draw(st.sets(st.sampled_from(MEMBERS), max_size=2))
    joined = set(PEOPLE) - draw(st.sets(st.sampled_from(PEOPLE), max_size=2))
    log = [Event(0, Kind.START)]
    log += [Event(0, Kind.CONSENT, m, True) for m in sorted(consented)]
    log += [Event(0, Kind.JOIN, p) for p in sorted(joined)]
    backs = st.sampled_from([None, None, 0, 500, 2000] if backdate else [None])
    step = st.tuples(gaps_ms, st.sampled_from(KINDS), st.sampled_from(PEOPLE), st.booleans(), backs)
    t = 0
    for gap, kind, person, on, back in draw(st.lists(step, min_size=5, max_size=80)):
        t += gap * MS
        who = None if kind in (Kind.ROUND, Kind.TICK) else person
        at = t - back * MS if kind is Kind.SPEAKING and not on and back is not None else None
        log.append(Event(t, kind, who, on, at=at))
    log.append(Event(t + draw(gaps_ms) * MS, Kind.END))
    return log


def fresh(settings: GroupSettings) -> SessionEngine:
    e = SessionEngine(settings)
    for name in MEMBERS:
        e.add_person(name, name)
    e.add_person(FACILITATOR, FACILITATOR, Role.FACILITATOR)
    return e


def prompts_of(e: SessionEngine) -> list[Prompt]:
    return list(e.prompt_log.issued)


# -- stepping one whole second at a time ---------------------------------------------


@dataclass(frozen=True)
class Moment:
    """The state at the whole second a prompt fired, before events stamped then."""

    prompt: Prompt
    persons: dict[str, dict[str, Any]]
    round_running: bool


def snapshot(e: SessionEngine, prompt: Prompt) -> Moment:
    persons = {
        pid: {"present": p.present, "tracked": p.tracked, "listening": p.listening,
              "paused": p.paused, "hand_up": p.hand_up, "role": p.role}
        for pid, p in e.persons.items()
    }  # fmt: skip
    return Moment(prompt, persons, e.round_running)


def stepped(
    log: list[Event], settings: GroupSettings, at_each_second: Any = None
) -> tuple[SessionEngine, list[Moment]]:
    """Apply the log, advancing one whole second at a time between events."""
    e = fresh(settings)
    moments: list[Moment] = []
    for event in log:
        while not e.ended:
            second = (e.now // US_PER_S + 1) * US_PER_S
            if second > event.t:
                break
            before = len(e.prompt_log.issued)
            earlier = prompts_of(e)
            e.advance(second)
            fired = e.prompt_log.issued[before:]
            moments += [snapshot(e, p) for p in fired]
            if at_each_second is not None:
                at_each_second(e, second, earlier, fired)
        e.apply(event)
    return e, moments


def direct(log: list[Event], settings: GroupSettings) -> SessionEngine:
    e = fresh(settings)
    e.apply_all(log)
    return e


# -- (a)-(e) -----------------------------------------------------------------------------


@given(logs(), settings_st)
def test_prompts_respect_who_may_be_named_spacing_hands_and_rounds(
    log: list[Event], settings: GroupSettings
) -> None:
    e, moments = stepped(log, settings)
    issued = prompts_of(e)
    # Stepping second by second fires what a plain run fires.
    assert issued == prompts_of(direct(log, settings))
    assert [m.prompt for m in moments] == issued
    if not settings.prompts:
        assert issued == []  # P5
    gap, member_gap = s(settings.prompt_gap_s), s(settings.member_prompt_gap_s)
    for m in moments:
        p = m.prompt
        # (e) P0: a prompt's time is a whole second (of at least 1 s).
        assert p.t % US_PER_S == 0 and p.t > 0
        # (a) E2, E5, P1: whoever a prompt is about was there, tracked, and neither
        # listening nor paused at that second; invitations only concern members.
        for pid in p.concerns():
            who = m.persons[pid]
            assert who["present"] and who["tracked"], (p, who)
            assert not who["listening"] and not who["paused"], (p, who)
            if p.kind in INVITATIONS:
                assert who["role"] is Role.MEMBER
        if p.kind == "facilitator_airtime":
            assert [m.persons[pid]["role"] for pid in p.candidates] == [Role.FACILITATOR]
        # (d) P1: no invitation while a hand is up or a round runs.
        if p.kind in INVITATIONS:
            assert not m.round_running
            assert not any(who["hand_up"] for who in m.persons.values())
            assert p.t >= s(settings.quiet_after_s)
    # (b) P0: any two prompts at least prompt_gap_s apart.
    for first, second in itertools.pairwise(issued):
        assert second.t - first.t >= max(gap, US_PER_S)
    # (c) P1: invitations naming one member at least member_prompt_gap_s apart.
    for pid in MEMBERS:
        named = [p.t for p in issued if p.kind == "invite_quieter" and p.about == pid]
        assert all(b - a >= member_gap for a, b in itertools.pairwise(named))
    # P2: the first invitation is the group-level one, and there is only one.
    kinds = [p.kind for p in issued if p.kind in INVITATIONS]
    assert kinds[:1] in ([], ["group_invite"]) and kinds.count("group_invite") <= 1
    # P2: no digits in any text (the names here have none).
    assert not any(ch.isdigit() for p in issued for ch in p.text)


# -- (f), (g) ---------------------------------------------------------------------------------


@given(logs(), settings_st)
def test_replaying_the_log_gives_the_same_prompts(
    log: list[Event], settings: GroupSettings
) -> None:
    # (f) STYLE.md: a session is a fold over its log.
    first, second = direct(log, settings), direct(list(log), settings)
    assert prompts_of(second) == prompts_of(first)
    assert second.prompt_log.long_turns == first.prompt_log.long_turns


@given(logs(), settings_st, st.lists(st.integers(1, 3000), min_size=1, max_size=30))
def test_advancing_in_small_steps_gives_the_same_prompts(
    log: list[Event], settings: GroupSettings, steps_ms: list[int]
) -> None:
    # (g) engine.py: advance is path-independent, prompts included.
    e = fresh(settings)
    index = 0
    for event in log:
        while e.now + steps_ms[index % len(steps_ms)] * MS < event.t:
            e.advance(e.now + steps_ms[index % len(steps_ms)] * MS)
            index += 1
        e.apply(event)
    assert prompts_of(e) == prompts_of(direct(log, settings))


@given(logs(), settings_st)
def test_due_points_at_the_next_prompt(log: list[Event], settings: GroupSettings) -> None:
    # engine.due (the live service's tick): advancing to the instant it names fires the
    # prompt there, and nothing fires before it.
    e = fresh(settings)
    for event in log:
        while not e.ended:
            due = e.due(event.t)
            if due is None:
                break
            before = len(e.prompt_log.issued)
            lowered = e.next_due() == due
            e.advance(due)
            fired = e.prompt_log.issued[before:]
            assert lowered or [p.t for p in fired] == [due]
        before = len(e.prompt_log.issued)
        e.apply(event)
        assert e.prompt_log.issued[before:] == []  # due said nothing was left to fire
    assert prompts_of(e) == prompts_of(direct(log, settings))


# -- (h) the rules, read by brute force at every second ------------------------------------


def runs(p: Person, k: Micros) -> list[tuple[Micros, Micros]]:
    """p's utterances up to k: segments (the open one up to k) merged across gaps < 1 s."""
    spans = [(g.start, g.end) for g in p.segments]
    if p.seg_start is not None:
        spans.append((p.seg_start, k))
    merged: list[tuple[Micros, Micros]] = []
    for a, b in spans:
        if merged and a - merged[-1][1] < UTTERANCE_GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def window(p: Person, lo: Micros, k: Micros) -> Micros:
    spans = [(g.start, g.end) for g in p.segments]
    if p.seg_start is not None:
        spans.append((p.seg_start, k))
    return sum(max(0, min(b, k) - max(a, lo)) for a, b in spans)


def expected_prompt(
    e: SessionEngine, k: Micros, earlier: list[Prompt], turns: dict[str, Micros]
) -> tuple[str, str | None, tuple[str, ...]] | None:
    """(kind, about, candidates) due at k by DOMAIN.md P0-P3 as docs/prompts.md reads them."""
    rules = e.settings
    if not rules.prompts or e.ended:
        return None
    if earlier and k - earlier[-1].t < s(rules.prompt_gap_s):
        return None
    for pid, p in e.persons.items():  # P3 long turn, in roster order; E5: not listeners
        if p.seg_start is not None and not p.listening:
            start = runs(p, k)[-1][0]
            if k - start >= s(rules.long_turn_s) and turns.get(pid) != start:
                return ("long_turn", pid, ())
    if k < s(rules.quiet_after_s):
        return None
    lo = max(0, k - s(rules.quiet_window_s))
    people = [p for p in e.persons.values() if p.role is Role.MEMBER and p.present
              and p.consented and not p.listening and not p.paused]  # fmt: skip
    total = sum(window(p, lo, k) for p in people)
    hands = any(p.hand_up for p in e.persons.values())
    if not hands and not e.round_running:
        quiet = []
        for order, p in enumerate(people):
            named = [q.t for q in earlier if q.kind == "invite_quieter" and q.about == p.id]
            if p.presence.value(k) < s(rules.quiet_after_s):
                continue
            if named and k - named[-1] < s(rules.member_prompt_gap_s):
                continue
            ratio = len(people) * window(p, lo, k) / total if total else None
            utts = runs(p, k)
            silent = k - (utts[-1][1] if utts else (p.joined_at or 0))
            if (ratio is not None and ratio < rules.quiet_ratio) or silent >= s(rules.silent_for_s):
                quiet.append((0.0 if ratio is None else ratio, -silent, order, p.id))
        if quiet:
            quiet.sort()
            if not any(q.kind in INVITATIONS for q in earlier):
                return ("group_invite", None, tuple(entry[3] for entry in quiet))
            return ("invite_quieter", quiet[0][3], ())
    for fid, f in e.persons.items():  # P3 facilitator airtime
        if f.role is not Role.FACILITATOR or not f.present:
            continue
        cued = [q.t for q in earlier if q.kind == "facilitator_airtime" and fid in q.candidates]
        if cued and k - cued[-1] < s(rules.member_prompt_gap_s):
            continue
        own = window(f, lo, k)
        if own and (len(people) + 1) * own / (own + total) > rules.facilitator_ratio:
            return ("facilitator_airtime", None, (fid,))
    return None


@given(logs(), settings_st)
def test_every_second_fires_exactly_what_the_rules_say(
    log: list[Event], settings: GroupSettings
) -> None:
    turns: dict[str, Micros] = {}  # long-turn cues: person -> start of the turn cued

    def compare(e: SessionEngine, k: Micros, earlier: list[Prompt], fired: list[Prompt]) -> None:
        want = expected_prompt(e, k, earlier, turns)
        got = [(p.kind, p.about, p.candidates) for p in fired]
        assert got == ([] if want is None else [want]), k
        if want is not None and want[0] == "long_turn" and want[1] is not None:
            turns[want[1]] = runs(e.persons[want[1]], k)[-1][0]

    stepped(log, settings, compare)
