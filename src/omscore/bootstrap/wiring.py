"""Wiring ports and policies into the application: :func:`bootstrap`, with every port passed explicitly."""

from __future__ import annotations

from omscore.app.context import Context, Policies
from omscore.app.pipeline import OrderManagement
from omscore.app.usage import CarrierUsage
from omscore.policies.carriers import RuleBasedCarrierSelector
from omscore.policies.routing import SourcingSettings, StrategyRouter
from omscore.policies.settings import PipelineSettings
from omscore.policies.split import SplitSettings
from omscore.ports.channel import ChannelGateway
from omscore.ports.clock import Clock
from omscore.ports.fulfilment import FulfilmentGateway
from omscore.ports.ids import IdGenerator
from omscore.ports.unit_of_work import UnitOfWorkFactory


def bootstrap(
    uow: UnitOfWorkFactory,
    *,
    clock: Clock,
    ids: IdGenerator,
    channels: ChannelGateway,
    fulfilment: FulfilmentGateway,
    settings: PipelineSettings | None = None,
    policies: Policies | None = None,
    sourcing: SourcingSettings | None = None,
    split: SplitSettings | None = None,
) -> OrderManagement:
    """Build the application over the given ports.

    Args:
        uow: makes a unit of work per command (bound to one tenant).
        clock, ids: time and identifiers.
        channels: the sales platforms (pull orders, push stock and tracking).
        fulfilment: the systems that ship (WMS, 3PL, stores, suppliers).
        settings: the merchant's policy settings; omscore's defaults when ``None``.
        policies: the decision-makers; when ``None``, the strategy router over ``sourcing``, the rule-based
            carrier selector over ``settings.carriers`` with today's usage, and ``split``.
        sourcing: the routing strategies (merchant-wide and per shop); omscore's default strategy when ``None``.
        split: the split rules; omscore's defaults when ``None``.
    """
    settings = settings or PipelineSettings()
    usage = CarrierUsage(clock)
    if policies is None:
        policies = Policies(
            router=StrategyRouter(sourcing or SourcingSettings()),
            carrier=RuleBasedCarrierSelector(settings.carriers, usage=usage.today_at),
            split=split or SplitSettings(),
        )
    ctx = Context(
        uow=uow,
        clock=clock,
        ids=ids,
        channels=channels,
        fulfilment=fulfilment,
        settings=settings,
        policies=policies,
        usage=usage,
    )
    return OrderManagement(ctx)
