"""Fit measures with lavaan's definitions (``fitMeasures``; lavaan ``R/lav_fit_*.R``).

Notation: chi-square ``T = N F_ML`` (N = total sample size, lavaan's ``likelihood = "normal"``),
``df``; baseline (independence) model ``T_b, df_b``; G groups.

* CFI = 1 - max(T - df, 0) / max(T - df, T_b - df_b, 0)             (Bentler 1990)
* TLI = (T_b/df_b - T/df) / (T_b/df_b - 1)                           (Tucker & Lewis 1973)
* RMSEA = sqrt(G) sqrt(max(T/df - 1, 0) / N); 90% CI by inverting the noncentral chi-square;
  p-close = P(chi2(df, ncp = N df 0.05^2 / G) >= T)                   (Browne & Cudeck 1993)
* SRMR (Bentler) = sqrt(mean of squared residuals (s_ij - sigma_ij) / sqrt(s_ii s_jj) over the
  lower triangle, and (ybar_i - mu_i) / sqrt(s_ii) with a mean structure) (Bentler 1995)
* logl = -N/2 (p log 2pi + log|Sigma| + tr(S Sigma^-1) + d'Sigma^-1 d) summed over groups; with
  fixed.x covariates lavaan reports the likelihood conditional on them, i.e. minus the saturated
  marginal log-likelihood of the covariates (the same is done for unrestricted_logl);
  AIC = -2 logl + 2 npar, BIC = -2 logl + npar log N, BIC2 = -2 logl + npar log((N + 2) / 24).
* NFI, RFI, IFI, RNI (Bentler & Bonett 1980; Bollen 1986, 1989).
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import special

from .samplestats import SampleStats

LOG_2PI = np.log(2 * np.pi)


def loglik(sigma: np.ndarray, mu: np.ndarray, sample: SampleStats) -> float:
    """Normal-theory log-likelihood of a group's data at implied (sigma, mu).

    Parameters
    ----------
    sigma : ndarray
        The implied covariance matrix.
    mu : ndarray
        The implied means (the sample means for a model without a mean structure).
    sample : SampleStats
        The group's moments (covariance with divisor N).

    Returns
    -------
    float
        ``-inf`` when sigma is not positive definite.

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> round(float(loglik(sigma, sample.mean, sample)), 3)      # lavaan's logl
    -3737.745
    """
    sign, logdet = np.linalg.slogdet(sigma)
    if sign <= 0:
        return -np.inf
    sigma_inv = np.linalg.inv(sigma)
    d = sample.mean - mu
    p = len(mu)
    return -0.5 * sample.n * (p * LOG_2PI + logdet + np.sum(sample.cov * sigma_inv)
                              + d @ sigma_inv @ d)


def unrestricted_loglik(sample: SampleStats) -> float:
    """The saturated (H1) log-likelihood: ``-N/2 (p log 2pi + log|S| + p)``.

    Parameters
    ----------
    sample : SampleStats

    Returns
    -------
    float

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> round(float(unrestricted_loglik(sample)), 3)     # lavaan's unrestricted.logl
    -3695.092
    """
    p = len(sample.mean)
    return -0.5 * sample.n * (p * LOG_2PI + sample.logdet_cov + p)


def _subset(sample: SampleStats, names: list[str]) -> SampleStats:
    idx = [sample.names.index(v) for v in names]
    return SampleStats(tuple(names), sample.n, sample.mean[idx], sample.cov[np.ix_(idx, idx)])


def baseline_chisq(samples: list[SampleStats], x_names: list[str]) -> float:
    """Chi-square of the independence model (free variances; fixed.x block kept at sample).

    Parameters
    ----------
    samples : list of SampleStats
        Per group the moments.
    x_names : list of str
        The exogenous observed covariates.

    Returns
    -------
    float
        Summed over groups.

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> round(float(baseline_chisq([sample], [])), 3), baseline_df([sample], [])
    (918.852, 36)
    """
    total = 0.0
    for s in samples:
        sigma = np.diag(np.diag(s.cov))
        if x_names:
            is_x = np.array([name in x_names for name in s.names])
            sigma[np.ix_(is_x, is_x)] = s.cov[np.ix_(is_x, is_x)]
        sign, logdet = np.linalg.slogdet(sigma)
        total += s.n * (logdet + np.sum(s.cov * np.linalg.inv(sigma)) - s.logdet_cov - len(s.names))
    return total


def rmsea_ci(chisq: float, df: int, n: int, ngroups: int, level: float = 0.90):
    """Lower and upper RMSEA bounds from the noncentral chi-square (lavaan ``lav_fit_rmsea_ci``).

    The bound's noncentrality lambda solves P(chi2(df, lambda) <= T) = 1 - alpha (lower) or
    alpha (upper); it is 0 when even the central distribution is beyond that probability.

    Parameters
    ----------
    chisq : float
        The test statistic T.
    df : int
        Its degrees of freedom.
    n : int
        The total sample size N.
    ngroups : int
        G (the bounds are multiplied by sqrt(G), as lavaan).
    level : float
        The confidence level.

    Returns
    -------
    lower, upper : float
        ``sqrt(G) sqrt(lambda / (N df))`` at each bound's lambda; NaN when df <= 0.

    Examples
    --------
    >>> [round(float(v), 3) for v in rmsea_ci(85.306, 24, 301, 1)]
    [0.071, 0.114]
    """
    if df <= 0:
        return np.nan, np.nan
    alpha = (1 - level) / 2

    def ncp_for(prob):
        if special.chdtr(df, chisq) < prob:
            return 0.0
        return float(special.chndtrinc(chisq, df, prob))

    scale = np.sqrt(ngroups)
    lower, upper = ncp_for(1 - alpha), ncp_for(alpha)
    return scale * np.sqrt(lower / (n * df)), scale * np.sqrt(upper / (n * df))


def srmr(samples: list[SampleStats], implied: list[tuple[np.ndarray, np.ndarray]],
         meanstructure: bool) -> float:
    """Bentler's SRMR (lavaan ``srmr_bentler``), averaged over groups weighted by n_g / N.

    Parameters
    ----------
    samples : list of SampleStats
        Per group the moments.
    implied : list of (sigma, mu)
        Per group the implied moments.
    meanstructure : bool
        Include the standardized mean residuals.

    Returns
    -------
    float

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> round(float(srmr([sample], [(sigma, sample.mean)], False)), 3)
    0.065
    """
    n_total = sum(s.n for s in samples)
    value = 0.0
    for s, (sigma, mu) in zip(samples, implied):
        sd_obs = np.sqrt(np.diag(s.cov))
        resid = (s.cov - sigma) / np.outer(sd_obs, sd_obs)
        lower = resid[_lower_triangle(len(resid))]
        total, count = np.sum(lower ** 2), lower.size
        if meanstructure:
            mean_resid = (s.mean - mu) / sd_obs
            total += np.sum(mean_resid ** 2)
            count += mean_resid.size
        value += s.n / n_total * np.sqrt(total / count)
    return value


@functools.lru_cache(maxsize=64)
def _lower_triangle(p: int) -> tuple[np.ndarray, np.ndarray]:
    """``numpy.tril_indices(p)``, built once per size (read only)."""
    rows, cols = np.tril_indices(p)
    rows.flags.writeable = cols.flags.writeable = False
    return rows, cols


def complete_data_likelihoods(samples: list[SampleStats], implied, x_names: list[str],
                              fixed_x: bool) -> tuple[float, float, float]:
    """(logl, unrestricted logl, baseline chi-square) of complete data.

    ``x_names`` are the exogenous observed covariates: the baseline model keeps their
    (co)variances whether or not they are fixed (lavaan ``lav_partable_independence``); with
    fixed.x the likelihood is conditional on them (lavaan), i.e. their saturated marginal
    log-likelihood is subtracted.

    Parameters
    ----------
    samples : list of SampleStats
        Per group the moments.
    implied : list of (sigma, mu)
        Per group the implied moments.
    x_names : list of str
        The exogenous observed covariates.
    fixed_x : bool
        Whether they are fixed.x.

    Returns
    -------
    logl, logl_h1, baseline_chisq : float

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> [round(float(v), 3) for v in complete_data_likelihoods([sample], [(sigma, sample.mean)],
    ...                                                        [], True)]
    [-3737.745, -3695.092, 918.852]
    """
    logl_x = (sum(unrestricted_loglik(_subset(s, x_names)) for s in samples)
              if x_names and fixed_x else 0.0)
    logl = sum(loglik(sigma, mu, s) for s, (sigma, mu) in zip(samples, implied)) - logl_x
    logl_h1 = sum(unrestricted_loglik(s) for s in samples) - logl_x
    return logl, logl_h1, baseline_chisq(samples, x_names)


def fit_measures(*, chisq: float, df: int, npar: int, n: int, ngroups: int, logl: float,
                 logl_h1: float, base_chisq: float, base_df: int, srmr_value: float) -> dict:
    """All fit measures of one ML fit, named as lavaan names them (with '.' -> '_').

    Formulas and sources in the module docstring.

    Parameters
    ----------
    chisq : float
        T = N F_ML.
    df : int
        Its degrees of freedom.
    npar : int
        Free parameters.
    n : int
        Total sample size N.
    ngroups : int
        G.
    logl, logl_h1 : float
        The model's and the saturated model's log-likelihoods.
    base_chisq : float
        T_b of the independence model.
    base_df : int
        df_b.
    srmr_value : float
        The SRMR (:func:`srmr`).

    Returns
    -------
    dict
        ``npar fmin chisq df pvalue baseline_chisq baseline_df baseline_pvalue cfi tli nnfi
        rfi nfi pnfi ifi rni logl unrestricted_logl aic bic ntotal ngroups bic2 rmsea
        rmsea_ci_lower rmsea_ci_upper rmsea_pvalue srmr``.

    Examples
    --------
    >>> m = fit_measures(chisq=85.306, df=24, npar=21, n=301, ngroups=1, logl=-3737.745,
    ...                  logl_h1=-3695.092, base_chisq=918.852, base_df=36, srmr_value=0.065)
    >>> {k: round(float(m[k]), 3) for k in ("cfi", "tli", "rmsea", "aic", "bic")}
    {'cfi': 0.931, 'tli': 0.896, 'rmsea': 0.092, 'aic': 7517.49, 'bic': 7595.339}
    """
    G = ngroups
    pvalue = special.chdtrc(df, chisq) if df > 0 else np.nan
    out = dict(npar=npar, fmin=chisq / (2 * n), chisq=chisq, df=df, pvalue=pvalue,
               baseline_chisq=base_chisq, baseline_df=base_df,
               baseline_pvalue=special.chdtrc(base_df, base_chisq) if base_df > 0 else np.nan)
    d_model, d_base = max(chisq - df, 0.0), max(base_chisq - base_df, 0.0)
    denominator = max(d_model, d_base)
    out["cfi"] = 1.0 - d_model / denominator if denominator > 0 else 1.0
    out.update(_incremental(chisq, df, base_chisq, base_df, suffix=""))
    out.update(logl=logl, unrestricted_logl=logl_h1, aic=-2 * logl + 2 * npar,
               bic=-2 * logl + npar * np.log(n), ntotal=n, ngroups=G,
               bic2=-2 * logl + npar * np.log((n + 2) / 24))
    if df > 0:
        out["rmsea"] = np.sqrt(G) * np.sqrt(max(chisq / df - 1.0, 0.0) / n)
        out["rmsea_ci_lower"], out["rmsea_ci_upper"] = rmsea_ci(chisq, df, n, G)
        out["rmsea_pvalue"] = 1.0 - special.chndtr(chisq, df, n * df * 0.05 ** 2 / G)
    else:
        out.update(rmsea=0.0, rmsea_ci_lower=0.0, rmsea_ci_upper=0.0, rmsea_pvalue=np.nan)
    out["srmr"] = srmr_value
    return out


def baseline_df(samples: list[SampleStats], x_names: list[str]) -> int:
    """Degrees of freedom of the independence model (covariate block kept).

    Per group ``p (p - 1) / 2 - nx (nx - 1) / 2`` (the covariances it fixes at 0).

    Parameters
    ----------
    samples : list of SampleStats
    x_names : list of str
        The exogenous observed covariates.

    Returns
    -------
    int

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> baseline_df([sample], []), baseline_df([sample, sample], ["x1", "x2"])
    (36, 70)
    """
    nx = len(x_names)
    return sum(len(s.names) * (len(s.names) - 1) // 2 - nx * (nx - 1) // 2 for s in samples)


def _incremental(X2, df, X2_null, df_null, suffix: str) -> dict:
    """TLI/NNFI, RFI, NFI, PNFI, IFI and RNI with lavaan's rules for edge cases
    (``lav_fit_tli``, ``lav_fit_rfi``, ...: e.g. RFI = 1 when the model's chi-square per df
    exceeds the baseline's; NA when a denominator is 0)."""
    out = {}
    out["tli" + suffix] = out["nnfi" + suffix] = _tli(X2, df, X2_null, df_null)
    if df > df_null:
        rfi = np.nan
    elif df > 0 and df_null > 0:
        t1, t2 = X2_null / df_null - X2 / df, X2_null / df_null
        rfi = 1.0 if t1 < 0 or t2 < 0 else t1 / t2
    else:
        rfi = 1.0
    out["rfi" + suffix] = rfi
    if df > df_null or _near_zero(X2_null):
        out["nfi" + suffix] = np.nan
    else:
        out["nfi" + suffix] = (X2_null - X2) / X2_null if df > 0 else 1.0
    out["pnfi" + suffix] = (df / df_null * (X2_null - X2) / X2_null
                            if df_null > 0 and X2_null > 0 else np.nan)
    t2 = X2_null - df
    out["ifi" + suffix] = 1.0 if t2 < 0 else (np.nan if _near_zero(t2) else (X2_null - X2) / t2)
    t2 = X2_null - df_null
    out["rni" + suffix] = np.nan if _near_zero(t2) else 1.0 - (X2 - df) / t2
    return out


def _near_zero(value: float) -> bool:
    """``numpy.isclose(value, 0)`` for a number (its default ``atol`` 1e-8), without numpy's
    array machinery."""
    return abs(value) <= 1e-8


def _cfi(X2, df, X2_null, df_null, c=1.0, c_null=1.0):
    t1 = max(X2 - c * df, 0.0)
    t2 = max(X2 - c * df, X2_null - c_null * df_null, 0.0)
    return 1.0 if _near_zero(t1) and _near_zero(t2) else 1.0 - t1 / t2


def _tli(X2, df, X2_null, df_null, c=1.0, c_null=1.0):
    t1 = (X2 - c * df) * df_null
    t2 = (X2_null - c_null * df_null) * df
    return 1.0 - t1 / t2 if df > 0 and abs(t2) > 0 else 1.0


def _rmsea(X2, df, n, G, c=1.0):
    return float(np.sqrt(max(X2 / n / df - c / n, 0.0)) * np.sqrt(G)) if df > 0 else 0.0


def scaled_measures(m: dict, c: float, c_null: float, robust: bool = True) -> dict:
    """Scaled and robust fit measures of a Yuan-Bentler scaled test (lavaan ``fitMeasures``).

    ``*_scaled``: the indices computed from the scaled statistics T / c and T_b / c_b (RMSEA
    "scaled" uses T with df c); ``*_robust``: Brosseau-Liard, Savalei & Li (2012) and
    Brosseau-Liard & Savalei (2014), i.e. T - c df in place of T - df (complete data only).

    Parameters
    ----------
    m : dict
        The standard measures (:func:`fit_measures`).
    c, c_null : float
        The scaling factors of the model's and the baseline's test.
    robust : bool
        Add the ``*_robust`` measures (:func:`robust_measures`).

    Returns
    -------
    dict
        The ``*_scaled`` (and ``*_robust``) measures only.

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> scaled = scaled_measures(res.fit_measures().to_dict(), 0.979, 1.044)
    >>> round(float(scaled["chisq_scaled"]), 3), round(float(scaled["cfi_robust"]), 3)
    (87.135, 0.93)
    """
    X2, df, n = m["chisq"], m["df"], m["ntotal"]
    X2_null, df_null = m["baseline_chisq"], m["baseline_df"]
    G = m.get("ngroups", 1)
    out = {"chisq_scaled": X2 / c, "df_scaled": df,
           "pvalue_scaled": special.chdtrc(df, X2 / c) if df > 0 else np.nan,
           "chisq_scaling_factor": c,
           "baseline_chisq_scaled": X2_null / c_null, "baseline_df_scaled": df_null,
           "baseline_pvalue_scaled": special.chdtrc(df_null, X2_null / c_null),
           "baseline_chisq_scaling_factor": c_null}
    Xs, Xs_null = X2 / c, X2_null / c_null
    out["cfi_scaled"] = _cfi(Xs, df, Xs_null, df_null)
    out.update(_incremental(Xs, df, Xs_null, df_null, suffix="_scaled"))
    df2 = c * df                               # RMSEA "scaled": T with df = tr(U Gamma)
    out["rmsea_scaled"] = _rmsea(X2, df2, n, G)
    out["rmsea_ci_lower_scaled"], out["rmsea_ci_upper_scaled"] = rmsea_ci(X2, df2, n, G)
    out["rmsea_pvalue_scaled"] = 1.0 - special.chndtr(X2, df2, n * df2 * 0.05 ** 2 / G)
    if robust:
        out.update(robust_measures(m, X2, c, X2_null, c_null))
    return out


ROBUST_NAMES = ("cfi_robust", "tli_robust", "nnfi_robust", "rni_robust", "rmsea_robust",
                "rmsea_ci_lower_robust", "rmsea_ci_upper_robust", "rmsea_pvalue_robust")


def robust_measures(m: dict, X2: float, c: float, X2_null: float, c_null: float,
                    X2_scaled: float | None = None, c_ci: float | None = None,
                    one_rule: bool = True) -> dict:
    """Robust CFI/TLI/RNI/RMSEA (Brosseau-Liard, Savalei & Li 2012; Brosseau-Liard & Savalei
    2014): T - c df in place of T - df. Complete data: T = the ML statistic, c its scaling
    factor; FIML: the corrected statistic and factor (engine/fiml_corrected.py).

    Parameters
    ----------
    m : dict
        The standard measures (``df``, ``ntotal``, ``baseline_df``, ``ngroups``).
    X2, c : float
        The model's statistic and scaling factor.
    X2_null, c_null : float
        The baseline's.
    X2_scaled, c_ci : float, optional
        The scaled statistic and the factor its RMSEA interval and close-fit p-value use
        (default T / c and c; lavaan's scaled-shifted test: a T + b and 1 / a).
    one_rule : bool
        lavaan's CFI, TLI and RNI fall back to T - df when a factor equals 1 (as DWLS's
        baseline factor tr(U Gamma) / df does); lavaan's scaled-shifted factors
        a (df - b) / df never equal 1 exactly in floating point, so that rule is off for them.

    Returns
    -------
    dict
        The measures of ``ROBUST_NAMES``.

    Examples
    --------
    >>> import relqual as rq
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"))
    >>> sample, sigma = res.problem.samples[0], res.problem.models[0].implied(res.x).sigma
    >>> fm = res.fit_measures()
    >>> robust = robust_measures(fm.to_dict(), fm["chisq"], 0.979, fm["baseline_chisq"], 1.044)
    >>> round(float(robust["cfi_robust"]), 3), round(float(robust["rmsea_robust"]), 3)
    (0.93, 0.092)
    """
    df, n, df_null = m["df"], m["ntotal"], m["baseline_df"]
    G = m.get("ngroups", 1)
    if one_rule and (abs(c - 1.0) <= 1e-12 or abs(c_null - 1.0) <= 1e-12):
        c_inc = c_inc_null = 1.0      # lavaan's lav_fit_cfi/tli/rni: T - df when a factor is 1
    else:                             # (e.g. DWLS's baseline, whose factor is exactly 1)
        c_inc, c_inc_null = c, c_null
    out = {"cfi_robust": _cfi(X2, df, X2_null, df_null, c_inc, c_inc_null)}
    out["tli_robust"] = out["nnfi_robust"] = _tli(X2, df, X2_null, df_null, c_inc, c_inc_null)
    out["rni_robust"] = 1.0 - (X2 - c_inc * df) / (X2_null - c_inc_null * df_null)
    out["rmsea_robust"] = _rmsea(X2, df, n, G, c)
    Xs = X2 / c if X2_scaled is None else X2_scaled
    c2 = c if c_ci is None else c_ci
    lo, hi = rmsea_ci(Xs, df, n, G)
    out["rmsea_ci_lower_robust"], out["rmsea_ci_upper_robust"] = (lo * np.sqrt(c2),
                                                                  hi * np.sqrt(c2))
    out["rmsea_pvalue_robust"] = 1.0 - special.chndtr(Xs, df, n * df / c2 * 0.05 ** 2 / G)
    return out


def satorra_measures(m: dict, model_test: dict, baseline_test: dict) -> dict:
    """Scaled and robust fit measures of a Satorra-type test, as lavaan 0.6-14's
    ``fitMeasures`` (``lav_fit_cfi_lavobject``, ``lav_fit_rmsea_lavobject``).

    ``*_scaled``: the incremental indices from the scaled statistics and their degrees of
    freedom; RMSEA "scaled" from T on tr(U Gamma) degrees of freedom (satorra.bentler,
    mean.var.adjusted) or from the scaled-shifted statistic on df. ``*_robust`` (Brosseau-Liard,
    Savalei & Li 2012; Brosseau-Liard & Savalei 2014), for satorra.bentler and scaled.shifted
    only (lavaan has none for mean.var.adjusted): T - c df in place of T - df, with c the
    scaling factor, or a (df - b) / df for the scaled-shifted test (a its scaling factor, b its
    shift).

    Parameters
    ----------
    m : dict
        The standard measures (:func:`fit_measures`).
    model_test, baseline_test : dict
        :func:`relqual.engine.robustsem.scaled_test` of the model and of the baseline.

    Returns
    -------
    dict
        The ``*_scaled`` (and ``*_robust``) measures, ``chisq_scaling_factor`` and, for the
        scaled-shifted test, ``chisq_shift_parameter``.

    Examples
    --------
    >>> from relqual.engine.robustsem import scaled_test
    >>> m = fit_measures(chisq=85.306, df=24, npar=21, n=301, ngroups=1, logl=-3737.745,
    ...                  logl_h1=-3695.092, base_chisq=918.852, base_df=36, srmr_value=0.065)
    >>> out = satorra_measures(m, scaled_test(85.306, 24, 26.0, 30.0, "satorra.bentler"),
    ...                        scaled_test(918.852, 36, 40.0, 50.0, "satorra.bentler"))
    >>> round(float(out["chisq_scaled"]), 3), round(float(out["cfi_robust"]), 3)
    (78.744, 0.933)
    """
    X2, df, n = m["chisq"], m["df"], m["ntotal"]
    X2_null, df_null = m["baseline_chisq"], m["baseline_df"]
    G = m.get("ngroups", 1)
    test = model_test["test"]
    Xs, dfs, c = model_test["stat"], model_test["df"], model_test["scaling_factor"]
    Xs_null, dfs_null = baseline_test["stat"], baseline_test["df"]
    c_null = baseline_test["scaling_factor"]
    out = {"chisq_scaled": Xs, "df_scaled": dfs, "pvalue_scaled": model_test["pvalue"],
           "chisq_scaling_factor": c,
           "baseline_chisq_scaled": Xs_null, "baseline_df_scaled": dfs_null,
           "baseline_pvalue_scaled": baseline_test["pvalue"],
           "baseline_chisq_scaling_factor": c_null}
    if test == "scaled.shifted":
        out["chisq_shift_parameter"] = model_test["shift_parameter"]
    out["cfi_scaled"] = _cfi(Xs, dfs, Xs_null, dfs_null)
    out.update(_incremental(Xs, dfs, Xs_null, dfs_null, suffix="_scaled"))
    if df <= 0:
        return {**out, **_saturated_scaled(test)}
    X2_rmsea, df_rmsea = (Xs, df) if test == "scaled.shifted" else (X2, model_test["trace_ug"])
    out["rmsea_scaled"] = _rmsea(X2_rmsea, df_rmsea, n, G)
    out["rmsea_ci_lower_scaled"], out["rmsea_ci_upper_scaled"] = rmsea_ci(X2_rmsea, df_rmsea,
                                                                          n, G)
    out["rmsea_pvalue_scaled"] = (1.0 - special.chndtr(X2_rmsea, df_rmsea,
                                                       n * df_rmsea * 0.05 ** 2 / G)
                                  if df_rmsea > 0 else np.nan)
    if test in ("satorra.bentler", "yuan.bentler"):
        out.update(robust_measures(m, X2, c, X2_null, c_null))
    elif test == "scaled.shifted":
        c3 = c * (df - model_test["shift_parameter"]) / df
        c3_null = c_null * (df_null - baseline_test["shift_parameter"]) / df_null
        out.update(robust_measures(m, X2, c3, X2_null, c3_null, X2_scaled=Xs, c_ci=c,
                                   one_rule=False))
    return out


def _saturated_scaled(test: str) -> dict:
    """lavaan's scaled and robust RMSEA (and robust CFI, TLI, RNI) of a model with df = 0:
    RMSEA 0 with a [0, 0] interval where lavaan's formula has degrees of freedom (the
    scaled-shifted test's df, every robust RMSEA), NaN where they are tr(U Gamma) (none without
    a scaled test); the robust incremental indices 1 for scaled.shifted, NaN for
    satorra.bentler; no p-values."""
    zero = dict(zip(("", "_ci_lower", "_ci_upper", "_pvalue"), (0.0, 0.0, 0.0, np.nan)))
    nan = dict.fromkeys(zero, np.nan)
    out = {f"rmsea{k}_scaled": v for k, v in (zero if test == "scaled.shifted" else nan).items()}
    if test in ("satorra.bentler", "yuan.bentler", "scaled.shifted"):
        out.update({f"rmsea{k}_robust": v for k, v in zero.items()})
        value = 1.0 if test == "scaled.shifted" else np.nan
        out.update(dict.fromkeys(("cfi_robust", "tli_robust", "nnfi_robust", "rni_robust"),
                                 value))
    return out
