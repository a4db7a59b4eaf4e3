"""Accounts: setup, register, login, logout, me; the organiser adds facilitators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import Field
from sqlmodel import Session, select

from app.api.deps import (
    AUTH_COOKIE,
    DbDep,
    EngineDep,
    HubDep,
    OrganiserDep,
    SettingsDep,
    UserDep,
    in_db,
)  # fmt: skip
from app.api.problems import refusals
from app.api.schemas import Body, Credentials, NewUser
from app.db import session_scope
from app.models.accounts import AccountRole, User, UserPublic
from app.services import accounts
from app.services.errors import TooManyRequests, Unauthorized
from app.services.rights import audit

router = APIRouter(prefix="/api", tags=["accounts"])


def _login(response: Response, db: DbDep, user: User, settings: SettingsDep) -> UserPublic:
    token = accounts.start_login(db, user, settings.login_cookie_days)
    response.set_cookie(AUTH_COOKIE, token, max_age=settings.login_cookie_days * 86400,
                        httponly=True, samesite="lax", secure=settings.secure_cookies)  # fmt: skip
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/setup")
def setup(db: DbDep) -> dict[str, bool]:
    """Whether the installation still needs its first (organiser) account."""
    return {"needs_organiser": not accounts.has_accounts(db)}


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, responses=refusals(400, 403, 409))
def register(body: Credentials, response: Response, db: DbDep, settings: SettingsDep) -> UserPublic:
    user = accounts.register_first(db, body.username, body.password, settings.allow_signup)
    return _login(response, db, user, settings)


@router.post("/auth/login", responses=refusals(401, 429))
def login(body: Credentials, request: Request, response: Response, db: DbDep, engine: EngineDep,
          settings: SettingsDep) -> UserPublic:  # fmt: skip
    """RELIABILITY.md S7: after ten failed tries for a name from one address in 15
    minutes, that pair waits (429, saying how long) until the oldest try is 15 minutes old.
    Tries are counted in the database, so every worker counts the same ones, and before the
    password is checked, so guesses sent at once count too."""
    key = accounts.login_key(body.username, request.client.host if request.client else "")
    with session_scope(engine) as counted:  # committed before the password is checked
        wait = accounts.take_login_try(counted, key)
    if wait is not None:
        raise TooManyRequests(f"too many failed logins; try again in {wait // 60 + 1} minutes")
    user = accounts.authenticate(db, body.username, body.password)
    accounts.forget_failed_logins(db, key)
    return _login(response, db, user, settings)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, engine: EngineDep, hub: HubDep) -> Response:
    """End this login and close the account's sockets on every worker (RELIABILITY.md S3)."""
    token = request.cookies.get(AUTH_COOKIE)
    user = await in_db(engine, lambda db: accounts.user_for_token(db, token))
    if user is None or token is None:
        raise Unauthorized("please log in")
    await in_db(engine, lambda db: accounts.end_login(db, token))
    await hub.close_principal_everywhere(user.id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(AUTH_COOKIE)
    return response


@router.get("/auth/me")
def me(user: UserDep) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=refusals(400, 409))
def add_user(body: NewUser, db: DbDep, _: OrganiserDep) -> UserPublic:
    user = accounts.create_user(db, body.username, body.password, AccountRole(body.role))
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/users")
def list_users(db: DbDep, _: OrganiserDep) -> list[UserPublic]:
    return [UserPublic.model_validate(u, from_attributes=True) for u in db.exec(select(User))]


class NewPassword(Body):
    password: str = Field(max_length=200)


@router.put("/users/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(400))
async def reset_password(user_id: str, body: NewPassword, request: Request, engine: EngineDep,
                         hub: HubDep) -> Response:  # fmt: skip
    """The organiser resets a facilitator's password; their logins and sockets end (S3)."""

    def work(db: Session) -> None:
        organiser = accounts.user_for_token(db, request.cookies.get(AUTH_COOKIE))
        assert organiser is not None  # the permission table let only an organiser in
        accounts.reset_password(db, user_id, body.password)
        audit(db, organiser.id, "password.reset", detail=user_id)

    await in_db(engine, work)
    await hub.close_principal_everywhere(user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
