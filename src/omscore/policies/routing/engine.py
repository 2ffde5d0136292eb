"""The strategy engine: search candidate plans, then let the rules pick one.

1. **Candidates.** Locations that serve the recipient's region (and the pickup store, if the order names one).
2. **Problems.** Starting from every candidate for every line, the restricting rules narrow the problem in
   strategy order: required ones always, the others only while the narrowed problem can still cover the
   whole order (so an earlier rule is never given up for a later one).
3. **Searches.** In each problem: every single-location plan, the fewest-shipments plan (lines divisible or
   not, per the strategy), the plan taking each line from the first location by priority that has it (the most
   constrained lines first), and the searches of the rules that have one (cheapest plan, fewest shipments by
   distance, nearest first). The baseline router's plan is a candidate too. Plans that would take more than is
   available, or break the shop's split settings, are set aside.
4. **Ranking.** Required rules remove the plans that do not honour them. Then each rule in order ranks the
   plans still in the running or abstains; the best-ranked survive; ties fall through. Plans still tied after
   the last rule are ordered by the configured priority, then the id, of their locations (sorted by
   (priority, id) and compared in turn), then by the number of their allocations (fewer split lines first),
   then by the allocations themselves — a total order.

Every step is recorded in a :class:`~omscore.policies.routing.trace.StrategyTrace`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeGuard

import attrs

from omscore.domain.identity import LineId
from omscore.domain.inventory import StockKey
from omscore.domain.network import Network
from omscore.domain.order import Order
from omscore.policies.optimise import Allocation
from omscore.policies.routing.facts import RoutingFacts, RoutingInputs
from omscore.policies.routing.port import RoutingDecision
from omscore.policies.routing.priority import PriorityRouter
from omscore.policies.routing.problem import CandidatePlan, SourcingProblem, plan_of
from omscore.policies.routing.rules import PlanSource, Restriction, Rule
from omscore.policies.routing.search import SearchContext, SearchRecord, SearchResult, fewest, greedy, shortfall
from omscore.policies.routing.settings import RoutingSettings, RoutingStrategy, SourcingSettings
from omscore.policies.routing.trace import FINAL_TIE_BREAK, PlanEntry, ProblemStep, RuleVerdict, StrategyTrace

_KIND_CACHE: dict[tuple[type, type], bool] = {}


def _has_kind(rule: object, kind: type) -> bool:
    """``isinstance`` against a runtime-checkable protocol, cached per class (the check is slow and the answer
    depends only on the class)."""
    key = (type(rule), kind)
    known = _KIND_CACHE.get(key)
    if known is None:
        known = _KIND_CACHE[key] = isinstance(rule, kind)
    return known


def _is_restriction(rule: object) -> TypeGuard[Restriction]:
    return _has_kind(rule, Restriction)


def _is_plan_source(rule: object) -> TypeGuard[PlanSource]:
    return _has_kind(rule, PlanSource)


@attrs.frozen
class SourcingDecision:
    """The strategy's decision: the chosen plan (or the shortfall) and the trace.

    Attributes:
        plan: the chosen plan, or ``None`` when no plan can ship the whole order now.
        shortfall: units per line that cannot be served now (empty when a plan was chosen).
        trace: how the decision was reached.
    """

    plan: CandidatePlan | None
    shortfall: Mapping[LineId, int]
    trace: StrategyTrace

    @property
    def complete(self) -> bool:
        return self.plan is not None

    @property
    def allocations(self) -> tuple[Allocation, ...]:
        """The chosen plan's allocations sorted by (location, line), or ``()``."""
        return () if self.plan is None else self.plan.allocations

    def routing_decision(self) -> RoutingDecision:
        """The decision in the :class:`~omscore.policies.routing.Router` protocol's terms."""
        return RoutingDecision(self.allocations, dict(self.shortfall), self.trace.explanation())


def decide(
    order: Order,
    network: Network,
    available: Mapping[StockKey, int],
    routing: RoutingSettings,
    settings: SourcingSettings,
    inputs: RoutingInputs | None = None,
) -> SourcingDecision:
    """Route ``order`` by its shop's strategy.

    Args:
        order: the order to route.
        network: the locations (and carriers).
        available: units that may be reserved per (location, SKU); missing keys mean none. No plan takes more.
        routing: the shop's split settings (``allow_split``, ``max_shipments``).
        settings: the strategies.
        inputs: facts of the moment (capacity used today, catalog, today); none by default.

    Returns:
        The chosen plan, or the shortfall, with the trace.
    """
    strategy = settings.strategy_for(order.channel)
    facts = RoutingFacts.of(order, network, available, inputs or RoutingInputs())
    return _Engine(facts, strategy, routing).run()


def _final_key(plan: CandidatePlan, facts: RoutingFacts) -> tuple[object, ...]:
    """The final tie-break: the plan's locations sorted by (priority, id) and compared in turn, then the plan
    that splits fewer lines (fewer allocations), then the allocations themselves."""
    priority = {loc.id: loc.priority for loc in facts.candidates}
    keys = sorted((priority.get(loc, 0), loc) for loc in plan.locations)
    return tuple(keys), len(plan.allocations), plan.allocations


class _Engine:
    """One decision's working state (not shared, not kept)."""

    def __init__(self, facts: RoutingFacts, strategy: RoutingStrategy, routing: RoutingSettings) -> None:
        self.facts = facts
        self.strategy = strategy
        self.routing = routing
        self.rules = strategy.effective_rules()
        self.context = SearchContext(
            lines=facts.lines,
            divisible=strategy.split_lines,
            node_limit=strategy.node_limit,
            time_limit_ms=strategy.time_limit_ms,
        )
        self.searches: list[SearchRecord] = []
        self.problems: list[ProblemStep] = []
        self.found: dict[tuple[Allocation, ...], CandidatePlan] = {}
        self.rejected: list[str] = []

    # --- searching ------------------------------------------------------------------------------------------

    def run(self) -> SourcingDecision:
        hard = self._required_problem()
        self._search(hard)
        current = hard
        for rule in self.rules:
            if not _is_restriction(rule) or rule.required:
                continue
            narrowed = rule.restrict(current, self.facts)
            if narrowed is None:
                self.problems.append(ProblemStep(rule.name, "abstained", current.label))
            elif narrowed.key() == current.key():
                self.problems.append(ProblemStep(rule.name, "no effect", current.label))
            elif self._search(narrowed):
                current = narrowed
                self.problems.append(ProblemStep(rule.name, "applied", current.label))
            else:
                self.problems.append(ProblemStep(rule.name, "no complete plan", current.label))
        self._add_baseline()
        return self._rank(hard)

    def _required_problem(self) -> SourcingProblem:
        problem = SourcingProblem.base(self.facts)
        for rule in self.rules:
            if _is_restriction(rule) and rule.required:
                narrowed = rule.restrict(problem, self.facts)
                if narrowed is None:
                    self.problems.append(ProblemStep(rule.name, "abstained", problem.label))
                else:
                    problem = narrowed
                    self.problems.append(ProblemStep(rule.name, "required", problem.label))
        return problem

    def _search(self, problem: SourcingProblem) -> bool:
        """Search ``problem``; whether it gave a valid complete plan that honours it."""
        honoured = False
        for plan in problem.single_location_plans(self.facts.lines):
            honoured |= self._add(attrs.evolve(plan, found_by=(f"single@{problem.label}",)))
        if self.routing.allow_split:
            rank = {loc.id: loc.priority for loc in self.facts.candidates}
            results = [fewest(problem, self.context, rank), greedy(problem, self.context, rank, "first by priority")]
            for rule in self.rules:
                if _is_plan_source(rule):
                    results.extend(rule.search(problem, self.facts, self.context))
            for result in results:
                honoured |= self._take(result) and result.plan is not None and problem.admits(result.plan)
        return honoured

    def _take(self, result: SearchResult) -> bool:
        """Record a search and keep its plan if valid; whether it was."""
        self.searches.append(result.record)
        return result.plan is not None and self._add(result.plan)

    def _add_baseline(self) -> None:
        base = PriorityRouter().route(self.facts.order, self.facts.network, self.facts.available, self.routing)
        record = SearchRecord("baseline", "priority router", base.complete)
        plan = plan_of(base.allocations, "baseline") if base.complete else None
        self._take(SearchResult(plan, record))

    def _add(self, plan: CandidatePlan) -> bool:
        """Keep ``plan`` if it is valid; whether it is (a plan found before counts as valid again)."""
        known = self.found.get(plan.allocations)
        if known is not None:
            self.found[plan.allocations] = attrs.evolve(known, found_by=(*known.found_by, *plan.found_by))
            return True
        problem = self._invalid(plan)
        if problem:
            self.rejected.append(f"{plan.describe()} (found by {', '.join(plan.found_by)}): {problem}")
            return False
        self.found[plan.allocations] = plan
        return True

    def _invalid(self, plan: CandidatePlan) -> str:
        """Why ``plan`` cannot be used, or ``""``."""
        for (loc, sku), units in sorted(plan.taken().items()):
            have = self.facts.units_available(loc, sku)
            if units > have:
                return f"takes {units} of {sku} at {loc}, {have} available"
        served: dict[LineId, int] = {}
        for a in plan.allocations:
            served[a.line_id] = served.get(a.line_id, 0) + a.quantity
        for line in self.facts.lines:
            if served.get(line.id, 0) != line.quantity:
                return f"serves {served.get(line.id, 0)} of the {line.quantity} unit(s) of line {line.id}"
        shipments = plan.shipments
        if shipments > 1 and not self.routing.allow_split:
            return "splitting is disabled for this shop"
        if self.routing.max_shipments is not None and shipments > self.routing.max_shipments:
            return f"{shipments} shipments, at most {self.routing.max_shipments} allowed"
        if not self.strategy.split_lines and any(len(plan.locations_of(line.id)) > 1 for line in self.facts.lines):
            return "splits a line, which the strategy does not allow"
        return ""

    # --- ranking --------------------------------------------------------------------------------------------

    def _rank(self, hard: SourcingProblem) -> SourcingDecision:
        plans = sorted(self.found.values(), key=lambda p: _final_key(p, self.facts))
        labels = {p.allocations: f"P{n}" for n, p in enumerate(plans, 1)}
        entries = tuple(PlanEntry(labels[p.allocations], p.allocations, p.found_by) for p in plans)
        verdicts: list[RuleVerdict] = []
        alive = list(plans)
        decided_by = ""
        for rule in self.rules:
            if _is_restriction(rule) and rule.required:
                before = len(alive)
                alive = self._require(rule, alive, labels, verdicts)
                if len(alive) == 1 and before > 1:
                    decided_by = rule.name
        if not alive:
            required = [step.rule for step in self.problems if step.outcome == "required"]
            if plans or required:
                decided_by = f"no plan honours the required rule(s) {', '.join(required)}"
            else:
                decided_by = "no location can ship the order now"
        for rule in self.rules:
            if _is_restriction(rule) and rule.required:
                continue
            if len(alive) <= 1:
                if alive:
                    verdicts.append(RuleVerdict(rule.name, rule.describe(), "not reached"))
                continue
            ranking = rule.rank(alive, self.facts)
            if ranking.ranks is None:
                verdicts.append(RuleVerdict(rule.name, rule.describe(), "abstained", ranking.measure))
                continue
            best = min(ranking.ranks)
            kept = [p for p, r in zip(alive, ranking.ranks, strict=True) if r == best]
            verdicts.append(
                RuleVerdict(
                    rule.name,
                    rule.describe(),
                    "ranked",
                    ranking.measure,
                    tuple((labels[p.allocations], r) for p, r in zip(alive, ranking.ranks, strict=True)),
                    tuple(labels[p.allocations] for p in kept),
                )
            )
            if len(kept) == 1 and len(alive) > 1:
                decided_by = rule.name
            alive = kept
        chosen = alive[0] if alive else None
        if chosen is not None and not decided_by:
            decided_by = FINAL_TIE_BREAK if len(alive) > 1 else "the only plan"
        short: dict[LineId, int] = {}
        if chosen is None:
            short = shortfall(hard, self.context) or {line.id: line.quantity for line in self.facts.lines}
        trace = StrategyTrace(
            strategy=self.strategy.name,
            candidates=tuple(loc.id for loc in self.facts.candidates),
            ineligible=self.facts.ineligible,
            problems=tuple(self.problems),
            searches=tuple(self.searches),
            plans=entries,
            rejected=tuple(self.rejected),
            verdicts=tuple(verdicts),
            chosen=None if chosen is None else labels[chosen.allocations],
            decided_by=decided_by,
            shortfall=short,
        )
        return SourcingDecision(chosen, short, trace)

    def _require(
        self,
        rule: Rule,
        alive: Sequence[CandidatePlan],
        labels: Mapping[tuple[Allocation, ...], str],
        verdicts: list[RuleVerdict],
    ) -> list[CandidatePlan]:
        if not alive:
            verdicts.append(RuleVerdict(rule.name, rule.describe(), "not reached"))
            return []
        ranking = rule.rank(alive, self.facts)
        if ranking.ranks is None:
            verdicts.append(RuleVerdict(rule.name, rule.describe(), "abstained", ranking.measure))
            return list(alive)
        kept = [p for p, r in zip(alive, ranking.ranks, strict=True) if r == 0]
        verdicts.append(
            RuleVerdict(
                rule.name,
                rule.describe(),
                "required",
                ranking.measure,
                tuple((labels[p.allocations], r) for p, r in zip(alive, ranking.ranks, strict=True)),
                tuple(labels[p.allocations] for p in kept),
            )
        )
        return kept
