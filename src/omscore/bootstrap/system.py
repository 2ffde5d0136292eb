"""A whole omscore from a merchant configuration and a storage choice: :func:`open_system`.

:func:`open_system` reads the configuration, opens the storage, wires the application with the
configuration's settings, routing strategies and split rules, and books the configuration's master data into
an empty store. :func:`build_system` does the same over a store that is already open; the command line and the
demo use it, so every way of starting omscore goes through one builder.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Generic, Self, TypeVar, overload

import attrs

from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.system import SystemClock
from omscore.app.context import Policies
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap.master_data import id_generator, set_up
from omscore.bootstrap.storage import Store, open_store
from omscore.bootstrap.wiring import bootstrap
from omscore.boundary.config import MerchantConfig, load_config
from omscore.policies.routing import SourcingSettings
from omscore.policies.settings import PipelineSettings
from omscore.policies.split import SplitSettings
from omscore.ports.channel import ChannelGateway
from omscore.ports.clock import Clock
from omscore.ports.fulfilment import FulfilmentGateway

ChannelsT = TypeVar("ChannelsT", bound=ChannelGateway)
FulfilmentT = TypeVar("FulfilmentT", bound=FulfilmentGateway)
_Channels_co = TypeVar("_Channels_co", bound=ChannelGateway, covariant=True)
_Fulfilment_co = TypeVar("_Fulfilment_co", bound=FulfilmentGateway, covariant=True)


@attrs.frozen(eq=False)
class System(Generic[_Channels_co, _Fulfilment_co]):
    """An omscore over opened storage, with the ports it was built with.

    Use it as a context manager, or call :meth:`close`, to release the storage.

    Attributes:
        oms: the application.
        channels: the sales platforms' gateway (a :class:`~omscore.adapters.memory.RecordingChannelGateway`
            unless the host supplied its own).
        fulfilment: the warehouses' gateway (a :class:`~omscore.adapters.memory.RecordingFulfilmentGateway`
            unless the host supplied its own).
        clock: the clock the application reads.
        store: the storage, with its kind and location.
        config: the merchant configuration the system was built from, or ``None``.
        was_empty: the store held nothing when the system was built, so the configuration's master data and
            initial stock were booked now (on a store that held data, stock is never booked again).
    """

    oms: OrderManagement
    channels: _Channels_co
    fulfilment: _Fulfilment_co
    clock: Clock
    store: Store
    config: MerchantConfig | None
    was_empty: bool

    def close(self) -> None:
        """Release the storage (its connections); the system must not be used afterwards."""
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def build_system(
    store: Store,
    config: MerchantConfig | None,
    *,
    clock: Clock,
    channels: ChannelsT,
    fulfilment: FulfilmentT,
    settings: PipelineSettings | None = None,
    policies: Policies | None = None,
    sourcing: SourcingSettings | None = None,
    split: SplitSettings | None = None,
    replace_master_data: bool = True,
) -> System[ChannelsT, FulfilmentT]:
    """Wire omscore over an open ``store`` and set the store up with ``config``'s master data.

    The settings, routing strategies and split rules are ``config``'s unless given explicitly. Ids come from the
    store's own generator when it has one, else from a counter that continues after every stored id.

    Args:
        store: the opened storage; the caller keeps ownership (closing the system closes it too).
        config: the merchant; ``None`` to open a store as it is, with omscore's default settings.
        clock, channels, fulfilment: the ports.
        settings, sourcing, split: override the configuration's; omscore's defaults when neither gives them.
        policies: the decision-makers (see :func:`~omscore.bootstrap.bootstrap`); ``sourcing`` and ``split``
            are then unused.
        replace_master_data: a store holding another catalog or network gets ``config``'s instead; when
            ``False``, such a store is refused.

    Returns:
        The system; ``was_empty`` tells whether the initial stock was booked.

    Raises:
        InvalidInput: (field ``db``) the store holds another merchant's catalog or network and
            ``replace_master_data`` is false.
        OmsError: a storage fault.
    """
    if config is not None:
        settings = config.settings if settings is None else settings
        sourcing = config.sourcing if sourcing is None else sourcing
        split = config.split if split is None else split
    oms = bootstrap(
        store.uow,
        clock=clock,
        ids=id_generator(store),
        channels=channels,
        fulfilment=fulfilment,
        settings=settings,
        policies=policies,
        sourcing=sourcing,
        split=split,
    )
    was_empty = set_up(oms, store, config, replace=replace_master_data) if config is not None else False
    return System(oms, channels, fulfilment, clock, store, config, was_empty)


@overload
def open_system(
    config: MerchantConfig | str | os.PathLike[str],
    *,
    storage: str | os.PathLike[str] = ...,
    channels: None = None,
    fulfilment: None = None,
    clock: Clock | None = None,
    tenant: str = "default",
) -> System[RecordingChannelGateway, RecordingFulfilmentGateway]: ...


@overload
def open_system(
    config: MerchantConfig | str | os.PathLike[str],
    *,
    storage: str | os.PathLike[str] = ...,
    channels: ChannelsT,
    fulfilment: None = None,
    clock: Clock | None = None,
    tenant: str = "default",
) -> System[ChannelsT, RecordingFulfilmentGateway]: ...


@overload
def open_system(
    config: MerchantConfig | str | os.PathLike[str],
    *,
    storage: str | os.PathLike[str] = ...,
    channels: None = None,
    fulfilment: FulfilmentT,
    clock: Clock | None = None,
    tenant: str = "default",
) -> System[RecordingChannelGateway, FulfilmentT]: ...


@overload
def open_system(
    config: MerchantConfig | str | os.PathLike[str],
    *,
    storage: str | os.PathLike[str] = ...,
    channels: ChannelsT,
    fulfilment: FulfilmentT,
    clock: Clock | None = None,
    tenant: str = "default",
) -> System[ChannelsT, FulfilmentT]: ...


def open_system(
    config: MerchantConfig | str | os.PathLike[str],
    *,
    storage: str | os.PathLike[str] = ":memory:",
    channels: ChannelGateway | None = None,
    fulfilment: FulfilmentGateway | None = None,
    clock: Clock | None = None,
    tenant: str = "default",
) -> System[ChannelGateway, FulfilmentGateway]:
    """Build a whole omscore from a merchant configuration and a storage choice.

    The configuration's settings, routing strategies and split rules drive the pipeline. Its catalog, network
    and initial stock are booked into an empty store; a store that already holds data keeps its stock (booking
    it again would invent goods) and gets the configuration's catalog and network when they changed.

    Example::

        with open_system("config.toml", storage="shop.db") as system:
            system.oms.ingest_payload(payload)
            system.oms.process()

    Args:
        config: a parsed :class:`~omscore.boundary.config.MerchantConfig`, or the path of a ``.json`` or
            ``.toml`` configuration file.
        storage: ``":memory:"`` (the default; also ``"memory"``) for a throw-away in-memory store; a SQLite
            file path, created when missing; or a ``postgresql://`` URL (needs the ``postgres`` extra).
        channels: the sales platforms' gateway; a recording fake when ``None``.
        fulfilment: the warehouses' gateway; a recording fake when ``None``.
        clock: the clock; the system clock when ``None``.
        tenant: the tenant the system works in.

    Returns:
        The :class:`System`; close it, or use it as a context manager, to release the storage.

    Raises:
        InvalidConfiguration: the configuration file is malformed, naming the field at fault.
        InvalidInput: (field ``storage``) the storage string is empty or has an unknown scheme, the SQLite file's
            folder does not exist or the path is a directory, or the PostgreSQL adapter is not installed.
        OSError: the configuration file cannot be read.
        OmsError: the storage cannot be opened, or another storage fault.
    """
    merchant = config if isinstance(config, MerchantConfig) else load_config(config)
    store = open_store(storage, tenant=tenant)
    try:
        return build_system(
            store,
            merchant,
            clock=clock or SystemClock(),
            channels=channels if channels is not None else RecordingChannelGateway(),
            fulfilment=fulfilment if fulfilment is not None else RecordingFulfilmentGateway(),
        )
    except BaseException:
        store.close()
        raise
