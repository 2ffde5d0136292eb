"""审单: the rules every shop runs (address, unmapped SKU, COD limit, memo) and the shop's rule set.

A host adds its own rules by implementing :class:`~omscore.policies.review.ReviewRule`; :func:`default_rules`
builds a shop's set from its :class:`~omscore.policies.review.ReviewSettings`.
"""

from __future__ import annotations

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.order import Order, PaymentMode
from omscore.policies.review.port import ReviewRule
from omscore.policies.review.settings import ReviewSettings


@attrs.frozen
class IncompleteAddress:
    """Hold orders whose recipient lacks a name, a usable phone or an address part a carrier needs."""

    name: str = "incomplete_address"

    def check(self, order: Order, catalog: Catalog) -> Hold | None:
        missing = order.recipient.missing_fields()
        if missing:
            return Hold(HoldKind.INCOMPLETE_ADDRESS, f"recipient is missing {', '.join(missing)}")
        return None


@attrs.frozen
class CodLimit:
    """Hold cash-on-delivery orders above a total (risk of refusal at the door)."""

    limit_minor: int
    name: str = "cod_limit"

    def check(self, order: Order, catalog: Catalog) -> Hold | None:
        if order.payment is PaymentMode.COD and order.total.minor > self.limit_minor:
            return Hold(HoldKind.COD_LIMIT, f"COD total {order.total} is above the limit of {self.limit_minor} minor")
        return None


@attrs.frozen
class MemoPresent:
    """Hold orders that carry a buyer or seller memo, which may ask for something the rules cannot see."""

    buyer: bool = True
    seller: bool = True
    name: str = "memo"

    def check(self, order: Order, catalog: Catalog) -> Hold | None:
        which = [
            label
            for label, enabled, memo in (
                ("buyer", self.buyer, order.buyer_memo),
                ("seller", self.seller, order.seller_memo),
            )
            if enabled and memo.strip()
        ]
        if which:
            return Hold(HoldKind.MEMO, f"{' and '.join(which)} memo present")
        return None


@attrs.frozen
class UnmappedSku:
    """Hold orders with a line whose listing maps to no SKU, or to a SKU missing from the catalog."""

    name: str = "unmapped_sku"

    def check(self, order: Order, catalog: Catalog) -> Hold | None:
        unmapped = sorted(
            line.listing_id or line.id for line in order.lines if not line.sku or catalog.sku(line.sku) is None
        )
        if unmapped:
            return Hold(HoldKind.UNMAPPED_SKU, f"listing(s) {', '.join(unmapped)} map to no known SKU")
        return None


def default_rules(settings: ReviewSettings) -> tuple[ReviewRule, ...]:
    """The rule set of a shop, in order: address and unmapped SKU (conditions no rule can waive), then the
    shop's configured :attr:`~ReviewSettings.checks` in their order, then the COD limit and the memo checks."""
    rules: list[ReviewRule] = [IncompleteAddress(), UnmappedSku(), *settings.checks]
    if settings.cod_limit_minor is not None:
        rules.append(CodLimit(settings.cod_limit_minor))
    if settings.hold_on_buyer_memo or settings.hold_on_seller_memo:
        rules.append(MemoPresent(settings.hold_on_buyer_memo, settings.hold_on_seller_memo))
    return tuple(rules)
