"""The review rules (审单) of the configuration file: which orders wait for a person, merchant-wide or for one
shop, with the shop's own rules checked against the catalog and built into review rules."""

from __future__ import annotations

from functools import partial

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Minor
from omscore.boundary.config.checks import Known, region_parts
from omscore.boundary.config.conversion import built_at
from omscore.boundary.config.fields import MAX_RULE_ENTRIES, domain_default
from omscore.boundary.config.review_checks import CheckConfig, RegionListCheck, SkuListCheck, to_review_rule
from omscore.boundary.errors import FieldProblem
from omscore.policies.review import ReviewRule, ReviewSettings


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
    wait_minutes: int = Field(
        default=domain_default(ReviewSettings, "wait_minutes"),
        ge=0,
        le=60 * 24 * 30,
        description=(
            "审单等待: minutes after an order is placed before it is reviewed, so that later orders of the same "
            "buyer can still merge with it; 0: at once."
        ),
    )
    manual: bool = Field(
        default=domain_default(ReviewSettings, "manual"),
        description="Review every order by hand: an order no rule approved waits for a person.",
    )
    checks: list[CheckConfig] = Field(
        default_factory=list,
        max_length=MAX_RULE_ENTRIES,
        description=(
            "审单规则: review rules run in order after the address and unmapped-SKU checks, before the COD limit "
            "and memo checks."
        ),
    )


def check_review(path: str, section: ReviewRules, known: Known) -> list[FieldProblem]:
    """The review rules at ``path``: every SKU a ``sku_list`` names is declared, every region of a ``region_list``
    is a region path without blank parts."""
    problems: list[FieldProblem] = []
    for i, entry in enumerate(section.checks):
        at = f"{path}.checks.{i}"
        if isinstance(entry, SkuListCheck):
            for j, sku in enumerate(entry.skus):
                if sku not in known.skus:
                    problems.append(FieldProblem(f"{at}.skus.{j}", sku, "unknown SKU", "unknown_reference"))
        elif isinstance(entry, RegionListCheck):
            for j, region in enumerate(entry.regions):
                if len(region_parts(region)) != len(region.split("/")):
                    problems.append(
                        FieldProblem(f"{at}.regions.{j}", region, "a part of the region path is blank", "region_path")
                    )
    return problems


def to_review_checks(path: str, section: ReviewRules) -> tuple[ReviewRule, ...]:
    """The rules of ``section.checks`` (the section at ``path``), in file order.

    Raises:
        InvalidConfiguration: a rule refuses its values; the field is the entry's path in the document.
    """
    return tuple(built_at(f"{path}.checks.{i}", partial(to_review_rule, e)) for i, e in enumerate(section.checks))
