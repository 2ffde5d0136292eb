"""Synthetic buyers and their addresses, and the ways platforms misspell the same address.

Everything is drawn from a :class:`random.Random` the caller seeds, so a seed always gives the same people.
"""

from __future__ import annotations

import random
from typing import Final

import attrs

from omscore.domain.address import Address, Recipient

_SURNAMES: Final = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN: Final = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊",
    "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
)  # fmt: skip
_ROADS: Final = ("文三", "人民", "解放", "中山", "建设", "和平", "长江", "黄河", "南京", "延安", "学院", "新华")
_WESTERN_FIRST: Final = ("Alex", "Mei", "Jordan", "Priya", "Wei", "Sam", "Hannah", "Kenji", "Lucas", "Grace")
_WESTERN_LAST: Final = ("Tan", "Lim", "Wong", "Chan", "Ng", "Smith", "Lee", "Cheung", "Koh", "Ho")


@attrs.frozen
class Region:
    """A delivery area: where it is and how likely a buyer lives there."""

    country: str
    province: str
    city: str
    district: str
    postcode: str
    weight: int
    remote: bool = False


#: Mainland areas, weighted roughly by online shopping volume; the last three are remote (偏远地区).
CN_REGIONS: Final = (
    Region("CN", "Shanghai", "Shanghai", "Pudong", "200120", 12),
    Region("CN", "Zhejiang", "Hangzhou", "Xihu", "310013", 10),
    Region("CN", "Zhejiang", "Ningbo", "Yinzhou", "315100", 4),
    Region("CN", "Jiangsu", "Nanjing", "Gulou", "210008", 6),
    Region("CN", "Jiangsu", "Suzhou", "Gusu", "215000", 5),
    Region("CN", "Beijing", "Beijing", "Chaoyang", "100020", 10),
    Region("CN", "Guangdong", "Guangzhou", "Tianhe", "510630", 9),
    Region("CN", "Guangdong", "Shenzhen", "Nanshan", "518052", 9),
    Region("CN", "Fujian", "Xiamen", "Siming", "361001", 3),
    Region("CN", "Shandong", "Qingdao", "Shinan", "266001", 4),
    Region("CN", "Hubei", "Wuhan", "Wuchang", "430060", 4),
    Region("CN", "Hunan", "Changsha", "Yuelu", "410006", 3),
    Region("CN", "Henan", "Zhengzhou", "Jinshui", "450003", 3),
    Region("CN", "Liaoning", "Shenyang", "Heping", "110001", 2),
    Region("CN", "Sichuan", "Chengdu", "Wuhou", "610041", 6),
    Region("CN", "Chongqing", "Chongqing", "Yuzhong", "400010", 3),
    Region("CN", "Shaanxi", "Xi'an", "Yanta", "710061", 3),
    Region("CN", "Yunnan", "Kunming", "Wuhua", "650021", 2),
    Region("CN", "Xinjiang", "Urumqi", "Tianshan", "830002", 1, remote=True),
    Region("CN", "Tibet", "Lhasa", "Chengguan", "850000", 1, remote=True),
    Region("CN", "Qinghai", "Xining", "Chengzhong", "810000", 1, remote=True),
)
#: Where the global web shop delivers.
ABROAD_REGIONS: Final = (
    Region("HK", "Hong Kong", "Hong Kong", "Central and Western", "", 3),
    Region("SG", "Singapore", "Singapore", "Central", "", 2),
)
#: The pickup store's own area: pickup orders are addressed to the store.
STORE_REGION: Final = Region("CN", "Zhejiang", "Hangzhou", "Xihu", "310007", 0)
STORE_STREET: Final = "北山街 28 号 杭州门店"


@attrs.frozen
class Buyer:
    """A platform account and the address it usually ships to."""

    buyer_id: str
    recipient: Recipient
    region: Region


def new_buyer(rng: random.Random, platform: str, number: int) -> Buyer:
    """A buyer of ``platform``; ``number`` makes the account id unique."""
    regions = ABROAD_REGIONS if platform == "shopify" else CN_REGIONS
    region = rng.choices(regions, weights=[r.weight for r in regions])[0]
    prefix = {"tmall": "tb", "jd": "jd", "douyin": "dy", "shopify": "cust"}.get(platform, platform)
    if region.country == "CN":
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        street = f"{rng.choice(_ROADS)}路 {rng.randint(1, 999)} 号 {rng.randint(1, 30)} 幢 {rng.randint(101, 2808)} 室"
    else:
        name = f"{rng.choice(_WESTERN_FIRST)} {rng.choice(_WESTERN_LAST)}"
        phone = f"+{852 if region.country == 'HK' else 65} {rng.randrange(10**7, 10**8)}"
        street = f"Flat {rng.randint(1, 40)}{rng.choice('ABCDEF')}, {rng.randint(1, 300)} Queen's Road"
    address = Address(region.country, region.province, region.city, region.district, street, region.postcode)
    return Buyer(f"{prefix}_{number:06d}", Recipient(name, phone, address), region)


def at_store(buyer: Buyer) -> Recipient:
    """The buyer's recipient for a store pickup: their name and phone, the store's address."""
    r = STORE_REGION
    address = Address(r.country, r.province, r.city, r.district, STORE_STREET, r.postcode)
    return Recipient(buyer.recipient.name, buyer.recipient.phone, address)


_FULL_WIDTH: Final = str.maketrans("0123456789", "０１２３４５６７８９")


def respelled(rng: random.Random, recipient: Recipient) -> Recipient:
    """The same recipient as another platform client would spell it: full-width digits, doubled or extra
    spaces, a different case, another phone format. Every variant folds to the same fingerprint."""
    name, phone, a = recipient.name, recipient.phone, recipient.address
    street, province, city = a.street, a.province, a.city
    for change in rng.sample(range(6), k=rng.randint(1, 3)):
        if change == 0:
            street = street.translate(_FULL_WIDTH)
        elif change == 1:
            street = street.replace(" ", "  ") + " "
        elif change == 2:
            province, city = province.lower(), city.upper()
        elif change == 3:
            name = f" {name} "
        elif change == 4:
            phone = _reformat_phone(rng, phone)
        else:
            street = f"  {street}"
    return Recipient(name, phone, attrs.evolve(a, street=street, province=province, city=city))


def _reformat_phone(rng: random.Random, phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) != 11:  # not a mainland mobile: only the spacing changes
        return phone.replace(" ", "")
    style = rng.randrange(3)
    if style == 0:
        return f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == 1:
        return f"0086{digits}"
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
