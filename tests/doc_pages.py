"""Reading the worked examples of a guide in docs/: a setup block, then examples with the output they print."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
_PIECES = re.compile(
    r"^## (?P<heading>.+?)$|```python\n(?P<code>.*?)```(?:\s*prints\s*```text\n(?P<output>.*?)```)?", re.M | re.S
)


def worked_examples(page: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    """The page's first python block (the setup) and every later one as (heading, code, printed output)."""
    heading = "setup"
    setup: str | None = None
    examples: list[tuple[str, str, str | None]] = []
    for piece in _PIECES.finditer((DOCS / page).read_text(encoding="utf-8")):
        if piece["heading"]:
            heading = piece["heading"]
        elif setup is None:
            setup = piece["code"]
        else:
            examples.append((heading, piece["code"], piece["output"]))
    assert setup is not None, f"docs/{page} has no setup example"
    return setup, examples
