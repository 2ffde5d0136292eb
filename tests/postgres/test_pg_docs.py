"""``docs/postgres.md`` stays true: its Python example runs against a real database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

DOC = Path(__file__).resolve().parents[2] / "docs" / "postgres.md"


def test_the_usage_example_runs(fresh_dsn: str) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)

    assert len(blocks) == 1
    exec(compile(blocks[0], str(DOC), "exec"), {"dsn": fresh_dsn})
