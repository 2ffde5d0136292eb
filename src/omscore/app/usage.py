"""Parcels handed to each carrier today, per location: what daily quotas and carrier shares count against."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date

from omscore.domain.identity import CarrierId, LocationId
from omscore.ports.clock import Clock


class CarrierUsage:
    """Counts of shipments planned per (day, location, carrier) in this process.

    The counts start empty when the process starts, so quotas and shares are exact for one worker and
    approximate across several (each worker counts its own parcels). Thread-safe.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._day: date | None = None
        self._counts: dict[LocationId, dict[CarrierId, int]] = {}

    def _roll(self) -> None:
        today = self._clock.now().date()
        if today != self._day:
            self._day = today
            self._counts = {}

    def today_at(self, location: LocationId) -> Mapping[CarrierId, int]:
        """Parcels per carrier planned today at ``location`` (a copy)."""
        with self._lock:
            self._roll()
            return dict(self._counts.get(location, {}))

    def record(self, location: LocationId, carrier: CarrierId) -> None:
        """Count one more parcel for ``carrier`` at ``location`` today."""
        with self._lock:
            self._roll()
            per_carrier = self._counts.setdefault(location, {})
            per_carrier[carrier] = per_carrier.get(carrier, 0) + 1
