"""Expected stock (预计到货): goods on their way to a location, which orders may be promised before they arrive.

A purchase order (采购单) or an inbound shipment notice (到货通知, ASN) announces ``quantity`` units of a SKU
for a location on a date. Until the goods arrive, an order that cannot be served from stock on hand may be
promised units of such a receipt, never more in all than the receipt brings. When the goods arrive they become
stock on hand and the promises made from the receipt end (the orders holding them are then served from stock).
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

import attrs

from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode, check_id


class InboundKind(enum.StrEnum):
    """What announced the expected stock."""

    PO = "po"
    """A purchase order to a supplier (采购单): goods ordered, date as the supplier promised."""
    ASN = "asn"
    """An advance shipping notice (到货通知): goods already on their way, usually with a firmer date."""


def check_units(field: str, value: Any) -> int:
    """Return ``value`` when it is a positive integer (``bool`` is not one).

    Args:
        field: the name the error gives (``quantity``, ``units``).
        value: the value to check.

    Raises:
        InvalidQuantity: ``value`` is not an integer, or is below 1.
    """
    if type(value) is not int or value < 1:
        raise InvalidQuantity(field, value, "must be a positive integer")
    return value


def _non_blank(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    check_id(attribute.name, value)


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    check_units(attribute.name, value)


def _date(instance: object, attribute: attrs.Attribute[datetime.date], value: datetime.date) -> None:
    # A datetime is a date too, but its time of day and zone would make "due on" ambiguous.
    if type(value) is not datetime.date:
        raise InvalidInput(attribute.name, value, "must be a datetime.date (not a datetime)")


def _kind(value: InboundKind | str) -> InboundKind:
    try:
        return InboundKind(value)
    except (ValueError, TypeError):
        raise InvalidInput("kind", value, f"must be one of {', '.join(InboundKind)}") from None


@attrs.frozen
class ExpectedReceipt:
    """``quantity`` units of ``sku`` expected at ``location`` on ``expected_on``, announced by a PO or an ASN.

    Attributes:
        id: the receipt's id, unique within the tenant (the PO or ASN number, with its line when it has several).
        location: where the goods arrive.
        sku: what arrives.
        quantity: units expected (≥ 1); promises from the receipt never exceed it.
        expected_on: the day the goods are due.
        kind: a purchase order or an advance shipping notice; a plain string ``"po"`` / ``"asn"`` is accepted.

    Raises:
        InvalidInput: a blank id, location or SKU, an ``expected_on`` that is not a date, or an unknown kind
            (the field is named).
        InvalidQuantity: ``quantity`` is not a positive integer.
    """

    id: str = attrs.field(validator=_non_blank)
    location: LocationId = attrs.field(validator=_non_blank)
    sku: SkuCode = attrs.field(validator=_non_blank)
    quantity: int = attrs.field(validator=_positive)
    expected_on: datetime.date = attrs.field(validator=_date)
    kind: InboundKind = attrs.field(default=InboundKind.ASN, converter=_kind)


def check_update(receipt: ExpectedReceipt, location: str, sku: str, promised: int) -> None:
    """Refuse ``receipt`` as the new version of a stored receipt of the same id that it may not replace.

    A receipt keeps its location and SKU for life (a promise made from it means those goods at that place), and
    its quantity never drops below what is promised from it.

    Args:
        receipt: the new version.
        location: the stored receipt's location.
        sku: the stored receipt's SKU.
        promised: units promised from the stored receipt now.

    Raises:
        InvalidInput: another location (field ``location``) or SKU (field ``sku``).
        InvalidQuantity: ``receipt.quantity`` is below ``promised`` (field ``quantity``).
    """
    if receipt.location != location:
        raise InvalidInput("location", receipt.location, f"receipt {receipt.id!r} is expected at {location!r}")
    if receipt.sku != sku:
        raise InvalidInput("sku", receipt.sku, f"receipt {receipt.id!r} is expected for SKU {sku!r}")
    if receipt.quantity < promised:
        raise InvalidQuantity(
            "quantity", receipt.quantity, f"receipt {receipt.id!r} has {promised} units promised already"
        )
