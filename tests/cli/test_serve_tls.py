"""`airtime serve --certfile --keyfile`: https for phones' microphones on a local network."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.server import LiveServer

AIRTIME = str(Path(sys.executable).parent / "airtime")


@pytest.mark.server
def test_serves_https_with_a_certificate_and_key(tmp_path: Path) -> None:
    key, cert = tmp_path / "airtime.key", tmp_path / "airtime.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=airtime", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
         "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    server = LiveServer(tmp_path / "data", scheme="https",
                        extra_args=["--certfile", str(cert), "--keyfile", str(key)])  # fmt: skip
    server.start()
    try:
        trust = ssl.create_default_context(cafile=str(cert))
        answer = httpx.get(f"{server.url}/healthz", verify=trust, timeout=5)
        assert answer.json() == {"status": "ok"}
        assert server.url.startswith("https://")
    finally:
        server.stop()


def test_several_workers_are_refused_on_the_embedded_default(tmp_path: Path) -> None:
    """RELIABILITY.md V5: neither the memory broker nor SQLite can be shared by workers."""
    env = os.environ | {"AIRTIME_DATA_DIR": str(tmp_path)}
    memory = subprocess.run([AIRTIME, "serve", "--workers", "2"], capture_output=True, text=True, env=env,
                            timeout=30, check=False)  # fmt: skip
    assert memory.returncode == 2 and memory.stderr.count("\n") == 1 and "in-memory broker" in memory.stderr
    redis_env = env | {"AIRTIME_BROKER_URL": "redis://127.0.0.1:1/0"}
    sqlite = subprocess.run([AIRTIME, "serve", "--workers", "2"], capture_output=True, text=True, env=redis_env,
                            timeout=30, check=False)  # fmt: skip
    assert sqlite.returncode == 2 and "SQLite serves one process" in sqlite.stderr


def test_the_first_organiser_is_created_from_the_command_line(tmp_path: Path) -> None:
    env = os.environ | {"AIRTIME_DATA_DIR": str(tmp_path)}

    def create(name: str, password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([AIRTIME, "create-organiser", name, "--password-stdin"], input=password + "\n",
                              capture_output=True, text=True, env=env, timeout=60, check=False)  # fmt: skip

    short = create("org", "short")
    assert short.returncode == 2 and short.stderr.strip() == "password: use at least 10 characters"
    made = create("org", "a long enough password")
    assert made.returncode == 0 and "organiser 'org' created" in made.stdout
    again = create("other", "a long enough password")
    assert again.returncode == 2 and "already has accounts" in again.stderr and again.stderr.count("\n") == 1
