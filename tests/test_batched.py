"""Batched refits (engine/batched.py, optimize.minimize_batch, Refitter.refit_batch): every
derivative equals the one-sample loss's, and a batched bootstrap gives the draws of the
one-by-one path for the same seed, failures included."""
import numpy as np
import pytest
from test_power import MEDIATION_POP

import relqual as rq
from relqual.engine.batched import BatchedMLLoss, batch_moments, supports
from relqual.engine.optimize import minimize, minimize_batch
from relqual.resample import Refitter, draw_indices, run_bootstrap

HS = rq.datasets.load("holzinger_swineford")
PD = rq.datasets.load("political_democracy")
PD_MODEL = """ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6"""

# (model, data, fit arguments): latent paths; equal loadings (several entries per parameter)
# with residual covariances; a mean structure; a regression among observed variables (B not
# by blocks); the relationship-quality model
CASES = {
    "hs3": ("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", HS, {}),
    "democracy": (PD_MODEL, PD, {}),
    "means": ("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\ntextual ~ visual", HS,
              {"meanstructure": True}),
    "observed_path": ("visual =~ x1 + x2 + x3\nx4 ~ visual + x5", HS, {"fixed_x": False}),
    "rq": ("relationship_quality", rq.datasets.load("relationship_quality"), {}),
}


def _fit(case):
    model, data, kwargs = CASES[case]
    return rq.fit(model, data, **kwargs)


def _batch(res, draws=3, seed=1):
    rows = res.problem.data.arrays[0]
    indices = draw_indices([len(rows)], draws, seed)
    stack = np.stack([rows[idx[0]] for idx in indices])
    batch = BatchedMLLoss(res.problem.detached().models[0], *batch_moments(stack), len(rows))
    singles = [res.problem.detached().with_data([rows[idx[0]]]).loss for idx in indices]
    return batch, singles


@pytest.mark.parametrize("case", sorted(CASES))
def test_batched_derivatives_equal_the_one_sample_loss(case):
    res = _fit(case)
    assert supports(res.problem) is None
    batch, singles = _batch(res)
    rng = np.random.default_rng(3)
    X = res.x + 0.02 * rng.standard_normal((len(singles), len(res.x)))   # off the optimum
    f, g, H, O = batch.derivatives(X, np.arange(len(singles)), expected=True, observed=True)
    values = batch.value(X, np.arange(len(singles)))
    for k, loss in enumerate(singles):
        f1, g1, H1, O1 = loss.value_gradient_information(X[k], exact=True)
        scale = np.abs(O1).max()
        assert f[k] == pytest.approx(f1, abs=1e-12) and values[k] == pytest.approx(f1, abs=1e-12)
        np.testing.assert_allclose(g[k], g1, atol=1e-12)
        np.testing.assert_allclose(H[k], H1, atol=1e-12 * scale)
        np.testing.assert_allclose(O[k], O1, atol=1e-12 * scale)


def test_batched_sample_moments_are_those_of_one_sample():
    res = _fit("hs3")
    rows = res.problem.data.arrays[0]
    stack = np.stack([rows[:100], rows[100:200]])
    means, covs = batch_moments(stack)
    one = res.problem.detached().with_data([rows[100:200]]).samples[0]
    np.testing.assert_allclose(means[1], one.mean, atol=1e-14)
    np.testing.assert_allclose(covs[1], one.cov, atol=1e-14)


def test_an_inadmissible_draw_is_infinite_and_the_others_are_not():
    res = _fit("hs3")
    batch, _ = _batch(res, draws=2)
    bad = res.x.copy()
    bad[res.problem.partable.col["free"][res.problem.partable.col["op"] == "~~"][0] - 1] = -5.0
    values = batch.value(np.stack([res.x, bad]), np.arange(2))
    assert np.isfinite(values[0]) and values[1] == np.inf


@pytest.mark.parametrize("case", ["democracy", "means", "observed_path"])
def test_minimize_batch_takes_the_steps_of_minimize(case):
    res = _fit(case)
    batch, singles = _batch(res, draws=4, seed=2)
    out = minimize_batch(batch, np.tile(res.x, (4, 1)), gtol=1e-7)
    for k, loss in enumerate(singles):
        one = minimize(loss, res.x, gtol=1e-7, information=False)
        assert out.converged[k] and one.converged
        np.testing.assert_allclose(out.x[k], one.x, atol=1e-10)
        assert out.fmin[k] == pytest.approx(one.fmin, abs=1e-13)


@pytest.mark.parametrize("case", ["rq", "democracy", "means"])
def test_batched_bootstrap_gives_the_one_by_one_draws(case):
    res = _fit(case)
    refitter = Refitter(res)
    assert refitter.batch_reason is None
    boot = run_bootstrap(res, draws=40, seed=11)
    one = np.array([refitter.refit(idx) for idx in boot.indices])
    assert boot.n_failed == 0
    np.testing.assert_allclose(boot.values, one, atol=1e-8)
    assert set(boot.layout) == {"est", "std_all", "effects", "effects_std"}


def test_two_workers_give_the_same_draws():
    res = _fit("democracy")
    one = run_bootstrap(res, draws=300, seed=5, n_jobs=1)
    two = run_bootstrap(res, draws=300, seed=5, n_jobs=2)
    np.testing.assert_allclose(one.values, two.values, atol=1e-12)


def test_bollen_stine_batched_equals_one_by_one():
    res = _fit("hs3")
    refitter = Refitter(res, "bollen-stine")
    assert refitter.batch_reason is None
    boot = run_bootstrap(res, draws=30, seed=2, kind="bollen-stine")
    one = np.array([refitter.refit(idx) for idx in boot.indices])
    np.testing.assert_allclose(boot.values, one, atol=1e-8)


def test_failed_and_unfinished_draws_are_counted_as_one_by_one():
    # three iterations are too few for most resamples: the batch leaves them unconverged, the
    # one-by-one path decides (L-BFGS-B, then failure), and the count is the same
    res = rq.fit(PD_MODEL, PD, control={"max_iter": 3})
    refitter = Refitter(res)
    boot = run_bootstrap(res, draws=30, seed=4)
    one = [refitter.refit(idx) for idx in boot.indices]
    failed = [stats is None for stats in one]
    assert boot.n_failed == sum(failed) > 0
    assert boot.converged.tolist() == [not f for f in failed]
    for k, stats in enumerate(one):
        if stats is not None:
            np.testing.assert_allclose(boot.values[k], stats, atol=1e-8)
        else:
            assert np.isnan(boot.values[k]).all()


def test_heywood_prone_resamples_fail_or_succeed_as_one_by_one():
    # a two-indicator factor on 40 rows: some resamples end in inadmissible regions (at most
    # 20 iterations, so that L-BFGS-B gives up on them quickly)
    small = HS.iloc[:40]
    res = rq.fit("f =~ x1 + x2\ng =~ x4 + x5 + x6\nf ~~ g", small, control={"max_iter": 20})
    refitter = Refitter(res)
    boot = run_bootstrap(res, draws=60, seed=9)
    one = [refitter.refit(idx) for idx in boot.indices]
    assert boot.n_failed == sum(stats is None for stats in one) > 0
    done = [k for k, stats in enumerate(one) if stats is not None]
    np.testing.assert_allclose(boot.values[done], np.array([one[k] for k in done]), atol=1e-8)


def test_what_is_not_batched_says_why():
    hsm = rq.datasets.load("holzinger_swineford_missing")
    fiml = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml")
    groups = rq.fit("f =~ x1 + x2 + x3", HS, group="school")
    covariate = rq.fit("f =~ x1 + x2 + x3\nf ~ ageyr", HS)
    assert supports(fiml.problem).startswith("FIML")
    assert supports(groups.problem) == "several groups"
    assert supports(covariate.problem).startswith("fixed.x")
    refitter = Refitter(groups)
    with pytest.raises(ValueError, match="several groups"):
        refitter.refit_batch([(0, [np.arange(10), np.arange(10)])])
    boot = groups.bootstrap(draws=5, seed=1)          # still bootstrapped, one by one
    assert boot.n_failed == 0 and boot.values.shape[0] == 5


# --------------------------------------------------------------------------- power replicates
MEDIATION = ("X =~ x1 + x2 + x3\nM =~ m1 + m2 + m3\nY =~ y1 + y2 + y3\nM ~ a*X\n"
             "Y ~ b*M + X\nab := a*b")


def _job(**kwargs):
    from relqual.models import ModelSpec
    from relqual.power import PowerJob
    spec = ModelSpec(name="mediation", syntax=MEDIATION, population=MEDIATION_POP)
    settings = dict(estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
    settings.update(kwargs)
    return PowerJob(spec, MEDIATION_POP, seed=3, **settings)


@pytest.mark.parametrize("n", [40, 200])
def test_batched_power_replicates_are_the_one_by_one_rows(n):
    job = _job()
    assert job.batch_reason is None
    _, reps, rows = job.run(n, range(60))
    one = np.array([job.replicate(n, int(r)) for r in reps])
    np.testing.assert_array_equal(np.isnan(rows), np.isnan(one))
    np.testing.assert_allclose(rows, one, atol=1e-8, equal_nan=True)
    assert job.labels[-2][1] == ":=" and job.labels[-1][1] == "indirect"


def test_power_replicates_that_are_not_batched_say_why():
    assert _job(estimator="MLR").batch_reason == "MLR's sandwich"
    assert _job(missing_rate=0.1).batch_reason.startswith("missing_rate")
    assert _job(missing="fiml").batch_reason == "FIML"
