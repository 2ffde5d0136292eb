"""合单 on the aggregate: merging is order-independent, conserves units and money, and unmerging restores."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    OrderStatus,
    Recipient,
    SkuCode,
)
from omscore.testing.samples import state_of

SHOP = Channel("tmall", "flagship")
RECIPIENT = Recipient("Li Lei", "13800138000", Address("CN", "Zhejiang", "Hangzhou", "Xihu", "12 Wensan Road"))
START = datetime(2026, 11, 11, tzinfo=UTC)

line_specs = st.lists(
    st.tuples(st.sampled_from(["TEA", "CUP", "POT"]), st.integers(1, 5), st.integers(0, 50_000)), min_size=1, max_size=3
)


def _approved(number: int, lines: list[tuple[str, int, int]], fee: int, minutes: int) -> Order:
    ref = ExternalOrderRef(SHOP, f"E{number}")
    order = Order.receive(
        id=OrderId(f"O{number:08d}"),
        ref=ref,
        revision=1,
        placed_at=START + timedelta(minutes=minutes),
        buyer_id="buyer-1",
        recipient=RECIPIENT,
        lines=[OrderLine(LineId(str(i)), SkuCode(s), q, Money(a, "CNY"), ref) for i, (s, q, a) in enumerate(lines, 1)],
        currency="CNY",
        shipping_fee=Money(fee, "CNY"),
    )
    order.approve("test")
    order.pull_events()
    return order


orders = st.lists(st.tuples(line_specs, st.integers(0, 2_000), st.integers(0, 100)), min_size=2, max_size=5).map(
    lambda specs: [_approved(n, lines, fee, minutes) for n, (lines, fee, minutes) in enumerate(specs, 1)]
)


@given(orders, st.randoms())
def test_merging_in_any_order_gives_the_same_order(sources: list[Order], rng: random.Random) -> None:
    shuffled = [copy.copy(o) for o in sources]
    rng.shuffle(shuffled)
    a = Order.merge(OrderId("M1"), [copy.copy(o) for o in sources])
    b = Order.merge(OrderId("M1"), shuffled)
    assert state_of(a, ignore=("events",)) == state_of(b, ignore=("events",))


@given(orders)
def test_a_merge_conserves_units_money_and_origins(sources: list[Order]) -> None:
    total = sum(o.total.minor for o in sources)
    units = sum(o.units for o in sources)
    refs = {ref for o in sources for ref in o.refs}
    merged = Order.merge(OrderId("M1"), sources)
    assert merged.total.minor == total
    assert merged.units == units
    assert set(merged.refs) == refs
    assert all(o.status is OrderStatus.MERGED and o.merged_into == "M1" for o in sources)


@given(orders)
def test_unmerging_restores_the_originals_exactly(sources: list[Order]) -> None:
    before = [state_of(o, ignore=("events", "version")) for o in sources]
    Order.merge(OrderId("M1"), sources)
    for source in sources:
        source.unmerge_source()
    assert [state_of(o, ignore=("events", "version")) for o in sources] == before
