"""``omscore stock SKU``: the pool per location, every listing's share and why, by the merchant's sharing settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omscore.boundary import load_config, parse_config
from omscore.cli import build_app
from omscore.demo.merchant import SHARING, merchant_document
from omscore.domain.catalog import Catalog
from omscore.domain.identity import SkuCode

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = EXAMPLES / "config.json"
DURING_THE_LIVE_STREAM = "2026-11-11T21:00+08:00"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("stock") / "demo.db")
    result = runner.invoke(build_app(), ["demo", "--orders", "80", "--seed", "6", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def run_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("stock") / "run.db")
    orders = EXAMPLES / "orders.jsonl"
    result = runner.invoke(build_app(), ["run", "-c", str(CONFIG), "-o", str(orders), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return db


def stock(*args: str) -> str:
    result = runner.invoke(build_app(), ["stock", *args], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    return result.stdout


def listings_selling(catalog: Catalog, sku: str) -> set[str]:
    selling = set()
    for (_, listing_id), listing in catalog.listings.items():
        if listing.sku == sku or (
            listing.kit is not None and any(c.sku == sku for c in catalog.kits[listing.kit].components)
        ):
            selling.add(listing_id)
    return selling


def share_rows(output: str) -> dict[str, str]:
    """Rows of the shares table by listing id (the second column)."""
    rows = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) >= 5 and ":" in cells[0] and cells[-1].isdigit() and cells[-2].isdigit():
            rows[cells[1]] = line
    return rows


def test_every_shop_listing_of_the_sku_gets_a_share_with_its_reason(demo_db: str) -> None:
    catalog = parse_config(merchant_document(())).catalog

    output = stock("TEA-LJ-250", "--db", demo_db)

    expected = listings_selling(catalog, "TEA-LJ-250")
    assert len(expected) == 10
    assert set(share_rows(output)) == expected
    assert "shared by the demo merchant's sharing settings" in output
    for location in ("WH-EAST", "WH-SOUTH", "3PL-WEST"):
        assert location in output
    assert "Webster on weights" in output
    assert output.count("of the shared") == len(expected)


def test_the_live_stream_lock_holds_units_for_douyin_while_it_runs(demo_db: str) -> None:
    lock = SHARING["locks"][0]

    during = stock("TEA-LJ-250", "--db", demo_db, "--at", DURING_THE_LIVE_STREAM)
    after = stock("TEA-LJ-250", "--db", demo_db, "--at", "2026-11-11T22:00+08:00")

    assert f"lock {lock['key']}" in during
    assert "lock" not in after
    douyin_during = int(share_rows(during)[lock["listing_id"]].split()[-1])
    douyin_after = int(share_rows(after)[lock["listing_id"]].split()[-1])
    assert douyin_during > douyin_after


def test_a_kit_listing_shows_what_its_scarcest_component_allows(demo_db: str) -> None:
    output = stock("CUP-CER-01", "--db", demo_db)

    gift_sets = [row for row in share_rows(output).values() if "KIT-GIFT-SET (4 per kit)" in row]
    assert gift_sets
    for row in gift_sets:
        share, shows = (int(cell) for cell in row.split()[-2:])
        assert shows <= share // 4


def test_a_configuration_file_gives_the_sharing_settings(run_db: str) -> None:
    config = load_config(CONFIG)

    output = stock("TEA-LJ-250", "--db", run_db, "--config", str(CONFIG), "--at", DURING_THE_LIVE_STREAM)

    assert f"the sharing section of {CONFIG}" in output
    assert set(share_rows(output)) == listings_selling(config.catalog, "TEA-LJ-250")
    assert "lock douyin-live-1111" in output
    assert "WH-HZ" in output


def test_without_settings_another_merchant_is_shared_by_the_library_defaults(run_db: str) -> None:
    output = stock("CUP-CER-01", "--db", run_db)

    assert "the library defaults" in output
    assert set(share_rows(output)) == listings_selling(load_config(CONFIG).catalog, SkuCode("CUP-CER-01"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NO-SUCH-SKU"], "no such SKU in the catalog"),
        (["TABLE-TEA-1", "--at", "tomorrow"], "not an ISO 8601 date-time"),
        (["TABLE-TEA-1", "--at", "2026-11-11T21:00"], "give a UTC offset"),
    ],
)
def test_a_bad_argument_is_one_clear_message(demo_db: str, args: list[str], message: str) -> None:
    result = runner.invoke(build_app(), ["stock", *args, "--db", demo_db])

    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_sku_no_listing_sells_is_refused(tmp_path: Path) -> None:
    document = json.loads(CONFIG.read_text(encoding="utf-8"))
    document["skus"].append({"code": "SAMPLE-ONLY", "name": "Tasting sample, never listed"})
    config, orders, db = tmp_path / "config.json", tmp_path / "orders.jsonl", str(tmp_path / "shop.db")
    config.write_text(json.dumps(document), encoding="utf-8")
    orders.write_text("", encoding="utf-8")
    loaded = runner.invoke(build_app(), ["run", "-c", str(config), "-o", str(orders), "--db", db])
    assert loaded.exit_code == 0, loaded.output

    result = runner.invoke(build_app(), ["stock", "SAMPLE-ONLY", "--db", db])

    assert result.exit_code == 1
    assert "no listing sells it" in result.stderr


def test_a_missing_database_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["stock", "TEA-LJ-250", "--db", str(tmp_path / "none.db")])

    assert result.exit_code == 1
    assert "no database file there" in result.stderr
