"""The retention purge, applied by the server itself (DOMAIN.md E9): once an interval, by one
worker at a time. A lease in the broker says which; when its holder dies it lapses, and the
next worker to look takes it over."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import Engine

from app.db import session_scope
from app.models.common import utcnow
from app.realtime.broker import Broker
from app.realtime.room import WORKER_ID
from app.services.retention import purge
from app.services.rights import audit

PURGE_LEASE = "retention-purge"
log = logging.getLogger("airtime.purge")


async def purge_periodically(engine: Engine, broker: Broker, every_s: float) -> None:
    # A holder renews at every interval; the lease outlives one missed renewal by half of one.
    ttl_ms = int(every_s * 1.5 * 1000)
    while True:
        if await broker.lease(PURGE_LEASE, WORKER_ID, ttl_ms):
            running = asyncio.ensure_future(asyncio.to_thread(purge_now, engine))
            try:
                # Shielded: cancelling only the wait would leave the thread using the engine while
                # the lifespan disposes of it (a connection garbage-collected open, on PostgreSQL).
                await asyncio.shield(running)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await running
                raise
            except Exception:  # a failed purge is retried next time; it must not stop the server
                log.exception("the retention purge failed")
        await asyncio.sleep(every_s)


def purge_now(engine: Engine) -> None:
    """Purge, and say so in the audit log, with the worker that did it."""
    with session_scope(engine) as db:
        done = purge(db, utcnow())
        audit(db, "system", "purge.run", detail=f"by {WORKER_ID}: {done.events} events, "
                                                f"{done.reports} reports, {done.texts} texts")  # fmt: skip
