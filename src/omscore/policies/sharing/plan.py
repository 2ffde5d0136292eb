"""Sharing one SKU's pool among the listings that sell it.

A :class:`SharePlan` is compiled once from the listings' settings (:class:`ShareRule` per participant, in a fixed
order) and the SKU's :class:`PoolRule`; it then answers "what does each listing get from a pool of ``n`` units"
for any ``n``. The steps, in order:

1. **Buffer**: ``buffer`` units are never published.
2. **Zero-out**: a listing whose ``zero_out_at`` is at or above the pool gets nothing (locks excepted).
3. **Locks**: active locks take their units first, in key order.
4. **Fixed**: listings with ``fixed`` take that many (up to their cap), in participant order, and nothing else.
5. **Exclusive**: listings with ``exclusive`` take that many (up to their cap), in participant order.
6. **Shared pool**: what is left is split by the pool's method among the listings that share, each up to its
   cap. With critical levels the pool is cut into bands at the levels: the band from one level to the next is
   split among the listings whose level is at most its bottom (demand pacing instead offers unit ``k`` to those
   whose level is at most ``k``, so a listing that joins late is covered first).
7. **Floors**: a listing whose share is below its ``floor`` gets ``floor_show`` instead (more only from units
   nobody took).
8. **Presale**: the SKU's presale stock is split by weight among listings with a ``presale_cap``.

So the published quantities never add up to more than the pool (after the buffer) plus the presale stock, for
every setting. Everything is plain integers and deterministic; the hot path (:meth:`SharePlan.shares`) is
memoised per pool size and builds no objects, and :meth:`SharePlan.decide` redoes the same steps with a note per
step for the explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from omscore.policies.sharing.apportion import Method, SeatSequence, apportion_capped, webster, webster_priority
from omscore.policies.sharing.decision import LockClaim, Participant, ShareDecision, ShareLine
from omscore.policies.sharing.demand import pace_priority
from omscore.policies.sharing.settings import PoolRule, ShareRule, SharingMethod

#: Shared pools up to this size are answered from a cached one-unit-at-a-time sequence; larger ones directly.
SEQUENCE_LIMIT = 4096
_MEMO_LIMIT = 1 << 16

DEFAULT_POOL = PoolRule()

Locks = tuple[tuple[int, int], ...]
"""Active lock units per participant as ``(participant index, units)`` pairs, in the order they are served."""


class SharePlan:
    """The compiled sharing rules of one SKU's participants (see the module docstring for the steps)."""

    def __init__(self, rules: Sequence[ShareRule], pool_rule: PoolRule = DEFAULT_POOL) -> None:
        self.rules = tuple(rules)
        self.pool_rule = pool_rule
        count = len(self.rules)
        self._count = count
        self._enabled = [r.enabled for r in self.rules]
        self._caps = [r.cap for r in self.rules]
        self._zero_out = [r.zero_out_at if r.enabled else None for r in self.rules]
        self._fixed = [i for i, r in enumerate(self.rules) if r.enabled and r.fixed is not None]
        self._exclusive = [i for i, r in enumerate(self.rules) if r.enabled and r.fixed is None and r.exclusive]
        self._floors = [i for i, r in enumerate(self.rules) if r.enabled and r.floor is not None]
        self._presale = [i for i, r in enumerate(self.rules) if r.enabled and r.presale_cap]
        method = pool_rule.method
        self._paced = method is SharingMethod.SHARED and all(
            r.velocity is not None for r in self.rules if r.enabled and r.fixed is None
        )
        self._sharers = tuple(
            i
            for i, r in enumerate(self.rules)
            if r.enabled and r.fixed is None and (r.velocity if self._paced else r.weight)
        )
        self._exclusive_units = [min(r.exclusive, r.cap) if r.cap is not None else r.exclusive for r in self.rules]
        self._priority: Callable[[int, int], Any]
        if self._paced:
            windows = [r.lag_minutes * pool_rule.pace_lags / 60.0 for r in self.rules]
            self._priority, self._tails = pace_priority([r.velocity or 0.0 for r in self.rules], windows)
        else:
            self._priority, self._tails = webster_priority([r.weight for r in self.rules]), []
        self._sequences: dict[tuple[int, ...], SeatSequence] = {}
        self._plain: dict[int, tuple[int, ...]] = {}
        self._memo: dict[tuple[int, Locks], tuple[int, ...]] = {}

    # --- the hot path -------------------------------------------------------------------------------------

    def shares(self, pool: int, locks: Locks = ()) -> tuple[int, ...]:
        """Each participant's quantity, in participant order, for a pool of ``pool`` units (negative counts as
        zero) and the active ``locks``."""
        if not locks:
            found = self._plain.get(pool)
            if found is None:
                if len(self._plain) >= _MEMO_LIMIT:
                    self._plain.clear()
                found = self._plain[pool] = tuple(self._run(pool, locks, None, None)[0])
            return found
        key = (pool, locks)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            found = self._memo[key] = tuple(self._run(pool, locks, None, None)[0])
        return found

    # --- explanations ---------------------------------------------------------------------------------------

    def decide(
        self, pool: int, participants: Sequence[Participant], *, sku: str = "", locks: Sequence[LockClaim] = ()
    ) -> ShareDecision:
        """The same computation as :meth:`shares`, with the reason for every participant's quantity."""
        reasons: list[list[str]] = [[] for _ in range(self._count)]
        notes: list[str] = []
        pairs = tuple((claim.participant, claim.units) for claim in locks)
        labels = {claim.participant: claim.label for claim in locks}
        quantities, unassigned = self._run(pool, pairs, reasons, notes, labels)
        lines = tuple(
            ShareLine(p.channel, p.listing_id, quantities[i], tuple(reasons[i]) or ("nothing applies",))
            for i, p in enumerate(participants)
        )
        return ShareDecision(
            sku=sku, pool=pool, method=self.pool_rule.method, lines=lines, unassigned=unassigned, notes=tuple(notes)
        )

    # --- the steps ------------------------------------------------------------------------------------------

    def _run(
        self,
        pool: int,
        locks: Locks,
        reasons: list[list[str]] | None,
        notes: list[str] | None,
        labels: dict[int, str] | None = None,
    ) -> tuple[list[int], int]:
        """Every participant's quantity and the units of the pool (after the buffer) nobody got."""
        rules = self.rules
        count = self._count
        total = [0] * count
        buffer = self.pool_rule.buffer
        base = max(0, max(0, pool) - buffer)
        left = base
        if notes is not None:
            notes.append(f"pool {max(0, pool)}" + (f", buffer {buffer} kept back: {base} to share" if buffer else ""))
        zeroed = [z is not None and base <= z for z in self._zero_out]
        if reasons is not None:
            for i, rule in enumerate(rules):
                if not rule.enabled:
                    reasons[i].append("publishing is switched off for this listing")
                elif zeroed[i]:
                    reasons[i].append(f"zero-out: pool {base} is at or below {rule.zero_out_at}")
        locked = [0] * count
        for index, units in locks:
            if not self._enabled[index]:
                continue
            given = min(units, left)
            total[index] += given
            locked[index] += given
            left -= given
            if reasons is not None:
                label = (labels or {}).get(index, "")
                short = f" ({units - given} short)" if given < units else ""
                reasons[index].append(f"lock {label}: {given} set aside{short}".replace("lock :", "lock:"))
        for index in self._fixed:
            if zeroed[index]:
                continue
            fixed = rules[index].fixed
            assert fixed is not None
            cap = self._caps[index]
            want = fixed if cap is None else min(fixed, cap)
            given = min(want, left)
            total[index] += given
            left -= given
            if reasons is not None:
                reasons[index].append(f"fixed quantity {fixed}" + (f", only {given} left" if given < want else ""))
        for index in self._exclusive:
            if zeroed[index]:
                continue
            want = self._exclusive_units[index]
            given = min(want, left)
            total[index] += given
            left -= given
            if reasons is not None:
                reasons[index].append(
                    f"exclusive pool {rules[index].exclusive}" + (f", only {given} left" if given < want else "")
                )
        sharers = tuple(i for i in self._sharers if not zeroed[i])
        if left > 0 and sharers:
            shared = self._split(left, sharers)
            for index in sharers:
                total[index] += shared[index]
            left -= sum(shared)
            if reasons is not None:
                self._explain_split(left + sum(shared), sharers, shared, reasons)
        elif reasons is not None:
            for index in self._sharers:
                if not zeroed[index]:
                    reasons[index].append("nothing left for the shared pool")
        for index in self._floors:
            rule = rules[index]
            if zeroed[index] or rule.floor is None:
                continue
            own = total[index] - locked[index]
            if own >= rule.floor:
                continue
            cap = self._caps[index]
            show = rule.floor_show if cap is None else min(rule.floor_show, cap)
            change = show - own if show <= own else min(show - own, left)
            total[index] += change
            left -= change
            if reasons is not None:
                reasons[index].append(
                    f"floor: share {own} is below {rule.floor}, showing {own + change}"
                    + (f" (wanted {show}, nothing more unassigned)" if own + change < show else "")
                )
        presale = self.pool_rule.presale_stock
        if presale and self._presale:
            takers = [i for i in self._presale if not zeroed[i]]
            split = webster(presale, [rules[i].weight for i in takers], caps=[rules[i].presale_cap for i in takers])
            for index, units in zip(takers, split, strict=True):
                total[index] += units
                if reasons is not None:
                    reasons[index].append(
                        f"presale: {units} of {presale} virtual units (cap {rules[index].presale_cap})"
                    )
        if notes is not None and left:
            notes.append(f"{left} units not published (no listing could take them)")
        return total, left

    def _split(self, units: int, sharers: tuple[int, ...]) -> list[int]:
        """The shared pool's split among ``sharers`` (full-length list; zeros elsewhere)."""
        method = self.pool_rule.method
        banded = len({self.rules[i].critical_level for i in sharers}) > 1 or self.rules[sharers[0]].critical_level
        if method in (SharingMethod.HAMILTON, SharingMethod.QUOTA) or (banded and not self._paced):
            return self._bandwise(units, sharers, method.apportionment)
        sequence = self._sequences.get(sharers)
        if sequence is None:
            sequence = self._sequences[sharers] = self._sequence(sharers)
        start = self._start(sharers)
        if units > SEQUENCE_LIMIT and self._direct_ok(units, sharers):
            held = self._direct(units, sharers, start)
        else:
            held = list(sequence.parts(units))
        return [h - s for h, s in zip(held, start, strict=True)]

    def _start(self, sharers: tuple[int, ...]) -> list[int]:
        # pacing counts what a listing holds already (its exclusive units); ratios split the shared pool alone
        if not self._paced:
            return [0] * self._count
        return [self._exclusive_units[i] if i in sharers else 0 for i in range(self._count)]

    def _share_caps(self, sharers: tuple[int, ...]) -> list[int | None]:
        caps: list[int | None] = [0] * self._count
        for i in sharers:
            cap = self._caps[i]
            if cap is None:
                caps[i] = None
            elif self._paced:
                caps[i] = max(cap, self._exclusive_units[i])
            else:
                caps[i] = max(0, cap - self._exclusive_units[i])
        return caps

    def _sequence(self, sharers: tuple[int, ...]) -> SeatSequence:
        eligible = [i in sharers for i in range(self._count)]
        joins = [r.critical_level for r in self.rules]
        return SeatSequence(
            self._priority,
            self._count,
            start=self._start(sharers),
            caps=self._share_caps(sharers),
            joins=joins,
            eligible=eligible,
        )

    def _direct_ok(self, units: int, sharers: tuple[int, ...]) -> bool:
        if any(self.rules[i].critical_level >= SEQUENCE_LIMIT for i in sharers):
            return False
        return sum(len(self._tails[i]) for i in sharers) < SEQUENCE_LIMIT if self._paced else True

    def _direct(self, units: int, sharers: tuple[int, ...], start: list[int]) -> list[int]:
        caps = self._share_caps(sharers)
        floor = list(start)
        if self._paced:
            # past the cover phase every listing holds its covering units and the rest follows velocity (Webster)
            for i in sharers:
                covered = start[i] + len(self._tails[i])
                cap = caps[i]
                floor[i] = covered if cap is None else min(cap, covered)
            velocities = [
                Fraction(r.velocity or 0.0) if i in sharers else Fraction(0) for i, r in enumerate(self.rules)
            ]
            return webster(units + sum(start), velocities, start=floor, caps=caps)
        weights = [r.weight if i in sharers else 0 for i, r in enumerate(self.rules)]
        return webster(units, weights, caps=caps)

    def _bandwise(self, units: int, sharers: tuple[int, ...], method: Method) -> list[int]:
        shared = [0] * self._count
        levels = sorted({self.rules[i].critical_level for i in sharers})
        caps = self._share_caps(sharers)
        for position, low in enumerate(levels):
            high = levels[position + 1] if position + 1 < len(levels) else None
            size = (units if high is None else min(units, high)) - low
            if size <= 0:
                break
            members = [i for i in sharers if self.rules[i].critical_level <= low]
            room = [None if (cap := caps[i]) is None else cap - shared[i] for i in members]
            parts = apportion_capped(size, [self.rules[i].weight for i in members], room, method)
            for index, part in zip(members, parts, strict=True):
                shared[index] += part
        return shared

    def _explain_split(self, units: int, sharers: tuple[int, ...], shared: list[int], reasons: list[list[str]]) -> None:
        method = self.pool_rule.method
        if self._paced:
            for i in sharers:
                rule = self.rules[i]
                reasons[i].append(
                    f"{shared[i]} of the shared {units} by demand pacing (velocity {rule.velocity:g}/h, "
                    f"pacing window {rule.lag_minutes * self.pool_rule.pace_lags:g} min)"
                )
        else:
            how = "Webster" if method is SharingMethod.SHARED else method.value.capitalize()
            weights = ":".join(str(self.rules[i].weight) for i in sharers)
            for i in sharers:
                reasons[i].append(f"{shared[i]} of the shared {units} by {how} on weights {weights}")
        for i in sharers:
            rule = self.rules[i]
            if rule.critical_level:
                reasons[i].append(f"shares only above the critical level {rule.critical_level}")
            cap = rule.cap
            if cap is not None and shared[i] + self._exclusive_units[i] >= cap:
                reasons[i].append(f"capped at {cap}")


class SharePlanner:
    """Compiles and caches :class:`SharePlan` objects by their rules, so the many SKUs that share one set of
    settings share one plan (and its memo) — the bulk path for large catalogues."""

    def __init__(self) -> None:
        self._plans: dict[tuple[PoolRule, tuple[ShareRule, ...]], SharePlan] = {}

    def plan(self, rules: Sequence[ShareRule], pool_rule: PoolRule = DEFAULT_POOL) -> SharePlan:
        key = (pool_rule, tuple(rules))
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = SharePlan(key[1], pool_rule)
        return found


def share_pool(
    pool: int,
    participants: Sequence[Participant],
    pool_rule: PoolRule = DEFAULT_POOL,
    *,
    sku: str = "",
    locks: Sequence[LockClaim] = (),
) -> ShareDecision:
    """Share ``pool`` units among ``participants`` and explain every share (one-off use; see
    :class:`SharePlanner` for many SKUs)."""
    return SharePlan([p.rule for p in participants], pool_rule).decide(pool, participants, sku=sku, locks=locks)
