"""Where a parcel goes and how far it travels: great-circle distance and region centroids.

Distance-based routing needs a point for the recipient. An address with a geo point uses it; otherwise the
point of its most specific known region is used. :data:`BUILT_IN_CENTROIDS` knows every province-level
region of China and its major cities, under their pinyin, English and Chinese names (with or without the
省/市/自治区 suffix). A province's point is its capital — a better proxy for where its parcels go than the
geometric centre, which for Xinjiang or Inner Mongolia lies in empty land. Merchants add or override points by
region code (``CN/Zhejiang/Yiwu``); an entry of theirs wins over a built-in one of the same depth.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from omscore.domain.address import GeoPoint, normalise_text
from omscore.domain.errors import InvalidConfiguration

#: Mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM: Final = 6371.0088


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """The great-circle distance between two points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def region_key(region: str) -> tuple[str, ...]:
    """The normalised parts of a region code: ``'CN/Zhejiang'`` → ``('cn', 'zhejiang')``."""
    return tuple(normalise_text(part) for part in region.split("/") if part.strip())


def _points(values: Mapping[str, GeoPoint]) -> Mapping[tuple[str, ...], GeoPoint]:
    points: dict[tuple[str, ...], GeoPoint] = {}
    for region, point in sorted(values.items()):
        key = region_key(region)
        if not key:
            raise InvalidConfiguration("centroids", region, "a region code needs at least one part")
        if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
            raise InvalidConfiguration(f"centroids.{region}", (point.lat, point.lon), "not a point on Earth")
        if key in points:
            raise InvalidConfiguration("centroids", region, "the region is listed twice")
        points[key] = point
    return points


@attrs.frozen
class _City:
    names: tuple[str, ...]
    point: GeoPoint


@attrs.frozen
class _Province:
    names: tuple[str, ...]
    point: GeoPoint
    cities: tuple[_City, ...] = ()


@attrs.frozen
class Centroids:
    """Representative points of regions, looked up by an address's region path.

    Attributes:
        points: the merchant's points by region code (``CN/Zhejiang/Yiwu`` → point); matched on the
            normalised parts of the code, as a prefix of the address path.
        built_in: whether the built-in table of Chinese provinces and major cities is consulted too.
    """

    points: Mapping[tuple[str, ...], GeoPoint] = attrs.field(factory=dict, converter=_points)
    built_in: bool = True

    def locate(self, path: tuple[str, ...]) -> tuple[GeoPoint, str] | None:
        """The point of the most specific region of ``path`` known (the merchant's first on equal depth), and a
        description of the match, or ``None``."""
        best: tuple[int, int, GeoPoint, str] | None = None
        for depth in range(len(path), 0, -1):
            point = self.points.get(path[:depth])
            if point is not None:
                best = (depth, 1, point, "/".join(path[:depth]))
                break
        if self.built_in:
            found = _built_in_locate(path)
            if found is not None and (best is None or found[0] > best[0]):
                best = (found[0], 0, found[1], found[2])
        if best is None:
            return None
        return best[2], f"centroid of {best[3]}"


_COUNTRY: Final = frozenset({"cn", "china", "中国", "中华人民共和国"})
_SUFFIXES: Final = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _fold(name: str) -> str:
    return normalise_text(name)


def _all_names(names: Iterable[str]) -> tuple[str, ...]:
    """The names folded, plus each Chinese name without its administrative suffix."""
    out: list[str] = []
    for name in names:
        folded = _fold(name)
        out.append(folded)
        for suffix in _SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                out.append(folded[: -len(suffix)])
                break
    return tuple(dict.fromkeys(out))


def _p(names: str, lat: float, lon: float, *cities: _City) -> _Province:
    return _Province(_all_names(names.split("|")), GeoPoint(lat, lon), cities)


def _c(names: str, lat: float, lon: float) -> _City:
    return _City(_all_names(names.split("|")), GeoPoint(lat, lon))


#: Provinces, municipalities, autonomous regions and SARs of China, with their major cities. Names are
#: separated by ``|``; the point of a province is its capital.
_CHINA: Final = (
    _p("Beijing|北京市", 39.904, 116.407),
    _p("Tianjin|天津市", 39.084, 117.201),
    _p("Shanghai|上海市", 31.230, 121.474),
    _p("Chongqing|重庆市", 29.563, 106.551),
    _p("Hebei|河北省", 38.042, 114.515,
       _c("Shijiazhuang|石家庄市", 38.042, 114.515), _c("Tangshan|唐山市", 39.630, 118.180),
       _c("Baoding|保定市", 38.874, 115.465)),
    _p("Shanxi|山西省", 37.870, 112.549, _c("Taiyuan|太原市", 37.870, 112.549)),
    _p("Inner Mongolia|Nei Mongol|内蒙古自治区", 40.842, 111.749, _c("Hohhot|呼和浩特市", 40.842, 111.749)),
    _p("Liaoning|辽宁省", 41.805, 123.432,
       _c("Shenyang|沈阳市", 41.805, 123.432), _c("Dalian|大连市", 38.914, 121.615)),
    _p("Jilin|吉林省", 43.817, 125.324, _c("Changchun|长春市", 43.817, 125.324)),
    _p("Heilongjiang|黑龙江省", 45.803, 126.535, _c("Harbin|哈尔滨市", 45.803, 126.535)),
    _p("Jiangsu|江苏省", 32.060, 118.797,
       _c("Nanjing|南京市", 32.060, 118.797), _c("Suzhou|苏州市", 31.299, 120.585), _c("Wuxi|无锡市", 31.491, 120.312),
       _c("Changzhou|常州市", 31.811, 119.974), _c("Nantong|南通市", 31.980, 120.894),
       _c("Xuzhou|徐州市", 34.205, 117.284), _c("Yangzhou|扬州市", 32.394, 119.413)),
    _p("Zhejiang|浙江省", 30.274, 120.155,
       _c("Hangzhou|杭州市", 30.274, 120.155), _c("Ningbo|宁波市", 29.868, 121.544),
       _c("Wenzhou|温州市", 27.994, 120.699), _c("Jinhua|金华市", 29.079, 119.647),
       _c("Shaoxing|绍兴市", 30.000, 120.580), _c("Jiaxing|嘉兴市", 30.746, 120.756),
       _c("Huzhou|湖州市", 30.894, 120.086), _c("Taizhou|台州市", 28.656, 121.421)),
    _p("Anhui|安徽省", 31.821, 117.227, _c("Hefei|合肥市", 31.821, 117.227), _c("Wuhu|芜湖市", 31.353, 118.433)),
    _p("Fujian|福建省", 26.074, 119.296,
       _c("Fuzhou|福州市", 26.074, 119.296), _c("Xiamen|厦门市", 24.480, 118.089),
       _c("Quanzhou|泉州市", 24.874, 118.676)),
    _p("Jiangxi|江西省", 28.682, 115.858, _c("Nanchang|南昌市", 28.682, 115.858)),
    _p("Shandong|山东省", 36.651, 117.120,
       _c("Jinan|济南市", 36.651, 117.120), _c("Qingdao|青岛市", 36.067, 120.383),
       _c("Yantai|烟台市", 37.464, 121.448), _c("Weifang|潍坊市", 36.707, 119.162)),
    _p("Henan|河南省", 34.746, 113.625, _c("Zhengzhou|郑州市", 34.746, 113.625), _c("Luoyang|洛阳市", 34.620, 112.454)),
    _p("Hubei|湖北省", 30.593, 114.305, _c("Wuhan|武汉市", 30.593, 114.305), _c("Yichang|宜昌市", 30.692, 111.286)),
    _p("Hunan|湖南省", 28.228, 112.939, _c("Changsha|长沙市", 28.228, 112.939)),
    _p("Guangdong|广东省", 23.129, 113.264,
       _c("Guangzhou|广州市", 23.129, 113.264), _c("Shenzhen|深圳市", 22.543, 114.058),
       _c("Dongguan|东莞市", 23.021, 113.752), _c("Foshan|佛山市", 23.022, 113.122),
       _c("Zhuhai|珠海市", 22.271, 113.577), _c("Shantou|汕头市", 23.354, 116.682),
       _c("Huizhou|惠州市", 23.111, 114.416), _c("Zhongshan|中山市", 22.517, 113.393)),
    _p("Guangxi|广西壮族自治区", 22.817, 108.366, _c("Nanning|南宁市", 22.817, 108.366)),
    _p("Hainan|海南省", 20.044, 110.199, _c("Haikou|海口市", 20.044, 110.199), _c("Sanya|三亚市", 18.253, 109.512)),
    _p("Sichuan|四川省", 30.573, 104.066,
       _c("Chengdu|成都市", 30.573, 104.066), _c("Mianyang|绵阳市", 31.468, 104.679)),
    _p("Guizhou|贵州省", 26.647, 106.630, _c("Guiyang|贵阳市", 26.647, 106.630)),
    _p("Yunnan|云南省", 25.038, 102.718, _c("Kunming|昆明市", 25.038, 102.718)),
    _p("Tibet|Xizang|西藏自治区", 29.650, 91.172, _c("Lhasa|拉萨市", 29.650, 91.172)),
    _p("Shaanxi|陕西省", 34.341, 108.940, _c("Xi'an|Xian|西安市", 34.341, 108.940)),
    _p("Gansu|甘肃省", 36.061, 103.834, _c("Lanzhou|兰州市", 36.061, 103.834)),
    _p("Qinghai|青海省", 36.617, 101.778, _c("Xining|西宁市", 36.617, 101.778)),
    _p("Ningxia|宁夏回族自治区", 38.487, 106.231, _c("Yinchuan|银川市", 38.487, 106.231)),
    _p("Xinjiang|新疆维吾尔自治区", 43.825, 87.617, _c("Urumqi|Ürümqi|乌鲁木齐市", 43.825, 87.617)),
    _p("Hong Kong|Hongkong|香港特别行政区", 22.319, 114.169),
    _p("Macau|Macao|澳门特别行政区", 22.199, 113.544),
    _p("Taiwan|台湾省", 25.033, 121.565, _c("Taipei|台北市", 25.033, 121.565)),
)  # fmt: skip

_PROVINCES: Final = {name: province for province in _CHINA for name in province.names}


def _built_in_locate(path: tuple[str, ...]) -> tuple[int, GeoPoint, str] | None:
    if len(path) < 2 or path[0] not in _COUNTRY:
        return None
    province = _PROVINCES.get(path[1])
    if province is None:
        return None
    if len(path) >= 3:
        for city in province.cities:
            if path[2] in city.names:
                return 3, city.point, "/".join(path[:3])
    return 2, province.point, "/".join(path[:2])


#: The built-in table alone (no merchant points).
BUILT_IN_CENTROIDS: Final = Centroids()
