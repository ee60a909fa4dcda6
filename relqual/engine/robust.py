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

from ..partable import unrestricted_partable
from .loss import MLLoss, Piece
from .matrices import RamModel
from .samplestats import SampleStats


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
    scores = loss.casewise_scores(x, data)
    B_groups = [s.T @ s / len(s) for s in scores]
    weights = [len(s) / loss.n_total for s in scores]
    B = sum(w * Bg for w, Bg in zip(weights, B_groups))
    return A_inv @ B @ A_inv / loss.n_total, B_groups, A_inv


def h1_traces(saturated: list[tuple[MLLoss, np.ndarray, np.ndarray]]) -> list[float]:
    """tr(A1^-1 B1) per group for saturated single-group models (loss, h1 estimates, rows)."""
    traces = []
    for loss, x_h1, values in saturated:
        A1 = observed_information(loss, x_h1)
        scores = loss.casewise_scores(x_h1, [values])[0]
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


def saturated_start(model: RamModel, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """A moments-only model's parameter vector at given means and (co)variances."""
    x = np.zeros(model.npar)
    for kind, i, j, k in zip(model.kind, model.i, model.j, model.pidx):
        x[k] = mean[i] if kind == 2 else cov[i, j]
    return x



def _pieces_like(pieces: list[Piece], group: int, new_group: int = 0) -> list[Piece]:
    return [p.in_group(new_group) for p in pieces if p.group == group]


def robust_ml(loss: MLLoss, x: np.ndarray, samples: list[SampleStats], data: list[np.ndarray],
              df: int, with_baseline: bool = True) -> dict:
    """Sandwich covariance and Yuan-Bentler (Mplus) scaling of a fitted ML model and of its
    baseline (independence) model.

    ``loss``: the fitted model's discrepancy (its pieces: groups or missing-data patterns);
    ``x``: the estimates; ``samples``: per group the sample (complete data) or EM (FIML)
    moments; ``data``: per group the rows used (NaN = missing), in the model's
    variable order; ``df``: the model's degrees of freedom. ``with_baseline=False`` skips the
    baseline's scaling factor (NaN; lavaan's baseline with fixed.x covariates differs).
    Returns ``vcov``, ``scaling_factor``, ``baseline_scaling_factor``, ``trace_h1``, ``trace_h0``.
    """
    A = observed_information(loss, x)
    vcov, B0, A_inv = sandwich(loss, x, data, A)
    names = list(loss.models[0].ov_names)
    meanstructure = loss.meanstructure
    weights = [len(v) / loss.n_total for v in data]
    sat_table = unrestricted_partable(names, meanstructure=meanstructure)
    saturated = []
    for g, (sample, values) in enumerate(zip(samples, data)):
        model = RamModel(sat_table, 1, sample)
        sat_loss = MLLoss([model], [sample], _pieces_like(loss.pieces, g))
        saturated.append((sat_loss, saturated_start(model, sample.mean, sample.cov), values))
    trace_h1 = h1_traces(saturated)
    c, trace_h0 = scaling_factor(trace_h1, B0, A_inv, weights, df)
    out = dict(vcov=vcov, scaling_factor=c, trace_h1=trace_h1, trace_h0=trace_h0,
               baseline_scaling_factor=np.nan)
    if with_baseline:
        _, base_loss, x_base = fit_baseline(names, samples, data,
                                            loss.pieces, meanstructure)
        A = observed_information(base_loss, x_base)
        _, B0, A_inv = sandwich(base_loss, x_base, data, A)
        base_df = len(data) * len(names) * (len(names) - 1) // 2
        out["baseline_scaling_factor"] = scaling_factor(trace_h1, B0, A_inv, weights, base_df)[0]
    return out


def fit_baseline(names: list[str], samples, data: list[np.ndarray], pieces: list[Piece],
                 meanstructure: bool):
    """The independence model (free variances and, with a mean structure, means) at its ML
    estimates for the same data: (models, loss, x). The estimates are closed-form: each
    variable's mean and variance (divisor n) over its observed values, which is also the FIML
    solution because the likelihood factors over the variables."""
    table = unrestricted_partable(names, saturated=False, ngroups=len(samples),
                                  meanstructure=meanstructure)
    models = [RamModel(table, g + 1, s) for g, s in enumerate(samples)]
    x = np.zeros(table.npar)
    for model, values in zip(models, data):
        x += saturated_start(model, np.nanmean(values, axis=0),    # zero for other groups
                             np.diag(np.nanvar(values, axis=0)))
    return models, MLLoss(models, samples, pieces), x
