"""What the visual session report draws beyond SCENARIO.md's figures.

Everything is keyed by person id, so one member's entries can be dropped when they
delete their data (`without_person`). The cost is proportional to the session's
segments and hand raises, plus at most SAMPLES points per person for the
cumulative-airtime chart.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.domain.clock import Micros, to_s
from app.domain.engine import SessionEngine
from app.domain.person import Person, Segment
from app.domain.views import status

SAMPLES = 200  # cumulative airtime: at most this many evenly spaced points per person, and the end
SECOND: Micros = 1_000_000


def report_details(engine: SessionEngine, people: list[str], now: Micros) -> dict[str, Any]:
    """Timeline segments, cumulative airtime, hand waits and how speech was detected."""
    persons = [engine.persons[pid] for pid in people]
    tracked = {p.id for p in persons if status(p, now) != "not_tracked"}  # as the report's blocks
    segments = {p.id: closed_segments(p, now) for p in persons if p.id in tracked}
    return {
        "people": [{"id": p.id, "name": p.name if p.id in tracked else None, "role": p.role.value}
                   for p in persons],
        "segments": [
            {"person": pid, "start_s": to_s(s.start), "end_s": to_s(s.end),
             "source": s.source.value, "inferred": s.inferred}
            for pid, mine in segments.items() for s in mine
        ],
        "cumulative": [point for pid, mine in segments.items() for point in cumulative(pid, mine, now)],
        "hand_waits": [wait for p in persons if p.id in tracked for wait in hand_waits(p, now)],
        "detection": detection(segments),
    }


def closed_segments(p: Person, now: Micros) -> list[Segment]:
    """The person's speech up to `now`, an open stretch closed there."""
    if p.seg_start is None or now <= p.seg_start:
        return list(p.segments)
    return [*p.segments, Segment(p.seg_start, now, p.seg_source)]


def cumulative(pid: str, segments: list[Segment], now: Micros) -> list[dict[str, Any]]:
    """Airtime so far at evenly spaced whole seconds (at most SAMPLES of them) and at the end."""
    points, spoken, index = [], 0, 0
    ordered = sorted(segments, key=lambda s: s.start)
    step = max(SECOND, -(-now // SAMPLES // SECOND) * SECOND)
    marks = [*range(0, now, step), now]
    for mark in marks:
        while index < len(ordered) and ordered[index].end <= mark:
            spoken += ordered[index].end - ordered[index].start
            index += 1
        partial = max(0, mark - ordered[index].start) if index < len(ordered) else 0
        points.append({"person": pid, "t_s": to_s(mark), "airtime_s": to_s(spoken + partial)})
    return points


def hand_waits(p: Person, now: Micros) -> list[dict[str, Any]]:
    waits = list(p.hand_waits)
    if p.hand_raised_at is not None:
        waits.append((p.hand_raised_at, now))
    return [{"person": p.id, "raised_s": to_s(raised), "lowered_s": to_s(lowered),
             "wait_s": to_s(lowered - raised)} for raised, lowered in waits]  # fmt: skip


def detection(segments: dict[str, list[Segment]]) -> dict[str, Any]:
    """Which sources marked speech, for how long, and how many segment ends were inferred (D5)."""
    seconds: Counter[str] = Counter()
    inferred = 0
    for mine in segments.values():
        for s in mine:
            seconds[s.source.value] += s.end - s.start
            inferred += s.inferred
    return {"sources": {source: to_s(total) for source, total in sorted(seconds.items())},
            "segments": sum(len(mine) for mine in segments.values()), "inferred_ends": inferred}  # fmt: skip


def without_person(details: dict[str, Any], pid: str) -> dict[str, Any]:
    """The same details with one person's entries gone (DOMAIN.md E9 deletion).

    The detection totals stay as they were, like the group figures."""
    keep = {key: [row for row in details.get(key, []) if row.get("person") != pid] for key in RAW_KEYS}
    keep["people"] = [row for row in details.get("people", []) if row.get("id") != pid]
    return details | keep


RAW_KEYS = ("segments", "cumulative", "hand_waits")


def without_raw(details: dict[str, Any]) -> dict[str, Any]:
    """The details once the raw speaking events are purged (E9): only the totals stay."""
    return details | {key: [] for key in RAW_KEYS} | {"raw_purged": True}
