"""赠品: gift rules that add gifts to an approved order — amount bands (满额赠), quantity tiers (满件赠), SKUs
bought (买 A 赠 B), buy N get M (买 N 赠 M) and memo keywords (备注赠品).

A :class:`GiftRule` joins a trigger to the :class:`Gift` s it gives, for its shops and activity window, with a
priority, an optional exclusive group, a per-order limit and its activity's caps (``quota``, ``per_buyer``).
:func:`decide_gifts` is the pure decision: it takes the order, the rules, the catalog, the gift stock and the
units each activity has left, and returns a :class:`GiftDecision` — the :class:`GiftGrant` s and an
explanation with one step per rule. A gift short of stock gives way to its first fallback in stock. A host adds
its own trigger by implementing :class:`GiftTrigger` over a :class:`Purchase`. :class:`GiftSettings` holds the
merchant's rules and each shop's own.
"""

from omscore.policies.gifts.decision import GiftDecision, GiftGrant, decide_gifts
from omscore.policies.gifts.port import GiftTrigger, Match, Purchase
from omscore.policies.gifts.rules import Gift, GiftRule
from omscore.policies.gifts.settings import GiftSettings
from omscore.policies.gifts.triggers import AmountBand, BuyNGetM, MemoKeyword, QuantityTier, SkuPurchase

__all__ = [
    "AmountBand",
    "BuyNGetM",
    "Gift",
    "GiftDecision",
    "GiftGrant",
    "GiftRule",
    "GiftSettings",
    "GiftTrigger",
    "Match",
    "MemoKeyword",
    "Purchase",
    "QuantityTier",
    "SkuPurchase",
    "decide_gifts",
]
