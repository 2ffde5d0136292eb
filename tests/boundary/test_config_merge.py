"""The merge section of the configuration file: ``when_short`` and how shops override it."""

from __future__ import annotations

import pytest

from omscore.boundary import InvalidConfigurationDocument, parse_config
from omscore.domain.identity import Channel
from omscore.policies.merge import MergeSettings, WhenShort

from .builders import config_document

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")


def test_orders_are_kept_apart_when_short_unless_the_file_says_otherwise() -> None:
    settings = parse_config(config_document()).settings

    assert settings.merge.when_short is WhenShort.KEEP_APART


def test_the_merchant_can_merge_anyway_and_a_shop_can_keep_apart() -> None:
    document = config_document(
        rules={"merge": {"when_short": "merge_anyway"}},
        shops=[
            {"platform": "tmall", "shop": "flagship", "merge": {"when_short": "keep_apart"}},
            {"platform": "jd", "shop": "self-run", "merge": {"window_minutes": 30}},
        ],
    )

    settings = parse_config(document).settings

    assert settings.merge == MergeSettings(when_short=WhenShort.MERGE_ANYWAY)
    assert settings.merge_for(TMALL).when_short is WhenShort.KEEP_APART
    assert settings.merge_for(JD) == MergeSettings(window_minutes=30, when_short=WhenShort.MERGE_ANYWAY)


@pytest.mark.parametrize(
    ("merge", "field"),
    [
        ({"rules": {"merge": {"when_short": "sometimes"}}}, "rules.merge.when_short"),
        ({"rules": {"merge": {"when_short": True}}}, "rules.merge.when_short"),
    ],
)
def test_a_bad_when_short_is_refused_by_its_field_path(merge: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(config_document(**merge))

    assert caught.value.field == field
    assert caught.value.value == merge["rules"]["merge"]["when_short"]  # type: ignore[index]


def test_a_shop_with_a_bad_when_short_is_refused_by_its_field_path() -> None:
    document = config_document(
        shops=[{"platform": "tmall", "shop": "flagship", "merge": {"when_short": "merge"}}],
    )

    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)

    assert (caught.value.field, caught.value.value) == ("shops.0.merge.when_short", "merge")


def test_settings_take_the_value_as_text_too() -> None:
    assert MergeSettings(when_short="merge_anyway").when_short is WhenShort.MERGE_ANYWAY
