"""``docs/carriers.md`` stays true: every example runs on the page's setup and prints what the page shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "carriers.md"
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
