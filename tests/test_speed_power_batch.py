"""The faster batched power and bootstrap paths (issue 18): replicate moments straight from the
normal draws, standard errors from a Cholesky inverse with eigenvalues only where needed, Newton
steps by LAPACK per draw, Hessians without a gradient they do not need, and work shared between
the parent process and its workers. Each gives what the one-by-one path gives."""
import os
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from test_power import MEDIATION, MEDIATION_POP

import relqual as rq
from relqual.engine.batched import BatchedMLLoss, batch_moments
from relqual.engine.inference import vcov_from_information, vcov_from_information_batch
from relqual.engine.optimize import _batch_newton_steps, _newton_step
from relqual.models import ModelSpec, resolve_model
from relqual.power import PowerJob, _population_source, replicate_seed
from relqual.resample import run_tasks
from relqual.simulate import _generators, response_generator

RQ = resolve_model("relationship_quality")


def _job(spec=None, **kwargs):
    spec = spec or ModelSpec(name="mediation", syntax=MEDIATION, population=MEDIATION_POP)
    settings = dict(estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
    settings.update(kwargs)
    return PowerJob(spec, spec.population, seed=5, **settings)


@pytest.mark.parametrize("key", [(), (300,), (300, 17), (40, 0, 2)])
def test_response_generator_is_the_first_simulate_stream(key):
    ours = response_generator(123, key).standard_normal((30, 4))
    theirs = _generators(np.random.SeedSequence(123, spawn_key=key))[0].standard_normal((30, 4))
    np.testing.assert_array_equal(ours, theirs)
    # two independent standard normal variables: simulate's rows are the draws themselves
    data = rq.simulate("x ~~ 1*x\ny ~~ 1*y", 30, seed=np.random.SeedSequence(123, spawn_key=key))
    np.testing.assert_array_equal(data[["x", "y"]].to_numpy(),
                                  response_generator(123, key).standard_normal((30, 2)))


@pytest.mark.parametrize("likert", [None, 5])
def test_replicate_moments_equal_the_moments_of_the_drawn_rows(likert):
    job = PowerJob(RQ, _population_source(RQ), 9, "ML", "listwise", likert, 0.0)
    reps = [0, 3, 11]
    means, covs = job.draw_moments(120, reps)
    rows = np.stack([job.draw(120, r) for r in reps])
    expected_means, expected_covs = batch_moments(rows)
    if likert is None:                    # the same numbers by another route: rounding apart
        np.testing.assert_allclose(means, expected_means, rtol=0, atol=1e-13)
        np.testing.assert_allclose(covs, expected_covs, rtol=0, atol=1e-13)
        assert np.array_equal(covs, covs.transpose(0, 2, 1))
    else:                                 # categories: the very rows
        np.testing.assert_array_equal(means, expected_means)
        np.testing.assert_array_equal(covs, expected_covs)
    first = response_generator(9, (120, 3)).standard_normal(2)
    again = _generators(replicate_seed(9, 120, 3))[0].standard_normal(2)
    np.testing.assert_array_equal(first, again)


def test_replicate_moments_refuse_missing_cells():
    with pytest.raises(ValueError, match="listwise deletion"):
        _job(missing_rate=0.1).draw_moments(100, [0])


def _information_stack():
    rng = np.random.default_rng(4)
    factors = rng.normal(size=(8, 6, 9))
    H = factors @ factors.transpose(0, 2, 1) / 9                      # positive definite
    H[1] = np.ones((6, 6))                                           # singular
    H[2] = np.diag([1.0, 2, 3, 4, 5, -1e-3])                         # indefinite
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    H[3] = (q * np.logspace(0, -11, 6)) @ q.T                        # condition 1e11: invertible
    H[4] = (q * np.logspace(0, -13, 6)) @ q.T                        # condition 1e13: singular
    H[5] = (q * np.logspace(0, -11.9, 6)) @ q.T                      # just inside the limit
    return H


def test_batched_vcov_makes_the_decisions_of_the_one_by_one_vcov():
    H = _information_stack()
    vcov, ok = vcov_from_information_batch(H, 250)
    assert ok.tolist() == [True, False, False, True, False, True, True, True]
    for k in range(len(H)):
        one, one_ok = vcov_from_information(H[k], 250)
        assert ok[k] == one_ok
        if one_ok:                        # two inverses: apart by rounding times condition
            scale = np.abs(one).max() * np.linalg.cond(H[k]) * 1e-14
            np.testing.assert_allclose(vcov[k], one, rtol=0, atol=scale)
            assert np.array_equal(vcov[k], vcov[k].T)
        else:
            assert np.isnan(vcov[k]).all()


def test_newton_steps_are_those_of_the_one_by_one_optimizer():
    H = _information_stack()
    g = np.random.default_rng(2).normal(size=(len(H), 6))
    steps = _batch_newton_steps(H, g)
    for k in range(len(H)):
        one = _newton_step(H[k], g[k])
        if one is None:
            assert np.isnan(steps[k]).all()
        else:
            np.testing.assert_array_equal(steps[k], one)
    assert np.isnan(steps[2]).all()                  # not positive definite: scoring instead


def test_hessians_without_gradient_and_after_it_are_unchanged():
    res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    rows = res.problem.data.arrays[0]
    stack = np.stack([rows, rows[::-1], rows[np.arange(len(rows)) % 400]])
    model = res.problem.models[0]
    X = np.stack([res.x, res.x * 1.01, res.x * 0.99])
    which = np.arange(3)
    fresh = BatchedMLLoss(model, *batch_moments(stack), len(rows))
    f, g, H, O = fresh.derivatives(X, which, expected=True, observed=True)
    again = BatchedMLLoss(model, *batch_moments(stack), len(rows))
    g2 = again.derivatives(X, which, expected=False, observed=False)[1]   # terms kept
    _, none, H2, O2 = again.derivatives(X, which, expected=True, observed=True, gradient=False)
    assert none is None
    np.testing.assert_array_equal(g2, g)
    np.testing.assert_array_equal(H2, H)
    np.testing.assert_array_equal(O2, O)
    assert np.array_equal(H, H.transpose(0, 2, 1))   # formed from the pairs k <= l
    part = again.derivatives(X[1:], which[1:], expected=True, observed=True, gradient=False)
    np.testing.assert_array_equal(part[2], H[1:])     # a subset of the kept draws
    np.testing.assert_array_equal(part[3], O[1:])


def test_replicates_started_at_population_values_reach_the_default_start_optimum():
    """A replicate's refit starts at the population values; rq.fit on its data starts at the
    default starting values. Both reach the same optimum (to the refit tolerance)."""
    job = PowerJob(RQ, _population_source(RQ), 2, "ML", "listwise", None, 0.0)
    n, reps = 250, np.arange(6)
    rows = job.replicate_batch(n, reps)
    free = len(job.free_index)
    for r in reps:
        data = pd.DataFrame(job.draw(n, int(r)), columns=job.ov)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = rq.fit(RQ, data)
        assert res.converged
        est = res.estimates()
        table = est[est["op"].isin(["=~", "~", "~~"]) & (est["se"] > 0)]
        np.testing.assert_allclose(rows[r, :free], table["est"].to_numpy(), atol=2e-6)
        np.testing.assert_allclose(rows[r, job.width: job.width + free], table["se"].to_numpy(),
                                   rtol=1e-4)
    one = np.array([job.replicate(n, int(r)) for r in reps])
    np.testing.assert_allclose(rows, one, atol=1e-8, equal_nan=True)


def _square_or_fail(value):
    if value == 7:
        raise ValueError("task 7 failed")
    return value * value


def test_run_tasks_shares_the_work_and_gives_every_result():
    tasks = list(range(40))
    assert sorted(run_tasks(_square_or_fail, [t for t in tasks if t != 7], 2)) == sorted(
        t * t for t in tasks if t != 7)
    assert sorted(run_tasks(_square_or_fail, [1, 2], 5)) == [1, 4]      # more jobs than tasks
    assert list(run_tasks(_square_or_fail, [3], 2)) == [9]


def test_run_tasks_reports_a_failed_task_wherever_it_ran():
    with pytest.raises(ValueError, match="task 7 failed"):
        list(run_tasks(_square_or_fail, list(range(20)), 2))


_PARENT = os.getpid()


def _die_in_worker(value):
    if os.getpid() != _PARENT:
        os._exit(3)
    time.sleep(0.05)                        # leaves the worker tasks to take (and die on)
    return value


def test_run_tasks_notices_a_worker_that_dies():
    with pytest.raises(RuntimeError, match="stopped without reporting"):
        list(run_tasks(_die_in_worker, list(range(10)), 2))


def test_power_and_bootstrap_on_two_processes_equal_one():
    spec = ModelSpec(name="mediation", syntax=MEDIATION, population=MEDIATION_POP)
    one = rq.power(spec, n=[120], reps=120, seed=8, n_jobs=1, progress=False)
    two = rq.power(spec, n=[120], reps=120, seed=8, n_jobs=2, progress=False)
    cols = ["power", "bias", "coverage", "converged", "mean_est", "mean_se", "sd_est"]
    np.testing.assert_allclose(two[cols].to_numpy(float), one[cols].to_numpy(float),
                               rtol=0, atol=1e-12, equal_nan=True)
    res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    a = res.bootstrap(120, seed=4, n_jobs=1, progress=False)
    b = res.bootstrap(120, seed=4, n_jobs=2, progress=False)
    np.testing.assert_allclose(a.values, b.values, rtol=0, atol=1e-12, equal_nan=True)
