"""合单 settings: which orders are fulfilled together."""

from __future__ import annotations

import enum

import attrs

from omscore.policies.validation import not_negative


class WhenShort(enum.StrEnum):
    """What a merge does when the merged order could not be served in full from the stock available."""

    KEEP_APART = "keep_apart"
    """Do not merge when a part would lose its reservation or could be served on its own (the default)."""
    MERGE_ANYWAY = "merge_anyway"
    """Merge regardless of stock: the merged order waits until everything in it can ship."""


@attrs.frozen
class MergeSettings:
    """合单: which orders are fulfilled together.

    Attributes:
        enabled: merge at all.
        window_minutes: orders placed at most this far apart may merge.
        across_shops: merge orders of different shops of the merchant (same platform).
        include_presale: let orders with presale lines merge.
        when_short: what to do when the merged order could not be served in full (see
            :func:`omscore.policies.merge.check_serving`); a string value is converted.
    """

    enabled: bool = True
    window_minutes: int = attrs.field(default=120, validator=not_negative)
    across_shops: bool = False
    include_presale: bool = False
    when_short: WhenShort = attrs.field(default=WhenShort.KEEP_APART, converter=WhenShort)
