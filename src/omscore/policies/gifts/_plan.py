"""How one rule's applications turn into gift units: stock first (a gift, else its first fallback in stock),
then the activity's caps; and what the decision has left as it goes from rule to rule."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.identity import SkuCode
from omscore.policies.gifts.rules import Gift, GiftRule

#: Where a grant stands within its rule: the gift's index, then 0 for the gift itself or 1 + the fallback's.
Rank = tuple[int, int]


def _left(told: int | None, configured: int | None) -> int | None:
    """The units an activity has left: the smaller of what the caller says and what the rule states (a figure
    below zero counts as zero); ``None`` when neither caps it."""
    figures = [figure for figure in (told, configured) if figure is not None]
    return max(0, min(figures)) if figures else None


@attrs.frozen
class Cap:
    """The cap that binds an activity now: ``left`` units, described as ``quota left 2 of activity spring``."""

    left: int
    label: str


@attrs.define
class Ledger:
    """What one decision has left as it plans rule after rule: gift stock, and units per activity for the
    order's buyer."""

    available: Mapping[str, int]
    quota_left: Mapping[str, int]
    buyer_quota_left: Mapping[tuple[str, str], int]
    buyer: str
    taken: dict[str, int] = attrs.field(factory=dict)
    given: dict[str, int] = attrs.field(factory=dict)

    def free(self, sku: SkuCode) -> int:
        """Units of ``sku`` still free for gifts."""
        return max(0, self.available.get(sku, 0)) - self.taken.get(sku, 0)

    def cap(self, rule: GiftRule) -> Cap | None:
        """The tighter of the activity's caps — in all and for this buyer — after what this decision gave."""
        activity, given = rule.activity, self.given.get(rule.activity, 0)
        caps = []
        total = _left(self.quota_left.get(activity), rule.quota)
        if total is not None:
            caps.append(Cap(total - given, f"quota left {total - given} of activity {activity}"))
        buyer = _left(self.buyer_quota_left.get((activity, self.buyer)), rule.per_buyer)
        if buyer is not None:
            caps.append(Cap(buyer - given, f"buyer quota left {buyer - given} of activity {activity}"))
        return min(caps, key=lambda cap: cap.left) if caps else None

    def take(self, rule: GiftRule, picks: list[tuple[Rank, SkuCode, int]]) -> None:
        for _, sku, quantity in picks:
            self.taken[sku] = self.taken.get(sku, 0) + quantity
            self.given[rule.activity] = self.given.get(rule.activity, 0) + quantity


@attrs.frozen
class Plan:
    """What one rule gives.

    Attributes:
        wanted: the applications after the per-order limit.
        given: the applications that gave something.
        grants: ``(sku, quantity)`` in the rule's gift order.
        notes: stock and quota notes, each once, in the order they arose.
    """

    wanted: int
    given: int
    grants: tuple[tuple[SkuCode, int], ...]
    notes: tuple[str, ...]


def _short(sku: SkuCode, quantity: int, free: int, catalog: Catalog) -> str | None:
    if catalog.sku(sku) is None:
        return f"{sku} not in the catalog"
    if free < quantity:
        return f"{sku} short ({free} available, {quantity} needed)"
    return None


def _pick(gift: Gift, index: int, ledger: Ledger, catalog: Catalog, held: dict[str, int]) -> tuple[Rank | None, str]:
    """The first option of ``gift`` in stock (counting ``held``, what this application already picked), and a
    note when it is not the gift itself."""
    shorts: list[str] = []
    for option, (sku, quantity) in enumerate(gift.options):
        short = _short(sku, quantity, ledger.free(sku) - held.get(sku, 0), catalog)
        if short is None:
            return (index, option), (f"{', '.join(shorts)}: fallback {sku}" if shorts else "")
        shorts.append(short)
    listed = shorts[0] if len(shorts) == 1 else f"{', '.join(shorts[:-1])} and {shorts[-1]}"
    return None, f"no gift: {listed}"


def _application(rule: GiftRule, ledger: Ledger, catalog: Catalog) -> tuple[list[tuple[Rank, SkuCode, int]], list[str]]:
    """What one application of ``rule`` gives given the stock left, and the stock notes."""
    picks: list[tuple[Rank, SkuCode, int]] = []
    notes: list[str] = []
    held: dict[str, int] = {}
    for index, gift in enumerate(rule.gifts):
        rank, note = _pick(gift, index, ledger, catalog, held)
        if note:
            notes.append(note)
        if rank is not None:
            sku, quantity = gift.options[rank[1]]
            picks.append((rank, sku, quantity))
            held[sku] = held.get(sku, 0) + quantity
    return picks, notes


def plan(rule: GiftRule, times: int, ledger: Ledger, catalog: Catalog) -> Plan:
    """Apply ``rule`` up to ``times`` times (and its per-order limit), one application after another, each
    taking its units from ``ledger``; stop at the first that gets no stock or does not fit the activity's cap."""
    wanted = times if rule.per_order_limit is None else min(times, rule.per_order_limit)
    notes: dict[str, None] = {}
    totals: dict[SkuCode, int] = {}
    ranks: dict[SkuCode, Rank] = {}
    given = 0
    for _ in range(wanted):
        cap = ledger.cap(rule)
        if cap is not None and cap.left == 0:
            notes[cap.label] = None
            break
        picks, stock_notes = _application(rule, ledger, catalog)
        units = sum(quantity for _, _, quantity in picks)
        if cap is not None and 0 < cap.left < units:
            notes[f"{cap.label} ({units} needed)"] = None
            break
        notes.update(dict.fromkeys(stock_notes))
        if not units:
            break
        ledger.take(rule, picks)
        for rank, sku, quantity in picks:
            totals[sku] = totals.get(sku, 0) + quantity
            ranks[sku] = min(rank, ranks.get(sku, rank))
        given += 1
    grants = tuple((sku, totals[sku]) for sku in sorted(totals, key=lambda sku: ranks[sku]))
    return Plan(wanted, given, grants, tuple(notes))
