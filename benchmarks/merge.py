"""合单 grouping against a brute-force oracle, on orders whose addresses are spelled many ways.

    python benchmarks/merge.py [--quick] [--json] [--orders N] [--seed S]

A seeded generator makes orders from a pool of buyers; each buyer has one or two addresses, and every order
spells its recipient differently (full-width digits, doubled spaces, case, spaces inside Chinese text, phone
numbers with +86, dashes or spaces). Some orders are cash on delivery (never merged), two shops share buyers.

omscore groups them with :class:`omscore.policies.merge.MergeGrouper` (constant work per order). The oracle
re-derives the groups by brute force with its own normalisation written here: for every order it compares the
recipient with the first order of every earlier group of the same buyer, field by field (O(n²) per buyer). The
two partitions must be identical. With ``--json`` the last line is one JSON object with ``mismatches`` and
``orders_per_s``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import unicodedata
from datetime import UTC, datetime, timedelta

from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    PaymentMode,
    Recipient,
    SkuCode,
)
from omscore.policies.merge import MergeGrouper, MergeSettings

SHOPS = (Channel("tmall", "flagship"), Channel("tmall", "outlet"))
START = datetime(2026, 11, 11, tzinfo=UTC)
STREETS = ("文三路{n}号", "{n} Wensan Road", "中山北路{n}弄", "{n} Nanjing Road West", "解放路{n}号")
CITIES = (("浙江省", "杭州市", "西湖区"), ("上海市", "上海市", "静安区"), ("Guangdong", "Shenzhen", "Nanshan"))
FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}


def _respell(text: str, rng: random.Random) -> str:
    out = text
    if rng.random() < 0.3:
        out = "".join(FULL_WIDTH.get(c, c) for c in out)
    if rng.random() < 0.3:
        out = out.upper() if rng.random() < 0.5 else out.lower()
    if rng.random() < 0.3:
        out = out.replace(" ", "  ")
    if rng.random() < 0.3 and any("\u4e00" <= c <= "\u9fff" for c in out):
        i = rng.randrange(1, len(out)) if len(out) > 1 else 0
        out = out[:i] + " " + out[i:]
    if rng.random() < 0.2:
        out = f" {out} "
    return out


def _phone(digits: str, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return digits
    if style == 1:
        return f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == 2:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return "".join(FULL_WIDTH[c] for c in digits)


def generate(count: int, seed: int) -> list[Order]:
    """``count`` single-line orders in placement order."""
    rng = random.Random(seed)
    buyers = max(1, count // 3)
    homes: dict[int, list[tuple[str, str, tuple[str, str, str], str]]] = {}
    for b in range(buyers):
        homes[b] = [
            (
                f"Buyer{b} 李",
                f"1{rng.randrange(30, 99)}{rng.randrange(10**8):08d}",
                rng.choice(CITIES),
                rng.choice(STREETS).format(n=rng.randrange(1, 400)),
            )
            for _ in range(rng.choice((1, 1, 2)))
        ]
    moments = sorted(rng.randrange(0, 24 * 3600) for _ in range(count))
    orders = []
    for n, second in enumerate(moments):
        buyer = rng.randrange(buyers)
        name, phone, (province, city, district), street = rng.choice(homes[buyer])
        recipient = Recipient(
            _respell(name, rng),
            _phone(phone, rng),
            Address("CN", _respell(province, rng), _respell(city, rng), _respell(district, rng), _respell(street, rng)),
        )
        shop = SHOPS[0] if rng.random() < 0.8 else SHOPS[1]
        ref = ExternalOrderRef(shop, f"E{n}")
        orders.append(
            Order.receive(
                id=OrderId(f"O{n:07d}"),
                ref=ref,
                revision=1,
                placed_at=START + timedelta(seconds=second),
                buyer_id=f"buyer-{buyer}",
                recipient=recipient,
                lines=(OrderLine(LineId("1"), SkuCode("TEA"), 1, Money(1000, "CNY"), ref),),
                currency="CNY",
                shipping_fee=Money(0, "CNY"),
                payment=PaymentMode.COD if rng.random() < 0.05 else PaymentMode.PREPAID,
            )
        )
    return orders


def _fold(text: str) -> str:
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    kept = []
    for i, c in enumerate(folded):
        if c == " " and (_cjk(folded[i - 1] if i else "") or _cjk(folded[i + 1] if i + 1 < len(folded) else "")):
            continue
        kept.append(c)
    return "".join(kept)


def _cjk(c: str) -> bool:
    return bool(c) and ("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\u3000" <= c <= "\u303f")


def _digits(phone: str) -> str:
    digits = "".join(c for c in unicodedata.normalize("NFKC", phone) if c.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _same_recipient(a: Order, b: Order) -> bool:
    ra, rb = a.recipient, b.recipient
    if _fold(ra.name) != _fold(rb.name) or _digits(ra.phone) != _digits(rb.phone):
        return False
    fields = ("country", "province", "city", "district", "street", "postcode")
    return all(_fold(getattr(ra.address, f)) == _fold(getattr(rb.address, f)) for f in fields)


def oracle(orders: list[Order], settings: MergeSettings) -> list[int]:
    """Group ids by brute force.

    For each order, every earlier group of the same buyer whose first order has the same shop and currency and
    (by this module's own normalisation) the same recipient shares its merge key; the newest such group is the
    open one, and the order joins it when placed within the window of that group's first order.
    """
    window = timedelta(minutes=settings.window_minutes)
    groups: list[int] = []
    firsts: dict[str, list[tuple[int, Order]]] = {}
    next_group = 0
    for order in orders:
        chosen = None
        if order.payment is not PaymentMode.COD:
            same_key = [
                (group, first)
                for group, first in firsts.get(order.buyer_id, [])
                if first.channel == order.channel and first.currency == order.currency and _same_recipient(first, order)
            ]
            if same_key:
                group, first = max(same_key, key=lambda pair: pair[0])
                if order.placed_at - first.placed_at <= window:
                    chosen = group
        if chosen is None:
            chosen = next_group
            next_group += 1
            if order.payment is not PaymentMode.COD:
                firsts.setdefault(order.buyer_id, []).append((chosen, order))
        groups.append(chosen)
    return groups


def _partition(groups: list[int]) -> dict[int, frozenset[int]]:
    members: dict[int, set[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, set()).add(index)
    return {index: frozenset(members[group]) for index, group in enumerate(groups)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 orders instead of 100,000")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    count = args.orders or (20_000 if args.quick else 100_000)
    settings = MergeSettings(window_minutes=120)
    orders = generate(count, args.seed)

    best = float("inf")
    groups: list[int] = []
    for _ in range(3):
        fresh = generate(count, args.seed)  # fingerprints are cached per recipient: time them from cold
        grouper = MergeGrouper(settings)
        began = time.perf_counter()
        groups = [grouper.add(order) for order in fresh]
        best = min(best, time.perf_counter() - began)
    began = time.perf_counter()
    expected = oracle(orders, settings)
    oracle_s = time.perf_counter() - began
    ours, theirs = _partition(groups), _partition(expected)
    mismatches = sum(1 for i in range(count) if ours[i] != theirs[i])
    merged = sum(1 for members in set(ours.values()) if len(members) > 1)
    result = {
        "orders": count,
        "groups_merged": merged,
        "orders_in_merges": sum(len(m) for m in set(ours.values()) if len(m) > 1),
        "mismatches": mismatches,
        "orders_per_s": round(count / best),
        "oracle_s": round(oracle_s, 2),
    }
    print(f"orders {count}: {merged} merge groups holding {result['orders_in_merges']} orders")
    print(f"omscore grouping: {result['orders_per_s']:,} orders/s (target >= 200,000)")
    print(f"brute-force oracle: {oracle_s:.1f} s; mismatches {mismatches} (target 0)")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
