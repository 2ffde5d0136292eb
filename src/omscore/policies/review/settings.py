"""审单 settings: which orders wait for a person."""

from __future__ import annotations

import attrs

from omscore.policies.validation import not_negative


@attrs.frozen
class ReviewSettings:
    """审单: which orders wait for a person.

    Attributes:
        cod_limit_minor: hold cash-on-delivery orders whose total exceeds this (minor units); ``None`` = never.
        hold_on_buyer_memo: hold orders whose buyer left a memo.
        hold_on_seller_memo: hold orders with a seller memo.
    """

    cod_limit_minor: int | None = attrs.field(default=50_000, validator=not_negative)
    hold_on_buyer_memo: bool = True
    hold_on_seller_memo: bool = True
