"""Sample statistics of ordered and continuous variables mixed, as lavaan computes them for
``estimator = "WLSMV"`` (``muthen1984``, ``lav_samplestats_step1`` / ``step2``,
``lav_uvreg_*``, ``lav_bvreg_*`` and ``lav_bvmix_*`` in lavaan 0.6).

* Step 1, per variable: an ordered item's thresholds (as :mod:`relqual.engine.polychoric`); a
  continuous variable's mean and ML variance (n in the denominator, lavaan's ``lav_uvreg_fit``).
* Step 2, per pair, with the step-1 estimates fixed: two continuous variables, the Pearson
  correlation; two ordered items, the polychoric correlation; a continuous y1 and an ordered y2,
  the polyserial correlation (Olsson, Drasgow & Dorans 1982, two-step): with z = (y1 - mu) / sd,
  rho maximises sum_i log[Phi(tau*_c) - Phi(tau*_c-1)], tau*_k = (tau_k - rho z_i) /
  sqrt(1 - rho^2), the log-likelihood of y2 given y1 (the density of y1 does not involve rho).
* Gamma: the casewise scores of every step-1 parameter (threshold or mean, variance) and of
  every correlation go into muthen1984's sandwich
  (:func:`relqual.engine.polychoric.sandwich_gamma`); the correlations of a continuous variable
  are then turned into covariances by the delta method (lavaan's ``H``: cov = rho sd_i sd_j, so
  d cov / d var_i = rho sd_j / (2 sd_i)), and the means' rows and columns change sign because
  lavaan stores a continuous variable's "threshold" as minus its mean.

Order of the statistics (lavaan's ``WLS.obs``): per variable in the model's order its thresholds,
or minus its mean for a continuous one; the variances of the continuous variables; the
covariances of the lower triangle column by column (correlations between ordered items).

Olsson, U., Drasgow, F., & Dorans, N. J. (1982). The polyserial correlation coefficient.
*Psychometrika*, 47, 337-347. Muthen, B. (1984). A general structural equation model with
dichotomous, ordered categorical, and continuous latent variable indicators. *Psychometrika*, 49,
115-132.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .polychoric import (
    WLSStatistics,
    category_bounds,
    lower_pairs,
    norm_pdf,
    ordinal_scores,
    ordinal_stats,
    sandwich_gamma,
)

_RHO_BOUND = 0.995              # lavaan's bounds for a polyserial correlation
_PEARSON_BOUND = 0.999          # ... and for a Pearson one under pairwise deletion


@dataclass
class MixedStats(WLSStatistics):
    """Thresholds, means, variances, correlations and Gamma of one group's mixed variables.

    Parameters
    ----------
    names : tuple of str
        The variables, in the model's order.
    n : int
        The number of rows.
    ordered : ndarray of bool
        Which variables are ordered.
    th : ndarray
        lavaan's ``TH``: per variable its thresholds, or its mean if it is continuous.
    th_item : ndarray
        The variable of each entry of ``th``.
    var : ndarray
        Per variable its variance (1 for an ordered item).
    cor : ndarray
        Pearson, polyserial and polychoric correlations.
    pairs : tuple of ndarray
        (I, J) with I > J, lavaan's order.
    gamma : ndarray or None
        The asymptotic covariance of ``wls_obs`` (lavaan's NACOV), None when not computed.
    empty_cell_pairs : list
        Pairs of ordered items whose table has an empty cell.

    Examples
    --------
    >>> import relqual as rq
    >>> df = rq.datasets.load("relationship_quality").dropna()
    >>> values = df[["cf1", "cf2", "sat1"]].to_numpy(float)
    >>> values[:, 1] -= 1                                    # the ordered item coded 0..4
    >>> st = mixed_stats(values, [False, True, False], ["cf1", "cf2", "sat1"])
    >>> st.threshold_names()[:2], st.wls_obs.shape, st.gamma.shape
    (['cf1', 'cf2|t1'], (11,), (11, 11))
    """

    names: tuple
    n: int
    ordered: np.ndarray
    th: np.ndarray
    th_item: np.ndarray
    var: np.ndarray
    cor: np.ndarray
    pairs: tuple
    gamma: np.ndarray | None
    empty_cell_pairs: list

    @property
    def continuous(self) -> tuple:
        """The continuous variables."""
        return tuple(np.array(self.names)[~self.ordered])

    @property
    def nuni(self) -> int:
        """The number of univariate statistics (thresholds, means, variances)."""
        return len(self.th) + int(np.sum(~self.ordered))

    @property
    def cov(self) -> np.ndarray:
        """The correlations scaled by the continuous variables' standard deviations."""
        sd = np.sqrt(self.var)
        return self.cor * np.outer(sd, sd)

    @property
    def wls_obs(self) -> np.ndarray:
        """lavaan's ``WLS.obs``: thresholds and minus the means, variances, covariances."""
        th = np.where(self.ordered[self.th_item], self.th, -self.th)
        return np.concatenate([th, self.var[~self.ordered], self.cov[self.pairs]])

    def threshold_names(self) -> list[str]:
        """lavaan's labels of ``th``: ``item|t1``, ... for an ordered item, the name otherwise.

        Returns
        -------
        list of str
            One label per entry of ``th``.

        Examples
        --------
        >>> st = MixedStats(("y", "u"), 3, np.array([False, True]), np.zeros(3),
        ...                 np.array([0, 1, 1]), np.ones(2), np.eye(2), lower_pairs(2), None, [])
        >>> st.threshold_names()
        ['y', 'u|t1', 'u|t2']
        """
        first = np.searchsorted(self.th_item, self.th_item)
        return [f"{self.names[i]}|t{k - first[k] + 1}" if self.ordered[i] else self.names[i]
                for k, i in enumerate(self.th_item)]


def mixed_stats(values: np.ndarray, ordered, names, gamma: bool = True,
                pairwise: bool = False) -> MixedStats:
    """All sample statistics of one group whose variables are ordered or continuous.

    With ``pairwise`` (lavaan's ``missing = "pairwise"``) values may be missing (NaN, or -1 for
    an ordered item): a continuous variable's mean and variance come from its observed rows,
    an item's thresholds from its answers, each correlation from the rows that observed both
    variables with the step-1 estimates fixed (for two continuous variables the ML correlation
    of those rows given the means and variances, lavaan's ``lav_bvreg_cor_twostep_fit``, no
    longer their Pearson correlation), and a row's score for a statistic it has no value for
    is 0 (lavaan's NA scores summed with ``na.rm``).

    Parameters
    ----------
    values : ndarray
        Rows x variables; an ordered item's categories coded 0..K-1 (missing: NaN or -1, with
        ``pairwise`` only).
    ordered : sequence of bool
        Which variables are ordered.
    names : sequence of str
        The variables.
    gamma : bool
        Compute Gamma as well.
    pairwise : bool
        Allow missing values (pairwise deletion).

    Returns
    -------
    MixedStats

    Examples
    --------
    >>> import relqual as rq
    >>> df = rq.datasets.load("relationship_quality").dropna()
    >>> values = df[["cf1", "cf2"]].to_numpy(float)
    >>> values[:, 1] -= 1
    >>> st = mixed_stats(values, [False, True], ["cf1", "cf2"], gamma=False)
    >>> round(float(st.cor[1, 0]), 4), round(float(st.var[0]), 4)        # polyserial, ML var
    (0.5481, 1.2183)
    >>> values[0, 0], values[1, 1] = np.nan, -1                  # pairwise deletion
    >>> st = mixed_stats(values, [False, True], ["cf1", "cf2"], gamma=False, pairwise=True)
    >>> round(float(st.cor[1, 0]), 4), round(float(st.var[0]), 4)
    (0.5461, 1.2201)
    """
    values = np.asarray(values, float)
    ordered = np.asarray(ordered, bool)
    n, p = values.shape
    observed = ~np.isnan(values) & ~(ordered[None, :] & (values < 0))
    if not pairwise and not observed.all():
        bad = np.flatnonzero(~observed.all(axis=0))
        raise ValueError(f"mixed_stats needs complete rows; missing values in "
                         f"{', '.join(str(names[i]) for i in bad)}")
    values = np.where(observed, values, np.where(ordered[None, :], -1.0, 0.0))
    num, ord_ = np.flatnonzero(~ordered), np.flatnonzero(ordered)
    codes = values[:, ord_].astype(np.intp)
    nlevels = codes.max(axis=0) + 1 if len(ord_) else np.zeros(0, np.intp)
    ost = ordinal_stats(codes, nlevels, [names[i] for i in ord_], gamma=False) if len(ord_) \
        else None
    # step 1: lavaan's TH (thresholds, or the mean) per variable, and the variances, each
    # from the variable's observed rows
    count = observed[:, num].sum(axis=0)
    mean = values[:, num].sum(axis=0) / count
    var = np.ones(p)
    var[num] = (np.where(observed[:, num], values[:, num] - mean, 0.0) ** 2).sum(axis=0) / count
    nth = np.ones(p, np.intp)
    nth[ord_] = nlevels - 1
    th_start = np.concatenate([[0], np.cumsum(nth)[:-1]])
    th = np.empty(int(nth.sum()))
    th[th_start[num]] = mean
    for k, i in enumerate(ord_):
        th[th_start[i]:th_start[i] + nth[i]] = ost.th[ost.th_start[k]:ost.th_start[k] + nth[i]]
    th_item = np.repeat(np.arange(p), nth)
    # step 2: correlations
    z = np.zeros((n, p))
    z[:, num] = np.where(observed[:, num], (values[:, num] - mean) / np.sqrt(var[num]), 0.0)
    bounds = {i: _row_bounds(ost, k, codes[:, k]) for k, i in enumerate(ord_)}
    cor = np.eye(p)
    if len(ord_):
        cor[np.ix_(ord_, ord_)] = ost.cor
    if len(num) > 1 and observed[:, num].all():
        cor[np.ix_(num, num)] = np.corrcoef(values[:, num], rowvar=False)
    elif len(num) > 1:
        for a, i in enumerate(num):
            for j in num[:a]:
                both = observed[:, i] & observed[:, j]
                cor[i, j] = cor[j, i] = _pearson_fixed_moments(z[both, i], z[both, j])
    for i in num:
        for j in ord_:
            both = observed[:, i] & observed[:, j]
            cor[i, j] = cor[j, i] = polyserial(z[both, i], bounds[j][0][both],
                                               bounds[j][1][both])
    I, J = lower_pairs(p)
    out = MixedStats(tuple(names), n, ordered, th, th_item, var, cor, (I, J), None,
                     ost.empty_cell_pairs if ost is not None else [])
    if gamma:
        out.gamma = _gamma(out, observed, z, codes, ost, bounds, th_start)
    return out


def _pearson_fixed_moments(zi: np.ndarray, zj: np.ndarray) -> float:
    """The ML correlation of two standardized variables (means and variances fixed) from
    their rows: the root of the bivariate normal score (lavaan's ``lav_bvreg_cor_twostep_fit``
    bounds, [-0.999, 0.999]); the Pearson correlation when the moments are the rows' own."""
    n, sxy, sxx = len(zi), float(zi @ zj), float(zi @ zi + zj @ zj)

    def score(rho):
        R = 1.0 - rho * rho
        return n * rho * R + sxy * (1.0 + rho * rho) - rho * sxx      # times R^2

    lo, hi = score(-_PEARSON_BOUND), score(_PEARSON_BOUND)
    if lo > 0 > hi:
        return optimize.brentq(score, -_PEARSON_BOUND, _PEARSON_BOUND, xtol=1e-14, rtol=1e-14)
    return -_PEARSON_BOUND if lo <= 0 else _PEARSON_BOUND


def _row_bounds(ost, k: int, codes_k: np.ndarray):
    """Each row's upper and lower category boundary of ordered item k (+-inf at the ends)."""
    b = category_bounds([ost.th[ost.th_start[k]:ost.th_start[k] + ost.nlevels[k] - 1]],
                        int(ost.nlevels[k]))[0]
    return b[codes_k + 1], b[codes_k]


def polyserial(z: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> float:
    """The two-step polyserial correlation of a standardized continuous z and an ordered item.

    Parameters
    ----------
    z : ndarray
        The continuous variable, (y - mean) / sd (ML sd).
    upper, lower : ndarray
        Per row the thresholds that bound the item's observed category (+-inf at the ends).

    Returns
    -------
    float
        The root of the score (formula in the module docstring) within lavaan's bounds
        [-0.995, 0.995].

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=4000)
    >>> z = (x[:, 0] - x[:, 0].mean()) / x[:, 0].std()
    >>> tau = np.array([-np.inf, -0.5, 0.4, np.inf])
    >>> cat = np.searchsorted(tau[1:-1], x[:, 1])
    >>> round(polyserial(z, tau[cat + 1], tau[cat]), 2)
    0.6
    """
    def score(rho):
        return float(_polyserial_scores(z, upper, lower, rho)["rho"].sum())

    lo, hi = score(-_RHO_BOUND), score(_RHO_BOUND)
    if lo > 0 > hi:
        return optimize.brentq(score, -_RHO_BOUND, _RHO_BOUND, xtol=1e-14, rtol=1e-14)
    return -_RHO_BOUND if lo <= 0 else _RHO_BOUND


def _polyserial_scores(z, upper, lower, rho, sd=1.0):
    """Casewise scores of log P(y2 | y1) (lavaan's ``lav_bvmix_cor_scores_cache``).

    ``rho``: d / d rho; ``mu``, ``var``: d / d (mean, variance) of the continuous variable;
    ``upper``, ``lower``: d / d (the upper, lower boundary of the observed category).
    """
    R = np.sqrt(1.0 - rho * rho)
    t1, t2 = (upper - rho * z) / R, (lower - rho * z) / R
    d1, d2 = norm_pdf(t1), norm_pdf(t2)
    prob = np.maximum(special.ndtr(t1) - special.ndtr(t2), np.finfo(float).eps)
    diff = (d1 - d2) / prob
    with np.errstate(invalid="ignore"):                  # 0 * inf at the open ends
        tau1 = np.where(np.isfinite(upper), d1 * (upper * rho - z), 0.0)
        tau2 = np.where(np.isfinite(lower), d2 * (lower * rho - z), 0.0)
    return {"rho": (tau1 - tau2) / (prob * R ** 3),
            "mu": (z + rho / R * diff) / sd,
            "var": ((z * z - 1.0) + rho * z / R * diff) / (2.0 * sd * sd),
            "upper": d1 / (R * prob), "lower": -d2 / (R * prob)}


def _pearson_scores(zi, zj, rho, sdi, sdj):
    """Casewise scores of the bivariate normal log-likelihood of two continuous variables
    (lavaan's ``lav_bvreg_cor_scores_cache``, standardized: z = (y - mu) / sd)."""
    R = 1.0 - rho * rho
    q = zi * zi - 2.0 * rho * zi * zj + zj * zj
    return {"rho": rho / R + zi * zj / R - q * rho / (R * R),
            "mu_i": (zi - rho * zj) / (sdi * R), "mu_j": (zj - rho * zi) / (sdj * R),
            "var_i": -(0.5 - (zi * zi - rho * zi * zj) / (2.0 * R)) / sdi ** 2,
            "var_j": -(0.5 - (zj * zj - rho * zi * zj) / (2.0 * R)) / sdj ** 2}


def _gamma(st: MixedStats, observed, z, codes, ost, bounds, th_start) -> np.ndarray:
    """lavaan's NACOV of ``st.wls_obs`` (muthen1984 with the H transform; module docstring);
    ``observed`` (rows x variables) zeroes the scores of missing values."""
    n, p = observed.shape
    ordered = st.ordered
    num, ord_ = np.flatnonzero(~ordered), np.flatnonzero(ordered)
    nth = len(st.th)
    var_col = {i: nth + k for k, i in enumerate(num)}
    th_cols = {i: np.flatnonzero(st.th_item == i) for i in range(p)}
    S_uni = np.zeros((n, nth + len(num)))
    sd = np.sqrt(st.var)
    for i in num:
        S_uni[:, th_cols[i][0]] = z[:, i] / sd[i]
        S_uni[:, var_col[i]] = np.where(observed[:, i], (z[:, i] ** 2 - 1.0) / (2.0 * st.var[i]),
                                        0.0)
    I, J = st.pairs
    npairs = len(I)
    S_cor = np.zeros((n, npairs))
    A21 = np.zeros((npairs, S_uni.shape[1]))
    H21 = np.zeros((npairs, S_uni.shape[1]))
    h22 = np.ones(npairs)
    pos = {(i, j): q for q, (i, j) in enumerate(zip(I, J))}
    if len(ord_):
        SC_TH, SC_COR, A21_ord = ordinal_scores(ost, codes)
        ord_th = np.concatenate([th_cols[i] for i in ord_])
        S_uni[:, ord_th] = SC_TH
        for q, (a, b) in enumerate(zip(*ost.pairs)):
            q_full = pos[(ord_[a], ord_[b])]
            S_cor[:, q_full] = SC_COR[:, q]
            A21[q_full, ord_th] = A21_ord[q]
    for q, (i, j) in enumerate(zip(I, J)):
        rho = st.cor[i, j]
        both = observed[:, i] & observed[:, j]
        if not ordered[i] and not ordered[j]:
            sc = {k: np.where(both, v, 0.0) for k, v in
                  _pearson_scores(z[:, i], z[:, j], rho, sd[i], sd[j]).items()}
            S_cor[:, q] = sc["rho"]
            for col, key in ((th_cols[i][0], "mu_i"), (th_cols[j][0], "mu_j"),
                             (var_col[i], "var_i"), (var_col[j], "var_j")):
                A21[q, col] = sc["rho"] @ sc[key]
            H21[q, var_col[i]] = sd[j] * rho / (2.0 * sd[i])
            H21[q, var_col[j]] = sd[i] * rho / (2.0 * sd[j])
            h22[q] = sd[i] * sd[j]
        elif ordered[i] != ordered[j]:
            c, o = (i, j) if ordered[j] else (j, i)
            upper, lower = bounds[o]
            with np.errstate(invalid="ignore"):
                sc = {k: np.where(both, v, 0.0) for k, v in
                      _polyserial_scores(z[:, c], upper, lower, rho, sd[c]).items()}
            S_cor[:, q] = sc["rho"]
            A21[q, th_cols[c][0]] = sc["rho"] @ sc["mu"]
            A21[q, var_col[c]] = sc["rho"] @ sc["var"]
            cat = np.maximum(codes[:, list(ord_).index(o)], 0)     # missing: score 0
            k = len(th_cols[o])
            up = np.bincount(cat, weights=sc["rho"] * sc["upper"], minlength=k + 1)[:k]
            low = np.bincount(cat, weights=sc["rho"] * sc["lower"], minlength=k + 1)[1:]
            A21[q, th_cols[o]] = up + low
            H21[q, var_col[c]] = rho / (2.0 * sd[c])
            h22[q] = sd[c]
    blocks = [np.concatenate([th_cols[i], [var_col[i]] if i in var_col else []]).astype(np.intp)
              for i in range(p)]
    G = sandwich_gamma(S_uni, blocks, S_cor, A21)
    H = np.block([[np.eye(S_uni.shape[1]), np.zeros((S_uni.shape[1], npairs))],
                  [H21, np.diag(h22)]])
    G = H @ G @ H.T
    sign = np.ones(len(G))
    sign[[th_cols[i][0] for i in num]] = -1.0
    return sign[:, None] * G * sign[None, :]
