"""omscore's public test kit: contract suites for adapter authors, Hypothesis strategies and sample values.

- :mod:`omscore.testing.contracts`: one pytest base class per storage port; subclass them and provide the
  ``uow_factory`` fixture to prove an adapter (see that module for how).
- :mod:`omscore.testing.strategies`: strategies for money, SKUs, catalogs, networks, stock, recipients (with
  respellings that must normalise alike) and platform orders.
- :mod:`omscore.testing.samples`: ready-made orders, shipments, catalogs and networks, plain and "rich" (every
  field set).

Requires ``pytest`` and ``hypothesis``.
"""

from omscore.testing.contracts import (
    CatalogRepositoryContract,
    GiftQuotasContract,
    InboundStockContract,
    InventoryStoreContract,
    NetworkRepositoryContract,
    OrderRepositoryContract,
    OutboxContract,
    ShipmentRepositoryContract,
    TenancyContract,
    UnitOfWorkContract,
)
from omscore.testing.samples import (
    SAMPLE_CHANNEL,
    SAMPLE_TIME,
    rich_catalog,
    rich_network,
    rich_order,
    rich_shipment,
    sample_order,
    sample_recipient,
    sample_shipment,
    state_of,
)
from omscore.testing.strategies import (
    CITY_CENTRES,
    PLATFORMS,
    REGION_TREE,
    addresses,
    carriers,
    catalogs,
    channels,
    currencies,
    geo_points,
    locations,
    money,
    networks,
    platform_orders,
    recipient_pairs,
    recipient_variants,
    recipients,
    region_codes,
    sku_codes,
    skus,
    stock_levels,
)

__all__ = [
    "CITY_CENTRES",
    "PLATFORMS",
    "REGION_TREE",
    "SAMPLE_CHANNEL",
    "SAMPLE_TIME",
    "CatalogRepositoryContract",
    "GiftQuotasContract",
    "InboundStockContract",
    "InventoryStoreContract",
    "NetworkRepositoryContract",
    "OrderRepositoryContract",
    "OutboxContract",
    "ShipmentRepositoryContract",
    "TenancyContract",
    "UnitOfWorkContract",
    "addresses",
    "carriers",
    "catalogs",
    "channels",
    "currencies",
    "geo_points",
    "locations",
    "money",
    "networks",
    "platform_orders",
    "recipient_pairs",
    "recipient_variants",
    "recipients",
    "region_codes",
    "rich_catalog",
    "rich_network",
    "rich_order",
    "rich_shipment",
    "sample_order",
    "sample_recipient",
    "sample_shipment",
    "sku_codes",
    "skus",
    "state_of",
    "stock_levels",
]
