"""What the cross-checks of the configuration sections share: the shops, SKUs and locations the document
declares, how an entry given twice is reported, and how region codes are compared."""

from __future__ import annotations

from typing import Any

import attrs

from omscore.boundary.errors import FieldProblem
from omscore.domain.address import normalise_text


@attrs.frozen
class Known:
    """What the document declares, for the references the other sections make."""

    shops: set[tuple[str, str]]
    skus: set[str]
    locations: set[str]


def first_seen(problems: list[FieldProblem], seen: set[Any], key: Any, field: str, value: Any, what: str) -> None:
    """Add a ``duplicate`` problem at ``field`` to ``problems`` when ``key`` is in ``seen``; then remember it."""
    if key in seen:
        problems.append(FieldProblem(field, value, f"duplicate {what}", "duplicate"))
    seen.add(key)


def region_parts(region: str) -> tuple[str, ...]:
    """A region code as two codes are compared: its normalised parts, blank parts left out."""
    return tuple(normalise_text(p) for p in region.split("/") if p.strip())
