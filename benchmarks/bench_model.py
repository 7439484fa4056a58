"""Speed and memory of the market model.

Prints: a 365-day run (10^5 consumers, 2,000 sellers, 3 platforms); one day at 10^6
consumers with peak memory; and the vectorised consumer choice against a per-agent Mesa
loop (the ratio, measured side by side in this run).
"""

from __future__ import annotations

import gc
import resource
import subprocess
import sys
import time

import numpy as np

from benchmarks.reference_agents import LoopMarket
from model.accounting.metrics import PLATFORM_METRICS
from model.config.scenario import config_from_dict
from model.demand import shopping


def bench_config(n_consumers: int, n_sellers: int):
    """Three platforms: a full marketplace, a low-fee one and a later entrant."""
    return config_from_dict({
        "name": "bench", "steps": 365,
        "consumers": {"n_consumers": n_consumers}, "sellers": {"n_sellers": n_sellers},
        "platforms": [
            {"name": "incumbent", "kind": "marketplace", "initial_awareness": 0.7,
             "initial_sellers": 0.6, "logistics_reference_volume": 400.0},
            {"name": "rival", "kind": "low_fee_marketplace", "initial_awareness": 0.4,
             "initial_sellers": 0.3},
            {"name": "entrant", "kind": "low_fee_marketplace", "launch_day": 60,
             "initial_awareness": 0.2, "initial_sellers": 0.2, "marketing_spend": 500.0},
        ],
    })


def year_run() -> None:
    from model.market.market_model import MarketModel
    start = time.perf_counter()
    model = MarketModel(bench_config(100_000, 2_000), rng=1)
    built = time.perf_counter()
    model.run(365)
    done = time.perf_counter()
    print(f"year run: 10^5 consumers, 2,000 sellers, 3 platforms, 365 days: "
          f"{done - built:.2f} s (target < 20 s); set-up {built - start:.2f} s")


def million_day() -> None:
    """Runs in its own process so that peak memory is this model's alone."""
    code = (
        "import resource, time\n"
        "from benchmarks.bench_model import bench_config\n"
        "from model.market import MarketModel\n"
        "t0 = time.perf_counter(); m = MarketModel(bench_config(1_000_000, 10_000), rng=1)\n"
        "t1 = time.perf_counter(); m.run(7)\n"
        "t2 = time.perf_counter(); m.step()\n"
        "t3 = time.perf_counter()\n"
        "days = []\n"
        "for _ in range(5):\n"
        "    a = time.perf_counter(); m.step(); days.append(time.perf_counter() - a)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'one day at 10^6 consumers, 10,000 sellers: median {sorted(days)[2]:.3f} s '\n"
        "      f'(target < 0.2 s); set-up {t1 - t0:.1f} s; peak memory {peak:,.0f} MB '\n"
        "      f'(target < 1,024 MB)')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def choice_ratio(n: int = 20_000, days: int = 5) -> None:
    """Consumer-days per second: numpy pass vs one Mesa agent step per consumer."""
    loop = LoopMarket(n, rng=1)
    start = time.perf_counter()
    for _ in range(days):
        loop.step()
    per_agent = (time.perf_counter() - start) / (n * days)

    rng = np.random.default_rng(1)
    alpha = rng.lognormal(0, 0.3, n) * 4.0
    delta = rng.lognormal(0, 0.3, n) * 0.15
    rate = rng.lognormal(0, 0.3, n) * 0.05
    habit = np.zeros((n, 3), np.float32)
    aware = np.ones((n, 3), bool)
    price_index = np.array(loop.price_index)
    listings = np.array(loop.listings, dtype=float)
    delivery = np.array(loop.delivery)
    repeats = 50
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeats):
        shoppers = shopping.draw_shoppers(rate, rng)
        cats = rng.integers(0, 6, len(shoppers))
        terms = shopping.platform_terms(
            delivery_sensitivity=delta[shoppers], habit=habit[shoppers],
            delivery_days=delivery, bonus=np.zeros(3), habit_weight=1.5)
        u = shopping.platform_utilities(
            price_sensitivity=alpha[shoppers], aware=aware[shoppers], categories=cats,
            price_index=price_index, listings=listings, coupon=np.zeros(3), terms=terms,
            selection_weight=0.5)
        choice = shopping.logit_choice(u, -alpha[shoppers], rng)
        visited = choice >= 0
        h = habit[shoppers[visited], choice[visited]]
        habit[shoppers[visited], choice[visited]] = h + 0.3 * (1 - h)
    vectorised = (time.perf_counter() - start) / (n * repeats)
    print(f"consumer platform choice: per-agent Mesa step {per_agent * 1e9:,.0f} ns per "
          f"consumer-day, numpy pass {vectorised * 1e9:,.0f} ns; "
          f"ratio {per_agent / vectorised:,.0f}x")


def collection_cost(n: int = 100_000, days: int = 5) -> None:
    """Why the model records with its own arrays: Mesa's DataCollector with one agent
    reporter (each consumer's home platform) against the numpy recorder's whole day."""
    from mesa import DataCollector

    from model.agents.consumer import Consumer
    from model.market.market_model import MarketModel
    model = MarketModel(bench_config(n, 2_000), rng=1)
    model.run(7)
    collector = DataCollector(agenttype_reporters={Consumer: {"platform": "platform"}})
    start = time.perf_counter()
    for _ in range(days):
        collector.collect(model)
    mesa_time = (time.perf_counter() - start) / days
    start = time.perf_counter()
    for _ in range(days):
        model.collect()
    own_time = (time.perf_counter() - start) / days
    print(f"data collection per day at {n:,} consumers: Mesa DataCollector, one consumer "
          f"reporter {mesa_time * 1e3:,.0f} ms; numpy recorder, all {len(PLATFORM_METRICS)} "
          f"platform metrics "
          f"{own_time * 1e3:,.1f} ms; ratio {mesa_time / own_time:,.0f}x")


def main() -> None:
    choice_ratio()
    collection_cost()
    year_run()
    million_day()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process peak memory {peak:,.0f} MB)")


if __name__ == "__main__":
    main()
