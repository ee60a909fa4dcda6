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

import copy
import multiprocessing
import os
from dataclasses import dataclass, field

import numpy as np

from .effects import EffectStructure
from .engine.inference import evaluate_defined, standardize
from .engine.loss import MLLoss, Piece
from .engine.missing import missing_patterns
from .engine.optimize import minimize
from .engine.samplestats import SampleStats
from .engine.threads import single_blas_thread

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
    """Everything a worker needs to refit the model to resampled rows and compute statistics."""

    def __init__(self, result, kind: str = "ordinary"):
        if kind not in ("ordinary", "bollen-stine"):
            raise ValueError(f"unknown bootstrap kind '{kind}'; use 'ordinary' or 'bollen-stine'")
        self.partable = result.partable
        self.models = [copy.deepcopy(m) for m in result.models]
        self.x_hat = result.x.copy()
        self.kind = kind
        self.control = dict(result.call.get("control", {}))
        self.arrays = [a.copy() for a in result.prepared.arrays]
        self.fiml = result.incomplete is not None
        if kind == "bollen-stine" and self.fiml:
            raise NotImplementedError("the Bollen-Stine bootstrap with missing data (FIML) is not "
                                      "available; use listwise deletion for it")
        if kind == "bollen-stine":
            self.arrays = [_bollen_stine_rotation(a, m, result.x, result.partable.meanstructure)
                           for a, m in zip(self.arrays, result.models)]
        n_rows = len(self.partable.col["op"])
        self.effects = None
        if kind == "ordinary" and self.partable.ngroups == 1:
            try:
                self.effects = EffectStructure(self.models[0], self.partable.col)
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

    def _loss(self, indices: list[np.ndarray]) -> MLLoss:
        """The discrepancy of one resample (FIML: the resample's missing-data patterns)."""
        names = self.partable.roles.ov
        if not self.fiml:
            samples = [SampleStats.from_array(a[idx], names) for a, idx in zip(self.arrays, indices)]
            pieces = None
        else:   # warm start: the patterns suffice (no EM needed)
            pieces = [Piece.pattern(g, pat) for g, (a, idx) in enumerate(zip(self.arrays, indices))
                      for pat in missing_patterns(a[idx])]
            # fixed.x covariates are complete under FIML: their moments come from the resample
            samples = [SampleStats.from_array(a[idx], names) for a, idx in zip(self.arrays, indices)]
            for model, sample in zip(self.models, samples):
                model.set_sample(sample)
            return MLLoss(self.models, pieces=pieces)
        for model, sample in zip(self.models, samples):
            model.set_sample(sample)
        return MLLoss(self.models, samples, pieces)

    def refit(self, indices: list[np.ndarray]) -> np.ndarray | None:
        """Statistics of one resample, or None when its fit fails."""
        try:
            loss = self._loss(indices)
            opt = minimize(loss, self.x_hat, information=False,
                           **{"gtol": REFIT_GTOL, **self.control})
        except (np.linalg.LinAlgError, ArithmeticError, ValueError):
            return None
        if not opt.converged:
            return None
        if self.kind == "bollen-stine":
            return np.array([loss.n_total * opt.fmin])
        return self._statistics(opt.x)

    def _statistics(self, x: np.ndarray) -> np.ndarray:
        col = self.partable.col
        values = np.full(len(col["op"]), np.nan)
        for model in self.models:
            values[model.rows] = model.row_values(*model.matrices(x))
        values = evaluate_defined(col, values)
        std = standardize(col, self.models, x, values, "std.all")
        parts = [values, std]
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
    refitter = getattr(result, "refitter_class", Refitter)(result, kind)   # WLSMV: its own
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
    bar = _progress_bar(len(indices), show, f"bootstrap ({kind})")
    n_jobs = _worker_count(n_jobs)
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


def _worker_count(n_jobs: int) -> int:
    if n_jobs is None or n_jobs == 0:
        return 1
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return int(n_jobs)


def _progress_bar(total: int, show: bool, description: str):
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
