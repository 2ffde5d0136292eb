"""The Hypothesis strategies of omscore.testing keep the promises their docstrings make."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain.address import Address, Recipient, normalise_phone, normalise_text
from omscore.domain.catalog import Catalog
from omscore.domain.identity import Channel, LocationId
from omscore.domain.inventory import StockLevel
from omscore.domain.money import Money
from omscore.domain.network import Location, LocationKind, Network
from omscore.domain.platform_order import PlatformOrder, PlatformStatus
from omscore.testing import strategies as oms

SHOPS = (Channel("tmall", "flagship"), Channel("jd", "self-run"))
FAST = settings(max_examples=40, deadline=None)


def _orders_for(catalog: Catalog, *, unmapped: bool = False) -> st.SearchStrategy[tuple[Catalog, PlatformOrder]]:
    return st.tuples(st.just(catalog), oms.platform_orders(catalog, unmapped=unmapped))


@FAST
@given(oms.money("JPY", min_minor=-500, max_minor=500))
def test_money_stays_in_its_currency_and_range(amount: Money) -> None:
    assert amount.currency == "JPY"
    assert -500 <= amount.minor <= 500


@FAST
@given(oms.catalogs(SHOPS))
def test_catalogs_list_something_on_every_channel_and_only_known_targets(catalog: Catalog) -> None:
    for shop in SHOPS:
        assert catalog.listings_of(shop)
    for listing in catalog.listings.values():
        assert listing.sku in catalog.skus or listing.kit in catalog.kits
    for kit in catalog.kits.values():
        assert all(component.sku in catalog.skus for component in kit.components)


@FAST
@given(oms.catalogs(SHOPS).flatmap(_orders_for))
def test_platform_orders_order_listings_of_their_catalog_with_consistent_amounts(
    drawn: tuple[Catalog, PlatformOrder],
) -> None:
    catalog, order = drawn

    assert order.status is PlatformStatus.OPEN
    assert order.placed_at.utcoffset() is not None
    for line in order.lines:
        assert catalog.listing(order.ref.channel, line.listing_id) is not None
        assert line.amount.currency == order.currency
        assert line.unit_price is not None
        assert line.discount is not None
        assert line.unit_price.minor * line.quantity - line.discount.minor == line.amount.minor >= 0
        assert not line.is_gift or line.amount.minor == 0
        assert line.presale_ship_date is None or line.presale_ship_date > order.placed_at.date()
    assert len({line.line_id for line in order.lines}) == len(order.lines)


@FAST
@given(oms.catalogs(SHOPS).flatmap(lambda catalog: _orders_for(catalog, unmapped=True)))
def test_an_unmapped_platform_order_has_exactly_one_unknown_listing(drawn: tuple[Catalog, PlatformOrder]) -> None:
    catalog, order = drawn

    unknown = [line for line in order.lines if catalog.listing(order.ref.channel, line.listing_id) is None]

    assert len(unknown) == 1


def test_platform_orders_cover_cod_memos_presale_and_gifts() -> None:
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None)
    @given(oms.catalogs(SHOPS).flatmap(oms.platform_orders))
    def observe(order: PlatformOrder) -> None:
        seen.add(order.payment.value)
        if order.buyer_memo or order.seller_memo:
            seen.add("memo")
        if any(line.presale_ship_date is not None for line in order.lines):
            seen.add("presale")
        if any(line.is_gift for line in order.lines):
            seen.add("gift")

    observe()

    assert {"prepaid", "cod", "memo", "presale", "gift"} <= seen


@FAST
@given(oms.networks())
def test_networks_have_every_kind_of_location_and_carriers_collect_from_known_ones(network: Network) -> None:
    kinds = {location.kind for location in network.locations.values()}

    assert kinds == set(LocationKind)
    for location in network.locations.values():
        assert location.geo is not None
        if location.kind is LocationKind.STORE:
            assert "pickup" in location.capabilities
            assert len(location.regions) == 1
    assert network.carriers
    for carrier in network.carriers.values():
        assert set(carrier.locations) <= set(network.locations)


@FAST
@given(
    st.tuples(oms.networks(max_locations=4), oms.catalogs()).flatmap(
        lambda nc: st.tuples(st.just(nc), oms.stock_levels(*nc))
    )
)
def test_stock_levels_are_sorted_loadable_levels_of_the_network_and_catalog(
    drawn: tuple[tuple[Network, Catalog], list[StockLevel]],
) -> None:
    (network, catalog), levels = drawn

    assert [(level.location, level.sku) for level in levels] == sorted(
        {(level.location, level.sku) for level in levels}
    )
    for level in levels:
        assert level.location in network.locations
        assert level.sku in catalog.skus
        assert level.reserved == 0
        assert 0 <= level.safety <= level.on_hand


@settings(max_examples=150, deadline=None)
@given(oms.recipient_pairs())
def test_recipient_variants_normalise_alike(pair: tuple[Recipient, Recipient]) -> None:
    original, variant = pair

    assert variant.fingerprint() == original.fingerprint()
    assert normalise_phone(variant.phone) == normalise_phone(original.phone)
    assert normalise_text(variant.address.street) == normalise_text(original.address.street)


def test_recipient_variants_really_respell() -> None:
    respelt: set[str] = set()

    @settings(max_examples=200, deadline=None)
    @given(oms.recipient_pairs())
    def observe(pair: tuple[Recipient, Recipient]) -> None:
        original, variant = pair
        if variant.phone.startswith(("+86", "0086", "(+86)")):
            respelt.add("+86")
        if "-" in variant.phone:
            respelt.add("dashes")
        if any("\uff10" <= char <= "\uff19" for char in variant.address.street + variant.phone):
            respelt.add("full-width digits")
        if variant.address.street != original.address.street and "  " in variant.address.street:
            respelt.add("extra spaces")
        if variant.address.street.upper() == variant.address.street != original.address.street:
            respelt.add("case")

    observe()

    assert respelt == {"+86", "dashes", "full-width digits", "extra spaces", "case"}


@FAST
@given(oms.addresses(with_geo=True))
def test_addresses_are_complete_and_located_in_china(address: Address) -> None:
    assert address.missing_fields() == []
    assert address.geo is not None
    assert 18 < address.geo.lat < 54
    assert 73 < address.geo.lon < 136
    assert address.province in oms.REGION_TREE["CN"]


@FAST
@given(oms.locations(LocationKind.SUPPLIER, number=7))
def test_locations_take_the_kind_and_number_asked_for(location: Location) -> None:
    assert location.kind is LocationKind.SUPPLIER
    assert location.id == LocationId("SUP-7")
    assert "pickup" not in location.capabilities
