"""JSON Schemas of the documents omscore reads, for platform adapters and configuration editors.

The schemas are generated from the pydantic models and committed under ``omscore/boundary/schemas/``; a test
checks that the committed files equal what the models generate. After changing a model, write them again with
``python -m omscore.boundary``.

A schema describes the shape, types and limits of a document. The rules that span fields (unique line ids, the
line arithmetic, references between configuration sections) are checked by the parsers only.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel

from omscore.boundary.config.document import MerchantConfigDocument
from omscore.boundary.payload import PlatformOrderPayload

Document = Literal["platform_order", "merchant_config"]
"""The documents omscore has a schema for."""

_MODELS: Final[dict[Document, type[BaseModel]]] = {
    "platform_order": PlatformOrderPayload,
    "merchant_config": MerchantConfigDocument,
}
_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"


def json_schema(document: Document) -> dict[str, Any]:
    """The committed JSON Schema of ``document``.

    Args:
        document: ``"platform_order"`` or ``"merchant_config"``.

    Returns:
        The schema as a dict (a fresh copy on every call).

    Raises:
        KeyError: for an unknown document name.
    """
    if document not in _MODELS:
        raise KeyError(document)
    text = resources.files("omscore.boundary").joinpath("schemas", schema_file_name(document)).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def generate_json_schema(document: Document) -> dict[str, Any]:
    """Generate the JSON Schema of ``document`` from its model (what the committed file must hold).

    Args:
        document: ``"platform_order"`` or ``"merchant_config"``.

    Returns:
        The schema, JSON Schema draft 2020-12.

    Raises:
        KeyError: for an unknown document name.
    """
    return {"$schema": _DIALECT, **_MODELS[document].model_json_schema(mode="validation")}


def schema_file_name(document: Document) -> str:
    """The file name the schema of ``document`` is committed under, e.g. ``platform_order.schema.json``."""
    return f"{document}.schema.json"


def render(schema: dict[str, Any]) -> str:
    """The text of a schema file: two-space indents, UTF-8 kept readable, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_json_schemas(directory: Path) -> list[Path]:
    """Write the generated schema of every document into ``directory``.

    Args:
        directory: where to write, normally ``src/omscore/boundary/schemas``.

    Returns:
        The paths written.
    """
    written = []
    for document in _MODELS:
        path = directory / schema_file_name(document)
        path.write_text(render(generate_json_schema(document)), encoding="utf-8")
        written.append(path)
    return written


def schemas_directory() -> Path:
    """The source folder the schema files are committed in."""
    return Path(__file__).with_name("schemas")
