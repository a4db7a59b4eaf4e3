"""The server's garbage-collection policy (app/collector.py), run against Python's own collector."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from app.collector import Collector


class Node:
    """Something that can be part of a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock()


@pytest.fixture
def collector(clock: Clock) -> Iterator[Collector]:
    collector = Collector(sweep_s=600, clock=clock)
    collector.install()
    try:
        yield collector
    finally:
        collector.uninstall()


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.mark.parametrize("generation", [0, 1, 2])
def test_survivors_of_every_collection_are_frozen(collector: Collector, generation: int) -> None:
    gc.disable()  # no collection of Python's own choosing while they are made
    try:
        frozen = gc.get_freeze_count()
        kept = [Node() for _ in range(1000)]
        assert gc.get_freeze_count() == frozen
        gc.collect(generation)
    finally:
        gc.enable()
    assert gc.get_freeze_count() >= frozen + len(kept)
    assert gc.get_count() == (0, 0, 0)


def test_a_cycle_that_dies_while_frozen_is_reclaimed_by_the_sweep(collector: Collector, clock: Clock) -> None:
    held = Node()
    held.other = Node()
    held.other.other = held
    alive = weakref.ref(held)
    gc.collect()  # the cycle is frozen while it is still in use
    del held
    gc.collect()
    assert alive() is not None  # garbage now, but frozen: full collections do not look at it
    gc.collect()
    assert alive() is not None and collector.sweeps == 0

    clock.now = 601  # time for a sweep: everything is unfrozen after this collection...
    gc.collect()
    assert collector.sweeps == 1 and gc.get_freeze_count() == 0
    gc.collect(0)  # (a young collection does not freeze it again)
    assert gc.get_freeze_count() == 0 and alive() is not None
    gc.collect()  # ...and the next full one walks it all
    assert alive() is None
    assert gc.get_freeze_count() > 0  # and freezes what survived, until the next sweep


def test_a_cycle_that_dies_before_being_frozen_goes_at_the_next_collection(collector: Collector) -> None:
    dead = cycle()
    gc.collect()
    assert dead() is None


def test_uninstalling_gives_back_pythons_own_collection(clock: Clock) -> None:
    collector = Collector(sweep_s=600, clock=clock)
    collector.install()
    collector.uninstall()
    alive = cycle()
    gc.collect()
    assert gc.get_freeze_count() == 0
    assert alive() is None
