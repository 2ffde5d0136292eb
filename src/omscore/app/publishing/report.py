"""What the engine says about a SKU: each listing's publishing state, and ``omscore stock SKU`` — the pool per
location, every listing's share and why."""

from __future__ import annotations

from datetime import datetime

import attrs

from omscore.app.publishing.book import _Listing
from omscore.app.publishing.settings import PublishMode
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.policies.sharing import AvailabilityModel, LocationStock, ShareDecision


@attrs.frozen
class ListingState:
    """A listing's publishing state, for explanations and summaries.

    Attributes:
        desired: what the sharing policy allows now.
        shown: what omscore expects the shop to show (before sales it has not heard of).
        entitlement, known_sales: the entitlement bookkeeping (entitlement mode).
        exposed: units taken back whose fate omscore does not know yet.
    """

    channel: Channel
    listing_id: str
    mode: PublishMode
    desired: int
    shown: int
    entitlement: int
    known_sales: int
    exposed: int


@attrs.frozen
class StockReport:
    """``omscore stock SKU``: the pool, every listing's share and why, and the publishing state."""

    sku: SkuCode
    locations: tuple[tuple[LocationId, str, int], ...]
    open_units: int
    decisions: tuple[ShareDecision, ...]
    listings: tuple[ListingState, ...]

    def text(self) -> str:
        lines = [f"SKU {self.sku}"]
        for location, basis, units in self.locations:
            lines.append(f"  {location}: {units} ({basis})")
        if self.open_units:
            lines.append(f"  orders not yet reserved: -{self.open_units}")
        for decision in self.decisions:
            lines.append(decision.explanation().text())
        for state in self.listings:
            lines.append(
                f"  {state.channel}/{state.listing_id} [{state.mode}]: desired {state.desired}, shown {state.shown}"
                + (
                    f", entitlement {state.entitlement} - known sales {state.known_sales}, exposed {state.exposed}"
                    if state.mode is PublishMode.ENTITLEMENT
                    else ""
                )
            )
        return "\n".join(lines)


def state_of(listing: _Listing, now: datetime, risk: float) -> ListingState:
    """The listing's publishing state at ``now`` (its exposure counted at ``risk``)."""
    return ListingState(
        listing.channel,
        listing.listing_id,
        listing.mode,
        listing.desired,
        listing.shown(),
        listing.cap,
        listing.known,
        listing.exposure(now, risk) if listing.mode is PublishMode.ENTITLEMENT else 0,
    )


def counted_locations(
    stocks: list[LocationStock], availability: AvailabilityModel
) -> tuple[tuple[LocationId, str, int], ...]:
    """Each location of ``stocks`` with the quantity that counts there and what it is (on hand, available …)."""
    return tuple(
        (
            s.location,
            availability.counts.get(s.location, availability.default).value,
            availability.quantity(s),
        )
        for s in stocks
    )
