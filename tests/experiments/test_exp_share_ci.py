"""Confidence intervals of shares stay inside [0, 1]; other columns keep the Student-t CI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.pipeline.replicate import ci_table, mean_ci


def test_share_intervals_stay_in_the_unit_interval_and_contain_the_mean():
    rng = np.random.default_rng(3)
    rows = []
    for group in range(200):
        n = 2 + group % 4
        centre = rng.choice([0.0, 0.01, 0.5, 0.97, 1.0])
        values = np.clip(centre + rng.normal(0, 0.05, n), 0, 1)
        rows += [{"platform": f"p{group}", "gmv_share": v} for v in values]
    table = ci_table(pd.DataFrame(rows), ["platform"], ["gmv_share"])
    assert (table["gmv_share_low"] >= 0).all() and (table["gmv_share_high"] <= 1).all()
    assert (table["gmv_share_low"] <= table["gmv_share_mean"]).all()
    assert (table["gmv_share_mean"] <= table["gmv_share_high"]).all()
    # a plain Student-t interval would have left [0, 1] for many of these groups
    plain = [mean_ci(g["gmv_share"]) for _, g in pd.DataFrame(rows).groupby("platform")]
    assert sum(lo < 0 or hi > 1 for _, lo, hi in plain) > 20


def test_interior_share_interval_is_close_to_student_t_and_other_columns_unchanged():
    values = [0.40, 0.42, 0.44, 0.41, 0.43, 0.45, 0.39, 0.42]
    df = pd.DataFrame({"g": 0, "gmv_share": values, "gmv": np.array(values) * 1000})
    row = ci_table(df, ["g"], ["gmv_share", "gmv"]).iloc[0]
    _, lo, hi = mean_ci(values)
    assert row["gmv_share_low"] == pytest.approx(lo, abs=0.002)
    assert row["gmv_share_high"] == pytest.approx(hi, abs=0.002)
    _, lo, hi = mean_ci(df["gmv"])
    assert (row["gmv_low"], row["gmv_high"]) == pytest.approx((lo, hi))


def test_one_replication_has_no_interval():
    row = ci_table(pd.DataFrame({"g": [0], "gmv_share": [0.3]}), ["g"], ["gmv_share"]).iloc[0]
    assert row["n"] == 1 and row["gmv_share_low"] == row["gmv_share_high"] == 0.3
