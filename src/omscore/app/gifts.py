"""赠品 in the pipeline: an order about to be routed gets the gifts its shop's rules give, within the gift stock
and the activities' quotas; an order un-routed or cancelled gives them back.

Gifts are decided when an order is routed, not when it is approved, so that a merged order is judged on what
the merge carries, and they live only while the order is routed: un-routing it (a merge, an unmerge, an
address change, a revision) takes its gift lines off and returns its quota, and the next routing decides
afresh. A gift line is priced zero, so gifts never change an order's money, and it is written back to no
platform.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from omscore.app.context import Context
from omscore.domain.catalog import Catalog
from omscore.domain.errors import ConcurrencyConflict
from omscore.domain.gifts import GiftClaim
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.money import Money
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
from omscore.policies.explain import Explanation
from omscore.policies.gifts import GiftDecision, GiftRule
from omscore.ports.unit_of_work import UnitOfWork


def give_gifts_in(
    ctx: Context, uow: UnitOfWork, order: Order, catalog: Catalog, locations: Sequence[LocationId]
) -> Explanation | None:
    """Add the gifts ``order`` (approved, about to be routed) gets, and take their quota.

    The decision sees the gift stock free at ``locations`` after the order's own lines, and what each
    capped activity has left in all and for the buyer, read in this unit of work. Returns its explanation,
    or ``None`` when no gift rule serves the order's shop.

    Raises:
        ConcurrencyConflict: a concurrent worker took an activity's last units between the read and the
            claim; the unit of work is run again and decides on the new figures.
    """
    settings = ctx.settings.gifts
    rules = settings.ranked_for(order.channel)
    if not rules:
        return None
    order.remove_gifts()
    # Stock and quotas only ever take gifts away: when the rules give nothing with plenty of both, they give
    # nothing, and the stock and quota figures need not be read.
    decision = settings.decide(order, catalog=catalog, available=_PLENTY)
    if decision.grants:
        available = _gift_stock(uow, order, rules, locations)
        quota_left, buyer_left = _caps_left(uow, order, rules)
        decision = settings.decide(
            order, catalog=catalog, available=available, quota_left=quota_left, buyer_quota_left=buyer_left
        )
    explanation = decision.explanation
    order.record_decision("gifts", explanation.summary, explanation.steps)
    if decision.grants:
        _claim(uow, order, rules, decision)
        order.add_gifts(_lines(order, decision))
    return explanation


class _Plenty(Mapping[str, int]):
    """Gift stock without limit: what a decision sees before the stock is read."""

    def __getitem__(self, sku: str) -> int:
        return 1 << 62

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_PLENTY: Final = _Plenty()


def take_back_gifts_in(uow: UnitOfWork, order: Order, reason: str) -> None:
    """Take the gift lines off ``order`` (approved again, or about to be held) and return its quota."""
    removed = order.remove_gifts()
    returned = return_gift_quota_in(uow, order)
    if removed or returned:
        order.record_decision("gifts", f"gifts taken back: {reason}", ())


def return_gift_quota_in(uow: UnitOfWork, order: Order) -> int:
    """Give back every gift unit ``order`` holds in the activities (it was un-routed or cancelled); returns
    the units given back."""
    held = uow.gift_quotas.held_by(order.id)
    return sum(uow.gift_quotas.give_back(activity, order.id) for activity in held)


def _gift_stock(
    uow: UnitOfWork, order: Order, rules: Sequence[GiftRule], locations: Sequence[LocationId]
) -> dict[str, int]:
    """Units of each gift SKU free at ``locations``, less what the order's own lines of that SKU need."""
    skus = sorted({sku for rule in rules for gift in rule.gifts for sku, _ in gift.options})
    levels = uow.inventory.levels([(loc, sku) for loc in locations for sku in skus])
    free: dict[str, int] = {}
    for (_, sku), level in levels.items():
        free[sku] = free.get(sku, 0) + max(0, level.available)
    for line in order.lines:
        if line.sku in free:
            free[line.sku] = max(0, free[line.sku] - line.quantity)
    return free


def _caps_left(
    uow: UnitOfWork, order: Order, rules: Sequence[GiftRule]
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """What each capped activity of ``rules`` has left, in all and for the order's buyer."""
    quota_left: dict[str, int] = {}
    buyer_left: dict[tuple[str, str], int] = {}
    for rule in rules:
        if rule.quota is not None and rule.activity not in quota_left:
            quota_left[rule.activity] = rule.quota - uow.gift_quotas.taken(rule.activity)
        key = (rule.activity, order.buyer_id)
        if rule.per_buyer is not None and key not in buyer_left:
            buyer_left[key] = rule.per_buyer - uow.gift_quotas.taken_by(rule.activity, order.buyer_id)
    return quota_left, buyer_left


def _claim(uow: UnitOfWork, order: Order, rules: Sequence[GiftRule], decision: GiftDecision) -> None:
    """Take the decision's units from each activity, in sorted activity order."""
    caps: Mapping[str, GiftRule] = {rule.activity: rule for rule in rules}
    for activity, units in sorted(decision.units_by_activity().items()):
        rule = caps[activity]
        claim = GiftClaim(activity, order.id, order.buyer_id, units, rule.quota, rule.per_buyer)
        if not uow.gift_quotas.take(claim):
            raise ConcurrencyConflict("gift activity", activity, units, None)


def _lines(order: Order, decision: GiftDecision) -> list[OrderLine]:
    zero = Money(0, order.currency)
    return [
        OrderLine(
            LineId(f"gift:{grant.rule_id}:{grant.sku}"),
            SkuCode(grant.sku),
            grant.quantity,
            zero,
            order.ref,
            unit_price=zero,
            discount=zero,
            is_gift=True,
            gross=zero,
            gift_rule=grant.rule_id,
        )
        for grant in decision.grants
    ]
