"""A merchant's own orders file through the pipeline: what ``omscore run`` does.

The configuration's master data is stored (its initial stock only into an empty store), every line of the
JSON-lines file is validated and taken in — a malformed line is recorded with its line number and the typed
error's field, value and reason, and skipped, nothing of it stored — then one ``process()`` pass reviews,
merges, routes and releases everything, and the store is summarised and audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from omscore.bootstrap import System
from omscore.demo.summary import Summary, summarise
from omscore.demo.tally import HoldLog, MalformedLine, Tally
from omscore.domain.errors import InvalidInput
from omscore.ports.channel import ChannelGateway
from omscore.ports.fulfilment import FulfilmentGateway

LineProgress = Callable[[int], None]
"""Told the number of lines read so far."""


def run_orders(
    system: System[ChannelGateway, FulfilmentGateway],
    lines: Iterable[bytes | str],
    *,
    progress: LineProgress | None = None,
) -> Summary:
    """Take in the payloads of ``lines`` (one JSON object per line; blank lines are skipped), process, summarise.

    Args:
        system: the merchant's omscore (see :func:`omscore.bootstrap.open_system`), its master data already
            stored.
        lines: the lines of a JSON-lines file, without or with their line ends.
        progress: called after every line.

    Returns:
        The summary; ``malformed`` lists the lines that were skipped.

    Raises:
        OmsError: a storage fault.
    """
    oms = system.oms
    fresh = system.was_empty
    tally = Tally()
    if fresh and system.config is not None:
        for level in system.config.stock:
            tally.supply((level.location, level.sku), level.on_hand)
    number = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                tally.take_in(oms, line)
            except InvalidInput as error:
                tally.malformed.append(MalformedLine.of(number, error))
        if progress is not None:
            progress(number)
    holds = HoldLog()
    tally.record_stages(oms.process())
    holds.observe(oms, 0)
    return summarise(oms, tally, holds, storage=system.store.kind, fresh=fresh, scenario={"lines": number})
