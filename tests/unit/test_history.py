"""The frames kept for resuming clients (RELIABILITY.md O1), with no sockets involved."""

from __future__ import annotations

import gc
import json

from app.realtime.connection import Rendered, render
from app.realtime.history import History, part


def frame(name: str) -> Rendered:
    return render({"type": name, "note": f"about {name}"})


def kind(rendered: Rendered) -> str:
    return str(json.loads(rendered)["type"])


def test_nothing_is_kept_before_the_room_has_folded_its_log() -> None:
    history = History()
    history.record_log(1, part([frame("a")]))
    assert history.missed(1, 1, "u_1", staff=True) is None
    history.start(1)  # frames sent at seq 1 before this worker held the room are not known here
    assert history.missed(1, 1, "u_1", staff=True) is None
    history.record_log(2, part([frame("b")]))
    assert [kind(f) for _, f in history.missed(2, 2, "u_1", staff=True) or []] == []


def test_each_view_gets_its_own_frames_and_the_common_ones_in_order() -> None:
    history = History()
    history.start(0)
    history.record_log(1, part([frame("staff-1")], {"m_1": [frame("mine-1")]}, [frame("all-1")]))
    history.record_later(1, frame("presence"))
    history.record_log(2, part([frame("staff-2")], {"m_1": [frame("mine-2")], "m_2": [frame("theirs-2")]},
                               [frame("all-2")]))  # fmt: skip
    history.record_log(3, part([frame("staff-3")]))
    # A client that saw seq 1 has its log frames; only what came later at 1 is sent again.
    assert [(seq, kind(f)) for seq, f in history.missed(1, 3, "u_1", staff=True) or []] == [
        (1, "presence"), (2, "staff-2"), (2, "all-2"), (3, "staff-3")]  # fmt: skip
    assert [kind(f) for _, f in history.missed(1, 3, "m_1", staff=False) or []] == ["mine-2", "all-2"]
    assert [kind(f) for _, f in history.missed(2, 3, "m_2", staff=False) or []] == []


def test_a_position_that_left_the_window_or_lies_ahead_gets_none() -> None:
    history = History(size=3)
    history.start(0)
    for seq in range(1, 6):
        history.record_log(seq, part([frame(f"s{seq}")]))
    assert history.floor == 2  # batches 1 and 2 were let go
    assert history.missed(1, 5, "u_1", staff=True) is None
    assert history.missed(2, 5, "u_1", staff=True) is None  # what came later at 2 is gone too
    assert [kind(f) for _, f in history.missed(3, 5, "u_1", staff=True) or []] == ["s4", "s5"]
    assert history.missed(6, 5, "u_1", staff=True) is None


def test_a_full_history_is_out_of_the_collectors_sight() -> None:
    history = History(size=64)
    history.start(0)
    for seq in range(1, 65):
        history.record_log(seq, part([frame("person")], {"m_1": [frame("person")]}, [frame("round")]))
        history.record_later(seq, frame("presence"))
    for _ in range(3):  # each collection stops tracking tuples that hold only untracked things
        gc.collect()
    assert not any(gc.is_tracked(batch) for batch in history._batches)
