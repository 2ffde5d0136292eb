"""审单 conditions on the order's lines: the SKUs ordered, their catalog tags, the price paid against the
reference price, and gift or presale lines.

Like the order-level conditions of :mod:`~omscore.policies.review.conditions`, each passes the orders it does not
match and gives the ones it matches the verdict its ``then`` names. A reason lists what matched in sorted order,
so it does not depend on the order of the lines.
"""

from __future__ import annotations

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.money import Money
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
from omscore.policies.review.conditions import _listed, _percent, _text_set, _then
from omscore.policies.review.port import Then, Verdict


@attrs.frozen
class SkuList:
    """Match orders with a line of a listed SKU (an item that needs a look before it ships, or one that may
    always ship at once with ``then=approve``).

    Attributes:
        skus: the SKU codes.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    skus: frozenset[str] = attrs.field(converter=_text_set, validator=_listed)
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "sku_list"

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        if self.skus.isdisjoint(line.sku for line in order.lines):
            return None
        found = sorted({line.sku for line in order.lines if line.sku in self.skus})
        if found:
            return self.then.verdict(self.name, f"listed SKU(s) {', '.join(found)}")
        return None


@attrs.frozen
class TagList:
    """Match orders with a line whose SKU carries one of the listed catalog tags (``cold_chain``, ``fragile`` …);
    a SKU missing from the catalog has no tags.

    Attributes:
        tags: the catalog tags.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    tags: frozenset[str] = attrs.field(converter=_text_set, validator=_listed)
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "tag_list"

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        tagged: dict[str, frozenset[str]] = {}
        for line in order.lines:
            sku = catalog.sku(line.sku)
            if sku is not None and sku.tags & self.tags:
                tagged[line.sku] = sku.tags & self.tags
        if tagged:
            found = ", ".join(f"{sku} ({', '.join(sorted(tagged[sku]))})" for sku in sorted(tagged))
            return self.then.verdict(self.name, f"tagged SKU(s) {found}")
        return None


@attrs.frozen
class PriceFloor:
    """Match orders with a line sold for less per unit than a share of its SKU's catalog reference price (a
    mispriced listing). Gift lines, and SKUs without a reference price or missing from the catalog, are skipped;
    the comparison is exact, in whole minor units.

    Attributes:
        percent: the lowest share of the reference price that passes, as a whole percentage (1 to 100).
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    percent: int = attrs.field(validator=_percent(1, 100))
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "price_floor"

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        cheap = [line for line in order.lines if self._below(line, catalog)]
        if not cheap:
            return None
        found = []
        for line in sorted(cheap, key=lambda line: line.id):
            sku = catalog.sku(line.sku)
            if sku is not None:
                reference = Money(sku.reference_price_minor, line.amount.currency)
                found.append(
                    f"line {line.id} ({line.sku}) paid {line.amount} for {line.quantity} unit(s), below "
                    f"{self.percent}% of the reference price {reference} a unit"
                )
        return self.then.verdict(self.name, "; ".join(found))

    def _below(self, line: OrderLine, catalog: Catalog) -> bool:
        """Whether ``line`` (not a gift, its SKU priced in the catalog) was paid below the floor."""
        sku = catalog.sku(line.sku)
        if line.is_gift or sku is None or sku.reference_price_minor <= 0:
            return False
        return line.amount.minor * 100 < self.percent * sku.reference_price_minor * line.quantity


@attrs.frozen
class LineKinds:
    """Match orders with a gift line or a presale (预售) line, for shops that look at those by hand.

    Attributes:
        gift: match orders with a gift line.
        presale: match orders with a line that has a presale ship date.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    gift: bool = False
    presale: bool = False
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "line_kinds"

    def __attrs_post_init__(self) -> None:
        if not self.gift and not self.presale:
            raise InvalidConfiguration("gift", self.gift, "match gift lines, presale lines or both")

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        if not any(
            (self.gift and line.is_gift) or (self.presale and line.presale_ship_date is not None)
            for line in order.lines
        ):
            return None
        found = []
        for label, enabled, lines in (
            ("gift", self.gift, [line.id for line in order.lines if line.is_gift]),
            ("presale", self.presale, [line.id for line in order.lines if line.presale_ship_date is not None]),
        ):
            if enabled and lines:
                found.append(f"{label} line(s) {', '.join(sorted(lines))}")
        if found:
            return self.then.verdict(self.name, "; ".join(found))
        return None
