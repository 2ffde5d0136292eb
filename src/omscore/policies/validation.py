"""Checks that settings shared across decisions run on their fields."""

from __future__ import annotations

from typing import Any

import attrs

from omscore.domain.errors import InvalidConfiguration


def not_negative(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """attrs validator: ``value`` is ``None`` or at least zero."""
    if value is not None and value < 0:
        raise InvalidConfiguration(attribute.name, value, "must not be negative")
