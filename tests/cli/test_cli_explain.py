"""``omscore explain``: every order the demo stored can explain the decisions taken about it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from omscore.cli import build_app, open_store
from omscore.domain import OrderStatus

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("explain") / "demo.db")
    result = runner.invoke(build_app(), ["demo", "--orders", "150", "--seed", "9", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return db


def _stored_ids(db: str) -> list[str]:
    with open_store(db, must_exist=True) as store, store.uow() as uow:
        return sorted(oid for status in OrderStatus for oid in uow.orders.ids_with_status(status))


def test_every_stored_order_explains_itself(demo_db: str) -> None:
    ids = _stored_ids(demo_db)
    assert len(ids) > 100
    for order_id in ids:
        result = runner.invoke(build_app(), ["explain", order_id, "--db", demo_db, "--json"])
        assert result.exit_code == 0, result.output
        explained = json.loads(result.stdout.strip().splitlines()[-1])["explained"]
        assert explained[0]["order_id"] == order_id
        reviewed = [e for e in explained if e["status"] != "received"]
        for entry in reviewed:
            if entry["status"] != "cancelled" or entry["decisions"]:
                assert entry["decisions"], entry
        routed = [e for e in explained if e["shipments"]]
        for entry in routed:
            assert any(d["policy"] == "routing" for d in entry["decisions"])
            assert any(d["policy"] == "carrier" for d in entry["decisions"])


def test_explain_prints_rules_candidates_and_the_choice(demo_db: str) -> None:
    routed = next(
        oid
        for oid in _stored_ids(demo_db)
        if '"routing"' in runner.invoke(build_app(), ["explain", oid, "--db", demo_db, "--json"]).stdout
    )
    result = runner.invoke(build_app(), ["explain", routed, "--db", demo_db])
    assert result.exit_code == 0, result.output
    assert "routing:" in result.stdout
    assert "carrier:" in result.stdout
    assert "review:" in result.stdout or "merged into" in result.stdout


def test_explaining_an_unknown_order_is_a_clear_error(demo_db: str) -> None:
    result = runner.invoke(build_app(), ["explain", "O99999999", "--db", demo_db])
    assert result.exit_code == 1
    assert "no such order" in result.output
