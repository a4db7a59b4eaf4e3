"""What the visual report draws: segments, cumulative airtime, hand waits, detection."""

from __future__ import annotations

import json
from itertools import pairwise

from app.domain.report_details import without_person, without_raw
from app.domain.scenario import parse_scenario
from app.domain.simulate import simulate

SCENARIO = {
    "duration_s": 150, "facilitator": "Fay",
    "members": [{"name": "Ana"}, {"name": "Ben"}, {"name": "Cy", "consent": False}],
    "events": [
        {"t": 5, "type": "speaking", "member": "Ana", "on": True},
        {"t": 30, "type": "hand", "member": "Ben", "raised": True},
        {"t": 45, "type": "call", "member": "Ben"},
        {"t": 50, "type": "speaking", "member": "Ben", "on": True},
        {"t": 65, "type": "speaking", "member": "Ana", "on": False},  # 15 s of overlap with Ben
        {"t": 70, "type": "speaking", "member": "Ben", "on": False},
        {"t": 80, "type": "speaking", "member": "Cy", "on": True},  # never consented: ignored
        {"t": 100, "type": "hand", "member": "Ana", "raised": True},
        {"t": 120, "type": "speaking", "member": "Fay", "on": True},
    ],
}  # fmt: skip


def report() -> dict:
    return simulate(parse_scenario(json.dumps(SCENARIO)), details=True)


def test_segments_lanes_and_overlap_are_kept_per_person() -> None:
    details = report()["details"]
    spans = [(s["person"], s["start_s"], s["end_s"], s["source"]) for s in details["segments"]]
    assert spans == [("Ana", 5.0, 65.0, "import"), ("Ben", 50.0, 70.0, "import"), ("Fay", 120.0, 150.0, "import")]
    assert [p["name"] for p in details["people"]] == ["Ana", "Ben", None, "Fay"]  # Cy is not tracked


def test_cumulative_airtime_ends_at_each_persons_airtime() -> None:
    whole = report()
    points = [p for p in whole["details"]["cumulative"] if p["person"] == "Ana"]
    at = {p["t_s"]: p["airtime_s"] for p in points}
    assert (at[0.0], at[5.0], at[35.0], at[60.0], at[120.0], at[150.0]) == (0.0, 0.0, 30.0, 55.0, 60.0, 60.0)
    assert points[-1]["airtime_s"] == whole["members"][0]["airtime_s"]


def test_cumulative_airtime_has_at_most_two_hundred_points_a_person() -> None:
    long = SCENARIO | {"duration_s": 3 * 3600}
    points = [p for p in simulate(parse_scenario(json.dumps(long)), details=True)["details"]["cumulative"]
              if p["person"] == "Ana"]  # fmt: skip
    steps = {round(b["t_s"] - a["t_s"], 3) for a, b in pairwise(points[:-1])}
    assert len(points) <= 201 and steps == {54.0}


def test_hand_waits_include_a_hand_still_up_at_the_end() -> None:
    waits = [(w["person"], w["wait_s"]) for w in report()["details"]["hand_waits"]]
    assert waits == [("Ana", 50.0), ("Ben", 15.0)]


def test_detection_totals_match_the_speech() -> None:
    detection = report()["details"]["detection"]
    assert detection == {"sources": {"import": 110.0}, "segments": 3, "inferred_ends": 0}


def test_a_deleted_person_leaves_no_entry_and_the_purge_keeps_only_totals() -> None:
    details = report()["details"]
    gone = without_person(details, "Ben")
    assert "Ben" not in json.dumps({k: gone[k] for k in ("people", "segments", "cumulative", "hand_waits")})
    assert gone["detection"] == details["detection"]
    purged = without_raw(details)
    assert (purged["segments"], purged["cumulative"], purged["hand_waits"], purged["raw_purged"]) == ([], [], [], True)
    assert purged["detection"] == details["detection"]


def test_the_scenario_report_is_unchanged_without_details() -> None:
    plain = simulate(parse_scenario(json.dumps(SCENARIO)))
    assert "details" not in plain and {k: v for k, v in report().items() if k != "details"} == plain
