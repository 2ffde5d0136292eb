"""审单 settings: how long orders wait before review, which wait for a person, and the shop's own rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from omscore.policies.validation import not_negative

if TYPE_CHECKING:
    from omscore.policies.review.port import ReviewRule


def _rules(values: Iterable[ReviewRule]) -> tuple[ReviewRule, ...]:
    return tuple(values)


@attrs.frozen
class ReviewSettings:
    """审单: which orders wait for a person.

    Attributes:
        cod_limit_minor: hold cash-on-delivery orders whose total exceeds this (minor units); ``None`` = never.
        hold_on_buyer_memo: hold orders whose buyer left a memo.
        hold_on_seller_memo: hold orders with a seller memo.
        wait_minutes: the wait window after payment (审单等待): an order is reviewed only this many minutes
            after it was placed, and while another order of the same buyer to the same recipient is still in
            its window, so that later orders can still merge with it; ``0`` reviews at once.
        manual: the shop reviews every order by hand: an order that passes every rule is held for a person
            (:attr:`~omscore.domain.holds.HoldKind.MANUAL`) instead of being approved, unless a rule approved it.
        checks: the shop's own rules, run in order after the address and unmapped-SKU checks and before the COD
            limit and memo checks (see :func:`~omscore.policies.review.default_rules`).
    """

    cod_limit_minor: int | None = attrs.field(default=50_000, validator=not_negative)
    hold_on_buyer_memo: bool = True
    hold_on_seller_memo: bool = True
    wait_minutes: int = attrs.field(default=0, validator=not_negative)
    manual: bool = False
    checks: tuple[ReviewRule, ...] = attrs.field(default=(), converter=_rules)
