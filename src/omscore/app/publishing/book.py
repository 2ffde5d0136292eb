"""The entitlement book: per listing, what omscore last published and what the listing is entitled to sell, the
take-backs whose fate is not known yet, and the sales by time that settle them."""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta

import attrs

from omscore.app.publishing.settings import PublishMode
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.sharing import poisson_quantile

ListingKey = tuple[Channel, str]
"""A listing: (shop, listing id)."""


@attrs.define
class _Pending:
    """A take-back (``set_known`` is None) or a first absolute publish (``set_known``: known sales then)."""

    at: datetime
    amount: int
    cap_after: int
    set_known: int | None = None


@attrs.define
class _Listing:
    channel: Channel
    listing_id: str
    needs: tuple[tuple[SkuCode, int], ...]
    mode: PublishMode
    lag: timedelta
    velocity: float
    desired: int = 0
    published: int | None = None  # absolute: the last quantity set
    sold_since_push: int = 0  # absolute: known sales since that push
    cap: int = 0
    known: int = 0
    pending: list[_Pending] = attrs.field(factory=list)
    events: list[tuple[datetime, int]] = attrs.field(factory=list)  # (time, +sale / -restore), sorted
    events_base: int = 0  # net units of events pruned from the front
    snapshot: tuple[int | None, int, int, int] | None = None  # state before an unconfirmed push
    rank: int = 0  # position in (shop, listing id) order
    shares: dict[SkuCode, int] = attrs.field(factory=dict)  # units of each SKU the policy gives it

    @property
    def key(self) -> ListingKey:
        return (self.channel, self.listing_id)

    def net_until(self, moment: datetime) -> int:
        """Net units sold at or before ``moment`` (a sale stamped with the moment of a push counts as before it:
        the side on which a tie cannot oversell)."""
        index = bisect.bisect_right(self.events, (moment, 1 << 62))
        return self.events_base + sum(units for _, units in self.events[:index])

    def sold(self, units: int, placed_at: datetime) -> None:
        """A sale of ``units`` placed at ``placed_at`` has arrived."""
        self.known += units
        self.sold_since_push += units
        self.log(placed_at, units)

    def restored(self, units: int, at: datetime) -> None:
        """A sale of ``units`` was cancelled and the shop put them back on sale (omscore heard of it ``at``)."""
        self.known -= units
        self.sold_since_push = max(0, self.sold_since_push - units)
        self.log(at, -units)

    def log(self, moment: datetime, units: int) -> None:
        """Keep a sale (or a restore) by time while a take-back may need it; otherwise just count it."""
        if self.pending:
            bisect.insort(self.events, (moment, units))
        else:
            self.events_base += units

    def resolve(self, now: datetime) -> bool:
        """Settle the take-backs and first publishes whose earlier sales have all arrived. True when one did."""
        settled = False
        while self.pending and self.pending[0].at + self.lag <= now:
            pending = self.pending.pop(0)
            sold = self.net_until(pending.at)
            # a first publish: the sales made before it come on top; a take-back: only what was sold beyond it
            gap = sold - pending.set_known if pending.set_known is not None else max(0, sold - pending.cap_after)
            if gap:
                self.cap += gap
                for later in self.pending:
                    later.cap_after += gap
            settled = True
        if settled:
            horizon = self.pending[0].at if self.pending else now - self.lag
            cut = bisect.bisect_right(self.events, (horizon, -(1 << 62)))
            self.events_base += sum(units for _, units in self.events[:cut])
            del self.events[:cut]
        return settled

    def exposure(self, now: datetime, risk: float) -> int:
        """Units taken back whose fate is not known yet, at ``risk`` (the accepted oversell risk)."""
        exposed = 0
        for pending in self.pending:
            window = max(0.0, (pending.at + self.lag - now).total_seconds() / 3600.0)
            known = self.net_until(pending.at)
            if pending.set_known is not None:
                # sales made before the first publish that have arrived since: they come on top of it
                exposed += max(0, known - pending.set_known)
            elif risk == 0.0:
                exposed += pending.amount
            else:
                bound = poisson_quantile(self.velocity * window, risk)
                exposed += min(pending.amount, max(0, known + bound - pending.cap_after))
        return exposed

    def shown(self) -> int:
        """What omscore expects the shop to show (before sales it has not heard of)."""
        if self.mode is PublishMode.ABSOLUTE:
            return max(0, (self.published or 0) - self.sold_since_push)
        return max(0, self.cap - self.known)

    def holding(self) -> int:
        """What the listing may still sell by omscore's books (entitlement left, or the quantity shown)."""
        return self.cap - self.known if self.mode is PublishMode.ENTITLEMENT else self.shown()

    def save(self) -> None:
        """Keep the state before a push, for :meth:`restore` should the push not be made."""
        self.snapshot = (self.published, self.sold_since_push, self.cap, len(self.pending))

    def restore(self) -> None:
        """Go back to the state :meth:`save` kept (when there is one)."""
        if self.snapshot is not None:
            self.published, self.sold_since_push, self.cap, pending = self.snapshot
            del self.pending[pending:]
            self.snapshot = None
