"""Scenarios through `parse_scenario` + `simulate`, checked against hand-computed reports.

Every expected number below was worked out by hand from DOMAIN.md M1-M10, R1 and
SCENARIO.md's rules, never by re-running the engine.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.domain.scenario import parse_scenario
from app.domain.simulate import simulate

# -- helpers ------------------------------------------------------------------


def run(
    members: list[str | dict[str, Any]],
    events: list[dict[str, Any]] | None = None,
    duration: float = 100,
    facilitator: str | None = None,
) -> dict[str, Any]:
    """Build a scenario as JSON text, parse it and simulate it."""
    raw: dict[str, Any] = {
        "duration_s": duration,
        "members": [m if isinstance(m, dict) else {"name": m} for m in members],
        "events": events or [],
    }
    if facilitator is not None:
        raw["facilitator"] = facilitator
    return simulate(parse_scenario(json.dumps(raw)))


def ev(t: float, type_: str, member: str | None = None, **flags: bool) -> dict[str, Any]:
    event: dict[str, Any] = {"t": t, "type": type_, **flags}
    if member is not None:
        event["member"] = member
    return event


def speak(member: str, start: float, end: float) -> list[dict[str, Any]]:
    """A speaking segment [start, end) as an on and an off event."""
    return [ev(start, "speaking", member, on=True), ev(end, "speaking", member, on=False)]


def block(report: dict[str, Any], name: str) -> dict[str, Any]:
    if report["facilitator"] is not None and report["facilitator"]["name"] == name:
        return report["facilitator"]  # type: ignore[no-any-return]
    return next(m for m in report["members"] if m["name"] == name)


NULL_FIELDS = dict.fromkeys(
    (
        "present_s", "listening_s", "airtime_s", "floor_s", "share", "fair_share_ratio",
        "turns", "backchannels", "mean_turn_s", "longest_turn_s", "first_contribution_s",
        "interruptions_made", "interruptions_received", "hand_raises", "mean_hand_wait_s",
    )
)  # fmt: skip


# -- the worked examples ------------------------------------------------------


def test_scenario_md_worked_example_gives_the_documented_report() -> None:
    # SCENARIO.md "Input" and "Output": the full report, field by field.
    raw = {
        "duration_s": 1800,
        "facilitator": "Fay",
        "members": [{"name": "Ana"}, {"name": "Ben"}, {"name": "Cy", "consent": False}],
        "settings": {"hand_order": "fifo", "prompts": True},
        "events": [
            {"t": 0, "type": "join", "member": "Ana"},
            {"t": 5.0, "type": "speaking", "member": "Ana", "on": True},
            {"t": 20.0, "type": "speaking", "member": "Ana", "on": False},
            {"t": 30, "type": "hand", "member": "Ben", "raised": True},
            {"t": 45, "type": "call", "member": "Ben"},
            {"t": 45, "type": "speaking", "member": "Ben", "on": True},
            {"t": 55, "type": "speaking", "member": "Ben", "on": False},
            {"t": 60, "type": "listening", "member": "Cy", "on": True},
            {"t": 900, "type": "leave", "member": "Ben"},
        ],
    }
    # Shares 15/25 and 10/25; G = |15-10|*2 / (2*2*25) = 0.1, G* = 0.2;
    # J = -(0.6 ln 0.6 + 0.4 ln 0.4) / ln 2 = 0.97095; 1 / (0.36 + 0.16) = 1.923.
    assert simulate(parse_scenario(json.dumps(raw))) == {
        "duration_s": 1800.0,
        "members": [
            {"name": "Ana", "status": "participant",
             "present_s": 1800.0, "listening_s": 0.0,
             "airtime_s": 15.0, "floor_s": 15.0, "share": 0.6, "fair_share_ratio": 1.2,
             "turns": 1, "backchannels": 0, "mean_turn_s": 15.0, "longest_turn_s": 15.0,
             "first_contribution_s": 5.0,
             "interruptions_made": 0, "interruptions_received": 0,
             "hand_raises": 0, "mean_hand_wait_s": None},
            {"name": "Ben", "status": "participant",
             "present_s": 900.0, "listening_s": 0.0,
             "airtime_s": 10.0, "floor_s": 10.0, "share": 0.4, "fair_share_ratio": 0.8,
             "turns": 1, "backchannels": 0, "mean_turn_s": 10.0, "longest_turn_s": 10.0,
             "first_contribution_s": 45.0,
             "interruptions_made": 0, "interruptions_received": 0,
             "hand_raises": 1, "mean_hand_wait_s": 15.0},
            {"name": "Cy", "status": "not_tracked", **NULL_FIELDS},
        ],
        "facilitator": {"name": "Fay", "status": "facilitator",
                        "present_s": 1800.0, "listening_s": 0.0,
                        "airtime_s": 0.0, "floor_s": 0.0, "share": None, "fair_share_ratio": None,
                        "turns": 0, "backchannels": 0, "mean_turn_s": None, "longest_turn_s": None,
                        "first_contribution_s": None,
                        "interruptions_made": 0, "interruptions_received": 0,
                        "hand_raises": 0, "mean_hand_wait_s": None},
        "group": {"participants": 2, "total_speech_s": 25.0, "overlap_s": 0.0,
                  "silence_s": 1775.0, "gini": 0.1, "gini_normalized": 0.2,
                  "evenness": 0.971, "effective_speakers": 1.923},
        # The document's sample output predates prompts; by DOMAIN.md P1 Ana, the only
        # participant left after Ben leaves at 900, has been silent for 15 min at 920:
        # the session's first invitation is group-level (P2), the next names her once
        # the 5-minute spacing allows (P0), and the 15-minute rule stops a third.
        "prompts": [
            {"t": 920.0, "kind": "group_invite", "about": None,
             "text": "Is there anyone who hasn't had a chance yet and would like to? "
                     "Passing is always fine."},
            {"t": 1220.0, "kind": "invite_quieter", "about": "Ana",
             "text": "You might check whether Ana would like to add anything. "
                     "Passing is always fine."},
        ],
    }  # fmt: skip


def test_domain_md_worked_example_40_30_20_10() -> None:
    # DOMAIN.md M7-M9 worked example: shares 0.4/0.3/0.2/0.1, G = 0.25, G* = 1/3,
    # J = 1.27985 / ln 4 = 0.923, effective speakers 1 / 0.3 = 3.333.
    events = speak("A", 0, 40) + speak("B", 40, 70) + speak("C", 70, 90) + speak("D", 90, 100)
    report = run(["A", "B", "C", "D"], events, duration=100)
    assert [m["share"] for m in report["members"]] == [0.4, 0.3, 0.2, 0.1]
    assert [m["fair_share_ratio"] for m in report["members"]] == [1.6, 1.2, 0.8, 0.4]
    assert [m["floor_s"] for m in report["members"]] == [40.0, 30.0, 20.0, 10.0]
    assert report["group"] == {
        "participants": 4, "total_speech_s": 100.0, "overlap_s": 0.0, "silence_s": 0.0,
        "gini": 0.25, "gini_normalized": 0.333, "evenness": 0.923, "effective_speakers": 3.333,
    }  # fmt: skip


def test_participant_with_zero_speech_counts_in_gini() -> None:
    # DOMAIN.md M8: participants with zero speech included. T = 30, 0:
    # G = 2*30 / (2*2*30) = 0.5, G* = 1; J = -(1 ln 1) / ln 2 = 0; effective 1.
    report = run(["A", "B"], speak("A", 0, 30), duration=60)
    assert block(report, "B")["share"] == 0.0
    assert block(report, "B")["fair_share_ratio"] == 0.0
    assert report["group"] == {
        "participants": 2, "total_speech_s": 30.0, "overlap_s": 0.0, "silence_s": 30.0,
        "gini": 0.5, "gini_normalized": 1.0, "evenness": 0.0, "effective_speakers": 1.0,
    }  # fmt: skip


# -- ordering and ties ----------------------------------------------------------


def test_events_are_applied_in_t_order_not_file_order() -> None:
    # SCENARIO.md: events are applied in `t` order.
    events = [ev(20, "speaking", "A", on=False), ev(10, "speaking", "A", on=True)]
    assert block(run(["A"], events), "A")["airtime_s"] == 10.0


def test_file_order_breaks_ties_raise_then_call() -> None:
    # SCENARIO.md: file order breaks ties. Raised then called at 10: wait 0.
    events = [ev(10, "hand", "A", raised=True), ev(10, "call", "A")]
    a = block(run(["A"], events), "A")
    assert (a["hand_raises"], a["mean_hand_wait_s"]) == (1, 0.0)


def test_file_order_breaks_ties_call_then_raise() -> None:
    # SCENARIO.md: the call comes first and finds no hand (a no-op), so the hand
    # stays up until the session ends at 100: wait 90.
    events = [ev(10, "call", "A"), ev(10, "hand", "A", raised=True)]
    a = block(run(["A"], events), "A")
    assert (a["hand_raises"], a["mean_hand_wait_s"]) == (1, 90.0)


def test_file_order_breaks_ties_leave_then_speak() -> None:
    # SCENARIO.md: leave applies first, so the speaking-on at the same instant is
    # for someone absent and ignored.
    events = [ev(10, "leave", "A"), ev(10, "speaking", "A", on=True)]
    a = block(run(["A"], events, duration=20), "A")
    assert (a["present_s"], a["airtime_s"]) == (10.0, 0.0)


def test_file_order_breaks_ties_join_then_speak() -> None:
    # SCENARIO.md: the join applies first, so the speaking-on at 10 counts.
    events = [ev(10, "join", "A"), ev(10, "speaking", "A", on=True)]
    events += [ev(20, "speaking", "A", on=False)]
    assert block(run(["A"], events), "A")["airtime_s"] == 10.0


def test_file_order_breaks_ties_speak_then_join() -> None:
    # SCENARIO.md: the speaking-on comes first, for someone not yet present: ignored.
    events = [ev(10, "speaking", "A", on=True), ev(10, "join", "A")]
    events += [ev(20, "speaking", "A", on=False)]
    a = block(run(["A"], events), "A")
    assert (a["present_s"], a["airtime_s"]) == (90.0, 0.0)


def test_off_and_on_at_one_instant_is_no_break() -> None:
    # SCENARIO.md: speaking off and on at one instant, the segment continues:
    # one turn of 10 s, not two of 2 s and 8 s.
    events = speak("A", 10, 12) + speak("A", 12, 20)
    a = block(run(["A"], events), "A")
    assert a["airtime_s"] == 10.0
    assert (a["turns"], a["backchannels"]) == (1, 0)
    assert (a["mean_turn_s"], a["longest_turn_s"]) == (10.0, 10.0)


def test_off_and_on_at_one_instant_joins_two_short_pieces_into_a_turn() -> None:
    # 0.6 s + 0.4 s with no break is a 1.0 s utterance, so a turn (DOMAIN.md M2).
    events = speak("A", 10, 10.6) + speak("A", 10.6, 11)
    a = block(run(["A"], events), "A")
    assert (a["turns"], a["backchannels"], a["mean_turn_s"]) == (1, 0, 1.0)


def test_zero_length_segment_is_discarded() -> None:
    # SCENARIO.md: zero-length segments are discarded; no speech at all.
    a = block(run(["A"], speak("A", 10, 10)), "A")
    assert (a["airtime_s"], a["turns"], a["backchannels"]) == (0.0, 0, 0)
    assert a["first_contribution_s"] is None


def test_zero_length_segment_does_not_stretch_an_utterance() -> None:
    # [5, 5.5) then a zero-length segment at 6.0: if that empty segment counted, the
    # utterance would be [5, 6.0), a 1.0 s turn. It must stay a 0.5 s backchannel.
    events = speak("A", 5, 5.5) + speak("A", 6.0, 6.0)
    a = block(run(["A"], events), "A")
    assert (a["turns"], a["backchannels"], a["airtime_s"]) == (0, 1, 0.5)


# -- utterances, turns, backchannels (DOMAIN.md M2) ----------------------------------


@pytest.mark.parametrize(
    ("end", "start"),
    [(1.74, 2.74), (0.3, 1.3), (4.35, 5.35), (0.1, 1.1), (10.07, 11.07)],
)
def test_gap_of_exactly_one_second_is_not_merged(end: float, start: float) -> None:
    # DOMAIN.md M2 (gaps *shorter* than 1.0 s merge) and SCENARIO.md: decimal times
    # compare exactly, whatever binary floating point says about `start - end`.
    events = speak("A", 0, end) + speak("A", start, 20)
    a = block(run(["A"], events), "A")
    assert a["turns"] + a["backchannels"] == 2


def test_gap_of_1_74_to_2_74_gives_two_utterances() -> None:
    # DOMAIN.md M2: [0.5, 1.74) is a 1.24 s turn; [2.74, 3.5) after a gap of
    # exactly 1.0 s is a separate 0.76 s backchannel.
    events = speak("A", 0.5, 1.74) + speak("A", 2.74, 3.5)
    a = block(run(["A"], events), "A")
    assert (a["turns"], a["backchannels"]) == (1, 1)
    assert (a["mean_turn_s"], a["longest_turn_s"], a["airtime_s"]) == (1.24, 1.24, 2.0)
    assert a["first_contribution_s"] == 0.5


def test_gap_of_0_999_seconds_is_merged() -> None:
    # DOMAIN.md M2: a 0.999 s gap merges; the utterance [0.5, 3.5) is 3.0 s long
    # (pauses included, SCENARIO.md), while airtime is only the speech: 1.24 + 0.761.
    events = speak("A", 0.5, 1.74) + speak("A", 2.739, 3.5)
    a = block(run(["A"], events), "A")
    assert (a["turns"], a["backchannels"]) == (1, 0)
    assert (a["mean_turn_s"], a["longest_turn_s"], a["airtime_s"]) == (3.0, 3.0, 2.001)


def test_utterance_of_exactly_one_second_is_a_turn() -> None:
    # DOMAIN.md M2: a turn is an utterance of 1.0 s or longer.
    a = block(run(["A"], speak("A", 10, 11)), "A")
    assert (a["turns"], a["backchannels"], a["mean_turn_s"]) == (1, 0, 1.0)
    assert a["first_contribution_s"] == 10.0


def test_utterance_just_under_one_second_is_a_backchannel() -> None:
    # DOMAIN.md M2 and M5: backchannels are counted separately and are no contribution.
    a = block(run(["A"], speak("A", 10, 10.999)), "A")
    assert (a["turns"], a["backchannels"]) == (0, 1)
    assert (a["mean_turn_s"], a["longest_turn_s"], a["first_contribution_s"]) == (None, None, None)
    assert a["airtime_s"] == 0.999


def test_turn_statistics_over_several_turns() -> None:
    # DOMAIN.md M2, M5: turns of 2, 4 and 3 s (mean 3, longest 4) and one
    # backchannel before them; the first contribution is the first *turn*.
    events = speak("A", 5, 5.5) + speak("A", 10, 12) + speak("A", 20, 24) + speak("A", 30, 33)
    a = block(run(["A"], events), "A")
    assert (a["turns"], a["backchannels"]) == (3, 1)
    assert (a["mean_turn_s"], a["longest_turn_s"]) == (3.0, 4.0)
    assert a["first_contribution_s"] == 10.0
    assert a["airtime_s"] == 9.5


# -- interruptions (DOMAIN.md M4) ----------------------------------------------------


def interruptions(report: dict[str, Any], name: str) -> tuple[int, int]:
    b = block(report, name)
    return b["interruptions_made"], b["interruptions_received"]


def test_interruption_strictly_inside_and_interrupted_ends_first() -> None:
    # DOMAIN.md M4: 10 < 15 < 20 < 25.
    report = run(["A", "B"], speak("A", 10, 20) + speak("B", 15, 25))
    assert interruptions(report, "A") == (0, 1)
    assert interruptions(report, "B") == (1, 0)
    # M1, M3: A alone 10-15, both 15-20, B alone 20-25.
    assert (block(report, "A")["floor_s"], block(report, "B")["floor_s"]) == (5.0, 5.0)
    assert (report["group"]["overlap_s"], report["group"]["silence_s"]) == (5.0, 85.0)


def test_no_interruption_when_the_interrupted_utterance_ends_later() -> None:
    # DOMAIN.md M4: e_j < e_i is required; here A talks on until 30.
    report = run(["A", "B"], speak("A", 10, 30) + speak("B", 15, 25))
    assert interruptions(report, "B") == (0, 0)
    assert interruptions(report, "A") == (0, 0)


def test_no_interruption_when_both_end_together() -> None:
    # DOMAIN.md M4: e_j < e_i is strict.
    report = run(["A", "B"], speak("A", 10, 25) + speak("B", 15, 25))
    assert interruptions(report, "B") == (0, 0)


def test_no_interruption_at_an_equal_start() -> None:
    # DOMAIN.md M4: s_j < start_i is strict.
    report = run(["A", "B"], speak("A", 10, 20) + speak("B", 10, 25))
    assert interruptions(report, "A") == (0, 0)
    assert interruptions(report, "B") == (0, 0)


def test_no_interruption_when_starting_as_the_other_stops() -> None:
    # DOMAIN.md M4: start_i < e_j is strict; a clean hand-over is no interruption.
    report = run(["A", "B"], speak("A", 10, 15) + speak("B", 15, 20))
    assert interruptions(report, "B") == (0, 0)


def test_interrupting_a_backchannel_counts() -> None:
    # DOMAIN.md M4: j's utterance may be a turn or a backchannel.
    report = run(["A", "B"], speak("A", 10, 10.5) + speak("B", 10.2, 12))
    assert block(report, "A")["backchannels"] == 1
    assert interruptions(report, "B") == (1, 0)
    assert interruptions(report, "A") == (0, 1)


def test_a_backchannel_interrupts_nobody() -> None:
    # DOMAIN.md M4: i must start a *turn*; a 0.7 s "mm-hm" is not one.
    report = run(["A", "B"], speak("A", 10, 20) + speak("B", 19.5, 20.2))
    assert interruptions(report, "B") == (0, 0)


def test_interruption_counted_once_per_pair_of_utterances() -> None:
    # DOMAIN.md M4: B's two segments (gap 0.5 s) are one utterance [15, 25): one count.
    events = speak("A", 10, 20) + speak("B", 15, 18) + speak("B", 18.5, 25)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (1, 0)
    assert interruptions(report, "A") == (0, 1)
    assert block(report, "B")["turns"] == 1


def test_each_interrupting_turn_counts_separately() -> None:
    # DOMAIN.md M4: two separate pairs of utterances, two interruptions.
    events = speak("A", 10, 20) + speak("B", 15, 25) + speak("A", 40, 50) + speak("B", 45, 55)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (2, 0)
    assert interruptions(report, "A") == (0, 2)


def test_interruption_through_a_short_pause_of_the_interrupted() -> None:
    # DOMAIN.md M4 with M2: A's [10, 14) and [14.5, 20) are one utterance [10, 20);
    # B starts at 14.2, in A's pause but inside A's utterance, and ends after it.
    events = speak("A", 10, 14) + speak("A", 14.5, 20) + speak("B", 14.2, 25)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (1, 0)
    assert interruptions(report, "A") == (0, 1)


def test_no_interruption_in_a_gap_of_one_second() -> None:
    # DOMAIN.md M2, M4: a 1.0 s gap splits A into [10, 14) and [15, 20); B's start
    # at 14.2 is inside neither.
    events = speak("A", 10, 14) + speak("A", 15, 20) + speak("B", 14.2, 25)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (0, 0)


def test_interrupted_utterance_is_measured_to_its_merged_end() -> None:
    # DOMAIN.md M4: B's turn [12, 16) starts inside A's [10, 14), but A goes on after
    # a 0.5 s pause until 18, so A's utterance [10, 18) ends after B's: no interruption.
    events = speak("A", 10, 14) + speak("B", 12, 16) + speak("A", 14.5, 18)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (0, 0)


def test_interrupted_utterance_still_growing_when_the_turn_is_settled() -> None:
    # DOMAIN.md M4: B's turn [12, 16) is settled when B's next utterance [17.2, 18)
    # closes, while A's segment from 14.5 (0.5 s after A's [10, 14)) is still open
    # and ends at 30: A's utterance [10, 30) ends after B's turn, no interruption.
    events = speak("A", 10, 14) + speak("B", 12, 16) + speak("B", 17.2, 18)
    events += speak("A", 14.5, 30)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (0, 0)
    assert interruptions(report, "A") == (0, 0)


def test_interruption_inside_an_off_and_on_at_one_instant() -> None:
    # SCENARIO.md + DOMAIN.md M4: A's off and on at 5 are no break, so B's start at 5
    # is strictly inside A's utterance [0, 10), which ends before B's [5, 12).
    events = speak("A", 0, 5) + speak("A", 5, 10) + speak("B", 5, 12)
    report = run(["A", "B"], events)
    assert interruptions(report, "B") == (1, 0)


def test_interruptions_among_three_speakers() -> None:
    # DOMAIN.md M4: A [0,5), B [2,8), C [4,10). B interrupts A (0<2<5<8);
    # C interrupts A (0<4<5<10) and B (2<4<8<10).
    events = speak("A", 0, 5) + speak("B", 2, 8) + speak("C", 4, 10)
    report = run(["A", "B", "C"], events, duration=12)
    assert interruptions(report, "A") == (0, 2)
    assert interruptions(report, "B") == (1, 1)
    assert interruptions(report, "C") == (2, 0)
    # M1, M3: A alone [0,2), C alone [8,10); two or more [2,8); nobody [10,12).
    assert [m["floor_s"] for m in report["members"]] == [2.0, 0.0, 2.0]
    assert (report["group"]["overlap_s"], report["group"]["silence_s"]) == (6.0, 2.0)


def test_interruption_at_the_end_of_the_session() -> None:
    # DOMAIN.md M4: B still speaks when the session ends at 30, closing B's turn
    # [15, 30) after A's [10, 20).
    events = speak("A", 10, 20) + [ev(15, "speaking", "B", on=True)]
    report = run(["A", "B"], events, duration=30)
    assert interruptions(report, "B") == (1, 0)


def test_both_speaking_at_the_end_is_no_interruption() -> None:
    # DOMAIN.md M4: both utterances end at the session's end, 30: e_j < e_i fails.
    events = [ev(10, "speaking", "A", on=True), ev(15, "speaking", "B", on=True)]
    report = run(["A", "B"], events, duration=30)
    assert interruptions(report, "B") == (0, 0)
    assert report["group"]["overlap_s"] == 15.0


# -- floor, overlap, silence (DOMAIN.md M1, M3) ----------------------------------------


def test_floor_and_overlap_with_three_overlapping_speakers() -> None:
    # DOMAIN.md M1, M3: A [0,10), B [2,8), C [4,6): A alone [0,2) and [8,10); two or
    # more speak [2,8); silence [10,20). Airtime counts overlap for everyone.
    events = speak("A", 0, 10) + speak("B", 2, 8) + speak("C", 4, 6)
    report = run(["A", "B", "C"], events, duration=20)
    assert [m["airtime_s"] for m in report["members"]] == [10.0, 6.0, 2.0]
    assert [m["floor_s"] for m in report["members"]] == [4.0, 0.0, 0.0]
    assert report["group"]["total_speech_s"] == 18.0
    assert (report["group"]["overlap_s"], report["group"]["silence_s"]) == (6.0, 10.0)
    # DOMAIN.md M4: everyone else ends before A, so no interruptions.
    assert [m["interruptions_made"] for m in report["members"]] == [0, 0, 0]


def test_silence_is_session_time_with_nobody_speaking() -> None:
    # DOMAIN.md M3: 100 s minus A's [10, 30) and B's [50, 60).
    report = run(["A", "B"], speak("A", 10, 30) + speak("B", 50, 60))
    assert (report["group"]["silence_s"], report["group"]["overlap_s"]) == (70.0, 0.0)


# -- hands (DOMAIN.md R1) ------------------------------------------------------------


def hands(report: dict[str, Any], name: str) -> tuple[int, float | None]:
    b = block(report, name)
    return b["hand_raises"], b["mean_hand_wait_s"]


def test_hand_is_lowered_by_a_segment_of_exactly_three_seconds() -> None:
    # DOMAIN.md R1, SCENARIO.md: the automatic lowering at 13 happens before the
    # speaking-off at 13. Raised at 5, so wait 8 (not 95, held to the end).
    events = [ev(5, "hand", "A", raised=True)] + speak("A", 10, 13)
    assert hands(run(["A"], events), "A") == (1, 8.0)


def test_automatic_lowering_comes_before_other_events_at_that_instant() -> None:
    # SCENARIO.md: at 13 the hand (raised at 5, speaking since 10) comes down first,
    # wait 8; the raise at 13 is then a new raise, and comes down at once: wait 0.
    events = [ev(5, "hand", "A", raised=True)] + speak("A", 10, 20)
    events += [ev(13, "hand", "A", raised=True)]
    assert hands(run(["A"], events), "A") == (2, 4.0)


def test_hand_stays_up_after_a_segment_just_under_three_seconds() -> None:
    # DOMAIN.md R1: 2.999 s of speaking does not lower it; the end at 100 does.
    events = [ev(5, "hand", "A", raised=True)] + speak("A", 10, 12.999)
    assert hands(run(["A"], events), "A") == (1, 95.0)


def test_hand_raised_after_three_seconds_of_speaking_comes_down_at_once() -> None:
    # SCENARIO.md: measured from the segment's start whether or not the hand was
    # up then; speaking since 10, raised at 13: wait 0.
    events = speak("A", 10, 20) + [ev(13, "hand", "A", raised=True)]
    assert hands(run(["A"], events), "A") == (1, 0.0)


def test_hand_raised_during_speech_comes_down_three_seconds_after_its_start() -> None:
    # DOMAIN.md R1: speaking since 10, raised at 12.5, lowered at 13: wait 0.5.
    events = speak("A", 10, 20) + [ev(12.5, "hand", "A", raised=True)]
    assert hands(run(["A"], events), "A") == (1, 0.5)


def test_off_and_on_at_one_instant_keeps_counting_toward_three_seconds() -> None:
    # SCENARIO.md: the segment [10, 12) continues at 12, so it has lasted 3 s at 13;
    # raised at 11, wait 2.
    events = [ev(11, "hand", "A", raised=True)] + speak("A", 10, 12) + speak("A", 12, 14)
    assert hands(run(["A"], events), "A") == (1, 2.0)


def test_a_real_break_restarts_the_three_seconds() -> None:
    # DOMAIN.md R1: after a 0.5 s break the new segment [12.5, 14.5) lasts only 2 s,
    # so the hand raised at 11 stays up until the end at 100: wait 89.
    events = [ev(11, "hand", "A", raised=True)] + speak("A", 10, 12) + speak("A", 12.5, 14.5)
    assert hands(run(["A"], events), "A") == (1, 89.0)


def test_hand_lowered_by_its_owner_and_by_call() -> None:
    # DOMAIN.md R1: waits 5 (lowered) and 10 (called): mean 7.5.
    events = [ev(10, "hand", "A", raised=False), ev(10, "hand", "A", raised=True)]
    events += [ev(15, "hand", "A", raised=False), ev(20, "hand", "A", raised=True)]
    events += [ev(30, "call", "A")]
    assert hands(run(["A"], events), "A") == (2, 7.5)


def test_repeated_raise_is_a_no_op() -> None:
    # SCENARIO.md: `hand raised` while raised is a no-op; one raise, wait 10.
    events = [ev(10, "hand", "A", raised=True), ev(15, "hand", "A", raised=True)]
    events += [ev(20, "call", "A")]
    assert hands(run(["A"], events), "A") == (1, 10.0)


def test_call_with_no_hand_up_is_a_no_op() -> None:
    # SCENARIO.md: `call` with no hand up is a no-op; the later raise waits 10.
    events = [ev(5, "call", "A"), ev(10, "hand", "A", raised=True), ev(20, "call", "A")]
    events += [ev(25, "call", "A")]
    assert hands(run(["A"], events), "A") == (1, 10.0)
    assert hands(run(["B"], [ev(5, "call", "B")]), "B") == (0, None)


def test_hand_still_up_at_the_end_counts_its_wait() -> None:
    # SCENARIO.md: the session's end lowers the hand; raised at 40 of 100, wait 60.
    assert hands(run(["A"], [ev(40, "hand", "A", raised=True)]), "A") == (1, 60.0)


# -- presence: join, leave, rejoin -------------------------------------------------


def test_leave_while_speaking_closes_the_segment_and_lowers_the_hand() -> None:
    # SCENARIO.md: leaving closes the open segment and lowers the hand at that moment.
    # Raised at 5, speaking from 10 (only 2 s, so no automatic lowering), left at 12.
    events = [ev(5, "hand", "A", raised=True), ev(10, "speaking", "A", on=True)]
    events += [ev(12, "leave", "A")]
    a = block(run(["A", "B"], events), "A")
    assert (a["present_s"], a["airtime_s"], a["turns"]) == (12.0, 2.0, 1)
    assert (a["hand_raises"], a["mean_hand_wait_s"]) == (1, 7.0)


def test_leave_after_three_seconds_of_speech_lowered_the_hand_earlier() -> None:
    # DOMAIN.md R1: speaking from 10 lowers the hand at 13 (wait 8), before leaving at 14.
    events = [ev(5, "hand", "A", raised=True), ev(10, "speaking", "A", on=True)]
    events += [ev(14, "leave", "A")]
    a = block(run(["A"], events), "A")
    assert (a["airtime_s"], a["mean_hand_wait_s"]) == (4.0, 8.0)


def test_rejoin_after_leave_adds_presence() -> None:
    # SCENARIO.md: `leave` ends presence; a later `join` starts it again.
    # Present [10, 30) and [50, 60): 30 s. Speech while away (40-45) is ignored.
    events = [ev(10, "join", "A"), ev(30, "leave", "A")] + speak("A", 40, 45)
    events += [ev(50, "join", "A"), ev(60, "leave", "A")] + speak("A", 52, 55)
    a = block(run(["A"], events), "A")
    assert (a["present_s"], a["airtime_s"], a["status"]) == (30.0, 3.0, "participant")


def test_member_with_a_join_event_is_absent_until_it_applies() -> None:
    # SCENARIO.md: a member with a join event is absent until it applies; A joins at 40.
    a = block(run(["A"], [ev(40, "join", "A")]), "A")
    assert a["present_s"] == 60.0


def test_member_without_join_is_present_from_zero() -> None:
    # SCENARIO.md: no join event anywhere means present from 0, even after a leave.
    events = [ev(30, "leave", "A")]
    assert block(run(["A"], events), "A")["present_s"] == 30.0


def test_events_for_absent_members_are_ignored() -> None:
    # SCENARIO.md: A joins at 20; the on at 10 and the hand at 15 are ignored,
    # and the off at 25 finds A not speaking.
    events = [ev(10, "speaking", "A", on=True), ev(15, "hand", "A", raised=True)]
    events += [ev(16, "listening", "A", on=True)]
    events += [ev(20, "join", "A"), ev(25, "speaking", "A", on=False)]
    a = block(run(["A"], events), "A")
    assert (a["present_s"], a["airtime_s"], a["hand_raises"]) == (80.0, 0.0, 0)
    assert (a["listening_s"], a["status"]) == (0.0, "participant")


def test_repeated_join_and_leave_are_no_ops() -> None:
    # SCENARIO.md: repeated states are no-ops. Present [10, 50).
    events = [ev(10, "join", "A"), ev(20, "join", "A"), ev(50, "leave", "A")]
    events += [ev(60, "leave", "A")]
    assert block(run(["A"], events), "A")["present_s"] == 40.0


# -- the session's end -------------------------------------------------------------


def test_events_after_the_duration_are_ignored() -> None:
    # SCENARIO.md: the off at 70 is past the end at 60, so the end closes A's segment.
    events = speak("A", 50, 70)
    a = block(run(["A"], events, duration=60), "A")
    assert a["airtime_s"] == 10.0


def test_events_at_exactly_the_duration_apply() -> None:
    # SCENARIO.md: events at exactly duration_s apply, then the session ends.
    # B's hand at 60 is raised and lowered by the end at once; A's off at 60 applies.
    events = speak("A", 50, 60) + [ev(60, "hand", "B", raised=True)]
    report = run(["A", "B"], events, duration=60)
    assert block(report, "A")["airtime_s"] == 10.0
    assert hands(report, "B") == (1, 0.0)


def test_join_at_exactly_the_duration_leaves_the_member_absent() -> None:
    # SCENARIO.md: the join at 60 applies, but the session ends at that instant.
    b = block(run(["A", "B"], [ev(60, "join", "B")], duration=60), "B")
    assert (b["status"], b["present_s"]) == ("absent", 0.0)


def test_join_only_after_the_duration_still_makes_a_member_absent() -> None:
    # SCENARIO.md: "one with *any* join event is absent until a join applies". B's
    # only join is past the end, so B never joins, rather than being present from 0.
    b = block(run(["A", "B"], [ev(61, "join", "B")], duration=60), "B")
    assert (b["status"], b["present_s"]) == ("absent", 0.0)


def test_speaking_at_the_end_is_closed_by_the_end() -> None:
    # SCENARIO.md: the end closes an open segment at that moment.
    report = run(["A"], [ev(90, "speaking", "A", on=True)])
    assert block(report, "A")["airtime_s"] == 10.0
    assert block(report, "A")["turns"] == 1


# -- statuses (DOMAIN.md M6, SCENARIO.md) ------------------------------------------------


def test_non_consenting_member_is_not_tracked_and_excluded_everywhere() -> None:
    # DOMAIN.md E2, SCENARIO.md: `consent: false` ignores all of C's events; C's
    # speech [10, 20) counts for neither overlap nor silence, so A [15, 25) holds the
    # floor alone and silence is 90.
    members: list[str | dict[str, Any]] = ["A", {"name": "C", "consent": False}]
    events = speak("C", 10, 20) + speak("A", 15, 25) + [ev(12, "hand", "C", raised=True)]
    report = run(members, events)
    assert block(report, "C") == {"name": "C", "status": "not_tracked", **NULL_FIELDS}
    assert block(report, "A")["floor_s"] == 10.0
    assert interruptions(report, "A") == (0, 0)
    assert report["group"] == {
        "participants": 1, "total_speech_s": 10.0, "overlap_s": 0.0, "silence_s": 90.0,
        "gini": 0.0, "gini_normalized": None, "evenness": None, "effective_speakers": 1.0,
    }  # fmt: skip


def test_listening_exactly_half_of_presence_is_listened() -> None:
    # DOMAIN.md M6: participants listen *less than* half; 50 of 100 s is "listened",
    # so only B is a participant and A's share is null.
    events = [ev(50, "listening", "A", on=True)] + speak("A", 10, 20) + speak("B", 30, 40)
    report = run(["A", "B"], events)
    a = block(report, "A")
    assert (a["status"], a["listening_s"], a["present_s"]) == ("listened", 50.0, 100.0)
    assert (a["share"], a["fair_share_ratio"], a["airtime_s"]) == (None, None, 10.0)
    assert block(report, "B")["share"] == 1.0
    assert (report["group"]["participants"], report["group"]["total_speech_s"]) == (1, 10.0)


def test_listening_just_under_half_of_presence_is_a_participant() -> None:
    # DOMAIN.md M6: 49.999 of 100 s listening is under half.
    report = run(["A"], [ev(50.001, "listening", "A", on=True)])
    a = block(report, "A")
    assert (a["status"], a["listening_s"]) == ("participant", 49.999)


def test_listening_off_stops_counting() -> None:
    # DOMAIN.md E5: listening can be switched off again; [10, 30) is 20 s.
    events = [ev(10, "listening", "A", on=True), ev(30, "listening", "A", on=False)]
    a = block(run(["A"], events), "A")
    assert (a["status"], a["listening_s"]) == ("participant", 20.0)


def test_listening_survives_leave_and_rejoin_and_counts_only_while_present() -> None:
    # SCENARIO.md: listening is a preference that survives leaving and rejoining,
    # and counts only while present: [10, 20) + [60, 100) = 50 of 60 present.
    events = [ev(0, "join", "A"), ev(10, "listening", "A", on=True), ev(20, "leave", "A")]
    events += [ev(60, "join", "A")]
    a = block(run(["A"], events), "A")
    assert (a["present_s"], a["listening_s"], a["status"]) == (60.0, 50.0, "listened")


def test_listener_speech_counts_for_overlap_and_interruptions() -> None:
    # SCENARIO.md: overlap, silence, floor and interruptions count everyone tracked,
    # listeners included; total_speech_s counts participants only.
    events = [ev(0, "listening", "L", on=True)] + speak("A", 10, 20) + speak("L", 15, 25)
    report = run(["A", "L"], events)
    assert block(report, "L")["status"] == "listened"
    assert interruptions(report, "L") == (1, 0)
    assert report["group"]["overlap_s"] == 5.0
    assert report["group"]["total_speech_s"] == 10.0


def test_absent_member_reports_zeros_and_nulls() -> None:
    # SCENARIO.md: absent (present for no time at all) members report zero times
    # and counts, and null where a value is undefined.
    report = run(["A", "B"], [ev(100, "join", "B")] + speak("A", 0, 10))
    assert block(report, "B") == {
        "name": "B", "status": "absent", "present_s": 0.0, "listening_s": 0.0,
        "airtime_s": 0.0, "floor_s": 0.0, "share": None, "fair_share_ratio": None,
        "turns": 0, "backchannels": 0, "mean_turn_s": None, "longest_turn_s": None,
        "first_contribution_s": None, "interruptions_made": 0, "interruptions_received": 0,
        "hand_raises": 0, "mean_hand_wait_s": None,
    }  # fmt: skip
    assert report["group"]["participants"] == 1


def test_facilitator_block_counts_for_floor_overlap_and_interruptions_not_shares() -> None:
    # SCENARIO.md: the facilitator is tracked and counts for overlap, silence, floor
    # and interruptions, in their own block outside the shares. F [0, 10), A [5, 20):
    # A interrupts F (0 < 5 < 10 < 20); F alone [0,5), A alone [10,20), both [5,10).
    report = run(["A"], speak("F", 0, 10) + speak("A", 5, 20), facilitator="F")
    assert report["facilitator"] == {
        "name": "F", "status": "facilitator", "present_s": 100.0, "listening_s": 0.0,
        "airtime_s": 10.0, "floor_s": 5.0, "share": None, "fair_share_ratio": None,
        "turns": 1, "backchannels": 0, "mean_turn_s": 10.0, "longest_turn_s": 10.0,
        "first_contribution_s": 0.0, "interruptions_made": 0, "interruptions_received": 1,
        "hand_raises": 0, "mean_hand_wait_s": None,
    }  # fmt: skip
    a = block(report, "A")
    assert (a["share"], a["fair_share_ratio"], a["floor_s"]) == (1.0, 1.0, 10.0)
    assert interruptions(report, "A") == (1, 0)
    assert report["group"] == {
        "participants": 1, "total_speech_s": 15.0, "overlap_s": 5.0, "silence_s": 80.0,
        "gini": 0.0, "gini_normalized": None, "evenness": None, "effective_speakers": 1.0,
    }  # fmt: skip


def test_facilitator_takes_hands_and_presence_events() -> None:
    # SCENARIO.md: the facilitator takes every event type members take.
    events = [ev(20, "join", "F"), ev(30, "hand", "F", raised=True), ev(35, "call", "F")]
    report = run(["A"], events, facilitator="F")
    assert report["facilitator"]["present_s"] == 80.0
    assert hands(report, "F") == (1, 5.0)


def test_rounds_change_no_figures() -> None:
    # SCENARIO.md: a round only holds back invitation prompts (DOMAIN.md P1).
    events = [ev(0, "round", on=True), ev(10, "round", on=True), ev(30, "round", on=False)]
    report = run(["A"], events + speak("A", 5, 15))
    assert block(report, "A")["airtime_s"] == 10.0
    assert report["prompts"] == []


def test_no_facilitator_gives_null_block() -> None:
    # SCENARIO.md: `facilitator` is null when there is none.
    assert run(["A"])["facilitator"] is None


def test_members_keep_the_input_order() -> None:
    # SCENARIO.md: `members` keeps the input order.
    report = run(["Zoe", "Al", "Mo"], speak("Mo", 0, 1) + speak("Al", 2, 3))
    assert [m["name"] for m in report["members"]] == ["Zoe", "Al", "Mo"]


# -- undefined values (DOMAIN.md M10) -------------------------------------------------


def test_single_participant_gini_zero_and_the_rest_null() -> None:
    # SCENARIO.md: with one participant, gini is 0; G* and J are null (N < 2).
    report = run(["A"], speak("A", 0, 30))
    a = block(report, "A")
    assert (a["share"], a["fair_share_ratio"]) == (1.0, 1.0)
    assert report["group"] == {
        "participants": 1, "total_speech_s": 30.0, "overlap_s": 0.0, "silence_s": 70.0,
        "gini": 0.0, "gini_normalized": None, "evenness": None, "effective_speakers": 1.0,
    }  # fmt: skip


def test_no_speech_at_all_gives_null_group_metrics() -> None:
    # DOMAIN.md M10, SCENARIO.md: no speech, so the group metrics and shares are null.
    report = run(["A", "B"], duration=50)
    assert report["group"] == {
        "participants": 2, "total_speech_s": 0.0, "overlap_s": 0.0, "silence_s": 50.0,
        "gini": None, "gini_normalized": None, "evenness": None, "effective_speakers": None,
    }  # fmt: skip
    for m in report["members"]:
        assert (m["share"], m["fair_share_ratio"], m["status"]) == (None, None, "participant")


def test_only_the_facilitator_speaks() -> None:
    # SCENARIO.md: shares are null while the participants' total speech is zero,
    # even though the facilitator spoke.
    report = run(["A"], speak("F", 0, 20), facilitator="F")
    assert block(report, "A")["share"] is None
    assert report["group"]["total_speech_s"] == 0.0
    assert report["group"]["gini"] is None
    assert (report["group"]["silence_s"], report["facilitator"]["floor_s"]) == (80.0, 20.0)


def test_zero_duration_session() -> None:
    # SCENARIO.md: duration_s may be 0; nobody is present for any time.
    report = run(["A"], [ev(0, "speaking", "A", on=True)], duration=0)
    assert report["duration_s"] == 0.0
    assert block(report, "A")["status"] == "absent"
    assert report["group"]["silence_s"] == 0.0
