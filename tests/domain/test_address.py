"""Addresses: normalisation folds the spellings platforms send into one fingerprint."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from omscore.domain import Address, Recipient, normalise_phone, normalise_text, region_matches
from omscore.domain.address import _normalise_fields


def _recipient(name: str, phone: str, street: str, city: str = "Hangzhou") -> Recipient:
    return Recipient(name, phone, Address("CN", "Zhejiang", city, "Xihu", street))


def test_text_is_folded_for_width_case_and_whitespace() -> None:
    assert normalise_text("  Ｎｏ.１２   Main\tSt ") == "no.12 main st"


def test_phone_keeps_digits_and_drops_the_china_prefix() -> None:
    assert normalise_phone("+86 138-0013-8000") == "13800138000"
    assert normalise_phone("0086 13800138000") == "13800138000"
    assert normalise_phone("１３８００１３８０００") == "13800138000"


def test_spelling_variants_share_a_fingerprint() -> None:
    a = _recipient("Li Lei", "13800138000", "12 Wensan Road")
    b = _recipient(" li  lei", "+86-138 0013 8000", "１２ WENSAN   road")
    assert a.fingerprint() == b.fingerprint()


def test_different_addresses_have_different_fingerprints() -> None:
    a = _recipient("Li Lei", "13800138000", "12 Wensan Road")
    assert a.fingerprint() != _recipient("Li Lei", "13800138000", "14 Wensan Road").fingerprint()
    assert a.fingerprint() != _recipient("Li Lei", "13800138001", "12 Wensan Road").fingerprint()


def test_missing_fields_are_named() -> None:
    incomplete = Recipient("", "12", Address("CN", "Zhejiang", "", "", ""))
    assert incomplete.missing_fields() == ["name", "phone", "address.city", "address.street"]


def test_regions_match_by_normalised_prefix() -> None:
    path = Address("CN", "Zhejiang", "Hangzhou").region_path()
    assert region_matches("CN", path)
    assert region_matches("cn/ZHEJIANG", path)
    assert not region_matches("CN/Jiangsu", path)
    assert not region_matches("CN/Zhejiang/Hangzhou/Xihu", path)


def test_spaces_around_chinese_characters_do_not_matter() -> None:
    assert normalise_text("文三路 100 号") == normalise_text("文三路100号") == "文三路100号"
    assert normalise_text("浙江省  杭州市 West Lake") == "浙江省杭州市west lake"


@given(st.lists(st.text(alphabet=st.sampled_from("aB 1１\t　文三路Ｘ\u3000-"), max_size=12), min_size=1, max_size=7))
def test_the_one_pass_fingerprint_folding_equals_folding_each_field(fields: list[str]) -> None:
    assert _normalise_fields("\x00".join(fields)) == "\x00".join(normalise_text(f) for f in fields)
