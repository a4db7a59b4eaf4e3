#!/usr/bin/env bash
# Install everything the tests need and run every test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
# Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded),
# openssl to make a certificate for the https test, redis-server and postgresql (the
# tests start their own servers on loopback ports, PostgreSQL as the postgres account),
# and nginx, which runs docker-compose.yml's proxy configuration in front of two workers.
apt_install chromium openssl redis-server postgresql nginx
bootstrap test
.venv/bin/ruff check app tests bench
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
