"""The maximum-likelihood discrepancy, its gradient and its Hessians (expected and observed).

The data enter as *pieces*: a group's complete data, or (full-information ML) the rows of one
missing-data pattern, which see only their observed variables o. For a piece with n rows, mean
ybar, covariance S (divisor n) and implied Sigma_oo, mu_o (Joreskog 1967; Bollen 1989,
eq. 4.67; Arbuckle 1996 for the pattern-wise form):

    F = log|Sigma_oo| + tr(S Sigma_oo^-1) - c + (ybar - mu_o)' Sigma_oo^-1 (ybar - mu_o)

with c = log|S| + p for complete data (so that F = 0 for a saturated model) and c = 0 for
patterns. The objective is sum_pieces (n / N) F; for complete data the chi-square is N times its
minimum, and -N/2 times it is the log-likelihood up to a constant.

Gradient, with d = ybar - mu and M = W (Sigma - S - d d') W, W = Sigma_oo^-1:

    dF/dtheta_k = tr(M dSigma_k) - 2 d' W dmu_k

Expected second derivative (2/N times the Fisher information):

    E[d2F/dtheta_k dtheta_l] = tr(W dSigma_k W dSigma_l) + 2 dmu_k' W dmu_l

and the observed one adds the terms in :meth:`MLLoss.value_gradient_information`.

Under FIML the patterns of a group are handled by pattern blocks (:class:`PatternBlock`):
Sigma_oo is inverted once per pattern size for all patterns of that size, and the sums over
patterns in the gradient and the Hessians are batched products of matrices padded to p x p
with zeros outside each pattern's observed variables: Kronecker sums over the patterns for up
to 45 variables (:mod:`relqual.engine.kronecker`), Gram matrices Z' P_pad Z = Z_o' P_oo Z_o
beyond.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.linalg import lapack

from . import kronecker
from .matrices import RamModel
from .samplestats import SampleStats


class NotPositiveDefinite(ArithmeticError):
    """The implied covariance matrix is not positive definite at this parameter vector.

    Examples
    --------
    >>> import numpy as np
    >>> import relqual as rq
    >>> loss = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")).problem.loss
    >>> bad = np.array([0.8, 1.1, -5.0, 1.0, 0.6, 0.5])      # a negative residual variance
    >>> try:
    ...     loss.evaluate(bad)
    ... except NotPositiveDefinite:
    ...     print("not positive definite")
    not positive definite
    >>> loss.value(bad)
    inf
    """


@dataclass(frozen=True)
class Piece:
    """Data the discrepancy sees: a group's rows, or one missing-data pattern of them.

    Parameters
    ----------
    group : int
        Position (0-based) of the group's model in the loss's model list.
    obs : ndarray or None
        Positions of the observed variables; None = all.
    n : int
        The number of rows.
    mean, cov : ndarray
        Their means and covariance matrix (divisor n), over ``obs``.
    constant : float
        ``log|S| + p`` for complete data (so that F = 0 for a saturated model), 0 for a pattern.
    rows : ndarray, optional
        The piece's rows in the group's data; None = all.

    Examples
    --------
    >>> import relqual as rq
    >>> hsm = rq.datasets.load("holzinger_swineford_missing")
    >>> pieces = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml").problem.loss.pieces
    >>> len(pieces), pieces[0].n, pieces[1].n, pieces[1].obs.tolist(), pieces[1].constant
    (9, 246, 16, [1, 2, 3], 0.0)
    """

    group: int                      # position of the group's model in the model list
    obs: np.ndarray | None          # observed variable positions; None = all
    n: int
    mean: np.ndarray
    cov: np.ndarray
    constant: float                 # log|S| + p for complete data, 0 for a pattern
    rows: np.ndarray | None = None  # the piece's rows in the group's data; None = all

    @classmethod
    def complete(cls, group: int, sample: SampleStats) -> Piece:
        """A group's complete data.

        Parameters
        ----------
        group : int
            0-based position of the group's model.
        sample : SampleStats
            The group's moments.

        Returns
        -------
        Piece

        Examples
        --------
        >>> import numpy as np
        >>> sample = SampleStats.from_array(np.array([[1., 2], [2, 1], [3, 5]]), ["a", "b"])
        >>> piece = Piece.complete(0, sample)
        >>> piece.n, piece.obs, round(float(piece.constant), 4)    # log|S| + p
        (3, None, 1.923)
        """
        return cls(group, None, sample.n, sample.mean, sample.cov,
                   sample.logdet_cov + len(sample.mean))

    @classmethod
    def pattern(cls, group: int, pattern) -> Piece:
        """The rows of one missing-data pattern (engine.missing.Pattern) of a group.

        Parameters
        ----------
        group : int
            0-based position of the group's model.
        pattern : Pattern
            From :func:`relqual.engine.missing.missing_patterns`.

        Returns
        -------
        Piece

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.engine.missing import missing_patterns
        >>> values = np.array([[1., 2], [2, np.nan], [3, 5], [4, 3]])
        >>> [(p.n, p.obs.tolist()) for p in map(lambda pat: Piece.pattern(0, pat),
        ...                                     missing_patterns(values))]
        [(3, [0, 1]), (1, [0])]
        """
        return cls(group, pattern.obs, pattern.n, pattern.mean, pattern.cov, 0.0, pattern.rows)

    def in_group(self, group: int) -> Piece:
        """The same piece assigned to another group position.

        Parameters
        ----------
        group : int
            The new 0-based position.

        Returns
        -------
        Piece

        Examples
        --------
        >>> import numpy as np
        >>> sample = SampleStats.from_array(np.array([[1., 2], [2, 1], [3, 5]]), ["a", "b"])
        >>> Piece.complete(1, sample).in_group(0).group
        0
        """
        return Piece(group, self.obs, self.n, self.mean, self.cov, self.constant, self.rows)


@dataclass(frozen=True)
class PatternBlock:
    """Missing-data patterns of one group as a block: their matrices padded to p x p (zero
    outside each pattern's observed variables) and stacked, so that sums over patterns are
    batched products (FIML by pattern blocks). A group with many patterns and variables is cut
    into several blocks, which bounds the memory of the stacks.

    Parameters
    ----------
    group : int
        The group's position.
    members : ndarray of int
        The positions of the group's pieces in the loss's piece list.
    p : int
        The group's number of observed variables.
    obs : list of ndarray
        Per pattern the observed positions (all p for complete rows).
    flat : list of ndarray
        Per pattern the positions of its observed block in a flattened p x p matrix.
    weights : ndarray
        Per pattern its weight n_k / N.
    cov : ndarray
        K x p x p: the patterns' sample covariance matrices, padded.
    sizes : list of tuple
        Per number of observed variables s: ``(pieces, O, cov, mean, constant)``, the
        positions of its patterns in the piece list, their observed positions (n_s x s) and
        their stacked moments, for batched inverses of Sigma_oo.

    Examples
    --------
    >>> import relqual as rq
    >>> hsm = rq.datasets.load("holzinger_swineford_missing")
    >>> loss = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml").problem.loss
    >>> [block] = PatternBlock.of_group(0, 4, loss.pieces, loss.weights)
    >>> len(block.members), block.cov.shape, block.obs[1].tolist()
    (9, (9, 4, 4), [1, 2, 3])
    >>> float(block.cov[1, 0].sum())                 # x1 is not observed in pattern 2
    0.0
    """

    group: int
    members: np.ndarray
    p: int
    obs: list
    flat: list
    weights: np.ndarray
    cov: np.ndarray
    sizes: list

    @classmethod
    def of_group(cls, group: int, p: int, pieces: list[Piece], weights: list[float],
                 max_cells: int = 2 ** 22) -> list[PatternBlock]:
        """The blocks of ``group``'s pieces, each with at most ``max_cells`` cells in a
        K x p x p stack (32 MB; at least one pattern).

        Parameters
        ----------
        group : int
            The group's position.
        p : int
            Its number of observed variables.
        pieces : list of Piece
            The loss's pieces (of every group).
        weights : list of float
            Their weights.
        max_cells : int
            The largest K p^2 of a block.

        Returns
        -------
        list of PatternBlock

        Examples
        --------
        >>> import relqual as rq
        >>> loss = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford")
        ...               ).problem.loss
        >>> PatternBlock.of_group(0, 3, loss.pieces, loss.weights)[0].weights
        array([1.])
        >>> hsm = rq.datasets.load("holzinger_swineford_missing")
        >>> loss = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml").problem.loss
        >>> [len(b.members) for b in PatternBlock.of_group(0, 4, loss.pieces, loss.weights, 64)]
        [4, 4, 1]
        """
        members = [k for k, piece in enumerate(pieces) if piece.group == group]
        per_block = max(1, max_cells // (p * p))
        return [cls._block(group, p, pieces, weights, members[start:start + per_block])
                for start in range(0, len(members), per_block)]

    @classmethod
    def _block(cls, group: int, p: int, pieces: list[Piece], weights: list[float],
               members: list[int]) -> PatternBlock:
        obs = [np.arange(p) if pieces[k].obs is None else pieces[k].obs for k in members]
        flat = [(o[:, None] * p + o[None, :]).ravel() for o in obs]
        sizes = []
        for size in sorted({len(o) for o in obs}):
            same = [(k, o) for k, o in zip(members, obs) if len(o) == size]
            ks = [k for k, _ in same]
            sizes.append((ks, np.array([o for _, o in same]),
                          np.stack([pieces[k].cov for k in ks]),
                          np.stack([pieces[k].mean for k in ks]),
                          np.array([pieces[k].constant for k in ks])))
        return cls(group, np.array(members), p, obs, flat,
                   np.array([weights[k] for k in members]),
                   _padded([pieces[k].cov for k in members], flat, p), sizes)

    def stacks(self, parts: list, meanstructure: bool):
        """The padded stacks of W = Sigma_oo^-1, d = ybar - mu_o and S* = S + d d'.

        Parameters
        ----------
        parts : list of tuple
            Per piece ``(F, W, d)`` as :meth:`MLLoss.evaluate` gives them.
        meanstructure : bool
            Whether there are mean residuals d.

        Returns
        -------
        tuple
            ``(W, d, S*)``: K x p x p, K x p (None without means), K x p x p.

        Examples
        --------
        >>> import relqual as rq
        >>> hsm = rq.datasets.load("holzinger_swineford_missing")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hsm, missing="fiml")
        >>> loss = res.problem.loss
        >>> [block] = PatternBlock.of_group(0, 4, loss.pieces, loss.weights)
        >>> W, d, moment = block.stacks(loss.evaluate(res.x)[1], True)
        >>> W.shape, d.shape, float(abs(W[1, 0]).sum() + abs(d[1, 0]))
        ((9, 4, 4), (9, 4), 0.0)
        """
        W = _padded([parts[k][1] for k in self.members], self.flat, self.p)
        if not meanstructure:
            return W, None, self.cov
        d = np.zeros((len(self.members), self.p))
        for row, k, o in zip(d, self.members, self.obs):
            row[o] = parts[k][2]
        return W, d, self.cov + d[:, :, None] * d[:, None, :]


def _padded(matrices: list[np.ndarray], flat: list[np.ndarray], p: int) -> np.ndarray:
    """Stack pattern matrices as K x p x p, each placed at its ``flat`` positions."""
    out = np.zeros((len(matrices), p * p))
    for row, where, M in zip(out, flat, matrices):
        row[where] = M.ravel()
    return out.reshape(len(matrices), p, p)


def _pattern_sums(model: RamModel, imp):
    """The two sums over patterns the FIML Hessians need, sum_k w_k tr(P_k dS_k Q_k dS_l) and
    sum_k w_k U_k dS_l v_k, as functions of (P, Q, w) and (U, V, w): by Kronecker products for
    up to 45 observed variables (:mod:`relqual.engine.kronecker`), else by Gram matrices
    (:meth:`RamModel.trace_products_sum`, :meth:`RamModel.dsigma_times_sum`)."""
    if kronecker.fits(model.p):
        d_sigma = model.jacobian(imp)[0]
        return (partial(kronecker.trace_products_sum, d_sigma),
                partial(kronecker.dsigma_times_sum, d_sigma))
    return partial(model.trace_products_sum, imp), partial(model.dsigma_times_sum, imp)


def _inverse_and_logdet(sigma: np.ndarray):
    """Sigma^-1 and log|Sigma| by Cholesky, for one matrix or a stack (... x p x p).

    One matrix goes straight to LAPACK (``dpotrf``, then ``dtrtri`` for L^-1): the same
    factorization as ``numpy.linalg.cholesky`` without the per-call overhead of a general
    inverse, which dominates for SEM-sized matrices."""
    if sigma.ndim == 2 and sigma.size:
        chol, info = lapack.dpotrf(sigma, lower=1)
        if info != 0:
            raise NotPositiveDefinite
        inv_chol, info = lapack.dtrtri(chol, lower=1)
        if info != 0:
            raise NotPositiveDefinite
        return inv_chol.T @ inv_chol, 2.0 * np.log(np.diagonal(chol)).sum()
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise NotPositiveDefinite from None
    inv_chol = np.linalg.inv(chol)
    return (np.swapaxes(inv_chol, -1, -2) @ inv_chol,
            2.0 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(axis=-1))


class MLLoss:
    """The ML objective over pieces of data (groups, or missing-data patterns) and shared
    parameters.

    Implements :class:`relqual.engine.protocol.Loss` (formulas in the module docstring).

    Parameters
    ----------
    models : list of RamModel
        One per group.
    samples : list of SampleStats, optional
        Per group the moments of complete data (one piece per group).
    pieces : list of Piece, optional
        The pieces (FIML: one per missing-data pattern and group); overrides ``samples``.

    Examples
    --------
    >>> import numpy as np
    >>> import relqual as rq
    >>> from relqual.engine.matrices import RamModel
    >>> from relqual.engine.samplestats import SampleStats
    >>> from relqual.partable import build_partable
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> names = ["x1", "x2", "x3", "x4"]
    >>> sample = SampleStats.from_array(hs[names].to_numpy(), names)
    >>> loss = MLLoss([RamModel(build_partable("f =~ x1 + x2 + x3 + x4"), 1)], [sample])
    >>> loss.n_total, loss.weights
    (301, [1.0])
    >>> x = rq.fit("f =~ x1 + x2 + x3 + x4", hs).x
    >>> round(float(loss.n_total * loss.value(x)), 3)     # the chi-square
    11.798
    """

    def __init__(self, models: list[RamModel], samples: list[SampleStats] | None = None,
                 pieces: list[Piece] | None = None):
        self.models = models
        if pieces is None:
            pieces = [Piece.complete(g, s) for g, s in enumerate(samples)]
        self.pieces = pieces
        self.n_total = sum(piece.n for piece in pieces)
        self.weights = [piece.n / self.n_total for piece in pieces]
        self.meanstructure = models[0].meanstructure
        self._last: tuple[bytes, tuple] | None = None
        self._last_gradient: tuple[bytes, tuple] | None = None
        # FIML: the patterns of each group as one block of padded stacks (None: complete data)
        self._blocks = ([block for g in range(len(models))
                         for block in PatternBlock.of_group(g, models[g].p, pieces, self.weights)]
                        if any(piece.obs is not None for piece in pieces) else None)

    def evaluate(self, x: np.ndarray):
        """Implied moments per model and, per piece, (F, W, d), remembered for the last ``x``
        so that the line search's evaluation is reused by the gradient at the accepted point.

        Parameters
        ----------
        x : ndarray
            The free parameters.

        Returns
        -------
        imps : list of Implied
            Per model.
        parts : list of tuple
            Per piece ``(F, W, d)``: its discrepancy, ``Sigma_oo^-1`` and ``ybar - mu_o``
            (None without a mean structure).

        Raises
        ------
        NotPositiveDefinite
            When an implied covariance matrix is not positive definite.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> loss = res.problem.loss
        >>> imps, parts = loss.evaluate(res.x)
        >>> len(imps), len(parts), parts[0][1].shape, parts[0][2]
        (1, 1, (4, 4), None)
        """
        key = x.tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        imps = [model.implied(x) for model in self.models]
        parts = self._piece_parts(imps) if self._blocks is None else self._block_parts(imps)
        self._last = (key, (imps, parts))
        return imps, parts

    def _piece_parts(self, imps):
        """(F, W, d) of complete-data pieces, one by one."""
        parts = []
        for piece in self.pieces:
            imp = imps[piece.group]
            W, logdet = _inverse_and_logdet(imp.sigma)
            f = logdet + np.sum(piece.cov * W) - piece.constant
            d = None
            if self.meanstructure:
                d = piece.mean - imp.mu
                f += d @ W @ d
            parts.append((f, W, d))
        return parts

    def _block_parts(self, imps):
        """(F, W, d) of missing-data patterns, with one batched inverse per pattern size."""
        parts = [None] * len(self.pieces)
        for block in self._blocks:
            imp = imps[block.group]
            for ks, O, cov, mean, constant in block.sizes:
                W, logdet = _inverse_and_logdet(imp.sigma[O[:, :, None], O[:, None, :]])
                f = logdet + np.sum(cov * W, axis=(1, 2)) - constant
                d = [None] * len(ks)
                if self.meanstructure:
                    d = mean - imp.mu[O]
                    f += np.einsum("ka,kab,kb->k", d, W, d)
                for k, f_k, W_k, d_k in zip(ks, f, W, d):
                    parts[k] = (f_k, W_k, d_k)
        return parts

    def value(self, x: np.ndarray) -> float:
        """sum_pieces w F; +inf where an implied covariance is not positive definite.

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        float

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> loss = res.problem.loss
        >>> round(float(loss.value(res.x)), 6)      # lavaan's fmin is half of it
        0.039197
        """
        try:
            _, parts = self.evaluate(x)
        except NotPositiveDefinite:
            return np.inf
        return sum(w * f for w, (f, _, _) in zip(self.weights, parts))

    def _accumulate(self, imps, parts):
        """Per model: sum_pieces w M (embedded in p x p) and w W d (embedded in p)."""
        if self._blocks is not None:
            return self._accumulate_blocks(self._stacks(parts))
        M_sum = [np.zeros((m.p, m.p)) for m in self.models]    # complete data: one piece
        v_sum = [np.zeros(m.p) for m in self.models] if self.meanstructure else None
        for piece, w, (_f, W, d) in zip(self.pieces, self.weights, parts):
            moment = piece.cov if d is None else piece.cov + np.outer(d, d)
            M_sum[piece.group] += w * (W - W @ moment @ W)
            if d is not None:
                v_sum[piece.group] += w * (W @ d)
        return M_sum, v_sum

    def _stacks(self, parts):
        """Per group (FIML): the pattern block's padded W, d and S + d d' stacks."""
        return [block.stacks(parts, self.meanstructure) for block in self._blocks]

    def _accumulate_blocks(self, stacks):
        """:meth:`_accumulate` over pattern blocks: sum_k w_k (W_k - W_k S*_k W_k) and
        sum_k w_k W_k d_k with padded stacks, one batched product per group."""
        M_sum = [np.zeros((m.p, m.p)) for m in self.models]
        v_sum = [np.zeros(m.p) for m in self.models] if self.meanstructure else None
        for block, (W, d, moment) in zip(self._blocks, stacks):
            M_sum[block.group] += np.tensordot(block.weights, W - W @ moment @ W, axes=1)
            if d is not None:
                v_sum[block.group] += block.weights @ np.einsum("kab,kb->ka", W, d)
        return M_sum, v_sum

    def value_and_gradient(self, x: np.ndarray):
        """Objective and gradient only (cheap: no Jacobian of Sigma is formed).

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        value : float
        gradient : ndarray

        Raises
        ------
        NotPositiveDefinite

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> loss = res.problem.loss
        >>> value, gradient = loss.value_and_gradient(res.x)
        >>> bool(abs(gradient).max() < 1e-9)                  # at the optimum
        True
        """
        imps, parts = self.evaluate(x)
        grad = self._gradient_parts(x, imps, parts)[2]
        return sum(w * f for w, (f, _, _) in zip(self.weights, parts)), grad.copy()

    def _gradient_parts(self, x, imps, parts, stacks=None):
        """(M_sum, v_sum, gradient) at ``x`` (:meth:`_accumulate` and the models' gradients),
        remembered for the last ``x``: a Newton iteration asks for the gradient at the accepted
        point and then for the Hessian there, which needs the same sums."""
        key = self._last[0]                   # evaluate(x) has just remembered x
        if self._last_gradient is not None and self._last_gradient[0] == key:
            return self._last_gradient[1]
        if self._blocks is None:
            M_sum, v_sum = self._accumulate(imps, parts)
        else:
            M_sum, v_sum = self._accumulate_blocks(self._stacks(parts) if stacks is None
                                                   else stacks)
        grad = np.zeros(len(x))
        for g, (model, imp) in enumerate(zip(self.models, imps)):
            grad += model.gradient(imp, M_sum[g], None if v_sum is None else v_sum[g])
        self._last_gradient = (key, (M_sum, v_sum, grad))
        return M_sum, v_sum, grad

    def value_gradient_information(self, x: np.ndarray, exact: bool = False):
        """Objective, gradient and expected Hessian at ``x`` (and, with ``exact``, the observed
        Hessian as a fourth value).

        Parameters
        ----------
        x : ndarray
        exact : bool
            Also return the observed Hessian.

        Returns
        -------
        tuple
            ``(value, gradient, expected Hessian)`` or, with ``exact``, ``(value, gradient,
            expected Hessian, observed Hessian)``.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> loss = res.problem.loss
        >>> value, gradient, expected, observed = loss.value_gradient_information(res.x, exact=True)
        >>> symmetric = bool(np.allclose(expected, expected.T))
        >>> expected.shape, symmetric, bool(np.allclose(expected, observed))
        ((8, 8), True, False)
        """
        total, grad, hess, observed = self._derivatives(x, expected=True, observed=exact)
        return (total, grad, hess, observed) if exact else (total, grad, hess)

    def observed_hessian(self, x: np.ndarray):
        """Objective, gradient and observed Hessian at ``x`` (no expected Hessian is formed).

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        tuple
            ``(value, gradient, observed Hessian)``.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> loss = res.problem.loss
        >>> observed = loss.observed_hessian(res.x)[2]
        >>> bool(np.allclose(observed, loss.value_gradient_information(res.x, exact=True)[3]))
        True
        """
        total, grad, _, observed = self._derivatives(x, expected=False, observed=True)
        return total, grad, observed

    def _derivatives(self, x: np.ndarray, expected: bool, observed: bool):
        """Objective, gradient, and the expected and/or observed Hessians.

        Per piece, with W = Sigma_oo^-1, S* = S + d d' and T(P, Q)_kl = tr(P dS_k Q dS_l), the
        expected Hessian of the covariance part is T(W, W) and the observed one
        -T(W, W) + T(W S* W, W) + T(W S* W, W)' = T(W S* W - W/2, W) + transpose (T is linear
        in P and T(W, W) is symmetric), so one product serves. The mean part adds
        2 mu_k' W mu_l (both) and 2 (mu_k' W dS_l W d + mu_l' W dS_k W d) (observed); the terms
        with second derivatives of Sigma and mu, tr(M d2Sigma_kl) - 2 d' W d2mu_kl, are linear
        in M and W d and are added once per model (:meth:`RamModel.second_derivative_term`,
        :meth:`RamModel.second_derivative_mean_term`).
        """
        imps, parts = self.evaluate(x)
        npar = len(x)
        d_mus = [m.mean_jacobian(imp) for m, imp in zip(self.models, imps)] \
            if self.meanstructure else None
        if self._blocks is None:
            M_sum, v_sum, grad = self._gradient_parts(x, imps, parts)
            hess, obs_hess = self._piece_hessians(imps, parts, d_mus, npar, expected, observed)
        else:
            stacks = self._stacks(parts)
            M_sum, v_sum, grad = self._gradient_parts(x, imps, parts, stacks)
            hess, obs_hess = self._block_hessians(imps, stacks, d_mus, npar, expected, observed)
        for g, (model, imp) in enumerate(zip(self.models, imps)):
            v = None if v_sum is None else v_sum[g]
            if observed:
                obs_hess += model.second_derivative_term(imp, M_sum[g])
                if v is not None:
                    obs_hess -= 2.0 * model.second_derivative_mean_term(imp, v)
        total = sum(w * f for w, (f, _, _) in zip(self.weights, parts))
        return total, grad.copy(), hess, obs_hess


    def _piece_hessians(self, imps, parts, d_mus, npar, expected, observed):
        """The Hessian terms of :meth:`_derivatives` piece by piece (complete data)."""
        hess = np.zeros((npar, npar)) if expected else None
        obs_hess = np.zeros((npar, npar)) if observed else None
        for piece, w, (_f, W, d) in zip(self.pieces, self.weights, parts):
            model, imp = self.models[piece.group], imps[piece.group]
            if d is not None:
                d_mu = d_mus[piece.group]
                mean_part = 2.0 * (d_mu @ W @ d_mu.T)
            if expected:
                hess += w * model.trace_products(imp, W, W)
                if d is not None:
                    hess += w * mean_part
            if observed:
                moment = piece.cov if d is None else piece.cov + np.outer(d, d)
                half = model.trace_products(imp, W @ moment @ W - 0.5 * W, W)
                obs_hess += w * (half + half.T)
                if d is not None:
                    mixed = d_mu @ W @ model.dsigma_times(imp, W @ d)   # mu_k' W dS_l W d
                    obs_hess += w * (mean_part + 2.0 * (mixed + mixed.T))
        return hess, obs_hess

    def _block_hessians(self, imps, stacks, d_mus, npar, expected, observed):
        """The Hessian terms of :meth:`_derivatives` over pattern blocks (FIML): the same sums
        as :meth:`_piece_hessians`, with padded stacks (zero outside each pattern's observed
        variables), so that every pattern of a group enters one batched trace product."""
        hess = np.zeros((npar, npar)) if expected else None
        obs_hess = np.zeros((npar, npar)) if observed else None
        for block, (W, d, moment) in zip(self._blocks, stacks):
            g = block.group
            model, imp, w = self.models[g], imps[g], block.weights
            trace_products_sum, dsigma_times_sum = _pattern_sums(model, imp)
            mean_part = 0.0
            if d is not None:                 # 2 dmu' (sum_k w_k W_k) dmu
                mean_part = 2.0 * (d_mus[g] @ np.tensordot(w, W, axes=1) @ d_mus[g].T)
            if expected:
                hess += trace_products_sum(W, W, w) + mean_part
            if observed:
                half = trace_products_sum(W @ moment @ W - 0.5 * W, W, w)
                obs_hess += half + half.T + mean_part
                if d is not None:             # sum_k w_k mu_k' W_k dS_l W_k d_k
                    mixed = dsigma_times_sum(d_mus[g] @ W, np.einsum("kab,kb->ka", W, d), w)
                    obs_hess += 2.0 * (mixed + mixed.T)
        return hess, obs_hess

    def casewise_scores(self, x: np.ndarray, data: list[np.ndarray]) -> list[np.ndarray]:
        """Per group, the scores of every row's log-likelihood (rows x npar).

        ``data``: per group the rows (NaN where missing) in model variable order; the loss's
        pieces say which rows each piece covers (complete data: all rows of the group).

        Parameters
        ----------
        x : ndarray
        data : list of ndarray
            Per group the rows.

        Returns
        -------
        list of ndarray
            Per group rows x npar.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> loss = res.problem.loss
        >>> scores = loss.casewise_scores(res.x, res.problem.data.arrays)
        >>> scores[0].shape, bool(abs(scores[0].mean(axis=0)).max() < 1e-9)  # sum to 0 at the MLE
        ((301, 8), True)
        """
        imps, parts = self.evaluate(x)
        scores = [np.zeros((len(values), len(x))) for values in data]
        for piece, (_, W, _) in zip(self.pieces, parts):
            model, imp = self.models[piece.group], imps[piece.group]
            o = piece.obs if piece.obs is not None else np.arange(model.p)
            rows = piece.rows if piece.rows is not None else np.arange(len(data[piece.group]))
            y = data[piece.group][np.ix_(rows, o)]
            mu = imp.mu[o] if self.meanstructure else piece.mean
            E = (y - mu) @ W                                               # rows x |o|
            Z = np.concatenate([imp.FB, imp.C[: model.p, :]], axis=1)[o]    # |o| x 2n
            EZ = E @ Z
            ZWZ = Z.T @ W @ Z
            x_idx, y_idx, c = model.entry_x, model.entry_y, model.entry_coef
            entry_scores = c * (EZ[:, x_idx] * EZ[:, y_idx] - ZWZ[x_idx, y_idx])
            s = entry_scores if model.one_to_one else entry_scores @ model.K
            if self.meanstructure:
                s = s + E @ model.mean_jacobian(imp)[:, o].T
            scores[piece.group][rows] += s
        return scores
