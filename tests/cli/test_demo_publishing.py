"""Stock publishing in the demo: shops are kept at their share, their sales and cancellations move what they show,
and the independent over-pool check counts every SKU whose shops show more than there is."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

from omscore.adapters.memory import (
    MemoryDatabase,
    RecordingChannelGateway,
    RecordingFulfilmentGateway,
    memory_unit_of_work_factory,
)
from omscore.adapters.system import ManualClock, SequentialIds
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap import bootstrap, set_up
from omscore.boundary import MerchantConfig, parse_config, parse_platform_order
from omscore.demo import Store, generate_day
from omscore.demo.day import DAY_START, LIVE_SPIKE_WAVE, WAVE_LENGTH
from omscore.demo.merchant import LIVE_STREAM, SHARING
from omscore.demo.publishing import Publisher, unreserved_orders, unreserved_sales
from omscore.domain.identity import Channel
from omscore.domain.platform_order import PlatformOrder, PlatformStatus

TMALL = Channel("tmall", "flagship")


@attrs.define
class World:
    oms: OrderManagement
    config: MerchantConfig
    channels: RecordingChannelGateway
    publisher: Publisher
    orders: list[PlatformOrder]


@pytest.fixture
def world() -> World:
    day = generate_day(60, seed=2)
    config = parse_config(day.merchant)
    store = Store("memory", memory_unit_of_work_factory(MemoryDatabase()))
    clock = ManualClock(DAY_START)
    channels = RecordingChannelGateway()
    oms = bootstrap(
        store.uow, clock=clock, ids=SequentialIds(), channels=channels, fulfilment=RecordingFulfilmentGateway()
    )
    set_up(oms, store, config, replace=False)
    publisher = Publisher(oms, store, channels, config.catalog, config.sharing, config.stock_locks, clock)
    publisher.start()
    publisher.flush()
    orders = [parse_platform_order(p) for p in day.waves[0].arrivals]
    return World(oms, config, channels, publisher, orders)


def kit_order(world: World) -> PlatformOrder:
    for po in world.orders:
        listings = [world.config.catalog.listing(po.ref.channel, line.listing_id) for line in po.lines]
        if any(listing is not None and listing.kit is not None for listing in listings):
            return po
    pytest.skip("no kit order in the first wave")


def test_every_listing_is_published_and_no_shop_shows_more_than_the_pool(world: World) -> None:
    figures = world.publisher.figures()

    assert {len(listings) for listings in figures.published.values()} >= {5}
    assert sum(len(listings) for listings in figures.published.values()) == len(world.config.catalog.listings)
    assert figures.pushes == sum(len(listings) for listings in figures.published.values())
    assert figures.over_pool == 0


def test_a_shop_showing_more_than_the_pool_is_counted(world: World) -> None:
    listing_id = next(lid for (channel, lid) in world.config.catalog.listings if channel == TMALL)

    world.channels.push_stock(TMALL, {listing_id: 1_000_000})  # behind the engine's back
    world.publisher.flush()

    assert world.publisher.over_pool >= 1


def test_a_sale_lowers_what_the_shop_shows_and_a_cancellation_gives_it_back(world: World) -> None:
    po = world.orders[0]
    line = next(li for li in po.lines if world.config.catalog.listing(po.ref.channel, li.listing_id) is not None)
    before = world.channels.published(po.ref.channel)[line.listing_id]

    world.oms.ingest(po)
    world.publisher.sold(po)
    after_sale = world.channels.published(po.ref.channel)[line.listing_id]
    world.oms.ingest(attrs.evolve(po, revision=po.revision + 1, status=PlatformStatus.CANCELLED))
    world.publisher.cancelled(po.ref)
    world.publisher.flush()

    assert after_sale == max(0, before - sum(li.quantity for li in po.lines if li.listing_id == line.listing_id))
    assert world.channels.published(po.ref.channel)[line.listing_id] == before
    assert world.publisher.over_pool == 0
    assert world.publisher.open_drift == 0


def test_a_sale_the_engine_was_not_told_of_is_counted_as_open_drift(world: World) -> None:
    world.oms.ingest(world.orders[0])  # taken in, but the publisher never hears of it

    world.publisher.flush()

    assert world.publisher.open_drift >= 1


def test_orders_not_yet_reserved_count_kits_in_kits(world: World) -> None:
    po = kit_order(world)
    world.oms.ingest(po)

    sales = {
        (sale.ref, sale.listing_id): sale.quantity
        for order in unreserved_orders(world.oms)
        for sale in unreserved_sales(order, world.config.catalog)
    }

    for line in po.lines:
        if world.config.catalog.listing(po.ref.channel, line.listing_id) is not None:
            assert sales[(po.ref, line.listing_id)] >= line.quantity


def test_the_live_stream_lock_covers_the_spike_wave_on_the_douyin_listing() -> None:
    lock = SHARING["locks"][0]
    spike_starts = DAY_START + LIVE_SPIKE_WAVE * WAVE_LENGTH

    assert (datetime.fromisoformat(LIVE_STREAM[0]), datetime.fromisoformat(LIVE_STREAM[1])) == (
        spike_starts,
        spike_starts + WAVE_LENGTH,
    )
    assert (lock["platform"], lock["shop"]) == ("douyin", "live")
    config = parse_config(generate_day(10, seed=1).merchant)
    listing = config.catalog.listing(Channel("douyin", "live"), lock["listing_id"])
    assert listing is not None
    assert listing.sku == lock["sku"]
