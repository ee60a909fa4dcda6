"""The FIML Hessians by Kronecker sums over patterns equal those by Gram matrices.

Up to 45 observed variables :meth:`relqual.engine.loss.MLLoss._block_hessians` sums over the
missing-data patterns through p^2 x p^2 Kronecker sums (:mod:`relqual.engine.kronecker`); beyond,
through the Gram matrices of :meth:`RamModel.trace_products_sum`. Both are exact formulas for
the same sums, so the expected and observed Hessians (and the standard errors and robust
statistics built on them) must agree to rounding whichever path runs; the finite-difference
checks of ``tests/test_engine_derivatives.py`` cover the formulas themselves.
"""
from __future__ import annotations

import numpy as np
import pytest

import relqual as rq
from relqual.engine import kronecker

HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
HS_LABELS = ("visual =~ x1 + a*x2 + a*x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
             "speed ~ textual")


def _missing():
    return rq.datasets.load("holzinger_swineford_missing")


def _two_groups():
    data = rq.datasets.load("holzinger_swineford_missing").copy()
    data["school"] = rq.datasets.load("holzinger_swineford")["school"].to_numpy()
    return data


CASES = {
    "one group": lambda: rq.fit(HS_MODEL, _missing(), missing="fiml"),
    "labels, a regression": lambda: rq.fit(HS_LABELS, _missing(), missing="fiml"),
    "two groups": lambda: rq.fit(HS_MODEL, _two_groups(), group="school", missing="fiml",
                                 group_equal=["loadings"]),
}


def _perturbed(result) -> np.ndarray:
    """Away from the optimum, where every term of the observed Hessian matters."""
    return result.x + 0.03 * np.random.default_rng(7).standard_normal(len(result.x))


def _hessians(loss, x):
    loss._last = loss._last_gradient = None           # nothing remembered from another path
    return loss._derivatives(x, expected=True, observed=True)[2:]


@pytest.mark.parametrize("case", list(CASES))
def test_kronecker_and_gram_hessians_agree(case, monkeypatch):
    result = CASES[case]()
    loss, x = result.problem.loss, _perturbed(result)
    assert loss._blocks is not None                     # FIML pattern blocks
    expected_kron, observed_kron = _hessians(loss, x)
    monkeypatch.setattr(kronecker, "MAX_CELLS", 0)      # every block by Gram matrices
    assert not kronecker.fits(loss.models[0].p)
    expected_gram, observed_gram = _hessians(loss, x)
    scale = np.abs(observed_gram).max()
    assert np.abs(expected_kron - expected_gram).max() <= 1e-12 * scale
    assert np.abs(observed_kron - observed_gram).max() <= 1e-12 * scale
    assert np.abs(observed_kron - observed_kron.T).max() <= 1e-13 * scale


def test_fiml_robust_statistics_agree_on_both_paths(monkeypatch):
    """MLR under FIML: the saturated model's observed information (the FIML-corrected robust
    indices) and the sandwich standard errors go through the same sums."""
    fitted = rq.fit(HS_MODEL, _missing(), missing="fiml", estimator="MLR")
    monkeypatch.setattr(kronecker, "MAX_CELLS", 0)
    gram = rq.fit(HS_MODEL, _missing(), missing="fiml", estimator="MLR")
    np.testing.assert_allclose(fitted.estimates()["se"], gram.estimates()["se"], rtol=1e-10)
    measures, measures_gram = fitted.fit_measures(), gram.fit_measures()
    for name in ("chisq_scaled", "cfi_robust", "rmsea_robust", "tli_robust"):
        assert measures[name] == pytest.approx(measures_gram[name], rel=1e-10), name


def test_more_than_45_variables_use_gram_matrices():
    assert kronecker.fits(45) and not kronecker.fits(46)
