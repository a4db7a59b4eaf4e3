"""What each viewer sees: frames rendered from the fold's state (DOMAIN.md E6).

Facilitators see every person; a member sees only themselves, their own place in
the hand queue (never the reason) and, if the group allows, the balance headline.
"""

from __future__ import annotations

from typing import Any

from app.domain.clock import Micros, s, to_s
from app.domain.engine import SessionEngine
from app.domain.person import Person, Segment
from app.domain.report import group_block, utterance_counts
from app.domain.rules import WARM_UP_SPEECH
from app.domain.views import GroupFigures, HandPlace, group_figures, hand_queue, status

TIMELINE_WINDOW = s(600)  # the dashboard's strip shows the last ten minutes
# web/report-view.js uses the same words for the session report.
BALANCE_WORDS = ((0.15, "even"), (0.3, "fairly even"), (0.5, "uneven"), (1.01, "very uneven"))


def balance_words(gini_normalized: float | None) -> str | None:
    if gini_normalized is None:
        return None
    return next(words for limit, words in BALANCE_WORDS if gini_normalized < limit)


def headline(engine: SessionEngine, now: Micros, group: GroupFigures) -> dict[str, Any]:
    """The group's figures, hidden while warming up (DOMAIN.md M10)."""
    block = group_block(engine, now, group) | {"elapsed_s": to_s(now)}
    warming = group.total_speech < WARM_UP_SPEECH
    if warming:
        block |= dict.fromkeys(("gini", "gini_normalized", "evenness", "effective_speakers"))
    block["warming_up"] = warming
    block["balance"] = balance_words(block["gini_normalized"])
    return block


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def figures(p: Person, now: Micros, group: GroupFigures) -> dict[str, Any]:
    """The live numbers of one person (the part an `airtime` frame refreshes)."""
    last = p.last_spoke(now)
    since = last if last is not None else p.joined_at
    return {
        "id": p.id,
        "speaking": p.speaking,
        "airtime_s": to_s(p.airtime_at(now)),
        "share": _round(group.shares.get(p.id)),
        "fair_share_ratio": _round(group.fair_share(p.id)),
        "quiet_for_s": to_s(now - since) if p.present and since is not None else None,
        "turns": utterance_counts(p, now)[0],
    }


def hand_entry(place: HandPlace, now: Micros, with_reason: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"position": place.position, "raised_at_s": to_s(place.raised_at)}
    if with_reason:
        entry |= {"waited_s": to_s(now - place.raised_at), "reason": place.reason}
    return entry


def person_core(p: Person, now: Micros, group: GroupFigures) -> dict[str, Any]:
    """Someone's state as every viewer sees it; `connected` and `hand` depend on who looks."""
    return {
        "name": p.name,
        "role": p.role.value,
        "present": p.present,
        "connected": None,
        "tracked": p.tracked,
        "status": status(p, now),
        "speaking_since_s": to_s(p.seg_start) if p.seg_start is not None else None,
        "speaking_source": p.seg_source.value if p.seg_start is not None else None,
        "listening": p.listening,
        "paused": p.paused,
        "cofacilitator": p.cofacilitator,
        "removed": p.removed,
        "hand": None,
        "last_segment": segment_entry(p.id, p.segments[-1]) if p.segments else None,
    } | figures(p, now, group)


def with_viewer(core: dict[str, Any], p: Person, now: Micros, queue: list[HandPlace], connected: bool,
                for_member: bool) -> dict[str, Any]:  # fmt: skip
    """The core with the viewer's parts: a member sees her place in the queue, not its reason."""
    place = next((h for h in queue if h.person is p), None)
    state = dict(core)  # the same keys in the same order
    state["connected"] = connected
    state["hand"] = None if place is None else hand_entry(place, now, not for_member)
    return state


def segment_entry(pid: str, seg: Segment) -> dict[str, Any]:
    return {"person": pid, "start_s": to_s(seg.start), "end_s": to_s(seg.end),
            "source": seg.source.value, "inferred": seg.inferred}  # fmt: skip


def timeline(engine: SessionEngine, now: Micros, window: Micros) -> list[dict[str, Any]]:
    """Who spoke when over the last `window` (open segments end null), oldest first."""
    since = now - window
    spans: list[dict[str, Any]] = []
    for p in engine.persons.values():
        for seg in reversed(p.segments):
            if seg.end <= since:
                break
            spans.append(segment_entry(p.id, seg))
        if p.seg_start is not None:
            spans.append({"person": p.id, "start_s": to_s(p.seg_start), "end_s": None,
                          "source": p.seg_source.value, "inferred": False})  # fmt: skip
    return sorted(spans, key=lambda span: span["start_s"])


def queue_entries(queue: list[HandPlace], now: Micros) -> list[dict[str, Any]]:
    return [
        {"person": h.person.id, "name": h.person.name} | hand_entry(h, now, with_reason=True)
        for h in queue
    ]


class View:
    """Computes the shared parts once per batch, so fan-out is O(people), not O(people²)."""

    def __init__(self, engine: SessionEngine, now: Micros) -> None:
        self.engine, self.now = engine, now
        self.group = group_figures(engine, now)
        self._queue: list[HandPlace] | None = None
        self._cores: dict[str, dict[str, Any]] = {}  # a person's frame for staff and for herself

    @property
    def queue(self) -> list[HandPlace]:
        """The raised hands, worked out when first needed: most frames concern nobody's hand."""
        if self._queue is None:
            self._queue = hand_queue(self.engine, self.now)
        return self._queue

    def person(self, pid: str, connected: bool, for_member: bool) -> dict[str, Any]:
        p = self.engine.persons[pid]
        core = self._cores.get(pid)
        if core is None:
            core = self._cores[pid] = person_core(p, self.now, self.group)
        return with_viewer(core, p, self.now, self.queue if p.hand_up else [], connected, for_member)

    def headline(self) -> dict[str, Any]:
        return headline(self.engine, self.now, self.group)

    def hands(self) -> list[dict[str, Any]]:
        return queue_entries(self.queue, self.now)

    def prompt(self, prompt_id: int) -> dict[str, Any]:
        prompt = self.engine.prompt_log.issued[prompt_id - 1]
        about = self.engine.persons[prompt.about] if prompt.about else None
        return {"id": prompt.id, "t_s": to_s(prompt.t), "kind": prompt.kind,
                "about": prompt.about, "about_name": about.name if about else None,
                "text": prompt.text, "outcome": self.engine.prompt_log.outcomes.get(prompt.id)}  # fmt: skip

    def prompts(self) -> list[dict[str, Any]]:
        return [self.prompt(p.id) for p in self.engine.prompt_log.issued]

    def timeline(self) -> list[dict[str, Any]]:
        return timeline(self.engine, self.now, TIMELINE_WINDOW)

    def figures(self, pid: str) -> dict[str, Any]:
        return figures(self.engine.persons[pid], self.now, self.group)
