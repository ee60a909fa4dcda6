"""Robust ML (lavaan's estimator = "MLR"): Huber-White sandwich standard errors and the
Yuan-Bentler (Mplus variant) scaled chi-square, for complete data and under FIML.

* Casewise scores of the log-likelihood (the row's observed variables o, e = W (y_o - mu_o)):
  dl_i/dtheta_k = -1/2 tr(W dSigma_k) + 1/2 e' dSigma_k e + dmu_k' e.
* First-order information B = (1/n) sum_i s_i s_i'; observed information A = 1/2 d2F (per row).
  Sandwich: Cov(theta) = (1/N) A^-1 B A^-1 (Huber 1967; White 1982; Yuan & Bentler 2000).
* Scaling factor (lavaan ``yuan.bentler.mplus``; Yuan & Bentler 2000, Asparouhov & Muthen 2005):
  c = sum_g [tr(A1_g^-1 B1_g) - (n_g / N) tr(A^-1 B0_g)] / df, with A1, B1 the observed and
  first-order information of the saturated model at its estimates (sample or EM moments) and
  B0_g the model's first-order information in group g. The scaled statistic is T / c.
  lavaan replaces A by the expected information (ML with this test and ``se`` standard or
  robust.sem, MLR with ``se = "robust.sem"`` or ``"standard"``; complete data) or by the
  observed information in its "h1" form (Delta' A1 Delta, A1 at the implied moments; ML with
  this test and ``se = "robust.huber.white"`` or under FIML), :func:`model_information`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..partable import unrestricted_partable
from .loss import MLLoss, Piece
from .matrices import RamModel
from .robustsem import delta, ml_weight
from .samplestats import SampleStats


@dataclass
class RobustResult:
    """The outcome of :func:`robust_ml` as a record (not used: :func:`robust_ml` returns a
    dict with these keys and ``baseline_scaling_factor``).

    Parameters
    ----------
    vcov : ndarray
        The sandwich covariance of the estimates.
    scaling_factor : float
        The Yuan-Bentler (Mplus) scaling factor c.
    trace_h1, trace_h0 : list of float
        Per group tr(A1^-1 B1) and f_g tr(A^-1 B0_g).

    Examples
    --------
    >>> import numpy as np
    >>> RobustResult(np.eye(2), 1.1, [3.0], [1.0]).scaling_factor
    1.1
    """

    vcov: np.ndarray
    scaling_factor: float
    trace_h1: list[float]
    trace_h0: list[float]


def observed_information(loss: MLLoss, x: np.ndarray) -> np.ndarray:
    """Observed information per row, A = 1/2 d2F (F = -2 logl / N up to a constant).

    Parameters
    ----------
    loss : MLLoss
    x : ndarray
        The estimates.

    Returns
    -------
    ndarray
        npar x npar.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="MLR")
    >>> p = res.problem
    >>> observed_information(p.loss, res.x).shape
    (8, 8)
    """
    return 0.5 * loss.observed_hessian(x)[2]


INFORMATION = ("hessian", "expected", "h1")


def model_information(loss: MLLoss, x: np.ndarray, kind: str = "hessian",
                      samples: list[SampleStats] | None = None) -> np.ndarray:
    """The information per row of an ML fit, as lavaan's ``information`` /
    ``observed.information`` options choose it: "hessian" (:func:`observed_information`,
    MLR's), "expected" (sum_g f_g Delta_g' W_g Delta_g, W the normal-theory weight at the
    implied moments; complete data) or "h1" (sum_g f_g Delta_g' A1_g Delta_g with A1_g the
    observed information of the saturated model at the implied moments, :func:`h1_structured`;
    lavaan's form for tests added beside another and for Satorra-type tests with observed
    information, also under FIML), f_g = n_g / N.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> p = res.problem
    >>> A = {k: model_information(p.loss, res.x, k, p.samples) for k in INFORMATION}
    >>> bool(np.allclose(A["expected"], 0.5 * p.loss.value_gradient_information(res.x)[2]))
    True
    >>> [round(float(np.abs(A[k] - A["expected"]).max()), 4) for k in INFORMATION]
    [0.0431, 0.0, 0.0795]
    """
    if kind == "hessian":
        return observed_information(loss, x)
    if kind not in INFORMATION:
        raise ValueError(f"unknown information '{kind}'; choose from " + ", ".join(INFORMATION))
    n = [s.n for s in samples]
    if kind == "h1":
        return sum(n_g / sum(n) * D.T @ A1 @ D
                   for n_g, (A1, D) in zip(n, h1_structured(loss, x, samples)))
    ms = loss.meanstructure
    return sum(n_g / sum(n) * delta(model, x, ms).T @ ml_weight(model.implied(x).sigma, ms)
               @ delta(model, x, ms) for model, n_g in zip(loss.models, n))


def h1_structured(loss: MLLoss, x: np.ndarray, samples: list[SampleStats]) -> list:
    """Per group (A1, Delta): the observed information per row of the saturated model at the
    model-implied moments (lavaan's "h1" observed information, ``h1.information =
    "structured"``; from the missing-data patterns under FIML) and Delta, the derivatives of
    the saturated model's parameters (means, variances, covariances) at ``x``.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> [(A1.shape, D.shape) for A1, D in h1_structured(res.problem.loss, res.x,
    ...                                                  res.problem.samples)]
    [((10, 10), (10, 8))]
    """
    names = list(loss.models[0].ov_names)
    table = unrestricted_partable(names, meanstructure=loss.meanstructure)
    out = []
    for g, (model, sample) in enumerate(zip(loss.models, samples)):
        imp = model.implied(x)
        sat = RamModel(table, 1, sample)
        sat_loss = MLLoss([sat], [sample], _pieces_like(loss.pieces, g))
        mu = imp.mu if loss.meanstructure else sample.mean
        A1 = observed_information(sat_loss, saturated_start(sat, mu, imp.sigma))
        d_sigma, d_mu = model.jacobian(imp)
        D = np.zeros((sat.npar, len(x)))
        for kind, i, j, k in zip(sat.kind, sat.i, sat.j, sat.pidx):
            D[k] = d_mu[:, i] if kind == 2 else d_sigma[:, i, j]
        out.append((A1, D))
    return out


def sandwich(loss: MLLoss, x: np.ndarray, data: list[np.ndarray], A: np.ndarray):
    """(Cov(theta), per group B0_g, A^-1) for the model at ``x``.

    ``Cov(theta) = A^-1 B A^-1 / N`` with ``B = sum_g (n_g / N) B0_g`` the first-order
    information (Huber 1967; White 1982).

    Parameters
    ----------
    loss : MLLoss
    x : ndarray
        The estimates.
    data : list of ndarray
        Per group the rows (NaN = missing), in model variable order.
    A : ndarray
        The observed information (:func:`observed_information`).

    Returns
    -------
    vcov : ndarray
    B0_groups : list of ndarray
        Per group the first-order information (1/n_g) sum_i s_i s_i'.
    A_inv : ndarray

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="MLR")
    >>> p = res.problem
    >>> A = observed_information(p.loss, res.x)
    >>> vcov, B0, A_inv = sandwich(p.loss, res.x, p.data.arrays, A)
    >>> bool(np.allclose(vcov, res.estimate.inference.vcov)), len(B0)
    (True, 1)
    """
    A_inv = np.linalg.inv(A)
    scores = loss.casewise_scores(x, data)
    B_groups = [s.T @ s / len(s) for s in scores]
    weights = [len(s) / loss.n_total for s in scores]
    B = sum(w * Bg for w, Bg in zip(weights, B_groups))
    return A_inv @ B @ A_inv / loss.n_total, B_groups, A_inv


def h1_traces(saturated: list[tuple[MLLoss, np.ndarray, np.ndarray]]) -> list[float]:
    """tr(A1^-1 B1) per group for saturated single-group models (loss, h1 estimates, rows).

    Parameters
    ----------
    saturated : list of (MLLoss, ndarray, ndarray)
        Per group the saturated model's loss, its parameter vector at the sample (or EM)
        moments, and the rows.

    Returns
    -------
    list of float

    Examples
    --------
    >>> from relqual.engine.loss import MLLoss
    >>> from relqual.engine.matrices import RamModel
    >>> from relqual.partable import unrestricted_partable
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="MLR")
    >>> p = res.problem
    >>> sample = p.samples[0]
    >>> model = RamModel(unrestricted_partable(list(sample.names)), 1, sample)
    >>> x_h1 = saturated_start(model, sample.mean, sample.cov)
    >>> [round(t, 3) for t in h1_traces([(MLLoss([model], [sample]), x_h1, p.data.arrays[0])])]
    [11.07]
    """
    return [float(np.sum(np.linalg.inv(A1) * B1.T)) for A1, B1 in h1_unstructured(saturated)]


def h1_unstructured(saturated: list[tuple[MLLoss, np.ndarray, np.ndarray]]) -> list:
    """Per group (A1, B1): the observed and the first-order information per row of the
    saturated model at its estimates (the sample moments, or EM's under FIML; lavaan's
    unstructured h1 information), for the saturated models of :func:`h1_traces`.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.partable import unrestricted_partable
    >>> p = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")).problem
    >>> model = RamModel(unrestricted_partable(["x1", "x2", "x3"]), 1, p.samples[0])
    >>> x_h1 = saturated_start(model, p.samples[0].mean, p.samples[0].cov)
    >>> [(A1.shape, B1.shape) for A1, B1 in
    ...  h1_unstructured([(MLLoss([model], p.samples), x_h1, p.data.arrays[0])])]
    [((6, 6), (6, 6))]
    """
    out = []
    for loss, x_h1, values in saturated:
        scores = loss.casewise_scores(x_h1, [values])[0]
        out.append((observed_information(loss, x_h1), scores.T @ scores / len(scores)))
    return out


def saturated_models(loss: MLLoss, samples: list[SampleStats], data: list[np.ndarray]) -> list:
    """Per group (saturated loss, its estimates, the rows): the unrestricted model of the
    observed variables at the sample (or EM) moments, with the fit's missing-data patterns."""
    names = list(loss.models[0].ov_names)
    table = unrestricted_partable(names, meanstructure=loss.meanstructure)
    out = []
    for g, (sample, values) in enumerate(zip(samples, data)):
        model = RamModel(table, 1, sample)
        sat_loss = MLLoss([model], [sample], _pieces_like(loss.pieces, g))
        out.append((sat_loss, saturated_start(model, sample.mean, sample.cov), values))
    return out


def scaling_factor(trace_h1: list[float], B0_groups: list[np.ndarray], A_inv: np.ndarray,
                   weights: list[float], df: int) -> tuple[float, list[float]]:
    """Yuan-Bentler (Mplus) scaling factor c = sum_g (tr_h1 - f_g tr(A^-1 B0_g)) / df.

    Parameters
    ----------
    trace_h1 : list of float
        Per group tr(A1^-1 B1) (:func:`h1_traces`).
    B0_groups : list of ndarray
        Per group the model's first-order information.
    A_inv : ndarray
        The inverse observed information of the model.
    weights : list of float
        Per group n_g / N.
    df : int
        The model's degrees of freedom.

    Returns
    -------
    c : float
        NaN when df <= 0 or c <= 0.
    trace_h0 : list of float
        Per group f_g tr(A^-1 B0_g).

    Examples
    --------
    >>> import numpy as np
    >>> scaling_factor([10.0], [np.eye(2)], 2 * np.eye(2), [1.0], df=2)     # (10 - 4) / 2
    (3.0, [4.0])
    """
    trace_h0 = [w * float(np.sum(A_inv * B0.T)) for w, B0 in zip(weights, B0_groups)]
    if df <= 0:
        return np.nan, trace_h0
    c = (sum(trace_h1) - sum(trace_h0)) / df
    return (c if c > 0 else np.nan), trace_h0


def saturated_start(model: RamModel, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """A moments-only model's parameter vector at given means and (co)variances.

    Parameters
    ----------
    model : RamModel
        Of a saturated or independence table (:func:`relqual.partable.unrestricted_partable`).
    mean : ndarray
    cov : ndarray

    Returns
    -------
    ndarray
        One value per free parameter.

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.engine.matrices import RamModel
    >>> from relqual.partable import unrestricted_partable
    >>> model = RamModel(unrestricted_partable(["x1", "x2"]), 1)
    >>> saturated_start(model, np.zeros(2), np.array([[1., .5], [.5, 2.]])).tolist()
    [1.0, 0.5, 2.0]
    """
    x = np.zeros(model.npar)
    for kind, i, j, k in zip(model.kind, model.i, model.j, model.pidx):
        x[k] = mean[i] if kind == 2 else cov[i, j]
    return x



def _pieces_like(pieces: list[Piece], group: int, new_group: int = 0) -> list[Piece]:
    return [p.in_group(new_group) for p in pieces if p.group == group]


def robust_ml(loss: MLLoss, x: np.ndarray, samples: list[SampleStats], data: list[np.ndarray],
              df: int, with_baseline: bool = True, information: str = "hessian") -> dict:
    """Sandwich covariance and Yuan-Bentler (Mplus) scaling of a fitted ML model and of its
    baseline (independence) model.

    ``information``: the model information A in the scaling factor (:func:`model_information`;
    "hessian" for MLR, lavaan's "expected" or "h1" when ``se`` / ``test`` change it; complete
    data only for the latter two); the sandwich always uses the Hessian.

    ``loss``: the fitted model's discrepancy (its pieces: groups or missing-data patterns);
    ``x``: the estimates; ``samples``: per group the sample (complete data) or EM (FIML)
    moments; ``data``: per group the rows used (NaN = missing), in the model's
    variable order; ``df``: the model's degrees of freedom. ``with_baseline=False`` skips the
    baseline's scaling factor (NaN; lavaan's baseline with fixed.x covariates differs).

    Parameters
    ----------
    loss : MLLoss
    x : ndarray
    samples : list of SampleStats
    data : list of ndarray
    df : int
    with_baseline : bool
        See above.

    Returns
    -------
    dict
        ``vcov``, ``scaling_factor``, ``baseline_scaling_factor``, ``trace_h1``, ``trace_h0``.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="MLR")
    >>> p = res.problem
    >>> robust = robust_ml(p.loss, res.x, p.samples, p.data.arrays, p.df)
    >>> round(robust["scaling_factor"], 3), round(robust["baseline_scaling_factor"], 3)
    (0.836, 1.187)
    """
    A = observed_information(loss, x)
    vcov, B0, A_inv = sandwich(loss, x, data, A)
    if information != "hessian":
        A_inv = np.linalg.inv(model_information(loss, x, information, samples))
    names = list(loss.models[0].ov_names)
    meanstructure = loss.meanstructure
    weights = [len(v) / loss.n_total for v in data]
    trace_h1 = h1_traces(saturated_models(loss, samples, data))
    c, trace_h0 = scaling_factor(trace_h1, B0, A_inv, weights, df)
    out = dict(vcov=vcov, scaling_factor=c, trace_h1=trace_h1, trace_h0=trace_h0,
               baseline_scaling_factor=np.nan)
    if with_baseline:
        _, base_loss, x_base = fit_baseline(names, samples, data,
                                            loss.pieces, meanstructure)
        A = model_information(base_loss, x_base, information, samples)
        _, B0, A_inv = sandwich(base_loss, x_base, data, A)
        base_df = len(data) * len(names) * (len(names) - 1) // 2
        out["baseline_scaling_factor"] = scaling_factor(trace_h1, B0, A_inv, weights, base_df)[0]
    return out


def fit_baseline(names: list[str], samples, data: list[np.ndarray], pieces: list[Piece],
                 meanstructure: bool):
    """The independence model (free variances and, with a mean structure, means) at its ML
    estimates for the same data: (models, loss, x). The estimates are closed-form: each
    variable's mean and variance (divisor n) over its observed values, which is also the FIML
    solution because the likelihood factors over the variables.

    Parameters
    ----------
    names : list of str
        The observed variables.
    samples : list of SampleStats
        Per group the moments (for the loss).
    data : list of ndarray
        Per group the rows (NaN = missing).
    pieces : list of Piece or None
        The fit's data pieces (FIML patterns), or None for complete data.
    meanstructure : bool

    Returns
    -------
    models : list of RamModel
    loss : MLLoss
    x : ndarray
        The estimates.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="MLR")
    >>> p = res.problem
    >>> models, loss, x = fit_baseline(["x1", "x2", "x3", "x4"], p.samples, p.data.arrays,
    ...                                None, False)
    >>> x.round(3).tolist()
    [1.358, 1.382, 1.275, 1.351]
    >>> round(float(loss.n_total * loss.value(x)), 3)     # the baseline chi-square
    157.076
    """
    table = unrestricted_partable(names, saturated=False, ngroups=len(samples),
                                  meanstructure=meanstructure)
    models = [RamModel(table, g + 1, s) for g, s in enumerate(samples)]
    x = np.zeros(table.npar)
    for model, values in zip(models, data):
        x += saturated_start(model, np.nanmean(values, axis=0),    # zero for other groups
                             np.diag(np.nanvar(values, axis=0)))
    return models, MLLoss(models, samples, pieces), x
