"""The PostgreSQL adapter (psycopg 3; install the ``postgres`` extra).

Open a :class:`PostgresDatabase` once per process (it migrates the schema), make a
:class:`PostgresUnitOfWork` per command, and use :class:`PostgresIds` for ids that are unique across processes.
"""

from omscore.adapters.postgres.database import PostgresDatabase
from omscore.adapters.postgres.ids import PostgresIds
from omscore.adapters.postgres.transaction import Isolation, RetryPolicy
from omscore.adapters.postgres.unit_of_work import PostgresUnitOfWork, postgres_unit_of_work_factory

__all__ = [
    "Isolation",
    "PostgresDatabase",
    "PostgresIds",
    "PostgresUnitOfWork",
    "RetryPolicy",
    "postgres_unit_of_work_factory",
]
