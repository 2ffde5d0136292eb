"""Setting a store up with a merchant's master data exactly once, and numbering on after what it holds.

A system may open an empty store or one an earlier run filled. The catalog, the network and the initial stock
are booked only into an empty store: stock is a physical fact, and booking it twice would invent goods. A store
that already holds data keeps its stock; a changed catalog or network replaces the stored one when the caller
allows it (a merchant updating its configuration).
"""

from __future__ import annotations

from omscore.adapters.system import SequentialIds
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap.storage import Store
from omscore.boundary.config import MerchantConfig
from omscore.domain.errors import InvalidInput
from omscore.domain.order_status import OrderStatus
from omscore.ports.ids import IdGenerator


def is_empty(store: Store) -> bool:
    """Whether the store holds no catalog, no orders and no stock."""
    with store.uow() as uow:
        return not uow.catalog.load().skus and uow.orders.count() == 0 and not uow.inventory.all_levels()


def set_up(oms: OrderManagement, store: Store, config: MerchantConfig, *, replace: bool) -> bool:
    """Store ``config``'s master data; book its initial stock only into an empty store.

    Args:
        oms: the application over ``store``.
        store: the store (to tell whether it is empty).
        config: the merchant.
        replace: when the store already holds another catalog or network, replace them with ``config``'s
            (a merchant updating its configuration); when ``False``, refuse.

    Returns:
        Whether the store was empty (and the initial stock was booked).

    Raises:
        InvalidInput: (field ``db``) the store holds another merchant's catalog or network and ``replace`` is
            false.
    """
    if is_empty(store):
        stock = [((level.location, level.sku), level.on_hand, level.safety) for level in config.stock]
        oms.load_master_data(config.catalog, config.network, stock)
        return True
    with store.uow() as uow:
        same = uow.catalog.load() == config.catalog and uow.network.load() == config.network
    if not same:
        if not replace:
            raise InvalidInput(
                "db", store.location, "holds another merchant's catalog or network; use a new database file"
            )
        oms.load_master_data(config.catalog, config.network)
    return False


def id_generator(store: Store) -> IdGenerator:
    """The store's own id generator, or an in-process one that continues after every id already stored."""
    return store.ids if store.ids is not None else SequentialIds(start=_first_free_number(store))


def _first_free_number(store: Store) -> int:
    """One more than the highest number in any stored order or shipment id (``O00000042`` → 43)."""
    highest = 0
    with store.uow() as uow:
        for status in OrderStatus:
            for order_id in uow.orders.ids_with_status(status):
                highest = max(highest, _number(order_id))
                for shipment in uow.shipments.for_order(order_id):
                    highest = max(highest, _number(shipment.id))
    return highest + 1


def _number(identifier: str) -> int:
    digits = identifier.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else 0
