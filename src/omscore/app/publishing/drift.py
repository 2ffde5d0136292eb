"""Where the shops and omscore's books disagree: a listing showing more or less than omscore expects (drift), and
an order that arrived for stock that was not there."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from omscore.app.publishing.book import ListingKey, _Listing
from omscore.domain.identity import Channel, ExternalOrderRef, SkuCode
from omscore.policies.sharing import poisson_quantile


@attrs.frozen
class Drift:
    """A listing whose shown quantity differs from what omscore expects.

    ``over`` drift (the shop shows more than omscore allows) can oversell:
    :meth:`~omscore.app.publishing.PublishingEngine.reset` it. ``under`` drift beyond the sales that may be in
    flight means sales are missing from omscore.
    """

    channel: Channel
    listing_id: str
    expected: int
    reported: int
    kind: str


@attrs.frozen
class OversoldOrder:
    """An order that arrived for stock that was not there."""

    ref: ExternalOrderRef
    channel: Channel
    listing_id: str
    sku: SkuCode
    units_short: int
    placed_at: datetime
    seen_at: datetime


def find_drift(
    listings: Mapping[ListingKey, _Listing], channel: Channel, reported: Mapping[str, int], risk: float
) -> list[Drift]:
    """The listings of ``channel`` whose ``reported`` quantity is over what the book expects, or under it by more
    than the sales that may be in flight (bounded at ``1 − risk`` confidence), in listing id order."""
    found: list[Drift] = []
    for listing_id, shown in sorted(reported.items()):
        listing = listings.get((channel, listing_id))
        if listing is None or listing.published is None:
            continue
        expected = listing.shown()
        in_flight = poisson_quantile(listing.velocity * listing.lag.total_seconds() / 3600.0, risk or 1e-3)
        if shown > expected:
            found.append(Drift(channel, listing_id, expected, shown, "over"))
        elif shown < expected - in_flight:
            found.append(Drift(channel, listing_id, expected, shown, "under"))
    return found
