"""Bootstrap confidence intervals: percentile, bias-corrected and BCa.

Quantiles interpolate on the normal scale like R's boot package (``norm.inter``), which is
what lavaan's ``parameterEstimates(boot.ci.type=...)`` uses, so that relqual's intervals match
lavaan's on the same draws.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import norm

from .conventions import CI_LEVEL


def norm_inter(t: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Quantiles with interpolation on the normal scale (Davison & Hinkley 1997, eq. 5.8; the
    ``norm.inter`` rule of R's boot package that lavaan uses for bootstrap intervals)."""
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
            z, z_k, z_k1 = norm.ppf(a), norm.ppf(k / (R + 1)), norm.ppf((k + 1) / (R + 1))
            out[idx] = t[k - 1] + (z - z_k) / (z_k1 - z_k) * (t[k] - t[k - 1])
    return out


def bootstrap_interval(t: np.ndarray, estimate: float, level: float = CI_LEVEL,
                       method: str = "perc", acceleration: float = 0.0) -> tuple[float, float]:
    """Percentile, bias-corrected (lavaan ``bca.simple``) or BCa interval of draws ``t``.

    BC / BCa (Efron 1987): z0 = Phi^-1(share of draws below the estimate); the quantile levels
    become Phi(z0 + (z0 + z_a) / (1 - acc (z0 + z_a))), with acc = 0 for the simple version.
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
    """BCa acceleration from leave-one-out values (rows: left-out case; Efron 1987, eq. 6.6)."""
    centred = jack.mean(axis=0) - jack
    with np.errstate(invalid="ignore", divide="ignore"):
        return (centred ** 3).sum(axis=0) / (6.0 * ((centred ** 2).sum(axis=0)) ** 1.5)
