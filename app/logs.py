"""Logging that never carries secrets (RELIABILITY.md S8).

uvicorn logs each request's path with its query string, and each socket handshake's URL:
`/ws/sessions/{id}?ticket=…` carries a socket ticket, and `/join/{code}` and
`/api/invites/{code}` carry a group's invite code. Cookies, bodies (display names,
passwords, member keys) and the Authorization header (ingest keys) are never logged.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAM = re.compile(r"(ticket|token|key|code)=[^\s&\"']+", re.IGNORECASE)
SECRET_PATH = re.compile(r"/(join|invites)/[^/?#\s\"']+")
QUERY = re.compile(r"\?[^\s\"']*")
REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Replace query strings and invite codes in logged paths, and any `ticket=`, `token=`,
    `key=` or `code=` value elsewhere in a message, with [redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.exc_info and not record.exc_text:  # a traceback's messages may quote a URL
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def redact(text: str) -> str:
    """`text` with the secrets it may carry replaced by [redacted]."""
    if text.startswith("/"):  # a request path, as uvicorn logs it: the query string may hold anything
        text = QUERY.sub(f"?{REDACTED}", text, count=1)
    text = SECRET_PARAM.sub(rf"\1={REDACTED}", text)
    return SECRET_PATH.sub(rf"/\1/{REDACTED}", text)


def install() -> None:
    """Filter uvicorn's loggers and ours, and the handlers our records may reach without
    passing a filtered logger (`airtime.ws` and others propagate to the root)."""
    loggers = [logging.getLogger(name) for name in ("uvicorn.access", "uvicorn.error", "airtime")]
    handlers = [h for lg in (logging.getLogger(), logging.getLogger("uvicorn")) for h in lg.handlers]
    for target in (*loggers, *handlers, logging.lastResort):
        if target is not None and not any(isinstance(f, RedactSecrets) for f in target.filters):
            target.addFilter(RedactSecrets())
