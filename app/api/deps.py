"""Shared dependencies: settings, database units of work, the current account."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from app.db import session_scope
from app.models import User
from app.models.accounts import AccountRole
from app.realtime.hub import Hub
from app.services.accounts import user_for_token
from app.services.errors import Forbidden, Unauthorized
from app.settings import Settings

AUTH_COOKIE = "airtime_auth"
T = TypeVar("T")


def member_cookie(session_id: str) -> str:
    return f"airtime_member_{session_id}"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.db
    return engine


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def get_db(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with session_scope(engine) as db:
        yield db


async def in_db(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run one unit of work off the event loop (for async routes that also use the hub)."""

    def run() -> T:
        with session_scope(engine) as db:
            return work(db)

    return await asyncio.to_thread(run)


def optional_user(request: Request, db: Annotated[Session, Depends(get_db, scope="function")]) -> User | None:
    return user_for_token(db, request.cookies.get(AUTH_COOKIE))


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized("please log in")
    return user


def organiser(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role is not AccountRole.ORGANISER:
        raise Forbidden("only the organiser can do this")
    return user


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
HubDep = Annotated[Hub, Depends(get_hub)]
# Committed before the response is sent, so a client's next request sees the change.
DbDep = Annotated[Session, Depends(get_db, scope="function")]
UserDep = Annotated[User, Depends(current_user)]
OrganiserDep = Annotated[User, Depends(organiser)]
