"""``docs/rules.md`` stays true: every example runs on the page's setup and prints what the page shows."""

from __future__ import annotations

import contextlib
import io

import pytest

from doc_pages import DOCS, worked_examples

DOC = DOCS / "rules.md"
SETUP, EXAMPLES = worked_examples("rules.md")


def test_every_part_of_the_rule_set_has_a_worked_example() -> None:
    headings = {heading for heading, _, _ in EXAMPLES}

    assert {
        "The shipped rules",
        "Amount, quantity, price and discount",
        "Lists: SKUs, tags, buyers, recipients, regions, memo keywords, gift and presale lines",
        "An allow list approves at once",
        "The wait window and review by hand",
        "Gifts (赠品)",
        "Gift rules the file refuses",
        "Fill order",
    } <= headings


@pytest.mark.parametrize(("heading", "code", "output"), EXAMPLES, ids=[h for h, _, _ in EXAMPLES])
def test_the_example_runs_and_prints_what_the_page_shows(heading: str, code: str, output: str | None) -> None:
    namespace: dict[str, object] = {"__name__": "rules_doc"}
    exec(compile(SETUP, f"{DOC}:setup", "exec"), namespace)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"{DOC}:{heading}", "exec"), namespace)

    assert output is not None, f"the example {heading!r} shows no output"
    assert printed.getvalue() == output
