"""Structured recipient addresses, their normalisation, and the fingerprint used to merge orders.

Platforms send the same address in many spellings: full-width digits and letters (``１２号``), doubled or
odd whitespace, mixed case, phone numbers with country codes and separators. :func:`normalise_text` and
:func:`normalise_phone` fold those variants together so that :meth:`Recipient.fingerprint` is equal for
addresses a person would call the same.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import attrs

_SPACES = re.compile(r"\s+")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_NON_DIGITS = re.compile(r"\D+")


@functools.lru_cache(maxsize=65_536)
def normalise_text(text: str) -> str:
    """Fold width (NFKC), case and whitespace: ``' Ｎｏ.１２  Main St '`` → ``'no.12 main st'``.

    Whitespace next to a CJK character is dropped, since Chinese addresses are written without spaces:
    ``'文三路 100 号'`` → ``'文三路100号'``. Pure, so the forms of recent texts are kept and not computed again.
    """
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return _SPACE_BY_CJK.sub("", folded)


def _normalise_fields(joined: str) -> str:
    """:func:`normalise_text` applied to NUL-separated fields in one pass (the fingerprint's hot path)."""
    if not unicodedata.is_normalized("NFKC", joined):
        joined = unicodedata.normalize("NFKC", joined)
    folded = " ".join(joined.casefold().split()).replace(" \x00", "\x00").replace("\x00 ", "\x00")
    return _SPACE_BY_CJK.sub("", folded) if " " in folded else folded


@functools.lru_cache(maxsize=65_536)
def normalise_phone(phone: str) -> str:
    """Keep the digits of a phone number and drop a leading international prefix for China (``+86``/``0086``).

    ``'+86 138-0013-8000'`` → ``'13800138000'``. Pure, so the forms of recent numbers are kept.
    """
    plain = phone.isascii() and phone.isdigit()
    digits = phone if plain else _NON_DIGITS.sub("", unicodedata.normalize("NFKC", phone))
    if digits.startswith("0086") and len(digits) == 15:
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


@attrs.frozen
class GeoPoint:
    """A point on Earth in decimal degrees."""

    lat: float
    lon: float


@attrs.frozen
class Address:
    """A structured postal address.

    ``country`` is an ISO 3166 alpha-2 code; ``province``/``city``/``district`` follow the platform's region
    tree; ``street`` is the rest. ``geo`` is optional and used by distance-based routing.
    """

    country: str
    province: str
    city: str
    district: str = ""
    street: str = ""
    postcode: str = ""
    geo: GeoPoint | None = None

    @functools.cached_property
    def _region_path(self) -> tuple[str, ...]:
        parts = [normalise_text(p) for p in (self.country, self.province, self.city, self.district)]
        while parts and not parts[-1]:
            parts.pop()
        return tuple(parts)

    def region_path(self) -> tuple[str, ...]:
        """Normalised (country, province, city, district) without empty trailing parts (computed once per
        address)."""
        return self._region_path

    def missing_fields(self) -> list[str]:
        """Names of the fields a carrier needs that are blank."""
        return [name for name in ("country", "province", "city", "street") if not normalise_text(getattr(self, name))]


def region_matches(region: str, path: tuple[str, ...]) -> bool:
    """Whether a region code such as ``'CN/Zhejiang'`` covers an address path (prefix match, normalised)."""
    parts = tuple(normalise_text(p) for p in region.split("/") if p.strip())
    return len(parts) <= len(path) and path[: len(parts)] == parts


@attrs.frozen
class Recipient:
    """Who receives a parcel: name, phone and address."""

    name: str
    phone: str
    address: Address

    @functools.cached_property
    def _fingerprint(self) -> str:
        return self._digest()

    def fingerprint(self) -> str:
        """A stable digest of the normalised name, phone and address; equal for equivalent spellings (computed
        once per recipient)."""
        return self._fingerprint

    def _digest(self) -> str:
        """A stable digest of the normalised name, phone and address; equal for equivalent spellings."""
        a = self.address
        text = "\x00".join((self.name, a.country, a.province, a.city, a.district, a.street, a.postcode))
        canonical = f"{normalise_phone(self.phone)}\x00{_normalise_fields(text)}"
        return hashlib.blake2b(canonical.encode(), digest_size=12).hexdigest()

    def missing_fields(self) -> list[str]:
        """Blank fields that make the recipient unusable for shipping (``name``, ``phone``, address parts)."""
        missing = [f"address.{name}" for name in self.address.missing_fields()]
        if not normalise_text(self.name):
            missing.insert(0, "name")
        if len(normalise_phone(self.phone)) < 5:
            missing.insert(1 if "name" in missing else 0, "phone")
        return missing
