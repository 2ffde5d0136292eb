"""What comes from outside, validated: platform order payloads and the merchant configuration file.

The only layer that uses pydantic. Models are strict (no coercion, no unknown fields); every failure is an
:class:`~omscore.domain.errors.InvalidInput` naming the field by its dotted path. The boundary converts to
domain values and holds no business rules.
"""

from omscore.boundary.config import MerchantConfig, load_config, parse_config
from omscore.boundary.errors import (
    FieldProblem,
    InvalidConfigurationDocument,
    InvalidDocument,
    InvalidDocumentAddress,
    InvalidDocumentMoney,
    InvalidDocumentQuantity,
)
from omscore.boundary.json_schema import generate_json_schema, json_schema
from omscore.boundary.payload import dump_platform_order, parse_platform_order

__all__ = [
    "FieldProblem",
    "InvalidConfigurationDocument",
    "InvalidDocument",
    "InvalidDocumentAddress",
    "InvalidDocumentMoney",
    "InvalidDocumentQuantity",
    "MerchantConfig",
    "dump_platform_order",
    "generate_json_schema",
    "json_schema",
    "load_config",
    "parse_config",
    "parse_platform_order",
]
