"""The lean single-model paths of the ML engine (issue 18) against the textbook formulas they
replace: B = (I - A)^-1 by blocks, Sigma^-1 and the Newton step through LAPACK, the gradient
and the second-derivative term without padded n x n matrices, trace products from flattened
Gram matrices, the loss's remembered gradient, and the fit-measure Series.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.engine.batched import BatchedMLLoss, batch_moments
from relqual.engine.loss import NotPositiveDefinite, _inverse_and_logdet
from relqual.engine.matrices import RamModel
from relqual.engine.optimize import _newton_step, _solve
from relqual.partable import build_partable

from conftest import HS_MODEL, POLDEM_LABELS_MODEL


def _fits():
    """Fits that cover every structure: a CFA (no latent paths), latent regressions with
    shared labels (not one entry per parameter), a mean structure, an observed predictor of
    a factor and an observed regression (B not by blocks), and a moments-only model."""
    hs = rq.datasets.load("holzinger_swineford")
    return {
        "cfa": rq.fit(HS_MODEL, hs),
        "poldem": rq.fit(POLDEM_LABELS_MODEL, rq.datasets.load("political_democracy")),
        "rq_means": rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
                           meanstructure=True),
        "observed_predictor": rq.fit("f =~ x1 + x2 + x3\nf ~ x4\nx5 ~ x6", hs,
                                     fixed_x=False),
        "moments_only": rq.fit("x1 ~~ x2\nx2 ~~ x3", hs),
    }


FITS = _fits()


def _point(res, seed=0):
    """A point near the estimates (not the optimum: the gradient is not zero there)."""
    rng = np.random.default_rng(seed)
    return res.x * (1 + 0.05 * rng.standard_normal(len(res.x)))


@pytest.mark.parametrize("name", FITS)
def test_block_inverse_is_the_inverse(name):
    model = FITS[name].problem.models[0]
    A = model.matrices(_point(FITS[name]))[0]
    assert np.allclose(model._inverse(A), np.linalg.inv(np.eye(model.n) - A),
                       rtol=1e-13, atol=1e-13)


def test_block_inverse_is_used_only_where_it_holds():
    assert FITS["cfa"].problem.models[0]._by_blocks
    assert not FITS["cfa"].problem.models[0]._latent_paths
    assert FITS["poldem"].problem.models[0]._latent_paths
    assert not FITS["observed_predictor"].problem.models[0]._by_blocks


@pytest.mark.parametrize("name", FITS)
def test_gradient_and_trace_products_match_the_jacobian(name):
    res = FITS[name]
    model = res.problem.models[0]
    imp = model.implied(_point(res))
    d_sigma, d_mu = model.jacobian(imp)
    rng = np.random.default_rng(1)
    R = rng.standard_normal((model.p, model.p))
    M, P, Q = R + R.T, np.linalg.inv(imp.sigma), R @ R.T + np.eye(model.p)
    v = rng.standard_normal(model.p) if model.meanstructure else None
    direct = np.einsum("ab,kba->k", M, d_sigma) - (0 if v is None else 2 * d_mu @ v)
    assert np.allclose(model.gradient(imp, M, v), direct, rtol=1e-12, atol=1e-12)
    for left, right in ((P, P), (Q, P)):
        direct = np.einsum("kab,bc,lcd,da->kl", d_sigma, left, d_sigma, right)
        assert np.allclose(model.trace_products(imp, left, right), direct,
                           rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["cfa", "poldem", "rq_means", "observed_predictor"])
def test_second_derivative_term_matches_differences_of_the_jacobian(name):
    """tr(M d2Sigma/dx_k dx_l) = d/dx_l tr(M dSigma/dx_k), by central differences."""
    res = FITS[name]
    model = res.problem.models[0]
    x = _point(res)
    M = np.random.default_rng(2).standard_normal((model.p, model.p))
    M = M + M.T
    h = 1e-6
    numeric = np.empty((len(x), len(x)))
    for l in range(len(x)):
        up, down = x.copy(), x.copy()
        up[l] += h
        down[l] -= h
        numeric[:, l] = (np.einsum("ab,kba->k", M, model.jacobian(model.implied(up))[0])
                         - np.einsum("ab,kba->k", M, model.jacobian(model.implied(down))[0])
                         ) / (2 * h)
    analytic = model.second_derivative_term(model.implied(x), M)
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["cfa", "poldem", "rq_means"])
def test_batched_terms_equal_the_single_model_ones(name):
    res = FITS[name]
    model = res.problem.models[0]
    rows = res.problem.data.arrays[0]
    resample = np.random.default_rng(5).integers(0, len(rows), (2, len(rows)))
    draws = np.stack([rows, rows[resample[0]], rows[resample[1]]])
    batch = BatchedMLLoss(model, *batch_moments(draws), len(rows))
    X = np.stack([_point(res, seed) for seed in range(3)])
    f, g, expected, observed = batch.derivatives(X, np.arange(3), True, True)
    for k in range(3):
        one = res.problem.detached().with_data([draws[k]]).loss
        f1, g1, e1, o1 = one.value_gradient_information(X[k], exact=True)
        assert np.isclose(f[k], f1, rtol=1e-12)
        assert np.allclose(g[k], g1, rtol=1e-10, atol=1e-12)
        assert np.allclose(expected[k], e1, rtol=1e-10, atol=1e-12)
        assert np.allclose(observed[k], o1, rtol=1e-10, atol=1e-12)


def test_inverse_and_logdet_by_lapack():
    rng = np.random.default_rng(3)
    R = rng.standard_normal((6, 6))
    sigma = R @ R.T + np.eye(6)
    W, logdet = _inverse_and_logdet(sigma)
    assert np.allclose(W, np.linalg.inv(sigma), rtol=1e-12, atol=1e-12)
    assert np.isclose(logdet, np.linalg.slogdet(sigma)[1], rtol=1e-13)
    stack_W, stack_logdet = _inverse_and_logdet(np.stack([sigma, 2 * sigma]))
    assert np.allclose(stack_W[0], W) and np.isclose(stack_logdet[1], logdet + 6 * np.log(2))
    with pytest.raises(NotPositiveDefinite):
        _inverse_and_logdet(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_newton_step_by_cholesky():
    rng = np.random.default_rng(4)
    R = rng.standard_normal((5, 5))
    H, g = R @ R.T + np.eye(5), rng.standard_normal(5)
    assert np.allclose(_newton_step(H, g), np.linalg.solve(H, g), rtol=1e-12)
    assert _newton_step(np.diag([1.0, -1.0]), np.ones(2)) is None


def test_scoring_step_by_lu_and_least_squares_when_singular():
    rng = np.random.default_rng(6)
    H, g = rng.standard_normal((5, 5)) + 5 * np.eye(5), rng.standard_normal(5)
    assert np.allclose(_solve(H, g), np.linalg.solve(H, g), rtol=1e-12)
    singular = np.ones((2, 2))
    assert np.allclose(_solve(singular, np.array([1.0, 3.0])), [1.0, 1.0])


def test_remembered_gradient_is_that_of_a_fresh_loss_and_not_shared():
    res = FITS["poldem"]
    loss = res.problem.detached().loss
    x = _point(res)
    _, g_hessian, _ = loss.observed_hessian(x)          # computes and remembers the gradient
    _, g_again = loss.value_and_gradient(x)              # served from memory
    fresh = res.problem.detached().loss.value_and_gradient(x)[1]
    assert np.array_equal(g_hessian, fresh) and np.array_equal(g_again, fresh)
    g_again[:] = 0.0                                     # callers get copies
    assert np.array_equal(loss.value_and_gradient(x)[1], fresh)
    other = x + 0.01                                     # a new point is not served from memory
    assert np.array_equal(loss.value_and_gradient(other)[1],
                          res.problem.detached().loss.value_and_gradient(other)[1])


def test_standardize_with_given_row_values_is_the_same():
    res = FITS["poldem"]
    problem, x = res.problem, _point(res)
    for kind in ("std.lv", "std.all"):
        assert np.array_equal(problem.standardize(x, kind, problem.row_values(x)),
                              problem.standardize(x, kind), equal_nan=True)


@pytest.mark.parametrize("estimator", ["ML", "MLR"])
def test_fit_measures_series_is_that_of_the_dict(estimator):
    res = rq.fit(HS_MODEL, rq.datasets.load("holzinger_swineford"), estimator=estimator)
    measures = res.problem.family.fit_measures(res.problem, res.estimate)
    pd.testing.assert_series_equal(res.fit_measures(),
                                   pd.Series(measures, name="fit_measures"), check_exact=True)
    changed = res.fit_measures()
    changed.index.name = "measure"                       # a copy: the fit's own is unchanged
    assert res.fit_measures().index.name is None


def test_ram_model_of_a_table_without_latent_variables():
    model = RamModel(build_partable("y ~ x1 + x2"), 1)
    A = model.matrices(np.array([0.5, -0.2, 1.0, 1.0, 1.0, 0.3]))[0]
    assert not model._by_blocks
    assert np.allclose(model._inverse(A), np.linalg.inv(np.eye(model.n) - A))
