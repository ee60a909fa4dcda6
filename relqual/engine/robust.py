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
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..partable import build_partable
from .loss import MLLoss, Piece
from .matrices import RamModel


def casewise_scores(loss: MLLoss, x: np.ndarray, data: list[np.ndarray]) -> list[np.ndarray]:
    """Per group, the scores of every row's log-likelihood (rows x npar).

    ``data``: per group the rows (NaN where missing) in model variable order; the loss's
    pieces say which rows each piece covers (complete data: all rows of the group).
    """
    imps, parts = loss._evaluate(x)
    scores = [np.zeros((len(values), len(x))) for values in data]
    for piece, (_, W, _) in zip(loss.pieces, parts):
        model, imp = loss.models[piece.group], imps[piece.group]
        o = piece.obs if piece.obs is not None else np.arange(model.p)
        rows = piece.rows if piece.rows is not None else np.arange(len(data[piece.group]))
        y = data[piece.group][np.ix_(rows, o)]
        mu = imp.mu[o] if loss.meanstructure else piece.mean
        E = (y - mu) @ W                                               # rows x |o|
        Z = np.concatenate([imp.FB, imp.C[: model.p, :]], axis=1)[o]    # |o| x 2n
        EZ = E @ Z
        ZWZ = Z.T @ W @ Z
        x_idx, y_idx, c = model._x, model._y, model._c
        entry_scores = c * (EZ[:, x_idx] * EZ[:, y_idx] - ZWZ[x_idx, y_idx])
        s = entry_scores if model.one_to_one else entry_scores @ model.K
        if loss.meanstructure:
            s = s + E @ model.mean_jacobian(imp)[:, o].T
        scores[piece.group][rows] += s
    return scores


@dataclass
class RobustResult:
    vcov: np.ndarray
    scaling_factor: float
    trace_h1: list[float]
    trace_h0: list[float]


def observed_information(loss: MLLoss, x: np.ndarray) -> np.ndarray:
    """Observed information per row, A = 1/2 d2F (F = -2 logl / N up to a constant)."""
    return 0.5 * loss.observed_hessian(x)[2]


def sandwich(loss: MLLoss, x: np.ndarray, data: list[np.ndarray], A: np.ndarray):
    """(Cov(theta), per group B0_g, A^-1) for the model at ``x``."""
    A_inv = np.linalg.inv(A)
    scores = casewise_scores(loss, x, data)
    B_groups = [s.T @ s / len(s) for s in scores]
    weights = [len(s) / loss.n_total for s in scores]
    B = sum(w * Bg for w, Bg in zip(weights, B_groups))
    return A_inv @ B @ A_inv / loss.n_total, B_groups, A_inv


def h1_traces(saturated: list[tuple[MLLoss, np.ndarray, np.ndarray]]) -> list[float]:
    """tr(A1^-1 B1) per group for saturated single-group models (loss, h1 estimates, rows)."""
    traces = []
    for loss, x_h1, values in saturated:
        A1 = observed_information(loss, x_h1)
        scores = casewise_scores(loss, x_h1, [values])[0]
        B1 = scores.T @ scores / len(scores)
        traces.append(float(np.sum(np.linalg.inv(A1) * B1.T)))
    return traces


def scaling_factor(trace_h1: list[float], B0_groups: list[np.ndarray], A_inv: np.ndarray,
                   weights: list[float], df: int) -> tuple[float, list[float]]:
    """Yuan-Bentler (Mplus) scaling factor c = sum_g (tr_h1 - f_g tr(A^-1 B0_g)) / df."""
    trace_h0 = [w * float(np.sum(A_inv * B0.T)) for w, B0 in zip(weights, B0_groups)]
    if df <= 0:
        return np.nan, trace_h0
    c = (sum(trace_h1) - sum(trace_h0)) / df
    return (c if c > 0 else np.nan), trace_h0


def saturated_syntax(names: list[str], meanstructure: bool) -> str:
    """lavaan syntax of the saturated model: every variance, covariance (and mean) free."""
    lines = [f"{a} ~~ " + " + ".join(names[i:]) for i, a in enumerate(names)]
    if meanstructure:
        lines.append(" + ".join(names) + " ~ 1")
    return "\n".join(lines)


def saturated_start(model: RamModel, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """A moments-only model's parameter vector at given means and (co)variances."""
    x = np.zeros(model.npar)
    for kind, i, j, k in zip(model.kind, model.i, model.j, model.pidx):
        x[k] = mean[i] if kind == 2 else cov[i, j]
    return x



def _pieces_like(pieces: list[Piece], group: int, new_group: int = 0) -> list[Piece]:
    return [p.in_group(new_group) for p in pieces if p.group == group]


def robust_ml(result, data: list[np.ndarray]) -> dict:
    """Sandwich covariance and Yuan-Bentler (Mplus) scaling of a fitted ML model and of its
    baseline (independence) model. ``data``: per group the rows used (NaN = missing)."""
    loss = MLLoss(result.models, result.samples, result.pieces)
    A = observed_information(loss, result.x)
    vcov, B0, A_inv = sandwich(loss, result.x, data, A)
    names = list(result.partable.roles.ov)
    meanstructure = result.partable.meanstructure
    weights = [len(v) / loss.n_total for v in data]
    df = result.moments - result.partable.npar
    saturated = []
    for g, (sample, values) in enumerate(zip(result.samples, data)):
        sat_table = build_partable(saturated_syntax(names, meanstructure),
                                   meanstructure=meanstructure)
        model = RamModel(sat_table, 1, sample)
        sat_loss = MLLoss([model], [sample], _pieces_like(loss.pieces, g))
        saturated.append((sat_loss, saturated_start(model, sample.mean, sample.cov), values))
    trace_h1 = h1_traces(saturated)
    c, trace_h0 = scaling_factor(trace_h1, B0, A_inv, weights, df)
    out = dict(vcov=vcov, scaling_factor=c, trace_h1=trace_h1, trace_h0=trace_h0,
               baseline_scaling_factor=np.nan)
    if not result.partable.roles.ov_x:
        out["baseline_scaling_factor"] = _baseline_scaling(result, loss, data, trace_h1, weights)
    return out


def fit_baseline(result):
    """The independence model (free variances and, with a mean structure, means) at its ML
    estimates for the same data: (models, loss, x). The estimates are closed-form: each
    variable's mean and variance (divisor n) over its observed values, which is also the FIML
    solution because the likelihood factors over the variables."""
    names = list(result.partable.roles.ov)
    lines = [f"{v} ~~ {v}" for v in names]
    if result.partable.meanstructure:
        lines.append(" + ".join(names) + " ~ 1")
    table = build_partable("\n".join(lines), ngroups=len(result.samples),
                           meanstructure=result.partable.meanstructure)
    models = [RamModel(table, g + 1, s) for g, s in enumerate(result.samples)]
    x = np.zeros(table.npar)
    for model, values in zip(models, result.prepared.arrays):
        x += saturated_start(model, np.nanmean(values, axis=0),    # zero for other groups
                             np.diag(np.nanvar(values, axis=0)))
    return models, MLLoss(models, result.samples, result.pieces), x


def _baseline_scaling(result, loss: MLLoss, data, trace_h1, weights) -> float:
    """Scaling factor of the independence model fitted to the same data."""
    _, base_loss, x = fit_baseline(result)
    A = observed_information(base_loss, x)
    _, B0, A_inv = sandwich(base_loss, x, data, A)
    names = list(result.partable.roles.ov)
    df = sum(len(names) * (len(names) - 1) // 2 for _ in result.samples)
    c, _ = scaling_factor(trace_h1, B0, A_inv, weights, df)
    return c
