"""Study design: Monte Carlo power (``rq.power``) and RMSEA-based power and sample size
(``rq.power_rmsea``, ``rq.sample_size_rmsea``).

Monte Carlo power (Muthen & Muthen 2002, "How to use a Monte Carlo study to decide on sample size
and determine power", *Structural Equation Modeling* 9(4), 599-620; simsem's ``sim()`` /
``summaryParam()`` conventions):

* Data come from the model's population values (the ``population`` block of a library model,
  or ``population=`` syntax), drawn exactly as :func:`relqual.simulate` draws them: replicate
  ``r`` at sample size ``n`` is ``rq.simulate(population, n, seed=SeedSequence(seed,
  spawn_key=(n, r)))`` (:func:`replicate_data`). A replicate's data therefore depend only on
  (seed, n, r), never on the backend, the number of workers or the other sample sizes asked for.
* The analysis model (the spec's ``syntax``) is compiled once: its parameter table and RAM
  matrices are built a single time, and every replicate only swaps in its sample moments and
  refits from the population values (a warm start), as the bootstrap does (``resample.Refitter``).
* The *population value* of each free parameter is the analysis model fitted to the population
  moments (Sigma, mu): the population values in the analysis model's own parameterization (a
  marker loading of 1 instead of a standardized one, say). When the analysis model does not hold
  in the population, these are the pseudo-true values, and ``attrs["population_fmin"]`` /
  ``attrs["population_rmsea"]`` give the population misfit.
* Per parameter and n, over the replicates that converged (with standard errors):
  ``power`` = share with a two-sided Wald p < alpha (for a population value of 0 this is the
  empirical type I error rate); ``coverage`` = share of 95% Wald intervals (est +- 1.96 se)
  containing the population value; ``bias`` = mean(est) - population; ``rel_bias`` = bias /
  population; ``mean_se`` and ``sd_est`` (their ratio checks the standard errors);
  ``converged`` = share of replicates whose fit converged with an invertible information matrix;
  ``improper`` = share of converged replicates with a negative variance estimate.
* Replicates of ML fits to complete data are refitted in batches (``resample.BATCH`` at a time;
  :func:`relqual.engine.optimize.minimize_batch` takes each replicate's own steps), their
  sample moments taken straight from the normal draws (:meth:`PowerJob.draw_moments`) and the
  expected information of every converged replicate inverted as a stack
  (:func:`relqual.engine.inference.vcov_from_information_batch`, the one-by-one decision on
  singularity); replicates the batch does not finish, or whose information is singular, go
  through the one-by-one path (:meth:`PowerJob.replicate`), so every row is the one that path
  gives. FIML, MLR and ``missing_rate`` (listwise: a different number of rows per replicate)
  run one by one (:attr:`PowerJob.batch_reason`).
* Specific indirect effects (every directed path of two or more arrows, from
  :class:`relqual.effects.EffectStructure`) are tested with delta-method (Sobel) standard errors;
  ``:=`` parameters of the analysis model likewise.
* ``power_analytic``: the asymptotic power of the same Wald test with the population-implied
  standard error, ``se(n) = sqrt(diag((n/2 H)^-1))`` with ``H`` the expected Hessian of the ML
  discrepancy at the population values (Satorra & Saris 1985, "Power of the likelihood ratio test
  in covariance structure analysis", *Psychometrika* 50, 83-90: the Wald statistic z^2 is
  noncentral chi-square with 1 df and noncentrality ``(theta / se(n))^2``), so
  ``power = Phi(|delta| - z_{1-alpha/2}) + Phi(-|delta| - z_{1-alpha/2})``. Given for continuous,
  complete data only (NaN with ``likert`` or ``missing_rate``).

RMSEA power (MacCallum, Browne & Sugawara 1996, "Power analysis and determination of sample size
for covariance structure modeling", *Psychological Methods* 1(2), 130-149), as semTools 0.5-6
``findRMSEApower`` / ``findRMSEAsamplesize``: the test statistic is noncentral chi-square with
``df`` and noncentrality ``(n - 1) df rmsea^2 / group``.
"""
from __future__ import annotations

import functools
import os
import time

import numpy as np
import pandas as pd
from scipy import stats

from .conventions import Z_975
from .data import FIML_NAMES
from .effects import EffectStructure
from .engine.batched import BatchedMLLoss, batch_moments, supports
from .engine.heap import raise_mmap_threshold
from .engine.inference import (
    numerical_jacobian,
    vcov_from_information,
    vcov_from_information_batch,
)
from .engine.matrices import KIND_A
from .engine.optimize import minimize_batch
from .engine.samplestats import SampleStats
from .engine.threads import single_blas_thread
from .estimation import estimate
from .interactionpower import check_settings, has_interaction, interaction_power
from .ml import problem_from_samples
from .models import resolve_model
from .options import FitOptions, check_types
from .partable import build_partable
from .resample import BATCH, CHUNK, REFIT_GTOL, progress_bar, run_tasks, worker_count
from .simulate import (
    _cov_factor,
    _generators,
    _moments,
    likert_thresholds,
    population_model,
    population_syntax,
    response_generator,
    simulate,
)

POWER_COLUMNS = ["n", "lhs", "op", "rhs", "power", "bias", "coverage", "converged", "pop_value",
                 "mean_est", "mean_se", "sd_est", "rel_bias", "power_analytic", "improper", "path"]
BACKENDS = ("local", "dask")


# ---------------------------------------------------------------------------- seeds and data
def replicate_seed(seed: int, n: int, rep: int) -> np.random.SeedSequence:
    """The seed of replicate ``rep`` at sample size ``n``: depends on nothing else.

    Parameters
    ----------
    seed : int
        The seed of the whole study (``power(seed=)``).
    n : int
        The sample size.
    rep : int
        The replicate's number, from 0.

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(seed, spawn_key=(n, rep))``.

    Examples
    --------
    >>> from relqual.power import replicate_seed
    >>> replicate_seed(1, n=200, rep=3).spawn_key
    (200, 3)
    """
    return np.random.SeedSequence(seed, spawn_key=(int(n), int(rep)))


def replicate_data(model, n: int, rep: int, seed: int, likert: int | None = None,
                   missing_rate: float = 0.0, population=None) -> pd.DataFrame:
    """The data of one replicate of :func:`power` (for inspecting a replicate by hand).

    Parameters
    ----------
    model : str, ModelSpec or Path
        The model given to :func:`power` (its ``population`` block is used).
    n : int
        The sample size.
    rep : int
        The replicate's number, from 0.
    seed : int
        The seed given to :func:`power`.
    likert : int, optional
        Answer categories (5 or 7), as in :func:`power`.
    missing_rate : float
        Share of MCAR missing cells, as in :func:`power`.
    population : str, optional
        The ``population=`` given to :func:`power`.

    Returns
    -------
    DataFrame
        ``rq.simulate(population, n, seed=replicate_seed(seed, n, rep), ...)``: one column per
        observed variable of the population model.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.power import replicate_data, replicate_seed
    >>> data = replicate_data("relationship_quality", n=100, rep=0, seed=1)
    >>> data.shape
    (100, 20)
    >>> data.equals(rq.simulate("relationship_quality", 100, seed=replicate_seed(1, 100, 0)))
    True
    """
    source = population if population is not None else _population_source(model)
    return simulate(source, n, seed=replicate_seed(seed, n, rep), likert=likert,
                    missing_rate=missing_rate)


def _population_source(model):
    spec = resolve_model(model)
    if not spec.population:
        raise ValueError(f"model '{spec.name}' has no population values: use a library model, a "
                         "ModelSpec with a 'population' block, or pass population= (lavaan "
                         "syntax with every parameter fixed to its population value)")
    return spec.population


# ---------------------------------------------------------------------------- the compiled job
class PowerJob:
    """Everything one replicate needs, built once: the population draw and the compiled analysis
    model with its population values (picklable, so it travels to process and Dask workers).

    Parameters
    ----------
    spec : ModelSpec
        The analysis model (its ``syntax``).
    population : str
        lavaan syntax with every parameter fixed to its population value.
    seed : int
        The seed of the study (:func:`replicate_seed`).
    estimator : {"ML", "MLR"}
        The estimator of every replicate.
    missing : {"listwise", "fiml"}
        How replicates with missing cells are fitted.
    likert : int or None
        Answer categories (5 or 7) the normal draws are cut into, or None.
    missing_rate : float
        Share of MCAR missing cells.
    std_lv, fixed_x : bool
        As in :func:`relqual.fit`.

    Attributes
    ----------
    labels : list of tuple
        ``(lhs, op, rhs, path)`` of every reported parameter: the free parameters, the ``:=``
        parameters and the specific indirect effects.
    pop_values : ndarray
        Their population values (the analysis model fitted to the population moments).
    df : int
        Degrees of freedom of the analysis model.

    Examples
    --------
    >>> from relqual.models import resolve_model
    >>> from relqual.power import PowerJob
    >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
    ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
    >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
    ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
    >>> job.labels[2], round(float(job.pop_values[2]), 3)       # 0.3 / 0.7 with a marker
    (('y', '~', 'f', ''), 0.429)
    >>> job.df
    2
    """

    def __init__(self, spec, population, seed: int, estimator: str, missing: str,
                 likert: int | None, missing_rate: float, std_lv: bool = False,
                 fixed_x: bool = True):
        self.seed = seed
        self.estimator = estimator
        self.fiml = missing in FIML_NAMES
        self.likert = likert
        self.missing_rate = float(missing_rate)
        # population: moments and the factor of Sigma over the population's observed variables
        pop_table, pop_ram = population_model(population)
        imp, mu = _moments(pop_ram, pop_table.meanstructure)
        self.pop_names = list(pop_ram.ov_names)
        self.pop_sigma, self.pop_mu = imp.sigma, mu
        self.factor = _cov_factor(imp.sigma, self.pop_names)
        self.pop_sd = np.sqrt(np.diag(imp.sigma))
        self.thresholds = likert_thresholds(likert) if likert is not None else None
        # analysis model: the estimation problem of the population moments, compiled once
        meanstructure = True if self.fiml else None
        partable = build_partable(spec.syntax, std_lv=std_lv, meanstructure=meanstructure,
                                  fixed_x=fixed_x)
        if partable.npar == 0:
            raise ValueError("the analysis model has no free parameters: give the model to fit "
                             "as the spec's syntax and its population values as population=")
        ov = list(partable.roles.ov)
        absent = [v for v in ov if v not in self.pop_names]
        if absent:
            raise ValueError("the population model does not generate the observed variable(s) "
                             f"{', '.join(absent)} of the analysis model")
        if self.fiml and partable.roles.ov_x and fixed_x:
            raise NotImplementedError("FIML with fixed observed covariates "
                                      f"({', '.join(partable.roles.ov_x)}) is not available "
                                      "yet; use fixed_x=False")
        self.columns = np.array([self.pop_names.index(v) for v in ov])
        self.ov = ov
        pop_sample = SampleStats(tuple(ov), 1, mu[self.columns],
                                 imp.sigma[np.ix_(self.columns, self.columns)])
        self.problem = problem_from_samples(partable, [pop_sample], fiml=self.fiml)
        self.partable = partable
        self.df = self.problem.df
        self.options = FitOptions(estimator=estimator, missing=missing, test="none")
        population = estimate(self.problem, FitOptions(control={"gtol": 1e-10}))
        if not population.converged:
            raise ValueError("the analysis model could not be fitted to the population moments "
                             f"({population.opt.message}); check that it is identified")
        self.model = self.problem.models[0]
        self.x_pop = population.x
        self.population_fmin = float(max(population.opt.fmin, 0.0))
        self.info_pop = population.inference.information     # expected Hessian of F
        self._build_rows()
        self.batch_reason = ("FIML" if self.fiml else
                             "MLR's sandwich" if estimator != "ML" else
                             "missing_rate (listwise: the rows differ per replicate)"
                             if self.missing_rate > 0 else supports(self.problem))

    # -- the rows of the output table and their values at a parameter vector
    def _build_rows(self):
        col = self.partable.col
        free_rows = np.flatnonzero((col["free"] > 0) & np.isin(col["op"], ["=~", "~", "~~", "~1"]))
        self.free_rows = free_rows
        self.free_index = col["free"][free_rows] - 1
        self.defined_rows = np.flatnonzero(col["op"] == ":=")
        self.variance_params = np.array(sorted({int(col["free"][k] - 1) for k in free_rows
                                                if col["op"][k] == "~~"
                                                and col["lhs"][k] == col["rhs"][k]}), dtype=int)
        try:
            structure = EffectStructure(self.model, col)
            self.indirect = [k for k, e in enumerate(structure.effects) if e.kind == "indirect"]
        except ValueError:                                   # non-recursive model
            structure, self.indirect = None, []
        self.structure = structure
        # A entry (i, j) -> free parameter index, for the indirect effects' gradient
        self.a_param = {(int(i), int(j)): int(k) for kind, i, j, k in zip(
            self.model.kind, self.model.i, self.model.j, self.model.pidx) if kind == KIND_A}
        labels = []
        for k in free_rows:
            labels.append((col["lhs"][k], col["op"][k], col["rhs"][k], ""))
        for k in self.defined_rows:
            labels.append((col["lhs"][k], ":=", col["rhs"][k], ""))
        if structure is not None:
            for k in self.indirect:
                e = structure.effects[k]
                labels.append((e.source, "indirect", e.target, e.path))
        self.labels = labels
        self.width = len(labels)
        self.pop_values = self.values(self.x_pop)
        self.pop_se1 = self._se(self.x_pop, self._vcov_from(self.info_pop, 1))  # se at n = 1

    def values(self, x: np.ndarray) -> np.ndarray:
        """The reported parameters (:attr:`labels`) at free-parameter vector ``x``.

        Parameters
        ----------
        x : ndarray
            Values of the analysis model's free parameters.

        Returns
        -------
        ndarray
            One value per label: free parameters, ``:=`` parameters, specific indirect effects.

        Examples
        --------
        >>> from relqual.models import resolve_model
        >>> from relqual.power import PowerJob
        >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
        ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
        >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
        ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
        >>> job.values(job.x_pop).round(3)
        array([1.   , 1.   , 0.429, 0.51 , 0.51 , 0.51 , 0.91 , 0.49 ])
        """
        parts = [x[self.free_index]]
        if len(self.defined_rows):
            parts.append(self._defined(x))
        if self.indirect:
            parts.append(self.structure.values(x, standardized=False)[self.indirect])
        return np.concatenate(parts)

    def _defined(self, x: np.ndarray) -> np.ndarray:
        return self.problem.row_values(x)[self.defined_rows]

    def _indirect_jacobian(self, x: np.ndarray) -> np.ndarray:
        """d(product of the arrows along each specific indirect path) / dx, analytically."""
        return self._indirect_jacobians(self.model.matrices(x)[0][None])[0]

    def _indirect_jacobians(self, A: np.ndarray) -> np.ndarray:
        """:meth:`_indirect_jacobian` for a stack of RAM ``A`` matrices (draws x n x n)."""
        jac = np.zeros((len(A), len(self.indirect), self.partable.npar))
        for row, k in enumerate(self.indirect):
            (path,) = self.structure.effects[k].terms
            arrows = [A[:, i, j] for i, j in path]
            for t, (i, j) in enumerate(path):
                param = self.a_param.get((i, j))
                if param is not None:
                    others = arrows[:t] + arrows[t + 1:]
                    product = others[0].copy()
                    for value in others[1:]:
                        product *= value
                    jac[:, row, param] += product
        return jac

    @staticmethod
    def _vcov_from(hessian: np.ndarray, n: int):
        vcov, ok = vcov_from_information(hessian, n)
        return vcov if ok else None

    def _se(self, x: np.ndarray, vcov: np.ndarray | None) -> np.ndarray:
        if vcov is None:
            return np.full(self.width, np.nan)
        parts = [np.sqrt(np.clip(np.diag(vcov), 0, None))[self.free_index]]
        if len(self.defined_rows):
            jac = numerical_jacobian(self._defined, x)
            parts.append(np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, vcov, jac), 0, None)))
        if self.indirect:
            jac = self._indirect_jacobian(x)
            parts.append(np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, vcov, jac), 0, None)))
        return np.concatenate(parts)

    # -- one replicate
    def draw(self, n: int, rep: int) -> np.ndarray:
        """The replicate's data over the analysis model's observed variables (NaN = missing);
        the same numbers as :func:`relqual.simulate` with :func:`replicate_seed`.

        Parameters
        ----------
        n : int
            The sample size.
        rep : int
            The replicate's number, from 0.

        Returns
        -------
        ndarray
            n rows, one column per observed variable of the analysis model.

        Examples
        --------
        >>> from relqual.models import resolve_model
        >>> from relqual.power import PowerJob
        >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
        ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
        >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
        ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
        >>> job.draw(100, rep=0).shape
        (100, 4)
        """
        rng_values, rng_missing = _generators(replicate_seed(self.seed, n, rep))
        values = self.pop_mu + rng_values.standard_normal((n, len(self.pop_names))) @ self.factor.T
        if self.thresholds is not None:
            values = 1.0 + np.searchsorted(self.thresholds, (values / self.pop_sd).ravel()
                                           ).reshape(values.shape)
        if self.missing_rate > 0:
            mask = rng_missing.random(values.shape) < self.missing_rate
            values = np.where(mask, np.nan, values)
        return values[:, self.columns]

    def draw_moments(self, n: int, reps) -> tuple[np.ndarray, np.ndarray]:
        """Sample means and covariance matrices (divisor n) of replicates ``reps``, as
        :func:`relqual.engine.batched.batch_moments` of their :meth:`draw` to rounding.

        For continuous data the rows are ``mu + F z`` (``F F' = Sigma``, ``z`` the standard
        normal draws of :meth:`draw`), so the moments are ``mu + F zbar`` and ``F S_z F'``
        (``S_z`` the covariance matrix of the ``z``): the draws go straight into one stack and
        the rows themselves are never formed. Cut into answer categories (``likert``), the
        rows of :meth:`draw` themselves are stacked (a value on a category boundary must fall
        on the same side as there).

        Parameters
        ----------
        n : int
            The sample size.
        reps : sequence of int
            The replicates' numbers.

        Returns
        -------
        mean : ndarray
            Replicates x observed variables (the analysis model's order).
        cov : ndarray
            Replicates x variables x variables.

        Raises
        ------
        ValueError
            With ``missing_rate`` (listwise deletion: the rows differ per replicate).

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.engine.batched import batch_moments
        >>> from relqual.models import resolve_model
        >>> from relqual.power import PowerJob
        >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
        ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
        >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
        ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
        >>> means, covs = job.draw_moments(100, [0, 1])
        >>> rows = batch_moments(np.stack([job.draw(100, 0), job.draw(100, 1)]))
        >>> bool(np.allclose(means, rows[0], atol=1e-13) and np.allclose(covs, rows[1], atol=1e-13))
        True
        """
        if self.missing_rate > 0:
            raise ValueError("replicates with missing cells have no stacked moments "
                             "(listwise deletion leaves a different number of rows in each)")
        if self.thresholds is not None:           # the categories of the very rows of draw()
            return batch_moments(np.stack([self.draw(n, int(rep)) for rep in reps]))
        # one replicate's draws at a time in one small buffer (it stays in cache, and a batch
        # touches 48 KB instead of 2.4 MB of fresh memory for 50 replicates of 300 x 20);
        # standard normal draws have means near 0, so their raw cross-products lose no digits
        # to centring afterwards
        q = len(self.pop_names)
        z = np.empty((n, q))
        weights = np.full(n, 1.0 / n)
        z_mean, z_cov = np.empty((len(reps), q)), np.empty((len(reps), q, q))
        for k, rep in enumerate(reps):
            # the rows of replicate_seed(seed, n, rep), as draw() and rq.simulate draw them
            response_generator(self.seed, (n, int(rep))).standard_normal(out=z)
            np.matmul(weights, z, out=z_mean[k])
            np.matmul(z.T, z, out=z_cov[k])
        z_cov /= n
        z_cov -= z_mean[:, :, None] * z_mean[:, None, :]
        factor = self.factor[self.columns]
        cov = factor @ z_cov @ factor.T
        cov += cov.transpose(0, 2, 1)
        cov *= 0.5
        return self.pop_mu[self.columns] + z_mean @ factor.T, cov

    def replicate(self, n: int, rep: int) -> np.ndarray:
        """est (width), se (width), converged, improper, chi-square; NaN where it failed.

        Parameters
        ----------
        n : int
            The sample size.
        rep : int
            The replicate's number, from 0.

        Returns
        -------
        ndarray
            ``2 * width + 3`` values: the estimates and standard errors of :attr:`labels`,
            1.0 if the fit converged (else 0.0), 1.0 if a variance estimate is negative, and
            the chi-square (NaN under FIML).

        Examples
        --------
        >>> from relqual.models import resolve_model
        >>> from relqual.power import PowerJob
        >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
        ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
        >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
        ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
        >>> row = job.replicate(100, rep=0)
        >>> row.shape, float(row[2 * job.width])
        ((19,), 1.0)
        """
        out = np.full(2 * self.width + 3, np.nan)
        out[2 * self.width] = 0.0
        values = self.draw(n, rep)
        try:
            fitted = self._fit(values)
        except (np.linalg.LinAlgError, ArithmeticError, ValueError):
            return out
        if fitted is None:
            return out
        x, vcov, chisq = fitted
        out[: self.width] = self.values(x)
        out[self.width: 2 * self.width] = self._se(x, vcov)
        out[2 * self.width] = 1.0
        out[2 * self.width + 1] = float(np.any(x[self.variance_params] < 0))
        out[2 * self.width + 2] = chisq
        return out

    def _fit(self, values: np.ndarray):
        """The fit's own pipeline on the replicate's rows, from the population values."""
        if self.fiml:
            values = values[~np.all(np.isnan(values), axis=1)]
        else:
            if self.missing_rate > 0:
                values = values[~np.isnan(values).any(axis=1)]
            if len(values) <= len(self.ov):
                return None
        problem = self.problem.with_data([values])
        est = estimate(problem, self.options, start=self.x_pop, gtol=REFIT_GTOL)
        if not est.usable:
            return None
        chisq = problem.loss.n_total * est.opt.fmin if not self.fiml else np.nan
        return est.x, est.vcov, chisq

    def run(self, n: int, reps) -> tuple[int, np.ndarray, np.ndarray]:
        """Replicates ``reps`` at sample size ``n`` (one row each).

        Parameters
        ----------
        n : int
            The sample size.
        reps : iterable of int
            The replicates' numbers.

        Returns
        -------
        tuple
            ``(n, reps, rows)``: rows as :meth:`replicate`, one per replicate.

        Examples
        --------
        >>> from relqual.models import resolve_model
        >>> from relqual.power import PowerJob
        >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
        ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
        >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
        ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
        >>> n, reps, rows = job.run(100, range(3))
        >>> n, reps.tolist(), rows.shape
        (100, [0, 1, 2], (3, 19))
        """
        reps = np.asarray(list(reps), dtype=int)
        with single_blas_thread():
            if self.batch_reason is None and n > len(self.ov):
                rows = np.concatenate([self.replicate_batch(n, reps[start: start + BATCH])
                                       for start in range(0, len(reps), BATCH)])
            else:
                rows = np.array([self.replicate(n, int(r)) for r in reps])
        return n, reps, rows

    def replicate_batch(self, n: int, reps: np.ndarray) -> np.ndarray:
        """:meth:`replicate` for many replicates, refitted as one batch (ML, complete data).

        Parameters
        ----------
        n : int
            The sample size.
        reps : ndarray of int
            The replicates' numbers.

        Returns
        -------
        ndarray
            One row per replicate, as :meth:`replicate` gives it.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.models import resolve_model
        >>> from relqual.power import PowerJob
        >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
        ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
        >>> job = PowerJob(resolve_model("f =~ x1 + x2 + x3; y ~ f"), population, seed=1,
        ...                estimator="ML", missing="listwise", likert=None, missing_rate=0.0)
        >>> rows = job.replicate_batch(100, np.arange(3))
        >>> bool(np.allclose(rows[1], job.replicate(100, 1), atol=1e-8))
        True
        """
        try:
            batch = BatchedMLLoss(self.model, *self.draw_moments(n, reps), n)
            out = minimize_batch(batch, np.tile(self.x_pop, (len(reps), 1)), gtol=REFIT_GTOL)
            done = np.flatnonzero(out.converged & np.all(np.isfinite(out.x), axis=1))
            X = out.x[done]
            hessians = batch.derivatives(X, done, expected=True, observed=False,
                                         gradient=False)[2]
            vcov, invertible = vcov_from_information_batch(hessians, n)
        except (np.linalg.LinAlgError, ArithmeticError, ValueError):
            return np.array([self.replicate(n, int(r)) for r in reps])
        usable = invertible & np.all(np.isfinite(np.diagonal(vcov, axis1=1, axis2=2)), axis=1)
        X, vcov, done = X[usable], vcov[usable], done[usable]
        A = batch.implied_at(X, done)["A"]
        rows = np.column_stack([*self._batch_values_and_se(X, A, vcov), np.ones(len(X)),
                                np.any(X[:, self.variance_params] < 0, axis=1).astype(float),
                                n * out.fmin[done]])
        found = dict(zip(done.tolist(), rows))
        return np.array([found[t] if t in found else self.replicate(n, int(r))
                         for t, r in enumerate(reps)])

    def _batch_values_and_se(self, X: np.ndarray, A: np.ndarray, vcov: np.ndarray):
        """:meth:`values` and :meth:`_se` for each row of ``X`` (with its RAM ``A`` and
        ``vcov``)."""
        values = [X[:, self.free_index]]
        se = [np.sqrt(np.clip(np.diagonal(vcov, axis1=1, axis2=2), 0, None))[:, self.free_index]]
        if len(self.defined_rows):
            values.append(np.array([self._defined(x) for x in X]).reshape(len(X), -1))
            jac = [numerical_jacobian(self._defined, x) for x in X]
            se.append(np.array([np.sqrt(np.clip(np.einsum("ij,jk,ik->i", j, v, j), 0, None))
                                for j, v in zip(jac, vcov)]).reshape(len(X), -1))
        if self.indirect:
            effects = self.structure.batch_values(A, np.ones(A.shape[:2]))[0]
            values.append(effects[:, self.indirect])
            jac = self._indirect_jacobians(A)
            variance = np.einsum("dij,dij->di", jac @ vcov, jac)    # diag(J V J'), two steps
            se.append(np.sqrt(np.clip(variance, 0, None)))
        return np.concatenate(values, axis=1), np.concatenate(se, axis=1)


# ---------------------------------------------------------------------------- backends
_JOB: PowerJob | None = None


def _set_job(job: PowerJob) -> None:
    global _JOB
    _JOB = job


def _run_task(task):
    n, reps = task
    return _JOB.run(n, reps)


def _run_job_remote(job: PowerJob, n: int, reps):
    """Task function on a Dask worker (``job`` arrives scattered once per worker)."""
    return job.run(n, reps)


def _tasks(sizes: list[int], reps: int, size: int = CHUNK) -> list[tuple[int, list[int]]]:
    return [(n, list(range(start, min(start + size, reps))))
            for n in sizes for start in range(0, reps, size)]


def _run_local(job: PowerJob, tasks, n_jobs: int, bar):
    for result in run_tasks(_run_task, tasks, n_jobs, _set_job, (job,)):
        _advance(bar, result)
        yield result


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ImportError("backend='dask' needs dask.distributed: pip install \"relqual[dask]\" "
                          "(or pip install \"dask[distributed]\")") from None
    return distributed


def _run_dask(job: PowerJob, tasks, client, n_jobs, bar):
    distributed = _import_distributed()
    own_client = own_cluster = None
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError:                                   # no current client: start one
            own_cluster = distributed.LocalCluster(
                n_workers=n_jobs or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None)
            client = own_client = distributed.Client(own_cluster)
    elif isinstance(client, str):
        client = own_client = distributed.Client(client)
    elif not isinstance(client, distributed.Client):
        raise TypeError("client must be a dask.distributed Client or a scheduler address such as "
                        f"'tcp://scheduler:8786' (got {type(client).__name__})")
    try:
        remote_job = client.scatter(job, broadcast=True)
        yield None                                           # ready: the clock starts here
        futures = [client.submit(_run_job_remote, remote_job, n, reps, pure=False)
                   for n, reps in tasks]
        for future in distributed.as_completed(futures):
            result = future.result()
            _advance(bar, result)
            yield result
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def _advance(bar, result) -> None:
    if bar is not None:
        bar.update(len(result[1]))


# ---------------------------------------------------------------------------- rq.power
def power(model, n=(100, 200, 300, 400, 500), reps: int = 1000, alpha: float = 0.05, seed=None,
          estimator: str = "ML", missing_rate: float = 0.0, likert: int | None = None,
          backend: str = "local", client=None, n_jobs: int | None = None,
          progress: bool | None = None, *, population=None, missing: str = "listwise",
          std_lv: bool = False, fixed_x: bool = True, target: float = 0.8,
          interaction: str | None = None) -> pd.DataFrame:
    """Monte Carlo power, bias and coverage of every parameter at each sample size in ``n``.

    ``model``: a library model name, a ModelSpec or a model file whose ``syntax`` is the model to
    fit and whose ``population`` block gives the population values (or pass ``population=``:
    lavaan syntax with every parameter fixed, a library name or a spec). ``reps`` replicates per
    sample size are simulated (``likert`` = 5 or 7 categories, ``missing_rate`` MCAR cells) and
    fitted with ``estimator`` ("ML" or "MLR") and ``missing`` ("listwise" or "fiml"). ``seed``
    (an int) makes everything reproducible: the same seed gives the same table on any backend
    and any number of workers. ``backend="local"`` uses ``n_jobs`` processes, this one included
    (default: every core; :func:`relqual.resample.run_tasks`); ``backend="dask"`` runs the
    replicates on a ``dask.distributed`` cluster (``client``: a Client or a scheduler address
    such as ``"tcp://scheduler:8786"``; default: the current client, or a LocalCluster with
    ``n_jobs`` workers). ``progress`` shows a bar
    (default: when there are at least 500 fits).

    Returns a DataFrame, one row per parameter (every free parameter, ``:=`` parameter and
    specific indirect effect) and sample size: ``n lhs op rhs power bias coverage converged
    pop_value mean_est mean_se sd_est rel_bias power_analytic improper path`` (see the module
    docstring). ``attrs`` hold ``min_n`` (the smallest n reaching ``target`` power per parameter
    with a nonzero population value, and ``"overall"``: for all hypothesised paths together,
    see :func:`smallest_n`), ``fits_per_second``, ``seconds``, ``seed``, ``model_test`` (per n,
    the share of replicates whose chi-square test rejects the model at ``alpha``) and the
    settings.

    Parameters
    ----------
    model : str, ModelSpec, Path or Result
        The model to fit (library name, spec, model file, lavaan syntax, or a fitted model).
    n : int or sequence of int
        The sample sizes.
    reps : int
        Replicates per sample size.
    alpha : float
        Significance level of the Wald tests.
    seed : int, optional
        Seed of the whole study (default: a random one, reported in ``attrs["seed"]``).
    estimator : {"ML", "MLR"}
        Estimator of every replicate.
    missing_rate : float
        Share of MCAR missing cells.
    likert : int, optional
        Cut the normal draws into 5 or 7 answer categories.
    backend : {"local", "dask"}
        Where the replicates run.
    client : dask.distributed.Client or str, optional
        The Dask client or scheduler address.
    n_jobs : int, optional
        Worker processes (local) or workers (a new LocalCluster).
    progress : bool, optional
        Show a progress bar (default: from 500 fits).
    population : str, ModelSpec, Path or Result, optional
        The population values (default: the model's ``population`` block; for a fitted
        ``model``, its estimates, :func:`relqual.simulate.fitted_population`).
    missing : {"listwise", "fiml"}
        How replicates with missing cells are fitted.
    std_lv, fixed_x : bool
        As in :func:`relqual.fit`.
    target : float
        The power that ``attrs["min_n"]`` looks for.
    interaction : {"lms", "qml", "dblcent", "rca", "uca"}, optional
        For a model with an interaction term (``y ~ x + z + x:z``): how each replicate estimates
        it (as in :func:`relqual.fit`; :mod:`relqual.interactionpower`).

    Returns
    -------
    DataFrame
        ``n lhs op rhs power bias coverage converged pop_value mean_est mean_se sd_est
        rel_bias power_analytic improper path``, with the ``attrs`` above (see
        :func:`power_text` for a readable summary).

    Examples
    --------
    >>> import relqual as rq
    >>> table = rq.power("relationship_quality", n=(200, 400), reps=10, seed=1, n_jobs=1)
    >>> table["n"].unique().tolist(), table.attrs["reps"]
    ([200, 400], 10)
    >>> table.attrs["hypothesised"][:3]
    ['SAT ~ CF', 'TR ~ SAT', 'TR ~ CF']
    >>> list(table.columns[:5])
    ['n', 'lhs', 'op', 'rhs', 'power']
    """
    started = time.perf_counter()
    check_types(seed=seed)
    if hasattr(model, "problem"):                 # a fitted model: its estimates as population
        population = model if population is None else population
        model = model.spec
    spec = resolve_model(model)
    sizes = _check_sizes(n)
    if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 1:
        raise ValueError(f"reps must be a whole number of replicates, at least 1 (got {reps!r})")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha!r})")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend '{backend}'; choose 'local' or 'dask'")
    estimator = str(estimator).upper()
    if estimator not in ("ML", "MLR"):
        raise NotImplementedError(f"power with estimator='{estimator}' is not available; use "
                                  "'ML' or 'MLR'")
    if missing not in ("listwise",) + FIML_NAMES:
        raise ValueError(f"missing must be 'listwise' or 'fiml' (got {missing!r})")
    if not (isinstance(missing_rate, (int, float, np.floating)) and 0 <= missing_rate < 1):
        raise ValueError(f"missing_rate must be a share in [0, 1) (got {missing_rate!r})")
    if likert is not None:
        likert_thresholds(likert)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number (got {seed!r})")
    seed = int(seed)

    pop = population_syntax(population) if population is not None else _population_source(spec)
    if has_interaction(spec.syntax):          # y ~ x:z: one full fit per replicate
        check_settings(estimator, backend, missing, n_jobs, fixed_x)
        draw = functools.partial(replicate_data, spec, seed=seed, likert=likert,
                                 missing_rate=missing_rate, population=pop)
        table = interaction_power(spec, pop, draw, sizes, int(reps), alpha, interaction, std_lv,
                                  progress)
        min_n = smallest_n(table, target=target, hypothesised=table.attrs["hypothesised"])
        table.attrs.update(min_n={**{_label(r): None if pd.isna(r["min_n"]) else int(r["min_n"])
                                     for _, r in min_n.iterrows()},
                                  "overall": min_n.attrs["overall"]},
                           target=target, seed=seed, reps=int(reps), alpha=alpha, likert=likert,
                           missing_rate=float(missing_rate))
        return table
    if interaction is not None:
        raise ValueError(f"interaction={interaction!r}: the model has no interaction term")
    job = PowerJob(spec, pop, seed, estimator, missing, likert, missing_rate, std_lv, fixed_x)
    p = len(job.ov)
    if min(sizes) <= p:
        raise ValueError(f"every n must exceed the number of observed variables ({p}), or the "
                         f"sample covariance matrix is singular (got n = {min(sizes)})")

    tasks = _tasks(sizes, int(reps), CHUNK if job.batch_reason is not None else BATCH)
    total = len(sizes) * int(reps)
    show = progress if progress is not None else total >= 500
    bar = progress_bar(total, show, "power")
    fit_started = time.perf_counter()
    results = {size: np.full((int(reps), 2 * job.width + 3), np.nan) for size in sizes}
    if backend == "local":
        workers = (os.cpu_count() or 1) if n_jobs is None else worker_count(n_jobs)
        raise_mmap_threshold()          # batched refits' arrays on the heap; workers inherit it
        outputs = _run_local(job, tasks, workers, bar)
    else:
        outputs = _run_dask(job, tasks, client, n_jobs, bar)
    try:
        for output in outputs:
            if output is None:                               # the cluster is up
                fit_started = time.perf_counter()
                continue
            size, rep_idx, rows = output
            results[size][rep_idx] = rows
    finally:
        if bar is not None:
            bar.close()
    fit_seconds = time.perf_counter() - fit_started

    table = pd.concat([_summarise(job, size, results[size], alpha) for size in sizes],
                      ignore_index=True)
    hypothesised = _hypothesised(spec, table)
    min_n = smallest_n(table, target=target, hypothesised=hypothesised)
    labels = _labels(min_n)
    table.attrs.update({
        "min_n": {**dict(zip(labels, [None if pd.isna(v) else int(v) for v in min_n["min_n"]])),
                  "overall": min_n.attrs["overall"]},
        "target": target, "hypothesised": hypothesised,
        "fits_per_second": total / fit_seconds if fit_seconds > 0 else np.nan,
        "seconds": time.perf_counter() - started, "fit_seconds": fit_seconds,
        "seed": seed, "reps": int(reps), "alpha": alpha, "estimator": estimator,
        "missing": "fiml" if job.fiml else "listwise", "likert": likert,
        "missing_rate": float(missing_rate), "backend": backend,
        "model_test": {size: _rejection(results[size], job, alpha) for size in sizes},
        "df": job.df, "population_fmin": job.population_fmin,
        "population_rmsea": float(np.sqrt(job.population_fmin / job.df)) if job.df > 0 else np.nan,
    })
    return table


def _check_sizes(n) -> list[int]:
    values = [n] if np.ndim(n) == 0 else list(n)
    if not values:
        raise ValueError("n must list at least one sample size")
    sizes = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 2:
            raise ValueError(f"every n must be a whole number of respondents (got {v!r})")
        sizes.append(int(v))
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"n lists a sample size twice: {sizes}")
    return sorted(sizes)


def _summarise(job: PowerJob, size: int, rows: np.ndarray, alpha: float) -> pd.DataFrame:
    w = job.width
    ok = rows[:, 2 * w] == 1.0
    est, se = rows[ok, :w], rows[ok, w: 2 * w]
    pop = job.pop_values
    n_ok = int(ok.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        usable = np.isfinite(se) & (se > 0)
        count = usable.sum(axis=0)
        z = np.where(usable, est / np.where(usable, se, 1.0), np.nan)
        reject = np.where(usable, 2 * stats.norm.sf(np.abs(z)) < alpha, False)
        covered = np.where(usable, np.abs(est - pop) <= Z_975 * se, False)
        power_mc = np.where(count > 0, reject.sum(axis=0) / np.maximum(count, 1), np.nan)
        coverage = np.where(count > 0, covered.sum(axis=0) / np.maximum(count, 1), np.nan)
        mean_est = est.mean(axis=0) if n_ok else np.full(w, np.nan)
        sd_est = est.std(axis=0, ddof=1) if n_ok > 1 else np.full(w, np.nan)
        mean_se = np.nanmean(np.where(usable, se, np.nan), axis=0) if n_ok else np.full(w, np.nan)
        bias = mean_est - pop
        rel_bias = np.where(np.abs(pop) > 1e-12, bias / pop, np.nan)
    analytic = np.full(w, np.nan)
    if job.thresholds is None and job.missing_rate == 0:
        crit = stats.norm.ppf(1 - alpha / 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = np.abs(pop) / (job.pop_se1 / np.sqrt(size))
        analytic = stats.norm.cdf(delta - crit) + stats.norm.cdf(-delta - crit)
    improper = rows[ok, 2 * w + 1].mean() if n_ok else np.nan
    lhs, op, rhs, path = (list(v) for v in zip(*job.labels))
    return pd.DataFrame({
        "n": size, "lhs": lhs, "op": op, "rhs": rhs, "power": power_mc, "bias": bias,
        "coverage": coverage, "converged": n_ok / len(rows), "pop_value": pop,
        "mean_est": mean_est, "mean_se": mean_se, "sd_est": sd_est, "rel_bias": rel_bias,
        "power_analytic": analytic, "improper": improper, "path": path})[POWER_COLUMNS]


def _rejection(rows: np.ndarray, job: PowerJob, alpha: float) -> float:
    chisq = rows[rows[:, 2 * job.width] == 1.0, 2 * job.width + 2]
    if job.df <= 0 or len(chisq) == 0 or not np.all(np.isfinite(chisq)):
        return np.nan
    return float(np.mean(stats.chi2.sf(chisq, job.df) < alpha))


def _label(row) -> str:
    if row["op"] == "indirect":
        return row["path"]
    return f"{row['lhs']} {row['op']} {row['rhs']}"


def _labels(frame: pd.DataFrame) -> list[str]:
    """:func:`_label` of every row of ``frame`` (columns ``lhs op rhs path``)."""
    return np.where(frame["op"] == "indirect", frame["path"],
                    frame["lhs"] + " " + frame["op"] + " " + frame["rhs"]).tolist()


def _hypothesised(spec, table: pd.DataFrame) -> list[str]:
    """Labels (:func:`_label`) of the hypothesised paths: the spec's hypotheses found in the
    table, or every regression with a nonzero population value when there are none."""
    first = table.drop_duplicates(["lhs", "op", "rhs", "path"])
    lhs, op, rhs = (first[k].to_numpy() for k in ("lhs", "op", "rhs"))
    labels = _labels(first)
    found = []
    for h in spec.hypotheses:
        kind = h.get("op", "~")
        match = (lhs == h.get("lhs")) & (op == kind)
        if kind != ":=":
            match &= rhs == h.get("rhs")
        found += [label for label, hit in zip(labels, match) if hit]
    if not found:
        nonzero = np.abs(first["pop_value"].to_numpy(dtype=float)) > 1e-12
        found = [label for label, kind, hit in zip(labels, op, nonzero) if kind == "~" and hit]
    return found


# ---------------------------------------------------------------------------- smallest n
def smallest_n(table: pd.DataFrame, target: float = 0.8, hypothesised=None) -> pd.DataFrame:
    """Smallest sample size in a :func:`power` table reaching ``target`` power, per parameter.

    For each parameter with a nonzero population value: the smallest n of the table from which
    power stays at or above ``target`` at every larger n of the table (NaN when none does). The
    ``attrs["overall"]`` value is the largest of these over the hypothesised paths (the spec's
    hypotheses, else every regression path; ``hypothesised``: rows or ``"lhs op rhs"`` labels),
    i.e. the smallest n at which every hypothesised path reaches the target; None if one never
    does.

    Parameters
    ----------
    table : DataFrame
        A :func:`power` table (at least ``n lhs op rhs power pop_value``).
    target : float
        The power to reach.
    hypothesised : list, optional
        The paths that ``attrs["overall"]`` covers (default: ``table.attrs["hypothesised"]``,
        else every regression).

    Returns
    -------
    DataFrame
        ``lhs op rhs path pop_value power_max_n min_n``; ``attrs["overall"]`` and
        ``attrs["target"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.power import smallest_n
    >>> table = pd.DataFrame({"n": [100, 200, 300] * 2, "lhs": "LOY", "op": "~",
    ...                       "rhs": ["SAT"] * 3 + ["TR"] * 3, "pop_value": [0.3] * 3 + [0.2] * 3,
    ...                       "power": [0.55, 0.83, 0.95, 0.30, 0.62, 0.81]})
    >>> found = smallest_n(table, target=0.8)
    >>> found[["lhs", "op", "rhs", "min_n"]]
       lhs op  rhs  min_n
    0  LOY  ~  SAT    200
    1  LOY  ~   TR    300
    >>> found.attrs["overall"]
    300
    """
    if not 0 < target < 1:
        raise ValueError(f"target power must be between 0 and 1 (got {target!r})")
    missing = {"n", "lhs", "op", "rhs", "power", "pop_value"} - set(table.columns)
    if missing:
        raise ValueError(f"not a power table (columns missing: {', '.join(sorted(missing))})")
    keys = ["lhs", "op", "rhs", "path"]
    if "path" not in table.columns:
        table = table.assign(path="")
    sub = table[table["pop_value"].abs().to_numpy() > 1e-12]
    codes, groups = pd.MultiIndex.from_frame(sub[keys]).factorize()   # first-appearance order
    order = np.lexsort((sub["n"].to_numpy(), codes))                   # by group, then n
    codes, n = codes[order], sub["n"].to_numpy()[order]
    power = sub["power"].to_numpy(dtype=float)[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]][:len(codes)])
    ends = np.r_[starts[1:], len(codes)][:len(starts)].astype(int)
    # from the first n after the last one below the target (NaN power counts as below)
    below = np.where(power >= target, -1, np.arange(len(codes)))
    first = np.maximum(np.maximum.reduceat(below, starts) + 1, starts) if len(starts) else starts
    out = pd.DataFrame({**{k: groups.get_level_values(i) for i, k in enumerate(keys)},
                        "pop_value": sub["pop_value"].to_numpy()[order][starts],
                        "power_max_n": power[ends - 1],
                        "min_n": [n[f] if f < e else np.nan for f, e in zip(first, ends)]},
                       columns=keys + ["pop_value", "power_max_n", "min_n"])
    if hypothesised is None:
        hypothesised = table.attrs.get("hypothesised")
    labels = _labels(out)
    if hypothesised is None:
        hypothesised = [label for label, op in zip(labels, out["op"]) if op == "~"]
    wanted = {h if isinstance(h, str) else _label(h) for h in hypothesised}
    chosen = out.loc[np.array([lab in wanted for lab in labels], dtype=bool), "min_n"]
    overall = None
    if len(chosen) and chosen.notna().all():
        overall = int(chosen.max())
    out.attrs["overall"] = overall
    out.attrs["target"] = target
    return out


# ---------------------------------------------------------------------------- RMSEA power
def _check_rmsea_args(rmsea0, rmsea_a, df, alpha, group):
    for name, value in (("rmsea0", rmsea0), ("rmsea_a", rmsea_a)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number (got {value!r})")
    if not np.isfinite(df) or df <= 0:
        raise ValueError(f"df must be positive (got {df!r})")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha!r})")
    if group < 1:
        raise ValueError(f"group must be at least 1 (got {group!r})")


def _ncx2_sf(x, df, ncp):
    ncp = np.asarray(ncp, dtype=float)
    return np.where(ncp > 0, stats.ncx2.sf(x, df, np.maximum(ncp, 1e-300)), stats.chi2.sf(x, df))


def _ncx2_isf(q, df, ncp):
    ncp = np.asarray(ncp, dtype=float)
    return np.where(ncp > 0, stats.ncx2.isf(q, df, np.maximum(ncp, 1e-300)), stats.chi2.isf(q, df))


def power_rmsea(rmsea0: float = 0.05, rmsea_a: float = 0.08, df: float = None, n=None,
                alpha: float = 0.05, group: int = 1):
    """Power of the RMSEA test of H0: rmsea = ``rmsea0`` against ``rmsea_a`` (MacCallum, Browne
    & Sugawara 1996), as semTools ``findRMSEApower(rmsea0, rmseaA, df, n, alpha, group)``.

    With ncp = (n - 1) df rmsea^2 / group: for rmsea0 < rmsea_a (test of close or exact fit) the
    critical value is the upper alpha quantile of chi2(df, ncp0) and power = P(chi2(df, ncpA) >
    c); otherwise (test of not-close fit) the lower alpha quantile and power = P(chi2(df, ncpA)
    <= c). ``n`` (total sample size) may be a number or an array; returns the same shape.

    Parameters
    ----------
    rmsea0 : float
        The RMSEA under the null hypothesis.
    rmsea_a : float
        The RMSEA under the alternative.
    df : float
        The model's degrees of freedom.
    n : int or array_like
        Total sample size(s).
    alpha : float
        Significance level.
    group : int
        The number of groups.

    Returns
    -------
    float or ndarray
        The power, shaped like ``n``.

    Examples
    --------
    >>> from relqual.power import power_rmsea
    >>> round(power_rmsea(0.05, 0.08, df=24, n=200), 4)
    0.51
    >>> power_rmsea(0.05, 0.08, df=24, n=[200, 400]).round(3)
    array([0.51 , 0.828])
    """
    if df is None or n is None:
        raise ValueError("power_rmsea needs df and n")
    _check_rmsea_args(rmsea0, rmsea_a, df, alpha, group)
    n_arr = np.asarray(n, dtype=float)
    if np.any(n_arr < 2):
        raise ValueError("n must be at least 2")
    ncp0 = (n_arr - 1) * df * rmsea0 ** 2 / group
    ncpa = (n_arr - 1) * df * rmsea_a ** 2 / group
    if rmsea0 < rmsea_a:
        out = _ncx2_sf(_ncx2_isf(alpha, df, ncp0), df, ncpa)
    else:
        out = 1 - _ncx2_sf(_ncx2_isf(1 - alpha, df, ncp0), df, ncpa)
    return float(out) if np.ndim(out) == 0 else out


def sample_size_rmsea(rmsea0: float = 0.05, rmsea_a: float = 0.08, df: float = None,
                      power: float = 0.8, alpha: float = 0.05, group: int = 1):
    """The smallest sample size whose RMSEA test power exceeds ``power``, as semTools
    ``findRMSEAsamplesize``: n = 5, 6, ... (total; semTools scans 5:500, then blocks of 500), the
    first with power > ``power``, returned per group (n / group). Where even n = 5 has enough
    power semTools returns the text "Sample Size <= 5"; this returns 5 / group.

    Parameters
    ----------
    rmsea0 : float
        The RMSEA under the null hypothesis.
    rmsea_a : float
        The RMSEA under the alternative.
    df : float
        The model's degrees of freedom.
    power : float
        The power to exceed.
    alpha : float
        Significance level.
    group : int
        The number of groups.

    Returns
    -------
    int or float
        The sample size per group.

    Examples
    --------
    >>> from relqual.power import power_rmsea, sample_size_rmsea
    >>> n = sample_size_rmsea(0.05, 0.08, df=24)
    >>> n, power_rmsea(0.05, 0.08, df=24, n=n - 1) <= 0.8 < power_rmsea(0.05, 0.08, df=24, n=n)
    (375, True)
    """
    if df is None:
        raise ValueError("sample_size_rmsea needs df")
    _check_rmsea_args(rmsea0, rmsea_a, df, alpha, group)
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1 (got {power!r})")
    if rmsea0 == rmsea_a:
        raise ValueError("rmsea0 and rmsea_a are equal: the test's power is alpha at every n")
    block = np.arange(5, 501)
    pw = power_rmsea(rmsea0, rmsea_a, df, block, alpha, group)
    if np.all(pw > power):
        return _per_group(5, group)
    while block[0] <= 10_000_000:
        hits = np.flatnonzero(pw > power)
        if len(hits):
            return _per_group(int(block[hits[0]]), group)
        block = block + 500
        pw = power_rmsea(rmsea0, rmsea_a, df, block, alpha, group)
    raise ValueError("no sample size up to 10,000,000 reaches the requested power")


def _per_group(n: int, group: int):
    value = n / group
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------------------- text report
def power_text(table: pd.DataFrame, target: float | None = None) -> str:
    """A plain-text summary of a :func:`power` table: power of every structural path, ``:=``
    parameter and specific indirect effect at each n, the smallest n per path, and throughput.

    Parameters
    ----------
    table : DataFrame
        A :func:`power` table (with its ``attrs``).
    target : float, optional
        The power for the "n for" column (default: the table's ``attrs["target"]``).

    Returns
    -------
    str

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.power import power_text
    >>> population = ("f =~ 0.7*x1 + 0.7*x2 + 0.7*x3; y ~ 0.3*f; f ~~ 1*f; y ~~ 0.91*y; "
    ...               "x1 ~~ 0.51*x1; x2 ~~ 0.51*x2; x3 ~~ 0.51*x3")
    >>> table = rq.power("f =~ x1 + x2 + x3; y ~ f", population=population, n=(50, 100),
    ...                  reps=10, seed=1, n_jobs=1)
    >>> print(power_text(table))  # doctest: +ELLIPSIS
    Monte Carlo power: 10 replicates per n, alpha = 0.05, estimator ML (listwise), seed 1
    <BLANKLINE>
      parameter  population  n=50  n=100  n for 80%
      ---------  ----------  ...
      y ~ f           0.429  ...
    ...
    """
    attrs = table.attrs
    target = attrs.get("target", 0.8) if target is None else target
    sizes = sorted(table["n"].unique())
    shown = table[table["op"].isin(["~", ":=", "indirect"])]
    if shown.empty:
        shown = table
    first = shown.drop_duplicates(["lhs", "op", "rhs", "path"])
    min_n = smallest_n(table, target=target, hypothesised=attrs.get("hypothesised"))
    min_by_label = {_label(r): r["min_n"] for _, r in min_n.iterrows()}
    header = ["parameter", "population"] + [f"n={n}" for n in sizes] + [f"n for {target:.0%}"]
    rows = []
    for _, r in first.iterrows():
        label = _label(r)
        part = shown[(shown["lhs"] == r["lhs"]) & (shown["op"] == r["op"])
                     & (shown["rhs"] == r["rhs"]) & (shown["path"] == r["path"])]
        by_n = dict(zip(part["n"], part["power"]))
        best = min_by_label.get(label, np.nan)
        rows.append([label, f"{r['pop_value']:.3f}"]
                    + [f"{by_n.get(n, np.nan):.3f}" for n in sizes]
                    + ["" if abs(r["pop_value"]) <= 1e-12 else
                       (f"> {sizes[-1]}" if pd.isna(best) else
                        (f"<= {int(best)}" if best == sizes[0] else str(int(best))))])
    widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(len(header))]
    lines = [f"Monte Carlo power: {attrs.get('reps')} replicates per n, alpha = "
             f"{attrs.get('alpha')}, estimator {attrs.get('estimator')} ({attrs.get('missing')}), "
             f"seed {attrs.get('seed')}", ""]
    fmt = lambda cells: "  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                         for i, (c, w) in enumerate(zip(cells, widths)))
    lines += [fmt(header), fmt(["-" * w for w in widths]), *[fmt(r) for r in rows], ""]
    conv = table.groupby("n")["converged"].first()
    lines.append("  converged: " + ", ".join(f"n={n}: {conv[n]:.1%}" for n in sizes))
    test = attrs.get("model_test") or {}
    if test and all(np.isfinite(v) for v in test.values()):
        lines.append("  chi-square test rejects the model: "
                     + ", ".join(f"n={n}: {test[n]:.1%}" for n in sizes))
    overall = attrs.get("min_n", {}).get("overall")
    hyp = attrs.get("hypothesised") or []
    if hyp:
        lines.append(f"  smallest n with power >= {target:.0%} for every hypothesised path "
                     f"({len(hyp)}): " + (str(overall) if overall is not None
                                         else f"not reached up to n = {sizes[-1]}"))
    if attrs.get("population_fmin", 0) > 1e-8:
        lines.append(f"  note: the analysis model misfits the population (RMSEA "
                     f"{attrs['population_rmsea']:.3f}); population values are pseudo-true values")
    lines.append(f"  {attrs.get('fits_per_second', np.nan):.0f} fits per second "
                 f"({attrs.get('fit_seconds', np.nan):.1f} s of fitting, backend "
                 f"{attrs.get('backend')})")
    return "\n".join(lines) + "\n"
