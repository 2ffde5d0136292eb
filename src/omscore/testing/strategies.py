"""Hypothesis strategies for omscore's domain values, for property tests of omscore and of host applications.

Every strategy builds valid values (they pass the domain's own checks) from a small, realistic vocabulary:
Chinese regions with plausible geo points, platform shops, SKUs, kits and listings, and platform orders that
only reference listings of the catalog they are drawn for (unless asked for an unmapped one). They are
composed of cheap draws so that a property runs hundreds of examples in well under a second.

>>> from hypothesis import given
>>> from omscore.testing import strategies as oms
>>> @given(oms.catalogs().flatmap(oms.platform_orders))
... def test_lines_map(order): ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from omscore.domain.address import Address, GeoPoint, Recipient, normalise_phone, normalise_text
from omscore.domain.catalog import KNOWN_TAGS, Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.money import CURRENCY_EXPONENTS, Money
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus

__all__ = [
    "CITY_CENTRES",
    "PLATFORMS",
    "REGION_TREE",
    "addresses",
    "carriers",
    "catalogs",
    "channels",
    "currencies",
    "geo_points",
    "locations",
    "money",
    "networks",
    "platform_orders",
    "recipient_pairs",
    "recipient_variants",
    "recipients",
    "region_codes",
    "sku_codes",
    "skus",
    "stock_levels",
]

#: Platforms omscore's merchants sell on, as channel platform names.
PLATFORMS: tuple[str, ...] = ("tmall", "taobao", "jd", "pinduoduo", "douyin", "shopify", "amazon", "web", "pos")
_SHOPS = ("flagship", "outlet", "global", "live", "eu-store")

#: Country → province → city → districts: the region tree addresses and region codes are drawn from.
REGION_TREE: Mapping[str, Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "CN": {
        "浙江省": {"杭州市": ("西湖区", "滨江区", "余杭区"), "宁波市": ("海曙区", "鄞州区")},
        "上海市": {"上海市": ("浦东新区", "徐汇区", "静安区")},
        "广东省": {"广州市": ("天河区", "越秀区"), "深圳市": ("南山区", "福田区")},
        "四川省": {"成都市": ("武侯区", "锦江区")},
        "北京市": {"北京市": ("朝阳区", "海淀区")},
        "新疆维吾尔自治区": {"乌鲁木齐市": ("天山区",)},
    }
}
#: Approximate centre (latitude, longitude) of each city of :data:`REGION_TREE`.
CITY_CENTRES: Mapping[tuple[str, str], tuple[float, float]] = {
    ("浙江省", "杭州市"): (30.2741, 120.1551),
    ("浙江省", "宁波市"): (29.8683, 121.5440),
    ("上海市", "上海市"): (31.2304, 121.4737),
    ("广东省", "广州市"): (23.1291, 113.2644),
    ("广东省", "深圳市"): (22.5431, 114.0579),
    ("四川省", "成都市"): (30.5728, 104.0668),
    ("北京市", "北京市"): (39.9042, 116.4074),
    ("新疆维吾尔自治区", "乌鲁木齐市"): (43.8256, 87.6168),
}
_CITIES = tuple(CITY_CENTRES)
_STREETS = ("文三路", "世纪大道", "天河路", "人民南路", "建国路", "中山东一路", "Nanjing West Rd", "Keyuan Rd")
_SURNAMES = ("张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴")
_GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "Wei", "Lily", "Tom")
_BUYER_MEMOS = ("", "", "", "请尽快发货", "送赠品", "周末送货", "不要放快递柜", "please gift wrap", "加急")
_SELLER_MEMOS = ("", "", "", "VIP", "补发", "加急", "check size")
_SKU_PREFIXES = ("SKU", "TEA", "CUP", "BAG", "ICE", "TOY")
_CARRIER_IDS = ("SF", "YTO", "ZTO", "STO", "JD", "EMS", "YUNDA", "DBL")
_CAPABILITIES = ("cod", "cold_chain", "oversize", "pickup")
_TIMEZONES = (UTC, timezone(timedelta(hours=8)))
_FIRST_DAY = datetime(2024, 1, 1)
_LAST_DAY = datetime(2025, 12, 31, 23, 59, 59)


# --- money and identities -------------------------------------------------------------------------------------

_SURNAME = st.sampled_from(_SURNAMES)
_GIVEN_NAME = st.sampled_from(_GIVEN_NAMES)
_CITY = st.sampled_from(_CITIES)
_REGION_CODES = st.sampled_from(
    ("CN", *sorted({f"CN/{province}" for province, _ in _CITIES}), *(f"CN/{p}/{c}" for p, c in _CITIES))
)
_PLACED_AT = st.datetimes(_FIRST_DAY, _LAST_DAY, timezones=st.sampled_from(_TIMEZONES))


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes omscore accepts (zero-, two- and three-digit minor units among them)."""
    return st.sampled_from(sorted(CURRENCY_EXPONENTS))


def money(
    currency: str | st.SearchStrategy[str] = "CNY", *, min_minor: int = 0, max_minor: int = 1_000_000
) -> st.SearchStrategy[Money]:
    """Amounts of ``currency`` between ``min_minor`` and ``max_minor`` minor units.

    Args:
        currency: a currency code, or a strategy of them.
        min_minor: the smallest amount, in minor units (may be negative, e.g. for refunds).
        max_minor: the largest amount, in minor units.

    Returns:
        A strategy of :class:`Money`.
    """
    codes = st.just(currency) if isinstance(currency, str) else currency
    return st.builds(Money, st.integers(min_minor, max_minor), codes)


def _draw_sku_code(draw: st.DrawFn) -> SkuCode:
    return SkuCode(f"{draw(st.sampled_from(_SKU_PREFIXES))}-{draw(st.integers(0, 9999)):04d}")


@st.composite
def _sku_codes(draw: st.DrawFn) -> SkuCode:
    return _draw_sku_code(draw)


def sku_codes() -> st.SearchStrategy[SkuCode]:
    """Merchant SKU codes such as ``TEA-0042``."""
    return _sku_codes()


def channels(platforms: Sequence[str] = PLATFORMS) -> st.SearchStrategy[Channel]:
    """Shops on the given platforms.

    Args:
        platforms: the platform names to draw from.

    Returns:
        A strategy of :class:`Channel`.
    """
    return st.builds(Channel, st.sampled_from(tuple(platforms)), st.sampled_from(_SHOPS))


# --- catalog --------------------------------------------------------------------------------------------------

_TAGS = st.frozensets(st.sampled_from((*sorted(KNOWN_TAGS), "gift_box")), max_size=2)


def _draw_sku(draw: st.DrawFn, code: SkuCode) -> Sku:
    return Sku(
        code=code,
        name=draw(st.sampled_from(("", "乌龙茶", "Celadon cup", "Tote bag"))),
        weight_g=draw(st.integers(0, 40_000)),
        volume_cm3=draw(st.integers(0, 200_000)),
        tags=draw(_TAGS),
        reference_price_minor=draw(st.integers(0, 200_000)),
    )


@st.composite
def _skus(draw: st.DrawFn, codes: st.SearchStrategy[SkuCode] | None) -> Sku:
    return _draw_sku(draw, draw(codes) if codes is not None else _draw_sku_code(draw))


def skus(codes: st.SearchStrategy[SkuCode] | None = None) -> st.SearchStrategy[Sku]:
    """SKUs with weights, volumes, reference prices and handling tags (known ones and a custom one).

    Args:
        codes: where the codes come from; :func:`sku_codes` by default.

    Returns:
        A strategy of :class:`Sku`.
    """
    return _skus(codes)


@st.composite
def _catalogs(
    draw: st.DrawFn, channel_list: tuple[Channel, ...], min_skus: int, max_skus: int, max_kits: int
) -> Catalog:
    codes = draw(st.lists(_sku_codes(), min_size=min_skus, max_size=max_skus, unique=True))
    kits: list[Kit] = []
    for number in range(1, draw(st.integers(0, max_kits)) + 1):
        members = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=min(3, len(codes)), unique=True))
        components = [KitComponent(code, draw(st.integers(1, 3))) for code in members]
        kits.append(Kit(f"KIT-{number}", components, splittable=draw(st.booleans())))
    targets: list[tuple[SkuCode | None, str | None]] = [(code, None) for code in codes]
    targets += [(None, kit.code) for kit in kits]
    listings: list[Listing] = []
    for channel in channel_list:
        listed = [target for target in targets if draw(st.integers(0, 4))] or targets[:1]
        first_id = draw(st.integers(100_000, 999_000))
        for offset, (sku, kit) in enumerate(listed):
            listings.append(Listing(channel, f"{channel.platform}-{first_id + offset}", sku=sku, kit=kit))
    return Catalog.build([_draw_sku(draw, code) for code in codes], kits, listings)


def catalogs(
    channels: Sequence[Channel] = (Channel("tmall", "flagship"),),
    *,
    min_skus: int = 1,
    max_skus: int = 8,
    max_kits: int = 3,
) -> st.SearchStrategy[Catalog]:
    """Catalogs of SKUs, kits over them, and listings of both on every given channel.

    Each channel lists at least one SKU or kit; most are listed on every channel, each with its own listing id.

    Args:
        channels: the shops that get listings.
        min_skus, max_skus: how many SKUs.
        max_kits: at most this many kits (of one to three SKUs each).

    Returns:
        A strategy of :class:`Catalog`.

    Raises:
        InvalidInput: no channel, or ``min_skus`` below one.
    """
    if not channels:
        raise InvalidInput("channels", channels, "a catalog needs at least one channel to list on")
    if not 1 <= min_skus <= max_skus:
        raise InvalidInput("min_skus", min_skus, "need 1 ≤ min_skus ≤ max_skus")
    return _catalogs(tuple(channels), min_skus, max_skus, max_kits)


# --- places ---------------------------------------------------------------------------------------------------


def _draw_geo(draw: st.DrawFn, centre: tuple[float, float], spread: float) -> GeoPoint:
    step = int(spread * 10_000)
    dlat, dlon = draw(st.integers(-step, step)), draw(st.integers(-step, step))
    return GeoPoint(round(centre[0] + dlat / 10_000, 4), round(centre[1] + dlon / 10_000, 4))


@st.composite
def _geo_points(draw: st.DrawFn, near: tuple[float, float] | None, spread: float) -> GeoPoint:
    return _draw_geo(draw, near if near is not None else CITY_CENTRES[draw(_CITY)], spread)


def geo_points(near: tuple[float, float] | None = None, *, spread: float = 0.2) -> st.SearchStrategy[GeoPoint]:
    """Points in China, or within ``spread`` degrees of ``near``; four decimals (about 10 m).

    Args:
        near: a (latitude, longitude) centre; any city of :data:`CITY_CENTRES` when ``None``.
        spread: how far from the centre, in degrees.

    Returns:
        A strategy of :class:`GeoPoint`.
    """
    return _geo_points(near, spread)


def region_codes() -> st.SearchStrategy[str]:
    """Region codes of :data:`REGION_TREE` at country, province or city depth (``CN``, ``CN/浙江省/杭州市`` …)."""
    return _REGION_CODES


def _draw_address(draw: st.DrawFn, with_geo: bool | None) -> Address:
    province, city = draw(_CITY)
    district = draw(st.sampled_from(REGION_TREE["CN"][province][city]))
    street = f"{draw(st.sampled_from(_STREETS))} {draw(st.integers(1, 999))} 号"
    geo_wanted = draw(st.booleans()) if with_geo is None else with_geo
    geo = _draw_geo(draw, CITY_CENTRES[province, city], 0.1) if geo_wanted else None
    return Address("CN", province, city, district, street, str(draw(st.integers(100000, 859999))), geo)


@st.composite
def _addresses(draw: st.DrawFn, with_geo: bool | None) -> Address:
    return _draw_address(draw, with_geo)


def addresses(*, with_geo: bool | None = None) -> st.SearchStrategy[Address]:
    """Complete Chinese addresses from :data:`REGION_TREE`, with a street number and a postcode.

    Args:
        with_geo: always (``True``), never (``False``) or sometimes (``None``) with a point near the city.

    Returns:
        A strategy of :class:`Address`.
    """
    return _addresses(with_geo)


def _draw_recipient(draw: st.DrawFn) -> Recipient:
    name = draw(_SURNAME) + draw(_GIVEN_NAME)
    phone = f"1{draw(st.sampled_from('3456789'))}{draw(st.integers(0, 999_999_999)):09d}"
    return Recipient(name, phone, _draw_address(draw, None))


@st.composite
def _recipients(draw: st.DrawFn) -> Recipient:
    return _draw_recipient(draw)


def recipients() -> st.SearchStrategy[Recipient]:
    """Recipients with a Chinese or Latin name, an 11-digit mobile number and an address from :func:`addresses`."""
    return _recipients()


_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
_GAPS = st.sampled_from((" ", "  ", "\t", "\u3000 "))
_PADS = st.sampled_from(("", " ", "\n"))
_PHONE_PREFIXES = st.sampled_from(("", "+86 ", "+86-", "0086 ", "(+86) ", "86"))
_PHONE_SEPARATORS = st.sampled_from(("", "-", " ", " - "))


def _draw_spelling(draw: st.DrawFn, text: str) -> str:
    """A spelling of ``text`` that normalises to the same text: full-width forms, case, runs of white space."""
    variant = text.translate(_FULL_WIDTH) if draw(st.booleans()) else text
    variant = (variant, variant.upper(), variant.swapcase())[draw(st.integers(0, 2))]
    variant = draw(_GAPS).join(variant.split(" "))
    pad = draw(_PADS)
    variant = f"{pad}{variant}{pad}"
    # Keep only what provably normalises alike (casing rules of scripts outside the vocabulary may differ).
    return variant if normalise_text(variant) == normalise_text(text) else text


def _draw_phone_spelling(draw: st.DrawFn, phone: str) -> str:
    """A spelling of ``phone`` with the same digits: +86 or 0086 prefixes, dashes, spaces, full-width digits."""
    digits = normalise_phone(phone)
    prefix, separator = draw(_PHONE_PREFIXES), draw(_PHONE_SEPARATORS)
    if len(digits) == 11:
        variant = prefix + separator.join((digits[:3], digits[3:7], digits[7:]))
    else:
        variant = separator.join(digits)
    if draw(st.booleans()):
        variant = variant.translate(_FULL_WIDTH)
    return variant if normalise_phone(variant) == digits else phone


@st.composite
def _recipient_variants(draw: st.DrawFn, recipient: Recipient) -> Recipient:
    a = recipient.address
    country, province, city, district, street, postcode = (
        _draw_spelling(draw, part) for part in (a.country, a.province, a.city, a.district, a.street, a.postcode)
    )
    address = Address(country, province, city, district, street, postcode, a.geo)
    return Recipient(_draw_spelling(draw, recipient.name), _draw_phone_spelling(draw, recipient.phone), address)


def recipient_variants(recipient: Recipient) -> st.SearchStrategy[Recipient]:
    """Other spellings of ``recipient`` that a person would call the same: their fingerprints are equal.

    Names and address parts get full-width characters, other casing and extra white space; the phone gets a
    +86/0086 prefix, dashes or spaces and full-width digits. The geo point is kept.

    Args:
        recipient: the recipient to respell.

    Returns:
        A strategy of :class:`Recipient` with ``fingerprint() == recipient.fingerprint()``.
    """
    return _recipient_variants(recipient)


@st.composite
def _recipient_pairs(draw: st.DrawFn) -> tuple[Recipient, Recipient]:
    recipient = _draw_recipient(draw)
    return recipient, draw(_recipient_variants(recipient))


def recipient_pairs() -> st.SearchStrategy[tuple[Recipient, Recipient]]:
    """A recipient from :func:`recipients` and a respelling of it from :func:`recipient_variants`."""
    return _recipient_pairs()


# --- network ------------------------------------------------------------------------------------------------

_ID_PREFIX = {
    LocationKind.WAREHOUSE: "WH",
    LocationKind.THIRD_PARTY: "3PL",
    LocationKind.STORE: "STORE",
    LocationKind.SUPPLIER: "SUP",
}
_KINDS = st.sampled_from(list(LocationKind))


def _draw_location(draw: st.DrawFn, kind: LocationKind | None, number: int | None) -> Location:
    chosen = kind if kind is not None else draw(_KINDS)
    province, city = draw(_CITY)
    capabilities = set(draw(st.frozensets(st.sampled_from(_CAPABILITIES), max_size=2)))
    if chosen is LocationKind.STORE:
        regions: list[str] = [f"CN/{province}/{city}"]
        capabilities.add("pickup")
    else:
        capabilities.discard("pickup")
        regions = draw(st.lists(_REGION_CODES, max_size=2, unique=True))
    ident = number if number is not None else draw(st.integers(1, 99))
    return Location(
        id=LocationId(f"{_ID_PREFIX[chosen]}-{ident}"),
        name=f"{city} {chosen.value}",
        kind=chosen,
        geo=_draw_geo(draw, CITY_CENTRES[province, city], 0.05),
        regions=regions,
        capabilities=capabilities,
        priority=draw(st.integers(1, 200)),
        daily_capacity=draw(st.none() | st.integers(20, 5_000)),
        cost_per_shipment_minor=draw(st.integers(0, 1_000)),
        cost_per_unit_minor=draw(st.integers(0, 200)),
    )


@st.composite
def _locations(draw: st.DrawFn, kind: LocationKind | None, number: int | None) -> Location:
    return _draw_location(draw, kind, number)


def locations(kind: LocationKind | None = None, number: int | None = None) -> st.SearchStrategy[Location]:
    """Stock locations near a city of :data:`REGION_TREE`.

    Stores serve their own city and can do ``pickup``; suppliers (drop-ship factories) and warehouses may serve
    the whole country (no regions) or a few regions; every kind has costs, a priority and maybe a capacity.

    Args:
        kind: the kind, or any.
        number: the number in the id (``WH-3``); drawn when ``None``.

    Returns:
        A strategy of :class:`Location`.
    """
    return _locations(kind, number)


def _draw_carrier(draw: st.DrawFn, location_ids: tuple[LocationId, ...], carrier_id: str | None) -> Carrier:
    ident = carrier_id if carrier_id is not None else draw(st.sampled_from(_CARRIER_IDS))
    regions = draw(st.lists(_REGION_CODES, max_size=2, unique=True)) if draw(st.integers(0, 2)) == 0 else []
    excluded = ["CN/新疆维吾尔自治区"] if draw(st.booleans()) else []
    collects = draw(st.lists(st.sampled_from(location_ids), unique=True)) if location_ids else []
    return Carrier(
        id=CarrierId(ident),
        name=ident,
        regions=regions,
        excluded_regions=excluded,
        max_weight_g=draw(st.none() | st.integers(5_000, 60_000)),
        supports_cod=draw(st.booleans()),
        base_cost_minor=draw(st.integers(400, 2_500)),
        per_kg_minor=draw(st.integers(100, 800)),
        sla_days=draw(st.integers(1, 5)),
        priority=draw(st.integers(1, 100)),
        locations=collects,
    )


@st.composite
def _carriers(draw: st.DrawFn, location_ids: tuple[LocationId, ...], carrier_id: str | None) -> Carrier:
    return _draw_carrier(draw, location_ids, carrier_id)


def carriers(location_ids: Sequence[LocationId] = (), carrier_id: str | None = None) -> st.SearchStrategy[Carrier]:
    """Carriers with coverage (maybe excluding remote regions), weight limits, COD, a cost table and an SLA.

    Args:
        location_ids: the locations a carrier may be restricted to collecting from.
        carrier_id: the id; drawn from common Chinese carriers when ``None``.

    Returns:
        A strategy of :class:`Carrier`.
    """
    return _carriers(tuple(location_ids), carrier_id)


@st.composite
def _networks(draw: st.DrawFn, min_locations: int, max_locations: int, min_carriers: int, max_carriers: int) -> Network:
    count = draw(st.integers(min_locations, max_locations))
    kinds = list(LocationKind)[:count]
    kinds += [draw(_KINDS) for _ in range(count - len(kinds))]
    location_values = [_draw_location(draw, kind, number) for number, kind in enumerate(kinds, start=1)]
    ids = tuple(location.id for location in location_values)
    carrier_ids = draw(
        st.lists(st.sampled_from(_CARRIER_IDS), min_size=min_carriers, max_size=max_carriers, unique=True)
    )
    return Network.build(location_values, [_draw_carrier(draw, ids, ident) for ident in carrier_ids])


def networks(
    *, min_locations: int = 4, max_locations: int = 6, min_carriers: int = 1, max_carriers: int = 4
) -> st.SearchStrategy[Network]:
    """Networks with a location of every kind (warehouse, 3PL, store, supplier) when there are at least four, and
    carriers that may be restricted to some of those locations.

    Args:
        min_locations, max_locations: how many locations (ids ``WH-1``, ``3PL-2`` …, numbered in order).
        min_carriers, max_carriers: how many carriers (distinct ids).

    Returns:
        A strategy of :class:`Network`.

    Raises:
        InvalidInput: fewer than one location, or more carriers asked for than there are carrier ids.
    """
    if not 1 <= min_locations <= max_locations:
        raise InvalidInput("min_locations", min_locations, "need 1 ≤ min_locations ≤ max_locations")
    if not 0 <= min_carriers <= max_carriers <= len(_CARRIER_IDS):
        raise InvalidInput("max_carriers", max_carriers, f"need 0 ≤ min_carriers ≤ max_carriers ≤ {len(_CARRIER_IDS)}")
    return _networks(min_locations, max_locations, min_carriers, max_carriers)


@st.composite
def _stock_levels(draw: st.DrawFn, keys: tuple[tuple[LocationId, SkuCode], ...], max_on_hand: int) -> list[StockLevel]:
    levels: list[StockLevel] = []
    for location, sku in keys:
        if draw(st.integers(0, 3)) == 0:
            continue
        on_hand = draw(st.integers(1, max_on_hand))
        safety = draw(st.integers(0, min(on_hand, 3)))
        levels.append(StockLevel(location, sku, on_hand=on_hand, safety=safety))
    return levels


def stock_levels(network: Network, catalog: Catalog, *, max_on_hand: int = 50) -> st.SearchStrategy[list[StockLevel]]:
    """Stock of some (location, SKU) pairs of ``network`` × ``catalog``, sorted by (location, SKU).

    Levels have nothing reserved (reservations are made through the inventory port) and a safety stock of at
    most on hand, so they can be loaded with ``receive`` and ``set_safety``. About a quarter of the pairs are
    left out (no stock record at all).

    Args:
        network: where the stock is.
        catalog: what SKUs there are.
        max_on_hand: the most units of one SKU at one location (at least 1).

    Returns:
        A strategy of lists of :class:`StockLevel`.
    """
    keys = tuple(sorted((location, sku) for location in network.locations for sku in catalog.skus))
    return _stock_levels(keys, max(max_on_hand, 1))


# --- platform orders ------------------------------------------------------------------------------------------


def _draw_platform_line(draw: st.DrawFn, line_id: str, listing_id: str, currency: str, placed_on: date) -> PlatformLine:
    quantity = draw(st.integers(1, 5))
    unit_price = draw(st.integers(100, 50_000))
    gross = unit_price * quantity
    gift = draw(st.integers(0, 9)) == 0
    discount = gross if gift else min(gross, draw(st.sampled_from((0, 0, gross // 10, 500))))
    presale = placed_on + timedelta(days=draw(st.integers(3, 30))) if draw(st.integers(0, 5)) == 0 else None
    return PlatformLine(
        line_id=line_id,
        listing_id=listing_id,
        quantity=quantity,
        amount=Money(gross - discount, currency),
        unit_price=Money(unit_price, currency),
        discount=Money(discount, currency),
        is_gift=gift,
        presale_ship_date=presale,
    )


def _unknown_listing(catalog: Catalog, channel: Channel) -> str:
    listing_id = "unmapped-1"
    while catalog.listing(channel, listing_id) is not None:
        listing_id += "0"
    return listing_id


@st.composite
def _platform_orders(
    draw: st.DrawFn,
    catalog: Catalog,
    listing_ids: Mapping[Channel, tuple[str, ...]],
    currency: str,
    unmapped: bool,
    status: PlatformStatus | None,
    line_counts: tuple[int, int],
    pickup_locations: tuple[LocationId, ...],
) -> PlatformOrder:
    shop = draw(st.sampled_from(tuple(listing_ids)))
    placed_at = draw(_PLACED_AT).replace(microsecond=0)
    external_id = str(draw(st.integers(10**9, 10**13)))
    count = draw(st.integers(*line_counts))
    unknown_at = draw(st.integers(0, count - 1)) if unmapped else -1
    lines = []
    for index in range(count):
        listing_id = (
            _unknown_listing(catalog, shop) if index == unknown_at else draw(st.sampled_from(listing_ids[shop]))
        )
        lines.append(_draw_platform_line(draw, f"{external_id}-{index + 1}", listing_id, currency, placed_at.date()))
    return PlatformOrder(
        ref=ExternalOrderRef(shop, external_id),
        revision=draw(st.integers(1, 3)),
        status=status if status is not None else draw(st.sampled_from(list(PlatformStatus))),
        placed_at=placed_at,
        buyer_id=f"buyer-{draw(st.integers(1, 40))}",
        recipient=_draw_recipient(draw),
        lines=tuple(lines),
        currency=currency,
        shipping_fee=Money(draw(st.sampled_from((0, 0, 600, 1_000, 1_200))), currency),
        payment=draw(st.sampled_from((PaymentMode.PREPAID, PaymentMode.PREPAID, PaymentMode.COD))),
        buyer_memo=draw(st.sampled_from(_BUYER_MEMOS)),
        seller_memo=draw(st.sampled_from(_SELLER_MEMOS)),
        priority=draw(st.integers(0, 3)),
        pickup_location=draw(st.none() | st.sampled_from(pickup_locations)) if pickup_locations else None,
    )


def platform_orders(
    catalog: Catalog,
    *,
    channel: Channel | None = None,
    currency: str = "CNY",
    unmapped: bool = False,
    status: PlatformStatus | None = PlatformStatus.OPEN,
    min_lines: int = 1,
    max_lines: int = 4,
    pickup_locations: Sequence[LocationId] = (),
) -> st.SearchStrategy[PlatformOrder]:
    """Platform orders whose lines order listings of ``catalog``.

    Line amounts are consistent (``unit_price × quantity − discount = amount``; gifts are free), some lines are
    presale with a ship date after the order date, some orders are COD, carry memos, or come from a small pool
    of buyers (so that some are merge candidates). External ids are drawn from a large range: use
    ``st.lists(..., unique_by=lambda o: o.ref)`` when they must differ.

    Args:
        catalog: the catalog whose listings the lines use.
        channel: the shop; any channel of the catalog's listings when ``None``.
        currency: the order's currency.
        unmapped: make one line order a listing id the catalog does not know.
        status: the platform status, or either when ``None``.
        min_lines, max_lines: how many lines.
        pickup_locations: stores a buyer may pick up at; some orders choose one when given.

    Returns:
        A strategy of :class:`PlatformOrder`.

    Raises:
        InvalidInput: the catalog has no listings (on ``channel``), or the line counts are out of order.
    """
    shops = [channel] if channel is not None else sorted({listed for listed, _ in catalog.listings})
    listing_ids = {shop: tuple(listing.listing_id for listing in catalog.listings_of(shop)) for shop in shops}
    if not shops or not all(listing_ids.values()):
        raise InvalidInput("catalog", str(channel or "any channel"), "has no listings to order")
    if not 1 <= min_lines <= max_lines:
        raise InvalidInput("min_lines", min_lines, "need 1 ≤ min_lines ≤ max_lines")
    return _platform_orders(
        catalog, listing_ids, currency, unmapped, status, (min_lines, max_lines), tuple(pickup_locations)
    )
