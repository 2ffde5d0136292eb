"""The Order aggregate: a customer order as omscore fulfils it.

An order is created from one platform order at intake, or from several by a merge (合单). It owns its lines,
recipient, memos, payment mode, holds and status; its status moves only through :data:`TRANSITIONS`. Every
change bumps nothing by itself: the repository checks and advances :attr:`Order.version` when it stores the
order (optimistic concurrency). Changes record :class:`~omscore.domain.events.DomainEvent` s that the unit of
work moves to the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from omscore.domain import events as ev
from omscore.domain.address import Recipient
from omscore.domain.decisions import DECISIONS_KEPT, Decision
from omscore.domain.errors import IllegalTransition, InvalidInput, InvalidMoney
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import (
    Channel,
    ExternalOrderRef,
    LineId,
    LocationId,
    OrderId,
    ShipmentId,
)
from omscore.domain.money import Money, total
from omscore.domain.order_line import OrderLine, check_lines, join_memos, split_lines
from omscore.domain.order_status import FINAL, PRE_ROUTING, TRANSITIONS, OrderStatus
from omscore.domain.order_totals import LineTotals
from omscore.domain.payment import PaymentMode as PaymentMode  # where it was first defined


@attrs.define(eq=False)
class Order(LineTotals):
    """The order aggregate. Identity equality; mutate only through its methods."""

    id: OrderId
    channel: Channel
    refs: tuple[ExternalOrderRef, ...]
    revision: int
    placed_at: datetime
    buyer_id: str
    recipient: Recipient
    lines: tuple[OrderLine, ...]
    currency: str
    shipping_fee: Money
    payment: PaymentMode = PaymentMode.PREPAID
    buyer_memo: str = ""
    seller_memo: str = ""
    priority: int = 0
    pickup_location: LocationId | None = None
    status: OrderStatus = OrderStatus.RECEIVED
    holds: tuple[Hold, ...] = ()
    merged_into: OrderId | None = None
    merged_from: tuple[OrderId, ...] = ()
    merge_key: str | None = None
    shipment_ids: tuple[ShipmentId, ...] = ()
    decisions: tuple[Decision, ...] = ()
    backorder_of: OrderId | None = None
    backorders: tuple[OrderId, ...] = ()
    version: int = 0
    events: list[ev.DomainEvent] = attrs.field(factory=list, repr=False)

    def __attrs_post_init__(self) -> None:
        check_lines(self.lines, self.currency)
        if self.shipping_fee.currency != self.currency:
            raise InvalidMoney("shipping_fee.currency", self.shipping_fee.currency, f"order is in {self.currency}")
        if self.shipping_fee.minor < 0:
            raise InvalidMoney("shipping_fee", self.shipping_fee.minor, "must not be negative")
        if not self.refs:
            raise InvalidInput("refs", (), "an order keeps at least one platform order reference")

    # --- construction -----------------------------------------------------------------------------------

    @classmethod
    def receive(
        cls,
        *,
        id: OrderId,
        ref: ExternalOrderRef,
        revision: int,
        placed_at: datetime,
        buyer_id: str,
        recipient: Recipient,
        lines: Sequence[OrderLine],
        currency: str,
        shipping_fee: Money,
        payment: PaymentMode = PaymentMode.PREPAID,
        buyer_memo: str = "",
        seller_memo: str = "",
        priority: int = 0,
        pickup_location: LocationId | None = None,
    ) -> Order:
        """Create an order taken in from one platform order."""
        order = cls(
            id=id,
            channel=ref.channel,
            refs=(ref,),
            revision=revision,
            placed_at=placed_at,
            buyer_id=buyer_id,
            recipient=recipient,
            lines=tuple(lines),
            currency=currency,
            shipping_fee=shipping_fee,
            payment=payment,
            buyer_memo=buyer_memo,
            seller_memo=seller_memo,
            priority=priority,
            pickup_location=pickup_location,
        )
        order.events.append(ev.OrderReceived(id, str(ref), revision))
        return order

    @classmethod
    def merge(cls, id: OrderId, sources: Sequence[Order]) -> Order:
        """Create the order that fulfils ``sources`` together, and mark each source as merged into it.

        Sources are taken in id order so that the result does not depend on the order they are given in. The
        merged order keeps every origin reference, every line (renumbered ``<source line>@<source id>``), the
        sum of shipping fees, both memos, the highest priority and the earliest placement time.

        Raises:
            IllegalTransition: when a source is not approved.
            InvalidInput: when sources differ in currency or payment mode, fewer than two are given, or one is
                split for a backorder.
        """
        ordered = sorted(sources, key=lambda o: o.id)
        if len(ordered) < 2:
            raise InvalidInput("sources", [o.id for o in ordered], "a merge needs at least two orders")
        first = ordered[0]
        for source in ordered:
            if source.status is not OrderStatus.APPROVED:
                raise IllegalTransition("order", source.id, source.status, OrderStatus.MERGED)
            if source.currency != first.currency:
                raise InvalidInput("currency", source.currency, f"cannot merge with {first.currency}")
            if source.payment is not first.payment:
                raise InvalidInput("payment", source.payment, f"cannot merge with {first.payment}")
            if source.backorder_of or source.backorders:
                raise InvalidInput("sources", source.id, "an order split for a backorder ships apart")
        lines = tuple(
            attrs.evolve(line, id=LineId(f"{line.id}@{source.id}")) for source in ordered for line in source.lines
        )
        merged = cls(
            id=id,
            channel=first.channel,
            refs=tuple(ref for source in ordered for ref in source.refs),
            revision=0,
            placed_at=min(o.placed_at for o in ordered),
            buyer_id=first.buyer_id,
            recipient=first.recipient,
            lines=lines,
            currency=first.currency,
            shipping_fee=total((o.shipping_fee for o in ordered), first.currency),
            payment=first.payment,
            buyer_memo=join_memos(o.buyer_memo for o in ordered),
            seller_memo=join_memos(o.seller_memo for o in ordered),
            priority=max(o.priority for o in ordered),
            pickup_location=first.pickup_location,
            status=OrderStatus.APPROVED,
            merged_from=tuple(o.id for o in ordered),
            merge_key=first.merge_key,
        )
        for source in ordered:
            source._move(OrderStatus.MERGED)
            source.merged_into = id
        merged.events.append(ev.OrderMerged(id, tuple(o.id for o in ordered)))
        return merged

    # --- reading ----------------------------------------------------------------------------------------

    @property
    def ref(self) -> ExternalOrderRef:
        """The first origin reference (the only one unless the order is a merge)."""
        return self.refs[0]

    def line(self, line_id: str) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise InvalidInput("line_id", line_id, f"order {self.id} has no such line")

    @property
    def fill_key(self) -> tuple[int, datetime, str]:
        """The default fill order (who is processed and gets scarce stock first): higher :attr:`priority`
        first, then earlier :attr:`placed_at`, then lower :attr:`id`; a merchant sets another with
        :class:`~omscore.policies.fill.FillOrder`."""
        return (-self.priority, self.placed_at, self.id)

    @property
    def unmapped_lines(self) -> tuple[OrderLine, ...]:
        """Lines whose listing mapped to no SKU at intake (their ``sku`` is empty)."""
        return tuple(line for line in self.lines if not line.sku)

    def has_hold(self, kind: HoldKind) -> bool:
        return any(h.kind is kind for h in self.holds)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    # --- commands ---------------------------------------------------------------------------------------

    def _move(self, to: OrderStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise IllegalTransition("order", self.id, self.status, to)
        self.status = to

    def revise(
        self,
        *,
        revision: int,
        recipient: Recipient,
        lines: Sequence[OrderLine],
        shipping_fee: Money,
        payment: PaymentMode,
        buyer_memo: str,
        seller_memo: str,
        priority: int,
    ) -> None:
        """Replace the content with a newer platform revision and send the order back to review.

        Raises:
            IllegalTransition: when the order is already routed, merged or final (callers check
                :data:`PRE_ROUTING` and decide what a late revision means).
        """
        if self.status not in PRE_ROUTING:
            raise IllegalTransition("order", self.id, self.status, "revised")
        check_lines(lines, self.currency)
        self.revision = revision
        self.recipient = recipient
        self.lines = tuple(lines)
        self.shipping_fee = shipping_fee
        self.payment = payment
        self.buyer_memo = buyer_memo
        self.seller_memo = seller_memo
        self.priority = priority
        self.holds = ()
        if self.status is not OrderStatus.RECEIVED:
            self._move(OrderStatus.RECEIVED)
        self.events.append(ev.OrderRevised(self.id, str(self.ref), revision))

    def remap_lines(self, lines: Sequence[OrderLine]) -> None:
        """Replace the lines with the same lines mapped again against a newer catalog (a listing that mapped
        to nothing now maps to a SKU or a kit). Quantities and money stay as the platform sent them.

        Raises:
            IllegalTransition: when the order is already routed, merged or final.
            InvalidInput: when the new lines do not carry the same units ordered and amounts paid per origin.
        """
        if self.status not in PRE_ROUTING:
            raise IllegalTransition("order", self.id, self.status, "lines mapped again")
        check_lines(lines, self.currency)
        before = total((line.amount for line in self.lines), self.currency)
        after = total((line.amount for line in lines), self.currency)
        if before != after:
            raise InvalidInput("lines", [line.id for line in lines], f"amounts sum to {after}, not {before}")
        mapped = sorted(
            {line.listing_id for line in self.unmapped_lines} - {line.listing_id for line in lines if not line.sku}
        )
        self.lines = tuple(lines)
        self.events.append(ev.LinesRemapped(self.id, tuple(mapped)))

    def acknowledge_revision(self, revision: int) -> None:
        """Remember that the platform's ``revision`` was seen even though its content was not applied (it
        came too late, or it was a cancellation), so that older revisions stay ignored."""
        self.revision = max(self.revision, revision)

    def approve(self, reason: str) -> None:
        """Mark the order reviewed and ready. Only from received, or held with every hold released."""
        if self.holds:
            raise IllegalTransition("order", self.id, f"{self.status} with holds", OrderStatus.APPROVED)
        self._move(OrderStatus.APPROVED)
        self.events.append(ev.OrderApproved(self.id, reason))

    def hold(self, hold: Hold) -> None:
        """Add a hold (idempotent per kind) and move to held."""
        if self.has_hold(hold.kind):
            return
        if self.status is not OrderStatus.HELD:
            self._move(OrderStatus.HELD)
        self.holds = (*self.holds, hold)
        self.events.append(ev.OrderHeld(self.id, hold.kind, hold.detail))

    def release_hold(self, kind: HoldKind) -> None:
        """Remove the hold of ``kind`` if present. The order stays held until :meth:`approve` is called."""
        if not self.has_hold(kind):
            return
        self.holds = tuple(h for h in self.holds if h.kind is not kind)
        self.events.append(ev.HoldReleased(self.id, kind))

    def set_merge_key(self, key: str | None) -> None:
        """Set the merge key; an order split for a backorder keeps none (it never merges)."""
        self.merge_key = None if self.backorder_of or self.backorders else key

    def allocate(self, shipment_ids: Iterable[ShipmentId]) -> None:
        """Record that shipments were planned and stock reserved."""
        ids = tuple(shipment_ids)
        if not ids:
            raise InvalidInput("shipment_ids", ids, "an allocation needs at least one shipment")
        self._move(OrderStatus.ALLOCATED)
        self.shipment_ids = ids
        self.events.append(ev.OrderAllocated(self.id, ids))

    def add_gifts(self, lines: Sequence[OrderLine]) -> None:
        """Add the gift lines the gift rules give an approved order about to be routed; un-routing it
        (:meth:`deallocate`) takes them off again, so that routing decides its gifts afresh each time.

        Raises:
            IllegalTransition: when the order is not approved.
            InvalidInput: when it has gifts of the rules already, or a line is not one (``lines.<i>.gift_rule``).
        """
        if self.status is not OrderStatus.APPROVED:
            raise IllegalTransition("order", self.id, self.status, "gifts added")
        if self.given_gifts:
            raise InvalidInput("lines", [line.id for line in self.given_gifts], "the order has its gifts already")
        for index, line in enumerate(lines):
            if line.gift_rule is None:
                raise InvalidInput(f"lines.{index}.gift_rule", None, "only lines of gift rules are added")
        added = (*self.lines, *lines)
        check_lines(added, self.currency)
        self.lines = added

    def remove_gifts(self) -> tuple[OrderLine, ...]:
        """Take off (and return) the gift lines the rules added; :class:`IllegalTransition` unless approved."""
        removed = self.given_gifts
        if removed:
            if self.status is not OrderStatus.APPROVED:
                raise IllegalTransition("order", self.id, self.status, "gifts removed")
            self.lines = tuple(line for line in self.lines if line.gift_rule is None)
        return removed

    def split_backorder(self, part_id: OrderId, shortfall: Mapping[LineId, int]) -> Order:
        """有货先发: move the ``shortfall`` units of lines of this approved order into a new approved order (returned,
        not stored), the backorder part that waits for stock; this order keeps the rest and the shipping fee. Money
        moves with the units exactly (:func:`~omscore.domain.order_line.split_line`); neither order merges again.

        Raises:
            IllegalTransition: unless the order is approved.
            InvalidInput: as :func:`~omscore.domain.order_line.split_lines` raises it.
        """
        if self.status is not OrderStatus.APPROVED:
            raise IllegalTransition("order", self.id, self.status, "backorder split")
        kept, moved = split_lines(self.lines, shortfall)
        part = attrs.evolve(
            self,
            id=part_id,
            lines=moved,
            shipping_fee=Money(0, self.currency),
            decisions=(),
            merge_key=None,
            backorder_of=self.id,
            backorders=(),
            version=0,
            events=[],
        )
        self.lines, self.merge_key, self.backorders = kept, None, (*self.backorders, part_id)
        self.events.append(ev.BackorderSplit(self.id, part_id, tuple(sorted(shortfall.items()))))
        return part

    def withdraw_backorders(self) -> tuple[OrderId, ...]:
        """Forget (and return) the backorder parts: a revision brings every line back here."""
        parts, self.backorders = self.backorders, ()
        return parts

    def deallocate(self, reason: str) -> None:
        """Undo routing (the caller releases reservations and cancels shipments) so the order can be re-planned;
        the gifts the rules added come off (the caller gives their quota back)."""
        self._move(OrderStatus.APPROVED)
        self.shipment_ids = ()
        self.remove_gifts()
        self.events.append(ev.OrderDeallocated(self.id, reason))

    def release(self) -> None:
        self._move(OrderStatus.RELEASED)
        self.events.append(ev.OrderReleased(self.id))

    def record_shipped(self, complete: bool) -> None:
        """Record that one shipment left; ``complete`` when it was the last open one."""
        target = OrderStatus.SHIPPED if complete else OrderStatus.PARTIALLY_SHIPPED
        if self.status is not target:
            self._move(target)
        self.events.append(ev.OrderShipped(self.id, complete))

    def complete(self) -> None:
        self._move(OrderStatus.COMPLETED)
        self.events.append(ev.OrderCompleted(self.id))

    def cancel(self, reason: str) -> None:
        self._move(OrderStatus.CANCELLED)
        self.holds = ()
        self.events.append(ev.OrderCancelled(self.id, reason))

    def unmerge_source(self) -> None:
        """Bring back a source order of a merge that was undone: it is approved again, as before the merge."""
        self._move(OrderStatus.APPROVED)
        self.merged_into = None

    def change_recipient(self, recipient: Recipient) -> None:
        """Change where the order goes. Callers re-plan routing for allocated or released orders."""
        if self.status in FINAL or self.status in {OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED}:
            raise IllegalTransition("order", self.id, self.status, "address change")
        self.recipient = recipient
        self.events.append(ev.AddressChanged(self.id, recipient.fingerprint()))

    def record_decision(self, policy: str, summary: str, steps: Iterable[str] = ()) -> None:
        """Keep a policy's explanation with the order and its events (for ``omscore explain``)."""
        decision = Decision(policy, summary, tuple(steps))
        self.decisions = (*self.decisions[-(DECISIONS_KEPT - 1) :], decision)
        self.events.append(ev.DecisionMade(self.id, policy, summary, decision.steps))

    def pull_events(self) -> list[ev.DomainEvent]:
        """Hand over the recorded events (the unit of work calls this when it commits)."""
        pulled, self.events = self.events, []
        return pulled
