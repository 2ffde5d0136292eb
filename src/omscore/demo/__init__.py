"""The demo scenario and the runs behind ``omscore demo`` and ``omscore run``.

:func:`generate_day` makes a reproducible Double 11 of a multi-channel merchant from a seed;
:func:`run_demo` feeds it through the pipeline with simulated customer service, warehouses and carriers;
:func:`run_orders` takes a merchant's own configuration and orders file through it. Both end with a
:class:`Summary` that includes the audit of the whole store; the demo's also says what stock publishing did
(:class:`PublishingFigures`, from its :class:`Publisher`).

>>> from omscore.adapters.memory import MemoryDatabase, memory_unit_of_work_factory
>>> store = Store("memory", memory_unit_of_work_factory(MemoryDatabase()))
>>> summary = run_demo(generate_day(orders=40, seed=1), store)
>>> summary.orders_received, summary.oversold_units, summary.lost_orders, summary.money_drift_minor
(40, 0, 0, 0)
"""

from omscore.bootstrap import Store
from omscore.demo.batch import run_orders
from omscore.demo.day import Day, Wave, generate_day
from omscore.demo.publishing import Publisher, PublishingFigures
from omscore.demo.runner import run_demo
from omscore.demo.stock_layout import Receipt
from omscore.demo.summary import LocationStock, Summary
from omscore.demo.tally import MalformedLine

__all__ = [
    "Day",
    "LocationStock",
    "MalformedLine",
    "Publisher",
    "PublishingFigures",
    "Receipt",
    "Store",
    "Summary",
    "Wave",
    "generate_day",
    "run_demo",
    "run_orders",
]
