"""RELIABILITY.md V5: the production profile refuses placeholder secrets, plain-text public
URLs and several workers on SQLite or the memory broker; development is unchanged."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from app.settings import PLACEHOLDER_SECRET, Settings
from tests.support.server import LiveServer, free_port

AIRTIME = str(Path(sys.executable).parent / "airtime")
ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(32)
GOOD_URL = "https://airtime.example.org"
SHARED = {"broker_url": "redis://redis:6379/0", "database_url": "postgresql+psycopg://a@db/airtime"}


def production(**settings: str) -> Settings:
    return Settings(**({"env": "production", "secret_key": GOOD_KEY, "public_url": GOOD_URL} | settings))  # type: ignore[arg-type]


def test_an_accepted_production_set_up_has_no_problems() -> None:
    assert production().production_problems() == []
    assert production(**SHARED).production_problems(workers=4) == []
    assert production(public_url="https://192.168.1.20:8443").production_problems() == []


@pytest.mark.parametrize("key", [PLACEHOLDER_SECRET, "", "short-but-random-Q7x", "a" * 64, "abababab" * 8])
def test_a_placeholder_short_or_repetitive_secret_is_refused(key: str) -> None:
    (problem,) = production(secret_key=key).production_problems()
    assert problem.startswith("AIRTIME_SECRET_KEY must be a random secret of at least 32 characters")


@pytest.mark.parametrize("url", [None, "", "http://airtime.example.org", "https://", "ftp://airtime.example.org",
                                 "airtime.example.org"])  # fmt: skip
def test_a_missing_or_plain_text_public_url_is_refused(url: str | None) -> None:
    (problem,) = production(public_url=url).production_problems()  # type: ignore[arg-type]
    assert problem == "AIRTIME_PUBLIC_URL must be the https:// address people use"


def test_several_workers_on_sqlite_or_the_memory_broker_are_refused() -> None:
    (memory,) = production().production_problems(workers=2)
    assert memory.startswith("2 workers: the in-memory broker serves one process")
    (sqlite,) = production(broker_url="redis://redis:6379/0").production_problems(workers=3)
    assert sqlite.startswith("3 workers: SQLite serves one process")
    assert production().production_problems(workers=1) == []  # one process may use both


def test_every_problem_is_named_at_once() -> None:
    problems = production(secret_key=PLACEHOLDER_SECRET, public_url="http://x").production_problems(workers=2)
    assert len(problems) == 3


def test_development_checks_nothing() -> None:
    lax = Settings(env="development", secret_key=PLACEHOLDER_SECRET, public_url="http://x")
    assert lax.production_problems(workers=8) == []


# -- the real command ---------------------------------------------------------------


def serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"AIRTIME_DATA_DIR": str(tmp_path), "AIRTIME_ENV": "production"} | env
    return subprocess.run([AIRTIME, "serve", "--port", str(free_port()), *args], capture_output=True, text=True,
                          env=env, timeout=60, check=False)  # fmt: skip


@pytest.mark.parametrize(("env", "said"), [
    ({"AIRTIME_PUBLIC_URL": GOOD_URL}, "AIRTIME_SECRET_KEY must be a random secret"),
    ({"AIRTIME_PUBLIC_URL": GOOD_URL, "AIRTIME_SECRET_KEY": "change-me"}, "AIRTIME_SECRET_KEY must be"),
    ({"AIRTIME_SECRET_KEY": GOOD_KEY}, "AIRTIME_PUBLIC_URL must be the https:// address"),
    ({"AIRTIME_SECRET_KEY": GOOD_KEY, "AIRTIME_PUBLIC_URL": "http://airtime.example.org"}, "AIRTIME_PUBLIC_URL must"),
], ids=["placeholder", "weak-secret", "no-public-url", "http-public-url"])  # fmt: skip
def test_airtime_serve_refuses_in_one_line_with_status_2(tmp_path: Path, env: dict[str, str], said: str) -> None:
    refused = serve(tmp_path, **env)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("AIRTIME_ENV=production refuses to start: ")
    assert said in refused.stderr
    assert not (tmp_path / "airtime.db").exists()  # refused before anything was opened


def test_airtime_serve_refuses_several_workers_on_the_embedded_default(tmp_path: Path) -> None:
    memory = serve(tmp_path, "--workers", "2", AIRTIME_SECRET_KEY=GOOD_KEY, AIRTIME_PUBLIC_URL=GOOD_URL)
    assert memory.returncode == 2 and memory.stderr.count("\n") == 1 and "in-memory broker" in memory.stderr
    sqlite = serve(tmp_path, "--workers", "2", AIRTIME_SECRET_KEY=GOOD_KEY, AIRTIME_PUBLIC_URL=GOOD_URL,
                   AIRTIME_BROKER_URL="redis://127.0.0.1:1/0")  # fmt: skip
    assert sqlite.returncode == 2 and sqlite.stderr.count("\n") == 1 and "SQLite serves one process" in sqlite.stderr


@pytest.mark.server
def test_a_valid_production_set_up_starts_and_serves(tmp_path: Path) -> None:
    """Behind a TLS-terminating proxy: the public address is https, the worker plain http on loopback."""
    server = LiveServer(tmp_path / "data", AIRTIME_ENV="production", AIRTIME_SECRET_KEY=GOOD_KEY,
                        AIRTIME_PUBLIC_URL=GOOD_URL).start()  # fmt: skip
    try:
        assert httpx.get(f"{server.url}/healthz", timeout=5).json() == {"status": "ok"}
        setup = httpx.post(f"{server.url}/api/auth/register", json={"username": "org", "password": "x" * 12})
        assert "secure" in setup.headers["set-cookie"].lower()  # https public address: secure cookies
    finally:
        server.stop()


@pytest.mark.server
def test_the_application_refuses_when_started_without_airtime_serve(tmp_path: Path) -> None:
    """uvicorn's own command: the lifespan makes the same checks and the server exits."""
    env = os.environ | {"AIRTIME_DATA_DIR": str(tmp_path), "AIRTIME_ENV": "production",
                        "AIRTIME_PUBLIC_URL": GOOD_URL}  # fmt: skip
    started = subprocess.run([sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port",
                              str(free_port())], capture_output=True, text=True, env=env, timeout=60,
                             check=False)  # fmt: skip
    output = started.stdout + started.stderr
    assert started.returncode != 0
    assert re.search(r"^AIRTIME_ENV=production refuses to start: AIRTIME_SECRET_KEY must be", output, re.MULTILINE)
    assert "Application startup failed" in output
    assert not (tmp_path / "airtime.db").exists()


def test_the_lifespan_counts_workers_from_web_concurrency(tmp_path: Path) -> None:
    env = os.environ | {"AIRTIME_DATA_DIR": str(tmp_path), "AIRTIME_ENV": "production", "WEB_CONCURRENCY": "2",
                        "AIRTIME_PUBLIC_URL": GOOD_URL, "AIRTIME_SECRET_KEY": GOOD_KEY}  # fmt: skip
    started = subprocess.run([sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port",
                              str(free_port())], capture_output=True, text=True, env=env, timeout=60,
                             check=False)  # fmt: skip
    # Every worker refuses and the supervisor stops (uvicorn's supervisor itself exits 0).
    output = started.stdout + started.stderr
    assert "refuses to start: 2 workers: the in-memory broker serves one process" in output
    assert "Application startup failed" in output
    assert not (tmp_path / "airtime.db").exists()


# -- what the deployment files set --------------------------------------------------


def test_the_compose_file_runs_the_production_profile_with_real_secrets() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("airtime1", "airtime2"):
        env = services[name]["environment"]
        assert env["AIRTIME_ENV"] == "production"
        # Taken from the environment, with no default that would pass: compose stops without it.
        assert re.fullmatch(r"\$\{AIRTIME_SECRET_KEY:\?[^}]+\}", env["AIRTIME_SECRET_KEY"])
        assert re.fullmatch(r"\$\{AIRTIME_PUBLIC_URL:\?[^}]+\}", env["AIRTIME_PUBLIC_URL"])


def test_operations_md_documents_every_setting_and_the_production_refusals() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    for name in Settings.model_fields:
        assert f"| `AIRTIME_{name.upper()}` |" in text, name
    section = text.split("## Production", 1)[1].split("\n## ", 1)[0]
    for refusal in ("AIRTIME_SECRET_KEY", "placeholder", "https://", "SQLite", "in-memory broker", "exit status 2"):
        assert refusal in section, refusal
