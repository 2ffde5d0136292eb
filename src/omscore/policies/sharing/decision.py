"""The values around one sharing decision: the listings that take part and their active locks going in, and
each listing's share with its reasons coming out (:class:`ShareDecision`, with its explanation).
"""

from __future__ import annotations

import attrs

from omscore.domain.identity import Channel
from omscore.policies.explain import Explanation
from omscore.policies.sharing.settings import ShareRule, SharingMethod


@attrs.frozen
class Participant:
    """A listing taking part in a SKU's pool.

    Attributes:
        channel, listing_id: the listing.
        rule: its settings after inheritance.
        per_unit: units of the SKU in one unit of the listing (a kit component's quantity; 1 otherwise).
    """

    channel: Channel
    listing_id: str
    rule: ShareRule = attrs.field(factory=ShareRule)
    per_unit: int = 1


@attrs.frozen
class LockClaim:
    """An active lock as the plan sees it: ``units`` for participant ``participant``, named ``label``."""

    participant: int
    units: int
    label: str = ""


@attrs.frozen
class ShareLine:
    """One listing's share, in units of the SKU, and why."""

    channel: Channel
    listing_id: str
    quantity: int
    reasons: tuple[str, ...]


@attrs.frozen
class ShareDecision:
    """How a SKU's pool was shared.

    Attributes:
        sku: the SKU (or pool) the decision is about.
        pool: the pool before the buffer.
        method: the pool's sharing method.
        lines: one per participant, in participant order.
        unassigned: units of the pool (after the buffer) that no listing got.
        notes: what applied to the pool as a whole.
    """

    sku: str
    pool: int
    method: SharingMethod
    lines: tuple[ShareLine, ...]
    unassigned: int
    notes: tuple[str, ...] = ()

    @property
    def quantities(self) -> tuple[int, ...]:
        return tuple(line.quantity for line in self.lines)

    def explanation(self) -> Explanation:
        """The decision as a policy :class:`~omscore.policies.explain.Explanation`."""
        steps = list(self.notes)
        for line in self.lines:
            steps.append(f"{line.channel}/{line.listing_id}: {line.quantity} — " + "; ".join(line.reasons))
        published = sum(self.quantities)
        summary = f"{self.sku}: pool {self.pool}, published {published} over {len(self.lines)} listings"
        return Explanation(policy="sharing", summary=f"{summary}, {self.unassigned} not published", steps=tuple(steps))
