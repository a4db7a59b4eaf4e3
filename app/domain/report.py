"""The participation report (SCENARIO.md "Output") and the live per-person figures."""

from __future__ import annotations

from typing import Any

from app.domain.clock import Micros, to_s
from app.domain.engine import SessionEngine
from app.domain.person import Person
from app.domain.rules import TURN_MIN, UTTERANCE_GAP
from app.domain.views import GroupFigures, group_figures, status

MEMBER_FIELDS = (
    "present_s", "listening_s", "airtime_s", "floor_s", "share", "fair_share_ratio",
    "turns", "backchannels", "mean_turn_s", "longest_turn_s", "first_contribution_s",
    "interruptions_made", "interruptions_received", "hand_raises", "mean_hand_wait_s",
)  # fmt: skip


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def person_figures(
    engine: SessionEngine, p: Person, now: Micros, group: GroupFigures
) -> dict[str, Any]:
    """One person's report block as of `now` (every field of SCENARIO.md)."""
    state = status(p, now)
    block: dict[str, Any] = {"name": p.name, "status": state}
    if state == "not_tracked":
        return block | dict.fromkeys(MEMBER_FIELDS)
    waits = p.hand_wait_total + (now - p.hand_raised_at if p.hand_raised_at is not None else 0)
    turns, backchannels, turn_total, longest, first = utterance_counts(p, now)
    block |= {
        "present_s": to_s(p.presence.value(now)),
        "listening_s": to_s(p.listening_time.value(now)),
        "airtime_s": to_s(p.airtime_at(now)),
        "floor_s": to_s(engine.floor.floor_of(p.id, now)),
        "share": _ratio(group.shares.get(p.id)),
        "fair_share_ratio": _ratio(group.fair_share(p.id)),
        "turns": turns,
        "backchannels": backchannels,
        "mean_turn_s": to_s(turn_total // turns) if turns else None,
        "longest_turn_s": to_s(longest) if turns else None,
        "first_contribution_s": None if first is None else to_s(first),
        "interruptions_made": p.interruptions_made,
        "interruptions_received": p.interruptions_received,
        "hand_raises": p.hand_raises,
        "mean_hand_wait_s": to_s(waits // p.hand_raises) if p.hand_raises else None,
    }
    return block


def utterance_counts(p: Person, now: Micros) -> tuple[int, int, Micros, Micros, Micros | None]:
    """Turn figures, counting utterances not yet final by their length so far (live view)."""
    turns, backchannels = p.turns, p.backchannels
    total, longest, first = p.turn_total, p.longest_turn, p.first_turn
    pending = [(u.start, u.end) for u in p.utterances[p.finalized :]]
    if p.seg_start is not None:
        if pending and p.seg_start - pending[-1][1] < UTTERANCE_GAP:
            pending[-1] = (pending[-1][0], now)
        else:
            pending.append((p.seg_start, now))
    for start, end in pending:
        if end - start >= TURN_MIN:
            turns += 1
            total += end - start
            longest = max(longest, end - start)
            first = start if first is None else first
        else:
            backchannels += 1
    return turns, backchannels, total, longest, first


def group_block(engine: SessionEngine, now: Micros, group: GroupFigures) -> dict[str, Any]:
    silence, overlap = engine.floor.totals(now)
    b = group.balance
    return {
        "participants": len(group.participants),
        "total_speech_s": to_s(group.total_speech),
        "overlap_s": to_s(overlap),
        "silence_s": to_s(silence),
        "gini": _ratio(b.gini),
        "gini_normalized": _ratio(b.gini_normalized),
        "evenness": _ratio(b.evenness),
        "effective_speakers": _ratio(b.effective_speakers),
    }


def prompt_entries(engine: SessionEngine) -> list[dict[str, Any]]:
    """SCENARIO.md's prompt list: `{t, kind, about, text}` in time order."""
    return [
        {"t": to_s(p.t), "kind": p.kind,
         "about": engine.persons[p.about].name if p.about else None, "text": p.text}
        for p in engine.prompt_log.issued
    ]  # fmt: skip


def build_report(
    engine: SessionEngine,
    members: list[str],
    facilitator: str | None,
    now: Micros | None = None,
) -> dict[str, Any]:
    """SCENARIO.md's report: members in the given order, as of the end (or `now`)."""
    if now is None:
        now = engine.ended_at if engine.ended_at is not None else engine.now
    group = group_figures(engine, now)
    fac = engine.persons[facilitator] if facilitator is not None else None
    return {
        "duration_s": to_s(now),
        "members": [person_figures(engine, engine.persons[m], now, group) for m in members],
        "facilitator": None if fac is None else person_figures(engine, fac, now, group),
        "group": group_block(engine, now, group),
        "prompts": prompt_entries(engine),
    }
