"""The decisions kept with an order, so that each can be explained later."""

from __future__ import annotations

import attrs


@attrs.frozen
class Decision:
    """A policy's decision about the order, kept with it so it can be explained later (``omscore explain``)."""

    policy: str
    summary: str
    steps: tuple[str, ...] = ()


#: How many decisions an order keeps (the oldest are dropped first).
DECISIONS_KEPT = 40
