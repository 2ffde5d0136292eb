"""Adapter-neutral records: the model converted to and from JSON-ready data, exactly.

Storage adapters keep aggregates and configuration values as JSON documents beside a few indexed columns.
This package is the one place that knows the document shape, so every adapter (SQLite, PostgreSQL, a host's
own) reads and writes the same format. The round trip is exact: ``order_from_record(order_to_record(o))``
has every field of ``o`` — enums, :class:`~omscore.domain.money.Money`, timezone-aware datetimes (with their
``zoneinfo`` zone when they have one), dates, :class:`~omscore.domain.address.GeoPoint` floats and frozensets.
Recorded domain events are not part of an aggregate's record; they travel through the outbox
(:func:`event_to_record`, :func:`event_from_record`).

Every top-level record carries ``"format"``: the version of its shape. Readers accept :data:`RECORD_FORMAT`
and older formats they know how to upgrade, and refuse newer ones with
:class:`~omscore.domain.errors.SchemaVersionError`.
"""

from omscore.adapters.records.catalog import catalog_from_record, catalog_to_record
from omscore.adapters.records.events import event_from_record, event_to_record, event_types
from omscore.adapters.records.format import RECORD_FORMAT, Record
from omscore.adapters.records.network import network_from_record, network_to_record
from omscore.adapters.records.orders import order_from_record, order_to_record
from omscore.adapters.records.shipments import shipment_from_record, shipment_to_record

__all__ = [
    "RECORD_FORMAT",
    "Record",
    "catalog_from_record",
    "catalog_to_record",
    "event_from_record",
    "event_to_record",
    "event_types",
    "network_from_record",
    "network_to_record",
    "order_from_record",
    "order_to_record",
    "shipment_from_record",
    "shipment_to_record",
]
