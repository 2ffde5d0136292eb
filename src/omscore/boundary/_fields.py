"""Field types shared by the payload and configuration models: bounded strings, amounts, ISO dates, points."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from omscore.domain.money import CURRENCY_EXPONENTS

STRICT: Final = ConfigDict(strict=True, extra="forbid", frozen=True)
"""Every boundary model: no coercion, no unknown fields, immutable."""

#: Largest amount in minor units (10^15): 500 lines of it still fit a signed 64-bit integer.
MAX_MINOR: Final = 10**15
#: Largest quantity of one line, kit component or stock entry.
MAX_QUANTITY: Final = 1_000_000

#: No whitespace at either end and no line breaks: what platform and merchant identifiers look like.
_IDENTIFIER = r"^\S(?:.*\S)?$"

Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_IDENTIFIER)]
"""A short identifier: platform, shop, SKU, kit, location or carrier."""
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=_IDENTIFIER)]
"""A platform's identifier: order, line, listing or buyer id."""
Tag = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
"""A lower-case handling tag or capability, e.g. ``cold_chain``, ``pickup``."""
Region = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^/]+(?:/[^/]+)*$")]
"""A region code: country, then province, city and district, separated by ``/`` (``CN/Zhejiang``)."""


def text(max_length: int) -> StringConstraints:
    """Constraints of a free text field of at most ``max_length`` characters (may be empty)."""
    return StringConstraints(max_length=max_length)


Name = Annotated[str, text(200)]
Phone = Annotated[str, text(40)]
RegionName = Annotated[str, text(100)]
Street = Annotated[str, text(500)]
Postcode = Annotated[str, text(20)]
Memo = Annotated[str, text(1_000)]

Minor = Annotated[int, Field(ge=0, le=MAX_MINOR)]
"""A non-negative amount in integer minor units (fen, cents)."""
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
"""A positive number of units."""


def _known_currency(value: str) -> str:
    if value not in CURRENCY_EXPONENTS:
        raise PydanticCustomError("currency", "unknown ISO 4217 currency code")
    return value


Currency = Annotated[
    str,
    Field(json_schema_extra={"enum": sorted(CURRENCY_EXPONENTS)}),
    AfterValidator(_known_currency),
]
"""An ISO 4217 code omscore knows (:data:`~omscore.domain.money.CURRENCY_EXPONENTS`)."""


def _iso_datetime(value: object) -> object:
    # Strict mode takes only datetime objects from Python input and RFC 3339 strings from JSON; both kinds of
    # input (dicts made by ``json.loads`` and raw JSON) must accept ISO-8601 strings, and nothing else.
    if type(value) is str:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("datetime_iso", "not an ISO-8601 date-time") from None
    return value


def _iso_date(value: object) -> object:
    if type(value) is str:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_iso", "not an ISO-8601 date (YYYY-MM-DD)") from None
    return value


IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_datetime)]
"""An ISO-8601 date-time string with a UTC offset; naive date-times are refused."""
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""An ISO-8601 calendar date string."""


class GeoPayload(BaseModel):
    """A point on Earth in decimal degrees (WGS 84)."""

    model_config = STRICT

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude, −90 to 90.")
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude, −180 to 180.")
