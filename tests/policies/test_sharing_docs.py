"""``docs/stock-sharing.md`` stays true: every example runs on the page's setup and prints what the page shows."""

from __future__ import annotations

import contextlib
import io

import pytest

from doc_pages import DOCS, worked_examples

DOC = DOCS / "stock-sharing.md"
SETUP, EXAMPLES = worked_examples("stock-sharing.md")


def test_every_policy_has_a_worked_example() -> None:
    headings = {heading for heading, _, _ in EXAMPLES}
    assert {
        "The pool: which stock counts",
        "Share-all with a buffer (共享库存)",
        "Ratios (比例): Webster, Hamilton and the quota method",
        "Exclusive pools plus a shared pool (独占 + 共享)",
        "Priority channels (critical levels)",
        "Fixed quantities (固定数量)",
        "Floor, cap and zero-out thresholds",
        "Locks with expiry (库存锁定, live streams and promotions)",
        "Presale virtual stock (预售)",
        "Settings at shop, listing and listing-SKU level",
        "Why: every share explains itself",
        "Publishing: entitlement mode",
    } <= headings
    assert all(output is not None for _, _, output in EXAMPLES)


@pytest.mark.parametrize(
    ("heading", "code", "output"), EXAMPLES, ids=[f"{i}-{h}" for i, (h, _, _) in enumerate(EXAMPLES)]
)
def test_the_example_runs_and_prints_what_the_page_shows(heading: str, code: str, output: str | None) -> None:
    namespace: dict[str, object] = {"__name__": "stock_sharing_doc"}
    exec(compile(SETUP, f"{DOC}:setup", "exec"), namespace)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"{DOC}:{heading}", "exec"), namespace)
    assert printed.getvalue() == output
