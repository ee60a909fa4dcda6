"""Parameter table -> model matrices -> implied moments and their derivatives.

We use the reticular action model (RAM; McArdle & McDonald 1984): all observed and latent
variables stacked in one vector ``v = A v + u`` with ``Cov(u) = S`` and ``E(u) = m``. With the
selection matrix ``F`` picking the observed variables,

    Sigma(theta) = F B S B' F',   mu(theta) = F B m,   B = (I - A)^-1.

Loadings (``f =~ x``) and regressions (``y ~ x``) are entries of ``A``; variances and covariances
(``~~``) entries of ``S``; intercepts (``~1``) entries of ``m``.  The derivatives follow from
``dB = B dA B``:

    dSigma/dA_ij = (FB)_i (C F')_j' + transpose,  C = B S B'
    dSigma/dS_ij = (FB)_i (FB)_j' + (FB)_j (FB)_i'   (once when i = j)
    dmu/dA_ij = (FB)_i (B m)_j,   dmu/dm_i = (FB)_i

(Neudecker & Satorra 1991; von Oertzen & Brick 2014 give the same RAM derivatives).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ..partable import ParTable
from .samplestats import SampleStats

KIND_A, KIND_S, KIND_M = 0, 1, 2


@dataclass
class Implied:
    """Implied moments at one parameter vector, with the pieces the derivatives reuse.

    Parameters
    ----------
    sigma : ndarray
        The implied covariance matrix of the observed variables, ``F B S B' F'`` (p x p).
    mu : ndarray
        Their implied means, ``F B m``.
    B : ndarray
        ``(I - A)^-1`` (n x n, all variables).
    FB : ndarray
        Its first p rows.
    C : ndarray
        ``B S B'``, the implied covariance matrix of all variables.
    Bm : ndarray
        ``B m``, the implied means of all variables.

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.partable import build_partable
    >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
    >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
    >>> imp = model.implied(x)
    >>> imp.sigma
    array([[1.5 , 0.8 , 0.6 ],
           [0.8 , 1.14, 0.48],
           [0.6 , 0.48, 0.86]])
    >>> imp.C.shape, imp.mu.tolist()
    ((4, 4), [0.0, 0.0, 0.0])
    """

    sigma: np.ndarray
    mu: np.ndarray
    B: np.ndarray
    FB: np.ndarray
    C: np.ndarray
    Bm: np.ndarray


class RamModel:
    """The RAM matrices of one group, with fixed values filled and free entries indexed.

    Variables are ordered observed first (``ov_names``), then latent (``lv_names``).

    Parameters
    ----------
    partable : ParTable
        The model.
    group : int
        The 1-based group whose rows are used.
    sample : SampleStats, optional
        Fills in the fixed.x (co)variances and means (see :meth:`set_sample`).

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.partable import build_partable
    >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
    >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
    >>> model.names, model.p, model.n, model.npar
    (['x1', 'x2', 'x3', 'f'], 3, 4, 6)
    >>> model.kind.tolist(), model.i.tolist(), model.j.tolist()   # 0: A entry, 1: S entry
    ([0, 0, 1, 1, 1, 1], [1, 2, 0, 1, 2, 3], [3, 3, 0, 1, 2, 3])
    """

    def __init__(self, partable: ParTable, group: int, sample: SampleStats | None = None):
        key = _structure_key(partable, group)
        structure = _STRUCTURES.get(key)
        if structure is None:
            self._build(partable, group)
            structure = _remember_structure(key, self)
        self.__dict__.update(structure)
        self.A0, self.S0, self.m0 = self.A0.copy(), self.S0.copy(), self.m0.copy()
        if sample is not None:
            self.set_sample(sample)

    def _build(self, partable: ParTable, group: int) -> None:
        """The model's structure from the parameter table (what :data:`_STRUCTURES` keeps)."""
        roles = partable.roles
        self.ov_names = list(roles.ov)
        self.lv_names = list(roles.lv)
        self.names = self.ov_names + self.lv_names
        self.p, self.n = len(self.ov_names), len(self.names)
        self.meanstructure = partable.meanstructure
        index = {name: i for i, name in enumerate(self.names)}
        col = partable.col
        rows = np.flatnonzero((col["group"] == group) & np.isin(col["op"], ["=~", "~", "~~", "~1"]))
        self._exo: list[tuple] = []            # fixed.x entries, filled from the sample
        self.A0 = np.zeros((self.n, self.n))
        self.S0 = np.zeros((self.n, self.n))
        self.m0 = np.zeros(self.n)
        row_kind, row_i, row_j = [], [], []
        for lhs, op, rhs, free, ustart, exo in zip(*(col[c][rows].tolist() for c in (
                "lhs", "op", "rhs", "free", "ustart", "exo"))):
            if op == "=~":
                kind, i, j = KIND_A, index[rhs], index[lhs]
            elif op == "~":
                kind, i, j = KIND_A, index[lhs], index[rhs]
            elif op == "~~":
                kind, i, j = KIND_S, index[lhs], index[rhs]
            else:
                kind, i, j = KIND_M, index[lhs], 0
            row_kind.append(kind), row_i.append(i), row_j.append(j)
            if free > 0:
                continue
            if exo:
                self._exo.append((kind, i, j, op, lhs, rhs))
            self._set(kind, i, j, 0.0 if np.isnan(ustart) else ustart)
        # every row of this group (``rows``: positions in the parameter table) ...
        self.rows = rows
        self.row_kind = np.array(row_kind, dtype=int)
        self.row_i = np.array(row_i, dtype=int)
        self.row_j = np.array(row_j, dtype=int)
        self._row_a = np.flatnonzero(self.row_kind == KIND_A)   # rows read from A, from S
        self._row_s = np.flatnonzero(self.row_kind == KIND_S)
        # ... and the free entries among them
        free = col["free"][rows]
        entries = np.flatnonzero(free > 0)
        pidx = free[entries] - 1
        self.npar = partable.npar
        # without shared labels each parameter is one entry: order entries as the parameters
        self.one_to_one = len(pidx) == self.npar and len(np.unique(pidx)) == self.npar
        if self.one_to_one:
            entries = entries[np.argsort(pidx)]
        self.kind = self.row_kind[entries]
        self.i = self.row_i[entries]
        self.j = self.row_j[entries]
        self.pidx = free[entries] - 1
        # entry -> parameter map (entries sharing a label add up)
        self.K = np.zeros((len(self.pidx), self.npar))
        self.K[np.arange(len(self.pidx)), self.pidx] = 1.0
        self._is_a = self.kind == KIND_A
        self._is_s = self.kind == KIND_S
        self._is_m = self.kind == KIND_M
        self._s_diag = self._is_s & (self.i == self.j)
        # each entry's dSigma is c (x y' + y x') with x, y columns of Z = [FB, C F'] (below)
        self.entry_x = np.where(self._is_m, 0, self.i)
        self.entry_y = np.where(self._is_a, self.n + self.j, np.where(self._is_s, self.j, 0))
        self.entry_coef = np.where(self._is_m, 0.0, np.where(self._s_diag, 0.5, 1.0))
        self._coef_outer = np.outer(self.entry_coef, self.entry_coef)
        self._moments_only = not self.lv_names and not self._is_a.any() and not (self.A0 != 0).any()
        # where each entry pair's (y, x), (y, y) and (x, x) elements sit in a flattened Gram
        # matrix Z'PZ (width 2n; p for a moments-only model, whose Z is the identity)
        width = self.p if self._moments_only else 2 * self.n
        ex, ey = self.entry_x, self.entry_y
        self._gram_index = (ey[:, None] * width + ex[None, :], ey[:, None] * width + ey[None, :],
                            ex[:, None] * width + ex[None, :])
        # the elements of n x n matrices that gradient and second_derivative_term read
        self._grad_a = (self.i * self.n + self.j)[self._is_a]
        self._grad_s = (self.i * self.n + self.j)[self._is_s]
        self._grad_s_coef = np.where(self._s_diag[self._is_s], 1.0, 2.0)
        a_rows = np.flatnonzero(self._is_a)
        s_rows = np.flatnonzero(self._is_s)
        ia, ja, sk, sl = self.i[a_rows], self.j[a_rows], self.i[s_rows], self.j[s_rows]
        n = self.n
        self._second_index = {
            "aa": np.ix_(a_rows, a_rows), "as": np.ix_(a_rows, s_rows),
            "sa": np.ix_(s_rows, a_rows),
            "ji": ja[:, None] * n + ia[None, :], "jj": ja[:, None] * n + ja[None, :],
            "ii": ia[:, None] * n + ia[None, :], "jk": ja[:, None] * n + sk[None, :],
            "il": ia[:, None] * n + sl[None, :], "jl": ja[:, None] * n + sl[None, :],
            "ik": ia[:, None] * n + sk[None, :], "off": (sk != sl)[None, :]}
        # each entry's dmu is s FB[:, i] (s = (Bm)_j for A entries, 1 for m entries, 0 for S)
        self._mean_i = self.i.copy()
        # which entries of A can be nonzero: when no arrow leaves an observed variable,
        # I - A = [[I, -L], [0, I - A_ll]] and B = [[I, L Beta], [0, Beta]], Beta = (I - A_ll)^-1
        arrows = self.A0 != 0
        arrows[self.i[self._is_a], self.j[self._is_a]] = True
        self._by_blocks = not arrows[:, : self.p].any()
        self._latent_paths = bool(arrows[self.p:, self.p:].any())

    def set_sample(self, sample: SampleStats) -> None:
        """Fix the exogenous covariates' (co)variances and means at this sample's values.

        Parameters
        ----------
        sample : SampleStats
            Moments of the observed variables (by name).

        Returns
        -------
        None

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.engine.samplestats import SampleStats
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("y ~ x", meanstructure=True), 1)
        >>> sample = SampleStats.from_array(np.array([[1., 2], [2, 1], [3, 5], [4, 3]]),
        ...                                 ["y", "x"])
        >>> model.set_sample(sample)
        >>> float(model.S0[1, 1]), float(model.m0[1])      # var(x), mean(x)
        (2.1875, 2.75)
        """
        names = list(sample.names)
        for kind, i, j, op, lhs, rhs in self._exo:
            if op == "~1":
                value = sample.mean[names.index(lhs)]
            else:
                value = sample.cov[names.index(lhs), names.index(rhs)]
            self._set(kind, i, j, float(value))

    def _set(self, kind, i, j, value):
        if kind == KIND_A:
            self.A0[i, j] = value
        elif kind == KIND_S:
            self.S0[i, j] = self.S0[j, i] = value
        else:
            self.m0[i] = value

    def matrices(self, x: np.ndarray):
        """A, S, m at the free-parameter vector ``x``.

        Parameters
        ----------
        x : ndarray
            The free parameters.

        Returns
        -------
        A : ndarray
            Directed paths (n x n): ``A[i, j]`` is the effect of variable j on variable i.
        S : ndarray
            (Residual) variances and covariances (n x n, symmetric).
        m : ndarray
            Intercepts and means (n).

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> A, S, m = model.matrices(x)
        >>> A[:, 3].tolist(), np.diag(S).tolist()
        ([1.0, 0.8, 0.6, 0.0], [0.5, 0.5, 0.5, 1.0])
        """
        values = x[self.pidx]
        A, S, m = self.A0.copy(), self.S0.copy(), self.m0.copy()
        a, s, mm = self._is_a, self._is_s, self._is_m
        A[self.i[a], self.j[a]] = values[a]
        S[self.i[s], self.j[s]] = values[s]
        S[self.j[s], self.i[s]] = values[s]
        m[self.i[mm]] = values[mm]
        return A, S, m

    def total_variances(self, X: np.ndarray) -> np.ndarray:
        """Model-implied variances of all variables for each row of X (draws x npar).

        Parameters
        ----------
        X : ndarray
            Parameter vectors, one per row (e.g. bootstrap draws).

        Returns
        -------
        ndarray
            draws x n: the diagonal of ``B S B'`` per draw.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> model.total_variances(np.vstack([x, 1.1 * x])).round(3)
        array([[1.5  , 1.14 , 0.86 , 1.   ],
               [1.65 , 1.402, 1.029, 1.1  ]])
        """
        draws = X.shape[0]
        A = np.broadcast_to(self.A0, (draws, self.n, self.n)).copy()
        S = np.broadcast_to(self.S0, (draws, self.n, self.n)).copy()
        values = X[:, self.pidx]
        a, s = self._is_a, self._is_s
        A[:, self.i[a], self.j[a]] = values[:, a]
        S[:, self.i[s], self.j[s]] = values[:, s]
        S[:, self.j[s], self.i[s]] = values[:, s]
        B = np.linalg.inv(np.eye(self.n) - A)
        return np.einsum("dij,djk,dik->di", B, S, B)

    def row_values(self, A: np.ndarray, S: np.ndarray, m: np.ndarray) -> np.ndarray:
        """The value of each of this group's rows (in ``self.rows`` order).

        Parameters
        ----------
        A, S, m : ndarray
            The matrices of :meth:`matrices`.

        Returns
        -------
        ndarray
            One value per row of ``self.rows`` (positions in the parameter table).

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> model.row_values(*model.matrices(x)).tolist()
        [1.0, 0.8, 0.6, 0.5, 0.5, 0.5, 1.0]
        """
        out = m[self.row_i]                   # intercepts and means; then A and S entries
        a, s = self._row_a, self._row_s
        out[a] = A[self.row_i[a], self.row_j[a]]
        out[s] = S[self.row_i[s], self.row_j[s]]
        return out

    def implied(self, x: np.ndarray) -> Implied:
        """The implied moments at ``x``: ``Sigma = F B S B' F'``, ``mu = F B m``.

        Parameters
        ----------
        x : ndarray
            The free parameters.

        Returns
        -------
        Implied

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> model.implied(x).sigma[0].tolist()
        [1.5, 0.8, 0.6]
        """
        A, S, m = self.matrices(x)
        B = self._inverse(A)
        FB = B[: self.p]
        C = B @ S @ B.T
        Bm = B @ m
        sigma = C[: self.p, : self.p]
        return Implied(sigma=sigma, mu=FB @ m, B=B, FB=FB, C=C, Bm=Bm)

    def _inverse(self, A: np.ndarray) -> np.ndarray:
        """B = (I - A)^-1, by blocks when no arrow leaves an observed variable (then only the
        latent block is inverted, and nothing at all without paths among latent variables)."""
        if not self._by_blocks:
            return np.linalg.inv(np.eye(self.n) - A)
        p = self.p
        B = np.eye(self.n)
        B[:p, p:] = A[:p, p:]
        if self._latent_paths:
            beta = np.linalg.inv(np.eye(self.n - p) - A[p:, p:])
            B[p:, p:] = beta
            B[:p, p:] = A[:p, p:] @ beta
        return B

    def jacobian(self, imp: Implied):
        """dSigma/dx (npar x p x p) and dmu/dx (npar x p) at ``imp``.

        The formulas in the module docstring, summed over entries that share a parameter.

        Parameters
        ----------
        imp : Implied
            From :meth:`implied`.

        Returns
        -------
        d_sigma : ndarray
            npar x p x p.
        d_mu : ndarray
            npar x p.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> d_sigma, d_mu = model.jacobian(model.implied(x))
        >>> d_sigma.shape, d_mu.shape
        ((6, 3, 3), (6, 3))
        >>> d_sigma[0]                      # d Sigma / d loading of x2
        array([[0. , 1. , 0. ],
               [1. , 1.6, 0.6],
               [0. , 0.6, 0. ]])
        """
        p = self.p
        FB, CF = imp.FB, imp.C[:, :p]
        n_entries = len(self.kind)
        d_sigma = np.zeros((n_entries, p, p))
        d_mu = np.zeros((n_entries, p))
        a, s, mm = self._is_a, self._is_s, self._is_m
        if a.any():
            left = FB[:, self.i[a]].T                      # entries x p
            right = CF[self.j[a], :]                       # entries x p
            outer = left[:, :, None] * right[:, None, :]
            d_sigma[a] = outer + outer.transpose(0, 2, 1)
            d_mu[a] = left * imp.Bm[self.j[a]][:, None]
        if s.any():
            left = FB[:, self.i[s]].T
            right = FB[:, self.j[s]].T
            outer = left[:, :, None] * right[:, None, :]
            sym = outer + outer.transpose(0, 2, 1)
            sym[self._s_diag[s]] *= 0.5
            d_sigma[s] = sym
        if mm.any():
            d_mu[mm] = FB[:, self.i[mm]].T
        KT = self.K.T
        return (KT @ d_sigma.reshape(n_entries, p * p)).reshape(self.npar, p, p), KT @ d_mu

    def trace_products(self, imp: Implied, P: np.ndarray, Q: np.ndarray) -> np.ndarray:
        """tr(P dSigma_k Q dSigma_l) for all parameter pairs, from Gram matrices.

        Every entry's derivative is dSigma_k = c_k (x_k y_k' + y_k x_k') with x_k, y_k columns of
        Z = [FB, C F'] (A entry (i, j): x = (FB)_i, y = (CF')_j; S entry: x = (FB)_i, y = (FB)_j),
        so with Z'PZ and Z'QZ each trace is a sum of four products of their elements:
        c_k c_l [Q(y_k,x_l) P(y_l,x_k) + Q(y_k,y_l) P(x_l,x_k) + Q(x_k,x_l) P(y_l,y_k)
        + Q(x_k,y_l) P(x_l,y_k)]. Cost O(n^2 p + m^2) instead of O(m p^2). One term of
        :meth:`trace_products_sum`.

        Parameters
        ----------
        imp : Implied
        P, Q : ndarray
            Symmetric p x p matrices.

        Returns
        -------
        ndarray
            npar x npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> imp = model.implied(x)
        >>> W = np.linalg.inv(imp.sigma)
        >>> d_sigma = model.jacobian(imp)[0]
        >>> direct = np.einsum("kab,bc,lcd,da->kl", d_sigma, W, d_sigma, W)
        >>> np.allclose(model.trace_products(imp, W, W), direct)
        True
        """
        Z = None if self._moments_only else np.concatenate([imp.FB, imp.C[: self.p, :]], axis=1)
        P1, P2, P3 = (G.take(index) for G in (_gram(P, Z),) for index in self._gram_index)
        if Q is P:
            Q1, Q2, Q3 = P1, P2, P3
        else:
            Q1, Q2, Q3 = (G.take(index) for G in (_gram(Q, Z),) for index in self._gram_index)
        U = Q1 * P1.T
        T = U + Q2 * P3 + Q3 * P2 + U.T
        T *= self._coef_outer
        return self.to_parameters(T)

    def trace_products_sum(self, imp: Implied, P: np.ndarray, Q: np.ndarray,
                           weights: np.ndarray) -> np.ndarray:
        """sum_k w_k tr(P_k dSigma_k Q_k dSigma_l): :meth:`trace_products` over a stack of
        missing-data patterns at once (FIML by pattern blocks).

        Each P_k, Q_k is p x p with zero rows and columns outside pattern k's observed
        variables, so that Z' P_k Z equals the pattern's Gram matrix Z_o' P_oo Z_o and one
        batched product serves every pattern; patterns are taken in chunks that bound memory.

        Parameters
        ----------
        imp : Implied
        P, Q : ndarray
            K x p x p stacks (zero outside each pattern's observed variables).
        weights : ndarray
            The K weights w_k.

        Returns
        -------
        ndarray
            npar x npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> imp = model.implied(np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0]))
        >>> obs = np.array([0, 2])                       # a pattern without x2
        >>> W = np.linalg.inv(imp.sigma[np.ix_(obs, obs)])
        >>> padded = np.zeros((1, 3, 3)); padded[0][np.ix_(obs, obs)] = W
        >>> d_sigma = model.jacobian(imp)[0][:, obs][:, :, obs]      # dSigma_oo
        >>> direct = np.einsum("kab,bc,lcd,da->kl", d_sigma, W, d_sigma, W)
        >>> np.allclose(model.trace_products_sum(imp, padded, padded, np.array([2.0])), 2 * direct)
        True
        """
        x, y = self.entry_x, self.entry_y
        Z = None if self._moments_only else np.concatenate([imp.FB, imp.C[: self.p, :]], axis=1)
        T = np.zeros((len(x), len(x)))
        chunk = max(1, 2 ** 21 // max(1, len(x) ** 2))      # K x E x E arrays of ~16 MB
        for start in range(0, len(weights), chunk):
            part = slice(start, start + chunk)
            w = weights[part][:, None, None]
            P1, P2, P3 = _gram_blocks(P[part], Z, x, y)
            Q1, Q2, Q3 = ((P1, P2, P3) if Q is P else _gram_blocks(Q[part], Z, x, y))
            T += (w * (Q1 * P1.transpose(0, 2, 1) + Q2 * P3 + Q3 * P2
                       + Q1.transpose(0, 2, 1) * P1)).sum(axis=0)
        T *= self._coef_outer
        return self.to_parameters(T)

    def dsigma_times_sum(self, imp: Implied, U: np.ndarray, V: np.ndarray,
                         weights: np.ndarray) -> np.ndarray:
        """sum_k w_k U_k (dSigma_l v_k) for every parameter l: :meth:`dsigma_times` over a stack
        of missing-data patterns at once.

        With Z = [FB, C F'] and z_k = Z' v_k, column e of dSigma v_k is
        c_e (Z[:, x_e] z_k[y_e] + Z[:, y_e] z_k[x_e]), so U_k dSigma v_k needs only U_k Z.

        Parameters
        ----------
        imp : Implied
        U : ndarray
            K x q x p.
        V : ndarray
            K x p: the vectors v_k.
        weights : ndarray
            The K weights w_k.

        Returns
        -------
        ndarray
            q x npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> imp = model.implied(np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0]))
        >>> rng = np.random.default_rng(1)
        >>> U, V, w = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 3)), np.array([0.3, 0.7])
        >>> direct = sum(wk * Uk @ model.dsigma_times(imp, vk) for wk, Uk, vk in zip(w, U, V))
        >>> np.allclose(model.dsigma_times_sum(imp, U, V, w), direct)
        True
        """
        Z = np.concatenate([imp.FB, imp.C[: self.p, :]], axis=1)
        x, y, c = self.entry_x, self.entry_y, self.entry_coef
        UZ = (U * weights[:, None, None]) @ Z                      # K x q x z
        ZV = V @ Z                                                 # K x z
        cols = c * (np.einsum("kqe,ke->qe", UZ[:, :, x], ZV[:, y])
                    + np.einsum("kqe,ke->qe", UZ[:, :, y], ZV[:, x]))
        return cols if self.one_to_one else cols @ self.K

    def to_parameters(self, H: np.ndarray) -> np.ndarray:
        """Entries x entries -> parameters x parameters (sums over entries sharing a label).

        Parameters
        ----------
        H : ndarray
            One row and column per free matrix entry.

        Returns
        -------
        ndarray
            ``K' H K`` (``H`` itself when every parameter is one entry).

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + a*x2 + a*x3"), 1)
        >>> len(model.kind), model.npar
        (6, 5)
        >>> model.to_parameters(np.ones((6, 6)))[:2, :2]
        array([[4., 2.],
               [2., 1.]])
        """
        if self.one_to_one:
            return H
        return self.K.T @ H @ self.K

    def dsigma_times(self, imp: Implied, v: np.ndarray) -> np.ndarray:
        """dSigma_l v for every parameter l, as columns (p x npar).

        Parameters
        ----------
        imp : Implied
        v : ndarray
            A vector over the observed variables.

        Returns
        -------
        ndarray
            p x npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> imp = model.implied(x)
        >>> v = np.array([1.0, 0.0, 0.0])
        >>> direct = np.einsum("kab,b->ak", model.jacobian(imp)[0], v)
        >>> np.allclose(model.dsigma_times(imp, v), direct)
        True
        """
        Z = np.concatenate([imp.FB, imp.C[: self.p, :]], axis=1)
        zv = Z.T @ v
        x, y, c = self.entry_x, self.entry_y, self.entry_coef
        cols = c * (Z[:, x] * zv[y] + Z[:, y] * zv[x])
        return cols if self.one_to_one else cols @ self.K

    def mean_jacobian(self, imp: Implied) -> np.ndarray:
        """dmu/dx (npar x p).

        Parameters
        ----------
        imp : Implied

        Returns
        -------
        ndarray
            npar x p.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("y ~ x", meanstructure=True, fixed_x=False), 1)
        >>> x = np.array([0.5, 1.0, 2.0, 0.3, 4.0])   # y ~ x, var(y), var(x), y ~ 1, x ~ 1
        >>> model.mean_jacobian(model.implied(x))   # mu_y = int_y + b mu_x, mu_x = int_x
        array([[4. , 0. ],
               [0. , 0. ],
               [0. , 0. ],
               [1. , 0. ],
               [0.5, 1. ]])
        """
        scale = np.where(self._is_a, imp.Bm[self.j], np.where(self._is_m, 1.0, 0.0))
        d_mu = scale[:, None] * imp.FB[:, self._mean_i].T
        return d_mu if self.one_to_one else self.K.T @ d_mu

    def gradient(self, imp: Implied, M: np.ndarray, v: np.ndarray | None) -> np.ndarray:
        """dF/dx without the full Jacobian, for F with dF = tr(M dSigma) - 2 v' dmu.

        With M_F = F'MF, N = B' M_F B and C = B S B':  dF/dA_ij = 2 (B' M_F C)_ij,
        dF/dS_ij = 2 N_ij (N_ii on the diagonal), and the mean part adds
        -2 (B'F'v)_i (Bm)_j to A entries and -2 (B'F'v)_i to m entries.

        Parameters
        ----------
        imp : Implied
        M : ndarray
            Symmetric, over the observed variables.
        v : ndarray or None
            Over the observed variables; None without a mean part.

        Returns
        -------
        ndarray
            npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> imp = model.implied(x)
        >>> M = np.eye(3)
        >>> np.allclose(model.gradient(imp, M, None),
        ...             np.einsum("ab,kba->k", M, model.jacobian(imp)[0]))
        True
        """
        FBtM = imp.FB.T @ M                   # B' M_F without the zero columns of M_F
        g = np.empty(len(self.kind))
        a, s, mm = self._is_a, self._is_s, self._is_m
        g[a] = 2.0 * (FBtM @ imp.C[: self.p]).take(self._grad_a)      # 2 (B' M_F C)_ij
        g[s] = self._grad_s_coef * (FBtM @ imp.FB).take(self._grad_s)  # N_ij = (B' M_F B)_ij
        if v is not None:
            u = imp.FB.T @ v
            g[a] -= 2.0 * u[self.i[a]] * imp.Bm[self.j[a]]
            g[mm] = -2.0 * u[self.i[mm]]
        return g if self.one_to_one else self.K.T @ g

    def second_derivative_term(self, imp: Implied, M: np.ndarray) -> np.ndarray:
        """tr(M d2Sigma / dx_k dx_l) for all parameter pairs (npar x npar).

        Only A-A and A-S pairs have nonzero second derivatives. With M_F = F'MF,
        N = B' M_F B and T = C M_F B, for A entries a = (i, j), b = (k, l) and S entry s = (k, l):

            A-A: 2 (B_jk T_li + B_li T_jk) + 2 C_jl N_ki
            A-S: 2 (B_jk N_li + B_jl N_ki)   (only the first half when k = l)

        Parameters
        ----------
        imp : Implied
        M : ndarray
            Symmetric, over the observed variables.

        Returns
        -------
        ndarray
            npar x npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("f =~ x1 + x2 + x3"), 1)
        >>> x = np.array([0.8, 0.6, 0.5, 0.5, 0.5, 1.0])  # loadings, residual variances, var(f)
        >>> H = model.second_derivative_term(model.implied(x), np.eye(3))
        >>> H[0].tolist()   # d2 tr(Sigma) / d lambda_2 d(.): 2 psi itself, 2 lambda_2 with psi
        [2.0, 0.0, 0.0, 0.0, 0.0, 1.6]
        """
        B, C = imp.B, imp.C
        n_entries = len(self.kind)
        H = np.zeros((n_entries, n_entries))
        if not self._is_a.any():
            return self.to_parameters(H)
        MFB = M @ imp.FB                      # the nonzero rows of M_F B
        N = imp.FB.T @ MFB
        T = C[:, : self.p] @ MFB
        at = self._second_index                # flattened positions, e.g. "ji": B[j_k, i_l]
        B_ji = B.take(at["ji"])
        T_ji = T.take(at["ji"])
        H[at["aa"]] = 2.0 * (B_ji * T_ji.T + B_ji.T * T_ji
                             + C.take(at["jj"]) * N.take(at["ii"]))
        if self._is_s.any():                   # N is symmetric: N[l, i] = N[i, l]
            block = 2.0 * (B.take(at["jk"]) * N.take(at["il"])
                           + at["off"] * B.take(at["jl"]) * N.take(at["ik"]))
            H[at["as"]] = block
            H[at["sa"]] = block.T
        return self.to_parameters(H)

    def second_derivative_mean_term(self, imp: Implied, v: np.ndarray) -> np.ndarray:
        """v' d2mu / dx_k dx_l for all parameter pairs, with u = (FB)'v:

            A-A: u_i B_jk (Bm)_l + u_k B_li (Bm)_j,    A-m (m entry k): u_i B_jk

        Parameters
        ----------
        imp : Implied
        v : ndarray
            Over the observed variables.

        Returns
        -------
        ndarray
            npar x npar.

        Examples
        --------
        >>> import numpy as np
        >>> from relqual.partable import build_partable
        >>> model = RamModel(build_partable("y ~ x", meanstructure=True, fixed_x=False), 1)
        >>> x = np.array([0.5, 1.0, 2.0, 0.3, 4.0])   # y ~ x, var(y), var(x), y ~ 1, x ~ 1
        >>> model.second_derivative_mean_term(model.implied(x), np.array([1.0, 0.0]))
        array([[0., 0., 0., 0., 1.],
               [0., 0., 0., 0., 0.],
               [0., 0., 0., 0., 0.],
               [0., 0., 0., 0., 0.],
               [1., 0., 0., 0., 0.]])
        """
        B, Bm = imp.B, imp.Bm
        u = imp.FB.T @ v
        n_entries = len(self.kind)
        H = np.zeros((n_entries, n_entries))
        a = np.flatnonzero(self._is_a)
        if len(a):
            ia, ja = self.i[a], self.j[a]
            H[np.ix_(a, a)] = (u[ia][:, None] * B[ja[:, None], ia[None, :]] * Bm[ja][None, :]
                               + u[ia][None, :] * B[ja[None, :], ia[:, None]] * Bm[ja][:, None])
            mm = np.flatnonzero(self._is_m)
            if len(mm):
                block = u[ia][:, None] * B[ja[:, None], self.i[mm][None, :]]
                H[np.ix_(a, mm)] = block
                H[np.ix_(mm, a)] = block.T
        return self.to_parameters(H)


# The structure of recently built models (index arrays, fixed values, derivative layouts), by
# the content of the parameter-table columns it is built from: a fit builds its RamModel from a
# fresh copy of a cached parameter table, and building the structure (a Python loop over the
# rows and some twenty index arrays) took a tenth of a complete Holzinger-Swineford fit. The kept
# arrays are read-only; every model gets its own A0, S0 and m0 (set_sample writes to them).
_STRUCTURES: dict[tuple, dict] = {}
_MAX_STRUCTURES = 32
_STRUCTURES_LOCK = threading.Lock()


def _structure_key(partable: ParTable, group: int) -> tuple:
    """Everything :meth:`RamModel._build` reads from ``partable``."""
    col, roles = partable.col, partable.roles
    return (group, tuple(roles.ov), tuple(roles.lv), partable.meanstructure, partable.npar,
            tuple(col["lhs"].tolist()), tuple(col["op"].tolist()), tuple(col["rhs"].tolist()),
            col["group"].tobytes(), col["free"].tobytes(), col["ustart"].tobytes(),
            col["exo"].tobytes())


def _remember_structure(key: tuple, model: RamModel) -> dict:
    """Keep ``model``'s freshly built attributes (arrays made read-only) under ``key``."""
    structure = dict(model.__dict__)
    for name, value in structure.items():
        if isinstance(value, np.ndarray) and name not in ("A0", "S0", "m0"):
            value.flags.writeable = False
    structure["A0"], structure["S0"], structure["m0"] = (
        model.A0.copy(), model.S0.copy(), model.m0.copy())
    with _STRUCTURES_LOCK:                                  # fits may run in threads
        while len(_STRUCTURES) >= _MAX_STRUCTURES:
            del _STRUCTURES[next(iter(_STRUCTURES))]       # the oldest
        _STRUCTURES[key] = structure
    return structure


def _gram(P: np.ndarray, Z: np.ndarray | None) -> np.ndarray:
    """Z'PZ for one p x p matrix P (Z None = the identity: P itself)."""
    return P if Z is None else Z.T @ (P @ Z)


def _gram_blocks(P: np.ndarray, Z: np.ndarray | None, x: np.ndarray, y: np.ndarray):
    """The blocks (Z'PZ)[y, x], (Z'PZ)[y, y], (Z'PZ)[x, x] of a stack P (K x p x p) of
    :meth:`RamModel.trace_products_sum`; Z None = the identity (a moments-only model).
    (Indexing the strided stack directly: a flattened copy for ``take`` costs more.)"""
    if Z is None:
        G = P
    else:                                   # G_k = Z' P_k Z by two large products
        K, p, z = len(P), Z.shape[0], Z.shape[1]
        PZ = (P.reshape(K * p, p) @ Z).reshape(K, p, z)
        G = (Z.T @ PZ.transpose(1, 0, 2).reshape(p, K * z)).reshape(z, K, z).transpose(1, 0, 2)
    return G[:, y[:, None], x], G[:, y[:, None], y], G[:, x[:, None], x]
