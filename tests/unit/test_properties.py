"""Invariants of the fold over random event logs (STYLE.md "Tests", DOMAIN.md M1-M9).

Logs mix every kind of event for three members and a facilitator, at
non-decreasing times in whole milliseconds, with repeats and back-dated offs.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.domain.engine import SessionEngine
from app.domain.events import Event, Kind, Role
from app.domain.report import build_report, person_figures
from app.domain.views import GroupFigures, group_figures

MEMBERS = ("A", "B", "C")
FACILITATOR = "F"
PEOPLE = (*MEMBERS, FACILITATOR)
# Speaking dominates, as in a real session; every other kind turns up too.
KINDS = (
    (Kind.SPEAKING,) * 10 + (Kind.HAND,) * 3
    + (Kind.JOIN, Kind.LEAVE, Kind.CALL, Kind.LISTENING, Kind.PAUSE, Kind.CONSENT)
    + (Kind.ROUND, Kind.TICK)
)  # fmt: skip
MS = 1000  # microseconds

# Equal times, the 1 s and 3 s boundaries (M2, R1) and anything up to 8 s.
gaps_ms = st.one_of(
    st.just(0),
    st.sampled_from([1, 999, 1000, 1001, 2000, 3000, 4000]),
    st.integers(0, 8000),
    st.integers(1000, 8000),
)


def steps(kinds: tuple[Kind, ...]) -> st.SearchStrategy[tuple[Any, ...]]:
    """One random event: gap before it, kind, person, on, back-dating, repeat."""
    return st.tuples(
        gaps_ms,
        st.sampled_from(kinds),
        st.sampled_from(PEOPLE),
        st.booleans(),  # on / raised
        st.sampled_from([None, 0, 500, 2000, 5000]),  # back-dating of an off, ms (D4, D5)
        st.booleans(),  # repeat the event at once
    )


@st.composite
def logs(draw: st.DrawFn, kinds: tuple[Kind, ...] = KINDS) -> list[Event]:
    """A session's log: start, some consents and joins at 0, random events, the end."""
    # Most people consented and are present from 0; the others wait for events.
    consented = set(MEMBERS) - draw(st.sets(st.sampled_from(MEMBERS), max_size=1))
    joined = set(PEOPLE) - draw(st.sets(st.sampled_from(PEOPLE), max_size=2))
    log = [Event(0, Kind.START)]
    log += [Event(0, Kind.CONSENT, m, True) for m in sorted(consented)]
    log += [Event(0, Kind.JOIN, p) for p in sorted(joined)]
    events = st.lists(steps(kinds), min_size=5, max_size=60)
    t = 0
    for gap, kind, person, on, back, repeat in draw(events):
        t += gap * MS
        who = None if kind in (Kind.ROUND, Kind.TICK) else person
        at = t - back * MS if kind is Kind.SPEAKING and not on and back is not None else None
        event = Event(t, kind, who, on, at=at)
        log += [event, event] if repeat else [event]
    log.append(Event(t + draw(gaps_ms) * MS, Kind.END))
    return log


def fresh_engine() -> SessionEngine:
    e = SessionEngine()
    for name in MEMBERS:
        e.add_person(name, name)
    e.add_person(FACILITATOR, FACILITATOR, Role.FACILITATOR)
    return e


def report_of(e: SessionEngine) -> dict[str, Any]:
    return build_report(e, list(MEMBERS), FACILITATOR)


def check_live(e: SessionEngine) -> None:
    """Invariants that hold at every instant, not only at the end."""
    now = e.now
    group = group_figures(e, now)
    for p in e.persons.values():
        # M1: nobody speaks while absent or untracked.
        assert p.airtime_at(now) <= p.presence.value(now)
        # R1: a hand is only up while its owner is present and tracked.
        open_wait = 0 if p.hand_raised_at is None else now - p.hand_raised_at
        assert 0 <= p.hand_wait_total + open_wait <= p.presence.value(now)
        figures = person_figures(e, p, now, group)
        if figures["status"] != "not_tracked":
            assert figures["airtime_s"] <= figures["present_s"]
    # M1, M3: each instant is silence, overlap or exactly one person's floor.
    silence, overlap = e.floor.totals(now)
    assert sum(e.floor.floor_of(pid, now) for pid in e.persons) + overlap + silence == now
    check_balance(group)


def check_balance(group: GroupFigures) -> None:
    """M7-M10 ranges over the participants."""
    n, b = len(group.participants), group.balance
    if group.total_speech == 0:
        assert group.shares == {}
        assert (b.gini, b.gini_normalized, b.evenness, b.effective_speakers) == (None,) * 4
        return
    assert abs(sum(group.shares.values()) - 1) < 1e-9
    assert b.gini is not None and b.effective_speakers is not None
    assert 0 <= b.gini <= (n - 1) / n + 1e-12
    assert 1 - 1e-9 <= b.effective_speakers <= n + 1e-9
    if n == 1:
        assert (b.gini, b.gini_normalized, b.evenness) == (0, None, None)
    else:
        assert b.gini_normalized is not None and b.evenness is not None
        assert 0 <= b.gini_normalized <= 1 + 1e-12
        assert -1e-12 <= b.evenness <= 1 + 1e-9


@given(logs())
def test_invariants_hold_live_and_at_the_end(log: list[Event]) -> None:
    e = fresh_engine()
    for event in log:
        e.apply(event)
        check_live(e)
    assert e.ended
    report = report_of(e)
    blocks = [*report["members"], report["facilitator"]]
    group = report["group"]
    # M1, M3 in the report: everyone's floor + overlap + silence is the duration
    # (times here are whole milliseconds, so the rounded figures add up exactly).
    parts = [b["floor_s"] for b in blocks if b["floor_s"] is not None]
    parts += [group["overlap_s"], group["silence_s"]]
    assert sum(round(x * 1000) for x in parts) == round(report["duration_s"] * 1000)
    # M4: every interruption made is one received.
    made = sum(b["interruptions_made"] or 0 for b in blocks)
    assert made == sum(b["interruptions_received"] or 0 for b in blocks)


@given(logs())
def test_replaying_the_log_gives_the_same_report(log: list[Event]) -> None:
    # STYLE.md: state is a fold over the log, so a replay is the same session.
    first, second = fresh_engine(), fresh_engine()
    first.apply_all(log)
    second.apply_all(list(log))
    assert report_of(second) == report_of(first)


@given(logs())
def test_repeating_every_event_at_once_changes_nothing(log: list[Event]) -> None:
    # SCENARIO.md: repeated states are no-ops. One repeat is not a repeated state: a
    # hand raised after 3 s of speaking comes down at once (R1), so raising it again
    # is a new raise; such raises are not repeated.
    once, twice = fresh_engine(), fresh_engine()
    once.apply_all(log)
    for event in log:
        twice.apply(event)
        person = twice.persons.get(event.person or "")
        if event.kind is Kind.HAND and event.on and person is not None and not person.hand_up:
            continue
        twice.apply(event)
    assert report_of(twice) == report_of(once)


@given(logs(), st.lists(st.integers(1, 3000), min_size=1, max_size=30))
def test_advancing_in_steps_changes_nothing(log: list[Event], steps_ms: list[int]) -> None:
    # engine.py: `advance` is path-independent.
    direct, stepped = fresh_engine(), fresh_engine()
    direct.apply_all(log)
    index = 0
    for event in log:
        while stepped.now + steps_ms[index % len(steps_ms)] * MS < event.t:
            stepped.advance(stepped.now + steps_ms[index % len(steps_ms)] * MS)
            index += 1
        stepped.apply(event)
    assert report_of(stepped) == report_of(direct)


# -- the incremental figures against the definitions, computed directly -----------------


def direct_figures(e: SessionEngine, end: int) -> dict[str, Any]:
    """M1-M5 straight from everyone's closed segments, by brute force."""
    segs = {pid: [(g.start, g.end) for g in p.segments] for pid, p in e.persons.items()}
    cuts = sorted({0, end} | {t for spans in segs.values() for span in spans for t in span})
    floor = dict.fromkeys(segs, 0)
    overlap = silence = 0
    for lo, hi in itertools.pairwise(cuts):
        speaking = [pid for pid, spans in segs.items() if any(a <= lo < b for a, b in spans)]
        if not speaking:
            silence += hi - lo
        elif len(speaking) == 1:
            floor[speaking[0]] += hi - lo
        else:
            overlap += hi - lo
    utts: dict[str, list[tuple[int, int]]] = {}
    for pid, spans in segs.items():
        merged: list[tuple[int, int]] = []
        for a, b in spans:  # M2: gaps shorter than 1 s merge
            if merged and a - merged[-1][1] < 1_000_000:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        utts[pid] = merged
    made = dict.fromkeys(segs, 0)
    received = dict.fromkeys(segs, 0)
    for i in segs:
        for si, ei in (u for u in utts[i] if u[1] - u[0] >= 1_000_000):
            for j in segs:
                for sj, ej in utts[j] if j != i else []:
                    if sj < si < ej < ei:  # M4
                        made[i] += 1
                        received[j] += 1
    people = {}
    for pid, spans in segs.items():
        turns = [b - a for a, b in utts[pid] if b - a >= 1_000_000]
        people[pid] = {
            "airtime": sum(b - a for a, b in spans),
            "floor": floor[pid],
            "turns": len(turns),
            "backchannels": len(utts[pid]) - len(turns),
            "longest": max(turns, default=None),
            "first": next((a for a, b in utts[pid] if b - a >= 1_000_000), None),
            "made": made[pid],
            "received": received[pid],
        }
    return {"people": people, "overlap": overlap, "silence": silence}


@given(st.one_of(logs(), logs(kinds=(Kind.SPEAKING,))))
def test_incremental_figures_match_the_definitions(log: list[Event]) -> None:
    # M1-M5: the O(1)-per-event bookkeeping equals brute force over the segments.
    e = fresh_engine()
    e.apply_all(log)
    assert e.ended_at is not None
    expected = direct_figures(e, e.ended_at)
    assert e.floor.totals(e.ended_at) == (expected["silence"], expected["overlap"])
    for pid, want in expected["people"].items():
        p = e.persons[pid]
        got = {
            "airtime": p.airtime,
            "floor": p.floor,
            "turns": p.turns,
            "backchannels": p.backchannels,
            "longest": p.longest_turn if p.turns else None,
            "first": p.first_turn,
            "made": p.interruptions_made,
            "received": p.interruptions_received,
        }
        assert got == want, pid
