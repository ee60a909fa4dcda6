"""Robust CFI/TLI/RMSEA under full-information ML: the FIML-corrected statistics.

Savalei (2018) and Zhang & Savalei (2023) correct the "robust" fit indices for missing data by
re-evaluating the model on the EM (H1) moments as if they were complete data, and scaling that
statistic with c3 = k / df, where (lavaan ``lav_fit_fiml_corrected``; all matrices per
observation, block-diagonal over groups with the weights f_g = n_g / N):

    U  = W_m - W_m Delta A^-1 Delta' W_m
    V6 (ML):   k = tr(W_c W_m^-1 U W_m^-1)
    V3 (MLR):  k = tr(U W_m^-1 W_c W_m^-1 U Gamma),  Gamma = W_m^-1 J_m W_m^-1

with W_m the observed information of the saturated model under missing data, J_m its
first-order information, W_c the complete-data information of the saturated model at the EM
moments, Delta the derivatives of (mu, vech Sigma) with respect to the model parameters and
A = Delta' W_m Delta the model's information through the saturated one (lavaan's observed
information of type "h1"). The same is done for the independence model, giving the
baseline's statistic and c3.
"""
from __future__ import annotations

import numpy as np

from ..partable import unrestricted_partable
from .loss import MLLoss, Piece
from .matrices import RamModel
from .robust import observed_information, saturated_start
from .samplestats import SampleStats
from .threads import single_threaded


def _saturated(sample: SampleStats, pieces: list[Piece] | None):
    """Saturated single-group model (loss, model, its parameter vector at the EM moments)."""
    table = unrestricted_partable(list(sample.names), meanstructure=True)
    model = RamModel(table, 1, sample)
    loss = MLLoss([model], [sample], pieces)
    return loss, model, saturated_start(model, sample.mean, sample.cov)


def _delta(model_of_group: RamModel, x: np.ndarray, saturated: RamModel) -> np.ndarray:
    """d(mu, Sigma entries of the saturated parameterization)/d(model parameters)."""
    imp = model_of_group.implied(x)
    d_sigma, d_mu = model_of_group.jacobian(imp)
    rows = np.empty((saturated.npar, len(x)))
    for kind, i, j, k in zip(saturated.kind, saturated.i, saturated.j, saturated.pidx):
        rows[k] = d_mu[:, i] if kind == 2 else d_sigma[:, i, j]
    return rows


def _complete_chisq(models, x, samples) -> float:
    """sum_g n_g F_ML(model at x; EM moments as complete data)."""
    loss = MLLoss(models, samples)
    return loss.n_total * loss.value(x)


def _k(blocks, Delta, A_inv, version: str) -> float:
    """k of the module docstring; with Q = W_m^-1 W_c W_m^-1 (block diagonal, formed per group)
    and U, Q, Gamma symmetric, tr(W_c W_m^-1 U W_m^-1) = sum(U * Q) and
    tr(U Q U Gamma) = sum((U Q U) * Gamma), so no product of full matrices is formed twice."""
    Wm = _bdiag([b["Wm"] * b["f"] for b in blocks])
    Q = _bdiag([b["Wmi"] @ b["Wc"] @ b["Wmi"] / b["f"] for b in blocks])
    WmD = Wm @ Delta
    U = Wm - WmD @ A_inv @ WmD.T
    if version == "V6":
        return float(np.sum(U * Q))
    Gamma = _bdiag([b["Wmi"] @ b["Jm"] @ b["Wmi"] / b["f"] for b in blocks])
    return float(np.sum((U @ Q @ U) * Gamma))


def _bdiag(mats):
    size = sum(m.shape[0] for m in mats)
    out = np.zeros((size, size))
    at = 0
    for m in mats:
        k = m.shape[0]
        out[at:at + k, at:at + k] = m
        at += k
    return out


@single_threaded                 # called from fit_measures, after the fit's own limit
def fiml_corrected(models: list[RamModel], x: np.ndarray, samples: list[SampleStats],
                   data: list[np.ndarray], pieces: list[Piece], df: int, baseline,
                   version: str) -> dict:
    """XX3, c3 (and the baseline's) for a FIML fit.

    ``models``, ``x``: the fitted model's RAM models and estimates; ``samples``: per group the
    EM (H1) moments; ``data``: per group the rows (NaN = missing); ``pieces``: the fit's
    missing-data patterns; ``df``: its degrees of freedom; ``baseline`` = (models, x) of the
    independence model fitted by FIML to the same data; ``version``: "V3" (MLR) or "V6" (ML).

    Parameters
    ----------
    models : list of RamModel
    x : ndarray
    samples : list of SampleStats
    data : list of ndarray
    pieces : list of Piece
    df : int
    baseline : tuple
        (models, x) of the independence model (:func:`relqual.engine.robust.fit_baseline`).
    version : {"V3", "V6"}

    Returns
    -------
    dict
        ``XX3`` (the model's statistic on the EM moments as complete data), ``c3`` (its
        scaling factor k / df), ``XX3_null`` and ``c3_null`` (the baseline's), the inputs of
        :func:`relqual.engine.fitindices.robust_measures`.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.engine.robust import fit_baseline
    >>> hsm = rq.datasets.load("holzinger_swineford_missing")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml")
    >>> p = res.problem
    >>> base_models, _, x_base = fit_baseline(list(p.partable.roles.ov), p.samples, p.data.arrays,
    ...                                       p.loss.pieces, True)
    >>> fc = fiml_corrected(p.models, res.x, p.samples, p.data.arrays, p.loss.pieces, p.df,
    ...                     (base_models, x_base), "V6")
    >>> {k: round(float(v), 3) for k, v in fc.items()}
    {'XX3': 12.607, 'c3': 1.112, 'XX3_null': 157.993, 'c3_null': 1.088}
    """
    n_total = sum(len(a) for a in data)
    blocks, deltas, deltas_b = [], [], []
    base_models, x_b = baseline
    for g, (sample, values) in enumerate(zip(samples, data)):
        group_pieces = [p.in_group(0) for p in pieces if p.group == g]
        loss_m, sat_model, x_h1 = _saturated(sample, group_pieces)
        loss_c, _, _ = _saturated(sample, None)
        Wm = observed_information(loss_m, x_h1)
        block = dict(f=len(values) / n_total, Wm=Wm, Wmi=np.linalg.inv(Wm),
                     Wc=observed_information(loss_c, x_h1))
        if version == "V3":                   # the first-order information enters V3 only
            scores = loss_m.casewise_scores(x_h1, [values])[0]
            block["Jm"] = scores.T @ scores / len(values)
        blocks.append(block)
        deltas.append(_delta(models[g], x, sat_model))
        deltas_b.append(_delta(base_models[g], x_b, sat_model))
    # lavaan evaluates the model's information here through the saturated one ("observed
    # information of type h1"): A = Delta' W_m Delta, for the model and for the baseline
    Wm_all = _bdiag([b["Wm"] * b["f"] for b in blocks])
    Delta, Delta_b = np.vstack(deltas), np.vstack(deltas_b)
    A_inv = np.linalg.inv(Delta.T @ Wm_all @ Delta)
    A_inv_b = np.linalg.inv(Delta_b.T @ Wm_all @ Delta_b)
    df_b = sum(len(s.names) * (len(s.names) - 1) // 2 for s in samples)
    k = _k(blocks, Delta, A_inv, version)
    k_b = _k(blocks, Delta_b, A_inv_b, version)
    return dict(XX3=_complete_chisq(models, x, samples), c3=k / df if df else np.nan,
                XX3_null=_complete_chisq(base_models, x_b, samples), c3_null=k_b / df_b)
