"""Sample statistics of ordinal items given observed covariates, as lavaan computes them for
``estimator = "WLSMV"`` with ``conditional.x = TRUE`` (its default for categorical data;
``muthen1984``, ``lav_samplestats_step1`` / ``step2``, ``lav_uvord_*`` and ``lav_bvord_*`` with
``eXo`` in lavaan 0.6).

* Step 1, per item: an ordered probit regression on the covariates x (ML),
  P(y <= k | x) = Phi(tau_k - x' beta). The thresholds tau are those at x = 0; the slopes beta
  are the effects of x on the latent response y* (whose residual variance given x is 1).
* Step 2, per pair of items, with the step-1 estimates fixed: the residual polychoric
  correlation rho maximises sum_i log P(y_1i, y_2i | x_i), the bivariate normal probability of
  the rectangle whose bounds are the case's tau - x_i' beta (Muthen 1984).
* Gamma (Muthen 1984; lavaan ``muthen1984``): the casewise scores of every item's thresholds and
  slopes, and of every correlation, go into the two-step sandwich
  (:func:`relqual.engine.polychoric.sandwich_gamma`); A11 is block diagonal per item (its
  thresholds and slopes together), A21 the cross-products of the correlation scores with the
  bivariate log-likelihoods' derivatives with respect to the step-1 parameters.

Order of the statistics (lavaan's ``WLS.obs``): all thresholds item by item; the slopes, vec of
the items x covariates matrix (for the first covariate every item, then the second ...); the
residual correlations of the lower triangle column by column.

The bivariate normal distribution function is :func:`relqual.engine.polychoric.bvn_cdf`
(Genz 2004). Muthen, B. (1984). A general structural equation model with dichotomous, ordered
categorical, and continuous latent variable indicators. *Psychometrika*, 49, 115-132.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .polychoric import (
    SQRT_EPS,
    TWO_PI,
    OrdinalStats,
    bvn_cdf,
    lower_pairs,
    norm_pdf,
    sandwich_gamma,
)


@dataclass
class ConditionalStats(OrdinalStats):
    """Thresholds, slopes and residual polychoric correlations of one group's ordinal items
    given covariates, with Gamma (lavaan's ``res.th``, ``res.slopes``, ``res.cov`` and NACOV).

    The fields of :class:`relqual.engine.polychoric.OrdinalStats` (``th`` and ``cor`` given
    x), and:

    Parameters
    ----------
    x_names : tuple of str
        The covariates.
    slopes : ndarray
        Items x covariates: the probit slopes.
    x_mean, x_cov : ndarray
        The covariates' means and covariance matrix (n - 1 in the denominator, the values
        at which lavaan fixes them).

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> stats = conditional_stats(hso[["x1", "x2"]].to_numpy() - 1, hso[["sex"]].to_numpy(float),
    ...                           [4, 4], ["x1", "x2"], ["sex"])
    >>> stats.slopes.round(3).ravel().tolist(), stats.nuni, stats.wls_obs.shape
    ([-0.103, -0.188], 8, (9,))
    """

    x_names: tuple = ()
    slopes: np.ndarray = None
    x_mean: np.ndarray = None
    x_cov: np.ndarray = None

    @property
    def nuni(self) -> int:
        """The number of univariate statistics (thresholds and slopes)."""
        return len(self.th) + self.slopes.size

    @property
    def wls_obs(self) -> np.ndarray:
        """Thresholds, slopes (vec, covariate by covariate), residual correlations."""
        return np.concatenate([self.th, self.slopes.ravel(order="F"), self.cor[self.pairs]])

    def slope_names(self) -> list[str]:
        """lavaan's slope labels, ``item~x`` (vec order).

        Returns
        -------
        list of str

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> codes = hso[["x1", "x2"]].to_numpy() - 1
        >>> conditional_stats(codes, hso[["sex", "ageyr"]].to_numpy(float), [4, 4],
        ...                   ["x1", "x2"], ["sex", "ageyr"], gamma=False).slope_names()
        ['x1~sex', 'x2~sex', 'x1~ageyr', 'x2~ageyr']
        """
        return [f"{y}~{x}" for x in self.x_names for y in self.names]


def conditional_stats(codes: np.ndarray, X: np.ndarray, nlevels, names, x_names,
                      gamma: bool = True) -> ConditionalStats:
    """All sample statistics of one group given covariates (module docstring).

    Parameters
    ----------
    codes : ndarray
        Rows x items, categories coded 0..K-1, no missing values.
    X : ndarray
        Rows x covariates (numeric, no missing values).
    nlevels : sequence of int
        Categories per item (K).
    names, x_names : sequence of str
        The items and the covariates.
    gamma : bool
        Compute Gamma.

    Returns
    -------
    ConditionalStats

    Raises
    ------
    ValueError
        When a covariate takes one value only (e.g. within a group), or an ordered probit
        regression does not converge (e.g. a covariate separates an item's categories).

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> stats = conditional_stats(hso[["x1", "x2", "x3"]].to_numpy() - 1,
    ...                           hso[["ageyr", "sex"]].to_numpy(float), [4, 4, 4],
    ...                           ["x1", "x2", "x3"], ["ageyr", "sex"])
    >>> stats.th[:3].round(4).tolist(), stats.slopes[0].round(4).tolist()
    ([-1.5855, -0.6835, 0.048], [-0.0476, -0.1184])
    >>> round(float(stats.cor[1, 0]), 4), stats.gamma.shape       # residual correlation
    (0.2951, (18, 18))
    """
    codes = np.asarray(codes, dtype=np.intp)
    X = np.asarray(X, dtype=float)
    n, p = codes.shape
    q = X.shape[1]
    nlevels = np.asarray(nlevels, dtype=np.intp)
    for k in np.flatnonzero(np.ptp(X, axis=0) == 0):
        raise ValueError(f"covariate '{x_names[k]}' takes one value only ({X[0, k]:g}) in these "
                         f"{n} rows (one group?), so its effects cannot be estimated; leave it "
                         "out of the model (or of the grouping)")
    fits = [_probit_fit(codes[:, i], X, int(nlevels[i]), names[i]) for i in range(p)]
    th = np.concatenate([f[0] for f in fits])
    slopes = np.array([f[1] for f in fits]).reshape(p, q)
    nth_item = nlevels - 1
    th_start = np.concatenate([[0], np.cumsum(nth_item)[:-1]])
    th_item = np.repeat(np.arange(p), nth_item)
    lower, upper = _bounds(codes, X, fits)                  # n x p case bounds tau - x'beta
    I, J = lower_pairs(p)
    rho = _residual_polychoric(lower[:, I], upper[:, I], lower[:, J], upper[:, J])
    cor = np.eye(p)
    cor[I, J] = cor[J, I] = rho
    x_mean = X.mean(axis=0)
    x_cov = (X - x_mean).T @ (X - x_mean) / (n - 1)
    stats = ConditionalStats(tuple(names), n, nlevels, th, th_item, th_start, cor, (I, J), None,
                             [], tuple(x_names), slopes, x_mean, x_cov)
    if gamma:
        S_uni, S_cor, A21 = conditional_scores(stats, codes, X)
        sl_col = len(th) + np.arange(p * q).reshape(q, p).T      # item x covariate -> column
        blocks = [np.concatenate([np.arange(th_start[i], th_start[i] + nth_item[i]), sl_col[i]])
                  for i in range(p)]
        stats.gamma = sandwich_gamma(S_uni, blocks, S_cor, A21)
    return stats


def _probit_fit(y: np.ndarray, X: np.ndarray, K: int, name: str, tol: float = 1e-11,
                max_iter: int = 200):
    """The ML ordered probit regression of one item (0..K-1) on X: Newton steps with the exact
    Hessian, halved while the log-likelihood drops, from the marginal thresholds and zero
    slopes; (thresholds, slopes)."""
    n, q = X.shape
    counts = np.bincount(y, minlength=K)
    theta = np.concatenate([special.ndtri(np.cumsum(counts)[:-1] / n), np.zeros(q)])
    up, lo = y < K - 1, y > 0
    rows = np.arange(n)
    # z_upper = Ju theta, z_lower = Jl theta (infinite bounds where the category is extreme)
    Ju = np.zeros((n, K - 1 + q))
    Jl = np.zeros((n, K - 1 + q))
    Ju[rows[up], y[up]] = 1.0
    Jl[rows[lo], y[lo] - 1] = 1.0
    Ju[:, K - 1:] = -X
    Jl[:, K - 1:] = -X

    def parts(theta):
        zu = np.where(up, Ju @ theta, np.inf)
        zl = np.where(lo, Jl @ theta, -np.inf)
        pr = special.ndtr(zu) - special.ndtr(zl)
        return zu, zl, pr

    def loglik(theta, pr):
        ordered = np.all(np.diff(theta[:K - 1]) > 0)
        return np.sum(np.log(pr)) if ordered and np.all(pr > 0) else -np.inf

    zu, zl, pr = parts(theta)
    ll = loglik(theta, pr)
    for _ in range(max_iter):
        a = np.where(up, norm_pdf(np.where(up, zu, 0.0)), 0.0)
        b = np.where(lo, norm_pdf(np.where(lo, zl, 0.0)), 0.0)
        za = np.where(up, zu, 0.0) * a
        zb = np.where(lo, zl, 0.0) * b
        gu, gl = a / pr, -b / pr
        grad = Ju.T @ gu + Jl.T @ gl
        huu = -za / pr - gu * gu
        hll = zb / pr - gl * gl
        hul = a * b / pr ** 2
        H = (Ju.T @ (huu[:, None] * Ju) + Jl.T @ (hll[:, None] * Jl)
             + Ju.T @ (hul[:, None] * Jl) + Jl.T @ (hul[:, None] * Ju))
        try:
            step = -np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            break
        old = theta
        for _halving in range(60):
            theta = old + step
            zu, zl, pr = parts(theta)
            new = loglik(theta, pr)
            if new >= ll - 1e-12 * abs(ll):
                break
            step = step / 2.0
        else:
            theta = old
            break
        ll = new
        if np.max(np.abs(step)) < tol:
            return theta[:K - 1], theta[K - 1:]
    raise ValueError(f"the ordered probit regression of '{name}' on the covariates did not "
                     "converge (a covariate may separate its categories perfectly)")


def _bounds(codes, X, fits):
    """Per case and item the lower and upper bound tau - x'beta of its category (+-inf)."""
    n, p = codes.shape
    lower, upper = np.empty((n, p)), np.empty((n, p))
    for i, (tau, beta) in enumerate(fits):
        b = np.concatenate([[-np.inf], tau, [np.inf]])
        eta = X @ beta
        lower[:, i] = b[codes[:, i]] - eta
        upper[:, i] = b[codes[:, i] + 1] - eta
    return lower, upper


def _rectangle(l1, u1, l2, u2, rho):
    """P(l1 < X <= u1, l2 < Y <= u2) for standard bivariate normal with correlation rho."""
    return (bvn_cdf(u1, u2, rho) - bvn_cdf(l1, u2, rho) - bvn_cdf(u1, l2, rho)
            + bvn_cdf(l1, l2, rho))


def _corner_density(h, k, rho, guv: bool = False):
    """phi2(h, k; rho) (0 at infinite corners), and with ``guv`` d phi2 / d rho."""
    fin = np.isfinite(h) & np.isfinite(k)
    h, k = np.where(fin, h, 0.0), np.where(fin, k, 0.0)
    s = 1.0 - rho * rho
    d = np.where(fin, np.exp(-(h * h - 2.0 * rho * h * k + k * k) / (2.0 * s))
                 / (TWO_PI * np.sqrt(s)), 0.0)
    if not guv:
        return d
    g = (h * k * s - rho * (h * h - 2.0 * rho * h * k + k * k) + rho * s) / (s * s)
    return d, d * g


def _rectangle_density(l1, u1, l2, u2, rho, guv: bool = False):
    """d P / d rho of the rectangle (and with ``guv`` d2 P / d rho2)."""
    corners = ((u1, u2, 1.0), (l1, u2, -1.0), (u1, l2, -1.0), (l1, l2, 1.0))
    if not guv:
        return sum(s * _corner_density(h, k, rho) for h, k, s in corners)
    parts = [_corner_density(h, k, rho, guv=True) for h, k, _ in corners]
    return (sum(s * d for (_, _, s), (d, _) in zip(corners, parts)),
            sum(s * g for (_, _, s), (_, g) in zip(corners, parts)))


def _residual_polychoric(l1, u1, l2, u2, tol: float = 1e-10, max_iter: int = 100):
    """ML residual correlations of all pairs at once (columns of the n x pairs bounds): Newton
    steps on each pair's log-likelihood (Fisher scoring where it is not concave), bounded to
    [-0.999, 0.999] as lavaan, halved while the log-likelihood drops."""
    npairs = l1.shape[1]
    rho = np.zeros(npairs)

    def loglik(r):
        P = _rectangle(l1, u1, l2, u2, r[None, :])
        return np.sum(np.log(np.maximum(P, SQRT_EPS)), axis=0), P

    ll, P = loglik(rho)
    for _ in range(max_iter):
        d1, d2 = _rectangle_density(l1, u1, l2, u2, rho[None, :], guv=True)
        ratio = d1 / np.maximum(P, SQRT_EPS)
        grad = ratio.sum(axis=0)
        hess = (d2 / np.maximum(P, SQRT_EPS) - ratio * ratio).sum(axis=0)
        info = (ratio * ratio).sum(axis=0)
        step = np.where(hess < 0, -grad / hess, grad / np.maximum(info, 1e-300))
        new = np.clip(rho + step, -0.999, 0.999)
        for _halving in range(50):
            ll_new, P_new = loglik(new)
            worse = ll_new < ll - 1e-12 * np.abs(ll)
            if not worse.any():
                break
            new = np.where(worse, rho + 0.5 * (new - rho), new)
        done = np.all(np.abs(new - rho) < tol)
        rho, ll, P = new, ll_new, P_new
        if done:
            break
    return rho


def conditional_scores(stats: ConditionalStats, codes: np.ndarray, X: np.ndarray):
    """Casewise scores of the thresholds, slopes and residual correlations, and A21
    (lavaan ``lav_uvord_scores``, ``lav_bvord_cor_scores`` with ``eXo``, ``muthen1984``).

    Parameters
    ----------
    stats : ConditionalStats
    codes, X : ndarray
        As given to :func:`conditional_stats`.

    Returns
    -------
    S_uni : ndarray
        Rows x (thresholds, slopes in vec order): d log P(y_i | x) / d theta.
    S_cor : ndarray
        Rows x pairs: d log P(y_i, y_j | x) / d rho_ij.
    A21 : ndarray
        Pairs x (thresholds, slopes): sum over rows of S_cor times the derivative of the pair's
        log-likelihood with respect to the step-1 parameters.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> codes, X = hso[["x1", "x2"]].to_numpy() - 1, hso[["sex"]].to_numpy(float)
    >>> stats = conditional_stats(codes, X, [4, 4], ["x1", "x2"], ["sex"], gamma=False)
    >>> S_uni, S_cor, A21 = conditional_scores(stats, codes, X)
    >>> S_uni.shape, A21.shape, bool(abs(S_uni.sum(axis=0)).max() < 1e-8)   # at the ML estimate
    ((301, 8), (1, 8), True)
    """
    codes = np.asarray(codes, dtype=np.intp)
    n, p = codes.shape
    q = X.shape[1]
    nlevels, th_start, nth = stats.nlevels, stats.th_start, len(stats.th)
    fits = [(stats.th[th_start[i]:th_start[i] + nlevels[i] - 1], stats.slopes[i])
            for i in range(p)]
    lower, upper = _bounds(codes, X, fits)
    rows = np.arange(n)
    sl_col = nth + np.arange(p * q).reshape(q, p).T                  # item x covariate
    S_uni = np.zeros((n, nth + p * q))
    for i in range(p):
        c = codes[:, i]
        up, lo = c < nlevels[i] - 1, c > 0
        pr = special.ndtr(upper[:, i]) - special.ndtr(lower[:, i])
        a = np.where(up, norm_pdf(np.where(up, upper[:, i], 0.0)), 0.0) / pr
        b = np.where(lo, norm_pdf(np.where(lo, lower[:, i], 0.0)), 0.0) / pr
        S_uni[rows[up], th_start[i] + c[up]] = a[up]
        S_uni[rows[lo], th_start[i] + c[lo] - 1] = -b[lo]
        S_uni[:, sl_col[i]] = -X * (a - b)[:, None]
    I, J = stats.pairs
    rho = stats.cor[I, J][None, :]
    l1, u1, l2, u2 = lower[:, I], upper[:, I], lower[:, J], upper[:, J]
    P = np.maximum(_rectangle(l1, u1, l2, u2, rho), SQRT_EPS)
    S_cor = _rectangle_density(l1, u1, l2, u2, rho) / P
    R = np.sqrt(1.0 - rho * rho)

    def edge(z, lo_other, up_other):
        """d P / d z for a bound z of one item: phi(z) P(other in its interval | z)."""
        fin = np.isfinite(z)
        zz = np.where(fin, z, 0.0)
        cond = special.ndtr((up_other - rho * zz) / R) - special.ndtr((lo_other - rho * zz) / R)
        return np.where(fin, norm_pdf(zz) * cond, 0.0)

    dU1, dL1 = edge(u1, l2, u2) / P, -edge(l1, l2, u2) / P
    dU2, dL2 = edge(u2, l1, u1) / P, -edge(l2, l1, u1) / P
    A21 = np.zeros((len(I), nth + p * q))
    for item, dU, dL in ((I, dU1, dL1), (J, dU2, dL2)):
        for q_, i in enumerate(item):
            c = codes[:, i]
            up, lo = c < nlevels[i] - 1, c > 0
            s = S_cor[:, q_]
            np.add.at(A21[q_], th_start[i] + c[up], s[up] * dU[up, q_])
            np.add.at(A21[q_], th_start[i] + c[lo] - 1, s[lo] * dL[lo, q_])
            A21[q_, sl_col[i]] = -(s * (dU[:, q_] + dL[:, q_])) @ X
    return S_uni, S_cor, A21
