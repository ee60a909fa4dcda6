"""Chi-square difference tests of nested models (lavaan's ``lavTestLRT``), for ML and MLR."""
from __future__ import annotations

import numpy as np
from scipy import stats


def check_estimator(estimator: str) -> None:
    """Refuse an estimator the group comparisons do not support (only ML and MLR).

    Parameters
    ----------
    estimator : str
        The estimator's name (any case).

    Returns
    -------
    None

    Raises
    ------
    NotImplementedError
        For any estimator other than ML and MLR.

    Examples
    --------
    >>> from relqual.difftest import check_estimator
    >>> check_estimator("mlr")
    >>> check_estimator("WLSMV")
    Traceback (most recent call last):
    ...
    NotImplementedError: group comparisons with estimator='WLSMV' are not available; use ...
    """
    if str(estimator).upper() not in ("ML", "MLR"):
        raise NotImplementedError(f"group comparisons with estimator='{estimator}' are not "
                                  "available; use 'ML' or 'MLR'")


def difference_test(free, constrained, n: int, ngroups: int, estimator: str) -> dict:
    """Chi-square difference test of ``constrained`` against ``free`` (lavaan ``lavTestLRT``).

    ``free`` and ``constrained`` are the two models' fit measures (``Result.fit_measures()``),
    ``n`` the number of observations and ``ngroups`` the number of groups.

    ML: the plain difference of the chi-squares. MLR: the scaled difference test of Satorra &
    Bentler (2001), lavaan's default there: T_d = (T1 - T0) / c_d with
    c_d = (df1 c1 - df0 c0) / (df1 - df0), from the unscaled statistics T and the models'
    scaling factors c (the RMSEA of the difference then uses T_d).

    Parameters
    ----------
    free, constrained : Series or dict
        The fit measures of the free and the constrained model (``chisq``, ``df`` and, for
        MLR, ``chisq_scaling_factor``).
    n : int
        The number of observations.
    ngroups : int
        The number of groups.
    estimator : {"ML", "MLR"}
        The models' estimator.

    Returns
    -------
    dict
        ``delta_chisq delta_df p_delta rmsea_d``; ``rmsea_d`` is lavaan's RMSEA of the
        difference, ``sqrt(G) sqrt(max(delta_chisq / (N delta_df) - 1/N, 0))``.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.difftest import difference_test
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> free = rq.fit(model, hs, group="school")
    >>> equal = rq.fit(model, hs, group="school", group_equal=["loadings"])
    >>> test = difference_test(free.fit_measures(), equal.fit_measures(), free.n_obs, 2, "ML")
    >>> {key: round(value, 3) for key, value in test.items()}
    {'delta_chisq': 8.192, 'delta_df': 6.0, 'p_delta': 0.224, 'rmsea_d': 0.049}
    """
    check_estimator(estimator)
    f0, f1 = free, constrained
    d_chisq, d_df = f1["chisq"] - f0["chisq"], f1["df"] - f0["df"]
    if str(estimator).upper() == "MLR" and d_df > 0:
        c_d = (f1["df"] * f1["chisq_scaling_factor"] - f0["df"] * f0["chisq_scaling_factor"]) / d_df
        d_chisq = d_chisq / c_d if c_d > 0 else np.nan
    g = ngroups
    if d_df > 0:
        p = float(stats.chi2.sf(d_chisq, d_df))
        rmsea_d = float(np.sqrt(g) * np.sqrt(max(d_chisq / n / d_df - 1.0 / n, 0.0)))
    else:
        p, rmsea_d = np.nan, (0.0 if d_df == 0 else np.nan)
    return {"delta_chisq": float(d_chisq), "delta_df": float(d_df), "p_delta": p,
            "rmsea_d": rmsea_d}
