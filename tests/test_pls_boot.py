"""The batched PLS bootstrap (relqual/plsboot.py) against the one-by-one refit path.

Every resample's numbers must equal those of refitting the model to the resampled rows through
the fit's own pipeline (relqual.resample.run_bootstrap: Refitter -> estimate), for the same
resample indices, within 1e-10; failed draws must be the same draws. The summaries (SE,
percentile and BCa intervals, HTMT inference) are checked against hand computations from the
draws and against leave-one-out refits. Seminr's bootstrap SDs on replayed indices are checked
in tests/test_pls.py (which now runs through this path).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual import plsmeasures
from relqual.intervals import bootstrap_interval, jackknife_acceleration
from relqual.pls import fit_pls, standardize
from relqual.plsboot import PLSBootstrapDraws, run_pls_bootstrap
from relqual.plsfitmeasures import (
    _positive_definite,
    _resample_discrepancies,
    admissible,
    beran_srivastava,
    discrepancies,
    implied_correlation,
)
from relqual.resample import run_bootstrap

DATA = rq.datasets.load("relationship_quality")
MODE_B = """CF <~ cf1 + cf2 + cf3 + cf4
SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3
SAT ~ a*CF
TR ~ b*SAT + CF
ab := a*b"""


def _fit(model="relationship_quality", data=DATA, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(model, data, **kw)


def _one_by_one(res, indices):
    with warnings.catch_warnings():       # a constant column in a failed draw: 0/0
        warnings.simplefilter("ignore", RuntimeWarning)
        return run_bootstrap(res, 0, indices=indices, progress=False)


@pytest.mark.parametrize("model, kw", [
    ("relationship_quality", dict(estimator="PLS")),
    ("relationship_quality", dict(estimator="PLSc")),
    ("relationship_quality", dict(estimator="PLS", scheme="factorial")),
    ("relationship_quality", dict(estimator="PLS", scheme="centroid")),
    (MODE_B, dict(estimator="PLS")),
    (MODE_B, dict(estimator="PLSc", scheme="centroid")),
])
def test_batched_draws_equal_one_by_one_refits(model, kw):
    res = _fit(model, **kw)
    boot = run_pls_bootstrap(res, 120, seed=11, progress=False)
    slow = _one_by_one(res, boot.indices)
    assert isinstance(boot, PLSBootstrapDraws) and boot.n_failed == slow.n_failed == 0
    width = slow.values.shape[1]
    assert np.max(np.abs(boot.values[:, :width] - slow.values)) < 1e-10
    assert all(boot.layout[k] == slow.layout[k] for k in ("est", "std_all"))


def test_result_bootstrap_uses_the_batched_path_and_same_seed_gives_same_draws():
    res = _fit(estimator="PLS")
    boot = res.bootstrap(200, seed=3, progress=False)
    assert isinstance(boot, PLSBootstrapDraws)
    assert np.array_equal(boot.values, run_pls_bootstrap(res, 200, seed=3).values)
    two = run_pls_bootstrap(res, 200, seed=3, n_jobs=2)
    assert np.array_equal(boot.values, two.values)
    first = np.random.default_rng(3).integers(0, res.n_obs, res.n_obs)     # draw_indices' rule
    assert np.array_equal(boot.indices[0][0], first)


def test_bootstrap_fit_reports_batched_standard_errors():
    res = _fit(estimator="PLS", se="bootstrap", bootstrap=150, seed=2)
    draws = res.boot.block("est")
    paths = res.paths()
    rows = np.flatnonzero(res.partable.col["op"] == "~")
    assert np.allclose(paths["se"], draws[:, rows].std(axis=0, ddof=1), rtol=1e-12)


def test_failed_draws_are_the_same_and_counted():
    res = _fit(estimator="PLS")
    n = res.n_obs
    rng = np.random.default_rng(0)
    indices = [[rng.integers(0, n, n)] for _ in range(6)]
    indices[2] = [np.zeros(n, dtype=int)]                 # one row repeated: no variance
    indices[4] = [np.repeat([0, 1], [n - 1, 1])]          # two rows: singular regressions
    boot = run_pls_bootstrap(res, 0, indices=indices)
    slow = _one_by_one(res, indices)
    assert boot.converged.tolist() == slow.converged.tolist()
    assert boot.n_failed == slow.n_failed >= 1 and not boot.converged[2]
    assert np.isnan(boot.values[~boot.converged]).all()
    assert "failed or did not converge" in boot.note()
    assert boot.paths().attrs["failed"] == boot.n_failed


def test_draws_that_do_not_settle_fail_like_the_one_by_one_path():
    res = _fit(estimator="PLS", control=dict(max_iter=3))
    boot = run_pls_bootstrap(res, 20, seed=1)
    slow = _one_by_one(res, boot.indices)
    assert boot.n_failed == slow.n_failed == 20
    assert "20 of 20" in boot.note()


def test_summaries_from_the_draws_by_hand():
    res = _fit(estimator="PLS")
    boot = run_pls_bootstrap(res, 400, seed=5)
    col = res.partable.col
    for view, op in ((boot.paths, "~"), (boot.weights, "<~"), (boot.loadings, "=~")):
        table = view()
        rows = np.flatnonzero(col["op"] == op)
        draws = boot.block("est")[:, rows]
        assert list(table["rhs"]) == list(col["rhs"][rows])
        assert np.allclose(table["est"], res.row_values(res.x)[rows], atol=1e-12)
        assert np.allclose(table["se"], draws.std(axis=0, ddof=1))
        assert np.allclose(table["boot_mean"], draws.mean(axis=0))
        assert np.allclose(table["t"], table["est"] / table["se"])
        k = 1
        lo, hi = bootstrap_interval(draws[:, k], table["est"][k], 0.95, "perc")
        assert (table["ci_lower"][k], table["ci_upper"][k]) == (lo, hi)
    # 90% intervals lie inside 95% ones
    wide, narrow = boot.paths(), boot.paths(level=0.90)
    assert (narrow["ci_lower"] >= wide["ci_lower"]).all()
    assert (narrow["ci_upper"] <= wide["ci_upper"]).all()


def test_bca_acceleration_from_leave_one_out_refits():
    small = DATA.dropna().iloc[:80].reset_index(drop=True)
    res = _fit("SAT =~ sat1 + sat2 + sat3\nTR =~ tr1 + tr2 + tr3\nTR ~ SAT", small,
               estimator="PLS")
    boot = run_pls_bootstrap(res, 300, seed=9)
    jack = boot.jackknife()
    leave_one_out = [[np.delete(np.arange(80), i)] for i in range(80)]
    slow = _one_by_one(res, leave_one_out)
    width = slow.values.shape[1]
    assert jack.shape == (80, boot.values.shape[1])
    assert np.max(np.abs(jack[:, :width] - slow.values)) < 1e-10
    table = boot.paths(ci="bca")
    row = int(np.flatnonzero(res.partable.col["op"] == "~")[0])
    acc = jackknife_acceleration(slow.values[:, [row]])[0]
    lo, hi = bootstrap_interval(boot.block("est")[:, row], table["est"][0], 0.95, "bca", acc)
    assert np.isclose(table["ci_lower"][0], lo) and np.isclose(table["ci_upper"][0], hi)
    assert table.attrs["ci"] == "bca"


def test_htmt_draws_equal_htmt_of_the_resampled_data():
    res = _fit(estimator="PLS")
    boot = run_pls_bootstrap(res, 30, seed=4)
    rows = res.problem.data.arrays[0]
    names = res.problem.pls["model"].indicators
    for draw in (0, 17):
        resampled = pd.DataFrame(rows[boot.indices[draw][0]], columns=names)
        H = plsmeasures.htmt_matrix(_fit("relationship_quality", resampled, estimator="PLS"))
        expected = [H.loc[a, b] for a, b in zip(boot.htmt()["factor_1"], boot.htmt()["factor_2"])]
        assert np.allclose(boot.block("htmt")[draw], expected, atol=1e-12)


def test_htmt_inference_uses_the_one_sided_upper_bound():
    res = _fit(estimator="PLS")
    boot = run_pls_bootstrap(res, 300, seed=6)
    table = boot.htmt()
    H = plsmeasures.htmt_matrix(res)
    assert np.allclose(table["htmt"], [H.loc[a, b] for a, b in
                                       zip(table["factor_1"], table["factor_2"])])
    draws = boot.block("htmt")
    k = 3
    upper = bootstrap_interval(draws[:, k], table["htmt"][k], 0.90, "perc")[1]   # 95% one-sided
    assert table["upper_one_sided"][k] == upper
    assert table["upper_one_sided"][k] < table["ci_upper"][k]
    assert (table["below_85"] == (table["upper_one_sided"] < 0.85)).all()
    assert (table["below_90"] >= table["below_85"]).all()


@pytest.mark.parametrize("call, message", [
    (lambda r: run_pls_bootstrap(r, 0, indices=np.zeros((3, 10), dtype=int)), "draws x n"),
    (lambda r: run_pls_bootstrap(r, 0, indices=np.full((2, r.n_obs), r.n_obs)), "below n"),
    (lambda r: run_pls_bootstrap(r, 0, indices=[[np.zeros(r.n_obs, int)] * 2]), "groups"),
    (lambda r: run_pls_bootstrap(r, 0), "at least 1"),
    (lambda r: run_pls_bootstrap(r, 10, seed=1).paths(ci="normal"), "ci='normal'"),
    (lambda r: run_pls_bootstrap(r, 10, seed=1).htmt(level=95), "level"),
])
def test_bad_input_is_named(call, message):
    res = _fit(estimator="PLS")
    with pytest.raises(ValueError, match=message):
        call(res)


def test_result_htmt_carries_the_bootstrap_test_of_a_bootstrap_fit():
    plain = _fit(estimator="PLS")
    assert list(plain.htmt().columns) == ["factor_1", "factor_2", "htmt", "above_85", "above_90"]
    res = _fit(estimator="PLS", se="bootstrap", bootstrap=150, seed=8)
    table, test = res.htmt(), res.boot.htmt()
    assert np.allclose(table["htmt"], test["htmt"], atol=1e-12)
    for column in ("se", "ci_lower", "ci_upper", "upper_one_sided"):
        assert np.array_equal(table[column], test[column])
    assert (table["below_85"] == test["below_85"]).all() and table.attrs["draws"] == 150


@pytest.mark.parametrize("estimator, inadmissible", [("PLS", "keep"), ("PLSc", "drop")])
def test_exact_fit_test_resamples_equal_one_by_one_refits(estimator, inadmissible):
    res = _fit(estimator=estimator)
    pls = res.problem.pls
    X, model, settings = pls["X"], pls["model"], pls["settings"]
    fit = res.estimate.opt.details["pls_fit"]
    S = X.T @ X / (len(X) - 1)
    indices = np.random.default_rng(12).integers(0, len(X), (40, len(X)))
    keep = inadmissible == "keep"
    for saturated in (True, False):
        Z = beran_srivastava(X, S, implied_correlation(fit, model, S, saturated))
        batched = _resample_discrepancies(Z, indices, model, settings, saturated, keep)
        for draw, rows in enumerate(indices):
            X_r = standardize(Z[rows])
            one = fit_pls(X_r, model, **settings)
            S_r = X_r.T @ X_r / (len(X_r) - 1)
            Sigma = implied_correlation(one, model, S_r, saturated)
            if (one.converged and _positive_definite(Sigma)
                    and (keep or admissible(one, model, Sigma, settings["consistent"]))):
                expected = list(discrepancies(S_r, Sigma).values())
                assert np.allclose(batched[draw], expected, rtol=1e-10, atol=1e-12)
            else:
                assert np.isnan(batched[draw]).all()
    table = res.fit_test(indices=indices, inadmissible=inadmissible)
    assert table.attrs["draws"] == 40


def test_two_processes_share_the_chunks_and_give_the_same_draws():
    res = _fit(estimator="PLS")
    one = run_pls_bootstrap(res, 1100, seed=4, n_jobs=1, progress=False)   # three chunks
    two = run_pls_bootstrap(res, 1100, seed=4, n_jobs=2, progress=False)
    assert np.array_equal(one.values, two.values, equal_nan=True)
    assert np.array_equal(one.converged, two.converged)
