"""The batched loss inverts Sigma by the Woodbury identity for factor models with uncorrelated
residuals, and by p x p Cholesky factors otherwise; both give Sigma^-1 and log|Sigma| to
rounding (engine/batched.py, BatchedMLLoss._inverse_sigma)."""
import numpy as np
import pytest

import relqual as rq
from relqual.engine.batched import BatchedMLLoss, batch_moments
from relqual.engine.spd import spd_inverses

HS = rq.datasets.load("holzinger_swineford")
CFA = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
MODELS = {
    # (syntax, data, whether Woodbury applies)
    "cfa": (CFA, HS, True),
    "latent paths": (CFA + "\nspeed ~ visual + textual", HS, True),
    "correlated residuals": (CFA + "\nx1 ~~ x4", HS, False),
    "observed path": ("visual =~ x1 + x2 + x3\nx4 ~ visual + x5", HS, False),
    "relationship quality": ("relationship_quality",
                             rq.datasets.load("relationship_quality"), True),
}


def _batch(syntax, data):
    res = rq.fit(syntax, data)
    rows = res.problem.data.arrays[0]
    model = res.problem.detached().models[0]
    return res, BatchedMLLoss(model, *batch_moments(np.stack([rows, rows[::-1]])), len(rows))


@pytest.mark.parametrize("case", sorted(MODELS))
def test_sigma_inverse_and_log_determinant_agree_with_cholesky(case):
    syntax, data, applies = MODELS[case]
    res, batch = _batch(syntax, data)
    assert batch._woodbury is applies
    rng = np.random.default_rng(5)
    X = res.x + 0.05 * rng.standard_normal((4, len(res.x)))
    imp = batch.implied(X)
    W, logdet, ok = batch._inverse_sigma(imp)
    W0, logdet0, ok0 = spd_inverses(imp["sigma"])
    assert ok.all() and ok0.all()
    np.testing.assert_allclose(W, W0, rtol=0, atol=1e-12 * np.abs(W0).max())
    np.testing.assert_allclose(logdet, logdet0, rtol=0, atol=1e-12)
    assert np.array_equal(W, W.transpose(0, 2, 1))


def test_small_residual_variance_or_singular_psi_use_cholesky_factors():
    res, batch = _batch(CFA, HS)
    imp = batch.implied(res.x[None])
    x1 = 0
    tiny = dict(imp, S=imp["S"].copy())
    tiny["S"][0, x1, x1] = 1e-4 * imp["sigma"][0, x1, x1]       # theta far below var(x1)
    np.testing.assert_array_equal(batch._inverse_sigma(tiny)[0], spd_inverses(tiny["sigma"])[0])
    singular = dict(imp, S=imp["S"].copy())
    p = batch.model.p
    singular["S"][0, p:, p:] = 1.0                               # Psi of rank 1
    np.testing.assert_array_equal(batch._inverse_sigma(singular)[0],
                                  spd_inverses(singular["sigma"])[0])


def test_a_negative_residual_variance_falls_back_and_is_not_positive_definite():
    res, batch = _batch(CFA, HS)
    m = batch.model
    entry = np.flatnonzero((m.kind == 1) & (m.i == 0) & (m.j == 0))[0]      # x1 ~~ x1
    X = res.x.copy()[None]
    X[0, m.pidx[entry]] = -5.0
    assert np.isinf(batch.value(X, np.array([0]))[0])
