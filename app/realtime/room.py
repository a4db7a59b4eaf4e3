"""A live session in this process: the writer of its log and a replica of its fold.

Writes: stamp with server time (DOMAIN.md D4), store in the database, then
publish to the broker. Reads: the room's pump takes entries from the broker in
sequence order, applies them to its engine and fans frames out to its sockets.
Nothing is acknowledged before it is stored (RELIABILITY.md F4).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import DBAPIError

from app.domain.clock import US_PER_S, Micros
from app.domain.engine import DomainError, SessionEngine
from app.domain.events import Event, Kind, Role, Source
from app.domain.session_report import session_report
from app.models.sessions import SessionState
from app.realtime import metrics
from app.realtime.broker import Broker, BrokerDown, Entry, EntryRefused, Subscription
from app.realtime.codec import event_from_bytes, event_to_bytes
from app.realtime.connection import CLOSE_DELETED, CLOSE_REMOVED, CLOSE_ROLE, Connection
from app.realtime.fanout import Fanout
from app.realtime.store import RoomInfo, RoomStore, RosterEntry, clashed
from app.realtime.writer import EventWriter

DEGRADED_MESSAGE = ("Live updates are running in a reduced mode: everything is still recorded, "
                    "and other people's changes may show a second or two late.")  # fmt: skip
CLOSE_GOING_AWAY = 1001
WRITE_TRIES = 5  # stamping again after another worker took the next sequence number
SHARE_HEARD_EVERY_S = 1.0
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"  # holds timed-work leases
log = logging.getLogger("airtime.room")


class NotLive(ValueError):
    """The session is not in a state that allows this."""


@dataclass(frozen=True, slots=True)
class Spec:
    """An event to stamp: kind and person, with optional back-dating."""

    kind: Kind
    person: str | None = None
    on: bool | None = None
    source: Source | None = None
    ago_us: Micros = 0  # D4: detection delay, at most 2 s
    at_wall: float | None = None  # D5: close a segment at this wall-clock time
    inferred: bool = False
    ref: int | None = None
    data: dict[str, Any] | None = None
    at_us: Micros | None = None  # close a segment at this session time (after a restart)


class StoredEvents(Protocol):
    """What a write that stores its own events returns: those events, in order."""

    @property
    def events(self) -> list[Event]: ...


Stored = TypeVar("Stored", bound=StoredEvents)


def start_spec() -> Spec:
    """Starting a live session: speech is tracked once confidentiality is read (E3)."""
    return Spec(Kind.START, data={"confidentiality": "required"})


@dataclass(frozen=True, slots=True)
class RoomTimings:
    heartbeat_timeout_s: float = 8.0
    leave_grace_s: float = 30.0
    tick_s: float = 1.0


class Room:
    def __init__(self, info: RoomInfo, store: RoomStore, broker: Broker, timings: RoomTimings,
                 clock: Callable[[], float], writer: EventWriter | None = None) -> None:  # fmt: skip
        self.info, self.store, self.broker = info, store, broker
        self.writer = writer or EventWriter(store)  # the hub's is shared by its rooms: one commit for many
        self.timings, self.clock = timings, clock
        self.engine = SessionEngine(info.settings)
        self.seq = 0  # last entry applied to the engine
        self.connections: set[Connection] = set()
        self.fanout = Fanout(self)
        self.last_heard: dict[str, float] = {}
        self._shared_at: dict[str, float] = {}  # when this worker last shared a person's last-heard
        self._sharing: set[asyncio.Task[None]] = set()
        self.roster: dict[str, RosterEntry] = {}
        self.waiting: set[str] = set()  # connected, not yet let in (the group's waiting room)
        self.pulsed: set[tuple[str, str]] = set()  # (person, phase), in memory only (E8)
        self.deleted: set[str] = set()  # members who had their data deleted (E9): left out of reports
        self._leave_at: dict[str, float] = {}
        self._written, self._last_t = 0, 0
        self._write_lock = asyncio.Lock()
        self._subscription: Subscription | None = None
        self._pumping: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.degraded = False  # the broker is away: events are stored and applied here (F4)
        self._unpublished: list[Event] = []  # stored while the broker was away, published when back
        self._saving: asyncio.Task[None] | None = None
        self.ended = asyncio.Event()
        self.used = clock()  # when a socket or a request here last used the room

    # -- life cycle -------------------------------------------------------------

    async def open(self) -> None:
        """Subscribe (so nothing published meanwhile is missed), fold the stored log, then
        start pumping, which skips what the fold applied, and ticking."""
        await self._load_roster()
        self._subscription = self.broker.subscribe(self.info.session_id)
        for ev in await asyncio.to_thread(self.store.events, self.info.session_id):
            self._apply(ev)
        self._written, self._last_t = self.seq, self.engine.now
        self.fanout.history.start(self.seq)
        self._pumping = asyncio.create_task(self._pump())
        self._tasks = [asyncio.create_task(self._tick())]
        await self._close_orphaned_speech()

    def _subscribe(self) -> None:
        self._subscription = self.broker.subscribe(self.info.session_id)
        self._pumping = asyncio.create_task(self._pump())

    async def _unsubscribe(self) -> None:
        if self._pumping is not None:
            self._pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pumping
        if self._subscription is not None:
            await self._subscription.close()

    async def _close_orphaned_speech(self) -> None:
        """A device turn open in the stored log, whose device no worker has heard lately, was
        orphaned by a restart: it ends when the device was last heard, or where the log ends
        if that is not known, marked inferred (DOMAIN.md D5, RELIABILITY.md F1). A turn that
        another live worker still hears is left alone: this worker merely opened the room too."""
        if self.state is not SessionState.LIVE:
            return
        shared, wall = await self.broker.shared_heard(self.info.session_id), self.clock()
        specs = []
        for p in self.engine.persons.values():
            heard = shared.get(p.id)
            if not p.speaking or p.seg_source is not Source.DEVICE:
                continue
            if heard is None:
                specs.append(Spec(Kind.SPEAKING, p.id, False, Source.SYSTEM, inferred=True, at_us=self._last_t))
            elif wall - heard > self.timings.heartbeat_timeout_s:
                specs.append(Spec(Kind.SPEAKING, p.id, False, Source.SYSTEM, inferred=True, at_wall=heard))
        if specs:
            await self.submit(specs, actor="system")

    async def going_away(self) -> None:
        """A graceful stop (SIGTERM, RELIABILITY.md F2): the turns of devices connected here end
        now, at an exact time, and every socket is told 1001 so it reconnects (to another worker
        where there is one), where the device says again whether it is speaking."""
        if self.state is SessionState.LIVE:
            specs = [Spec(Kind.SPEAKING, pid, False, Source.SYSTEM) for pid in self.engine.floor.speakers
                     if self.engine.persons[pid].seg_source is Source.DEVICE and self.has_socket(pid)]  # fmt: skip
            if specs:
                with contextlib.suppress(NotLive):
                    await self.submit(specs, actor="system")
        for conn in list(self.connections):
            conn.close(CLOSE_GOING_AWAY)

    async def close(self) -> None:
        for conn in list(self.connections):
            conn.close(CLOSE_GOING_AWAY)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._unsubscribe()
        if self._saving is not None:
            await self._saving  # a report being stored is never abandoned

    @property
    def idle(self) -> bool:
        """Ended, its report stored, and nobody connected: safe to unload."""
        return self.ended.is_set() and not self.connections

    def unused(self) -> bool:
        """Nobody has used the live room here for longer than a departure takes to settle,
        and nothing is being written or waits to be published: it may be let go when another
        worker serves the session (Hub._let_go). Checked with no wait before the unload."""
        if self.connections or self._leave_at or self.degraded or self._unpublished or self._write_lock.locked():
            return False
        return self.clock() - self.used >= self.timings.leave_grace_s + self.timings.heartbeat_timeout_s

    async def heard_elsewhere_lately(self) -> bool:
        """Whether another worker hears the session's devices, and so does its timed work. What
        this worker shared is older than `unused` allows, so whoever was heard lately was heard
        elsewhere. One process never hears anyone elsewhere: it never lets a live room go."""
        shared = await self.broker.shared_heard(self.info.session_id)
        wall = self.clock()
        return any(wall - heard <= self.timings.heartbeat_timeout_s for heard in shared.values())

    @property
    def state(self) -> SessionState:
        return self.info.state

    def session_time(self, wall: float | None = None) -> Micros:
        """Server time as session time, never before the log's end (0 until the start)."""
        if self.info.started_epoch is None or self.state is not SessionState.LIVE:
            return self._last_t
        return max(self._last_t, self._since_start(self.clock() if wall is None else wall))

    def _since_start(self, wall: float) -> Micros:
        assert self.info.started_epoch is not None
        return int((wall - self.info.started_epoch) * US_PER_S)

    # -- writing ------------------------------------------------------------------

    async def submit(self, specs: list[Spec], actor: str | None = None) -> int:
        """Stamp, store and publish events in order; returns the last seq.

        Another worker may have taken the next sequence number first (its entry is on its
        way through the broker): the store refuses the clash, and this worker catches up
        from the stored log and stamps again, so nothing accepted is lost."""
        async with self._write_lock:
            for attempt in range(WRITE_TRIES):
                try:
                    return await self._submit_once(specs, actor)
                except DBAPIError as exc:
                    if not clashed(exc) or attempt == WRITE_TRIES - 1:
                        raise
                    await self._catch_up(from_store=True)  # the store holds the winner's entry
            raise AssertionError("unreachable")

    async def _submit_once(self, specs: list[Spec], actor: str | None) -> int:
        if self.state is SessionState.ENDED:
            raise NotLive("this session has ended")
        if self.seq > self._written:  # other workers wrote since this one last did
            self._written, self._last_t = self.seq, max(self._last_t, self.engine.now)
        wall = self.clock()
        state, epoch = self._state_change(specs, wall)
        before, epoch_before = (self._written, self._last_t), self.info.started_epoch
        try:
            events = [self._stamp(spec, wall, actor) for spec in specs]
            await self.writer.append(self.info.session_id, events, state, epoch)
        except BaseException:  # nothing was stored: no sequence number is spent
            self._written, self._last_t = before
            if self.info.started_epoch == wall:  # this start was not stored; keep any other's
                self.info.started_epoch = epoch_before
            raise
        if state is not None:
            self.info.state, self.info.started_epoch = state, epoch or self.info.started_epoch
        metrics.EVENTS_IN.inc(len(events))
        await self._publish(events)
        return self._written

    def _state_change(self, specs: list[Spec], wall: float) -> tuple[SessionState | None, float | None]:
        kinds = {spec.kind for spec in specs}
        if Kind.START in kinds:
            if self.state is not SessionState.OPEN:
                raise NotLive("this session has already started")
            return SessionState.LIVE, wall
        if Kind.END in kinds:
            return SessionState.ENDED, None
        return None, None

    def _stamp(self, spec: Spec, wall: float, actor: str | None) -> Event:
        if spec.kind is Kind.START:
            t = self._last_t  # session time 0 is the start itself
            self.info.started_epoch = wall
            # The settings in force are part of the log, so a replay uses them (O4).
            # The wall clock of session time 0 lets other workers keep the same session time.
            spec = Spec(Kind.START, data=(spec.data or {}) | {"settings": self.engine.settings.as_dict(),
                                                              "epoch": wall})  # fmt: skip
        else:
            t = self.session_time(wall)
        at = None
        if spec.kind is Kind.SPEAKING and spec.on:
            t = max(self._last_t, t - spec.ago_us)  # back-date a start, never before the log's end
        elif spec.kind is Kind.SPEAKING:
            at = t - spec.ago_us
            if spec.at_wall is not None and self.state is SessionState.LIVE:
                at = min(self._since_start(spec.at_wall), t)  # the engine bounds how far back
            elif spec.at_us is not None:
                at = min(spec.at_us, t)
        self._written += 1
        self._last_t = t
        return Event(t, spec.kind, spec.person, spec.on, spec.source, at, spec.inferred,
                     self._written, actor, spec.ref, spec.data)  # fmt: skip

    async def append_stored(self, write: Callable[[], Stored]) -> Stored:
        """Publish a stretch of log that `write` stamped and stored itself, in one transaction
        (an RTTM import, DOMAIN.md D3); nothing else is stamped meanwhile."""
        async with self._write_lock:
            done = await asyncio.to_thread(write)
            if done.events:
                self._written, self._last_t = done.events[-1].seq, done.events[-1].t
                if any(ev.kind is Kind.END for ev in done.events):
                    self.info.state = SessionState.ENDED
            await self._publish(done.events)
            return done

    async def _publish(self, events: list[Event]) -> None:
        """Publish stored events to every worker, and apply them here at once when they are next
        in this replica's order (the pump then passes over them). While the broker is away they
        are applied here straight from the store, other workers read them there, and they are
        published once the broker is back (F4)."""
        if not self.degraded:
            for i, ev in enumerate(events):
                try:
                    await self.broker.publish(self.info.session_id, Entry(ev.seq, event_to_bytes(ev)))
                except BrokerDown:
                    self._unpublished += events[i:]
                    self.broker_down()
                    break
            else:
                for ev in events:
                    if ev.seq == self.seq + 1:  # otherwise the pump applies it, after what comes first
                        try:
                            await self._apply_next(ev)
                        except Exception:  # stored and published: the writer is not told it failed
                            log.exception("could not apply an event in a room")
                return
        else:
            self._unpublished += events
        await self._catch_up(from_store=True)

    def broker_down(self) -> None:
        """Facilitators learn that live updates between workers are slower for now."""
        if not self.degraded:
            self.degraded = True
            self.fanout.to_staff({"type": "degraded", "on": True, "message": DEGRADED_MESSAGE})

    async def broker_back(self) -> None:
        """Subscribe afresh, take what other workers stored meanwhile, publish what this one
        stored meanwhile, and give every socket a fresh snapshot (RELIABILITY.md F4)."""
        if not self.degraded:
            return
        await self._unsubscribe()
        self._subscribe()
        await self._catch_up(from_store=True)
        if not await self._publish_backlog():
            return  # away again: the next check tries again
        self.degraded = False
        for conn in list(self.connections):
            self.fanout.snapshot(conn)

    async def _publish_backlog(self) -> bool:
        """Publish, in order, the events stored while the broker was away, so that workers that
        never noticed the outage get them too; False if the broker went away again."""
        while self._unpublished:
            ev = self._unpublished[0]
            try:
                await self.broker.publish(self.info.session_id, Entry(ev.seq, event_to_bytes(ev)))
            except BrokerDown:
                return False
            except EntryRefused:  # a later entry is there already: its readers find the gap and read the store
                log.info("a newer entry was published first; the rest of the backlog is left to the store")
                self._unpublished.clear()
                break
            self._unpublished.pop(0)
        return True

    # -- reading --------------------------------------------------------------------

    async def _pump(self) -> None:
        subscription = self._subscription
        assert subscription is not None
        try:
            async for entry in subscription:
                if entry.seq <= self.seq:
                    continue
                try:
                    if entry.seq > self.seq + 1:
                        await self._catch_up()
                    await self._apply_next(event_from_bytes(entry.data))
                except Exception:  # one bad entry must not silence the room
                    log.exception("could not apply an event in a room")
        except Exception:  # nor may a broken subscription: the hub's watch subscribes afresh
            log.exception("a room's subscription failed")
            self.broker_down()

    async def _catch_up(self, from_store: bool = False) -> None:
        """Apply what this replica missed: from the broker's window, or the stored log when
        the window no longer has it (or when the store is known to be ahead)."""
        missed = None
        if not from_store:
            with contextlib.suppress(BrokerDown):
                missed = await self.broker.read_after(self.info.session_id, self.seq)
        events = ([event_from_bytes(e.data) for e in missed] if missed is not None
                  else await asyncio.to_thread(self.store.events, self.info.session_id, self.seq))  # fmt: skip
        for ev in events:
            await self._apply_next(ev)

    async def _apply_next(self, ev: Event) -> None:
        """Apply ev unless it is already applied (the pump and a catch-up may both hold it).
        The stored log may skip a seq: the events of a member who deleted their data."""
        if ev.person is not None:
            await self.know(ev.person)
        if ev.seq > self.seq:
            self._apply(ev)

    async def forget_person(self, person_id: str) -> None:
        """A member's data was deleted: they leave now, on every worker, and are left out of
        every view and of this report. The event that tells the other workers is itself removed
        from the stored log once it is there, so no row about them remains (V2)."""
        person = self.engine.persons.get(person_id)
        if person is not None and person.present and self.state is not SessionState.ENDED:
            with contextlib.suppress(NotLive):
                await self.submit([Spec(Kind.REMOVE, person_id, data={"reason": "deleted"})], actor="system")
                await asyncio.to_thread(self.store.drop_person_events, self.info.session_id, person_id)
        if person_id not in self.deleted:  # not present (or ended): only this worker needs telling
            self._forget(person_id)

    def _forget(self, person_id: str) -> None:
        self.deleted.add(person_id)
        self.close_person(person_id, CLOSE_DELETED)
        self.fanout.forget(person_id)

    async def refresh_roster(self) -> None:
        """Take new people and new display names from the database's roster."""
        await self._load_roster()

    async def know(self, person_id: str) -> bool:
        """Make sure the replica has someone the database's roster has; False if nobody."""
        if person_id not in self.engine.persons:
            await self._load_roster()
        return person_id in self.engine.persons

    async def _load_roster(self) -> None:
        for entry in await asyncio.to_thread(self.store.roster, self.info.session_id):
            self.roster[entry.person_id] = entry
            self.engine.add_person(entry.person_id, entry.name, entry.role)

    def _apply(self, ev: Event) -> None:
        started = time.perf_counter()
        try:
            changes = self.engine.apply(ev)
        except DomainError:  # logged and passed over, so one bad entry cannot stall the room
            log.exception("an event could not be applied; passing over it")
            changes = []
        self.seq = ev.seq
        deleted = ev.kind is Kind.REMOVE and (ev.data or {}).get("reason") == "deleted"
        if deleted and ev.person is not None:
            self._forget(ev.person)  # before the fan-out, which then leaves them out
        elif ev.kind is Kind.REMOVE and ev.person is not None:
            self.close_person(ev.person, CLOSE_REMOVED)  # on every worker (RELIABILITY.md S3)
        elif ev.kind is Kind.COFACILITATOR and ev.person is not None:
            self.close_person(ev.person, CLOSE_ROLE)  # they reconnect with their new view
        if ev.kind is Kind.START:
            self.info.state = SessionState.LIVE
            epoch = (ev.data or {}).get("epoch")
            if isinstance(epoch, (int, float)):
                self.info.started_epoch = float(epoch)  # the log's, whichever worker started it
        if changes:
            self.fanout.changes(changes)
            metrics.FANOUT_SECONDS.observe(time.perf_counter() - started)
        if ev.kind is Kind.END:
            self.info.state = SessionState.ENDED
            self._finish()

    def _finish(self) -> None:
        self._saving = asyncio.create_task(self._save_report(self.report()))
        for conn in list(self.connections):
            conn.close(1000)

    async def _save_report(self, report: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(self.store.save_report, self.info.session_id, report)
        except Exception:  # the events are stored: the report can be computed again from them
            log.exception("could not store a session's report")
        finally:
            self.ended.set()

    def report(self) -> dict[str, Any]:
        """The participation report, final once the session has ended.

        While live it is a preview as of now; the replica is never advanced by a
        read, since events already stamped may still be on their way to it.
        """
        engine = self.engine
        now = engine.ended_at if engine.ended_at is not None else max(engine.now, self.session_time())
        members = [p.id for p in engine.persons.values()
                   if p.role is Role.MEMBER and p.id not in self.deleted]  # fmt: skip
        facilitators = [p.id for p in engine.persons.values() if p.role is Role.FACILITATOR]
        facilitator = facilitators[0] if facilitators else None
        return session_report(engine, self.info.session_id, members, facilitator, now,
                              removed_member=bool(self.deleted))  # fmt: skip

    # -- presence and timed work ----------------------------------------------------

    def heard(self, person_id: str) -> None:
        now = self.clock()
        self.last_heard[person_id] = now
        if self.broker.shares_heard and now - self._shared_at.get(person_id, 0.0) >= SHARE_HEARD_EVERY_S:
            # Other workers learn it too, so they can close this device's turn if this
            # worker dies (RELIABILITY.md F1); at most once a second per person.
            self._shared_at[person_id] = now
            task = asyncio.create_task(self._share_heard(person_id, now))
            self._sharing.add(task)
            task.add_done_callback(self._sharing.discard)

    async def _share_heard(self, person_id: str, wall: float) -> None:
        if not await self.broker.share_heard(self.info.session_id, person_id, wall):
            self._shared_at.pop(person_id, None)  # the local record stands; the next message tries again

    async def connected(self, conn: Connection, after: int | None = None) -> None:
        """A socket opened; `after` is the last seq the client saw, if it is reconnecting."""
        pid = conn.viewer.person_id
        await self.refresh_roster()
        entry = self.roster[pid]
        if entry.removed or conn.viewer.role != self.role_of(entry):
            # A ticket minted before a removal or a change of role is worth nothing now (S3).
            conn.close(CLOSE_REMOVED if entry.removed else CLOSE_ROLE)
            return
        first = not self.has_socket(pid)
        if conn.viewer.is_facilitator:  # a live view of per-member numbers (E9, V4)
            # Audit records name accounts, never members (a co-facilitator is a member).
            actor = conn.viewer.principal if conn.viewer.role == "facilitator" else "cofacilitator"
            await asyncio.to_thread(self.store.audit, actor, "dashboard.open",
                                    self.info.group_id, self.info.session_id)  # fmt: skip
        self.connections.add(conn)
        self.used = self.clock()
        self._leave_at.pop(pid, None)
        # Shared before anything else, so the worker that held her last socket knows (F6).
        self.last_heard[pid] = self._shared_at[pid] = self.clock()
        await self._share_heard(pid, self.last_heard[pid])
        if not self.roster[pid].admitted:
            self.waiting.add(pid)  # let in by a facilitator's `admit`
        if self.state is SessionState.ENDED:
            self.fanout.snapshot(conn)
            conn.close(1000)  # RELIABILITY.md F7: the snapshot says it ended; nothing is recorded
            return
        self.fanout.resume_or_snapshot(conn, after)
        if first:
            self.fanout.connection_changed(pid)
        if pid in self.waiting:
            self.fanout.waiting()
        elif first or not self.engine.persons[pid].present:
            await self.submit([Spec(Kind.JOIN, pid)], actor=pid)  # a repeat join is a no-op

    @staticmethod
    def role_of(entry: RosterEntry) -> str:
        if entry.role is Role.FACILITATOR:
            return "facilitator"
        return "cofacilitator" if entry.cofacilitator else "member"

    def sockets_of(self, person_id: str) -> int:
        return sum(1 for conn in self.connections if conn.viewer.person_id == person_id)

    def has_socket(self, person_id: str) -> bool:
        return any(c.viewer.person_id == person_id and not c.closed for c in self.connections)

    def close_person(self, person_id: str, code: int) -> None:
        """Close someone's sockets here, e.g. after removal or a change of role (S3)."""
        for conn in list(self.connections):
            if conn.viewer.person_id == person_id:
                conn.close(code)

    async def disconnected(self, conn: Connection) -> None:
        self.connections.discard(conn)
        self.used = self.clock()
        pid = conn.viewer.person_id
        if self.has_socket(pid):
            return  # another socket still serves them (RELIABILITY.md F6)
        self.fanout.connection_changed(pid)
        if pid in self.waiting:
            self.waiting.discard(pid)
            self.fanout.waiting()
            return
        if self.state is SessionState.ENDED:
            return
        # From now on another worker, if any, hears her device: her turn is watched from there.
        heard = self.last_heard.pop(pid, self.clock())
        if await self._heard_elsewhere(pid, heard):
            return  # she came back through another worker before this socket was seen dead (F6)
        self._leave_at[pid] = self.clock() + self.timings.leave_grace_s
        await self._close_dropped_speech(pid, heard)

    async def _heard_elsewhere(self, pid: str, since: float) -> bool:
        """Whether another worker heard from someone after `since` (one process: never)."""
        shared = await self.broker.shared_heard(self.info.session_id)
        return shared.get(pid, 0.0) > since

    async def _close_dropped_speech(self, pid: str, heard: float | None = None) -> None:
        """DOMAIN.md D5: a device's open segment ends when it was last heard, inferred."""
        person = self.engine.persons.get(pid)
        if person is None or not person.speaking or person.seg_source is not Source.DEVICE:
            return
        heard = heard if heard is not None else self.last_heard.get(pid, self.clock())
        spec = Spec(Kind.SPEAKING, pid, False, Source.SYSTEM, at_wall=heard, inferred=True)
        with contextlib.suppress(NotLive):
            await self.submit([spec], actor="system")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.timings.tick_s)
            try:
                await self._timed_work()
            except NotLive:
                return
            except Exception:  # keep the room alive; the next tick retries
                log.exception("timed work failed in a room")

    async def _close_speech_of_dead_workers(self, pids: list[str], wall: float) -> None:
        """F1: a device heard by another worker, and by nobody for longer than the heartbeat
        timeout (that worker died), has its turn closed when it was last heard."""
        shared = await self.broker.shared_heard(self.info.session_id)
        for pid in pids:
            heard = shared.get(pid)
            person = self.engine.persons[pid]
            if heard is not None and wall - heard > self.timings.heartbeat_timeout_s and person.seg_source is Source.DEVICE:
                await self._close_dropped_speech(pid, heard)

    async def _holds_lease(self) -> bool:
        ttl_ms = int(max(3.0, self.timings.tick_s * 3) * 1000)
        return await self.broker.lease(self.info.session_id, WORKER_ID, ttl_ms)

    async def _timed_work(self) -> None:
        if self.degraded:
            await self._catch_up(from_store=True)  # what other workers stored, once a second
        if self.state is SessionState.ENDED:
            return
        wall = self.clock()
        for pid, deadline in list(self._leave_at.items()):
            if wall >= deadline:
                del self._leave_at[pid]
                gone = not self.has_socket(pid) and not await self._heard_elsewhere(
                    pid, wall - self.timings.heartbeat_timeout_s)  # fmt: skip
                if self.engine.persons[pid].present and gone:
                    await self.submit([Spec(Kind.LEAVE, pid)], actor="system")
        if self.state is not SessionState.LIVE:
            return
        elsewhere = []
        for pid in list(self.engine.floor.speakers):
            heard = self.last_heard.get(pid)
            if heard is None and not self.has_socket(pid):
                elsewhere.append(pid)  # their device talks to another worker, which watches it
                continue
            person = self.engine.persons[pid]
            stale = heard is None or wall - heard > self.timings.heartbeat_timeout_s
            if person.seg_source is Source.DEVICE and stale:
                await self._close_dropped_speech(pid)
        due = self.engine.due(self.session_time(wall)) is not None
        holder = (elsewhere or due) and await self._holds_lease()  # asked at most once a tick
        if elsewhere and holder:
            await self._close_speech_of_dead_workers(elsewhere, wall)
        if due and holder:
            # Log the moment, so every replica lowers hands and fires prompts alike (P0);
            # one worker per session does it, another takes over if that one dies.
            await self.submit([Spec(Kind.TICK)], actor="system")
        self.fanout.airtime(self.session_time(wall))
