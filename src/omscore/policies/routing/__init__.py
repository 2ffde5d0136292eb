"""分仓 / 寻源: which location ships which units of an order.

:class:`Router` is the extension point the pipeline calls and :class:`RoutingDecision` its answer;
:class:`PriorityRouter` is the shipped baseline and :class:`StrategyRouter` routes by the merchant's strategy.

A :class:`RoutingStrategy` is an ordered list of rules. Candidate plans come from exact searches
(:mod:`omscore.policies.optimise`) in problems the restricting rules narrow; each rule ranks the plans still in
the running or abstains, the best-ranked survive and ties fall through; after the last rule the configured
priority, then the location id decide. :class:`StrategyRouter` plugs it into the pipeline as a
:class:`Router`; :func:`decide` returns the full :class:`SourcingDecision` with its
:class:`StrategyTrace`.
"""

from omscore.policies.routing.engine import SourcingDecision, decide
from omscore.policies.routing.facts import RoutingFacts, RoutingInputs, is_presale
from omscore.policies.routing.geo import BUILT_IN_CENTROIDS, EARTH_RADIUS_KM, Centroids, haversine_km, region_key
from omscore.policies.routing.limits import DailyCapacity, SafetyStock
from omscore.policies.routing.origins import (
    DropShip,
    HomeRegion,
    KeepKits,
    Presale,
    ShopException,
    SkuLocation,
    StorePickup,
)
from omscore.policies.routing.port import Router, RoutingDecision, candidate_locations
from omscore.policies.routing.preferences import Cost, Distance, FewestShipments, MinShipmentValue, ShipComplete
from omscore.policies.routing.priority import PriorityRouter
from omscore.policies.routing.problem import CandidatePlan, EncodedProblem, SourcingProblem, plan_of
from omscore.policies.routing.rules import PlanSource, Ranking, Restriction, Rule, units_outside
from omscore.policies.routing.search import (
    SearchContext,
    SearchRecord,
    SearchResult,
    cheapest,
    fewest,
    greedy,
    shortfall,
)
from omscore.policies.routing.settings import (
    BUILT_IN_RULES,
    DEFAULT_RULES,
    RoutingSettings,
    RoutingStrategy,
    SourcingSettings,
)
from omscore.policies.routing.strategy import StrategyRouter
from omscore.policies.routing.trace import FINAL_TIE_BREAK, PlanEntry, ProblemStep, RuleVerdict, StrategyTrace

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
    "PriorityRouter",
    "ProblemStep",
    "Ranking",
    "Restriction",
    "Router",
    "RoutingDecision",
    "RoutingFacts",
    "RoutingInputs",
    "RoutingSettings",
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
    "candidate_locations",
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
