"""Logging that never carries secrets (RELIABILITY.md S8)."""

from __future__ import annotations

import logging
import re

SECRET_PARAM = re.compile(r"(ticket|token|key|code)=[^\s&\"']+", re.IGNORECASE)
SECRET_PATH = re.compile(r"/(join|invites)/[A-Za-z0-9_-]{8,}")


class RedactSecrets(logging.Filter):
    """Replace ticket and token query values and invite codes in paths with [redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(_redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _redact(record.msg)
        return True


def _redact(text: str) -> str:
    return SECRET_PATH.sub(r"/\1/[redacted]", SECRET_PARAM.sub(r"\1=[redacted]", text))


def install() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "airtime"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
