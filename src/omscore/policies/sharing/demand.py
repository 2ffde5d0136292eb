"""Demand during the sync lag: Poisson tails and quantiles, and the demand-paced split of a shared pool.

A channel sells a listing at some velocity (units per hour). Between a sale and the moment omscore learns of it
and tops the channel up again lies the sync lag. The units a channel sells in a window of ``t`` hours are modelled
as Poisson with mean ``velocity × t``; that model sizes the split of a shared pool and the guard the publishing
engine keeps when it takes units back from a channel.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

#: Below this probability a further unit no longer "covers" demand in the window; the rest of the pool is split
#: in proportion to velocity instead.
COVER_FLOOR = 1e-6


def poisson_tails(mean: float, floor: float = COVER_FLOOR) -> list[float]:
    """``[P(D ≥ 1), P(D ≥ 2), …]`` for ``D ~ Poisson(mean)``, up to the first tail below ``floor``."""
    if mean <= 0:
        return []
    tails: list[float] = []
    pmf = math.exp(-mean)
    cdf = pmf
    k = 0
    while True:
        tail = 1.0 - cdf
        if tail < floor:
            return tails
        tails.append(tail)
        k += 1
        pmf *= mean / k
        cdf += pmf


def poisson_quantile(mean: float, risk: float) -> int:
    """The smallest ``g`` with ``P(D > g) ≤ risk`` for ``D ~ Poisson(mean)``: how many sales a channel may
    already have made that omscore does not know of yet, at confidence ``1 − risk``."""
    if mean <= 0:
        return 0
    pmf = math.exp(-mean)
    cdf = pmf
    g = 0
    while 1.0 - cdf > risk:
        g += 1
        pmf *= mean / g
        cdf += pmf
        if g > 10 * mean + 100:  # numerical floor reached: the tail cannot be resolved further
            break
    return g


def pace_priority(
    velocities: Sequence[float], window_hours: Sequence[float]
) -> tuple[Callable[[int, int], tuple[float, Fraction, int]], list[list[float]]]:
    """The :class:`~omscore.policies.sharing.apportion.SeatSequence` priority of demand pacing, and each
    participant's cover tails.

    Each next unit goes to the participant for which it most raises the expected sales within its pacing window —
    the probability ``P(D ≥ s + 1)`` that the window's demand reaches that unit — so every channel first gets what
    covers its sales until its next top-up, fast channels more than slow ones. Once a unit covers less than
    :data:`COVER_FLOOR` it ranks by the Webster priority ``velocity / (2s + 1)`` instead: the rest of the pool
    follows velocity. Ties go to the earlier participant.
    """
    tails = [poisson_tails(v * w) for v, w in zip(velocities, window_hours, strict=True)]
    exact = [Fraction(v) for v in velocities]

    def priority(index: int, held: int) -> tuple[float, Fraction, int]:
        cover = tails[index]
        return (-cover[held] if held < len(cover) else 0.0, -exact[index] / (2 * held + 1), index)

    return priority, tails
