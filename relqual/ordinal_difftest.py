"""The scaled difference test of two nested WLSMV models, as lavaan's ``lavTestLRT`` computes it
for ``estimator = "WLSMV"`` (its default ``method = "satorra.2000"``, ``scaled.shifted = TRUE``;
lavaan ``lav_test_diff_Satorra2000`` with ``A.method = "delta"``).

Satorra (2000, in Heijmans, Pollock & Satorra (eds.), *Innovations in Multivariate Statistical
Analysis*, 233-247) and Asparouhov & Muthen (2006, Mplus Web Note 10): with the less restricted
model M1 (estimates theta_1) and the restricted model M0,

* Delta_1, Delta_0: the derivatives of the statistics (thresholds, polychoric correlations) of
  all groups with respect to each model's parameters, at its own estimates;
* H = Delta_1^+ Delta_0 (``^+``: Moore-Penrose inverse); A (rows) spans the orthogonal
  complement of the columns of H: the restrictions that turn M1 into M0, A theta_1 = 0;
* P = sum_g f_g Delta_1g' W_g Delta_1g (M1's expected information, f_g = N_g / N), and
  M = P^-1 A' (A P^-1 A')^+ A P^-1;
* U = V Delta_1 M Delta_1' V with V = bdiag(W_g), Gamma = bdiag(f_g Gamma_g);
* m = df_0 - df_1, a = sqrt(m / tr((U Gamma)^2)), b = m - a tr(U Gamma), and the test
  T_d = a (T_0 - T_1) + b on m degrees of freedom, T the models' DWLS (unscaled) statistics.
"""
from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.linalg import block_diag

from .engine.threads import single_blas_thread


def orthogonal_complement(H: np.ndarray, tol: float = 1e-7) -> np.ndarray:
    """Orthonormal columns spanning the orthogonal complement of the columns of ``H`` (lavaan
    ``lav_matrix_orthogonal_complement``; the rank is counted with a relative tolerance).

    Parameters
    ----------
    H : ndarray
        n x k.
    tol : float
        Singular values below ``tol`` times the largest count as zero.

    Returns
    -------
    ndarray
        n x (n - rank(H)).

    Examples
    --------
    >>> import numpy as np
    >>> orthogonal_complement(np.array([[1.0], [1.0]])).round(3).ravel().tolist()
    [-0.707, 0.707]
    """
    U, s, _ = np.linalg.svd(H, full_matrices=True)
    rank = int(np.sum(s > tol * s.max())) if s.size and s.max() > 0 else 0
    return U[:, rank:]


def satorra_2000(free, constrained) -> dict:
    """The scaled-shifted difference test of ``constrained`` (M0) against ``free`` (M1), two
    WLSMV fits of the same data (formulas in the module docstring).

    Parameters
    ----------
    free, constrained : relqual.result.Result
        The less and the more restricted model (WLSMV, same rows and groups).

    Returns
    -------
    dict
        ``delta_chisq`` (T_d), ``delta_df`` (m), ``p_delta``, ``scale`` (a) and ``shift`` (b);
        for m = 0, T_0 - T_1 and NaN elsewhere (as lavaan).

    Raises
    ------
    ValueError
        When the models are not both WLSMV fits of the same statistics.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6"
    >>> free = rq.fit(model, hso, ordered=True, group="school")
    >>> equal = rq.fit(model, hso, ordered=True, group="school", group_equal=["loadings"])
    >>> test = satorra_2000(free, equal)
    >>> round(test["delta_chisq"], 3), test["delta_df"], round(test["p_delta"], 3)
    (8.133, 4.0, 0.087)
    """
    m1, m0 = free, constrained
    for res in (m1, m0):
        if res.problem.ordinal is None:
            raise ValueError("satorra_2000 compares WLSMV fits (ordered items) only")
    loss1, loss0 = m1.problem.loss, m0.problem.loss
    if [len(o) for o in loss1.obs] != [len(o) for o in loss0.obs] or not all(
            np.allclose(a, b) for a, b in zip(loss1.obs, loss0.obs)):
        raise ValueError("the two models were not fitted to the same sample statistics")
    f1, f0 = m1.fit_measures(), m0.fit_measures()
    T1, T0, r1, r0 = f1["chisq"], f0["chisq"], f1["df"], f0["df"]
    m = r0 - r1
    if m == 0:
        return dict(delta_chisq=float(T0 - T1), delta_df=0.0, p_delta=np.nan, scale=np.nan,
                    shift=np.nan)
    with single_blas_thread():
        return _satorra_2000(m1, m0, loss1, loss0, T0 - T1, m)


def _satorra_2000(m1, m0, loss1, loss0, T_diff: float, m: float) -> dict:
    inf1 = m1.estimate.inference.wls
    D1 = np.vstack(inf1.deltas)
    D0 = np.vstack([loss0.delta(m0.x, g) for g in range(len(loss0.models))])
    Q, R = np.linalg.qr(D1)                     # D1^+ D0 (D1 has full column rank) ...
    d = np.abs(np.diag(R))
    if d.min() > 1e-10 * d.max():
        H = np.linalg.solve(R, Q.T @ D0)
    else:                                       # ... else the Moore-Penrose inverse
        H = np.linalg.pinv(D1) @ D0
    A = orthogonal_complement(H).T
    P_inv = inf1.E_inv
    APA = A @ P_inv @ A.T
    keep = ~((np.abs(APA.sum(axis=0)) < np.sqrt(np.finfo(float).eps))
             & (np.abs(APA.sum(axis=1)) < np.sqrt(np.finfo(float).eps)))
    A = A[keep]
    PA = P_inv @ A.T
    M = PA @ np.linalg.pinv(A @ PA) @ PA.T
    N = loss1.n_total
    fg = [s.n / N for s in loss1.stats]
    V = np.concatenate(loss1.w)
    G = block_diag(*[f_ * s.gamma for f_, s in zip(fg, loss1.stats)])
    VD = V[:, None] * D1
    UG = VD @ M @ VD.T @ G
    tr1, tr2 = float(np.trace(UG)), float(np.sum(UG * UG.T))
    a = np.sqrt(m / tr2)
    b = m - a * tr1
    T = T_diff * a + b
    return dict(delta_chisq=float(T), delta_df=float(m), p_delta=float(stats.chi2.sf(T, m)),
                scale=float(a), shift=float(b))
