"""The merchant's catalog: SKUs, kits (bundles, 组合商品) and platform listings that point at them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from omscore.domain.errors import InvalidConfiguration, InvalidQuantity
from omscore.domain.identity import Channel, SkuCode

#: Tags the split and carrier policies understand; others are allowed and carried along.
KNOWN_TAGS = frozenset({"ship_alone", "cold_chain", "fragile", "oversize", "liquid", "battery"})


def _str_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _components(values: Iterable[KitComponent]) -> tuple[KitComponent, ...]:
    return tuple(values)


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise InvalidQuantity(attribute.name, value, "must not be negative")


@attrs.frozen
class Sku:
    """A stock-keeping unit.

    Attributes:
        code: the merchant's SKU code.
        name: display name.
        weight_g: unit weight in grams.
        volume_cm3: unit volume in cubic centimetres.
        tags: handling tags such as ``ship_alone``, ``cold_chain``, ``fragile``, ``oversize``.
        reference_price_minor: list price in minor units, the weight when a kit's price is apportioned over
            its components.
    """

    code: SkuCode
    name: str = ""
    weight_g: int = attrs.field(default=0, validator=_non_negative)
    volume_cm3: int = attrs.field(default=0, validator=_non_negative)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_str_set)
    reference_price_minor: int = attrs.field(default=0, validator=_non_negative)


@attrs.frozen
class KitComponent:
    """``quantity`` units of ``sku`` in one kit."""

    sku: SkuCode
    quantity: int

    def __attrs_post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidQuantity("quantity", self.quantity, "a kit component needs a positive quantity")


@attrs.frozen
class Kit:
    """A bundle sold as one item and shipped as its components.

    Attributes:
        code: the kit's code (shares the namespace of listing targets, not of SKUs).
        components: the SKUs and quantities one kit is made of.
        splittable: whether the components of one kit may ship in different parcels.
    """

    code: str
    components: tuple[KitComponent, ...] = attrs.field(converter=_components)
    splittable: bool = False

    def __attrs_post_init__(self) -> None:
        if not self.components:
            raise InvalidConfiguration("components", self.code, "a kit needs at least one component")
        codes = [c.sku for c in self.components]
        if len(set(codes)) != len(codes):
            raise InvalidConfiguration("components", codes, "a kit lists a SKU twice")


@attrs.frozen
class Listing:
    """A platform listing (a shop's item/SKU id) mapped to a SKU or a kit.

    Attributes:
        channel: the shop the listing belongs to.
        listing_id: the platform's id for the item or item variant.
        sku: the SKU it sells, or ``None`` when it sells a kit.
        kit: the kit it sells, or ``None`` when it sells a SKU.
    """

    channel: Channel
    listing_id: str
    sku: SkuCode | None = None
    kit: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.sku is None) == (self.kit is None):
            raise InvalidConfiguration("listing", self.listing_id, "a listing maps to exactly one SKU or one kit")


@attrs.frozen
class Catalog:
    """An immutable, validated view of the catalog with the look-ups the pipeline needs."""

    skus: Mapping[SkuCode, Sku]
    kits: Mapping[str, Kit]
    listings: Mapping[tuple[Channel, str], Listing]

    @classmethod
    def build(cls, skus: Iterable[Sku], kits: Iterable[Kit] = (), listings: Iterable[Listing] = ()) -> Catalog:
        """Index and cross-check SKUs, kits and listings.

        Raises:
            InvalidConfiguration: on a duplicate code or a kit/listing pointing at something unknown.
        """
        sku_map: dict[SkuCode, Sku] = {}
        for sku in skus:
            if sku.code in sku_map:
                raise InvalidConfiguration("skus.code", sku.code, "duplicate SKU code")
            sku_map[sku.code] = sku
        kit_map: dict[str, Kit] = {}
        for kit in kits:
            if kit.code in kit_map:
                raise InvalidConfiguration("kits.code", kit.code, "duplicate kit code")
            for component in kit.components:
                if component.sku not in sku_map:
                    raise InvalidConfiguration(f"kits.{kit.code}.components", component.sku, "unknown SKU")
            kit_map[kit.code] = kit
        listing_map: dict[tuple[Channel, str], Listing] = {}
        for listing in listings:
            key = (listing.channel, listing.listing_id)
            if key in listing_map:
                raise InvalidConfiguration("listings", f"{listing.channel}/{listing.listing_id}", "duplicate")
            if listing.sku is not None and listing.sku not in sku_map:
                raise InvalidConfiguration(f"listings.{listing.listing_id}.sku", listing.sku, "unknown SKU")
            if listing.kit is not None and listing.kit not in kit_map:
                raise InvalidConfiguration(f"listings.{listing.listing_id}.kit", listing.kit, "unknown kit")
            listing_map[key] = listing
        return cls(skus=sku_map, kits=kit_map, listings=listing_map)

    def listing(self, channel: Channel, listing_id: str) -> Listing | None:
        return self.listings.get((channel, listing_id))

    def sku(self, code: SkuCode) -> Sku | None:
        return self.skus.get(code)

    def listings_of(self, channel: Channel) -> list[Listing]:
        """Every listing of ``channel``, sorted by listing id."""
        return sorted((lst for (ch, _), lst in self.listings.items() if ch == channel), key=lambda x: x.listing_id)
