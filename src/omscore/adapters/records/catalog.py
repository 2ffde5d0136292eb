"""Catalog records: the catalog's SKUs, kits and listings, as JSON-ready data and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omscore.adapters.records.format import RECORD_FORMAT, Record, _read
from omscore.adapters.records.values import _channel, _channel_from
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.identity import SkuCode


def catalog_to_record(catalog: Catalog) -> Record:
    """The catalog as JSON-ready data: SKUs, kits and listings in the catalog's own order.

    Args:
        catalog: the catalog to convert.

    Returns:
        A dict that :func:`catalog_from_record` turns back into an equal catalog.
    """
    return {
        "format": RECORD_FORMAT,
        "skus": [
            {
                "code": sku.code,
                "name": sku.name,
                "weight_g": sku.weight_g,
                "volume_cm3": sku.volume_cm3,
                "tags": sorted(sku.tags),
                "reference_price_minor": sku.reference_price_minor,
            }
            for sku in catalog.skus.values()
        ],
        "kits": [
            {
                "code": kit.code,
                "components": [{"sku": c.sku, "quantity": c.quantity} for c in kit.components],
                "splittable": kit.splittable,
            }
            for kit in catalog.kits.values()
        ],
        "listings": [
            {"channel": _channel(lst.channel), "listing_id": lst.listing_id, "sku": lst.sku, "kit": lst.kit}
            for lst in catalog.listings.values()
        ],
    }


def catalog_from_record(data: Mapping[str, Any]) -> Catalog:
    """Rebuild a catalog from :func:`catalog_to_record` data.

    The catalog is rebuilt as stored, without the cross-checks of :meth:`Catalog.build` (it was checked
    when it was built); the look-up maps are keyed as :meth:`Catalog.build` keys them.

    Args:
        data: the record.

    Returns:
        The catalog.

    Raises:
        SchemaVersionError: the record was written in a newer format.
        PersistenceError: the record is damaged.
    """
    return _read("catalog", data, _catalog_from)


def _components_from(data: list[Mapping[str, Any]]) -> tuple[KitComponent, ...]:
    return tuple(KitComponent(SkuCode(c["sku"]), c["quantity"]) for c in data)


def _catalog_from(data: Mapping[str, Any]) -> Catalog:
    skus = [
        Sku(
            code=SkuCode(s["code"]),
            name=s["name"],
            weight_g=s["weight_g"],
            volume_cm3=s["volume_cm3"],
            tags=frozenset(s["tags"]),
            reference_price_minor=s["reference_price_minor"],
        )
        for s in data["skus"]
    ]
    kits = [
        Kit(code=k["code"], components=_components_from(k["components"]), splittable=k["splittable"])
        for k in data["kits"]
    ]
    listings = [
        Listing(
            channel=_channel_from(lst["channel"]),
            listing_id=lst["listing_id"],
            sku=None if lst["sku"] is None else SkuCode(lst["sku"]),
            kit=lst["kit"],
        )
        for lst in data["listings"]
    ]
    return Catalog(
        skus={sku.code: sku for sku in skus},
        kits={kit.code: kit for kit in kits},
        listings={(lst.channel, lst.listing_id): lst for lst in listings},
    )
