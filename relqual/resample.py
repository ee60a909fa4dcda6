"""Resampling: the nonparametric and Bollen-Stine bootstrap, in one place.

* Every resample's rows are drawn up front in the parent process from ``numpy.random.
  default_rng(seed)`` (one ``integers(0, n, n)`` call per draw and group, in draw order), and
  each refit starts from the full-sample estimates. A draw's result therefore depends only on the
  seed and the draw number, not on how many workers (``n_jobs``) share the work.
* ``n_jobs`` processes share the work, the calling process included (:func:`run_tasks`); their
  BLAS is pinned to one thread (small matrices; see engine/threads).
  The batched refits' arrays of about 1 MB are kept on the heap, not mapped and unmapped at every
  step (:func:`relqual.engine.heap.raise_mmap_threshold`).
  Refits stop at a largest gradient element of 1e-7 (``REFIT_GTOL``), not the 1e-9 of a fit.
* A resample whose fit fails or does not converge is kept as a row of NaN and counted; the
  count is reported with every result (as lavaan, such draws are left out of SEs and intervals).
* Batched refits: for one group of complete data (ML, MLR's point estimates, Bollen-Stine) the
  resamples of a task (``BATCH`` of them) are refitted together, with stacked sample moments
  (from each resample's row counts, :class:`relqual.engine.batched.ResampleMoments`;
  :mod:`relqual.engine.batched`) and :func:`relqual.engine.optimize.minimize_batch`, which
  takes for every draw exactly the steps the one-by-one optimizer takes; draws it leaves
  unconverged (a stalled line search, the iteration limit) are refitted one by one, so every
  draw's statistics are those of :meth:`Refitter.refit` to rounding. FIML (patterns differ
  from resample to resample), several groups and fixed.x covariates (their fixed moments change
  with each resample) are refitted one by one (:attr:`Refitter.batch_reason` says why).
* Bollen & Stine (1992, *Sociological Methods & Research* 21, 205-229): the data are first
  rotated so that the model holds exactly, ``Z = (Y - ybar) S^-1/2 Sigma^1/2 + mu``; the
  bootstrap p-value is the share of resampled chi-squares at least as large as the observed one.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import traceback
from dataclasses import dataclass, field

import numpy as np

from .effects import EffectStructure
from .engine.batched import BatchedMLLoss, ResampleMoments, supports
from .engine.heap import raise_mmap_threshold
from .engine.inference import evaluate_defined
from .engine.matrices import KIND_A, KIND_S
from .engine.optimize import minimize_batch
from .engine.samplestats import SampleStats
from .engine.threads import single_blas_thread
from .estimation import estimate
from .options import FitOptions, check_types

CHUNK = 25            # resamples per task refitted one by one
BATCH = 50            # resamples per task refitted as one batch (small stacks stay in cache)
REFIT_GTOL = 1e-7      # resample optima to ~1e-7: far below any bootstrap standard error


@dataclass
class BootstrapDraws:
    """Statistics of every resample (rows) with the indices that made them.

    Parameters
    ----------
    kind : str
        "ordinary" or "bollen-stine".
    seed : int or None
        The seed the resamples were drawn with.
    values : ndarray
        Draws x statistics; a failed draw is a row of NaN.
    converged : ndarray of bool
        Per draw, whether its refit succeeded.
    indices : list
        Per draw, one array of row indices per group.
    layout : dict
        Statistic block -> slice of the columns: ``est`` and ``std_all`` (one column per row of
        the parameter table), ``effects`` and ``effects_std`` (one per effect of
        :class:`relqual.effects.EffectStructure`) for the ordinary bootstrap; ``chisq`` for
        Bollen-Stine.
    from_seed : bool
        Whether :func:`run_bootstrap` drew ``indices`` from ``seed`` (:func:`draw_indices`);
        then :meth:`relqual.result.Result.with_bootstrap` need not draw them again to know.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> boot = res.bootstrap(draws=20, seed=1)
    >>> boot.kind, boot.values.shape[0], boot.n_failed
    ('ordinary', 20, 0)
    >>> list(boot.layout)
    ['est', 'std_all', 'effects', 'effects_std']
    """

    kind: str                          # "ordinary" or "bollen-stine"
    seed: object
    values: np.ndarray                 # draws x statistics (NaN rows for failed draws)
    converged: np.ndarray              # draws (bool)
    indices: list = field(repr=False)  # per draw: list of row-index arrays per group
    layout: dict = field(default_factory=dict)   # statistic name -> slice of the columns
    from_seed: bool = False            # indices drawn from seed by run_bootstrap

    def __post_init__(self):
        for array in (self.values, self.converged):     # draws a caller cannot change
            array.setflags(write=False)

    @property
    def n_failed(self) -> int:
        """The number of draws whose refit failed or did not converge."""
        return int((~self.converged).sum())

    def block(self, name: str) -> np.ndarray:
        """The converged draws' columns of one statistic block.

        Parameters
        ----------
        name : str
            A key of :attr:`layout` (``est``, ``std_all``, ``effects``, ``effects_std`` or
            ``chisq``).

        Returns
        -------
        ndarray
            Converged draws x the block's statistics.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> boot = res.bootstrap(draws=20, seed=1)
        >>> boot.block("est").shape          # 7 rows in the parameter table
        (20, 7)
        """
        return self.values[self.converged][:, self.layout[name]]

    def note(self) -> str | None:
        """The message about failed draws (also in :attr:`relqual.result.Result.warnings`).

        Returns
        -------
        str or None
            None when every draw converged.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> print(res.bootstrap(draws=20, seed=1).note())
        None
        """
        if self.n_failed == 0:
            return None
        return (f"{self.n_failed} of {len(self.converged)} bootstrap resamples failed or did not "
                "converge; they are left out of the bootstrap standard errors and intervals")


class Refitter:
    """Everything a worker needs to refit the model to resampled rows and compute statistics.

    The refit is the fit's own pipeline (:func:`relqual.estimation.estimate`) on the fit's
    problem with the resample's rows swapped in (:meth:`relqual.problem.Problem.with_data`),
    started from the full-sample estimates, without inference.

    Parameters
    ----------
    result : relqual.result.Result
        The fit to resample.
    kind : {"ordinary", "bollen-stine"}
        Resample the rows as they are, or the rows rotated so that the model holds exactly
        (Bollen & Stine 1992; not with FIML).

    Attributes
    ----------
    arrays : list of ndarray
        The (rotated) rows of each group that resamples draw from.
    layout : dict
        The statistic blocks of a refit's output (see :class:`BootstrapDraws`).
    width : int
        The number of statistics per refit.
    batch_reason : str or None
        Why the resamples are refitted one by one (None: they are refitted in batches, see
        :meth:`refit_batch`).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> from relqual.resample import Refitter, draw_indices
    >>> refitter = Refitter(res)
    >>> stats = refitter.refit(draw_indices([res.n_obs], draws=1, seed=1)[0])
    >>> stats.shape == (refitter.width,)
    True
    """

    def __init__(self, result, kind: str = "ordinary"):
        if kind not in ("ordinary", "bollen-stine"):
            raise ValueError(f"unknown bootstrap kind '{kind}'; use 'ordinary' or 'bollen-stine'")
        problem = result.problem
        if kind == "bollen-stine" and problem.incomplete is not None:
            raise NotImplementedError("the Bollen-Stine bootstrap with missing data (FIML) is not "
                                      "available (lavaan 0.6-14 refuses it too: its rotation of "
                                      "the data to the model-implied covariance needs complete "
                                      "rows); use listwise deletion for it")
        self.problem = problem.detached()
        self.options = FitOptions(control=dict(result.call.get("control") or {}))
        self.x_hat = result.x.copy()
        self.kind = kind
        self.arrays = [a.copy() for a in problem.data.arrays]
        if kind == "bollen-stine":
            self.arrays = [_bollen_stine_rotation(a, m, result.x, problem.partable.meanstructure)
                           for a, m in zip(self.arrays, problem.models)]
        n_rows = len(problem.partable.col["op"])
        self.effects = None
        if kind == "ordinary" and problem.partable.ngroups == 1 and problem.models:
            try:
                self.effects = EffectStructure(self.problem.models[0], problem.partable.col)
            except ValueError:                  # non-recursive: no enumerated effects
                self.effects = None
        n_eff = len(self.effects.effects) if self.effects else 0
        if kind == "ordinary":
            self.layout = {"est": slice(0, n_rows), "std_all": slice(n_rows, 2 * n_rows),
                           "effects": slice(2 * n_rows, 2 * n_rows + n_eff),
                           "effects_std": slice(2 * n_rows + n_eff, 2 * n_rows + 2 * n_eff)}
            self.width = 2 * n_rows + 2 * n_eff
        else:
            self.layout = {"chisq": slice(0, 1)}
            self.width = 1
        self.batch_reason = supports(self.problem)
        self._moments = ResampleMoments(self.arrays[0]) if self.batch_reason is None else None
        self._row_base = self.problem.row_values(self.x_hat)

    def refit(self, indices: list[np.ndarray]) -> np.ndarray | None:
        """Statistics of one resample, or None when its fit fails.

        Parameters
        ----------
        indices : list of ndarray
            One array of row indices per group.

        Returns
        -------
        ndarray or None
            The statistics of :attr:`layout` (the chi-square for Bollen-Stine), or None when
            the refit fails or does not converge.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> import numpy as np
        >>> refitter = Refitter(res)
        >>> all_rows = [np.arange(res.n_obs)]
        >>> stats = refitter.refit(all_rows)        # the full sample: the estimates again
        >>> bool(np.allclose(stats[refitter.layout["est"]], res.row_values(res.x), atol=1e-6))
        True
        """
        try:
            problem = self.problem.with_data([a[idx] for a, idx in zip(self.arrays, indices)])
            est = estimate(problem, self.options, start=self.x_hat, gtol=REFIT_GTOL,
                           inference=False)
        except (np.linalg.LinAlgError, ArithmeticError, ValueError):
            return None
        if not est.usable:
            return None
        if self.kind == "bollen-stine":
            return np.array([problem.loss.n_total * est.opt.fmin])
        x = est.x
        parts = [problem.row_values(x), problem.standardize(x, "std.all")]
        if self.effects is not None:
            parts.extend(self.effects.values(x))
        return np.concatenate(parts)

    def refit_batch(self, tasks: list) -> list:
        """Statistics of many resamples, refitted together (see the module docstring).

        Draws the batch leaves unconverged, and every draw of a batch whose arithmetic fails,
        are refitted one by one by :meth:`refit`.

        Parameters
        ----------
        tasks : list of tuple
            ``(k, indices)``: the draw number and one array of row indices per group.

        Returns
        -------
        list of tuple
            ``(k, statistics or None)`` per task, as :meth:`refit`.

        Raises
        ------
        ValueError
            When the problem cannot be batched (:attr:`batch_reason`).

        Examples
        --------
        >>> import numpy as np
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> refitter = Refitter(res)
        >>> tasks = list(enumerate(draw_indices([res.n_obs], draws=5, seed=1)))
        >>> batched = refitter.refit_batch(tasks)
        >>> bool(all(np.allclose(stats, refitter.refit(idx), atol=1e-8)
        ...          for (k, stats), (_, idx) in zip(batched, tasks)))
        True
        """
        if self.batch_reason is not None:
            raise ValueError(f"these refits cannot be batched: {self.batch_reason}")
        try:
            means, covs = self._moments(np.stack([idx[0] for _, idx in tasks]))
            batch = BatchedMLLoss(self.problem.models[0], means, covs, self._moments.n)
            settings = dict(self.options.control)
            settings.setdefault("gtol", REFIT_GTOL)
            out = minimize_batch(batch, np.tile(self.x_hat, (len(tasks), 1)), **settings)
            done = np.flatnonzero(out.converged & np.all(np.isfinite(out.x), axis=1))
            stats = self._batch_statistics(batch, out.x[done], out.fmin[done], done)
        except (np.linalg.LinAlgError, ArithmeticError, ValueError):
            return [(k, self.refit(idx)) for k, idx in tasks]
        found = dict(zip(done.tolist(), stats))
        return [(k, found[t] if t in found else self.refit(idx))
                for t, (k, idx) in enumerate(tasks)]

    def _batch_statistics(self, batch: BatchedMLLoss, X: np.ndarray, fmin: np.ndarray,
                          done: np.ndarray) -> np.ndarray:
        """The statistics of :meth:`refit` for each row of ``X`` (the draws ``done``; one
        group, no fixed.x)."""
        if self.kind == "bollen-stine":
            return (batch.n_total * fmin)[:, None]
        col = self.problem.partable.col
        free = col["free"]
        values = np.tile(self._row_base, (len(X), 1))
        values[:, free > 0] = X[:, free[free > 0] - 1]
        defined = np.flatnonzero(col["op"] == ":=")
        if len(defined):
            values = np.array([evaluate_defined(col, v) for v in values])
        model = self.problem.models[0]
        imp = batch.implied_at(X, done)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt(np.diagonal(imp["C"], axis1=1, axis2=2))
            resid_sd = np.sqrt(np.diagonal(imp["S"], axis1=1, axis2=2))
            rows, i, j, kind = model.rows, model.row_i, model.row_j, model.row_kind
            v = values[:, rows]
            std = np.full(values.shape, np.nan)
            std[:, rows] = np.select(
                [kind == KIND_A, (kind == KIND_S) & (i == j), kind == KIND_S],
                [v * sd[:, j] / sd[:, i], v / sd[:, i] ** 2,
                 v / (resid_sd[:, i] * resid_sd[:, j])],
                v / sd[:, i])
            if len(defined):
                std[:, defined] = np.array([evaluate_defined(col, row)[defined] for row in std])
        parts = [values, std]
        if self.effects is not None:
            parts.extend(self.effects.batch_values(imp["A"], sd ** 2))
        return np.concatenate(parts, axis=1)


def draw_indices(sizes: list[int], draws: int, seed) -> list[list[np.ndarray]]:
    """Row indices of every resample, drawn in the parent from one seeded generator.

    Parameters
    ----------
    sizes : list of int
        The number of rows of each group.
    draws : int
        The number of resamples.
    seed : int or None
        Seed of ``numpy.random.default_rng``; one ``integers(0, n, n)`` call per draw and
        group, in draw order.

    Returns
    -------
    list
        Per draw, one array of row indices per group.

    Examples
    --------
    >>> from relqual.resample import draw_indices
    >>> indices = draw_indices([5, 3], draws=2, seed=1)
    >>> len(indices), [len(rows) for rows in indices[0]]
    (2, [5, 3])
    >>> all((a == b).all() for a, b in zip(indices[1], draw_indices([5, 3], 2, seed=1)[1]))
    True
    """
    rng = np.random.default_rng(seed)
    return [[rng.integers(0, n, n) for n in sizes] for _ in range(draws)]


def run_bootstrap(result, draws: int, seed=None, n_jobs: int = 1, kind: str = "ordinary",
                  indices: list | None = None, progress: bool | None = None) -> BootstrapDraws:
    """Refit ``result``'s model to ``draws`` resamples (or to the given ``indices``).

    This is :meth:`relqual.result.Result.bootstrap` without the cache.

    Parameters
    ----------
    result : relqual.result.Result
        The fit to resample.
    draws : int
        The number of resamples (ignored when ``indices`` are given).
    seed : int, optional
        Seed of the resampling (:func:`draw_indices`).
    n_jobs : int
        Worker processes (-1: every core); the draws do not depend on it.
    kind : {"ordinary", "bollen-stine"}
        See :class:`Refitter`.
    indices : list, optional
        Resamples to replay: per draw, one array of row indices per group.
    progress : bool, optional
        Show a progress bar (default: from 500 draws).

    Returns
    -------
    BootstrapDraws

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> import numpy as np
    >>> from relqual.resample import run_bootstrap
    >>> boot = run_bootstrap(res, draws=10, seed=1)
    >>> again = run_bootstrap(res, 0, indices=boot.indices)     # replay the same resamples
    >>> bool(np.allclose(boot.values, again.values))
    True
    """
    check_types(bootstrap=draws, seed=seed, n_jobs=n_jobs)
    if draws < 1 and indices is None:
        raise ValueError("the number of bootstrap draws must be at least 1")
    refitter = Refitter(result, kind)
    sizes = [len(a) for a in refitter.arrays]
    from_seed = indices is None
    if from_seed:
        indices = draw_indices(sizes, draws, seed)
    else:
        indices = [[np.asarray(i, dtype=int) for i in draw] for draw in indices]
        wrong = [k for k, draw in enumerate(indices) if len(draw) != len(sizes)]
        if wrong:
            raise ValueError(f"resample {wrong[0]} gives row indices for {len(indices[wrong[0]])} "
                             f"group(s); the model has {len(sizes)}")
        for k, draw in enumerate(indices):
            for g, (rows, n) in enumerate(zip(draw, sizes)):
                outside = rows[(rows < 0) | (rows >= n)]
                if len(outside):
                    raise ValueError(f"resample {k} gives row index {outside[0]} for group "
                                     f"{g + 1}, whose rows are numbered 0 to {n - 1}")
    size = CHUNK if refitter.batch_reason is not None else BATCH
    chunks = [list(range(start, min(start + size, len(indices))))
              for start in range(0, len(indices), size)]
    values = np.full((len(indices), refitter.width), np.nan)
    converged = np.zeros(len(indices), dtype=bool)
    show = progress if progress is not None else len(indices) >= 500
    bar = progress_bar(len(indices), show, f"bootstrap ({kind})")
    n_jobs = worker_count(n_jobs)
    raise_mmap_threshold()              # before the workers are forked: they inherit it
    tasks = [[(k, indices[k]) for k in chunk] for chunk in chunks]
    _consume(run_tasks(_refit_chunk, tasks, n_jobs, _set_worker, (refitter,)), values, converged,
             bar)
    if bar is not None:
        bar.close()
    return BootstrapDraws(kind=kind, seed=seed, values=values, converged=converged,
                          indices=indices, layout=refitter.layout, from_seed=from_seed)


def process_context():
    """Worker processes by fork where the platform has it (no re-import), else spawn.

    Returns
    -------
    multiprocessing.context.BaseContext

    Examples
    --------
    >>> from relqual.resample import process_context
    >>> process_context().get_start_method() in ("fork", "spawn")
    True
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_tasks(function, tasks: list, n_jobs: int, setup=None, setup_args: tuple = ()):
    """``function(task)`` for every task, computed by this process and ``n_jobs - 1`` workers.

    The parent process works too instead of waiting on a pool: two processes (the parent and
    one worker) do the work of a two-process pool without starting a second worker and a
    pool's handler threads. Tasks are handed out one at a time from a shared counter, so a
    slower process simply takes fewer. ``setup(*setup_args)`` runs in every process first (it
    stores the job in a module global, as a pool's initializer does); with the fork start
    method the workers inherit the parent's memory and only the results are pickled. What a
    task gives does not depend on which process computed it.

    Every process keeps BLAS on one thread from before the fork to its last task (the processes
    already use the cores). Setting OpenBLAS back to several threads between tasks, as a
    task's own :func:`relqual.engine.threads.single_blas_thread` would do on leaving, makes it
    start its thread pool again after a fork, and the new threads spin for about 0.1 s looking
    for work: on 2 cores that took a fourth of a 1,000-replicate power run on two processes
    (the first task of each process took 120 ms instead of 24; measured with ``perf``).

    Parameters
    ----------
    function : callable
        A module-level function of one task (picklable where processes are spawned).
    tasks : list
        The tasks.
    n_jobs : int
        Processes, the parent included (1: no worker is started).
    setup : callable, optional
        Run with ``setup_args`` in the parent and in every worker before any task.
    setup_args : tuple
        Its arguments.

    Yields
    ------
    object
        ``function(task)`` for every task, in the order they are finished.

    Raises
    ------
    Exception
        The error of a task that failed in a worker, or RuntimeError when a worker stopped
        without reporting.

    Examples
    --------
    >>> from relqual.resample import run_tasks
    >>> sorted(run_tasks(abs, [-3, 1, -2, 5], n_jobs=2))
    [1, 2, 3, 5]
    """
    if setup is not None:
        setup(*setup_args)
    n_workers = min(n_jobs, len(tasks)) - 1
    if n_workers < 1:
        for task in tasks:
            yield function(task)
        return
    with single_blas_thread():
        yield from _share(function, tasks, n_workers, setup, setup_args)


def _share(function, tasks: list, n_workers: int, setup, setup_args: tuple):
    """:func:`run_tasks` with workers, in the parent (BLAS on one thread throughout)."""
    context = process_context()
    counter = context.Value("q", 0)
    results = context.Queue()
    workers = [context.Process(target=_serve, daemon=True,
                               args=(function, tasks, counter, results, setup, setup_args))
               for _ in range(n_workers)]
    for worker in workers:
        worker.start()
    outstanding = n_workers                  # workers that have not reported their end yet
    try:
        while (k := _take(counter)) < len(tasks):
            yield function(tasks[k])
            while outstanding:               # what the workers finished meanwhile
                try:
                    message = results.get_nowait()
                except queue.Empty:
                    break
                outstanding -= _end_of(message)
                if message[0] == "result":
                    yield message[1]
        while outstanding:
            try:
                message = results.get(timeout=0.2)
            except queue.Empty:
                if any(worker.is_alive() for worker in workers):
                    continue
                try:                         # a worker's last words may still be in transit
                    message = results.get(timeout=2.0)
                except queue.Empty:
                    raise RuntimeError("a worker process stopped without reporting its work "
                                       f"(exit codes {[w.exitcode for w in workers]})") from None
            outstanding -= _end_of(message)
            if message[0] == "result":
                yield message[1]
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _take(counter) -> int:
    """The next task's number from the shared counter."""
    with counter.get_lock():
        k = counter.value
        counter.value = k + 1
    return k


def _end_of(message) -> int:
    """1 when a worker's message says it has finished, 0 for a result; raises its error."""
    kind, value = message
    if kind == "error":
        raise value
    return int(kind == "done")


def _serve(function, tasks, counter, results, setup, setup_args) -> None:
    """A worker of :func:`run_tasks`: take tasks until there are none left, send the results."""
    try:
        if setup is not None:
            setup(*setup_args)
        with single_blas_thread():
            while (k := _take(counter)) < len(tasks):
                results.put(("result", function(tasks[k])))
        results.put(("done", None))
    except BaseException as error:                    # noqa: BLE001 - reported to the parent
        try:
            pickle.dumps(error)
        except Exception:                             # noqa: BLE001 - an unpicklable error
            error = RuntimeError("".join(traceback.format_exception(error)))
        results.put(("error", error))


_WORKER: Refitter | None = None


def _set_worker(refitter: Refitter) -> None:
    global _WORKER
    _WORKER = refitter


def _refit_chunk(tasks):
    with single_blas_thread():
        if _WORKER.batch_reason is None:
            return _WORKER.refit_batch(tasks)
        return [(k, _WORKER.refit(idx)) for k, idx in tasks]


def _consume(outputs, values, converged, bar) -> None:
    for chunk in outputs:
        for k, stats in chunk:
            if stats is not None:
                values[k] = stats
                converged[k] = True
        if bar is not None:
            bar.update(len(chunk))


def worker_count(n_jobs: int) -> int:
    """The number of worker processes that ``n_jobs`` asks for (joblib's convention).

    Parameters
    ----------
    n_jobs : int or None
        None or 0: one; a negative number counts back from the cores (-1: every core, -2: all
        but one).

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> import os
    >>> from relqual.resample import worker_count
    >>> worker_count(None), worker_count(3), worker_count(-1) == (os.cpu_count() or 1)
    (1, 3, True)
    """
    if n_jobs is None or n_jobs == 0:
        return 1
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return int(n_jobs)


def progress_bar(total: int, show: bool, description: str):
    """A tqdm progress bar (``tqdm.auto``: a widget in notebooks), or None.

    Parameters
    ----------
    total : int
        The number of fits.
    show : bool
        Whether to show one.
    description : str
        The bar's label.

    Returns
    -------
    tqdm.tqdm or None

    Examples
    --------
    >>> from relqual.resample import progress_bar
    >>> progress_bar(100, show=False, description="bootstrap") is None
    True
    """
    if not show:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=description, unit="fit")


def _symmetric_power(matrix: np.ndarray, power: float) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * values ** power) @ vectors.T


def _bollen_stine_rotation(values: np.ndarray, model, x: np.ndarray, meanstructure: bool):
    sample = SampleStats.from_array(values, model.ov_names)
    imp = model.implied(x)
    centred = values - sample.mean
    rotated = centred @ _symmetric_power(sample.cov, -0.5) @ _symmetric_power(imp.sigma, 0.5)
    return rotated + (imp.mu if meanstructure else sample.mean)
