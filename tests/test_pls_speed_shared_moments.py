"""The PLS fit's shared moments: the covariance matrix the data checks compute is the one the
standardizing, the sample moments and the PLS algorithm use; every shortcut gives the numbers
of the direct computation it replaces."""
import json

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.data import DataError, prepare_data, prepare_data_and_moments, scale_differences
from relqual.pls import fit_pls, rho_a, standardize
from relqual.plsfit import pls_model, standardized

from conftest import REFERENCE as REF_DIR

MOBI = pd.read_csv(REF_DIR / "pls_data" / "mobi.csv")
ECSI = json.loads((REF_DIR / "pls_seminr.json").read_text())["cases"]["ecsi_mobi_path"]["model"]


def test_prepare_data_and_moments_gives_the_sample_moments_of_the_rows_used():
    hsm = rq.datasets.load("holzinger_swineford_missing")
    prepared, moments = prepare_data_and_moments(hsm, ["x1", "x2", "x3"])
    assert prepared.n_used == 256 and prepared.notes == prepare_data(hsm, ["x1", "x2",
                                                                          "x3"]).notes
    rows = prepared.arrays[0]
    np.testing.assert_allclose(moments[0].cov, np.cov(rows.T), rtol=1e-13)
    np.testing.assert_allclose(moments[0].mean, rows.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(moments[0].sd, rows.std(axis=0, ddof=1), rtol=1e-13)
    np.testing.assert_allclose(moments[0].corr, np.corrcoef(rows.T), rtol=1e-13)
    grouped, per_group = prepare_data_and_moments(hsm, ["x1", "x2"], group="school")
    assert len(per_group) == 2
    for rows, group_moments in zip(grouped.arrays, per_group):
        np.testing.assert_allclose(group_moments.cov, np.cov(rows.T), rtol=1e-13)
    assert prepare_data_and_moments(hsm, ["x1", "x2"], missing="fiml")[1] is None


def test_scale_warning_is_the_same_from_given_variances():
    rng = np.random.default_rng(3)
    values = np.column_stack([rng.normal(size=80), 5000 * rng.normal(size=80)])
    direct = scale_differences(values, ["a", "b"])
    given = scale_differences(values, ["a", "b"], variances=np.var(values, axis=0, ddof=1))
    assert direct == given and len(direct) == 1
    prepared = prepare_data(pd.DataFrame(values, columns=["a", "b"]), ["a", "b"])
    assert prepared.notes == direct


@pytest.mark.parametrize("cell, message", [(np.inf, "has an infinite value in row 4"),
                                           (np.nan, None)])
def test_one_pass_finite_check_still_names_infinite_cells_and_drops_missing_rows(cell, message):
    data = MOBI[["CUEX1", "CUEX2", "CUEX3"]].astype(float)
    data.iloc[4, 1] = cell
    if message:
        with pytest.raises(DataError, match=message):
            prepare_data(data, ["CUEX1", "CUEX2", "CUEX3"])
    else:
        prepared = prepare_data(data, ["CUEX1", "CUEX2", "CUEX3"])
        assert prepared.n_used == len(data) - 1 and "CUEX2: 1" in prepared.notes[0]


def test_standardized_from_the_moments_matches_the_direct_computation():
    values = MOBI.to_numpy(dtype=float)
    _, (moments,) = prepare_data_and_moments(MOBI, list(MOBI.columns))
    X, S = standardized(values, moments)
    np.testing.assert_allclose(X, standardize(values), atol=1e-13)
    np.testing.assert_allclose(S, np.corrcoef(values.T), atol=1e-13)
    X0, S0 = standardized(values)
    np.testing.assert_allclose(S0, X0.T @ X0 / (len(X0) - 1), atol=0)


def test_fit_pls_with_the_given_correlations_and_rho_a_with_given_score_correlations():
    model, _ = pls_model(ECSI)
    X = standardize(MOBI[list(model.indicators)].to_numpy(dtype=float))
    direct = fit_pls(X, model, consistent=True)
    given = fit_pls(X, model, consistent=True, S=np.corrcoef(X.T))
    for name in ("weights", "loadings", "paths", "construct_cor", "rho_a", "scores"):
        np.testing.assert_allclose(getattr(given, name), getattr(direct, name), atol=1e-12)
    S, W = X.T @ X / (len(X) - 1), direct.weights
    np.testing.assert_allclose(rho_a(S, W, model, W.T @ S @ W), rho_a(S, W, model), atol=1e-13)


def test_a_resample_gets_its_own_correlations():
    res = rq.fit(ECSI, MOBI, estimator="PLS")
    problem = res.problem
    rows = problem.data.arrays[0][::2]
    again = problem.family.with_data(problem, [rows])
    X = again.pls["X"]
    np.testing.assert_allclose(again.pls["S"], np.corrcoef(X.T), atol=1e-13)
    np.testing.assert_allclose(problem.pls["S"], np.corrcoef(problem.pls["X"].T), atol=1e-13)
    refit = problem.family.optimize(again, None)
    direct = fit_pls(X, problem.pls["model"], **problem.pls["settings"])
    np.testing.assert_allclose(refit.details["pls_fit"].paths, direct.paths, atol=0)
