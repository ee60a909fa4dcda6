"""Satorra's (2000) scaled difference test of two nested ML fits, as lavaan's ``lavTestLRT``
computes it for the mean-and-variance corrected tests (MLMV, MLMVS; ``method =
"satorra.2000"``, ``scaled.shifted = TRUE``, ``A.method = "delta"``; lavaan
``lav_test_diff_Satorra2000``).

With M1 the less restricted model (estimates theta_1) and M0 the restricted one:

* Delta_1, Delta_0: the derivatives of all groups' statistics (means, vech(S)) with respect to
  each model's free parameters at its own estimates; H = Delta_1^+ Delta_0 and A (rows) an
  orthonormal basis of the orthogonal complement of H's columns (the restrictions of M0 in
  M1's parameters);
* P = sum_g f_g Delta_1g' W_g Delta_1g (M1's expected information, W_g ML's weight at M1's
  implied moments, f_g = n_g / N), Q = P^-1 A' (A P^-1 A')^+ A P^-1;
* tr(U Gamma) = sum_g f_g tr(W_g Gamma_g W_g Delta_1g Q Delta_1g'), and tr((U Gamma)^2) from
  U = V Delta_1 Q Delta_1' V with V = diag(W_g), Gamma = diag(f_g Gamma_g);
* m = df_0 - df_1, a = sqrt(m / tr((U Gamma)^2)), b = m - a tr(U Gamma): T_d = a (T_0 - T_1) + b
  on m degrees of freedom (Asparouhov & Muthen 2010), T the models' unscaled statistics.
"""
from __future__ import annotations

import numpy as np

from . import robustsem


def orthogonal_complement(H: np.ndarray, tol: float = 1e-7) -> np.ndarray:
    """Orthonormal columns spanning the orthogonal complement of the columns of ``H`` (the
    test does not depend on the basis chosen).

    Examples
    --------
    >>> orthogonal_complement(np.array([[1.0], [1.0]])).round(3).ravel().tolist()
    [-0.707, 0.707]
    """
    U, s, _ = np.linalg.svd(H, full_matrices=True)
    rank = int(np.sum(s > tol * s.max())) if s.size and s.max() > 0 else 0
    return U[:, rank:]


def satorra_2000(t_free: float, t_constrained: float, m: int, deltas_free: list,
                 delta_constrained: np.ndarray, weights: list, gammas: list,
                 nobs: list) -> dict:
    """The scaled-shifted difference test of M0 against M1 (module docstring).

    Parameters
    ----------
    t_free, t_constrained : float
        The unscaled statistics T_1 and T_0.
    m : int
        df_0 - df_1.
    deltas_free : list of ndarray
        Per group Delta_1g (statistics x M1's parameters) at M1's estimates.
    delta_constrained : ndarray
        Delta_0 of all groups stacked (statistics x M0's parameters) at M0's estimates.
    weights, gammas : list of ndarray
        Per group W_g (at M1's implied moments) and Gamma_g.
    nobs : list of int
        Per group n_g.

    Returns
    -------
    dict
        ``delta_chisq`` (T_d), ``delta_df`` (m), ``a``, ``b``, ``trace_ug``, ``trace_ug2``.

    Examples
    --------
    >>> D1 = [np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])]     # two parameters
    >>> D0 = np.array([[1.0], [1.0], [2.0]])                       # restricted: equal
    >>> out = satorra_2000(3.0, 5.0, 1, D1, D0, [np.eye(3)], [np.eye(3)], [100])
    >>> out["delta_df"], round(out["a"], 3), round(out["delta_chisq"], 3)
    (1, 1.0, 2.0)
    """
    if m == 0:
        return dict(delta_chisq=t_constrained - t_free, delta_df=0, a=np.nan, b=np.nan,
                    trace_ug=np.nan, trace_ug2=np.nan)
    D1 = np.vstack(deltas_free)
    A = orthogonal_complement(np.linalg.pinv(D1) @ delta_constrained).T
    f = [k / sum(nobs) for k in nobs]
    P_inv = np.linalg.inv(robustsem.information(deltas_free, weights, f))
    APA = A @ P_inv @ A.T
    small = np.sqrt(np.finfo(float).eps)
    A = A[~((np.abs(APA.sum(axis=0)) < small) & (np.abs(APA.sum(axis=1)) < small))]
    Q = P_inv @ A.T @ np.linalg.pinv(A @ P_inv @ A.T) @ A @ P_inv
    trace_ug = float(sum(fg * np.trace(W @ G @ W @ D @ Q @ D.T)
                         for fg, W, G, D in zip(f, weights, gammas, deltas_free)))
    V = robustsem.block_diag(weights)
    UG = V @ D1 @ Q @ D1.T @ V @ robustsem.block_diag([fg * G for fg, G in zip(f, gammas)])
    trace_ug2 = float(np.sum(UG * UG.T))
    a = np.sqrt(m / trace_ug2)
    b = m - a * trace_ug
    return dict(delta_chisq=float((t_constrained - t_free) * a + b), delta_df=int(m),
                a=float(a), b=float(b), trace_ug=trace_ug, trace_ug2=trace_ug2)
