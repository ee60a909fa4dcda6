"""Fitting published tables: covariance or correlation matrices with SDs, means and N.

Much of the evidence on satisfaction, trust and commitment is published as a table of
correlations with means, standard deviations and N. lavaan fits a model to such summary
statistics (``sample.cov``, ``sample.mean``, ``sample.nobs``; ``getCov()`` reads a lower
triangle typed from a paper); so does relqual:

* :func:`read_cov` reads a lower (or upper, or full) triangle as typed from a paper, with
  optional SD and mean lines, as lavaan's ``getCov`` (and checks it);
* ``rq.fit(model, cov=..., n_obs=..., means=None)`` or ``rq.fit(model, cor=..., sd=...,
  n_obs=...)`` fits it, for one group or several (dicts keyed by group label, in dict order).

A summary-statistics fit is an ordinary ML problem built from sample moments instead of rows
(:func:`relqual.ml.problem_from_samples`), run through the one estimation pipeline
(:mod:`relqual.estimation`) by :class:`SummaryFamily`. lavaan's conventions for summary data:

* the covariance matrix given is taken as the unbiased one (divisor N - 1) and rescaled by
  (N - 1) / N before fitting (lavaan's ``sample.cov.rescale = TRUE``), so a fit to the
  covariance matrix of complete data equals the fit to the rows themselves;
* correlations with standard deviations become covariances ``D R D`` (``D = diag(sd)``), as
  ``getCov(sds = )`` / ``cor2cov()`` do: the SDs are taken as the usual sample SDs;
* with means there is a mean structure (lavaan: ``sample.mean`` given => ``meanstructure =
  TRUE``), without them none, also with several groups.

What needs the rows themselves is refused with one line naming what to use instead: FIML,
MLR, WLSMV, PLS, the bootstrap (use Monte Carlo intervals: ``res.indirect(ci="montecarlo")``),
factor scores, item descriptives and ``check_data``.
"""
from __future__ import annotations

import difflib
import hashlib
import math
import numbers
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .data import DataError, PreparedData
from .engine.samplestats import SampleStats
from .ml import MLFamily, ml_partable, problem_from_samples
from .problem import Problem

SUMMARY_ARGUMENTS = ("cov", "cor", "sd", "means", "n_obs", "names")
DATA_LABEL = "summary statistics"
GROUP_NAME = "group"          # the name of the grouping when the user gives none

# what a fit from summary statistics cannot do, and what to use instead (one line each)
RAW_ONLY = {
    "bootstrap": "the bootstrap resamples raw data rows, which a fit from summary statistics "
                 "does not have; use Monte Carlo intervals (res.indirect(ci='montecarlo')) or "
                 "the delta method (ci='delta')",
    "bollen_stine": "the Bollen-Stine bootstrap resamples raw data rows, which a fit from "
                    "summary statistics does not have; read the ML chi-square test instead",
    "factor_scores": "factor scores need each respondent's answers, which a fit from summary "
                     "statistics does not have; the latent means and covariances are in "
                     "res.estimates()",
    "used_data": "a fit from summary statistics has no data rows; its sample moments are in "
                 "res.sample_statistics()",
}
TAMPER = re.compile(r"[*†‡§¶^]+$")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
DASHES = ("—", "–", "-", "−", "--", "---")
SD_WORDS = {"sd", "sds", "s.d.", "s.d", "std", "std.", "stddev", "std.dev.", "std.dev",
            "standard deviation", "standard deviations", "sigma"}
MEAN_WORDS = {"m", "mean", "means", "mu", "avg", "average", "x̄"}
N_WORDS = {"n"}


class SummaryDataError(DataError):
    """Summary statistics that cannot be used (the message names the value at fault).

    Examples
    --------
    >>> import relqual as rq
    >>> issubclass(SummaryDataError, rq.DataError)
    True
    """


# ---------------------------------------------------------------------------- the data
@dataclass(frozen=True)
class SummaryData:
    """Summary statistics of one or more groups, checked (see :func:`summary_data`).

    Parameters
    ----------
    names : tuple of str
        The variables, in the order given.
    covs : tuple of ndarray
        Per group the covariance matrix as given (or converted from correlations and SDs):
        the unbiased one, divisor N - 1.
    means : tuple of ndarray or None
        Per group the means, or None (no mean structure).
    n_obs : tuple of int
        Per group N.
    group_labels : tuple
        The group labels (``(None,)`` for one group).
    kind : str
        What was given: "covariance", "correlations and SDs", or "correlation" (a matrix with
        a unit diagonal given as the covariance matrix).
    notes : tuple of str
        What was done with the input (the conversion, the rescaling).
    warnings : tuple of str
        What a researcher must read (a correlation matrix fitted as covariances).

    Examples
    --------
    >>> import numpy as np
    >>> data = summary_data(cov=np.array([[2.0, 1.0], [1.0, 3.0]]), names=["a", "b"], n_obs=11)
    >>> data.n_total, data.group_labels, data.kind
    (11, (None,), 'covariance')
    >>> data.samples(["b", "a"])[0].cov.tolist()      # rescaled by (N - 1) / N = 10 / 11
    [[2.727272727272727, 0.9090909090909091], [0.9090909090909091, 1.8181818181818181]]
    """

    names: tuple
    covs: tuple
    means: tuple | None
    n_obs: tuple
    group_labels: tuple
    kind: str = "covariance"
    notes: tuple = ()
    warnings: tuple = ()

    @property
    def n_total(self) -> int:
        """N over all groups."""
        return int(sum(self.n_obs))

    @property
    def ngroups(self) -> int:
        """The number of groups."""
        return len(self.covs)

    def samples(self, variables, first_line: dict | None = None) -> list[SampleStats]:
        """The sample moments of ``variables`` (model order) per group, the covariance rescaled
        by (N - 1) / N (lavaan's ``sample.cov.rescale``); zero means without means.

        Parameters
        ----------
        variables : sequence of str
            The model's observed variables.
        first_line : dict, optional
            Variable -> model line, named in the error for a variable not in the matrix.

        Returns
        -------
        list of SampleStats

        Raises
        ------
        SummaryDataError
            For a model variable that is not in the matrix, or a singular submatrix.

        Examples
        --------
        >>> import numpy as np
        >>> data = summary_data(cov=np.eye(2), names=["a", "b"], n_obs=5)
        >>> data.samples(["a", "c"])
        Traceback (most recent call last):
        ...
        relqual.summary.SummaryDataError: variable 'c' of the model is not in the covariance
        matrix (its variables: a, b)
        """
        variables = list(variables)
        names = list(self.names)
        for name in variables:
            if name not in names:
                line = (first_line or {}).get(name)
                where = f" (model line {line})" if line else ""
                close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
                raise SummaryDataError(f"variable '{name}' of the model{where} is not in the "
                                       f"covariance matrix{hint} (its variables: {shown})")
        idx = [names.index(v) for v in variables]
        out = []
        for g, (cov, n) in enumerate(zip(self.covs, self.n_obs)):
            where = _where(self.group_labels[g])
            if n <= len(variables):
                raise SummaryDataError(f"N = {n}{where} is not larger than the number of observed "
                                       f"variables of the model ({len(variables)}): the sample "
                                       "covariance matrix would be singular")
            sub = cov[np.ix_(idx, idx)]
            check_positive_definite(sub, variables, f"the covariance matrix of the model's "
                                                    f"variables{where}")
            mean = (np.zeros(len(idx)) if self.means is None
                    else np.asarray(self.means[g], dtype=float)[idx])
            out.append(SampleStats(tuple(variables), int(n), mean, sub * (n - 1) / n))
        return out

    def describe(self) -> str:
        """One line saying what the fit was given (for summaries and reports).

        Examples
        --------
        >>> import numpy as np
        >>> summary_data(cov=2 * np.eye(3), names=["a", "b", "c"], n_obs=200).describe()
        'summary statistics: covariance matrix of 3 variables, N = 200'
        """
        what = {"covariance": "covariance matrix",
                "correlations and SDs": "correlation matrix with standard deviations",
                "correlation": "correlation matrix (used as covariances)"}[self.kind]
        text = f"{DATA_LABEL}: {what} of {len(self.names)} variables"
        if self.means is not None:
            text += ", with means"
        if self.ngroups == 1:
            return text + f", N = {self.n_total}"
        groups = ", ".join(f"{label} (N = {n})" for label, n in zip(self.group_labels,
                                                                     self.n_obs))
        return text + f", {self.ngroups} groups: {groups}"

    def fingerprint(self) -> str:
        """SHA-256 of the statistics (names, N, covariances, means), for a report.

        Examples
        --------
        >>> import numpy as np
        >>> len(summary_data(cov=np.eye(2), names=["a", "b"], n_obs=9).fingerprint())
        64
        """
        h = hashlib.sha256()
        h.update(repr((self.names, self.n_obs, [str(g) for g in self.group_labels])).encode())
        for g, cov in enumerate(self.covs):
            h.update(np.ascontiguousarray(cov, dtype=float).tobytes())
            if self.means is not None:
                h.update(np.ascontiguousarray(self.means[g], dtype=float).tobytes())
        return h.hexdigest()


def _where(label) -> str:
    return "" if label is None else f" in group {label!r}"


def summary_data(cov=None, cor=None, sd=None, means=None, n_obs=None,
                 names=None) -> SummaryData:
    """Check the summary statistics given to :func:`relqual.fit` and gather them.

    ``cov`` (or ``cor`` with ``sd``) is a DataFrame with matching row and column names, or an
    array with ``names=``; for several groups a dict keyed by group label (the groups in dict
    order), with ``n_obs``, ``sd`` and ``means`` dicts with the same keys. A matrix read by
    :func:`read_cov` brings its SD, mean and N lines along (used unless given here).

    Parameters
    ----------
    cov : DataFrame, array or dict, optional
        The (unbiased, divisor N - 1) covariance matrix.
    cor : DataFrame, array or dict, optional
        A correlation matrix (then ``sd`` is needed).
    sd : Series, array or dict, optional
        The standard deviations (with ``cor``).
    means : Series, array or dict, optional
        The means (a mean structure).
    n_obs : int or dict
        N.
    names : sequence of str, optional
        The variable names of an array.

    Returns
    -------
    SummaryData

    Raises
    ------
    SummaryDataError
        For a matrix that is not square, symmetric or positive definite, correlations outside
        [-1, 1], SDs that are not positive, mismatched names or lengths, or a missing N.

    Examples
    --------
    >>> import numpy as np
    >>> data = summary_data(cor=np.array([[1.0, 0.5], [0.5, 1.0]]), sd=[2.0, 3.0],
    ...                     names=["x", "y"], n_obs=100)
    >>> data.covs[0].tolist(), data.kind
    ([[4.0, 3.0], [3.0, 9.0]], 'correlations and SDs')
    >>> summary_data(cov=np.array([[1.0, 0.5], [0.4, 1.0]]), names=["x", "y"], n_obs=100)
    Traceback (most recent call last):
    ...
    relqual.summary.SummaryDataError: the covariance matrix is not symmetric: ['x', 'y'] = 0.5 but
    ['y', 'x'] = 0.4
    """
    if (cov is None) == (cor is None):
        raise SummaryDataError("give the covariance matrix as cov= or the correlations as cor= "
                               "(with sd=), not both" if cov is not None else
                               "summary statistics need cov= (a covariance matrix) or cor= with "
                               "sd= (correlations and standard deviations), and n_obs=")
    if cov is not None and sd is not None:
        raise SummaryDataError("sd= goes with cor= (correlations); with cov= the standard "
                               "deviations are already on its diagonal")
    matrix = cov if cov is not None else cor
    multi = isinstance(matrix, dict)
    if multi:
        labels = list(matrix)
        if len(labels) < 2:
            raise SummaryDataError("a dict of matrices is for several groups; give one matrix "
                                   "(not a dict) for a single group")
        if isinstance(n_obs, (list, tuple, np.ndarray)) and len(n_obs) == len(labels):
            n_obs = dict(zip(labels, n_obs))          # lavaan's sample.nobs = c(...)
        for arg, value in (("n_obs", n_obs), ("sd", sd), ("means", means)):
            if value is not None and not isinstance(value, dict):
                raise SummaryDataError(f"with one matrix per group (a dict), {arg}= must be a "
                                       f"dict with the same group labels ({labels})")
            if isinstance(value, dict) and list(value) != labels and set(value) != set(labels):
                raise SummaryDataError(f"{arg}= has the groups {list(value)}, the matrices "
                                       f"{labels}")
    else:
        labels = [None]
        for arg, value in (("n_obs", n_obs), ("sd", sd), ("means", means)):
            if isinstance(value, dict):
                raise SummaryDataError(f"{arg}= is a dict (one value per group) but the matrix "
                                       "is not: give the matrices as a dict keyed by the same "
                                       "group labels")

    def pick(value, label):
        return value[label] if multi and value is not None else value

    covs, mean_list, ns, notes, warnings = [], [], [], [], []
    ref_names = None
    kinds = set()
    for label in labels:
        where = _where(label)
        m = pick(matrix, label)
        attrs = dict(getattr(m, "attrs", {}) or {})
        if cor is not None and attrs.get("cor") is not None:    # read_cov converted it
            m = attrs["cor"]
        frame = _as_frame(m, names, "covariance matrix" if cov is not None else
                          "correlation matrix", where)
        var = list(frame.columns)
        if ref_names is None:
            ref_names = var
        elif var != ref_names:
            if set(var) != set(ref_names):
                raise SummaryDataError(f"the matrix{where} has other variables than the first "
                                       f"group's: {sorted(set(var) ^ set(ref_names))}")
            frame = frame.loc[ref_names, ref_names]
        values = frame.to_numpy(dtype=float)
        group_sd = pick(sd, label)
        if group_sd is None and attrs.get("sd") is not None and cor is not None:
            group_sd = attrs["sd"]
        if cor is not None:
            if group_sd is None:
                raise SummaryDataError("cor= needs sd= (the standard deviations) to give "
                                       "covariances; without SDs pass the correlations as cov= "
                                       "(fit and standardized solution are then right, the "
                                       "unstandardized standard errors are not)")
            check_correlations(values, ref_names, where)
            s = _as_vector(group_sd, ref_names, "sd", where)
            if np.any(~(s > 0)):
                bad = ref_names[int(np.flatnonzero(~(s > 0))[0])]
                raise SummaryDataError(f"the standard deviation of '{bad}'{where} is "
                                       f"{s[ref_names.index(bad)]:g}; it must be positive")
            values = values * np.outer(s, s)
            kinds.add("correlations and SDs")
        else:
            if attrs.get("kind") == "correlations and SDs":
                kinds.add("correlations and SDs")
            elif np.allclose(np.diag(values), 1.0, rtol=0, atol=1e-12):
                kinds.add("correlation")
            else:
                kinds.add("covariance")
        check_positive_definite(values, ref_names, f"the covariance matrix{where}")
        covs.append(values)
        group_means = pick(means, label)
        if group_means is None and attrs.get("means") is not None:
            group_means = attrs["means"]
        mean_list.append(None if group_means is None
                         else _as_vector(group_means, ref_names, "means", where))
        n = pick(n_obs, label)
        if n is None:
            n = attrs.get("n_obs")
        ns.append(_check_n(n, where))
    if any(m is None for m in mean_list) and not all(m is None for m in mean_list):
        missing = [str(label) for label, m in zip(labels, mean_list) if m is None]
        raise SummaryDataError(f"means are given for some groups but not for {missing}; give "
                               "them for every group or for none")
    kind = ("correlations and SDs" if "correlations and SDs" in kinds else
            "correlation" if kinds == {"correlation"} else "covariance")
    if kind == "correlations and SDs":
        notes.append("covariances computed from the correlations and standard deviations "
                     "(cov = SD x R x SD, as lavaan's getCov(sds=) / cor2cov())")
    if kind == "correlation":
        warnings.append("the covariance matrix has a unit diagonal (a correlation matrix): the "
                        "fit and the standardized solution are right, but unstandardized "
                        "estimates and their standard errors are on the correlation scale; "
                        "give the standard deviations (cor=..., sd=...) for covariances")
    notes.append("the covariance matrix is taken as the unbiased sample covariance (divisor "
                 "N - 1) and rescaled by (N - 1)/N, as lavaan's sample.cov.rescale")
    return SummaryData(names=tuple(ref_names), covs=tuple(covs),
                       means=None if mean_list[0] is None else tuple(mean_list),
                       n_obs=tuple(ns), group_labels=tuple(labels), kind=kind,
                       notes=tuple(notes), warnings=tuple(warnings))


def _as_frame(m, names, what: str, where: str) -> pd.DataFrame:
    """A square matrix with its variable names (row names = column names)."""
    if isinstance(m, pd.DataFrame):
        rows, cols = [str(v) for v in m.index], [str(v) for v in m.columns]
        default = isinstance(m.columns, pd.RangeIndex)
        if names is not None:
            names = [str(v) for v in names]
            if not default and cols != names:
                raise SummaryDataError(f"names= {names} differ from the columns of the "
                                       f"{what}{where} {cols}; leave names= out")
            cols = rows = names
        elif default:
            raise SummaryDataError(f"the {what}{where} has no variable names: give them with "
                                   "names=[...] or as the DataFrame's index and columns")
        elif rows != cols and not isinstance(m.index, pd.RangeIndex):
            raise SummaryDataError(f"the row names of the {what}{where} {rows} differ from its "
                                   f"column names {cols}")
        values = m.to_numpy()
    else:
        if names is None:
            raise SummaryDataError(f"the {what}{where} is an array: give its variable names "
                                   "with names=[...] (or pass a DataFrame with names)")
        cols = [str(v) for v in names]
        values = np.asarray(m)
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SummaryDataError(f"the {what}{where} holds values that are not numbers") from None
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise SummaryDataError(f"the {what}{where} must be square (got shape {values.shape})")
    if values.shape[0] != len(cols):
        raise SummaryDataError(f"the {what}{where} has {values.shape[0]} rows but {len(cols)} "
                               "names were given")
    if len(set(cols)) != len(cols):
        dup = [c for c in cols if cols.count(c) > 1][0]
        raise SummaryDataError(f"the {what}{where} names the variable '{dup}' twice")
    if not np.all(np.isfinite(values)):
        i, j = np.argwhere(~np.isfinite(values))[0]
        raise SummaryDataError(f"the {what}{where} has a missing or infinite value at "
                               f"[{cols[i]!r}, {cols[j]!r}]")
    check_symmetric(values, cols, f"the {what}{where}")
    return pd.DataFrame((values + values.T) / 2, index=cols, columns=cols)


def _as_vector(value, names: list[str], what: str, where: str) -> np.ndarray:
    if isinstance(value, str):                   # "3.44 3.06 3.54", as getCov(sds = "...")
        value = read_vector(value, what)
    if isinstance(value, pd.Series):
        keys = [str(k) for k in value.index]
        if not isinstance(value.index, pd.RangeIndex):
            missing = [n for n in names if n not in keys]
            if missing:
                raise SummaryDataError(f"{what}{where} has no value for {missing} (it has "
                                       f"{keys})")
            value = value.set_axis(keys).loc[names]
    elif isinstance(value, dict):
        missing = [n for n in names if n not in value]
        if missing:
            raise SummaryDataError(f"{what}{where} has no value for {missing}")
        value = [value[n] for n in names]
    try:
        out = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise SummaryDataError(f"{what}{where} holds values that are not numbers") from None
    if len(out) != len(names):
        raise SummaryDataError(f"{what}{where} has {len(out)} values for {len(names)} variables "
                               f"({', '.join(names)})")
    if not np.all(np.isfinite(out)):
        bad = names[int(np.flatnonzero(~np.isfinite(out))[0])]
        raise SummaryDataError(f"{what}{where} has a missing value for '{bad}'")
    return out


def _check_n(n, where: str) -> int:
    if n is None:
        raise SummaryDataError(f"n_obs= (the number of respondents N{where}) is needed with "
                               "summary statistics")
    if isinstance(n, bool) or not isinstance(n, (numbers.Integral, float, np.floating)) or (
            isinstance(n, (float, np.floating)) and not float(n).is_integer()):
        raise SummaryDataError(f"n_obs{where} must be a whole number of respondents (got {n!r})")
    if n < 2:
        raise SummaryDataError(f"n_obs{where} must be at least 2 (got {n})")
    return int(n)


# ---------------------------------------------------------------------------- matrix checks
def check_symmetric(values: np.ndarray, names, what: str = "the matrix") -> None:
    """Refuse a matrix that is not symmetric (up to rounding), naming the first pair.

    Parameters
    ----------
    values : ndarray
        A square matrix.
    names : sequence of str
        Its variables.
    what : str
        How the message names it.

    Returns
    -------
    None

    Raises
    ------
    SummaryDataError

    Examples
    --------
    >>> import numpy as np
    >>> check_symmetric(np.array([[1.0, 0.3], [0.3, 1.0]]), ["a", "b"])
    >>> check_symmetric(np.array([[1.0, 0.3], [0.35, 1.0]]), ["a", "b"])
    Traceback (most recent call last):
    ...
    relqual.summary.SummaryDataError: the matrix is not symmetric: ['a', 'b'] = 0.3 but ['b', 'a']
    = 0.35
    """
    scale = max(float(np.max(np.abs(values))), 1e-300)
    diff = np.abs(values - values.T)
    if np.any(diff > 1e-8 * scale):
        i, j = np.argwhere(np.triu(diff > 1e-8 * scale, 1))[0]
        raise SummaryDataError(f"{what} is not symmetric: [{names[i]!r}, {names[j]!r}] = "
                               f"{values[i, j]:g} but [{names[j]!r}, {names[i]!r}] = "
                               f"{values[j, i]:g}")


def check_correlations(values: np.ndarray, names, where: str = "") -> None:
    """Refuse a correlation matrix whose diagonal is not 1 or with a value outside [-1, 1].

    Parameters
    ----------
    values : ndarray
        The correlation matrix.
    names : sequence of str
        Its variables.
    where : str
        Text after "the correlation matrix" (e.g. " in group 'low'").

    Returns
    -------
    None

    Raises
    ------
    SummaryDataError

    Examples
    --------
    >>> import numpy as np
    >>> check_correlations(np.array([[1.0, 1.2], [1.2, 1.0]]), ["sat", "tr"])
    Traceback (most recent call last):
    ...
    relqual.summary.SummaryDataError: the correlation between 'sat' and 'tr' is 1.2, outside
    [-1, 1]; check the value typed (a correlation table with standard deviations?)
    """
    p = len(names)
    for i in range(p):
        if abs(values[i, i] - 1.0) > 1e-6:
            raise SummaryDataError(f"the correlation matrix{where} has {values[i, i]:g} on its "
                                   f"diagonal for '{names[i]}', not 1: is it a covariance "
                                   "matrix? then give it as cov= (without sd=)")
    outside = np.abs(values) > 1.0 + 1e-12
    np.fill_diagonal(outside, False)
    if outside.any():
        i, j = np.argwhere(np.triu(outside, 1))[0]
        raise SummaryDataError(f"the correlation between '{names[i]}' and '{names[j]}'{where} is "
                               f"{values[i, j]:g}, outside [-1, 1]; check the value typed (a "
                               "correlation table with standard deviations?)")


def check_positive_definite(values: np.ndarray, names, what: str = "the matrix") -> None:
    """Refuse a covariance (or correlation) matrix that is not positive definite, naming a
    variance that is not positive, or the smallest eigenvalue and the variables involved.

    Parameters
    ----------
    values : ndarray
        A symmetric matrix.
    names : sequence of str
        Its variables.
    what : str
        How the message names it.

    Returns
    -------
    None

    Raises
    ------
    SummaryDataError

    Examples
    --------
    >>> import numpy as np
    >>> R = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.1], [0.9, 0.1, 1.0]])
    >>> check_positive_definite(R, ["sat", "tr", "ac"])
    Traceback (most recent call last):
    ...
    relqual.summary.SummaryDataError: the matrix is not positive definite: its smallest eigenvalue
    is -0.224 (involving sat, ac, tr); check the values typed (a pairwise-deleted table can be
    inconsistent)
    """
    names = list(names)
    diag = np.diag(values)
    if np.any(~(diag > 0)):
        k = int(np.flatnonzero(~(diag > 0))[0])
        raise SummaryDataError(f"{what} gives '{names[k]}' the variance {diag[k]:g}; a variance "
                               "must be positive")
    scale = np.sqrt(diag)
    corr = values / np.outer(scale, scale)
    eigvals, eigvecs = np.linalg.eigh(corr)
    if eigvals[0] > 1e-10:
        return
    vec = eigvecs[:, 0]
    involved = [names[i] for i in np.argsort(-np.abs(vec)) if abs(vec[i]) > 0.1][:6]
    raw_min = float(np.linalg.eigvalsh(values)[0])
    raise SummaryDataError(f"{what} is not positive definite: its smallest eigenvalue is "
                           f"{raw_min:.3g} (involving {', '.join(involved)}); check the values "
                           "typed (a pairwise-deleted table can be inconsistent)")


# ---------------------------------------------------------------------------- read_cov
def read_cov(text_or_path, names=None, diagonal: bool = True, lower: bool = True, *,
             sd=None, means=None, sds=None) -> pd.DataFrame:
    """Read a covariance or correlation matrix as typed from a paper (lavaan's ``getCov``).

    The numbers are read in order, whatever the line breaks, separated by spaces, commas,
    semicolons or tabs: a lower triangle row by row (``lower=False``: an upper triangle), with
    its diagonal (``diagonal=False``: without it, the diagonal is then 1), or a full matrix
    (checked for symmetry). Also read, as papers print them:

    * a row label before each row's numbers (``sat 1.00``, ``1. Satisfaction .52``: the variable
      names, unless ``names=`` are given), or a header line of names;
    * dashes on the diagonal of a correlation table (``—``, ``–``, ``-``) for 1, and numbers in
      parentheses there (reliabilities such as ``(.89)``), also read as 1;
    * significance stars and daggers after a number (``.52**``), Unicode minus signs;
    * lines labelled ``SD`` (the standard deviations: the correlations are converted to
      covariances, as ``getCov(sds=)``), ``M``/``Mean`` (the means) and ``N``;
    * the APA layout: a header such as ``Variable M SD 1 2 3`` and rows ``1. Sat 3.9 0.8 —``
      (a header ``Variable 1 2 3`` or ``1 2 3`` is skipped).

    Parameters
    ----------
    text_or_path : str, Path or sequence of numbers
        The text, a text file, or the numbers themselves.
    names : sequence of str, optional
        The variable names (default: the row labels or header, else V1, V2, ... as getCov).
    diagonal : bool
        Whether the triangle includes the diagonal.
    lower : bool
        Lower (True) or upper (False) triangle, read row by row.
    sd : sequence of float or str, optional
        The standard deviations (instead of an SD line): the matrix is then a correlation
        matrix and becomes the covariance matrix. ``sds=`` (getCov's name) is the same.
    means : sequence of float or str, optional
        The means (instead of a mean line).

    Returns
    -------
    DataFrame
        The full covariance matrix (or the correlation matrix when no SDs are given), with the
        names as index and columns. ``attrs``: ``kind`` ("covariance", "correlation" or
        "correlations and SDs"), ``cor`` (the correlations, when SDs were given), ``sd``,
        ``means`` (Series or None), ``n_obs`` (int or None) and ``source`` ("read_cov").
        :func:`relqual.fit` uses the means and N when they are not given to it.

    Raises
    ------
    SummaryDataError
        A wrong number of values (naming the row that is off when rows are labelled), a full
        matrix that is not symmetric, a matrix that is not positive definite (naming the
        smallest eigenvalue and the variables involved), correlations outside [-1, 1], SDs or
        means of the wrong length.

    Examples
    --------
    lavaan's Wheaton et al. (1977) example (``?getCov``):

    >>> lower = '''
    ...  11.834
    ...   6.947   9.364
    ...   6.819   5.091  12.532
    ...   4.783   5.028   7.495   9.986
    ...  -3.839  -3.889  -3.841  -3.625   9.610
    ... -21.899 -18.831 -21.748 -18.775  35.522 450.288 '''
    >>> wheaton = read_cov(lower, names=["anomia67", "powerless67", "anomia71",
    ...                                  "powerless71", "education", "sei"])
    >>> wheaton.shape, float(wheaton.loc["sei", "education"]), wheaton.attrs["kind"]
    ((6, 6), 35.522, 'covariance')

    A correlation table as a paper prints it:

    >>> table = read_cov('''
    ...          sat    tr     ac
    ... sat     1.00
    ... tr      .52**  1.00
    ... ac      .41**  .48**  1.00
    ... SD      0.80   0.90   1.10
    ... M       3.90   3.60   3.20
    ... ''')
    >>> table.round(3)
           sat     tr     ac
    sat  0.640  0.374  0.361
    tr   0.374  0.810  0.475
    ac   0.361  0.475  1.210
    >>> table.attrs["means"].tolist(), table.attrs["kind"]
    ([3.9, 3.6, 3.2], 'correlations and SDs')
    >>> read_cov("1 .5 1 .3 .2", names=["a", "b", "c"])
    Traceback (most recent call last):
    ...
    relqual.summary.SummaryDataError: 5 values for 3 variables: a lower triangle with its diagonal
    needs 6 (3 without the diagonal, 9 for a full matrix)
    """
    if sds is not None:
        if sd is not None:
            raise SummaryDataError("give the standard deviations once, as sd= (or sds=)")
        sd = sds
    rows, header, stats_order = _tokenize(text_or_path)
    extra = {"sd": None, "means": None, "n_obs": None}
    matrix_rows = []
    for label, values in rows:
        key = _keyword(label)
        if key is not None:
            if key == "n_obs":
                if len(values) != 1 or values[0] is None:
                    raise SummaryDataError(f"the line '{label}' should hold one number, N "
                                           f"(it has {len(values)})")
                extra["n_obs"] = _check_n(values[0], "")
            else:
                if extra[key] is not None:
                    raise SummaryDataError(f"two '{label}' lines")
                if any(v is None for v in values):
                    raise SummaryDataError(f"the '{label}' line has a dash where a number "
                                           "belongs")
                extra[key] = list(values)
            continue
        if stats_order:
            k = len(stats_order)
            if len(values) < k or any(v is None for v in values[:k]):
                raise SummaryDataError(f"row '{label}' should start with "
                                       f"{' and '.join(stats_order)} (the header names them)")
            for key, v in zip(stats_order, values[:k]):
                extra[key] = (extra[key] or []) + [v]
            values = values[k:]
        matrix_rows.append((label, values))
    labels = [label for label, _ in matrix_rows]
    flat = [v for _, values in matrix_rows for v in values]
    n_values = len(flat)
    labelled = all(label is not None for label in labels) and matrix_rows
    given_names = None if names is None else [str(v) for v in names]
    if given_names is not None:
        p = len(given_names)
    elif labelled:
        p = len(labels)
    elif header is not None:
        p = len(header)
    else:
        p = _infer_size(n_values, diagonal, matrix_rows)
    if p < 1:
        raise SummaryDataError("no numbers found: type the triangle of the matrix (getCov style, "
                               "e.g. '1.00  .52 1.00')")
    tri = p * (p + 1) // 2 if diagonal else p * (p - 1) // 2
    full = n_values == p * p and (n_values != tri or _rows_all(matrix_rows, p))
    if n_values != tri and not full:
        _wrong_count(n_values, p, diagonal, lower, matrix_rows, given_names or
                     (labels if labelled else header))
    if given_names is not None:
        var = given_names
    elif labelled and matrix_rows:
        var = [_clean_label(label) for label in labels]
    elif header is not None:
        var = list(header)
    else:
        var = [f"V{k}" for k in range(1, p + 1)]
    if len(set(var)) != len(var):
        dup = [v for v in var if var.count(v) > 1][0]
        raise SummaryDataError(f"the variable name '{dup}' appears twice")
    bad = [v for v in var if not re.match(r"^[^\W\d][\w.]*$", v)]
    if bad and given_names is None:
        raise SummaryDataError(f"the row label {bad[0]!r} is not a variable name a model can use "
                               "(letters, digits, '_' and '.', no spaces); give names=[...]")
    values, dashes = _fill(flat, p, diagonal, lower, full)
    for i, j in dashes:
        if i != j:
            raise SummaryDataError(f"a dash stands at [{var[i]!r}, {var[j]!r}], off the "
                                   "diagonal; type every correlation")
    if full:
        check_symmetric(values, var, "the full matrix")
    if not np.all(np.isfinite(values)):
        raise SummaryDataError("the matrix has a value that is not a number")
    sd_values = sd if sd is not None else extra["sd"]
    mean_values = means if means is not None else extra["means"]
    attrs = {"kind": "covariance", "cor": None, "sd": None, "means": None,
             "n_obs": extra["n_obs"], "source": "read_cov"}
    unit = np.allclose(np.diag(values), 1.0, rtol=0, atol=1e-12)
    if sd_values is not None:
        s = _as_vector(sd_values, var, "the standard deviations", "")
        check_correlations(values, var)
        check_positive_definite(values, var, "the correlation matrix")
        if np.any(~(s > 0)):
            k = int(np.flatnonzero(~(s > 0))[0])
            raise SummaryDataError(f"the standard deviation of '{var[k]}' is {s[k]:g}; it must "
                                   "be positive")
        attrs.update(kind="correlations and SDs", cor=pd.DataFrame(values, index=var,
                                                                   columns=var),
                     sd=pd.Series(s, index=var, name="sd"))
        values = values * np.outer(s, s)
    elif unit:
        attrs["kind"] = "correlation"
        check_correlations(values, var)
    check_positive_definite(values, var, "the " + ("correlation" if attrs["kind"] == "correlation"
                                                   else "covariance") + " matrix")
    if mean_values is not None:
        attrs["means"] = pd.Series(_as_vector(mean_values, var, "the means", ""), index=var,
                                   name="mean")
    out = pd.DataFrame(values, index=var, columns=var)
    out.attrs.update(attrs)
    return out


def _tokenize(source):
    """Rows of (label or None, [numbers; None for a dash]), the header names, and the order of
    the M / SD columns of an APA-style header."""
    if isinstance(source, (list, tuple, np.ndarray, pd.Series)):
        values = np.asarray(source, dtype=float).ravel()
        return [(None, [float(v) for v in values])], None, []
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and not re.search(r"\d", source)):
        path = Path(source)
        if not path.is_file():
            raise SummaryDataError(f"cannot read '{source}': no such file (or give the numbers "
                                   "as text)")
        source = path.read_text(encoding="utf-8-sig")
    elif isinstance(source, str) and "\n" not in source and Path(source).suffix.lower() in (
            ".txt", ".csv", ".tsv", ".dat") and Path(source).is_file():
        source = Path(source).read_text(encoding="utf-8-sig")
    if not isinstance(source, str):
        raise SummaryDataError(f"read_cov reads text, a file path or a list of numbers (got "
                               f"{type(source).__name__})")
    rows, header, stats_order = [], None, []
    for raw in source.splitlines():
        line = raw.split("#", 1)[0].replace("=", " ").strip()        # "N = 250"
        if not line:
            continue
        tokens = [t for t in re.split(r"[\s,;|]+", line) if t]
        kinds = [_token(t) for t in tokens]
        n_text = sum(k[0] == "text" for k in kinds)
        if not rows and header is None and n_text == 0 and _column_numbers(tokens):
            continue                                    # "1 2 3 4": column numbers
        words = {t.lower().strip(":") for t, k in zip(tokens, kinds) if k[0] == "text"}
        ints = [t for t, k in zip(tokens, kinds) if k[0] != "text"]
        stats_words = words & (MEAN_WORDS | SD_WORDS)
        if not rows and header is None and n_text and len(tokens) > 1 and \
                all(_is_index(t) for t in ints) and \
                (stats_words or _column_numbers(ints)):  # APA header: Variable M SD 1 2 3
            stats_order = [("means" if t.lower().strip(":") in MEAN_WORDS else "sd")
                           for t, k in zip(tokens, kinds) if k[0] == "text"
                           and t.lower().strip(":") in MEAN_WORDS | SD_WORDS]
            header = []
            continue
        if n_text == len(tokens) and len(tokens) > 1 and not rows and header is None:
            header = list(tokens)                       # a line of names
            continue
        last_text = max((i for i, k in enumerate(kinds) if k[0] == "text"), default=-1)
        label = " ".join(tokens[:last_text + 1]) if last_text >= 0 else None
        numbers_ = [k[1] for k in kinds[last_text + 1:]]
        rows.append((label, numbers_))
    if header == []:
        header = None
    return rows, header, stats_order


class _Bracketed(float):
    """A number printed in parentheses: on the diagonal of a correlation table, a reliability."""


def _token(text: str):
    t = text.strip().replace("\u2212", "-").replace("\u2013", "-") if len(text) > 1 else text
    if t in DASHES:
        return ("dash", None)
    t = TAMPER.sub("", t)
    bracketed = t.startswith("(") and t.endswith(")")
    t = t.strip("()[]")
    if t.startswith("-") and t[1:2] == ".":
        t = "-0" + t[1:]
    if NUMBER.match(t):
        return ("num", _Bracketed(t) if bracketed else float(t))
    return ("text", text)


def _is_index(text: str) -> bool:
    return text.isdigit()


def _column_numbers(tokens) -> bool:
    return (len(tokens) > 1 and all(t.isdigit() for t in tokens)
            and [int(t) for t in tokens] == list(range(1, len(tokens) + 1)))


def _keyword(label):
    if label is None:
        return None
    text = label.lower().strip().strip(":").strip()
    if text in SD_WORDS:
        return "sd"
    if text in MEAN_WORDS:
        return "means"
    if text in N_WORDS:
        return "n_obs"
    return None


def _clean_label(label: str) -> str:
    return re.sub(r"^\(?\d+[.)]?\s*", "", label).strip()


def _rows_all(matrix_rows, p) -> bool:
    return len(matrix_rows) == p and all(len(v) == p for _, v in matrix_rows)


def _infer_size(n: int, diagonal: bool, matrix_rows) -> int:
    """p from the number of values: a triangle, or a full matrix."""
    if n == 0:
        return 0
    root = (math.isqrt(8 * n + 1) - 1) // 2 if diagonal else (math.isqrt(8 * n + 1) + 1) // 2
    tri_ok = (root * (root + 1) // 2 if diagonal else root * (root - 1) // 2) == n
    sq = math.isqrt(n)
    full_ok = sq * sq == n and sq > 1
    if tri_ok and full_ok:
        if _rows_all(matrix_rows, sq):
            return sq
        if len(matrix_rows) == root:
            return root
        raise SummaryDataError(f"{n} values can be a triangle of {root} variables or a full "
                               f"matrix of {sq}: give names=[...]")
    if tri_ok:
        return root
    if full_ok:
        return sq
    raise SummaryDataError(f"{n} values are neither a triangle "
                           f"({'with' if diagonal else 'without'} its diagonal) nor a full "
                           "matrix: a value is missing or one too many; give names=[...] to "
                           "find out where")


def _wrong_count(n, p, diagonal, lower, matrix_rows, var) -> None:
    tri = p * (p + 1) // 2 if diagonal else p * (p - 1) // 2
    other = p * (p - 1) // 2 if diagonal else p * (p + 1) // 2
    side = "lower" if lower else "upper"
    message = (f"{n} values for {p} variables: a{'n' if side == 'upper' else ''} {side} "
               f"triangle {'with' if diagonal else 'without'} its diagonal needs {tri} "
               f"({other} {'without' if diagonal else 'with'} the diagonal, {p * p} for a "
               "full matrix)")
    if len(matrix_rows) == p and all(label is not None for label, _ in matrix_rows):
        for i, (label, values) in enumerate(matrix_rows):
            need = ((i + 1 if diagonal else i) if lower else (p - i if diagonal else p - i - 1))
            if len(values) != need and len(values) != p:
                message += (f"; row {i + 1} ('{label}') has {len(values)} value(s), the "
                            f"triangle needs {need} there")
                break
    raise SummaryDataError(message)


def _fill(flat, p, diagonal, lower, full):
    """The full matrix from the values read, and the positions of dashes (and of numbers in
    parentheses on the diagonal: reliabilities, read as 1)."""
    values = np.full((p, p), np.nan)
    dashes = []
    if full:
        positions = [(i, j) for i in range(p) for j in range(p)]
    elif lower:
        positions = [(i, j) for i in range(p) for j in range(i + 1 if diagonal else i)]
    else:
        positions = [(i, j) for i in range(p) for j in range(i if diagonal else i + 1, p)]
    for (i, j), v in zip(positions, flat):
        if v is None or (isinstance(v, _Bracketed) and i == j):
            dashes.append((i, j))
            v = 1.0
        values[i, j] = v
        if not full:
            values[j, i] = v
    if not diagonal and not full:
        np.fill_diagonal(values, 1.0)
    return values, dashes


# ---------------------------------------------------------------------------- the family
class SummaryFamily(MLFamily):
    """ML from summary statistics: the ML family's inference and fit measures on a problem
    built from sample moments instead of rows (see the module docstring).

    One instance per fit: it holds the :class:`SummaryData` (``summary``).

    Parameters
    ----------
    summary : SummaryData

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> cov = hs[["x1", "x2", "x3"]].cov()
    >>> res = rq.fit("f =~ x1 + x2 + x3", cov=cov, n_obs=len(hs))
    >>> type(res.problem.family).__name__, res.n_obs, res.call["data"]
    ('SummaryFamily', 301, 'summary statistics')
    >>> sorted(res.problem.family.unsupported(res.problem))
    ['bollen_stine', 'bootstrap', 'factor_scores', 'pls', 'used_data']
    """

    def __init__(self, summary: SummaryData):
        self.summary = summary

    def unsupported(self, problem: Problem) -> dict:
        """The ML family's refusals plus what needs raw data rows (:data:`RAW_ONLY`).

        Parameters
        ----------
        problem : Problem

        Returns
        -------
        dict
            Result method name -> the message that refuses it.

        Examples
        --------
        >>> import numpy as np
        >>> family = SummaryFamily(summary_data(cov=np.eye(2), names=["a", "b"], n_obs=9))
        >>> family.unsupported(None)["factor_scores"].split(";")[0]
        "factor scores need each respondent's answers, which a fit from summary statistics does
        not have"
        """
        out = super().unsupported(problem) if problem is not None else {}
        out.update(RAW_ONLY)
        return out

    def problem(self, spec, data, options) -> Problem:
        """The ML problem of ``spec`` on the summary statistics (``data`` is not used).

        A mean structure when means are given (lavaan's default), none without; a mean
        structure or equal intercepts across groups without means are refused.

        Parameters
        ----------
        spec : ModelSpec
        data : None
        options : FitOptions

        Returns
        -------
        Problem

        Raises
        ------
        SummaryDataError
            ``meanstructure=True`` or equal intercepts/means without means; a model variable
            missing from the matrix.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> data = summary_data(cov=np.array([[1.0, .5, .4], [.5, 1, .3], [.4, .3, 1]]),
        ...                     names=["a", "b", "c"], n_obs=100)
        >>> problem = SummaryFamily(data).problem(resolve_model("f =~ a + b + c"), None,
        ...                                       FitOptions())
        >>> problem.n_obs, problem.partable.meanstructure, problem.df
        (100, False, 0)
        """
        summary = self.summary
        has_means = summary.means is not None
        if options.meanstructure and not has_means:
            raise SummaryDataError("meanstructure=True needs the means (means=...): the "
                                   "summary statistics given have none")
        constrained = {"intercepts", "means"} & set(options.group_equal)
        if constrained and not has_means:
            raise SummaryDataError(f"group_equal={sorted(constrained)} needs the means of each "
                                   "group (means={label: ...}); without means only loadings, "
                                   "regressions, residuals and (co)variances can be equal")
        meanstructure = has_means if options.meanstructure is None else options.meanstructure
        partable = ml_partable(spec, replace(options, meanstructure=meanstructure),
                               summary.ngroups)
        samples = summary.samples(partable.roles.ov, partable.roles.first_line)
        prepared = PreparedData(arrays=[], group_labels=list(summary.group_labels),
                                n_input=summary.n_total, n_used=summary.n_total,
                                notes=list(summary.notes))
        problem = problem_from_samples(partable, samples, prepared)
        return replace(problem, family=self, notes=tuple(summary.warnings))

    def with_data(self, problem: Problem, arrays) -> Problem:
        """Refused: a fit from summary statistics has no rows to resample.

        Raises
        ------
        NotImplementedError

        Examples
        --------
        >>> import numpy as np
        >>> family = SummaryFamily(summary_data(cov=np.eye(2), names=["a", "b"], n_obs=9))
        >>> family.with_data(None, [])
        Traceback (most recent call last):
        ...
        NotImplementedError: the bootstrap resamples raw data rows, ...
        """
        raise NotImplementedError(RAW_ONLY["bootstrap"])

    def with_partable(self, problem: Problem, partable) -> Problem:
        """The same summary statistics under another parameter table (a constrained model for
        a likelihood-ratio test, :mod:`relqual.pathcompare`).

        Parameters
        ----------
        problem : Problem
        partable : ParTable

        Returns
        -------
        Problem

        Examples
        --------
        >>> import relqual as rq
        >>> hs = rq.datasets.load("holzinger_swineford")
        >>> res = rq.fit("f =~ x1 + x2 + x3", cov=hs[["x1", "x2", "x3"]].cov(), n_obs=301)
        >>> res.problem.family.with_partable(res.problem, res.partable).n_obs
        301
        """
        rebuilt = problem_from_samples(partable, problem.samples, problem.data)
        return replace(rebuilt, family=self, notes=problem.notes)

    def n_obs(self, problem: Problem) -> int:
        """N over all groups (there are no rows to count).

        Examples
        --------
        >>> import numpy as np
        >>> family = SummaryFamily(summary_data(cov=np.eye(2), names=["a", "b"], n_obs=9))
        >>> family.n_obs(None)
        9
        """
        return self.summary.n_total


# ---------------------------------------------------------------------------- fit() helpers
def wants_summary(**arguments) -> bool:
    """Whether :func:`relqual.fit` was given summary statistics (any of cov, cor, sd, means,
    n_obs).

    Examples
    --------
    >>> wants_summary(cov=None, n_obs=100), wants_summary(cov=None, n_obs=None)
    (True, False)
    """
    return any(arguments.get(k) is not None for k in SUMMARY_ARGUMENTS if k != "names")


def check_summary_fit(data, summary: SummaryData, *, estimator, missing, ordered, se,
                      bootstrap, engine, group) -> str | None:
    """Refuse options that need raw data rows (one line each, naming what to use instead);
    return the ``group`` name of the fit.

    Parameters
    ----------
    data : object
        ``rq.fit``'s ``data`` (must be None).
    summary : SummaryData
    estimator, missing, ordered, se, bootstrap, engine, group
        As :func:`relqual.fit`.

    Returns
    -------
    str or None
        ``group``, or "group" for several groups without a name.

    Raises
    ------
    SummaryDataError

    Examples
    --------
    >>> import numpy as np
    >>> data = summary_data(cov=np.eye(2), names=["a", "b"], n_obs=9)
    >>> check_summary_fit(None, data, estimator="MLR", missing="listwise", ordered=None,
    ...                   se="standard", bootstrap=0, engine="native", group=None)
    Traceback (most recent call last):
    ...
    relqual.summary.SummaryDataError: estimator='MLR' needs the raw data rows (robust standard
    errors and the scaled test use every row); from summary statistics use estimator='ML'
    """
    if data is not None:
        raise SummaryDataError("give either data (the survey rows) or summary statistics (cov= "
                               "or cor= with sd=, and n_obs=), not both")
    est = str(estimator).upper() if estimator is not None else "ML"
    if ordered is not None and ordered is not False and ordered != []:
        raise SummaryDataError("ordered items (WLSMV) need the raw answers to compute polychoric "
                               "correlations; fit the covariance matrix with estimator='ML', or "
                               "give the data")
    refusals = {
        "MLR": "estimator='MLR' needs the raw data rows (robust standard errors and the scaled "
               "test use every row); from summary statistics use estimator='ML'",
        "WLSMV": "estimator='WLSMV' needs the raw answers (polychoric correlations and their "
                 "weight matrix); from summary statistics use estimator='ML'",
        "PLS": "PLS-SEM needs the raw data rows (construct scores are weighted sums of each "
               "respondent's answers); from summary statistics use estimator='ML'",
    }
    refusals["PLSC"] = refusals["PLS"]
    if est in refusals:
        raise SummaryDataError(refusals[est])
    if str(missing).lower() in ("fiml", "ml", "direct"):
        raise SummaryDataError("missing='fiml' needs the raw data with its missing cells; a "
                               "covariance matrix is already complete: leave missing unset")
    if se == "bootstrap" or bootstrap:
        raise SummaryDataError("se='bootstrap' resamples raw data rows, which summary statistics "
                               "do not have; use the standard errors, and Monte Carlo intervals "
                               "for indirect effects (res.indirect(ci='montecarlo'))")
    if engine == "semopy":
        raise SummaryDataError("engine='semopy' is run on raw data rows in relqual; fit summary "
                               "statistics with engine='native'")
    if summary.ngroups == 1:
        if group is not None:
            raise SummaryDataError(f"group={group!r} with summary statistics: give one matrix "
                                   "per group as a dict, e.g. cov={'low': ..., 'high': ...}, "
                                   "with n_obs={'low': ..., 'high': ...}")
        return None
    return GROUP_NAME if group is None else group


# ---------------------------------------------------------------------------- command line
def read_vector(text_or_path, what: str = "means"):
    """Means (or SDs) from text or a file: numbers in order, or ``name value`` pairs (one per
    line, or a line of names above a line of numbers).

    Parameters
    ----------
    text_or_path : str or Path
        The text or a text file.
    what : str
        How messages name it.

    Returns
    -------
    list of float or Series
        A Series (indexed by name) when names are given.

    Raises
    ------
    SummaryDataError

    Examples
    --------
    >>> read_vector("3.9 3.6 3.2")
    [3.9, 3.6, 3.2]
    >>> read_vector("sat 3.9\\ntr 3.6").to_dict()
    {'sat': 3.9, 'tr': 3.6}
    """
    rows, header, _ = _tokenize(text_or_path)
    labels = [label for label, _ in rows if label is not None]
    values = [v for _, vals in rows for v in vals]
    if any(v is None for v in values):
        raise SummaryDataError(f"the {what} have a dash where a number belongs")
    if not values:
        raise SummaryDataError(f"no numbers found in the {what}")
    names = header if header is not None else (labels if len(labels) == len(rows) else None)
    if names is None:
        return [float(v) for v in values]
    if len(names) != len(values):
        raise SummaryDataError(f"the {what} give {len(names)} names but {len(values)} numbers")
    return pd.Series(values, index=[_clean_label(n) for n in names], dtype=float, name=what)


def _labelled(spec: str):
    """'LABEL=VALUE' -> (label, value); a plain value -> (None, value)."""
    label, sep, value = spec.partition("=")
    if sep and label and not re.search(r"[\\/]", label):
        return label, value
    return None, spec


def cli_arguments(cov, nobs=None, means=None) -> dict:
    """``rq.fit`` keyword arguments from the command line's ``--cov FILE --nobs N [--means
    FILE]`` (each also as ``LABEL=FILE`` / ``LABEL=N``, repeated, for several groups).

    Parameters
    ----------
    cov : list of str
        Covariance or correlation tables (read with :func:`read_cov`; their SD, mean and N lines
        are used).
    nobs : list of str, optional
        N (``LABEL=N`` per group); default the N line of the table.
    means : list of str, optional
        Files of means (:func:`read_vector`), ``LABEL=FILE`` per group.

    Returns
    -------
    dict
        ``cov``, ``n_obs`` and ``means`` for :func:`relqual.fit`.

    Raises
    ------
    SummaryDataError
        For labels that do not match, or a value that is not a whole number.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "table.txt")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("a 1\\nb .5 1\\nSD 2 3\\n")
    >>> args = cli_arguments([path], ["120"])
    >>> args["cov"].loc["a", "b"], args["n_obs"], args["means"]
    (np.float64(3.0), 120, None)
    """
    covs = [_labelled(c) for c in cov]
    labels = [label for label, _ in covs]
    multi = len(covs) > 1 or labels[0] is not None
    if multi and any(label is None for label in labels):
        raise SummaryDataError("with several tables give each as LABEL=FILE, e.g. --cov "
                               "low=low.txt --cov high=high.txt")

    def whole(text):
        try:
            return int(text)
        except ValueError:
            raise SummaryDataError(f"--nobs needs whole numbers (got {text!r})") from None

    def by_label(specs, what, read):
        if not specs:
            return None
        pairs = [_labelled(s) for s in specs]
        if not multi:
            if len(pairs) != 1 or pairs[0][0] is not None:
                raise SummaryDataError(f"one table: give one {what} without a label")
            return read(pairs[0][1])
        given = {label: read(value) for label, value in pairs}
        if None in given or set(given) != set(labels):
            raise SummaryDataError(f"give {what} as LABEL=... for each of the groups "
                                   f"{labels} (got {[label for label, _ in pairs]})")
        return {label: given[label] for label in labels}

    tables = [read_cov(path) for _, path in covs]
    return {"cov": dict(zip(labels, tables)) if multi else tables[0],
            "n_obs": by_label(nobs, "--nobs", whole),
            "means": by_label(means, "--means", read_vector)}
