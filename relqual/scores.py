"""Factor scores, as lavaan's ``lavPredict(fit, method = "regression" | "Bartlett")``.

For one group with observed variables y (p), latent variables eta, model-implied covariance
Sigma, loadings Lambda and latent covariance matrix Psi (the total, model-implied one):

* regression (Thurstone 1935; lavaan's default "EBM" for ML):
  ``F = E(eta) + Psi Lambda' Sigma^-1 (y - E(y))``, where ``Psi Lambda'`` is Cov(eta, y), read
  here from the RAM matrices as ``C[eta, y]`` with ``C = B S B'``;
* Bartlett (1937): ``F = E(eta) + (Lambda' Sigma^-1 Lambda)^-1 Lambda' Sigma^-1 (y - E(y))``.
  Bartlett's weights are usually written with Theta^-1 in place of Sigma^-1; the two are equal
  when Sigma = Lambda Psi Lambda' + Theta, and lavaan (``lav_predict_eta_bartlett``) uses
  Sigma^-1, which also works when Theta is singular (e.g. a single indicator with zero residual
  variance). Inverses are Moore-Penrose inverses, as lavaan's ``MASS::ginv``.

lavaan conventions kept here (lavaan 0.6-14, ``lav_predict_eta_normal``/``_bartlett``,
``computeEETA``, ``computeEY``):

* With a mean structure, E(eta) and E(y) are the model-implied means. Without one, E(y) is the
  sample mean, and E(eta) is what the model implies when the intercepts of the latent variables
  are 0 and the observed variables in the structural part have their sample means.
* Observed variables in the structural part (in a regression, or covarying with such a variable
  or with a latent variable) are "dummy" latent variables in lavaan's LISREL representation:
  their column of Lambda is a unit vector, and loadings *on* them are regressions. Bartlett's
  Lambda is built the same way, so the scores of the real latent variables match lavaan.
* Scores are computed per group. After a FIML fit (``missing="fiml"``) an incomplete row is
  scored from its observed variables (Sigma_oo, the loadings of the observed rows), and a
  Bartlett score with no observed indicator is NaN, as lavaan does for ``missing = "ml"``.
  ``data=`` scores new rows, as ``lavPredict(fit, newdata = data)``.

WLSMV fits (ordered items) are scored by lavaan's default for categorical data, "EBM" (empirical
Bayes modal; :mod:`relqual.ordinal_scores`), per group from the model's thresholds, loadings,
residual variances and latent moments. After ``missing="pairwise"`` a row is scored from the
items it answered, as lavaan does; after listwise deletion incomplete rows get NaN. After
``parameterization="theta"`` the latent responses have residual variances theta and their own
scale, and the scores are the delta fit's on the theta fit's factor scale (the same posterior
mode). lavaan 0.6-14 differs there: its ``lav_predict_eta_ebm_ml`` multiplies thresholds and
linear predictor by the scaling factors Delta but not the residual SD, so its theta scores
are not its delta scores rescaled (tests/test_ordinal_theta_scores.py shows both).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .data import DataError
from .ordinal_scores import ebm_scores

METHODS = ("regression", "bartlett")
ORDINAL_METHODS = ("ebm",)


def factor_scores(result, method: str | None = None, data=None) -> pd.DataFrame:
    """One column per latent variable (plus ``group`` with the group value in multigroup models).

    Without ``data`` the rows are the rows the model was fitted to, group by group, in data
    order (a fresh 0..n-1 index). With ``data`` (a DataFrame holding the model's observed
    variables, and the group column for multigroup models) the result has ``data``'s index;
    rows of an unknown group, and rows with a missing model variable (after a listwise fit) or
    with no observed model variable (after a FIML fit), get NaN.

    This is :meth:`relqual.result.Result.factor_scores`.

    Parameters
    ----------
    result : relqual.result.Result
        A fit with latent variables.
    method : {"regression", "bartlett", "ebm"}, optional
        The scoring method (see the module docstring); default lavaan's: "regression", or
        "ebm" for a WLSMV fit (its only method here).
    data : DataFrame, optional
        New rows to score (``lavPredict(fit, newdata = data)``).

    Returns
    -------
    DataFrame
        One column per latent variable, after a ``group`` column in multigroup models.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.scores import factor_scores
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, hs)
    >>> factor_scores(res).head(2).round(3)
       visual  textual  speed
    0  -0.818   -0.138  0.062
    1   0.050   -1.013  0.625
    >>> factor_scores(res, method="bartlett", data=hs.iloc[[10, 20]]).round(3)
        visual  textual  speed
    10  -0.989   -0.832 -0.354
    20   0.864   -1.592 -0.679
    """
    ordinal = getattr(result.problem, "ordinal", None) is not None
    method = ("ebm" if ordinal else "regression") if method is None else str(method).lower()
    if ordinal and method not in ORDINAL_METHODS:
        raise ValueError(f"factor scores of ordered items (WLSMV) are EBM scores, lavaan's "
                         f"default for categorical data: use method='ebm' (got '{method}')")
    if not ordinal and method not in METHODS:
        raise ValueError(f"unknown method '{method}'; choose 'regression' or 'bartlett'")
    lv = list(result.partable.roles.lv)
    if not lv:
        raise ValueError("the model has no latent variables, so there are no factor scores")
    if ordinal:
        return _ordinal_scores(result, lv, data)
    parts = [_group_parts(result, g, method) for g in range(len(result.models))]
    partial = getattr(result, "incomplete", None) is not None   # FIML: score incomplete rows
    multigroup = result.partable.ngroups > 1
    if data is None:
        blocks = []
        for g, y in enumerate(result.prepared.arrays):
            frame = pd.DataFrame(_score_rows(parts[g], y, partial), columns=lv)
            if multigroup:
                frame.insert(0, "group", result.group_labels[g])
            blocks.append(frame)
        return pd.concat(blocks, ignore_index=True)
    return _score_new_data(result, parts, data, lv, multigroup, partial)


def _ordinal_scores(result, lv: list[str], data) -> pd.DataFrame:
    """EBM scores of the fitted rows (or of ``data``), group by group."""
    ov = list(result.partable.roles.ov)
    levels = result.problem.ordinal["levels"]
    multigroup = result.partable.ngroups > 1
    group = result.call.get("group")
    if data is None:
        arrays, index, labels = result.prepared.arrays, None, result.group_labels
        rows = [np.arange(len(a)) for a in arrays]
    else:
        if not isinstance(data, pd.DataFrame):
            raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")
        needed = ov + ([group] if multigroup else [])
        missing = [c for c in needed if c not in data.columns]
        if missing:
            raise DataError(f"data lack the column(s) {missing} needed for the factor scores")
        y = data[ov].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        which = (data[group].to_numpy() if multigroup else np.full(len(data), None))
        labels = result.group_labels if multigroup else [None]
        rows = [np.flatnonzero(which == label) for label in labels]
        arrays, index = [y[r] for r in rows], data.index
    out = np.full((sum(len(r) for r in rows) if data is None else len(data), len(lv)), np.nan)
    start = 0
    ordered = [v in result.problem.ordinal["ordered"] for v in ov]   # else continuous
    for g, (y, r) in enumerate(zip(arrays, rows)):
        parts = ebm_parts(result, g)
        codes = np.full(y.shape, -1)
        for k, v in enumerate(ov):
            if not ordered[k]:
                continue
            pos = np.searchsorted(levels[v], y[:, k])
            known = (pos < len(levels[v])) & (levels[v][np.minimum(pos, len(levels[v]) - 1)]
                                               == y[:, k])
            codes[known, k] = pos[known]
        answered = np.where(ordered, codes >= 0, ~np.isnan(y))
        complete = (answered.any(axis=1) if result.call.get("missing") == "pairwise"
                    else answered.all(axis=1))           # pairwise: from the answered items
        target = (start + np.arange(len(y))) if data is None else r
        if complete.any():
            out[target[complete]] = ebm_scores(codes[complete], **parts, values=y[complete])
        start += len(y)
    frame = pd.DataFrame(out, columns=lv, index=index)
    if multigroup:
        frame.insert(0, "group", np.concatenate([[labels[g]] * len(r) for g, r in
                                                 enumerate(rows)]) if data is None
                     else data[group].to_numpy())
    return frame


def ebm_parts(result, g: int) -> dict:
    """What the EBM scores of group ``g`` (0-based) need: per item its thresholds ``tau``,
    intercept ``nu``, loadings (rows of ``Lambda``) and residual variance ``theta`` of y*, and
    the latent variables' implied mean ``mu`` and covariance ``Psi``.

    Parameters
    ----------
    result : relqual.result.Result
        A WLSMV fit.
    g : int
        0-based group.

    Returns
    -------
    dict
        Keyword arguments of :func:`relqual.ordinal_scores.ebm_scores`.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> parts = ebm_parts(res, 0)
    >>> parts["Lambda"].shape, parts["tau"][0].round(3).tolist()
    ((4, 1), [-0.786, 0.113, 0.844])
    """
    col = result.partable.col
    model = result.models[g]
    p = model.p
    A, S, m = model.matrices(result.x)
    imp = model.implied(result.x)
    values = result.row_values(result.x)
    tau = []
    for v in model.ov_names:
        th = (col["group"] == g + 1) & (col["op"] == "|") & (col["lhs"] == v)
        tau.append(values[th][np.argsort([int(t[1:]) for t in col["rhs"][th]])])
    return dict(tau=tau, nu=m[:p], Lambda=A[:p, p:], theta=np.diag(S)[:p], mu=imp.Bm[p:],
                Psi=imp.C[p:, p:])


def _score_rows(parts: dict, y: np.ndarray, partial: bool) -> np.ndarray:
    """Scores of the rows of ``y``, one missing-data pattern at a time (lavaan: Sigma_oo^-1 and
    the loadings of the observed variables; with complete rows there is one pattern)."""
    nlv = len(parts["eeta"])
    out = np.full((len(y), nlv), np.nan)
    observed = ~np.isnan(y)
    usable = observed.any(axis=1) if partial else observed.all(axis=1)
    if not usable.any():
        return out
    patterns, which = np.unique(observed[usable], axis=0, return_inverse=True)
    rows_usable = np.flatnonzero(usable)
    for k, pattern in enumerate(patterns):
        rows = rows_usable[np.ravel(which) == k]
        o = np.flatnonzero(pattern)
        sigma_inv = np.linalg.pinv(parts["sigma"][np.ix_(o, o)])
        if parts["method"] == "regression":
            fsc = parts["cov_lv_ov"][:, o] @ sigma_inv
        else:
            lam = parts["lambda"][o]
            lt_si = lam.T @ sigma_inv
            fsc = (np.linalg.pinv(lt_si @ lam) @ lt_si)[:nlv]
            if partial:                  # lavaan: no information about a factor -> NA
                fsc[np.all(fsc == 0, axis=1)] = np.nan
        out[rows] = parts["eeta"][None, :] + (y[np.ix_(rows, o)] - parts["ey"][o]) @ fsc.T
    return out


def _score_new_data(result, parts, data, lv, multigroup, partial) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")
    ov = list(result.partable.roles.ov)
    group = result.call.get("group")
    needed = ov + ([group] if multigroup else [])
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise DataError(f"data lack the column(s) {missing} needed for the factor scores")
    y = data[ov].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    out = np.full((len(data), len(lv)), np.nan)
    if multigroup:
        values = data[group].to_numpy()
        for g, label in enumerate(result.group_labels):
            rows = np.flatnonzero(values == label)
            out[rows] = _score_rows(parts[g], y[rows], partial)
    else:
        out = _score_rows(parts[0], y, partial)
    frame = pd.DataFrame(out, columns=lv, index=data.index)
    if multigroup:
        frame.insert(0, "group", data[group].to_numpy())
    return frame


def _group_parts(result, g: int, method: str) -> dict:
    """What the scores of group ``g`` (0-based) need: E(eta), E(y), Sigma, and Cov(eta, y)
    (regression) or lavaan's LISREL Lambda (Bartlett)."""
    model = result.models[g]
    p = model.p
    A, _, _ = model.matrices(result.x)
    imp = model.implied(result.x)
    lv_idx = np.arange(p, model.n)
    if result.partable.meanstructure:
        ey, eeta = imp.mu, imp.Bm[lv_idx]
    else:
        ey = result.samples[g].mean
        eeta = _latent_means_without_meanstructure(result, g + 1, model, imp.B, ey)
    parts = {"method": method, "eeta": eeta, "ey": ey, "sigma": imp.sigma}
    if method == "regression":
        parts["cov_lv_ov"] = imp.C[np.ix_(lv_idx, np.arange(p))]
    else:
        dummy = _dummy_observed(result, g + 1)
        lam = np.zeros((p, len(lv_idx) + len(dummy)))
        real_rows = np.setdiff1d(np.arange(p), dummy)
        lam[np.ix_(real_rows, np.arange(len(lv_idx)))] = A[np.ix_(real_rows, lv_idx)]
        lam[dummy, len(lv_idx) + np.arange(len(dummy))] = 1.0
        parts["lambda"] = lam
    return parts


def _latent_means_without_meanstructure(result, group, model, B, sample_mean) -> np.ndarray:
    """E(eta) as lavaan's computeEETA without a mean structure: latent intercepts 0, and the
    structural ("dummy") observed variables given intercepts that reproduce their sample means."""
    dummy = _dummy_observed(result, group)
    if not len(dummy):
        return np.zeros(model.n - model.p)
    m = np.zeros(model.n)
    m[dummy] = np.linalg.solve(B[np.ix_(dummy, dummy)], sample_mean[dummy])
    return (B @ m)[model.p:]


def _dummy_observed(result, group: int) -> np.ndarray:
    """Positions of the observed variables lavaan represents as latent variables (``lav_lisrel``:
    variables in regressions, variables covarying with them, observed-latent covariances)."""
    col = result.partable.col
    rows = col["group"] == group
    lhs, op, rhs = col["lhs"][rows], col["op"][rows], col["rhs"][rows]
    lv = set(result.partable.roles.lv)
    ov = list(result.partable.roles.ov)
    reg = op == "~"
    names1 = (set(lhs[reg]) | set(rhs[reg])) - lv
    cov = op == "~~"
    first = cov & (np.isin(lhs, list(names1)) | np.isin(rhs, list(names1)))
    second = cov & (np.isin(lhs, list(lhs[first])) | np.isin(rhs, list(rhs[first])))
    names2 = set(lhs[first | second]) | set(rhs[first | second])
    ov_set = set(ov)
    names3 = ({l for l, r in zip(lhs[cov], rhs[cov]) if l in ov_set and r in lv}
              | {r for l, r in zip(lhs[cov], rhs[cov]) if l in lv and r in ov_set})
    dummy = names1 | names2 | names3
    return np.array([i for i, name in enumerate(ov) if name in dummy], dtype=int)
