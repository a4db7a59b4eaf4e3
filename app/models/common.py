"""Identifiers, secrets and time helpers shared by the tables."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime


def new_id(prefix: str) -> str:
    """An opaque, unguessable id such as `s_Xk3…` (72 random bits)."""
    return f"{prefix}_{secrets.token_urlsafe(9)}"


def new_secret(prefix: str = "") -> str:
    """A bearer secret of 256 random bits; only its digest is stored."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    # surrogatepass: a made-up key from a JSON body may hold a lone surrogate ("\ud800"),
    # which strict UTF-8 cannot encode; it digests to a value no stored key has.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def utcnow() -> datetime:
    return datetime.now(UTC)
