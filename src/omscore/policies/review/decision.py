"""审单: run the ordered rule set over an order.

Every rule runs (holds accumulate) so a person sees all the reasons an order waits at once — until a rule
approves the order outright (:class:`~omscore.policies.review.Approve`, an allow list): the rules after it do not
run, and the holds found before it stay.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.holds import Hold
from omscore.domain.order import Order
from omscore.policies.explain import Explanation
from omscore.policies.review.port import Approve, ReviewRule


@attrs.frozen
class ReviewDecision:
    """Approve (no holds) or hold with every reason found.

    Attributes:
        holds: every hold the rules put on the order.
        explanation: each rule's verdict, in order.
        approved_by: the approval that ended the review early, if a rule gave one.
    """

    holds: tuple[Hold, ...]
    explanation: Explanation
    approved_by: Approve | None = None

    @property
    def approved(self) -> bool:
        return not self.holds


@functools.lru_cache(maxsize=4096)
def _passed(name: str) -> str:
    """The step of a rule that passed: one string per rule name, shared by every order's explanation."""
    return f"{name}: pass"


def review(order: Order, catalog: Catalog, rules: Sequence[ReviewRule]) -> ReviewDecision:
    """Run the rules over ``order`` in order and collect the holds; a rule's :class:`Approve` ends the run."""
    holds: list[Hold] = []
    steps: list[str] = []
    for rule in rules:
        verdict = rule.check(order, catalog)
        if verdict is None:
            steps.append(_passed(rule.name))
        elif isinstance(verdict, Approve):
            steps.append(f"{rule.name}: approve ({verdict.reason}); the rules after it do not run")
            summary = "approved by a rule" if not holds else f"held by {len(holds)} rule(s)"
            return ReviewDecision(tuple(holds), Explanation("review", summary, tuple(steps)), verdict)
        else:
            holds.append(verdict)
            steps.append(f"{rule.name}: hold ({verdict.detail})")
    summary = "approved: every rule passed" if not holds else f"held by {len(holds)} rule(s)"
    return ReviewDecision(tuple(holds), Explanation("review", summary, tuple(steps)))
