"""Group commit (app/realtime/writer.py) on a real SQLite file: many rooms' events in one
transaction, and a refusal that reaches only the request that lost a sequence-number race."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app.db import make_engine, migrate, session_scope
from app.domain.events import Event, Kind, Source
from app.models import Group, LiveSession
from app.realtime.store import RoomStore
from app.realtime.writer import EventWriter


def speech(seq: int, on: bool = True) -> Event:
    return Event(seq * 1000, Kind.SPEAKING, "m_1", on, Source.DEVICE, None, False, seq, "m_1", None, None)


@pytest.fixture
def store(tmp_path: Path) -> RoomStore:
    url = f"sqlite:///{tmp_path / 'airtime.db'}"
    migrate(url)
    return RoomStore(make_engine(url))


def sessions(store: RoomStore, count: int) -> list[str]:
    with session_scope(store.engine) as db:
        group = Group(name="g")
        db.add(group)
        db.flush()
        made = [LiveSession(group_id=group.id) for _ in range(count)]
        db.add_all(made)
        db.flush()
        return [s.id for s in made]


async def test_rooms_appending_at_once_share_transactions_and_each_is_stored(store: RoomStore) -> None:
    ids = sessions(store, 20)
    writer = EventWriter(store)

    async def room(session_id: str) -> None:
        for seq in range(1, 11):
            await writer.append(session_id, [speech(seq, on=seq % 2 == 1)], None, None)

    await asyncio.gather(*(room(sid) for sid in ids))
    assert all([ev.seq for ev in store.events(sid)] == list(range(1, 11)) for sid in ids)


async def test_only_the_request_that_lost_a_race_is_refused(store: RoomStore) -> None:
    first, second = sessions(store, 2)
    store.append(first, [speech(1)], None, None)  # another worker took seq 1 of the first session
    writer = EventWriter(store)
    results = await asyncio.gather(writer.append(first, [speech(1)], None, None),
                                   writer.append(second, [speech(1)], None, None),
                                   return_exceptions=True)  # fmt: skip
    assert isinstance(results[0], IntegrityError) and results[1] is None
    assert [ev.seq for ev in store.events(second)] == [1]
