"""Hypothesis strategies for omscore's domain values, for property tests of omscore and of host applications.

Every strategy builds valid values (they pass the domain's own checks) from a small, realistic vocabulary:
Chinese regions with plausible geo points, platform shops, SKUs, kits and listings, and platform orders that
only reference listings of the catalog they are drawn for (unless asked for an unmapped one). They are
composed of cheap draws so that a property runs hundreds of examples in well under a second.

>>> from hypothesis import given
>>> from omscore.testing import strategies as oms
>>> @given(oms.catalogs().flatmap(oms.platform_orders))
... def test_lines_map(order): ...
"""

from omscore.testing.strategies.address import CITY_CENTRES, REGION_TREE, addresses, geo_points, region_codes
from omscore.testing.strategies.catalog import PLATFORMS, catalogs, channels, sku_codes, skus
from omscore.testing.strategies.currency import currencies, money
from omscore.testing.strategies.network import carriers, locations, networks
from omscore.testing.strategies.platform_order import platform_orders
from omscore.testing.strategies.recipient import recipient_pairs, recipient_variants, recipients
from omscore.testing.strategies.stock import stock_levels

__all__ = [
    "CITY_CENTRES",
    "PLATFORMS",
    "REGION_TREE",
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
    "sku_codes",
    "skus",
    "stock_levels",
]
