"""The whole merchant configuration file as one pydantic model, the root of the sections' models; its JSON
Schema is the committed ``merchant_config.schema.json``."""

from __future__ import annotations

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT
from omscore.boundary.config.catalog import KitConfig, ListingConfig, SkuConfig
from omscore.boundary.config.fields import MAX_CATALOG_ENTRIES, MAX_NETWORK_ENTRIES
from omscore.boundary.config.network import CarrierConfig, LocationConfig
from omscore.boundary.config.rules import RulesConfig
from omscore.boundary.config.sharing import SharingSection
from omscore.boundary.config.shops import ShopConfig
from omscore.boundary.config.stock import StockConfig


class MerchantConfigDocument(BaseModel):
    """The whole configuration file of one merchant."""

    model_config = STRICT

    shops: list[ShopConfig] = Field(min_length=1, max_length=MAX_NETWORK_ENTRIES)
    skus: list[SkuConfig] = Field(max_length=MAX_CATALOG_ENTRIES)
    kits: list[KitConfig] = Field(default_factory=list, max_length=MAX_CATALOG_ENTRIES)
    listings: list[ListingConfig] = Field(default_factory=list, max_length=MAX_CATALOG_ENTRIES)
    locations: list[LocationConfig] = Field(min_length=1, max_length=MAX_NETWORK_ENTRIES)
    carriers: list[CarrierConfig] = Field(default_factory=list, max_length=MAX_NETWORK_ENTRIES)
    stock: list[StockConfig] = Field(default_factory=list, max_length=MAX_CATALOG_ENTRIES)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    sharing: SharingSection = Field(default_factory=SharingSection)
