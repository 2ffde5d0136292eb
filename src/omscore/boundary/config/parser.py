"""Reading a merchant configuration: the text or mapping validated against the document model, the sections
cross-checked against each other, and the domain values built into a :class:`MerchantConfig`."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs
from pydantic import ValidationError

from omscore.boundary.config.carriers import check_carriers, document_path
from omscore.boundary.config.catalog import check_catalog, to_catalog
from omscore.boundary.config.checks import Known
from omscore.boundary.config.document import MerchantConfigDocument
from omscore.boundary.config.fill import check_fill
from omscore.boundary.config.gift_triggers import TRIGGER_KINDS
from omscore.boundary.config.gifts import check_gifts
from omscore.boundary.config.network import check_network, to_network
from omscore.boundary.config.promise import check_promise
from omscore.boundary.config.review import check_review
from omscore.boundary.config.review_checks import CHECK_RULES
from omscore.boundary.config.routing import check_strategy, to_sourcing_settings
from omscore.boundary.config.rules import to_pipeline_settings
from omscore.boundary.config.sharing import check_sharing, to_sharing_config, to_stock_locks
from omscore.boundary.config.shops import check_shops, to_channels
from omscore.boundary.config.split import check_split, to_split_settings
from omscore.boundary.config.stock import check_stock, to_stock_levels
from omscore.boundary.errors import (
    FieldProblem,
    InvalidDocument,
    configuration_error,
    document_problem,
    problems_of,
    size_problem,
)
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration, InvalidInput
from omscore.domain.identity import Channel
from omscore.domain.inventory import StockLevel
from omscore.domain.network import Network
from omscore.policies.routing import BUILT_IN_RULES, SourcingSettings
from omscore.policies.settings import PipelineSettings
from omscore.policies.sharing import SharingConfig, StockLock
from omscore.policies.split import SplitSettings

#: Raw configuration documents larger than this many bytes are refused before parsing.
MAX_CONFIG_BYTES: Final = 32 * 1024 * 1024


@attrs.frozen
class MerchantConfig:
    """A validated merchant configuration, as domain values.

    Attributes:
        catalog: SKUs, kits and listings.
        network: locations and carriers.
        channels: the merchant's shops, in file order.
        shop_names: display name of each shop.
        stock: initial stock per (location, SKU), nothing reserved.
        settings: the pipeline rules with the shops' overrides.
        sourcing: the routing strategies (merchant-wide and per shop) and the region points.
        split: the split rules (merchant-wide and per shop).
        sharing: the stock-sharing settings (defaults, shops, listings, listing SKUs, pools).
        stock_locks: the stock locks (live streams, promotions), in file order.
    """

    catalog: Catalog
    network: Network
    channels: tuple[Channel, ...]
    shop_names: Mapping[Channel, str]
    stock: tuple[StockLevel, ...]
    settings: PipelineSettings
    sourcing: SourcingSettings = attrs.field(factory=SourcingSettings)
    split: SplitSettings = attrs.field(factory=SplitSettings)
    sharing: SharingConfig = attrs.field(factory=SharingConfig)
    stock_locks: tuple[StockLock, ...] = ()


def load_config(path: str | os.PathLike[str]) -> MerchantConfig:
    """Read and validate a merchant configuration file.

    Args:
        path: a ``.json`` file, or a ``.toml`` file (same structure; omit a key where JSON would have null).

    Returns:
        The validated :class:`MerchantConfig`.

    Raises:
        InvalidConfigurationDocument: (an :class:`~omscore.domain.errors.InvalidConfiguration`) naming the first
            offending field by its dotted path, with every problem in ``errors``.
        OSError: when the file cannot be read.
    """
    file = Path(path)
    raw = file.read_bytes()
    return parse_config(raw, format="toml" if file.suffix.lower() == ".toml" else "json")


def parse_config(
    data: Mapping[str, object] | str | bytes, *, format: Literal["json", "toml"] = "json"
) -> MerchantConfig:
    """Validate a merchant configuration document and build the domain values.

    Args:
        data: the document as text (``str`` or UTF-8 ``bytes``) or as a mapping such as ``json.loads`` or
            ``tomllib.loads`` return.
        format: the language of text input; ignored for a mapping.

    Returns:
        The validated :class:`MerchantConfig`.

    Raises:
        InvalidConfigurationDocument: (an :class:`~omscore.domain.errors.InvalidConfiguration`) naming the first
            offending field by its dotted path (``$`` for the whole document), with every problem in ``errors``:
            a value of the wrong type or out of range, an unknown field, a duplicate id, or a reference to a
            shop, SKU, kit or location the document does not declare.
    """
    try:
        if isinstance(data, str | bytes):
            if oversize := size_problem(data, MAX_CONFIG_BYTES):
                raise configuration_error([oversize])
            if format == "toml":
                document = MerchantConfigDocument.model_validate(_load_toml(data))
            else:
                document = MerchantConfigDocument.model_validate_json(data)
        else:
            document = MerchantConfigDocument.model_validate(dict(data) if isinstance(data, Mapping) else data)
    except ValidationError as error:
        raise configuration_error([_untagged(p) for p in problems_of(error)]) from error
    problems = _cross_check(document)
    if problems:
        raise configuration_error(problems)
    try:
        return _to_domain(document)
    except InvalidDocument:
        raise
    except InvalidInput as error:  # a domain rule the cross-checks do not repeat
        raise configuration_error([FieldProblem(error.field, error.value, error.reason, "domain")]) from error


def _load_toml(data: str | bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise configuration_error([document_problem(data, f"not valid TOML: {error}", "toml_invalid")]) from error


#: The rule name pydantic puts after a strategy entry's index in error paths (the union's tag).
_RULE_TAG = re.compile(rf"(strategy\.\d+)\.(?:{'|'.join(BUILT_IN_RULES)})(?=\.|$)")
#: The same for an entry of the review checks.
_CHECK_TAG = re.compile(rf"(review\.checks\.\d+)\.(?:{'|'.join(CHECK_RULES)})(?=\.|$)")
#: The trigger kind pydantic puts after the trigger of a gift rule.
_TRIGGER_TAG = re.compile(rf"(gifts\.rules\.\d+\.trigger)\.(?:{'|'.join(TRIGGER_KINDS)})(?=\.|$)")


def _untagged(problem: FieldProblem) -> FieldProblem:
    """``rules.routing.strategy.0.distance.granularity_km`` → ``rules.routing.strategy.0.granularity_km``,
    ``rules.review.checks.0.amount.min_minor`` → ``rules.review.checks.0.min_minor``, and
    ``rules.gifts.rules.0.trigger.amount_band.currency`` → ``rules.gifts.rules.0.trigger.currency``."""
    field = _TRIGGER_TAG.sub(r"\1", _CHECK_TAG.sub(r"\1", _RULE_TAG.sub(r"\1", problem.field)))
    return attrs.evolve(problem, field=field)


def _cross_check(doc: MerchantConfigDocument) -> list[FieldProblem]:
    """References between sections and uniqueness of ids, each problem named by its path in the document."""
    known = Known(
        shops={(shop.platform, shop.shop) for shop in doc.shops},
        skus={sku.code for sku in doc.skus},
        locations={location.id for location in doc.locations},
    )
    problems = check_shops(doc.shops)
    problems += check_catalog(doc.skus, doc.kits, doc.listings, known)
    problems += check_network(doc.locations, doc.carriers, known)
    problems += check_stock(doc.stock, known)
    kit_skus = {kit.code: frozenset(c.sku for c in kit.components) for kit in doc.kits}
    sold = {
        (x.platform, x.shop, x.listing_id): frozenset({x.sku})
        if x.sku is not None
        else kit_skus.get(x.kit or "", frozenset())
        for x in doc.listings
    }
    problems.extend(check_sharing(doc.sharing, known, sold))
    problems.extend(check_review("rules.review", doc.rules.review, known))
    problems.extend(check_strategy("rules.routing.strategy", doc.rules.routing.strategy, known))
    problems.extend(check_split("rules.split", doc.rules.split))
    for i, shop in enumerate(doc.shops):
        if shop.review is not None:
            problems.extend(check_review(f"shops.{i}.review", shop.review, known))
        if shop.routing is not None:
            problems.extend(check_strategy(f"shops.{i}.routing.strategy", shop.routing.strategy, known))
        if shop.split is not None:
            problems.extend(check_split(f"shops.{i}.split", shop.split))
    carriers = {carrier.id for carrier in doc.carriers}
    problems.extend(check_carriers(doc.rules.carriers, [shop.carriers for shop in doc.shops], known, carriers))
    problems.extend(check_promise(doc.rules.promise, known))
    problems.extend(check_fill(doc.rules.fill_order, [shop.fill_priority for shop in doc.shops]))
    problems.extend(check_gifts(doc.rules.gifts, known))
    return problems


def _to_domain(doc: MerchantConfigDocument) -> MerchantConfig:
    catalog = to_catalog(doc.skus, doc.kits, doc.listings)
    network = to_network(doc.locations, doc.carriers)
    channels = to_channels(doc.shops)
    stock = to_stock_levels(doc.stock)
    settings = to_pipeline_settings(doc.rules, doc.shops, channels)
    try:
        settings.carriers.check(network)
    except InvalidConfiguration as error:
        field = document_path(doc.rules.carriers, [shop.carriers for shop in doc.shops], error.field)
        raise configuration_error([FieldProblem(field, error.value, error.reason, "unknown_reference")]) from error
    return MerchantConfig(
        catalog=catalog,
        network=network,
        channels=channels,
        shop_names={channel: shop.name for channel, shop in zip(channels, doc.shops, strict=True)},
        stock=stock,
        settings=settings,
        sourcing=to_sourcing_settings(doc.rules.routing, [shop.routing for shop in doc.shops], channels),
        split=to_split_settings(doc.rules.split, [shop.split for shop in doc.shops], channels),
        sharing=to_sharing_config(doc.sharing),
        stock_locks=to_stock_locks(doc.sharing.locks),
    )
