"""The latent moderated structural equations (LMS) likelihood: a finite normal mixture over
Gauss-Hermite nodes (Klein & Moosbrugger 2000, Psychometrika 65, 457-474).

The model is relqual's RAM model ``v = m + A v + u + W``, ``u ~ N(0, S)``, plus interaction
terms: ``W`` has ``omega_t * v_a * v_b`` in the row of term t's outcome. The factors of every
term must lie in the model's *normal block* (not downstream of any interaction outcome), so that
they are jointly normal. A *covering set* ``c`` of factors (one of each term's two factors) is
integrated out: given ``g = v_c``, every product is ``g_a`` times a variable linear in ``u``, so

    v | g  =  (I - A)^-1 (I + D(g)) (m + u),   D(g)[y, :] = sum_t omega_t g_a (I - A)^-1[b, :],

is normal, with ``u | g ~ N(S T' Phi^-1 (g - mu_g), S - S T' Phi^-1 T S)`` (``T``: the rows
``c`` of ``(I - A)^-1``, ``Phi = T S T'``, ``mu_g = T m``). With ``g = mu_g + chol(Phi) z`` and
``z`` on a product Gauss-Hermite grid (weights ``w_k``) the marginal density of the observed
variables is the mixture ``sum_k w_k N(y; mu_k, Sigma_k)`` (Klein & Moosbrugger 2000, eq. 9;
modsem's ``lms`` uses the same mixture). The log-likelihood is maximised directly; its gradient
is the mixture's score (posterior node weights times the normal scores in ``mu_k`` and
``Sigma_k``) chained through central differences of the small map ``x -> (mu_k, Sigma_k)``.
"""
from __future__ import annotations

import itertools

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from .matrices import Implied, RamModel

LOG_2PI = np.log(2.0 * np.pi)
PRUNE = 1e-14       # grid weights below this are dropped (about |z| > 8)


def gauss_hermite_grid(nodes: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of the ``dim``-dimensional standard normal (product Gauss-Hermite).

    Parameters
    ----------
    nodes : int
        Nodes per dimension.
    dim : int
        Dimensions.

    Returns
    -------
    z : ndarray
        ``nodes**dim`` x ``dim``.
    w : ndarray
        Weights summing to 1.

    Examples
    --------
    >>> z, w = gauss_hermite_grid(5, 1)
    >>> [round(float(w @ z[:, 0] ** k), 12) for k in (0, 2, 4)]     # moments of N(0, 1)
    [1.0, 1.0, 3.0]
    """
    x, w = hermegauss(nodes)
    w = w / w.sum()
    z = np.array(list(itertools.product(x, repeat=dim)))
    weights = np.prod(np.array(list(itertools.product(w, repeat=dim))), axis=1)
    return z, weights


def covering_set(pairs: list[tuple[str, str]]) -> list[str]:
    """Factors such that every term has at least one of them (greedy: the most shared first,
    ties to the first written).

    Parameters
    ----------
    pairs : list of (str, str)
        The factors of each two-way term.

    Returns
    -------
    list of str

    Examples
    --------
    >>> covering_set([("X", "Z"), ("X", "W"), ("V", "V")])
    ['X', 'V']
    """
    left, chosen = list(pairs), []
    while left:
        counts: dict[str, int] = {}
        for a, b in left:
            for f in dict.fromkeys((a, b)):          # in order: the result is reproducible
                counts[f] = counts.get(f, 0) + 1
        best = max(counts, key=counts.get)
        chosen.append(best)
        left = [t for t in left if best not in t]
    return chosen


def _logsumexp_rows(a: np.ndarray) -> np.ndarray:
    """log(sum(exp(a), axis=1)), shifted by each row's largest entry."""
    top = a.max(axis=1)
    return np.log(np.exp(a - top[:, None]).sum(axis=1)) + top


class LMSModel(RamModel):
    """A RAM model with two-way interaction terms among normal-block variables.

    ``implied(x)`` gives the *marginal* moments including the interaction (the mixture's mean
    and covariance), so standardized values and R² read the interaction's share of variance.

    Parameters
    ----------
    partable : ParTable
        The linear model's parameter table (without the interaction rows).
    group : int
        The group (1).
    sample : SampleStats, optional
        For fixed.x moments.
    terms : list of (str, str, str)
        Per term ``(outcome, a, b)``; its coefficient is ``x[first + t]``.
    first : int
        The 0-based position of the first interaction coefficient in ``x``.

    Examples
    --------
    >>> from relqual.partable import build_partable
    >>> table = build_partable("X =~ x1; Z =~ z1; Y =~ y1; Y ~ X + Z", meanstructure=True)
    >>> model = LMSModel(table, 1, None, [("Y", "X", "Z")], table.npar)
    >>> model.cover, model.lv_names
    (['X'], ['X', 'Z', 'Y'])
    """

    def __init__(self, partable, group, sample, terms, first):
        super().__init__(partable, group, sample)
        self.terms = list(terms)
        self.first = int(first)
        self.cover = covering_set([(a, b) for _, a, b in self.terms])
        index = {name: k for k, name in enumerate(self.names)}
        self._c = np.array([index[f] for f in self.cover])
        self._y = np.array([index[y] for y, _, _ in self.terms])
        self._a, self._b = [], []
        for _, a, b in self.terms:           # a: the factor in the covering set
            if a not in self.cover:
                a, b = b, a
            self._a.append(self.cover.index(a))
            self._b.append(index[b])

    def conditional(self, x: np.ndarray, z: np.ndarray, observed: bool = False):
        """Means and covariances of the variables given the covering factors at nodes ``z``.

        With ``c_t = omega_t g_a`` and ``u_t``, ``v_t`` column ``y_t`` and row ``b_t`` of
        ``(I - A)^-1``, ``(I - A)^-1 (I + D) = (I - A)^-1 + sum_t c_t u_t v_t'``: every node's
        moments are a few rank-one corrections of fixed matrices.

        Parameters
        ----------
        x : ndarray
            The free parameters (linear part, then the interaction coefficients); a 2-D
            array (B x npar) gives B sets of moments at once.
        z : ndarray
            Standard normal nodes (K x number of covering factors).
        observed : bool
            Only the observed variables (the first ``p``).

        Returns
        -------
        mu : ndarray
            K x n (or K x p; with a leading B axis for 2-D ``x``).
        cov : ndarray
            K x n x n (or K x p x p; idem).

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.lms import EXAMPLE
        >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
        ...              interaction="lms")
        >>> model = res.problem.models[0]
        >>> mu, cov = model.conditional(res.x, np.array([[-1.0], [1.0]]), observed=True)
        >>> mu.shape, cov.shape
        ((2, 7), (2, 7, 7))
        >>> model.conditional(np.vstack([res.x, res.x]), np.zeros((1, 1)))[1].shape
        (2, 1, 9, 9)
        """
        single = np.ndim(x) == 1
        xs = np.atleast_2d(x)
        parts = [self.matrices(xi) for xi in xs]
        A = np.stack([q[0] for q in parts])
        S = np.stack([q[1] for q in parts])
        m = np.stack([q[2] for q in parts])
        tr = (0, 2, 1)
        ia = np.linalg.inv(np.eye(self.n)[None] - A)
        t = ia[:, self._c]                                     # B x k x n
        mu_g = (t @ m[:, :, None])[:, :, 0]
        sg = S @ np.transpose(t, tr)                           # B x n x k
        phi = t @ sg
        chol = np.linalg.cholesky(phi)
        gain = sg @ np.linalg.inv(phi)                         # S T' Phi^-1
        cu = S - gain @ np.transpose(sg, tr)
        zc = np.einsum("qj,bij->bqi", z, chol)                 # B x K x k: chol z
        g = mu_g[:, None] + zc
        h = m[:, None] + zc @ np.transpose(gain, tr)           # m + E[u | g], B x K x n
        rows = ia[:, : self.p] if observed else ia
        omega = xs[:, self.first: self.first + len(self.terms)]
        c = g[:, :, self._a] * omega[:, None]                  # B x K x T
        u = rows[:, :, self._y]                                # columns u_t, B x r x T
        v = ia[:, self._b]                                     # rows v_t, B x T x n
        mu = (h @ np.transpose(rows, tr)
              + (c * (h @ np.transpose(v, tr))) @ np.transpose(u, tr))
        uc = u[:, None] * c[:, :, None, :]                     # B x K x r x T
        vcr = v @ cu @ np.transpose(rows, tr)                  # B x T x r
        inner = v @ cu @ np.transpose(v, tr)                   # B x T x T
        cross = uc @ vcr[:, None]
        cov = ((rows @ cu @ np.transpose(rows, tr))[:, None] + cross
               + np.transpose(cross, (0, 1, 3, 2))
               + uc @ inner[:, None] @ np.transpose(uc, (0, 1, 3, 2)))
        return (mu[0], cov[0]) if single else (mu, cov)

    def implied(self, x: np.ndarray) -> Implied:
        """Marginal moments of all variables, interaction included (exact: a 5-node rule
        integrates the degree-4 polynomials exactly)."""
        z, w = gauss_hermite_grid(5, len(self.cover))
        mu, cov = self.conditional(x, z)
        mean = w @ mu
        second = np.einsum("k,kij->ij", w, cov) + np.einsum("k,ki,kj->ij", w, mu, mu)
        C = second - np.outer(mean, mean)
        A, _, _ = self.matrices(x)
        B = np.linalg.inv(np.eye(self.n) - A)
        p = self.p
        return Implied(sigma=C[:p, :p], mu=mean[:p], B=B, FB=B[:p], C=C, Bm=mean)


class LMSLoss:
    """Minus the LMS log-likelihood per observation (implements
    :class:`relqual.engine.protocol.Loss`).

    Parameters
    ----------
    model : LMSModel
    data : ndarray
        The rows (N x p, complete).
    nodes : int
        Gauss-Hermite nodes per integrated dimension.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.lms import EXAMPLE
    >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
    ...              interaction="lms")
    >>> loss = res.problem.loss
    >>> loss.nodes, len(loss.z), loss.n_total
    (96, 48, 301)
    >>> value, gradient = loss.value_and_gradient(res.x)
    >>> bool(abs(gradient).max() < 1e-5), round(-value * loss.n_total, 3)
    (True, -2916.93)
    """

    def __init__(self, model: LMSModel, data: np.ndarray, nodes: int):
        self.model = model
        self.data = np.asarray(data, dtype=float)
        self.n_total = len(self.data)
        self.nodes = int(nodes)
        z, w = gauss_hermite_grid(self.nodes, len(model.cover))
        keep = w > PRUNE                       # nodes beyond about 8 SD carry no likelihood
        self.z, self.w = z[keep], w[keep] / w[keep].sum()
        self._logw = np.log(self.w)
        self._center = self.data.mean(axis=0)   # densities are shift-invariant; less rounding
        self._yc = self.data - self._center
        self._yy = np.einsum("ni,nj->nij", self._yc, self._yc).reshape(self.n_total, -1)

    def _moments(self, x):
        return self.model.conditional(x, self.z, observed=True)

    def _log_densities(self, mu, cov):
        """N x K log normal densities (Mahalanobis distances as three matrix products over the
        rows' cross-products), the centred means and the inverse covariances."""
        chol = np.linalg.cholesky(cov)                          # raises when not PD
        logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        sinv = np.linalg.inv(cov)
        k, p = mu.shape
        m = mu - self._center
        sm = (sinv @ m[:, :, None])[:, :, 0]
        maha = (self._yy @ sinv.reshape(k, p * p).T - 2.0 * (self._yc @ sm.T)
                + (m * sm).sum(axis=1)[None])
        return -0.5 * (p * LOG_2PI + logdet[None] + maha), m, sinv

    def loglik_rows(self, x: np.ndarray) -> np.ndarray:
        """Each row's log-likelihood (the mixture's log density).

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        ndarray
        """
        mu, cov = self._moments(x)
        logphi = self._log_densities(mu, cov)[0]
        return _logsumexp_rows(logphi + self._logw[None])

    def value(self, x: np.ndarray) -> float:
        """Minus the mean of :meth:`loglik_rows`; ``inf`` where it is not defined (a covariance
        not positive definite)."""
        try:
            return -float(self.loglik_rows(x).mean())
        except np.linalg.LinAlgError:
            return np.inf

    def value_and_gradient(self, x: np.ndarray, step: float = 1e-6):
        """Minus the mean log-likelihood and its gradient (see the module docstring)."""
        try:
            mu, cov = self._moments(x)
            logphi, m, sinv = self._log_densities(mu, cov)
        except np.linalg.LinAlgError:
            return np.inf, np.full(len(x), np.nan)
        joint = logphi + self._logw[None]
        rows = _logsumexp_rows(joint)
        post = np.exp(joint - rows[:, None])                    # N x K posterior node weights
        k, p = m.shape
        n_k = post.sum(axis=0)
        s_y = post.T @ self._yc                                 # K x p
        s_yy = (post.T @ self._yy).reshape(k, p, p)
        outer = s_y[:, :, None] * m[:, None, :]
        scatter = (s_yy - outer - np.transpose(outer, (0, 2, 1))
                   + n_k[:, None, None] * m[:, :, None] * m[:, None, :])
        g_mu = (sinv @ (s_y - n_k[:, None] * m)[:, :, None])[:, :, 0]
        g_cov = 0.5 * (sinv @ scatter @ sinv - n_k[:, None, None] * sinv)
        shift = step * np.eye(len(x))
        mu_d, cov_d = self._moments(np.vstack([x + shift, x - shift]))
        d_mu = (mu_d[: len(x)] - mu_d[len(x):]) / (2 * step)
        d_cov = (cov_d[: len(x)] - cov_d[len(x):]) / (2 * step)
        grad = (np.einsum("jki,ki->j", d_mu, g_mu)
                + np.einsum("jkil,kil->j", d_cov, g_cov))
        return -float(rows.mean()), -grad / self.n_total

    def observed_hessian(self, x: np.ndarray, step: float = 1e-5, central: bool = False):
        """Value, gradient and the Hessian: forward (``central=True``: central) differences
        of the analytic gradient, symmetrized."""
        value, grad = self.value_and_gradient(x)
        hess = np.empty((len(x), len(x)))
        for j in range(len(x)):
            e = np.zeros(len(x))
            e[j] = step
            upper = self.value_and_gradient(x + e)[1]
            lower = self.value_and_gradient(x - e)[1] if central else grad
            hess[j] = (upper - lower) / ((2.0 if central else 1.0) * step)
        return value, grad, 0.5 * (hess + hess.T)

    def value_gradient_information(self, x: np.ndarray):
        """Value, gradient and the observed Hessian (LMS has no closed-form expected one)."""
        return self.observed_hessian(x)
