"""The checks that gift settings run on their fields, each naming the field it refuses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import SkuCode


def entries(field: str, values: Iterable[Any]) -> tuple[Any, ...]:
    """``values`` as a tuple; one string is refused, as it would otherwise be read as a list of characters."""
    if isinstance(values, str | bytes):
        raise InvalidConfiguration(field, values, "give a list, not one string")
    try:
        return tuple(values)
    except TypeError:
        raise InvalidConfiguration(field, values, "give a list") from None


def non_blank(field: str, value: object) -> str:
    """``value`` when it is a string with something besides spaces."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidConfiguration(field, value, "must be a non-blank string")
    return value


def sku_set(field: str, values: Iterable[str], *, required: bool) -> frozenset[SkuCode]:
    """A set of SKU codes, each non-blank; ``required``: at least one."""
    codes = entries(field, values)
    if required and not codes:
        raise InvalidConfiguration(field, codes, "must name at least one SKU")
    for index, code in enumerate(codes):
        non_blank(f"{field}.{index}", code)
    return frozenset(SkuCode(code) for code in codes)


def whole(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a whole number (an ``int``, not a ``bool``)."""
    if type(value) is not int:
        raise InvalidConfiguration(attribute.name, value, "must be a whole number")


def positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a whole number of at least one."""
    if type(value) is not int or value < 1:
        raise InvalidConfiguration(attribute.name, value, "must be a positive whole number")


def positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: ``None`` or a whole number of at least one."""
    if value is not None:
        positive(instance, attribute, value)


def not_negative_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: ``None`` or a whole number of at least zero."""
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative whole number or null")


def aware_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: ``None`` or a timezone-aware datetime."""
    if value is None:
        return
    if not isinstance(value, datetime):
        raise InvalidConfiguration(attribute.name, value, "must be a datetime")
    if value.utcoffset() is None:
        raise InvalidConfiguration(attribute.name, value, "must be timezone-aware")


def moment(value: datetime) -> str:
    """A datetime as explanations show it: ``2024-11-11 00:00:00+08:00``."""
    return value.isoformat(sep=" ", timespec="seconds")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
