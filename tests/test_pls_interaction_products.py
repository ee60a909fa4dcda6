"""PLS interaction terms by product indicators and orthogonalized products
(relqual/plsinteraction.py: InteractionProducts), against seminr 0.2.1's
``interaction_term(method = product_indicator | orthogonal)``
(tests/reference/pls_interaction_products.json, written by
tests/reference/pls_interaction_products_reference.py from data/relationship_quality.csv)."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.intervals import norm_inter
from relqual.pls import standardize

from conftest import (
    ROOT,
    assert_reliability_and_htmt_match,
    batched_and_one_by_one,
    bootstrap_sd_diffs,
    row_of,
    seminr_rows,
)

REF = json.loads((ROOT / "tests" / "reference" / "pls_interaction_products.json")
                 .read_text("utf-8"))
DATA = pd.read_csv(ROOT / REF["data"]["file"])
METHODS = list(REF["cases"])
TOL = 1e-10


def fitted(method, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # the listwise-deletion note
        return rq.fit(REF["syntax"], DATA, estimator="PLS", interaction=method, **kwargs)


def test_both_methods_are_in_the_reference():
    assert METHODS == ["product_indicator", "orthogonal"]


@pytest.mark.parametrize("method", METHODS)
def test_estimates_match_seminr(method):
    res = fitted(method)
    ref = REF["cases"][method]["results"]
    est = res.estimates()
    rows = seminr_rows(ref)
    assert res.converged and res.n_obs == REF["data"]["n_used"]
    assert len(rows) == res.problem.partable.npar == 4 + 2 * (16 + 16)
    assert max(abs(row_of(est, lhs, op, rhs)["est"] - r["est"]) for lhs, op, rhs, r in rows) < TOL
    assert abs(res.r2()["AC"] - ref["r2"]["AC"]) < TOL
    assert res.call["interaction"] == method and res.call["interaction_pairs"] == "all"


@pytest.mark.parametrize("method", METHODS)
def test_reliability_and_htmt_match_seminr(method):
    res = fitted(method)
    ref = REF["cases"][method]["results"]
    assert assert_reliability_and_htmt_match(res, ref, TOL) == 10
    rel = res.reliability().set_index("factor")
    assert rel.loc["SAT:TR", "rho_a"] == 1.0               # seminr's value for an interaction


@pytest.mark.parametrize("method", METHODS)
def test_bootstrap_standard_errors_match_seminr_on_replayed_indices(method):
    ref = REF["cases"][method]["bootstrap"]
    res = fitted(method)
    boot = res.bootstrap(ref["B"], indices=np.array(REF["bootstrap_indices"]), progress=False)
    diff = bootstrap_sd_diffs(boot, seminr_rows(ref))
    assert len(diff) == res.problem.partable.npar and max(diff) < TOL


def test_bootstrap_equals_the_one_by_one_refit():
    batched, refit = batched_and_one_by_one(fitted("orthogonal"), 4)
    assert np.allclose(batched, refit, atol=1e-12, rtol=0)


@pytest.mark.parametrize("method", METHODS)
def test_the_term_is_rescaled_as_seminr_adjusts_it(method):
    """By hand: the products of the standardized SAT and TR items (orthogonal: their residuals
    on an intercept and those items); the term's score is its standardized composite times
    s = sum |l| sd / sum |l|; the paths are the OLS coefficients on the scores."""
    res = fitted(method)
    model, X = res.problem.pls["model"], res.problem.pls["X"]
    fit = res.estimate.opt.details["pls_fit"]
    items = model.stage1.indicators
    sat, tr = [f"sat{k}" for k in range(1, 5)], [f"tr{k}" for k in range(1, 5)]
    P = np.column_stack([X[:, items.index(a)] * X[:, items.index(b)] for a in sat for b in tr])
    if method == "orthogonal":
        Z = np.column_stack([np.ones(len(X)), X[:, [items.index(v) for v in sat + tr]]])
        P = P - Z @ np.linalg.solve(Z.T @ Z, Z.T @ P)
        assert np.abs(Z.T @ P).max() < 1e-9                 # uncorrelated with the items
    est = res.estimates()
    names = [f"{a}:{b}" for a in sat for b in tr]
    w = np.array([row_of(est, "SAT:TR", "<~", v)["est"] for v in names])
    unscaled = standardize(P) @ w
    assert abs(unscaled.std(ddof=1) - 1) < 1e-12
    loadings = np.array([np.corrcoef(standardize(P)[:, k], unscaled)[0, 1]
                         for k in range(len(names))])
    s = (np.abs(loadings) * P.std(axis=0, ddof=1)).sum() / np.abs(loadings).sum()
    term = model.stage2.constructs.index("SAT:TR")
    assert np.allclose(fit.scores[:, term], s * unscaled, atol=1e-12)
    assert np.allclose([row_of(est, "SAT:TR", "=~", v)["est"] for v in names], s * loadings,
                       atol=1e-12)
    scores = fit.scores[:, [model.stage2.constructs.index(c) for c in ("SAT", "TR", "CF")]]
    design = np.column_stack([scores, fit.scores[:, term]])
    ac = fit.scores[:, model.stage2.constructs.index("AC")]
    b = np.linalg.lstsq(design, ac, rcond=None)[0]
    assert abs(b[3] - row_of(est, "AC", "~", "SAT:TR")["est"]) < 1e-12
    assert abs(b[0] - row_of(est, "AC", "~", "SAT")["est"]) < 1e-12
    standardized = np.linalg.lstsq(np.column_stack([scores, unscaled]), ac, rcond=None)[0]
    assert abs(standardized[3] - s * b[3]) < 1e-12           # b = s x the reported path


BASE = "A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1 + y2\n"
SMALL = pd.DataFrame(np.random.default_rng(1).normal(size=(60, 6)),
                     columns=["a1", "a2", "b1", "b2", "y1", "y2"])


def test_product_items_are_named_and_shown_as_lavaan_names_them():
    res = rq.fit(BASE + "Y ~ A + B + A:B", SMALL, estimator="PLS", interaction="product_indicator")
    loadings = res.loadings()
    assert (loadings[loadings["lhs"] == "A:B"]["rhs"].tolist()
            == ["a1:b1", "a1:b2", "a2:b1", "a2:b2"])


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(estimator="PLSc", interaction="product_indicator"), NotImplementedError,
     "'A:B' in PLS is estimated with interaction='two_stage' and estimator='PLS' \\(or "
     "interaction='product_indicator' or 'orthogonal'"),
    (dict(estimator="PLS", interaction="rca"), NotImplementedError, "got interaction='rca'"),
    (dict(estimator="PLS", interaction="orthogonal", interaction_pairs="matched"), ValueError,
     "interaction_pairs='matched' is not available in PLS"),
])
def test_what_is_not_available_is_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        rq.fit(BASE + "Y ~ A + B + A:B", SMALL, **kwargs)


def test_what_needs_the_items_scales_or_one_model_is_refused():
    res = rq.fit(BASE + "Y ~ A + B + A:B", SMALL + 3, estimator="PLS",
                 interaction="product_indicator")
    with pytest.raises(NotImplementedError, match="0-100 index and IPMA are not available for "
                                                  "models with interaction terms"):
        res.index(scale=(-10, 10))
    with pytest.raises(NotImplementedError, match="0-100 index and IPMA"):
        res.ipma("Y", scale=(-10, 10))
    with pytest.raises(NotImplementedError, match="PLSpredict is not available for models with "
                                                  "interaction terms yet"):
        res.predict(folds=5, repeats=1, seed=1)


# ---------------------------------------------------------------- simple slopes (plsslopes)

@pytest.mark.parametrize("method", ["two_stage", "product_indicator"])
def test_simple_slopes_by_hand_from_the_bootstrap_draws(method):
    """est = b_SAT + b_SAT:TR m at m = -1, 0, 1 (TR's standardized score); se, t, p and the
    percentile interval from the same combination of every draw's two paths."""
    res = fitted(method, se="bootstrap", bootstrap=60, seed=3)
    table = res.simple_slopes("SAT", moderator="TR")
    paths = res.paths().set_index("rhs")["est"]
    draws = res.boot.block("est")
    col = res.partable.col
    k_main = int(np.flatnonzero((col["op"] == "~") & (col["rhs"] == "SAT"))[0])
    k_term = int(np.flatnonzero((col["op"] == "~") & (col["rhs"] == "SAT:TR"))[0])
    assert list(table.index) == ["mean - 1 SD", "mean", "mean + 1 SD"]
    for m, (_, row) in zip((-1.0, 0.0, 1.0), table.iterrows()):
        slope = draws[:, k_main] + draws[:, k_term] * m
        assert row["moderator_value"] == m
        assert row["est"] == pytest.approx(paths["SAT"] + paths["SAT:TR"] * m, abs=1e-14)
        assert row["se"] == pytest.approx(slope.std(ddof=1), abs=1e-14)
        assert row["t"] == pytest.approx(row["est"] / row["se"], abs=1e-12)
        assert row["pvalue"] == pytest.approx(2 * (1 - _normal_cdf(abs(row["t"]))), abs=1e-12)
        lo, hi = norm_inter(slope, np.array([0.025, 0.975]))   # the paths' percentile rule
        assert (row["ci_lower"], row["ci_upper"]) == pytest.approx((lo, hi), abs=1e-12)
    sat = res.paths().set_index("rhs").loc["SAT"]                   # at the mean: b_SAT itself
    assert np.allclose(table.loc["mean", ["se", "ci_lower", "ci_upper"]].to_numpy(float),
                       sat[["se", "ci_lower", "ci_upper"]].to_numpy(float), atol=1e-14)
    other = res.simple_slopes("SAT", moderator="TR", at=[2.0], level=0.9)
    slope = draws[:, k_main] + 2 * draws[:, k_term]
    assert list(other.index) == ["2"]
    assert other["ci_lower"].iloc[0] == pytest.approx(norm_inter(slope, np.array([0.05]))[0],
                                                      abs=1e-12)


def _normal_cdf(x):
    from math import erf, sqrt
    return 0.5 * (1 + erf(x / sqrt(2)))


def test_simple_slopes_name_what_is_missing():
    res = fitted("orthogonal", se="bootstrap", bootstrap=5, seed=1)
    with pytest.raises(ValueError, match="no interaction term joins 'SAT' and 'CF'; terms: "
                                         "SAT:TR"):
        res.simple_slopes("SAT", moderator="CF")
    with pytest.raises(ValueError, match="level must lie between 0 and 1"):
        res.simple_slopes("SAT", moderator="TR", level=95)
