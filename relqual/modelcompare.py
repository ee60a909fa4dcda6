"""Competing models: the table a thesis prints, nesting, difference tests and Vuong's tests.

:func:`compare_results` takes fitted models (:class:`relqual.Result`) of the same rows and the
same observed variables and returns a :class:`relqual.reviewer.CheckTable` with one row per
model (``npar chisq df pvalue cfi tli rmsea srmr aic bic``; the scaled chi-square and the robust
indices for MLR) and, in ``details["pairs"]``, one row per pair of models:

* **Nesting** is detected as Bentler & Satorra (2010) propose (semTools' ``net()``): the less
  restricted model is fitted to the model-implied moments of the more restricted one (same N);
  a chi-square below ``crit`` (1e-4, semTools' default) means the restricted model is nested in
  it; with equal df, nesting both ways means the models are **equivalent** (MacCallum, Wegener,
  Uchino & Fabrigar 1993: the data cannot prefer one). When that fit does not converge the
  relation is "undeterminable".
* **Nested pairs** get the estimator's chi-square difference test, as lavaan's ``lavTestLRT``:
  the plain difference for ML and MLF, the scaled difference of Satorra & Bentler (2001) for
  MLR and MLM (and a Satorra-Bentler or Yuan-Bentler ``test=``), Satorra's (2000)
  scaled-shifted difference for MLMV and MLMVS (:func:`relqual.difftest.difference_test`).
* **Non-nested pairs** (and undeterminable ones) get Vuong's (1989) tests as Merkle, You &
  Preacher (2016) apply them to SEMs (R's ``nonnest2::vuongtest``): from the casewise
  log-likelihoods l_1i, l_2i (:func:`casewise_loglik`, lavaan's
  ``lavInspect(fit, "loglik.casewise")``),
  omega² = (1/n) sum (d_i - mean(d))², d_i = l_1i - l_2i; the **distinguishability test**:
  n omega² against the weighted sum of chi-squares(1) with weights the squared eigenvalues of
  W = [[-B_1 A_1^-1, -B_12 A_2^-1], [B_21 A_1^-1, B_2 A_2^-1]] (A the information per case,
  B = sum s_i s_i' / n of the casewise scores s_i, B_12 their cross-product), its p-value by
  Imhof's (1961) method; the **likelihood-ratio test**: z = sum d_i / sqrt(n omega²), one-sided
  normal p-values for "model 1 fits better" and "model 2 fits better". A^-1 is n times the
  covariance of the estimates of an ML fit (as nonnest2; for MLR the inverse observed
  information, not the sandwich; for MLM, MLMV, MLMVS and MLF, whose estimates are ML's, the
  inverse expected information, so their Vuong tests are ML's).

Two models with equal chi-square and df get a warning: they are probably equivalent.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import integrate, stats

from .conventions import ALPHA, SOURCES, p_text
from .difftest import SUPPORTED, difference_method
from .engine.samplestats import SampleStats
from .estimation import estimate
from .ml import problem_from_samples
from .options import FitOptions
from .reviewer import CheckTable, difference, fit_row, improper, refit

NET_CRIT = 1e-4              # semTools net(): chi-square below this = nested
EQUAL_CHISQ = 1e-6           # equal chi-squares (and df): probably equivalent models
PAIR_COLUMNS = ["model_1", "model_2", "relation", "test", "statistic", "df", "pvalue",
                "omega2", "p_omega2", "vuong_z", "p_1_better", "p_2_better", "verdict"]


def compare_results(results, names=None, crit: float = NET_CRIT) -> CheckTable:
    """The competing-models table of fitted models, with a test for every pair.

    Parameters
    ----------
    results : sequence of Result
        At least two fits of the same rows and observed variables, with the same estimator
        (ML, MLR, MLM, MLMV, MLMVS or MLF; WLSMV and least-squares fits get the table and
        the nesting check's refusal).
    names : sequence of str, optional
        The models' names in the table (default: their model names, or "Model k").
    crit : float
        The chi-square below which a model counts as nested (Bentler & Satorra 2010).

    Returns
    -------
    CheckTable
        One row per model: ``model npar chisq df pvalue cfi tli rmsea srmr aic bic logl
        converged improper`` (+ ``chisq_scaled pvalue_scaled ...`` for MLR);
        ``details["pairs"]``: ``model_1 model_2 relation test statistic df pvalue omega2
        p_omega2 vuong_z p_1_better p_2_better verdict``; ``details["nesting"]``: the
        nesting matrix (row model nested in column model); ``verdict`` and ``notes``.

    Raises
    ------
    ValueError
        Fewer than two models, models fitted to different data (other N, other rows or other
        variables), or with different estimators.

    Examples
    --------
    >>> import relqual as rq
    >>> data = rq.datasets.load("holzinger_swineford")
    >>> one = rq.fit("g =~ x1 + x2 + x3 + x4 + x5 + x6", data)
    >>> two = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", data)
    >>> table = compare_results([one, two], names=["one factor", "two factors"])
    >>> table[["model", "npar", "df"]]
             model  npar  df
    0   one factor    12   9
    1  two factors    13   8
    >>> table.details["pairs"][["relation", "test", "df"]]
                           relation                     test   df
    0  one factor within two factors  chi-square difference  1.0
    """
    results = list(results)
    if len(results) < 2:
        raise ValueError("compare needs at least two fitted models")
    names = _names(results, names)
    estimator = _check_same_data(results, names)
    rows = [fit_row(r, name) for r, name in zip(results, names)]
    table = pd.DataFrame(rows)
    notes = [f"{name}: {message}" for r, name in zip(results, names) for message in improper(r)]
    pairs, nesting = _pairs(results, names, estimator, crit, notes)
    for _, p in pairs.iterrows():
        if p["relation"] == "equivalent" or "equal chi-square" in p["verdict"]:
            notes.append(f"{p['model_1']} and {p['model_2']}: equivalent models (equal "
                         "chi-square and df): the data cannot prefer one, only theory can "
                         f"({SOURCES['maccallum'].cite()})")
    out = CheckTable(table, kind="compare", title="Competing models", notes=notes,
                     sources=[SOURCES["bentler_satorra"].cite(),
                              SOURCES["satorra_bentler"].cite() if estimator == "MLR"
                              else "lavaan lavTestLRT", SOURCES["vuong"].cite(),
                              SOURCES["merkle"].cite()],
                     details={"pairs": pairs, "nesting": nesting},
                     syntax={name: r.spec.syntax for r, name in zip(results, names)},
                     fits=dict(zip(names, results)))
    out.verdict = _verdict(out, pairs)
    return out


def refit_alternatives(result) -> list:
    """The library model's alternatives (``[alternatives.NAME]`` of its model file), fitted to
    the rows of ``result`` with its estimator and options.

    Parameters
    ----------
    result : Result
        A fit of a library model that has alternatives (single-group ML or MLR).

    Returns
    -------
    list of Result
        One per alternative, named ``model:alternative``.

    Raises
    ------
    ValueError
        When the model has no alternatives, or an alternative uses variables the fit does not
        have.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("loyalty_stages", rq.datasets.load("loyalty_stages"))
    >>> [alt.spec.name for alt in refit_alternatives(res)]
    ['loyalty_stages:with_skips']
    """
    spec = result.spec
    alternatives = getattr(spec, "alternatives", None) or {}
    if not alternatives:
        base = (getattr(spec, "extra", None) or {}).get("alternative_of")
        hint = (f"; it is an alternative of '{base}': rq.compare('{base}', data, "
                "alternatives=True) compares them all" if base else "")
        raise ValueError(f"model '{spec.name}' has no alternative models in the library{hint}")
    out = []
    for name in alternatives:
        alt = spec.alternative(name)
        fitted = refit(result, alt.syntax, alt.name,
                       std_lv=bool(result.call.get("std_lv", False)))
        out.append(type(result)(spec=alt, estimate=fitted.estimate, call=fitted.call))
    return out


# ----------------------------------------------------------------------------- checks
def _names(results, names) -> list[str]:
    if names is None:
        names = [r.spec.name for r in results]
        if len(set(names)) < len(names):
            names = [f"Model {k}" for k in range(1, len(results) + 1)]
    names = [str(n) for n in names]
    if len(names) != len(results):
        raise ValueError(f"names= has {len(names)} names for {len(results)} models")
    if len(set(names)) < len(names):
        raise ValueError("names= must be different from each other")
    return names


def _check_same_data(results, names) -> str:
    """The common estimator; refuse models fitted to different data or estimators."""
    for r, name in zip(results, names):
        if getattr(r, "_is_pls", False):
            raise ValueError(f"'{name}' is a PLS-SEM fit: compare models fitted by ML, MLR or "
                             "WLSMV (PLS has no likelihood or chi-square)")
    first, name0 = results[0], names[0]
    est0 = str(first.call.get("estimator", "ML")).upper()
    vars0 = sorted(first.partable.roles.ov)
    used0 = first.used_data()
    for r, name in zip(results[1:], names[1:]):
        est = str(r.call.get("estimator", "ML")).upper()
        if est != est0:
            raise ValueError(f"'{name0}' was fitted with estimator='{est0}' and '{name}' with "
                             f"'{est}': compare models fitted with the same estimator")
        if r.call.get("missing", "listwise") != first.call.get("missing", "listwise"):
            raise ValueError(f"'{name0}' and '{name}' handle missing data differently "
                             "(missing=): fit them the same way")
        if r.n_obs != first.n_obs:
            raise ValueError(f"'{name0}' and '{name}' were fitted to different data: N = "
                             f"{first.n_obs} and N = {r.n_obs}; fit every model to the same "
                             "rows (missing values in variables one model lacks drop "
                             "different rows)")
        if sorted(r.partable.roles.ov) != vars0:
            only0 = sorted(set(vars0) - set(r.partable.roles.ov))
            only1 = sorted(set(r.partable.roles.ov) - set(vars0))
            raise ValueError(f"'{name0}' and '{name}' describe different observed variables "
                             f"(only in '{name0}': {', '.join(only0) or '-'}; only in "
                             f"'{name}': {', '.join(only1) or '-'}): likelihood-based "
                             "comparisons need the same variables")
        if r.partable.ngroups != first.partable.ngroups or list(r.group_labels) != list(
                first.group_labels):
            raise ValueError(f"'{name0}' and '{name}' have different groups")
        used = r.used_data()[list(used0.columns)]
        if not _same_values(used, used0):
            raise ValueError(f"'{name0}' and '{name}' were fitted to different data (same N = "
                             f"{r.n_obs}, other values or rows): fit every model to the same "
                             "DataFrame")
        if r.partable.meanstructure != first.partable.meanstructure:
            raise ValueError(f"'{name0}' and '{name}': one has a mean structure and the other "
                             "not; fit both with the same meanstructure=")
    return est0


def _same_values(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if "group" in a and not a["group"].equals(b["group"]):
        return False
    values_a = a.drop(columns=["group"], errors="ignore").to_numpy(dtype=float)
    values_b = b.drop(columns=["group"], errors="ignore").to_numpy(dtype=float)
    return values_a.shape == values_b.shape and np.array_equal(values_a, values_b,
                                                               equal_nan=True)


# ----------------------------------------------------------------------------- nesting
def nested_within(restricted, general, crit: float = NET_CRIT) -> bool | None:
    """Whether ``restricted`` is nested within ``general`` (Bentler & Satorra 2010): can
    ``general`` reproduce the moments ``restricted`` implies? (semTools' ``net()``.)

    Parameters
    ----------
    restricted, general : Result
        Fits of the same variables and rows.
    crit : float
        The chi-square of ``general`` fitted to ``restricted``'s implied moments below which
        the answer is yes.

    Returns
    -------
    bool or None
        None when that fit does not converge (undeterminable).

    Examples
    --------
    >>> import relqual as rq
    >>> data = rq.datasets.load("holzinger_swineford")
    >>> one = rq.fit("g =~ x1 + x2 + x3 + x4", data)
    >>> two = rq.fit("a =~ x1 + x2; b =~ x3 + x4", data)
    >>> nested_within(one, two), nested_within(two, one)
    (True, False)
    """
    chisq = _net_chisq(restricted, general)
    return None if chisq is None else bool(chisq < crit)


def _net_chisq(restricted, general) -> float | None:
    names = list(general.partable.roles.ov)
    samples = []
    for g, model in enumerate(restricted.models):
        imp = model.implied(restricted.x)
        order = [list(restricted.partable.roles.ov).index(v) for v in names]
        mean = (imp.mu if restricted.partable.meanstructure
                else restricted.problem.samples[g].mean)[order]
        cov = imp.sigma[np.ix_(order, order)]
        samples.append(SampleStats(tuple(names), restricted.problem.samples[g].n, mean, cov))
    try:
        problem = problem_from_samples(general.partable, samples)
        start = np.asarray(general.x) if np.all(np.isfinite(general.x)) else None
        est = estimate(problem, FitOptions(), start=start, inference=False)
        if not est.converged and start is not None:      # then from the default start
            est = estimate(problem, FitOptions(), inference=False)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return None
    if not est.converged:
        return None
    return float(problem.loss.n_total * est.opt.fmin)


def _pairs(results, names, estimator, crit, notes):
    k = len(results)
    df = [int(r.fit_measures()["df"]) for r in results]
    nesting = pd.DataFrame(np.eye(k, dtype=bool), index=names, columns=names, dtype=object)
    rows = []
    for i in range(k):
        for j in range(i + 1, k):
            a, b = results[i], results[j]
            row = dict.fromkeys(PAIR_COLUMNS, np.nan)
            row.update(model_1=names[i], model_2=names[j])
            if estimator not in SUPPORTED:
                row.update(relation="undeterminable", test="",
                           verdict=f"not tested: for estimator='{estimator}' the nesting check, "
                                   "the difference test (lavaan's satorra.2000) and Vuong's "
                                   "tests (which need a likelihood) are not available yet")
                rows.append(row)
                continue
            # the more restricted model: more df
            if df[i] == df[j]:
                ab, ba = nested_within(a, b, crit), nested_within(b, a, crit)
                nesting.iloc[i, j], nesting.iloc[j, i] = ab, ba
                if ab and ba:
                    relation = "equivalent"
                elif ab is None or ba is None:
                    relation = "undeterminable"
                else:
                    relation = "non-nested"
                restricted = general = None
            else:
                r_idx, g_idx = (i, j) if df[i] > df[j] else (j, i)
                inside = nested_within(results[r_idx], results[g_idx], crit)
                nesting.iloc[r_idx, g_idx] = inside
                relation = ("nested" if inside else "undeterminable" if inside is None
                            else "non-nested")
                restricted, general = r_idx, g_idx
            if relation == "nested":
                test = difference(results[general], results[restricted], results[0].n_obs,
                                  results[0].partable.ngroups, estimator)
                row.update(relation=f"{names[restricted]} within {names[general]}",
                           test=_test_name(estimator, results[general].call.get("test")),
                           statistic=test["delta_chisq"], df=test["delta_df"],
                           pvalue=test["p_delta"])
                worse = test["p_delta"] < ALPHA
                row["verdict"] = (
                    f"\u0394\u03c7\u00b2({test['delta_df']:g}) = {test['delta_chisq']:.2f}, "
                    f"{p_text(test['p_delta'])}: "
                    + (f"the restrictions of {names[restricted]} worsen fit: prefer "
                       f"{names[general]}" if worse else
                       f"the restrictions of {names[restricted]} do not worsen fit: prefer "
                       f"the more parsimonious {names[restricted]}"))
            elif relation == "equivalent":
                row.update(relation="equivalent", test="",
                           verdict="equivalent models (each reproduces the other's moments): "
                                   "the data cannot prefer one, only theory can")
            else:
                try:
                    v = vuong_test(a, b)
                except (ValueError, np.linalg.LinAlgError) as exc:
                    v = None
                    notes.append(f"{names[i]} vs {names[j]}: Vuong's tests not available "
                                 f"({exc})")
                row.update(relation=relation, test="Vuong (Merkle, You & Preacher 2016)")
                if v is not None:
                    row.update(statistic=v["lr"], omega2=v["omega2"], p_omega2=v["p_omega2"],
                               vuong_z=v["z"], p_1_better=v["p_1_better"],
                               p_2_better=v["p_2_better"])
                    row["verdict"] = _vuong_verdict(v, names[i], names[j], relation)
                else:
                    row["verdict"] = "not tested"
            fm_a, fm_b = a.fit_measures(), b.fit_measures()
            if (int(fm_a["df"]) == int(fm_b["df"])
                    and abs(fm_a["chisq"] - fm_b["chisq"]) <= EQUAL_CHISQ * max(1.0, fm_a["chisq"])
                    and relation != "equivalent"):
                row["verdict"] += ("; equal chi-square and df: probably equivalent models, "
                                   "which the data cannot tell apart")
            rows.append(row)
    return pd.DataFrame(rows, columns=PAIR_COLUMNS), nesting


def _test_name(estimator: str, test) -> str:
    """The pair's difference test as the table names it (lavaan's ``lavTestLRT`` method)."""
    return {"satorra.bentler.2001": "scaled chi-square difference (Satorra-Bentler 2001)",
            "satorra.2000": "scaled-shifted chi-square difference (Satorra 2000)"}.get(
        difference_method(estimator, test), "chi-square difference")


def _vuong_verdict(v, name1, name2, relation) -> str:
    lead = ("nesting could not be determined (the check fit did not converge); "
            if relation == "undeterminable" else "")
    if not v["p_omega2"] < ALPHA:
        return (lead + f"the models are indistinguishable on these data (omega\u00b2 = "
                f"{v['omega2']:.4f}, {p_text(v['p_omega2'])}): neither can be preferred")
    if v["p_1_better"] < ALPHA:
        return lead + f"{name1} fits better (z = {v['z']:.2f}, {p_text(v['p_1_better'])})"
    if v["p_2_better"] < ALPHA:
        return lead + f"{name2} fits better (z = {v['z']:.2f}, {p_text(v['p_2_better'])})"
    return (lead + f"distinguishable ({p_text(v['p_omega2'])}) but neither fits better (z = "
            f"{v['z']:.2f}); compare them by AIC and BIC")


# ----------------------------------------------------------------------------- Vuong
def casewise_loglik(result) -> np.ndarray:
    """Every row's log-likelihood at the estimates (lavaan's ``lavInspect(fit,
    "loglik.casewise")``): the multivariate normal density of its observed values under the
    implied moments (means: the implied ones with a mean structure, else the sample means).

    Parameters
    ----------
    result : Result
        An ML-family fit (groups one after the other, rows in the fit's order).

    Returns
    -------
    ndarray
        One value per row used. Their sum is the fit's log-likelihood (without fixed.x
        covariates).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> ll = casewise_loglik(res)
    >>> ll.shape, round(float(ll.sum()), 3), round(float(res.fit_measures()["logl"]), 3)
    ((301,), -1356.977, -1356.977)
    """
    out = []
    meanstructure = result.partable.meanstructure
    for g, (model, values) in enumerate(zip(result.models, result.problem.data.arrays)):
        imp = model.implied(result.x)
        mu = imp.mu if meanstructure else result.problem.samples[g].mean
        ll = np.empty(len(values))
        observed = ~np.isnan(values)
        patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
        for k, pattern in enumerate(patterns):
            rows = np.flatnonzero(inverse.ravel() == k)
            o = np.flatnonzero(pattern)
            if not len(o):
                ll[rows] = 0.0
                continue
            sigma = imp.sigma[np.ix_(o, o)]
            sign, logdet = np.linalg.slogdet(sigma)
            dev = values[np.ix_(rows, o)] - mu[o]
            quad = np.einsum("ij,ij->i", dev @ np.linalg.inv(sigma), dev)
            ll[rows] = -0.5 * (len(o) * np.log(2 * np.pi) + logdet + quad)
        out.append(ll)
    return np.concatenate(out)


def _scores_and_bread(result):
    """Casewise scores (rows x npar, groups stacked) and A^-1 (the inverse information per
    case: n times the ML covariance of the estimates; for MLR the inverse observed
    information)."""
    scores = np.vstack(result.problem.loss.casewise_scores(result.x,
                                                            result.problem.data.arrays))
    inference = result.estimate.inference
    if inference is None or inference.information is None or not inference.invertible:
        raise ValueError(f"'{result.spec.name}' has no invertible information matrix")
    if inference.kind in ("expected", "observed"):
        a_inv = result.n_obs * np.asarray(result.vcov_matrix)
    else:
        a_inv = np.linalg.inv(0.5 * inference.information)
    return scores, a_inv


def vuong_test(result_1, result_2) -> dict:
    """Vuong's distinguishability and likelihood-ratio tests of two non-nested models
    (Merkle, You & Preacher 2016; see the module docstring).

    Parameters
    ----------
    result_1, result_2 : Result
        ML or MLR fits of the same rows.

    Returns
    -------
    dict
        ``lr`` (sum of the casewise log-likelihood differences), ``omega2``, ``p_omega2``
        (distinguishability), ``z``, ``p_1_better``, ``p_2_better``, ``n``.

    Examples
    --------
    >>> import relqual as rq
    >>> data = rq.datasets.load("holzinger_swineford")
    >>> a = rq.fit("f =~ x1 + x2 + x3 + x4 + x5 + x6", data)
    >>> b = rq.fit("f =~ x1 + x2 + x3; g =~ x4 + x5 + x6; f ~~ 0*g", data)
    >>> v = vuong_test(a, b)
    >>> round(v["omega2"], 4), round(v["z"], 3)
    (0.6481, -1.55)
    """
    ll1, ll2 = casewise_loglik(result_1), casewise_loglik(result_2)
    n = len(ll1)
    if len(ll2) != n:
        raise ValueError("the models were fitted to different numbers of rows")
    d = ll1 - ll2
    omega2 = float(np.mean((d - d.mean()) ** 2))
    lr = float(d.sum())
    s1, a1_inv = _scores_and_bread(result_1)
    s2, a2_inv = _scores_and_bread(result_2)
    B1, B2, B12 = s1.T @ s1 / n, s2.T @ s2 / n, s1.T @ s2 / n
    W = np.block([[-B1 @ a1_inv, -B12 @ a2_inv], [B12.T @ a1_inv, B2 @ a2_inv]])
    lam = np.real(np.linalg.eigvals(W))
    p_omega2 = imhof(n * omega2, lam ** 2)
    z = lr / np.sqrt(n * omega2) if omega2 > 0 else np.nan
    return {"lr": lr, "omega2": omega2, "p_omega2": p_omega2, "z": float(z),
            "p_1_better": float(stats.norm.sf(z)), "p_2_better": float(stats.norm.cdf(z)),
            "n": n}


def imhof(q: float, weights) -> float:
    """P(Q > q) for Q = sum_j w_j chi²_1 (central, one df each): Imhof's (1961) formula,
    ``1/2 + (1/pi) int_0^inf sin(theta(u)) / (u rho(u)) du`` with
    theta(u) = (1/2) sum atan(w_j u) - q u / 2 and rho(u) = prod (1 + w_j² u²)^(1/4)
    (as R's ``CompQuadForm::imhof``). The oscillating tail beyond one period of ``q u / 2`` is
    integrated as a Fourier integral (QUADPACK's QAWF), so that few weights are exact too.

    Parameters
    ----------
    q : float
        The quantile.
    weights : array_like
        The weights w_j.

    Returns
    -------
    float
        The upper-tail probability.

    Examples
    --------
    >>> round(imhof(3.841459, [1.0]), 6)         # chi-square(1): P(X > 3.84) = .05
    0.05
    >>> round(imhof(5.991465, [1.0, 1.0]), 6)    # chi-square(2)
    0.05
    """
    w = np.asarray(weights, dtype=float)
    w = w[np.abs(w) > 1e-14 * max(1.0, np.abs(w).max(initial=0.0))]
    if not len(w):
        return 1.0 if q < 0 else 0.0

    def half_atan(u):
        return 0.5 * np.sum(np.arctan(w * u))

    def rho(u):
        return np.exp(0.25 * np.sum(np.log1p((w * u) ** 2)))

    def integrand(u):
        if u == 0.0:
            return 0.5 * (w.sum() - q)
        return np.sin(half_atan(u) - 0.5 * q * u) / (u * rho(u))

    if q <= 0:
        value = integrate.quad(integrand, 0.0, np.inf, limit=10000, epsabs=1e-12,
                               epsrel=1e-12)[0]
    else:
        omega = 0.5 * q
        start = 2 * np.pi / omega
        value = integrate.quad(integrand, 0.0, start, limit=10000, epsabs=1e-13,
                               epsrel=1e-13)[0]
        # sin(g - omega u) = sin(g) cos(omega u) - cos(g) sin(omega u)
        value += integrate.quad(lambda u: np.sin(half_atan(u)) / (u * rho(u)), start, np.inf,
                                weight="cos", wvar=omega, limlst=200, epsabs=1e-13)[0]
        value -= integrate.quad(lambda u: np.cos(half_atan(u)) / (u * rho(u)), start, np.inf,
                                weight="sin", wvar=omega, limlst=200, epsabs=1e-13)[0]
    return float(min(max(0.5 + value / np.pi, 0.0), 1.0))


# ----------------------------------------------------------------------------- verdict
def _verdict(table: CheckTable, pairs: pd.DataFrame) -> str:
    parts = []
    for key, label in (("aic", "AIC"), ("bic", "BIC")):
        values = table[key].to_numpy(dtype=float)
        if np.isfinite(values).any():
            low = np.nanmin(values)
            best = table.loc[np.abs(values - low) <= 1e-6 * max(1.0, abs(low)), "model"]
            parts.append(f"lowest {label}: {' and '.join(best)}")
    text = ("; ".join(parts) + ".") if parts else ""
    text = text[:1].upper() + text[1:]
    tested = [f"{p['model_1']} vs {p['model_2']}: {p['verdict']}" for _, p in pairs.iterrows()]
    if tested:
        text += " " + " ".join(t.rstrip(".") + "." for t in tested)
    return text.strip()
