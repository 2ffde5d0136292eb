"""时效承诺: the ship-by and deliver-by dates promised for a shipment.

:func:`promise` computes them from a location's schedule, a carrier's transit days and the calendar, all set
in :class:`PromiseSettings`; :func:`promise_shipment` applies it to a shipment of an order. See
:mod:`omscore.policies.promise.dates` for the rules.
"""

from omscore.policies.promise.dates import SEARCH_LIMIT_DAYS, Promise, promise, promise_shipment, quantile_days
from omscore.policies.promise.settings import (
    DEFAULT_TIMEZONE,
    WEEKDAY_NAMES,
    CarrierTransit,
    LocationSchedule,
    PromiseSettings,
    TransitDays,
    TransitTable,
)

__all__ = [
    "DEFAULT_TIMEZONE",
    "SEARCH_LIMIT_DAYS",
    "WEEKDAY_NAMES",
    "CarrierTransit",
    "LocationSchedule",
    "Promise",
    "PromiseSettings",
    "TransitDays",
    "TransitTable",
    "promise",
    "promise_shipment",
    "quantile_days",
]
