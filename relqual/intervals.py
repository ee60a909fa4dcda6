"""Bootstrap confidence intervals: percentile, bias-corrected and BCa.

Quantiles interpolate on the normal scale like R's boot package (``norm.inter``), which is
what lavaan's ``parameterEstimates(boot.ci.type=...)`` uses, so that relqual's intervals match
lavaan's on the same draws.
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtri
from scipy.stats import norm

from .conventions import CI_LEVEL


def norm_inter(t: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Quantiles with interpolation on the normal scale (Davison & Hinkley 1997, eq. 5.8; the
    ``norm.inter`` rule of R's boot package that lavaan uses for bootstrap intervals).

    Examples
    --------
    >>> import numpy as np
    >>> norm_inter(np.arange(1.0, 100.0), np.array([0.025, 0.5, 0.975])).round(3)
    array([ 2.542, 50.   , 97.458])
    """
    t = np.sort(t[np.isfinite(t)])
    R = len(t)
    out = np.empty(len(alpha))
    for idx, a in enumerate(np.atleast_1d(alpha)):
        rk = (R + 1) * a
        k = int(np.trunc(rk))
        if k == rk and 0 < k <= R:
            out[idx] = t[k - 1]
        elif k <= 0:
            out[idx] = t[0]
        elif k >= R:
            out[idx] = t[-1]
        else:
            z, z_k, z_k1 = ndtri(a), ndtri(k / (R + 1)), ndtri((k + 1) / (R + 1))   # Phi^-1
            out[idx] = t[k - 1] + (z - z_k) / (z_k1 - z_k) * (t[k] - t[k - 1])
    return out


def bootstrap_interval(t: np.ndarray, estimate: float, level: float = CI_LEVEL,
                       method: str = "perc", acceleration: float = 0.0) -> tuple[float, float]:
    """Percentile, bias-corrected (lavaan ``bca.simple``) or BCa interval of draws ``t``.

    BC / BCa (Efron 1987): z0 = Phi^-1(share of draws below the estimate); the quantile levels
    become Phi(z0 + (z0 + z_a) / (1 - acc (z0 + z_a))), with acc = 0 for the simple version.

    Examples
    --------
    >>> import numpy as np
    >>> draws = np.arange(1.0, 100.0)                   # 99 bootstrap values of an estimate
    >>> [round(float(v), 3) for v in bootstrap_interval(draws, 50.0)]
    [2.542, 97.458]
    >>> [round(float(v), 3) for v in bootstrap_interval(draws, 40.0, method="bc")]
    [1.0, 92.237]
    >>> [round(float(v), 3) for v in bootstrap_interval(draws, 40.0, method="bca",
    ...                                                 acceleration=0.05)]
    [1.19, 94.258]
    """
    t = t[np.isfinite(t)]
    alpha = np.array([(1 - level) / 2, (1 + level) / 2])
    if len(t) < 2 or np.var(t) == 0:
        return estimate, estimate
    if method == "perc":
        lo, hi = norm_inter(t, alpha)
        return lo, hi
    if method not in ("bc", "bca"):
        raise ValueError(f"unknown bootstrap interval '{method}'; use 'perc', 'bc' or 'bca'")
    z0 = norm.ppf(np.sum(t < estimate) / len(t))
    z_alpha = norm.ppf(alpha)
    acc = acceleration if method == "bca" else 0.0
    adjusted = norm.cdf(z0 + (z0 + z_alpha) / (1 - acc * (z0 + z_alpha)))
    lo, hi = norm_inter(t, adjusted)
    return lo, hi


def jackknife_acceleration(jack: np.ndarray) -> np.ndarray:
    """BCa acceleration from leave-one-out values (rows: left-out case; Efron 1987, eq. 6.6).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    >>> jack = np.array([[np.delete(x, i).mean()] for i in range(len(x))])  # leave-one-out means
    >>> jackknife_acceleration(jack).round(4)
    array([0.0849])
    >>> jackknife_acceleration(np.array([[1.0], [2.0], [3.0]]))          # symmetric: no skew
    array([0.])
    """
    centred = jack.mean(axis=0) - jack
    with np.errstate(invalid="ignore", divide="ignore"):
        return (centred ** 3).sum(axis=0) / (6.0 * ((centred ** 2).sum(axis=0)) ** 1.5)
