"""The composition root: wire ports and policies into the application, explicitly.

Nothing here runs at import time and nothing reads the environment; callers pass every port or name every
choice. :func:`open_system` builds a whole system from a merchant configuration and a storage choice (memory,
a SQLite file, a PostgreSQL URL); :func:`bootstrap` wires ports a host already holds; :func:`in_memory` is the
quick start for tests and examples, over the in-memory adapter with recording gateway fakes.
"""

from omscore.bootstrap.master_data import id_generator, is_empty, set_up
from omscore.bootstrap.memory import InMemorySystem, in_memory
from omscore.bootstrap.storage import Store, open_store
from omscore.bootstrap.system import System, build_system, open_system
from omscore.bootstrap.wiring import bootstrap

__all__ = [
    "InMemorySystem",
    "Store",
    "System",
    "bootstrap",
    "build_system",
    "id_generator",
    "in_memory",
    "is_empty",
    "open_store",
    "open_system",
    "set_up",
]
