"""根据备注提取物流: finding carriers named in a buyer's or seller's memo.

``"发顺丰"``, ``"SF please"``, ``"京东快递"`` name a carrier; ``"不要中通"`` or ``"no ZTO"`` refuse one. Text and
aliases are compared after folding width, case and spaces (:func:`~omscore.domain.address.normalise_text`).
At each place in the memo the longest alias wins (``顺丰冷运`` before ``顺丰``); a Latin alias matches only as
a whole word (``SF`` is not found in ``transfer``). A mention is a refusal when a negation word stands before
it in the same clause (after the previous mention or the last punctuation mark); mentions listed after a
refusal with only ``、``, ``/``, ``和``, ``或`` between them are refused too (``不要中通、圆通``).
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping, Sequence
from typing import Final

import attrs

from omscore.domain.address import normalise_text
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import CarrierId


def _table(pairs: dict[str, tuple[str, ...]]) -> Mapping[str, CarrierId]:
    return types.MappingProxyType(
        {alias: CarrierId(carrier) for carrier, aliases in pairs.items() for alias in aliases}
    )


#: Common names of Chinese parcel carriers → conventional carrier ids. Merchants whose carriers have other ids
#: map the names to their own ids in :class:`~omscore.policies.carriers.settings.MemoRules`.
DEFAULT_ALIASES: Final = _table(
    {
        "SF": ("顺丰", "顺丰快递", "顺丰速运", "顺丰速递", "SF", "SF Express"),
        "JD": ("京东", "京东快递", "京东物流", "JD", "JDL"),
        "ZTO": ("中通", "中通快递", "ZTO"),
        "YTO": ("圆通", "圆通快递", "圆通速递", "YTO"),
        "STO": ("申通", "申通快递", "STO"),
        "YUNDA": ("韵达", "韵达快递", "Yunda"),
        "EMS": ("EMS", "邮政", "中国邮政", "邮政快递", "邮政EMS"),
        "JT": ("极兔", "极兔快递", "J&T"),
        "DBL": ("德邦", "德邦快递", "德邦物流", "Deppon"),
        "BEST": ("百世", "百世快递", "百世汇通"),
    }
)

#: Words that turn a following mention into a refusal.
DEFAULT_NEGATIONS: Final = (
    "不要",
    "不用",
    "不发",
    "不走",
    "不能发",
    "不能用",
    "别发",
    "别用",
    "别走",
    "勿发",
    "勿用",
    "拒收",
    "拒绝",
    "除了",
    "no",
    "not",
    "don't",
    "dont",
    "never",
    "avoid",
    "except",
    "without",
)

_CLAUSE_BREAK: Final = re.compile(r"[,，.。;；:：!！?？|\n()（）\[\]【】]")
_ENUMERATION: Final = re.compile(r"(?:[\s、/]|和|或者|或|及|\band\b|\bor\b)*")
_ASCII_WORD: Final = re.compile(r"[a-z0-9]")


@attrs.frozen
class MemoMention:
    """A carrier named in a memo.

    Attributes:
        carrier: the carrier id the alias stands for.
        alias: the text found (folded).
        refused: the memo asks not to use it.
    """

    carrier: CarrierId
    alias: str
    refused: bool = False


def _bounded(word: str) -> str:
    """A pattern for ``word`` that, where it starts or ends with a Latin letter or digit, needs a word edge."""
    pattern = re.escape(word)
    if _ASCII_WORD.match(word[0]):
        pattern = r"(?<![a-z0-9])" + pattern
    if _ASCII_WORD.match(word[-1]):
        pattern += r"(?![a-z0-9])"
    return pattern


@functools.lru_cache(maxsize=64)
def _alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern matching any of ``words`` (folded), the longest first at each place."""
    if not words:
        return None
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join(_bounded(w) for w in ordered))


@functools.lru_cache(maxsize=64)
def _negation_pattern(negations: tuple[str, ...]) -> re.Pattern[str] | None:
    return _alternation(tuple(folded for folded in map(normalise_text, negations) if folded))


def fold_aliases(aliases: Mapping[str, str]) -> dict[str, CarrierId]:
    """Fold each alias; two spellings of one alias must name the same carrier.

    Raises:
        InvalidConfiguration: an alias is blank, or two aliases fold to the same text for different carriers.
    """
    folded: dict[str, CarrierId] = {}
    for alias, carrier in aliases.items():
        key = normalise_text(alias)
        if not key:
            raise InvalidConfiguration("memo.aliases", alias, "an alias must not be blank")
        if folded.get(key, carrier) != carrier:
            raise InvalidConfiguration(f"memo.aliases.{alias}", carrier, f"also names {folded[key]}")
        folded[key] = CarrierId(carrier)
    return folded


def read_memo(
    text: str, aliases: Mapping[str, CarrierId], negations: Sequence[str] = DEFAULT_NEGATIONS
) -> tuple[MemoMention, ...]:
    """Every carrier mention in ``text``, in reading order.

    Args:
        text: a buyer's or seller's memo.
        aliases: folded alias → carrier id (see :func:`fold_aliases`).
        negations: words that make a following mention in the same clause a refusal.

    Returns:
        The mentions, each with the carrier its alias names and whether it is refused.
    """
    folded = normalise_text(text)
    pattern = _alternation(tuple(aliases))
    if pattern is None or not folded:
        return ()
    negation = _negation_pattern(tuple(negations))
    mentions: list[MemoMention] = []
    previous_end = 0
    for match in pattern.finditer(folded):
        gap = folded[previous_end : match.start()]
        if mentions and _ENUMERATION.fullmatch(gap):
            refused = mentions[-1].refused
        else:
            clause = _CLAUSE_BREAK.split(gap)[-1]
            refused = negation is not None and negation.search(clause) is not None
        mentions.append(MemoMention(aliases[match.group()], match.group(), refused))
        previous_end = match.end()
    return tuple(mentions)
