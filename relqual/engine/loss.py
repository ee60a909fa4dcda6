"""The maximum-likelihood discrepancy, its gradient and its expected Hessian.

For one group with sample covariance S (divisor N), sample mean ybar and implied Sigma, mu
(Joreskog 1967; Bollen 1989, eq. 4.67):

    F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p + (ybar - mu)' Sigma^-1 (ybar - mu)

Gradient, with d = ybar - mu and M = Sigma^-1 (Sigma - S - d d') Sigma^-1:

    dF/dtheta_k = tr(M dSigma_k) - 2 d' Sigma^-1 dmu_k

Expected second derivative (the Fisher information of 2/N times the log-likelihood):

    E[d2F/dtheta_k dtheta_l] = tr(Sigma^-1 dSigma_k Sigma^-1 dSigma_l) + 2 dmu_k' Sigma^-1 dmu_l

Over groups, lavaan minimises sum_g (n_g / N) F_g; the chi-square is N times that minimum.
"""
from __future__ import annotations

import numpy as np

from .matrices import Implied, RamModel
from .samplestats import SampleStats


class NotPositiveDefinite(ArithmeticError):
    """The implied covariance matrix is not positive definite at this parameter vector."""


def _inverse_and_logdet(sigma: np.ndarray):
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise NotPositiveDefinite from None
    inv_chol = np.linalg.inv(chol)
    return inv_chol.T @ inv_chol, 2.0 * np.log(np.diag(chol)).sum()


def ml_discrepancy(imp: Implied, sample: SampleStats, meanstructure: bool):
    """F_ML for one group, and Sigma^-1 (raises NotPositiveDefinite)."""
    sigma_inv, logdet = _inverse_and_logdet(imp.sigma)
    value = logdet + np.sum(sample.cov * sigma_inv) - sample.logdet_cov - imp.sigma.shape[0]
    if meanstructure:
        d = sample.mean - imp.mu
        value += d @ sigma_inv @ d
    return value, sigma_inv


class MLLoss:
    """The multi-group ML objective over a shared parameter vector."""

    def __init__(self, models: list[RamModel], samples: list[SampleStats]):
        self.models, self.samples = models, samples
        self.n_total = sum(s.n for s in samples)
        self.weights = [s.n / self.n_total for s in samples]
        self.meanstructure = models[0].meanstructure

        self._last: tuple[bytes, list] | None = None

    def _evaluate(self, x: np.ndarray) -> list:
        """Per group (implied moments, F_g, Sigma^-1), remembered for the last ``x`` so that the
        line search's evaluation is reused by the gradient at the accepted point."""
        key = x.tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        parts = []
        for model, sample in zip(self.models, self.samples):
            imp = model.implied(x)
            f, sigma_inv = ml_discrepancy(imp, sample, self.meanstructure)
            parts.append((imp, f, sigma_inv))
        self._last = (key, parts)
        return parts

    def value(self, x: np.ndarray) -> float:
        """sum_g w_g F_g(x); +inf where an implied covariance is not positive definite."""
        try:
            parts = self._evaluate(x)
        except NotPositiveDefinite:
            return np.inf
        return sum(w * f for w, (_, f, _) in zip(self.weights, parts))

    def value_and_gradient(self, x: np.ndarray):
        """Objective and gradient only (cheap: no Jacobian of Sigma is formed)."""
        total, grad = 0.0, np.zeros(len(x))
        for model, sample, w, (imp, f, sigma_inv) in zip(self.models, self.samples, self.weights,
                                                          self._evaluate(x)):
            moment, v = sample.cov, None
            if self.meanstructure:
                d = sample.mean - imp.mu
                v = sigma_inv @ d
                moment = sample.cov + np.outer(d, d)
            M = sigma_inv - sigma_inv @ moment @ sigma_inv
            grad += w * model.gradient(imp, M, v)
            total += w * f
        return total, grad

    def value_gradient_information(self, x: np.ndarray, exact: bool = False):
        """Objective, gradient and expected Hessian at ``x`` (and, with ``exact``, the observed
        Hessian as a fourth value).

        The observed Hessian of the covariance part is, with W = Sigma^-1, P_k = W dSigma_k and
        S* = S + d d',  -tr(P_k P_l) + 2 tr(P_k P_l W S*) + tr(M d2Sigma_kl) (the middle term is
        symmetrised as cross + cross'); the last term comes
        from :meth:`RamModel.second_derivative_term`. The mean part adds
        2 mu_k' W mu_l + 2 (mu_k' W Sigma_l W d + mu_l' W Sigma_k W d) - 2 d' W mu_kl.
        """
        npar = len(x)
        total, grad, hess = 0.0, np.zeros(npar), np.zeros((npar, npar))
        observed = np.zeros((npar, npar)) if exact else None
        for model, sample, w, (imp, f, sigma_inv) in zip(self.models, self.samples, self.weights,
                                                          self._evaluate(x)):
            moment, v = sample.cov, None
            if self.meanstructure:
                d = sample.mean - imp.mu
                v = sigma_inv @ d
                moment = sample.cov + np.outer(d, d)
                d_mu = model.mean_jacobian(imp)
                mean_part = 2.0 * (d_mu @ sigma_inv @ d_mu.T)
                hess += w * mean_part
            M = sigma_inv - sigma_inv @ moment @ sigma_inv
            grad += w * model.gradient(imp, M, v)
            expected = model.trace_products(imp, sigma_inv, sigma_inv)
            hess += w * expected
            if exact:
                # tr(W dS_k W dS_l W S*) = tr(P dS_k Q dS_l) with P = W S* W, Q = W
                cross = model.trace_products(imp, sigma_inv @ moment @ sigma_inv, sigma_inv)
                observed += w * (-expected + cross + cross.T + model.second_derivative_term(imp, M))
                if self.meanstructure:
                    # mu_k' W dSigma_l W d
                    mixed = d_mu @ sigma_inv @ _dsigma_times(model, imp, v)
                    observed += w * (mean_part + 2.0 * (mixed + mixed.T)
                                     - 2.0 * model.second_derivative_mean_term(imp, v))
            total += w * f
        if exact:
            return total, grad, hess, observed
        return total, grad, hess


def _dsigma_times(model: RamModel, imp, v: np.ndarray) -> np.ndarray:
    """dSigma_l v for every parameter l, as columns (p x npar)."""
    Z = np.concatenate([imp.FB, imp.C[: model.p, :]], axis=1)
    zv = Z.T @ v
    x, y, c = model._x, model._y, model._c
    cols = c * (Z[:, x] * zv[y] + Z[:, y] * zv[x])
    return cols @ model.K
