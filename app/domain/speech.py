"""Who holds the floor, and how segments become utterances, turns and interruptions.

Everything here is incremental: the floor clock advances over the current set of
speakers, and an utterance is classified once, when it can no longer grow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from app.domain.clock import Micros
from app.domain.person import Person, Segment, Utterance
from app.domain.rules import MAX_RETRO_CLOSE, UTTERANCE_GAP


class FloorClock:
    """Silence, overlap and floor time (DOMAIN.md M1, M3) over the speaker set.

    A short journal of speaker-set changes lets a segment be closed up to
    MAX_RETRO_CLOSE in the past (DOMAIN.md D4, D5) with exact totals.
    """

    def __init__(self, persons: Mapping[str, Person]) -> None:
        self._persons = persons
        self.now: Micros = 0
        self.speakers: set[str] = set()
        self.silence: Micros = 0
        self.overlap: Micros = 0
        self._journal: deque[tuple[Micros, frozenset[str]]] = deque([(0, frozenset())])

    def advance(self, t: Micros) -> None:
        dt = t - self.now
        if dt > 0:
            self._account(self.speakers, dt, +1)
            self.now = t
            self._prune()

    def add(self, pid: str) -> None:
        self.speakers.add(pid)
        self._journal.append((self.now, frozenset(self.speakers)))

    def remove(self, pid: str, at: Micros) -> None:
        """Take pid off the floor from `at` (<= now), undoing what was counted since."""
        self.speakers.discard(pid)
        if at >= self.now:
            self._journal.append((self.now, frozenset(self.speakers)))
            return
        entries = list(self._journal)
        rewritten: list[tuple[Micros, frozenset[str]]] = []
        for k, (start, group) in enumerate(entries):
            end = entries[k + 1][0] if k + 1 < len(entries) else self.now
            if end <= at or pid not in group:
                rewritten.append((start, group))
                continue
            lo = max(start, at)
            if lo > start:
                rewritten.append((start, group))
            self._account(group, end - lo, -1)
            self._account(group - {pid}, end - lo, +1)
            rewritten.append((lo, group - {pid}))
        self._journal = deque(rewritten)

    def floor_of(self, pid: str, now: Micros) -> Micros:
        """Floor time including the stretch since the last advance."""
        extra = now - self.now if self.speakers == {pid} else 0
        return self._persons[pid].floor + extra

    def totals(self, now: Micros) -> tuple[Micros, Micros]:
        """(silence, overlap) as of `now`."""
        dt = now - self.now
        n = len(self.speakers)
        return self.silence + (dt if n == 0 else 0), self.overlap + (dt if n >= 2 else 0)

    def _account(self, group: frozenset[str] | set[str], dt: Micros, sign: int) -> None:
        if not group:
            self.silence += sign * dt
        elif len(group) == 1:
            self._persons[next(iter(group))].floor += sign * dt
        else:
            self.overlap += sign * dt

    def _prune(self) -> None:
        horizon = self.now - MAX_RETRO_CLOSE
        while len(self._journal) > 1 and self._journal[1][0] <= horizon:
            self._journal.popleft()


def add_segment(person: Person, seg: Segment, everyone: Mapping[str, Person]) -> None:
    """Record a closed segment, merging it into the current utterance or starting one."""
    utts = person.utterances
    if utts and seg.start - utts[-1].end < UTTERANCE_GAP:
        utts[-1].end = max(utts[-1].end, seg.end)
        return
    if utts:
        finalize_through(person, len(utts), everyone)
    utts.append(Utterance(seg.start, seg.end))


def finalize_through(person: Person, count: int, everyone: Mapping[str, Person]) -> None:
    """Classify utterances[:count] that are not yet classified (DOMAIN.md M2, M4, M5)."""
    while person.finalized < count:
        utt = person.utterances[person.finalized]
        person.finalized += 1
        if not utt.is_turn:
            person.backchannels += 1
            continue
        length = utt.end - utt.start
        person.turns += 1
        person.turn_total += length
        person.longest_turn = max(person.longest_turn, length)
        if person.first_turn is None:
            person.first_turn = utt.start
        for other in everyone.values():
            if other is not person and _interrupted(other, utt):
                person.interruptions_made += 1
                other.interruptions_received += 1


def _interrupted(other: Person, turn: Utterance) -> bool:
    """M4: a turn starts strictly inside other's utterance, which ends first.

    Called once `turn` can no longer grow, so other's utterances that end before
    it are final too; one that other's open segment still extends ends after it.
    """
    utts = other.utterances
    last = len(utts) - 1
    extended = (
        other.seg_start is not None and last >= 0 and other.seg_start - utts[last].end < UTTERANCE_GAP
    )
    for index in range(last, -1, -1):
        u = utts[index]
        if u.end <= turn.start:
            return False
        if index == last and extended:
            continue
        if u.start < turn.start < u.end < turn.end:
            return True
    return False
