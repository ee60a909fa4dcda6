"""Is the interaction needed? The likelihood-ratio test of a fit's interaction terms, R² with
and without them, and the standardized interaction coefficients.

For every interaction method the model *without the interaction* is the fitted model with the
interaction coefficients fixed at 0, fitted by ML to the same rows: for product indicators
(lavaan's approach) the same product-indicator model with ``y ~ 0*x:z``; for LMS the linear
model (LMS or QML with the coefficient at 0 is exactly the linear model; modsem's
``compare_fit``).
The difference of the two log-likelihoods, doubled, is a chi-square with as many degrees of
freedom as terms (Klein & Moosbrugger 2000, p. 469). The standardized coefficient of ``x:z`` on
``y`` is ``b SD(x) SD(z) / SD(y)`` with the model-implied SDs (the correction of the
standardized interaction merged into lavaan 0.6-17; modsem's ``standardized_estimates``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .partable import ParTable

COLUMNS = ["outcome", "term", "method", "logl", "logl_without", "chisq", "df", "pvalue", "r2",
           "r2_without", "est", "std_est"]


def without_terms(partable: ParTable, rows) -> ParTable:
    """The parameter table with ``rows`` fixed at 0 and the free parameters renumbered.

    Parameters
    ----------
    partable : ParTable
    rows : sequence of int
        Positions of free rows.

    Returns
    -------
    ParTable

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> table = build_partable("y ~ x + z")
    >>> without_terms(table, [1]).col["free"].tolist(), without_terms(table, [1]).npar
    ([1, 0, 2, 0, 0, 0], 2)
    """
    cols = dict(partable.col)
    free, ustart = cols["free"].copy(), cols["ustart"].copy()
    for k in rows:
        free[free == free[k]] = 0
        ustart[k] = 0.0
    order = {old: new for new, old in enumerate(dict.fromkeys(int(f) for f in free if f > 0),
                                                start=1)}
    cols["free"] = np.array([order.get(int(f), 0) for f in free], dtype=int)
    cols["ustart"] = ustart
    return ParTable(col=cols, roles=partable.roles, meanstructure=partable.meanstructure,
                    ngroups=partable.ngroups, options=dict(partable.options))


def interaction_test(res) -> pd.DataFrame:
    """The interaction terms of a fit: likelihood-ratio test, R² with and without, and the
    standardized coefficients.

    Parameters
    ----------
    res : Result
        A fit with interaction terms (ML: LMS or product indicators, complete rows).

    Returns
    -------
    DataFrame
        One row per term: ``outcome term method logl logl_without chisq df pvalue r2
        r2_without est std_est`` (``chisq``, ``df`` and ``pvalue`` test all terms at once,
        repeated on each row; ``r2``: the outcome's R²).

    Raises
    ------
    ValueError
        Without interaction terms.
    NotImplementedError
        For MLR (a scaled difference test is needed), FIML and multigroup fits.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9; "
    ...              "speed ~ visual + textual + visual:textual", hs, interaction="dblcent")
    >>> out = interaction_test(res)
    >>> out[["term", "df", "est", "std_est"]].round(3)
                 term  df   est  std_est
    0  visual:textual   1  0.07    0.101
    """
    from .estimation import estimate
    from .ml import ML, problem_from_rows
    from .options import FitOptions

    col = res.partable.col
    rows = [k for k in np.flatnonzero(col["op"] == "~") if ":" in str(col["rhs"][k])]
    if not rows:
        raise ValueError("the model has no interaction term (write one as 'y ~ x + z + x:z')")
    problem = res.problem
    family = problem.family
    info = res.spec.extra.get("interaction") or {}
    kinds = {t["term"]: t["kind"] for t in info.get("terms", [])}
    if res.call.get("estimator") not in (None, "ML"):
        raise NotImplementedError(
            f"the likelihood-ratio test of '{col['rhs'][rows[0]]}' under "
            f"estimator='{res.call.get('estimator')}' needs a scaled difference test; fit with "
            "estimator='ML' for it")
    if problem.fiml or res.partable.ngroups > 1:
        raise NotImplementedError(f"the likelihood-ratio test of '{col['rhs'][rows[0]]}' is "
                                  "available for single-group fits to complete rows")
    latent_moderation = hasattr(family, "linear_problem")        # LMS, QML
    if latent_moderation:
        measures = family.fit_measures(problem, res.estimate)
        logl, logl0 = measures["logl"], measures["baseline_logl"]
        restricted = family.linear_problem(problem)
    else:
        logl = float(res.fit_measures()["logl"])
        restricted = problem_from_rows(without_terms(res.partable, rows), problem.data)
    est0 = estimate(restricted, FitOptions(), inference=False)
    if not latent_moderation:
        logl0 = float(ML.fit_measures(restricted, est0)["logl"])
    chisq = max(2.0 * (logl - logl0), 0.0)
    df = len(rows)
    r2 = _r2(problem.models[0], res.x)
    r2_0 = _r2(restricted.models[0], est0.x)
    values = res.row_values(res.x)
    model = problem.models[0]
    sd = np.sqrt(np.diag(model.implied(res.x).C))
    index = {name: k for k, name in enumerate(model.names)}
    out = []
    for k in rows:
        y, term = col["lhs"][k], col["rhs"][k]
        a, b = term.split(":")[:2]
        if len(term.split(":")) == 2 and a in index and b in index:
            std = values[k] * sd[index[a]] * sd[index[b]] / sd[index[y]]
        else:
            std = np.nan                                        # three-way: not defined here
        method = "product" if kinds.get(term) == "observed" else info.get("method")
        out.append(dict(outcome=y, term=term, method=method, logl=logl, logl_without=logl0,
                        chisq=chisq, df=df, pvalue=float(stats.chi2.sf(chisq, df)),
                        r2=r2.get(y, np.nan), r2_without=r2_0.get(y, np.nan), est=values[k],
                        std_est=std))
    return pd.DataFrame(out, columns=COLUMNS)


def _r2(model, x) -> dict:
    """1 - residual variance / total variance of every variable with incoming paths."""
    A, S, _ = model.matrices(x)
    total = np.diag(model.implied(x).C)
    return {name: 1.0 - S[i, i] / total[i] for i, name in enumerate(model.names)
            if np.abs(A[i]).sum() > 0}
