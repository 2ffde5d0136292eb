"""The publishing engine: what it pushes, in which order, how it keeps unreported sales deducted, and what it
reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from omscore.adapters.system import ManualClock
from omscore.app.publishing import (
    PublishingEngine,
    PublishingSettings,
    PublishMode,
    Push,
    PushKind,
    RateLimit,
)
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.errors import NotFound, TransientError
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing import PoolSettings, ShareSettings, SharingConfig, SharingMethod, StockLock
from omscore.ports.channel import PulledOrders

T0 = datetime(2024, 6, 18, 20, 0, tzinfo=UTC)
TMALL, JD, LIVE = Channel("tmall", "flagship"), Channel("jd", "main"), Channel("douyin", "live")
TEA, CUP = SkuCode("TEA"), SkuCode("CUP")
WH = LocationId("WH")


class Shops:
    """The platforms: what each listing shows; sets and idempotent adjustments; failures on request."""

    def __init__(self, *, confirms: bool = True) -> None:
        self.shown: dict[tuple[Channel, str], int] = {}
        self.calls: list[tuple[Channel, str, dict[str, int]]] = []
        self.fail = 0
        self.fail_after_apply = 0
        self.confirms = confirms
        self._keys: set[str] = set()

    def sell(self, channel: Channel, listing_id: str, units: int = 1) -> None:
        key = (channel, listing_id)
        assert self.shown.get(key, 0) >= units, "the shop does not sell what it does not show"
        self.shown[key] -= units

    def pull_orders(self, channel: Channel, cursor: str) -> PulledOrders:
        raise NotImplementedError

    def push_tracking(
        self, ref: ExternalOrderRef, shipment_id: str, carrier: CarrierId, tracking_number: str, line_ids: Sequence[str]
    ) -> None:
        raise NotImplementedError

    def _maybe_fail(self) -> None:
        if self.fail:
            self.fail -= 1
            raise TransientError("platform busy")

    def _maybe_lose_answer(self) -> None:
        if self.fail_after_apply:
            self.fail_after_apply -= 1
            raise TransientError("timed out")

    def push_stock(self, channel: Channel, quantities: Mapping[str, int]) -> None:
        self._maybe_fail()
        self.calls.append((channel, "set", dict(quantities)))
        for listing_id, quantity in quantities.items():
            self.shown[(channel, listing_id)] = quantity

    def adjust_stock(self, channel: Channel, deltas: Mapping[str, int], key: str) -> Mapping[str, int] | None:
        self._maybe_fail()
        self.calls.append((channel, "adjust", dict(deltas)))
        if key not in self._keys:
            self._keys.add(key)
            for listing_id, delta in deltas.items():
                self.shown[(channel, listing_id)] = max(0, self.shown.get((channel, listing_id), 0) + delta)
        self._maybe_lose_answer()
        return {lid: self.shown[(channel, lid)] for lid in deltas} if self.confirms else None


class SetOnlyShops(Shops):
    """A platform that can only set quantities."""

    adjust_stock = None  # type: ignore[assignment]


class LimitedShops(Shops):
    def stock_rate_limit(self, channel: Channel) -> RateLimit:
        return RateLimit(listings_per_call=2, calls_per_minute=2)


class Stock:
    def __init__(self, **on_hand: int) -> None:
        self.levels = {SkuCode(sku): StockLevel(WH, SkuCode(sku), units) for sku, units in on_hand.items()}

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        return [self.levels[sku]] if sku in self.levels else []

    def reserve(self, sku: SkuCode, units: int = 1) -> None:
        level = self.levels[sku]
        self.levels[sku] = StockLevel(WH, sku, level.on_hand, level.reserved + units)


def catalog(*listings: Listing, kits: Sequence[Kit] = ()) -> Catalog:
    return Catalog.build([Sku(TEA), Sku(CUP)], kits, listings)


def tea_listings() -> Catalog:
    return catalog(Listing(TMALL, "T-TEA", sku=TEA), Listing(JD, "J-TEA", sku=TEA))


RATIOS = SharingConfig(
    shops={TMALL: ShareSettings(weight=3, velocity=6.0), JD: ShareSettings(weight=1, velocity=2.0)},
    defaults=ShareSettings(lag_minutes=5.0),
    pool=PoolSettings(method=SharingMethod.WEBSTER),
)


def engine(
    shops: Shops,
    stock: Stock,
    cat: Catalog | None = None,
    config: SharingConfig = RATIOS,
    clock: ManualClock | None = None,
    **settings: object,
) -> tuple[PublishingEngine, ManualClock]:
    clock = clock or ManualClock(T0)
    built = PublishingEngine(
        shops,
        stock,
        cat or tea_listings(),
        config,
        clock,
        settings=PublishingSettings(**settings),  # type: ignore[arg-type]
    )
    return built, clock


def sale(engine: PublishingEngine, channel: Channel, listing_id: str, order: str, placed: datetime) -> ExternalOrderRef:
    ref = ExternalOrderRef(channel, order)
    engine.record_sale(ref, listing_id, 1, placed)
    return ref


def test_the_first_flush_publishes_every_listing_its_share() -> None:
    shops = Shops()
    publisher, _ = engine(shops, Stock(TEA=20))
    report = publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 15, (JD, "J-TEA"): 5}
    assert {(p.listing_id, p.kind) for p in report.pushes} == {("T-TEA", PushKind.SET), ("J-TEA", PushKind.SET)}
    assert publisher.published(TMALL) == {"T-TEA": 15}


def test_nothing_is_pushed_when_nothing_changed() -> None:
    shops = Shops()
    publisher, _ = engine(shops, Stock(TEA=20))
    publisher.flush()
    publisher.stock_changed([TEA])
    assert publisher.flush().pushes == ()


def test_a_receipt_is_published_as_additions() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, _ = engine(shops, stock)
    publisher.flush()
    stock.levels[TEA] = StockLevel(WH, TEA, 24)
    publisher.stock_changed([TEA])
    report = publisher.flush()
    assert set(report.pushes) == {Push(TMALL, "T-TEA", PushKind.ADJUST, 3), Push(JD, "J-TEA", PushKind.ADJUST, 1)}
    assert shops.shown == {(TMALL, "T-TEA"): 18, (JD, "J-TEA"): 6}


def test_a_sale_the_engine_has_not_heard_of_stays_deducted() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, clock = engine(shops, stock)
    publisher.flush()
    shops.sell(TMALL, "T-TEA", 3)  # three sales on Tmall; omscore will hear of them later
    stock.levels[TEA] = StockLevel(WH, TEA, 24)  # meanwhile a receipt: every listing gets more
    publisher.stock_changed([TEA])
    publisher.flush()
    assert shops.shown[(TMALL, "T-TEA")] == 12 + 3  # the unreported sales are still deducted
    for number in range(3):
        stock.reserve(TEA)
        ref = sale(publisher, TMALL, "T-TEA", f"o{number}", T0)
        publisher.mark_reserved(ref, "T-TEA")
    clock.advance(timedelta(minutes=6))
    publisher.flush()
    assert shops.shown[(TMALL, "T-TEA")] + 3 <= 18
    assert sum(shops.shown.values()) <= stock.levels[TEA].available


def test_decreases_are_pushed_before_increases() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    config = SharingConfig(
        shops={TMALL: ShareSettings(weight=1), JD: ShareSettings(weight=1)},
        pool=PoolSettings(method=SharingMethod.WEBSTER),
    )
    publisher, _ = engine(shops, stock, config=config)
    publisher.flush()
    publisher.set_locks([StockLock("live", JD, TEA, 8, T0 + timedelta(hours=1))])
    report = publisher.flush()
    assert [p.value < 0 for p in report.pushes] == [True, False]
    assert report.pushes[0].listing_id == "T-TEA"


def test_a_take_back_the_shop_confirms_frees_its_units_at_once_and_strict_mode_never_oversells() -> None:
    shops, stock = Shops(confirms=False), Stock(TEA=20)
    config = SharingConfig(
        shops={TMALL: ShareSettings(weight=1), JD: ShareSettings(weight=1)},
        pool=PoolSettings(method=SharingMethod.WEBSTER),
    )
    publisher, clock = engine(shops, stock, config=config, oversell_risk=0.0)
    publisher.flush()
    shops.sell(TMALL, "T-TEA", 10)  # Tmall sold its whole share; omscore does not know yet
    publisher.set_locks([StockLock("live", JD, TEA, 6, T0 + timedelta(hours=1))])
    publisher.flush()
    # 3 units were taken from Tmall's books for the lock, but Tmall may have sold them: JD waits for them
    assert shops.shown[(JD, "J-TEA")] == 10
    clock.advance(timedelta(minutes=2))
    for number in range(10):  # the sales arrive: Tmall had sold them all before the take-back
        stock.reserve(TEA)
        ref = sale(publisher, TMALL, "T-TEA", f"o{number}", T0 - timedelta(seconds=number))
        publisher.mark_reserved(ref, "T-TEA")
    publisher.flush()
    clock.advance(timedelta(minutes=5))
    publisher.flush()
    assert sum(shops.shown.values()) <= stock.levels[TEA].available == 10
    assert shops.shown[(JD, "J-TEA")] == 8  # its lock and half of the 4 left
    assert publisher.oversold() == []


def test_a_confirmed_take_back_is_given_to_another_listing_in_the_same_flush() -> None:
    shops, stock = Shops(confirms=True), Stock(TEA=20)
    config = SharingConfig(
        shops={TMALL: ShareSettings(weight=1), JD: ShareSettings(weight=1)},
        pool=PoolSettings(method=SharingMethod.WEBSTER),
    )
    publisher, _ = engine(shops, stock, config=config, oversell_risk=0.0)
    publisher.flush()
    publisher.set_locks([StockLock("live", JD, TEA, 6, T0 + timedelta(hours=1))])
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 7, (JD, "J-TEA"): 13}


def test_a_lock_is_honoured_until_it_lapses_then_returned() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, clock = engine(shops, stock)
    publisher.set_locks([StockLock("live", JD, TEA, 8, T0 + timedelta(minutes=30))])
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 9, (JD, "J-TEA"): 11}
    assert publisher.next_wakeup() == T0 + timedelta(minutes=5)
    clock.advance(timedelta(minutes=30))
    publisher.flush()
    clock.advance(timedelta(minutes=5))
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 15, (JD, "J-TEA"): 5}


def test_a_kit_listing_publishes_the_minimum_over_its_components() -> None:
    kit = Kit("GIFT", (KitComponent(TEA, 2), KitComponent(CUP, 1)))
    cat = catalog(Listing(TMALL, "T-TEA", sku=TEA), Listing(TMALL, "T-GIFT", kit="GIFT"), kits=[kit])
    shops = Shops()
    config = SharingConfig(pool=PoolSettings(method=SharingMethod.WEBSTER))
    publisher, _ = engine(shops, Stock(TEA=20, CUP=3), cat=cat, config=config)
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 10, (TMALL, "T-GIFT"): 3}  # TEA 10/10, CUP 3 → 3 kits


def test_a_platform_that_only_sets_quantities_is_published_absolutely() -> None:
    shops, stock = SetOnlyShops(), Stock(TEA=20)
    publisher, _ = engine(shops, stock)
    publisher.flush()
    assert {state.mode for state in publisher.listing_states()} == {PublishMode.ABSOLUTE}
    stock.levels[TEA] = StockLevel(WH, TEA, 16)
    publisher.stock_changed([TEA])
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 12, (JD, "J-TEA"): 4}
    assert all(kind == "set" for _, kind, _ in shops.calls)


def test_pushes_are_batched_within_the_rate_limit_and_the_rest_waits() -> None:
    listings = [Listing(TMALL, f"T{i}", sku=TEA if i % 2 else CUP) for i in range(6)]
    shops = LimitedShops()
    config = SharingConfig(pool=PoolSettings(method=SharingMethod.WEBSTER))
    publisher, clock = engine(shops, Stock(TEA=30, CUP=30), cat=catalog(*listings), config=config)
    report = publisher.flush()
    assert report.calls == 2
    assert all(len(quantities) <= 2 for _, _, quantities in shops.calls)
    assert report.deferred == 2
    assert publisher.next_wakeup() == T0 + timedelta(minutes=1)  # when the first call leaves the window
    clock.advance(timedelta(minutes=1))
    publisher.flush()
    assert len(shops.shown) == 6
    assert sum(shops.shown.values()) == 60


def test_increases_wait_for_the_debounce_and_decreases_do_not() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, clock = engine(shops, stock, debounce=timedelta(seconds=30))
    publisher.flush()
    stock.levels[TEA] = StockLevel(WH, TEA, 24)
    publisher.stock_changed([TEA])
    assert publisher.flush().pushes == ()
    clock.advance(timedelta(seconds=30))
    assert len(publisher.flush().pushes) == 2
    stock.levels[TEA] = StockLevel(WH, TEA, 12)
    publisher.stock_changed([TEA])
    assert all(p.value < 0 for p in publisher.flush().pushes)


def test_a_failed_adjustment_is_retried_with_the_same_key_and_applied_once() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, _ = engine(shops, stock)
    publisher.flush()
    stock.levels[TEA] = StockLevel(WH, TEA, 24)
    publisher.stock_changed([TEA])
    shops.fail_after_apply = 2  # the platform applies the change, then the answer is lost
    report = publisher.flush()
    assert len(report.failed) == 2
    assert not report.pushes
    assert publisher.next_wakeup() == T0 + timedelta(seconds=5)
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 18, (JD, "J-TEA"): 6}
    assert publisher.next_wakeup() is not None  # the first publish settles after the lag


def test_a_failed_set_is_pushed_again() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, _ = engine(shops, stock)
    shops.fail = 1
    assert publisher.flush().failed
    publisher.flush()
    assert sum(shops.shown.values()) == 20


def test_drift_over_and_under_what_is_expected() -> None:
    shops = Shops()
    publisher, _ = engine(shops, Stock(TEA=20))
    publisher.flush()
    drift = publisher.drift(TMALL, {"T-TEA": 17, "UNKNOWN": 3})
    assert [(d.listing_id, d.expected, d.reported, d.kind) for d in drift] == [("T-TEA", 15, 17, "over")]
    assert [d.kind for d in publisher.drift(TMALL, {"T-TEA": 2})] == ["under"]
    assert publisher.drift(TMALL, {"T-TEA": 14}) == []


def test_a_reset_starts_a_listing_afresh_with_a_set() -> None:
    shops = Shops()
    publisher, _ = engine(shops, Stock(TEA=20))
    publisher.flush()
    shops.shown[(TMALL, "T-TEA")] = 40  # someone changed it on the platform
    publisher.reset([(TMALL, "T-TEA")])
    assert publisher.flush().pushes == (Push(TMALL, "T-TEA", PushKind.SET, 15),)
    with pytest.raises(NotFound):
        publisher.reset([(TMALL, "NOPE")])


def test_an_order_for_stock_that_was_not_there_is_reported_as_oversold() -> None:
    shops, stock = Shops(), Stock(TEA=1)
    publisher, _ = engine(shops, stock)
    publisher.flush()
    first = sale(publisher, TMALL, "T-TEA", "o1", T0)
    second = sale(publisher, JD, "J-TEA", "o2", T0)
    assert [(o.ref, o.units_short) for o in publisher.oversold()] == [(second, 1)]
    assert publisher.oversold_units == 1
    assert sale(publisher, TMALL, "T-TEA", "o1", T0) == first  # a repeat is ignored
    assert publisher.oversold_units == 1


def test_a_cancellation_the_shop_restores_counts_as_not_sold() -> None:
    shops, stock = Shops(), Stock(TEA=20)
    publisher, _ = engine(shops, stock)
    publisher.flush()
    shops.sell(TMALL, "T-TEA")
    ref = sale(publisher, TMALL, "T-TEA", "o1", T0)
    shops.shown[(TMALL, "T-TEA")] += 1  # the platform puts the unit back on sale
    publisher.record_cancelled(ref, "T-TEA")
    publisher.flush()
    assert shops.shown == {(TMALL, "T-TEA"): 15, (JD, "J-TEA"): 5}


def test_the_stock_report_shows_the_pool_each_share_and_why() -> None:
    publisher, _ = engine(Shops(), Stock(TEA=20))
    publisher.flush()
    text = publisher.report(TEA).text()
    assert "WH: 20 (available)" in text
    assert "tmall:flagship/T-TEA: 15" in text
    assert "by Webster on weights 1:3" in text
    assert "entitlement 15 - known sales 0" in text
    with pytest.raises(NotFound):
        publisher.report(SkuCode("NONE"))
