"""Steps 2-3 of a fit: the estimation problem (parameter table, data, sample statistics, model
matrices, loss and starting values), built once per fit and swapped, not rebuilt, for refits.

A :class:`Problem` is what every estimator's pipeline hands the optimizer and the inference step
(StructuralEquationModels.jl's ``observed`` + ``implied`` + ``loss``): ``loss`` implements
:class:`relqual.engine.protocol.Loss`. :meth:`Problem.with_data` swaps in other rows (a
bootstrap resample, a power replicate) keeping the compiled model (``replace_observed`` in
StructuralEquationModels.jl). :meth:`Problem.row_values` and
:meth:`Problem.standardize` are the one place where parameter-table values are computed from a
free-parameter vector.

The problem of a fit is built by its estimator family (:class:`Family`): :mod:`relqual.ml` for
ML and MLR (complete data or FIML), :mod:`relqual.ordinal` for WLSMV.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
import pandas as pd

from .data import DataError, PreparedData, check_group_column
from .engine.inference import evaluate_defined, standardize
from .engine.samplestats import SampleStats
from .partable import ParTable
from .syntax import ModelSyntaxError

MAX_GROUPS = 20       # more distinct numeric values than this: a continuous column, not groups


PLS_ONLY = ("this is a PLS-SEM result (weights, f², VIF, cross-loadings, the 0-100 index, "
            "IPMA, the bootstrap test of exact fit): fit with estimator='PLS' or 'PLSc'")


@dataclass(frozen=True)
class Problem:
    """One estimation problem: everything the optimizer and the inference step need.

    Attributes
    ----------
    family : Family
        The estimator family that built it (:class:`relqual.ml.MLFamily` for ML, MLR and FIML,
        :class:`relqual.ordinal.WLSMVFamily`); it knows how to swap data in, the inference
        step, the fit measures and what its fits support.
    partable : ParTable
        The parameter table (lavaan's ``parTable()``), the single source of truth.
    data : PreparedData
        The rows used per group (NaN = missing under FIML), group labels and notes on dropped rows.
    samples : list of SampleStats
        Per group the sample moments (FIML: the EM moments; WLSMV: the polychoric correlations).
    models : list of RamModel
        Per group the RAM matrices with fixed values filled in.
    loss : Loss
        The discrepancy function of the free parameters.
    x0 : ndarray
        Starting values.
    moments : int
        The number of sample statistics the model reproduces (for the degrees of freedom).
    incomplete : list of IncompleteData or None
        Under FIML, per group the missing-data patterns and the EM (H1) estimates.
    ordinal : dict or None
        WLSMV: ``stats`` (per group thresholds, polychorics, Gamma), ``levels`` (per item its
        categories), ``ordered`` (the ordered items).
    notes : tuple of str
        What the data and the model already say before any estimation (rows dropped, ...).
    fiml : bool
        Whether the loss is the FIML one (over missing-data patterns), also in refits.
    pls : dict or None
        PLS: the path model, the standardized indicators and the algorithm's settings.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> problem = res.problem
    >>> problem.family.name, type(problem.loss).__name__, problem.moments, problem.df
    ('ML', 'MLLoss', 10, 2)
    >>> problem.n_obs, problem.x0.shape
    (301, (8,))
    """

    family: object
    partable: ParTable
    data: PreparedData
    samples: list
    models: list
    loss: object
    x0: np.ndarray
    moments: int
    incomplete: list | None = None
    ordinal: dict | None = field(default=None, repr=False)
    notes: tuple = ()
    fiml: bool = False
    pls: dict | None = field(default=None, repr=False)

    @property
    def df(self) -> int:
        """Degrees of freedom: sample statistics minus free parameters (``moments - npar``)."""
        return self.moments - self.partable.npar

    @property
    def n_obs(self) -> int:
        """The number of rows used, over all groups."""
        if hasattr(self.family, "n_obs"):           # summary statistics: N, not rows
            return self.family.n_obs(self)
        return int(sum(len(a) for a in self.data.arrays))

    # ------------------------------------------------------------------ parameter values
    def row_values(self, x: np.ndarray) -> np.ndarray:
        """The value of every parameter-table row (and ``:=`` definition) at ``x``.

        Free rows take ``x``; fixed rows their fixed value, or (fixed.x covariates, WLSMV's
        residual variances of ordered items under the delta parameterization) the value the
        model matrices give them at ``x``.

        Parameters
        ----------
        x : ndarray
            The free parameters (``npar``).

        Returns
        -------
        ndarray
            One value per parameter-table row; ``:=`` rows evaluated, ``==`` rows NaN.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> res.problem.row_values(res.x).round(3).tolist()
        [1.0, 0.778, 1.107, 0.835, 1.065, 0.633, 0.524]
        """
        if hasattr(self.family, "row_values"):       # a family without RAM matrices (PLS)
            return self.family.row_values(self, x)
        col = self.partable.col
        values = np.full(len(col["op"]), np.nan)
        for model in self.models:
            values[model.rows] = model.row_values(*model.matrices(x))
        other = ((col["op"] == "|") | (col["op"] == "~*~")) & (col["free"] == 0)
        values[other] = col["ustart"][other]
        free = col["free"]
        values[free > 0] = x[free[free > 0] - 1]
        return evaluate_defined(col, values)

    def standardize(self, x: np.ndarray, kind: str, values: np.ndarray | None = None
                    ) -> np.ndarray:
        """Standardized value of every row at ``x`` (``kind``: "std.lv" or "std.all").

        WLSMV thresholds are divided by the latent response's implied standard deviation for
        std.all (unchanged for std.lv), as lavaan's ``standardizedSolution``.

        Parameters
        ----------
        x : ndarray
            The free parameters.
        kind : {"std.lv", "std.all"}
            Standardize the latent variables only, or all variables.
        values : ndarray, optional
            :meth:`row_values` at ``x``, when the caller has them already.

        Returns
        -------
        ndarray
            One standardized value per parameter-table row.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> res.problem.standardize(res.x, "std.all").round(3).tolist()
        [0.621, 0.479, 0.71, 0.614, 0.771, 0.496, 1.0]
        """
        if hasattr(self.family, "standardize"):
            return self.family.standardize(self, x, kind)
        if values is None:
            values = self.row_values(x)
        # WLSMV with covariates: the joint moments (covariates included), as lavaan
        models = [m.joint() if hasattr(m, "joint") else m for m in self.models]
        out = standardize(self.partable.col, models, x, values, kind)
        if self.ordinal is not None:
            col = self.partable.col
            for g, model in enumerate(models, start=1):
                sd = np.sqrt(np.diag(model.implied(x).sigma))
                for k in np.flatnonzero((col["group"] == g) & np.isin(col["op"], ["|", "~*~"])):
                    scale = sd[model.ov_names.index(col["lhs"][k])]
                    out[k] = (values[k] / scale if (kind == "std.all" and col["op"][k] == "|")
                              else values[k])
        return out

    # ------------------------------------------------------------------ swapping parts
    def detached(self) -> Problem:
        """A copy whose RAM models belong to it alone (for a worker that swaps data in).

        Returns
        -------
        Problem
            The same problem with deep copies of its RAM models.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> res.problem.detached().models[0] is res.problem.models[0]
        False
        """
        return replace(self, models=[copy.deepcopy(m) for m in self.models])

    def with_data(self, arrays: list[np.ndarray]) -> Problem:
        """The same compiled model on other rows (per group, model variable order, NaN =
        missing): new sample statistics and loss, the same RAM models (call on a
        :meth:`detached` problem: their fixed.x values are set from the new rows).

        Parameters
        ----------
        arrays : list of ndarray
            Per group the rows (rows x observed variables).

        Returns
        -------
        Problem
            A new problem; this one keeps its data.

        Raises
        ------
        ValueError
            When the rows cannot be fitted (e.g. an empty category of an ordered item in a
            resample).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> problem = res.problem.detached()
        >>> half = problem.with_data([problem.data.arrays[0][:150]])
        >>> half.n_obs, half.samples[0].n, res.problem.n_obs
        (150, 150, 301)
        """
        return self.family.with_data(self, [np.asarray(a, dtype=float) for a in arrays])


class Family(Protocol):
    """An estimator family: the parts of the pipeline that differ between estimators.

    ``name`` ("ML", "WLSMV"); :meth:`unsupported`: the Result methods a fit does not offer,
    with the message that refuses them (the one place that declares them); :meth:`problem`
    builds the problem of a fit;
    :meth:`with_data` swaps rows in; :meth:`inference` turns an optimum into the covariance of
    the estimates; :meth:`fit_measures` computes lavaan's fit measures.

    Examples
    --------
    >>> from relqual.ml import ML
    >>> from relqual.ordinal import WLSMV
    >>> ML.name, WLSMV.name
    ('ML', 'WLSMV')
    """

    name: str

    def unsupported(self, problem: Problem) -> dict:
        """The Result methods a fit of ``problem`` does not offer.

        Parameters
        ----------
        problem : Problem

        Returns
        -------
        dict
            Method name -> the message that refuses it.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> sorted(res.problem.family.unsupported(res.problem))
        ['pls']
        """
        ...

    def problem(self, spec, data, options) -> Problem:
        """Steps 2-3 of a fit: the problem of ``spec`` fitted to ``data``.

        Parameters
        ----------
        spec : ModelSpec
            The model.
        data : DataFrame
            The data.
        options : FitOptions
            The checked options.

        Returns
        -------
        Problem

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.ml import ML
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> problem = ML.problem(resolve_model("f =~ x1 + x2 + x3"),
        ...                      rq.datasets.load("holzinger_swineford"), FitOptions())
        >>> problem.partable.npar, problem.n_obs
        (6, 301)
        """
        ...

    def with_data(self, problem: Problem, arrays: list[np.ndarray]) -> Problem:
        """``problem`` on other rows (see :meth:`Problem.with_data`).

        Parameters
        ----------
        problem : Problem
        arrays : list of ndarray
            Per group the rows.

        Returns
        -------
        Problem

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> problem = res.problem.detached()
        >>> problem.family.with_data(problem, [problem.data.arrays[0][:100]]).n_obs
        100
        """
        ...

    def inference(self, problem: Problem, opt, options):
        """Step 5: the covariance of the estimates at the optimum ``opt``.

        Parameters
        ----------
        problem : Problem
        opt : OptimResult
            The optimum (step 4).
        options : FitOptions

        Returns
        -------
        Inference

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.options import FitOptions
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> inf = res.problem.family.inference(res.problem, res.estimate.opt, FitOptions())
        >>> inf.kind, inf.vcov.shape
        ('expected', (6, 6))
        """
        ...

    def fit_measures(self, problem: Problem, estimate) -> dict:
        """lavaan's fit measures of a fit (names as ``fitMeasures``, '.' -> '_').

        Parameters
        ----------
        problem : Problem
        estimate : Estimate
            The outcome of steps 4-6.

        Returns
        -------
        dict

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> measures = res.problem.family.fit_measures(res.problem, res.estimate)
        >>> round(float(measures["chisq"]), 3), measures["df"]
        (11.798, 2)
        """
        ...



# ---------------------------------------------------------------------- ML and FIML

def count_groups(data, group: str | None) -> int:
    """Number of groups (distinct non-missing values of the ``group`` column).

    Parameters
    ----------
    data : DataFrame
        The data.
    group : str or None
        The group column.

    Returns
    -------
    int
        1 without a group column.

    Raises
    ------
    DataError
        When the column is absent or has fewer than two values.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> count_groups(hs, None), count_groups(hs, "school")
    (1, 2)
    """
    if group is None:
        return 1
    check_group_column(data, group)
    column = data[group].dropna()
    n = int(column.nunique())
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=float)
        if np.any(values % 1 != 0) or n > MAX_GROUPS:
            shown = ", ".join(f"{v:g}" for v in pd.unique(values)[:4])
            raise DataError(f"group column '{group}' looks continuous ({n} distinct values such "
                            f"as {shown}); group= needs a column of a few categories: cut it "
                            f"into groups first (e.g. pd.qcut(data['{group}'], 2, "
                            "labels=['low', 'high']))")
    if n < 2:
        raise DataError(f"group column '{group}' has {n} distinct value(s); at least 2 are needed")
    return n


def count_moments(partable: ParTable, samples: list[SampleStats]) -> int:
    """Number of sample moments the model reproduces (fixed.x moments excluded, as lavaan).

    Per group ``p (p + 1) / 2`` (co)variances plus ``p`` means with a mean structure, minus
    those of the ``nx`` fixed.x covariates.

    Parameters
    ----------
    partable : ParTable
        The model.
    samples : list of SampleStats
        Per group the observed moments.

    Returns
    -------
    int

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.engine.samplestats import SampleStats
    >>> from relqual.partable import build_partable
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> sample = SampleStats.from_array(hs[["x1", "x2", "x3"]].to_numpy(), ["x1", "x2", "x3"])
    >>> count_moments(build_partable("f =~ x1 + x2 + x3"), [sample])
    6
    >>> count_moments(build_partable("x3 ~ x1 + x2"), [sample])
    3
    """
    nx = len(partable.roles.ov_x) if partable.options["fixed_x"] else 0
    total = 0
    for s in samples:
        p = len(s.names)
        total += p * (p + 1) // 2 - nx * (nx + 1) // 2
        if partable.meanstructure:
            total += p - nx
    return total


def check_identified(partable: ParTable, moments: int) -> None:
    """Refuse a model that cannot be identified: a latent variable without a scale (no fixed
    nonzero loading, no fixed variance), or more free parameters than sample statistics.

    Parameters
    ----------
    partable : ParTable
        The model.
    moments : int
        The number of sample statistics (:func:`count_moments`).

    Returns
    -------
    None

    Raises
    ------
    ModelSyntaxError
        Naming the latent variable without a scale, or the negative degrees of freedom.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> check_identified(build_partable("f =~ x1 + x2 + x3"), 6)
    >>> check_identified(build_partable("f =~ NA*x1 + x2 + x3"), 6)
    Traceback (most recent call last):
    ...
    relqual.syntax.ModelSyntaxError: line 1: latent variable 'f' has no scale, so the model is not
    identified: fix one loading (e.g. 1*x) or its variance ('f ~~ 1*f'), or fit with std_lv=True
    >>> check_identified(build_partable("f =~ x1 + x2"), 3)
    Traceback (most recent call last):
    ...
    relqual.syntax.ModelSyntaxError: the model has 4 free parameters but the data give only 3
    sample statistics (df = -1 < 0): the model is not identified
    """
    col = partable.col
    scaled, first_line = set(), {}           # one pass over the rows, as plain Python values
    for op, lhs, rhs, free, ustart, line in zip(*(col[c].tolist() for c in (
            "op", "lhs", "rhs", "free", "ustart", "line"))):
        if op == "=~":
            first_line.setdefault(lhs, line)
            if free == 0 and ustart != 0:    # a fixed nonzero loading
                scaled.add(lhs)
        elif op == "~~" and lhs == rhs and free == 0:    # a fixed variance
            scaled.add(lhs)
    for lv in partable.roles.lv:
        if lv not in scaled:
            line = int(first_line[lv]) if lv in first_line else None
            raise ModelSyntaxError(f"latent variable '{lv}' has no scale, so the model is not "
                                   "identified: fix one loading (e.g. 1*x) or its variance "
                                   f"('{lv} ~~ 1*{lv}'), or fit with std_lv=True", line, lv)
    if partable.npar > moments:
        raise ModelSyntaxError(f"the model has {partable.npar} free parameters but the data give "
                               f"only {moments} sample statistics (df = "
                               f"{moments - partable.npar} < 0): the model is not identified")


@dataclass(frozen=True)
class Inference:
    """The covariance of the estimates and what it was computed from (step 6 of a fit).

    ``kind``: "expected", "observed", "robust.huber.white" (MLR), "robust.sem" (WLSMV) or
    "semopy"; ``information``: the matrix whose (near-)null space names unidentified
    parameters when ``vcov`` is not available; ``robust``: MLR's sandwich and scaling factors;
    ``wls``: WLSMV's robust covariance and scaled-shifted test.

    Parameters
    ----------
    vcov : ndarray
        The covariance of the estimates (npar x npar; NaN when not invertible).
    invertible : bool
        Whether the information matrix could be inverted.
    kind : str
        See above.
    information : ndarray, optional
        The information (Hessian of the objective) it came from.
    robust : dict, optional
        MLR: :func:`relqual.engine.robust.robust_ml`'s result.
    wls : WLSInference, optional
        WLSMV: :func:`relqual.engine.wls.inference`'s result.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> inf = rq.fit("f =~ x1 + x2 + x3 + x4", hs, estimator="MLR").estimate.inference
    >>> inf.kind, inf.invertible, inf.vcov.shape, round(inf.robust["scaling_factor"], 3)
    ('robust.huber.white', True, (8, 8), 0.836)
    """

    vcov: np.ndarray
    invertible: bool
    kind: str
    information: np.ndarray | None = None
    robust: dict | None = None
    wls: object = None
