"""Symmetric positive definite matrices by their Cholesky factors: the inverses and
log-determinants of a stack, and a proof that the smallest eigenvalue exceeds a bound.

The batched refits (:mod:`relqual.engine.batched`, :func:`relqual.engine.inference.
vcov_from_information_batch`) invert dozens of small positive definite matrices at once. With
BLAS on one thread (as relqual runs them), a loop over LAPACK's ``dpotrf`` (the factor L) and
``dpotri`` (the lower triangle of ``(L L')^-1``) takes less time than numpy's batched
``cholesky`` and ``inv`` (0.30 vs 0.45 ms for 50 matrices of 20 x 20, 2.2 vs 4.2 ms for
49 x 49, measured on 2 cores). The full inverse is the lower triangle plus its transpose, the
diagonal counted once (0.08 ms for 50 matrices of 49 x 49, where ``numpy.tril`` twice took
0.23 ms).
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import lapack


def spd_inverses(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverses, log-determinants and positive definiteness of a stack of symmetric matrices.

    Parameters
    ----------
    stack : ndarray
        Matrices x p x p, symmetric.

    Returns
    -------
    inverses : ndarray
        Matrices x p x p; zeros for a matrix that is not positive definite.
    logdets : ndarray
        log|A| per matrix, 2 sum(log diag L); 0 for a matrix that is not positive definite.
    ok : ndarray of bool
        Per matrix: positive definite (its factor and inverse exist).

    Examples
    --------
    >>> A = np.array([[[2., 1], [1, 2]], [[1., 1], [1, 1]]])
    >>> inverses, logdets, ok = spd_inverses(A)
    >>> ok.tolist(), bool(np.allclose(inverses[0], np.linalg.inv(A[0])))
    ([True, False], True)
    >>> bool(np.isclose(logdets[0], np.log(3.0))), inverses[1].tolist()
    (True, [[0.0, 0.0], [0.0, 0.0]])
    """
    count, p = stack.shape[:2]
    lower = np.zeros((count, p, p))
    diagonal = np.ones((count, p))
    ok = np.zeros(count, dtype=bool)
    for k in range(count):
        factor, status = lapack.dpotrf(stack[k], lower=1)     # upper triangle zeroed
        if status == 0:
            diagonal[k] = factor.diagonal()
            lower[k], status = lapack.dpotri(factor, lower=1)   # upper triangle stays zero
            ok[k] = status == 0
    inverses = lower + lower.transpose(0, 2, 1)
    d = np.arange(p)
    inverses[:, d, d] = lower[:, d, d]
    return inverses, 2.0 * np.log(diagonal).sum(axis=1), ok


def smallest_eigenvalue_above(matrix: np.ndarray, bound: float) -> bool:
    """Whether the smallest eigenvalue of the symmetric ``matrix`` provably exceeds ``bound``,
    from its Cholesky factor L (a few microseconds, against an eigendecomposition):
    ``1 / lambda_min <= sum(1 / lambda_i) = trace(matrix^-1) = ||L^-1||_F^2`` (the eigenvalues
    of ``matrix^-1 = L^-T L^-1`` are the positive ``1 / lambda_i``). False when ``matrix`` is
    not positive definite or the bound is not met; then the caller's eigenvalues decide.

    Examples
    --------
    >>> smallest_eigenvalue_above(np.array([[1, .5], [.5, 1]]), 1e-10)
    True
    >>> smallest_eigenvalue_above(np.array([[1, 1], [1, 1.]]), 1e-10)
    False
    """
    factor, info = lapack.dpotrf(matrix, lower=1)
    if info != 0:
        return False
    inverse, info = lapack.dtrtri(factor, lower=1)
    return bool(info == 0 and 1.0 / (inverse * inverse).sum() > bound)
