"""Gift activities (赠品活动): an order's claim on an activity's limited stock of gifts.

A merchant's activity ("spend ≥ 199 CNY, get a tea cup; 100 cups in all, 1 per buyer") hands out at most
``quota`` units over every order, and at most ``per_buyer`` units to one buyer. Whether an order qualifies is a
policy's decision; a :class:`GiftClaim` is what that decision asks the quota store to count, all or nothing.
``None`` for a limit means the activity sets none.
"""

from __future__ import annotations

from typing import Any

import attrs

from omscore.domain.errors import InvalidQuantity
from omscore.domain.identity import check_id


def check_gift_id(field: str, value: Any) -> str:
    """Return ``value`` when it is a non-blank string.

    Args:
        field: the name the error gives (``activity``, ``order_key``, ``buyer``).
        value: the value to check.

    Raises:
        InvalidInput: ``value`` is not a string, or is blank.
    """
    return check_id(field, value)


def _non_blank(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_gift_id(attribute.name, value)


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 1:
        raise InvalidQuantity(attribute.name, value, "must be a positive integer")


def _limit(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidQuantity(attribute.name, value, "must be a non-negative integer, or None for no limit")


@attrs.frozen
class GiftClaim:
    """``units`` of activity ``activity``'s gift for order ``order_key`` of ``buyer``, within the limits.

    The limits travel with the claim (they come from the merchant's configuration, which may change while an
    activity runs); the store counts what was taken and takes the claim only if, with it, the activity stays
    within ``quota`` and the buyer within ``per_buyer``.

    Attributes:
        activity: the activity's id, unique within the tenant.
        order_key: the order the gift goes to; one claim per (activity, order).
        buyer: who the per-buyer limit counts against (the platform's buyer id).
        units: gift units the order gets (≥ 1).
        quota: the most units the activity gives over all orders (≥ 0), or ``None`` for no limit.
        per_buyer: the most units one buyer gets in the activity (≥ 0), or ``None`` for no limit.

    Raises:
        InvalidInput: a blank id (the field is named).
        InvalidQuantity: ``units`` below 1, or a negative limit (the field is named).
    """

    activity: str = attrs.field(validator=_non_blank)
    order_key: str = attrs.field(validator=_non_blank)
    buyer: str = attrs.field(validator=_non_blank)
    units: int = attrs.field(validator=_positive)
    quota: int | None = attrs.field(validator=_limit)
    per_buyer: int | None = attrs.field(validator=_limit)
