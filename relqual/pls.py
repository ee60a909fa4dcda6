"""The PLS-SEM algorithm: composite weights, construct scores, paths and loadings (numpy only).

Lohmöller's (1989) PLS path algorithm as SmartPLS and seminr run it (Hair, Hult, Ringle &
Sarstedt 2022, ch. 3; Wold 1982):

1. Indicators are standardized (mean 0, standard deviation 1 with divisor n - 1).
2. Outer weights start at 1; every construct score ``Y_j = X_j w_j`` is rescaled to unit
   variance.
3. Inner weights ``E`` between adjacent constructs: *path* scheme: a construct's predecessors
   get the coefficients of its regression on them, its successors their correlation with it;
   *factorial*: the correlation; *centroid*: the sign of the correlation.
4. Inner proxies ``Z = Y E``, standardized.
5. New outer weights: Mode A (``=~``) ``w_j = cov(X_j, Z_j)``; Mode B (``<~``)
   ``w_j = cov(X_j)^-1 cov(X_j, Z_j)``; then rescaled so the scores have unit variance.
6. Repeat from 3 until the summed absolute change of the weights is below ``tol`` (1e-7) or
   ``max_iter`` (300) iterations have run (SmartPLS's and seminr's stop rule).

Then the path coefficients are the OLS regressions of each endogenous construct's scores on its
predecessors' scores, the loadings the correlations of indicators with their construct's scores.

Consistent PLS (Dijkstra & Henseler 2015, *MIS Quarterly* 39(2), 297-316) corrects the
construct correlations of Mode A constructs for attenuation with
``rho_A = (w'w)^2 w'(S - diag S)w / (w'(ww' - diag ww')w)`` (S: the block's indicator
correlations): corrected correlation ``r_ij / sqrt(rho_A,i rho_A,j)``, consistent loadings
``w sqrt(rho_A) / (w'w)``, and paths by OLS on the corrected correlations.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.linalg.lapack import dgesv as _gesv

SCHEMES = ("path", "factorial", "centroid")


@dataclass(frozen=True)
class PLSModel:
    """The structure of a PLS path model.

    Attributes
    ----------
    constructs : list of str
        The constructs, in model order.
    indicators : list of str
        Every indicator once, block by block (a construct's items are contiguous).
    blocks : list of ndarray
        Per construct the positions of its indicators in ``indicators``.
    modes : list of str
        Per construct "A" (``=~``) or "B" (``<~``).
    paths : ndarray of bool
        ``paths[i, j]``: construct i predicts construct j.
    """

    constructs: list
    indicators: list
    blocks: list
    modes: list
    paths: np.ndarray

    @cached_property
    def regressions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every structural regression at once: (predictor, outcome) positions of all paths, in
        outcome order, and the mask of the block-diagonal system that solves them together."""
        predictor = np.concatenate([np.flatnonzero(self.paths[:, j]) for j in self.endogenous]
                                   or [np.zeros(0, dtype=int)]).astype(int)
        outcome = np.concatenate([np.full(int(self.paths[:, j].sum()), j)
                                  for j in self.endogenous] or [np.zeros(0, dtype=int)]).astype(int)
        return predictor, outcome, outcome[:, None] == outcome[None, :]

    def regress(self, R: np.ndarray) -> np.ndarray:
        """The coefficients of every construct on its predecessors from correlations ``R``
        (one block-diagonal solve; constructs x constructs, row predicts column)."""
        B = np.zeros_like(R)
        predictor, outcome, _ = self.regressions
        if len(predictor):
            B[predictor, outcome] = self.path_coefficients(R)
        return B

    def path_coefficients(self, R: np.ndarray) -> np.ndarray:
        """The coefficients of all paths (in the order of :attr:`regressions`) from the
        correlations ``R``: LAPACK's ``dgesv`` (LU with partial pivoting, what
        ``numpy.linalg.solve`` calls) on the block-diagonal system, without numpy's wrapper."""
        cells, same, _ = self._path_system
        m = len(same)
        taken = R.take(cells)                     # the system's cells, then the right sides
        *_, coefficients, info = _gesv(taken[:m * m].reshape(m, m) * same, taken[m * m:])
        if info != 0:
            raise np.linalg.LinAlgError("Singular matrix")
        return coefficients

    @cached_property
    def _path_system(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat positions in a constructs x constructs matrix of the block-diagonal system's
        cells followed by those of the paths (predictor, outcome), the system's 0/1 mask, and
        the paths' flat positions."""
        predictor, outcome, same = self.regressions
        k = len(self.constructs)
        paths = predictor * k + outcome
        system = (predictor[:, None] * k + predictor[None, :]).ravel()
        return np.concatenate([system, paths]), same.astype(float), paths

    @cached_property
    def recursive(self) -> bool:
        """No feedback loop among the paths: no construct predicts itself, directly or through
        others (then a path's cell and its reverse are never both set)."""
        return not in_feedback_loops(self.paths).any()

    @cached_property
    def construct_position(self) -> dict[str, int]:
        """Construct name -> its position in ``constructs``."""
        return {c: k for k, c in enumerate(self.constructs)}

    @cached_property
    def indicator_position(self) -> dict[str, int]:
        """Indicator name -> its position in ``indicators``."""
        return {v: k for k, v in enumerate(self.indicators)}

    @cached_property
    def endogenous(self) -> list[int]:
        """Positions of the constructs with at least one predecessor."""
        return [j for j in range(len(self.constructs)) if self.paths[:, j].any()]

    @cached_property
    def reflective(self) -> np.ndarray:
        """Per construct: a Mode A block of several indicators (what rho_A and PLSc correct)."""
        return np.array([m == "A" and len(b) > 1 for m, b in zip(self.modes, self.blocks)],
                        dtype=bool)

    @cached_property
    def _mode_b(self) -> list[tuple[int, np.ndarray]]:
        """(position, block) of every Mode B construct of several indicators."""
        return [(j, block) for j, (block, mode) in enumerate(zip(self.blocks, self.modes))
                if mode == "B" and len(block) > 1]

    @cached_property
    def adjacent(self) -> np.ndarray:
        """Constructs joined by a path in either direction."""
        return self.paths | self.paths.T

    def membership(self) -> np.ndarray:
        """Indicator x construct 0/1 matrix of the blocks (a new array)."""
        return self._membership.copy()

    @cached_property
    def _membership(self) -> np.ndarray:
        out = np.zeros((len(self.indicators), len(self.constructs)))
        for j, block in enumerate(self.blocks):
            out[block, j] = 1.0
        return out

    @cached_property
    def successors(self) -> np.ndarray:
        """``successors[k, j]`` = 1.0 when j predicts k (the path scheme's correlation cells)."""
        return self.paths.T.astype(float)


def in_feedback_loops(paths: np.ndarray) -> np.ndarray:
    """Per construct, whether it is left after removing, again and again, every construct with
    no predecessor or no successor among those left (``paths[i, j]``: i predicts j): the
    constructs on feedback loops and between them; none for a recursive model.

    Examples
    --------
    >>> paths = np.zeros((4, 4), dtype=bool)
    >>> paths[0, 1] = paths[1, 2] = paths[2, 1] = paths[2, 3] = True   # 0 -> 1 <-> 2 -> 3
    >>> in_feedback_loops(paths).tolist()
    [False, True, True, False]
    """
    remaining = np.ones(len(paths), dtype=bool)
    while True:
        ends = remaining & (~paths[remaining].any(axis=0) | ~paths[:, remaining].any(axis=1))
        if not ends.any():
            return remaining
        remaining &= ~ends


@dataclass(frozen=True)
class PLSFit:
    """What one run of the algorithm gives (all on standardized indicators).

    ``weights`` (indicators x constructs, zero outside the blocks), ``scores`` (rows x
    constructs, unit variance), ``paths`` (constructs x constructs: row predicts column),
    ``loadings`` (indicators x constructs, zero outside the blocks), ``r2`` (per construct, NaN
    for exogenous ones), ``construct_cor`` (the correlations the paths were computed from;
    PLSc: disattenuated), ``rho_a`` (per construct), ``iterations``, ``converged``.
    """

    weights: np.ndarray
    scores: np.ndarray
    paths: np.ndarray
    loadings: np.ndarray
    r2: np.ndarray
    construct_cor: np.ndarray
    rho_a: np.ndarray
    iterations: int
    converged: bool


def standardize(X: np.ndarray, sd: np.ndarray | None = None) -> np.ndarray:
    """Columns with mean 0 and standard deviation 1 (divisor n - 1, as R's ``scale``);
    ``sd``: the columns' standard deviations, when the caller has them."""
    centred = X - X.mean(axis=0)
    if sd is None:
        sd = np.sqrt((centred * centred).sum(axis=0) / (len(X) - 1))
    return centred / sd


def inner_weights(R: np.ndarray, model: PLSModel, scheme: str) -> np.ndarray:
    """The inner weighting matrix E of the scheme, from the score correlations ``R``."""
    if scheme == "factorial":
        return np.where(model.adjacent, R, 0.0)
    if scheme == "centroid":
        return np.where(model.adjacent, np.sign(R), 0.0)
    E = R * model.successors                      # successors: correlations (j -> k: E[k, j])
    paths = model._path_system[2]
    if not len(paths):
        return E
    if model.recursive:                           # predecessors: regression coefficients, in
        E.put(paths, model.path_coefficients(R))  # cells that are 0 without feedback loops
    else:
        E.ravel()[paths] += model.path_coefficients(R)
    return E


def estimate_weights(S: np.ndarray, model: PLSModel, scheme: str = "path", tol: float = 1e-7,
                     max_iter: int = 300) -> tuple[np.ndarray, int, bool]:
    """Outer weights by the PLS iterations (steps 2-6 of the module docstring).

    Everything the iterations need is the indicators' correlation matrix ``S``: scores
    ``Y = X W`` have correlations ``W'SW``, and the covariances of the indicators with the inner
    proxies ``Z = Y E`` are ``S W E`` (divided by the proxies' standard deviations). Working on
    ``S`` (p x p) rather than the rows makes an iteration independent of n.

    Returns the weights (indicators x constructs), the iterations run and whether the stop rule
    was met.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown PLS weighting scheme '{scheme}'; choose from "
                         + ", ".join(SCHEMES))
    M = model._membership
    p = len(M)
    lift = np.zeros((2 * p, p))                   # [I; S]: lift @ W stacks W over S W
    lift.ravel()[:p * p:p + 1] = 1.0
    lift[p:] = S
    stacked = lift @ M
    stacked /= np.sqrt(np.add.reduce(stacked[:p] * stacked[p:], 0))
    W, SW = stacked[:p], stacked[p:]
    mode_b = model._mode_b
    inverse = {j: np.linalg.inv(S[np.ix_(block, block)]) for j, block in mode_b}
    for iteration in range(1, max_iter + 1):
        E = inner_weights(W.T @ SW, model, scheme)
        # cov(indicator, proxy) up to each proxy's positive standard deviation, a factor per
        # column that the rescaling below removes again
        new = SW @ E
        new *= M                                  # Mode A
        for j, block in mode_b:
            new[block, j] = inverse[j] @ new[block, j]
        stacked = lift @ new                      # the new weights over S times them (the
        new, S_new = stacked[:p], stacked[p:]     # next iteration's S W), rescaled together
        stacked /= np.sqrt(np.add.reduce(new * S_new, 0))
        change = np.add.reduce(np.abs(new - W), None)
        W, SW = new, S_new
        if change < tol:
            return W, iteration, True
    return W, max_iter, False


def rho_a(S: np.ndarray, W: np.ndarray, model: PLSModel, R: np.ndarray | None = None
          ) -> np.ndarray:
    """Dijkstra-Henseler's rho_A per construct (1 for single items and Mode B composites,
    which are not corrected for attenuation, as seminr and SmartPLS report them); ``R``: the
    scores' correlations ``W'SW``, when the caller has them.

    With ``W`` zero outside the blocks, every construct's ``w'(S - diag S)w`` is
    ``diag(W'SW) - sum(w^2 diag S)`` and ``w'(ww' - diag ww')w`` is ``(w'w)^2 - sum(w^4)``.
    """
    squares = W * W
    ww = squares.sum(axis=0)
    explained = ((S @ W) * W).sum(axis=0) if R is None else R.diagonal()
    off_s = explained - S.diagonal() @ squares
    off_w = ww ** 2 - (squares * squares).sum(axis=0)
    corrected = model.reflective
    out = np.full(len(model.constructs), 1.0)
    out[corrected] = (ww ** 2 * off_s)[corrected] / off_w[corrected]
    return out


def fit_pls(X: np.ndarray, model: PLSModel, scheme: str = "path", consistent: bool = False,
            tol: float = 1e-7, max_iter: int = 300, S: np.ndarray | None = None) -> PLSFit:
    """Run PLS (``consistent=True``: PLSc for the Mode A constructs) on standardized ``X``
    (``S``: its correlation matrix ``X'X / (n - 1)``, when the caller has it).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 1))
    >>> X = standardize(np.hstack([f + rng.normal(size=(200, 3)),
    ...                            0.5 * f + rng.normal(size=(200, 2))]))
    >>> model = PLSModel(["F", "G"], ["a1", "a2", "a3", "b1", "b2"],
    ...                  [np.arange(3), np.arange(3, 5)], ["A", "A"],
    ...                  np.array([[False, True], [False, False]]))
    >>> res = fit_pls(X, model)
    >>> res.converged, bool(0 < res.paths[0, 1] < 1)
    (True, True)
    """
    if S is None:
        S = X.T @ X / (len(X) - 1)
    W, iterations, converged = estimate_weights(S, model, scheme, tol, max_iter)
    SW = S @ W
    R = W.T @ SW
    rho = rho_a(S, W, model, R)
    L = SW * model._membership
    if consistent:
        reflective = model.reflective
        q = np.where(reflective, np.sqrt(rho), 1.0)
        R = R / np.outer(q, q)
        np.fill_diagonal(R, 1.0)
        for j in np.flatnonzero(reflective):
            block = model.blocks[j]
            w = W[block, j]
            L[block, j] = w * np.sqrt(rho[j]) / (w @ w)
    B = model.regress(R)
    r2 = np.full(len(model.constructs), np.nan)
    endogenous = model.endogenous
    r2[endogenous] = (B * R).sum(axis=0)[endogenous]
    return PLSFit(weights=W, scores=X @ W, paths=B, loadings=L, r2=r2, construct_cor=R,
                  rho_a=rho, iterations=iterations, converged=converged)
