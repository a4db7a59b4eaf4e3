"""Prompts to the facilitator (DOMAIN.md P0-P5) and the hand queue (R2), exact.

Scenarios go through `parse_scenario` + `simulate` like tests/unit/test_scenarios.py.
Every expected second was worked out by hand from the rules as docs/prompts.md
states them: checks run at each whole second k, after the events before k and
before those stamped exactly k; windows are [k - quiet_window_s, k).

Most tests use small thresholds so the arithmetic stays readable; the DEFAULTS
section repeats the main boundaries with P5's defaults.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.domain.clock import s
from app.domain.engine import SessionEngine
from app.domain.events import Event, Kind, Role
from app.domain.prompts import Prompt, follow_through
from app.domain.rules import GroupSettings, HandOrder
from app.domain.scenario import parse_scenario
from app.domain.simulate import engine_for, simulate
from app.domain.views import hand_queue
from app.domain.wording import (
    FACILITATOR_AIRTIME,
    GROUP_INVITE,
    INVITE_QUIETER,
    LONG_TURN,
    PHRASINGS,
    phrase,
)

G, IQ, LT, FA = "group_invite", "invite_quieter", "long_turn", "facilitator_airtime"

# Small thresholds: invitations from 60 s over a 90 s window, ten seconds between
# prompts. The silence clause, the member gap and long turns are out of reach
# unless a test lowers them.
SMALL: dict[str, Any] = {
    "quiet_after_s": 60,
    "quiet_window_s": 90,
    "silent_for_s": 1000,
    "member_prompt_gap_s": 1000,
    "prompt_gap_s": 10,
    "long_turn_s": 1000,
}

# -- helpers ------------------------------------------------------------------


def scenario_text(
    members: list[str | dict[str, Any]],
    events: list[dict[str, Any]],
    duration: float,
    settings: dict[str, Any] | None = None,
    facilitator: str | None = None,
) -> str:
    raw: dict[str, Any] = {
        "duration_s": duration,
        "members": [m if isinstance(m, dict) else {"name": m} for m in members],
        "events": events,
        "settings": SMALL if settings is None else settings,
    }
    if facilitator is not None:
        raw["facilitator"] = facilitator
    return json.dumps(raw)


def run(*args: Any, **kwargs: Any) -> list[tuple[float, str, str | None]]:
    """Simulate a scenario and return its prompts as (t, kind, about)."""
    report = simulate(parse_scenario(scenario_text(*args, **kwargs)))
    return [(p["t"], p["kind"], p["about"]) for p in report["prompts"]]


def texts(*args: Any, **kwargs: Any) -> list[str]:
    report = simulate(parse_scenario(scenario_text(*args, **kwargs)))
    return [p["text"] for p in report["prompts"]]


def ran(*args: Any, **kwargs: Any) -> SessionEngine:
    """The engine after the whole scenario, to read what the report leaves out."""
    scenario = parse_scenario(scenario_text(*args, **kwargs))
    engine = engine_for(scenario)
    engine.apply_all(scenario.events)
    return engine


def ev(t: float, type_: str, member: str | None = None, **flags: bool) -> dict[str, Any]:
    event: dict[str, Any] = {"t": t, "type": type_, **flags}
    if member is not None:
        event["member"] = member
    return event


def speak(member: str, start: float, end: float) -> list[dict[str, Any]]:
    return [ev(start, "speaking", member, on=True), ev(end, "speaking", member, on=False)]


def with_(**changes: Any) -> dict[str, Any]:
    return {**SMALL, **changes}


# -- P0/P1: the session has run quiet_after_s ----------------------------------


def test_no_invitation_before_the_session_has_run_quiet_after() -> None:
    # P1: session >= 60 s. B never speaks (window ratio 2*0/10 = 0), but 59 is the
    # last whole second of a 59.9 s session.
    assert run(["A", "B"], speak("A", 0, 10), duration=59.9) == []


def test_first_invitation_at_quiet_after_then_the_named_one() -> None:
    # P1 at k = 60 (>= quiet_after); P2: the first is group-level, the next names B
    # once P0's 10 s spacing allows; A (ratio 2, silent 60 s) never qualifies.
    assert run(["A", "B"], speak("A", 0, 10), duration=75) == [(60, G, None), (70, IQ, "B")]


def test_a_check_at_the_sessions_last_instant_still_runs() -> None:
    # P0: the check at k = 60 comes before the end event stamped 60.
    assert run(["A", "B"], speak("A", 0, 10), duration=60) == [(60, G, None)]


def test_prompts_false_gives_none() -> None:
    # P5: `prompts: false` switches every kind off.
    events = speak("A", 0, 200)
    settings = with_(prompts=False, long_turn_s=50)
    assert run(["A", "B"], events, duration=200, settings=settings, facilitator="F") == []


# -- P1: the member has been present quiet_after_s ---------------------------------


@pytest.mark.parametrize(
    ("joins", "first"),
    [
        ([ev(10, "join", "B")], 70),  # present 60 s at k = 70
        ([ev(10.5, "join", "B")], 71),  # 59.5 s at 70 (under), 60.5 s at 71
        ([ev(10.000001, "join", "B")], 71),  # a microsecond under at 70
        # Total presence, not since the last join: 20 + (70 - 30) = 60 at k = 70.
        ([ev(0, "join", "B"), ev(20, "leave", "B"), ev(30, "join", "B")], 70),
    ],
)
def test_member_must_have_been_present_quiet_after(joins: list[dict[str, Any]], first: int) -> None:
    # P1: B's window ratio is 0 from the start; only B's presence holds the prompt back.
    assert run(["A", "B"], speak("A", 0, 10) + joins, duration=72) == [(first, G, None)]


# -- P1: the window ratio below quiet_ratio -----------------------------------------


@pytest.mark.parametrize(("d_end", "expected"), [(50, []), (49.9, [(60, G, None), (70, IQ, "D")])])
def test_window_ratio_exactly_half_is_not_below(d_end: float, expected: list[Any]) -> None:
    # P1: A 30, B 20, C 20, D 10 in the window: D's ratio 4*10/80 = 0.5, not below.
    # With D at 9.9 s: 4*9.9/79.9 = 0.496 < 0.5. Others: 1.5, 1.0, 1.0.
    events = speak("A", 0, 30) + speak("B", 0, 20) + speak("C", 20, 40) + speak("D", 40, d_end)
    assert run(["A", "B", "C", "D"], events, duration=90) == expected


@pytest.mark.parametrize(("lowered", "expected"), [(98.5, [(99, G, None)]), (99, [])])
def test_window_covers_the_last_quiet_window_seconds(lowered: float, expected: list[Any]) -> None:
    # P1: B's hand holds invitations back until it comes down. At k = 99 the window
    # [9, 99) still holds one second of A's speech, so B's ratio is 0. A hand lowered
    # at 99 is still up at the check at 99 (P0); at 100 the window [10, 100) is empty,
    # the ratio undefined, and B's 100 s of silence is under silent_for_s (1000).
    events = speak("A", 0, 10) + [
        ev(50, "hand", "B", raised=True),
        ev(lowered, "hand", "B", raised=False),
    ]
    assert run(["A", "B"], events, duration=150) == expected


# -- P1: or silent for silent_for_s ------------------------------------------------------


@pytest.mark.parametrize(("a_end", "first"), [(10, 90), (10.5, 91), (10.000001, 91)])
def test_silent_for_counts_from_the_end_of_the_last_utterance(a_end: float, first: int) -> None:
    # P1: both ratios stay near 1; A has been silent 80 s at k = a_end + 80.
    events = speak("A", 0, a_end) + speak("B", 11, 21)
    settings = with_(silent_for_s=80)
    assert run(["A", "B"], events, duration=95, settings=settings) == [(first, G, None)]


@pytest.mark.parametrize(
    ("joins", "first"),
    [
        ([], 80),  # present from 0: silent 80 s at k = 80
        ([ev(0, "join", "B"), ev(10, "leave", "B"), ev(20, "join", "B")], 100),  # 100 - 20
    ],
)
def test_never_spoken_counts_silence_from_the_last_join(joins: list[Any], first: int) -> None:
    # P1: nobody speaks, so the ratio is undefined and only silence can trigger.
    settings = with_(silent_for_s=80)
    assert run(["B"], joins, duration=first + 5, settings=settings) == [(first, G, None)]


# -- P1, P0: spacing -------------------------------------------------------------------


@pytest.mark.parametrize(("gap", "times"), [(10, [60, 70, 80]), (11, [60, 71, 82])])
def test_global_gap_between_any_two_prompts(gap: float, times: list[int]) -> None:
    # P0: a prompt may come exactly prompt_gap_s after the last, not a second sooner.
    # B and C never speak (ratio 0, tied silence: roster order names B first).
    settings = with_(prompt_gap_s=gap, long_turn_s=1000)
    got = run(["A", "B", "C"], speak("A", 0, 200), duration=85, settings=settings)
    assert got == [(times[0], G, None), (times[1], IQ, "B"), (times[2], IQ, "C")]


def test_member_gap_spares_the_named_member_not_the_others() -> None:
    # P1: B named at 70 is not named again before 70 + 50 = 120 (at 119 only 49 s
    # have passed); C, named at 80, waits until 130. P2: phrasings rotate.
    settings = with_(member_prompt_gap_s=50)
    events = speak("A", 0, 200)
    got = run(["A", "B", "C"], events, duration=125, settings=settings)
    assert got == [(60, G, None), (70, IQ, "B"), (80, IQ, "C"), (120, IQ, "B")]
    assert texts(["A", "B", "C"], events, duration=125, settings=settings) == [
        GROUP_INVITE[0],
        INVITE_QUIETER[0].format(name="B"),
        INVITE_QUIETER[1].format(name="C"),
        INVITE_QUIETER[2].format(name="B"),
    ]


def test_global_gap_applies_across_kinds() -> None:
    # P0: a long-turn cue at 50 holds the first invitation back until 50 + 30 = 80.
    # A long-turn cue may come before the session's first (group) invitation.
    settings = with_(long_turn_s=50, prompt_gap_s=30)
    got = run(["A", "B"], speak("A", 0, 200), duration=115, settings=settings)
    assert got == [(50, LT, "A"), (80, G, None), (110, IQ, "B")]


def test_candidates_by_ratio_then_silence_then_roster() -> None:
    # P1 interpretation: the quietest first. At k = 100 (the round ends at 99.5) the
    # window [10, 100) holds Ann 90, Bo 2, Cas 1; N = 6, so Bo 6*2/93, Cas 6*1/93, and
    # Eli, Dee, Gus 0. Among the zeros the longest silent first: Dee and Gus 100 s
    # (roster order breaks the tie), Eli 95 s (spoke until 5). Then Cas, then Bo.
    roster = ["Ann", "Bo", "Cas", "Eli", "Dee", "Gus"]
    events = [ev(0, "round", on=True), ev(99.5, "round", on=False)]
    events += speak("Ann", 0, 200) + speak("Bo", 20, 22) + speak("Cas", 30, 31) + speak("Eli", 0, 5)
    settings = with_(prompt_gap_s=1)
    assert run(roster, events, duration=110, settings=settings) == [
        (100, G, None), (101, IQ, "Dee"), (102, IQ, "Gus"), (103, IQ, "Eli"),
        (104, IQ, "Cas"), (105, IQ, "Bo"),
    ]  # fmt: skip
    group = ran(roster, events, duration=110, settings=settings).prompt_log.issued[0]
    assert group.candidates == ("Dee", "Gus", "Eli", "Cas", "Bo")


# -- P1: hands and rounds -----------------------------------------------------------


def test_a_raised_hand_blocks_invitations_but_not_long_turn_cues() -> None:
    # P1: B's hand is up from 55 to 90.5, so no invitation at 60..90; P3's long-turn
    # cue at 70 still fires. Invitations follow at 91 and 91 + 5 = 96.
    settings = with_(long_turn_s=70, prompt_gap_s=5)
    events = speak("A", 0, 100) + [
        ev(55, "hand", "B", raised=True),
        ev(90.5, "hand", "B", raised=False),
    ]
    got = run(["A", "B"], events, duration=100, settings=settings)
    assert got == [(70, LT, "A"), (91, G, None), (96, IQ, "B")]


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [
        ([], [(60, G, None), (70, IQ, "B")]),
        # The round's end at 80 applies after the check at 80 (P0).
        ([ev(30, "round", on=True), ev(80, "round", on=False)], [(81, G, None)]),
    ],
)
def test_a_running_round_blocks_invitations(rounds: list[Any], expected: list[Any]) -> None:
    # P1: no invitation while a round runs.
    assert run(["A", "B"], speak("A", 0, 10) + rounds, duration=85) == expected


# -- P1, E5, E2: who can be named, and who counts in N ---------------------------------


@pytest.mark.parametrize(
    ("members", "extra", "expected"),
    [
        # N = 3: B's ratio 3*10/50 = 0.6; C never spoke (0) and is named.
        (["A", "B", "C"], [], [(60, G, None), (70, IQ, "C")]),
        # C listening: N = 2, B's ratio 2*10/50 = 0.4 < 0.5; C is never named.
        (["A", "B", "C"], [ev(0, "listening", "C", on=True)], [(60, G, None), (70, IQ, "B")]),
        # C stops listening at 65: at 70 N = 3 again, B is at 0.6 and C at 0.
        (
            ["A", "B", "C"],
            [ev(0, "listening", "C", on=True), ev(65, "listening", "C", on=False)],
            [(60, G, None), (70, IQ, "C")],
        ),
        # C never consented (E2): neither named nor counted.
        (["A", "B", {"name": "C", "consent": False}], [], [(60, G, None), (70, IQ, "B")]),
    ],
)
def test_listening_and_untracked_members_are_neither_named_nor_counted(
    members: list[Any], extra: list[Any], expected: list[Any]
) -> None:
    events = speak("A", 0, 40) + speak("B", 0, 10) + extra
    assert run(members, events, duration=85) == expected


def test_paused_members_are_neither_named_nor_counted() -> None:
    # E5: paused time counts as listening for prompts. As above with C paused.
    e = SessionEngine(GroupSettings(**SMALL))
    for name in ("A", "B", "C"):
        e.add_person(name, name)
    log = [Event(0, Kind.START)]
    log += [Event(0, Kind.CONSENT, n, True) for n in "ABC"] + [
        Event(0, Kind.JOIN, n) for n in "ABC"
    ]
    log += [Event(0, Kind.PAUSE, "C", True)]
    log += [Event(0, Kind.SPEAKING, "A", True), Event(0, Kind.SPEAKING, "B", True)]
    log += [Event(s(10), Kind.SPEAKING, "B", False), Event(s(40), Kind.SPEAKING, "A", False)]
    e.apply_all([*log, Event(s(85), Kind.END)])
    got = [(p.t, p.kind, p.about, p.candidates) for p in e.prompt_log.issued]
    assert got == [(s(60), G, None, ("B",)), (s(70), IQ, "B", ())]


# -- P3: long turns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 299.5, []),  # 299 s at the check at 299; not speaking at 300
        (0, 300, [300]),  # still speaking at the check at 300 (the off applies after)
        (0, 301, [300]),
        (0.5, 300.5, []),  # 299.5 s at 300
        (0.5, 301, [301]),
        (0.000001, 301, [301]),  # a microsecond under 300 s at 300
    ],
)
def test_long_turn_at_long_turn_s_with_defaults(
    start: float, end: float, expected: list[int]
) -> None:
    # P3, P5: long_turn_s = 300 by default; one member, so no invitation can compete.
    got = run(["A"], speak("A", start, end), duration=400, settings={})
    assert got == [(t, LT, "A") for t in expected]


@pytest.mark.parametrize(
    ("segments", "gap", "expected"),
    [
        ([(0, 100), (100.5, 200)], 10, [50]),  # a 0.5 s pause: one utterance, one cue
        ([(0, 100), (101, 200)], 10, [50, 151]),  # a 1 s pause: a new turn from 101
        ([(0, 60), (61, 130)], 70, [50, 120]),  # due at 111, spacing holds it to 120
        ([(0, 60), (61, 115)], 70, [50]),  # the turn ends before spacing allows it
    ],
)
def test_long_turn_once_per_turn(
    segments: list[tuple[float, float]], gap: int, expected: list[int]
) -> None:
    # P3: once per turn (segments merge across gaps under 1 s, M2); P0 spacing.
    events = [e for a, b in segments for e in speak("A", a, b)]
    settings = with_(long_turn_s=50, prompt_gap_s=gap, quiet_after_s=1000)
    assert run(["A"], events, duration=200, settings=settings) == [(t, LT, "A") for t in expected]
    wording = texts(["A"], events, duration=200, settings=settings)
    assert wording == [LONG_TURN[i % 2].format(name="A") for i in range(len(expected))]


@pytest.mark.parametrize(
    ("listening", "expected"),
    [
        ([ev(0, "listening", "A", on=True)], []),
        # Listening ends at 70, after the check at 70: the cue comes at 71.
        ([ev(0, "listening", "A", on=True), ev(70, "listening", "A", on=False)], [71]),
    ],
)
def test_no_long_turn_cue_about_someone_in_listening_mode(
    listening: list[Any], expected: list[int]
) -> None:
    # E5: while "I'd rather listen" is on, the member gets no prompts, even if they speak.
    settings = with_(long_turn_s=50, quiet_after_s=1000)
    events = listening + speak("A", 0, 100)
    assert run(["A"], events, duration=100, settings=settings) == [(t, LT, "A") for t in expected]


# -- P3: facilitator airtime -----------------------------------------------------------


@pytest.mark.parametrize(("f_end", "expected"), [(40, []), (41, [(60, FA, None)])])
def test_facilitator_cue_above_ratio_not_at_it(f_end: float, expected: list[Any]) -> None:
    # P3: (N+1)*T_f/(T_f + sum T) with A 10, B 10: 3*40/60 = 2.0 (not above), 3*41/61 > 2.
    events = speak("F", 0, f_end) + speak("A", 0, 10) + speak("B", 10, 20)
    assert run(["A", "B"], events, duration=90, facilitator="F") == expected


def test_facilitator_cue_at_most_once_per_member_gap() -> None:
    # P3: a round holds invitations back; F alone speaks (ratio 3*T/T = 3). Cues at
    # 60, then 60 + 50 and 110 + 50, though P0 would allow one every 10 s.
    settings = with_(member_prompt_gap_s=50)
    events = [ev(0, "round", on=True)] + speak("F", 0, 200)
    got = run(["A", "B"], events, duration=170, settings=settings, facilitator="F")
    assert got == [(60, FA, None), (110, FA, None), (160, FA, None)]
    wording = texts(["A", "B"], events, duration=170, settings=settings, facilitator="F")
    assert wording == [FACILITATOR_AIRTIME[0], FACILITATOR_AIRTIME[1], FACILITATOR_AIRTIME[0]]


def test_priority_long_turn_then_invitation_then_facilitator() -> None:
    # At 60 all three are due: the long turn wins. At 70 and 80 invitations beat the
    # facilitator cue (F at 3*70/80 and 3*80/90, above 2). At 90 B is within the
    # member gap and A is not quiet (ratio 2, silent 80 s), so the facilitator cue.
    settings = with_(long_turn_s=60)
    events = speak("F", 0, 100) + speak("A", 0, 10)
    got = run(["A", "B"], events, duration=95, settings=settings, facilitator="F")
    assert got == [(60, LT, "F"), (70, G, None), (80, IQ, "B"), (90, FA, None)]


# -- DEFAULTS (P5) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "expected"), [(599.9, []), (1000, [(600, G, None), (900, IQ, "B")])]
)
def test_defaults_session_age(duration: float, expected: list[Any]) -> None:
    # quiet_after_s 600, prompt_gap_s 300. B never speaks; A (ratio 2) is silent
    # 880 s at 900, under silent_for_s 900.
    assert run(["A", "B"], speak("A", 10, 20), duration=duration, settings={}) == expected


@pytest.mark.parametrize(("join", "first"), [(0, 600), (0.5, 601)])
def test_defaults_presence(join: float, first: int) -> None:
    # B present 599.5 s at 600 when joining at 0.5.
    events = speak("A", 10, 20) + [ev(join, "join", "B")]
    assert run(["A", "B"], events, duration=700, settings={}) == [(first, G, None)]


@pytest.mark.parametrize(
    ("d_end", "expected"), [(50, []), (49.9, [(600, G, None), (900, IQ, "D")])]
)
def test_defaults_ratio_exactly_half_is_not_below(d_end: float, expected: list[Any]) -> None:
    # quiet_ratio 0.5 over quiet_window_s 900: as the small test, D 4*10/80 = 0.5.
    events = speak("A", 0, 30) + speak("B", 0, 20) + speak("C", 20, 40) + speak("D", 40, d_end)
    assert run(["A", "B", "C", "D"], events, duration=900, settings={}) == expected


@pytest.mark.parametrize(("join", "first"), [(0, 900), (0.5, 901)])
def test_defaults_silent_for(join: float, first: int) -> None:
    # silent_for_s 900: with no speech at all the ratio is undefined, so at 600 no one
    # is quiet; from the join, 900 s of silence.
    events = [ev(join, "join", "A"), ev(join, "join", "B")]
    assert run(["A", "B"], events, duration=1000, settings={}) == [(first, G, None)]


def test_defaults_member_gap_and_global_gap() -> None:
    # A speaks in 99 s stretches with 1 s pauses (separate turns, none long). B and C
    # never speak. P0: 300 s between prompts; P1: 900 s before naming someone again,
    # so nothing at 1500 (B named 600 s ago, C 300 s ago).
    events = [e for i in range(21) for e in speak("A", 100 * i, 100 * i + 99)]
    got = run(["A", "B", "C"], events, duration=2100, settings={})
    assert got == [
        (600, G, None),
        (900, IQ, "B"),
        (1200, IQ, "C"),
        (1800, IQ, "B"),
        (2100, IQ, "C"),
    ]


@pytest.mark.parametrize(("f_end", "expected"), [(40, []), (41, [(600, FA, None)])])
def test_defaults_facilitator_ratio(f_end: float, expected: list[Any]) -> None:
    # facilitator_ratio 2.0: 3*40/60 = 2.0 is not above it.
    events = speak("F", 0, f_end) + speak("A", 0, 10) + speak("B", 10, 20)
    assert run(["A", "B"], events, duration=900, settings={}, facilitator="F") == expected


# -- P2: wording -----------------------------------------------------------------------------

# Every invitation phrasing offers to pass, in so many words.
OFFERS_TO_PASS = ("pass",)


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, options in PHRASINGS.items() for text in options]
)
def test_every_phrasing_is_free_of_numbers(kind: str, text: str) -> None:
    # P2: no digits or percentages about anyone.
    assert not any(ch.isdigit() for ch in text) and "%" not in text
    filled = phrase(kind, PHRASINGS[kind].index(text), "Jo")
    assert not any(ch.isdigit() for ch in filled) and "%" not in filled


@pytest.mark.parametrize("text", [*GROUP_INVITE, *INVITE_QUIETER])
def test_every_invitation_offers_to_pass(text: str) -> None:
    # P2: an invitation, with an offer to pass.
    assert any(offer in text.lower() for offer in OFFERS_TO_PASS)


def test_who_each_phrasing_names() -> None:
    # P2: group invitations and the facilitator's cue name nobody; the others name one.
    for text in (*GROUP_INVITE, *FACILITATOR_AIRTIME):
        assert "{name}" not in text
    for text in (*INVITE_QUIETER, *LONG_TURN):
        assert text.count("{name}") == 1


def test_phrasings_rotate_per_kind() -> None:
    for kind, options in PHRASINGS.items():
        for i in range(2 * len(options)):
            assert phrase(kind, i, "Jo") == options[i % len(options)].format(name="Jo")


# -- P4: follow-through ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("b_starts", "group", "named"),
    [(239.5, True, True), (249.5, False, True), (250, False, False)],
)
def test_follow_through_within_three_minutes(b_starts: float, group: bool, named: bool) -> None:
    # P4: the group invitation at 60 stood for B; it counts if B speaks in [60, 240).
    # The invitation naming B at 70 counts if B speaks in [70, 250).
    e = ran(["A", "B"], speak("A", 0, 10) + speak("B", b_starts, 255), duration=260)
    first, second = e.prompt_log.issued[:2]
    assert (first.kind, first.candidates, second.kind, second.about) == (G, ("B",), IQ, "B")
    assert follow_through(e, first, e.now) is group
    assert follow_through(e, second, e.now) is named


def test_follow_through_undecided_for_three_minutes_and_none_for_cues() -> None:
    scenario = parse_scenario(
        scenario_text(["A", "B"], speak("A", 0, 10) + speak("B", 100, 110), 300)
    )
    e = engine_for(scenario)
    e.apply_all(scenario.events[:-1])  # all but the end
    e.advance(s(239))
    named: Prompt = e.prompt_log.issued[1]
    assert follow_through(e, named, e.now) is None  # 169 s after 70
    e.advance(s(250))
    assert follow_through(e, named, e.now) is True
    cue = Prompt(99, s(60), LT, "A", "")
    assert follow_through(e, cue, e.now) is None


# -- R2: the hand queue ------------------------------------------------------------------------


def hands_engine(order: HandOrder) -> SessionEngine:
    """Airtime so far A 10, B 5, C 5, D 1, E 2 (E still speaking at 37); hands raised
    A 30, C 31, B 32, D 33, E 36."""
    e = SessionEngine(GroupSettings(hand_order=order))
    names = ("A", "B", "C", "D", "E")
    for name in names:
        e.add_person(name, name)
    e.add_person("F", "F", Role.FACILITATOR)
    e.apply(Event(0, Kind.START))
    e.apply_all([Event(0, Kind.CONSENT, n, True) for n in names])
    e.apply_all([Event(0, Kind.JOIN, n) for n in (*names, "F")])
    for who, a, b in (("A", 0, 10), ("B", 10, 15), ("C", 15, 20), ("D", 20, 21)):
        e.apply_all([Event(s(a), Kind.SPEAKING, who, True), Event(s(b), Kind.SPEAKING, who, False)])
    for who, t in (("A", 30), ("C", 31), ("B", 32), ("D", 33)):
        e.apply(Event(s(t), Kind.HAND, who, True))
    e.apply(Event(s(35), Kind.SPEAKING, "E", True))
    e.apply(Event(s(36), Kind.HAND, "E", True))  # R1: comes down at 38, after 3 s of speech
    e.advance(s(37))
    return e


def test_hand_queue_fifo_by_raise_time() -> None:
    # R2: fifo orders by raise time, whatever anyone's airtime.
    e = hands_engine("fifo")
    queue = [(h.person.id, h.position, h.raised_at, h.reason) for h in hand_queue(e, e.now)]
    assert queue == [
        ("A", 1, s(30), "raised first"),
        ("C", 2, s(31), "in the order hands went up"),
        ("B", 3, s(32), "in the order hands went up"),
        ("D", 4, s(33), "in the order hands went up"),
        ("E", 5, s(36), "in the order hands went up"),
    ]


def test_hand_queue_least_airtime_ties_by_raise_time() -> None:
    # R2: least airtime this session first (E's open segment counts: 2 s at 37);
    # B and C tie at 5 s, and C raised first.
    e = hands_engine("least_airtime")
    queue = [(h.person.id, h.position, h.reason) for h in hand_queue(e, e.now)]
    later = "ordered by least time spoken so far, then by when the hand went up"
    assert queue == [
        ("D", 1, "has spoken least so far of those waiting"),
        ("E", 2, later),
        ("C", 3, later),
        ("B", 4, later),
        ("A", 5, later),
    ]


def test_hand_queue_ties_at_one_instant_keep_event_order() -> None:
    # R2: equal raise times keep the log's order.
    e = SessionEngine()
    for name in ("A", "B"):
        e.add_person(name, name)
    e.apply_all(
        [Event(0, Kind.START), Event(0, Kind.CONSENT, "B", True), Event(0, Kind.CONSENT, "A", True)]
    )
    e.apply_all([Event(0, Kind.JOIN, "A"), Event(0, Kind.JOIN, "B")])
    e.apply_all([Event(s(5), Kind.HAND, "B", True), Event(s(5), Kind.HAND, "A", True)])
    assert [h.person.id for h in hand_queue(e, e.now)] == ["B", "A"]
