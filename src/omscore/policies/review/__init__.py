"""审单: order review as an ordered set of rules, each either passing the order or holding it with a reason.

A host adds its own rules by implementing :class:`ReviewRule`; :func:`default_rules` builds the shipped set
from :class:`ReviewSettings`. Every rule runs (holds accumulate) so a person sees all the reasons an order
waits at once. The configurable conditions (:class:`AmountRange`, :class:`SkuList`, :class:`BuyerList` …) hold,
flag as a risk or approve the orders they match, as their ``then`` says.
"""

from omscore.policies.review.conditions import (
    AmountRange,
    BuyerList,
    DiscountCeiling,
    MemoKeywords,
    QuantityRange,
    RecipientList,
    RegionList,
)
from omscore.policies.review.decision import ReviewDecision, review
from omscore.policies.review.line_conditions import LineKinds, PriceFloor, SkuList, TagList
from omscore.policies.review.port import Approve, ReviewRule, Then, Verdict
from omscore.policies.review.rules import CodLimit, IncompleteAddress, MemoPresent, UnmappedSku, default_rules
from omscore.policies.review.settings import ReviewSettings

__all__ = [
    "AmountRange",
    "Approve",
    "BuyerList",
    "CodLimit",
    "DiscountCeiling",
    "IncompleteAddress",
    "LineKinds",
    "MemoKeywords",
    "MemoPresent",
    "PriceFloor",
    "QuantityRange",
    "RecipientList",
    "RegionList",
    "ReviewDecision",
    "ReviewRule",
    "ReviewSettings",
    "SkuList",
    "TagList",
    "Then",
    "UnmappedSku",
    "Verdict",
    "default_rules",
    "review",
]
