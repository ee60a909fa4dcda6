"""Missing data: rows grouped by missingness pattern, the saturated (H1) model by EM, and the
full-information log-likelihood.

Full-information ML (Arbuckle 1996; Enders 2010, ch. 4) evaluates each row's likelihood on its
observed variables only. Rows sharing a pattern share the sub-matrices Sigma_oo and mu_o, so the
log-likelihood is a sum over patterns of

    -n_p/2 [p_o log 2pi + log|Sigma_oo| + tr(Sigma_oo^-1 S_p) + (ybar_p - mu_o)' Sigma_oo^-1 (ybar_p - mu_o)]

with the pattern's mean ybar_p and covariance S_p (divisor n_p). The unrestricted (H1) means and
covariances maximise the same likelihood; they are found by the EM algorithm (Dempster, Laird
& Rubin 1977; Little & Rubin 2002, sec. 11.2), as lavaan does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .samplestats import SampleStats

LOG_2PI = np.log(2 * np.pi)


@dataclass(frozen=True)
class Pattern:
    """The rows of one missingness pattern: observed positions, count and their moments."""

    obs: np.ndarray            # positions of the observed variables
    rows: np.ndarray           # row positions (in the group's array)
    n: int
    mean: np.ndarray           # over observed variables
    cov: np.ndarray            # divisor n


def missing_patterns(values: np.ndarray) -> list[Pattern]:
    """Group rows by which variables are observed (rows with nothing observed are not allowed)."""
    observed = ~np.isnan(values)
    if not observed.any(axis=1).all():
        raise ValueError("rows with no observed value must be removed before FIML")
    keys, inverse = np.unique(observed, axis=0, return_inverse=True)
    patterns = []
    for k, key in enumerate(keys):
        rows = np.flatnonzero(inverse.ravel() == k)
        obs = np.flatnonzero(key)
        block = values[np.ix_(rows, obs)]
        mean = block.mean(axis=0)
        centred = block - mean
        patterns.append(Pattern(obs, rows, len(rows), mean, centred.T @ centred / len(rows)))
    patterns.sort(key=lambda pat: -pat.n)
    return patterns


def pattern_loglik(patterns: list[Pattern], sigma: np.ndarray, mu: np.ndarray) -> float:
    """Full-information log-likelihood at (sigma, mu); -inf if a sub-matrix is not PD."""
    total = 0.0
    for pat in patterns:
        o = pat.obs
        sub = sigma[np.ix_(o, o)]
        sign, logdet = np.linalg.slogdet(sub)
        if sign <= 0:
            return -np.inf
        inv = np.linalg.inv(sub)
        d = pat.mean - mu[o]
        total -= 0.5 * pat.n * (len(o) * LOG_2PI + logdet + np.sum(pat.cov * inv) + d @ inv @ d)
    return total


def em_saturated(values: np.ndarray, patterns: list[Pattern], tol: float = 1e-10,
                 max_iter: int = 10000) -> tuple[np.ndarray, np.ndarray, int]:
    """ML means and covariance of incomplete multivariate-normal data by EM.

    E-step per pattern with regression B = Sigma_mo Sigma_oo^-1 of the missing on the observed
    variables: E[y_m] = mu_m + B (y_o - mu_o), Cov[y_m | y_o] = Sigma_mm - B Sigma_om; M-step:
    mu = T1 / N, Sigma = T2 / N - mu mu'. Starts from available-case means and variances.
    Returns (mu, Sigma, iterations).
    """
    n, p = values.shape
    mu = np.nanmean(values, axis=0)
    sigma = np.diag(np.nanvar(values, axis=0))
    # per pattern: sums of y_o and y_o y_o' over its rows
    sums = [(pat.n * pat.mean, pat.n * (pat.cov + np.outer(pat.mean, pat.mean))) for pat in patterns]
    for iteration in range(1, max_iter + 1):
        T1 = np.zeros(p)
        T2 = np.zeros((p, p))
        for pat, (s1, s2) in zip(patterns, sums):
            o = pat.obs
            m = np.setdiff1d(np.arange(p), o, assume_unique=True)
            T1[o] += s1
            T2[np.ix_(o, o)] += s2
            if len(m) == 0:
                continue
            B = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)]).T       # m x o
            c = mu[m] - B @ mu[o]
            Bs1 = B @ s1
            T1[m] += pat.n * c + Bs1
            cross = np.outer(c, s1) + B @ s2                                        # sum y_m y_o'
            T2[np.ix_(m, o)] += cross
            T2[np.ix_(o, m)] += cross.T
            resid = sigma[np.ix_(m, m)] - B @ sigma[np.ix_(o, m)]
            T2[np.ix_(m, m)] += (pat.n * np.outer(c, c) + np.outer(c, Bs1) + np.outer(Bs1, c)
                                 + B @ s2 @ B.T + pat.n * resid)
        new_mu = T1 / n
        new_sigma = T2 / n - np.outer(new_mu, new_mu)
        change = max(np.max(np.abs(new_mu - mu)), np.max(np.abs(new_sigma - sigma)))
        mu, sigma = new_mu, new_sigma
        if change < tol:
            return mu, sigma, iteration
    return mu, sigma, max_iter


def independence_loglik(values: np.ndarray, patterns: list[Pattern],
                        x_pos: list[int] | None = None) -> float:
    """Log-likelihood of the independence (baseline) model: each variable's mean and variance
    from its observed values, all covariances zero (the FIML estimates of that model) except
    among the (complete) fixed.x covariates at ``x_pos``, which keep their sample covariances."""
    mu = np.nanmean(values, axis=0)
    sigma = np.diag(np.nanvar(values, axis=0))
    if x_pos:
        block = values[:, x_pos]
        sigma[np.ix_(x_pos, x_pos)] = np.cov(block, rowvar=False, bias=True).reshape(
            len(x_pos), len(x_pos))
    return pattern_loglik(patterns, sigma, mu)


@dataclass
class IncompleteData:
    """One group's incomplete data: its patterns and the saturated (H1) model from EM."""

    values: np.ndarray = field(repr=False)
    patterns: list[Pattern] = field(repr=False)
    h1: SampleStats                # EM means and covariance, n = rows
    h1_loglik: float
    em_iterations: int

    @classmethod
    def from_array(cls, values: np.ndarray, names) -> "IncompleteData":
        patterns = missing_patterns(values)
        mu, sigma, iterations = em_saturated(values, patterns)
        if np.linalg.eigvalsh(sigma).min() <= 0:
            raise ValueError("the EM estimate of the saturated covariance matrix is not positive "
                             "definite (too many missing values, or collinear variables)")
        h1 = SampleStats(tuple(names), len(values), mu, sigma)
        return cls(values, patterns, h1, pattern_loglik(patterns, sigma, mu), iterations)

    def loglik(self, sigma: np.ndarray, mu: np.ndarray) -> float:
        return pattern_loglik(self.patterns, sigma, mu)

    def independence_loglik(self, x_pos: list[int] | None = None) -> float:
        return independence_loglik(self.values, self.patterns, x_pos)

    def covariate_loglik(self, x_pos: list[int]) -> float:
        """Saturated log-likelihood of the complete fixed.x covariates alone (lavaan reports
        the likelihood conditional on them, i.e. minus this)."""
        if not x_pos:
            return 0.0
        block = self.values[:, x_pos]
        n, k = block.shape
        cov = np.cov(block, rowvar=False, bias=True).reshape(k, k)
        return -0.5 * n * (k * LOG_2PI + np.linalg.slogdet(cov)[1] + k)
