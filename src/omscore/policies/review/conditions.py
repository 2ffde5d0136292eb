"""审单 conditions on the order as a whole: its total, its units, its discount, the buyer, the recipient, the
region it goes to and its memos.

Each is a configurable :class:`~omscore.policies.review.ReviewRule`: it passes the orders it does not match and
gives the ones it matches the verdict its ``then`` names (hold for a person, hold as a risk, or approve at once).
The conditions on single lines are in :mod:`~omscore.policies.review.line_conditions`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from typing import Any

import attrs

from omscore.domain.address import normalise_phone, normalise_text
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.money import Money
from omscore.domain.order import Order
from omscore.policies.review.port import Then, Verdict

_THEN_VALUES = ", ".join(then.value for then in Then)


def _then(value: Then | str) -> Then:
    """attrs converter: a :class:`Then`, or its value such as ``"risk"``."""
    try:
        return Then(value)
    except ValueError:
        raise InvalidConfiguration("then", value, f"must be one of {_THEN_VALUES}") from None


def _text_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _entries(field: str, values: Collection[Any]) -> Iterable[tuple[str, Any]]:
    """Each entry with the field that names it: ``keywords.0`` in a tuple, the field itself in a set (sorted, so
    the entry reported is always the same)."""
    if isinstance(values, tuple):
        return ((f"{field}.{index}", entry) for index, entry in enumerate(values))
    return ((field, entry) for entry in sorted(values, key=repr))


def _not_empty(instance: object, attribute: attrs.Attribute[Any], value: Collection[str]) -> None:
    if not value:
        raise InvalidConfiguration(attribute.name, value, "must name at least one entry")


def _non_blank_entries(instance: object, attribute: attrs.Attribute[Any], value: Collection[str]) -> None:
    for field, entry in _entries(attribute.name, value):
        if not isinstance(entry, str) or not normalise_text(entry):
            raise InvalidConfiguration(field, entry, "must be a non-blank string")


#: attrs validators of a list that names at least one entry, none of them blank.
_listed = attrs.validators.and_(_not_empty, _non_blank_entries)


def _bound(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative integer or null")


def _check_range(low_field: str, low: int | None, high_field: str, high: int | None) -> None:
    if low is None and high is None:
        raise InvalidConfiguration(low_field, None, f"give {low_field}, {high_field} or both")
    if low is not None and high is not None and low > high:
        raise InvalidConfiguration(low_field, low, f"must not be above {high_field} ({high})")


def _percent(low: int, high: int) -> Callable[[object, attrs.Attribute[Any], int], None]:
    """An attrs validator: a whole percentage from ``low`` to ``high``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
        if type(value) is not int or not low <= value <= high:
            raise InvalidConfiguration(attribute.name, value, f"must be a whole percentage from {low} to {high}")

    return check


def _figure(minor: int, currency: str) -> str:
    """An amount of ``currency`` without its code: ``500000`` CNY → ``'5000.00'``."""
    return str(Money(minor, currency)).removesuffix(f" {currency}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@attrs.frozen
class AmountRange:
    """Match orders whose total (lines plus shipping fee) lies outside a range, e.g. unusually large orders.

    Attributes:
        min_minor: match totals below this (minor units); ``None``: no lower bound.
        max_minor: match totals above this (minor units); ``None``: no upper bound.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    min_minor: int | None = attrs.field(default=None, validator=_bound)
    max_minor: int | None = attrs.field(default=None, validator=_bound)
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "amount"

    def __attrs_post_init__(self) -> None:
        _check_range("min_minor", self.min_minor, "max_minor", self.max_minor)

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        minor = sum(line.amount.minor for line in order.lines) + order.shipping_fee.minor
        if (self.min_minor is None or minor >= self.min_minor) and (self.max_minor is None or minor <= self.max_minor):
            return None
        total = order.total
        if self.min_minor is not None and total.minor < self.min_minor:
            return self.then.verdict(self.name, f"total {total} is below {_figure(self.min_minor, total.currency)}")
        if self.max_minor is not None and total.minor > self.max_minor:
            return self.then.verdict(self.name, f"total {total} is above {_figure(self.max_minor, total.currency)}")
        return None


@attrs.frozen
class QuantityRange:
    """Match orders whose units (the sum of the line quantities) lie outside a range, e.g. bulk buying.

    Attributes:
        min_units: match orders of fewer units; ``None``: no lower bound.
        max_units: match orders of more units; ``None``: no upper bound.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    min_units: int | None = attrs.field(default=None, validator=_bound)
    max_units: int | None = attrs.field(default=None, validator=_bound)
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "quantity"

    def __attrs_post_init__(self) -> None:
        _check_range("min_units", self.min_units, "max_units", self.max_units)

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        units = order.units
        if self.min_units is not None and units < self.min_units:
            return self.then.verdict(self.name, f"total {_plural(units, 'unit')} is below {self.min_units}")
        if self.max_units is not None and units > self.max_units:
            return self.then.verdict(self.name, f"total {_plural(units, 'unit')} is above {self.max_units}")
        return None


@attrs.frozen
class DiscountCeiling:
    """Match orders discounted by more than a share of their value before discounts (a pricing mistake, or a
    coupon abused). An order with no value before discounts passes.

    Attributes:
        percent: the largest discount that passes, as a whole percentage of the gross total (0 to 100).
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    percent: int = attrs.field(validator=_percent(0, 100))
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "discount_ceiling"

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        gross = discount = 0
        for line in order.lines:
            line_gross = line.gross_amount.minor
            gross += line_gross
            discount += line.discount.minor if line.discount is not None else line_gross - line.amount.minor
        if gross > 0 and discount * 100 > self.percent * gross:
            return self.then.verdict(
                self.name, f"discount {order.discount_total} on gross {order.gross_total} is above {self.percent}%"
            )
        return None


@attrs.frozen
class BuyerList:
    """Match orders of the listed buyers (platform buyer ids): a block list with ``then=risk``, an allow list
    with ``then=approve``.

    Attributes:
        buyers: the buyer ids, compared exactly.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    buyers: frozenset[str] = attrs.field(converter=_text_set, validator=_listed)
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "buyer_list"

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        if order.buyer_id in self.buyers:
            return self.then.verdict(self.name, f"buyer {order.buyer_id} is on the list")
        return None


def _phones_with_digits(instance: object, attribute: attrs.Attribute[Any], value: Collection[str]) -> None:
    for field, entry in _entries(attribute.name, value):
        if not isinstance(entry, str) or not normalise_phone(entry):
            raise InvalidConfiguration(field, entry, "a phone number needs digits")


@attrs.frozen
class RecipientList:
    """Match orders to a listed recipient phone or name (a known fraudster, a reseller, a VIP), whatever the
    spelling: phones are compared by their digits, names with width, case and spaces folded.

    Attributes:
        phones: the phone numbers (``+86 138-0013-8000`` equals ``13800138000``).
        names: the recipient names.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    phones: frozenset[str] = attrs.field(default=frozenset(), converter=_text_set, validator=_phones_with_digits)
    names: frozenset[str] = attrs.field(default=frozenset(), converter=_text_set, validator=_non_blank_entries)
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "recipient_list"

    def __attrs_post_init__(self) -> None:
        if not self.phones and not self.names:
            raise InvalidConfiguration("phones", self.phones, "give at least one phone or name")

    @functools.cached_property
    def _phone_keys(self) -> frozenset[str]:
        return frozenset(normalise_phone(phone) for phone in self.phones)

    @functools.cached_property
    def _name_keys(self) -> frozenset[str]:
        return frozenset(normalise_text(name) for name in self.names)

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        recipient = order.recipient
        found = [
            label
            for label, listed in (
                ("phone", normalise_phone(recipient.phone) in self._phone_keys),
                ("name", normalise_text(recipient.name) in self._name_keys),
            )
            if listed
        ]
        if found:
            verb = "is" if len(found) == 1 else "are"
            return self.then.verdict(self.name, f"recipient {' and '.join(found)} {verb} on the list")
        return None


def _region_codes(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for field, entry in _entries(attribute.name, value):
        if not isinstance(entry, str) or not any(normalise_text(part) for part in entry.split("/")):
            raise InvalidConfiguration(field, entry, "a region code needs at least one part, e.g. CN/Xinjiang")


@attrs.frozen
class RegionList:
    """Match orders to the listed regions (remote areas, regions with many refusals), each covering its
    sub-regions, compared as carriers and locations compare region codes.

    Attributes:
        regions: region codes from the country down, parts separated by ``/``: ``CN/Xinjiang``,
            ``CN/Zhejiang/Hangzhou``.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    regions: tuple[str, ...] = attrs.field(converter=_texts, validator=attrs.validators.and_(_not_empty, _region_codes))
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "region_list"

    @functools.cached_property
    def _parts(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each region with its normalised parts, as :func:`~omscore.domain.address.region_matches` splits it."""
        return tuple(
            (region, tuple(normalise_text(part) for part in region.split("/") if part.strip()))
            for region in self.regions
        )

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        path = order.recipient.address.region_path()
        if not any(len(parts) <= len(path) and path[: len(parts)] == parts for _, parts in self._parts):
            return None
        matched = sorted(
            {region for region, parts in self._parts if len(parts) <= len(path) and path[: len(parts)] == parts}
        )
        if matched:
            return self.then.verdict(self.name, f"recipient region {'/'.join(path)} is in {', '.join(matched)}")
        return None


@attrs.frozen
class MemoKeywords:
    """Match orders whose buyer or seller memo mentions one of the keywords (加急, 改地址, 发票 …), with width,
    case and spaces folded on both sides.

    Attributes:
        keywords: the words or phrases, found anywhere in a memo.
        buyer: look in the buyer memo.
        seller: look in the seller memo.
        then: what to do with a matched order.
        name: the rule's name in holds and explanations.
    """

    keywords: tuple[str, ...] = attrs.field(converter=_texts, validator=_listed)
    buyer: bool = True
    seller: bool = True
    then: Then = attrs.field(default=Then.MANUAL, converter=_then)
    name: str = "memo_keywords"

    def __attrs_post_init__(self) -> None:
        if not self.buyer and not self.seller:
            raise InvalidConfiguration("buyer", self.buyer, "look in the buyer memo, the seller memo or both")

    @functools.cached_property
    def _keys(self) -> tuple[tuple[str, str], ...]:
        return tuple((keyword, normalise_text(keyword)) for keyword in self.keywords)

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        if not (self.buyer and order.buyer_memo) and not (self.seller and order.seller_memo):
            return None
        found = []
        for label, enabled, memo in (
            ("buyer", self.buyer, order.buyer_memo),
            ("seller", self.seller, order.seller_memo),
        ):
            text = normalise_text(memo) if enabled else ""
            hits = sorted({keyword for keyword, key in self._keys if key in text})
            if hits:
                found.append(f"{label} memo mentions {', '.join(hits)}")
        if found:
            return self.then.verdict(self.name, "; ".join(found))
        return None
