"""Arc elasticities of a platform's GMV share to its referral fee and to a coupon.

Two identical marketplaces at the default consumer and seller parameters (6,000 consumers,
300 sellers, 8 common seeds, shares over days 151-180): platform A's referral fee 15% -> 18%,
or a 5% coupon on A. Documented in docs/odd.md ("Demand elasticities the defaults imply").
Run: ``.venv/bin/python -m benchmarks.elasticity`` (a few minutes on 2 cores).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

from model.config.scenario import MarketConfig, config_from_dict
from model.market.market_model import MarketModel

SEEDS = range(1, 9)
BASE_FEE, HIGHER_FEE, COUPON = 0.15, 0.18, 0.05


def duopoly(fee: float, coupon: float) -> MarketConfig:
    """Two identical marketplaces; A's referral fee and coupon as given."""
    both = {"kind": "marketplace", "initial_awareness": 0.6, "initial_sellers": 0.5}
    return config_from_dict({
        "name": "elasticity", "reference_consumers": 6000,
        "consumers": {"n_consumers": 6000}, "sellers": {"n_sellers": 300},
        "platforms": [{"name": "A", "referral_fee": fee, "coupon_rate": coupon,
                       "subsidy_budget": 1e9, **both}, {"name": "B", **both}]})


def share_of_a(args: tuple[float, float, int]) -> float:
    """A's mean GMV share over days 151-180."""
    fee, coupon, seed = args
    model = MarketModel(duopoly(fee, coupon), rng=seed)
    model.run(180)
    frame = model.platform_frame()
    return float(frame[(frame.platform == "A") & (frame.step > 150)].gmv_share.mean())


def main() -> None:
    arms = [(BASE_FEE, 0.0), (HIGHER_FEE, 0.0), (BASE_FEE, COUPON)]
    with ProcessPoolExecutor(2) as pool:
        base, fee, coupon = (np.array(list(pool.map(share_of_a, [(*arm, s) for s in SEEDS])))
                             for arm in arms)
    print(f"A's GMV share: base {base.mean():.3f}, referral {HIGHER_FEE:.0%} {fee.mean():.3f}, "
          f"coupon {COUPON:.0%} {coupon.mean():.3f}")
    fee_elasticity = np.log(fee / base).mean() / np.log(HIGHER_FEE / BASE_FEE)
    coupon_semi = np.log(coupon / base).mean() / COUPON
    print(f"elasticity of the share to the referral fee: {fee_elasticity:.2f}")
    print(f"semi-elasticity of the share to a coupon (per unit of price): {coupon_semi:.2f}")


if __name__ == "__main__":
    main()
