"""``omscore demo --db postgresql://…``: the same day on PostgreSQL as in memory, and a replay that adds nothing.

Needs the PostgreSQL server binaries (a throwaway cluster is started for the module). Without them the tests
are skipped, unless ``OMSCORE_REQUIRE_POSTGRES=1`` is set (as in CI), which makes that a failure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from omscore.cli import build_app
from omscore.testing.postgres import find_server_binaries, throwaway_cluster

pytestmark = pytest.mark.postgres
runner = CliRunner()


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    bindir = find_server_binaries()
    if bindir is None:
        reason = "PostgreSQL server binaries (initdb, postgres) not found"
        if os.environ.get("OMSCORE_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(f"OMSCORE_REQUIRE_POSTGRES is set but {reason}", pytrace=False)
        pytest.skip(reason)
    with throwaway_cluster(bindir) as cluster:
        yield cluster.dsn


def demo_json(db: str) -> dict[str, Any]:
    result = runner.invoke(build_app(), ["demo", "--orders", "150", "--seed", "8", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def test_the_demo_on_postgresql_matches_the_in_memory_run_and_replays_cleanly(dsn: str) -> None:
    in_memory = demo_json(":memory:")

    first = demo_json(dsn)
    replay = demo_json(dsn)

    assert first["storage"] == "postgresql"
    assert {**first, "storage": "memory"} == in_memory
    assert replay["fresh_database"] is False
    assert replay["orders_received"] == 0
    assert replay["audit_ok"] is True
    assert replay["orders_by_status"] == first["orders_by_status"]


def test_the_url_is_shown_without_its_password() -> None:
    result = runner.invoke(build_app(), ["orders", "--db", "postgresql://shop:secret@127.0.0.1:1/none"])

    assert result.exit_code == 1
    assert "secret" not in result.output
    assert "Traceback" not in result.output
