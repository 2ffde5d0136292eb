"""审单: order review as an ordered set of rules, each either passing the order or holding it with a reason.

A host adds its own rules by implementing :class:`ReviewRule`; :func:`default_rules` builds the shipped set
from :class:`ReviewSettings`. Every rule runs (holds accumulate) so a person sees all the reasons an order
waits at once.
"""

from omscore.policies.review.decision import ReviewDecision, review
from omscore.policies.review.rules import (
    CodLimit,
    IncompleteAddress,
    MemoPresent,
    ReviewRule,
    UnmappedSku,
    default_rules,
)
from omscore.policies.review.settings import ReviewSettings

__all__ = [
    "CodLimit",
    "IncompleteAddress",
    "MemoPresent",
    "ReviewDecision",
    "ReviewRule",
    "ReviewSettings",
    "UnmappedSku",
    "default_rules",
    "review",
]
