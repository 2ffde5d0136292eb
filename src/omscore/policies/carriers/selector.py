"""The rule-based carrier selector (快递策略).

:func:`choose_carrier` decides in two steps.

**Eligibility.** A carrier may take the parcel when it collects at the location, reaches the recipient's
region (and the region is none of its remote-area exclusions), takes the parcel's weight and volume, collects
cash on delivery (up to its limit) when the order is COD, the parcel has every tag it requires and none it
refuses, no shop or SKU rule forbids it (or allows only others), and its hard daily quota is not used up. A
carrier whose soft quota is used up, or that a memo refuses, stays eligible but is **held back**: it is
chosen only when no other eligible carrier can be.

**Choice.** The first of these stages that finds an eligible carrier decides:

1. ``memo``: a carrier named in the seller's memo, then in the buyer's, in reading order;
2. ``sku``: the carriers the parcel's SKU and tag rules prefer, rules in settings order;
3. ``shop``: the carriers the shop prefers, in order;
4. ``region``: the carriers preferred for the recipient's region, the most specific region first;
5. ``share``: among eligible carriers with a share, the one furthest below it (ties by the ranking);
6. ``rank``: among the candidates, the first by the ranking criteria, then by carrier id;
7. ``fallback``: the first eligible carrier of the fallback chain.

Carriers are visited in id order whatever order the network lists them in, and every tie ends on the carrier
id, so the same facts always give the same carrier. When nothing is chosen the decision is ``None`` and the
explanation lists every carrier with every reason it was not used.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

import attrs

from omscore.domain.address import normalise_text
from omscore.domain.catalog import Catalog
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Carrier, Network
from omscore.domain.order import Order
from omscore.domain.shipment import ShipmentLine
from omscore.policies.carriers.eligibility import Rejection, rejections
from omscore.policies.carriers.memo import MemoMention, read_memo
from omscore.policies.carriers.parcel import ParcelFacts
from omscore.policies.carriers.port import CarrierDecision
from omscore.policies.carriers.quotas import quota_full, share_pick
from omscore.policies.carriers.settings import CarrierSettings, Criterion
from omscore.policies.explain import Explanation

#: Parcels each carrier has had today at a location. The host keeps the counts (for example from the day's
#: planned shipments) and hands them in; the selector never changes them.
UsageSource = Callable[[LocationId], Mapping[CarrierId, int]]

NO_USAGE: Final[Mapping[CarrierId, int]] = types.MappingProxyType({})


class Stage(enum.StrEnum):
    """The stage of the choice that picked the carrier."""

    MEMO = "memo"
    SKU = "sku"
    SHOP = "shop"
    REGION = "region"
    SHARE = "share"
    RANK = "rank"
    FALLBACK = "fallback"


@attrs.frozen
class MemoRequest:
    """A carrier mention in a memo, and the network carrier it names (``None`` when it names none)."""

    source: str
    mention: MemoMention
    carrier: CarrierId | None


@attrs.frozen
class CarrierChoice:
    """The selector's full decision, as data and as explanation.

    Attributes:
        carrier: the chosen carrier, or ``None``.
        stage: the stage that chose it.
        explanation: the reasoning, readable as text and as data.
        eligible: every eligible carrier, by id.
        held_back: eligible carriers used only as a last resort, with why (soft quota used up, refused in a
            memo).
        rejections: every reason every ineligible carrier was rejected.
        memo: the carrier mentions found in the memos, seller's first.
    """

    carrier: CarrierId | None
    stage: Stage | None
    explanation: Explanation
    eligible: tuple[CarrierId, ...] = ()
    held_back: Mapping[CarrierId, str] = attrs.field(factory=dict)
    rejections: tuple[Rejection, ...] = ()
    memo: tuple[MemoRequest, ...] = ()

    def decision(self) -> CarrierDecision:
        """The decision in the shape of :class:`~omscore.policies.carriers.CarrierSelector`."""
        return CarrierDecision(self.carrier, self.explanation)


@attrs.frozen
class _Pick:
    carrier: CarrierId
    stage: Stage
    summary: str


class _Choice:
    """One run of :func:`choose_carrier`: the facts worked out once, and the stages over them."""

    def __init__(
        self, parcel: ParcelFacts, network: Network, settings: CarrierSettings, usage: Mapping[CarrierId, int]
    ) -> None:
        self.parcel = parcel
        self.network = network
        self.settings = settings
        self.usage = usage
        self.shop = settings.shop(parcel.channel)
        self.sku_rules = settings.sku_rules(parcel.skus, parcel.tags)
        self.rank_by = self.shop.rank_by if self.shop and self.shop.rank_by is not None else settings.rank_by
        self.candidates = (
            self.shop.candidates if self.shop and self.shop.candidates is not None else settings.candidates
        )
        self.fallback = self.shop.fallback if self.shop and self.shop.fallback is not None else settings.fallback
        self.steps: list[str] = [parcel.describe()]
        self.rejected: dict[CarrierId, tuple[Rejection, ...]] = {}
        self.eligible: dict[CarrierId, Carrier] = {}
        self.cost: dict[CarrierId, int] = {}
        self.days: dict[CarrierId, int] = {}
        self.held_back: dict[CarrierId, str] = {}
        self.memo: tuple[MemoRequest, ...] = ()
        self.allowed: frozenset[CarrierId] = frozenset()

    # --- facts --------------------------------------------------------------------------------------------

    def sort_out(self) -> None:
        if self.shop is not None:
            self.steps.append(f"shop rule for {self.shop.channel} applies")
        self.steps.extend(f"{rule.label} rule applies" for rule in self.sku_rules)
        for carrier in sorted(self.network.carriers.values(), key=lambda c: c.id):
            rules = self.settings.rules_for(carrier.id)
            used = self.usage.get(carrier.id, 0)
            found = rejections(carrier, rules, self.parcel, self.shop, self.sku_rules, used)
            if found:
                self.rejected[carrier.id] = found
                self.steps.append(f"{carrier.id}: not eligible: {'; '.join(r.detail for r in found)}")
                continue
            self.eligible[carrier.id] = carrier
            weight = rules.chargeable_weight_g(self.parcel.weight_g, self.parcel.volume_cm3)
            self.cost[carrier.id] = carrier.cost_minor(weight)
            self.days[carrier.id] = self.settings.transit.days(carrier, self.parcel.region).days
            if quota_full(rules, used):
                self.held_back[carrier.id] = f"its daily quota of {rules.daily_quota} is used up ({used} today)"
        self.memo = self.read_memos()
        for request in self.memo:
            if request.mention.refused and request.carrier in self.eligible:
                self.held_back.setdefault(request.carrier, f"refused in the {request.source} memo")
        for cid, carrier in self.eligible.items():
            facts = f"cost {self.cost[cid]}, {self.days[cid]} day(s), priority {carrier.priority}"
            held = f"; held back: {self.held_back[cid]}" if cid in self.held_back else ""
            self.steps.append(f"{cid}: eligible ({facts}){held}")

    def read_memos(self) -> tuple[MemoRequest, ...]:
        rules = self.settings.memo
        sources = [
            ("seller", self.parcel.seller_memo if rules.read_seller_memo else ""),
            ("buyer", self.parcel.buyer_memo if rules.read_buyer_memo else ""),
        ]
        if not any(text.strip() for _, text in sources):
            return ()
        aliases = dict(rules.folded_aliases)
        by_folded_id: dict[str, CarrierId] = {}
        for cid in sorted(self.network.carriers):
            aliases.setdefault(normalise_text(cid), cid)
            by_folded_id.setdefault(normalise_text(cid), cid)
        requests: list[MemoRequest] = []
        seen: set[CarrierId] = set()
        for source, text in sources:
            for mention in read_memo(text, aliases, rules.negations):
                carrier = mention.carrier if mention.carrier in self.network.carriers else None
                carrier = carrier or by_folded_id.get(normalise_text(mention.carrier))
                if carrier is not None and carrier in seen:
                    continue
                if carrier is not None:
                    seen.add(carrier)
                requests.append(MemoRequest(source, mention, carrier))
                verb = "refuses" if mention.refused else "names"
                named = carrier if carrier is not None else f"{mention.carrier}, not a carrier of the network"
                self.steps.append(f"{source} memo {verb} {named} ({mention.alias!r})")
        return tuple(requests)

    def why_not(self, carrier: CarrierId) -> str:
        if carrier not in self.network.carriers:
            return "not a carrier of the network"
        if carrier in self.rejected:
            return "; ".join(r.detail for r in self.rejected[carrier])
        if carrier in self.held_back:
            return f"held back: {self.held_back[carrier]}"
        return "not eligible"

    def rank_key(self, carrier: CarrierId) -> tuple[object, ...]:
        values: list[object] = []
        for criterion in self.rank_by:
            if criterion is Criterion.PRIORITY:
                values.append(self.eligible[carrier].priority)
            elif criterion is Criterion.COST:
                values.append(self.cost[carrier])
            else:
                values.append(self.days[carrier])
        values.append(carrier)
        return tuple(values)

    def ranked_facts(self, carrier: CarrierId) -> str:
        return ", ".join(
            f"{criterion} {value}" for criterion, value in zip(self.rank_by, self.rank_key(carrier)[:-1], strict=True)
        )

    # --- stages -------------------------------------------------------------------------------------------

    def first_of(self, carriers: Iterable[CarrierId], label: str) -> CarrierId | None:
        for carrier in carriers:
            if carrier in self.allowed:
                return carrier
            self.steps.append(f"{label} {carrier}: not used, {self.why_not(carrier)}")
        return None

    def by_memo(self) -> _Pick | None:
        for request in self.memo:
            if request.mention.refused or request.carrier is None:
                continue
            chosen = self.first_of([request.carrier], f"{request.source} memo names")
            if chosen is not None:
                alias = request.mention.alias
                return _Pick(chosen, Stage.MEMO, f"{chosen}: named in the {request.source} memo ({alias!r})")
        return None

    def by_sku(self) -> _Pick | None:
        for rule in self.sku_rules:
            chosen = self.first_of(rule.carriers, f"{rule.label} prefers")
            if chosen is not None:
                return _Pick(chosen, Stage.SKU, f"{chosen}: preferred for {rule.label}")
        return None

    def by_shop(self) -> _Pick | None:
        if self.shop is None:
            return None
        chosen = self.first_of(self.shop.carriers, f"shop {self.shop.channel} prefers")
        if chosen is None:
            return None
        return _Pick(chosen, Stage.SHOP, f"{chosen}: preferred by shop {self.shop.channel}")

    def by_region(self) -> _Pick | None:
        for rule in self.settings.region_rules(self.parcel.region):
            chosen = self.first_of(rule.carriers, f"region {rule.region} prefers")
            if chosen is not None:
                return _Pick(chosen, Stage.REGION, f"{chosen}: preferred for {rule.region}")
        return None

    def by_share(self) -> _Pick | None:
        chosen, text = share_pick(sorted(self.allowed), self.settings.rules_for, self.usage, self.rank_key)
        if chosen is None:
            return None
        self.steps.append(text)
        return _Pick(chosen, Stage.SHARE, f"{chosen}: furthest below its share")

    def by_rank(self) -> _Pick | None:
        pool = sorted((c for c in self.allowed if self.candidates is None or c in self.candidates), key=self.rank_key)
        if not pool:
            if self.candidates is not None:
                self.steps.append(f"none of the candidates {', '.join(self.candidates)} can be used")
            return None
        order = ", then ".join([*self.rank_by, "id"])
        listed = ", ".join(f"{c} ({self.ranked_facts(c)})" if self.rank_by else c for c in pool)
        self.steps.append(f"ranked by {order}: {listed}")
        return _Pick(pool[0], Stage.RANK, f"{pool[0]}: first by {order}")

    def by_fallback(self) -> _Pick | None:
        chosen = self.first_of(self.fallback, "fallback")
        return None if chosen is None else _Pick(chosen, Stage.FALLBACK, f"{chosen}: fallback")

    def pick(self) -> _Pick | None:
        stages: Sequence[Callable[[], _Pick | None]] = (
            self.by_memo,
            self.by_sku,
            self.by_shop,
            self.by_region,
            self.by_share,
            self.by_rank,
            self.by_fallback,
        )
        for allowed in self.tiers():
            self.allowed = allowed
            for stage in stages:
                chosen = stage()
                if chosen is not None:
                    return chosen
        return None

    def tiers(self) -> Iterable[frozenset[CarrierId]]:
        first = frozenset(self.eligible) - frozenset(self.held_back)
        if first:
            yield first
        if self.held_back:
            self.steps.append(f"trying the held-back carriers: {', '.join(sorted(self.held_back))}")
            yield frozenset(self.eligible)

    def result(self) -> CarrierChoice:
        self.sort_out()
        chosen = self.pick()
        if chosen is None:
            summary = "no eligible carrier" if not self.eligible else "no eligible carrier among the candidates"
            return self._choice(None, None, summary)
        summary = chosen.summary
        if chosen.carrier in self.held_back:
            summary += f" (though {self.held_back[chosen.carrier]}: no other carrier could take it)"
        return self._choice(chosen.carrier, chosen.stage, summary)

    def _choice(self, carrier: CarrierId | None, stage: Stage | None, summary: str) -> CarrierChoice:
        return CarrierChoice(
            carrier=carrier,
            stage=stage,
            explanation=Explanation("carrier", summary, tuple(self.steps)),
            eligible=tuple(self.eligible),
            held_back=types.MappingProxyType(dict(sorted(self.held_back.items()))),
            rejections=tuple(r for found in self.rejected.values() for r in found),
            memo=self.memo,
        )


def choose_carrier(
    parcel: ParcelFacts,
    network: Network,
    settings: CarrierSettings,
    usage: Mapping[CarrierId, int] = NO_USAGE,
) -> CarrierChoice:
    """Choose a carrier for a parcel.

    Args:
        parcel: the parcel's facts (:meth:`ParcelFacts.of`).
        network: the carriers to choose from.
        settings: the merchant's carrier rules.
        usage: parcels each carrier already has today (for quotas and shares); missing carriers have none.

    Returns:
        The :class:`CarrierChoice`: the carrier (or ``None``), the stage that chose it, and why.
    """
    return _Choice(parcel, network, settings, usage).result()


@attrs.frozen
class RuleBasedCarrierSelector:
    """A :class:`~omscore.policies.carriers.CarrierSelector` that applies :class:`CarrierSettings`.

    Attributes:
        settings: the merchant's carrier rules.
        usage: the day's parcels per carrier at a location; ``None`` = count none (quotas and shares then see
            an empty day).
    """

    settings: CarrierSettings = attrs.field(factory=CarrierSettings)
    usage: UsageSource | None = None

    def choose(
        self, order: Order, location: LocationId, lines: Sequence[ShipmentLine], network: Network, catalog: Catalog
    ) -> CarrierChoice:
        """The full decision for the parcel of ``lines`` of ``order`` leaving ``location``."""
        parcel = ParcelFacts.of(order, location, lines, catalog)
        usage = self.usage(location) if self.usage is not None else NO_USAGE
        return choose_carrier(parcel, network, self.settings, usage)

    def select(
        self, order: Order, location: LocationId, lines: Sequence[ShipmentLine], network: Network, catalog: Catalog
    ) -> CarrierDecision:
        """Choose a carrier for the parcel, or ``None`` with every reason (see :func:`choose_carrier`)."""
        return self.choose(order, location, lines, network, catalog).decision()
