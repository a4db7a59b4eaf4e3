"""Events on the wire between workers and in the database, both ways."""

from __future__ import annotations

import json
from typing import Any

import orjson

from app.domain.events import Event, Kind, Source
from app.models.sessions import SessionEvent


def event_to_bytes(ev: Event) -> bytes:
    # Copied: the broker's window keeps these bytes, and orjson's own are allocated with
    # room to spare (the window grew several megabytes more).
    return bytes(memoryview(orjson.dumps([ev.seq, ev.t, ev.kind.value, ev.person, ev.on,
                                          ev.source and ev.source.value, ev.at, ev.inferred, ev.actor,
                                          ev.ref, ev.data])))  # fmt: skip


def event_from_bytes(raw: bytes) -> Event:
    seq, t, kind, person, on, source, at, inferred, actor, ref, data = orjson.loads(raw)
    return Event(t, Kind(kind), person, on, source and Source(source), at, inferred, seq, actor,
                 ref, data)  # fmt: skip


def event_to_row(session_id: str, ev: Event) -> SessionEvent:
    return SessionEvent(**event_to_columns(session_id, ev))


def event_to_columns(session_id: str, ev: Event) -> dict[str, Any]:
    """A stored event's columns, for a bulk insert."""
    return {"session_id": session_id, "seq": ev.seq, "t_us": ev.t, "kind": ev.kind.value,
            "person": ev.person, "on": ev.on, "source": ev.source and ev.source.value, "at_us": ev.at,
            "inferred": ev.inferred, "actor": ev.actor, "ref": ev.ref,
            "data": None if ev.data is None else json.dumps(ev.data)}  # fmt: skip


def event_from_row(row: SessionEvent) -> Event:
    source = Source(row.source) if row.source else None
    data = None if row.data is None else json.loads(row.data)
    return Event(row.t_us, Kind(row.kind), row.person, row.on, source, row.at_us, row.inferred,
                 row.seq, row.actor, row.ref, data)  # fmt: skip
