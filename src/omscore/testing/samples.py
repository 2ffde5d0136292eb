"""Ready-made domain values for tests: plain orders and shipments, and "rich" ones that set every field.

The rich samples exist for storage round trips: every field holds something other than its default (unicode
text, a non-UTC offset, a presale date, a geo point, COD, holds …), so an adapter that drops or mangles a field
fails. :func:`state_of` gives the comparable state of an aggregate (aggregates compare by identity).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from omscore.domain.address import Address, GeoPoint, Recipient
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.decisions import Decision
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import (
    CarrierId,
    Channel,
    ExternalOrderRef,
    LineId,
    LocationId,
    OrderId,
    ShipmentId,
    SkuCode,
)
from omscore.domain.money import Money
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.domain.order import Order, PaymentMode
from omscore.domain.order_line import OrderLine
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import Shipment, ShipmentLine, ShipmentStatus

#: The channel the plain samples come from.
SAMPLE_CHANNEL = Channel("tmall", "flagship")
#: When the plain samples were placed.
SAMPLE_TIME = datetime(2024, 11, 11, 0, 5, tzinfo=UTC)
_CST = timezone(timedelta(hours=8))


def sample_recipient(name: str = "张三", phone: str = "13800138000") -> Recipient:
    """A complete recipient in Hangzhou.

    Args:
        name: the recipient's name.
        phone: the recipient's phone.

    Returns:
        The recipient.
    """
    return Recipient(name, phone, Address("CN", "浙江省", "杭州市", "西湖区", "文三路 90 号", "310012"))


def sample_order(
    order_id: str = "O00000001",
    *,
    external_id: str | None = None,
    channel: Channel = SAMPLE_CHANNEL,
    skus: Sequence[str] = ("SKU-1",),
    quantity: int = 1,
    currency: str = "CNY",
    merge_key: str | None = None,
    placed_at: datetime = SAMPLE_TIME,
) -> Order:
    """A newly received order with one line per SKU (it has recorded ``order.received``).

    Args:
        order_id: the order's id.
        external_id: the platform order id; defaults to ``E`` + ``order_id``.
        channel: where it comes from.
        skus: one line of ``quantity`` units, priced 10.00 per unit, for each.
        quantity: units per line.
        currency: the order's currency.
        merge_key: the merge key to set, if any.
        placed_at: when it was placed.

    Returns:
        The order, version 0, status received.
    """
    ref = ExternalOrderRef(channel, external_id or f"E{order_id}")
    lines = [
        OrderLine(LineId(f"L{index}"), SkuCode(sku), quantity, Money(1000 * quantity, currency), ref)
        for index, sku in enumerate(skus, start=1)
    ]
    order = Order.receive(
        id=OrderId(order_id),
        ref=ref,
        revision=1,
        placed_at=placed_at,
        buyer_id="buyer-1",
        recipient=sample_recipient(),
        lines=lines,
        currency=currency,
        shipping_fee=Money(0, currency),
    )
    if merge_key is not None:
        order.set_merge_key(merge_key)
    return order


def rich_order(order_id: str = "O00000009") -> Order:
    """An order whose every field differs from its default: two origin refs, holds, COD, a presale kit line, a
    gift line of a gift rule, unicode memos, a +08:00 placement time, a geo point, merge and backorder bookkeeping.

    The combination need not be one the pipeline produces (it is held *and* merged into another order); it
    exists to prove that storage keeps each field.

    Args:
        order_id: the order's id.

    Returns:
        The order, version 0, with no recorded events.
    """
    tmall = ExternalOrderRef(Channel("tmall", "flagship"), "3021987654321")
    jd = ExternalOrderRef(Channel("jd", "self-run"), "JD-0042")
    lines = (
        OrderLine(
            id=LineId("1-a"),
            sku=SkuCode("TEA-OOLONG-250"),
            quantity=2,
            amount=Money(17_800, "CNY"),
            origin=tmall,
            unit_price=Money(9_900, "CNY"),
            discount=Money(2_000, "CNY"),
            listing_id="item-778899:sku-1",
            origin_line_id="sub-1",
            kit="KIT-GIFTBOX",
            kit_instance="1",
            is_gift=False,
            presale_ship_date=date(2024, 12, 1),
            gross=Money(19_800, "CNY"),
        ),
        OrderLine(
            id=LineId("2"),
            sku=SkuCode("CUP-CELADON"),
            quantity=1,
            amount=Money(0, "CNY"),
            origin=jd,
            unit_price=Money(0, "CNY"),
            discount=Money(0, "CNY"),
            listing_id="jd-555",
            origin_line_id="jd-line-2",
            is_gift=True,
            gift_rule="d11-cup",
        ),
    )
    recipient = Recipient(
        name="李 四 (Li Si)",
        phone="+86 139-0013-9000",
        address=Address(
            country="CN",
            province="上海市",
            city="上海市",
            district="浦东新区",
            street="世纪大道 100 号 ５０楼",
            postcode="200120",
            geo=GeoPoint(31.2397, 121.4998),
        ),
    )
    return Order(
        id=OrderId(order_id),
        channel=tmall.channel,
        refs=(tmall, jd),
        revision=3,
        placed_at=datetime(2024, 11, 11, 0, 0, 7, 250_000, tzinfo=_CST),
        buyer_id="tb-买家-007",
        recipient=recipient,
        lines=lines,
        currency="CNY",
        shipping_fee=Money(1_200, "CNY"),
        payment=PaymentMode.COD,
        buyer_memo="周末送货, please ring twice",
        seller_memo="VIP 客户 ✓",
        priority=7,
        pickup_location=LocationId("STORE-SH-1"),
        status=OrderStatus.HELD,
        holds=(
            Hold(HoldKind.MEMO, "buyer memo needs a look"),
            Hold(HoldKind.COD_LIMIT, "COD total 190.00 CNY"),
            Hold(
                HoldKind.WAIT,
                "wait window of 30 min",
                until=datetime(2026, 11, 11, 0, 40, tzinfo=ZoneInfo("Asia/Shanghai")),
            ),
        ),
        merged_into=OrderId("O00000099"),
        merged_from=(OrderId("O00000007"), OrderId("O00000008")),
        merge_key="mk:tb-买家-007:5f2c",
        shipment_ids=(ShipmentId("S00000001"), ShipmentId("S00000002")),
        backorder_of=OrderId("O00000005"),
        backorders=(OrderId("O00000011"),),
        decisions=(
            Decision("review", "held by 2 rule(s)", ("memo: hold (buyer memo present)", "cod_limit: hold")),
            Decision("routing", "ship complete from WH-东莞", ()),
        ),
    )


def sample_shipment(
    shipment_id: str = "S00000001",
    order: Order | None = None,
    *,
    location: str = "WH-1",
) -> Shipment:
    """A planned shipment of every line of ``order`` (of :func:`sample_order` when none), without a carrier.

    Args:
        shipment_id: the shipment's id.
        order: the order it ships.
        location: the location that ships it.

    Returns:
        The shipment, version 0, status planned (it has recorded ``shipment.planned``).
    """
    order = order if order is not None else sample_order()
    lines = [ShipmentLine(line.id, line.sku, line.quantity, line.amount, line.origin) for line in order.lines]
    return Shipment.plan(
        id=ShipmentId(shipment_id),
        order_id=order.id,
        location=LocationId(location),
        lines=lines,
        shipping_fee=order.shipping_fee,
    )


def rich_shipment(shipment_id: str = "S00000009") -> Shipment:
    """A shipment of :func:`rich_order` whose every field differs from its default (shipped, written back to one
    of its two origins, carrier reason in Chinese, lines with gross and discount, promised dates).

    Args:
        shipment_id: the shipment's id.

    Returns:
        The shipment, version 0, with no recorded events.
    """
    order = rich_order()
    lines = tuple(
        ShipmentLine(
            line.id, line.sku, line.quantity, line.amount, line.origin, gross=line.gross_amount, discount=line.discount
        )
        for line in order.lines
    )
    return Shipment(
        id=ShipmentId(shipment_id),
        order_id=order.id,
        location=LocationId("WH-东莞"),
        lines=lines,
        shipping_fee=Money(600, "CNY"),
        carrier=CarrierId("SF"),
        carrier_reason="顺丰: cheapest with COD",
        tracking_number="SF1234567890123",
        status=ShipmentStatus.SHIPPED,
        written_back=frozenset({order.refs[0]}),
        superseded=True,
        ship_after=date(2024, 11, 20),
        ship_by=date(2024, 11, 21),
        deliver_by=date(2024, 11, 23),
    )


def rich_catalog() -> Catalog:
    """A catalog with tagged SKUs, a splittable and an unsplittable kit, and listings on two channels.

    Returns:
        The catalog.
    """
    tmall, jd = Channel("tmall", "flagship"), Channel("jd", "self-run")
    skus = [
        Sku(SkuCode("TEA-OOLONG-250"), "乌龙茶 250g", weight_g=300, volume_cm3=900, reference_price_minor=9_900),
        Sku(SkuCode("CUP-CELADON"), "Celadon cup", 450, 1_200, {"fragile"}, 5_900),
        Sku(SkuCode("ICE-MOCHI"), "Mochi ice cream", 800, 2_000, {"cold_chain", "liquid"}, 4_500),
        Sku(SkuCode("TEA-TABLE"), "Tea table", 32_000, 250_000, {"oversize", "ship_alone"}, 129_900),
    ]
    kits = [
        Kit(
            "KIT-GIFTBOX",
            [KitComponent(SkuCode("TEA-OOLONG-250"), 2), KitComponent(SkuCode("CUP-CELADON"), 4)],
        ),
        Kit(
            "KIT-SAMPLER",
            [KitComponent(SkuCode("TEA-OOLONG-250"), 1), KitComponent(SkuCode("ICE-MOCHI"), 1)],
            splittable=True,
        ),
    ]
    listings = [
        Listing(tmall, "item-778899:sku-1", sku=SkuCode("TEA-OOLONG-250")),
        Listing(tmall, "item-778899:sku-2", kit="KIT-GIFTBOX"),
        Listing(tmall, "item-112233", sku=SkuCode("TEA-TABLE")),
        Listing(jd, "jd-555", sku=SkuCode("CUP-CELADON")),
        Listing(jd, "jd-556", kit="KIT-SAMPLER"),
        Listing(jd, "jd-557", sku=SkuCode("ICE-MOCHI")),
    ]
    return Catalog.build(skus, kits, listings)


def rich_network() -> Network:
    """A network with a location of every kind (geo points, regions, capabilities, capacities, costs) and
    carriers that differ in every field.

    Returns:
        The network.
    """
    locations = [
        Location(
            id=LocationId("WH-杭州"),
            name="Hangzhou DC",
            kind=LocationKind.WAREHOUSE,
            geo=GeoPoint(30.2741, 120.1551),
            regions=("CN",),
            capabilities=frozenset({"cod", "oversize"}),
            priority=10,
            daily_capacity=5_000,
            cost_per_shipment_minor=300,
            cost_per_unit_minor=20,
        ),
        Location(
            id=LocationId("3PL-GZ"),
            name="Guangzhou 3PL",
            kind=LocationKind.THIRD_PARTY,
            geo=GeoPoint(23.1291, 113.2644),
            regions=("CN/广东省", "CN/广西壮族自治区"),
            capabilities=frozenset({"cold_chain"}),
            priority=20,
            daily_capacity=None,
            cost_per_shipment_minor=450,
            cost_per_unit_minor=35,
        ),
        Location(
            id=LocationId("STORE-SH-1"),
            name="Jing'an store",
            kind=LocationKind.STORE,
            geo=GeoPoint(31.2286, 121.4479),
            regions=("CN/上海市/上海市",),
            capabilities=frozenset({"pickup"}),
            priority=50,
            daily_capacity=80,
            cost_per_shipment_minor=150,
        ),
        Location(
            id=LocationId("SUP-JDZ"),
            name="Jingdezhen kiln (drop-ship)",
            kind=LocationKind.SUPPLIER,
            geo=GeoPoint(29.2689, 117.1784),
            priority=90,
            daily_capacity=200,
            cost_per_unit_minor=80,
        ),
    ]
    carriers = [
        Carrier(
            id=CarrierId("SF"),
            name="顺丰",
            regions=("CN",),
            excluded_regions=("CN/新疆维吾尔自治区", "CN/西藏自治区"),
            max_weight_g=30_000,
            supports_cod=True,
            base_cost_minor=1_200,
            per_kg_minor=500,
            sla_days=1,
            priority=10,
            locations=("WH-杭州", "3PL-GZ"),
        ),
        Carrier(id=CarrierId("YTO"), name="圆通", base_cost_minor=600, per_kg_minor=200, sla_days=3, priority=50),
    ]
    return Network.build(locations, carriers)


def state_of(aggregate: Order | Shipment, *, ignore: Sequence[str] = ()) -> dict[str, Any]:
    """The stored state of an order or shipment: every field except its recorded events (and ``ignore``).

    Args:
        aggregate: the order or shipment.
        ignore: more field names to leave out (e.g. ``("version",)``).

    Returns:
        A dict of field name to value, comparable with ``==``.
    """
    left_out = {"events", *ignore}
    return {f.name: getattr(aggregate, f.name) for f in attrs.fields(type(aggregate)) if f.name not in left_out}
