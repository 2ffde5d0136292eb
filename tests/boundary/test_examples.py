"""examples/: the merchant configuration and the day of orders parse, fit each other and hold the cases they claim."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from omscore.boundary import MerchantConfig, load_config, parse_platform_order
from omscore.domain.catalog import KNOWN_TAGS
from omscore.domain.identity import LocationId
from omscore.domain.network import LocationKind
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformOrder, PlatformStatus

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def config() -> MerchantConfig:
    return load_config(EXAMPLES / "config.json")


@pytest.fixture(scope="module")
def orders() -> list[PlatformOrder]:
    with (EXAMPLES / "orders.jsonl").open(encoding="utf-8") as lines:
        return [parse_platform_order(line) for line in lines if line.strip()]


def test_the_merchant_sells_in_several_shops_on_several_platforms(config: MerchantConfig) -> None:
    assert len(config.channels) >= 4
    assert len({channel.platform for channel in config.channels}) >= 3
    assert all(config.catalog.listings_of(channel) for channel in config.channels)


def test_the_catalog_has_handling_tags_and_kits(config: MerchantConfig) -> None:
    tags = {tag for sku in config.catalog.skus.values() for tag in sku.tags}

    assert len(config.catalog.skus) >= 12
    assert {"cold_chain", "oversize", "fragile"} <= tags <= KNOWN_TAGS
    assert len(config.catalog.kits) >= 2


def test_the_network_has_every_kind_of_location_and_varied_carriers(config: MerchantConfig) -> None:
    kinds = Counter(location.kind for location in config.network.locations.values())
    carriers = config.network.carriers.values()

    assert kinds[LocationKind.WAREHOUSE] >= 2
    assert kinds[LocationKind.THIRD_PARTY] >= 1
    assert kinds[LocationKind.SUPPLIER] >= 1
    assert any(
        loc.kind is LocationKind.STORE and "pickup" in loc.capabilities for loc in config.network.locations.values()
    )
    assert len(carriers) >= 4
    assert any(carrier.supports_cod for carrier in carriers)
    assert any(carrier.max_weight_g is not None for carrier in carriers)
    assert any("CN/Xinjiang" in carrier.excluded_regions for carrier in carriers)


def test_the_supplier_holds_skus_nobody_else_stocks(config: MerchantConfig) -> None:
    suppliers = {loc.id for loc in config.network.locations.values() if loc.kind is LocationKind.SUPPLIER}
    stocked_by = {level.sku: set[LocationId]() for level in config.stock}
    for level in config.stock:
        stocked_by[level.sku].add(level.location)

    assert any(locations <= suppliers for locations in stocked_by.values())


def test_about_sixty_orders_all_for_the_configured_shops(config: MerchantConfig, orders: list[PlatformOrder]) -> None:
    assert 50 <= len(orders) <= 80
    assert {order.ref.channel for order in orders} <= set(config.channels)


def test_the_orders_hold_the_cases_the_pipeline_must_handle(
    config: MerchantConfig, orders: list[PlatformOrder]
) -> None:
    revisions = Counter((order.ref, order.revision) for order in orders)
    refs = Counter(order.ref for order in orders)
    cod_limit = config.settings.review.cod_limit_minor or 0
    unmapped = [
        line
        for order in orders
        for line in order.lines
        if config.catalog.listing(order.ref.channel, line.listing_id) is None
    ]
    kit_lines = [
        line
        for order in orders
        for line in order.lines
        if (listing := config.catalog.listing(order.ref.channel, line.listing_id)) and listing.kit
    ]

    assert any(count > 1 for count in revisions.values()), "a re-sent duplicate"
    assert len({ref for ref, count in refs.items() if count > 1 and revisions[(ref, 2)]}) >= 1, "a newer revision"
    assert any(order.status is PlatformStatus.CANCELLED for order in orders)
    assert any(order.payment is PaymentMode.COD for order in orders)
    assert any(
        order.payment is PaymentMode.COD and sum(line.amount.minor for line in order.lines) > cod_limit
        for order in orders
    ), "a COD order above the limit"
    assert any(order.buyer_memo for order in orders)
    assert any(order.seller_memo for order in orders)
    assert kit_lines
    assert unmapped
    assert any(line.presale_ship_date for order in orders for line in order.lines)
    assert any(order.pickup_location for order in orders)


def test_one_buyer_sends_several_orders_to_one_address_spelt_differently(orders: list[PlatformOrder]) -> None:
    by_buyer: dict[tuple[str, str], list[PlatformOrder]] = {}
    for order in orders:
        by_buyer.setdefault((str(order.ref.channel), order.buyer_id), []).append(order)
    groups = [group for group in by_buyer.values() if len({o.ref for o in group}) >= 3]

    assert groups
    group = groups[0]
    assert len({o.recipient.address.street for o in group}) >= 2, "spelling variants"
    assert len({o.recipient.fingerprint() for o in group}) == 1, "the same recipient once normalised"


def test_an_order_needs_stock_from_more_than_one_location(config: MerchantConfig, orders: list[PlatformOrder]) -> None:
    stocked_at: dict[str, set[str]] = {}
    for level in config.stock:
        stocked_at.setdefault(level.sku, set()).add(level.location)

    def places(order: PlatformOrder) -> list[set[str]]:
        found = []
        for line in order.lines:
            listing = config.catalog.listing(order.ref.channel, line.listing_id)
            if listing and listing.sku:
                found.append(stocked_at.get(listing.sku, set()))
        return found

    assert any(len(sets) >= 2 and not set.intersection(*sets) for sets in (places(order) for order in orders)), (
        "no single location stocks every line"
    )


def test_every_line_of_the_file_is_one_json_object() -> None:
    with (EXAMPLES / "orders.jsonl").open(encoding="utf-8") as lines:
        assert all(isinstance(json.loads(line), dict) for line in lines)
