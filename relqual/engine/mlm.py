"""The Satorra-Bentler family of ML (lavaan's MLM, MLMV, MLMVS) and first-order ML (MLF):
robust.sem and first-order standard errors and the Satorra-type scaled tests of an ML fit and
of its baseline (independence) model, on complete data.

The weight matrix is ML's at the model-implied moments (lavaan's ``h1.information =
"structured"``), Gamma the distribution-free covariance of the sample statistics; formulas in
:mod:`relqual.engine.robustsem`. First-order (``se = "first.order"``, lavaan's MLF):
Cov(theta) = (sum_i s_i s_i')^-1 with s_i the casewise scores of the log-likelihood
(the outer product of gradients; Berndt, Hall, Hall & Hausman 1974).

With ``se = "robust.huber.white"`` lavaan weights these tests by the observed information in
its "h1" form (:func:`relqual.engine.robustsem.ml_weight_observed`); under FIML it offers the
Yuan-Bentler test (:func:`yuan_bentler_fiml`).
"""
from __future__ import annotations

import numpy as np

from ..partable import build_partable
from . import robustsem
from .matrices import RamModel
from .robust import h1_structured, h1_unstructured, saturated_models, saturated_start


def satorra_ml(models, x: np.ndarray, arrays: list[np.ndarray], meanstructure: bool,
               x_pos: list[int] | None = None, keep: np.ndarray | None = None,
               information: str = "expected") -> dict:
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
    information : {"expected", "h1"}
        The weight W: the expected normal-theory information at the implied moments, or its
        observed form (:func:`relqual.engine.robustsem.ml_weight_observed`, lavaan's
        ``observed.information = "h1"``, the tests of ``se = "robust.huber.white"``).

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
    if information == "expected":
        weights = [robustsem.ml_weight(m.implied(x).sigma, meanstructure) for m in models]
    else:
        weights = []
        for m, a in zip(models, arrays):
            imp, mean = m.implied(x), a.mean(axis=0)
            mu = imp.mu if meanstructure else mean
            weights.append(robustsem.ml_weight_observed(imp.sigma, mu, np.cov(a.T, bias=True),
                                                        mean, meanstructure))
    gammas = [robustsem.gamma_adf(a, meanstructure, x_pos) for a in arrays]
    return robustsem.robust_sem(deltas, weights, gammas, [len(a) for a in arrays])


def yuan_bentler_fiml(loss, x: np.ndarray, samples, data: list[np.ndarray]) -> dict:
    """tr(U Gamma) and tr((U Gamma)^2) of lavaan's ``test = "yuan.bentler"`` under FIML
    (lavaan 0.6-14): U = V - V Delta E^-1 Delta' V with V = bdiag(f_g A1_g), A1_g the observed
    information of the saturated model at the implied moments ("h1", structured;
    :func:`relqual.engine.robust.h1_structured`), and Gamma_g = A1u^-1 B1u A1u^-1 from the
    saturated model at its EM estimates (:func:`relqual.engine.robust.h1_unstructured`; Yuan &
    Bentler 2000).

    Parameters
    ----------
    loss : MLLoss
        The fit's FIML loss (or its baseline's).
    x : ndarray
        The estimates.
    samples : list of SampleStats
        Per group the EM moments.
    data : list of ndarray
        Per group the rows (NaN = missing).

    Returns
    -------
    dict
        As :func:`relqual.engine.robustsem.robust_sem`.

    Examples
    --------
    >>> import warnings
    >>> import relqual as rq
    >>> hsm = rq.datasets.load("holzinger_swineford_missing")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml")
    >>> p = res.problem
    >>> round(yuan_bentler_fiml(p.loss, res.x, p.samples, p.data.arrays)["trace_ug"], 4)
    2.3319
    """
    parts = h1_structured(loss, x, samples)
    gammas = []
    for A1, B1 in h1_unstructured(saturated_models(loss, samples, data)):
        A1_inv = np.linalg.inv(A1)
        gammas.append(A1_inv @ B1 @ A1_inv)
    return robustsem.robust_sem([D for _, D in parts], [A1 for A1, _ in parts], gammas,
                                [len(a) for a in data])


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
                     meanstructure: bool, fixed_x: bool = False,
                     information: str = "expected") -> dict:
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
    information : {"expected", "h1"}
        As :func:`satorra_ml`.

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
        return satorra_ml(models, x_base, arrays, meanstructure, information=information)
    col = table.col
    in_x = np.isin(col["lhs"], x_names) & ((col["op"] == "~1") | np.isin(col["rhs"], x_names))
    keep = np.ones(table.npar, dtype=bool)
    keep[col["free"][in_x & (col["free"] > 0)] - 1] = False
    return satorra_ml(models, x_base, arrays, meanstructure, x_pos, keep, information)


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
