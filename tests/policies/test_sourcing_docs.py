"""docs/routing.md: every example runs, after the shared setup, and its assertions hold."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).parents[2] / "docs" / "routing.md"
_EXAMPLE = re.compile(r"<!-- example: (?P<name>\w+) -->\n```python\n(?P<body>.*?)\n```", re.DOTALL)


def examples() -> dict[str, str]:
    return {m["name"]: m["body"] for m in _EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))}


def run(name: str) -> dict[str, Any]:
    found = examples()
    namespace: dict[str, Any] = {"__name__": "routing_doc"}
    exec(compile(found["setup"], f"{DOC}:setup", "exec"), namespace)
    if name != "setup":
        exec(compile(found[name], f"{DOC}:{name}", "exec"), namespace)
    return namespace


def test_the_document_has_an_example_for_every_built_in_rule() -> None:
    from omscore.policies.routing import BUILT_IN_RULES

    assert set(BUILT_IN_RULES) <= set(examples())


@pytest.mark.parametrize("name", sorted(examples()))
def test_the_example_runs(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(name)
