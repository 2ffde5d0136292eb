"""What every use case needs: the ports and the policies, passed explicitly."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from omscore.app.usage import CarrierUsage
from omscore.policies.carriers import CarrierSelector, FirstEligibleCarrier
from omscore.policies.review import ReviewRule, ReviewSettings, default_rules
from omscore.policies.routing import Router, StrategyRouter
from omscore.policies.settings import PipelineSettings
from omscore.policies.split import SplitSettings
from omscore.ports.channel import ChannelGateway
from omscore.ports.clock import Clock
from omscore.ports.fulfilment import FulfilmentGateway
from omscore.ports.ids import IdGenerator
from omscore.ports.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class Policies:
    """The decision-makers of the pipeline. Replace any of them to change how omscore decides.

    Attributes:
        review_rules: builds the review rules from a shop's review settings.
        router: plans which location ships what (the strategy router: ordered rules over exact plans).
        carrier: picks a carrier per shipment (:func:`omscore.bootstrap.bootstrap` uses the rule-based
            selector over the merchant's carrier settings and today's usage when none is given).
        split: how a routed order is split into parcels.
    """

    review_rules: Callable[[ReviewSettings], tuple[ReviewRule, ...]] = default_rules
    router: Router = attrs.field(factory=StrategyRouter)
    carrier: CarrierSelector = attrs.field(factory=FirstEligibleCarrier)
    split: SplitSettings = attrs.field(factory=SplitSettings)


@attrs.frozen
class Context:
    """The ports and policies a use case runs with (see :func:`omscore.bootstrap.bootstrap`)."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    channels: ChannelGateway
    fulfilment: FulfilmentGateway
    settings: PipelineSettings = attrs.field(factory=PipelineSettings)
    policies: Policies = attrs.field(factory=Policies)
    usage: CarrierUsage = attrs.field(default=attrs.Factory(lambda self: CarrierUsage(self.clock), takes_self=True))
    max_attempts: int = 10
