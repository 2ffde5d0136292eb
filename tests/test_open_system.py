"""``omscore.open_system``: a whole system from a merchant configuration and a storage choice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from omscore import (
    InvalidInput,
    LocationId,
    OrderStatus,
    SkuCode,
    in_memory,
    load_config,
    open_system,
)
from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.system import ManualClock
from omscore.policies.routing import SourcingSettings
from omscore.policies.split import SplitSettings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CONFIG = EXAMPLES / "config.json"
ORDERS = EXAMPLES / "orders.jsonl"


def example_lines() -> list[str]:
    return ORDERS.read_text(encoding="utf-8").splitlines()


def units_on_hand(levels: list[tuple[LocationId, SkuCode, int]]) -> int:
    return sum(on_hand for _, _, on_hand in levels)


def test_a_configuration_file_in_memory_gives_a_set_up_system_with_recording_gateways() -> None:
    config = load_config(CONFIG)

    with open_system(CONFIG) as system:
        with system.store.uow() as uow:
            catalog, network = uow.catalog.load(), uow.network.load()
            on_hand = sum(level.on_hand for level in uow.inventory.all_levels())

        assert system.store.kind == "memory"
        assert system.was_empty is True
        assert (catalog, network) == (config.catalog, config.network)
        assert on_hand == sum(level.on_hand for level in config.stock) > 0
        assert isinstance(system.channels, RecordingChannelGateway)
        assert isinstance(system.fulfilment, RecordingFulfilmentGateway)


def test_the_configuration_decides_settings_routing_and_split() -> None:
    config = load_config(CONFIG)

    with open_system(config) as system:
        ctx = system.oms.ctx

        assert ctx.settings == config.settings
        assert ctx.policies.split == config.split


def test_orders_go_through_the_pipeline_and_the_audit_is_clean() -> None:
    with open_system(CONFIG, storage="memory") as system:
        for line in example_lines():
            system.oms.ingest_payload(line)
        counts = system.oms.process()
        released = system.oms.orders_with_status(OrderStatus.RELEASED)

        assert counts.released > 0
        assert released
        assert system.fulfilment.sent
        assert system.oms.audit().ok


def test_a_sqlite_file_keeps_orders_and_books_the_initial_stock_only_once(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    with open_system(CONFIG, storage=str(db)) as first:
        for line in example_lines():
            first.oms.ingest_payload(line)
        first.oms.process()
        with first.store.uow() as uow:
            stock_after_first = [(lv.location, lv.sku, lv.on_hand) for lv in uow.inventory.all_levels()]
            orders_after_first = uow.orders.count()

    with open_system(CONFIG, storage=db) as second:
        with second.store.uow() as uow:
            stock_on_reopening = [(lv.location, lv.sku, lv.on_hand) for lv in uow.inventory.all_levels()]
            orders_on_reopening = uow.orders.count()

        assert first.store.kind == second.store.kind == "sqlite"
        assert first.was_empty is True
        assert second.was_empty is False
        assert orders_on_reopening == orders_after_first > 0
        assert stock_on_reopening == stock_after_first
        assert units_on_hand(stock_on_reopening) == units_on_hand(stock_after_first)
        assert second.oms.audit().ok


def test_host_supplied_gateways_and_clock_are_the_ones_used() -> None:
    channels = RecordingChannelGateway()
    fulfilment = RecordingFulfilmentGateway()
    clock = ManualClock(datetime(2026, 11, 11, tzinfo=UTC))

    with open_system(CONFIG, channels=channels, fulfilment=fulfilment, clock=clock) as system:
        for line in example_lines():
            system.oms.ingest_payload(line)
        system.oms.process()

        assert system.channels is channels
        assert system.fulfilment is fulfilment
        assert system.clock is system.oms.ctx.clock is clock
        assert fulfilment.sent


@pytest.mark.parametrize(
    ("storage", "reason"),
    [
        ("", "name a SQLite file"),
        ("   ", "name a SQLite file"),
        ("mysql://shop@localhost/oms", "unknown storage scheme"),
        ("sqlite:///no/such/folder/shop.db", "does not exist"),
    ],
)
def test_a_bad_storage_string_is_a_typed_error_naming_the_field_and_value(storage: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        open_system(CONFIG, storage=storage)

    assert raised.value.field == "storage"
    assert raised.value.value == storage
    assert reason in raised.value.reason


def test_a_folder_or_a_missing_folder_is_refused_as_sqlite_storage(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is a directory"):
        open_system(CONFIG, storage=tmp_path)
    with pytest.raises(InvalidInput, match="does not exist") as raised:
        open_system(CONFIG, storage=tmp_path / "missing" / "shop.db")

    assert raised.value.field == "storage"
    assert not (tmp_path / "missing").exists()


def test_a_password_in_a_storage_url_is_not_repeated_in_the_error() -> None:
    with pytest.raises(InvalidInput) as raised:
        open_system(CONFIG, storage="mysql://shop:s3cret@localhost/oms")

    assert "s3cret" not in str(raised.value)
    assert raised.value.value == "mysql://shop:***@localhost/oms"


def test_in_memory_takes_a_configuration_and_passes_routing_and_split_through() -> None:
    config = load_config(CONFIG)
    sourcing, split = SourcingSettings(), SplitSettings()

    from_config = in_memory(config=CONFIG)
    overridden = in_memory(config=config, sourcing=sourcing, split=split)

    with from_config.oms.ctx.uow() as uow:
        assert uow.catalog.load() == config.catalog
        assert uow.inventory.all_levels()
    assert from_config.oms.ctx.policies.split == config.split
    assert overridden.oms.ctx.policies.split is split
    assert overridden.oms.ctx.settings == config.settings
