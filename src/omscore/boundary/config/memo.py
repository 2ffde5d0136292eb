"""Carriers named in memos (根据备注提取物流), as the configuration file sets them: which memos are read and the
names buyers and sellers write for carriers, with their checks and their conversion into memo rules."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from omscore.boundary._fields import STRICT, Code
from omscore.boundary.config.fields import domain_default
from omscore.boundary.errors import FieldProblem
from omscore.domain.address import normalise_text
from omscore.policies.carriers.memo import DEFAULT_ALIASES, DEFAULT_NEGATIONS
from omscore.policies.carriers.settings import MemoRules


class MemoAlias(BaseModel):
    """A name of a carrier as buyers and sellers write it in memos."""

    model_config = STRICT

    alias: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S(?:.*\S)?$")] = Field(
        description="The name or abbreviation, e.g. 中通."
    )
    carrier: Code = Field(description="A carrier id declared in carriers.")


class MemoConfig(BaseModel):
    """根据备注提取物流: carriers named in memos."""

    model_config = STRICT

    read_seller_memo: bool = Field(
        default=domain_default(MemoRules, "read_seller_memo"), description="Read the seller's memo (it wins)."
    )
    read_buyer_memo: bool = Field(
        default=domain_default(MemoRules, "read_buyer_memo"), description="Read the buyer's memo."
    )
    builtin_aliases: bool = Field(
        default=True, description="Start from the built-in table of Chinese carrier names (false: only aliases)."
    )
    aliases: list[MemoAlias] = Field(
        default_factory=list, max_length=10_000, description="Further names, each once; they win over built-in ones."
    )
    negations: list[Annotated[str, StringConstraints(min_length=1, max_length=32)]] | None = Field(
        default=None,
        max_length=1_000,
        description="Words that turn a mention into a refusal (不要中通); null: the built-in list.",
    )


def check_memo(path: str, memo: MemoConfig, carriers: set[str]) -> list[FieldProblem]:
    """Every alias once, of a declared carrier; no blank negation."""
    problems: list[FieldProblem] = []
    aliases: set[str] = set()
    for i, alias in enumerate(memo.aliases):
        if alias.carrier not in carriers:
            problems.append(
                FieldProblem(f"{path}.aliases.{i}.carrier", alias.carrier, "unknown carrier", "unknown_reference")
            )
        if alias.alias in aliases:
            problems.append(FieldProblem(f"{path}.aliases.{i}.alias", alias.alias, "duplicate alias", "duplicate"))
        aliases.add(alias.alias)
    for i, word in enumerate(memo.negations or ()):
        if not normalise_text(word):
            problems.append(FieldProblem(f"{path}.negations.{i}", word, "a negation must not be blank", "blank"))
    return problems


def to_memo_rules(memo: MemoConfig) -> MemoRules:
    """The memo rules: the names given, over the built-in ones unless ``builtin_aliases`` is false."""
    aliases: dict[str, str] = dict(DEFAULT_ALIASES) if memo.builtin_aliases else {}
    aliases.update({a.alias: a.carrier for a in memo.aliases})
    return MemoRules(
        read_seller_memo=memo.read_seller_memo,
        read_buyer_memo=memo.read_buyer_memo,
        aliases=aliases,
        negations=DEFAULT_NEGATIONS if memo.negations is None else tuple(memo.negations),
    )
