"""The small values that orders, shipments, the catalog and the network share, as JSON-ready data and back.

Money, channels, platform order refs, geo points, timezone-aware datetimes (with their zone and fold), dates
and enums.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from omscore.adapters.records.format import Record
from omscore.domain.address import GeoPoint
from omscore.domain.identity import Channel, ExternalOrderRef
from omscore.domain.money import Money

_T = TypeVar("_T")
_E = TypeVar("_E", bound=enum.Enum)


def _money(value: Money) -> Record:
    return {"minor": value.minor, "currency": value.currency}


def _money_from(data: Mapping[str, Any]) -> Money:
    return Money(data["minor"], data["currency"])


def _optional(value: _T | None, encode: Callable[[_T], Any]) -> Any:
    return None if value is None else encode(value)


def _channel(value: Channel) -> Record:
    return {"platform": value.platform, "shop": value.shop}


def _channel_from(data: Mapping[str, Any]) -> Channel:
    return Channel(data["platform"], data["shop"])


def _ref(value: ExternalOrderRef) -> Record:
    return {"platform": value.channel.platform, "shop": value.channel.shop, "external_id": value.external_id}


def _ref_from(data: Mapping[str, Any]) -> ExternalOrderRef:
    return ExternalOrderRef(Channel(data["platform"], data["shop"]), data["external_id"])


def _geo(value: GeoPoint) -> Record:
    return {"lat": value.lat, "lon": value.lon}


def _geo_from(data: Mapping[str, Any]) -> GeoPoint:
    return GeoPoint(data["lat"], data["lon"])


def _datetime(value: datetime) -> Record:
    """ISO 8601 text with its offset, plus ``fold`` and, for a :class:`ZoneInfo`, the zone's name.

    With the zone and fold the exact wall time comes back, even a wall time that a clock change made ambiguous
    or skipped; without them (a fixed offset) the offset in the text is the whole story.
    """
    zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
    return {"at": value.isoformat(), "zone": zone, "fold": value.fold}


def _datetime_from(data: Mapping[str, Any]) -> datetime:
    value = datetime.fromisoformat(data["at"])
    zone = data["zone"]
    if zone is not None:
        # When the zone is unknown on this machine the instant and offset in the text are still exact.
        with contextlib.suppress(ZoneInfoNotFoundError):
            value = value.replace(tzinfo=ZoneInfo(zone))
    return value.replace(fold=data.get("fold", 0))


def _date_from(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _enum(kind: type[_E], value: Any) -> _E:
    return kind(value)
