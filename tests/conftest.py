"""Shared test configuration: reproducible hypothesis profiles (STYLE.md "Tests")."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.postgres import PostgresServer

# CI: derandomized (the same examples on every run) and no timing deadline, since
# two shared cores make deadlines flaky. Pick another with HYPOTHESIS_PROFILE=dev.
settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200)
settings.register_profile("dev", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run; each test takes a fresh database."""
    server = PostgresServer().start()
    yield server
    server.stop()
