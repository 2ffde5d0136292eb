"""The facts about one parcel that carrier rules look at."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.domain.order import Order, PaymentMode
from omscore.domain.shipment import ShipmentLine


@attrs.frozen
class ParcelFacts:
    """A parcel as carrier selection sees it.

    Attributes:
        location: where it leaves from.
        channel: the shop the order came from.
        region: the recipient's region path (normalised, as :meth:`Address.region_path` gives it).
        weight_g: total weight of its units.
        volume_cm3: total volume of its units.
        skus: the SKUs in it.
        tags: the union of its SKUs' tags.
        cod_minor: cash the carrier collects on delivery (the lines' amounts), or ``None`` when prepaid.
        seller_memo, buyer_memo: the order's memos.
        unknown_skus: SKUs not in the catalog (counted with no weight, volume or tags).
    """

    location: LocationId
    channel: Channel
    region: tuple[str, ...]
    weight_g: int = 0
    volume_cm3: int = 0
    skus: frozenset[SkuCode] = frozenset()
    tags: frozenset[str] = frozenset()
    cod_minor: int | None = None
    seller_memo: str = ""
    buyer_memo: str = ""
    unknown_skus: tuple[SkuCode, ...] = ()

    @classmethod
    def of(cls, order: Order, location: LocationId, lines: Sequence[ShipmentLine], catalog: Catalog) -> ParcelFacts:
        """The facts of the parcel of ``lines`` of ``order`` leaving ``location``."""
        weight = volume = 0
        tags: set[str] = set()
        unknown: set[SkuCode] = set()
        for line in lines:
            sku = catalog.sku(line.sku)
            if sku is None:
                unknown.add(line.sku)
                continue
            weight += sku.weight_g * line.quantity
            volume += sku.volume_cm3 * line.quantity
            tags.update(sku.tags)
        cod = sum(line.amount.minor for line in lines) if order.payment is PaymentMode.COD else None
        return cls(
            location=location,
            channel=order.channel,
            region=order.recipient.address.region_path(),
            weight_g=weight,
            volume_cm3=volume,
            skus=frozenset(line.sku for line in lines),
            tags=frozenset(tags),
            cod_minor=cod,
            seller_memo=order.seller_memo,
            buyer_memo=order.buyer_memo,
            unknown_skus=tuple(sorted(unknown)),
        )

    @property
    def region_text(self) -> str:
        return "/".join(self.region) or "an address without region"

    def describe(self) -> str:
        """One line for an explanation."""
        parts = [f"parcel from {self.location} to {self.region_text}: {self.weight_g} g, {self.volume_cm3} cm³"]
        if self.tags:
            parts.append(f"tags {', '.join(sorted(self.tags))}")
        if self.cod_minor is not None:
            parts.append(f"cash on delivery {self.cod_minor} minor")
        if self.unknown_skus:
            parts.append(f"unknown SKUs {', '.join(self.unknown_skus)} counted as 0 g")
        return "; ".join(parts)
