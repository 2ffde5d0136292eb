"""A :class:`~omscore.policies.routing.Router` that routes by the shop's strategy."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from omscore.domain.inventory import StockKey
from omscore.domain.network import Network
from omscore.domain.order import Order
from omscore.policies.routing.engine import SourcingDecision, decide
from omscore.policies.routing.facts import RoutingInputs
from omscore.policies.routing.port import RoutingDecision
from omscore.policies.routing.settings import RoutingSettings, SourcingSettings


@attrs.frozen
class StrategyRouter:
    """Routes each order by its shop's :class:`~omscore.policies.routing.settings.RoutingStrategy`.

    It implements the :class:`~omscore.policies.routing.Router` protocol, so the pipeline can use it in place
    of the baseline. The facts of the moment that the protocol does not pass (capacity used today, the
    catalog, today's date) come from :attr:`inputs`; bind fresh ones per decision with :meth:`with_inputs`.

    Attributes:
        settings: the strategies.
        inputs: facts of the moment; none by default (rules that need them abstain or assume neutral values).
    """

    settings: SourcingSettings = attrs.field(factory=SourcingSettings)
    inputs: RoutingInputs = attrs.field(factory=RoutingInputs)

    def with_inputs(self, inputs: RoutingInputs) -> StrategyRouter:
        """The same router with ``inputs`` as the facts of the moment."""
        return attrs.evolve(self, inputs=inputs)

    def decide(
        self, order: Order, network: Network, available: Mapping[StockKey, int], settings: RoutingSettings
    ) -> SourcingDecision:
        """The full decision: the chosen plan or the shortfall, and the :class:`StrategyTrace`."""
        return decide(order, network, available, settings, self.settings, self.inputs)

    def route(
        self, order: Order, network: Network, available: Mapping[StockKey, int], settings: RoutingSettings
    ) -> RoutingDecision:
        """Plan ``order`` (see :func:`~omscore.policies.routing.engine.decide`); never plans more than
        ``available``."""
        return self.decide(order, network, available, settings).routing_decision()
