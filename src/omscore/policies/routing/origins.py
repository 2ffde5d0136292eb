"""Restricting rules about where lines may come from: the pickup store, a shop's or a SKU's own locations, the
recipient's home region, presale locations, drop-ship suppliers, and kits kept at one location.

Each is a :class:`~omscore.policies.routing.rules.Restriction`: it ranks a plan by how far it strays from the
rule — units, shipments or kits that do not honour it — so 0 means the plan honours it. Each narrows the search
problem to plans that honour it, and each abstains when it has nothing to say about the order (no pickup store,
a shop without an exception, no presale line …).
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel, LineId, LocationId, SkuCode
from omscore.domain.network import LocationKind
from omscore.policies.routing.facts import RoutingFacts
from omscore.policies.routing.geo import region_key
from omscore.policies.routing.problem import CandidatePlan, SourcingProblem
from omscore.policies.routing.rules import Ranking, units_outside

_EMPTY: Mapping[Any, Any] = types.MappingProxyType({})


def _location_lists(value: Mapping[Any, Iterable[str]]) -> Mapping[Any, tuple[LocationId, ...]]:
    return types.MappingProxyType({key: tuple(LocationId(v) for v in locs) for key, locs in value.items()})


def _non_empty_lists(instance: object, attribute: attrs.Attribute[Any], value: Mapping[Any, tuple[str, ...]]) -> None:
    for key, locs in value.items():
        if not locs:
            raise InvalidConfiguration(f"{attribute.name}.{key}", [], "name at least one location")


def _locations(values: Iterable[str]) -> tuple[LocationId, ...]:
    return tuple(LocationId(v) for v in values)


def _names(locations: Iterable[str]) -> str:
    return ", ".join(sorted(locations)) or "none"


def _all_lines(facts: RoutingFacts, locations: Iterable[LocationId]) -> dict[LineId, frozenset[LocationId]]:
    keep = frozenset(locations)
    return {line.id: keep for line in facts.lines}


@attrs.frozen
class StorePickup:
    """门店自提: an order that names a pickup store ships from that store.

    Required by default: a pickup order the store cannot fill waits for stock there. With ``required=False``
    the store is only preferred, and other locations may ship to the buyer (the order's recipient address).
    A strategy that does not list this rule gets it, required, in front of its own rules.
    """

    name: ClassVar[str] = "store_pickup"
    required: bool = True

    def describe(self) -> str:
        return "required" if self.required else "preferred"

    def _allowed(self, facts: RoutingFacts) -> dict[LineId, frozenset[LocationId]] | None:
        store = facts.order.pickup_location
        return None if store is None else _all_lines(facts, (store,))

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        allowed = self._allowed(facts)
        if allowed is None:
            return Ranking.abstain("the order names no pickup store")
        return Ranking.of(
            units_outside(plans, allowed), f"units not from the pickup store {facts.order.pickup_location}"
        )

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        store = facts.order.pickup_location
        if store is None:
            return None
        return problem.narrowed(self.name, _all_lines(facts, (store,)))


@attrs.frozen
class ShopException:
    """例外店铺: the orders of a shop ship from the locations set for it."""

    name: ClassVar[str] = "shop_exception"
    shops: Mapping[Channel, tuple[LocationId, ...]] = attrs.field(
        default=_EMPTY, converter=_location_lists, validator=_non_empty_lists
    )
    required: bool = False

    def describe(self) -> str:
        pairs = "; ".join(f"{shop} → {_names(locs)}" for shop, locs in sorted(self.shops.items()))
        return f"{pairs}{' (required)' if self.required else ''}"

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        locations = self.shops.get(facts.order.channel)
        if locations is None:
            return Ranking.abstain(f"no exception for {facts.order.channel}")
        return Ranking.of(units_outside(plans, _all_lines(facts, locations)), f"units not from {_names(locations)}")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        locations = self.shops.get(facts.order.channel)
        if locations is None:
            return None
        return problem.narrowed(self.name, _all_lines(facts, locations))


@attrs.frozen
class SkuLocation:
    """商品指定仓 / 例外商品: the lines of a SKU ship from the locations set for the SKU."""

    name: ClassVar[str] = "sku_location"
    skus: Mapping[SkuCode, tuple[LocationId, ...]] = attrs.field(
        default=_EMPTY, converter=_location_lists, validator=_non_empty_lists
    )
    required: bool = False

    def describe(self) -> str:
        pairs = "; ".join(f"{sku} → {_names(locs)}" for sku, locs in sorted(self.skus.items()))
        return f"{pairs}{' (required)' if self.required else ''}"

    def _allowed(self, facts: RoutingFacts) -> dict[LineId, frozenset[LocationId]]:
        return {line.id: frozenset(self.skus[line.sku]) for line in facts.lines if line.sku in self.skus}

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        allowed = self._allowed(facts)
        if not allowed:
            return Ranking.abstain("no SKU of the order has its own locations")
        return Ranking.of(units_outside(plans, allowed), "units of listed SKUs not from their locations")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        allowed = self._allowed(facts)
        if not allowed:
            return None
        return problem.narrowed(self.name, allowed)


@attrs.frozen
class HomeRegion:
    """属地仓: the order ships from the home locations of the recipient's region.

    With ``regions`` (region code → locations) the most specific code that covers the recipient's address
    decides the home locations. Without an entry for the address, the home locations are those whose own
    ``regions`` list names the recipient's region (locations serving everywhere are nobody's home).
    """

    name: ClassVar[str] = "home_region"
    regions: Mapping[str, tuple[LocationId, ...]] = attrs.field(
        default=_EMPTY, converter=_location_lists, validator=_non_empty_lists
    )
    required: bool = False

    def describe(self) -> str:
        pairs = "; ".join(f"{region} → {_names(locs)}" for region, locs in sorted(self.regions.items()))
        text = pairs or "the locations' own regions"
        return f"{text}{' (required)' if self.required else ''}"

    def home(self, facts: RoutingFacts) -> tuple[LocationId, ...]:
        """The home locations of the order's recipient (may be empty)."""
        path = facts.order.recipient.address.region_path()
        best: tuple[int, str] | None = None
        for region in self.regions:
            key = region_key(region)
            if len(key) <= len(path) and path[: len(key)] == key and (best is None or len(key) > best[0]):
                best = (len(key), region)
        if best is not None:
            return self.regions[best[1]]
        return tuple(loc.id for loc in facts.candidates if loc.regions and loc.serves(path))

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        home = self.home(facts)
        if not home:
            return Ranking.abstain("no home location for the recipient's region")
        return Ranking.of(units_outside(plans, _all_lines(facts, home)), f"units not from {_names(home)}")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        home = self.home(facts)
        if not home:
            return None
        return problem.narrowed(self.name, _all_lines(facts, home))


@attrs.frozen
class Presale:
    """预售: presale lines ship from the presale locations (where the presale batch arrives).

    Without ``locations`` the rule keeps the presale lines together: it ranks by the number of locations they
    come from beyond one.
    """

    name: ClassVar[str] = "presale"
    locations: tuple[LocationId, ...] = attrs.field(default=(), converter=_locations)
    required: bool = False

    def describe(self) -> str:
        where = f"from {_names(self.locations)}" if self.locations else "kept together"
        return f"{where}{' (required)' if self.required else ''}"

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        if not facts.presale:
            return Ranking.abstain("no presale line")
        if self.locations:
            allowed = dict.fromkeys(facts.presale, frozenset(self.locations))
            return Ranking.of(units_outside(plans, allowed), f"presale units not from {_names(self.locations)}")
        spread = (len({a.location for a in p.allocations if a.line_id in facts.presale}) - 1 for p in plans)
        return Ranking.of(spread, "extra locations of the presale lines")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        if not facts.presale or not self.locations:
            return None
        return problem.narrowed(self.name, dict.fromkeys(facts.presale, frozenset(self.locations)))


@attrs.frozen
class DropShip:
    """工厂代发: a drop-ship supplier ships only the SKUs the merchant's own locations cannot.

    A SKU is the supplier's when the candidate locations that are not suppliers together have fewer units
    of it available than the order asks for.
    """

    name: ClassVar[str] = "drop_ship"
    required: bool = False

    def describe(self) -> str:
        return "required" if self.required else ""

    def _own(self, facts: RoutingFacts) -> dict[LineId, frozenset[LocationId]] | None:
        """The lines own locations can ship, each allowed only at own locations; ``None`` when the candidates
        hold no supplier or nothing but suppliers."""
        own = frozenset(loc.id for loc in facts.candidates if loc.kind is not LocationKind.SUPPLIER)
        if not own or len(own) == len(facts.candidates):
            return None
        demand: dict[SkuCode, int] = {}
        for line in facts.lines:
            demand[line.sku] = demand.get(line.sku, 0) + line.quantity
        coverable = {sku for sku, qty in demand.items() if sum(facts.units_available(loc, sku) for loc in own) >= qty}
        return {line.id: own for line in facts.lines if line.sku in coverable}

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        allowed = self._own(facts)
        if allowed is None:
            return Ranking.abstain("no drop-ship supplier among the candidates")
        return Ranking.of(units_outside(plans, allowed), "units from a supplier that own locations could ship")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        allowed = self._own(facts)
        if not allowed:
            return None
        return problem.narrowed(self.name, allowed)


@attrs.frozen
class KeepKits:
    """组合商品: the lines of one ordered kit ship from one location, unless the catalog says the kit may be
    split (without a catalog every kit is kept whole)."""

    name: ClassVar[str] = "keep_kits"
    required: bool = False

    def describe(self) -> str:
        return "required" if self.required else ""

    def groups(self, facts: RoutingFacts) -> list[tuple[LineId, ...]]:
        """The lines of each kit instance that must stay together, sorted."""
        catalog = facts.inputs.catalog
        by_instance: dict[str, list[LineId]] = {}
        for line in facts.lines:
            if line.kit is None or line.kit_instance is None:
                continue
            kit = catalog.kits.get(line.kit) if catalog is not None else None
            if kit is not None and kit.splittable:
                continue
            by_instance.setdefault(line.kit_instance, []).append(line.id)
        return sorted(tuple(ids) for ids in by_instance.values() if len(ids) > 1)

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        groups = self.groups(facts)
        if not groups:
            return Ranking.abstain("no kit that must stay whole")
        ranks = []
        for plan in plans:
            spread = 0
            for group in groups:
                if len({a.location for a in plan.allocations if a.line_id in group}) > 1:
                    spread += 1
            ranks.append(spread)
        return Ranking.of(ranks, "kits split over locations")

    def restrict(self, problem: SourcingProblem, facts: RoutingFacts) -> SourcingProblem | None:
        groups = self.groups(facts)
        if not groups:
            return None
        return problem.with_groups(self.name, groups)
