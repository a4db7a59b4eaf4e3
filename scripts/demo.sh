#!/usr/bin/env bash
# Install Airtime into .venv and start the demo: a live session on SQLite and the
# in-memory broker, with simulated members. Extra arguments go to `airtime demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
bootstrap
exec .venv/bin/airtime demo "$@"
