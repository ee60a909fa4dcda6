"""Missing data: rows grouped by missingness pattern, the saturated (H1) model by EM, and the
full-information log-likelihood.

Full-information ML (Arbuckle 1996; Enders 2010, ch. 4) evaluates each row's likelihood on its
observed variables only. Rows sharing a pattern share the sub-matrices Sigma_oo and mu_o, so the
log-likelihood is a sum over patterns of

    -n_p/2 [p_o log 2pi + log|Sigma_oo| + tr(Sigma_oo^-1 S_p)
            + (ybar_p - mu_o)' Sigma_oo^-1 (ybar_p - mu_o)]

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
    """The rows of one missingness pattern: observed positions, count and their moments.

    Parameters
    ----------
    obs : ndarray
        Positions of the observed variables.
    rows : ndarray
        Row positions (in the group's array).
    n : int
        The number of rows.
    mean : ndarray
        Their means over the observed variables.
    cov : ndarray
        Their covariance matrix (divisor n).

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
    >>> pattern = missing_patterns(values)[1]
    >>> pattern.obs.tolist(), pattern.rows.tolist(), pattern.n, pattern.mean.tolist()
    ([0], [1, 4], 2, [3.5])
    """

    obs: np.ndarray            # positions of the observed variables
    rows: np.ndarray           # row positions (in the group's array)
    n: int
    mean: np.ndarray           # over observed variables
    cov: np.ndarray            # divisor n


def missing_patterns(values: np.ndarray) -> list[Pattern]:
    """Group rows by which variables are observed (rows with nothing observed are not allowed).

    Parameters
    ----------
    values : ndarray
        Rows x variables, NaN = missing.

    Returns
    -------
    list of Pattern
        Largest pattern first.

    Raises
    ------
    ValueError
        When a row has no observed value.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
    >>> [(p.obs.tolist(), p.rows.tolist()) for p in missing_patterns(values)]
    [([0, 1], [0, 2, 3]), ([0], [1, 4])]
    """
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
    """Full-information log-likelihood at (sigma, mu); -inf if a sub-matrix is not PD.

    The formula is in the module docstring.

    Parameters
    ----------
    patterns : list of Pattern
    sigma : ndarray
        The covariance matrix of all variables.
    mu : ndarray
        Their means.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
    >>> patterns = missing_patterns(values)
    >>> mu, sigma, _ = em_saturated(values, patterns)
    >>> round(float(pattern_loglik(patterns, sigma, mu)), 3)
    -13.316
    """
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

    Parameters
    ----------
    values : ndarray
        Rows x variables, NaN = missing.
    patterns : list of Pattern
        Its missing-data patterns (:func:`missing_patterns`).
    tol : float
        Stop when no mean or covariance changes by more than this.
    max_iter : int
        The largest number of EM iterations.

    Returns
    -------
    mu : ndarray
    sigma : ndarray
    iterations : int
        ``max_iter`` when the tolerance was not reached.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
    >>> mu, sigma, iterations = em_saturated(values, missing_patterns(values))
    >>> mu.round(3).tolist(), sigma.round(3).tolist()
    ([3.0, 3.5], [[2.0, 1.0], [1.0, 1.667]])
    """
    n, p = values.shape
    mu = np.nanmean(values, axis=0)
    sigma = np.diag(np.nanvar(values, axis=0))
    # the observed parts of T1 and T2 (sums of y_o and y_o y_o') do not change: summed once
    T1_obs, T2_obs = np.zeros(p), np.zeros((p, p))
    for pat in patterns:
        T1_obs[pat.obs] += pat.n * pat.mean
        T2_obs[np.ix_(pat.obs, pat.obs)] += pat.n * (pat.cov + np.outer(pat.mean, pat.mean))
    blocks = _em_blocks(patterns, p)
    for iteration in range(1, max_iter + 1):
        T1, T2 = T1_obs.copy(), T2_obs.copy()
        for O, M, n_k, s1, s2 in blocks:      # the patterns with the same number missing
            oo, om = (O[:, :, None], O[:, None, :]), (O[:, :, None], M[:, None, :])
            mo, mm = (M[:, :, None], O[:, None, :]), (M[:, :, None], M[:, None, :])
            B = np.swapaxes(np.linalg.solve(sigma[oo], sigma[om]), 1, 2)         # K x m x o
            c = mu[M] - np.einsum("kmo,ko->km", B, mu[O])
            Bs1 = np.einsum("kmo,ko->km", B, s1)
            np.add.at(T1, M, n_k[:, None] * c + Bs1)
            Bs2 = B @ s2
            cross = c[:, :, None] * s1[:, None, :] + Bs2                          # sum y_m y_o'
            np.add.at(T2, mo, cross)
            np.add.at(T2, om, np.swapaxes(cross, 1, 2))
            resid = sigma[mm] - B @ sigma[om]
            cBs1 = c[:, :, None] * Bs1[:, None, :]
            np.add.at(T2, mm, (n_k[:, None, None] * (c[:, :, None] * c[:, None, :] + resid)
                               + cBs1 + np.swapaxes(cBs1, 1, 2)
                               + Bs2 @ np.swapaxes(B, 1, 2)))
        new_mu = T1 / n
        new_sigma = T2 / n - np.outer(new_mu, new_mu)
        change = max(np.max(np.abs(new_mu - mu)), np.max(np.abs(new_sigma - sigma)))
        mu, sigma = new_mu, new_sigma
        if change < tol:
            return mu, sigma, iteration
    return mu, sigma, max_iter


def _em_blocks(patterns: list[Pattern], p: int) -> list[tuple]:
    """The incomplete patterns of :func:`em_saturated` grouped by their number of observed
    variables: ``(O, M, n, s1, s2)`` with the observed and missing positions (K x o, K x m),
    the row counts, and the sums of y_o and y_o y_o' stacked."""
    out = []
    incomplete = [pat for pat in patterns if len(pat.obs) < p]
    for size in sorted({len(pat.obs) for pat in incomplete}):
        same = [pat for pat in incomplete if len(pat.obs) == size]
        out.append((np.array([pat.obs for pat in same]),
                    np.array([np.setdiff1d(np.arange(p), pat.obs, assume_unique=True)
                              for pat in same]),
                    np.array([float(pat.n) for pat in same]),
                    np.array([pat.n * pat.mean for pat in same]),
                    np.array([pat.n * (pat.cov + np.outer(pat.mean, pat.mean)) for pat in same])))
    return out


def independence_loglik(values: np.ndarray, patterns: list[Pattern],
                        x_pos: list[int] | None = None) -> float:
    """Log-likelihood of the independence (baseline) model: each variable's mean and variance
    from its observed values, all covariances zero (the FIML estimates of that model) except
    among the (complete) fixed.x covariates at ``x_pos``, which keep their sample covariances.

    Parameters
    ----------
    values : ndarray
        Rows x variables, NaN = missing.
    patterns : list of Pattern
    x_pos : list of int, optional
        Positions of the fixed.x covariates.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
    >>> round(float(independence_loglik(values, missing_patterns(values))), 3)
    -13.747
    """
    mu = np.nanmean(values, axis=0)
    sigma = np.diag(np.nanvar(values, axis=0))
    if x_pos:
        block = values[:, x_pos]
        sigma[np.ix_(x_pos, x_pos)] = np.cov(block, rowvar=False, bias=True).reshape(
            len(x_pos), len(x_pos))
    return pattern_loglik(patterns, sigma, mu)


@dataclass
class IncompleteData:
    """One group's incomplete data: its patterns and the saturated (H1) model from EM.

    Parameters
    ----------
    values : ndarray
        Rows x variables, NaN = missing.
    patterns : list of Pattern
    h1 : SampleStats
        The EM means and covariance matrix, with ``n`` = rows.
    h1_loglik : float
        The saturated log-likelihood at them.
    em_iterations : int

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
    >>> data = IncompleteData.from_array(values, ["a", "b"])
    >>> data.h1.n, data.h1.mean.round(3).tolist(), round(float(data.h1_loglik), 3)
    (5, [3.0, 3.5], -13.316)
    """

    values: np.ndarray = field(repr=False)
    patterns: list[Pattern] = field(repr=False)
    h1: SampleStats                # EM means and covariance, n = rows
    h1_loglik: float
    em_iterations: int

    @classmethod
    def from_array(cls, values: np.ndarray, names) -> IncompleteData:
        """Patterns and EM estimates of one group's rows.

        Parameters
        ----------
        values : ndarray
            Rows x variables, NaN = missing; every row with an observed value.
        names : sequence of str
            The variables.

        Returns
        -------
        IncompleteData

        Raises
        ------
        ValueError
            When the EM covariance matrix is not positive definite.

        Examples
        --------
        >>> import numpy as np
        >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
        >>> IncompleteData.from_array(values, ["a", "b"]).h1.cov.round(3).tolist()
        [[2.0, 1.0], [1.0, 1.667]]
        """
        patterns = missing_patterns(values)
        mu, sigma, iterations = em_saturated(values, patterns)
        if np.linalg.eigvalsh(sigma).min() <= 0:
            raise ValueError("the EM estimate of the saturated covariance matrix is not positive "
                             "definite (too many missing values, or collinear variables)")
        h1 = SampleStats(tuple(names), len(values), mu, sigma)
        return cls(values, patterns, h1, pattern_loglik(patterns, sigma, mu), iterations)

    def loglik(self, sigma: np.ndarray, mu: np.ndarray) -> float:
        """The full-information log-likelihood at (sigma, mu) (:func:`pattern_loglik`).

        Parameters
        ----------
        sigma, mu : ndarray
            Implied covariance matrix and means of all variables.

        Returns
        -------
        float

        Examples
        --------
        >>> import numpy as np
        >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
        >>> data = IncompleteData.from_array(values, ["a", "b"])
        >>> bool(data.loglik(data.h1.cov, data.h1.mean) == data.h1_loglik)
        True
        """
        return pattern_loglik(self.patterns, sigma, mu)

    def independence_loglik(self, x_pos: list[int] | None = None) -> float:
        """The independence model's log-likelihood (:func:`independence_loglik`).

        Parameters
        ----------
        x_pos : list of int, optional
            Positions of the fixed.x covariates.

        Returns
        -------
        float

        Examples
        --------
        >>> import numpy as np
        >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
        >>> round(float(IncompleteData.from_array(values, ["a", "b"]).independence_loglik()), 3)
        -13.747
        """
        return independence_loglik(self.values, self.patterns, x_pos)

    def covariate_loglik(self, x_pos: list[int]) -> float:
        """Saturated log-likelihood of the complete fixed.x covariates alone (lavaan reports
        the likelihood conditional on them, i.e. minus this).

        Parameters
        ----------
        x_pos : list of int
            Positions of the covariates (complete columns).

        Returns
        -------
        float
            0 without covariates.

        Examples
        --------
        >>> import numpy as np
        >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3], [5, np.nan]])
        >>> round(float(IncompleteData.from_array(values, ["a", "b"]).covariate_loglik([0])), 3)
        -8.828
        """
        if not x_pos:
            return 0.0
        block = self.values[:, x_pos]
        n, k = block.shape
        cov = np.cov(block, rowvar=False, bias=True).reshape(k, k)
        return -0.5 * n * (k * LOG_2PI + np.linalg.slogdet(cov)[1] + k)
