"""分仓 / 寻源 by strategy: ordered rules over candidate plans found by the whole-order optimisers.

A :class:`RoutingStrategy` is an ordered list of rules. Candidate plans come from exact searches
(:mod:`omscore.policies.optimise`) in problems the restricting rules narrow; each rule ranks the plans still in
the running or abstains, the best-ranked survive and ties fall through; after the last rule the configured
priority, then the location id decide. :class:`StrategyRouter` plugs it into the pipeline as a
:class:`~omscore.policies.routing.Router`; :func:`decide` returns the full :class:`SourcingDecision` with its
:class:`StrategyTrace`.
"""

from omscore.policies.sourcing.constraints import (
    DailyCapacity,
    DropShip,
    HomeRegion,
    KeepKits,
    Presale,
    SafetyStock,
    ShopException,
    SkuLocation,
    StorePickup,
)
from omscore.policies.sourcing.engine import SourcingDecision, decide
from omscore.policies.sourcing.facts import RoutingFacts, RoutingInputs, is_presale
from omscore.policies.sourcing.geo import BUILT_IN_CENTROIDS, EARTH_RADIUS_KM, Centroids, haversine_km, region_key
from omscore.policies.sourcing.preferences import Cost, Distance, FewestShipments, MinShipmentValue, ShipComplete
from omscore.policies.sourcing.problem import CandidatePlan, EncodedProblem, SourcingProblem, plan_of
from omscore.policies.sourcing.router import StrategyRouter
from omscore.policies.sourcing.rules import PlanSource, Ranking, Restriction, Rule, units_outside
from omscore.policies.sourcing.search import (
    SearchContext,
    SearchRecord,
    SearchResult,
    cheapest,
    fewest,
    greedy,
    shortfall,
)
from omscore.policies.sourcing.settings import (
    BUILT_IN_RULES,
    DEFAULT_RULES,
    RoutingStrategy,
    SourcingSettings,
)
from omscore.policies.sourcing.trace import FINAL_TIE_BREAK, PlanEntry, ProblemStep, RuleVerdict, StrategyTrace

__all__ = [
    "BUILT_IN_CENTROIDS",
    "BUILT_IN_RULES",
    "DEFAULT_RULES",
    "EARTH_RADIUS_KM",
    "FINAL_TIE_BREAK",
    "CandidatePlan",
    "Centroids",
    "Cost",
    "DailyCapacity",
    "Distance",
    "DropShip",
    "EncodedProblem",
    "FewestShipments",
    "HomeRegion",
    "KeepKits",
    "MinShipmentValue",
    "PlanEntry",
    "PlanSource",
    "Presale",
    "ProblemStep",
    "Ranking",
    "Restriction",
    "RoutingFacts",
    "RoutingInputs",
    "RoutingStrategy",
    "Rule",
    "RuleVerdict",
    "SafetyStock",
    "SearchContext",
    "SearchRecord",
    "SearchResult",
    "ShipComplete",
    "ShopException",
    "SkuLocation",
    "SourcingDecision",
    "SourcingProblem",
    "SourcingSettings",
    "StorePickup",
    "StrategyRouter",
    "StrategyTrace",
    "cheapest",
    "decide",
    "fewest",
    "greedy",
    "haversine_km",
    "is_presale",
    "plan_of",
    "region_key",
    "shortfall",
    "units_outside",
]
