"""The PostgreSQL adapter (psycopg 3; install the ``postgres`` extra).

Open a :class:`PostgresDatabase` once per process (it migrates the schema), make a
:class:`PostgresUnitOfWork` per command, and use :class:`PostgresIds` for ids that are unique across processes.
:func:`reserve_at_once` reserves in a transaction of its own, in one round trip, for hot paths.
"""

from omscore.adapters.postgres.database import PostgresDatabase
from omscore.adapters.postgres.ids import PostgresIds
from omscore.adapters.postgres.inventory import reserve_at_once
from omscore.adapters.postgres.transaction import Isolation, RetryPolicy
from omscore.adapters.postgres.unit_of_work import PostgresUnitOfWork, postgres_unit_of_work_factory

__all__ = [
    "Isolation",
    "PostgresDatabase",
    "PostgresIds",
    "PostgresUnitOfWork",
    "RetryPolicy",
    "postgres_unit_of_work_factory",
    "reserve_at_once",
]
