"""How the buyer pays: before shipping, or cash on delivery."""

from __future__ import annotations

import enum


class PaymentMode(enum.StrEnum):
    PREPAID = "prepaid"
    COD = "cod"
    """Cash on delivery (货到付款): the carrier collects the order total."""
