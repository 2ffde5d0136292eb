"""Traces: how each optimiser reached its decision, as text for people and as data for machines."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from omscore.domain.identity import LocationId
from omscore.policies.explain import Explanation


class DropReason(enum.StrEnum):
    """Why a candidate location was left out before the search."""

    SERVES_NOTHING = "serves_nothing"
    """It holds too little of every SKU of the order to serve any line (or any unit, for divisible lines)."""
    DOMINATED = "dominated"
    """A location earlier in the tie-break order can take its place in any plan at no loss."""


class Limit(enum.StrEnum):
    """Which effort limit cut a search short."""

    TIME = "time"
    NODES = "nodes"


@attrs.frozen
class DroppedLocation:
    """A candidate left out, why, and (for :attr:`DropReason.DOMINATED`) the location that dominates it."""

    location: LocationId
    reason: DropReason
    by: LocationId | None = None

    def text(self) -> str:
        if self.by is None:
            return f"{self.location}: {self.reason.value.replace('_', ' ')}"
        return f"{self.location}: {self.reason.value.replace('_', ' ')} by {self.by}"


@attrs.frozen
class TieBreak:
    """What separated the chosen plan from the best alternative the search saw with the same objective value.

    Attributes:
        order: the documented order applied after the objective.
        decided_by: the key that decided (``"shipments"``, ``"rank sum"``, ``"location order"``), or ``None`` when
            the search saw no alternative with an equal objective value.
        runner_up: that alternative's locations in tie-break order, or ``()``.
    """

    order: str
    decided_by: str | None = None
    runner_up: tuple[LocationId, ...] = ()

    def text(self) -> str:
        if self.decided_by is None:
            return f"tie-break ({self.order}): no equal alternative seen"
        return f"tie-break ({self.order}): decided by {self.decided_by} over {', '.join(self.runner_up)}"


def _limit_text(limit: Limit | None) -> str:
    return "search finished" if limit is None else f"{limit.value} limit hit, best plan so far returned"


@attrs.frozen
class SourcingTrace:
    """How a sourcing plan was found.

    Attributes:
        objective: ``"shipments"`` (fewest locations) or ``"cost"``.
        divisible: whether a line's units could come from several locations.
        considered: every candidate location, in tie-break order (rank, then id).
        dropped: candidates left out before the search, and why.
        chosen: the locations of the plan, in tie-break order.
        value: the plan's objective value (shipments, or cost).
        lower_bound: a proven lower bound on the objective value over the units served.
        heuristic_value: the value of the greedy (plus local search) plan the search started from.
        optimal: whether the plan is proven best (objective, then tie-break).
        limit_hit: which limit cut the search short, if any.
        nodes: search nodes expanded.
        elapsed_ms: wall time of the whole call.
        tie_break: what decided between plans of equal value.
        short_units: units of the order no plan can serve.
    """

    objective: str
    divisible: bool
    considered: tuple[LocationId, ...]
    dropped: tuple[DroppedLocation, ...]
    chosen: tuple[LocationId, ...]
    value: int
    lower_bound: int
    heuristic_value: int
    optimal: bool
    limit_hit: Limit | None
    nodes: int
    elapsed_ms: float
    tie_break: TieBreak
    short_units: int = 0

    def summary(self) -> str:
        what = f"{self.value} shipment(s)" if self.objective == "shipments" else f"cost {self.value}"
        status = "optimal" if self.optimal else f"not proven optimal, lower bound {self.lower_bound}"
        plan = ", ".join(self.chosen) or "nothing"
        short = f"; {self.short_units} unit(s) short" if self.short_units else ""
        return f"{what} from {plan} ({status}){short}"

    def steps(self) -> tuple[str, ...]:
        lines_mode = "divisible" if self.divisible else "indivisible"
        steps = [f"{len(self.considered)} candidate(s), {lines_mode} lines: {', '.join(self.considered)}"]
        steps.extend(f"dropped {d.text()}" for d in self.dropped)
        steps.append(f"heuristic start {self.heuristic_value}, lower bound {self.lower_bound}")
        steps.append(f"{self.nodes} node(s), {self.elapsed_ms:.3f} ms, {_limit_text(self.limit_hit)}")
        steps.append(self.tie_break.text())
        return tuple(steps)

    def text(self) -> str:
        """A readable, multi-line rendering."""
        return self.explanation().text()

    def explanation(self) -> Explanation:
        """The trace as a policy :class:`Explanation`."""
        return Explanation(f"optimise.{self.objective}", self.summary(), self.steps())

    def as_dict(self) -> dict[str, Any]:
        """The trace as plain data (JSON-ready)."""
        return {
            "objective": self.objective,
            "divisible": self.divisible,
            "considered": list(self.considered),
            "dropped": [{"location": d.location, "reason": d.reason.value, "by": d.by} for d in self.dropped],
            "chosen": list(self.chosen),
            "value": self.value,
            "lower_bound": self.lower_bound,
            "heuristic_value": self.heuristic_value,
            "optimal": self.optimal,
            "limit_hit": None if self.limit_hit is None else self.limit_hit.value,
            "nodes": self.nodes,
            "elapsed_ms": self.elapsed_ms,
            "tie_break": {
                "order": self.tie_break.order,
                "decided_by": self.tie_break.decided_by,
                "runner_up": list(self.tie_break.runner_up),
            },
            "short_units": self.short_units,
        }


@attrs.frozen
class PackingTrace:
    """How a parcel packing was found.

    Attributes:
        items: items packed.
        classes: the compatibility classes the items fell into (items of different classes never share a parcel),
            each with its item count, e.g. ``("ambient:7", "cold_chain:2")``.
        alone: items that ship alone because of a ship-alone tag.
        over_limit: items that exceed a parcel limit by themselves; each ships alone.
        parcels: parcels used.
        lower_bound: a proven lower bound on the parcels needed.
        heuristic_parcels: parcels of the first-fit-decreasing packing the search started from.
        optimal: whether the packing is proven to use the fewest parcels.
        limit_hit: which limit cut the search short, if any.
        nodes: search nodes expanded.
        elapsed_ms: wall time of the whole call.
    """

    items: int
    classes: tuple[str, ...]
    alone: tuple[str, ...]
    over_limit: tuple[str, ...]
    parcels: int
    lower_bound: int
    heuristic_parcels: int
    optimal: bool
    limit_hit: Limit | None
    nodes: int
    elapsed_ms: float

    def summary(self) -> str:
        status = "optimal" if self.optimal else f"not proven optimal, lower bound {self.lower_bound}"
        return f"{self.items} item(s) in {self.parcels} parcel(s) ({status})"

    def steps(self) -> tuple[str, ...]:
        steps = [f"classes: {', '.join(self.classes) or 'none'}"]
        if self.alone:
            steps.append(f"ship alone: {', '.join(self.alone)}")
        if self.over_limit:
            steps.append(f"over a parcel limit, alone: {', '.join(self.over_limit)}")
        steps.append(f"first-fit decreasing {self.heuristic_parcels}, lower bound {self.lower_bound}")
        steps.append(f"{self.nodes} node(s), {self.elapsed_ms:.3f} ms, {_limit_text(self.limit_hit)}")
        return tuple(steps)

    def text(self) -> str:
        """A readable, multi-line rendering."""
        return self.explanation().text()

    def explanation(self) -> Explanation:
        """The trace as a policy :class:`Explanation`."""
        return Explanation("optimise.parcels", self.summary(), self.steps())

    def as_dict(self) -> dict[str, Any]:
        """The trace as plain data (JSON-ready)."""
        return {
            "items": self.items,
            "classes": list(self.classes),
            "alone": list(self.alone),
            "over_limit": list(self.over_limit),
            "parcels": self.parcels,
            "lower_bound": self.lower_bound,
            "heuristic_parcels": self.heuristic_parcels,
            "optimal": self.optimal,
            "limit_hit": None if self.limit_hit is None else self.limit_hit.value,
            "nodes": self.nodes,
            "elapsed_ms": self.elapsed_ms,
        }
