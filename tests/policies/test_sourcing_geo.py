"""Distances and region centroids for distance-based routing."""

from __future__ import annotations

import pytest

from omscore.domain import Address, GeoPoint, InvalidConfiguration
from omscore.policies.routing import BUILT_IN_CENTROIDS, Centroids, haversine_km, region_key


def path(province: str = "", city: str = "", district: str = "") -> tuple[str, ...]:
    return Address("CN", province, city, district).region_path()


def test_haversine_gives_known_great_circle_distances() -> None:
    beijing, shanghai = GeoPoint(39.9042, 116.4074), GeoPoint(31.2304, 121.4737)

    assert haversine_km(beijing, shanghai) == pytest.approx(1068, abs=3)
    assert haversine_km(shanghai, beijing) == haversine_km(beijing, shanghai)
    assert haversine_km(beijing, beijing) == 0
    assert haversine_km(GeoPoint(0, 0), GeoPoint(0, 180)) == pytest.approx(20_015, abs=1)


@pytest.mark.parametrize(
    "parts",
    [("Zhejiang", "Hangzhou"), ("浙江省", "杭州市"), ("浙江", "杭州"), ("ＺＨＥＪＩＡＮＧ", " hangzhou ")],
)
def test_a_city_is_found_by_its_pinyin_chinese_or_suffixless_name(parts: tuple[str, str]) -> None:
    found = BUILT_IN_CENTROIDS.locate(path(*parts))

    assert found is not None
    assert found[0] == GeoPoint(30.274, 120.155)


def test_an_unknown_city_falls_back_to_its_province() -> None:
    found = BUILT_IN_CENTROIDS.locate(path("广东省", "揭阳市"))

    assert found == (GeoPoint(23.129, 113.264), "centroid of cn/广东省")


@pytest.mark.parametrize(
    "province",
    [
        "Inner Mongolia",
        "内蒙古自治区",
        "新疆维吾尔自治区",
        "Xinjiang",
        "广西",
        "Tibet",
        "西藏",
        "Hong Kong",
        "澳门",
        "北京市",
    ],
)
def test_every_kind_of_province_level_region_is_known(province: str) -> None:
    assert BUILT_IN_CENTROIDS.locate(path(province)) is not None


def test_nothing_is_known_outside_china_or_for_a_bare_country() -> None:
    assert BUILT_IN_CENTROIDS.locate(("us", "california")) is None
    assert BUILT_IN_CENTROIDS.locate(path()) is None
    assert Centroids(built_in=False).locate(path("Zhejiang", "Hangzhou")) is None


def test_a_merchant_point_adds_a_region_and_wins_at_equal_depth() -> None:
    yiwu, hangzhou = GeoPoint(29.31, 120.08), GeoPoint(30.0, 120.0)
    centroids = Centroids({"CN/Zhejiang/Yiwu": yiwu, "cn/zhejiang/hangzhou": hangzhou, "CN/Zhejiang": GeoPoint(1, 1)})

    assert centroids.locate(path("Zhejiang", "Yiwu")) == (yiwu, "centroid of cn/zhejiang/yiwu")
    assert centroids.locate(path("Zhejiang", "Hangzhou", "Xihu")) == (hangzhou, "centroid of cn/zhejiang/hangzhou")
    found = centroids.locate(path("Zhejiang", "Ningbo"))
    assert found is not None
    assert found[0] == GeoPoint(29.868, 121.544)  # the built-in city is more specific than the merchant's province


def test_region_keys_fold_like_addresses() -> None:
    assert region_key(" CN / Zhejiang ") == ("cn", "zhejiang")
    assert region_key("CN/浙江省") == ("cn", "浙江省")


def test_merchant_points_are_validated() -> None:
    with pytest.raises(InvalidConfiguration):
        Centroids({"CN/Zhejiang": GeoPoint(91, 0)})
    with pytest.raises(InvalidConfiguration):
        Centroids({"CN/Zhejiang": GeoPoint(30, 120), "cn/ZHEJIANG": GeoPoint(30, 120)})
    with pytest.raises(InvalidConfiguration):
        Centroids({"/": GeoPoint(30, 120)})
