"""What each view of a session was sent, by log position, so that a client reconnecting with
its last `seq` gets exactly the frames it missed (RELIABILITY.md O1), or a snapshot when
they are no longer held.

A batch holds the frames made when the event with that seq was applied (`log`), then any
frames sent while the log stood at that seq (`later`: presence, the waiting room, ...). A
client that saw seq S has every `log` frame of S, so it is sent S's `later` frames (each
states something whole, so one seen twice does no harm) and every frame after S.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Frame = dict[str, Any]
HISTORY_BATCHES = 512  # about 17 minutes of a busy session (a change every 2 s)


@dataclass(slots=True)
class Part:
    """The frames of one batch for each audience."""

    staff: list[Frame] = field(default_factory=list)  # facilitators and the co-facilitator
    members: dict[str, list[Frame]] = field(default_factory=dict)  # each member's own frames
    common: list[Frame] = field(default_factory=list)  # everyone let in

    def for_viewer(self, person_id: str, staff: bool) -> list[Frame]:
        return (self.staff if staff else self.members.get(person_id, [])) + self.common


@dataclass(slots=True)
class Batch:
    seq: int
    log: Part = field(default_factory=Part)
    later: Part = field(default_factory=Part)


class History:
    def __init__(self, size: int = HISTORY_BATCHES) -> None:
        self._batches: deque[Batch] = deque()
        self._size = size
        self.floor: int | None = None  # frames at or before this seq may be missing; None: not yet kept

    def start(self, seq: int) -> None:
        """Keep frames from now on (the room has folded its stored log up to seq)."""
        self.floor = seq

    def record_log(self, seq: int, part: Part) -> None:
        if self.floor is not None:
            self._batch(seq).log = part

    def record_later(self, seq: int, frame: Frame) -> None:
        """A frame for the facilitators sent while the log stood at seq."""
        if self.floor is not None:
            self._batch(seq).later.staff.append(frame)

    def _batch(self, seq: int) -> Batch:
        if not self._batches or self._batches[-1].seq != seq:
            self._batches.append(Batch(seq))
            if len(self._batches) > self._size:
                self.floor = self._batches.popleft().seq
        return self._batches[-1]

    def missed(self, after: int, seq: int, person_id: str, staff: bool) -> Iterator[tuple[int, Frame]] | None:
        """The frames a viewer missed after seeing `after`, with their seqs; None if not all are held."""
        if self.floor is None or not self.floor < after <= seq:
            return None
        return self._frames(after, person_id, staff)

    def _frames(self, after: int, person_id: str, staff: bool) -> Iterator[tuple[int, Frame]]:
        for batch in self._batches:
            if batch.seq < after:
                continue
            parts = (batch.later,) if batch.seq == after else (batch.log, batch.later)
            for part in parts:
                for frame in part.for_viewer(person_id, staff):
                    yield batch.seq, frame
