"""Sample statistics of ordinal items: thresholds, polychoric correlations and their asymptotic
covariance matrix Gamma, as lavaan computes them for ``estimator = "WLSMV"`` (``muthen1984``,
``lav_samplestats_step1`` / ``step2``, ``lav_bvord_*`` in lavaan 0.6).

* Thresholds (step 1): the probit thresholds of each item, tau_k = Phi^-1(P(y <= k)) (the ML
  estimates without covariates).
* Polychoric correlations (step 2, Olsson 1979, two-step): with the thresholds fixed, rho
  maximises the bivariate ordinal log-likelihood sum_ab n_ab log pi_ab(rho), where
  pi_ab = Phi2(t_a, s_b) - Phi2(t_a-1, s_b) - Phi2(t_a, s_b-1) + Phi2(t_a-1, s_b-1). Newton steps
  with d pi / d rho = phi2 (the bivariate density) at the four corners, for all pairs at once.
  Tables of two binary items with empty cells get lavaan's ``zero.add`` treatment.
* Gamma (Muthen 1984; Muthen, du Toit & Spisic 1997): from the casewise scores of the univariate
  log-likelihoods (thresholds) and the bivariate ones (rho, and their derivatives with respect to
  the thresholds), the sandwich Gamma = N B^-1 (S'S) B^-T, with B lower block-triangular:
  A11 = per item S_th'S_th, A21 = sum_i s_rho,i ds_i/dtau (outer products), A22 = diag(S_rho'S_rho).
  The DWLS weights are 1 / diag(Gamma).

The bivariate normal distribution function is Genz's (2004) method (Drezner & Wesolowsky 1990
with 20 Gauss-Legendre nodes for |rho| < 0.925, the asymptotic expansion above that),
vectorised over arrays (Genz, A. (2004). Numerical computation of rectangular bivariate and
trivariate normal and t probabilities. *Statistics and Computing*, 14, 251-260).

Order of the statistics (lavaan's ``WLS.obs``): all thresholds item by item, then the correlations
of the lower triangle column by column: (2,1), (3,1), ..., (p,1), (3,2), ...
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

# Gauss-Legendre rules on [0, 2] (Genz's nodes 1 -+ x): 6 points for |r| < 0.3, 12 for
# |r| < 0.75, 20 otherwise, as in Genz's bvnu
_RULES = [(limit, 1.0 + t, w) for limit, (t, w) in
          ((0.3, np.polynomial.legendre.leggauss(6)), (0.75, np.polynomial.legendre.leggauss(12)),
           (np.inf, np.polynomial.legendre.leggauss(20)))]
_NODES, _GL_W = _RULES[-1][1], _RULES[-1][2]
TWO_PI = 2.0 * np.pi
SQRT_EPS = np.sqrt(np.finfo(float).eps)


# ------------------------------------------------------------------ bivariate normal

def norm_pdf(x):
    """The standard normal density.

    Parameters
    ----------
    x : float or ndarray

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> norm_pdf(np.array([0.0, 1.0])).round(4)
    array([0.3989, 0.242 ])
    """
    return np.exp(-0.5 * np.square(x)) / np.sqrt(TWO_PI)


def bvn_cdf(h, k, r):
    """P(X <= h, Y <= k) for standard bivariate normal (X, Y) with correlation r.

    Arrays broadcast; infinite bounds are allowed (Genz 2004, ``bvnu``; accurate to about 1e-15).

    Parameters
    ----------
    h, k : float or ndarray
        The upper limits.
    r : float or ndarray
        The correlation.

    Returns
    -------
    ndarray
        The broadcast shape of the inputs.

    Examples
    --------
    >>> round(float(bvn_cdf(0, 0, 0.5)), 12)         # 1/4 + arcsin(r) / (2 pi) = 1/3
    0.333333333333
    >>> bvn_cdf([0.0, np.inf, -np.inf], 0.5, 0.3).round(6)
    array([0.388355, 0.691462, 0.      ])
    """
    h, k, r = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float),
                                  np.asarray(r, float))
    out = np.empty(h.shape)
    low = (h == -np.inf) | (k == -np.inf)
    out[low] = 0.0
    h_inf, k_inf = (h == np.inf) & ~low, (k == np.inf) & ~low
    out[h_inf & k_inf] = 1.0
    only_h = h_inf & ~k_inf
    out[only_h] = special.ndtr(k[only_h])
    only_k = k_inf & ~h_inf
    out[only_k] = special.ndtr(h[only_k])
    fin = ~(low | h_inf | k_inf)
    if fin.any():
        out[fin] = _bvnu(-h[fin], -k[fin], r[fin])
    return out


def _bvnu(h, k, r):
    """Upper probability P(X > h, Y > k), finite h and k (Genz's ``bvnu``, vectorised)."""
    out = np.empty(h.shape)
    hk = h * k
    small = np.abs(r) < 0.925
    with np.errstate(all="ignore"):
        lower = 0.0
        for limit, nodes, weights in _RULES:
            band = small & (np.abs(r) >= lower) & (np.abs(r) < limit)
            lower = limit
            if not band.any():
                continue
            hb, kb = h[band], k[band]
            hs = 0.5 * (hb * hb + kb * kb)
            asr = 0.5 * np.arcsin(r[band])
            sn = np.sin(asr[:, None] * nodes[None, :])
            vals = np.exp((sn * hk[band][:, None] - hs[:, None]) / (1.0 - sn * sn)) @ weights
            out[band] = vals * asr / TWO_PI + special.ndtr(-hb) * special.ndtr(-kb)
        big = ~small
        if big.any():
            out[big] = _bvnu_high(h[big], k[big], r[big], hk[big])
    return np.clip(out, 0.0, 1.0)


def _bvnu_high(h, k, r, hk):
    """|r| >= 0.925: Genz's expansion around r = +-1 (Drezner & Wesolowsky 1990)."""
    neg = r < 0
    k = np.where(neg, -k, k)
    hk = np.where(neg, -hk, hk)
    bvn = np.zeros(h.shape)
    inner = np.abs(r) < 1
    if inner.any():
        hi, ki, hki = h[inner], k[inner], hk[inner]
        as_ = 1.0 - r[inner] ** 2
        a = np.sqrt(as_)
        bs = (hi - ki) ** 2
        asr = -(bs / as_ + hki) / 2.0
        c = (4.0 - hki) / 8.0
        d = (12.0 - hki) / 80.0
        val = np.where(asr > -100,
                       a * np.exp(asr) * (1 - c * (bs - as_) * (1 - d * bs) / 3 + c * d * as_ ** 2),
                       0.0)
        b = np.sqrt(bs)
        sp = np.sqrt(TWO_PI) * special.ndtr(-b / a)
        val = val - np.where(hki > -100,
                             np.exp(-hki / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3), 0.0)
        a2 = a / 2.0
        xs = (a2[:, None] * _NODES[None, :]) ** 2
        asr2 = -(bs[:, None] / xs + hki[:, None]) / 2.0
        sp2 = 1.0 + c[:, None] * xs * (1.0 + 5.0 * d[:, None] * xs)
        rs = np.sqrt(1.0 - xs)
        ep = np.exp(-(hki[:, None] / 2.0) * xs / (1.0 + rs) ** 2) / rs
        terms = np.where(asr2 > -100, np.exp(asr2) * (sp2 - ep), 0.0)
        bvn[inner] = (a2 * (terms @ _GL_W) - val) / TWO_PI
    pos = r > 0
    lower = np.where(h < 0, special.ndtr(k) - special.ndtr(h), special.ndtr(-h) - special.ndtr(-k))
    return np.where(pos, bvn + special.ndtr(-np.maximum(h, k)),
                    np.where(h >= k, -bvn, lower - bvn))


# ------------------------------------------------------------------ sample statistics

class WLSStatistics:
    """What the sample statistics of a WLSMV fit share: ``th`` (the thresholds) and ``gamma``
    (the asymptotic covariance of all statistics); see :class:`OrdinalStats` and
    :class:`relqual.engine.polyserial.MixedStats`."""

    @property
    def nth(self) -> int:
        """The number of thresholds (with the continuous variables' means, if any)."""
        return len(self.th)

    @property
    def wls_vd(self) -> np.ndarray:
        """The DWLS weights, 1 / diag(gamma) (lavaan's ``WLS.VD``)."""
        return 1.0 / np.diag(self.gamma)


@dataclass
class OrdinalStats(WLSStatistics):
    """Thresholds, polychoric correlations and Gamma of one group's ordinal items.

    ``codes``: rows x items, categories coded 0..K-1. ``wls_obs`` = (thresholds, correlations in
    ``pairs`` order); ``gamma`` is lavaan's NACOV (``lavInspect(fit, "gamma")``); ``wls_vd`` the
    DWLS weights 1 / diag(gamma) (lavaan's ``WLS.VD``).

    Parameters
    ----------
    names : tuple of str
        The items.
    n : int
        The number of rows.
    nlevels : ndarray
        Categories per item.
    th : ndarray
        All thresholds, item by item.
    th_item : ndarray
        The item of each threshold.
    th_start : ndarray
        Position of each item's first threshold.
    cor : ndarray
        The polychoric correlation matrix.
    pairs : tuple of ndarray
        (I, J) with I > J, lavaan's order.
    gamma : ndarray or None
        The asymptotic covariance of ``wls_obs`` (None when not computed).
    empty_cell_pairs : list
        Pairs of items whose table has an empty cell.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> codes = hso[["x1", "x2", "x3"]].to_numpy() - 1          # categories 1..4 -> 0..3
    >>> stats = ordinal_stats(codes, [4, 4, 4], ["x1", "x2", "x3"])
    >>> stats.n, stats.nth, stats.cor.round(3)[1:, 0].tolist(), stats.gamma.shape
    (301, 9, [0.299, 0.421], (12, 12))
    """

    names: tuple
    n: int
    nlevels: np.ndarray
    th: np.ndarray               # all thresholds, item by item
    th_item: np.ndarray          # the item of each threshold
    th_start: np.ndarray         # position of each item's first threshold
    cor: np.ndarray
    pairs: tuple                 # (I, J) with I > J, lavaan's order
    gamma: np.ndarray
    empty_cell_pairs: list

    @property
    def nuni(self) -> int:
        """The number of univariate statistics (the thresholds), which precede the others."""
        return len(self.th)

    @property
    def continuous(self) -> tuple:
        """No continuous variables (see :class:`relqual.engine.polyserial.MixedStats`)."""
        return ()

    @property
    def wls_obs(self) -> np.ndarray:
        """The sample statistics in lavaan's ``WLS.obs`` order: thresholds, then correlations."""
        return np.concatenate([self.th, self.cor[self.pairs]])

    def threshold_names(self) -> list[str]:
        """lavaan's threshold labels, ``item|t1``, ``item|t2``, ...

        Returns
        -------
        list of str

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> codes = hso[["x1", "x2", "x3"]].to_numpy() - 1          # categories 1..4 -> 0..3
        >>> stats = ordinal_stats(codes, [4, 4, 4], ["x1", "x2", "x3"])
        >>> stats.threshold_names()[:4]
        ['x1|t1', 'x1|t2', 'x1|t3', 'x2|t1']
        """
        return [f"{self.names[i]}|t{k + 1}" for i, k in
                zip(self.th_item, np.arange(self.nth) - self.th_start[self.th_item])]


def lower_pairs(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower-triangle pairs (i > j) column by column, lavaan's ``vech(diagonal = FALSE)`` order.

    Parameters
    ----------
    p : int
        The number of items.

    Returns
    -------
    I, J : ndarray
        Row and column positions.

    Examples
    --------
    >>> [pair.tolist() for pair in lower_pairs(3)]          # (2,1), (3,1), (3,2) 1-based
    [[1, 2, 2], [0, 0, 1]]
    """
    J, I = np.triu_indices(p, 1)          # row-major upper = column-major lower
    return I, J


def ordinal_stats(codes: np.ndarray, nlevels, names, gamma: bool = True) -> OrdinalStats:
    """All sample statistics of one group. ``codes`` rows x items (0..K-1; -1 for a missing
    answer).

    Missing answers (lavaan's ``missing = "pairwise"``, ``muthen1984``): each item's
    thresholds come from its answered rows, each polychoric correlation from the rows that
    answered both items, and a row's score for a statistic it has no answer for is 0 (lavaan's
    NA scores, summed with ``na.rm``); Gamma is still N times the sandwich, N the number of
    rows (lavaan's ``nobs``, the rows with at least one answer).

    Parameters
    ----------
    codes : ndarray
        Rows x items, categories coded 0..K-1, -1 for a missing answer.
    nlevels : sequence of int
        Categories per item (K).
    names : sequence of str
        The items.
    gamma : bool
        Compute Gamma (the slowest part).

    Returns
    -------
    OrdinalStats

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> codes = hso[["x1", "x2", "x3"]].to_numpy() - 1          # categories 1..4 -> 0..3
    >>> stats = ordinal_stats(codes, [4, 4, 4], ["x1", "x2", "x3"])
    >>> stats.th[:3].round(3).tolist(), stats.wls_obs[-3:].round(3).tolist()
    ([-0.786, 0.113, 0.844], [0.299, 0.421, 0.322])
    >>> ordinal_stats(codes, [4, 4, 4], ["x1", "x2", "x3"], gamma=False).gamma is None
    True
    >>> codes[0, 0] = -1                                        # one missing answer
    >>> ordinal_stats(codes, [4, 4, 4], ["x1", "x2", "x3"]).th[:3].round(3).tolist()
    [-0.795, 0.109, 0.842]
    """
    codes = np.asarray(codes, dtype=np.intp)
    n, p = codes.shape
    nlevels = np.asarray(nlevels, dtype=np.intp)
    kmax = int(nlevels.max())
    # step 1: thresholds, each from the item's answered rows
    th_list = []
    for i in range(p):
        answered = codes[:, i][codes[:, i] >= 0]
        counts = np.bincount(answered, minlength=nlevels[i])
        th_list.append(special.ndtri(np.cumsum(counts)[:-1] / len(answered)))
    bounds = category_bounds(th_list, kmax)
    nth_item = nlevels - 1
    th_start = np.concatenate([[0], np.cumsum(nth_item)[:-1]])
    th = np.concatenate(th_list)
    th_item = np.repeat(np.arange(p), nth_item)
    I, J = lower_pairs(p)
    freq, _, _ = _tables(codes, kmax, I, J)
    alone = np.flatnonzero(freq.sum(axis=(1, 2)) < 2)
    if len(alone):
        q = alone[0]
        raise ValueError(f"items '{names[I[q]]}' and '{names[J[q]]}' were answered together "
                         f"by {int(freq[q].sum())} rows, too few for their polychoric "
                         "correlation (pairwise deletion)")
    used = ((np.arange(kmax)[None, :, None] < nlevels[I][:, None, None])
            & (np.arange(kmax)[None, None, :] < nlevels[J][:, None, None]))
    empty = [(names[I[q]], names[J[q]])
             for q in np.flatnonzero((used & (freq == 0)).any(axis=(1, 2)))]
    rho = np.zeros(0)
    if p > 1:
        with np.errstate(all="ignore"):
            if (codes < 0).any():                                    # Pearson, as lavaan
                start = pd.DataFrame(np.where(codes < 0, np.nan, codes)).corr().to_numpy()
            else:
                start = np.corrcoef(codes, rowvar=False)
        start = start[I, J]
        rho = _polychoric(freq.copy(), bounds[I], bounds[J], nlevels[I], nlevels[J], start)
    cor = np.eye(p)
    cor[I, J] = cor[J, I] = rho
    stats = OrdinalStats(tuple(names), n, nlevels, th, th_item, th_start, cor, (I, J), None,
                         empty)
    if gamma:
        SC_TH, SC_COR, A21 = ordinal_scores(stats, codes)
        blocks = [np.arange(th_start[i], th_start[i] + nth_item[i]) for i in range(p)]
        stats.gamma = sandwich_gamma(SC_TH, blocks, SC_COR, A21)
    return stats


def category_bounds(th_list: list[np.ndarray], kmax: int) -> np.ndarray:
    """Each item's category boundaries (-inf, tau_1, ..., tau_K-1, +inf), padded with +inf.

    Parameters
    ----------
    th_list : list of ndarray
        Per item its thresholds.
    kmax : int
        The largest number of categories.

    Returns
    -------
    ndarray
        items x (kmax + 1).

    Examples
    --------
    >>> category_bounds([np.array([0.0]), np.array([-1.0, 1.0])], 3)
    array([[-inf,   0.,  inf,  inf],
           [-inf,  -1.,   1.,  inf]])
    """
    bounds = np.full((len(th_list), kmax + 1), np.inf)
    bounds[:, 0] = -np.inf
    for i, th_i in enumerate(th_list):
        bounds[i, 1:len(th_i) + 1] = th_i
    return bounds


def _tables(codes: np.ndarray, kmax: int, I: np.ndarray, J: np.ndarray):
    """Bivariate frequency tables (pairs x kmax x kmax, rows = item I) of the rows that
    answered both items, each row's cell (0 where it did not) and that mask (rows x pairs)."""
    npairs = len(I)
    both = (codes[:, I] >= 0) & (codes[:, J] >= 0)
    cell = np.where(both, codes[:, I] * kmax + codes[:, J], 0)
    flat = (np.arange(npairs) * kmax * kmax)[None, :] + cell
    freq = np.bincount(flat[both], minlength=npairs * kmax * kmax).reshape(npairs, kmax, kmax)
    return freq.astype(float), flat, both


def _diff2(F: np.ndarray) -> np.ndarray:
    """Cell probabilities from distribution-function values at the boundary grid."""
    return F[:, 1:, 1:] - F[:, :-1, 1:] - F[:, 1:, :-1] + F[:, :-1, :-1]


def _guv(u, v, rho):
    """d log phi2 / d rho + ... : lavaan's guv, so that d phi2 / d rho = phi2 * guv."""
    R = 1.0 - rho * rho
    return (u * v * R - rho * (u * u - 2.0 * rho * u * v + v * v) + rho * R) / (R * R)


class _Grid:
    """The boundary grid of every pair's table (pairs x kmax+1 x kmax+1): distribution function
    and density at the boundaries, with the infinite ones filled once (F(-inf, .) = 0,
    F(inf, k) = Phi(k), F(inf, inf) = 1) and Genz's method only at the finite ones."""

    def __init__(self, b1: np.ndarray, b2: np.ndarray):
        H = np.broadcast_to(b1[:, :, None], (b1.shape[0], b1.shape[1], b2.shape[1]))
        K = np.broadcast_to(b2[:, None, :], H.shape)
        self.shape = H.shape
        fin = np.isfinite(H) & np.isfinite(K)
        self.idx = np.flatnonzero(fin)
        self.h, self.k = H.ravel()[self.idx], K.ravel()[self.idx]
        self.pair = self.idx // (H.shape[1] * H.shape[2])
        base = np.zeros(H.shape)
        low = (H == -np.inf) | (K == -np.inf)
        h_inf, k_inf = (H == np.inf) & ~low, (K == np.inf) & ~low
        base[h_inf & k_inf] = 1.0
        base[h_inf & ~k_inf] = special.ndtr(K[h_inf & ~k_inf])
        base[k_inf & ~h_inf] = special.ndtr(H[k_inf & ~h_inf])
        self.base = base

    def cdf(self, rho: np.ndarray) -> np.ndarray:
        F = self.base.copy()
        F.ravel()[self.idx] = _bvnu(-self.h, -self.k, rho[self.pair])
        return F

    def density(self, rho: np.ndarray, guv: bool = False):
        """phi2 at the boundaries (0 at infinite ones); with ``guv`` also phi2 * guv."""
        r = rho[self.pair]
        h, k = self.h, self.k
        s = 1.0 - r * r
        d = np.exp(-(h * h - 2.0 * r * h * k + k * k) / (2.0 * s)) / (TWO_PI * np.sqrt(s))
        D = np.zeros(self.shape)
        D.ravel()[self.idx] = d
        if not guv:
            return D
        G = np.zeros(self.shape)
        G.ravel()[self.idx] = d * _guv(h, k, r)
        return D, G


def _polychoric(freq, b1, b2, k1, k2, start, tol: float = 1e-9, max_iter: int = 100):
    """Two-step ML polychoric correlations of all pairs at once (thresholds fixed).

    ``b1``, ``b2``: per pair the category boundaries (pairs x kmax + 1); ``freq`` the tables
    (2 x 2 tables may be adjusted in place); ``start`` the Pearson correlations. Newton steps on
    the log-likelihood (Fisher scoring where it is not concave), bounded to [-0.999, 0.999] as
    lavaan, until every step is below ``tol`` (the last step taken leaves an error of order
    tol^2).
    """
    npairs = freq.shape[0]
    n = np.maximum(freq.sum(axis=(1, 2)), 1.0)
    rho = np.where(np.isfinite(start) & (np.abs(start) < 1), start, 0.0)
    fixed = np.zeros(npairs, dtype=bool)
    binary = (k1 == 2) & (k2 == 2)
    for q in np.flatnonzero(binary):             # lavaan's special cases for 2 x 2 tables
        value = _two_by_two(freq[q], b1[q, 1], b2[q, 1])
        if value is not None:
            rho[q], fixed[q] = value, True
    grid = _Grid(b1, b2)

    def loglik(pi):
        return np.sum(freq * np.log(np.maximum(pi, SQRT_EPS)), axis=(1, 2))

    pi = _diff2(grid.cdf(rho))
    ll = loglik(pi)
    for _ in range(max_iter):
        dens, gdens = grid.density(rho, guv=True)
        phi, gn = _diff2(dens), _diff2(gdens)
        with np.errstate(all="ignore"):
            ok = (pi > SQRT_EPS) & (freq > 0)
            ratio = np.where(ok, phi / pi, 0.0)
            grad = np.sum(freq * ratio, axis=(1, 2))
            hess = np.sum(np.where(ok, freq * (gn / pi - ratio * ratio), 0.0), axis=(1, 2))
            info = np.sum(freq * ratio * ratio, axis=(1, 2))
        step = np.where(hess < 0, -grad / hess, grad / np.maximum(info, 1e-300))
        step[fixed | (np.abs(grad) / n < 1e-15)] = 0.0
        new = np.clip(rho + step, -0.999, 0.999)
        for _halving in range(50):                 # keep steps that do not lower the likelihood
            pi_new = _diff2(grid.cdf(new))
            ll_new = loglik(pi_new)
            worse = ll_new < ll - 1e-12 * np.abs(ll)
            if not worse.any():
                break
            new = np.where(worse, rho + 0.5 * (new - rho), new)
        done = np.all(np.abs(new - rho) < tol)
        rho, pi, ll = new, pi_new, ll_new
        if done:
            break
    return rho


def _two_by_two(table: np.ndarray, t1: float, t2: float):
    """lavaan's handling of 2 x 2 tables (``lav_bvord_cor_twostep_fit``): two empty cells give
    +-1, a zero odds-ratio numerator/denominator balance gives 0; one empty cell gets 0.5 added
    (margins kept) before estimation, which the caller does with the adjusted table."""
    f = table[:2, :2]
    zero = np.flatnonzero(f.ravel(order="F") == 0)        # R's column-major cell numbers
    if len(zero) == 2:
        return 1.0 if f[0, 0] > 0 else -1.0
    if len(zero) == 1:
        add = 0.5 if zero[0] in (0, 3) else -0.5
        f += np.array([[add, -add], [-add, add]])
    if f[0, 0] * f[1, 1] == f[0, 1] * f[1, 0]:
        return 0.0
    if t1 == 0 and t2 == 0:
        return -np.cos(2 * np.pi * f[0, 0] / f.sum())
    return None


def ordinal_scores(stats: OrdinalStats, codes: np.ndarray):
    """Casewise scores of the thresholds and polychoric correlations, and A21 (muthen1984).

    Parameters
    ----------
    stats : OrdinalStats
        The items' thresholds and correlations.
    codes : ndarray
        Rows x items, categories 0..K-1, as given to :func:`ordinal_stats`.

    Returns
    -------
    SC_TH : ndarray
        Rows x thresholds: d log P(y_i) / d tau.
    SC_COR : ndarray
        Rows x pairs: d log P(y_i, y_j) / d rho_ij (pairs in ``stats.pairs`` order).
    A21 : ndarray
        Pairs x thresholds: sum over rows of SC_COR * d SC_COR / d tau.

    Examples
    --------
    >>> import relqual as rq
    >>> codes = rq.datasets.load("holzinger_swineford_ordinal")[["x1", "x2"]].to_numpy() - 1
    >>> stats = ordinal_stats(codes, [4, 4], ["x1", "x2"], gamma=False)
    >>> [a.shape for a in ordinal_scores(stats, codes)]
    [(301, 6), (301, 1), (1, 6)]
    >>> round(float(ordinal_scores(stats, codes)[1].sum()), 6)   # the score at the estimate
    0.0
    """
    codes = np.asarray(codes, dtype=np.intp)
    nlevels, th, th_start = stats.nlevels, stats.th, stats.th_start
    I, J = stats.pairs
    rho = stats.cor[I, J]
    bounds = category_bounds(np.split(th, th_start[1:]), int(nlevels.max()))
    cell_freq, flat, both = _tables(codes, int(nlevels.max()), I, J)
    n, p = codes.shape
    nth, npairs = len(th), len(I)
    # univariate scores: d log P(y_i = c) / d tau_ik
    SC_TH = np.zeros((n, nth))
    rows = np.arange(n)
    for i in range(p):
        b = bounds[i]
        c = np.maximum(codes[:, i], 0)
        pi = special.ndtr(b[c + 1]) - special.ndtr(b[c])
        up, lo = (c < nlevels[i] - 1) & (codes[:, i] >= 0), c > 0
        SC_TH[rows[up], th_start[i] + c[up]] = norm_pdf(b[c[up] + 1]) / pi[up]
        SC_TH[rows[lo], th_start[i] + c[lo] - 1] = -norm_pdf(b[c[lo]]) / pi[lo]
    # bivariate quantities per cell
    b1, b2 = bounds[I], bounds[J]
    r = rho[:, None, None]
    grid = _Grid(b1, b2)
    pi = _diff2(grid.cdf(rho))
    phi = _diff2(grid.density(rho))
    with np.errstate(all="ignore"):
        pi_ok = np.where(pi > SQRT_EPS, pi, np.nan)
        s_rho = phi / pi_ok                                  # pairs x kmax x kmax
        R = np.sqrt(1.0 - rho * rho)[:, None, None]
        # Q1[s, b]: d/d(boundary s of item I) of P(X <= b_s, Y in cell b)
        #           = phi(b_s) * P(Y in b | X=b_s)
        f1 = np.isfinite(b1)[:, :, None]
        Q1 = np.where(f1, norm_pdf(b1)[:, :, None]
                      * _diff_last(special.ndtr((b2[:, None, :] - r * b1[:, :, None]) / R)), 0.0)
        f2 = np.isfinite(b2)[:, None, :]
        Q2 = np.where(f2, norm_pdf(b2)[:, None, :]
                      * _diff_first(special.ndtr((b1[:, :, None] - r * b2[:, None, :]) / R)), 0.0)
    Q1 = np.nan_to_num(Q1)
    Q2 = np.nan_to_num(Q2)
    # casewise rho scores
    SC_COR = np.where(both, np.nan_to_num(s_rho).ravel()[flat], 0.0)
    # A21: sum over rows of s_rho * d s_biv / d tau, aggregated by cell
    M = np.where(cell_freq > 0,
                 cell_freq * np.nan_to_num(s_rho) / np.nan_to_num(pi_ok, nan=1.0), 0.0)
    # item I threshold t (boundary t+1): + Q1[t+1, b] / pi[t, b] from cells in row t,
    # - Q1[t+1, b] / pi[t+1, b] from cells in row t+1
    kmax = bounds.shape[1] - 1
    A21 = np.zeros((npairs, nth))
    row_part = np.einsum("qtb,qtb->qt", Q1[:, 1:kmax, :], M[:, :kmax - 1, :] - M[:, 1:kmax, :])
    col_part = np.einsum("qat,qat->qt", Q2[:, :, 1:kmax], M[:, :, :kmax - 1] - M[:, :, 1:kmax])
    for q in range(npairs):
        i, j = I[q], J[q]
        A21[q, th_start[i]:th_start[i] + nlevels[i] - 1] = row_part[q, :nlevels[i] - 1]
        A21[q, th_start[j]:th_start[j] + nlevels[j] - 1] = col_part[q, :nlevels[j] - 1]
    return SC_TH, SC_COR, A21


def sandwich_gamma(S_uni: np.ndarray, blocks: list[np.ndarray], S_cor: np.ndarray,
                   A21: np.ndarray) -> np.ndarray:
    """The two-step sandwich of muthen1984: Gamma = N B^-1 (S'S) B^-T.

    B is lower block-triangular: A11 block diagonal (per variable, the cross-products of its
    univariate scores), A21, and A22 = diag(S_cor'S_cor). With B^-1 = [[A11^-1, 0], [C, D]],
    C = -D A21 A11^-1, D = A22^-1, Gamma = N T'T for T = S B^-T: T_uni = S_uni A11^-1 and
    T_cor = (S_cor - T_uni A21') D.

    Parameters
    ----------
    S_uni : ndarray
        Rows x univariate parameters (thresholds, means, variances).
    blocks : list of ndarray
        Per variable the columns of ``S_uni`` that are its parameters.
    S_cor : ndarray
        Rows x pairs: the correlations' scores.
    A21 : ndarray
        Pairs x univariate parameters.

    Returns
    -------
    ndarray
        The asymptotic covariance of (univariate parameters, correlations).

    Examples
    --------
    >>> S = np.array([[1.0], [-1.0], [2.0], [-2.0]])       # one parameter: N / (s's)
    >>> sandwich_gamma(S, [np.array([0])], np.zeros((4, 0)), np.zeros((0, 1)))
    array([[0.4]])
    """
    T_uni = np.empty_like(S_uni)
    for cols in blocks:
        block = S_uni[:, cols]
        T_uni[:, cols] = block @ np.linalg.inv(block.T @ block)
    d = 1.0 / np.einsum("ij,ij->j", S_cor, S_cor)
    T_cor = (S_cor - T_uni @ A21.T) * d[None, :]
    T = np.concatenate([T_uni, T_cor], axis=1)
    return len(S_uni) * (T.T @ T)


def _diff_last(F):
    """Differences along the last axis: F[..., b+1] - F[..., b]."""
    return F[..., 1:] - F[..., :-1]


def _diff_first(F):
    """Differences along the middle axis (pairs x boundaries x ...): F[:, a+1] - F[:, a]."""
    return F[:, 1:, :] - F[:, :-1, :]
