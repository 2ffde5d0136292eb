"""Publishing stock to every shop (库存同步): the quantities the sharing policy allows, pushed so that the shops'
own decrements on sale and omscore's late knowledge of those sales never add up to an oversell.

Each listing is published in one of two modes:

* **Entitlement** (the default, for gateways that can add to a listing's quantity — :class:`StockAdjusting`):
  omscore keeps, per listing, an *entitlement*: the units the listing may sell in total since it was first
  published. The shop shows entitlement minus its sales, and omscore only ever *adds to* or *takes from* that
  quantity, so a sale the shop made but omscore has not heard of yet stays deducted. The entitlements still open
  never add up to more than the pool. Taking units back from a listing is the one risky move — the shop may
  already have sold them — so a unit taken back is counted as still exposed until the sales made before the
  take-back have arrived (one sync lag later). ``oversell_risk`` sets how sure omscore must be: 0 keeps the whole
  take-back exposed until then (strict: no oversell as long as sales arrive within the lag); a small probability
  frees what a Poisson bound on the sales in flight says is surely unsold.
* **Absolute** (any :class:`~omscore.ports.channel.ChannelGateway`): the shop is set to the desired quantity,
  as most vendors do. Simple, and exposed to the shop's unreported sales at every push.

The engine pushes only changes, decreases before increases; holds back increases for ``debounce`` so a burst of
events makes one push; batches pushes per channel within the channel's :class:`RateLimit`; keeps every push
idempotent (absolute quantities, or a delta with a key); reports drift between what a shop shows and what omscore
expects; and lists the orders that arrived for stock that was not there.

Use: build one :class:`PublishingEngine` per process; tell it about sales (:meth:`~PublishingEngine.record_sale`),
reservations (:meth:`~PublishingEngine.mark_reserved`), cancellations and stock changes; call
:meth:`~PublishingEngine.flush` after them and again at :meth:`~PublishingEngine.next_wakeup`.

The pieces: :mod:`~.settings` (the mode and its parameters), :mod:`~.book` (the entitlement book: per listing what
was published, what it is entitled to and the take-backs still exposed), :mod:`~.pools` (the listings of each SKU in
groups sharing a pool, and their shares), :mod:`~.changes` (what the next flush recomputes, and the debounce),
:mod:`~.pushing` (each push booked and sent in batches within the channel's rate limit), :mod:`~.drift` and
:mod:`~.report` (what the engine says of the shops and the SKUs) and :mod:`~.engine` (:class:`PublishingEngine`,
which ties them together). See ``docs/stock-sharing.md``.
"""

from omscore.app.publishing.book import ListingKey
from omscore.app.publishing.drift import Drift, OversoldOrder
from omscore.app.publishing.engine import PublishingEngine
from omscore.app.publishing.pools import StockReader
from omscore.app.publishing.pushing import (
    RETRY_AFTER,
    PublishReport,
    Push,
    PushKind,
    RateLimit,
    RateLimited,
    StockAdjusting,
)
from omscore.app.publishing.report import ListingState, StockReport
from omscore.app.publishing.settings import PublishingSettings, PublishMode

__all__ = [
    "RETRY_AFTER",
    "Drift",
    "ListingKey",
    "ListingState",
    "OversoldOrder",
    "PublishMode",
    "PublishReport",
    "PublishingEngine",
    "PublishingSettings",
    "Push",
    "PushKind",
    "RateLimit",
    "RateLimited",
    "StockAdjusting",
    "StockReader",
    "StockReport",
]
