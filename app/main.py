"""The application: create_app(settings) wires database, broker, hub and routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST

from app import collector, logs
from app.api import (
    agreements,
    auth,
    concerns,
    groups,
    imports,
    ingest,
    members,
    problems,
    reports,
    sessions,
)  # fmt: skip
from app.api.access import enforce
from app.db import make_engine, migrate
from app.realtime import metrics, ws
from app.realtime.broker import broker_from_url
from app.realtime.hub import Hub
from app.realtime.purging import purge_periodically
from app.realtime.room import RoomTimings
from app.realtime.signals import go_away_on_signals
from app.realtime.store import RoomStore
from app.realtime.transport import ExposeTransport
from app.settings import Settings, get_settings, production_refusal

PAGES = {"/": "index.html", "/dashboard/{session_id}": "dashboard.html", "/join/{code}": "member.html",
         "/groups/{group_id}/settings": "settings.html",
         "/groups/{group_id}/agreement": "agreement.html",
         "/groups/{group_id}/insights": "insights.html",
         "/how-it-works": "how-it-works.html",
         "/sessions/{session_id}/report": "report.html"}  # fmt: skip


def create_app(settings: Settings | None = None) -> FastAPI:
    """A configured application; nothing is opened until its lifespan starts."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.install()
        _refuse_unsafe_production(settings)
        migrate(settings.db_url)
        app.state.db = make_engine(settings.db_url)
        timings = RoomTimings(settings.heartbeat_timeout_s, settings.leave_grace_s)
        app.state.hub = Hub(RoomStore(app.state.db), broker_from_url(settings.broker_url), timings)
        app.state.hub.start()
        restore_signals = go_away_on_signals(app.state.hub)
        metrics.SOCKETS.set_function(app.state.hub.socket_count)
        metrics.ROOMS.set_function(app.state.hub.room_count)
        purging = asyncio.create_task(
            purge_periodically(app.state.db, app.state.hub.broker, settings.purge_every_s))
        collector.install_once(settings.gc_sweep_s)
        try:
            yield
        finally:
            restore_signals()
            purging.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purging  # a purge under way finishes first (its thread holds a connection)
            await app.state.hub.close()
            app.state.db.dispose()

    app = FastAPI(title="Airtime", version="0.1.0", lifespan=lifespan,
                  docs_url="/api/docs", redoc_url=None)  # fmt: skip
    app.state.settings = settings

    problems.install(app)

    @app.get("/metrics", tags=["health"], dependencies=[Depends(enforce)], response_class=PlainTextResponse)
    async def prometheus() -> PlainTextResponse:
        """Prometheus text format: counts only, nothing about any person."""
        return PlainTextResponse(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", tags=["health"], dependencies=[Depends(enforce)])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    checked = [Depends(enforce)]  # the permission table (app/api/access.py), on every route
    for api in (auth, groups, agreements, members, concerns, sessions, reports, imports, ingest):
        app.include_router(api.router, dependencies=checked)
    app.include_router(ws.router)  # sockets check each message against MESSAGE_ROLES
    app.add_middleware(ExposeTransport)  # F5: a stalled socket can be dropped at once
    problems.document_refusals(app)
    _mount_web(app, settings.web_dir)
    return app


def _refuse_unsafe_production(settings: Settings) -> None:
    """RELIABILITY.md V5 for a server started without `airtime serve` (which checks first,
    knowing --workers): uvicorn and gunicorn take their worker count from WEB_CONCURRENCY."""
    workers = os.environ.get("WEB_CONCURRENCY", "1")
    found = settings.production_problems(int(workers) if workers.isdigit() else 1)
    if found:
        logging.getLogger("airtime").error(production_refusal(found))
        raise RuntimeError(production_refusal(found))


def _mount_web(app: FastAPI, web_dir: Path) -> None:
    """The pages and their assets, served as files: no build step."""
    app.mount("/static", StaticFiles(directory=web_dir), name="static")
    for path, filename in PAGES.items():
        page = web_dir / filename

        async def serve(page: Path = page) -> FileResponse:
            return FileResponse(page, headers={"Cache-Control": "no-cache"})

        app.add_api_route(
            path, serve, include_in_schema=False, methods=["GET"], dependencies=[Depends(enforce)]
        )
