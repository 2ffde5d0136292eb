"""Where the commands keep their data: each command's default database, the tenant they work in, and the
storage ``--db`` names, opened for the length of a command."""

from __future__ import annotations

from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.system import SequentialIds, SystemClock
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap import Store, bootstrap
from omscore.bootstrap import open_store as open_library_store

#: Where ``omscore demo`` keeps its day, and where ``omscore orders``/``order`` look by default.
DEMO_DB = "omscore-demo.db"

#: Where ``omscore run`` keeps a merchant's orders by default.
RUN_DB = "omscore.db"

#: The tenant every command works in.
TENANT = "default"

_DB_HELP = (
    "Storage: a SQLite file (created when missing), ':memory:' for a throw-away in-memory store, "
    "or a postgresql:// URL (needs the postgres extra)."
)


def open_store(db: str, *, must_exist: bool = False) -> Store:
    """Open the storage ``db`` names for the length of a command (use it as a context manager).

    Args:
        db: a SQLite file path, ``:memory:``, or a ``postgresql://`` URL.
        must_exist: refuse a SQLite file that does not exist yet (the reading commands).

    Raises:
        InvalidInput: (field ``--db``) the file is missing, or the PostgreSQL adapter cannot be loaded.
        OmsError: the storage cannot be opened.
    """
    return open_library_store(db, tenant=TENANT, must_exist=must_exist, field="--db")


def _reader(store: Store) -> OrderManagement:
    """The application over ``store`` for reading (gateways are fakes: nothing is sent anywhere)."""
    return bootstrap(
        store.uow,
        clock=SystemClock(),
        ids=store.ids or SequentialIds(),
        channels=RecordingChannelGateway(),
        fulfilment=RecordingFulfilmentGateway(),
    )
