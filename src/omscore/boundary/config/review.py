"""The review rules (审单) of the configuration file: which orders wait for a person, merchant-wide or for one
shop."""

from __future__ import annotations

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Minor
from omscore.boundary.config.fields import domain_default
from omscore.policies.review import ReviewSettings


class ReviewRules(BaseModel):
    """审单: which orders wait for a person."""

    model_config = STRICT

    cod_limit_minor: Minor | None = Field(
        default=domain_default(ReviewSettings, "cod_limit_minor"),
        description="Hold cash-on-delivery orders whose total exceeds this (minor units); null: never.",
    )
    hold_on_buyer_memo: bool = Field(
        default=domain_default(ReviewSettings, "hold_on_buyer_memo"), description="Hold orders with a buyer memo."
    )
    hold_on_seller_memo: bool = Field(
        default=domain_default(ReviewSettings, "hold_on_seller_memo"), description="Hold orders with a seller memo."
    )
