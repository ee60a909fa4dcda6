"""Bootstrap speed pieces: resample moments from row counts (engine/batched.ResampleMoments),
the allocator threshold of batched refits (engine/heap.py) and seeded draws known without
redrawing them. The numbers they feed must be those of the one-by-one path; speed itself is
measured in bench/bench_bootstrap.py."""
import warnings

import numpy as np
import pytest

import relqual as rq
from relqual.engine import heap
from relqual.engine.batched import ResampleMoments
from relqual.engine.samplestats import SampleStats
from relqual.resample import Refitter, draw_indices, run_bootstrap


@pytest.fixture(scope="module")
def rq_fit():
    with warnings.catch_warnings():          # the listwise-deletion note of this data set
        warnings.simplefilter("ignore", rq.RelqualWarning)
        return rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))


def test_counts_moments_equal_gathered_rows(rq_fit):
    rows = rq_fit.problem.data.arrays[0]
    indices = np.stack([d[0] for d in draw_indices([len(rows)], 40, seed=3)])
    means, covs = ResampleMoments(rows)(indices)
    assert means.shape == (40, rows.shape[1]) and covs.shape == (40,) + (rows.shape[1],) * 2
    for k in (0, 17, 39):
        one = SampleStats.from_array(rows[indices[k]], [str(i) for i in range(rows.shape[1])])
        np.testing.assert_allclose(means[k], one.mean, rtol=0, atol=1e-13)
        np.testing.assert_allclose(covs[k], one.cov, rtol=0, atol=1e-13)
        assert np.array_equal(covs[k], covs[k].T)


def test_counts_moments_far_from_zero_and_uneven_counts():
    # data far from the origin (no cancellation: rows are centred first) and a resample that
    # takes one row many times
    rng = np.random.default_rng(5)
    rows = 1e4 + rng.normal(size=(25, 4)) * [1.0, 10.0, 0.1, 3.0]
    indices = np.vstack([np.r_[np.zeros(20, dtype=int), np.arange(5)], rng.integers(0, 25, 25)])
    means, covs = ResampleMoments(rows)(indices)
    for k in range(2):
        sample = rows[indices[k]]
        np.testing.assert_allclose(means[k], sample.mean(axis=0), rtol=1e-14)
        np.testing.assert_allclose(covs[k], np.cov(sample.T, bias=True), rtol=0, atol=1e-10)


def test_batched_bootstrap_matches_one_by_one_refits(rq_fit):
    refitter = Refitter(rq_fit)
    assert refitter.batch_reason is None
    tasks = list(enumerate(draw_indices([rq_fit.n_obs], draws=12, seed=7)))
    batched = dict(refitter.refit_batch(tasks))
    for k, idx in tasks:
        np.testing.assert_allclose(batched[k], refitter.refit(idx), atol=1e-8)


def test_raising_the_threshold_keeps_results():
    # the allocator setting changes where arrays live, never a number: the same draws before
    # and after it (a fresh Refitter each time)
    res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    tasks = list(enumerate(draw_indices([res.n_obs], draws=5, seed=9)))
    before = Refitter(res).refit_batch(tasks)
    heap.raise_mmap_threshold()
    heap.raise_mmap_threshold()                # repeatable
    after = Refitter(res).refit_batch(tasks)
    for (_, a), (_, b) in zip(before, after):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_bootstrap_does_not_depend_on_workers_with_heap_setting():
    res = rq.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6",
                 rq.datasets.load("holzinger_swineford"))
    one = run_bootstrap(res, 60, seed=2, n_jobs=1)
    two = run_bootstrap(res, 60, seed=2, n_jobs=2)
    np.testing.assert_array_equal(one.converged, two.converged)
    np.testing.assert_allclose(one.values, two.values, atol=1e-12, equal_nan=True)


def test_with_bootstrap_knows_seeded_draws_without_redrawing():
    res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    boot = res.bootstrap(30, seed=4)
    assert boot.from_seed
    assert res.with_bootstrap(boot).bootstrap(30, seed=4) is boot          # reused
    # replayed resamples that claim the seed but are not its draws: checked, not reused
    replay = run_bootstrap(res, 0, seed=4, indices=boot.indices[::-1])
    assert not replay.from_seed
    again = res.with_bootstrap(replay).bootstrap(30, seed=4)
    assert again is not replay
    np.testing.assert_allclose(again.values, boot.values, atol=1e-12)


def test_replayed_indices_outside_the_rows_are_refused(rq_fit):
    n = rq_fit.n_obs
    good = draw_indices([n], draws=2, seed=1)
    for bad in (n, -1):
        indices = [good[0], [np.r_[good[1][0][:-1], bad]]]
        with pytest.raises(ValueError, match=f"resample 1 gives row index {bad} for group 1"):
            run_bootstrap(rq_fit, 0, indices=indices)
    with pytest.raises(IndexError, match="row indices must lie in"):
        ResampleMoments(rq_fit.problem.data.arrays[0])(np.array([[0, n]]))


def test_counts_moments_do_not_depend_on_the_batch(rq_fit):
    rows = rq_fit.problem.data.arrays[0]
    indices = np.stack([d[0] for d in draw_indices([len(rows)], 30, seed=4)])
    moments = ResampleMoments(rows)
    means, covs = moments(indices)
    for part in (indices[7:8], indices[3:19], indices[::-1]):
        m, c = moments(part)
        where = [int(np.flatnonzero((indices == r).all(axis=1))[0]) for r in part]
        assert np.array_equal(m, means[where]) and np.array_equal(c, covs[where])
