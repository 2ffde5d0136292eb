"""The availability model: how much of a SKU there is to share, and for which shops.

Per location the stock has on hand, reserved, safety stock, locked (set aside for something other than a shop —
a wholesale order, a quality hold) and in transit. The merchant chooses per location which quantity counts
(实际 on hand, 可用 available, 在途 available plus in transit) and which locations serve which shop. A kit is
available as the minimum over its components.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from omscore.domain.catalog import Kit
from omscore.domain.errors import InvalidQuantity
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing.apportion import webster


class Counted(enum.StrEnum):
    """Which quantity of a location counts towards the pool."""

    ON_HAND = "on_hand"
    """实际: every unit on the shelf, reservations not deducted (only locked units are)."""
    AVAILABLE = "available"
    """可用: on hand − reserved − safety − locked. The default, and the only basis that cannot oversell by itself."""
    IN_TRANSIT = "in_transit"
    """在途: available plus units on their way to the location."""


@attrs.frozen
class LocationStock:
    """One SKU's stock at one location, as the availability model sees it."""

    location: LocationId
    sku: SkuCode
    on_hand: int = 0
    reserved: int = 0
    safety: int = 0
    locked: int = 0
    in_transit: int = 0

    def __attrs_post_init__(self) -> None:
        for name in ("on_hand", "reserved", "safety", "locked", "in_transit"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise InvalidQuantity(name, value, "stock quantities are non-negative integers")

    @classmethod
    def of(cls, level: StockLevel, *, locked: int = 0, in_transit: int = 0) -> LocationStock:
        """From an inventory :class:`~omscore.domain.inventory.StockLevel`."""
        return cls(level.location, level.sku, level.on_hand, level.reserved, level.safety, locked, in_transit)

    def counted(self, basis: Counted) -> int:
        """The quantity ``basis`` counts (never negative)."""
        if basis is Counted.ON_HAND:
            value = self.on_hand - self.locked
        else:
            value = self.on_hand - self.reserved - self.safety - self.locked
            if basis is Counted.IN_TRANSIT:
                value += self.in_transit
        return max(0, value)


@attrs.frozen
class AvailabilityModel:
    """Which quantity counts where, and which locations serve which shop.

    Attributes:
        counts: the basis per location; locations not listed use ``default``.
        default: the basis of unlisted locations (``AVAILABLE``).
        serving: the locations that serve a shop; a shop not listed is served by every location.
    """

    counts: Mapping[LocationId, Counted] = attrs.field(factory=dict)
    default: Counted = Counted.AVAILABLE
    serving: Mapping[Channel, frozenset[LocationId]] = attrs.field(factory=dict)

    def quantity(self, stock: LocationStock) -> int:
        """What ``stock`` adds to the pool."""
        return stock.counted(self.counts.get(stock.location, self.default))

    def pool(self, stocks: Iterable[LocationStock]) -> int:
        """The SKU's pool when every location serves every shop: the sum of what each location counts."""
        counts, default = self.counts, self.default
        total = 0
        for stock in stocks:
            basis = counts.get(stock.location, default) if counts else default
            if basis is Counted.AVAILABLE:  # inlined: this is the hot path of bulk publishing
                value = stock.on_hand - stock.reserved - stock.safety - stock.locked
            else:
                value = stock.counted(basis)
            if value > 0:
                total += value
        return total

    def locations_of(self, channel: Channel) -> frozenset[LocationId] | None:
        """The locations serving ``channel``; ``None`` means every location."""
        return self.serving.get(channel)

    def split_pools(
        self,
        stocks: Sequence[LocationStock],
        groups: Sequence[frozenset[LocationId] | None],
        weights: Sequence[int],
    ) -> list[int]:
        """The pool of each group of shops served by the same locations (``None``: every location).

        Each location's quantity goes to the groups it serves; a location serving several groups is split among
        them by Webster on ``weights`` (the groups' total share weights), so no unit is counted in two pools.
        """
        pools = [0] * len(groups)
        for stock in stocks:
            quantity = self.quantity(stock)
            if not quantity:
                continue
            members = [i for i, group in enumerate(groups) if group is None or stock.location in group]
            if len(members) == 1:
                pools[members[0]] += quantity
            elif members:
                member_weights = [weights[i] for i in members]
                if not any(member_weights):
                    member_weights = [1] * len(members)
                for index, part in zip(members, webster(quantity, member_weights), strict=True):
                    pools[index] += part
        return pools


def kit_quantity(kit: Kit, component_units: Mapping[SkuCode, int]) -> int:
    """How many ``kit`` s the given units of its components make: the minimum over components of
    ``units // quantity`` (a missing component counts as zero)."""
    return min(component_units.get(c.sku, 0) // c.quantity for c in kit.components)
