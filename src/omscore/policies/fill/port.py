"""What the fill order asks of one of its comparisons: a rank of an order, lower first, and its reading."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from omscore.domain.order import Order

#: What one comparison ranks an order by; lower comes first. Every rule of one kind gives the same type.
Rank = int | datetime

#: The sort key of an order: one rank per key of the fill order, then the order id.
SortKey = tuple[Rank | str, ...]


class FillRule(Protocol):
    """One comparison of the fill order."""

    @property
    def name(self) -> str:
        """The :class:`~omscore.policies.fill.FillKey` the rule stands for."""
        ...

    def rank(self, order: Order) -> Rank:
        """Where ``order`` stands by this comparison alone: lower comes first."""
        ...

    def describe(self, order: Order) -> str:
        """The rank of ``order`` in words, e.g. ``vip buyer`` or ``priority 2``."""
        ...
