"""The triggers merchants set gift rules by (聚水潭, 旺店通, 万里牛): an amount band, a quantity tier, a SKU
bought, buy N get M, and a memo keyword.

Each is a :class:`~omscore.policies.gifts.GiftTrigger` over the paid lines of an order (gift lines never count)
and says how many times its rule applies: once, or — for :class:`BuyNGetM` — once per ``n`` units bought. A
rule's ``per_order_limit`` caps the repeats. "The highest band wins" is several rules in one exclusive group,
the highest threshold first by priority.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs

from omscore.domain.address import normalise_text
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import SkuCode
from omscore.domain.money import Money
from omscore.policies.gifts._checks import entries, non_blank, plural, positive, sku_set
from omscore.policies.gifts.port import Match, Purchase


def _any_skus(values: Iterable[str]) -> frozenset[SkuCode]:
    return sku_set("skus", values, required=False)


def _some_skus(values: Iterable[str]) -> frozenset[SkuCode]:
    return sku_set("skus", values, required=True)


def _lines_of(skus: frozenset[SkuCode]) -> str:
    return f"lines of {', '.join(sorted(skus))}" if skus else "non-gift lines"


def _minimum(instance: object, attribute: attrs.Attribute[Money], value: Money) -> None:
    if not isinstance(value, Money):
        raise InvalidConfiguration(attribute.name, value, "must be an amount of money, e.g. Money(19900, 'CNY')")
    if value.minor < 0:
        raise InvalidConfiguration(attribute.name, value.minor, "must not be negative")


@attrs.frozen
class AmountBand:
    """满额赠: the buyer paid at least ``minimum`` for the non-gift lines (of ``skus`` only, when given), after
    discounts and without the shipping fee. Applies once.

    Attributes:
        minimum: the threshold, in the orders' currency; an order in another currency does not reach it.
        skus: count only the lines of these SKUs (指定商品); all lines when empty.
    """

    minimum: Money = attrs.field(validator=_minimum)
    skus: frozenset[SkuCode] = attrs.field(default=frozenset(), converter=_any_skus)

    @functools.cached_property
    def _texts(self) -> tuple[str, str]:
        return _lines_of(self.skus), str(self.minimum)

    def check(self, purchase: Purchase, catalog: Catalog) -> Match:
        lines, minimum = self._texts
        if purchase.currency != self.minimum.currency:
            return Match(0, f"below threshold: the order is in {purchase.currency}, the threshold is {minimum}")
        paid = purchase.paid(self.skus)
        if paid.minor >= self.minimum.minor:
            return Match(1, f"{lines} paid {paid} ≥ {minimum}")
        return Match(0, f"below threshold: {lines} paid {paid}, needs {minimum}")


@attrs.frozen
class QuantityTier:
    """满件赠: the buyer bought at least ``min_units`` units of the non-gift lines (of ``skus`` only, when
    given). Applies once.

    Attributes:
        min_units: the threshold, at least 1.
        skus: count only the units of these SKUs; all units when empty.
    """

    min_units: int = attrs.field(validator=positive)
    skus: frozenset[SkuCode] = attrs.field(default=frozenset(), converter=_any_skus)

    @functools.cached_property
    def _lines(self) -> str:
        return _lines_of(self.skus)

    def check(self, purchase: Purchase, catalog: Catalog) -> Match:
        units = purchase.units(self.skus)
        if units >= self.min_units:
            return Match(1, f"{plural(units, 'unit')} of {self._lines} ≥ {self.min_units}")
        return Match(0, f"below threshold: {plural(units, 'unit')} of {self._lines}, needs {self.min_units}")


@attrs.frozen
class SkuPurchase:
    """买 A 赠 B: the order contains one of ``skus`` — at least ``min_units`` units of them together. Applies once.

    Attributes:
        skus: the SKUs that earn the gift; at least one.
        min_units: the units of those SKUs needed, at least 1.
    """

    skus: frozenset[SkuCode] = attrs.field(converter=_some_skus)
    min_units: int = attrs.field(default=1, validator=positive)

    @functools.cached_property
    def _none_bought(self) -> tuple[str, Match]:
        listed = ", ".join(sorted(self.skus))
        return listed, Match(0, f"below threshold: none of {listed} bought")

    def check(self, purchase: Purchase, catalog: Catalog) -> Match:
        units = purchase.units(self.skus)
        listed, none_bought = self._none_bought
        if units >= self.min_units:
            return Match(1, f"bought {plural(units, 'unit')} of {listed}")
        if units == 0:
            return none_bought
        return Match(0, f"below threshold: {plural(units, 'unit')} of {listed}, needs {self.min_units}")


@attrs.frozen
class BuyNGetM:
    """买 N 赠 M (指定商品倍送): every ``n`` units bought of ``skus`` apply the rule once more; the rule's gifts
    are the M units given each time (of the same SKU or another one).

    Attributes:
        skus: the SKUs whose units count (together); at least one.
        n: the units bought per application, at least 1.
    """

    skus: frozenset[SkuCode] = attrs.field(converter=_some_skus)
    n: int = attrs.field(validator=positive)

    @functools.cached_property
    def _listed(self) -> str:
        return ", ".join(sorted(self.skus))

    def check(self, purchase: Purchase, catalog: Catalog) -> Match:
        units = purchase.units(self.skus)
        times = units // self.n
        if times:
            return Match(times, f"bought {plural(units, 'unit')} of {self._listed}: one per {self.n}")
        return Match(0, f"below threshold: {plural(units, 'unit')} of {self._listed}, needs {self.n}")


def _keywords(values: Iterable[str]) -> tuple[str, ...]:
    keywords = entries("keywords", values)
    if not keywords:
        raise InvalidConfiguration("keywords", keywords, "must name at least one keyword")
    for index, keyword in enumerate(keywords):
        if not normalise_text(non_blank(f"keywords.{index}", keyword)):
            raise InvalidConfiguration(f"keywords.{index}", keyword, "must be a non-blank string")
    return keywords


@attrs.frozen
class MemoKeyword:
    """卖家备注指定赠品: customer service promised a gift in a memo — one of ``keywords`` appears in the buyer or
    seller memo, with width, case and spaces folded on both sides
    (:func:`~omscore.domain.address.normalise_text`). Applies once.

    Attributes:
        keywords: the words or phrases, found anywhere in a memo; at least one.
        buyer: look in the buyer memo too; off by default, as a buyer could write the keyword themselves.
        seller: look in the seller memo, where customer service notes what it promised.
    """

    keywords: tuple[str, ...] = attrs.field(converter=_keywords)
    buyer: bool = False
    seller: bool = True

    def __attrs_post_init__(self) -> None:
        if not self.buyer and not self.seller:
            raise InvalidConfiguration("seller", self.seller, "look in the buyer memo, the seller memo or both")

    @functools.cached_property
    def _keys(self) -> tuple[tuple[str, str], ...]:
        return tuple((keyword, normalise_text(keyword)) for keyword in self.keywords)

    @functools.cached_property
    def _not_met(self) -> Match:
        memos = " and ".join(label for label, enabled in (("buyer", self.buyer), ("seller", self.seller)) if enabled)
        return Match(0, f"not met: no {memos} memo mentions {', '.join(sorted(set(self.keywords)))}")

    def check(self, purchase: Purchase, catalog: Catalog) -> Match:
        if not (self.buyer and purchase.buyer_memo) and not (self.seller and purchase.seller_memo):
            return self._not_met
        found = []
        for label, enabled, memo in (
            ("buyer", self.buyer, purchase.buyer_memo),
            ("seller", self.seller, purchase.seller_memo),
        ):
            text = normalise_text(memo) if enabled else ""
            hits = sorted({keyword for keyword, key in self._keys if key in text})
            if hits:
                found.append(f"{label} memo mentions {', '.join(hits)}")
        if found:
            return Match(1, "; ".join(found))
        return self._not_met
