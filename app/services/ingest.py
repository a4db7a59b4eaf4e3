"""Keys for external speaker-change sources (DOMAIN.md D3): one per session, stored as a digest."""

from __future__ import annotations

import hmac

from sqlmodel import Session, col, delete

from app.models import LiveSession, User
from app.models.common import digest, new_secret
from app.models.ingest import IngestKey
from app.models.sessions import SessionState
from app.services.errors import Conflict, Forbidden, Unauthorized
from app.services.rights import audit

KEY_PREFIX = "ik_"
WRONG_KEY = "that is not this session's ingest key (a new key replaces the old; keys stop when the session ends)"


def create_key(db: Session, session: LiveSession, user: User) -> str:
    """A new key for the session, replacing any old one; returned once, only its digest is kept."""
    if session.state is SessionState.ENDED:
        raise Conflict("this session has ended")
    drop_key(db, session.id)
    key = new_secret(KEY_PREFIX)
    db.add(IngestKey(session_id=session.id, key_hash=digest(key), created_by=user.id))
    audit(db, user.id, "ingest.key", session.group_id, session.id)
    return key


def drop_key(db: Session, session_id: str) -> None:
    """The session ended (or has a new key): its key stops working."""
    db.exec(delete(IngestKey).where(col(IngestKey.session_id) == session_id))


def check_key(db: Session, session_id: str, authorization: str | None) -> None:
    """Raises 401 without a bearer key, 403 for any key but this session's current one."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized('Authorization: send the session\'s ingest key as "Bearer <key>"')
    row = db.get(IngestKey, session_id)
    session = db.get(LiveSession, session_id)
    valid = row is not None and hmac.compare_digest(row.key_hash, digest(key.strip()))
    if not valid or session is None or session.state is SessionState.ENDED:
        raise Forbidden(WRONG_KEY)
