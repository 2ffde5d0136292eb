"""``docs/stock-sharing.md`` stays true: every example runs on the page's setup and prints what the page shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "stock-sharing.md"
_PIECES = re.compile(
    r"^## (?P<heading>.+?)$|```python\n(?P<code>.*?)```(?:\s*prints\s*```text\n(?P<output>.*?)```)?", re.M | re.S
)


def _examples() -> tuple[str, list[tuple[str, str, str | None]]]:
    heading = "setup"
    setup: str | None = None
    examples: list[tuple[str, str, str | None]] = []
    for piece in _PIECES.finditer(DOC.read_text(encoding="utf-8")):
        if piece["heading"]:
            heading = piece["heading"]
        elif setup is None:
            setup = piece["code"]
        else:
            examples.append((heading, piece["code"], piece["output"]))
    assert setup is not None, "the page has no setup example"
    return setup, examples


SETUP, EXAMPLES = _examples()


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
