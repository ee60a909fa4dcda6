"""Chi-square difference tests of nested models (lavaan's ``lavTestLRT``), for ML and MLR."""
from __future__ import annotations

import numpy as np
from scipy import stats


def check_estimator(estimator: str) -> None:
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
