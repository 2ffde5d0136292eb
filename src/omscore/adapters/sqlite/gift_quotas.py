"""Gift activity quotas in SQLite, counted only by guarded relative statements.

A take is, in one ``BEGIN IMMEDIATE`` transaction (no other writer in any process runs meanwhile):

    INSERT INTO gift_activities … SELECT :n WHERE :n <= ?6 AND <the order holds no claim yet>
        ON CONFLICT DO UPDATE SET taken = taken + :n WHERE taken + :n <= ?6 AND <no claim yet>

then the same guarded upsert of the buyer's counter against the per-buyer limit, then the claim row. A
statement that changes nothing means "over a limit" (or, for the first, a repeat, told apart by looking for
the claim); when the buyer's limit refuses, the activity's increment is taken back by a relative UPDATE in
the same transaction. No counter is read and written back, and the counters equal the sum of the claims.
"""

from __future__ import annotations

from omscore.adapters.sqlite.session import Session
from omscore.domain.gifts import GiftClaim, check_gift_id

# ?1 tenant, ?2 activity, ?3 order key, ?4 units, ?5 quota (NULL: no limit).
_COUNT_ACTIVITY = (
    "INSERT INTO gift_activities (tenant, activity, taken)"
    " SELECT ?1, ?2, ?4 WHERE (?5 IS NULL OR ?4 <= ?5)"
    " AND NOT EXISTS (SELECT 1 FROM gift_claims WHERE tenant = ?1 AND activity = ?2 AND order_key = ?3)"
    " ON CONFLICT (tenant, activity) DO UPDATE SET taken = taken + excluded.taken"
    " WHERE (?5 IS NULL OR taken + excluded.taken <= ?5)"
    " AND NOT EXISTS (SELECT 1 FROM gift_claims WHERE tenant = ?1 AND activity = ?2 AND order_key = ?3)"
)
# ?1 tenant, ?2 activity, ?3 buyer, ?4 units, ?5 per-buyer limit (NULL: no limit).
_COUNT_BUYER = (
    "INSERT INTO gift_buyers (tenant, activity, buyer, taken)"
    " SELECT ?1, ?2, ?3, ?4 WHERE (?5 IS NULL OR ?4 <= ?5)"
    " ON CONFLICT (tenant, activity, buyer) DO UPDATE SET taken = taken + excluded.taken"
    " WHERE (?5 IS NULL OR taken + excluded.taken <= ?5)"
)
_UNCOUNT_ACTIVITY = "UPDATE gift_activities SET taken = taken - ? WHERE tenant = ? AND activity = ?"
_UNCOUNT_BUYER = "UPDATE gift_buyers SET taken = taken - ? WHERE tenant = ? AND activity = ? AND buyer = ?"
_CLAIM = "INSERT INTO gift_claims (tenant, activity, order_key, buyer, units) VALUES (?, ?, ?, ?, ?)"
_HELD = "SELECT 1 FROM gift_claims WHERE tenant = ? AND activity = ? AND order_key = ?"
_GIVE_BACK = "DELETE FROM gift_claims WHERE tenant = ? AND activity = ? AND order_key = ? RETURNING buyer, units"


class SqliteGiftQuotas:
    """:class:`~omscore.ports.gift_quotas.GiftQuotas` over one unit of work's session.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def take(self, claim: GiftClaim) -> bool:
        """Record ``claim`` when the activity and the buyer stay within their limits; a repeat changes nothing.

        Args:
            claim: what to take.

        Returns:
            ``True`` when the order holds the claim now, ``False`` when a limit refused it.
        """
        session = self._session
        tenant, activity, order_key, units = session.tenant, claim.activity, claim.order_key, claim.units
        if session.execute(_COUNT_ACTIVITY, (tenant, activity, order_key, units, claim.quota)).rowcount != 1:
            return session.query(_HELD, (tenant, activity, order_key)).fetchone() is not None
        if session.execute(_COUNT_BUYER, (tenant, activity, claim.buyer, units, claim.per_buyer)).rowcount != 1:
            session.execute(_UNCOUNT_ACTIVITY, (units, tenant, activity))
            return False
        session.execute(_CLAIM, (tenant, activity, order_key, claim.buyer, units))
        return True

    def give_back(self, activity: str, order_key: str) -> int:
        """Give back what ``order_key`` holds in ``activity``.

        Args:
            activity: the activity.
            order_key: the order.

        Returns:
            The units given back; 0 when it held nothing (a repeat).

        Raises:
            InvalidInput: a blank ``activity`` or ``order_key``.
        """
        check_gift_id("activity", activity)
        check_gift_id("order_key", order_key)
        session = self._session
        tenant = session.tenant
        row = session.execute(_GIVE_BACK, (tenant, activity, order_key)).fetchone()
        if row is None:
            return 0
        buyer, units = row
        session.execute(_UNCOUNT_BUYER, (units, tenant, activity, buyer))
        session.execute(_UNCOUNT_ACTIVITY, (units, tenant, activity))
        return int(units)

    def taken(self, activity: str) -> int:
        """Units ``activity`` has given out; 0 when none.

        Raises:
            InvalidInput: a blank ``activity``.
        """
        row = self._session.query(
            "SELECT taken FROM gift_activities WHERE tenant = ? AND activity = ?",
            (self._session.tenant, check_gift_id("activity", activity)),
        ).fetchone()
        return 0 if row is None else int(row[0])

    def taken_by(self, activity: str, buyer: str) -> int:
        """Units ``buyer`` holds in ``activity``; 0 when none.

        Raises:
            InvalidInput: a blank ``activity`` or ``buyer``.
        """
        row = self._session.query(
            "SELECT taken FROM gift_buyers WHERE tenant = ? AND activity = ? AND buyer = ?",
            (self._session.tenant, check_gift_id("activity", activity), check_gift_id("buyer", buyer)),
        ).fetchone()
        return 0 if row is None else int(row[0])

    def held_by(self, order_key: str) -> dict[str, int]:
        """Units ``order_key`` holds per activity, by activity id.

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        rows = self._session.query(
            "SELECT activity, units FROM gift_claims INDEXED BY gift_claims_by_order"
            " WHERE tenant = ? AND order_key = ? ORDER BY activity",
            (self._session.tenant, check_gift_id("order_key", order_key)),
        )
        return {activity: int(units) for activity, units in rows}
