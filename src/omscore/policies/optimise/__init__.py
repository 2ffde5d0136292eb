"""Whole-order optimisation: fewest shipments, cheapest sourcing and fewest parcels.

Pure and deterministic: each function takes the order and the facts it needs, and returns a plan with a trace
that explains it. Inputs are put in a canonical order first (lines by id, locations by rank then id), so the
same input listed in any order gives the same plan. Each search has a wall-time and a node limit; when one cuts
it short the best plan found is returned, marked not optimal, with a proven lower bound.
"""

from omscore.policies.optimise.cost import CostModel, min_cost
from omscore.policies.optimise.parcel_items import ParcelItem, ParcelLimits
from omscore.policies.optimise.parcels import PackingPlan, Parcel, pack_parcels, unit_items
from omscore.policies.optimise.problem import (
    Allocation,
    DemandLine,
    Shortfall,
    SourcingPlan,
    StockByLocation,
    demand_of,
    ranks_of,
    stock_by_location,
)
from omscore.policies.optimise.shipments import min_shipments
from omscore.policies.optimise.trace import DroppedLocation, DropReason, Limit, PackingTrace, SourcingTrace, TieBreak

__all__ = [
    "Allocation",
    "CostModel",
    "DemandLine",
    "DropReason",
    "DroppedLocation",
    "Limit",
    "PackingPlan",
    "PackingTrace",
    "Parcel",
    "ParcelItem",
    "ParcelLimits",
    "Shortfall",
    "SourcingPlan",
    "SourcingTrace",
    "StockByLocation",
    "TieBreak",
    "demand_of",
    "min_cost",
    "min_shipments",
    "pack_parcels",
    "ranks_of",
    "stock_by_location",
    "unit_items",
]
