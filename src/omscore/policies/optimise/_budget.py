"""The effort bound of a search: a node count and a wall-time limit.

The wall time is read with :func:`time.perf_counter` only to decide when to stop searching; the result then says
that a limit was hit. A node limit alone makes the cut-off deterministic.
"""

from __future__ import annotations

from time import perf_counter

from omscore.domain.errors import InvalidInput


class OutOfBudget(Exception):
    """Raised inside a search when its budget is spent; the search returns its best plan so far."""


class Budget:
    """Counts search nodes and stops the search at ``node_limit`` nodes or ``time_limit_ms`` milliseconds.

    Args:
        time_limit_ms: wall-time limit, or ``None`` for none.
        node_limit: most nodes to expand, or ``None`` for none; ``0`` means no search at all (heuristic only).

    Raises:
        InvalidInput: a negative limit.
    """

    __slots__ = ("_deadline", "_node_limit", "hit", "nodes", "started")

    def __init__(self, time_limit_ms: float | None, node_limit: int | None) -> None:
        if time_limit_ms is not None and not time_limit_ms >= 0:
            raise InvalidInput("time_limit_ms", time_limit_ms, "must be a non-negative number or None")
        if node_limit is not None and (type(node_limit) is not int or node_limit < 0):
            raise InvalidInput("node_limit", node_limit, "must be a non-negative integer or None")
        self.started = perf_counter()
        self._deadline = None if time_limit_ms is None else self.started + time_limit_ms / 1000.0
        self._node_limit = node_limit
        self.nodes = 0
        self.hit: str | None = None
        """``"time"`` or ``"nodes"`` once a limit stopped the search."""

    def tick(self) -> None:
        """Count one node.

        Raises:
            OutOfBudget: the node or time limit is reached.
        """
        self.nodes += 1
        if self._node_limit is not None and self.nodes > self._node_limit:
            self.nodes -= 1
            self.hit = "nodes"
            raise OutOfBudget
        if self._deadline is not None and not self.nodes & 15 and perf_counter() > self._deadline:
            self.hit = "time"
            raise OutOfBudget

    def check_time(self) -> None:
        """Check the time limit only (for heuristic steps, which do not count as search nodes).

        Raises:
            OutOfBudget: the time limit is reached.
        """
        if self._deadline is not None and perf_counter() > self._deadline:
            self.hit = "time"
            raise OutOfBudget

    def allows_search(self) -> bool:
        """Whether any search node may be expanded (``False`` only for ``node_limit=0``)."""
        return self._node_limit != 0

    def elapsed_ms(self) -> float:
        return (perf_counter() - self.started) * 1000.0
