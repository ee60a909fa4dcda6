"""Improper (inadmissible) PLS solutions, named so a researcher sees them.

Plain PLS cannot produce them (its construct correlations are those of real scores, its
loadings correlations, its R² those of least squares), but consistent PLS can: it divides the
construct correlations by ``sqrt(rho_A,i rho_A,j)`` (Dijkstra & Henseler 2015), so a small
rho_A pushes corrected correlations, paths and R² beyond their bounds. cSEM's ``verify()``
(Rademaker & Schuberth) calls such a result inadmissible; the checks here are the same ones
(loadings, rho_A, a positive definite construct correlation matrix) plus the bounds a reader
checks first (correlations within -1 to 1, R² within 0 to 1).

Examples
--------
>>> import numpy as np
>>> from relqual.pls import PLSFit, PLSModel
>>> model = PLSModel(["A", "B"], ["a1", "a2", "b1", "b2"], [np.arange(2), np.arange(2, 4)],
...                  ["A", "A"], np.array([[False, True], [False, False]]))
>>> L = np.array([[0.9, 0], [1.1, 0], [0, 0.8], [0, 0.7]])
>>> R = np.array([[1, 1.2], [1.2, 1]])
>>> fit = PLSFit(np.zeros((4, 2)), np.zeros((0, 2)), np.array([[0, 1.2], [0, 0]]), L,
...              np.array([np.nan, 1.44]), R, np.array([0.6, 1.3]), 5, True)
>>> for message in improper_solution_messages(fit, model, consistent=True):
...     print(message)      # doctest: +NORMALIZE_WHITESPACE
improper solution: rho_A of 'B' is 1.300, above 1, so its consistent (PLSc) correction is not
defined
improper solution: the loading of 'a2' on 'A' is 1.100, beyond 1
improper solution: the corrected correlation between 'A' and 'B' is 1.200, beyond 1 (PLSc);
the construct correlation matrix is not positive definite
improper solution: R² of 'B' is 1.440, outside 0 to 1
"""
from __future__ import annotations

import numpy as np
from scipy.linalg.lapack import dpotrf as _potrf

from .pls import PLSFit, PLSModel

TOLERANCE = 1e-10         # rounding: a bound is crossed by more than this


def improper_solution_messages(fit: PLSFit, model: PLSModel, consistent: bool) -> list[str]:
    """The improper parts of one PLS (``consistent``: PLSc) solution, each a message.

    Parameters
    ----------
    fit : PLSFit
        The estimates (:func:`relqual.pls.fit_pls`).
    model : PLSModel
        Its model (names of constructs and indicators).
    consistent : bool
        PLSc; plain PLS (False) has nothing to check (see the module docstring).

    Returns
    -------
    list of str
        Empty for an admissible solution; see the module's example.
    """
    if not consistent:              # correlations of real scores: bounded by construction
        return []
    messages = []
    names = model.constructs
    for j in np.flatnonzero(model.reflective & (fit.rho_a > 1 + TOLERANCE)):
        messages.append(f"improper solution: rho_A of '{names[j]}' is {fit.rho_a[j]:.3f}, "
                        "above 1, so its consistent (PLSc) correction is not defined")
    for i, j in np.argwhere(np.abs(fit.loadings) > 1 + TOLERANCE):
        messages.append(f"improper solution: the loading of '{model.indicators[i]}' on "
                        f"'{names[j]}' is {fit.loadings[i, j]:.3f}, beyond 1")
    R = fit.construct_cor
    beyond = np.argwhere(np.triu(np.abs(R) > 1 + TOLERANCE, 1))
    for i, j in beyond:
        messages.append(f"improper solution: the corrected correlation between "
                        f"'{names[i]}' and '{names[j]}' is {R[i, j]:.3f}, beyond 1 (PLSc)")
    if not _positive_definite(R):
        text = "the construct correlation matrix is not positive definite"
        if len(beyond):
            messages[-1] += "; " + text
        else:
            messages.append(f"improper solution: {text} (PLSc)")
    r2 = fit.r2
    for j in np.flatnonzero(np.isfinite(r2) & ((r2 > 1 + TOLERANCE) | (r2 < -TOLERANCE))):
        messages.append(f"improper solution: R² of '{names[j]}' is {r2[j]:.3f}, outside 0 to 1")
    return messages


def _positive_definite(R: np.ndarray) -> bool:
    """Whether the symmetric ``R`` has a Cholesky factor (every eigenvalue positive)."""
    _, info = _potrf(R, lower=1)
    return info == 0 and bool(np.all(np.isfinite(R)))


def improper_draws(estimates, model: PLSModel) -> np.ndarray:
    """Per draw of a stack of PLSc estimates (:class:`relqual.plsbatch.BatchedEstimates`),
    whether :func:`improper_solution_messages` would say anything about it (a corrected
    correlation or loading beyond 1, rho_A above 1, a construct correlation matrix that is not
    positive definite, an R² outside 0 to 1).

    Examples
    --------
    >>> from relqual.plsbatch import BatchedEstimates
    >>> model = PLSModel(["A", "B"], ["a1", "a2", "b1", "b2"], [np.arange(2), np.arange(2, 4)],
    ...                  ["A", "A"], np.array([[False, True], [False, False]]))
    >>> R = np.array([[[1, 0.5], [0.5, 1]], [[1, 1.2], [1.2, 1]]])
    >>> L = np.tile([[0.9, 0], [0.8, 0], [0, 0.8], [0, 0.7]], (2, 1, 1))
    >>> est = BatchedEstimates(np.zeros((2, 4, 2)), L, np.zeros((2, 2, 2)), R,
    ...                        np.array([[0.8, 0.7], [0.8, 0.7]]), np.ones(2, dtype=bool))
    >>> improper_draws(est, model).tolist()
    [False, True]
    """
    R = estimates.construct_cor
    off_diagonal = ~np.eye(R.shape[1], dtype=bool)
    improper = (np.abs(R[:, off_diagonal]) > 1 + TOLERANCE).any(axis=1)
    improper |= (estimates.rho_a[:, model.reflective] > 1 + TOLERANCE).any(axis=1)
    improper |= (np.abs(estimates.loadings) > 1 + TOLERANCE).any(axis=(1, 2))
    endogenous = model.endogenous
    r2 = np.einsum("dij,dij->dj", estimates.paths, R)[:, endogenous]
    improper |= ((r2 > 1 + TOLERANCE) | (r2 < -TOLERANCE)).any(axis=1)
    finite = np.all(np.isfinite(R), axis=(1, 2))
    smallest = np.full(len(R), -np.inf)
    smallest[finite] = np.linalg.eigvalsh(R[finite])[:, 0]
    return improper | (smallest <= 0)
