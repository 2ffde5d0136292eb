"""The examples in docs/optimisation.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "optimisation.md"


def test_the_worked_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    namespace: dict[str, object] = {"__name__": "optimisation_doc"}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)


def test_the_rendered_trace_matches_the_example_apart_from_the_timing() -> None:
    namespace: dict[str, object] = {"__name__": "optimisation_doc"}
    text = DOC.read_text(encoding="utf-8")
    exec(compile(re.findall(r"```python\n(.*?)```", text, re.S)[0], str(DOC), "exec"), namespace)
    shown = re.findall(r"```text\n(.*?)```", text, re.S)[0].strip().splitlines()
    plan = namespace["plan"]
    actual = plan.trace.text().splitlines()  # type: ignore[attr-defined]
    assert len(actual) == len(shown)
    for mine, documented in zip(actual, shown, strict=True):
        if "node(s)" in documented:
            assert re.sub(r"[\d.]+ ms", "", mine) == re.sub(r"[\d.]+ ms", "", documented)
        else:
            assert mine == documented
