"""拆单: split a routed order into parcels, and apportion its amounts over them exactly.

Routing says which location ships which units. Within each location the split then:

1. separates **presale from in-stock** units when the shop ships what is available now (有货先发): in-stock
   units ship now, presale units on their presale date (one shipment per date). Such a split is optional, so
   it happens only when every part is worth at least the **minimum shipment value**; otherwise — and always
   when the shop waits to ship complete (等齐再发) — the location's units ship together on the latest presale
   date;
2. keeps each ordered **kit** whole (one item of its components per kit) unless the catalog lets the kit split;
3. packs the units into the fewest **parcels** within the weight and volume limits, cold-chain items never with
   ambient ones, ship-alone and oversize items alone, incompatible tags apart — exactly for small orders, by
   :func:`~omscore.policies.optimise.pack_parcels`;
4. checks the **maximum number of packages** of the order: when it is exceeded, optional presale splits are
   undone first; if that is not enough the decision reports a problem (the caller holds the order).

Every line's amount and discount are apportioned over its parcels by quantity (each part's gross is the sum of
the two), and the order's shipping fee over the parcels by their share of the line amounts, all by largest
remainder: the drafts sum to the order's total, gross and discount, to the minor unit, whenever the
allocations cover the order (DESIGN.md §5, invariant 3).
"""

from omscore.policies.split.decision import decide_split, split_shipments
from omscore.policies.split.drafts import ShipmentDraft, draft_shipments, line_parts
from omscore.policies.split.settings import (
    DEFAULT_NODE_LIMIT,
    DEFAULT_PARCEL_LIMITS,
    PresaleMode,
    SplitRules,
    SplitSettings,
)
from omscore.policies.split.trace import LocationSplit, PlannedShipment, SplitDecision, SplitTrace

__all__ = [
    "DEFAULT_NODE_LIMIT",
    "DEFAULT_PARCEL_LIMITS",
    "LocationSplit",
    "PlannedShipment",
    "PresaleMode",
    "ShipmentDraft",
    "SplitDecision",
    "SplitRules",
    "SplitSettings",
    "SplitTrace",
    "decide_split",
    "draft_shipments",
    "line_parts",
    "split_shipments",
]
