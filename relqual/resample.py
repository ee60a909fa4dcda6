"""Resampling: the nonparametric and Bollen-Stine bootstrap, in one place.

* Every resample's rows are drawn up front in the parent process from ``numpy.random.
  default_rng(seed)`` (one ``integers(0, n, n)`` call per draw and group, in draw order), and
  each refit starts from the full-sample estimates. A draw's result therefore depends only on the
  seed and the draw number, not on how many workers (``n_jobs``) share the work.
* Workers are processes whose BLAS is pinned to one thread (small matrices; see engine/threads).
  Refits stop at a largest gradient element of 1e-7 (``REFIT_GTOL``), not the 1e-9 of a fit.
* A resample whose fit fails or does not converge is kept as a row of NaN and counted; the
  count is reported with every result (as lavaan, such draws are left out of SEs and intervals).
* Bollen & Stine (1992, *Sociological Methods & Research* 21, 205-229): the data are first
  rotated so that the model holds exactly, ``Z = (Y - ybar) S^-1/2 Sigma^1/2 + mu``; the
  bootstrap p-value is the share of resampled chi-squares at least as large as the observed one.
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field

import numpy as np

from .effects import EffectStructure
from .engine.samplestats import SampleStats
from .engine.threads import single_blas_thread
from .estimation import estimate
from .options import FitOptions

CHUNK = 25
REFIT_GTOL = 1e-7      # resample optima to ~1e-7: far below any bootstrap standard error


@dataclass
class BootstrapDraws:
    """Statistics of every resample (rows) with the indices that made them."""

    kind: str                          # "ordinary" or "bollen-stine"
    seed: object
    values: np.ndarray                 # draws x statistics (NaN rows for failed draws)
    converged: np.ndarray              # draws (bool)
    indices: list = field(repr=False)  # per draw: list of row-index arrays per group
    layout: dict = field(default_factory=dict)   # statistic name -> slice of the columns

    @property
    def n_failed(self) -> int:
        return int((~self.converged).sum())

    def block(self, name: str) -> np.ndarray:
        """The converged draws' columns of one statistic block."""
        return self.values[self.converged][:, self.layout[name]]

    def note(self) -> str | None:
        if self.n_failed == 0:
            return None
        return (f"{self.n_failed} of {len(self.converged)} bootstrap resamples failed or did not "
                "converge; they are left out of the bootstrap standard errors and intervals")


class Refitter:
    """Everything a worker needs to refit the model to resampled rows and compute statistics.

    The refit is the fit's own pipeline (:func:`relqual.estimation.estimate`) on the fit's
    problem with the resample's rows swapped in (:meth:`relqual.problem.Problem.with_data`),
    started from the full-sample estimates, without inference.
    """

    def __init__(self, result, kind: str = "ordinary"):
        if kind not in ("ordinary", "bollen-stine"):
            raise ValueError(f"unknown bootstrap kind '{kind}'; use 'ordinary' or 'bollen-stine'")
        problem = result.problem
        if kind == "bollen-stine" and problem.incomplete is not None:
            raise NotImplementedError("the Bollen-Stine bootstrap with missing data (FIML) is not "
                                      "available; use listwise deletion for it")
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
        if kind == "ordinary" and problem.partable.ngroups == 1:
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

    def refit(self, indices: list[np.ndarray]) -> np.ndarray | None:
        """Statistics of one resample, or None when its fit fails."""
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


def draw_indices(sizes: list[int], draws: int, seed) -> list[list[np.ndarray]]:
    """Row indices of every resample, drawn in the parent from one seeded generator."""
    rng = np.random.default_rng(seed)
    return [[rng.integers(0, n, n) for n in sizes] for _ in range(draws)]


def run_bootstrap(result, draws: int, seed=None, n_jobs: int = 1, kind: str = "ordinary",
                  indices: list | None = None, progress: bool | None = None) -> BootstrapDraws:
    """Refit ``result``'s model to ``draws`` resamples (or to the given ``indices``)."""
    if draws < 1 and indices is None:
        raise ValueError("the number of bootstrap draws must be at least 1")
    refitter = Refitter(result, kind)
    sizes = [len(a) for a in refitter.arrays]
    if indices is None:
        indices = draw_indices(sizes, draws, seed)
    else:
        indices = [[np.asarray(i, dtype=int) for i in draw] for draw in indices]
        wrong = [k for k, draw in enumerate(indices) if len(draw) != len(sizes)]
        if wrong:
            raise ValueError(f"resample {wrong[0]} gives row indices for {len(indices[wrong[0]])} "
                             f"group(s); the model has {len(sizes)}")
    chunks = [list(range(start, min(start + CHUNK, len(indices))))
              for start in range(0, len(indices), CHUNK)]
    values = np.full((len(indices), refitter.width), np.nan)
    converged = np.zeros(len(indices), dtype=bool)
    show = progress if progress is not None else len(indices) >= 500
    bar = progress_bar(len(indices), show, f"bootstrap ({kind})")
    n_jobs = worker_count(n_jobs)
    if n_jobs == 1:
        _set_worker(refitter)
        outputs = (_refit_chunk([(k, indices[k]) for k in chunk]) for chunk in chunks)
        _consume(outputs, values, converged, bar)
    else:
        context = process_context()
        with context.Pool(n_jobs, initializer=_set_worker, initargs=(refitter,)) as pool:
            tasks = [[(k, indices[k]) for k in chunk] for chunk in chunks]
            _consume(pool.imap_unordered(_refit_chunk, tasks), values, converged, bar)
    if bar is not None:
        bar.close()
    return BootstrapDraws(kind=kind, seed=seed, values=values, converged=converged,
                          indices=indices, layout=refitter.layout)


def process_context():
    """Worker processes by fork where the platform has it (no re-import), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


_WORKER: Refitter | None = None


def _set_worker(refitter: Refitter) -> None:
    global _WORKER
    _WORKER = refitter


def _refit_chunk(tasks):
    with single_blas_thread():
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
    if n_jobs is None or n_jobs == 0:
        return 1
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return int(n_jobs)


def progress_bar(total: int, show: bool, description: str):
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
