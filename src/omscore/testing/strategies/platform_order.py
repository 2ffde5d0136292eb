"""Strategies for platform orders: orders as a sales platform sends them to omscore.

Their lines order listings of a given catalog, with consistent amounts; some are presale, COD, carry memos
or come from repeat buyers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import Channel, ExternalOrderRef, LocationId
from omscore.domain.money import Money
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus
from omscore.testing.strategies.recipient import _draw_recipient

_BUYER_MEMOS = ("", "", "", "请尽快发货", "送赠品", "周末送货", "不要放快递柜", "please gift wrap", "加急")
_SELLER_MEMOS = ("", "", "", "VIP", "补发", "加急", "check size")
_TIMEZONES = (UTC, timezone(timedelta(hours=8)))
_FIRST_DAY = datetime(2024, 1, 1)
_LAST_DAY = datetime(2025, 12, 31, 23, 59, 59)

_PLACED_AT = st.datetimes(_FIRST_DAY, _LAST_DAY, timezones=st.sampled_from(_TIMEZONES))


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
