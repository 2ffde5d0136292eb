"""审单: run the ordered rule set over an order.

Every rule runs (holds accumulate) so a person sees all the reasons an order waits at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.holds import Hold
from omscore.domain.order import Order
from omscore.policies.explain import Explanation
from omscore.policies.review.rules import (
    ReviewRule,
)


@attrs.frozen
class ReviewDecision:
    """Approve (no holds) or hold with every reason found."""

    holds: tuple[Hold, ...]
    explanation: Explanation

    @property
    def approved(self) -> bool:
        return not self.holds


def review(order: Order, catalog: Catalog, rules: Sequence[ReviewRule]) -> ReviewDecision:
    """Run every rule over ``order`` and collect the holds."""
    holds: list[Hold] = []
    steps: list[str] = []
    for rule in rules:
        hold = rule.check(order, catalog)
        if hold is None:
            steps.append(f"{rule.name}: pass")
        else:
            holds.append(hold)
            steps.append(f"{rule.name}: hold ({hold.detail})")
    summary = "approved: every rule passed" if not holds else f"held by {len(holds)} rule(s)"
    return ReviewDecision(tuple(holds), Explanation("review", summary, tuple(steps)))
