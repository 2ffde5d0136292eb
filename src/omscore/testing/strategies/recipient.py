"""Strategies for recipients and for respellings of a recipient.

A recipient has a name, a mobile number and an address; a respelling is written differently but must
normalise to the same fingerprint (what order merging relies on).
"""

from __future__ import annotations

from hypothesis import strategies as st

from omscore.domain.address import Address, Recipient, normalise_phone, normalise_text
from omscore.testing.strategies.address import _draw_address

_SURNAMES = ("张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴")
_GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "Wei", "Lily", "Tom")

_SURNAME = st.sampled_from(_SURNAMES)
_GIVEN_NAME = st.sampled_from(_GIVEN_NAMES)


def _draw_recipient(draw: st.DrawFn) -> Recipient:
    name = draw(_SURNAME) + draw(_GIVEN_NAME)
    phone = f"1{draw(st.sampled_from('3456789'))}{draw(st.integers(0, 999_999_999)):09d}"
    return Recipient(name, phone, _draw_address(draw, None))


@st.composite
def _recipients(draw: st.DrawFn) -> Recipient:
    return _draw_recipient(draw)


def recipients() -> st.SearchStrategy[Recipient]:
    """Recipients with a Chinese or Latin name, an 11-digit mobile number and an address from :func:`addresses`."""
    return _recipients()


_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
_GAPS = st.sampled_from((" ", "  ", "\t", "\u3000 "))
_PADS = st.sampled_from(("", " ", "\n"))
_PHONE_PREFIXES = st.sampled_from(("", "+86 ", "+86-", "0086 ", "(+86) ", "86"))
_PHONE_SEPARATORS = st.sampled_from(("", "-", " ", " - "))


def _draw_spelling(draw: st.DrawFn, text: str) -> str:
    """A spelling of ``text`` that normalises to the same text: full-width forms, case, runs of white space."""
    variant = text.translate(_FULL_WIDTH) if draw(st.booleans()) else text
    variant = (variant, variant.upper(), variant.swapcase())[draw(st.integers(0, 2))]
    variant = draw(_GAPS).join(variant.split(" "))
    pad = draw(_PADS)
    variant = f"{pad}{variant}{pad}"
    # Keep only what provably normalises alike (casing rules of scripts outside the vocabulary may differ).
    return variant if normalise_text(variant) == normalise_text(text) else text


def _draw_phone_spelling(draw: st.DrawFn, phone: str) -> str:
    """A spelling of ``phone`` with the same digits: +86 or 0086 prefixes, dashes, spaces, full-width digits."""
    digits = normalise_phone(phone)
    prefix, separator = draw(_PHONE_PREFIXES), draw(_PHONE_SEPARATORS)
    if len(digits) == 11:
        variant = prefix + separator.join((digits[:3], digits[3:7], digits[7:]))
    else:
        variant = separator.join(digits)
    if draw(st.booleans()):
        variant = variant.translate(_FULL_WIDTH)
    return variant if normalise_phone(variant) == digits else phone


@st.composite
def _recipient_variants(draw: st.DrawFn, recipient: Recipient) -> Recipient:
    a = recipient.address
    country, province, city, district, street, postcode = (
        _draw_spelling(draw, part) for part in (a.country, a.province, a.city, a.district, a.street, a.postcode)
    )
    address = Address(country, province, city, district, street, postcode, a.geo)
    return Recipient(_draw_spelling(draw, recipient.name), _draw_phone_spelling(draw, recipient.phone), address)


def recipient_variants(recipient: Recipient) -> st.SearchStrategy[Recipient]:
    """Other spellings of ``recipient`` that a person would call the same: their fingerprints are equal.

    Names and address parts get full-width characters, other casing and extra white space; the phone gets a
    +86/0086 prefix, dashes or spaces and full-width digits. The geo point is kept.

    Args:
        recipient: the recipient to respell.

    Returns:
        A strategy of :class:`Recipient` with ``fingerprint() == recipient.fingerprint()``.
    """
    return _recipient_variants(recipient)


@st.composite
def _recipient_pairs(draw: st.DrawFn) -> tuple[Recipient, Recipient]:
    recipient = _draw_recipient(draw)
    return recipient, draw(_recipient_variants(recipient))


def recipient_pairs() -> st.SearchStrategy[tuple[Recipient, Recipient]]:
    """A recipient from :func:`recipients` and a respelling of it from :func:`recipient_variants`."""
    return _recipient_pairs()
