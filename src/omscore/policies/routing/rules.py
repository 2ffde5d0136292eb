"""What a routing rule is: it ranks the candidate plans still in the running, or abstains.

Lower ranks are better; the plans with the best rank survive, and plans that tie go on to the next rule.
A rule may also *restrict* the problem plans are searched in (so that plans honouring it are found at all)
and *search* for plans of its own (the cost rule runs the cost optimiser). Those capabilities are the
:class:`Restriction` and :class:`PlanSource` protocols; a custom rule implements :class:`Rule` and any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import attrs

from omscore.domain.identity import LineId, LocationId
from omscore.policies.routing.facts import RoutingFacts
from omscore.policies.routing.problem import CandidatePlan, SourcingProblem
from omscore.policies.routing.search import SearchContext, SearchResult


@attrs.frozen
class Ranking:
    """A rule's verdict on a list of plans.

    Attributes:
        ranks: one rank per plan, aligned with the plans given (lower is better), or ``None`` when the rule
            abstains.
        measure: what a rank counts (``"units not from WH-HZ"``), or why the rule abstained.
    """

    ranks: tuple[int, ...] | None
    measure: str

    @classmethod
    def abstain(cls, reason: str) -> Ranking:
        """The rule has nothing to say about this order."""
        return cls(None, reason)

    @classmethod
    def of(cls, ranks: Iterable[int], measure: str) -> Ranking:
        return cls(tuple(ranks), measure)

    @property
    def abstained(self) -> bool:
        return self.ranks is None


@runtime_checkable
class Rule(Protocol):
    """A step of a routing strategy."""

    @property
    def name(self) -> str:
        """The rule's name in the configuration file (``"distance"``)."""
        ...

    def describe(self) -> str:
        """The rule's parameters in words, for the trace (``""`` when it has none)."""
        ...

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        """Rank ``plans`` (lower is better) or abstain. Must be deterministic."""
        ...


@runtime_checkable
class Restriction(Rule, Protocol):
    """A rule that says where lines may come from: rank 0 means a plan honours it, more means it does not.

    Plans honouring it are searched in the problem it narrows. A *required* restriction removes every plan
    that does not honour it, even when that leaves none (the order then waits); otherwise it is a preference
    among the plans that survive the rules before it.
    """

    @property
    def required(self) -> bool: ...

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        """``problem`` narrowed to plans that honour the rule, or ``None`` when it has nothing to narrow."""
        ...


@runtime_checkable
class PlanSource(Rule, Protocol):
    """A rule with a search of its own for the plans it prefers."""

    def search(self, problem: SourcingProblem, facts: RoutingFacts, context: SearchContext) -> list[SearchResult]:
        """Plans found in ``problem`` (each with its record)."""
        ...


def units_outside(plans: Sequence[CandidatePlan], allowed: Mapping[LineId, frozenset[LocationId]]) -> tuple[int, ...]:
    """Per plan, the units of the lines in ``allowed`` shipped from a location not allowed for them."""
    return tuple(
        sum(a.quantity for a in plan.allocations if a.line_id in allowed and a.location not in allowed[a.line_id])
        for plan in plans
    )
