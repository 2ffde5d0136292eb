"""Strategies for what a merchant sells, and where: shops, SKU codes, SKUs and catalogs.

A catalog holds SKUs, kits over them and listings of both on the shops of the sales platforms.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from omscore.domain.catalog import KNOWN_TAGS, Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import Channel, SkuCode

#: Platforms omscore's merchants sell on, as channel platform names.
PLATFORMS: tuple[str, ...] = ("tmall", "taobao", "jd", "pinduoduo", "douyin", "shopify", "amazon", "web", "pos")
_SHOPS = ("flagship", "outlet", "global", "live", "eu-store")
_SKU_PREFIXES = ("SKU", "TEA", "CUP", "BAG", "ICE", "TOY")


def _draw_sku_code(draw: st.DrawFn) -> SkuCode:
    return SkuCode(f"{draw(st.sampled_from(_SKU_PREFIXES))}-{draw(st.integers(0, 9999)):04d}")


@st.composite
def _sku_codes(draw: st.DrawFn) -> SkuCode:
    return _draw_sku_code(draw)


def sku_codes() -> st.SearchStrategy[SkuCode]:
    """Merchant SKU codes such as ``TEA-0042``."""
    return _sku_codes()


def channels(platforms: Sequence[str] = PLATFORMS) -> st.SearchStrategy[Channel]:
    """Shops on the given platforms.

    Args:
        platforms: the platform names to draw from.

    Returns:
        A strategy of :class:`Channel`.
    """
    return st.builds(Channel, st.sampled_from(tuple(platforms)), st.sampled_from(_SHOPS))


_TAGS = st.frozensets(st.sampled_from((*sorted(KNOWN_TAGS), "gift_box")), max_size=2)


def _draw_sku(draw: st.DrawFn, code: SkuCode) -> Sku:
    return Sku(
        code=code,
        name=draw(st.sampled_from(("", "乌龙茶", "Celadon cup", "Tote bag"))),
        weight_g=draw(st.integers(0, 40_000)),
        volume_cm3=draw(st.integers(0, 200_000)),
        tags=draw(_TAGS),
        reference_price_minor=draw(st.integers(0, 200_000)),
    )


@st.composite
def _skus(draw: st.DrawFn, codes: st.SearchStrategy[SkuCode] | None) -> Sku:
    return _draw_sku(draw, draw(codes) if codes is not None else _draw_sku_code(draw))


def skus(codes: st.SearchStrategy[SkuCode] | None = None) -> st.SearchStrategy[Sku]:
    """SKUs with weights, volumes, reference prices and handling tags (known ones and a custom one).

    Args:
        codes: where the codes come from; :func:`sku_codes` by default.

    Returns:
        A strategy of :class:`Sku`.
    """
    return _skus(codes)


@st.composite
def _catalogs(
    draw: st.DrawFn, channel_list: tuple[Channel, ...], min_skus: int, max_skus: int, max_kits: int
) -> Catalog:
    codes = draw(st.lists(_sku_codes(), min_size=min_skus, max_size=max_skus, unique=True))
    kits: list[Kit] = []
    for number in range(1, draw(st.integers(0, max_kits)) + 1):
        members = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=min(3, len(codes)), unique=True))
        components = [KitComponent(code, draw(st.integers(1, 3))) for code in members]
        kits.append(Kit(f"KIT-{number}", components, splittable=draw(st.booleans())))
    targets: list[tuple[SkuCode | None, str | None]] = [(code, None) for code in codes]
    targets += [(None, kit.code) for kit in kits]
    listings: list[Listing] = []
    for channel in channel_list:
        listed = [target for target in targets if draw(st.integers(0, 4))] or targets[:1]
        first_id = draw(st.integers(100_000, 999_000))
        for offset, (sku, kit) in enumerate(listed):
            listings.append(Listing(channel, f"{channel.platform}-{first_id + offset}", sku=sku, kit=kit))
    return Catalog.build([_draw_sku(draw, code) for code in codes], kits, listings)


def catalogs(
    channels: Sequence[Channel] = (Channel("tmall", "flagship"),),
    *,
    min_skus: int = 1,
    max_skus: int = 8,
    max_kits: int = 3,
) -> st.SearchStrategy[Catalog]:
    """Catalogs of SKUs, kits over them, and listings of both on every given channel.

    Each channel lists at least one SKU or kit; most are listed on every channel, each with its own listing id.

    Args:
        channels: the shops that get listings.
        min_skus, max_skus: how many SKUs.
        max_kits: at most this many kits (of one to three SKUs each).

    Returns:
        A strategy of :class:`Catalog`.

    Raises:
        InvalidInput: no channel, or ``min_skus`` below one.
    """
    if not channels:
        raise InvalidInput("channels", channels, "a catalog needs at least one channel to list on")
    if not 1 <= min_skus <= max_skus:
        raise InvalidInput("min_skus", min_skus, "need 1 ≤ min_skus ≤ max_skus")
    return _catalogs(tuple(channels), min_skus, max_skus, max_kits)
