"""How the publishing engine publishes: entitlement or absolute mode, the accepted oversell risk of a take-back
and the debounce of increases."""

from __future__ import annotations

import enum
from datetime import timedelta

import attrs

from omscore.domain.errors import InvalidConfiguration


class PublishMode(enum.StrEnum):
    ENTITLEMENT = "entitlement"
    ABSOLUTE = "absolute"


@attrs.frozen
class PublishingSettings:
    """How the engine publishes.

    Attributes:
        mode: entitlement (falls back to absolute for gateways that cannot adjust) or absolute.
        oversell_risk: per take-back, the accepted probability that the shop had already sold the units taken
            back; 0 is strict. Default 0.2.
        debounce: increases wait until the SKU has been quiet this long (decreases never wait).
        max_delay: … but no longer than this after the first change.
    """

    mode: PublishMode = PublishMode.ENTITLEMENT
    oversell_risk: float = 0.2
    debounce: timedelta = timedelta(0)
    max_delay: timedelta = timedelta(seconds=60)

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.oversell_risk < 1.0:
            raise InvalidConfiguration("oversell_risk", self.oversell_risk, "must be in [0, 1)")

    @classmethod
    def strict(cls) -> PublishingSettings:
        """Entitlement mode with no oversell risk."""
        return cls(oversell_risk=0.0)
