"""Simple slopes of a PLS interaction term, with bootstrap standard errors and intervals.

A PLS fit with ``Y ~ X + M + X:M`` (:mod:`relqual.plsinteraction`) reports its paths for
standardized construct scores, the interaction term scaled as seminr's (its score stands for
the product of the standardized scores of X and M). The effect of X on Y at a moderator score
``m`` is then the simple slope ``b_X + b_XM m`` (Hair, Hult, Ringle & Sarstedt 2022, *A
Primer on PLS-SEM*, 3rd ed., ch. 7; seminr's ``slope_analysis`` draws the same lines); ``m`` is
in standard deviations of M, so the default ``m = -1, 0, 1`` is M's mean - 1 SD, its mean and
its mean + 1 SD. The two-stage term's item is that product itself; a product-indicator term
(``interaction="product_indicator"`` or ``"orthogonal"``) is a composite of the items'
products, for which the slope is the same conventional reading. PLS has no analytic standard
errors: every bootstrap draw of the fit (``rq.fit(..., estimator="PLS", se="bootstrap",
bootstrap=B)``) gives the slope
``b_X* + b_XM* m``; the standard error is their standard deviation, ``t = est / se`` with its
two-sided normal p-value, and the interval the percentile interval of the draws (R boot's
``norm.inter`` rule, :func:`relqual.intervals.bootstrap_interval`), as
:class:`relqual.plsboot.PLSBootstrapDraws` summarizes paths: at ``m = 0`` the slope is ``b_X``
with the same standard error and interval as its path.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from .intervals import bootstrap_interval


def simple_slopes(res, focal: str, moderator: str, at=None, outcome: str | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Simple slopes of ``focal`` at moderator scores of a PLS interaction fit (see the module
    docstring).

    Parameters
    ----------
    res : relqual.result.Result
        A PLS fit with an interaction term ``focal:moderator`` (or ``moderator:focal``) and
        bootstrap draws (``se="bootstrap"``).
    focal, moderator : str
        The construct whose slope is probed and the moderating construct.
    at : sequence of float, optional
        Moderator scores in standard deviations (default -1, 0, 1).
    outcome : str, optional
        The outcome, when the term predicts several constructs.
    level : float
        The level of the percentile intervals.

    Returns
    -------
    DataFrame
        ``moderator_value est boot_mean se t pvalue ci_lower ci_upper``, one row per score
        (index ``mean - 1 SD``, ``mean``, ``mean + 1 SD`` by default).

    Raises
    ------
    ValueError
        Without bootstrap draws, or when no interaction term joins ``focal`` and
        ``moderator``.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> syntax = ("SAT =~ sat1 + sat2 + sat3 + sat4; TR =~ tr1 + tr2 + tr3 + tr4; "
    ...           "AC =~ ac1 + ac2 + ac3 + ac4; AC ~ SAT + TR + SAT:TR")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")           # rows with missing answers
    ...     res = rq.fit(syntax, rq.datasets.load("relationship_quality"), estimator="PLS",
    ...                  se="bootstrap", bootstrap=200, seed=1)
    >>> table = simple_slopes(res, "SAT", "TR")
    >>> list(table.index), list(table.columns)     # doctest: +NORMALIZE_WHITESPACE
    (['mean - 1 SD', 'mean', 'mean + 1 SD'],
     ['moderator_value', 'est', 'boot_mean', 'se', 't', 'pvalue', 'ci_lower', 'ci_upper'])
    >>> paths = res.paths().set_index("rhs")["est"]
    >>> bool(np.isclose(table.loc["mean + 1 SD", "est"], paths["SAT"] + paths["SAT:TR"]))
    True
    """
    y, main, term = _rows(res, focal, moderator, outcome)
    if res.boot is None:
        raise ValueError("simple slopes of a PLS interaction take their standard errors and "
                         "intervals from the bootstrap; fit with se='bootstrap', bootstrap=B "
                         f"(e.g. 5000). The slope of '{focal}' at moderator score m is "
                         f"{y} ~ {focal} + ({y} ~ {term}) m")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1 (got {level})")
    values = res.row_values(res.x)
    draws = res.boot.block("est")
    if at is None:
        m = np.array([-1.0, 0.0, 1.0])
        index = ["mean - 1 SD", "mean", "mean + 1 SD"]
    else:
        m = np.atleast_1d(np.asarray(at, dtype=float))
        index = [f"{v:g}" for v in m]
    est = values[main] + values[term] * m
    slopes = draws[:, [main]] + draws[:, [term]] * m           # draws x moderator scores
    se = slopes.std(axis=0, ddof=1) if len(slopes) > 1 else np.full(len(m), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = est / se
    bounds = np.array([bootstrap_interval(slopes[:, k], est[k], level, "perc")
                       for k in range(len(m))]).reshape(-1, 2)
    out = pd.DataFrame({"moderator_value": m, "est": est, "boot_mean": slopes.mean(axis=0),
                        "se": se, "t": t, "pvalue": 2 * norm.sf(np.abs(t)),
                        "ci_lower": bounds[:, 0], "ci_upper": bounds[:, 1]}, index=index)
    out.attrs.update(focal=focal, moderator=moderator, outcome=y,
                     term=res.partable.col["rhs"][term], draws=len(draws),
                     failed=res.boot.n_failed, level=level)
    return out


def _rows(res, focal: str, moderator: str, outcome: str | None) -> tuple[str, int, int]:
    """The outcome and the parameter-table rows of ``y ~ focal`` and ``y ~ focal:moderator``."""
    col = res.partable.col
    names = {f"{focal}:{moderator}", f"{moderator}:{focal}"}
    hits = [k for k in np.flatnonzero(col["op"] == "~") if col["rhs"][k] in names
            and (outcome is None or col["lhs"][k] == outcome)]
    if not hits:
        terms = sorted({str(r) for r, op in zip(col["rhs"], col["op"]) if op == "~" and ":" in r})
        raise ValueError(f"no interaction term joins '{focal}' and '{moderator}'"
                         + (f" in the regression of '{outcome}'" if outcome else "")
                         + f"; terms: {', '.join(terms) or 'none'}")
    if len(hits) > 1:
        raise ValueError(f"the term {col['rhs'][hits[0]]} predicts several constructs ("
                         + ", ".join(str(col["lhs"][k]) for k in hits) + "); name one with "
                         "outcome=")
    term = hits[0]
    y = str(col["lhs"][term])
    main = [k for k in np.flatnonzero((col["op"] == "~") & (col["lhs"] == y))
            if col["rhs"][k] == focal]
    if not main:
        raise ValueError(f"the model has no path {y} ~ {focal}; a simple slope of '{focal}' "
                         "needs its main effect")
    return y, main[0], term
