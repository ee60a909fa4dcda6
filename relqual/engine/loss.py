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
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def _inverse_and_logdet(sigma: np.ndarray):
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise NotPositiveDefinite from None
    inv_chol = np.linalg.inv(chol)
    return inv_chol.T @ inv_chol, 2.0 * np.log(np.diag(chol)).sum()


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
        parts = []
        for piece in self.pieces:
            imp, o = imps[piece.group], piece.obs
            sigma = imp.sigma if o is None else imp.sigma[np.ix_(o, o)]
            W, logdet = _inverse_and_logdet(sigma)
            f = logdet + np.sum(piece.cov * W) - piece.constant
            d = None
            if self.meanstructure:
                d = piece.mean - (imp.mu if o is None else imp.mu[o])
                f += d @ W @ d
            parts.append((f, W, d))
        self._last = (key, (imps, parts))
        return imps, parts

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
        M_sum = [np.zeros((m.p, m.p)) for m in self.models]
        v_sum = [np.zeros(m.p) for m in self.models] if self.meanstructure else None
        for piece, w, (_f, W, d) in zip(self.pieces, self.weights, parts):
            moment = piece.cov if d is None else piece.cov + np.outer(d, d)
            M = W - W @ moment @ W
            o = piece.obs
            if o is None:
                M_sum[piece.group] += w * M
            else:
                M_sum[piece.group][np.ix_(o, o)] += w * M
            if d is not None:
                if o is None:
                    v_sum[piece.group] += w * (W @ d)
                else:
                    v_sum[piece.group][o] += w * (W @ d)
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
        M_sum, v_sum = self._accumulate(imps, parts)
        grad = np.zeros(len(x))
        for g, (model, imp) in enumerate(zip(self.models, imps)):
            grad += model.gradient(imp, M_sum[g], None if v_sum is None else v_sum[g])
        return sum(w * f for w, (f, _, _) in zip(self.weights, parts)), grad

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
        M_sum, v_sum = self._accumulate(imps, parts)
        npar = len(x)
        grad = np.zeros(npar)
        hess = np.zeros((npar, npar)) if expected else None
        obs_hess = np.zeros((npar, npar)) if observed else None
        d_mus = [m.mean_jacobian(imp) for m, imp in zip(self.models, imps)] \
            if self.meanstructure else None
        for piece, w, (_f, W, d) in zip(self.pieces, self.weights, parts):
            model, imp, o = self.models[piece.group], imps[piece.group], piece.obs
            if d is not None:
                d_mu = d_mus[piece.group] if o is None else d_mus[piece.group][:, o]
                mean_part = 2.0 * (d_mu @ W @ d_mu.T)
            if expected:
                hess += w * model.trace_products(imp, W, W, o)
                if d is not None:
                    hess += w * mean_part
            if observed:
                moment = piece.cov if d is None else piece.cov + np.outer(d, d)
                half = model.trace_products(imp, W @ moment @ W - 0.5 * W, W, o)
                obs_hess += w * (half + half.T)
                if d is not None:
                    v = W @ d
                    v_full = v if o is None else _embed(v, o, model.p)
                    dsig_v = model.dsigma_times(imp, v_full)
                    mixed = d_mu @ W @ (dsig_v if o is None else dsig_v[o])   # mu_k' W dS_l W d
                    obs_hess += w * (mean_part + 2.0 * (mixed + mixed.T))
        for g, (model, imp) in enumerate(zip(self.models, imps)):
            v = None if v_sum is None else v_sum[g]
            grad += model.gradient(imp, M_sum[g], v)
            if observed:
                obs_hess += model.second_derivative_term(imp, M_sum[g])
                if v is not None:
                    obs_hess -= 2.0 * model.second_derivative_mean_term(imp, v)
        total = sum(w * f for w, (f, _, _) in zip(self.weights, parts))
        return total, grad, hess, obs_hess


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


def _embed(v: np.ndarray, obs: np.ndarray, p: int) -> np.ndarray:
    full = np.zeros(p)
    full[obs] = v
    return full
