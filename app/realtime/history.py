"""What each view of a session was sent, by log position, so that a client reconnecting with
its last `seq` gets exactly the frames it missed (RELIABILITY.md O1), or a snapshot when
they are no longer held.

A batch holds the frames made when the event with that seq was applied (`log`), then any
frames sent while the log stood at that seq (`later`: presence, the waiting room, ...). A
client that saw seq S has every `log` frame of S, so it is sent S's `later` frames (each
states something whole, so one seen twice does no harm) and every frame after S.

Everything kept is plain tuples of rendered strings. The garbage collector stops tracking
such tuples, so a full history (hundreds of thousands of frames in a busy worker) adds
nothing to its pauses; the same history as dicts and lists made them grow to most of a
second under load.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping

from app.realtime.connection import Rendered

HISTORY_BATCHES = 512  # about 17 minutes of a busy session (a change every 2 s)

Frames = tuple[Rendered, ...]
Mine = tuple[tuple[str, Rendered], ...]  # each member's own frames, as (person id, frame)
# The frames made when one event was applied: the facilitators' (and the co-facilitator's),
# each member's own, and everyone's who was let in.
Part = tuple[Frames, Mine, Frames]
# seq, the three of its Part, and the facilitators' frames sent later while the log stood at
# seq. Kept flat: each collection untracks one more level of nested tuples.
Batch = tuple[int, Frames, Mine, Frames, Frames]


def part(staff: Iterable[Rendered] = (), members: Mapping[str, Iterable[Rendered]] | None = None,
         common: Iterable[Rendered] = ()) -> Part:  # fmt: skip
    mine = tuple((pid, frame) for pid, frames in (members or {}).items() for frame in frames)
    return tuple(staff), mine, tuple(common)


def for_viewer(frames: Part, person_id: str, staff: bool) -> Frames:
    """What one viewer of the event sees: their audience's frames, then everyone's."""
    staff_frames, mine, common = frames
    if staff:
        return staff_frames + common
    return tuple(frame for pid, frame in mine if pid == person_id) + common


class History:
    def __init__(self, size: int = HISTORY_BATCHES) -> None:
        self._batches: deque[Batch] = deque()
        self._size = size
        self.floor: int | None = None  # frames at or before this seq may be missing; None: not yet kept

    def start(self, seq: int) -> None:
        """Keep frames from now on (the room has folded its stored log up to seq)."""
        self.floor = seq

    def record_log(self, seq: int, frames: Part) -> None:
        if self.floor is not None:
            later = self._batch(seq)[4]
            self._batches[-1] = (seq, *frames, later)

    def record_later(self, seq: int, frame: Rendered) -> None:
        """A frame for the facilitators sent while the log stood at seq."""
        if self.floor is not None:
            _, staff, mine, common, later = self._batch(seq)
            self._batches[-1] = (seq, staff, mine, common, (*later, frame))

    def _batch(self, seq: int) -> Batch:
        if not self._batches or self._batches[-1][0] != seq:
            self._batches.append((seq, (), (), (), ()))
            if len(self._batches) > self._size:
                self.floor = self._batches.popleft()[0]
        return self._batches[-1]

    def missed(self, after: int, seq: int, person_id: str, staff: bool) -> Iterator[tuple[int, Rendered]] | None:
        """The frames a viewer missed after seeing `after`, with their seqs; None if not all are held."""
        if self.floor is None or not self.floor < after <= seq:
            return None
        return self._frames(after, person_id, staff)

    def _frames(self, after: int, person_id: str, staff: bool) -> Iterator[tuple[int, Rendered]]:
        for seq, staff_frames, mine, common, later in self._batches:
            if seq > after:  # a client that saw `after` has its log frames, not what came later
                for frame in for_viewer((staff_frames, mine, common), person_id, staff):
                    yield seq, frame
            if seq >= after and staff:
                for frame in later:
                    yield seq, frame
