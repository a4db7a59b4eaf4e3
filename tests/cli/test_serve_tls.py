"""`airtime serve --certfile --keyfile`: https for phones' microphones on a local network."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.server import LiveServer


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
