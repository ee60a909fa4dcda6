"""Finite-difference checks of the analytic derivatives of every loss in ``relqual.engine``.

The optimizer (Newton / quasi-Newton steps) trusts ``value_and_gradient`` and the Hessians, and
the standard errors are the inverse of the expected (complete-data ML), observed (FIML, MLR) or
Gauss-Newton (DWLS) information. A wrong term in an analytic derivative therefore shows up as
slow or false convergence or as wrong standard errors, often only for some models (labels,
several groups, mean structures, missing-data patterns, ordinal items). Here every loss is
evaluated on several models at a parameter vector that is *not* the optimum (fitted estimates
perturbed by a fixed random vector), where the gradient is far from zero and every term of the
observed Hessian matters, and checked against central differences:

1. the gradient against central differences of ``value`` (and ``value``, ``value_and_gradient``,
   ``value_gradient_information``, ``observed_hessian`` agree on the objective and gradient);
2. the observed Hessian against central differences of the analytic gradient, and its symmetry;
3. ML: the expected Hessian is symmetric positive semi-definite and equals the observed one when
   the data are the model's own implied moments (S = Sigma(x), ybar = mu(x), per group or per
   missing-data pattern), where the data-dependent terms of the observed Hessian vanish;
   DWLS: the Gauss-Newton Hessian equals 2 sum_g c_g J_g' W_g J_g with the finite-difference
   Jacobian J_g of the implied statistics, and equals the full Hessian when the sample
   statistics are the implied ones (zero residuals).

Losses: ``relqual.engine.loss.MLLoss`` (complete data and FIML pattern pieces) and
``relqual.engine.wls.DWLSLoss`` (ordinal items). All construction from engine pieces is in the
``build_*`` helpers at the top, so only they need editing when constructors change; ``rq.fit``
is used only for a parameter vector near the optimum.
"""
from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable

import numpy as np
import pytest

import relqual as rq
from relqual.data import prepare_data
from relqual.engine import wls
from relqual.engine.loss import MLLoss, Piece
from relqual.engine.matrices import RamModel
from relqual.engine.missing import IncompleteData
from relqual.engine.polychoric import ordinal_stats
from relqual.engine.samplestats import SampleStats
from relqual.ordinal import ordinal_partable
from relqual.partable import build_partable

from conftest import HS_MODEL, POLDEM_LABELS_MODEL, POLDEM_MODEL

# observed (fixed.x) covariates with nonzero means: A entries with (B m)_j != 0
MIMIC_MODEL = HS_MODEL + "\nvisual ~ ageyr + sex\nspeed ~ ageyr"

PERTURBATION_SEED = 20240517
PERTURBATION_SCALE = 0.05       # relative to max(|x|, 0.1)
FD_STEP = 1e-5                  # relative to max(|x_k|, 1)

GRAD_TOL = 1e-6                 # |g - fd| <= GRAD_TOL * max(1, |fd|)
HESS_TOL = 1e-5                 # |H - fd| <= HESS_TOL * max(1, |fd|), elementwise
EXACT_TOL = 1e-8                # identities that hold up to rounding (relative to max|H|)


# ------------------------------------------------------------------ construction helpers

@dataclasses.dataclass
class Case:
    """A loss at a non-optimal parameter vector ``x``.

    ``at_implied(x)`` is the same model's loss whose data are its own implied statistics at
    ``x``. ``dwls_weights`` (DWLS only): per group (c_g, w_g, s_g) of
    F = sum_g c_g r_g' diag(w_g) r_g with r_g = s_g - implied_g, computed from the sample
    statistics, not read from the loss.
    """

    loss: object
    x: np.ndarray
    at_implied: Callable[[np.ndarray], object]
    dwls_weights: list | None = None


def _fit_x(syntax, data, npar, **options) -> np.ndarray:
    """Estimates of ``rq.fit`` (only as a point near the optimum)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(syntax, data, **options)
    x = np.asarray(res.x, dtype=float)
    assert x.shape == (npar,), "rq.fit numbers the parameters differently from build_partable"
    return x


def _perturbed(loss, x_fit: np.ndarray) -> np.ndarray:
    """x_fit (checked to be a stationary point of ``loss``, i.e. same parameter order) moved
    by a fixed random vector, to a point where the loss is finite and its gradient is not small."""
    g_fit = loss.value_and_gradient(x_fit)[1]
    assert np.max(np.abs(g_fit)) < 1e-3, "the fitted estimates are not the optimum of this loss"
    rng = np.random.default_rng(PERTURBATION_SEED)
    x = (x_fit + PERTURBATION_SCALE * rng.standard_normal(len(x_fit))
         * np.maximum(np.abs(x_fit), 0.1))
    f, g = loss.value_and_gradient(x)
    assert np.isfinite(f) and np.max(np.abs(g)) > 1e-2, "perturbed point too close to optimum"
    return x


def build_ml(syntax, data, *, group=None, group_equal=(), missing="listwise",
             meanstructure=None) -> Case:
    """MLLoss as relqual.fit.estimate builds it: complete-data pieces, or FIML pattern pieces."""
    fiml = missing == "fiml"
    ngroups = 1 if group is None else int(data[group].nunique())
    if meanstructure is None and (ngroups > 1 or fiml):
        meanstructure = True
    partable = build_partable(syntax, ngroups=ngroups, meanstructure=meanstructure,
                              group_equal=tuple(group_equal))
    ov = list(partable.roles.ov)
    prepared = prepare_data(data, ov, missing=missing, group=group)
    if fiml:
        incomplete = [IncompleteData.from_array(a, ov) for a in prepared.arrays]
        samples = [inc.h1 for inc in incomplete]
        pieces = [Piece.pattern(g, pat) for g, inc in enumerate(incomplete)
                  for pat in inc.patterns]
    else:
        samples = [SampleStats.from_array(a, ov) for a in prepared.arrays]
        pieces = None

    def make(samples_, pieces_=None):
        models = [RamModel(partable, g, s) for g, s in enumerate(samples_, start=1)]
        return MLLoss(models, samples_, pieces_)

    loss = make(samples, pieces)

    def at_implied(x):
        imps = [m.implied(x) for m in loss.models]
        implied = [SampleStats(tuple(ov), s.n, imp.mu.copy(), imp.sigma.copy())
                   for s, imp in zip(samples, imps)]
        if not fiml:
            return make(implied)
        patterns = []
        for piece in loss.pieces:
            imp, o = imps[piece.group], piece.obs
            patterns.append(dataclasses.replace(piece, mean=imp.mu[o].copy(),
                                                cov=imp.sigma[np.ix_(o, o)].copy()))
        return make(implied, patterns)

    options = dict(group=group, group_equal=list(group_equal), missing=missing)
    if meanstructure is not None:
        options["meanstructure"] = meanstructure
    x_fit = _fit_x(syntax, data, partable.npar, **options)
    return Case(loss, _perturbed(loss, x_fit), at_implied)


def build_dwls(syntax, data, *, group=None) -> Case:
    """DWLSLoss as relqual.ordinal.fit_wlsmv builds it (every observed variable ordered)."""
    ngroups = 1 if group is None else int(data[group].nunique())
    base = build_partable(syntax, meanstructure=True, ngroups=ngroups)
    ov = list(base.roles.ov)
    prepared = prepare_data(data, ov, missing="listwise", group=group)
    levels = [np.unique(np.concatenate([a[:, k] for a in prepared.arrays]))
              for k in range(len(ov))]
    partable = ordinal_partable(base, {v: len(lv) - 1 for v, lv in zip(ov, levels)})
    stats = []
    for a in prepared.arrays:
        codes = np.column_stack([np.searchsorted(lv, a[:, k]) for k, lv in enumerate(levels)])
        stats.append(ordinal_stats(codes, [len(lv) for lv in levels], ov))

    def make(stats_):
        models = [wls.OrdinalRamModel(partable, g, ov) for g in range(1, ngroups + 1)]
        return wls.DWLSLoss(models, stats_, partable)

    loss = make(stats)

    def at_implied(x):
        out = []
        for g, st in enumerate(stats):
            r = loss.implied(x, g)
            cor = np.eye(len(ov))
            I, J = st.pairs
            cor[I, J] = cor[J, I] = r[st.nth:]
            out.append(dataclasses.replace(st, th=r[: st.nth].copy(), cor=cor))
        return make(out)

    n_total = sum(st.n for st in stats)
    weights = [((st.n - 1) / (2.0 * n_total), 1.0 / np.diag(st.gamma), st.wls_obs)
               for st in stats]
    x_fit = _fit_x(syntax, data, partable.npar, estimator="WLSMV", ordered=True, group=group)
    return Case(loss, _perturbed(loss, x_fit), at_implied, weights)


def _hs():
    return rq.datasets.load("holzinger_swineford")


BUILDERS = {
    # (a) single-group CFA, no mean structure
    "hs_cfa": lambda: build_ml(HS_MODEL, _hs()),
    # (b) SEM with latent regressions and residual covariances (Bollen), and with labels
    "poldem_sem": lambda: build_ml(POLDEM_MODEL, rq.datasets.load("political_democracy")),
    "poldem_labels": lambda: build_ml(POLDEM_LABELS_MODEL,
                                      rq.datasets.load("political_democracy")),
    # (c) two groups, loadings and intercepts equal (latent means free in group 2)
    "hs_multigroup": lambda: build_ml(HS_MODEL, _hs(), group="school",
                                      group_equal=["loadings", "intercepts"]),
    # (d) FIML: one piece per missing-data pattern
    "hs_fiml": lambda: build_ml(HS_MODEL, rq.datasets.load("holzinger_swineford_missing"),
                                missing="fiml"),
    # (f) single group with a mean structure and fixed.x covariates
    "hs_mimic_means": lambda: build_ml(MIMIC_MODEL, _hs(), meanstructure=True),
    # (e) DWLS on ordinal items, one group and two groups (configural)
    "hs_ordinal_dwls": lambda: build_dwls(
        HS_MODEL, rq.datasets.load("holzinger_swineford_ordinal")),
    "hs_ordinal_dwls_2groups": lambda: build_dwls(
        HS_MODEL, rq.datasets.load("holzinger_swineford_ordinal"), group="school"),
}
ML_CASES = [name for name in BUILDERS if "dwls" not in name]
DWLS_CASES = [name for name in BUILDERS if "dwls" in name]


@functools.cache
def get_case(name: str) -> Case:
    return BUILDERS[name]()


# ------------------------------------------------------------------ finite differences

def _steps(x: np.ndarray) -> np.ndarray:
    return FD_STEP * np.maximum(np.abs(x), 1.0)


def fd_gradient(f, x: np.ndarray) -> np.ndarray:
    """Central differences of a scalar function."""
    out = np.empty(len(x))
    for k, h in enumerate(_steps(x)):
        e = np.zeros(len(x))
        e[k] = h
        out[k] = (f(x + e) - f(x - e)) / (2.0 * h)
    return out


def fd_jacobian(F, x: np.ndarray) -> np.ndarray:
    """Central differences of a vector function: rows = outputs, columns = parameters."""
    cols = []
    for k, h in enumerate(_steps(x)):
        e = np.zeros(len(x))
        e[k] = h
        cols.append((np.asarray(F(x + e)) - np.asarray(F(x - e))) / (2.0 * h))
    return np.column_stack(cols)


def assert_close(analytic, reference, tol, scale, what):
    """|analytic - reference| <= tol * scale elementwise, with a message naming the worst
    entries (parameter rows and columns) and the size of the discrepancy."""
    analytic, reference = np.asarray(analytic), np.asarray(reference)
    err = np.abs(analytic - reference)
    bad = err > tol * scale
    if bad.any():
        worst = np.argsort(-(err / (tol * np.broadcast_to(scale, err.shape))).ravel())[:5]
        where = [np.unravel_index(i, err.shape) for i in worst if bad.ravel()[i]]
        detail = "; ".join(f"{tuple(int(j) for j in w)}: analytic {analytic[w]:.10g}, "
                           f"reference {reference[w]:.10g}, |diff| {err[w]:.3g}" for w in where)
        raise AssertionError(f"{what}: {int(bad.sum())} entries off (tol {tol:g}); worst {detail}")


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module", params=list(BUILDERS))
def case(request) -> Case:
    return get_case(request.param)


@pytest.fixture(scope="module", params=ML_CASES)
def ml_case(request) -> Case:
    return get_case(request.param)


@pytest.fixture(scope="module", params=DWLS_CASES)
def dwls_case(request) -> Case:
    return get_case(request.param)


# ------------------------------------------------------------------ the models themselves

def test_cases_cover_what_they_claim():
    """The FIML case has several missing-data patterns; the loss types are the intended ones."""
    fiml = get_case("hs_fiml").loss
    assert len(fiml.pieces) >= 3 and all(p.obs is not None for p in fiml.pieces)
    assert len({len(p.obs) for p in fiml.pieces}) >= 2        # patterns see different variables
    assert len(get_case("hs_multigroup").loss.models) == 2
    assert get_case("hs_mimic_means").loss.meanstructure
    for name in ML_CASES:
        assert isinstance(get_case(name).loss, MLLoss)
    for name in DWLS_CASES:
        assert isinstance(get_case(name).loss, wls.DWLSLoss)


# ------------------------------------------------------------------ all losses

def test_methods_agree_on_value_and_gradient(case):
    loss, x = case.loss, case.x
    f = loss.value(x)
    f1, g1 = loss.value_and_gradient(x)
    f2, g2, _ = loss.value_gradient_information(x)
    f3, g3, _ = loss.observed_hessian(x)
    assert np.isfinite(f) and loss.n_total > 0
    np.testing.assert_allclose([f1, f2, f3], f, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g2, g1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g3, g1, rtol=1e-10, atol=1e-12)


def test_gradient_matches_finite_differences(case):
    loss, x = case.loss, case.x
    g = loss.value_and_gradient(x)[1]
    fd = fd_gradient(loss.value, x)
    assert_close(g, fd, GRAD_TOL, np.maximum(1.0, np.abs(fd)), "gradient vs central differences")


def test_observed_hessian_matches_finite_differences(case):
    loss, x = case.loss, case.x
    H = loss.observed_hessian(x)[2]
    fd = fd_jacobian(lambda y: loss.value_and_gradient(y)[1], x)
    fd = 0.5 * (fd + fd.T)
    assert_close(H, fd, HESS_TOL, np.maximum(1.0, np.abs(fd)),
                 "observed Hessian vs central differences of the gradient")


def test_observed_hessian_is_symmetric(case):
    H = case.loss.observed_hessian(case.x)[2]
    assert np.all(np.isfinite(H))
    assert_close(H, H.T, EXACT_TOL, max(1.0, np.max(np.abs(H))), "observed Hessian symmetry")


# ------------------------------------------------------------------ ML: expected Hessian

def test_ml_expected_hessian_is_symmetric_psd(ml_case):
    H = ml_case.loss.value_gradient_information(ml_case.x)[2]
    scale = max(1.0, np.max(np.abs(H)))
    assert_close(H, H.T, EXACT_TOL, scale, "expected Hessian symmetry")
    assert np.linalg.eigvalsh(0.5 * (H + H.T)).min() > -EXACT_TOL * scale


def test_ml_expected_equals_observed_at_implied_moments(ml_case):
    """With S = Sigma(x) and ybar = mu(x) the residual terms of the observed Hessian vanish:
    both Hessians equal sum w [tr(W dS_k W dS_l) + 2 dmu_k' W dmu_l], and x is a minimum."""
    x = ml_case.x
    loss = ml_case.at_implied(x)
    f, g, expected = loss.value_gradient_information(x)
    observed = loss.observed_hessian(x)[2]
    scale = max(1.0, np.max(np.abs(expected)))
    assert_close(observed, expected, EXACT_TOL, scale, "observed vs expected Hessian at S = Sigma")
    assert np.max(np.abs(g)) < 1e-10
    if all(p.obs is None for p in loss.pieces):               # complete data: F = 0 at S = Sigma
        assert abs(f) < 1e-10
    # the same loss at another point: the data-dependent terms matter again
    other = ml_case.x + 0.05 * np.maximum(np.abs(x), 0.1)
    H_exp, H_obs = loss.value_gradient_information(other)[2], loss.observed_hessian(other)[2]
    assert np.max(np.abs(H_exp - H_obs)) > 1e-4 * scale


# ------------------------------------------------------------------ DWLS: Gauss-Newton Hessian

def test_dwls_gauss_newton_hessian_from_jacobian(dwls_case):
    """GN Hessian = 2 sum_g c_g J_g' W_g J_g, J_g = d implied_g / dx by central differences;
    and the objective is sum_g c_g r_g' W_g r_g."""
    loss, x = dwls_case.loss, dwls_case.x
    f, _, H = loss.value_gradient_information(x)
    reference = np.zeros_like(H)
    value = 0.0
    for g, (c, w, s) in enumerate(dwls_case.dwls_weights):
        J = fd_jacobian(lambda y: loss.implied(y, g), x)
        reference += 2.0 * c * J.T @ (w[:, None] * J)
        r = s - loss.implied(x, g)
        value += c * np.sum(w * r * r)
    np.testing.assert_allclose(f, value, rtol=1e-12)
    assert_close(H, reference, HESS_TOL, np.maximum(1.0, np.abs(reference)),
                 "Gauss-Newton Hessian vs 2 sum c J'WJ")
    scale = max(1.0, np.max(np.abs(reference)))
    assert_close(H, H.T, EXACT_TOL, scale, "Gauss-Newton Hessian symmetry")
    assert np.linalg.eigvalsh(0.5 * (H + H.T)).min() > -EXACT_TOL * scale


def test_dwls_gauss_newton_equals_observed_at_zero_residuals(dwls_case):
    x = dwls_case.x
    loss = dwls_case.at_implied(x)
    f, g, gn = loss.value_gradient_information(x)
    observed = loss.observed_hessian(x)[2]
    assert abs(f) < 1e-14 and np.max(np.abs(g)) < 1e-12
    scale = max(1.0, np.max(np.abs(gn)))
    assert_close(observed, gn, EXACT_TOL, scale, "full vs Gauss-Newton Hessian at zero residuals")
    # and they differ where the residuals are not zero
    original = dwls_case.loss
    H_gn, H_obs = original.value_gradient_information(x)[2], original.observed_hessian(x)[2]
    assert np.max(np.abs(H_gn - H_obs)) > 1e-4 * scale
