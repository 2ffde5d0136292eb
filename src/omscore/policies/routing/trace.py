"""The trace of a routing decision: the candidates, the problems searched, the plans found, each rule's ranks
and what decided — as text for people and as data for machines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from omscore.domain.identity import LineId, LocationId
from omscore.policies.explain import Explanation
from omscore.policies.optimise import Allocation
from omscore.policies.routing.search import SearchRecord

#: What decides between plans that every rule leaves tied.
FINAL_TIE_BREAK = "configured priority, then location id"


@attrs.frozen
class PlanEntry:
    """A candidate plan as the trace shows it.

    Attributes:
        label: ``P1``, ``P2`` … in the final tie-break order (see :data:`FINAL_TIE_BREAK`).
        allocations: what the plan ships from where.
        found_by: the searches that found it.
    """

    label: str
    allocations: tuple[Allocation, ...]
    found_by: tuple[str, ...]

    def text(self) -> str:
        parts: dict[str, list[str]] = {}
        for a in self.allocations:
            parts.setdefault(a.location, []).append(f"{a.line_id}×{a.quantity}")
        plan = " + ".join(f"{loc}[{', '.join(items)}]" for loc, items in parts.items())
        return f"{self.label} = {plan} (found by {', '.join(self.found_by)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "allocations": [
                {"location": a.location, "line_id": a.line_id, "sku": a.sku, "quantity": a.quantity}
                for a in self.allocations
            ],
            "found_by": list(self.found_by),
        }


@attrs.frozen
class ProblemStep:
    """What a restricting rule did to the search problem.

    Attributes:
        rule: the rule.
        outcome: ``"required"`` (applied whatever the cost), ``"applied"``, ``"abstained"``, ``"no effect"``,
            or ``"no complete plan"`` (the narrowed problem could not cover the order, so the search went on
            without it).
        problem: the label of the problem searched next.
    """

    rule: str
    outcome: str
    problem: str

    def text(self) -> str:
        return f"restrict by {self.rule}: {self.outcome} → {self.problem}"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "outcome": self.outcome, "problem": self.problem}


@attrs.frozen
class RuleVerdict:
    """One rule's turn in the ranking.

    Attributes:
        rule: the rule's name.
        setting: its parameters in words.
        outcome: ``"ranked"``, ``"abstained"``, ``"required"`` (plans not honouring it were removed), or
            ``"not reached"`` (an earlier rule left one plan).
        measure: what the ranks count, or why the rule abstained.
        ranks: the rank of each plan it saw, by label.
        kept: the plans that went on.
    """

    rule: str
    setting: str
    outcome: str
    measure: str = ""
    ranks: tuple[tuple[str, int], ...] = ()
    kept: tuple[str, ...] = ()

    def text(self) -> str:
        head = f"{self.rule}{f' ({self.setting})' if self.setting else ''}"
        if self.outcome == "not reached":
            return f"{head}: not reached"
        if self.outcome == "abstained":
            return f"{head}: abstains — {self.measure}"
        ranks = ", ".join(f"{label}={rank}" for label, rank in self.ranks)
        verb = "keeps only plans that honour it" if self.outcome == "required" else "keeps the best"
        return f"{head}: {self.measure}: {ranks}; {verb}: {', '.join(self.kept) or 'none'}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "setting": self.setting,
            "outcome": self.outcome,
            "measure": self.measure,
            "ranks": dict(self.ranks),
            "kept": list(self.kept),
        }


@attrs.frozen
class StrategyTrace:
    """How a routing strategy reached its decision.

    Attributes:
        strategy: the strategy's name.
        candidates: locations that may ship the order, in (priority, id) order.
        ineligible: why the other locations were left out.
        problems: what each restricting rule did to the search problem.
        searches: every optimiser search run, with its result.
        plans: the complete plans found, labelled in the final tie-break order.
        rejected: plans the searches produced that were set aside, and why (more stock than available,
            beyond the shop's split settings).
        verdicts: each rule's ranks, in strategy order.
        chosen: the label of the chosen plan, or ``None``.
        decided_by: the rule that left one plan, or :data:`FINAL_TIE_BREAK`, or why there is no plan.
        shortfall: units per line that cannot be served now (when no plan was chosen).
    """

    strategy: str
    candidates: tuple[LocationId, ...]
    ineligible: tuple[str, ...]
    problems: tuple[ProblemStep, ...]
    searches: tuple[SearchRecord, ...]
    plans: tuple[PlanEntry, ...]
    rejected: tuple[str, ...]
    verdicts: tuple[RuleVerdict, ...]
    chosen: str | None
    decided_by: str
    shortfall: Mapping[LineId, int] = attrs.field(factory=dict)

    def summary(self) -> str:
        if self.chosen is None:
            short = ", ".join(f"{line}×{qty}" for line, qty in self.shortfall.items())
            return f"no plan: {self.decided_by}{f' (short: {short})' if short else ''}"
        plan = next(p for p in self.plans if p.label == self.chosen)
        locations = sorted({a.location for a in plan.allocations})
        how = "ship complete from" if len(locations) == 1 else f"split over {len(locations)} locations:"
        return f"{how} {', '.join(locations)} ({self.chosen} of {len(self.plans)}, decided by {self.decided_by})"

    def steps(self) -> tuple[str, ...]:
        steps = [f"strategy {self.strategy}; candidates: {', '.join(self.candidates) or 'none'}"]
        steps.extend(self.ineligible)
        steps.extend(p.text() for p in self.problems)
        steps.extend(s.text() for s in self.searches)
        steps.extend(p.text() for p in self.plans)
        steps.extend(f"set aside: {r}" for r in self.rejected)
        steps.extend(v.text() for v in self.verdicts)
        steps.append(f"chosen: {self.chosen or 'none'}, decided by {self.decided_by}")
        return tuple(steps)

    def text(self) -> str:
        """A readable, multi-line rendering."""
        return self.explanation().text()

    def explanation(self) -> Explanation:
        """The trace as the routing policy's :class:`Explanation`."""
        return Explanation("routing", self.summary(), self.steps())

    def as_dict(self) -> dict[str, Any]:
        """The trace as plain data (JSON-ready)."""
        return {
            "strategy": self.strategy,
            "candidates": list(self.candidates),
            "ineligible": list(self.ineligible),
            "problems": [p.as_dict() for p in self.problems],
            "searches": [s.as_dict() for s in self.searches],
            "plans": [p.as_dict() for p in self.plans],
            "rejected": list(self.rejected),
            "verdicts": [v.as_dict() for v in self.verdicts],
            "chosen": self.chosen,
            "decided_by": self.decided_by,
            "shortfall": dict(self.shortfall),
        }
