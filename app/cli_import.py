"""`airtime import`: an RTTM file into an open session of the configured database (DOMAIN.md D3)."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.db import make_engine, migrate, session_scope
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.imports import BadRttm, Imported, RttmImport, import_rttm, validate
from app.settings import get_settings

NO_CONSENT = ("--confirm-consent: confirm that everyone in the recording agreed to the group's "
              "agreement (no one's speech is tracked without consent)")  # fmt: skip


class BadOption(ValueError):
    """One line for stderr; the command exits with status 2."""


def run_import(file: Path, session_id: str | None, duration: str | None, names: list[str],
               confirm_consent: bool) -> str:  # fmt: skip
    """Import the file and end the session; the line to print. Raises BadOption."""
    if not session_id:
        raise BadOption("--session: give the id of the open session to import into")
    if not confirm_consent:
        raise BadOption(NO_CONSENT)
    label = "stdin" if str(file) == "-" else str(file)
    wanted = RttmImport(
        _read(file, label), True, dict(_label_name(n) for n in names), _seconds(duration)
    )
    try:
        validate(wanted)  # before the database is opened (or created)
        done = _into_database(session_id, wanted)
    except BadRttm as exc:
        raise BadOption(f"{label}: {exc.detail}") from None
    except (NotFound, Conflict) as exc:
        raise BadOption(f"--session {session_id}: {exc.detail}") from None
    except ServiceError as exc:
        raise BadOption(exc.detail) from None
    return (f"imported {done.speakers} speakers and {done.segments} segments ({done.duration_s:g} s) "
            f"into session {done.session_id}; it has ended and its report is stored")  # fmt: skip


def _read(file: Path, label: str) -> str:
    try:
        return sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadOption(f"{label}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def _label_name(option: str) -> tuple[str, str]:
    label, equals, name = option.partition("=")
    if not equals or not label.strip():
        raise BadOption(f"--name: expected LABEL=NAME, got {option!r}")
    return label.strip(), name


def _seconds(duration: str | None) -> Decimal | None:
    if duration is None:
        return None
    try:
        value = Decimal(duration)
    except InvalidOperation:
        raise BadOption(f"--duration: {duration!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise BadOption("--duration: must be a number >= 0")
    return value


def _into_database(session_id: str, wanted: RttmImport) -> Imported:
    """The configured database, brought up to date first as `airtime serve` does."""
    url = get_settings().db_url
    migrate(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as db:
            return import_rttm(db, session_id, wanted, actor="system")
    finally:
        engine.dispose()
