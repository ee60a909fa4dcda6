"""The PLS bootstrap, batched: all resamples of a PLS fit at once.

Every resample is a vector of row counts; :mod:`relqual.plsbatch` turns a chunk of them into a
stack of correlation matrices and runs the PLS iterations on the stack, each draw stopping by
its own rule. :class:`ParameterRows` turns the estimates into what the one-by-one refit
(:class:`relqual.resample.Refitter`) gives for a draw, the parameter table's rows (``est`` and
``std_all``, the same for PLS), to ~1e-13 (tested), plus the HTMT of every pair of constructs;
:class:`PLSBootstrapDraws` summarizes them (bootstrap standard errors, percentile and BCa
intervals, the HTMT test).

A draw whose resample leaves an indicator constant, whose Mode B block or regressions are
singular, or whose weights do not settle in ``max_iter`` iterations is a failed draw: a row of
NaN, counted and reported (:meth:`relqual.resample.BootstrapDraws.note`), as in the one-by-one
path. The resamples are drawn as there (:func:`relqual.resample.draw_indices`); workers
(``n_jobs``) take whole chunks of draws, so the numbers do not depend on their count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from .conventions import CI_LEVEL
from .engine.threads import single_blas_thread
from .intervals import bootstrap_interval, jackknife_acceleration
from .options import check_types
from .pls import PLSModel, standardize
from .plsadmissible import improper_draws, improper_solution_messages
from .plsbatch import BatchedPLS, resample_correlations, row_counts
from .plsfit import parameter_vector
from .plshoc import TwoStage, source
from .resample import BootstrapDraws, draw_indices, progress_bar, run_tasks, worker_count

CHUNK_CELLS = 2_000_000      # draws x indicator pairs held at once (16 MB of moments)
CHUNK_DRAWS = 500            # at most this many draws per chunk (work for every worker)


def run_pls_bootstrap(result, draws: int, seed=None, n_jobs: int = 1, indices=None,
                      progress: bool | None = None) -> BootstrapDraws:
    """The ordinary bootstrap of a PLS fit, batched (what ``res.bootstrap`` runs for PLS).

    Parameters
    ----------
    result : relqual.result.Result
        A fit with ``estimator="PLS"`` or ``"PLSc"``.
    draws : int
        The number of resamples (ignored when ``indices`` are given).
    seed : int, optional
        Seed of the resampling (:func:`relqual.resample.draw_indices`).
    n_jobs : int
        Worker processes (-1: every core); the numbers do not depend on it.
    indices : list, optional
        Resamples to replay: per draw, a list with one array of 0-based row numbers (or a
        draws x n array).
    progress : bool, optional
        Show a progress bar (default: from 500 draws).

    Returns
    -------
    relqual.resample.BootstrapDraws
        :class:`PLSBootstrapDraws`; the layout of the one-by-one refit, ``est`` and
        ``std_all`` (the same for PLS; one column per row of the parameter table), and ``htmt``
        (one column per pair of constructs).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...              estimator="PLS")
    >>> boot = run_pls_bootstrap(res, draws=200, seed=1)
    >>> boot.values.shape, boot.n_failed         # est, std_all: 49 rows each; HTMT: 10 pairs
    ((200, 108), 0)
    >>> again = run_pls_bootstrap(res, 0, indices=boot.indices[:5])    # replayed resamples
    >>> bool(np.allclose(again.values, boot.values[:5], rtol=0, atol=1e-12))
    True
    """
    check_types(bootstrap=draws, seed=seed, n_jobs=n_jobs)
    if indices is None:
        if draws < 1:
            raise ValueError("the number of bootstrap draws must be at least 1")
        indices = draw_indices([result.n_obs], draws, seed)
    rows = _as_row_matrix(indices, result.n_obs)
    statistics = ParameterRows(result.problem)
    size = max(1, min(CHUNK_DRAWS, CHUNK_CELLS // max(1, len(statistics.model.indicators) ** 2)))
    chunks = [slice(start, min(start + size, len(rows))) for start in range(0, len(rows), size)]
    values = np.full((len(rows), statistics.width), np.nan)
    converged = np.zeros(len(rows), dtype=bool)
    show = progress if progress is not None else len(rows) >= 500
    bar = progress_bar(len(rows), show, "bootstrap (PLS)")
    tasks = [(chunk, rows[chunk]) for chunk in chunks]
    with single_blas_thread():
        for chunk, (stats, ok) in run_tasks(_run_chunk, tasks, worker_count(n_jobs), _set_batch,
                                            (statistics,)):
            values[chunk] = stats
            converged[chunk] = ok
            if bar is not None:
                bar.update(len(ok))
    if bar is not None:
        bar.close()
    return PLSBootstrapDraws(kind="ordinary", seed=seed, values=values, converged=converged,
                             indices=[[r] for r in rows], layout=statistics.layout,
                             statistics=statistics,
                             full=statistics.run(np.ones((1, result.n_obs)))[0][0])


@dataclass
class PLSBootstrapDraws(BootstrapDraws):
    """Bootstrap draws of a PLS fit, with SmartPLS-style summaries of paths, weights, loadings
    and HTMT.

    The summaries give the full-sample estimate, the mean and standard deviation of the
    converged draws (the bootstrap standard error), ``t = est / se`` with its two-sided p-value
    from the standard normal distribution (as :meth:`relqual.result.Result.estimates` does for
    bootstrap fits), and a percentile or BCa interval (:func:`relqual.intervals.
    bootstrap_interval`; BCa's acceleration from the leave-one-out jackknife, Efron 1987,
    computed once on first use).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...              estimator="PLS")
    >>> boot = res.bootstrap(300, seed=1)
    >>> list(boot.paths().columns)            # doctest: +NORMALIZE_WHITESPACE
    ['lhs', 'op', 'rhs', 'est', 'boot_mean', 'se', 't', 'pvalue', 'ci_lower', 'ci_upper']
    >>> bca = boot.paths(ci="bca")
    >>> bool((bca["ci_lower"] < bca["est"]).all() and (bca["est"] < bca["ci_upper"]).all())
    True
    >>> boot.htmt()[["factor_1", "factor_2", "below_85"]].head(2)
      factor_1 factor_2  below_85
    0       CF      SAT      True
    1       CF       TR      True
    """

    statistics: ParameterRows | None = field(default=None, repr=False)
    full: np.ndarray | None = field(default=None, repr=False)   # full-sample statistics
    _jackknife: list = field(default_factory=list, repr=False)

    def paths(self, ci: str = "perc", level: float = CI_LEVEL) -> pd.DataFrame:
        """Path coefficients (``~`` rows): ``lhs op rhs est boot_mean se t pvalue ci_lower
        ci_upper``; ``ci`` "perc" (percentile) or "bca"."""
        return self._parameters("~", ci, level)

    def weights(self, ci: str = "perc", level: float = CI_LEVEL) -> pd.DataFrame:
        """Outer weights (``<~`` rows), as :meth:`paths`."""
        return self._parameters("<~", ci, level)

    def loadings(self, ci: str = "perc", level: float = CI_LEVEL) -> pd.DataFrame:
        """Loadings (``=~`` rows; PLSc: consistent loadings), as :meth:`paths`."""
        return self._parameters("=~", ci, level)

    def htmt(self, ci: str = "perc", level: float = CI_LEVEL) -> pd.DataFrame:
        """HTMT of every pair of constructs with its bootstrap interval and the inferential
        test of discriminant validity (Henseler, Ringle & Sarstedt 2015, *JAMS* 43, 115-135;
        one-sided as Franke & Sarstedt 2019, *Internet Research* 29(3), 430-447): HTMT is
        significantly below .85 (.90) when the upper bound of its one-sided ``level`` interval
        (the ``level`` quantile of the draws) is.

        Returns
        -------
        DataFrame
            ``factor_1 factor_2 htmt boot_mean se ci_lower ci_upper upper_one_sided below_85
            below_90``.
        """
        names = self.statistics.model.constructs
        table = self._summary("htmt", ci, level)
        draws = self.block("htmt")
        one_sided = [bootstrap_interval(draws[:, k], table["est"][k], 2 * level - 1, ci,
                                        table["acceleration"][k])[1]
                     for k in range(len(table["est"]))]
        out = pd.DataFrame({"factor_1": [names[a] for a in self.statistics.batch.pairs[0]],
                            "factor_2": [names[b] for b in self.statistics.batch.pairs[1]],
                            "htmt": table["est"]})
        for column in ("boot_mean", "se", "ci_lower", "ci_upper"):
            out[column] = table[column]
        out["upper_one_sided"] = one_sided
        out["below_85"] = out["upper_one_sided"] < 0.85
        out["below_90"] = out["upper_one_sided"] < 0.90
        out.attrs.update(self._attrs(ci, level))
        return out

    def _parameters(self, op: str, ci: str, level: float) -> pd.DataFrame:
        col = self.statistics.problem.partable.col
        rows = np.flatnonzero(col["op"] == op)
        table = self._summary("est", ci, level, rows)
        out = pd.DataFrame({"lhs": col["lhs"][rows], "op": col["op"][rows],
                            "rhs": col["rhs"][rows]})
        for column in ("est", "boot_mean", "se", "t", "pvalue", "ci_lower", "ci_upper"):
            out[column] = table[column]
        out.attrs.update(self._attrs(ci, level))
        return out

    def note(self) -> str | None:
        """The message about failed draws and, for PLSc, about improper draws: resamples whose
        solution :mod:`relqual.plsadmissible` calls improper are kept in the standard errors
        and intervals, as seminr keeps them (cSEM's default drops them), and counted here.

        Returns
        -------
        str or None
            None when every draw converged to an admissible solution.
        """
        failed = super().note()
        if "improper" not in self.layout:
            return failed
        improper = int(self.block("improper").sum())
        if not improper:
            return failed
        text = (f"{improper} of {int(self.converged.sum())} bootstrap resamples gave an improper "
                "PLSc solution (a corrected correlation, loading or R² beyond its bounds, rho_A "
                "above 1, or construct correlations that are not positive definite); they are "
                "kept in the standard errors and intervals, as seminr keeps them (cSEM drops "
                "them by default)")
        return text if failed is None else f"{failed}; {text}"

    def _attrs(self, ci: str, level: float) -> dict:
        return dict(draws=len(self.converged), failed=self.n_failed, ci=ci, level=level,
                    note=self.note())

    def _summary(self, name: str, ci: str, level: float, columns=None) -> dict:
        if ci not in ("perc", "bca"):
            raise ValueError(f"unknown bootstrap interval ci='{ci}'; use 'perc' or 'bca'")
        if not 0 < level < 1:
            raise ValueError(f"level must lie between 0 and 1 (got {level})")
        part = self.layout[name]
        columns = np.arange(part.stop - part.start) if columns is None else np.asarray(columns)
        draws = self.block(name)[:, columns]
        est = self.full[part][columns]
        if ci == "bca":
            acceleration = jackknife_acceleration(self.jackknife()[:, part][:, columns])
        else:
            acceleration = np.zeros(len(columns))
        se = draws.std(axis=0, ddof=1) if len(draws) > 1 else np.full(len(columns), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = est / se
        bounds = np.array([bootstrap_interval(draws[:, k], est[k], level, ci, acceleration[k])
                           for k in range(len(columns))]).reshape(-1, 2)
        return dict(est=est, boot_mean=draws.mean(axis=0), se=se, t=t,
                    pvalue=2 * norm.sf(np.abs(t)), ci_lower=bounds[:, 0],
                    ci_upper=bounds[:, 1], acceleration=acceleration)

    def jackknife(self) -> np.ndarray:
        """The statistics of the n leave-one-out samples (rows; failed ones left out), for
        BCa's acceleration; computed once."""
        if not self._jackknife:
            n = len(self.statistics.X)
            size = max(1, CHUNK_CELLS // max(1, len(self.statistics.model.indicators) ** 2))
            parts = []
            with single_blas_thread():
                for start in range(0, n, size):
                    counts = np.ones((min(size, n - start), n))
                    counts[np.arange(len(counts)), np.arange(start, start + len(counts))] = 0.0
                    stats, ok = self.statistics.run(counts)
                    parts.append(stats[ok])
            self._jackknife.append(np.concatenate(parts))
        return self._jackknife[0]


_BATCH: ParameterRows | None = None     # a worker's copy


def _set_batch(statistics) -> None:
    global _BATCH
    _BATCH = statistics


def _run_chunk(task):
    """A chunk's statistics (:meth:`ParameterRows.run`), with the chunk's slice of the draws
    (:func:`relqual.resample.run_tasks` keeps BLAS on one thread around it)."""
    chunk, rows = task
    return chunk, _BATCH.run(row_counts(rows, len(_BATCH.X)))


def _as_row_matrix(indices, n: int) -> np.ndarray:
    """Draws x n row numbers from a list of per-draw lists (one group) or a 2-D array."""
    if isinstance(indices, np.ndarray) and indices.ndim == 2:
        rows = indices
    else:
        draws = [np.asarray(d[0] if isinstance(d, (list, tuple)) else d) for d in indices]
        wrong = [k for k, d in enumerate(indices) if isinstance(d, (list, tuple)) and len(d) != 1]
        if wrong:
            raise ValueError(f"resample {wrong[0]} gives row indices for {len(indices[wrong[0]])} "
                             "groups; a PLS model has one")
        if any(len(d) != n for d in draws):
            raise ValueError(f"every resample must give n = {n} row numbers (a draws x n array)")
        rows = np.array(draws)
    if rows.ndim != 2 or rows.shape[1] != n:
        raise ValueError(f"indices must be a draws x n array with n = {n}")
    if not np.issubdtype(rows.dtype, np.integer):
        if not np.all(np.mod(rows, 1) == 0):
            raise ValueError("indices must be whole row numbers (0-based)")
        rows = rows.astype(int)
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise ValueError(f"indices must be 0-based row numbers below n = {n}")
    return rows


class ParameterRows:
    """The statistics a bootstrap draw of a PLS fit gives: the parameter table's rows (as the
    one-by-one refit's :meth:`relqual.problem.Problem.row_values`) and the HTMT of every pair
    of constructs, for a stack of resamples (:class:`relqual.plsbatch.BatchedPLS`).

    Parameters
    ----------
    problem : relqual.problem.Problem
        The problem of a PLS fit (``problem.pls``: the model, the settings).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...              estimator="PLS")
    >>> rows = ParameterRows(res.problem)
    >>> stats, ok = rows.run(np.ones((1, res.n_obs)))        # the full sample itself
    >>> est = stats[0, rows.layout["est"]]
    >>> bool(ok[0]), bool(np.allclose(est, res.row_values(res.x), atol=1e-12))
    (True, True)
    """

    def __init__(self, problem):
        self.problem = problem.detached()
        model = problem.pls["model"]
        self.two_stage = model if isinstance(model, TwoStage) else None
        self.model: PLSModel = model.combined if self.two_stage else model   # HTMT: its blocks
        self.batch = BatchedPLS(self.model, problem.pls["settings"])
        self.X = problem.data.arrays[0]
        col = problem.partable.col
        self.n_rows = n_rows = len(col["op"])
        n_pairs = len(self.batch.pairs[0])
        self.layout = {"est": slice(0, n_rows), "std_all": slice(n_rows, 2 * n_rows),
                       "htmt": slice(2 * n_rows, 2 * n_rows + n_pairs)}
        self.width = 2 * n_rows + n_pairs     # est and std_all are the same for PLS
        self.consistent = bool(problem.pls["settings"]["consistent"])
        if self.consistent:                   # PLSc: 1 for an improper draw (kept, counted)
            self.layout["improper"] = slice(self.width, self.width + 1)
            self.width += 1
        self.defined = bool((col["op"] == ":=").any())
        self.free_rows = np.flatnonzero(col["free"] > 0)
        self.sources = [] if self.two_stage else [   # per free row: (array name, row, column)
            source(self.model, col["lhs"][k], col["op"][k], col["rhs"][k])
            for k in self.free_rows]

    def run(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The statistics of :attr:`layout` (draws x :attr:`width`, NaN for failed draws) and
        the success mask of the resamples given by row ``counts`` (draws x n)."""
        S, ok = resample_correlations(self.X, counts)
        if self.two_stage:
            return self.run_two_stage(counts, ok)
        W = np.full((len(counts), *self.batch.M.shape), np.nan)
        active = np.flatnonzero(ok)
        W[active], settled = self.batch.weights(S[active])
        ok[active] = settled
        out = np.full((len(counts), self.width), np.nan)
        good = np.flatnonzero(ok)
        if len(good):
            est = self.batch.estimates(S[good], W[good])
            stats, finite = self.rows(est)
            out[good, :self.n_rows] = stats
            out[good, self.n_rows:2 * self.n_rows] = stats
            out[good, self.layout["htmt"]] = self.batch.htmt(S[good])
            if self.consistent:
                out[good, self.layout["improper"]] = improper_draws(est, self.model)[:, None]
            ok[good] = finite
            out[~ok] = np.nan
        return out, ok

    def rows(self, est) -> tuple[np.ndarray, np.ndarray]:
        """The parameter table's rows of every draw (as :func:`relqual.plsfit.
        parameter_vector` and the family's ``row_values``) and whether they are finite."""
        arrays = dict(loadings=est.loadings, weights=est.weights, paths=est.paths)
        n_draws = len(est.weights)
        x = np.column_stack([arrays[name][:, i, j] for name, i, j in self.sources]
                            ) if self.sources else np.zeros((n_draws, 0))
        if self.defined:
            out = np.array([self.problem.row_values(v) for v in x])
        else:
            out = np.full((n_draws, self.n_rows), np.nan)
            out[:, self.free_rows] = x
        return out, est.solved & np.all(np.isfinite(x), axis=1)

    def run_two_stage(self, counts, ok) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`run` for a two-stage model: both stages refitted draw by draw (the second
        stage's indicators are the first stage's scores of the resample)."""
        out = np.full((len(counts), self.width), np.nan)
        problem, settings = self.problem, self.problem.pls["settings"]
        for d in np.flatnonzero(ok):
            X = standardize(np.repeat(self.X, counts[d].astype(int), axis=0))
            fits = self.two_stage.fit(X, **settings)
            x = parameter_vector(problem.partable, self.two_stage, fits)
            ok[d] = fits[0].converged and fits[1].converged and bool(np.all(np.isfinite(x)))
            if ok[d]:
                rows = problem.row_values(x)
                out[d, :2 * self.n_rows] = np.concatenate([rows, rows])
                Xc = self.two_stage.combined_data(X, fits[0])
                out[d, self.layout["htmt"]] = self.batch.htmt((Xc.T @ Xc / (len(X) - 1))[None])[0]
                if self.consistent:
                    stages = (self.two_stage.stage1, self.two_stage.stage2)
                    out[d, self.layout["improper"]] = any(
                        improper_solution_messages(fit, model, True)
                        for fit, model in zip(fits, stages))
        return out, ok
