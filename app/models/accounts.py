"""Organiser and facilitator accounts, and their login tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.common import new_id, utcnow


class AccountRole(StrEnum):
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"


class UserBase(SQLModel):
    username: str = Field(index=True, unique=True, max_length=40)
    role: AccountRole


class User(UserBase, table=True):
    __tablename__ = "users"
    id: str = Field(default_factory=lambda: new_id("u"), primary_key=True)
    password_hash: str
    created_at: datetime = Field(default_factory=utcnow)


class UserPublic(UserBase):
    id: str


class AuthToken(SQLModel, table=True):
    """A login: the cookie holds the secret, the table only its digest."""

    __tablename__ = "auth_tokens"
    token_hash: str = Field(primary_key=True)
    user_id: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class LoginFailure(SQLModel, table=True):
    """A failed login, kept 15 minutes so that every worker counts the same tries
    (RELIABILITY.md S7). The name and address are kept only as a digest."""

    __tablename__ = "login_failures"
    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
