"""``omscore.open_system`` on a PostgreSQL URL: master data and stock set up once, orders kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from omscore import load_config, open_system

pytestmark = pytest.mark.postgres

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = EXAMPLES / "config.json"


def test_a_postgresql_url_gives_a_system_set_up_once(fresh_dsn: str) -> None:
    config = load_config(CONFIG)
    with open_system(config, storage=fresh_dsn) as first:
        for line in (EXAMPLES / "orders.jsonl").read_text(encoding="utf-8").splitlines():
            first.oms.ingest_payload(line)
        first.oms.process()
        with first.store.uow() as uow:
            stock_after_first = sorted((lv.location, lv.sku, lv.on_hand) for lv in uow.inventory.all_levels())
            orders_after_first = uow.orders.count()

    with open_system(config, storage=fresh_dsn) as second:
        with second.store.uow() as uow:
            stock_on_reopening = sorted((lv.location, lv.sku, lv.on_hand) for lv in uow.inventory.all_levels())
            orders_on_reopening = uow.orders.count()

        assert first.store.kind == second.store.kind == "postgresql"
        assert (first.was_empty, second.was_empty) == (True, False)
        assert orders_on_reopening == orders_after_first > 0
        assert stock_on_reopening == stock_after_first
        assert second.oms.audit().ok
        assert first.fulfilment.sent
