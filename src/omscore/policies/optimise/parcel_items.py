"""What parcel packing works on: the items to pack and the limits a parcel must keep."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LineId


def _non_blank(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(attribute.name, value, "must be a non-blank string")


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise InvalidQuantity(attribute.name, value, "must be a non-negative integer")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(attribute.name, value, "must be a positive integer")


def _positive_or_none(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (type(value) is not int or value <= 0):
        raise InvalidQuantity(attribute.name, value, "must be a positive integer or None")


def _tag_set(tags: Iterable[str]) -> frozenset[str]:
    return frozenset(tags)


def _tag_pairs(pairs: Iterable[Iterable[str]]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(pair) for pair in pairs)


@attrs.frozen
class ParcelItem:
    """Something that goes into one parcel whole: ``units`` units of order line ``line``.

    Attributes:
        id: unique within the order, e.g. ``"L1#2"`` for the second unit of line ``L1``.
        line: the order line the units belong to.
        weight_g: weight of the whole item, in grams.
        volume_cm3: volume of the whole item, in cubic centimetres.
        units: units of the line in the item.
        tags: handling tags (``ship_alone``, ``cold_chain`` …).
    """

    id: str = attrs.field(validator=_non_blank)
    line: LineId = attrs.field(validator=_non_blank)
    weight_g: int = attrs.field(validator=_non_negative)
    volume_cm3: int = attrs.field(validator=_non_negative)
    units: int = attrs.field(default=1, validator=_positive)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tag_set)


@attrs.frozen
class ParcelLimits:
    """What one parcel may hold.

    Attributes:
        max_weight_g: heaviest parcel allowed, or ``None`` for no limit.
        max_volume_cm3: largest parcel volume allowed, or ``None`` for no limit.
        segregate: tags that split items into classes: two items share a parcel only if they carry the same
            subset of these tags. The default keeps cold-chain items away from ambient ones.
        incompatible: pairs of tags that never share a parcel (e.g. ``{"battery", "liquid"}``).
        alone: tags whose items each ship in a parcel of their own.
    """

    max_weight_g: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_volume_cm3: int | None = attrs.field(default=None, validator=_positive_or_none)
    segregate: frozenset[str] = attrs.field(default=frozenset({"cold_chain"}), converter=_tag_set)
    incompatible: frozenset[frozenset[str]] = attrs.field(default=frozenset(), converter=_tag_pairs)
    alone: frozenset[str] = attrs.field(default=frozenset({"ship_alone"}), converter=_tag_set)

    def __attrs_post_init__(self) -> None:
        for pair in self.incompatible:
            if len(pair) != 2:
                raise InvalidInput("incompatible", sorted(pair), "each entry must name two different tags")
