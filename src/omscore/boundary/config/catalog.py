"""The catalog sections of the configuration file: SKUs, kits (组合商品) and the shops' listings, with their
cross-checks and their conversion into the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from omscore.boundary._fields import MAX_QUANTITY, STRICT, Code, ExternalId, Minor, Name
from omscore.boundary.config.checks import Known, first_seen
from omscore.boundary.config.conversion import converted
from omscore.boundary.config.fields import TagList, domain_default
from omscore.boundary.errors import FieldProblem
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.identity import Channel, SkuCode


class SkuConfig(BaseModel):
    """A stock-keeping unit."""

    model_config = STRICT

    code: Code = Field(description="The merchant's SKU code.")
    name: Name = Field(default="", description="Display name.")
    weight_g: int = Field(default=domain_default(Sku, "weight_g"), ge=0, le=10**7, description="Unit weight in grams.")
    volume_cm3: int = Field(
        default=domain_default(Sku, "volume_cm3"), ge=0, le=10**9, description="Unit volume in cm³."
    )
    tags: TagList = Field(
        default_factory=list, max_length=32, description="Handling tags: ship_alone, cold_chain, fragile, oversize …"
    )
    reference_price_minor: Minor = Field(
        default=domain_default(Sku, "reference_price_minor"),
        description="List price in minor units; weights a kit's price over its components.",
    )


class KitComponentConfig(BaseModel):
    """One SKU of a kit."""

    model_config = STRICT

    sku: Code = Field(description="A SKU code declared in skus.")
    quantity: int = Field(ge=1, le=MAX_QUANTITY, description="Units of the SKU in one kit.")


class KitConfig(BaseModel):
    """A bundle (组合商品) sold as one item and shipped as its components."""

    model_config = STRICT

    code: Code = Field(description="Kit code (its own namespace, apart from SKU codes).")
    components: list[KitComponentConfig] = Field(min_length=1, max_length=100, description="What one kit holds.")
    splittable: bool = Field(
        default=domain_default(Kit, "splittable"),
        description="Whether one kit's components may ship in different parcels.",
    )


class ListingConfig(BaseModel):
    """A platform listing of a shop, mapped to exactly one SKU or one kit."""

    model_config = STRICT

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")
    listing_id: ExternalId = Field(description="The platform's id of the item or item variant.")
    sku: Code | None = Field(default=None, description="The SKU it sells (give sku or kit).")
    kit: Code | None = Field(default=None, description="The kit it sells (give sku or kit).")


def check_catalog(
    skus: Sequence[SkuConfig], kits: Sequence[KitConfig], listings: Sequence[ListingConfig], known: Known
) -> list[FieldProblem]:
    """SKU and kit codes once each; a kit's SKUs declared, each once in the kit; a shop's listings once each, of
    a declared shop, selling exactly one declared SKU or kit."""
    problems: list[FieldProblem] = []

    def problem(field: str, value: Any, reason: str, code: str) -> None:
        problems.append(FieldProblem(field, value, reason, code))

    sku_codes: set[str] = set()
    for i, sku in enumerate(skus):
        first_seen(problems, sku_codes, sku.code, f"skus.{i}.code", sku.code, "SKU code")
    kit_codes: set[str] = set()
    for i, kit in enumerate(kits):
        first_seen(problems, kit_codes, kit.code, f"kits.{i}.code", kit.code, "kit code")
        in_kit: set[str] = set()
        for j, component in enumerate(kit.components):
            field = f"kits.{i}.components.{j}.sku"
            if component.sku not in known.skus:
                problem(field, component.sku, "unknown SKU", "unknown_reference")
            first_seen(problems, in_kit, component.sku, field, component.sku, "SKU in the kit")
    listed: set[tuple[str, str, str]] = set()
    for i, listing in enumerate(listings):
        if (listing.platform, listing.shop) not in known.shops:
            problem(
                f"listings.{i}.shop", f"{listing.platform}:{listing.shop}", "shop not declared", "unknown_reference"
            )
        key = (listing.platform, listing.shop, listing.listing_id)
        first_seen(problems, listed, key, f"listings.{i}.listing_id", listing.listing_id, "listing of the shop")
        if (listing.sku is None) == (listing.kit is None):
            problem(f"listings.{i}", listing.listing_id, "give exactly one of sku or kit", "sku_or_kit")
        elif listing.sku is not None and listing.sku not in known.skus:
            problem(f"listings.{i}.sku", listing.sku, "unknown SKU", "unknown_reference")
        elif listing.kit is not None and listing.kit not in kit_codes:
            problem(f"listings.{i}.kit", listing.kit, "unknown kit", "unknown_reference")
    return problems


def to_catalog(skus: Sequence[SkuConfig], kits: Sequence[KitConfig], listings: Sequence[ListingConfig]) -> Catalog:
    """The catalog of the SKUs, kits and listings."""
    return Catalog.build(
        skus=(
            Sku(
                code=SkuCode(s.code),
                name=s.name,
                weight_g=s.weight_g,
                volume_cm3=s.volume_cm3,
                tags=converted(s.tags),
                reference_price_minor=s.reference_price_minor,
            )
            for s in skus
        ),
        kits=(
            Kit(
                code=k.code,
                components=converted([KitComponent(SkuCode(c.sku), c.quantity) for c in k.components]),
                splittable=k.splittable,
            )
            for k in kits
        ),
        listings=(
            Listing(
                channel=Channel(x.platform, x.shop),
                listing_id=x.listing_id,
                sku=None if x.sku is None else SkuCode(x.sku),
                kit=x.kit,
            )
            for x in listings
        ),
    )
