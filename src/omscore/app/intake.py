"""Order intake (抓单/递交): platform orders in, canonical orders out — idempotently.

Intake is keyed on the platform's own reference. The first revision creates the order; the same revision
again is a duplicate and changes nothing; an older revision is stale and ignored; a newer revision updates
the order while it is not yet routed (an allocated order is un-routed first), and a cancelled revision
cancels it. Listings are mapped to SKUs and kits are exploded into their components, with the kit line's
money apportioned exactly over the components by their reference prices: the component lines' amounts,
discounts and grosses sum to the kit line's, so the order's totals are the platform order's.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol

import attrs

from omscore.app.allocation import deallocate_in
from omscore.app.backorders import withdrawable
from omscore.app.cancellation import cancel_in
from omscore.app.context import Context
from omscore.app.merging import detach_in
from omscore.app.retry import in_unit_of_work
from omscore.domain.catalog import Catalog
from omscore.domain.identity import ExternalOrderRef, LineId, OrderId, SkuCode
from omscore.domain.money import Money
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
from omscore.domain.order_status import PRE_ROUTING, OrderStatus
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus
from omscore.policies.merge import merge_key
from omscore.ports.unit_of_work import UnitOfWork


class IntakeStatus(enum.StrEnum):
    CREATED = "created"
    REVISED = "revised"
    DUPLICATE = "duplicate"
    """The same revision again: nothing changed."""
    STALE = "stale"
    """An older revision than the one stored: ignored."""
    CANCELLED = "cancelled"
    """The platform cancelled the order; omscore cancelled it (or stored it cancelled)."""
    TOO_LATE = "too_late"
    """A newer revision or cancellation arrived after the order was released or merged and could not be
    applied; the order goes on as it was (a person or after-sales handles the difference)."""


@attrs.frozen
class IntakeResult:
    """What intake did with one delivery.

    Attributes:
        status: created, revised, duplicate, stale, cancelled or too late.
        order_id: the order that carries the platform order.
        ref: the platform order delivered (so callers of ``ingest_payload`` know what they acknowledged).
        created: whether this delivery stored a new order (also true for an order stored as cancelled).
        detail: a short explanation.
    """

    status: IntakeStatus
    order_id: OrderId
    detail: str = ""
    ref: ExternalOrderRef | None = None
    created: bool = False


class PlatformLines(Protocol):
    """The part of a platform order that line mapping reads: its reference and its lines."""

    @property
    def ref(self) -> ExternalOrderRef: ...

    @property
    def lines(self) -> Sequence[PlatformLine]: ...


def order_lines(po: PlatformLines, catalog: Catalog) -> list[OrderLine]:
    """Map a platform order's lines to order lines: listing → SKU, kit → one line per component.

    A listing the catalog does not know becomes a line with an empty SKU (review holds it as unmapped; the
    line is mapped again when the catalog changes, see :func:`remap_lines`).
    """
    lines: list[OrderLine] = []
    for pl in po.lines:
        listing = catalog.listing(po.ref.channel, pl.listing_id)
        kit = catalog.kits.get(listing.kit) if listing is not None and listing.kit is not None else None
        if kit is None:
            sku = listing.sku if listing is not None and listing.sku is not None else SkuCode("")
            lines.append(
                OrderLine(
                    id=LineId(pl.line_id),
                    sku=sku,
                    quantity=pl.quantity,
                    amount=pl.amount,
                    origin=po.ref,
                    unit_price=pl.unit_price,
                    discount=pl.discount_amount,
                    listing_id=pl.listing_id,
                    origin_line_id=pl.line_id,
                    is_gift=pl.is_gift,
                    presale_ship_date=pl.presale_ship_date,
                    gross=pl.gross_amount,
                )
            )
            continue
        weights = []
        for component in kit.components:
            sku_obj = catalog.sku(component.sku)
            weights.append((sku_obj.reference_price_minor if sku_obj else 0) * component.quantity)
        # The amount and the discount are apportioned with the same weights and each gross is their sum: no
        # share goes negative, and amounts, discounts and grosses each add up to the kit line's.
        shares = pl.amount.allocate(weights)
        discounts = pl.discount_amount.allocate(weights)
        parts = zip(kit.components, shares, discounts, strict=True)
        for index, (component, share, discount) in enumerate(parts, start=1):
            quantity = component.quantity * pl.quantity
            gross = share + discount
            lines.append(
                OrderLine(
                    id=LineId(f"{pl.line_id}.{index}"),
                    sku=component.sku,
                    quantity=quantity,
                    amount=share,
                    origin=po.ref,
                    unit_price=Money(gross.minor // quantity, gross.currency) if gross.minor % quantity == 0 else None,
                    discount=discount,
                    gross=gross,
                    listing_id=pl.listing_id,
                    origin_line_id=pl.line_id,
                    kit=kit.code,
                    kit_instance=pl.line_id,
                    is_gift=pl.is_gift,
                    presale_ship_date=pl.presale_ship_date,
                )
            )
    return lines


@attrs.frozen
class _Unmapped:
    ref: ExternalOrderRef
    lines: tuple[PlatformLine, ...]


def remap_lines(order: Order, catalog: Catalog) -> list[OrderLine] | None:
    """The order's lines with every line that mapped to no SKU mapped again against ``catalog`` (a kit is
    exploded into its components, as at intake), or ``None`` when no such line maps now. Lines keep their
    ids (kit components get ``<line>.<n>``), their origin and what the platform said of them."""
    if not order.unmapped_lines:
        return None
    lines: list[OrderLine] = []
    changed = False
    for line in order.lines:
        if line.sku:
            lines.append(line)
            continue
        platform_line = PlatformLine(
            line_id=line.id,
            listing_id=line.listing_id,
            quantity=line.quantity,
            amount=line.amount,
            unit_price=line.unit_price,
            discount=line.discount,
            is_gift=line.is_gift,
            presale_ship_date=line.presale_ship_date,
        )
        mapped = order_lines(_Unmapped(line.origin, (platform_line,)), catalog)
        changed = changed or any(m.sku for m in mapped)
        lines.extend(attrs.evolve(m, origin_line_id=line.origin_line_id or line.id) for m in mapped)
    return lines if changed else None


def ingest(ctx: Context, po: PlatformOrder) -> IntakeResult:
    """Take in one platform order revision. Safe to call any number of times with the same input."""
    result = in_unit_of_work(ctx.uow, lambda uow: _ingest(ctx, uow, po), ctx.max_attempts)
    return attrs.evolve(result, ref=po.ref)


def _ingest(ctx: Context, uow: UnitOfWork, po: PlatformOrder) -> IntakeResult:
    existing = uow.orders.get_by_ref(po.ref)
    if existing is None:
        return _create(ctx, uow, po)
    if po.revision == existing.revision:
        return IntakeResult(IntakeStatus.DUPLICATE, existing.id, f"revision {po.revision} already taken in")
    if po.revision < existing.revision:
        return IntakeResult(IntakeStatus.STALE, existing.id, f"revision {po.revision} < stored {existing.revision}")
    if po.status is PlatformStatus.CANCELLED:
        outcome = cancel_in(ctx, uow, existing, f"cancelled on the platform (revision {po.revision})")
        _acknowledge(uow, existing.id, po.revision)
        status = IntakeStatus.CANCELLED if outcome.cancelled else IntakeStatus.TOO_LATE
        return IntakeResult(status, existing.id, outcome.detail)
    if existing.status is OrderStatus.MERGED:
        detached = detach_in(ctx, uow, existing, f"{po.ref} revised to revision {po.revision}", intercept=False)
        if detached.order is None:
            _acknowledge(uow, existing.id, po.revision)
            return IntakeResult(IntakeStatus.TOO_LATE, existing.id, f"revision {po.revision}: {detached.detail}")
        existing = detached.order
    if existing.backorders and existing.status in {OrderStatus.ALLOCATED, *PRE_ROUTING}:
        if not withdrawable(uow, existing):
            _acknowledge(uow, existing.id, po.revision)
            detail = f"revision {po.revision} arrived when a backorder part of the order was released"
            return IntakeResult(IntakeStatus.TOO_LATE, existing.id, detail)
        for part_id in existing.withdraw_backorders():
            part = uow.orders.get(part_id)
            if part is not None:
                cancel_in(ctx, uow, part, f"withdrawn: revision {po.revision} of {po.ref} brings its lines back")
    if existing.status is OrderStatus.ALLOCATED:
        deallocate_in(uow, existing, f"revision {po.revision} arrived before release")
    if existing.status not in PRE_ROUTING:
        _acknowledge(uow, existing.id, po.revision)
        return IntakeResult(
            IntakeStatus.TOO_LATE, existing.id, f"revision {po.revision} arrived when the order was {existing.status}"
        )
    catalog = uow.catalog.load()
    existing.revise(
        revision=po.revision,
        recipient=po.recipient,
        lines=order_lines(po, catalog),
        shipping_fee=po.shipping_fee,
        payment=po.payment,
        buyer_memo=po.buyer_memo,
        seller_memo=po.seller_memo,
        priority=po.priority,
    )
    existing.set_merge_key(_waiting_key(ctx, existing))
    uow.orders.save(existing)
    return IntakeResult(IntakeStatus.REVISED, existing.id, f"updated to revision {po.revision}")


def _acknowledge(uow: UnitOfWork, order_id: OrderId, revision: int) -> None:
    order = uow.orders.get(order_id)
    if order is not None and order.revision < revision:
        order.acknowledge_revision(revision)
        uow.orders.save(order)


def _create(ctx: Context, uow: UnitOfWork, po: PlatformOrder) -> IntakeResult:
    catalog = uow.catalog.load()
    order = Order.receive(
        id=OrderId(ctx.ids.next_id("O")),
        ref=po.ref,
        revision=po.revision,
        placed_at=po.placed_at,
        buyer_id=po.buyer_id,
        recipient=po.recipient,
        lines=order_lines(po, catalog),
        currency=po.currency,
        shipping_fee=po.shipping_fee,
        payment=po.payment,
        buyer_memo=po.buyer_memo,
        seller_memo=po.seller_memo,
        priority=po.priority,
        pickup_location=po.pickup_location,
    )
    if po.status is PlatformStatus.CANCELLED:
        order.cancel("cancelled on the platform before intake")
        uow.orders.add(order)
        return IntakeResult(
            IntakeStatus.CANCELLED, order.id, "stored as cancelled so older revisions stay ignored", created=True
        )
    order.set_merge_key(_waiting_key(ctx, order))
    uow.orders.add(order)
    return IntakeResult(IntakeStatus.CREATED, order.id, created=True)


def _waiting_key(ctx: Context, order: Order) -> str | None:
    """The merge key a received order carries before review: only in shops with a wait window, so that an order
    reviewed sees the orders of its buyer to the same recipient that are still in their window."""
    if not ctx.settings.review_for(order.channel).wait_minutes:
        return None
    return merge_key(order, ctx.settings.merge_for(order.channel)).key
