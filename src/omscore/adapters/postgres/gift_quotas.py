"""Gift activity quotas in PostgreSQL.

A take and a give-back are one call each of a server-side function (``omscore.take_gift``,
``omscore.give_back_gift`` in the schema), so the activity's hot counter row is locked for one round trip.
The function inserts the claim first (a second take of the same order waits on it and then finds a repeat),
then counts it by guarded relative upserts (``taken = taken + n WHERE taken + n <= quota``) on the activity
and on the buyer, and takes its own work back when a limit refuses. At READ COMMITTED PostgreSQL re-checks the
guard against the newest version of a row it waited for; at REPEATABLE READ and SERIALIZABLE a concurrent
change fails the statement with 40001 and the transaction is re-run (:mod:`.transaction`), as are deadlocks.
"""

from __future__ import annotations

from omscore.adapters.postgres.session import Session
from omscore.domain.gifts import GiftClaim, check_gift_id

_TAKE = "SELECT omscore.take_gift(%s, %s, %s, %s, %s, %s, %s)"
_GIVE_BACK = "SELECT omscore.give_back_gift(%s, %s, %s)"


class PostgresGiftQuotas:
    """The :class:`~omscore.ports.gift_quotas.GiftQuotas` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def take(self, claim: GiftClaim) -> bool:
        """Record ``claim`` when the activity and the buyer stay within their limits; a repeat changes nothing.

        Returns:
            ``True`` when the order holds the claim now, ``False`` when a limit refused it.

        Raises:
            LockTimeout: a row stayed locked past the lock timeout.
            TransientError: retries ran out, or a re-run saw different data; retry the unit of work.
        """
        session = self._session
        row = session.one(
            _TAKE,
            (
                session.tenant,
                claim.activity,
                claim.order_key,
                claim.buyer,
                claim.units,
                claim.quota,
                claim.per_buyer,
            ),
            lock_first=session.gift_lock_keys(claim.activity),
        )
        return row is not None and row[0] != "refused"

    def give_back(self, activity: str, order_key: str) -> int:
        """Give back what ``order_key`` holds in ``activity``.

        Returns:
            The units given back; 0 when it held nothing (a repeat).

        Raises:
            InvalidInput: a blank ``activity`` or ``order_key``.
        """
        check_gift_id("activity", activity)
        check_gift_id("order_key", order_key)
        session = self._session
        row = session.one(
            _GIVE_BACK, (session.tenant, activity, order_key), lock_first=session.gift_lock_keys(activity)
        )
        return int(row[0]) if row is not None else 0

    def taken(self, activity: str) -> int:
        """Units ``activity`` has given out; 0 when none.

        Raises:
            InvalidInput: a blank ``activity``.
        """
        row = self._session.one(
            "SELECT taken FROM omscore.gift_activities WHERE tenant = %s AND activity = %s",
            (self._session.tenant, check_gift_id("activity", activity)),
        )
        return int(row[0]) if row is not None else 0

    def taken_by(self, activity: str, buyer: str) -> int:
        """Units ``buyer`` holds in ``activity``; 0 when none.

        Raises:
            InvalidInput: a blank ``activity`` or ``buyer``.
        """
        row = self._session.one(
            "SELECT taken FROM omscore.gift_buyers WHERE tenant = %s AND activity = %s AND buyer = %s",
            (self._session.tenant, check_gift_id("activity", activity), check_gift_id("buyer", buyer)),
        )
        return int(row[0]) if row is not None else 0

    def held_by(self, order_key: str) -> dict[str, int]:
        """Units ``order_key`` holds per activity, by activity id.

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        rows = self._session.execute(
            "SELECT activity, units FROM omscore.gift_claims WHERE tenant = %s AND order_key = %s ORDER BY activity",
            (self._session.tenant, check_gift_id("order_key", order_key)),
        )
        return {row[0]: int(row[1]) for row in rows}
