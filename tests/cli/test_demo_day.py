"""The demo day generator: reproducible, valid, and as messy as a real Double 11."""

from __future__ import annotations

import doctest
from collections import Counter

import omscore.demo
from omscore.boundary import parse_config, parse_platform_order
from omscore.demo import generate_day
from omscore.demo.day import LIVE_SPIKE_WAVE


def test_the_same_seed_generates_the_same_day() -> None:
    assert generate_day(300, seed=9) == generate_day(300, seed=9)


def test_another_seed_generates_other_orders() -> None:
    assert set(generate_day(50, seed=1).refs).isdisjoint(generate_day(50, seed=2).refs)


def test_every_payload_is_a_valid_platform_order_and_the_merchant_a_valid_configuration() -> None:
    day = generate_day(300, seed=9)

    config = parse_config(day.merchant)
    orders = [parse_platform_order(p) for wave in day.waves for p in (*wave.arrivals, *wave.late_arrivals)]

    assert len(orders) == day.deliveries
    assert {o.ref for o in orders} == set(day.refs)
    assert len(day.refs) == 300
    assert config.stock


def test_about_a_tenth_of_the_orders_are_delivered_more_than_once() -> None:
    day = generate_day(1000, seed=3)
    sent = Counter(
        (p["platform"], p["shop"], p["external_id"], p["revision"])
        for wave in day.waves
        for p in (*wave.arrivals, *wave.late_arrivals)
    )

    repeated = {key[:3] for key, times in sent.items() if times > 1}

    assert 0.06 * 1000 < len(repeated) < 0.16 * 1000
    assert max(sent.values()) <= 4


def test_the_live_stream_wave_is_the_busiest_and_mostly_douyin() -> None:
    day = generate_day(1000, seed=3)
    spike = day.waves[LIVE_SPIKE_WAVE]

    shops = Counter(p["platform"] for p in spike.arrivals)

    assert spike.live_spike
    assert len(spike.arrivals) == max(len(w.arrivals) for w in day.waves)
    assert shops["douyin"] > sum(shops.values()) / 2


def test_goods_arrive_during_the_day() -> None:
    day = generate_day(500, seed=3)

    assert [w.index for w in day.waves if w.receipts] == [6, 11]


def test_the_package_example_runs() -> None:
    assert doctest.testmod(omscore.demo).failed == 0
