"""``docs/carriers.md`` stays true: every example runs on the page's setup and prints what the page shows."""

from __future__ import annotations

import contextlib
import io

import pytest

from doc_pages import DOCS, worked_examples

DOC = DOCS / "carriers.md"
SETUP, EXAMPLES = worked_examples("carriers.md")


def test_every_rule_has_a_worked_example() -> None:
    headings = {heading for heading, _, _ in EXAMPLES}

    assert len(EXAMPLES) >= 14
    assert {
        "Coverage and remote areas",
        "Weight and volume limits",
        "Cash on delivery",
        "SKU tags: required and refused",
        "Shop exceptions (例外店铺)",
        "SKU exceptions (例外商品)",
        "A carrier named in a memo (根据备注提取物流)",
        "Region preferences (地区匹配)",
        "Daily quotas",
        "Shares between carriers",
        "Ranking by priority, cost or SLA",
        "Candidates and the fallback chain (补充策略)",
        "The delivery promise",
    } <= headings


@pytest.mark.parametrize(("heading", "code", "output"), EXAMPLES, ids=[h for h, _, _ in EXAMPLES])
def test_the_example_runs_and_prints_what_the_page_shows(heading: str, code: str, output: str | None) -> None:
    namespace: dict[str, object] = {"__name__": "carriers_doc"}
    exec(compile(SETUP, f"{DOC}:setup", "exec"), namespace)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"{DOC}:{heading}", "exec"), namespace)

    if output is not None:
        assert printed.getvalue() == output
