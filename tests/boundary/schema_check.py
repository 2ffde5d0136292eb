"""A small JSON Schema checker for the keywords the committed schemas use, so that tests can show the schemas
accept what the parsers accept and refuse what they refuse."""

from __future__ import annotations

import re
from typing import Any


def schema_problems(schema: dict[str, Any], value: Any) -> list[str]:
    """Where ``value`` breaks ``schema``, one line per problem; empty when it fits."""
    return _problems(schema, schema, value, "$")


def _problems(schema: dict[str, Any], node: dict[str, Any], value: Any, at: str) -> list[str]:
    """Where ``value`` breaks ``node`` of ``schema``: the JSON Schema keywords the committed schemas use."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for union in ("anyOf", "oneOf"):
        if union in node:
            fits = sum(not _problems(schema, option, value, at) for option in node[union])
            if fits == 0 or (union == "oneOf" and fits > 1):
                return [f"{at}: {fits} of the {union} options fit"]
    types: dict[str, type | tuple[type, ...]] = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "null": type(None),
        "integer": int,
        "number": (int, float),
    }
    kind = node.get("type")
    if kind is not None and (
        not isinstance(value, types[kind]) or (isinstance(value, bool) and kind in {"integer", "number"})
    ):
        return [f"{at}: not of type {kind}"]
    problems = []
    if "const" in node and value != node["const"]:
        problems.append(f"{at}: not {node['const']!r}")
    if "enum" in node and value not in node["enum"]:
        problems.append(f"{at}: not one of {node['enum']}")
    if isinstance(value, dict):
        problems += [f"{at}.{name}: missing" for name in node.get("required", []) if name not in value]
        properties = node.get("properties", {})
        if node.get("additionalProperties") is False:
            problems += [f"{at}.{name}: not allowed" for name in value if name not in properties]
        for name, sub in value.items():
            if name in properties:
                problems += _problems(schema, properties[name], sub, f"{at}.{name}")
    if isinstance(value, list):
        if not node.get("minItems", 0) <= len(value) <= node.get("maxItems", len(value)):
            problems.append(f"{at}: {len(value)} items")
        for index, item in enumerate(value):
            problems += _problems(schema, node.get("items", {}), item, f"{at}.{index}")
    if isinstance(value, str):
        if not node.get("minLength", 0) <= len(value) <= node.get("maxLength", len(value)):
            problems.append(f"{at}: length {len(value)}")
        if "pattern" in node and not re.search(node["pattern"], value):
            problems.append(f"{at}: does not match {node['pattern']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < node.get("minimum", value) or value > node.get("maximum", value):
            problems.append(f"{at}: {value} out of range")
        if "exclusiveMaximum" in node and value >= node["exclusiveMaximum"]:
            problems.append(f"{at}: {value} out of range")
    return problems
