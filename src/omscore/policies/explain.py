"""Explanations: every policy decision says why, as text for people and as data for machines."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class Explanation:
    """Why a decision came out as it did.

    Attributes:
        policy: which policy decided (``review``, ``merge``, ``routing``, ``carrier`` …).
        summary: one sentence.
        steps: the reasoning in order: rules applied, candidates kept or dropped and why, the tie-break.
    """

    policy: str
    summary: str
    steps: tuple[str, ...] = ()

    def text(self) -> str:
        """A readable, multi-line rendering."""
        lines = [f"[{self.policy}] {self.summary}"]
        lines.extend(f"  - {step}" for step in self.steps)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "summary": self.summary, "steps": list(self.steps)}
