"""Time, as a port: policies never read the system clock."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC). Never goes backwards within one process."""
        ...
