"""Daily quotas and shares between carriers.

Both need to know how many parcels each carrier already has today. The selector stays pure by taking those
counts as an input; the host keeps them (see :class:`~omscore.policies.carriers.selector.UsageSource`).

The share rule is deterministic: of the eligible carriers with a share, the one furthest below its target wins,
counting the parcel being placed — the largest ``(n + 1) × share / total_share − used``, where ``n`` is how many
parcels those carriers have between them — ties by the ranking, then by id. Over a day this hands out parcels
in the configured ratio, never off by a whole parcel per carrier while the same carriers stay eligible (the
smooth weighted round robin).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from omscore.domain.identity import CarrierId
from omscore.policies.carriers.settings import CarrierRules


def quota_full(rules: CarrierRules, used_today: int) -> bool:
    """Whether the carrier has had its daily quota of parcels."""
    return rules.daily_quota is not None and used_today >= rules.daily_quota


def share_pick(
    carriers: Sequence[CarrierId],
    rules: Callable[[CarrierId], CarrierRules],
    usage: Mapping[CarrierId, int],
    tie_break: Callable[[CarrierId], tuple[object, ...]],
) -> tuple[CarrierId | None, str]:
    """The carrier among ``carriers`` furthest below its share, and a sentence saying so.

    Args:
        carriers: eligible carriers (those without a share are ignored).
        rules: the rules of a carrier (its share).
        usage: parcels each carrier has today.
        tie_break: the ranking key, ending with the carrier id.

    Returns:
        ``(None, "")`` when no carrier has a share.
    """
    shared = [c for c in carriers if rules(c).share > 0]
    if not shared:
        return None, ""

    total_share = sum(rules(c).share for c in shared)
    placed = sum(usage.get(c, 0) for c in shared) + 1

    def target(carrier: CarrierId) -> Fraction:
        return Fraction(placed * rules(carrier).share, total_share)

    def key(carrier: CarrierId) -> tuple[Fraction, tuple[object, ...]]:
        return usage.get(carrier, 0) - target(carrier), tie_break(carrier)

    best = min(shared, key=key)
    standing = ", ".join(f"{c} {usage.get(c, 0)} of {float(target(c)):.2f}" for c in sorted(shared))
    text = f"shares over {placed} parcel(s), had/target: {standing}: {best} is furthest below its share"
    return best, text
