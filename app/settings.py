"""Settings from AIRTIME_* environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "dev-only-not-secret"
MIN_SECRET_CHARS = 32  # RELIABILITY.md V5: `secrets.token_urlsafe(32)` gives 43
MAX_FRAME_BYTES = 64 * 1024  # RELIABILITY.md S4: larger WebSocket frames are refused (close 1009)
REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting has a working default for one machine (SQLite, in-memory broker)."""

    model_config = SettingsConfigDict(env_prefix="AIRTIME_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite in data_dir"
    )
    broker_url: str = "memory://"
    # Reserved for signing: nothing signs with it yet (logins, tickets, member and ingest keys
    # are random secrets stored as digests), but production refuses the published placeholder.
    secret_key: str = PLACEHOLDER_SECRET
    public_url: str | None = None
    allowed_origins: list[str] = Field(default_factory=list)
    web_dir: Path = REPO_ROOT / "web"
    allow_signup: bool = False
    # Live sessions.
    socket_queue_frames: int = 256
    socket_send_buffer_kib: int = 64  # the kernel's per-socket send buffer; 0: the kernel's own sizing
    heartbeat_timeout_s: float = 8.0
    leave_grace_s: float = 30.0
    ticket_ttl_s: float = 60.0
    login_cookie_days: int = 14
    purge_every_s: float = 3600.0  # how often the retention purge runs (by one worker at a time)
    gc_sweep_s: float = 3600.0  # app/collector.py: how often frozen survivors are swept; 0: Python's own

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'airtime.db'}"

    def multi_worker_problem(self) -> str | None:
        """Why several workers cannot share this set-up (RELIABILITY.md V5), or None."""
        if self.broker_url.startswith("memory://"):
            return "the in-memory broker serves one process; set AIRTIME_BROKER_URL=redis://…"
        if self.db_url.startswith("sqlite"):
            return "SQLite serves one process; set AIRTIME_DATABASE_URL=postgresql+psycopg://…"
        return None

    def production_problems(self, workers: int = 1) -> list[str]:
        """Why this set-up must not run with AIRTIME_ENV=production (RELIABILITY.md V5); in
        development, nothing."""
        if self.env != "production":
            return []
        problems = []
        key = self.secret_key
        if key == PLACEHOLDER_SECRET or len(key) < MIN_SECRET_CHARS or len(set(key)) < 8:
            problems.append(f"AIRTIME_SECRET_KEY must be a random secret of at least {MIN_SECRET_CHARS} "
                            "characters, not the placeholder")  # fmt: skip
        url = urlsplit(self.public_url or "")
        if url.scheme != "https" or not url.hostname:
            problems.append("AIRTIME_PUBLIC_URL must be the https:// address people use")
        if workers > 1 and (shared := self.multi_worker_problem()):
            problems.append(f"{workers} workers: {shared}")
        return problems

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))


def production_refusal(problems: list[str]) -> str:
    """The one line a production server that refuses to start prints."""
    return "AIRTIME_ENV=production refuses to start: " + "; ".join(problems)


@lru_cache
def get_settings() -> Settings:
    return Settings()
