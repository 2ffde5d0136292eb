"""The pools the listings of each SKU share: the listings grouped by the locations that serve them, each group's
pool and lock claims, every listing's share of it, and the headroom the entitlements leave in it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from omscore.app.publishing.book import ListingKey, _Listing
from omscore.app.publishing.settings import PublishMode
from omscore.domain.catalog import Catalog
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing import (
    AvailabilityModel,
    LocationStock,
    LockClaim,
    Participant,
    ShareDecision,
    SharePlan,
    SharePlanner,
    SharingConfig,
    StockLock,
    active_locks,
)


class StockReader(Protocol):
    """The slice of :class:`~omscore.ports.inventory.InventoryStore` the engine reads (any store satisfies it)."""

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]: ...


@attrs.define
class _Group:
    """Listings of one SKU served by the same locations, sharing one pool with one plan."""

    locations: frozenset[LocationId] | None
    members: list[_Listing]
    plan: SharePlan
    participants: list[Participant]

    def claims(self, locks: Iterable[StockLock], sku: SkuCode, now: datetime) -> list[LockClaim]:
        claims: list[LockClaim] = []
        for lock in active_locks(locks, sku, now):
            for index, participant in enumerate(self.participants):
                if participant.channel == lock.channel and lock.listing_id in (None, participant.listing_id):
                    claims.append(LockClaim(index, lock.quantity, f"{lock.key} until {lock.until.isoformat()}"))
                    break
        return claims


@attrs.define
class _Sku:
    groups: list[_Group]
    group_of: dict[Channel, int]
    open_units: dict[int, int] = attrs.field(factory=dict)  # group index -> units of orders not yet reserved
    budget: list[int] = attrs.field(factory=list)

    def pools(self, stocks: list[LocationStock], availability: AvailabilityModel) -> list[int]:
        """Each group's pool: its part of ``stocks`` less the orders not yet reserved."""
        if len(self.groups) == 1 and self.groups[0].locations is None:
            pools = [availability.pool(stocks)]
        else:
            weights = [sum(p.rule.weight for p in g.participants) for g in self.groups]
            pools = availability.split_pools(stocks, [g.locations for g in self.groups], weights)
        return [pool - self.open_units.get(i, 0) for i, pool in enumerate(pools)]

    def share(self, sku: SkuCode, pools: list[int], locks: Iterable[StockLock], now: datetime) -> None:
        """Give every listing its share of its group's pool, and set each group's budget."""
        for index, group in enumerate(self.groups):
            claims = group.claims(locks, sku, now)
            pairs = tuple((c.participant, c.units) for c in claims)
            shares = group.plan.shares(pools[index], pairs)
            for listing, units in zip(group.members, shares, strict=True):
                listing.shares[sku] = units
            rule = group.plan.pool_rule
            self.budget[index] = max(0, pools[index] - rule.buffer) + rule.presale_stock

    def decide(self, sku: SkuCode, pools: list[int], locks: Iterable[StockLock], now: datetime) -> list[ShareDecision]:
        """The sharing decision (with reasons), one per group."""
        return [
            group.plan.decide(pools[i], group.participants, sku=sku, locks=group.claims(locks, sku, now))
            for i, group in enumerate(self.groups)
        ]

    def headroom(self, now: datetime, risk: float) -> list[int]:
        """Per group: the budget minus what every listing may still sell or has exposed."""
        headroom: list[int] = []
        for index, group in enumerate(self.groups):
            used = 0
            for listing, participant in zip(group.members, group.participants, strict=True):
                if listing.mode is PublishMode.ABSOLUTE:
                    holding = listing.shown()
                else:
                    holding = max(0, listing.cap - listing.known) + listing.exposure(now, risk)
                used += holding * participant.per_unit
            headroom.append(self.budget[index] - used)
        return headroom


def build(
    catalog: Catalog, config: SharingConfig, availability: AvailabilityModel, mode: PublishMode
) -> tuple[dict[ListingKey, _Listing], dict[SkuCode, _Sku]]:
    """The listings to publish (those enabled, in (shop, listing id) order) and the SKUs they sell, in groups."""
    listings: dict[ListingKey, _Listing] = {}
    members: dict[SkuCode, list[tuple[ListingKey, int]]] = {}
    for (channel, listing_id), listing in sorted(catalog.listings.items()):
        if listing.sku is not None:
            needs: tuple[tuple[SkuCode, int], ...] = ((listing.sku, 1),)
        else:
            assert listing.kit is not None
            kit = catalog.kits[listing.kit]
            needs = tuple((c.sku, c.quantity) for c in kit.components)
        first = config.rule_for(channel, listing_id, needs[0][0])
        if not first.enabled:
            continue
        listings[(channel, listing_id)] = _Listing(
            channel,
            listing_id,
            needs,
            mode,
            timedelta(minutes=first.lag_minutes),
            first.velocity or 0.0,
            rank=len(listings),
        )
        for sku, per_unit in needs:
            members.setdefault(sku, []).append(((channel, listing_id), per_unit))
    planner = SharePlanner()
    skus: dict[SkuCode, _Sku] = {}
    for sku, keyed in members.items():
        skus[sku] = _build_sku(sku, keyed, listings, config, availability, planner)
    return listings, skus


def _build_sku(
    sku: SkuCode,
    keyed: list[tuple[ListingKey, int]],
    listings: dict[ListingKey, _Listing],
    config: SharingConfig,
    availability: AvailabilityModel,
    planner: SharePlanner,
) -> _Sku:
    pool_rule = config.pool_rule_for(sku)
    by_locations: dict[frozenset[LocationId] | None, list[tuple[ListingKey, int]]] = {}
    for key, per_unit in keyed:
        by_locations.setdefault(availability.locations_of(key[0]), []).append((key, per_unit))
    groups: list[_Group] = []
    group_of: dict[Channel, int] = {}
    for locations, entries in sorted(by_locations.items(), key=lambda item: sorted(item[0] or ())):
        participants = [
            Participant(ch, lid, config.rule_for(ch, lid, sku), per_unit) for (ch, lid), per_unit in entries
        ]
        plan = planner.plan([p.rule for p in participants], pool_rule)
        for (channel, _), _ in entries:
            group_of[channel] = len(groups)
        members = [listings[key] for key, _ in entries]
        groups.append(_Group(locations, members, plan, participants))
    return _Sku(groups, group_of, budget=[0] * len(groups))
