"""What a large rule set — review checks (审单) and gift rules (赠品) — costs the pipeline, measured against the
same pipeline without it.

    python benchmarks/rules.py [--quick] [--json] [--orders N] [--seed S] [--rules R] [--gift-rules G]

Runs the end-to-end in-memory pipeline of ``benchmarks/pipeline.py`` twice per repetition, alternating: with
omscore's default rules, and with ``R`` (default 50) rules in all, ``G`` (default 15) of them gift rules and the
rest review checks. The review checks are of every kind — amount and quantity ranges, SKU and tag lists, price
floors, discount ceilings, buyer and recipient lists of 1,000 entries, regions, memo keywords, gift and presale
lines — set so that every order passes them all (every check runs on every order, none ends the review early).
The gift rules are of every kind — amount bands, quantity tiers, SKUs bought, buy N get M, memo keywords, in an
exclusive group and stacked, with quotas — and are all checked on every order; none gives (a gift adds goods to
ship, which is not what the rules cost). ``rules_overhead_pct`` is how much longer the review + merge + routing +
release pass takes with the rules, from the best repetition of each (target: under 10 %). With ``--json`` the
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json

from pipeline import pipeline_run

from omscore.domain import Money, SkuCode
from omscore.policies.gifts import (
    AmountBand,
    BuyNGetM,
    Gift,
    GiftRule,
    GiftSettings,
    MemoKeyword,
    QuantityTier,
    SkuPurchase,
)
from omscore.policies.review import (
    AmountRange,
    BuyerList,
    DiscountCeiling,
    LineKinds,
    MemoKeywords,
    PriceFloor,
    QuantityRange,
    RecipientList,
    RegionList,
    ReviewRule,
    ReviewSettings,
    SkuList,
    TagList,
    Then,
)
from omscore.policies.settings import PipelineSettings


def rule_set(count: int) -> tuple[ReviewRule, ...]:
    """``count`` review checks that the benchmark's orders all pass, cycling through every kind."""
    blocked = frozenset(f"blocked-{n}" for n in range(1_000))
    phones = frozenset(f"139{n:08d}" for n in range(1_000))
    kinds = (
        lambda n: AmountRange(min_minor=0, max_minor=100_000_000 + n),
        lambda n: QuantityRange(max_units=1_000 + n),
        lambda n: SkuList(frozenset({f"RETIRED-{n}", f"RECALLED-{n}"})),
        lambda n: TagList(frozenset({"hazmat", f"tag-{n}"})),
        lambda n: PriceFloor(1),
        lambda n: DiscountCeiling(100),
        lambda n: BuyerList(blocked, then=Then.RISK),
        lambda n: RecipientList(phones=phones, then=Then.RISK),
        lambda n: RegionList(("CN/Xinjiang", "CN/Tibet", f"CN/Region-{n}")),
        lambda n: MemoKeywords(("退款", "投诉", f"keyword-{n}"), then=Then.RISK),
        lambda n: LineKinds(gift=True, presale=True),
    )
    return tuple(kinds[n % len(kinds)](n) for n in range(count))


def gift_rule_set(count: int) -> tuple[GiftRule, ...]:
    """``count`` gift rules that are checked on every order of the benchmark and give to none."""
    gift = (Gift(SkuCode("SKU0000"), 1, (Gift(SkuCode("SKU0001"), 1),)),)
    kinds = (
        lambda n: AmountBand(Money(10_000_000 + n, "CNY")),
        lambda n: QuantityTier(1_000 + n),
        lambda n: SkuPurchase({f"NOT-SOLD-{n}", f"RETIRED-{n}"}),
        lambda n: BuyNGetM({f"NOT-SOLD-{n}"}, 2),
        lambda n: MemoKeyword((f"送赠品-{n}", "gift please")),
    )
    return tuple(
        GiftRule(
            f"g{n:03d}",
            kinds[n % len(kinds)](n),
            gift,
            priority=n,
            group="band" if n % 3 == 0 else None,
            quota=1_000 + n,
            per_buyer=2,
        )
        for n in range(count)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer orders and repetitions (about 20 s)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rules", type=int, default=50, help="rules in all: review checks and gift rules")
    parser.add_argument("--gift-rules", type=int, default=15, help="of which gift rules")
    args = parser.parse_args()
    orders = args.orders or (2_000 if args.quick else 10_000)
    repeats = 3 if args.quick else 5

    gift_rules = min(args.gift_rules, args.rules)
    with_rules = PipelineSettings(
        review=ReviewSettings(checks=rule_set(args.rules - gift_rules)),
        gifts=GiftSettings(rules=gift_rule_set(gift_rules)),
    )
    plain: list[dict[str, float]] = []
    ruled: list[dict[str, float]] = []
    for _ in range(repeats):
        plain.append(pipeline_run(orders, args.seed))
        ruled.append(pipeline_run(orders, args.seed, settings=with_rules))
    base = min(run["process"] for run in plain)
    rules = min(run["process"] for run in ruled)
    result = {
        "orders": orders,
        "rules": args.rules,
        "gift_rules": gift_rules,
        "process_per_s": round(orders / base),
        "process_with_rules_per_s": round(orders / rules),
        "rules_overhead_pct": round((rules - base) / base * 100, 2),
    }
    print(f"pipeline   {orders} three-line orders, review + merge + routing + release:")
    print(f"  default review rules                    {result['process_per_s']:>10,} orders/s")
    label = f"with {args.rules - gift_rules} review checks + {gift_rules} gift rules"
    print(f"  {label:<40}{result['process_with_rules_per_s']:>10,} orders/s")
    print(f"rules overhead: {result['rules_overhead_pct']:.2f} % (target < 10 %)")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
