"""What the section models of the configuration file have in common: how many entries a section may hold, the
list of handling tags, memo keywords, and field defaults read from the domain and policy classes (so the file
format and the model never disagree)."""

from __future__ import annotations

from typing import Annotated, Any, Final

import attrs
from pydantic import StringConstraints

from omscore.boundary._fields import Tag

#: Most entries of the shops, locations and carriers sections.
MAX_NETWORK_ENTRIES: Final = 10_000
#: Most entries of the skus, kits, listings and stock sections.
MAX_CATALOG_ENTRIES: Final = 1_000_000
#: Most entries of a table inside a routing rule (locations per SKU, safety stock levels …).
MAX_RULE_ENTRIES: Final = 100_000
#: Most units a rule may count (an order holds at most 500 lines of at most 10⁶ units each).
MAX_ORDER_UNITS: Final = 10**9

TagList = list[Tag]
Keyword = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"\S")]
"""A word or phrase looked for in memos; never blank."""


def domain_default(cls: type, name: str) -> Any:
    """The default of an attrs field, so that the file format and the domain never disagree on it."""
    return attrs.fields_dict(cls)[name].default
