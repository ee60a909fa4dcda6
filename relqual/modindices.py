"""Modification indices: the score (Lagrange multiplier) test for every parameter the model fixes.

What lavaan's ``modindices()`` does for ML (lavaan 0.6-14, ``R/lav_modindices.R``), and what we
reproduce:

1. **Candidates.** The "full" parameter table
   ``lav_partable_full(free = TRUE, strict.exo = FALSE)``: every loading ``lv =~ ov`` of a
   non-exogenous observed variable that is not a regression variable; every (co)variance
   among the observed non-exogenous *indicators* (pairs involving an observed variable that
   is not an indicator are left out); the (co)variances among the
   exogenous covariates; every (co)variance among the latent variables; every regression
   ``a ~ b`` among the variables that appear in regressions (``a != b``; an indicator is never
   regressed on a latent variable); and, with a mean structure, every intercept. Of these, the
   rows that are not in the model are added as new parameters at 0, and every parameter the
   model fixes (marker loadings, ``0*`` and ``1*`` values, fixed.x covariate moments) is freed at
   its current value (``lav_object_extended(all.free = TRUE)``).
2. **Score and information of the extended model**, at the estimates. With ``F`` the ML
   discrepancy (``engine/loss.py``), its gradient ``g`` and its expected Hessian ``H``
   (``H = 2 x`` lavaan's unit expected information). Under ``fixed.x`` the information of the
   covariates' own moments is set to zero, as lavaan's ``lav_mvnorm_information_expected(x.idx)``.
3. **The score test for one added parameter** ``k`` with the model's free parameters ``m`` at
   their estimates (Sörbom 1989; Saris, Satorra & Sörbom 1987)::

       V_k   = H_kk - H_km H_mm^-1 H_mk
       MI_k  = N g_k^2 / (2 V_k)                    (chi-square, 1 df)
       EPC_k = -g_k / V_k                           (expected parameter change)

   ``V_k`` below lavaan's cut-off (``.Machine$double.eps^(1/3)`` on the unit-information scale)
   means the parameter is not identified next to the model's: no MI (lavaan's ``NA``, removed).
   Equality constraints (shared labels) are handled by the reduced parameterization, which is the
   same as lavaan's constrained inverse.
4. **Standardized EPC** (``sepc.lv``, ``sepc.all``, ``sepc.nox``): the absolute EPC standardized
   with the model-implied variances as the standardized solution does (covariances divided by
   the current (residual) variances, lavaan's ``cov.std = TRUE``), given the EPC's sign.

**WLSMV fits** (ordered items): the same score test with the DWLS discrepancy (lavaan's
``modindices`` for ``estimator = "WLSMV"``): ``g`` the gradient of lavaan's fmin
(:class:`relqual.engine.wls.DWLSLoss`), ``I = sum_g f_g Delta_g' W_g Delta_g`` its expected
information (unit scale), ``V_k = I_kk - I_km I_mm^-1 I_mk``, ``MI_k = N g_k^2 / V_k`` and
``EPC_k = -g_k / V_k``. Only loadings, regressions and (co)variances are candidates (thresholds,
scaling factors and the ordered items' intercepts are not; an ordered item's residual variance
is not a parameter under the delta parameterization, so it has no MI), as in lavaan.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .engine.inference import standardize
from .engine.loss import MLLoss
from .engine.matrices import RamModel
from .partable import ParTable

MI_COLUMNS = ["lhs", "op", "rhs", "mi", "epc", "sepc_lv", "sepc_all", "sepc_nox"]
# lavaan: V.diag < .Machine$double.eps^(1/3) on the unit-information scale (half our H)
_V_TOLERANCE = np.finfo(float).eps ** (1 / 3)
_SMALL = np.sqrt(np.finfo(float).eps)


def candidate_rows(partable: ParTable) -> list[tuple[str, str, str]]:
    """The ``(lhs, op, rhs)`` rows of lavaan's full parameter table (``lav_partable_full``).

    Parameters
    ----------
    partable : relqual.partable.ParTable
        The model's parameter table.

    Returns
    -------
    list of tuple
        ``(lhs, op, rhs)`` per candidate (``rhs`` is "" for intercepts), in lavaan's order;
        rows already in the model included.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> from relqual.modindices import candidate_rows
    >>> rows = candidate_rows(build_partable("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6"))
    >>> len(rows), rows[:2], ("textual", "=~", "x1") in rows
    (36, [('visual', '=~', 'x1'), ('visual', '=~', 'x2')], True)
    """
    roles, col = partable.roles, partable.col
    ov_x = list(roles.ov_x)
    ov_nox = [v for v in roles.ov if v not in ov_x]
    lv = list(roles.lv)
    regress = col["op"] == "~"
    eqs = list(dict.fromkeys(list(col["lhs"][regress]) + list(col["rhs"][regress])))
    rows = [(f, "=~", v) for f in lv for v in ov_nox if v not in eqs]
    other = [v for v in roles.ov if v not in roles.ov_ind]
    rows += [(a, "~~", b) for i, a in enumerate(ov_nox) for b in ov_nox[i:]
             if a not in other and b not in other]
    rows += [(a, "~~", b) for i, a in enumerate(ov_x) for b in ov_x[i:]]
    rows += [(a, "~~", b) for i, a in enumerate(lv) for b in lv[i:]]
    rows += [(y, "~", x) for y in eqs for x in eqs
             if y != x and not (y in roles.ov_ind and x in lv)]
    if partable.meanstructure:
        rows += [(v, "~1", "") for v in list(roles.ov) + lv]
    return rows


def extend_partable(partable: ParTable, values: np.ndarray):
    """The extended table: every fixed row freed, the missing candidates added at 0.

    Parameters
    ----------
    partable : relqual.partable.ParTable
        The model's parameter table.
    values : ndarray
        The value of every row of ``partable`` (``res.row_values(res.x)``).

    Returns
    -------
    tuple
        ``(extended, x_start_extra, extra)``: the new ParTable, the starting values of the new
        free parameters (numbered after the model's), and the table positions of the candidate
        rows.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.modindices import extend_partable
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
    >>> extended, start, extra = extend_partable(res.partable, res.row_values(res.x))
    >>> res.partable.npar, extended.npar, len(extra)      # 2 markers freed, 21 rows added
    (13, 36, 23)
    """
    col = partable.col
    npar = partable.npar
    n = len(col["op"])
    is_param = np.isin(col["op"], ["=~", "~", "~~", "~1"])
    existing = set()
    for lhs, op, rhs, group in zip(col["lhs"], col["op"], col["rhs"], col["group"]):
        existing.add((lhs, op, rhs, group))
        if op == "~~":
            existing.add((rhs, op, lhs, group))
    new_cols = {k: v.copy() for k, v in col.items()}
    freed = np.flatnonzero(is_param & (col["free"] == 0))
    new_cols["free"][freed] = npar + 1 + np.arange(len(freed))
    start = list(values[freed])
    extra = list(freed)
    groups = sorted({int(g) for g in col["group"][is_param]})
    added = [(lhs, op, rhs, g) for g in groups for lhs, op, rhs in candidate_rows(partable)
             if (lhs, op, rhs, g) not in existing]
    if added:
        k = len(added)
        first_free = npar + len(freed) + 1
        additions = dict(lhs=[a[0] for a in added], op=[a[1] for a in added],
                         rhs=[a[2] for a in added], group=[a[3] for a in added],
                         block=[a[3] for a in added], user=[10] * k,
                         free=list(range(first_free, first_free + k)), ustart=[np.nan] * k,
                         exo=[0] * k, label=[""] * k, plabel=[""] * k, start=[0.0] * k,
                         line=[0] * k, id=list(range(n + 1, n + k + 1)))
        for key in new_cols:
            new_cols[key] = np.concatenate(
                [new_cols[key], np.array(additions[key], dtype=new_cols[key].dtype)])
        start += [0.0] * k
        extra += list(range(n, n + k))
    extended = ParTable(col=new_cols, roles=partable.roles, meanstructure=partable.meanstructure,
                        ngroups=partable.ngroups, options=partable.options)
    return extended, np.asarray(start, float), np.asarray(extra, int)


def _expected_hessian(models: list[RamModel], samples, weights, x: np.ndarray, x_names,
                      fixed_x: bool) -> np.ndarray:
    """E[d2F] of the extended model; the covariates' own moments carry no information under
    fixed.x (lavaan ``lav_mvnorm_information_expected(x.idx = ...)``)."""
    npar = len(x)
    H = np.zeros((npar, npar))
    for model, _sample, w in zip(models, samples, weights):
        imp = model.implied(x)
        d_sigma, d_mu = model.jacobian(imp)
        if fixed_x and x_names:
            xi = np.array([model.ov_names.index(v) for v in x_names])
            d_sigma[:, xi[:, None], xi[None, :]] = 0.0
            d_mu[:, xi] = 0.0
        W = np.linalg.inv(imp.sigma)
        p = model.p
        flat = d_sigma.reshape(npar, p * p)
        WdW = (W @ d_sigma @ W).reshape(npar, p * p)
        H += w * (flat @ WdW.T)
        if model.meanstructure:
            H += w * 2.0 * (d_mu @ W @ d_mu.T)
    return H


def modification_indices(res, *, sort: bool = True, minimum_value: float = 0.0,
                         x: np.ndarray | None = None) -> pd.DataFrame:
    """lavaan's ``modindices(fit)`` for an ML fit: ``lhs op rhs mi epc sepc_lv sepc_all sepc_nox``.

    Sorted by ``mi`` (largest first) unless ``sort=False`` (then lavaan's row order);
    ``minimum_value`` keeps the rows with ``mi`` above it. ``x`` evaluates the test at another
    free-parameter vector than the estimates (the tests use lavaan's own estimates).

    This is :meth:`relqual.result.Result.modindices` (see the module docstring for the method).

    Parameters
    ----------
    res : relqual.result.Result
        An ML or MLR fit (complete data or FIML).
    sort : bool
        Largest ``mi`` first.
    minimum_value : float
        Keep the rows with ``mi`` above it.
    x : ndarray, optional
        Free-parameter values to evaluate the test at (default: the estimates).

    Returns
    -------
    DataFrame
        ``lhs op rhs [group] mi epc sepc_lv sepc_all sepc_nox`` (``group`` in multigroup
        models), one row per identified candidate.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.modindices import modification_indices
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> mi = modification_indices(rq.fit(model, hs))
    >>> mi[["lhs", "op", "rhs", "mi", "epc", "sepc_all"]].head(3).round(3)
          lhs  op rhs      mi    epc  sepc_all
    0  visual  =~  x9  36.411  0.577     0.515
    1      x7  ~~  x8  34.145  0.536     0.859
    2  visual  =~  x7  18.631 -0.422    -0.349
    """
    if not res.converged:
        warnings.warn("the model did not converge: modification indices are not trustworthy",
                      RuntimeWarning, stacklevel=2)
    if res.problem.ordinal is not None:
        return _wlsmv_modindices(res, sort, minimum_value, x)
    partable = res.partable
    x = res.x if x is None else np.asarray(x, float)
    values = res.row_values(x)
    extended, start, extra = extend_partable(partable, values)
    columns = ["lhs", "op", "rhs"] + (["group"] if partable.ngroups > 1 else []) + MI_COLUMNS[3:]
    if len(extra) == 0:
        return pd.DataFrame({c: [] for c in columns})
    npar = partable.npar
    x_ext = np.concatenate([x, start])
    models = [RamModel(extended, g, s) for g, s in enumerate(res.samples, start=1)]
    loss = MLLoss(models, res.samples, res.pieces)
    _, grad = loss.value_and_gradient(x_ext)
    if res.incomplete is not None:
        # FIML: lavaan's modindices use the expected information, pattern by pattern
        # (no fixed.x covariates under FIML here)
        H = loss.value_gradient_information(x_ext)[2]
    else:
        H = _expected_hessian(models, res.samples, loss.weights, x_ext,
                              list(partable.roles.ov_x),
                              bool(partable.options.get("fixed_x", True)))
    V = _score_variance(H, npar)
    V = np.where(0.5 * V < _V_TOLERANCE, np.nan, V)
    g = grad[npar:]
    N = loss.n_total
    mi = N * g ** 2 / (2.0 * V)
    d = -0.5 * N * g
    d = np.where(np.abs(d) < 1e-15, 1.0, d)
    epc = mi / d
    sepc = _standardized_epc(res, extended, models, x_ext, values, extra, epc)
    return _mi_table(extended, extra, columns, mi, epc, sepc, np.ones(len(extra), bool),
                     sort, minimum_value)


def _wlsmv_modindices(res, sort: bool, minimum_value: float, x) -> pd.DataFrame:
    """The score test of a WLSMV fit (module docstring, "WLSMV fits")."""
    from .engine import wls
    partable = res.partable
    x = res.x if x is None else np.asarray(x, float)
    values = res.row_values(x)
    extended, start, extra = extend_partable(partable, values)
    columns = ["lhs", "op", "rhs"] + (["group"] if partable.ngroups > 1 else []) + MI_COLUMNS[3:]
    ordered = res.problem.ordinal["ordered"]
    keep = np.isin(extended.col["op"][extra], ["=~", "~", "~~", "~1"])
    if len(extra) == 0 or not keep.any():
        return pd.DataFrame({c: [] for c in columns})
    npar = partable.npar
    x_ext = np.concatenate([x, start])
    models = [wls.OrdinalRamModel(extended, g, ordered) for g in range(1, partable.ngroups + 1)]
    loss = wls.DWLSLoss(models, res.problem.loss.stats, extended, res.problem.loss.weight)
    _, grad = loss.value_and_gradient(x_ext)
    N = loss.n_total
    fg = [st.n / N for st in loss.stats]
    info = sum(f_ * D.T @ wls.weigh(w, D) for f_, D, w in
               zip(fg, (loss.delta(x_ext, g) for g in range(len(models))), loss.w))
    V = _score_variance(info, npar)
    V = np.where(V < _V_TOLERANCE, np.nan, V)
    g = grad[npar:]
    mi = N * g ** 2 / V
    epc = -g / V
    sepc = _standardized_epc(res, extended, models, x_ext, values, extra, epc)
    return _mi_table(extended, extra, columns, mi, epc, sepc, keep, sort, minimum_value)


def _score_variance(info: np.ndarray, npar: int) -> np.ndarray:
    """Per added parameter e, the variance of its score: I_ee - I_em I_mm^-1 I_me.

    ``info`` is the information matrix of the model's ``npar`` free parameters followed by the
    added ones (Sorbom 1989; lavaan's ``modindices``).
    """
    m, e = np.arange(npar), np.arange(npar, len(info))
    try:
        solved = np.linalg.solve(info[np.ix_(m, m)], info[np.ix_(m, e)])
    except np.linalg.LinAlgError:
        raise ValueError("modification indices cannot be computed: the information matrix of "
                         "the model is singular (is the model identified?)") from None
    return np.diag(info)[e] - np.einsum("ij,ij->j", info[np.ix_(m, e)], solved)


def _mi_table(extended: ParTable, extra: np.ndarray, columns: list[str], mi, epc, sepc: dict,
              keep: np.ndarray, sort: bool, minimum_value: float) -> pd.DataFrame:
    """lavaan's modindices table: the added rows kept, finite MI above ``minimum_value``."""
    col = extended.col
    out = pd.DataFrame({"lhs": col["lhs"][extra], "op": col["op"][extra],
                        "rhs": col["rhs"][extra], "group": col["group"][extra],
                        "mi": mi, "epc": epc, **sepc})[columns]
    out = out[keep & np.isfinite(out["mi"].to_numpy())]
    if minimum_value > 0:
        out = out[out["mi"] > minimum_value]
    if sort:
        out = out.sort_values("mi", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def _standardized_epc(res, extended: ParTable, models, x_ext: np.ndarray, values: np.ndarray,
                      extra: np.ndarray, epc: np.ndarray) -> dict:
    """sepc.lv, sepc.all and sepc.nox: |EPC| standardized, with the EPC's sign (lavaan)."""
    col = extended.col
    n_model = len(values)
    row_values = np.full(len(col["op"]), np.nan)
    row_values[:n_model] = values
    size = np.abs(epc)
    # a freed variance is standardized at its current value (lavaan cov.std)
    is_var = (col["op"][extra] == "~~") & (col["lhs"][extra] == col["rhs"][extra])
    freed_var = is_var & (col["exo"][extra] == 0) & (extra < n_model)
    size = np.where(freed_var, row_values[extra], size)
    small = is_var & (np.abs(size) < _SMALL)
    size = np.where(small, np.nan, size)
    row_values[extra] = size
    sign = np.sign(epc)
    out = {}
    for kind, name in (("std.lv", "sepc_lv"), ("std.all", "sepc_all")):
        with np.errstate(invalid="ignore", divide="ignore"):
            std = standardize(col, models, x_ext, row_values, kind)[extra]
        out[name] = np.where(small, 0.0, sign * std)
    nox = _unstandardize_x(set(res.partable.roles.ov_x), models, x_ext, extra, col,
                           np.abs(out["sepc_all"]))
    out["sepc_nox"] = np.where(small, 0.0, sign * nox)
    return out


def _unstandardize_x(ov_x: set, models, x_ext, extra, col, std_all):
    """lavaan's std.nox: as std.all, but the exogenous covariates keep their own scale."""
    out = std_all.copy()
    if not ov_x:
        return out
    for model in models:
        imp = model.implied(x_ext)
        _, S, _ = model.matrices(x_ext)
        with np.errstate(invalid="ignore"):
            sd = np.sqrt(np.diag(imp.C))
            resid_sd = np.sqrt(np.abs(np.diag(S)))
        index = {name: i for i, name in enumerate(model.names)}
        for k, row in enumerate(extra):
            lhs, op, rhs = col["lhs"][row], col["op"][row], col["rhs"][row]
            if op == "~" and rhs in ov_x:
                out[k] /= sd[index[rhs]]
            elif op == "~~":
                for v in {lhs, rhs} & ov_x:
                    out[k] *= resid_sd[index[v]]
    return out
