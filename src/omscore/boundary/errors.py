"""Errors raised when a document from outside fails validation, and their translation from pydantic.

Every failure is an :class:`~omscore.domain.errors.InvalidInput` (or the subclass that fits the first problem:
:class:`~omscore.domain.errors.InvalidMoney`, :class:`~omscore.domain.errors.InvalidQuantity`,
:class:`~omscore.domain.errors.InvalidAddress`, :class:`~omscore.domain.errors.InvalidConfiguration`) whose
``field``/``value``/``reason`` describe the first problem found and whose ``errors`` list all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs
from pydantic import ValidationError

from omscore.domain.errors import (
    InvalidAddress,
    InvalidConfiguration,
    InvalidInput,
    InvalidMoney,
    InvalidQuantity,
    _shorten,
)

#: The field name used for a problem with the document as a whole (too large, not JSON, not an object).
DOCUMENT: Final = "$"


@attrs.frozen
class FieldProblem:
    """One problem found in a document.

    Attributes:
        field: dotted path of the field, e.g. ``lines.0.quantity``; ``$`` for the whole document.
        value: the offending value, shortened when long (``None`` when the field is missing).
        reason: what is wrong, for a person.
        code: a stable machine-readable kind, e.g. ``missing``, ``extra_forbidden``, ``greater_than_equal``.
    """

    field: str
    value: Any
    reason: str
    code: str


class InvalidDocument(InvalidInput):
    """A platform payload or configuration document failed validation.

    ``field``, ``value`` and ``reason`` describe the first problem; ``errors`` holds every problem found, in
    document order.
    """

    def __init__(self, errors: Sequence[FieldProblem]) -> None:
        first = errors[0]
        super().__init__(first.field, first.value, first.reason)
        self.errors: tuple[FieldProblem, ...] = tuple(errors)
        self.code = first.code


class InvalidDocumentMoney(InvalidDocument, InvalidMoney):
    """The first problem of a document is a currency or an amount."""


class InvalidDocumentQuantity(InvalidDocument, InvalidQuantity):
    """The first problem of a document is a quantity."""


class InvalidDocumentAddress(InvalidDocument, InvalidAddress):
    """The first problem of a document is in the recipient's address."""


class InvalidConfigurationDocument(InvalidDocument, InvalidConfiguration):
    """A merchant configuration document failed validation or its cross-checks."""


_MONEY_FIELDS = frozenset({"currency", "shipping_fee", "amount", "unit_price", "discount"})
_QUANTITY_FIELDS = frozenset({"quantity"})


def payload_error(problems: Sequence[FieldProblem]) -> InvalidDocument:
    """The error for problems in a platform payload, of the class that fits the first problem."""
    field = problems[0].field
    last = field.rsplit(".", 1)[-1]
    if last in _MONEY_FIELDS:
        return InvalidDocumentMoney(problems)
    if last in _QUANTITY_FIELDS:
        return InvalidDocumentQuantity(problems)
    if field.startswith("recipient.address"):
        return InvalidDocumentAddress(problems)
    return InvalidDocument(problems)


def configuration_error(problems: Sequence[FieldProblem]) -> InvalidDocument:
    """The error for problems in a configuration document."""
    return InvalidConfigurationDocument(problems)


def problems_of(error: ValidationError) -> list[FieldProblem]:
    """Translate every error pydantic reported into a :class:`FieldProblem`."""
    return [
        FieldProblem(
            field=".".join(str(part) for part in item["loc"]) or DOCUMENT,
            value=None if item["type"] == "missing" else summarise(item["input"]),
            reason=item["msg"],
            code=item["type"],
        )
        for item in error.errors(include_url=False)
    ]


def summarise(value: Any) -> Any:
    """Shorten long strings and replace containers by a description, so that errors never hold a whole document."""
    if isinstance(value, dict):
        return f"<object with {len(value)} keys>"
    if isinstance(value, list | tuple):
        return f"<array of {len(value)} items>"
    return _shorten(value)


def document_problem(value: Any, reason: str, code: str) -> FieldProblem:
    """A problem with the document as a whole."""
    return FieldProblem(DOCUMENT, summarise(value), reason, code)


def size_problem(data: str | bytes, limit: int) -> FieldProblem | None:
    """The problem of raw input larger than ``limit`` bytes of UTF-8, or ``None`` when it fits.

    Text is encoded only when its length leaves the answer open (a character takes one to four bytes).
    """
    size = len(data)
    if isinstance(data, str) and size <= limit < size * 4:
        size = len(data.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return None
    return document_problem(data, f"document larger than {limit} bytes", "too_large")
