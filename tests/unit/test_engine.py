"""SessionEngine directly: events the scenario format cannot express (DOMAIN.md D4, D5, E2, E5)."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.clock import Micros, s
from app.domain.engine import DomainError, SessionEngine
from app.domain.events import Change, Event, Kind, Role
from app.domain.report import build_report, person_figures
from app.domain.rules import MAX_RETRO_CLOSE
from app.domain.views import group_figures, status

# -- helpers ------------------------------------------------------------------


def engine(*members: str, facilitator: str = "F") -> SessionEngine:
    """A started session: members consented and joined at 0, plus a facilitator."""
    e = SessionEngine()
    for name in members:
        e.add_person(name, name)
    e.add_person(facilitator, facilitator, Role.FACILITATOR)
    e.apply(Event(0, Kind.START))
    for name in members:
        e.apply(Event(0, Kind.CONSENT, name, True))
    for name in (*members, facilitator):
        e.apply(Event(0, Kind.JOIN, name))
    return e


def on(t: float, who: str) -> Event:
    return Event(s(t), Kind.SPEAKING, who, True)


def off(t: float, who: str, at: float | None = None, inferred: bool = False) -> Event:
    return Event(
        s(t), Kind.SPEAKING, who, False, at=None if at is None else s(at), inferred=inferred
    )


def hand(t: float, who: str, raised: bool = True) -> Event:
    return Event(s(t), Kind.HAND, who, raised)


def end(t: float) -> Event:
    return Event(s(t), Kind.END)


def clock(e: SessionEngine) -> dict[str, Micros]:
    """Floor time per person, overlap and silence as of the engine's time (M1, M3)."""
    silence, overlap = e.floor.totals(e.now)
    figures = {pid: e.floor.floor_of(pid, e.now) for pid in e.persons}
    return figures | {"overlap": overlap, "silence": silence}


def report(e: SessionEngine, *members: str) -> dict[str, Any]:
    return build_report(e, list(members), "F")


# -- retro-closing a segment (DOMAIN.md D4, D5) ----------------------------------------


def test_retro_close_keeps_floor_overlap_and_silence_exact() -> None:
    # D4/D5: A's off arrives at 10 but says speech stopped at 8. A alone [0, 5),
    # A and B [5, 8), B alone from 8.
    e = engine("A", "B")
    e.apply_all([on(0, "A"), on(5, "B"), off(10, "A", at=8)])
    assert e.persons["A"].airtime == s(8)
    assert clock(e) == {"A": s(5), "B": s(2), "F": 0, "overlap": s(3), "silence": 0}
    e.apply_all([off(12, "B"), end(20)])
    assert clock(e) == {"A": s(5), "B": s(4), "F": 0, "overlap": s(3), "silence": s(8)}
    assert sum(clock(e).values()) == s(20)


def test_retro_close_across_someone_elses_whole_segment() -> None:
    # D5: A really stopped at 2; B spoke [3, 4) alone, not over A.
    e = engine("A", "B")
    e.apply_all([on(0, "A"), on(3, "B"), off(4, "B"), off(6, "A", at=2)])
    assert clock(e) == {"A": s(2), "B": s(1), "F": 0, "overlap": 0, "silence": s(3)}
    assert e.persons["A"].airtime == s(2)


def test_retro_close_never_before_the_segment_started() -> None:
    # A segment cannot end before it began: closed at its start, zero length, discarded.
    e = engine("A")
    e.apply_all([on(10, "A"), off(11, "A", at=5)])
    a = e.persons["A"]
    assert (a.airtime, a.segments, a.speaking) == (0, [], False)
    assert clock(e)["silence"] == s(11)


def test_retro_close_is_bounded() -> None:
    # D4/D5: how far back a close may reach is bounded by MAX_RETRO_CLOSE.
    e = engine("A")
    e.apply_all([on(0, "A"), off(40, "A", at=1)])
    assert e.persons["A"].airtime == s(40) - MAX_RETRO_CLOSE


def test_at_later_than_t_is_ignored() -> None:
    # events.Event: `at` is never after `t`; the server's time wins (D4).
    e = engine("A")
    e.apply_all([on(0, "A"), off(5, "A", at=7)])
    assert e.persons["A"].airtime == s(5)


def test_inferred_close_is_marked() -> None:
    # D5: a segment closed at the last moment heard is marked inferred.
    e = engine("A")
    e.apply_all([on(0, "A"), off(9, "A", at=4, inferred=True)])
    seg = e.persons["A"].segments[-1]
    assert (seg.start, seg.end, seg.inferred) == (0, s(4), True)


# -- pause and consent (DOMAIN.md E2, E5) -----------------------------------------------


def test_pause_closes_the_segment_and_counts_as_listening() -> None:
    # E5: pause stops recording speech (the on at 5 is ignored); paused time [4, 10)
    # counts as listening. Airtime [0, 4) + [12, 13).
    e = engine("A")
    changes = e.apply_all([on(0, "A"), Event(s(4), Kind.PAUSE, "A", True)])
    assert [c.kind for c in changes[-2:]] == ["speaking", "paused"]
    e.apply_all([on(5, "A"), off(6, "A"), Event(s(10), Kind.PAUSE, "A", False)])
    e.apply_all([on(12, "A"), off(13, "A"), end(20)])
    a = report(e, "A")["members"][0]
    assert (a["airtime_s"], a["listening_s"], a["present_s"]) == (5.0, 6.0, 20.0)
    assert a["status"] == "participant"


def test_paused_half_of_presence_is_listened() -> None:
    # E5 + M6: paused [0, 10) of 20 s present is half: "listened".
    e = engine("A")
    e.apply_all([Event(0, Kind.PAUSE, "A", True), Event(s(10), Kind.PAUSE, "A", False), end(20)])
    assert report(e, "A")["members"][0]["status"] == "listened"


def test_listening_and_paused_together_count_once() -> None:
    # E5: listening [2, 8) and paused [5, 12) overlap; listening time is [2, 12).
    e = engine("A")
    e.apply_all([Event(s(2), Kind.LISTENING, "A", True), Event(s(5), Kind.PAUSE, "A", True)])
    e.apply_all([Event(s(8), Kind.LISTENING, "A", False), Event(s(12), Kind.PAUSE, "A", False)])
    e.apply(end(20))
    assert report(e, "A")["members"][0]["listening_s"] == 10.0


def test_consent_withdrawal_closes_the_segment_and_lowers_the_hand() -> None:
    # E2: withdrawal takes effect at once. Hand raised at 1, speaking from 2 (under
    # 3 s, so not lowered by speech), withdrawn at 4: segment [2, 4), wait 3. Nothing
    # counts while withdrawn; consent again at 10 resumes presence.
    e = engine("A")
    e.apply_all([hand(1, "A"), on(2, "A"), Event(s(4), Kind.CONSENT, "A", False)])
    a = e.persons["A"]
    assert (a.speaking, a.hand_up, a.airtime, a.hand_wait_total) == (False, False, s(2), s(3))
    e.apply_all([on(5, "A"), hand(6, "A"), off(7, "A"), Event(s(10), Kind.CONSENT, "A", True)])
    e.apply(end(20))
    block = report(e, "A")["members"][0]
    assert (block["airtime_s"], block["present_s"], block["hand_raises"]) == (2.0, 14.0, 1)


def test_consent_events_do_not_apply_to_the_facilitator() -> None:
    # SCENARIO.md: the facilitator is always tracked.
    e = engine("A")
    assert e.apply(Event(s(1), Kind.CONSENT, "F", False)) == []
    assert e.persons["F"].tracked


def test_member_without_consent_is_not_tracked() -> None:
    # E2: no consent, no tracking; shown as not tracked, never as silent.
    e = SessionEngine()
    e.add_person("A", "A")
    e.apply_all([Event(0, Kind.JOIN, "A"), on(1, "A"), off(5, "A")])
    a = e.persons["A"]
    assert (a.airtime, status(a, e.now)) == (0, "not_tracked")


# -- time: advance, next_due, errors --------------------------------------------------


def session_with_hands() -> list[Event]:
    return [
        hand(1, "A"), on(2, "A"), hand(2.5, "B"), on(3, "B"), off(4.5, "A"),
        on(4.5, "A"), off(6.25, "B"), on(7, "B"), hand(8, "A"), off(11, "A"),
        Event(s(12), Kind.LISTENING, "B", True), off(14, "B", at=13.5), end(20),
    ]  # fmt: skip


def test_advance_is_path_independent() -> None:
    # engine.py: advancing in many small steps then applying equals applying directly.
    direct = engine("A", "B")
    direct_changes = direct.apply_all(session_with_hands())
    stepped = engine("A", "B")
    stepped_changes: list[Change] = []
    for event in session_with_hands():
        while stepped.now + s(0.07) < event.t:
            stepped_changes += stepped.advance(stepped.now + s(0.07))
        stepped_changes += stepped.apply(event)
    assert report(stepped, "A", "B") == report(direct, "A", "B")
    assert stepped_changes == direct_changes
    assert clock(stepped) == clock(direct)


def test_hands_in_the_path_independence_session_came_down_by_speech() -> None:
    # R1, by hand: A raised at 1, speaking from 2 (off+on at 4.5 is no break), so
    # down at 5: wait 4. A raised again at 8, still speaking since 2: down at once.
    # B raised at 2.5, speaking from 3, down at 6: wait 3.5.
    e = engine("A", "B")
    e.apply_all(session_with_hands())
    a, b = report(e, "A", "B")["members"]
    assert (a["hand_raises"], a["mean_hand_wait_s"]) == (2, 2.0)
    assert (b["hand_raises"], b["mean_hand_wait_s"]) == (1, 3.5)


def test_advance_lowers_hands_at_their_due_times_in_order() -> None:
    # R1: A's hand is due at 3 (speaking since 0), B's at 4 (since 1).
    e = engine("A", "B")
    e.apply_all([on(0, "A"), hand(0.5, "A"), on(1, "B"), hand(1, "B")])
    changes = e.advance(s(10))
    lowered = {"raised": False, "reason": "spoke"}
    assert changes == [Change("hand", s(3), "A", lowered), Change("hand", s(4), "B", lowered)]
    assert e.now == s(10)


def test_next_due() -> None:
    # engine.py: the next instant at which time alone changes the state.
    e = engine("A")
    assert e.next_due() is None
    e.apply(on(1, "A"))
    assert e.next_due() is None  # nobody's hand is up
    e.apply(hand(2, "A"))
    assert e.next_due() == s(4)  # R1: 3 s after the segment started at 1
    assert e.advance(s(3.999)) == []
    assert e.persons["A"].hand_up
    assert len(e.advance(s(4))) == 1
    assert (e.next_due(), e.persons["A"].hand_up) == (None, False)


def test_unknown_person_is_a_domain_error() -> None:
    e = engine("A")
    with pytest.raises(DomainError, match="'Zed' is not in this session"):
        e.apply(Event(s(1), Kind.JOIN, "Zed"))


def test_time_running_backwards_is_a_domain_error() -> None:
    e = engine("A")
    e.apply(on(5, "A"))
    with pytest.raises(DomainError, match="before the session's time"):
        e.apply(off(4, "A"))
    e.advance(s(8))
    with pytest.raises(DomainError):
        e.apply(off(7.5, "A"))
    assert e.persons["A"].speaking  # the rejected events changed nothing


def test_events_at_the_same_time_are_fine() -> None:
    e = engine("A")
    e.apply_all([on(5, "A"), off(5, "A"), on(5, "A")])
    assert e.persons["A"].speaking


def test_ended_session_ignores_further_events() -> None:
    e = engine("A")
    e.apply_all([on(1, "A"), end(10)])
    assert e.apply(on(11, "A")) == []
    assert e.advance(s(30)) == []
    assert report(e, "A")["duration_s"] == 10.0


# -- live figures ---------------------------------------------------------------


def test_live_figures_include_the_open_segment() -> None:
    # M1 and M2 mid-session: A speaking since 2 is at 3 s of airtime and one turn
    # (by its length so far) at 5; B's closed [0, 0.5) is a backchannel.
    e = engine("A", "B")
    e.apply_all([on(0, "B"), off(0.5, "B"), on(2, "A")])
    e.advance(s(5))
    group = group_figures(e, e.now)
    a = person_figures(e, e.persons["A"], e.now, group)
    b = person_figures(e, e.persons["B"], e.now, group)
    assert (a["airtime_s"], a["floor_s"], a["turns"], a["present_s"]) == (3.0, 3.0, 1, 5.0)
    assert (b["airtime_s"], b["backchannels"], b["turns"]) == (0.5, 1, 0)
    assert (a["share"], b["share"]) == (0.857, 0.143)  # 3 / 3.5 and 0.5 / 3.5
