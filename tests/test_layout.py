"""The tree stays readable: no source module grows past what a reader holds in mind."""

from __future__ import annotations

from pathlib import Path

import omscore

#: The most lines a module of omscore may have (the migrations' SQL and the generated schemas are not modules).
MOST_LINES = 420


def test_no_module_is_longer_than_a_reader_holds_in_mind() -> None:
    root = Path(omscore.__file__).parent
    long = {
        str(path.relative_to(root)): lines
        for path in sorted(root.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }

    assert long == {}, f"modules over {MOST_LINES} lines: {long}"
