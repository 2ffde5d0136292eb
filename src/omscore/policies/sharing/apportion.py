"""Apportionment: split an integer pool into integer parts by weight so that the parts never exceed the pool.

Three methods, each deterministic, with ties going to the earlier position:

* **Webster / Sainte-Laguë** (the default): a divisor method. House-monotone — when the pool grows by one unit
  no part falls — and unbiased between large and small weights; it leaves the exact quota by a unit only rarely.
* **Hamilton / largest remainder**: always within one unit of the exact quota, but not house-monotone (the
  Alabama paradox: a larger pool can give a channel less). Offered for parity with vendors that use it.
* **Quota method** (Balinski & Young): house-monotone *and* within one unit of the exact quota. Units are
  handed out one at a time by the D'Hondt priority ``w / (s + 1)``, and only to a part that would not rise above
  its upper quota.

Weights are non-negative integers (percentages, per-mille, units per hour × 100 — any scale). A part with weight
zero gets nothing; when every weight is zero nothing is handed out.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.money import allocate


class Method(enum.StrEnum):
    """How a pool is apportioned by weight."""

    WEBSTER = "webster"
    HAMILTON = "hamilton"
    QUOTA = "quota"


def _check_weights(weights: Sequence[int]) -> None:
    """Raises:
    InvalidConfiguration: a weight is negative or not an integer."""
    for index, weight in enumerate(weights):
        if type(weight) is not int or weight < 0:
            raise InvalidConfiguration(f"weights.{index}", weight, "weights must be non-negative integers")


Weight = int | Fraction
"""An apportionment weight: a non-negative integer, or an exact fraction (velocities are converted exactly)."""


def webster(
    total: int,
    weights: Sequence[Weight],
    *,
    start: Sequence[int] | None = None,
    caps: Sequence[int | None] | None = None,
) -> list[int]:
    """Webster/Sainte-Laguë apportionment of ``total`` over ``weights``.

    The result is the one that handing out units one at a time gives — each next unit to the part with the
    highest ``w / (2s + 1)``, earlier position first on a tie — computed directly: a proportional first guess,
    then the few units that the one-at-a-time order would have given next or last are added or removed.

    Args:
        start: units each part holds already (they count in ``total`` and are never taken away).
        caps: the most units a part may hold (``None``: no cap). Units no part can take are left over.
    """
    count = len(weights)
    lower = list(start) if start is not None else [0] * count
    upper = [None if caps is None else caps[i] for i in range(count)]
    parts = list(lower)
    if total <= sum(lower):
        return parts
    eligible = [i for i in range(count) if weights[i] > 0 and (upper[i] is None or upper[i] > lower[i])]  # type: ignore[operator]
    pinned: dict[int, int] = {}
    while True:
        free = [i for i in eligible if i not in pinned]
        weight_sum = sum((Fraction(weights[i]) for i in free), Fraction(0))
        if not free or weight_sum == 0:
            break
        rest = total - sum(pinned.values()) - sum(lower[i] for i in range(count) if i not in eligible)
        changed = False
        for index in free:
            guess = int(Fraction(rest) * weights[index] / weight_sum + Fraction(1, 2))
            cap = upper[index]
            if guess < lower[index]:
                pinned[index], changed = lower[index], True
            elif cap is not None and guess > cap:
                pinned[index], changed = cap, True
            else:
                parts[index] = guess
        if not changed:
            break
    for index, value in pinned.items():
        parts[index] = value
    given = sum(parts)
    while given < total:
        takers = [i for i in eligible if upper[i] is None or parts[i] < upper[i]]  # type: ignore[operator]
        if not takers:
            break
        best = max(takers, key=lambda i: (Fraction(weights[i]) / (2 * parts[i] + 1), -i))
        parts[best] += 1
        given += 1
    while given > total:
        parts[_last_seat(weights, parts, lower, eligible)] -= 1
        given -= 1
    # a first guess pinned at a start or a cap may hold a later seat while an earlier one is free: swap them
    while True:
        takers = [i for i in eligible if upper[i] is None or parts[i] < upper[i]]  # type: ignore[operator]
        holders = [i for i in eligible if parts[i] > lower[i]]
        if not takers or not holders:
            return parts
        best = max(takers, key=lambda i: (Fraction(weights[i]) / (2 * parts[i] + 1), -i))
        last = _last_seat(weights, parts, lower, holders)
        if (Fraction(weights[best]) / (2 * parts[best] + 1), -best) <= (
            Fraction(weights[last]) / (2 * parts[last] - 1),
            -last,
        ):
            return parts
        parts[best] += 1
        parts[last] -= 1


def _last_seat(weights: Sequence[Weight], parts: list[int], lower: list[int], among: Sequence[int]) -> int:
    """The part whose last unit the one-at-a-time order gave out last (later position first on a tie)."""
    return min(
        (i for i in among if parts[i] > lower[i]),
        key=lambda i: (Fraction(weights[i]) / (2 * parts[i] - 1), -i),
    )


def hamilton(total: int, weights: Sequence[int]) -> list[int]:
    """Hamilton/largest-remainder apportionment (:func:`omscore.domain.money.allocate`), nothing when every
    weight is zero."""
    if total <= 0 or not any(weights):
        return [0] * len(weights)
    return allocate(total, weights)


class SeatSequence:
    """Units handed out one at a time, each to the eligible part with the highest priority; ``parts(n)`` is the
    state after ``n`` units of the pool were offered.

    ``priority(index, held)`` is the sort key of a part's next unit: the smallest key goes first (include the
    index to break ties towards the earlier part). A part joins at unit ``joins[index]`` (unit ``k`` is offered
    only to parts that joined at or before ``k``), starts from the ``start[index]`` units it already holds and
    stops at ``caps[index]``; only parts marked ``eligible`` take part (leave zero weights out there). A unit no
    part may take is left over. The states are cached, so a plan answers every pool size from one computation
    (large pools are answered by a direct method instead, see :data:`~omscore.policies.sharing.plan.SEQUENCE_LIMIT`).
    """

    def __init__(
        self,
        priority: Callable[[int, int], Any],
        count: int,
        *,
        start: Sequence[int] | None = None,
        caps: Sequence[int | None] | None = None,
        joins: Sequence[int] | None = None,
        eligible: Sequence[bool] | None = None,
    ) -> None:
        self._priority = priority
        self._held = list(start) if start is not None else [0] * count
        self._caps = list(caps) if caps is not None else [None] * count
        self._prefix: list[tuple[int, ...]] = [tuple(self._held)]
        self._heap: list[tuple[Any, int]] = []
        self._waiting = sorted(
            (joins[i] if joins is not None else 0, i) for i in range(count) if (eligible is None or eligible[i])
        )

    def _offer(self, index: int) -> None:
        cap = self._caps[index]
        if cap is None or self._held[index] < cap:
            heapq.heappush(self._heap, (self._priority(index, self._held[index]), index))

    def parts(self, offered: int) -> tuple[int, ...]:
        prefix = self._prefix
        while len(prefix) <= offered:
            unit = len(prefix) - 1
            while self._waiting and self._waiting[0][0] <= unit:
                self._offer(self._waiting.pop(0)[1])
            if self._heap:
                _, index = heapq.heappop(self._heap)
                self._held[index] += 1
                self._offer(index)
            elif not self._waiting:
                return prefix[-1]  # nobody can take more: every larger pool gives the same
            prefix.append(tuple(self._held))
        return prefix[offered]

    @property
    def settled(self) -> int:
        """Units offered so far."""
        return len(self._prefix) - 1


def webster_priority(weights: Sequence[Weight]) -> Callable[[int, int], tuple[Fraction, int]]:
    """The :class:`SeatSequence` priority of Webster: ``w / (2s + 1)``, as a min-heap key."""
    exact = [Fraction(w) for w in weights]
    return lambda index, held: (-exact[index] / (2 * held + 1), index)


class QuotaSequence:
    """The Balinski–Young quota method as a growing sequence: ``parts(h)`` is the apportionment of ``h`` units.

    The method is defined one unit at a time, so the sequence is computed once per weight vector and extended on
    demand; a sharing plan keeps one per weight vector and answers every pool size from it.
    """

    def __init__(self, weights: Sequence[int]) -> None:
        _check_weights(weights)
        self._weights = tuple(weights)
        self._sum = sum(weights)
        self._current = [0] * len(weights)
        self._prefix: list[tuple[int, ...]] = [tuple(self._current)]

    def parts(self, total: int) -> tuple[int, ...]:
        if total <= 0 or self._sum == 0:
            return (0,) * len(self._weights)
        weights, current, weight_sum = self._weights, self._current, self._sum
        while len(self._prefix) <= total:
            house = len(self._prefix)  # the size after this unit is given
            best = -1
            best_key: tuple[Fraction, int] | None = None
            for index, weight in enumerate(weights):
                if not weight:
                    continue
                # upper quota at the new house size: s + 1 <= ceil(w * house / W)
                if current[index] * weight_sum >= weight * house:
                    continue
                key = (Fraction(weight, current[index] + 1), -index)
                if best_key is None or key > best_key:
                    best, best_key = index, key
            current[best] += 1
            self._prefix.append(tuple(current))
        return self._prefix[total]


def quota_method(total: int, weights: Sequence[int]) -> list[int]:
    """The Balinski–Young quota method: house-monotone and within one unit of the exact quota."""
    return list(QuotaSequence(weights).parts(total))


def apportion(total: int, weights: Sequence[int], method: Method = Method.WEBSTER) -> list[int]:
    """Apportion ``total`` units over ``weights`` with ``method``; the parts sum to ``total`` unless every
    weight is zero (then nothing is handed out).

    Raises:
        InvalidConfiguration: a weight is negative or not an integer.
    """
    _check_weights(weights)
    if method is Method.WEBSTER:
        return webster(total, weights)
    if method is Method.HAMILTON:
        return hamilton(total, weights)
    return quota_method(total, weights)


def apportion_capped(
    total: int, weights: Sequence[int], caps: Sequence[int | None], method: Method = Method.WEBSTER
) -> list[int]:
    """Apportion with an upper bound per part: a part that would get more than its cap is fixed at the cap and
    the rest is apportioned again among the others, until no part exceeds its cap. Units that no uncapped part
    can take are left over (the parts then sum to less than ``total``)."""
    if method is Method.WEBSTER:
        _check_weights(weights)
        return webster(total, weights, caps=caps)
    parts = [0] * len(weights)
    open_ = [i for i, w in enumerate(weights) if w > 0]
    left = total
    while open_ and left > 0:
        shares = apportion(left, [weights[i] for i in open_], method)
        over = [i for i, share in zip(open_, shares, strict=True) if (cap := caps[i]) is not None and share > cap]
        if not over:
            for index, share in zip(open_, shares, strict=True):
                parts[index] = share
            return parts
        for index in over:
            cap = caps[index]
            assert cap is not None
            parts[index] = cap
            left -= cap
        open_ = [i for i in open_ if i not in over]
    return parts
