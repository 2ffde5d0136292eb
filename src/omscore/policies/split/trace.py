"""What a split decides and how it got there: the parcels, and a trace per location."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from omscore.domain.identity import LocationId
from omscore.policies.explain import Explanation
from omscore.policies.split.drafts import ShipmentDraft
from omscore.policies.split.settings import (
    PresaleMode,
)


@attrs.frozen
class PlannedShipment:
    """One parcel of the split.

    Attributes:
        draft: the parcel as a shipment draft (location, lines with apportioned amounts, fee share).
        ship_after: the earliest date it may ship (its latest presale date), or ``None`` for now.
        reason: ``"ship_alone"`` or ``"over_limit"`` when a tag or a limit made one item travel alone.
    """

    draft: ShipmentDraft
    ship_after: date | None = None
    reason: str | None = None


@attrs.frozen
class LocationSplit:
    """How the units one location ships were split.

    Attributes:
        location: the location.
        presale: what happened to presale units (``"none"``, ``"split"``, ``"together"``), with why in ``notes``.
        parcels: parcels of the location.
        packing: one summary per packing search (``"7 item(s) in 2 parcel(s) (optimal)"``).
        notes: everything else worth knowing (kits, minimum values, undone splits).
    """

    location: LocationId
    presale: str
    parcels: int
    packing: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        parts = [f"{self.location}: {self.parcels} parcel(s), presale {self.presale}"]
        parts.extend(self.packing)
        parts.extend(self.notes)
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "presale": self.presale,
            "parcels": self.parcels,
            "packing": list(self.packing),
            "notes": list(self.notes),
        }


@attrs.frozen
class SplitTrace:
    """How an order was split: per location, and the problems found."""

    mode: PresaleMode
    locations: tuple[LocationSplit, ...]
    problems: tuple[str, ...]

    @property
    def parcels(self) -> int:
        return sum(location.parcels for location in self.locations)

    def summary(self) -> str:
        where = len(self.locations)
        text = f"{self.parcels} parcel(s) from {where} location(s)"
        return f"{text}; {'; '.join(self.problems)}" if self.problems else text

    def steps(self) -> tuple[str, ...]:
        return (f"presale mode {self.mode.value}", *(loc.text() for loc in self.locations), *self.problems)

    def text(self) -> str:
        """A readable, multi-line rendering."""
        return self.explanation().text()

    def explanation(self) -> Explanation:
        return Explanation("split", self.summary(), self.steps())

    def as_dict(self) -> dict[str, Any]:
        """The trace as plain data (JSON-ready)."""
        return {
            "mode": self.mode.value,
            "locations": [loc.as_dict() for loc in self.locations],
            "problems": list(self.problems),
            "parcels": self.parcels,
        }


@attrs.frozen
class SplitDecision:
    """The parcels of an order and the trace.

    Attributes:
        shipments: the parcels, sorted by location, then in-stock before presale (by date), then packing order.
        problems: what the split could not honour (the maximum number of packages); empty when all is well.
        trace: how the split was reached.
    """

    shipments: tuple[PlannedShipment, ...]
    problems: tuple[str, ...]
    trace: SplitTrace

    @property
    def drafts(self) -> tuple[ShipmentDraft, ...]:
        return tuple(s.draft for s in self.shipments)

    @property
    def ok(self) -> bool:
        """Whether every split rule was honoured."""
        return not self.problems
