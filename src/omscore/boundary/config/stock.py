"""The stock section of the configuration file: the units of each SKU at each location when omscore starts,
checked against the declared locations and SKUs and converted into stock levels."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code
from omscore.boundary.config.checks import Known, first_seen
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import StockLevel


class StockConfig(BaseModel):
    """Initial stock of one SKU at one location."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    sku: Code = Field(description="A SKU code declared in skus.")
    on_hand: int = Field(ge=0, le=10**12, description="Units physically there.")
    safety: int = Field(default=0, ge=0, le=10**12, description="Units never promised to a buyer.")


def check_stock(stock: Sequence[StockConfig], known: Known) -> list[FieldProblem]:
    """Every entry at a declared location of a declared SKU, each location/SKU once."""
    problems: list[FieldProblem] = []
    stocked: set[tuple[str, str]] = set()
    for i, entry in enumerate(stock):
        if entry.location not in known.locations:
            problems.append(
                FieldProblem(f"stock.{i}.location", entry.location, "unknown location", "unknown_reference")
            )
        if entry.sku not in known.skus:
            problems.append(FieldProblem(f"stock.{i}.sku", entry.sku, "unknown SKU", "unknown_reference"))
        key = (entry.location, entry.sku)
        pair = f"{entry.location}/{entry.sku}"
        first_seen(problems, stocked, key, f"stock.{i}", pair, "stock entry for the location/SKU")
    return problems


def to_stock_levels(stock: Sequence[StockConfig]) -> tuple[StockLevel, ...]:
    """The initial stock levels, nothing reserved."""
    return tuple(StockLevel(LocationId(e.location), SkuCode(e.sku), on_hand=e.on_hand, safety=e.safety) for e in stock)
