"""Strategies for places: region codes, geo points and complete addresses.

All are drawn from one region tree of Chinese provinces, cities and districts, with each city's centre.
"""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import strategies as st

from omscore.domain.address import Address, GeoPoint

#: Country → province → city → districts: the region tree addresses and region codes are drawn from.
REGION_TREE: Mapping[str, Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "CN": {
        "浙江省": {"杭州市": ("西湖区", "滨江区", "余杭区"), "宁波市": ("海曙区", "鄞州区")},
        "上海市": {"上海市": ("浦东新区", "徐汇区", "静安区")},
        "广东省": {"广州市": ("天河区", "越秀区"), "深圳市": ("南山区", "福田区")},
        "四川省": {"成都市": ("武侯区", "锦江区")},
        "北京市": {"北京市": ("朝阳区", "海淀区")},
        "新疆维吾尔自治区": {"乌鲁木齐市": ("天山区",)},
    }
}
#: Approximate centre (latitude, longitude) of each city of :data:`REGION_TREE`.
CITY_CENTRES: Mapping[tuple[str, str], tuple[float, float]] = {
    ("浙江省", "杭州市"): (30.2741, 120.1551),
    ("浙江省", "宁波市"): (29.8683, 121.5440),
    ("上海市", "上海市"): (31.2304, 121.4737),
    ("广东省", "广州市"): (23.1291, 113.2644),
    ("广东省", "深圳市"): (22.5431, 114.0579),
    ("四川省", "成都市"): (30.5728, 104.0668),
    ("北京市", "北京市"): (39.9042, 116.4074),
    ("新疆维吾尔自治区", "乌鲁木齐市"): (43.8256, 87.6168),
}
_CITIES = tuple(CITY_CENTRES)
_STREETS = ("文三路", "世纪大道", "天河路", "人民南路", "建国路", "中山东一路", "Nanjing West Rd", "Keyuan Rd")

_CITY = st.sampled_from(_CITIES)
_REGION_CODES = st.sampled_from(
    ("CN", *sorted({f"CN/{province}" for province, _ in _CITIES}), *(f"CN/{p}/{c}" for p, c in _CITIES))
)


def _draw_geo(draw: st.DrawFn, centre: tuple[float, float], spread: float) -> GeoPoint:
    step = int(spread * 10_000)
    dlat, dlon = draw(st.integers(-step, step)), draw(st.integers(-step, step))
    return GeoPoint(round(centre[0] + dlat / 10_000, 4), round(centre[1] + dlon / 10_000, 4))


@st.composite
def _geo_points(draw: st.DrawFn, near: tuple[float, float] | None, spread: float) -> GeoPoint:
    return _draw_geo(draw, near if near is not None else CITY_CENTRES[draw(_CITY)], spread)


def geo_points(near: tuple[float, float] | None = None, *, spread: float = 0.2) -> st.SearchStrategy[GeoPoint]:
    """Points in China, or within ``spread`` degrees of ``near``; four decimals (about 10 m).

    Args:
        near: a (latitude, longitude) centre; any city of :data:`CITY_CENTRES` when ``None``.
        spread: how far from the centre, in degrees.

    Returns:
        A strategy of :class:`GeoPoint`.
    """
    return _geo_points(near, spread)


def region_codes() -> st.SearchStrategy[str]:
    """Region codes of :data:`REGION_TREE` at country, province or city depth (``CN``, ``CN/浙江省/杭州市`` …)."""
    return _REGION_CODES


def _draw_address(draw: st.DrawFn, with_geo: bool | None) -> Address:
    province, city = draw(_CITY)
    district = draw(st.sampled_from(REGION_TREE["CN"][province][city]))
    street = f"{draw(st.sampled_from(_STREETS))} {draw(st.integers(1, 999))} 号"
    geo_wanted = draw(st.booleans()) if with_geo is None else with_geo
    geo = _draw_geo(draw, CITY_CENTRES[province, city], 0.1) if geo_wanted else None
    return Address("CN", province, city, district, street, str(draw(st.integers(100000, 859999))), geo)


@st.composite
def _addresses(draw: st.DrawFn, with_geo: bool | None) -> Address:
    return _draw_address(draw, with_geo)


def addresses(*, with_geo: bool | None = None) -> st.SearchStrategy[Address]:
    """Complete Chinese addresses from :data:`REGION_TREE`, with a street number and a postcode.

    Args:
        with_geo: always (``True``), never (``False``) or sometimes (``None``) with a point near the city.

    Returns:
        A strategy of :class:`Address`.
    """
    return _addresses(with_geo)
