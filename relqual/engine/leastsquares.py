"""Least-squares discrepancies for continuous data: lavaan's ULS, GLS, WLS (ADF) and DWLS.

Per group g the sample statistics s_g (the means, with a mean structure, then vech(S), S with
divisor n_g - 1: lavaan rescales S to divisor n_g for ML only) are fitted by the implied
sigma_g(theta) with a fixed weight matrix W_g:

* ULS: W = I;
* GLS: W = ML's normal-theory weight at the sample moments, S^-1 for the means and
  1/2 D'(S^-1 (x) S^-1) D for vech(S) (Joreskog & Goldberger 1972; Browne 1974);
* WLS: W = Gamma^-1, Gamma the distribution-free covariance of the statistics (Browne 1984,
  "ADF");
* DWLS: W = diag(Gamma)^-1.

F(theta) = sum_g c_g (s_g - sigma_g)' W_g (s_g - sigma_g) with c_g = (n_g - 1) / N; lavaan's
fmin is F / 2 and its chi-square N F = sum_g (n_g - 1) F_g (Browne 1984, eq. 2.20 for WLS). The
gradient is -2 sum_g c_g Delta_g' W_g r_g, the Gauss-Newton "information"
2 sum_g c_g Delta_g' W_g Delta_g, whose (N/2 .)^-1 is lavaan's ``se = "standard"`` for these
estimators; the exact Hessian subtracts 2 sum_g c_g sum_k (W_g r_g)_k d2 sigma_gk.
"""
from __future__ import annotations

import numpy as np

from .robustsem import gamma_adf, ml_weight, sample_vector, vech_indices

LS_WEIGHTS = ("ULS", "GLS", "WLS", "DWLS")


def weight_matrix(estimator: str, values: np.ndarray, mean: np.ndarray, cov: np.ndarray,
                  meanstructure: bool) -> np.ndarray:
    """The estimator's weight matrix W of one group (module docstring).

    Parameters
    ----------
    estimator : {"ULS", "GLS", "WLS", "DWLS"}
    values : ndarray
        The group's complete rows (for Gamma).
    mean, cov : ndarray
        Its sample moments (divisor n).
    meanstructure : bool

    Returns
    -------
    ndarray
        statistics x statistics.

    Raises
    ------
    numpy.linalg.LinAlgError
        When Gamma (WLS) or S (GLS) is singular.

    Examples
    --------
    >>> values = np.array([[1., 2.], [2., 1.], [3., 5.], [4., 3.], [0., 1.]])
    >>> weight_matrix("ULS", values, values.mean(0), np.cov(values.T, bias=True), False).shape
    (3, 3)
    """
    q = len(sample_vector(mean, cov, meanstructure))
    if estimator == "ULS":
        return np.eye(q)
    if estimator == "GLS":
        return ml_weight(cov, meanstructure)
    gamma = gamma_adf(values, meanstructure)
    if estimator == "DWLS":
        return np.diag(1.0 / np.diag(gamma))
    return np.linalg.inv(gamma)


class LeastSquaresLoss:
    """F = sum_g c_g (s_g - sigma_g)' W_g (s_g - sigma_g) over groups (module docstring);
    implements :class:`relqual.engine.protocol.Loss`.

    Parameters
    ----------
    models : list of RamModel
        Per group.
    stats : list of ndarray
        Per group the sample statistics (:func:`relqual.engine.robustsem.sample_vector`).
    weights : list of ndarray
        Per group W_g.
    nobs : list of int
        Per group n_g.
    estimator : {"ULS", "GLS", "WLS", "DWLS"}
        Which estimator the weights are (kept for refits on other rows).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
    ...              estimator="ULS")
    >>> loss = res.problem.loss
    >>> loss.estimator, loss.n_total, round(float(loss.n_total * loss.value(res.x)), 3)
    ('ULS', 301, 10.199)
    """

    def __init__(self, models: list, stats: list, weights: list, nobs: list, estimator: str):
        self.models, self.stats, self.weights = models, stats, weights
        self.estimator = estimator
        self.n_total = int(sum(nobs))
        self.fractions = [(k - 1) / self.n_total for k in nobs]
        self.meanstructure = models[0].meanstructure
        self.npar = models[0].npar
        self._last = None

    def implied(self, g: int, imp) -> np.ndarray:
        """The implied statistics of group ``g`` (0-based) from its implied moments."""
        return sample_vector(imp.mu, imp.sigma, self.meanstructure)

    def delta(self, g: int, imp) -> np.ndarray:
        """Delta_g = d sigma_g / d theta' (statistics x npar) at the implied moments ``imp``."""
        model = self.models[g]
        d_sigma, d_mu = model.jacobian(imp)
        i, j = vech_indices(model.p)
        D = d_sigma[:, i, j].T
        return np.vstack([d_mu.T, D]) if self.meanstructure else D

    def evaluate(self, x: np.ndarray):
        """Implied moments, residuals s - sigma and F at ``x`` (remembered for the last x).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"),
        ...              estimator="GLS")
        >>> imps, resid, f = res.problem.loss.evaluate(res.x)
        >>> resid[0].shape
        (6,)
        """
        key = x.tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        imps = [m.implied(x) for m in self.models]
        resid = [s - self.implied(g, imp) for g, (s, imp) in enumerate(zip(self.stats, imps))]
        f = float(sum(c * r @ W @ r for c, W, r in zip(self.fractions, self.weights, resid)))
        self._last = (key, (imps, resid, f))
        return imps, resid, f

    def value(self, x: np.ndarray) -> float:
        """F(x); +inf where not finite.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"),
        ...              estimator="ULS")
        >>> float(res.problem.loss.value(res.x)) < 1e-12     # just identified: exact fit
        True
        """
        f = self.evaluate(x)[2]
        return f if np.isfinite(f) else np.inf

    def value_and_gradient(self, x: np.ndarray):
        """F and its gradient -2 sum_g f_g Delta_g' W_g r_g.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
        ...              estimator="DWLS")
        >>> bool(abs(res.problem.loss.value_and_gradient(res.x)[1]).max() < 1e-8)
        True
        """
        return self.value_gradient_information(x)[:2]

    def value_gradient_information(self, x: np.ndarray, exact: bool = False):
        """F, its gradient and the Gauss-Newton Hessian 2 sum_g f_g Delta_g' W_g Delta_g (with
        ``exact`` also the full Hessian).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
        ...              estimator="WLS")
        >>> f, g, gauss_newton, full = res.problem.loss.value_gradient_information(res.x, True)
        >>> gauss_newton.shape, bool(np.allclose(gauss_newton, full))
        ((8, 8), False)
        """
        imps, resid, f = self.evaluate(x)
        grad = np.zeros(self.npar)
        hess = np.zeros((self.npar, self.npar))
        full = np.zeros((self.npar, self.npar)) if exact else None
        for g, imp in enumerate(imps):
            c, W, r, model = self.fractions[g], self.weights[g], resid[g], self.models[g]
            D = self.delta(g, imp)
            wr = W @ r
            grad -= 2.0 * c * (D.T @ wr)
            hess += 2.0 * c * (D.T @ W @ D)
            if exact:
                p = model.p
                v = wr[:p] if self.meanstructure else None
                w_cov = wr[p:] if self.meanstructure else wr
                i, j = vech_indices(p)
                M = np.zeros((p, p))
                np.add.at(M, (i, j), 0.5 * w_cov)
                M = M + M.T
                second = model.second_derivative_term(imp, M)
                if v is not None:
                    second = second + model.second_derivative_mean_term(imp, v)
                full -= 2.0 * c * second
        if exact:
            return f, grad, hess, hess + full
        return f, grad, hess

    def observed_hessian(self, x: np.ndarray):
        """F, its gradient and its exact Hessian (for the optimizer's Newton steps).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"),
        ...              estimator="GLS")
        >>> res.problem.loss.observed_hessian(res.x)[2].shape
        (8, 8)
        """
        f, g, _, H = self.value_gradient_information(x, exact=True)
        return f, g, H
