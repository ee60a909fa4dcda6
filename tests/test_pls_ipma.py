"""Indicator-level IPMA and the IPMA plot (relqual/plsipma.py), checked by hand.

Ringle & Sarstedt (2016): an item's performance is its mean answer rescaled to 0-100 with the
theoretical scale, (x - lowest) / (highest - lowest) * 100; its importance is its normalized
unstandardized outer weight (standardized weight / the item's SD, divided by the block's sum)
times its construct's unstandardized total effect on the target (from the 0-100 scores). The
hand computations below use only the fit's standardized weights and the raw answers.
"""
from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import relqual as rq

matplotlib.use("Agg")

RNG = np.random.default_rng(7)
N = 300
_f = RNG.normal(size=N)
_g = 0.6 * _f + 0.8 * RNG.normal(size=N)
_h = 0.5 * _g + 0.3 * _f + 0.8 * RNG.normal(size=N)


def _items(factor, loadings):
    raw = np.column_stack([3 + lam * factor + 0.7 * RNG.normal(size=N) for lam in loadings])
    return np.clip(np.round(raw), 1, 5)


DATA = pd.DataFrame(np.column_stack([_items(_f, [0.9, 0.8, 0.6]), _items(_g, [0.9, 0.7]),
                                     _items(_h, [0.8, 0.8, 0.7])]),
                    columns=["x1", "x2", "x3", "m1", "m2", "y1", "y2", "y3"])
MODEL = "X =~ x1 + x2 + x3\nM =~ m1 + m2\nY =~ y1 + y2 + y3\nM ~ X\nY ~ M + X"


@pytest.fixture(scope="module")
def res():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(MODEL, DATA, estimator="PLS")


def _hand_weights(res, construct, items):
    w = res.weights().set_index("rhs").loc[items, "est"].to_numpy()
    unstd = w / DATA[items].std(ddof=1).to_numpy()
    return unstd / unstd.sum()


def _hand_scores(res):
    blocks = {"X": ["x1", "x2", "x3"], "M": ["m1", "m2"], "Y": ["y1", "y2", "y3"]}
    return pd.DataFrame({c: ((DATA[items] - 1) / 4 * 100).to_numpy() @ _hand_weights(res, c, items)
                         for c, items in blocks.items()})


def test_indicator_importance_and_performance_by_hand(res):
    table = res.ipma("Y", scale=(1, 5), level="indicator")
    assert list(table["indicator"]) == ["x1", "x2", "x3", "m1", "m2"]   # not the target's items
    scores = _hand_scores(res)
    # unstandardized total effects from the 0-100 scores: M ~ X, Y ~ M + X
    design_m = np.column_stack([np.ones(N), scores["X"]])
    a = np.linalg.lstsq(design_m, scores["M"], rcond=None)[0][1]
    design_y = np.column_stack([np.ones(N), scores["M"], scores["X"]])
    b, c = np.linalg.lstsq(design_y, scores["Y"], rcond=None)[0][1:]
    total = {"X": c + a * b, "M": b}
    for construct, items in (("X", ["x1", "x2", "x3"]), ("M", ["m1", "m2"])):
        rows = table[table["construct"] == construct]
        weights = _hand_weights(res, construct, items)
        assert np.allclose(rows["weight"], weights, atol=1e-12)
        assert np.allclose(rows["importance"], weights * total[construct], atol=1e-10)
        assert np.allclose(rows["performance"], ((DATA[items] - 1) / 4 * 100).mean(), atol=1e-10)
    constructs = res.ipma("Y", scale=(1, 5)).set_index("construct")
    assert np.isclose(constructs.loc["X", "importance"], total["X"])
    assert np.isclose(constructs.loc["M", "performance"], scores["M"].mean())


def test_a_worked_example_with_round_numbers():
    # one item per construct: weight 1, the 0-100 scores are the rescaled answers themselves,
    # so the importance is the OLS slope of y on x (both on 1..5, the same rescaling) and the
    # performance of x the rescaled mean answer: (3 - 1) / 4 * 100 = 50
    x = np.tile([1.0, 2.0, 3.0, 4.0, 5.0], 4)
    frame = pd.DataFrame({"x": x, "y": 2 + 0.5 * x})
    frame.loc[0, "y"] += 0.25                         # not an exact line
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = rq.fit("y ~ x", frame, estimator="PLS")
    table = fit.ipma("y", scale=(1, 5), level="indicator")
    assert table["weight"].tolist() == [1.0]
    assert table["performance"].iloc[0] == pytest.approx(50.0)            # mean answer 3
    slope = np.polyfit(frame["x"], frame["y"], 1)[0]                       # 1..5 units = 0-100
    assert table["importance"].iloc[0] == pytest.approx(slope)


def test_plot_places_points_labels_and_quadrant_lines(res):
    ax = res.plot_ipma("Y", scale=(1, 5))
    table = res.ipma("Y", scale=(1, 5))
    offsets = ax.collections[0].get_offsets()
    assert np.allclose(offsets, table[["importance", "performance"]].to_numpy())
    assert [t.get_text() for t in ax.texts] == list(table["construct"])
    vertical, horizontal = ax.lines[0].get_xdata()[0], ax.lines[1].get_ydata()[0]
    assert np.isclose(vertical, table["importance"].mean())
    assert np.isclose(horizontal, table["performance"].mean())
    assert ax.get_xlabel() == "Importance (total effect on Y)"
    assert ax.get_ylabel() == "Performance (0\u2013100)"
    items = res.plot_ipma("Y", level="indicator", lang="zh")
    assert [t.get_text() for t in items.texts] == ["x1", "x2", "x3", "m1", "m2"]
    assert items.get_title() == "Y 的重要性-绩效矩阵"


@pytest.mark.parametrize("call, error, message", [
    (lambda r: r.ipma("Y", level="item"), ValueError, "unknown IPMA level 'item'"),
    (lambda r: r.plot_ipma("Y", level="items"), ValueError, "unknown IPMA level"),
    (lambda r: r.ipma("Z", level="indicator"), ValueError, "target 'Z' is not a construct"),
    (lambda r: r.ipma("Y", scale=(1, 4), level="indicator"), ValueError, "outside scale"),
])
def test_bad_input_is_named(res, call, error, message):
    with pytest.raises(error, match=message):
        call(res)


def test_negative_weight_refused_at_the_indicator_level():
    frame = DATA.copy()
    frame["x3"] = 6 - frame["x3"]                     # a reverse-keyed item left unrecoded
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = rq.fit(MODEL, frame, estimator="PLS")
    with pytest.raises(ValueError, match="negative outer weight .*x3"):
        fit.ipma("Y", level="indicator")
