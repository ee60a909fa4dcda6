"""The ML discrepancy of many samples at once: one model, a stack of sample moments.

A bootstrap or a power study refits one compiled model to hundreds of samples. Each refit is
a few Fisher-scoring / Newton steps on matrices of 20-50 rows, so one by one the time goes to
Python's per-call overhead, not to arithmetic. :class:`BatchedMLLoss` evaluates the objective,
gradient and expected and observed Hessians of :class:`relqual.engine.loss.MLLoss` for a stack
of D parameter vectors against D samples' moments with batched linear algebra (numpy's
``matmul``, ``inv`` and ``cholesky`` on ``D x k x k`` stacks). The formulas are those of
:mod:`relqual.engine.loss` and :mod:`relqual.engine.matrices` (Joreskog 1967; Neudecker &
Satorra 1991), term by term, so each draw's numbers agree with the one-sample loss to rounding;
``tests/test_batched.py`` checks every derivative against it.

It covers one group of complete data (no FIML patterns) without fixed.x covariates (whose
fixed values change with every sample) and models with at least one latent variable or path;
:func:`supports` says whether a problem qualifies, and callers refit the others one by one.
"""
from __future__ import annotations

import weakref

import numpy as np

from .loss import MLLoss
from .matrices import RamModel
from .spd import spd_inverses


def supports(problem) -> str | None:
    """Why ``problem``'s refits cannot be batched, or None when they can.

    Parameters
    ----------
    problem : relqual.problem.Problem

    Returns
    -------
    str or None
        The reason (FIML, several groups, fixed.x covariates, ...), None when
        :class:`BatchedMLLoss` applies.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> supports(rq.fit("f =~ x1 + x2 + x3", hs).problem) is None
    True
    >>> supports(rq.fit("f =~ x1 + x2 + x3", hs, group="school").problem)
    'several groups'
    """
    loss = problem.loss
    if type(loss) is not MLLoss or hasattr(problem.family, "optimize"):
        return "not the ML discrepancy"
    if problem.fiml or any(piece.obs is not None for piece in loss.pieces):
        return "FIML (missing-data patterns)"
    if len(problem.models) != 1:
        return "several groups"
    model = problem.models[0]
    if model._exo:
        return "fixed.x covariates (their fixed moments change with every sample)"
    if model._moments_only:
        return "a model of observed moments only"
    return None


def batch_moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Means and covariance matrices (divisor N) of a stack of samples.

    As :meth:`relqual.engine.samplestats.SampleStats.from_array`, sample by sample.

    Parameters
    ----------
    values : ndarray
        D x rows x variables.

    Returns
    -------
    mean : ndarray
        D x variables.
    cov : ndarray
        D x variables x variables.

    Examples
    --------
    >>> import numpy as np
    >>> mean, cov = batch_moments(np.array([[[1., 2], [3, 4]], [[1., 1], [3, 5]]]))
    >>> mean.tolist(), cov[1].tolist()
    ([[2.0, 3.0], [2.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]])
    """
    n = values.shape[1]
    mean = values.mean(axis=1)
    centred = values - mean[:, None, :]
    return mean, np.matmul(centred.transpose(0, 2, 1), centred) / n


class ResampleMoments:
    """Means and covariance matrices (divisor n) of many resamples of one data set, from counts.

    A resample that takes row i ``c_i`` times has the moments of the rows weighted by the
    counts: with the rows centred at the full-sample mean ``xbar`` (``e_i = x_i - xbar``),
    ``m = sum_i c_i e_i / n``, ``mean = xbar + m`` and ``cov = sum_i c_i e_i e_i' / n - m m'``.
    For each resample both sums are one product of its counts with the rows and with their
    products ``e_i e_i'`` (the upper triangle, precomputed once), instead of a gather of its
    rows; a draw's moments are the same to the last digit whichever draws share its batch.
    Centring at ``xbar`` keeps the subtraction of ``m m'`` (a resample's mean is within a few
    standard errors of ``xbar``) from losing digits; the moments agree with
    :func:`batch_moments` of the gathered rows to rounding.

    Parameters
    ----------
    values : ndarray
        rows x variables.

    Examples
    --------
    >>> import numpy as np
    >>> rows = np.random.default_rng(1).normal(size=(30, 3))
    >>> indices = np.random.default_rng(2).integers(0, 30, (4, 30))
    >>> means, covs = ResampleMoments(rows)(indices)
    >>> gathered = batch_moments(rows[indices])
    >>> bool(np.allclose(means, gathered[0]) and np.allclose(covs, gathered[1]))
    True
    """

    def __init__(self, values: np.ndarray):
        self.n, self.p = values.shape
        self.center = values.mean(axis=0)
        self.centred = values - self.center
        self._upper = np.triu_indices(self.p)
        i, j = self._upper
        self._products = self.centred[:, i] * self.centred[:, j]      # rows x p(p+1)/2

    def __call__(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The moments of the resamples whose row indices are the rows of ``indices``.

        Parameters
        ----------
        indices : ndarray of int
            D x n: each resample's row indices (n of them, as the data).

        Returns
        -------
        mean : ndarray
            D x variables.
        cov : ndarray
            D x variables x variables.
        """
        D, n = indices.shape
        if indices.size and (indices.min() < 0 or indices.max() >= self.n):
            raise IndexError(f"row indices must lie in 0..{self.n - 1}")
        offsets = (np.arange(D) * self.n)[:, None]
        counts = np.bincount((indices + offsets).ravel(), minlength=D * self.n)
        counts = counts.reshape(D, self.n).astype(float)
        # one product per resample (a stack), not one matrix product for the batch: BLAS's
        # blocking would make a draw's last digits depend on which draws share its batch
        weights = counts[:, None, :]
        shift = (weights @ self.centred)[:, 0] / n
        second = (weights @ self._products)[:, 0] / n
        cov = np.empty((D, self.p, self.p))
        i, j = self._upper
        cov[:, i, j] = second - shift[:, i] * shift[:, j]
        cov[:, j, i] = cov[:, i, j]
        return self.center + shift, cov


class BatchedMLLoss:
    """The ML objective of one model against D samples, for D parameter vectors at once.

    ``value(X)`` etc. take ``X`` of shape D' x npar together with ``which``, the positions
    (in 0..D-1) of the samples the rows of ``X`` belong to, so that an optimizer can keep
    iterating only the draws that have not converged yet.

    Parameters
    ----------
    model : RamModel
        The group's RAM model (no fixed.x entries; see :func:`supports`).
    means, covs : ndarray
        D x p sample means and D x p x p covariance matrices (divisor n).
    n : int
        Rows per sample.

    Examples
    --------
    >>> import numpy as np
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
    >>> rows = res.problem.data.arrays[0]
    >>> means, covs = batch_moments(np.stack([rows, rows[::-1]]))
    >>> batch = BatchedMLLoss(res.problem.models[0], means, covs, len(rows))
    >>> chisq = len(rows) * batch.value(np.stack([res.x, res.x]), np.arange(2))
    >>> chisq.round(3).tolist()                  # the same rows twice: the fit's chi-square
    [11.798, 11.798]
    """

    def __init__(self, model: RamModel, means: np.ndarray, covs: np.ndarray, n: int):
        self.model = model
        self.means, self.covs, self.n_total = means, covs, n
        sign, logdet = np.linalg.slogdet(covs)
        self.constant = np.where(sign > 0, logdet, -np.inf) + model.p
        self.meanstructure = model.meanstructure
        self._last = None        # (which, X, parts) of the last stack evaluated
        self.__dict__.update(_layout(model))

    # ------------------------------------------------------------------ implied moments
    def implied(self, X: np.ndarray):
        """B, C = B S B', FB and Bm for each row of ``X`` (see :meth:`RamModel.implied`).

        Parameters
        ----------
        X : ndarray
            D' x npar.

        Returns
        -------
        dict
            ``A``, ``S``, ``B``, ``C`` (D' x n x n), ``FB`` (D' x p x n), ``sigma``; with a
            mean structure also ``Bm`` (D' x n) and ``mu``.

        Examples
        --------
        >>> import numpy as np
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> model = res.problem.models[0]
        >>> batch = BatchedMLLoss(model, np.zeros((1, 3)), np.eye(3)[None], 10)
        >>> bool(np.allclose(batch.implied(res.x[None])["sigma"][0], model.implied(res.x).sigma))
        True
        """
        m = self.model
        D = X.shape[0]
        values = X[:, m.pidx]
        A = np.broadcast_to(m.A0, (D, m.n, m.n)).copy()
        S = np.broadcast_to(m.S0, (D, m.n, m.n)).copy()
        a, s, mm = m._is_a, m._is_s, m._is_m
        A[:, m.i[a], m.j[a]] = values[:, a]
        S[:, m.i[s], m.j[s]] = values[:, s]
        S[:, m.j[s], m.i[s]] = values[:, s]
        B = self._inverse(A)
        C = B @ S @ B.transpose(0, 2, 1)
        FB = B[:, : m.p]
        imp = {"A": A, "S": S, "B": B, "C": C, "FB": FB, "sigma": C[:, : m.p, : m.p]}
        if self.meanstructure:
            mvec = np.broadcast_to(m.m0, (D, m.n)).copy()
            mvec[:, m.i[mm]] = values[:, mm]
            imp["Bm"] = np.einsum("dij,dj->di", B, mvec)
            imp["mu"] = imp["Bm"][:, : m.p]
        return imp

    def implied_at(self, X: np.ndarray, which: np.ndarray) -> dict:
        """:meth:`implied` for the draws ``which`` at ``X``, taken from the last evaluation
        when that was at the same draws and points (the optimum, after its Hessians).

        Parameters
        ----------
        X : ndarray
            D' x npar.
        which : ndarray of int
            The samples the rows of ``X`` belong to.

        Returns
        -------
        dict
            As :meth:`implied`.

        Examples
        --------
        >>> import numpy as np
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> rows = res.problem.data.arrays[0]
        >>> batch = BatchedMLLoss(res.problem.models[0], *batch_moments(rows[None]), len(rows))
        >>> kept = batch.derivatives(res.x[None], np.array([0]), True, False)
        >>> bool(np.array_equal(batch.implied_at(res.x[None], np.array([0]))["A"],
        ...                     batch.implied(res.x[None])["A"]))
        True
        """
        last = self._last
        if (last is not None and np.array_equal(last[0], which)
                and np.array_equal(last[1], X)):
            return last[2][0]
        return self.implied(X)

    def _inverse(self, A: np.ndarray) -> np.ndarray:
        """B = (I - A)^-1 per draw (by blocks when no arrow leaves an observed variable)."""
        m = self.model
        if not self._blocks:
            return np.linalg.inv(np.eye(m.n) - A)
        p = m.p
        B = np.zeros_like(A)
        B[:, np.arange(p), np.arange(p)] = 1.0
        beta = np.linalg.inv(np.eye(m.n - p) - A[:, p:, p:])
        B[:, p:, p:] = beta
        B[:, :p, p:] = A[:, :p, p:] @ beta
        return B

    def _parts(self, X: np.ndarray, which: np.ndarray, strict: bool):
        """Implied moments, W = Sigma^-1, d = ybar - mu and F per draw (F = inf where Sigma is
        not positive definite; with ``strict`` such a draw raises).

        The parts of the last stack are remembered: an optimizer that evaluates a line
        search's trial points and then asks for the gradients there, or for the gradient of
        every draw and then for the Hessians of some of them (the same rows of ``X``), reuses
        them (a strict request only for draws whose F was finite).
        """
        last = self._last
        if (last is not None and len(which) == len(last[0]) and np.array_equal(which, last[0])
                and np.array_equal(last[1], X)
                and (not strict or np.all(np.isfinite(last[2][4])))):
            return last[2]                     # the same draws at the same points
        if last is not None and len(which) and len(last[0]):
            pos = np.minimum(np.searchsorted(last[0], which), len(last[0]) - 1)
            imp, W, d, covs, f = last[2]
            if (np.array_equal(last[0][pos], which) and np.array_equal(last[1][pos], X)
                    and (not strict or np.all(np.isfinite(f[pos])))):
                return ({k: v[pos] for k, v in imp.items()}, W[pos],
                        None if d is None else d[pos], covs[pos], f[pos])
        parts = self._compute_parts(X, which, strict)
        ordered = len(which) < 2 or bool(np.all(np.diff(which) > 0))
        self._last = (which.copy(), X.copy(), parts) if ordered else None
        return parts

    def _compute_parts(self, X: np.ndarray, which: np.ndarray, strict: bool):
        D = len(X)
        if D > 1 and np.array_equal(X, np.broadcast_to(X[0], X.shape)):
            # every draw at one point (the common start): one draw's implied moments and
            # inverse serve them all (read-only views), only the sample terms differ
            imp = self.implied(X[:1])
            W, logdet, ok = self._inverse_sigma(imp)
            imp = {k: np.broadcast_to(v, (D,) + v.shape[1:]) for k, v in imp.items()}
            W, logdet, ok = (np.broadcast_to(a, (D,) + a.shape[1:]) for a in (W, logdet, ok))
        else:
            imp = self.implied(X)
            W, logdet, ok = self._inverse_sigma(imp)
        if strict and not ok.all():
            raise np.linalg.LinAlgError("an implied covariance matrix is not positive definite")
        covs = self.covs[which]
        f = logdet + np.einsum("dij,dij->d", covs, W) - self.constant[which]
        d = None
        if self.meanstructure:
            d = self.means[which] - imp["mu"]
            f = f + np.einsum("di,dij,dj->d", d, W, d)
        f = np.where(ok, f, np.inf)
        return imp, W, d, covs, f

    def _inverse_sigma(self, imp):
        """W = Sigma^-1, log|Sigma| and positive definiteness per draw: by the Woodbury identity
        where the model is a factor model with uncorrelated residuals (:func:`_layout`'s
        ``_woodbury``), else by each Sigma's Cholesky factor (:func:`relqual.engine.spd.
        spd_inverses`).

        With Sigma = Theta + U Psi U' (Theta the diagonal residual variances, U = (F B) over the
        latent columns, Psi their (co)variances; Psi = R R' by Cholesky):

            Sigma^-1 = Theta^-1 - Q Q',  Q = Theta^-1 U R L^-T,  L L' = I + R' U' Theta^-1 U R
            log|Sigma| = sum log theta_i + log|L L'|

        (Woodbury 1950; the determinant lemma, Harville 1997, thm. 18.1.1), with inverses and
        factors of m x m matrices for m latent variables instead of p x p: 0.15 instead of
        0.31 ms for 50 draws of the 20-item relationship-quality model. Positive residual
        variances and a positive definite Psi make Sigma positive definite; a stack with a
        residual variance at or below 1e-3 of its variable's variance (where 1 / theta would
        cost digits) or a Psi without a Cholesky factor goes by the p x p factors.
        """
        if not self._woodbury:
            return spd_inverses(imp["sigma"])
        p = self.model.p
        S, diagonal = imp["S"], np.arange(p)
        theta = S[:, diagonal, diagonal]
        if not np.all(theta > 1e-3 * imp["sigma"][:, diagonal, diagonal]):
            return spd_inverses(imp["sigma"])
        try:
            R = np.linalg.cholesky(S[:, p:, p:])
        except np.linalg.LinAlgError:
            return spd_inverses(imp["sigma"])
        UR = imp["FB"][:, :, p:] @ R
        VR = UR / theta[:, :, None]
        L = np.linalg.cholesky(np.eye(R.shape[1]) + UR.transpose(0, 2, 1) @ VR)
        Q = VR @ np.linalg.inv(L).transpose(0, 2, 1)
        W = Q @ Q.transpose(0, 2, 1)
        np.negative(W, out=W)
        W[:, diagonal, diagonal] += 1.0 / theta
        logdet = (np.log(theta).sum(axis=1)
                  + 2.0 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1))
        return W, logdet, np.ones(len(W), dtype=bool)

    def value(self, X: np.ndarray, which: np.ndarray) -> np.ndarray:
        """F per draw; +inf where the implied covariance is not positive definite.

        Parameters
        ----------
        X : ndarray
            D' x npar.
        which : ndarray of int
            The samples the rows of ``X`` belong to.

        Returns
        -------
        ndarray
            D'.

        Examples
        --------
        >>> import numpy as np
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
        >>> rows = res.problem.data.arrays[0]
        >>> batch = BatchedMLLoss(res.problem.models[0], *batch_moments(rows[None]), len(rows))
        >>> bad = np.array([0.8, 1.1, -5.0, 1.0, 0.6, 0.5])   # a negative residual variance
        >>> batch.value(np.stack([res.x, bad]), np.array([0, 0]))[1]
        np.float64(inf)
        """
        return self._parts(X, which, strict=False)[4]

    def derivatives(self, X: np.ndarray, which: np.ndarray, expected: bool, observed: bool,
                    gradient: bool = True):
        """F, gradient and the expected and/or observed Hessian per draw.

        As :meth:`relqual.engine.loss.MLLoss._derivatives` for one complete-data piece. The
        terms shared by the gradient and the observed Hessian (``W S W`` and ``W - W S W``)
        are kept with the draws' parts, so asking for the gradient and then for the Hessian at
        the same points forms them once.

        Parameters
        ----------
        X : ndarray
            D' x npar (admissible: Sigma positive definite).
        which : ndarray of int
            The samples the rows of ``X`` belong to.
        expected, observed : bool
            Which Hessians to form.
        gradient : bool
            Form the gradient (an optimizer that has it already asks only for a Hessian).

        Returns
        -------
        tuple
            ``(F, gradient, expected, observed)``: D', D' x npar and D' x npar x npar (None
            when not asked for).

        Raises
        ------
        numpy.linalg.LinAlgError
            When an implied covariance matrix is not positive definite.

        Examples
        --------
        >>> import numpy as np
        >>> import relqual as rq
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", rq.datasets.load("holzinger_swineford"))
        >>> rows = res.problem.data.arrays[0]
        >>> batch = BatchedMLLoss(res.problem.models[0], *batch_moments(rows[None]), len(rows))
        >>> f, g, H, _ = batch.derivatives(res.x[None], np.array([0]), True, False)
        >>> bool(np.allclose(H[0], res.problem.loss.value_gradient_information(res.x)[2]))
        True
        >>> batch.derivatives(res.x[None], np.array([0]), True, False, gradient=False)[1] is None
        True
        """
        imp, W, d, covs, f = self._parts(X, which, strict=True)
        grad = hess = obs = None
        if gradient or observed:
            WSW, M, v = self._moment_terms(imp, W, d, covs)
        if gradient:
            grad = self._gradient(imp, M, v)
        d_mu = self._mean_jacobian(imp) if d is not None else None
        mean_part = None
        if d_mu is not None:
            mean_part = 2.0 * (d_mu @ W @ d_mu.transpose(0, 2, 1))
        if expected:
            hess = 0.5 * self._trace_products(imp, W, W)
            if mean_part is not None:
                hess = hess + mean_part
        if observed:
            pairs = self._pair_products(imp, WSW - 0.5 * W, W)
            self._add_second_derivative_term(imp, M, pairs)
            obs = self._mirror(pairs)
            if mean_part is not None:
                mixed = d_mu @ W @ self._dsigma_times(imp, v)
                obs = obs + mean_part + 2.0 * (mixed + mixed.transpose(0, 2, 1))
                obs = obs - 2.0 * self._second_derivative_mean_term(imp, v)
        return f, grad, hess, obs

    @staticmethod
    def _moment_terms(imp, W, d, covs):
        """``W S W``, ``M = W - W S W`` and ``v = W d`` (None without a mean structure), with S
        the second moments about mu; formed once per parts and kept in ``imp``."""
        if "WSW" not in imp:
            moment = covs if d is None else covs + d[:, :, None] * d[:, None, :]
            imp["WSW"] = W @ moment @ W
            imp["M"] = W - imp["WSW"]
            if d is not None:
                imp["v"] = np.einsum("dij,dj->di", W, d)
        return imp["WSW"], imp["M"], imp.get("v")

    # ------------------------------------------------------------------ the terms
    def _to_parameters_vec(self, g: np.ndarray) -> np.ndarray:
        return g if self.model.one_to_one else g @ self.model.K

    def _to_parameters(self, H: np.ndarray) -> np.ndarray:
        K = self.model.K
        return H if self.model.one_to_one else K.T @ H @ K

    def _gradient(self, imp, M, v):
        m = self.model
        FB, C = imp["FB"], imp["C"]
        FBtM = FB.transpose(0, 2, 1) @ M       # B' M_F without the zero columns of M_F
        a, s = self._a, self._s
        g = np.empty((len(M), len(m.kind)))
        g[:, a] = 2.0 * np.einsum("dik,dki->di", FBtM[:, m.i[a], :], C[:, : m.p, m.j[a]])
        g[:, s] = self._s_coef * np.einsum("dik,dki->di", FBtM[:, m.i[s], :],
                                           FB[:, :, m.j[s]])
        if v is not None:
            u = np.einsum("dpi,dp->di", imp["FB"], v)
            g[:, a] -= 2.0 * u[:, m.i[a]] * imp["Bm"][:, m.j[a]]
            g[:, self._m] = -2.0 * u[:, m.i[self._m]]
        return self._to_parameters_vec(g)

    def _Z(self, imp):
        p = self.model.p
        return np.concatenate([imp["FB"], imp["C"][:, :p, :]], axis=2)

    def _trace_products(self, imp, P, Q):
        """tr(P dSigma_k Q dSigma_l) + tr(Q dSigma_k P dSigma_l) per pair of parameters (twice
        T(P, Q) of :meth:`RamModel.trace_products` when ``Q is P``, its symmetric part times
        two otherwise)."""
        return self._mirror(self._pair_products(imp, P, Q))

    def _pair_products(self, imp, P, Q):
        """The products of :meth:`_trace_products` for the entry pairs k <= l, pairs x draws.

        From the Gram matrices Z'PZ and Z'QZ over the distinct columns of Z that the entries
        use (a few dozen instead of one per entry): with ``dSigma_k = c_k (z_y z_x' + z_x
        z_y')`` for entry k (columns y_k, x_k of Z) and ``G = Z'PZ``, ``H = Z'QZ``, the element
        (k, l) is ``2 c_k c_l (H[y_k, x_l] G[y_l, x_k] + G[y_k, x_l] H[y_l, x_k] + H[y_k, y_l]
        G[x_k, x_l] + G[y_k, y_l] H[x_k, x_l])``, from one gather of each Gram matrix. Draws are
        the inner axis, so the products run over contiguous rows."""
        Zu = self._Z(imp)[:, :, self._cols]
        ZuT = Zu.transpose(0, 2, 1)
        D = len(P)
        GP = (ZuT @ (P @ Zu)).reshape(D, -1).T
        if Q is P:
            a, b, yy, xx = np.take(GP, self._pair_index, axis=0)
            a *= b
            yy *= xx
            a += yy
            a *= 4.0 * self._pair_coef[:, None]
            return a
        # the four products one at a time: three pairs x draws arrays live, not eight
        GQ = (ZuT @ (Q @ Zu)).reshape(D, -1).T
        i_yx, i_xy, i_yy, i_xx = self._pair_index
        out = np.take(GQ, i_yx, axis=0)
        out *= np.take(GP, i_xy, axis=0)
        for i_q, i_p in ((i_xy, i_yx), (i_yy, i_xx), (i_xx, i_yy)):
            part = np.take(GQ, i_q, axis=0)
            part *= np.take(GP, i_p, axis=0)
            out += part
        out *= 2.0 * self._pair_coef[:, None]
        return out

    def _mirror(self, pairs):
        """Pairs x draws -> draws x npar x npar (both triangles; mapped to the parameters)."""
        T = np.ascontiguousarray(np.take(pairs, self._pair_full, axis=0).transpose(2, 0, 1))
        return self._to_parameters(T)

    def _add_second_derivative_term(self, imp, M, pairs) -> None:
        """Adds the observed Hessian's second-derivative term (the A entries' second
        derivatives of Sigma against M; :meth:`RamModel.second_derivative_term`) to ``pairs``
        (entry pairs x draws) in place."""
        if not len(self._a):
            return
        m = self.model
        D = len(M)
        FB, C = imp["FB"], imp["C"]
        MFB = M @ FB                           # the nonzero rows of M_F B
        # elements x draws, each element's draws contiguous for the gathers below
        N, T, B, C = (np.ascontiguousarray(X.reshape(D, -1).T) for X in (
            FB.transpose(0, 2, 1) @ MFB, C[:, :, : m.p] @ MFB, imp["B"], C))
        ji, ij, jj, ii = self._aa_index
        aa = np.take(B, ji, axis=0) * np.take(T, ij, axis=0)
        aa += np.take(B, ij, axis=0) * np.take(T, ji, axis=0)
        aa += np.take(C, jj, axis=0) * np.take(N, ii, axis=0)
        aa *= 2.0
        pairs[self._aa_cols] += aa
        if len(self._s):
            jk, il, jl, ik = self._as_index
            block = np.take(B, jl, axis=0) * np.take(N, ik, axis=0)
            block *= self._as_off
            block += np.take(B, jk, axis=0) * np.take(N, il, axis=0)
            block *= 2.0
            pairs[self._as_cols] += block

    def _mean_jacobian(self, imp):
        m = self.model
        Bm = imp["Bm"]
        scale = np.where(m._is_a, Bm[:, m.j], np.where(m._is_m, 1.0, 0.0))
        d_mu = scale[:, :, None] * imp["FB"][:, :, m._mean_i].transpose(0, 2, 1)
        return d_mu if m.one_to_one else m.K.T @ d_mu

    def _dsigma_times(self, imp, v):
        m = self.model
        Z = self._Z(imp)
        zv = np.einsum("dpk,dp->dk", Z, v)
        x, y, c = m.entry_x, m.entry_y, m.entry_coef
        cols = c * (Z[:, :, x] * zv[:, None, y] + Z[:, :, y] * zv[:, None, x])
        return cols if m.one_to_one else cols @ m.K

    def _second_derivative_mean_term(self, imp, v):
        m = self.model
        B, Bm = imp["B"], imp["Bm"]
        u = np.einsum("dpi,dp->di", imp["FB"], v)
        H = np.zeros((len(v), len(m.kind), len(m.kind)))
        a = self._a
        if len(a):
            ia, ja = m.i[a], m.j[a]
            B_ji = B[:, ja][:, :, ia]                          # [k, l] = B[j_k, i_l]
            uia, Bmja = u[:, ia], Bm[:, ja]
            H[:, a[:, None], a[None, :]] = (uia[:, :, None] * B_ji * Bmja[:, None, :]
                                            + uia[:, None, :] * B_ji.transpose(0, 2, 1)
                                            * Bmja[:, :, None])
            mm = self._m
            if len(mm):
                block = uia[:, :, None] * B[:, ja][:, :, m.i[mm]]
                H[:, a[:, None], mm[None, :]] = block
                H[:, mm[:, None], a[None, :]] = block.transpose(0, 2, 1)
        return self._to_parameters(H)


# Per model: the index arrays of the batched derivatives (they depend on the model's structure
# only, so a bootstrap or power study builds them once, not once per batch of 50 draws).
_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _layout(model: RamModel) -> dict:
    """The attributes of :class:`BatchedMLLoss` that depend on ``model`` alone (kept per model)."""
    if model in _LAYOUTS:
        return _LAYOUTS[model]
    m = model
    a, s = np.flatnonzero(m._is_a), np.flatnonzero(m._is_s)
    # the distinct columns of Z = [FB, C F'] that the entries' derivatives use, and where
    # each entry's (y, x), (y, y) and (x, x) Gram elements sit in a flattened u x u Gram
    cols, inverse = np.unique(np.concatenate([m.entry_x, m.entry_y]), return_inverse=True)
    u = len(cols)
    x, y = inverse[: len(m.entry_x)], inverse[len(m.entry_x):]
    # the Hessians are symmetric: the pairs k <= l of entries, and for each the flattened
    # Gram positions (y_k, x_l), (y_l, x_k), (y_k, y_l), (x_k, x_l) of its four products
    k, l = np.triu_indices(len(x))
    full = np.empty((len(x), len(x)), dtype=int)           # entry pair -> its column
    full[k, l] = full[l, k] = np.arange(len(k))
    # the observed Hessian's second-derivative term (RamModel.second_derivative_term) on
    # the same pairs: A-A pairs read B and T at (j_k, i_l) and (j_l, i_k), C at (j_k, j_l)
    # and N at (i_k, i_l); A-S pairs read B at (j, s_k), (j, s_l), N at (i, s_l), (i, s_k)
    n = m.n
    ia, ja, sk, sl = m.i[a], m.j[a], m.i[s], m.j[s]
    pa, pb = np.triu_indices(len(a))
    qa, qs = (g.ravel() for g in np.meshgrid(np.arange(len(a)), np.arange(len(s)),
                                              indexing="ij"))
    arrows = (m.A0 != 0)
    arrows[m.i[m._is_a], m.j[m._is_a]] = True
    blocks = not arrows[:, : m.p].any()
    # which elements of S can be nonzero: a factor model with uncorrelated residuals (S
    # diagonal over the observed variables, no observed-latent covariance) and latent
    # variables (Sigma = Theta + U Psi U') can invert Sigma by the Woodbury identity
    covaries = m.S0 != 0
    covaries[m.i[m._is_s], m.j[m._is_s]] = True
    covaries |= covaries.T
    np.fill_diagonal(covaries, False)
    woodbury = blocks and m.n > m.p and not covaries[: m.p].any()
    _LAYOUTS[model] = {
        "_a": a, "_s": s, "_m": np.flatnonzero(m._is_m),
        "_s_coef": np.where(m._s_diag[s], 1.0, 2.0),
        "_cols": cols,
        "_pair_index": np.stack([y[k] * u + x[l], y[l] * u + x[k], y[k] * u + y[l],
                                 x[k] * u + x[l]]),
        "_pair_coef": m._coef_outer[k, l],
        "_pair_full": full,
        "_aa_cols": full[a[pa], a[pb]],
        "_aa_index": np.stack([ja[pa] * n + ia[pb], ja[pb] * n + ia[pa],
                               ja[pa] * n + ja[pb], ia[pa] * n + ia[pb]]),
        "_as_cols": full[a[qa], s[qs]],
        "_as_index": np.stack([ja[qa] * n + sk[qs], ia[qa] * n + sl[qs],
                               ja[qa] * n + sl[qs], ia[qa] * n + sk[qs]]),
        "_as_off": (sk != sl)[qs][:, None],
        # no arrow leaves an observed variable (a measurement model with latent paths): then
        # B = [[I, L Beta], [0, Beta]] with Beta = (I - A_latent)^-1, a small inverse
        "_blocks": blocks,
        "_woodbury": woodbury,
    }
    return _LAYOUTS[model]
