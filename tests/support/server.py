"""A real Airtime server in a subprocess on a loopback port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`airtime serve` as a user would run it, with its own data directory."""

    def __init__(self, data_dir: Path, port: int | None = None, scheme: str = "http",
                 extra_args: list[str] | None = None, **env: str) -> None:  # fmt: skip
        self.data_dir, self.port, self.scheme = data_dir, port or free_port(), scheme
        self.extra_args = extra_args or []
        self.env = {"AIRTIME_DATA_DIR": str(data_dir), **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"{self.scheme.replace('http', 'ws')}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> LiveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = os.environ | self.env
        # The same command the Dockerfile runs.
        command = [str(Path(sys.executable).parent / "airtime"), "serve", "--port", str(self.port),
                   *self.extra_args]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1, verify=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs (RELIABILITY.md F1)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(15)
            self.process = None

    def stop(self, timeout: float = 15) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
        self.process = None
