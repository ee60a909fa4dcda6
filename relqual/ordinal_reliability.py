"""Reliability of ordinal (Likert) items on their own scale: the categorical omega of Green &
Yang (2009, *Psychometrika* 74(1), 155-167), as semTools ``compRelSEM`` computes it for a WLSMV
fit (its default ``ord.scale = TRUE``; semTools ``omegaCat``).

For a factor f with ordered items j = 1..k, loadings lambda (latent-response metric), factor
variance phi, model thresholds tau_jc, scaling factors Delta_j and the correlation matrix P of
the items' latent responses (the polychoric correlations, or the model-implied ones for
``omega_model``)::

    R = Delta lambda phi lambda' Delta,   t_jc = Delta_j tau_jc
    omega = sum_j,j' sum_c,c' [Phi2(t_jc, t_j'c'; R_jj') - Phi(t_jc) Phi(t_j'c')]
            / sum_j,j' sum_c,c' [Phi2(t_jc, t_j'c'; P_jj') - Phi(t_jc) Phi(t_j'c')]

(the sums include j = j', where P_jj = 1): the variance of the sum of the observed item scores
explained by the factor, over that sum's variance implied by P. *Ordinal alpha* (Zumbo, Gadermann
& Zeisser 2007) is Cronbach's alpha of P rescaled by 1 / Delta (semTools ``compRelSEM(tau.eq =
TRUE, ord.scale = FALSE)``).
"""
from __future__ import annotations

import numpy as np
from scipy import special

from .engine.polychoric import bvn_cdf


def _phi2(h: np.ndarray, k: np.ndarray, r: float) -> np.ndarray:
    """Phi2(h, k; r) on a grid of h (rows) and k (columns); r = 1 gives Phi(min(h, k))."""
    H, K = np.meshgrid(h, k, indexing="ij")
    if r >= 1.0:
        return special.ndtr(np.minimum(H, K))
    return bvn_cdf(H, K, np.full(H.shape, r))


def omega_categorical(common: np.ndarray, total: np.ndarray, thresholds: list[np.ndarray],
                      scales: np.ndarray) -> float:
    """Green & Yang's (2009) categorical omega (formula in the module docstring).

    Parameters
    ----------
    common : ndarray
        k x k, lambda phi lambda' of the factor's items (latent-response metric).
    total : ndarray
        k x k, the items' latent-response covariance (or correlation) matrix; it is turned into
        a correlation matrix.
    thresholds : list of ndarray
        Per item its model thresholds tau.
    scales : ndarray
        Per item its scaling factor Delta.

    Returns
    -------
    float

    Examples
    --------
    >>> lam = np.array([0.8, 0.7, 0.6])
    >>> common = np.outer(lam, lam)
    >>> total = common + np.diag(1 - lam ** 2)
    >>> th = [np.array([-1.0, 0.0, 1.0])] * 3
    >>> round(omega_categorical(common, total, th, np.ones(3)), 4)
    0.7008
    """
    sd = np.sqrt(np.diag(total))
    P = total / np.outer(sd, sd)
    R = scales[:, None] * common * scales[None, :]
    t = [np.asarray(th, float) * s for th, s in zip(thresholds, scales)]
    num = den = 0.0
    for j in range(len(t)):
        for jp in range(len(t)):
            marg = special.ndtr(t[j]).sum() * special.ndtr(t[jp]).sum()
            num += _phi2(t[j], t[jp], R[j, jp]).sum() - marg
            den += _phi2(t[j], t[jp], P[j, jp]).sum() - marg
    return float(num / den)
