"""``omscore orders`` and ``omscore order``: what a demo stored, and the command line's manners."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omscore import cli
from omscore.cli import build_app

runner = CliRunner()
ORDER_ID = re.compile(r"\bO\d{8}\b")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    result = runner.invoke(build_app(), ["demo", "--orders", "120", "--seed", "5", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return db


def test_orders_lists_what_the_demo_stored(demo_db: str) -> None:
    result = runner.invoke(build_app(), ["orders", "--db", demo_db, "--limit", "5"])

    assert result.exit_code == 0, result.output
    assert "O00000001" in result.stdout
    assert "5 of" in result.stdout


def test_orders_filters_by_status(demo_db: str) -> None:
    result = runner.invoke(build_app(), ["orders", "--db", demo_db, "--status", "held", "--limit", "500"])

    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if ORDER_ID.search(line)]
    assert rows
    assert all("held" in row for row in rows)


def test_order_shows_lines_shipments_carriers_and_tracking(demo_db: str) -> None:
    listing = runner.invoke(build_app(), ["orders", "--db", demo_db, "--status", "completed", "--limit", "1"])
    found = ORDER_ID.search(listing.stdout)
    assert found is not None

    result = runner.invoke(build_app(), ["order", found.group(), "--db", demo_db])

    assert result.exit_code == 0, result.output
    for text in ("completed", "Lines", "Shipments", "delivered", "platform orders"):
        assert text in result.stdout


def test_order_json_gives_each_shipment_the_dates_its_promise_decision_names(demo_db: str) -> None:
    listing = runner.invoke(build_app(), ["orders", "--db", demo_db, "--status", "completed", "--limit", "1"])
    found = ORDER_ID.search(listing.stdout)
    assert found is not None

    result = runner.invoke(build_app(), ["order", found.group(), "--db", demo_db, "--json"])

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["order_id"] == found.group()
    promised = {
        d["summary"].split(":")[0]: d["summary"].split(": ", 1)[1]
        for d in shown["decisions"]
        if d["policy"] == "promise"
    }
    assert promised.keys() & {shipment["id"] for shipment in shown["shipments"]}
    for shipment in shown["shipments"]:
        ship_by, deliver_by = date.fromisoformat(shipment["ship_by"]), date.fromisoformat(shipment["deliver_by"])
        assert ship_by <= deliver_by
        if shipment["id"] in promised:
            assert promised[shipment["id"]] == f"ship by {ship_by}, deliver by {deliver_by}"


def test_order_shows_the_promised_dates_of_its_shipments(demo_db: str) -> None:
    listing = runner.invoke(build_app(), ["orders", "--db", demo_db, "--status", "completed", "--limit", "1"])
    found = ORDER_ID.search(listing.stdout)
    assert found is not None
    shown = json.loads(runner.invoke(build_app(), ["order", found.group(), "--db", demo_db, "--json"]).stdout)

    result = runner.invoke(build_app(), ["order", found.group(), "--db", demo_db], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "ship by" in result.stdout
    for shipment in shown["shipments"]:
        assert shipment["ship_by"] in result.stdout
        assert shipment["deliver_by"] in result.stdout


def test_an_order_can_be_found_by_its_platform_reference(demo_db: str) -> None:
    shown = runner.invoke(build_app(), ["order", "O00000001", "--db", demo_db])
    reference = re.search(r"(\w+:[\w-]+:\d+)", shown.stdout)
    assert reference is not None

    result = runner.invoke(build_app(), ["order", reference.group(1), "--db", demo_db])

    assert result.exit_code == 0, result.output
    assert reference.group(1) in result.stdout


def test_an_unknown_order_is_a_clear_error(demo_db: str) -> None:
    result = runner.invoke(build_app(), ["order", "O99999999", "--db", demo_db])

    assert result.exit_code == 1
    assert "no such order" in result.stderr
    assert "Traceback" not in result.output


def test_reading_a_missing_database_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"

    result = runner.invoke(build_app(), ["orders", "--db", str(missing)])

    assert result.exit_code == 1
    assert "no database file" in result.stderr
    assert not missing.exists()


def test_an_unknown_status_is_refused_by_the_option_parser(demo_db: str) -> None:
    result = runner.invoke(build_app(), ["orders", "--db", demo_db, "--status", "lost"])

    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("demo", ("--orders", "--seed", "--json", "--db", "invariant")),
        ("run", ("--config", "--orders", "--json", "--db", "malformed")),
        ("orders", ("--status", "--limit", "--db")),
        ("order", ("ORDER_ID", "--db", "tracking")),
    ],
)
def test_every_command_explains_itself(command: str, words: tuple[str, ...]) -> None:
    result = runner.invoke(build_app(), [command, "--help"])

    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout, word


def test_without_the_cli_extra_main_exits_2_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "MISSING_EXTRA", "typer")

    with pytest.raises(SystemExit) as exit_info:
        cli.main()

    assert exit_info.value.code == 2
    assert "omscore[cli]" in capsys.readouterr().err
