"""审单: what the pipeline asks of a review rule, and the verdicts a rule may give.

A rule looks at one order (and the catalog) and gives one of three verdicts: ``None`` (it passes), a
:class:`~omscore.domain.holds.Hold` (the order waits, with the kind and the reason), or :class:`Approve` (the
order is approved now and the rules after this one do not run — an allow list).
"""

from __future__ import annotations

import enum
from typing import Protocol

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.order import Order


@attrs.frozen
class Approve:
    """A rule's verdict that approves the order at once: the rules after it do not run.

    Attributes:
        reason: why, for people.
    """

    reason: str


#: What a rule says of an order: pass (``None``), hold, or approve now.
Verdict = Hold | Approve | None


class Then(enum.StrEnum):
    """What a configurable rule does with the orders it matches."""

    MANUAL = "manual"
    """Hold for a person to review (:attr:`~omscore.domain.holds.HoldKind.MANUAL`)."""
    RISK = "risk"
    """Hold as a risk (:attr:`~omscore.domain.holds.HoldKind.RISK`): a person decides."""
    APPROVE = "approve"
    """Approve at once; the rules after this one do not run (an allow list)."""

    def verdict(self, rule: str, reason: str) -> Hold | Approve:
        """The verdict for an order this rule matched, with ``reason`` kept in the hold or the approval."""
        if self is Then.APPROVE:
            return Approve(f"{rule}: {reason}")
        kind = HoldKind.MANUAL if self is Then.MANUAL else HoldKind.RISK
        return Hold(kind, f"{rule}: {reason}")


class ReviewRule(Protocol):
    """One review check."""

    @property
    def name(self) -> str: ...

    def check(self, order: Order, catalog: Catalog) -> Verdict:
        """The verdict on ``order``: ``None`` when it passes, a hold, or :class:`Approve`."""
        ...
