"""Group commit (app/realtime/writer.py) on a real SQLite file: many rooms' events in one
transaction, and a refusal that reaches only the request that lost a sequence-number race."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.db import make_engine, migrate, session_scope
from app.domain.events import Event, Kind, Source
from app.models import Group, LiveSession
from app.realtime.store import Append, RoomStore, clashed
from app.realtime.writer import EventWriter
from tests.support.postgres import PostgresServer


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


def test_a_deadlock_with_another_workers_transaction_is_a_clash_not_a_failure(postgres: PostgresServer) -> None:
    """On PostgreSQL: another worker's transaction holds seq 1 of the second session and then
    wants seq 1 of the first, which this batch took meanwhile. PostgreSQL breaks the cycle by
    failing the batch: each of its requests is then refused as having lost a race (the room
    stamps again), and nothing raises."""
    url = postgres.new_database()
    migrate(url)
    store = RoomStore(make_engine(url))
    first, second = sessions(store, 2)
    rival_engine = make_engine(url)
    # PostgreSQL looks for a cycle once a wait has lasted deadlock_timeout, and fails the
    # waiter that finds it: the batch here (2 s), before the other worker (10 s).
    with rival_engine.connect() as admin:
        admin.exec_driver_sql(f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET deadlock_timeout = '2s'")
        admin.commit()
    other = rival_engine.connect()  # its transaction begins with the first statement
    other.exec_driver_sql("SET deadlock_timeout = '10s'")
    insert = "INSERT INTO session_events (session_id, seq, t_us, kind, inferred) VALUES (%s, 1, 0, 'tick', false)"
    other.exec_driver_sql(insert, (second,))

    def then_the_first() -> None:
        time.sleep(0.5)  # the batch below has taken the first session's seq 1, and waits for ours
        try:
            other.exec_driver_sql(insert, (first,))
            other.commit()
        except DBAPIError:  # pragma: no cover - PostgreSQL failed the other transaction after all
            other.rollback()

    rival = threading.Thread(target=then_the_first)
    rival.start()
    failures = store.append_all([Append(first, [speech(1)]), Append(second, [speech(1)])])
    rival.join()
    other.close()
    rival_engine.dispose()
    assert all(failure is not None and clashed(failure) for failure in failures)
    stored = {sid: [ev.seq for ev in store.events(sid)] for sid in (first, second)}
    store.engine.dispose()
    assert stored == {first: [1], second: [1]}  # one of the two transactions stored both


def log_frames(store: RoomStore) -> int:
    """How many frames SQLite's write-ahead log holds now (it starts again from 0 once a
    checkpoint has caught up with it and the next commit begins)."""
    with store.engine.connect() as connection:
        _, frames, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(frames)


async def test_commits_are_made_at_once_on_sqlite(store: RoomStore) -> None:
    (sid,) = sessions(store, 1)
    appending = EventWriter(store).append(sid, [speech(1)], None, None)
    with pytest.raises(StopIteration):  # done in one step: no thread, no wait on the loop
        appending.send(None)
    assert [ev.seq for ev in store.events(sid)] == [1]


async def test_a_write_lock_held_elsewhere_is_waited_for_in_a_thread(store: RoomStore) -> None:
    """Another connection (a request's thread, say) holds SQLite's write lock: the commit that
    cannot be made at once waits in a thread, and is stored once the lock is released."""
    first, second = sessions(store, 2)
    writer = EventWriter(store)
    await writer.append(first, [speech(1)], None, None)  # the at-once connection exists
    path = store.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    waiting = asyncio.create_task(writer.append(first, [speech(2)], None, None))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    also = asyncio.create_task(writer.append(second, [speech(1)], None, None))  # joins the group commit
    await asyncio.sleep(0.05)
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(asyncio.gather(waiting, also), timeout=10)
    assert [ev.seq for ev in store.events(first)] == [1, 2]
    assert [ev.seq for ev in store.events(second)] == [1]


async def test_requests_in_one_turn_of_the_loop_after_a_commit_make_one_group_commit(store: RoomStore) -> None:
    ids = sessions(store, 6)
    writer = EventWriter(store)
    await asyncio.gather(*(writer.append(sid, [speech(1)], None, None) for sid in ids))
    assert store._commits == 2  # the first at once, the five others together in the next turn
    assert all([ev.seq for ev in store.events(sid)] == [1] for sid in ids)


@pytest.mark.parametrize("every", [20, 10**6])
async def test_the_write_ahead_log_starts_again_after_each_checkpoint(store: RoomStore, every: int,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Commits every so often checkpoint the log, and it does not grow without end; with no
    checkpoints (the second case) it does, so the measure below can tell."""
    monkeypatch.setattr("app.realtime.store.CHECKPOINT_EVERY", every)
    ids = sessions(store, 4)
    writer = EventWriter(store)
    for seq in range(1, 101):
        for sid in ids:
            await writer.append(sid, [speech(seq, on=seq % 2 == 1)], None, None)
            await asyncio.sleep(0)  # a commit a turn of the loop; checkpoints run meanwhile
    assert all([ev.seq for ev in store.events(sid)] == list(range(1, 101)) for sid in ids)
    frames = log_frames(store)
    if every == 20:
        assert frames < 700  # what came since the last checkpoint (and during it)
    else:
        assert frames > 1000  # all 400 commits, three pages or so each
