"""`airtime simulate --rttm`: diarization files into the same engine (SCENARIO.md, DOMAIN.md D3).

Expected figures are worked out by hand from the segments.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.scenario import ScenarioError, parse_rttm
from app.domain.simulate import simulate


def line(file_id: str, start: str, length: str, speaker: str) -> str:
    return f"SPEAKER {file_id} 1 {start} {length} <NA> <NA> {speaker} <NA> <NA>"


# bob: [0,2) + [1,3) (overlapping) + [3,4) in another file (touching): union [0, 4).
# alice: [1.5, 2.5). carol: [6, 8). Comments, blank lines and other records skipped.
MEETING = "\n".join(
    [
        ";; diarization output",
        "# exported by a tool",
        "SPKR-INFO f1 1 <NA> <NA> <NA> unknown bob <NA> <NA>",
        "",
        line("f1", "0.00", "2.00", "bob"),
        line("f1", "1.50", "1.00", "alice"),
        line("f1", "1.00", "2.00", "bob"),
        line("f2", "3.00", "1.00", "bob"),
        line("f2", "6.0", "2.0", "carol"),
        "",
    ]
)


def figures(report: dict[str, Any], key: str) -> list[Any]:
    return [m[key] for m in report["members"]]


def test_speakers_in_order_of_first_appearance_present_throughout() -> None:
    # SCENARIO.md: every speaker is a member present for the whole session.
    scenario = parse_rttm(MEETING)
    assert scenario.members == ["bob", "alice", "carol"]
    report = simulate(scenario)
    assert report["duration_s"] == 8.0  # the largest segment end
    assert figures(report, "present_s") == [8.0, 8.0, 8.0]
    assert figures(report, "status") == ["participant"] * 3
    assert report["facilitator"] is None


def test_overlapping_and_touching_segments_of_one_speaker_count_once() -> None:
    # SCENARIO.md: a speaker's overlapping or touching segments count once; several
    # file ids are pooled. bob's union [0, 4) is one 4 s turn (not 5 s of airtime).
    report = simulate(parse_rttm(MEETING))
    assert figures(report, "airtime_s") == [4.0, 1.0, 2.0]
    assert figures(report, "turns") == [1, 1, 1]
    assert figures(report, "longest_turn_s") == [4.0, 1.0, 2.0]


def test_rttm_floor_overlap_silence_and_balance() -> None:
    # DOMAIN.md M1, M3: bob alone [0,1.5)+[2.5,4), both [1.5,2.5), carol alone [6,8),
    # nobody [4,6). M7-M9 over 4, 1, 2 (sum 7): G = 2*(1+3+2) / (2*3*7) = 2/7,
    # G* = 3/7, J = (ln 7 - (10/7) ln 2) / ln 3 = 0.86992, effective 49/21.
    report = simulate(parse_rttm(MEETING))
    assert figures(report, "floor_s") == [3.0, 0.0, 2.0]
    assert figures(report, "share") == [0.571, 0.143, 0.286]
    assert figures(report, "interruptions_made") == [0, 0, 0]  # bob ends after alice
    assert report["group"] == {
        "participants": 3, "total_speech_s": 7.0, "overlap_s": 1.0, "silence_s": 2.0,
        "gini": 0.286, "gini_normalized": 0.429, "evenness": 0.87, "effective_speakers": 2.333,
    }  # fmt: skip


def test_duration_override_cuts_segments_past_it() -> None:
    # SCENARIO.md: `--duration S`; carol's [6, 8) is cut to [6, 7).
    report = simulate(parse_rttm(MEETING, Decimal(7)))
    assert report["duration_s"] == 7.0
    assert figures(report, "airtime_s") == [4.0, 1.0, 1.0]
    assert report["group"]["silence_s"] == 2.0


def test_duration_override_before_a_speakers_first_segment() -> None:
    # bob's union is cut to [0, 3.5); carol, who only speaks from 6, stays a
    # member present throughout with no speech.
    report = simulate(parse_rttm(MEETING, Decimal("3.5")))
    assert figures(report, "airtime_s") == [3.5, 1.0, 0.0]
    assert figures(report, "present_s") == [3.5, 3.5, 3.5]


def test_duration_override_longer_than_the_file() -> None:
    report = simulate(parse_rttm(MEETING, Decimal(10)))
    assert report["group"]["silence_s"] == 4.0  # [4, 6) and [8, 10)


def test_empty_first_segment_still_fixes_the_speakers_place() -> None:
    # SCENARIO.md: listed in order of first appearance; zed's first line is empty.
    text = "\n".join([line("f", "0.5", "0", "zed"), line("f", "1", "1", "amy"),
                      line("f", "2", "1", "zed")])  # fmt: skip
    scenario = parse_rttm(text)
    assert scenario.members == ["zed", "amy"]
    assert figures(simulate(scenario), "airtime_s") == [1.0, 1.0]


def test_no_speaker_lines() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_rttm(";; nothing here\n")
    assert str(info.value) == "no SPEAKER lines"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("SPEAKER f1 1 0.0 1.0 <NA> <NA>", "line 4: a SPEAKER line needs at least 8 fields"),
        ("SPEAKER f1", "line 4: a SPEAKER line needs at least 8 fields"),
        (line("f1", "abc", "1.0", "bob"), 'line 4: start "abc" is not a number'),
        (line("f1", "1.0", "<NA>", "bob"), 'line 4: duration "<NA>" is not a number'),
        (line("f1", "-1", "1.0", "bob"), 'line 4: start "-1" must be a number >= 0'),
        (line("f1", "1.0", "-0.5", "bob"), 'line 4: duration "-0.5" must be a number >= 0'),
        (line("f1", "nan", "1.0", "bob"), 'line 4: start "nan" must be a number >= 0'),
        (line("f1", "1.0", "Infinity", "bob"), 'line 4: duration "Infinity" must be a number >= 0'),
    ],
)
def test_bad_line_names_its_line_number(bad: str, message: str) -> None:
    # SCENARIO.md: a bad RTTM line is malformed input, named by its line.
    text = "\n".join(
        [";; header", "", line("f1", "0", "1", "bob"), bad, line("f1", "2", "1", "bob")]
    )
    with pytest.raises(ScenarioError) as info:
        parse_rttm(text)
    assert str(info.value) == message
