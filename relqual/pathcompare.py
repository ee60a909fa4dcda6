"""Is a parameter equal across groups? The Wald and likelihood-ratio tests of a fitted model.

For a multigroup fit and a path such as ``LOY ~ SAT``: the Wald test of the differences from
group 1 with their covariance from the inverse information (lavaan's ``lavTestWald()``), and
the likelihood-ratio test of the model refitted with the path constrained equal (its rows
sharing one parameter) against the fitted one (``lavTestLRT()``; Satorra-Bentler 2001 for MLR
and MLM, Satorra 2000 for MLMV and MLMVS, :func:`relqual.difftest.difference_test`). The refit
runs through the estimation core on the same rows (:mod:`relqual.estimation`).

WLSMV fits of ordered items: the Wald test uses the robust ("robust.sem") covariance, and the
difference test is lavaan's default for WLSMV in ``lavTestLRT`` (``method = "satorra.2000"``,
scaled and shifted, :func:`relqual.ordinal_difftest.satorra_2000`) of the model refitted to the
same thresholds and polychoric correlations; its columns ``chisq_free`` and ``chisq_equal`` are
the unscaled (DWLS) statistics the test starts from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .difftest import check_estimator, difference_test
from .estimation import estimate
from .ml import problem_from_rows
from .options import FitOptions
from .ordinal_difftest import satorra_2000
from .syntax import parse


def compare_fitted_paths(result, paths) -> pd.DataFrame:
    """Wald and likelihood-ratio tests that each path is equal across the groups of a fit.

    Parameters
    ----------
    result : Result
        A multigroup fit by ML, MLR, MLM, MLMV, MLMVS or MLF, or by WLSMV (ordered items,
        its default scaled-shifted test).
    paths : str or list of str
        lavaan formulas such as ``"LOY ~ SAT"``, ``"SAT =~ sat2"`` or ``"LOY ~ SAT + SB"``
        (one row per parameter).

    Returns
    -------
    DataFrame
        ``path lhs op rhs est_<group> se_<group>`` (one pair per group) ``diff se_diff z_diff``
        (group 2 minus group 1, with two groups) ``wald_chisq wald_df wald_pvalue
        lrt_chisq lrt_df lrt_pvalue chisq_free chisq_equal``.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("visual =~ x1 + x2 + x3", hs, group="school")
    >>> from relqual.pathcompare import compare_fitted_paths
    >>> table = compare_fitted_paths(res, "visual =~ x2")
    >>> round(float(table["lrt_df"].iloc[0]))
    1
    """
    _check_estimator(result)
    if result.partable.ngroups < 2:
        raise ValueError("compare_paths needs a multigroup fit (fit(..., group=...))")
    if isinstance(paths, str):
        paths = [paths]
    targets = [t for path in paths for t in _parse_path(path)]
    if not targets:
        raise ValueError("name at least one path to compare, e.g. paths=['LOY ~ SAT']")
    located = [(t, _locate(result, *t)) for t in targets]   # all checked before any refit
    rows = []
    for (lhs, op, rhs), rows_g in located:
        row = {"path": _path_text(lhs, op, rhs), "lhs": lhs, "op": op, "rhs": rhs}
        row.update(_wald(result, rows_g))
        row.update(_lrt(result, lhs, op, rhs, rows_g))
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update(group=result.call.get("group"), group_labels=list(result.group_labels),
                       note="diff = group 2 minus group 1 (two groups only); Wald test as "
                            "lavTestWald, likelihood-ratio test as lavTestLRT ("
                            + ("WLSMV: Satorra 2000 scaled-shifted difference of the DWLS "
                               "statistics" if result.problem.ordinal is not None
                               else result.call.get("estimator", "ML")) + ")")
    return table


def _check_estimator(result) -> None:
    """Refuse a fit whose difference test is not offered (:func:`relqual.difftest.
    check_estimator`; for ordered items WLSMV with its scaled-shifted test only)."""
    estimator = result.call.get("estimator", "ML")
    if result.problem.ordinal is None:
        check_estimator(estimator)
    elif (str(estimator).upper() != "WLSMV"
          or result.estimate.inference.wls.test != "scaled.shifted"):
        raise NotImplementedError(
            f"compare_paths() of ordered items is available for estimator='WLSMV' with its "
            f"default test (scaled.shifted, lavTestLRT's Satorra 2000 difference) only; this "
            f"fit used estimator='{estimator}', test='{result.estimate.inference.wls.test}'")


def _parse_path(text: str) -> list[tuple[str, str, str]]:
    statements = parse(text)
    out = []
    for s in statements:
        if s.op not in ("=~", "~", "~~", "~1"):
            raise ValueError(f"'{text}': only =~, ~, ~~ and ~1 parameters can be compared")
        out.append((s.lhs, s.op, s.rhs))
    return out


def _path_text(lhs: str, op: str, rhs: str) -> str:
    return f"{lhs} ~ 1" if op == "~1" else f"{lhs} {op} {rhs}"


def _locate(result, lhs: str, op: str, rhs: str) -> list[int]:
    """Parameter-table row of the path in each group (checked: present, free, not yet equal)."""
    col = result.partable.col
    same = (col["op"] == op) & (((col["lhs"] == lhs) & (col["rhs"] == rhs))
                                | ((op == "~~") & (col["lhs"] == rhs) & (col["rhs"] == lhs)))
    rows = []
    for g in range(1, result.partable.ngroups + 1):
        hit = np.flatnonzero(same & (col["group"] == g))
        if not len(hit):
            others = sorted({_path_text(a, o, b) for a, o, b in
                             zip(col["lhs"], col["op"], col["rhs"]) if o == op})
            raise ValueError(f"path '{_path_text(lhs, op, rhs)}' is not in the model; its "
                             f"'{op}' parameters are: {', '.join(others) or '(none)'}")
        rows.append(int(hit[0]))
    free = col["free"][rows]
    path = _path_text(lhs, op, rhs)
    if np.any(free == 0):
        g = int(np.flatnonzero(free == 0)[0]) + 1
        raise ValueError(f"'{path}' is fixed in group {result.group_labels[g - 1]!r}, so there "
                         "is nothing to compare")
    if len(set(free)) == 1:
        raise ValueError(f"'{path}' is already equal across groups (a shared label or "
                         "group_equal); fit the model with it free to compare it")
    return rows


def _wald(result, rows) -> dict:
    col = result.partable.col
    idx = col["free"][rows] - 1
    theta = result.x[idx]
    V = result.vcov_matrix[np.ix_(idx, idx)]
    G = len(idx)
    R = np.zeros((G - 1, G))
    R[:, 0] = -1.0
    R[np.arange(G - 1), np.arange(1, G)] = 1.0
    d = R @ theta
    Vd = R @ V @ R.T
    stat = float(d @ np.linalg.solve(Vd, d))
    out = {}
    se = np.sqrt(np.diag(V))
    for label, est, s in zip(result.group_labels, theta, se):
        out[f"est_{label}"], out[f"se_{label}"] = float(est), float(s)
    if G == 2:
        out.update(diff=float(d[0]), se_diff=float(np.sqrt(Vd[0, 0])),
                   z_diff=float(d[0] / np.sqrt(Vd[0, 0])))
    else:
        out.update(diff=np.nan, se_diff=np.nan, z_diff=np.nan)
    out.update(wald_chisq=stat, wald_df=G - 1, wald_pvalue=float(stats.chi2.sf(stat, G - 1)))
    return out


def _lrt(result, lhs, op, rhs, rows) -> dict:
    """Refit the fit's problem with the path's rows sharing one parameter; test the difference."""
    constrained_table = result.partable.with_shared(rows)
    rebuild = getattr(result.problem.family, "with_partable", None)   # summary statistics
    problem = (rebuild(result.problem, constrained_table) if rebuild is not None else
               problem_from_rows(constrained_table, result.problem.data,
                                 result.problem.incomplete))
    call = result.call
    options = FitOptions(estimator=call.get("estimator", "ML"), se=call.get("se"),
                         test=call.get("test"), control=dict(call.get("control") or {}))
    est = estimate(problem, options)
    if not est.converged:
        raise RuntimeError(f"the model with '{_path_text(lhs, op, rhs)}' constrained equal did "
                           f"not converge ({est.opt.message}); the likelihood-ratio test is "
                           "not available")
    equal = ConstrainedFit(problem, est, pd.Series(problem.family.fit_measures(problem, est)))
    if result.problem.ordinal is not None:
        test = satorra_2000(result, equal)
    else:
        test = difference_test(result, equal, result.n_obs, result.partable.ngroups,
                               call.get("estimator", "ML"))
    return {"lrt_chisq": test["delta_chisq"], "lrt_df": test["delta_df"],
            "lrt_pvalue": test["p_delta"], "chisq_free": float(result.fit_measures()["chisq"]),
            "chisq_equal": float(equal.fit_measures()["chisq"])}


@dataclass(frozen=True)
class ConstrainedFit:
    """The refit with the path constrained equal, as much of a Result as the difference tests
    read (:func:`relqual.difftest.difference_test`: its fit measures; for Satorra's 2000 test
    of MLMV and MLMVS its problem and estimate).

    Examples
    --------
    >>> ConstrainedFit(None, None, pd.Series({"chisq": 1.0})).fit_measures()["chisq"]
    np.float64(1.0)
    """

    problem: object
    estimate: object
    measures: pd.Series

    def fit_measures(self) -> pd.Series:
        """The refit's fit measures."""
        return self.measures

    @property
    def x(self):
        """The refit's free parameters (None without an estimate)."""
        return None if self.estimate is None else self.estimate.x
