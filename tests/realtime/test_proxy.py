"""The deployment of docker-compose.yml, as far as this machine can run it: its nginx
configuration for real (Debian's nginx) in front of two Airtime workers over Redis."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.realtime.test_live_session import of_type
from tests.support.clients import Socket, client, join_member, setup_facilitator, start_live
from tests.support.redis import RedisServer
from tests.support.server import LiveServer, free_port

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent.parent
NGINX = ROOT / "deploy" / "nginx"


def test_the_compose_file_wires_two_workers_redis_postgres_and_the_proxy() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "airtime1", "airtime2", "proxy"}
    for name in ("postgres", "redis", "airtime1", "airtime2", "proxy"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("airtime1", "airtime2"):
        env = services[name]["environment"]
        assert env["AIRTIME_BROKER_URL"].startswith("redis://")
        assert env["AIRTIME_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    mounts = [volume.split(":")[0] for volume in services["proxy"]["volumes"]]
    assert all((ROOT / mount).exists() for mount in mounts)
    upstreams = (NGINX / "conf.d" / "upstreams.conf").read_text()
    assert "airtime1:8000" in upstreams and "airtime2:8000" in upstreams


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[str, list[LiveServer]]]:
    """nginx with deploy/nginx/nginx.conf, pointed at two workers on loopback ports."""
    port = free_port()
    redis = RedisServer(tmp_path / "redis").start()
    env = {"AIRTIME_BROKER_URL": redis.url, "AIRTIME_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    workers = [LiveServer(tmp_path / "data", **env).start() for _ in range(2)]
    prefix = tmp_path / "nginx"
    (prefix / "conf.d").mkdir(parents=True)
    (prefix / "tmp").mkdir()
    shutil.copy(NGINX / "nginx.conf", prefix / "nginx.conf")  # the deployment's own file
    (prefix / "conf.d" / "upstreams.conf").write_text(
        "".join(f"server 127.0.0.1:{w.url.rsplit(':', 1)[1]};\n" for w in workers))
    (prefix / "conf.d" / "listen.conf").write_text(f"listen 127.0.0.1:{port};\n")
    with (prefix / "error.log").open("wb") as log:
        nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", f"{prefix}/", "-c", "nginx.conf",
                                  "-g", "daemon off; user root;"], stderr=log)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url, workers
    nginx.terminate()
    nginx.wait(10)
    for worker in workers:
        worker.stop()
    redis.stop()


async def test_a_live_session_through_the_proxy(proxied: tuple[str, list[LiveServer]]) -> None:
    url, workers = proxied
    ws = url.replace("http://", "ws://")
    fac = await setup_facilitator(url)
    dash = await Socket.open(ws, fac.http, fac.session_id)
    await dash.wait_for(of_type("snapshot"))
    http, joined = await join_member(url, fac.group["invite_code"], "Ana")
    ana = await Socket.open(ws, http, fac.session_id)
    me = joined["member"]["id"]
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me and f["person"]["present"])
    await start_live(dash)
    mark = dash.mark()
    await ana.send(type="speaking", on=True, id="on")
    await ana.wait_for(of_type("ack", id="on"))
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me and f["person"]["speaking"],
                        since=mark)  # fmt: skip
    sockets = 0.0
    for worker in workers:
        text = (await client(worker.url).get("/metrics")).text
        sockets += float(next(line.split()[1] for line in text.splitlines() if line.startswith("airtime_sockets ")))
    assert sockets == 2  # both sockets went through nginx to the workers
