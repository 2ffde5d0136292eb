"""``docs/cli.md`` stays true: every summary key is documented, and its Python example runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omscore.cli import build_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def documented_keys() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- summary-keys -->")[1].split("<!-- /summary-keys -->")[0]
    keys: set[str] = set()
    for row in section.splitlines():
        if row.startswith("| `"):
            keys.update(re.findall(r"`([a-z_]+)`", row.split("|")[1]))
    return keys


def test_every_key_of_the_summaries_is_documented() -> None:
    runner = CliRunner()
    demo = runner.invoke(build_app(), ["demo", "--orders", "20", "--db", ":memory:", "--json"])
    run = runner.invoke(
        build_app(),
        [
            "run",
            "-c",
            str(EXAMPLES / "config.json"),
            "-o",
            str(EXAMPLES / "orders.jsonl"),
            "--db",
            ":memory:",
            "--json",
        ],
    )
    keys = set(json.loads(demo.stdout.splitlines()[-1])) | set(json.loads(run.stdout.splitlines()[-1]))

    assert documented_keys() == keys


def test_the_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOC.parents[1])  # the example names files as seen from the repository's root
    code = DOC.read_text(encoding="utf-8").split("```python\n")[1].split("```")[0]

    exec(compile(code, str(DOC), "exec"), {})
