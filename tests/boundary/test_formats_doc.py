"""docs/formats.md: its examples parse, and it documents every field of both schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from omscore.boundary import dump_platform_order, json_schema, parse_config, parse_platform_order
from omscore.boundary.json_schema import Document

DOC = Path(__file__).parents[2] / "docs" / "formats.md"
_EXAMPLE = re.compile(r"<!-- example: (?P<name>\w+) -->\n```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.DOTALL)


def examples() -> dict[str, str]:
    return {m["name"]: m["body"] for m in _EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))}


def test_the_platform_order_example_parses_and_is_in_the_dumped_shape() -> None:
    text = examples()["platform_order"]

    order = parse_platform_order(text)

    assert dump_platform_order(order) == json.loads(text)


def test_the_configuration_examples_parse() -> None:
    found = examples()

    config = parse_config(found["merchant_config"])
    small = parse_config(found["merchant_config_toml"], format="toml")

    assert len(config.channels) == 3
    assert len(small.channels) == 1


def _fields(schema: dict[str, Any], node: dict[str, Any], path: str, owner: str) -> Iterator[tuple[str, str]]:
    """(dotted path, model.field) of every field, arrays written as ``name[]``."""
    if "$ref" in node:
        owner = node["$ref"].rsplit("/", 1)[-1]
        node = schema["$defs"][owner]
    elif "anyOf" in node or "oneOf" in node:
        for option in node.get("anyOf") or node["oneOf"]:
            yield from _fields(schema, option, path, owner)
        return
    if node.get("type") == "array":
        yield from _fields(schema, node["items"], f"{path}[]", owner)
    for name, sub in node.get("properties", {}).items():
        field_path = f"{path}.{name}" if path else name
        yield field_path, f"{owner}.{name}"
        yield from _fields(schema, sub, field_path, owner)


@pytest.mark.parametrize("document", ["platform_order", "merchant_config"])
def test_every_field_of_the_schema_is_documented(document: Document) -> None:
    text = DOC.read_text(encoding="utf-8")
    schema = json_schema(document)
    paths_of: dict[str, list[str]] = {}
    for path, model_field in _fields(schema, schema, "", "root"):
        paths_of.setdefault(model_field, []).append(path)

    # A model used in several places (the rules inside shop overrides) needs documenting under one of them.
    undocumented = [paths for paths in paths_of.values() if not any(f"`{p}`" in text for p in paths)]

    assert undocumented == []
