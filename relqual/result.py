"""The fitted model: lavaan-style tables (estimates, fit measures, R-squared) and displays.

A :class:`Result` is built once, from the estimation problem and its estimate
(:mod:`relqual.estimation`), and never changes: a different covariance of the estimates (the
bootstrap) gives a new Result (:meth:`Result.with_bootstrap`), as statsmodels'
``get_robustcov_results``. Tables are computed on first request and cached. What a kind of fit
does not support is declared by its estimator family (``family.unsupported``) and refused by
:func:`requires` with one clear message.
"""
from __future__ import annotations

import functools
import html
import unicodedata
from dataclasses import replace
from functools import cached_property
from types import MappingProxyType

import numpy as np
import pandas as pd

from .effects import effects_table
from .engine.inference import numerical_jacobian, wald_table
from .engine.threads import single_threaded
from .errors import RelqualWarning  # noqa: F401 - public here too (rq.RelqualWarning)
from .intervals import bootstrap_interval
from .resample import run_bootstrap
from .testlabels import test_label
from .verdicts import judge

# the columns of estimates(), in order (the public API contract, DESIGN.md)
ESTIMATE_COLUMNS = ["lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                    "ci_lower", "ci_upper", "std_lv", "std_all"]

TEXT_COLUMNS = ("lhs", "op", "rhs", "label")

# the operators whose rows estimates() lists (not constraints such as ==, <, >)
TABLE_OPS = frozenset(["=~", "<~", "~", "~~", "~1", "|", "~*~", ":="])


@functools.lru_cache(maxsize=256)
def _text_column(values: tuple):
    """A column of names as pandas' string array, converted once per distinct column (the same
    model's tables repeat them; a DataFrame built from it holds a copy)."""
    return pd.array(values, dtype="str")


@functools.lru_cache(maxsize=256)
def _measure_index(names: tuple) -> pd.Index:
    """The index of a fit-measures Series, built once per distinct list of measures (an Index
    is immutable; Series built on it hand out views)."""
    return pd.Index(names)


def requires(feature: str):
    """Refuse a Result method that the fit's estimator family does not support.

    Parameters
    ----------
    feature : str
        The feature's key in the estimator family's ``unsupported(problem)`` mapping (e.g.
        ``"modindices"``), the one place that declares what each kind of fit supports.

    Returns
    -------
    callable
        A decorator for a :class:`Result` method: the method raises ``NotImplementedError``
        with the family's message when the fit does not support ``feature``.

    Examples
    --------
    >>> import relqual as rq
    >>> data = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ b1 + b2 + b3 + c4 + c5 + c6", data, ordered=True)
    >>> res.bollen_stine(10)
    Traceback (most recent call last):
    ...
    NotImplementedError: the Bollen-Stine bootstrap is not available for ordered items (this ...
    """
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            refusal = self.problem.family.unsupported(self.problem).get(feature)
            if refusal is not None:
                raise NotImplementedError(refusal)
            return method(self, *args, **kwargs)
        return wrapper
    return decorate


def _read_only(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype=float)
    out.setflags(write=False)
    return out


def _drawn_by_seed(boot, sizes: list[int]) -> bool:
    """Whether ``boot`` holds the ordinary resamples that ``seed`` draws
    (:func:`relqual.resample.draw_indices`), not replayed or Bollen-Stine ones."""
    if boot.kind != "ordinary" or boot.seed is None or boot.indices is None:
        return False
    if getattr(boot, "from_seed", False):       # run_bootstrap drew them: check the sizes only
        return [len(rows) for rows in boot.indices[0]] == sizes
    from .resample import draw_indices
    expected = draw_indices(sizes, len(boot.converged), boot.seed)
    return len(expected) == len(boot.indices) and all(
        len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))
        for a, b in zip(expected, boot.indices))


class Result:
    """An immutable fitted model (see the module docstring).

    Parameters
    ----------
    spec : ModelSpec
        The model that was fitted.
    estimate : relqual.estimation.Estimate
        The estimation problem with its optimum, inference and messages.
    call : dict
        The options of the fit, as reported (and reused by refits).
    boot : relqual.resample.BootstrapDraws, optional
        Bootstrap draws that replace the standard errors and intervals (``se="bootstrap"``).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> res.converged, res.n_obs
    (True, 301)
    >>> res.x = None
    Traceback (most recent call last):
    ...
    AttributeError: a Result cannot be changed; fit again, or use with_bootstrap()/evaluated_at()
    """

    def __init__(self, *, spec, estimate, call: dict, boot=None):
        problem = estimate.problem
        set_ = object.__setattr__
        set_(self, "spec", spec)
        set_(self, "estimate", estimate)
        set_(self, "problem", problem)
        set_(self, "call", MappingProxyType(dict(call)))   # read-only
        set_(self, "boot", boot)
        set_(self, "partable", problem.partable)
        set_(self, "x", _read_only(estimate.x))
        set_(self, "_resamples", {})
        vcov = estimate.vcov
        if boot is not None:                       # covariance of the bootstrap draws
            free_rows = [np.flatnonzero(problem.partable.col["free"] == k)[0]
                         for k in range(1, problem.partable.npar + 1)]
            vcov = np.cov(boot.block("est")[:, free_rows], rowvar=False).reshape(
                len(free_rows), len(free_rows))
        set_(self, "vcov_matrix", None if vcov is None else _read_only(vcov))

    def __getattr__(self, name):
        details = self.__dict__["estimate"].opt.details if "estimate" in self.__dict__ else {}
        if name in details:                  # what an external optimizer left to inspect
            return details[name]
        raise AttributeError(f"'Result' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        raise AttributeError("a Result cannot be changed; fit again, or use "
                             "with_bootstrap()/evaluated_at()")

    # ------------------------------------------------------------------ what was fitted
    @property
    def converged(self) -> bool:
        """Whether the optimizer converged (bool).

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> res.converged
        True
        """
        return self.estimate.converged

    @property
    def iterations(self) -> int:
        """The number of the optimizer's iterations (int).

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> isinstance(res.iterations, int), res.iterations > 0
        (True, True)
        """
        return int(self.estimate.opt.iterations)

    @property
    def optim(self):
        """The optimizer's result (``x fmin gradient information iterations converged
        message``).

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> res.optim.converged, round(float(res.optim.fmin), 4)
        (True, 0.0809)
        """
        return self.estimate.opt

    @property
    def n_obs(self) -> int:
        """The number of rows used, over all groups (int).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
        >>> res.n_obs, res.n_input
        (537, 600)
        """
        return self.problem.n_obs

    @property
    def n_input(self) -> int:
        """The number of rows in the data given to the fit (int).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
        >>> res.n_input, res.n_input - res.n_obs
        (600, 63)
        """
        return int(self.problem.data.n_input)

    @property
    def data_notes(self) -> list[str]:
        """What happened to the rows, e.g. how many were dropped and why (list of str).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
        >>> res.data_notes
        ['63 of 600 rows dropped because of missing values (listwise deletion); ...']
        """
        return list(self.problem.data.notes)

    @property
    def group_labels(self) -> list:
        """The group labels in lavaan's order, that of first appearance (``[None]`` for one
        group).

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> rq.fit("visual =~ x1 + x2 + x3", hs, group="school").group_labels
        ['Pasteur', 'Grant-White']
        >>> rq.fit("visual =~ x1 + x2 + x3", hs).group_labels
        [None]
        """
        return list(self.problem.data.group_labels)

    @property
    def warnings(self) -> list[str]:
        """Everything a researcher must read about this fit (non-convergence, improper
        solutions, rows dropped, failed bootstrap draws, ...), as a new list of str.

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
        >>> len(res.warnings), res.warnings[0].startswith("63 of 600 rows dropped")
        (1, True)
        """
        return list(self._warnings)

    @cached_property
    def _warnings(self) -> tuple:
        note = self.boot.note() if self.boot is not None else None
        return tuple(self.estimate.messages) + ((note,) if note else ())

    @property
    def robust(self) -> dict | None:
        """MLR: the sandwich covariance and the Yuan-Bentler scaling factors, else None.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> mlr = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs, estimator="MLR")
        >>> sorted(mlr.robust)
        ['baseline_scaling_factor', 'scaling_factor', 'trace_h0', 'trace_h1', 'vcov']
        >>> mlr.robust["vcov"].shape, rq.fit("visual =~ x1 + x2 + x3", hs).robust is None
        ((13, 13), True)
        """
        return None if self.estimate.inference is None else self.estimate.inference.robust

    # engine-facing parts of the fitted problem (read by measurement, scores, modindices)
    @property
    def models(self):
        """The RAM model of each group (:class:`relqual.engine.matrices.RamModel`); for a
        WLSMV fit with covariates the joint model (their sample moments included,
        :meth:`relqual.engine.wls.OrdinalRamModel.joint`), whose moments lavaan's R²,
        effects and standardized values use.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> len(res.models), res.models[0].ov_names, res.models[0].lv_names
        (1, ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'], ['visual', 'textual'])
        """
        return [m.joint() if hasattr(m, "joint") else m for m in self.problem.models]

    @property
    def samples(self):
        """The sample statistics of each group (:class:`relqual.engine.samplestats.SampleStats`).

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3", hs, group="school")
        >>> [(s.n, s.cov.shape) for s in res.samples]
        [(156, (3, 3)), (145, (3, 3))]
        """
        return self.problem.samples

    @property
    def incomplete(self):
        """The missing-data patterns of a FIML fit, else None.

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> hs.loc[:9, "x1"] = float("nan")                # 10 incomplete rows
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = rq.fit("visual =~ x1 + x2 + x3", hs, missing="fiml")
        >>> [p.n for p in res.incomplete[0].patterns]
        [291, 10]
        """
        return self.problem.incomplete

    @property
    def pieces(self):
        """The loss's pieces (one per group, or per missing-data pattern under FIML).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> hs.loc[:9, "x1"] = float("nan")                # 10 incomplete rows
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = rq.fit("visual =~ x1 + x2 + x3", hs, missing="fiml")
        >>> [(p.n, p.obs.tolist()) for p in res.pieces]
        [(291, [0, 1, 2]), (10, [1, 2])]
        """
        return self.problem.loss.pieces

    @property
    def prepared(self):
        """The prepared data: one array of used rows per group, labels and notes.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> res.prepared.n_input, res.prepared.arrays[0].shape, res.prepared.notes
        (301, (301, 6), [])
        """
        return self.problem.data

    @property
    def summary_data(self):
        """The summary statistics of a fit from a covariance or correlation matrix
        (:class:`relqual.summary.SummaryData`), else None.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3", cov=hs[["x1", "x2", "x3"]].cov(), n_obs=301)
        >>> res.summary_data.kind, res.summary_data.names
        ('covariance', ('x1', 'x2', 'x3'))
        >>> rq.fit("visual =~ x1 + x2 + x3", hs).summary_data is None
        True
        """
        return getattr(self.problem.family, "summary", None)

    @requires("used_data")
    def used_data(self) -> pd.DataFrame:
        """The rows the fit used: the model's observed variables (NaN = missing under FIML),
        plus a ``group`` column for a multigroup fit.

        Returns
        -------
        DataFrame
            One row per used row (groups one after the other), one column per observed variable
            (``group`` last, for a multigroup fit); a fresh 0..n-1 index.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3", hs, group="school")
        >>> list(res.used_data().columns), res.group_labels
        (['x1', 'x2', 'x3', 'group'], ['Pasteur', 'Grant-White'])
        """
        names = list(self.partable.roles.ov)
        frames = []
        for label, values in zip(self.group_labels, self.problem.data.arrays):
            frame = pd.DataFrame(values, columns=names)
            if self.partable.ngroups > 1:
                frame["group"] = label
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    # ------------------------------------------------------------------ new Results
    def with_bootstrap(self, boot) -> Result:
        """A new Result whose standard errors and (percentile) intervals come from ``boot``
        (what ``fit(..., se="bootstrap")`` returns; this Result is not changed).

        Parameters
        ----------
        boot : relqual.resample.BootstrapDraws
            Ordinary bootstrap draws of this fit (:meth:`bootstrap`).

        Returns
        -------
        Result
            The same estimates, with bootstrap standard errors (the sd of the draws), the
            covariance of the draws as ``vcov_matrix`` and percentile intervals, as lavaan's
            ``se = "bootstrap"``.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> boot_res = res.with_bootstrap(res.bootstrap(draws=20, seed=1))
        >>> boot_res.call["se"], res.call.get("se") == "bootstrap"
        ('bootstrap', False)
        """
        call = dict(self.call, se="bootstrap", bootstrap=len(boot.converged), seed=boot.seed)
        result = Result(spec=self.spec, estimate=self.estimate, call=call, boot=boot)
        if _drawn_by_seed(boot, [len(a) for a in self.problem.data.arrays]):
            # they are also the new Result's ``bootstrap(draws, seed)``: indirect-effect
            # intervals and reports with the same draws and seed reuse them
            result._resamples[("ordinary", len(boot.converged), boot.seed)] = boot
        return result

    def evaluated_at(self, x: np.ndarray) -> Result:
        """A new Result with the same problem and inference but the free parameters at ``x``
        (e.g. another program's estimates, to compare derived tables).

        Parameters
        ----------
        x : array_like
            Values of the free parameters, in the order of the ``free`` column of the
            parameter table.

        Returns
        -------
        Result
            A Result whose tables are computed at ``x`` (the covariance of the estimates is
            this fit's).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> moved = res.evaluated_at(res.x * 1.1)
        >>> round(float(moved.estimates()["est"][1] / res.estimates()["est"][1]), 6)
        1.1
        """
        estimate = replace(self.estimate, opt=replace(self.estimate.opt, x=np.asarray(x, float)))
        return Result(spec=self.spec, estimate=estimate, call=self.call, boot=self.boot)

    # ------------------------------------------------------------------ parameter values
    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Value of every parameter-table row (and ``:=`` definition) at free-parameter
        vector ``x``.

        Parameters
        ----------
        x : ndarray
            Values of the free parameters.

        Returns
        -------
        ndarray
            One value per row of ``partable`` (fixed rows at their fixed values).

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.row_values(res.x)[:3].round(3)
        array([1.   , 0.554, 0.729])
        """
        return self.problem.row_values(x)

    @cached_property
    def _values(self) -> np.ndarray:
        return self.estimate.values            # computed once, shared with the messages

    @cached_property
    def _se(self) -> np.ndarray:
        col = self.partable.col
        free = col["free"]
        if self.boot is not None:                  # sd of the draws (lavaan se="bootstrap")
            draws = self.boot.block("est")
            return np.where((free > 0) | (col["op"] == ":="), draws.std(axis=0, ddof=1), 0.0)
        se_free = np.sqrt(np.clip(np.diag(self.vcov_matrix), 0, None))
        se = np.where(free > 0, se_free[np.maximum(free - 1, 0)], 0.0)
        defined = col["op"] == ":="
        if defined.any():
            jac = numerical_jacobian(lambda x: self.row_values(x)[defined], self.x)
            se[defined] = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, self.vcov_matrix, jac),
                                          0, None))
        return se

    @cached_property
    def _std(self) -> dict:
        return {kind: self.problem.standardize(self.x, kind, self._values)
                for kind in ("std.lv", "std.all")}

    # ------------------------------------------------------------------ public tables
    def estimates(self) -> pd.DataFrame:
        """Every parameter with its test, interval and standardized values (lavaan's
        ``parameterEstimates()`` with ``standardizedSolution()``'s point estimates).

        Fixed parameters have ``se = 0`` and no z or p, as in lavaan's ``parameterEstimates()``.
        With bootstrap standard errors (:meth:`with_bootstrap`) the intervals are percentile
        intervals of the draws; otherwise Wald intervals (95%).

        Returns
        -------
        DataFrame
            ``lhs op rhs group label est se z pvalue ci_lower ci_upper std_lv std_all``, one
            row per parameter (and ``:=`` definition).

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.estimates()[["lhs", "op", "rhs", "est", "se", "std_all"]].head(3).round(3)
              lhs  op rhs    est     se  std_all
        0  visual  =~  x1  1.000  0.000    0.772
        1  visual  =~  x2  0.554  0.100    0.424
        2  visual  =~  x3  0.729  0.109    0.581
        """
        col = self.partable.col
        est, se = self._values, self._se
        op = col["op"]
        keep = np.fromiter((o in TABLE_OPS for o in op.tolist()), dtype=bool, count=len(op))
        free = (col["free"] > 0) | (op == ":=")
        z, p, lo, hi = wald_table(est, np.where(free, se, np.nan))
        if self.boot is not None:                  # percentile intervals, as lavaan
            draws = self.boot.block("est")
            for k in np.flatnonzero(free):
                lo[k], hi[k] = bootstrap_interval(draws[:, k], est[k])
        group = (np.where(op == ":=", 1, col["group"]) if self.partable.ngroups == 1
                 else col["group"])
        columns = {"group": group, "est": est, "se": se, "z": z, "pvalue": p,
                   "ci_lower": np.where(free, lo, est), "ci_upper": np.where(free, hi, est),
                   "std_lv": self._std["std.lv"], "std_all": self._std["std.all"]}
        for name in TEXT_COLUMNS:      # a copy of the cached column, which stays unchanged
            columns[name] = _text_column(tuple(col[name][keep])).copy()
        # every column is a new array here, so pandas need not copy them again
        return pd.DataFrame({name: columns[name] if name in TEXT_COLUMNS else columns[name][keep]
                             for name in ESTIMATE_COLUMNS},
                            index=pd.RangeIndex(int(keep.sum())), copy=False)

    @single_threaded
    def standardized_solution(self, kind: str = "std.all") -> pd.DataFrame:
        """Standardized estimates with delta-method SEs (lavaan ``standardizedSolution``).

        Parameters
        ----------
        kind : {"std.all", "std.lv"}
            Standardize by the variances of all variables (``std.all``) or of the latent
            variables only (``std.lv``).

        Returns
        -------
        DataFrame
            ``lhs op rhs group label est_std se z pvalue ci_lower ci_upper`` (95% Wald
            intervals; fixed rows have ``se = 0``).

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> std = res.standardized_solution()
        >>> std[["lhs", "op", "rhs", "est_std"]].head(3).round(3)
              lhs  op rhs  est_std
        0  visual  =~  x1    0.772
        1  visual  =~  x2    0.424
        2  visual  =~  x3    0.581
        """
        if kind not in ("std.all", "std.lv"):
            raise ValueError("kind must be 'std.all' or 'std.lv'")
        tab = self.partable.table
        keep = tab["op"].isin(["=~", "<~", "~", "~~", "~1", "|", "~*~", ":="]).to_numpy()
        func = lambda x: self.problem.standardize(x, kind)[keep]
        est = func(self.x)
        jac = numerical_jacobian(func, self.x)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, self.vcov_matrix, jac), 0, None))
        se[np.abs(jac).sum(axis=1) == 0] = 0.0
        z, p, lo, hi = wald_table(est, np.where(se > 0, se, np.nan))
        sub = tab[keep]
        return pd.DataFrame({"lhs": sub["lhs"].to_numpy(), "op": sub["op"].to_numpy(),
                             "rhs": sub["rhs"].to_numpy(), "group": sub["group"].to_numpy(),
                             "label": sub["label"].to_numpy(), "est_std": est, "se": se, "z": z,
                             "pvalue": p, "ci_lower": np.where(se > 0, lo, est),
                             "ci_upper": np.where(se > 0, hi, est)})

    def paths(self) -> pd.DataFrame:
        """Structural paths (``~``) unstandardized and standardized, each with its 95% CI.

        Returns
        -------
        DataFrame
            ``lhs op rhs group label est se z pvalue ci_lower ci_upper std_all std_all_se
            std_all_ci_lower std_all_ci_upper``, one row per regression.

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> res.paths()[["lhs", "op", "rhs", "est", "std_all"]].round(3)
             lhs op    rhs    est  std_all
        0  dem60  ~  ind60  1.474    0.448
        1  dem65  ~  ind60  0.453    0.146
        2  dem65  ~  dem60  0.864    0.913
        """
        est = self.estimates()
        std = self.standardized_solution("std.all")
        keep = est["op"] == "~"
        out = est.loc[keep, ["lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                             "ci_lower", "ci_upper", "std_all"]].reset_index(drop=True)
        std_rows = std[std["op"] == "~"].reset_index(drop=True)
        out["std_all_se"] = std_rows["se"]
        out["std_all_ci_lower"] = std_rows["ci_lower"]
        out["std_all_ci_upper"] = std_rows["ci_upper"]
        return out

    def hypotheses(self) -> pd.DataFrame:
        """The library model's hypotheses (``spec.hypotheses``) tested on this fit, one row each
        (per group): ``id lhs op rhs sign group est std_all std_all_ci_lower std_all_ci_upper
        pvalue verdict statement``. "supported" = p < .05 and the expected sign; a parameter that
        is missing or has no test is "not supported". ``~`` rows come from :meth:`paths`;
        loadings and ``:=`` parameters from the estimates and the standardized solution.

        Returns
        -------
        DataFrame
            ``id lhs op rhs sign group est std_all std_all_ci_lower std_all_ci_upper pvalue
            verdict statement``; no rows for a model without hypotheses (e.g. plain syntax).

        Examples
        --------
        >>> import relqual as rq
        >>> data = rq.datasets.load("relationship_quality")
        >>> res = rq.fit("relationship_quality", data)
        >>> res.hypotheses()[["id", "lhs", "op", "rhs", "verdict"]].head(3)
           id  lhs op  rhs    verdict
        0  H1  SAT  ~   CF  supported
        1  H2   TR  ~  SAT  supported
        2  H3   TR  ~   CF  supported
        """
        hyps = list(getattr(self.spec, "hypotheses", None) or [])
        table = self.paths()
        if any(h.get("op", "~") != "~" for h in hyps):
            est, std = self.estimates(), self.standardized_solution("std.all")
            est["std_all_ci_lower"] = std["ci_lower"].to_numpy()
            est["std_all_ci_upper"] = std["ci_upper"].to_numpy()
            table = pd.concat([table, est[est["op"] != "~"]], ignore_index=True)
        columns = ["est", "std_all", "std_all_ci_lower", "std_all_ci_upper", "pvalue"]
        rows = []
        for h in hyps:
            op = h.get("op", "~")
            hit = table[(table["op"] == op) & (table["lhs"] == h["lhs"])
                        & ((op == ":=") | (table["rhs"] == h.get("rhs", "")))]
            for _, r in hit.iterrows() if len(hit) else [(None, pd.Series({"group": np.nan}))]:
                values = {c: r.get(c, np.nan) for c in columns}
                supported = judge(values["est"], values["pvalue"], h.get("sign"))[0]
                rows.append({"id": h.get("id", ""), "lhs": h["lhs"], "op": op,
                             "rhs": h.get("rhs", ""), "sign": h.get("sign", ""),
                             "group": r["group"], **values,
                             "verdict": "supported" if supported else "not supported",
                             "statement": h.get("statement", "")})
        return pd.DataFrame(rows, columns=["id", "lhs", "op", "rhs", "sign", "group", *columns,
                                           "verdict", "statement"])

    @cached_property
    def _fit_measures(self) -> pd.Series:
        measures = self.problem.family.fit_measures(self.problem, self.estimate)
        return pd.Series(list(measures.values()), index=_measure_index(tuple(measures)),
                         name="fit_measures")

    def fit_measures(self) -> pd.Series:
        """Fit measures named like lavaan's ``fitMeasures()`` (with '.' replaced by '_').

        Returns
        -------
        Series
            Named ``fit_measures``: ``npar chisq df pvalue cfi tli rmsea rmsea_ci_lower
            rmsea_ci_upper rmsea_pvalue srmr logl aic bic`` and more (the scaled and robust
            versions for MLR and WLSMV fits). A copy: changing it does not change the fit.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.fit_measures()[["chisq", "df", "cfi", "rmsea"]].round(3)
        chisq    85.306
        df       24.000
        cfi       0.931
        rmsea     0.092
        Name: fit_measures, dtype: float64
        """
        return self._fit_measures.copy()

    def r2(self, adjusted: bool = False) -> pd.Series:
        """R-squared of every endogenous variable: 1 - residual variance / total variance.

        PLS fits: the R² of every endogenous construct's regression on its predecessors
        (``adjusted=True``: 1 - (1 - R²)(n - 1)/(n - k - 1)); ``adjusted`` is for PLS only.

        Returns
        -------
        Series
            Named ``r2``, indexed by variable (by ``(group label, variable)`` in a multigroup
            model); the model-implied total variances, as lavaan's ``inspect(fit, "r2")``.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.r2().round(3).head(3)
        x1    0.596
        x2    0.179
        x3    0.338
        Name: r2, dtype: float64
        """
        if self._is_pls:
            from . import plsmeasures
            return plsmeasures.r2_table(self, adjusted)
        if adjusted:
            raise NotImplementedError("adjusted R² is reported for PLS fits (estimator='PLS')")
        out = {}
        for g, model in enumerate(self.models, start=1):
            A, S, _ = model.matrices(self.x)
            imp = model.implied(self.x)
            total = np.diag(imp.C)
            has_incoming = np.abs(A).sum(axis=1) > 0
            x_names = set(self.partable.roles.ov_x)
            for i, name in enumerate(model.names):
                if has_incoming[i] and name not in x_names:
                    key = name if self.partable.ngroups == 1 else (self.group_labels[g - 1], name)
                    out[key] = 1.0 - S[i, i] / total[i]
        return pd.Series(out, name="r2", dtype=float)

    def vcov(self) -> pd.DataFrame:
        """Covariance matrix of the free parameters, labelled ``lhs op rhs`` (or the label).

        Returns
        -------
        DataFrame
            Square, one row and column per free parameter, named as lavaan's ``vcov()``
            (e.g. ``visual=~x2``; ``.g2`` etc. appended in later groups of a multigroup model).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> res.vcov().shape, list(res.vcov().columns[:2])
        ((6, 6), ['visual=~x2', 'visual=~x3'])
        """
        col = self.partable.col
        first = [np.flatnonzero(col["free"] == k)[0] for k in range(1, self.partable.npar + 1)]
        suffix = ((lambda r: f".g{col['group'][r]}" if col["group"][r] > 1 else "")
                  if self.partable.ngroups > 1 else (lambda r: ""))     # lavaan's ".g2" names
        names = [col["label"][r] or f"{col['lhs'][r]}{col['op'][r]}{col['rhs'][r]}{suffix(r)}"
                 for r in first]
        return pd.DataFrame(self.vcov_matrix, index=names, columns=names)

    def sample_statistics(self, group: int = 1) -> dict:
        """The sample statistics the fit was computed from, for one group (numbered from 1).

        ML fits: ``cov`` (DataFrame, divisor N; EM estimates under FIML) and ``mean``
        (Series). WLSMV fits: thresholds ``th``, polychoric correlations ``cor``, their
        asymptotic covariance ``gamma`` and the DWLS weights ``wls_v`` (lavaan's
        ``lavInspect(fit, "sampstat")`` and ``"gamma"``).

        Parameters
        ----------
        group : int
            The group's number, from 1 (lavaan's order, :attr:`group_labels`).

        Returns
        -------
        dict
            ``{"cov": DataFrame, "mean": Series}`` for ML fits; ``th cor gamma wls_v`` for
            WLSMV fits.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> stats = res.sample_statistics()
        >>> stats["cov"].round(3)
               x1     x2     x3
        x1  1.358  0.407  0.580
        x2  0.407  1.382  0.451
        x3  0.580  0.451  1.275
        """
        family = self.problem.family
        if hasattr(family, "sample_statistics"):
            return family.sample_statistics(self.problem, group)
        sample = self.problem.samples[group - 1]
        names = list(sample.names)
        return dict(cov=pd.DataFrame(sample.cov, index=names, columns=names),
                    mean=pd.Series(sample.mean, index=names, name="mean"))

    def implied_cov(self, group: int = 1) -> pd.DataFrame:
        """The model-implied covariance matrix of the observed variables (lavaan's
        ``fitted(fit)$cov``); for a WLSMV fit with covariates, that of the items' latent
        responses given the covariates (lavaan's ``res.cov``).

        Parameters
        ----------
        group : int
            The group's number, from 1.

        Returns
        -------
        DataFrame
            Square, indexed by the observed variables.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> res.implied_cov().round(3).equals(res.sample_statistics()["cov"].round(3))
        True
        """
        model = self.problem.models[group - 1]
        sigma, names = model.implied(self.x).sigma, list(model.ov_names)
        if getattr(model, "covariates", None):         # conditional on the covariates
            keep = [i for i in range(len(names)) if i not in model.covariates[0]]
            sigma, names = sigma[np.ix_(keep, keep)], [names[i] for i in keep]
        return pd.DataFrame(sigma, index=names, columns=names)

    # ------------------------------------------------------------------ measurement quality
    # (relqual/measurement.py and relqual/modindices.py; ``group``: a number or label, for
    # multigroup models; the tables then have a ``group`` column)
    @requires("reliability")
    def reliability(self, group=None) -> pd.DataFrame:
        """Reliability and convergent validity per factor (omega and AVE as semTools
        ``compRelSEM``/``AVE``; see :mod:`relqual.measurement`).

        Parameters
        ----------
        group : int or label, optional
            One group of a multigroup model (default: every group, with a ``group`` column).

        Returns
        -------
        DataFrame
            ``factor n_items alpha alpha_std omega omega_model cr_fl ave ave_fl improper note``.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.reliability()[["factor", "alpha", "omega", "ave"]].round(3)
            factor  alpha  omega    ave
        0   visual  0.626  0.612  0.371
        1  textual  0.883  0.885  0.721
        2    speed  0.688  0.686  0.424
        """
        if self._is_pls:                   # PLS: alpha rho_a rho_c ave (SmartPLS, seminr)
            from . import plsmeasures
            return plsmeasures.reliability_table(self).reset_index()
        from . import measurement
        return measurement.reliability(self, group)

    @requires("item_diagnostics")
    def item_diagnostics(self, threshold: float = 0.5, group=None) -> pd.DataFrame:
        """Per item: standardized loading with CI, R², corrected item-total r, alpha if deleted,
        flags (loading below ``threshold``, cross-loading, Heywood).

        Parameters
        ----------
        threshold : float
            Standardized loadings below it are flagged ``low_loading``.
        group : int or label, optional
            One group of a multigroup model.

        Returns
        -------
        DataFrame
            ``factor item loading se ci_lower ci_upper pvalue r2 item_total_r alpha_if_deleted
            low_loading cross_loading heywood note``.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> items = res.item_diagnostics()
        >>> list(items.loc[items["low_loading"], "item"])
        ['x2']
        """
        from . import measurement
        return measurement.item_diagnostics(self, threshold, group)

    @requires("fornell_larcker")
    def fornell_larcker(self, matrix: bool = False, group=None) -> pd.DataFrame:
        """Fornell-Larcker criterion per pair of factors (``matrix=True``: the classic table).

        Parameters
        ----------
        matrix : bool
            Return the classic matrix of one group (square roots of the AVEs on the
            diagonal, latent correlations off it) instead of one row per pair.
        group : int or label, optional
            One group of a multigroup model.

        Returns
        -------
        DataFrame
            ``factor_1 factor_2 r sqrt_ave_1 sqrt_ave_2 passes note`` (or the matrix).

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.fornell_larcker()[["factor_1", "factor_2", "passes"]]
          factor_1 factor_2  passes
        0   visual  textual    True
        1   visual    speed    True
        2  textual    speed    True
        """
        if self._is_pls:                   # sqrt(AVE) on the diagonal, construct correlations
            from . import plsmeasures
            F = plsmeasures.fornell_larcker_matrix(self)
            if matrix:
                return F
            names = list(F.index)
            rows = [dict(factor_1=a, factor_2=b, correlation=F.loc[a, b],
                         sqrt_ave_1=F.loc[a, a], sqrt_ave_2=F.loc[b, b],
                         passes=abs(F.loc[a, b]) < min(F.loc[a, a], F.loc[b, b]))
                    for k, a in enumerate(names) for b in names[k + 1:]]
            return pd.DataFrame(rows)
        from . import measurement
        return measurement.fornell_larcker(self, matrix, group)

    @requires("htmt")
    def htmt(self, matrix: bool = False, kind: str = "htmt", group=None) -> pd.DataFrame:
        """HTMT and HTMT2 per pair of factors with flags at .85/.90 (``matrix=True``: one
        matrix).

        Parameters
        ----------
        matrix : bool
            Return one factor-by-factor matrix of ``kind`` instead of one row per pair.
        kind : {"htmt", "htmt2"}
            The ratio shown in the matrix.
        group : int or label, optional
            One group of a multigroup model.

        Returns
        -------
        DataFrame
            ``factor_1 factor_2 htmt htmt2 above_85 above_90 note`` (or the matrix).

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> bool(res.htmt()["above_85"].any())
        False
        """
        if self._is_pls:                   # PLS: HTMT of absolute item correlations
            from . import plsmeasures
            return plsmeasures.htmt_matrix(self) if matrix else plsmeasures.htmt_table(self)
        from . import measurement
        return measurement.htmt(self, matrix, kind, group)

    # ------------------------------------------------------------------ PLS-SEM
    # (relqual/plsmeasures.py; for fits with estimator="PLS" or "PLSc")
    @property
    def _is_pls(self) -> bool:
        return self.problem.pls is not None

    @requires("pls")
    def weights(self) -> pd.DataFrame:
        """PLS outer weights: the ``<~`` rows of :meth:`estimates` (every construct's).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> res.weights()[["lhs", "op", "rhs", "est"]].head(3).round(3)
          lhs  op  rhs    est
        0  CF  <~  cf1  0.349
        1  CF  <~  cf2  0.340
        2  CF  <~  cf3  0.323
        """
        est = self.estimates()
        return est[est["op"] == "<~"].reset_index(drop=True)

    def loadings(self) -> pd.DataFrame:
        """Loadings: the ``=~`` rows of :meth:`estimates` (PLS: indicator-score correlations;
        PLSc: consistent loadings).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> res.loadings()[["lhs", "op", "rhs", "est"]].head(3).round(3)
          lhs  op  rhs    est
        0  CF  =~  cf1  0.804
        1  CF  =~  cf2  0.801
        2  CF  =~  cf3  0.773
        """
        est = self.estimates()
        return est[est["op"] == "=~"].reset_index(drop=True)

    @requires("pls")
    def f2(self) -> pd.DataFrame:
        """Cohen's f² of every path (``lhs op rhs f2``), the excluded model re-estimated.

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> res.f2().round(3).head(3)
           lhs op  rhs     f2
        0  SAT  ~   CF  0.085
        1   TR  ~   CF  0.069
        2   TR  ~  SAT  0.163
        """
        from . import plsmeasures
        return plsmeasures.f2_table(self)

    @requires("pls")
    def vif(self) -> pd.DataFrame:
        """VIFs of antecedent constructs and of indicators (``kind lhs op rhs vif``).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> vif = res.vif()
        >>> vif["kind"].value_counts().to_dict()
        {'indicator': 20, 'antecedent': 9}
        >>> bool((vif["vif"] < 3).all())
        True
        """
        from . import plsmeasures
        return plsmeasures.vif_table(self)

    @requires("pls")
    def cross_loadings(self) -> pd.DataFrame:
        """Correlations of every indicator with every construct's scores.

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> res.cross_loadings().round(2).head(3)
               CF   SAT    TR    AC    CC
        cf1  0.80  0.22  0.28  0.31  0.23
        cf2  0.80  0.25  0.26  0.29  0.22
        cf3  0.77  0.21  0.29  0.24  0.22
        """
        from . import plsmeasures
        return plsmeasures.cross_loadings_table(self)

    @requires("pls")
    def index_scores(self, scale=(1, 5)) -> pd.DataFrame:
        """Every respondent's ACSI-style 0-100 index of every construct (Fornell et al. 1996):
        items rescaled by the theoretical ``scale``, unstandardized weights normalized to 1.

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> scores = res.index_scores(scale=(1, 5))
        >>> scores.shape, scores.columns.tolist()
        ((537, 5), ['CF', 'SAT', 'TR', 'AC', 'CC'])
        >>> scores.head(2).round(1)
             CF   SAT    TR    AC    CC
        0  56.4  94.4  37.5  49.4  68.7
        1  93.6  94.6  76.5  93.4  94.4
        """
        from . import plsmeasures
        return plsmeasures.index_scores_frame(self, scale)

    @requires("pls")
    def index(self, scale=(1, 5)) -> pd.Series:
        """The mean 0-100 index of every construct (the satisfaction index of ACSI/ECSI).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> res.index(scale=(1, 5)).round(1)
        CF     62.7
        SAT    70.0
        TR     68.2
        AC     64.3
        CC     58.8
        Name: index, dtype: float64
        """
        return self.index_scores(scale).mean().rename("index")

    @requires("pls")
    def ipma(self, target: str, scale=(1, 5), level: str = "construct") -> pd.DataFrame:
        """Importance-performance map of ``target`` (Ringle & Sarstedt 2016): ``construct
        importance performance`` (unstandardized total effect from the 0-100 scores; mean
        0-100 score); ``level="indicator"``: per item ``construct indicator weight importance
        performance`` (:func:`relqual.plsipma.ipma_indicators`).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> res.ipma("AC").round(3)
          construct  importance  performance
        0        CF       0.349       62.739
        1       SAT       0.392       70.040
        2        TR       0.215       68.211
        """
        if level == "indicator":
            from .plsipma import ipma_indicators
            return ipma_indicators(self, target, scale)
        if level != "construct":
            raise ValueError(f"unknown IPMA level '{level}'; use 'construct' or 'indicator'")
        from . import plsmeasures
        return plsmeasures.ipma_table(self, target, scale)

    @requires("pls")
    def plot_ipma(self, target: str, scale=(1, 5), level: str = "construct", ax=None,
                  lang: str = "en"):
        """The importance-performance map of ``target``: importance on x, performance (0-100)
        on y, labelled points, dashed lines at the means (:func:`relqual.plsipma.plot_ipma`).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> ax = res.plot_ipma("AC", level="indicator")
        >>> len(ax.texts)                                 # the items of CF, SAT and TR
        12
        """
        from .plsipma import plot_ipma
        return plot_ipma(self, target, scale, level, ax, lang)

    @requires("pls")
    def predict(self, folds=10, repeats: int = 10, seed=None, technique: str = "earliest",
                n_jobs: int = 1):
        """PLSpredict (Shmueli et al. 2019) and CVPAT (Liengaard et al. 2021) by repeated
        k-fold cross-validation: Q²predict, RMSE and MAE per indicator and construct against
        the LM benchmark, and the CVPAT tests against the indicator-average and LM benchmarks
        (:func:`relqual.plspredict.pls_predict`; ``folds=`` also replays given fold labels).

        Examples
        --------
        >>> import warnings, relqual as rq
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
        ...                  estimator="PLS")
        >>> pred = res.predict(folds=5, repeats=2, seed=1)
        >>> bool((pred.indicators["q2_predict"] > 0).all())
        True
        """
        from .plspredict import pls_predict
        return pls_predict(self, folds=folds, repeats=repeats, seed=seed, technique=technique,
                           n_jobs=n_jobs)

    @requires("pls")
    def fit_test(self, draws: int = 499, seed=None, indices=None,
                 inadmissible: str = "keep") -> pd.DataFrame:
        """Bootstrap test of exact fit (Dijkstra & Henseler 2015): SRMR, d_ULS and d_G (base-10
        logarithms, as ADANCO and cSEM) of the saturated and estimated model against the
        HI95 and HI99 quantiles of their bootstrap distribution after the Beran-Srivastava
        transformation (see :mod:`relqual.plsfitmeasures`).

        Parameters
        ----------
        draws : int
            The number of resamples.
        seed : int, optional
            Seed of the resampling (``numpy.random.default_rng(seed)``).
        indices : array-like, optional
            Replay given resamples: draws x n 0-based row numbers.
        inadmissible : {"keep", "drop"}
            Keep resamples cSEM calls inadmissible (ADANCO) or drop them (cSEM's default);
            resamples that do not converge or have no positive definite model-implied
            correlations are always dropped.

        Returns
        -------
        DataFrame
            ``model discrepancy value HI95 HI99 verdict``; ``attrs``: ``log_base`` (10),
            ``draws``, ``seed``, ``draws_used``, ``n_failed``.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; textual ~ visual",
        ...              rq.datasets.load("holzinger_swineford"), estimator="PLS")
        >>> test = res.fit_test(draws=50, seed=1)
        >>> test[["model", "discrepancy"]].value_counts().size, test.attrs["log_base"]
        (6, 10)
        """
        from . import plsfitmeasures
        return plsfitmeasures.fit_test(self, draws, seed, indices, inadmissible)

    @requires("modindices")
    def modindices(self, sort: bool = True, minimum_value: float = 0.0) -> pd.DataFrame:
        """Modification indices as lavaan's ``modindices()`` (see :mod:`relqual.modindices`).

        Parameters
        ----------
        sort : bool
            Largest ``mi`` first (else lavaan's row order).
        minimum_value : float
            Keep the rows with ``mi`` above it.

        Returns
        -------
        DataFrame
            ``lhs op rhs [group] mi epc sepc_lv sepc_all sepc_nox``.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> res.modindices(minimum_value=10)[["lhs", "op", "rhs", "mi"]].head(3).round(1)
              lhs  op rhs    mi
        0  visual  =~  x9  36.4
        1      x7  ~~  x8  34.1
        2  visual  =~  x7  18.6
        """
        from .modindices import modification_indices
        return modification_indices(self, sort=sort, minimum_value=minimum_value)

    @requires("measurement_report")
    def measurement_report(self, loading_threshold: float = 0.5, group=None):
        """Reliability, validity and item tables with cut-offs, sources and verdicts
        (``print()`` it or show it in a notebook).

        Parameters
        ----------
        loading_threshold : float
            Standardized loadings below it are flagged.
        group : int or label, optional
            One group of a multigroup model.

        Returns
        -------
        relqual.measurement.MeasurementReport

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> report = res.measurement_report()
        >>> type(report).__name__
        'MeasurementReport'
        """
        from . import measurement
        return measurement.measurement_report(self, loading_threshold=loading_threshold,
                                              group=group)

    # ------------------------------------------------------------------ scores and groups
    # (relqual/scores.py and relqual/groups.py)
    @requires("factor_scores")
    def factor_scores(self, method: str | None = None, data=None) -> pd.DataFrame:
        """Factor scores as lavaan's ``lavPredict()`` (see :mod:`relqual.scores`).

        Parameters
        ----------
        method : {"regression", "bartlett", "ebm"}, optional
            The scoring method; default lavaan's: "regression" ("ebm" for WLSMV fits).
        data : DataFrame, optional
            New rows to score (``lavPredict(fit, newdata=)``); their index is kept.

        Returns
        -------
        DataFrame
            One column per latent variable (after a ``group`` column in a multigroup model).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> res.factor_scores().shape
        (301, 1)
        """
        if self._is_pls:                   # PLS: construct scores (standardized items x weights)
            from .plsmeasures import construct_scores
            return construct_scores(self, method=method or "regression", data=data)
        from .scores import factor_scores
        return factor_scores(self, method=method, data=data)

    @requires("compare_paths")
    def compare_paths(self, paths) -> pd.DataFrame:
        """Wald and likelihood-ratio tests that each path (e.g. "LOY ~ SAT") is equal across
        groups (:func:`relqual.pathcompare.compare_fitted_paths`).

        Parameters
        ----------
        paths : str or list of str
            lavaan formulas such as ``"LOY ~ SAT"`` or ``"SAT =~ sat2"``.

        Returns
        -------
        DataFrame
            ``path lhs op rhs est_<group> se_<group> ... diff se_diff z_diff wald_chisq wald_df
            wald_pvalue lrt_chisq lrt_df lrt_pvalue chisq_free chisq_equal``.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3", hs, group="school")
        >>> res.compare_paths("visual =~ x3")[["path", "wald_df", "lrt_df"]]
                   path  wald_df  lrt_df
        0  visual =~ x3        1     1.0
        """
        from .pathcompare import compare_fitted_paths
        return compare_fitted_paths(self, paths)

    def common_method(self, marker=None, data=None):
        """The common-method-variance checks a reviewer asks for: Harman's test, the one-factor
        CFA, the unmeasured latent method construct and, with a marker variable, the CFA marker
        and correlational marker techniques (:func:`relqual.commonmethod.common_method`).

        Parameters
        ----------
        marker : str or list of str, optional
            The marker variable's column(s) in ``data``.
        data : DataFrame, optional
            The data the model was fitted to (needed with ``marker``).

        Returns
        -------
        relqual.reviewer.CheckTable
            One row per check: ``check measure statistic df pvalue concern verdict source``.

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        >>> list(res.common_method()["check"])[:3]  # doctest: +NORMALIZE_WHITESPACE
        ['Harman: principal components', 'Harman: one-factor factor analysis',
         'One-factor CFA vs measurement model']
        """
        from .commonmethod import common_method
        return common_method(self, marker=marker, data=data)

    # ------------------------------------------------------------------ resampling and effects
    @requires("bootstrap")
    def bootstrap(self, draws: int = 1000, seed=None, n_jobs: int = 1, kind: str = "ordinary",
                  indices=None, progress: bool | None = None):
        """Refit the model to ``draws`` resamples of the rows (cached per draws, seed and kind).

        ``indices`` replays given resamples (one list of row-index arrays per draw), e.g. those
        of another program. See :mod:`relqual.resample` for how draws are made reproducible.

        Parameters
        ----------
        draws : int
            The number of resamples.
        seed : int, optional
            Seed of the resampling (``numpy.random.default_rng(seed)``).
        n_jobs : int
            Worker processes (-1: every core).
        kind : {"ordinary", "bollen-stine"}
            Resample the rows, or the rows rotated so that the model holds (Bollen & Stine).
        indices : list, optional
            Per draw, one array of row indices per group.
        progress : bool, optional
            Show a progress bar (default: from 500 draws).

        Returns
        -------
        relqual.resample.BootstrapDraws

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> boot = res.bootstrap(draws=20, seed=1)
        >>> boot.values.shape[0], boot.n_failed
        (20, 0)
        >>> res.bootstrap(draws=20, seed=1) is boot          # cached
        True
        """
        key = (kind, draws, seed)
        if indices is None and key in self._resamples:
            return self._resamples[key]
        if self._is_pls and kind == "ordinary":      # PLS: all resamples at once (plsboot)
            from .plsboot import run_pls_bootstrap
            boot = run_pls_bootstrap(self, draws, seed=seed, n_jobs=n_jobs, indices=indices,
                                     progress=progress)
        else:
            boot = run_bootstrap(self, draws, seed=seed, n_jobs=n_jobs, kind=kind,
                                 indices=indices, progress=progress)
        if indices is None:
            self._resamples[key] = boot
        return boot

    @requires("bootstrap")
    def jackknife(self, n_jobs: int = 1):
        """Leave-one-out refits (for BCa intervals): each row of each group left out once.

        Parameters
        ----------
        n_jobs : int
            Worker processes (-1: every core).

        Returns
        -------
        relqual.resample.BootstrapDraws
            One draw per row (cached on the Result).

        Examples
        --------
        >>> import relqual as rq
        >>> data = rq.datasets.load("political_democracy")
        >>> res = rq.fit("dem60 =~ y1 + y2 + y3 + y4", data)
        >>> res.jackknife().values.shape[0] == res.n_obs
        True
        """
        if "jackknife" not in self._resamples:
            all_rows = [np.arange(len(a)) for a in self.prepared.arrays]
            indices = [[np.delete(rows, i) if h == g else rows for h, rows in enumerate(all_rows)]
                       for g, rows_g in enumerate(all_rows) for i in range(len(rows_g))]
            self._resamples["jackknife"] = run_bootstrap(self, 0, n_jobs=n_jobs, indices=indices,
                                                         progress=False)
        return self._resamples["jackknife"]

    def effects(self, ci: str = "delta", n: int | None = None, seed=None, level: float = 0.95,
                boot_ci: str = "perc", n_jobs: int = 1) -> pd.DataFrame:
        """Every direct, specific indirect, total indirect and total effect (and ``:=`` values).

        Enumerated from the path structure (Bollen 1987; see :mod:`relqual.effects`).

        Parameters
        ----------
        ci : {"delta", "montecarlo", "bootstrap"}
            How standard errors and intervals are computed: the delta method, ``n`` Monte
            Carlo draws of the estimates (default 20000) or ``n`` bootstrap resamples
            (default 1000).
        n : int, optional
            Monte Carlo draws or bootstrap resamples.
        seed : int, optional
            Seed of the draws.
        level : float
            Confidence level of the intervals.
        boot_ci : {"perc", "bc", "bca"}
            Bootstrap interval: percentile, bias-corrected or BCa.
        n_jobs : int
            Worker processes for the bootstrap.

        Returns
        -------
        DataFrame
            ``effect from to path est se z pvalue ci_lower ci_upper std_all std_all_se
            std_all_ci_lower std_all_ci_upper``; ``effect`` is "direct", "indirect",
            "total_indirect", "total" or "defined" (``:=``).

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> res.effects()[["effect", "from", "to", "est"]].round(3)
                   effect   from     to    est
        0          direct  ind60  dem60  1.474
        1          direct  ind60  dem65  0.453
        2        indirect  ind60  dem65  1.274
        3  total_indirect  ind60  dem65  1.274
        4           total  ind60  dem65  1.727
        5          direct  dem60  dem65  0.864
        """
        if self._is_pls:                   # from the paths; bootstrap intervals with ci="bootstrap"
            from . import plsmeasures
            return plsmeasures.effects_frame(self, draws=(n or 1000) if ci == "bootstrap" else 0,
                                             seed=seed, level=level)
        return effects_table(self, ci=ci, n=n, seed=seed, level=level, boot_ci=boot_ci,
                             n_jobs=n_jobs)

    def indirect(self, ci: str = "delta", n: int | None = None, seed=None, level: float = 0.95,
                 boot_ci: str = "perc", n_jobs: int = 1) -> pd.DataFrame:
        """The mediated part of :meth:`effects`: for every pair linked by an indirect path, its
        direct, specific indirect, total indirect and total effects, plus ``:=`` parameters.

        Parameters
        ----------
        ci, n, seed, level, boot_ci, n_jobs
            As for :meth:`effects`.

        Returns
        -------
        DataFrame
            The columns of :meth:`effects`.

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> res.indirect()[["effect", "path"]]
                   effect                    path
        0          direct          ind60 -> dem65
        1        indirect  ind60 -> dem60 -> dem65
        2  total_indirect
        3           total
        """
        table = self.effects(ci=ci, n=n, seed=seed, level=level, boot_ci=boot_ci, n_jobs=n_jobs)
        mediated = {(a, b) for a, b, kind in zip(table["from"], table["to"], table["effect"])
                    if kind == "indirect"}
        keep = [(a, b) in mediated or kind == "defined"
                for a, b, kind in zip(table["from"], table["to"], table["effect"])]
        out = table[keep].reset_index(drop=True)
        out.attrs.update(table.attrs)
        return out

    @requires("bollen_stine")
    def bollen_stine(self, draws: int = 1000, seed=None, n_jobs: int = 1) -> pd.Series:
        """Bollen-Stine bootstrap p-value of the chi-square test (Bollen & Stine 1992; see
        :mod:`relqual.resample`).

        Parameters
        ----------
        draws : int
            The number of resamples.
        seed : int, optional
            Seed of the resampling.
        n_jobs : int
            Worker processes.

        Returns
        -------
        Series
            Named ``bollen_stine``: ``chisq df pvalue_bollen_stine draws_used draws_failed``.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> bs = res.bollen_stine(draws=20, seed=1)
        >>> list(bs.index)
        ['chisq', 'df', 'pvalue_bollen_stine', 'draws_used', 'draws_failed']
        """
        boot = self.bootstrap(draws, seed=seed, n_jobs=n_jobs, kind="bollen-stine")
        chisq = self._fit_measures["chisq"]
        t = boot.block("chisq")[:, 0]
        return pd.Series({"chisq": chisq, "df": self._fit_measures["df"],
                          "pvalue_bollen_stine": float(np.mean(t >= chisq)),
                          "draws_used": len(t), "draws_failed": boot.n_failed},
                         name="bollen_stine")

    def plot_indirect(self, path: str | None = None, draws: int = 1000, seed=None,
                      standardized: bool = False, boot_ci: str = "perc", ax=None):
        """Histogram of the bootstrap distribution of an indirect effect with its interval
        (:func:`relqual.plot.plot_bootstrap_effect`).

        Parameters
        ----------
        path : str, optional
            The effect as in ``effects()["path"]``; by default the first specific indirect
            effect.
        draws : int
            Bootstrap resamples.
        seed : int, optional
            Seed of the resampling.
        standardized : bool
            Show the standardized (std.all) effect.
        boot_ci : {"perc", "bc", "bca"}
            The interval drawn.
        ax : matplotlib.axes.Axes, optional
            Where to draw (a new figure by default).

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> ax = res.plot_indirect(draws=20, seed=1)
        >>> ax.get_title()
        'ind60 -> dem60 -> dem65: indirect effect'
        """
        from .plot import plot_bootstrap_effect
        return plot_bootstrap_effect(self, path=path, draws=draws, seed=seed,
                                     standardized=standardized, boot_ci=boot_ci, ax=ax)

    # ------------------------------------------------------------------ interactions
    # (relqual/interaction.py, relqual/interactionplot.py)
    def simple_slopes(self, focal: str, moderator: str, at=None, outcome: str | None = None,
                      level: float = 0.95) -> pd.DataFrame:
        """Simple slopes of ``focal`` at values of ``moderator`` (default mean - 1 SD, mean,
        mean + 1 SD), delta-method SEs: ``moderator_value est se z pvalue ci_lower ci_upper``
        (:func:`relqual.interaction.simple_slopes`).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
        >>> res.simple_slopes("x7", moderator="x8")["est"].round(3).tolist()
        [0.195, 0.145, 0.094]
        """
        from .interaction import simple_slopes
        return simple_slopes(self, focal, moderator, at=at, outcome=outcome, level=level)

    def johnson_neyman(self, focal: str, moderator: str, crit: str = "normal",
                       outcome: str | None = None, level: float = 0.95) -> dict:
        """The Johnson-Neyman region of the slope of ``focal`` (closed form): ``lower``,
        ``upper`` and where the slope is ``significant`` ("inside"/"outside" those bounds)
        (:func:`relqual.interaction.johnson_neyman`).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
        >>> res.johnson_neyman("x7", "x8")["significant"]
        'inside'
        """
        from .interaction import johnson_neyman
        return johnson_neyman(self, focal, moderator, crit=crit, outcome=outcome, level=level)

    def interaction_test(self) -> pd.DataFrame:
        """The likelihood-ratio test of the interaction terms (the model with them against
        the model with them fixed at 0), R² with and without them, and the standardized
        coefficients b SD(x) SD(z) / SD(y) (:func:`relqual.interactiontest.interaction_test`).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
        >>> res.interaction_test()[["term", "df", "r2", "r2_without"]].round(3)
            term  df     r2  r2_without
        0  x7:x8   1  0.225       0.221
        """
        from .interactiontest import interaction_test
        return interaction_test(self)

    def plot_interaction(self, focal: str | None = None, moderator: str | None = None,
                         path=None, **options):
        """Simple-slopes plot of an interaction (:func:`relqual.interactionplot.plot_interaction`;
        returns the matplotlib Axes).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import relqual as rq
        >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
        >>> ax = res.plot_interaction("x7", "x8")
        >>> ax.get_xlabel(), len(ax.get_lines())
        ('x7', 3)
        >>> plt.close(ax.figure)
        """
        from .interactionplot import plot_interaction
        return plot_interaction(self, focal, moderator, path=path, **options)

    def plot_johnson_neyman(self, focal: str | None = None, moderator: str | None = None,
                            path=None, **options):
        """Johnson-Neyman plot of an interaction
        (:func:`relqual.interactionplot.plot_johnson_neyman`; returns the matplotlib Axes).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import relqual as rq
        >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
        >>> ax = res.plot_johnson_neyman("x7", "x8")
        >>> ax.get_xlabel(), ax.get_title()
        ('x8', 'Johnson-Neyman: significant inside [1.457, 6.081]')
        >>> plt.close(ax.figure)
        """
        from .interactionplot import plot_johnson_neyman
        return plot_johnson_neyman(self, focal, moderator, path=path, **options)

    # ------------------------------------------------------------------ diagram and report
    # (relqual/plot.py, relqual/tables.py, relqual/report.py)
    def plot(self, path=None, **options):
        """Path diagram: latent variables in causal order, standardized coefficients with stars,
        non-significant paths dashed, R² in the endogenous variables; ``lang="zh"`` for Chinese
        labels; ``path`` saves PNG/SVG/PDF.

        Parameters
        ----------
        path : str or Path, optional
            Save the diagram there (the format from the suffix).
        **options
            See :func:`relqual.plot.path_diagram` (``lang``, ``indicators``, ``covariances``,
            ``hypotheses``, ``group``, ``title``, ``decimals``, ...).

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> fig = res.plot()
        >>> import matplotlib.figure
        >>> isinstance(fig, matplotlib.figure.Figure)
        True
        """
        from .plot import path_diagram
        return path_diagram(self, path, **options)

    def tables(self, **options):
        """APA-style tables (measurement, discriminant validity, paths and hypotheses, indirect
        effects, fit).

        Parameters
        ----------
        **options
            See :func:`relqual.tables.apa_tables` (``decimals``, ``lang``, ``indirect_ci``,
            ``draws``, ``seed``, ``include``, ``checks``: reviewer checks by name, "cmb" and
            "compare", or as tables from ``res.common_method()``, ``rq.compare()`` and
            ``rq.nonresponse()``; :func:`relqual.checks.resolve_checks`).

        Returns
        -------
        list of relqual.tables.Table
            Numbered in chapter order.

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> [table.name for table in res.tables(include=["fit", "paths"])]
        ['fit', 'paths']
        """
        if options.get("checks") is not None:
            from .checks import resolve_checks
            options["checks"] = resolve_checks(self, options["checks"])
        if self._is_pls:                    # the PLS-SEM reporting checklist (Hair et al. 2019)
            from .plstables import pls_tables
            out = pls_tables(self, decimals=options.get("decimals", 3),
                             lang=options.get("lang", "en"))
            for check in options.get("checks") or ():
                for table in check.apa_tables(options.get("decimals", 3)):
                    table.number = len(out) + 1
                    out.append(table)
            return out
        from .tables import apa_tables
        return apa_tables(self, **options)

    @requires("report")
    def report(self, path, **options):
        """Write one self-contained report: tables, the diagram, data checks, warnings, the call
        and package versions.

        Parameters
        ----------
        path : str or Path
            The file to write; its suffix (.html, .docx or .md) chooses the format.
        **options
            See :func:`relqual.report.write_report` (``data``, ``lang``, ``indirect_ci``,
            ``draws``, ``seed``, ``title``, ...).

        Returns
        -------
        Path
            The file written.

        Examples
        --------
        >>> import tempfile, pathlib, relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     written = res.report(pathlib.Path(folder) / "fit.md", indirect_ci="delta")
        ...     written.name, written.stat().st_size > 0
        ('fit.md', True)
        """
        from .report import write_report
        return write_report(self, path, **options)

    # ------------------------------------------------------------------ display
    def summary(self) -> str:
        """A plain-text report in the spirit of lavaan's ``summary(fit, fit.measures=TRUE)``.

        Returns
        -------
        str
            The estimator, convergence and rows used, the model test and fit indices, the
            estimates laid out as lavaan's ``summary(fit, standardized = TRUE)`` (sections
            by kind, ``Estimate Std.Err z-value P(>|z|) Std.lv Std.all``, residual variances and
            intercepts of endogenous variables marked with a dot) and the warnings.

        Examples
        --------
        >>> import relqual as rq
        >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
        >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
        >>> print(res.summary())  # doctest: +ELLIPSIS
        relqual ML fit of user model
          converged: True after ... iterations
          observations used: 301 of 301
          free parameters: 21
        <BLANKLINE>
        Model test
          chi-square = 85.306, df = 24, p = 0.0000
          CFI = 0.931  TLI = 0.896  SRMR = 0.065
          RMSEA = 0.092 [90% CI 0.071, 0.114], p(close) = 0.001
          logL = -3737.745  AIC = 7517.490  BIC = 7595.339
        <BLANKLINE>
        Latent Variables:
                           Estimate  Std.Err  z-value  P(>|z|)   Std.lv  Std.all
          visual =~
            x1                1.000                               0.900    0.772
            x2                0.554    0.100    5.554    0.000    0.498    0.424
        ...
        Variances:
                           Estimate  Std.Err  z-value  P(>|z|)   Std.lv  Std.all
           .x1                0.549    0.114    4.833    0.000    0.549    0.404
        ...
        """
        if self._is_pls:
            return self._pls_summary()
        fm = self._fit_measures
        lines = [f"relqual {self.call.get('estimator', 'ML')} fit of {self.spec.name}"]
        if not self.converged:
            lines.append("  ** WARNING: the model did NOT converge; the numbers below are not "
                         "trustworthy **")
        lines += [f"  converged: {self.converged} after {self.iterations} iterations",
                 (f"  observations used: {self.n_obs} of {self.prepared.n_input}"
                  + (" (pairwise deletion: each threshold and correlation from the rows that "
                     "answered its items)" if self.call.get("missing") == "pairwise" else "")
                  if self.summary_data is None else f"  data: {self.summary_data.describe()}"),
                 f"  free parameters: {self.partable.npar}", ""]
        if np.isnan(fm["chisq"]):          # LMS: not a covariance structure (relqual.lms)
            from .lms import model_test_lines
            lines += model_test_lines(fm)
        else:
            lines += [
                 "Model test",
                 f"  chi-square = {fm['chisq']:.3f}, df = {int(fm['df'])}, p = {fm['pvalue']:.4f}",
                 f"  CFI = {fm['cfi']:.3f}  TLI = {fm['tli']:.3f}  SRMR = {fm['srmr']:.3f}",
                 f"  RMSEA = {fm['rmsea']:.3f} [90% CI {fm['rmsea_ci_lower']:.3f}, "
                 f"{fm['rmsea_ci_upper']:.3f}], p(close) = {fm['rmsea_pvalue']:.3f}",
                 f"  logL = {fm['logl']:.3f}  AIC = {fm['aic']:.3f}  BIC = {fm['bic']:.3f}"]
        if np.isfinite(fm.get("chisq_shift_parameter", np.nan)):
            lines.append(f"  {test_label(self.call)} = {fm['chisq_scaled']:.3f}, df = "
                         f"{int(fm['df'])}, p = {fm['pvalue_scaled']:.4f} (scaling factor "
                         f"{fm['chisq_scaling_factor']:.3f}, shift "
                         f"{fm['chisq_shift_parameter']:.3f})")
        elif np.isfinite(fm.get("chisq_scaled", np.nan)):
            lines.append(f"  {test_label(self.call)} = {fm['chisq_scaled']:.3f}, df = "
                         f"{fm['df_scaled']:.4g}, p = {fm['pvalue_scaled']:.4f} (scaling factor "
                         f"{fm['chisq_scaling_factor']:.3f})")
        if np.isfinite(fm.get("cfi_robust", np.nan)):
            lines.append(f"  robust CFI = {fm['cfi_robust']:.3f}  TLI = {fm['tli_robust']:.3f}  "
                         f"RMSEA = {fm['rmsea_robust']:.3f} [90% CI "
                         f"{fm['rmsea_ci_lower_robust']:.3f}, {fm['rmsea_ci_upper_robust']:.3f}]")
        lines.append("")
        lines += parameter_lines(self.estimates(), self.partable, self.group_labels)
        if self.warnings:
            lines.append("WARNINGS")
            lines += [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)

    def _pls_summary(self) -> str:
        lines = [f"relqual {self.call.get('estimator')} fit of {self.spec.name} "
                 f"({self.call.get('scheme', 'path')} weighting scheme)"]
        if not self.converged:
            lines.append("  ** WARNING: the PLS weights did NOT converge; the numbers below are "
                         "not trustworthy **")
        lines += [f"  converged: {self.converged} after {self.iterations} iterations",
                  f"  observations used: {self.n_obs} of {self.n_input}", ""]
        lines += parameter_lines(self.estimates(), self.partable, self.group_labels)
        lines += ["R²:"] + [f"    {k:<15}{v:>8.3f}" for k, v in self.r2().items()] + [""]
        if self.warnings:
            lines.append("WARNINGS")
            lines += [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        if self._is_pls:
            status = "converged" if self.converged else "NOT CONVERGED"
            r2 = ", ".join(f"{k} {v:.2f}" for k, v in self.r2().items())
            return (f"<relqual Result: {self.spec.name}, {self.call.get('estimator')}, "
                    f"n={self.n_obs}, {status}, R² {r2}>")
        fm = self._fit_measures
        status = "converged" if self.converged else "NOT CONVERGED"
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        test = (f"logL={fm['logl']:.2f}, AIC={fm['aic']:.2f}" if np.isnan(fm["chisq"]) else
                f"chisq({int(fm['df'])})={fm['chisq']:.2f}, CFI={fm['cfi']:.3f}, "
                f"RMSEA={fm['rmsea']:.3f}")                                     # LMS: no chisq
        return (f"<relqual Result: {self.spec.name}, n={self.n_obs}, {status}, {test}{warn}>")

    def _repr_html_(self) -> str:
        if self._is_pls:
            return "<pre>" + html.escape(self._pls_summary()) + "</pre>"
        fm = self._fit_measures
        warn = "".join(f"<li style='color:#b00'>{w}</li>" for w in self.warnings)
        paths = self.estimates()
        paths = paths[paths["op"].isin(["=~", "~", ":="])]
        table = paths.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep="")
        test = (f"logL = {fm['logl']:.2f}, AIC = {fm['aic']:.2f}, BIC = {fm['bic']:.2f}"
                if np.isnan(fm["chisq"]) else                               # LMS: no chisq
                f"&chi;&sup2;({int(fm['df'])}) = {fm['chisq']:.2f}, p = {fm['pvalue']:.3f}; "
                f"CFI = {fm['cfi']:.3f}, TLI = {fm['tli']:.3f}, RMSEA = {fm['rmsea']:.3f}, "
                f"SRMR = {fm['srmr']:.3f}")
        return (f"<div><b>relqual fit: {self.spec.name}</b> &mdash; n = {self.n_obs}, "
                f"{'converged' if self.converged else '<b>not converged</b>'}<br>"
                + test + (f"<ul>{warn}</ul>" if warn else "") + table + "</div>")


SECTIONS = (("=~", "Latent Variables"), ("<~", "Composites (weights)"), ("~", "Regressions"),
            ("~~", "Covariances"),
            ("~1", "Intercepts"), ("|", "Thresholds"), ("var", "Variances"),
            ("~*~", "Scales y*"), (":=", "Defined Parameters"))
HEADER = (f"{'':<19}{'Estimate':>8}{'Std.Err':>9}{'z-value':>9}{'P(>|z|)':>9}{'Std.lv':>9}"
          f"{'Std.all':>9}")


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (CJK characters take two).

    Examples
    --------
    >>> pad("满意1", 8) + "|", pad("sat1", 8) + "|"
    ('满意1   |', 'sat1    |')
    """
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def parameter_lines(est: pd.DataFrame, partable, group_labels) -> list[str]:
    """The estimates as lavaan's ``summary()`` lays them out (see :meth:`Result.summary`)."""
    col = partable.col
    endogenous = set(col["rhs"][col["op"] == "=~"]) | set(col["lhs"][col["op"] == "~"])

    def mark(name):                      # lavaan's "." for residual (co)variances / intercepts
        return f".{name}" if name in endogenous else f" {name}"

    def numbers(r):
        free = r["se"] > 0
        cells = [f"{r['est']:>8.3f}", f"{r['se']:>9.3f}" if free else " " * 9,
                 f"{r['z']:>9.3f}" if free and np.isfinite(r["z"]) else " " * 9,
                 f"{r['pvalue']:>9.3f}" if free and np.isfinite(r["pvalue"]) else " " * 9,
                 f"{r['std_lv']:>9.3f}", f"{r['std_all']:>9.3f}"]
        return "".join(cells)

    def label(r):
        return f" ({r['label']})" if r["label"] else ""

    lines = []
    groups = list(enumerate(group_labels, 1)) if partable.ngroups > 1 else [(1, None)]
    for g, group_label in groups:
        if group_label is not None:
            lines += [f"Group {g} [{group_label}]:", ""]
        in_group = est[(est["group"] == g) | ((est["op"] == ":=") & (g == groups[-1][0]))]
        for key, heading in SECTIONS:
            if key == "var":
                part = in_group[(in_group["op"] == "~~") & (in_group["lhs"] == in_group["rhs"])]
            elif key == "~~":
                part = in_group[(in_group["op"] == "~~") & (in_group["lhs"] != in_group["rhs"])]
            else:
                part = in_group[in_group["op"] == key]
            if part.empty:
                continue
            lines += [f"{heading}:", HEADER]
            if key in ("=~", "<~", "~", "~~"):
                for lhs, rows in part.groupby("lhs", sort=False):
                    left = lhs if key != "~~" else mark(lhs).strip()
                    lines.append(f"  {left} {key}")
                    for _, r in rows.iterrows():
                        name = r["rhs"] if key != "~~" else mark(r["rhs"]).strip()
                        lines.append(f"    {pad(name + label(r), 15)}{numbers(r)}")
            elif key == "|":
                for _, r in part.iterrows():
                    lines.append(f"    {pad(r['lhs'] + '|' + r['rhs'], 15)}{numbers(r)}")
            elif key == ":=":
                for _, r in part.iterrows():
                    lines.append(f"    {pad(r['lhs'], 15)}{numbers(r)}")
            else:
                for _, r in part.iterrows():
                    lines.append(f"   {pad(mark(r['lhs']) + label(r), 16)}{numbers(r)}")
            lines.append("")
    return lines

