"""赠品: which gifts an approved order gets, from the merchant's rules, the gift stock and the activities' caps.

:func:`decide_gifts` is pure: it reads the order, the rules and the figures it is given — gift stock, units left
per activity and per buyer — and plans gifts within them, with one explanation step per rule. It reserves
nothing and counts nothing: the caller keeps the stock and the quota store, and adds the gift lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import SkuCode
from omscore.domain.order import Order
from omscore.policies.explain import Explanation
from omscore.policies.gifts._checks import plural
from omscore.policies.gifts._plan import Ledger, Plan, plan
from omscore.policies.gifts.port import Match, Purchase
from omscore.policies.gifts.rules import GiftRule, _check_rule_set

_NOTHING: Mapping[str, int] = MappingProxyType({})
_NO_BUYERS: Mapping[tuple[str, str], int] = MappingProxyType({})


@attrs.frozen
class GiftGrant:
    """Gift units a rule gives the order.

    Attributes:
        rule_id: the rule that gives them.
        activity: the quota activity they count against.
        sku: the gift's SKU (a fallback's, when it stood in).
        quantity: units, over every application of the rule.
    """

    rule_id: str
    activity: str
    sku: SkuCode
    quantity: int


@attrs.frozen
class GiftDecision:
    """The gifts an order gets, and why.

    Attributes:
        grants: in rule order — ``(priority, id)`` — and within a rule in the order of its gifts, each gift's
            own SKU before its fallbacks; one grant per (rule, SKU).
        explanation: one step per rule, in rule order (policy ``gifts``).
    """

    grants: tuple[GiftGrant, ...]
    explanation: Explanation

    @property
    def units(self) -> int:
        """Every gift unit granted."""
        return sum(grant.quantity for grant in self.grants)

    def units_by_activity(self) -> dict[str, int]:
        """Gift units per quota activity: what the quota store counts."""
        counts: dict[str, int] = {}
        for grant in self.grants:
            counts[grant.activity] = counts.get(grant.activity, 0) + grant.quantity
        return counts

    def units_by_sku(self) -> dict[SkuCode, int]:
        """Gift units per SKU: what the gift lines take from stock."""
        counts: dict[SkuCode, int] = {}
        for grant in self.grants:
            counts[grant.sku] = counts.get(grant.sku, 0) + grant.quantity
        return counts


def _applies(rule: GiftRule, match: Match, planned: Plan) -> str:
    times = f"×{match.times}"
    if planned.wanted < match.times:
        times = f"×{planned.wanted} of {match.times}, per-order limit {rule.per_order_limit}"
    parts = [f"{rule.id}: applies {times} ({match.reason})", *planned.notes]
    if 0 < planned.given < planned.wanted:
        parts.append(f"{planned.given} of {planned.wanted} applications given")
    if planned.grants:
        parts.append(f"gives {', '.join(f'{sku} ×{quantity}' for sku, quantity in planned.grants)}")
    else:
        parts.append("gives nothing" if rule.group is None else f"gives nothing; group {rule.group} stays open")
    return "; ".join(parts)


def _check_placed_at(order: Order, rules: Iterable[GiftRule]) -> None:
    windowed = any(rule.starts_at is not None or rule.ends_at is not None for rule in rules)
    if windowed and order.placed_at.utcoffset() is None:
        raise InvalidInput("placed_at", order.placed_at, "must be timezone-aware to compare with activity windows")


def decide_gifts(
    order: Order,
    rules: Iterable[GiftRule],
    *,
    catalog: Catalog,
    available: Mapping[str, int],
    quota_left: Mapping[str, int] = _NOTHING,
    buyer_quota_left: Mapping[tuple[str, str], int] = _NO_BUYERS,
) -> GiftDecision:
    """The gifts ``order`` gets from ``rules``.

    Rules are taken by ``(priority, id)``, whatever order they come in. A rule applies to an order of one of
    its shops, placed inside its window, that meets its trigger — as many times as the trigger says, up to its
    per-order limit. Of the rules of one exclusive group, only the first that gives anything gives; the others
    stack. Each application gives each of the rule's gifts when its stock allows (counting what the rules
    before took), else the gift's first fallback in stock, else not that gift; an application that gets no
    stock, or would take the activity past what it has left in all or for this buyer, is not given, and the
    rule's later applications neither. Gift lines already on the order never count towards a trigger; an
    order of gift lines only gets none.

    Args:
        order: the order, usually just approved.
        rules: the rules that may apply (e.g. :meth:`~omscore.policies.gifts.GiftSettings.rules_for` its shop).
        catalog: the catalog; a gift SKU missing from it is never given.
        available: units of each gift SKU free to give, after the order's own lines; a SKU not listed has none.
        quota_left: units each activity may still give; an activity not listed has its rules' full ``quota``.
        buyer_quota_left: units each activity may still give a buyer, by ``(activity, buyer id)``; one not
            listed has its rules' full ``per_buyer``.
            In all three, a figure below zero counts as zero.

    Returns:
        The grants and the explanation; the grants never take more units of a SKU than ``available``, of an
        activity than ``quota_left`` (or its ``quota``), or for the buyer than ``buyer_quota_left`` (or
        ``per_buyer``) says.

    Raises:
        InvalidConfiguration: two rules share an id, or rules of one activity state different caps.
        InvalidInput: the order's ``placed_at`` is naive while a rule has an activity window.
    """
    given = tuple(rules)
    _check_rule_set((f"rules.{index}", rule) for index, rule in enumerate(given))
    return _decide_ranked(
        order,
        sorted(given, key=lambda rule: rule.rank),
        catalog=catalog,
        available=available,
        quota_left=quota_left,
        buyer_quota_left=buyer_quota_left,
    )


def _decide_ranked(
    order: Order,
    ordered: Sequence[GiftRule],
    *,
    catalog: Catalog,
    available: Mapping[str, int],
    quota_left: Mapping[str, int] = _NOTHING,
    buyer_quota_left: Mapping[tuple[str, str], int] = _NO_BUYERS,
) -> GiftDecision:
    """:func:`decide_gifts` over rules already checked together and sorted by ``(priority, id)`` — what
    :meth:`~omscore.policies.gifts.GiftSettings.decide` calls, its rules checked once when it was built."""
    _check_placed_at(order, ordered)
    purchase = Purchase.of(order)
    if not purchase.lines:
        skipped = tuple(f"{rule.id}: not checked: every line of the order is a gift" for rule in ordered)
        return GiftDecision((), Explanation("gifts", "no gift: every line of the order is a gift", skipped))

    ledger = Ledger(available, quota_left, buyer_quota_left, order.buyer_id)
    taken_by: dict[str, str] = {}
    grants: list[GiftGrant] = []
    steps: list[str] = []
    for rule in ordered:
        if (rule.channels or rule.platforms) and not rule.serves(order.channel):
            steps.append(f"{rule.id}: other shop ({order.channel})")
            continue
        if rule.starts_at is not None or rule.ends_at is not None:
            outside = rule.outside_window(order.placed_at)
            if outside is not None:
                steps.append(f"{rule.id}: outside its window ({outside})")
                continue
        match = rule.trigger.check(purchase, catalog)
        if match.times == 0:
            steps.append(f"{rule.id}: {match.reason}")
            continue
        if rule.group is not None and rule.group in taken_by:
            steps.append(f"{rule.id}: excluded by rule {taken_by[rule.group]} of group {rule.group}")
            continue
        planned = plan(rule, match.times, ledger, catalog)
        steps.append(_applies(rule, match, planned))
        if planned.grants and rule.group is not None:
            taken_by[rule.group] = rule.id
        grants.extend(GiftGrant(rule.id, rule.activity, sku, quantity) for sku, quantity in planned.grants)

    return GiftDecision(tuple(grants), Explanation("gifts", _summary(grants, len(ordered)), tuple(steps)))


def _summary(grants: list[GiftGrant], rules: int) -> str:
    if not grants:
        return f"no gift ({plural(rules, 'rule')} checked)"
    units = sum(grant.quantity for grant in grants)
    giving = len({grant.rule_id for grant in grants})
    listed = ", ".join(f"{grant.sku} ×{grant.quantity}" for grant in grants)
    return f"{plural(units, 'gift unit')} from {plural(giving, 'rule')}: {listed}"
