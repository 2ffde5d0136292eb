"""The committed JSON Schemas are what the models generate, and they describe the documents the parsers accept."""

from __future__ import annotations

import pytest

from omscore.boundary import generate_json_schema, json_schema
from omscore.boundary.json_schema import Document, render, schema_file_name, schemas_directory

DOCUMENTS: list[Document] = ["platform_order", "merchant_config"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_committed_schema_file_is_what_the_models_generate(document: Document) -> None:
    committed = (schemas_directory() / schema_file_name(document)).read_text(encoding="utf-8")

    assert committed == render(generate_json_schema(document)), "run `python -m omscore.boundary` and commit"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_json_schema_returns_the_committed_schema(document: Document) -> None:
    assert json_schema(document) == generate_json_schema(document)


def test_json_schema_refuses_an_unknown_document() -> None:
    with pytest.raises(KeyError):
        json_schema("invoice")  # type: ignore[arg-type]


def test_the_schemas_are_draft_2020_12_and_closed() -> None:
    schema = json_schema("platform_order")

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert all(definition["additionalProperties"] is False for definition in schema["$defs"].values())


def test_the_payload_schema_states_the_limits() -> None:
    schema = json_schema("platform_order")
    line = schema["$defs"]["LinePayload"]["properties"]

    assert schema["properties"]["lines"]["maxItems"] == 500
    assert schema["properties"]["buyer_memo"]["maxLength"] == 1_000
    assert line["quantity"]["minimum"] == 1
    assert "CNY" in schema["properties"]["currency"]["enum"]
    assert schema["properties"]["placed_at"]["format"] == "date-time"
