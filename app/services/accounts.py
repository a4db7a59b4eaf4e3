"""Accounts: the first organiser, facilitators, logins (argon2, RELIABILITY.md S7)."""

from __future__ import annotations

import re
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, func, select

from app.models import AuthToken, LoginFailure, User
from app.models.accounts import AccountRole
from app.models.common import digest, new_secret, utcnow
from app.services.errors import BadInput, Conflict, Forbidden, NotFound, Unauthorized

USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,40}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def validate_credentials(username: str, password: str) -> None:
    if not USERNAME.match(username):
        raise BadInput("username: use 3 to 40 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"password: use at least {MIN_PASSWORD} characters")


def has_accounts(db: Session) -> bool:
    return db.exec(select(func.count()).select_from(User)).one() > 0


def create_user(db: Session, username: str, password: str, role: AccountRole) -> User:
    validate_credentials(username, password)
    if db.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict("username: that name is taken")
    user = User(username=username, role=role, password_hash=_hasher.hash(password))
    db.add(user)
    db.flush()
    return user


def register_first(db: Session, username: str, password: str, allow_signup: bool) -> User:
    """The first account is the organiser; later sign-ups only if the setting allows."""
    if not has_accounts(db):
        return create_user(db, username, password, AccountRole.ORGANISER)
    if not allow_signup:
        raise Forbidden("accounts are added by the organiser")
    return create_user(db, username, password, AccountRole.FACILITATOR)


def authenticate(db: Session, username: str, password: str) -> User:
    user = db.exec(select(User).where(User.username == username)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise Unauthorized("that username and password do not match")
    return user


LOGIN_ATTEMPTS = 10  # failed logins per name and address...
LOGIN_WINDOW = timedelta(minutes=15)  # ...in this long


def login_key(username: str, address: str) -> str:
    return digest(f"{username.lower()}\n{address}")


def take_login_try(db: Session, key: str) -> int | None:
    """RELIABILITY.md S7: count a try for a name from one address before its password is
    checked, so that guesses sent in parallel count too (the count is read after this try is
    written, in one transaction). After ten in 15 minutes, the seconds until the oldest of
    them is 15 minutes old, and this try is not counted; None while tries are left. A good
    login forgets them (forget_failed_logins); tries older than the window go."""
    now = utcnow()
    db.exec(delete(LoginFailure).where(col(LoginFailure.at) <= now - LOGIN_WINDOW))
    attempt = LoginFailure(key_hash=key, at=now)
    db.add(attempt)
    db.flush()
    recent = db.exec(select(LoginFailure.at).where(LoginFailure.key_hash == key)
                     .where(col(LoginFailure.at) > now - LOGIN_WINDOW).order_by(col(LoginFailure.at))).all()  # fmt: skip
    if len(recent) <= LOGIN_ATTEMPTS:
        return None
    db.delete(attempt)
    return int((recent[-LOGIN_ATTEMPTS - 1] + LOGIN_WINDOW - now).total_seconds()) + 1


def forget_failed_logins(db: Session, key: str) -> None:
    db.exec(delete(LoginFailure).where(col(LoginFailure.key_hash) == key))


def start_login(db: Session, user: User, days: int) -> str:
    """A new login token; the caller puts it in a cookie."""
    token = new_secret("at_")
    db.add(AuthToken(token_hash=digest(token), user_id=user.id,
                     expires_at=utcnow() + timedelta(days=days)))  # fmt: skip
    return token


def user_for_token(db: Session, token: str | None) -> User | None:
    if not token:
        return None
    row = db.get(AuthToken, digest(token))
    if row is None or row.expires_at < utcnow():
        return None
    return db.get(User, row.user_id)


def end_login(db: Session, token: str) -> None:
    row = db.get(AuthToken, digest(token))
    if row is not None:
        db.delete(row)


def reset_password(db: Session, user_id: str, password: str) -> User:
    """The organiser sets a facilitator's new password (there is no e-mail); every login
    of that account ends, so a lost or shared password stops working at once."""
    user = db.get(User, user_id)
    if user is None or user.role is not AccountRole.FACILITATOR:
        raise NotFound("no such facilitator account")
    validate_credentials(user.username, password)
    user.password_hash = _hasher.hash(password)
    db.add(user)
    db.exec(delete(AuthToken).where(col(AuthToken.user_id) == user.id))
    return user
