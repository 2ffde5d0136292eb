"""The quick start: :func:`in_memory`, an omscore over a fresh in-memory database with recording gateways."""

from __future__ import annotations

import os

import attrs

from omscore.adapters.memory import (
    MemoryDatabase,
    RecordingChannelGateway,
    RecordingFulfilmentGateway,
    memory_unit_of_work_factory,
)
from omscore.adapters.system import SystemClock
from omscore.app.context import Policies
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap.storage import Store
from omscore.bootstrap.system import build_system
from omscore.boundary.config import MerchantConfig, load_config
from omscore.policies.routing import SourcingSettings
from omscore.policies.settings import PipelineSettings
from omscore.policies.split import SplitSettings
from omscore.ports.clock import Clock


@attrs.frozen
class InMemorySystem:
    """An in-memory omscore with its fakes exposed, for tests, examples and the benchmark."""

    oms: OrderManagement
    database: MemoryDatabase
    channels: RecordingChannelGateway
    fulfilment: RecordingFulfilmentGateway


def in_memory(
    *,
    tenant: str = "default",
    clock: Clock | None = None,
    config: MerchantConfig | str | os.PathLike[str] | None = None,
    settings: PipelineSettings | None = None,
    policies: Policies | None = None,
    sourcing: SourcingSettings | None = None,
    split: SplitSettings | None = None,
) -> InMemorySystem:
    """An omscore over a fresh in-memory database with recording gateways.

    Args:
        tenant: the tenant the system works in.
        clock: the clock; the system clock when ``None``.
        config: a merchant configuration (parsed, or the path of its file) whose catalog, network and initial
            stock are loaded, and whose settings, routing strategies and split rules are used; ``None`` for an
            empty store and omscore's defaults.
        settings, sourcing, split: override the configuration's (see :func:`~omscore.bootstrap.bootstrap`).
        policies: the decision-makers; ``sourcing`` and ``split`` are then unused.

    Returns:
        The system, with its database and recording gateways.

    Raises:
        InvalidConfiguration: the configuration file is malformed, naming the field at fault.
        OSError: the configuration file cannot be read.
    """
    merchant = config if config is None or isinstance(config, MerchantConfig) else load_config(config)
    database = MemoryDatabase()
    system = build_system(
        Store("memory", memory_unit_of_work_factory(database, tenant)),
        merchant,
        clock=clock or SystemClock(),
        channels=RecordingChannelGateway(),
        fulfilment=RecordingFulfilmentGateway(),
        settings=settings,
        policies=policies,
        sourcing=sourcing,
        split=split,
    )
    return InMemorySystem(system.oms, database, system.channels, system.fulfilment)
