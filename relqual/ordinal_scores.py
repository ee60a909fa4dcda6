"""Factor scores of ordered items: empirical Bayes modal (EBM) scores, lavaan's default for
categorical data (``lavPredict(fit, method = "EBM")``, ``lav_predict_eta_ebm_ml``).

For one respondent with answers c_j on ordered items j (latent responses y*_j = nu_j +
lambda_j' eta + e_j, var(e_j) = theta_jj, thresholds tau_j) the score is the mode of the
posterior of eta (Shi & Lee 1997; Skrondal & Rabe-Hesketh 2004, ch. 7)::

    eta_hat = argmax  sum_j log [Phi(b_j) - Phi(a_j)] - (eta - mu)' Psi^-1 (eta - mu) / 2
    b_j = (tau_j,c_j - nu_j - lambda_j' eta) / sqrt(theta_jj),  a_j likewise with tau_j,c_j - 1

with mu and Psi the model-implied mean and covariance of the latent variables (tau_j,0 = -inf,
tau_j,K = +inf). The objective is concave, so Newton's method with step halving finds the one
maximum; each distinct answer pattern is solved once. A missing answer (code -1) contributes
nothing (its interval is the whole line), so a row is scored from the items it answered, as
lavaan does after ``missing = "pairwise"``.

Continuous items beside ordered ones (an item without thresholds, value y_j) add their normal
log density given eta, ``-(y_j - nu_j - lambda_j' eta)^2 / (2 theta_jj)``, as lavaan's
``lav_predict_fy_eta.i`` (``dnorm`` with the residual SD); the objective stays concave.
"""
from __future__ import annotations

import numpy as np
from scipy import special

_LOG_2PI = np.log(2.0 * np.pi)


def _interval(a: np.ndarray, b: np.ndarray):
    """log P(a < z <= b), and the derivatives of that log with respect to a and b."""
    # P = Phi(b) - Phi(a), computed in the tail that keeps precision
    upper = a > 0
    P = np.where(upper, special.ndtr(-a) - special.ndtr(-b), special.ndtr(b) - special.ndtr(a))
    P = np.maximum(P, 1e-300)
    pdf_a = np.where(np.isfinite(a), np.exp(-0.5 * np.where(np.isfinite(a), a, 0.0) ** 2
                                            - 0.5 * _LOG_2PI), 0.0)
    pdf_b = np.where(np.isfinite(b), np.exp(-0.5 * np.where(np.isfinite(b), b, 0.0) ** 2
                                            - 0.5 * _LOG_2PI), 0.0)
    a_pdf_a = np.where(np.isfinite(a), np.where(np.isfinite(a), a, 0.0) * pdf_a, 0.0)
    b_pdf_b = np.where(np.isfinite(b), np.where(np.isfinite(b), b, 0.0) * pdf_b, 0.0)
    return np.log(P), pdf_a / P, pdf_b / P, a_pdf_a / P, b_pdf_b / P


def _category_bounds(codes: np.ndarray, tau: list[np.ndarray]):
    """Per row and item the lower and upper threshold of the answered category (-inf, +inf
    for a missing answer, code -1)."""
    lower = np.column_stack([np.concatenate([[-np.inf], t])[codes[:, j]]
                             for j, t in enumerate(tau)])
    upper = np.column_stack([np.concatenate([t, [np.inf]])[codes[:, j]]
                             for j, t in enumerate(tau)])
    missing = codes < 0
    return np.where(missing, -np.inf, lower), np.where(missing, np.inf, upper)


def ebm_objective(codes: np.ndarray, eta: np.ndarray, tau: list[np.ndarray], nu: np.ndarray,
                  Lambda: np.ndarray, theta: np.ndarray, mu: np.ndarray,
                  Psi: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    """The log posterior of eta (up to a constant) that EBM scores maximize, per row.

    Parameters
    ----------
    codes : ndarray
        n x p category codes 0..K_j-1 (-1: missing).
    eta : ndarray
        n x m latent values.
    tau, nu, Lambda, theta, mu, Psi, values
        As :func:`ebm_scores`.

    Returns
    -------
    ndarray
        n values.

    Examples
    --------
    >>> import numpy as np
    >>> tau = [np.array([-0.5, 0.5])] * 3
    >>> codes = np.array([[2, 2, 2]])
    >>> args = (tau, np.zeros(3), np.full((3, 1), 0.8), np.full(3, 0.36), np.zeros(1), np.eye(1))
    >>> best = ebm_scores(codes, *args)
    >>> bool(ebm_objective(codes, best, *args)[0] > ebm_objective(codes, best + 0.01, *args)[0])
    True
    """
    sd = np.sqrt(theta)
    cont, y, seen = _continuous(codes, tau, values)
    lower, upper = _category_bounds(codes, tau)
    lin = nu[None, :] + eta @ Lambda.T
    logp = _interval((lower - lin) / sd, (upper - lin) / sd)[0].sum(axis=1)
    z = (y - lin[:, cont]) / sd[cont]
    d = eta - mu
    return (logp - 0.5 * (seen * z ** 2).sum(axis=1)
            - 0.5 * np.einsum("ij,jk,ik->i", d, np.linalg.inv(Psi), d))


def _continuous(codes: np.ndarray, tau: list[np.ndarray], values: np.ndarray | None):
    """The continuous items (no thresholds): their mask, their values (0 where missing) and
    where they are observed; their codes must be -1 (no category)."""
    cont = np.array([len(t) == 0 for t in tau], dtype=bool)
    if not cont.any():
        return cont, np.zeros((len(codes), 0)), np.zeros((len(codes), 0), dtype=bool)
    if values is None:
        raise ValueError("continuous items (without thresholds) need their values")
    if np.any(codes[:, cont] >= 0):
        raise ValueError("continuous items have no category codes: give them code -1")
    y = np.asarray(values, dtype=float)[:, cont]
    seen = ~np.isnan(y)
    return cont, np.where(seen, y, 0.0), seen


def ebm_scores(codes: np.ndarray, tau: list[np.ndarray], nu: np.ndarray, Lambda: np.ndarray,
               theta: np.ndarray, mu: np.ndarray, Psi: np.ndarray, *,
               values: np.ndarray | None = None, tol: float = 1e-10,
               max_iter: int = 100) -> np.ndarray:
    """EBM scores of answer patterns (formula in the module docstring).

    Parameters
    ----------
    codes : ndarray
        n x p category codes 0..K_j-1 (-1: missing).
    tau : list of ndarray
        Per item its thresholds (K_j - 1, increasing); none (empty) for a continuous item.
    nu, theta : ndarray
        Per item the intercept and residual variance of y*.
    Lambda : ndarray
        p x m loadings.
    mu, Psi : ndarray
        Mean (m) and covariance (m x m) of the latent variables.
    values : ndarray, optional
        n x p observations, read in the columns of continuous items (NaN: missing); needed
        when there are continuous items (their codes are -1).
    tol : float
        Newton stops when the largest step is below ``tol``.
    max_iter : int
        At most this many Newton steps per pattern.

    Returns
    -------
    ndarray
        n x m scores.

    Raises
    ------
    RuntimeError
        When a pattern's maximum is not found in ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> tau = [np.array([-0.5, 0.5])] * 3
    >>> codes = np.array([[0, 0, 0], [2, 2, 2], [1, 1, 1]])
    >>> ebm_scores(codes, tau, np.zeros(3), np.full((3, 1), 0.8), np.full(3, 0.36),
    ...            np.zeros(1), np.eye(1)).round(3).ravel().tolist()
    [-1.301, 1.301, 0.0]
    >>> ebm_scores(np.array([[2, -1, -1]]), tau, np.zeros(3), np.full((3, 1), 0.8),
    ...            np.full(3, 0.36), np.zeros(1), np.eye(1)).round(3).ravel().tolist()
    [0.837]

    A continuous third item (no thresholds) observed at 0.8:

    >>> mixed = [tau[0], tau[1], np.array([])]
    >>> ebm_scores(np.array([[2, 2, -1]]), mixed, np.zeros(3), np.full((3, 1), 0.8),
    ...            np.full(3, 0.36), np.zeros(1), np.eye(1),
    ...            values=np.array([[np.nan, np.nan, 0.8]])).round(3).ravel().tolist()
    [1.079]
    """
    cont, y, seen = _continuous(codes, tau, values)
    keys = np.column_stack([codes, y, seen])
    patterns, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    p = codes.shape[1]
    n_cont = int(cont.sum())
    codes_u = patterns[:, :p].astype(int)
    y, seen = patterns[:, p:p + n_cont], patterns[:, p + n_cont:].astype(bool)
    sd = np.sqrt(theta)
    lower, upper = _category_bounds(codes_u, tau)
    Psi_inv = np.linalg.inv(Psi)
    L = Lambda / sd[:, None]                                    # p x m
    L_c = L[cont]
    eta = np.tile(mu, (len(patterns), 1))

    def objective(e):
        lin = nu[None, :] + e @ Lambda.T
        a, b = (lower - lin) / sd, (upper - lin) / sd
        logp = _interval(a, b)[0].sum(axis=1)
        z = (y - lin[:, cont]) / sd[cont]
        d = e - mu
        return (logp - 0.5 * (seen * z ** 2).sum(axis=1)
                - 0.5 * np.einsum("ij,jk,ik->i", d, Psi_inv, d))

    value = objective(eta)
    for _ in range(max_iter):
        lin = nu[None, :] + eta @ Lambda.T
        a, b = (lower - lin) / sd, (upper - lin) / sd
        _, ra, rb, ara, brb = _interval(a, b)
        r = rb - ra                                             # d log P / d b ... per item
        z = seen * (y - lin[:, cont]) / sd[cont]                # continuous: standardized
        grad = -(r @ L) + z @ L_c - (eta - mu) @ Psi_inv
        w = (brb - ara) + r ** 2                                # -d2 log P / d lin^2 * theta
        w[:, cont] = seen                                       # continuous: 1 (observed)
        H = np.einsum("nj,jk,jl->nkl", w, L, L) + Psi_inv[None]  # minus the Hessian
        step = np.linalg.solve(H, grad[:, :, None])[:, :, 0]
        size = 1.0
        while True:
            trial = eta + size * step
            new = objective(trial)
            better = new >= value - 1e-12 * np.abs(value)
            if better.all() or size < 1e-8:
                break
            size *= 0.5
        eta, value = trial, new
        if np.abs(size * step).max() < tol:
            break
    else:
        raise RuntimeError("EBM factor scores: Newton's method did not converge")
    return eta[inverse]
