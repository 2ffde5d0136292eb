"""Every optimiser result explains itself: as text for people and as plain data for machines."""

from __future__ import annotations

import importlib
import inspect
import json

import omscore.policies.optimise as optimise
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.policies.optimise import (
    CostModel,
    DemandLine,
    ParcelItem,
    ParcelLimits,
    min_cost,
    min_shipments,
    pack_parcels,
)

LINES = [DemandLine(LineId("L1"), SkuCode("A"), 1), DemandLine(LineId("L2"), SkuCode("B"), 2)]
STOCK = {
    LocationId("W1"): {SkuCode("A"): 1},
    LocationId("W2"): {SkuCode("B"): 2},
    LocationId("W3"): {SkuCode("A"): 1},
    LocationId("W4"): {SkuCode("C"): 5},
}


def test_a_sourcing_trace_reads_as_an_explanation() -> None:
    plan = min_shipments(LINES, STOCK)

    text = plan.trace.text()

    assert text.splitlines()[0] == "[optimise.shipments] 2 shipment(s) from W1, W2 (optimal)"
    assert "dropped W3: dominated by W1" in text
    assert "dropped W4: serves nothing" in text
    assert "tie-break (lowest sum of location ranks" in text
    assert plan.trace.explanation().policy == "optimise.shipments"


def test_a_sourcing_trace_is_plain_data() -> None:
    data = min_cost(LINES, STOCK, CostModel(default_shipment=10, default_unit=1)).trace.as_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["objective"] == "cost"
    assert data["chosen"] == ["W1", "W2"]
    assert data["value"] == 23
    assert data["lower_bound"] == 23
    assert data["dropped"] == [
        {"location": "W3", "reason": "dominated", "by": "W1"},
        {"location": "W4", "reason": "serves_nothing", "by": None},
    ]


def test_a_packing_trace_reads_and_serialises() -> None:
    items = [ParcelItem("a", LineId("L1"), 5, 1), ParcelItem("b", LineId("L1"), 1, 1, tags=frozenset({"ship_alone"}))]

    trace = pack_parcels(items, ParcelLimits(max_weight_g=10)).trace

    assert trace.text().splitlines()[0] == "[optimise.parcels] 2 item(s) in 2 parcel(s) (optimal)"
    assert "ship alone: b" in trace.text()
    assert json.loads(json.dumps(trace.as_dict()))["parcels"] == 2


#: Shared by the optimisers, not part of the API.
INTERNAL = {"Canonical", "canonical", "bad_stock"}


def test_the_package_exports_a_sorted_complete_documented_api() -> None:
    exported = list(optimise.__all__)
    assert exported == sorted(exported)
    for name in exported:
        value = getattr(optimise, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name
    for module_name in ("problem", "shipments", "cost", "parcels", "trace"):
        module = importlib.import_module(f"omscore.policies.optimise.{module_name}")
        for name, value in vars(module).items():
            public = not name.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
            if public and value.__module__ == module.__name__ and name not in INTERNAL:
                assert name in exported, f"{module_name}.{name} is not exported"
