"""The Satorra-Bentler family of ML (lavaan's MLM, MLMV, MLMVS) and first-order ML (MLF):
robust.sem and first-order standard errors and the Satorra-type scaled tests of an ML fit and
of its baseline (independence) model, on complete data.

The weight matrix is ML's at the model-implied moments (lavaan's ``h1.information =
"structured"``), Gamma the distribution-free covariance of the sample statistics; formulas in
:mod:`relqual.engine.robustsem`. First-order (``se = "first.order"``, lavaan's MLF):
Cov(theta) = (sum_i s_i s_i')^-1 with s_i the casewise scores of the log-likelihood
(the outer product of gradients; Berndt, Hall, Hall & Hausman 1974).
"""
from __future__ import annotations

import numpy as np

from ..partable import build_partable
from . import robustsem
from .matrices import RamModel
from .robust import saturated_start


def satorra_ml(models, x: np.ndarray, arrays: list[np.ndarray], meanstructure: bool,
               x_pos: list[int] | None = None, keep: np.ndarray | None = None) -> dict:
    """robust.sem covariance and tr(U Gamma), tr((U Gamma)^2) of an ML fit.

    Parameters
    ----------
    models : list of RamModel
        Per group.
    x : ndarray
        The estimates.
    arrays : list of ndarray
        Per group the complete rows, in model variable order.
    meanstructure : bool
        Whether the means are modelled (they are statistics then).
    x_pos : list of int, optional
        The columns of fixed observed covariates (Gamma conditional on them, lavaan's
        ``fixed.x = TRUE``).
    keep : ndarray of bool, optional
        The parameters that vary (default all; the baseline with fixed covariates keeps their
        block at the sample values).

    Returns
    -------
    dict
        As :func:`relqual.engine.robustsem.robust_sem`.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> p = res.problem
    >>> out = satorra_ml(p.models, res.x, p.data.arrays, False)
    >>> round(out["trace_ug"], 4)
    2.3593
    """
    deltas = [robustsem.delta(m, x, meanstructure) for m in models]
    if keep is not None:
        deltas = [D[:, keep] for D in deltas]
    weights = [robustsem.ml_weight(m.implied(x).sigma, meanstructure) for m in models]
    gammas = [robustsem.gamma_adf(a, meanstructure, x_pos) for a in arrays]
    return robustsem.robust_sem(deltas, weights, gammas, [len(a) for a in arrays])


def independence_partable(names: list[str], x_names: list[str], meanstructure: bool,
                          ngroups: int):
    """lavaan's independence (baseline) model: free variances, free covariances among the
    observed exogenous covariates ``x_names`` and, with a mean structure, free means
    (``lav_partable_independence``).

    Examples
    --------
    >>> table = independence_partable(["y1", "y2", "x1", "x2"], ["x1", "x2"], False, 1)
    >>> table.npar, table.roles.ov
    (5, ['y1', 'y2', 'x1', 'x2'])
    """
    lines = [f"{v} ~~ {v}" for v in names] + [f"{a} ~~ {b}" for i, a in enumerate(x_names)
                                               for b in x_names[i + 1:]]
    return build_partable("\n".join(lines), meanstructure=meanstructure, fixed_x=False,
                          ngroups=ngroups)


def baseline_satorra(names: list[str], x_names: list[str], samples, arrays: list[np.ndarray],
                     meanstructure: bool, fixed_x: bool = False) -> dict:
    """tr(U Gamma) and tr((U Gamma)^2) of the independence model
    (:func:`independence_partable`) at its ML estimates, the sample moments of its free
    blocks (the likelihood factors over them).

    Parameters
    ----------
    names : list of str
        The observed variables.
    x_names : list of str
        The observed exogenous covariates (their covariances stay free).
    samples : list of SampleStats
    arrays : list of ndarray
        Per group the rows.
    meanstructure : bool
    fixed_x : bool
        The covariates are fixed: their block is not estimated and Gamma is conditional on
        them (lavaan's ``fixed.x = TRUE``).

    Returns
    -------
    dict
        The baseline's ``trace_ug`` and ``trace_ug2`` (its scaled tests'), with ``vcov``,
        ``E_inv`` and ``nobs`` (:func:`relqual.engine.robustsem.robust_sem`).

    Examples
    --------
    The baseline's Satorra-Bentler scaling factor is tr(U Gamma) / df:

    >>> import relqual as rq
    >>> mlm = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="MLM")
    >>> base = baseline_satorra(["x1", "x2", "x3", "x4"], [], mlm.problem.samples,
    ...                         mlm.problem.data.arrays, False)
    >>> fm = mlm.fit_measures()
    >>> round(base["trace_ug"], 4), round(float(fm["baseline_chisq_scaling_factor"]) * 6, 4)
    (6.8962, 6.8962)
    """
    table = independence_partable(names, x_names, meanstructure, len(samples))
    models = [RamModel(table, g + 1, s) for g, s in enumerate(samples)]
    x_pos = [names.index(v) for v in x_names]
    x_base = np.zeros(table.npar)
    for model, sample in zip(models, samples):
        cov = np.diag(np.diag(sample.cov))
        cov[np.ix_(x_pos, x_pos)] = sample.cov[np.ix_(x_pos, x_pos)]
        x_base += saturated_start(model, sample.mean, cov)      # zero for other groups
    if not (fixed_x and x_names):
        return satorra_ml(models, x_base, arrays, meanstructure)
    col = table.col
    in_x = np.isin(col["lhs"], x_names) & ((col["op"] == "~1") | np.isin(col["rhs"], x_names))
    keep = np.ones(table.npar, dtype=bool)
    keep[col["free"][in_x & (col["free"] > 0)] - 1] = False
    return satorra_ml(models, x_base, arrays, meanstructure, x_pos, keep)


def first_order_vcov(loss, x: np.ndarray, arrays: list[np.ndarray]) -> np.ndarray:
    """(sum_i s_i s_i')^-1, the first-order (outer product of gradients) covariance.

    Parameters
    ----------
    loss : MLLoss
    x : ndarray
    arrays : list of ndarray
        Per group the rows (NaN = missing under FIML).

    Returns
    -------
    ndarray

    Raises
    ------
    numpy.linalg.LinAlgError
        When the first-order information is singular.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> first_order_vcov(res.problem.loss, res.x, res.problem.data.arrays).shape
    (8, 8)
    """
    scores = loss.casewise_scores(x, arrays)
    B = sum(s.T @ s for s in scores)
    return np.linalg.inv(B)
