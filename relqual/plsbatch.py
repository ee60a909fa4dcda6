"""The PLS algorithm on a stack of correlation matrices: many resamples at once.

A PLS fit needs only the indicators' correlation matrix ``S`` (:func:`relqual.pls.
estimate_weights`), so ``B`` resamples are ``B`` runs of the same small fixed-point iteration
on ``B`` matrices, which this module runs on a stack (used by the bootstrap,
:mod:`relqual.plsboot`, and the test of exact fit, :mod:`relqual.plsfitmeasures`):

1. A resample is a vector of row counts ``k`` (how often each row was drawn). With the rows
   centred at the full-sample means, ``x_i``, its moments are ``m = k'X / n`` and
   ``M2 = sum_i k_i x_i x_i' / n``, so the covariance matrices ``M2 - m m'`` of a chunk of draws
   come from one product of the count matrix with the rows' outer products; their correlations
   are the ``S`` of the standardized resamples (as a one-by-one refit restandardizes every
   resample).
2. The PLS iterations (:mod:`relqual.pls`, steps 2-6) run on the stack ``S[b]``, with the path
   scheme's regressions solved as a stack; every draw stops by its own rule (summed absolute
   weight change below ``tol``) and leaves the stack, so the last few draws (stragglers) iterate
   alone on a smaller stack.
3. Loadings (PLSc: consistent ones from rho_A), construct correlations and paths follow as in
   :func:`relqual.pls.fit_pls`.

A draw whose resample leaves an indicator constant, whose Mode B block or regressions are
singular (condition number above 1e12), or whose weights do not settle in ``max_iter``
iterations is reported as failed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pls import PLSModel


def row_counts(rows: np.ndarray, n: int) -> np.ndarray:
    """Draws x n: how often each row was drawn into each resample.

    Examples
    --------
    >>> row_counts(np.array([[0, 0, 2], [1, 2, 2]]), 3).tolist()
    [[2.0, 0.0, 1.0], [0.0, 1.0, 2.0]]
    """
    draws = len(rows)
    return np.bincount((rows + n * np.arange(draws)[:, None]).ravel(),
                       minlength=draws * n).reshape(draws, n).astype(float)


def resample_correlations(X: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The correlation matrices of resamples given by row counts (step 1 of the module
    docstring; a count of 0 leaves a row out, so the jackknife is ``1 - I``).

    Parameters
    ----------
    X : ndarray
        The rows the resamples draw from (n x p).
    counts : ndarray
        Draws x n: how often each row is in each resample (:func:`row_counts`).

    Returns
    -------
    S : ndarray
        Draws x p x p correlations of the resampled rows.
    usable : ndarray of bool
        Per draw, whether every indicator varies in the resample.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 3))
    >>> rows = rng.integers(0, 30, (2, 30))
    >>> S, usable = resample_correlations(X, row_counts(rows, 30))
    >>> bool(np.allclose(S[1], np.corrcoef(X[rows[1]], rowvar=False))), usable.tolist()
    (True, [True, True])
    """
    p = X.shape[1]
    total = counts.sum(axis=1)[:, None]
    centred = X - X.mean(axis=0)
    upper = np.triu_indices(p)
    products = centred[:, upper[0]] * centred[:, upper[1]]          # n x p(p+1)/2
    mean = counts @ centred / total
    second = counts @ products / total
    cov = np.empty((len(counts), p, p))
    cov[:, upper[0], upper[1]] = second - mean[:, upper[0]] * mean[:, upper[1]]
    cov[:, upper[1], upper[0]] = cov[:, upper[0], upper[1]]
    var = np.diagonal(cov, axis1=1, axis2=2).copy()
    usable = np.all(var > 1e-12 * centred.var(axis=0), axis=1)
    sd = np.sqrt(np.where(usable[:, None], var, 1.0))
    S = cov / (sd[:, :, None] * sd[:, None, :])
    idx = np.arange(p)
    S[:, idx, idx] = 1.0
    return S, usable


@dataclass
class BatchedEstimates:
    """What the algorithm gives for a stack of draws (first axis: draw), as
    :class:`relqual.pls.PLSFit` gives it for one: ``weights`` and ``loadings`` (indicators x
    constructs), ``paths`` and ``construct_cor`` (constructs x constructs), ``rho_a``
    (constructs), ``solved`` (per draw: the regressions could be solved)."""

    weights: np.ndarray
    loadings: np.ndarray
    paths: np.ndarray
    construct_cor: np.ndarray
    rho_a: np.ndarray
    solved: np.ndarray


class BatchedPLS:
    """The PLS algorithm (:func:`relqual.pls.fit_pls`) for a stack of correlation matrices.

    Parameters
    ----------
    model : relqual.pls.PLSModel
        The path model.
    settings : dict
        ``scheme``, ``consistent``, ``tol`` and ``max_iter`` (as :func:`relqual.pls.fit_pls`).

    Examples
    --------
    >>> from relqual.pls import PLSModel, fit_pls, standardize
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 1))
    >>> X = standardize(np.hstack([f + rng.normal(size=(200, 3)),
    ...                            0.5 * f + rng.normal(size=(200, 2))]))
    >>> model = PLSModel(["F", "G"], ["a1", "a2", "a3", "b1", "b2"],
    ...                  [np.arange(3), np.arange(3, 5)], ["A", "B"],
    ...                  np.array([[False, True], [False, False]]))
    >>> settings = dict(scheme="path", consistent=False, tol=1e-7, max_iter=300)
    >>> batch = BatchedPLS(model, settings)
    >>> counts = np.vstack([np.ones(200), row_counts(rng.integers(0, 200, (1, 200)), 200)])
    >>> S, usable = resample_correlations(X, counts)
    >>> W, settled = batch.weights(S)
    >>> est = batch.estimates(S, W)
    >>> one = fit_pls(X, model)                     # draw 0 is the full sample
    >>> bool(np.allclose(est.paths[0], one.paths, atol=1e-12)), settled.tolist()
    (True, [True, True])
    """

    def __init__(self, model: PLSModel, settings: dict):
        self.model = model
        self.settings = settings
        self.pairs = np.triu_indices(len(model.constructs), 1)
        self.M = model.membership()
        self.mode_b = [(j, block) for j, (block, mode) in enumerate(zip(model.blocks, model.modes))
                       if mode == "B" and len(block) > 1]
        self.reflective = model.reflective

    def htmt(self, S: np.ndarray) -> np.ndarray:
        """HTMT of every pair of constructs (upper triangle, row by row) of every draw, from
        the absolute item correlations (as :func:`relqual.plsmeasures.htmt_matrix`)."""
        model = self.model
        A = np.abs(S)
        within = np.ones((len(S), len(model.constructs)))
        for j, block in enumerate(model.blocks):
            if len(block) > 1:
                upper = np.triu_indices(len(block), 1)
                within[:, j] = A[:, block][:, :, block][:, upper[0], upper[1]].mean(axis=1)
        between = np.column_stack([A[:, model.blocks[a]][:, :, model.blocks[b]].mean(axis=(1, 2))
                                   for a, b in zip(*self.pairs)]) if len(self.pairs[0]) else \
            np.zeros((len(S), 0))
        return between / np.sqrt(within[:, self.pairs[0]] * within[:, self.pairs[1]])

    def weights(self, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outer weights of every draw (:func:`relqual.pls.estimate_weights` on a stack) and
        per draw whether its stop rule was met (singular draws count as not met)."""
        tol, max_iter = self.settings["tol"], self.settings["max_iter"]
        n_draws = len(S)
        out = np.full((n_draws, *self.M.shape), np.nan)
        settled = np.zeros(n_draws, dtype=bool)
        live = np.arange(n_draws)
        inverse = {}
        for j, block in self.mode_b:
            sub = S[:, block][:, :, block]
            singular = ~_well_conditioned(sub)
            inverse[j] = np.linalg.inv(np.where(singular[:, None, None], np.eye(len(block)),
                                                sub))
            live = live[~singular[live]]
        W = _unit_weights(S[live], np.broadcast_to(self.M, (len(live), *self.M.shape)))
        inverse = {j: inv[live] for j, inv in inverse.items()}
        S_live = S[live]
        for _ in range(max_iter):
            if not len(live):
                break
            SW = S_live @ W
            R = np.swapaxes(W, 1, 2) @ SW
            E, solved = self.inner_weights(R)
            C = SW @ E
            C = C / np.sqrt(((R @ E) * E).sum(axis=1))[:, None, :]
            new = self.M * C
            for j, block in self.mode_b:
                new[:, block, j] = np.einsum("bik,bk->bi", inverse[j], C[:, block, j])
            new = _unit_weights(S_live, new)
            change = np.abs(new - W).sum(axis=(1, 2))
            done = (change < tol) & solved
            out[live[done]] = new[done]
            settled[live[done]] = True
            keep = ~done & solved & np.isfinite(change)
            live, W, S_live = live[keep], new[keep], S_live[keep]
            inverse = {j: inv[keep] for j, inv in inverse.items()}
        return out, settled

    def inner_weights(self, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The scheme's inner weights of every draw (:func:`relqual.pls.inner_weights`) and
        whether the path scheme's regressions could be solved."""
        model = self.model
        scheme = self.settings["scheme"]
        adjacent = model.paths | model.paths.T
        if scheme == "factorial":
            return np.where(adjacent, R, 0.0), np.ones(len(R), dtype=bool)
        if scheme == "centroid":
            return np.where(adjacent, np.sign(R), 0.0), np.ones(len(R), dtype=bool)
        B, solved = self.regress(R)
        return np.where(model.paths.T, R, 0.0) + B, solved

    def regress(self, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`relqual.pls.PLSModel.regress` on a stack, with per draw whether it solved."""
        predictor, outcome, same = self.model.regressions
        B = np.zeros_like(R)
        solved = np.ones(len(R), dtype=bool)
        if len(predictor):
            system = np.where(same, R[:, predictor][:, :, predictor], 0.0)
            solved = _well_conditioned(system)
            system[~solved] = np.eye(len(predictor))
            B[:, predictor, outcome] = np.linalg.solve(system, R[:, predictor, outcome][..., None])[
                ..., 0]
        return B, solved

    def rho_a(self, S: np.ndarray, W: np.ndarray, SW: np.ndarray) -> np.ndarray:
        """Dijkstra-Henseler's rho_A of every construct of every draw (as
        :func:`relqual.pls.rho_a`; ``SW = S @ W``)."""
        ww = (W * W).sum(axis=1)
        diagonal = np.diagonal(S, axis1=1, axis2=2)[:, :, None]
        off_s = (SW * W).sum(axis=1) - (W * W * diagonal).sum(axis=1)
        off_w = ww ** 2 - (W ** 4).sum(axis=1)
        out = np.ones_like(ww)
        corrected = self.reflective
        out[:, corrected] = (ww ** 2 * off_s)[:, corrected] / off_w[:, corrected]
        return out

    def estimates(self, S: np.ndarray, W: np.ndarray) -> BatchedEstimates:
        """Loadings, construct correlations, rho_A and paths of every draw from its weights
        (as :func:`relqual.pls.fit_pls`; PLSc: disattenuated correlations and consistent
        loadings)."""
        SW = S @ W
        R = np.swapaxes(W, 1, 2) @ SW
        L = SW * self.M
        rho = self.rho_a(S, W, SW)
        if self.settings["consistent"]:
            q = np.where(self.reflective, np.sqrt(rho), 1.0)
            R = R / (q[:, :, None] * q[:, None, :])
            idx = np.arange(R.shape[1])
            R[:, idx, idx] = 1.0
            for j in np.flatnonzero(self.reflective):
                block = self.model.blocks[j]
                w = W[:, block, j]
                L[:, block, j] = w * (np.sqrt(rho[:, j]) / np.einsum("bi,bi->b", w, w))[:, None]
        B, solved = self.regress(R)
        return BatchedEstimates(weights=W, loadings=L, paths=B, construct_cor=R, rho_a=rho,
                                solved=solved)


def _unit_weights(S: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weights rescaled so that every draw's scores have unit variance (``w'Sw = 1``)."""
    return W / np.sqrt(((S @ W) * W).sum(axis=1))[:, None, :]


def _well_conditioned(A: np.ndarray) -> np.ndarray:
    """Per symmetric matrix of the stack: condition number below 1e12 (from its eigenvalues;
    the systems here are blocks of correlation matrices)."""
    values = np.abs(np.linalg.eigvalsh(A))
    return values.min(axis=1) > 1e-12 * values.max(axis=1)
