"""Who may call which route (DOMAIN.md E6, RELIABILITY.md S5): one table, checked on every request.

Each route names one rule; `enforce` applies it before the route runs, and the routes'
own look-ups (a group "among yours", a concern "routed to you") stay as a second line.
A route missing from the table is refused, and a test generated from `ROUTES` x `CALLERS`
covers every cell, so a new route cannot slip in unchecked.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from fastapi import Request
from sqlmodel import Session

from app.api.deps import AUTH_COOKIE, in_db, member_cookie
from app.models import User
from app.models.accounts import AccountRole
from app.models.concerns import Concern
from app.services import accounts, groups, ingest, rights, sessions
from app.services.errors import Forbidden, NotFound, ServiceError, Unauthorized


class Rule(StrEnum):
    PUBLIC = "public"  # pages, health, joining: no data about anyone
    ACCOUNT = "account"  # any logged-in account, for its own things
    ORGANISER = "organiser"  # accounts: organisers only
    GROUP_FACILITATOR = "group_facilitator"  # the group's facilitators (per-member data)
    GROUP_STAFF = "group_staff"  # the group's facilitators and organisers (no per-member data)
    SESSION_FACILITATOR = "session_facilitator"  # facilitators of the session's group
    SESSION_PARTY = "session_party"  # those facilitators, and members who joined the session
    MEMBER_KEY = "member_key"  # a member proving who they are with their member key
    CONCERN_CONTACT = "concern_contact"  # the one account a concern was routed to
    INGEST_KEY = "ingest_key"  # an external source with the session's ingest key (DOMAIN.md D3)
    SESSION_MEMBER = "session_member"  # members who joined the session (their own numbers)


class Caller(StrEnum):
    """The kinds of caller the generated test plays, relative to one group and session."""

    ANONYMOUS = "anonymous"
    MEMBER = "member"  # joined the session (cookie) and holds a member key
    FACILITATOR = "facilitator"  # of the group; the concern's contact
    OTHER_FACILITATOR = "other_facilitator"  # of another group
    ORGANISER = "organiser"
    INGEST = "ingest"  # a conferencing system holding the session's ingest key (Bearer), no cookie


ALLOWS: dict[Rule, frozenset[Caller]] = {
    Rule.PUBLIC: frozenset(Caller),
    Rule.ACCOUNT: frozenset({Caller.FACILITATOR, Caller.OTHER_FACILITATOR, Caller.ORGANISER}),
    Rule.ORGANISER: frozenset({Caller.ORGANISER}),
    Rule.GROUP_FACILITATOR: frozenset({Caller.FACILITATOR}),
    Rule.GROUP_STAFF: frozenset({Caller.FACILITATOR, Caller.ORGANISER}),
    Rule.SESSION_FACILITATOR: frozenset({Caller.FACILITATOR}),
    Rule.SESSION_PARTY: frozenset({Caller.FACILITATOR, Caller.MEMBER}),
    Rule.MEMBER_KEY: frozenset({Caller.MEMBER}),
    Rule.CONCERN_CONTACT: frozenset({Caller.FACILITATOR}),
    Rule.INGEST_KEY: frozenset({Caller.INGEST}),
    Rule.SESSION_MEMBER: frozenset({Caller.MEMBER}),
}

ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): Rule.PUBLIC,
    ("GET", "/metrics"): Rule.PUBLIC,  # counts only; keep it off the public proxy in production
    ("GET", "/"): Rule.PUBLIC,
    ("GET", "/dashboard/{session_id}"): Rule.PUBLIC,  # the page shell; its data comes by ticket
    ("GET", "/join/{code}"): Rule.PUBLIC,
    ("GET", "/groups/{group_id}/settings"): Rule.PUBLIC,
    ("GET", "/groups/{group_id}/agreement"): Rule.PUBLIC,
    ("GET", "/groups/{group_id}/insights"): Rule.PUBLIC,
    ("GET", "/how-it-works"): Rule.PUBLIC,
    ("GET", "/api/setup"): Rule.PUBLIC,
    ("POST", "/api/auth/register"): Rule.PUBLIC,
    ("POST", "/api/auth/login"): Rule.PUBLIC,
    ("POST", "/api/auth/logout"): Rule.ACCOUNT,
    ("GET", "/api/auth/me"): Rule.ACCOUNT,
    ("GET", "/api/users"): Rule.ORGANISER,
    ("POST", "/api/users"): Rule.ORGANISER,
    ("PUT", "/api/users/{user_id}/password"): Rule.ORGANISER,
    ("GET", "/api/groups"): Rule.ACCOUNT,
    ("POST", "/api/groups"): Rule.ACCOUNT,
    ("GET", "/api/groups/{group_id}"): Rule.GROUP_STAFF,
    ("PUT", "/api/groups/{group_id}/facilitators"): Rule.ORGANISER,
    ("GET", "/api/groups/{group_id}/summary"): Rule.GROUP_STAFF,
    ("GET", "/api/groups/{group_id}/insights"): Rule.GROUP_STAFF,
    ("GET", "/api/groups/{group_id}/settings"): Rule.GROUP_FACILITATOR,
    ("PUT", "/api/groups/{group_id}/settings"): Rule.GROUP_FACILITATOR,
    ("GET", "/api/groups/{group_id}/leaders"): Rule.GROUP_FACILITATOR,
    ("GET", "/api/groups/{group_id}/audit"): Rule.GROUP_STAFF,
    ("POST", "/api/groups/{group_id}/invite"): Rule.GROUP_FACILITATOR,
    ("GET", "/api/groups/{group_id}/agreement"): Rule.GROUP_FACILITATOR,
    ("PUT", "/api/groups/{group_id}/agreement"): Rule.GROUP_FACILITATOR,
    ("POST", "/api/groups/{group_id}/agreement/review"): Rule.GROUP_FACILITATOR,
    ("GET", "/api/groups/{group_id}/proposals"): Rule.GROUP_FACILITATOR,
    ("GET", "/api/groups/{group_id}/contacts"): Rule.GROUP_STAFF,
    ("PUT", "/api/groups/{group_id}/contacts"): Rule.GROUP_STAFF,
    ("POST", "/api/members/export"): Rule.MEMBER_KEY,
    ("POST", "/api/members/delete"): Rule.MEMBER_KEY,
    ("GET", "/api/concerns"): Rule.ACCOUNT,
    ("POST", "/api/concerns/{concern_id}/status"): Rule.CONCERN_CONTACT,
    ("POST", "/api/groups/{group_id}/sessions"): Rule.GROUP_FACILITATOR,
    ("GET", "/api/sessions/{session_id}"): Rule.SESSION_PARTY,
    ("POST", "/api/sessions/{session_id}/start"): Rule.SESSION_FACILITATOR,
    ("POST", "/api/sessions/{session_id}/confidentiality"): Rule.SESSION_FACILITATOR,
    ("POST", "/api/sessions/{session_id}/end"): Rule.SESSION_FACILITATOR,
    ("POST", "/api/sessions/{session_id}/ticket"): Rule.SESSION_PARTY,
    ("POST", "/api/sessions/{session_id}/import"): Rule.SESSION_FACILITATOR,
    ("POST", "/api/sessions/{session_id}/ingest-key"): Rule.SESSION_FACILITATOR,
    ("POST", "/api/sessions/{session_id}/ingest"): Rule.INGEST_KEY,
    ("GET", "/api/sessions/{session_id}/report"): Rule.SESSION_FACILITATOR,
    ("GET", "/api/sessions/{session_id}/report.csv"): Rule.SESSION_FACILITATOR,
    ("GET", "/api/sessions/{session_id}/report.html"): Rule.SESSION_FACILITATOR,
    ("GET", "/api/sessions/{session_id}/my-report"): Rule.SESSION_MEMBER,
    ("GET", "/api/groups/{group_id}/sessions"): Rule.GROUP_FACILITATOR,
    ("GET", "/sessions/{session_id}/report"): Rule.PUBLIC,
    ("GET", "/api/sessions/{session_id}/pulses"): Rule.SESSION_FACILITATOR,
    ("GET", "/api/invites/{code}"): Rule.PUBLIC,
    ("POST", "/api/invites/{code}/join"): Rule.PUBLIC,
}


async def enforce(request: Request) -> None:
    """Apply the route's rule; raises 401, 403 or 404 (404 where saying more would leak)."""
    route = request.scope.get("route")
    method = "GET" if request.method == "HEAD" else request.method
    rule = ROUTES.get((method, getattr(route, "path", "")))
    if rule is None:
        raise Forbidden("this route has no entry in the permission table")
    if any("\x00" in value for value in request.path_params.values()):
        # No id or code holds NUL, and PostgreSQL cannot even compare text that does.
        raise NotFound("nothing here has that name")
    if rule is Rule.PUBLIC:
        return
    params = dict(request.path_params)
    if rule is Rule.INGEST_KEY:  # a bearer key, no cookie: one session's external source
        bearer, session_id = request.headers.get("authorization"), params["session_id"]
        await in_db(request.app.state.db, lambda db: ingest.check_key(db, session_id, bearer))
        return
    body = await _json_body(request) if rule is Rule.MEMBER_KEY else {}
    auth, cookies = request.cookies.get(AUTH_COOKIE), dict(request.cookies)
    await in_db(request.app.state.db, lambda db: check(db, rule, params, auth, cookies, body))


def check(db: Session, rule: Rule, params: dict[str, str], auth: str | None, cookies: dict[str, str],
          body: dict[str, Any]) -> None:  # fmt: skip
    if rule is Rule.MEMBER_KEY:
        key = body.get("member_key")
        if not isinstance(key, str) or not key:
            raise Unauthorized("member_key: your member key is needed")
        rights.member_by_key(db, key)
        return
    user = accounts.user_for_token(db, auth)
    if rule in (Rule.SESSION_PARTY, Rule.SESSION_MEMBER):
        session = sessions.require_session(db, params["session_id"])
        member_ok = sessions.member_for_credential(
            db, session.id, cookies.get(member_cookie(session.id))
        )
        staff_ok = rule is Rule.SESSION_PARTY and user is not None and groups.is_facilitator(db, user, session.group_id)
        if member_ok is None and not staff_ok:
            raise NotFound("no such session for this browser; join it through its invite link")
        return
    if user is None:
        raise Unauthorized("please log in")
    _check_account(db, rule, params, user)


def _check_account(db: Session, rule: Rule, params: dict[str, str], user: User) -> None:
    organiser = user.role is AccountRole.ORGANISER
    match rule:
        case Rule.ACCOUNT:
            return
        case Rule.ORGANISER:
            if not organiser:
                raise Forbidden("only the organiser can do this")
        case Rule.GROUP_FACILITATOR:
            groups.group_for_facilitator(db, user, params["group_id"])
        case Rule.GROUP_STAFF:
            if organiser:
                groups.require_group(db, params["group_id"])
            else:
                groups.group_for_facilitator(db, user, params["group_id"])
        case Rule.SESSION_FACILITATOR:
            sessions.session_for_facilitator(db, user, params["session_id"])
        case Rule.CONCERN_CONTACT:
            concern = db.get(Concern, params["concern_id"])
            if concern is None or concern.routed_to != user.id:
                raise NotFound("no such concern among yours")
        case _:  # pragma: no cover - every rule is handled above
            raise ServiceError(f"unhandled rule {rule}")


async def _json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object, or {} (the route's own validation then says what is wrong)."""
    try:
        parsed = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
