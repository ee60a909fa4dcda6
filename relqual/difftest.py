"""Chi-square difference tests of nested models (lavaan's ``lavTestLRT``), for ML, MLF, MLR, MLM,
MLMV and MLMVS."""
from __future__ import annotations

import numpy as np
from scipy import stats

from .engine import robustsem
from .engine.satorra2000 import satorra_2000
from .options import DEFAULTS


def satorra_2000_test(free, constrained) -> dict:
    """lavaan's Satorra (2000) scaled-shifted difference test of two nested ML-family fits of
    the same rows (MLMV, MLMVS; :mod:`relqual.engine.satorra2000`).

    Parameters
    ----------
    free, constrained : relqual.result.Result
        The less and the more restricted model (complete data).

    Returns
    -------
    dict
        As :func:`relqual.engine.satorra2000.satorra_2000`.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> free = rq.fit(model, hs, group="school", estimator="MLMV")
    >>> metric = rq.fit(model, hs, group="school", estimator="MLMV", group_equal="loadings")
    >>> out = satorra_2000_test(free, metric)
    >>> round(out["delta_chisq"], 3), out["delta_df"]           # lavaan: 7.726 on 6
    (7.726, 6)
    """
    if free.call.get("se") == "robust.huber.white":
        raise NotImplementedError(
            "the Satorra (2000) difference test of fits with se='robust.huber.white' is not "
            "available (lavaan 0.6-14 computes it from the 'h1' form of the observed "
            "information, which relqual does not reproduce yet for this test); fit the models "
            "with se='robust.sem'")
    p1, p0 = free.problem, constrained.problem
    x1, x0 = free.estimate.x, constrained.estimate.x
    ms = p1.partable.meanstructure
    deltas = [robustsem.delta(model, x1, ms) for model in p1.models]
    delta0 = np.vstack([robustsem.delta(model, x0, ms) for model in p0.models])
    weights = [robustsem.ml_weight(model.implied(x1).sigma, ms) for model in p1.models]
    gammas = [robustsem.gamma_adf(a, ms) for a in p1.data.arrays]
    return satorra_2000(p1.n_obs * free.estimate.opt.fmin,
                        p0.n_obs * constrained.estimate.opt.fmin, p0.df - p1.df, deltas,
                        delta0, weights, gammas, [len(a) for a in p1.data.arrays])


def check_estimator(estimator: str) -> None:
    """Refuse an estimator whose difference test the group comparisons do not offer.

    ML and MLF (plain difference), MLR and MLM (the Satorra-Bentler 2001 scaled difference),
    MLMV and MLMVS (Satorra's 2000 scaled-shifted difference, from the fitted models) are
    supported.

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
        For any other estimator.

    Examples
    --------
    >>> from relqual.difftest import check_estimator
    >>> check_estimator("mlm")
    >>> check_estimator("ULS")
    Traceback (most recent call last):
    ...
    NotImplementedError: group comparisons with estimator='ULS' are not available; use 'ML', ...
    """
    if str(estimator).upper() not in SUPPORTED:
        raise NotImplementedError(f"group comparisons with estimator='{estimator}' are not "
                                  "available; use 'ML', 'MLR', 'MLM', 'MLMV', 'MLMVS' or 'MLF'")


def difference_method(estimator: str, test: str | None = None) -> str:
    """lavaan's ``lavTestLRT`` method for fits by ``estimator`` with the test ``test`` (unset:
    the estimator's default): "satorra.bentler.2001" after a Satorra-Bentler or Yuan-Bentler
    scaled test, "satorra.2000" after a mean-and-variance adjusted or scaled-shifted one,
    "standard" (the plain difference) otherwise.

    Examples
    --------
    >>> difference_method("MLM"), difference_method("MLMV"), difference_method("MLF")
    ('satorra.bentler.2001', 'satorra.2000', 'standard')
    >>> difference_method("ML", "yuan.bentler"), difference_method("ML", "mean.var.adjusted")
    ('satorra.bentler.2001', 'satorra.2000')
    """
    test = test or DEFAULTS[str(estimator).upper()][1]
    if test in ("satorra.bentler", "yuan.bentler", "yuan.bentler.mplus"):
        return "satorra.bentler.2001"
    if test in ("mean.var.adjusted", "scaled.shifted"):
        return "satorra.2000"
    return "standard"


def difference_test_name(estimator: str, test: str | None = None) -> str:
    """The name of the difference test :func:`difference_test` uses for ``estimator`` (and the
    fits' ``test``, :func:`difference_method`).

    Examples
    --------
    >>> difference_test_name("MLM"), difference_test_name("ML")
    ('Satorra-Bentler (2001) scaled difference test', 'chi-square difference test')
    """
    return {"satorra.bentler.2001": "Satorra-Bentler (2001) scaled difference test",
            "satorra.2000": "Satorra (2000) scaled-shifted difference test"}.get(
        difference_method(estimator, test), "chi-square difference test")


SUPPORTED = ("ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF")


def difference_test(free, constrained, n: int, ngroups: int, estimator: str,
                    test: str | None = None) -> dict:
    """Chi-square difference test of ``constrained`` against ``free`` (lavaan ``lavTestLRT``).

    ``free`` and ``constrained`` are the two models' fit measures (``Result.fit_measures()``),
    ``n`` the number of observations and ``ngroups`` the number of groups.

    ML and MLF: the plain difference of the chi-squares. MLR and MLM: the scaled difference test
    of Satorra & Bentler (2001), lavaan's default there (``method = "satorra.bentler.2001"``):
    T_d = (T1 - T0) / c_d with c_d = (df1 c1 - df0 c0) / (df1 - df0), from the unscaled
    statistics T and the models' scaling factors c (Yuan-Bentler for MLR, Satorra-Bentler for
    MLM; the RMSEA of the difference then uses T_d).

    MLMV and MLMVS: Satorra's (2000) scaled-shifted difference (:func:`satorra_2000_test`),
    which needs the fitted models themselves. An explicit ``test`` chooses as lavaan does
    (:func:`difference_method`; e.g. ML with test="satorra.bentler": Satorra-Bentler 2001).

    Parameters
    ----------
    free, constrained : Result, Series or dict
        The free and the constrained model, or their fit measures (``chisq``, ``df`` and, for
        MLR and MLM, ``chisq_scaling_factor``); MLMV and MLMVS need the Results.
    n : int
        The number of observations.
    ngroups : int
        The number of groups.
    estimator : {"ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF"}
        The models' estimator.
    test : str, optional
        The models' ``test`` (unset: the Results' own, else the estimator's default).

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
    f0 = free.fit_measures() if hasattr(free, "fit_measures") else free
    f1 = constrained.fit_measures() if hasattr(constrained, "fit_measures") else constrained
    d_chisq, d_df = f1["chisq"] - f0["chisq"], f1["df"] - f0["df"]
    if test is None and hasattr(free, "call"):
        test = free.call.get("test")
    method = difference_method(estimator, test)
    if method == "satorra.2000":
        if not hasattr(free, "problem") or not hasattr(constrained, "problem"):
            raise NotImplementedError(
                f"the difference test of estimator='{estimator}' (Satorra 2000) needs both "
                "fitted models, not their fit measures; compare the fits with rq.compare() or "
                "rq.invariance(), or use estimator='MLM'")
        d_chisq = satorra_2000_test(free, constrained)["delta_chisq"]
    elif method == "satorra.bentler.2001" and d_df > 0:
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
