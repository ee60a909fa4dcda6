"""Diagonally weighted least squares for ordinal items (lavaan's ``estimator = "WLSMV"``):
model-implied thresholds and correlations under the delta parameterization, the DWLS discrepancy,
robust standard errors and the mean-and-variance adjusted (scaled-shifted) test.

Model (delta parameterization, scaling factors fixed to 1; Muthen & Asparouhov 2002): the latent
responses y* follow the RAM model of :mod:`relqual.engine.matrices` with their residual variances
set so that every y* has variance 1, theta_ii = 1 - (B S B')_ii (theta excluded). The implied
statistics of a group are sigma(theta) = (tau - mu*, the off-diagonal elements of Sigma*), in the
order of :class:`relqual.engine.polychoric.OrdinalStats`. With continuous variables as well
(:class:`relqual.engine.polyserial.MixedStats`, lavaan's order): -mu_i for each continuous
variable among the thresholds (a "threshold" fixed at 0), then their variances Sigma_ii, then
all covariances (scaled by Delta for ordered items only). With observed covariates x
(:class:`relqual.engine.probit_regression.ConditionalStats`, lavaan's conditional.x) the model
holds the covariates with zero variance, so that Sigma* is the covariance given x and mu* the
mean at x = 0; the slopes Delta_i B[i, x] (B = (I - A)^-1, the covariates' total effects)
follow the thresholds.

* DWLS discrepancy (lavaan ``estimator.DWLS`` and ``lav_model_objective``): per group
  F_g = sum_k w_k (s_k - sigma_k)^2 with w = 1 / diag(Gamma_g); the objective is
  sum_g (N_g - 1) / (2N) F_g (lavaan's fmin) and the test statistic T = sum_g (N_g - 1) F_g.
* Robust standard errors (lavaan ``se = "robust.sem"``, ``lav_model_nvcov_robust_sem``):
  E = sum_g f_g Delta_g' W_g Delta_g (f_g = N_g / N), Cov = E^-1 (sum_g f_g Delta_g' W_g Gamma_g
  W_g Delta_g) E^-1 / N, Delta_g = d sigma_g / d theta'.
* Scaled-shifted test (Asparouhov & Muthen 2010; lavaan ``lav_test_satorra_bentler``,
  ``test = "scaled.shifted"``): U = V - V Delta E^-1 Delta' V with V = bdiag(f_g W_g),
  Gamma = bdiag(Gamma_g / f_g); a = sqrt(df / tr((U Gamma)^2)), b = df - a tr(U Gamma);
  T_scaled = a T + b, reported scaling factor 1 / a and shift b.
* lavaan's other estimators for ordered items change W or the inference: W = I (ULS, ULSM,
  ULSMV) or the full Gamma^-1 (WLS) in place of 1 / diag(Gamma); ``se = "standard"``:
  E^-1 / (N - G); the Satorra-Bentler (T / c, c = tr(U Gamma) / df; WLSM, ULSM) and
  mean-and-variance adjusted (df* = tr(U Gamma)^2 / tr((U Gamma)^2); WLSMVS) tests from the
  same traces (:func:`relqual.engine.robustsem.scaled_test`).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.linalg import block_diag

from . import fitindices
from .matrices import RamModel
from .polychoric import OrdinalStats
from .robustsem import scaled_test


class OrdinalRamModel(RamModel):
    """A RAM model of the latent responses y* of ordinal variables, under lavaan's delta or
    theta parameterization (``partable.options["parameterization"]``).

    Delta: the scaling factors Delta_i are parameters (``~*~`` rows, fixed at 1 unless
    thresholds are equal across groups) and the residual variances are computed so that y*_i
    has variance 1 / Delta_i^2: theta_ii = 1 / Delta_i^2 - (B S B')_ii (theta_ii = 0 in S).
    Theta: the residual variances are parameters (fixed at 1 by default) and the scaling
    factors are computed, Delta_i = 1 / sqrt(Sigma*_ii) (lavaan ``computeDelta`` /
    ``setResidualElements.LISREL``). Either way the implied statistics are Delta_i (tau -
    mu*_i) and Delta_i Delta_j Sigma*_ij. The ordinal variables (``ordinal``) must not affect
    other variables (no outgoing paths), so that theta_ii enters only Sigma*_ii.

    Parameters
    ----------
    partable : ParTable
        The ordinal parameter table (:func:`relqual.ordinal.ordinal_partable`).
    group : int
        The 1-based group.
    ordinal : sequence of str
        The ordered variables.
    sample : SampleStats, optional
        As :class:`relqual.engine.matrices.RamModel`.

    Raises
    ------
    NotImplementedError
        When an ordered variable predicts another variable.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> model = res.problem.models[0]
    >>> type(model).__name__, model.ord.tolist()
    ('OrdinalRamModel', [0, 1, 2, 3])
    >>> model.implied(x).sigma.diagonal().round(12).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, partable, group: int, ordinal, sample=None):
        super().__init__(partable, group, sample)
        self.ord = np.array([self.names.index(v) for v in ordinal], dtype=int)
        outgoing = set(self.j[self._is_a]) | set(np.flatnonzero(np.abs(self.A0).sum(axis=0)))
        bad = [self.names[k] for k in self.ord if k in outgoing]
        if bad:
            raise NotImplementedError(
                f"ordered variable(s) {', '.join(bad)} predict other variables; ordinal "
                "predictors are not available with WLSMV yet (only as indicators or outcomes)")
        self.theta = partable.options.get("parameterization", "delta") == "theta"
        # scaling factors Delta (lavaan's "~*~" rows): parameter index (-1: fixed) and value
        col = partable.col
        self.scale_param = np.full(self.p, -1)
        self.scale_fixed = np.ones(self.p)
        for k in np.flatnonzero((col["group"] == group) & (col["op"] == "~*~")):
            i = self.names.index(col["lhs"][k])
            if col["free"][k] > 0:
                self.scale_param[i] = col["free"][k] - 1
            else:
                self.scale_fixed[i] = col["ustart"][k]
        self.covariates = None       # (positions, sample covariance) of conditioned-on covariates
        self._joint = False

    def set_covariates(self, names, cov: np.ndarray) -> None:
        """Record the sample covariance matrix of the covariates the items are conditioned on
        (lavaan's conditional.x). The model's moments stay conditional on them (their
        variances are 0 in S); :meth:`joint` and :meth:`total_variances` add them back.

        Parameters
        ----------
        names : sequence of str
            The covariates (observed variables of the model).
        cov : ndarray
            Their sample covariance matrix (lavaan's ``cov.x``).

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3; f ~ sex", hso, ordered=True)
        >>> model = res.problem.models[0]
        >>> model.covariates[0], model.covariates[1].round(4).tolist()
        ([3], [[0.2506]])
        """
        self.covariates = ([self.names.index(v) for v in names], np.asarray(cov, dtype=float))

    def joint(self) -> OrdinalRamModel:
        """This model with the covariates' sample covariance in S (the joint, unconditional
        moments of latent responses, factors and covariates, with which lavaan standardizes a
        conditional.x fit); the model itself when there are no covariates.

        Returns
        -------
        OrdinalRamModel

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3; f ~ sex", hso, ordered=True)
        >>> model = res.problem.models[0]
        >>> conditional, joint = model.implied(res.x).C, model.joint().implied(res.x).C
        >>> float(conditional[3, 3]), round(float(joint[3, 3]), 4)     # var(sex)
        (0.0, 0.2506)
        """
        if self.covariates is None:
            return self
        out = copy.copy(self)
        out._joint = True
        return out

    def scales(self, x: np.ndarray, imp=None) -> np.ndarray:
        """The scaling factors Delta of the observed variables at ``x`` (1 for continuous ones).

        Parameters
        ----------
        x : ndarray
            The free parameters.
        imp : Implied, optional
            The implied moments at ``x`` (theta parameterization: computed if not given).

        Returns
        -------
        ndarray
            One per observed variable, model order.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> res.problem.models[0].scales(res.x).tolist()
        [1.0, 1.0, 1.0, 1.0]
        """
        if self.theta:
            if imp is None:
                imp = self.implied(x)
            out = np.ones(self.p)
            out[self.ord] = 1.0 / np.sqrt(np.diag(imp.sigma)[self.ord])
            return out
        free = self.scale_param >= 0
        return np.where(free, x[np.maximum(self.scale_param, 0)], self.scale_fixed)

    def matrices(self, x: np.ndarray):
        """A, S, m at ``x``, the ordinal variables' residual variances set to
        1 / Delta_i^2 - (B S B')_ii (lavaan ``setResidualElements.LISREL``).

        Parameters
        ----------
        x : ndarray
            The free parameters.

        Returns
        -------
        A, S, m : ndarray
            As :meth:`relqual.engine.matrices.RamModel.matrices`.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> A, S, m = res.problem.models[0].matrices(x)
        >>> S.diagonal().round(3).tolist()          # residual variances, then var(f)
        [0.374, 0.8, 0.722, 0.755, 0.626]
        """
        A, S, m = super().matrices(x)
        if not self.theta:                    # delta: residual variances computed
            o = self.ord
            S[o, o] = 0.0
            B = np.linalg.inv(np.eye(self.n) - A)
            Bo = B[o]
            S[o, o] = self.scales(x)[o] ** -2.0 - np.einsum("ij,jk,ik->i", Bo, S, Bo)
        if self._joint:                       # the covariates' sample moments (joint model)
            idx, cov = self.covariates
            S[np.ix_(idx, idx)] = cov
        return A, S, m

    def total_variances(self, X: np.ndarray) -> np.ndarray:
        """Model-implied variances per draw; those of the ordinal latent responses are
        1 / Delta^2 (1 unless scaling factors are free). With covariates, the joint
        (unconditional) variances, which include the covariates' contribution.

        Parameters
        ----------
        X : ndarray
            Parameter vectors, one per row.

        Returns
        -------
        ndarray
            draws x n.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> res.problem.models[0].total_variances(x[None, :]).round(3)
        array([[1.   , 1.   , 1.   , 1.   , 0.626]])
        """
        if self.covariates is not None:
            joint = self.joint()
            return np.stack([np.diag(joint.implied(x).C) for x in X])
        out = super().total_variances(X)
        if not self.theta:
            out[:, self.ord] = np.stack([self.scales(x)[self.ord] ** -2.0 for x in X])
        return out


@dataclass
class GroupMap:
    """Where a group's statistics come from in the parameter vector.

    Parameters
    ----------
    tau_param : ndarray
        Parameter index of each threshold (-1: fixed).
    tau_fixed : ndarray
        Value of fixed thresholds.
    tau_item : ndarray
        Model variable position of each threshold's item.
    I, J : ndarray
        Correlation pairs, model variable positions.
    V : ndarray
        Model variable positions of the continuous variables (their variances are statistics).
    S_item, S_x : ndarray
        Per slope (covariates given, :class:`relqual.engine.probit_regression.ConditionalStats`)
        the model variable positions of its item and its covariate (empty without covariates).

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> group = loss.maps[0]
    >>> group.tau_param[:3].tolist(), group.tau_item[:4].tolist()
    ([3, 4, 5], [0, 0, 0, 1])
    >>> group.I.tolist(), group.J.tolist()
    ([1, 2, 3, 2, 3, 3], [0, 0, 0, 1, 1, 2])
    """

    tau_param: np.ndarray        # parameter index of each threshold (-1: fixed)
    tau_fixed: np.ndarray        # value of fixed thresholds
    tau_item: np.ndarray         # model variable position of each threshold's item
    I: np.ndarray                # correlation pairs, model variable positions
    J: np.ndarray
    V: np.ndarray                # continuous variables (variances), model variable positions
    S_item: np.ndarray           # slopes (conditional.x): item and covariate positions
    S_x: np.ndarray


def group_maps(partable, models: list[RamModel], stats: list[OrdinalStats]) -> list[GroupMap]:
    """Link every sample statistic to its implied counterpart (thresholds by ``lhs | tK`` rows).

    Parameters
    ----------
    partable : ParTable
    models : list of RamModel
        Per group.
    stats : list of OrdinalStats or MixedStats
        Per group. A continuous variable's entry among the thresholds (minus its mean) is a
        "threshold" fixed at 0: its implied value is -mu.

    Returns
    -------
    list of GroupMap

    Raises
    ------
    ValueError
        When a threshold has no row in the parameter table.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> maps = group_maps(res.partable, res.problem.models, loss.stats)
    >>> len(maps), len(maps[0].tau_param)
    (1, 12)
    """
    col = partable.col
    maps = []
    for g, (model, st) in enumerate(zip(models, stats), start=1):
        pos = {name: model.ov_names.index(name) for name in st.names}
        rows = np.flatnonzero((col["group"] == g) & (col["op"] == "|"))
        row_of = {(col["lhs"][r], col["rhs"][r]): r for r in rows}
        param = np.full(st.nth, -1)
        fixed = np.zeros(st.nth)
        for t, label in enumerate(st.threshold_names()):
            if "|" not in label:                  # a continuous variable: -mu
                continue
            item, tk = label.split("|")
            r = row_of.get((item, tk))
            if r is None:
                raise ValueError(f"no threshold row '{item} | {tk}' in the parameter table")
            if col["free"][r] > 0:
                param[t] = col["free"][r] - 1
            else:
                fixed[t] = col["ustart"][r]
        I, J = st.pairs
        names = np.array(st.names)
        x_pos = [model.ov_names.index(v) for v in getattr(st, "x_names", ())]
        maps.append(GroupMap(param, fixed, np.array([pos[v] for v in names[st.th_item]]),
                             np.array([pos[v] for v in names[I]], dtype=int),
                             np.array([pos[v] for v in names[J]], dtype=int),
                             np.array([pos[v] for v in st.continuous], dtype=int),
                             np.tile([pos[v] for v in st.names], len(x_pos)).astype(int),
                             np.repeat(x_pos, len(st.names)).astype(int)))
    return maps


WEIGHTS = ("DWLS", "ULS", "WLS")


def weights(stats: OrdinalStats, weight: str = "DWLS") -> np.ndarray:
    """The weight matrix W of a group (lavaan's ``WLS.V``): its diagonal 1 / diag(Gamma) for
    DWLS (estimators DWLS, WLSM, WLSMVS, WLSMV), ones for ULS (ULS, ULSM, ULSMV), or the full
    matrix Gamma^-1 for WLS.

    Parameters
    ----------
    stats : OrdinalStats
        The group's sample statistics.
    weight : {"DWLS", "ULS", "WLS"}

    Returns
    -------
    ndarray
        A vector (the diagonal) for DWLS and ULS, a matrix for WLS.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> st = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True).problem.ordinal["stats"][0]
    >>> float(weights(st, "ULS").max()), bool((weights(st) == st.wls_vd).all())
    (1.0, True)
    """
    if weight == "ULS":
        return np.ones_like(stats.wls_vd)
    if weight == "WLS":
        return np.linalg.inv(stats.gamma)
    if weight != "DWLS":
        raise ValueError(f"unknown weight '{weight}'; choose from " + ", ".join(WEIGHTS))
    return stats.wls_vd


def weigh(w: np.ndarray, a: np.ndarray) -> np.ndarray:
    """W a for a weight matrix W given as its diagonal (a vector) or in full.

    Examples
    --------
    >>> weigh(np.array([1.0, 2.0]), np.eye(2)).tolist(), weigh(2 * np.eye(2), np.ones(2)).tolist()
    ([[1.0, 0.0], [0.0, 2.0]], [2.0, 2.0])
    """
    if w.ndim == 2:
        return w @ a
    return w * a if a.ndim == 1 else w[:, None] * a


class DWLSLoss:
    """The DWLS objective over groups, with the interface of :class:`relqual.engine.loss.MLLoss`
    that :func:`relqual.engine.optimize.minimize` uses.

    Implements :class:`relqual.engine.protocol.Loss` (formulas in the module docstring; no
    casewise scores).

    Parameters
    ----------
    models : list of OrdinalRamModel
        Per group.
    stats : list of OrdinalStats
        Per group the thresholds, polychoric correlations and Gamma.
    partable : ParTable
        The ordinal parameter table.
    weight : {"DWLS", "ULS", "WLS"}
        The weights (:func:`weights`); ULS: unweighted least squares, WLS: the full Gamma^-1.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> type(loss).__name__, loss.n_total, round(float(2 * loss.n_total * loss.value(x)), 3)
    ('DWLSLoss', 301, 5.616)
    """

    def __init__(self, models: list[OrdinalRamModel], stats: list[OrdinalStats], partable,
                 weight: str = "DWLS"):
        self.models, self.stats = models, stats
        self.maps = group_maps(partable, models, stats)
        self.n_total = sum(s.n for s in stats)
        self.scale = [(s.n - 1) / (2.0 * self.n_total) for s in stats]
        self.obs = [s.wls_obs for s in stats]
        self.weight = weight
        self.w = [weights(s, weight) for s in stats]
        self.npar = partable.npar
        self.meanstructure = models[0].meanstructure
        self._last = None

    # ------------------------------------------------------------ implied statistics
    def implied(self, x: np.ndarray, g: int, imp=None) -> np.ndarray:
        """The implied statistics of group ``g``: thresholds tau - mu*, then correlations.

        Parameters
        ----------
        x : ndarray
        g : int
            0-based group.
        imp : Implied, optional
            The group's implied moments at ``x``, if already computed.

        Returns
        -------
        ndarray
            In the order of ``OrdinalStats.wls_obs``; with covariates the slopes (the total
            effects B[item, x] of the covariates on the latent responses, times Delta) follow
            the thresholds.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> loss.implied(x, 0).shape
        (18,)
        """
        model, mp = self.models[g], self.maps[g]
        if imp is None:
            imp = model.implied(x)
        tau = np.where(mp.tau_param >= 0, x[np.maximum(mp.tau_param, 0)], mp.tau_fixed)
        th = tau - imp.mu[mp.tau_item] if self.meanstructure else tau
        d = model.scales(x, imp)
        return np.concatenate([d[mp.tau_item] * th, d[mp.S_item] * imp.B[mp.S_item, mp.S_x],
                               imp.sigma[mp.V, mp.V], d[mp.I] * d[mp.J] * imp.sigma[mp.I, mp.J]])

    def delta(self, x: np.ndarray, g: int, imp=None) -> np.ndarray:
        """d sigma_g / d theta' (statistics x parameters).

        Parameters
        ----------
        x : ndarray
        g : int
            0-based group.
        imp : Implied, optional

        Returns
        -------
        ndarray
            statistics x npar.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> loss.delta(x, 0).shape
        (18, 16)
        """
        model, mp = self.models[g], self.maps[g]
        if imp is None:
            imp = model.implied(x)
        nth = len(mp.tau_param)
        D_th = np.zeros((nth, self.npar))
        free = mp.tau_param >= 0
        D_th[np.flatnonzero(free), mp.tau_param[free]] = 1.0
        if self.meanstructure:
            D_th -= model.mean_jacobian(imp)[:, mp.tau_item].T
        Z = np.concatenate([imp.FB, imp.C[: model.p, :]], axis=1)
        Zx, Zy = Z[:, model.entry_x], Z[:, model.entry_y]
        D_cor = model.entry_coef * (Zx[mp.I] * Zy[mp.J] + Zy[mp.I] * Zx[mp.J])
        D_var = 2.0 * model.entry_coef * Zx[mp.V] * Zy[mp.V]     # continuous variances
        # slopes B[y, x]: d B = B E_ij B, so d B[y, x] / d A_ij = B[y, i] B[j, x] (A entries)
        D_sl = (imp.B[mp.S_item][:, model.i] * imp.B[model.j][:, mp.S_x].T
                * model._is_a[None, :])
        if not model.one_to_one:
            D_cor = D_cor @ model.K
            D_var = D_var @ model.K
            D_sl = D_sl @ model.K
        # scaling factors: th = d (tau - mu*), cor = d_i d_j Sigma*_ij
        d, sp = model.scales(x, imp), model.scale_param
        if not model.theta and np.all(d == 1.0) and np.all(sp < 0):
            return np.vstack([D_th, D_sl, D_var, D_cor])
        D_th *= d[mp.tau_item][:, None]
        D_sl *= d[mp.S_item][:, None]
        D_cor *= (d[mp.I] * d[mp.J])[:, None]
        pi = imp.B[mp.S_item, mp.S_x]
        tau = np.where(mp.tau_param >= 0, x[np.maximum(mp.tau_param, 0)], mp.tau_fixed)
        th = tau - imp.mu[mp.tau_item] if self.meanstructure else tau
        sig = imp.sigma[mp.I, mp.J]
        if model.theta:       # d_i = Sigma*_ii^(-1/2): d d_i = -d_i^3 / 2 d Sigma*_ii
            D_all = 2.0 * model.entry_coef * Zx * Zy
            if not model.one_to_one:
                D_all = D_all @ model.K
            D_d = np.zeros((model.p, D_all.shape[1]))      # continuous variables: d = 1
            D_d[model.ord] = -0.5 * (d[model.ord] ** 3)[:, None] * D_all[model.ord]
            D_th += th[:, None] * D_d[mp.tau_item]
            D_sl += pi[:, None] * D_d[mp.S_item]
            D_cor += (sig * d[mp.J])[:, None] * D_d[mp.I] + (sig * d[mp.I])[:, None] * D_d[mp.J]
            return np.vstack([D_th, D_sl, D_var, D_cor])
        rows = np.arange(nth)
        free = sp[mp.tau_item] >= 0
        np.add.at(D_th, (rows[free], sp[mp.tau_item][free]), th[free])
        rows = np.arange(len(mp.S_item))
        free = sp[mp.S_item] >= 0
        np.add.at(D_sl, (rows[free], sp[mp.S_item][free]), pi[free])
        rows = np.arange(len(mp.I))
        for a, b in ((mp.I, mp.J), (mp.J, mp.I)):
            free = sp[a] >= 0
            np.add.at(D_cor, (rows[free], sp[a][free]), d[b][free] * sig[free])
        return np.vstack([D_th, D_sl, D_var, D_cor])

    def evaluate(self, x: np.ndarray):
        """Implied moments, residuals and the objective at ``x`` (remembered for the last x).

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        imps : list of Implied
        resid : list of ndarray
            Per group sample minus implied statistics.
        f : float
            The objective.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> imps, resid, f = loss.evaluate(x)
        >>> len(imps), resid[0].shape, bool(f == loss.value(x))
        (1, (18,), True)
        """
        key = x.tobytes()
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        imps = [m.implied(x) for m in self.models]
        resid = [s - self.implied(x, g, imp) for g, (s, imp) in enumerate(zip(self.obs, imps))]
        f = sum(c * float(r @ weigh(w, r)) for c, w, r in zip(self.scale, self.w, resid))
        self._last = (key, (imps, resid, f))
        return imps, resid, f

    def value(self, x: np.ndarray) -> float:
        """The objective sum_g (N_g - 1) / (2N) F_g (lavaan's fmin); +inf where not finite.

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        float

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> round(float(loss.value(x)), 6)
        0.009329
        """
        f = self.evaluate(x)[2]
        return f if np.isfinite(f) else np.inf

    def value_and_gradient(self, x: np.ndarray):
        """The objective and its gradient, -2 sum_g c_g Delta_g' W_g r_g.

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        value : float
        gradient : ndarray

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> bool(abs(loss.value_and_gradient(x)[1]).max() < 1e-9)      # at the optimum
        True
        """
        imps, resid, f = self.evaluate(x)
        grad = np.zeros(self.npar)
        for g, imp in enumerate(imps):
            D = self.delta(x, g, imp)
            grad -= 2.0 * self.scale[g] * (D.T @ weigh(self.w[g], resid[g]))
        return f, grad

    def observed_hessian(self, x: np.ndarray):
        """Objective, gradient and full Hessian (the interface of MLLoss used by the optimizer).

        Parameters
        ----------
        x : ndarray

        Returns
        -------
        tuple
            ``(value, gradient, Hessian)``.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> loss.observed_hessian(x)[2].shape
        (16, 16)
        """
        f, g, _, H = self.value_gradient_information(x, exact=True)
        return f, g, H

    def value_gradient_information(self, x: np.ndarray, exact: bool = False):
        """Objective, gradient and Gauss-Newton Hessian 2 sum_g c_g Delta' W Delta (with
        ``exact``, also the full Hessian, which subtracts 2 c_g sum_k w_k r_k d2 sigma_k).

        Parameters
        ----------
        x : ndarray
        exact : bool
            Also return the full Hessian.

        Returns
        -------
        tuple
            ``(value, gradient, Gauss-Newton Hessian)``, and the full Hessian with ``exact``.

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
        >>> loss, x = res.problem.loss, res.x
        >>> f, g, gauss_newton, full = loss.value_gradient_information(x, exact=True)
        >>> gauss_newton.shape, bool(np.allclose(gauss_newton, full))
        ((16, 16), False)
        """
        imps, resid, f = self.evaluate(x)
        grad = np.zeros(self.npar)
        hess = np.zeros((self.npar, self.npar))
        observed = np.zeros((self.npar, self.npar)) if exact else None
        for g, imp in enumerate(imps):
            c, w, r, mp = self.scale[g], self.w[g], resid[g], self.maps[g]
            D = self.delta(x, g, imp)
            wr = weigh(w, r)
            grad -= 2.0 * c * (D.T @ wr)
            hess += 2.0 * c * (D.T @ weigh(w, D))
            if exact:
                model = self.models[g]
                nth, nsl, nv = len(mp.tau_param), len(mp.S_item), len(mp.V)
                M = np.zeros((model.p, model.p))
                np.add.at(M, (mp.I, mp.J), 0.5 * wr[nth + nsl + nv:])
                M[mp.V, mp.V] += 0.5 * wr[nth + nsl:nth + nsl + nv]
                M = M + M.T
                second = model.second_derivative_term(imp, M)
                if self.meanstructure:
                    v = np.zeros(model.p)
                    np.add.at(v, mp.tau_item, wr[:nth])
                    second = second - model.second_derivative_mean_term(imp, v)
                if nsl:
                    d = model.scales(x, imp)
                    second = second + _slope_second_term(model, imp, mp,
                                                          d[mp.S_item] * wr[nth:nth + nsl])
                observed -= 2.0 * c * second
        if exact:
            return f, grad, hess, hess + observed
        return f, grad, hess


def _slope_second_term(model, imp, mp: GroupMap, v: np.ndarray) -> np.ndarray:
    """sum_k v_k d2 B[y_k, x_k] / d theta d theta' (npar x npar): with d B / d A_ij =
    B E_ij B, the second derivative of B[y, x] in entries e = (i, j), f = (k, l) is
    B[y, k] B[l, i] B[j, x] + B[y, i] B[j, k] B[l, x]; summed with V[y, x] = v it is
    G[k, j] B[l, i] + G[i, l] B[j, k], G = B' V B'. Scaling factors are held fixed."""
    B = imp.B
    V = np.zeros_like(B)
    np.add.at(V, (mp.S_item, mp.S_x), v)
    G = B.T @ V @ B.T
    a = model._is_a
    i, j = model.i, model.j
    H = G[np.ix_(i, j)] * B[np.ix_(j, i)]
    H = (H + H.T) * np.outer(a, a)
    return H if model.one_to_one else model.K.T @ H @ model.K


# ------------------------------------------------------------------ inference and tests

@dataclass
class WLSInference:
    """Robust covariance of the estimates and the scaled-shifted test of a DWLS fit.

    Parameters
    ----------
    vcov : ndarray
        The robust ("robust.sem") covariance of the estimates.
    E_inv : ndarray
        The inverse of E = sum_g f_g Delta_g' W_g Delta_g.
    deltas : list of ndarray
        Per group Delta_g.
    chisq : float
        T = 2 N F.
    df : int
    trace_ugamma, trace_ugamma2 : float
        tr(U Gamma) and tr((U Gamma)^2).
    a, shift : float
        The scaled-shifted statistic is a T + shift.
    invertible : bool
        Whether E could be inverted.
    test : str
        The test that the scaled statistic follows: "standard" (none), "satorra.bentler",
        "mean.var.adjusted" or "scaled.shifted" (lavaan's names).
    se : str
        The standard errors of ``vcov``: "robust.sem" or "standard".

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> inf = inference(loss, x, res.problem.df)
    >>> [round(float(v), 3) for v in (inf.chisq, inf.df, inf.chisq_scaled, inf.shift)]
    [5.616, 2.0, 8.643, 0.075]
    """

    vcov: np.ndarray
    E_inv: np.ndarray
    deltas: list
    chisq: float
    df: int
    trace_ugamma: float
    trace_ugamma2: float
    a: float
    shift: float
    invertible: bool
    test: str = "scaled.shifted"
    se: str = "robust.sem"

    @property
    def scaled(self) -> dict:
        """The scaled test (:func:`relqual.engine.robustsem.scaled_test`; NaN for
        ``test="standard"``).

        Examples
        --------
        >>> import relqual as rq
        >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
        >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True, estimator="WLSMVS")
        >>> inf = res.estimate.inference.wls
        >>> inf.test, round(float(inf.scaled["df"]), 3), round(float(inf.chisq_scaled), 3)
        ('mean.var.adjusted', 1.853, 8.248)
        """
        if self.test == "standard":
            return dict(test="standard", stat=np.nan, df=np.nan, pvalue=np.nan,
                        scaling_factor=np.nan, shift_parameter=np.nan,
                        trace_ug=self.trace_ugamma, trace_ug2=self.trace_ugamma2)
        return scaled_test(self.chisq, self.df, self.trace_ugamma, self.trace_ugamma2,
                           self.test)

    @property
    def chisq_scaled(self) -> float:
        """The scaled statistic (T itself when df = 0; NaN for the standard test); for
        scaled.shifted a T + shift."""
        return self.scaled["stat"]

    @property
    def scaling_factor(self) -> float:
        """The scaling factor lavaan reports: 1 / a for scaled.shifted, tr(U Gamma) / df
        (satorra.bentler) or / its adjusted df (mean.var.adjusted); NaN when df = 0."""
        return self.scaled["scaling_factor"]


def inference(loss: DWLSLoss, x: np.ndarray, df: int, se: str = "robust.sem",
              test: str = "scaled.shifted") -> WLSInference:
    """Robust (sandwich) covariance with Gamma, and the scaled-shifted test statistic (or the
    other ``se`` and ``test`` choices).

    Formulas in the module docstring (lavaan ``lav_model_nvcov_robust_sem``,
    ``lav_test_satorra_bentler``); ``se="standard"``: E^-1 / (N - G) (lavaan's expected
    information of (D)WLS, ``lav_model_information_expected``).

    Parameters
    ----------
    loss : DWLSLoss
    x : ndarray
        The estimates.
    df : int
        The model's degrees of freedom.
    se : {"robust.sem", "standard"}
    test : {"scaled.shifted", "satorra.bentler", "mean.var.adjusted", "standard"}

    Returns
    -------
    WLSInference
        NaN covariance and test when E is not invertible.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> inf = inference(loss, x, res.problem.df)
    >>> inf.vcov.shape, inf.invertible, round(float(inf.scaling_factor), 3)
    ((16, 16), True, 0.655)
    """
    imps, resid, f = loss.evaluate(x)
    N = loss.n_total
    fg = [s.n / N for s in loss.stats]
    deltas = [loss.delta(x, g, imp) for g, imp in enumerate(imps)]
    E = sum(f_ * D.T @ weigh(w, D) for f_, D, w in zip(fg, deltas, loss.w))
    try:
        E_inv = np.linalg.inv(E)
        eig = np.linalg.eigvalsh(E)
        invertible = bool(eig.min() > eig.max() * 1e-12)
    except np.linalg.LinAlgError:
        E_inv, invertible = np.full_like(E, np.nan), False
    if not invertible:
        E_inv = np.full_like(E, np.nan)
    if se == "standard":
        vcov = E_inv / (N - len(fg))                   # lavaan: N - G for (D)WLS
    elif se == "robust.sem":
        meat = sum(f_ * weigh(w, D).T @ s.gamma @ weigh(w, D)
                   for f_, D, w, s in zip(fg, deltas, loss.w, loss.stats))
        vcov = E_inv @ meat @ E_inv / (N - len(fg))
    else:
        raise ValueError(f"unknown se='{se}' for ordered items; use 'robust.sem' or 'standard'")
    chisq = max(2.0 * N * f, 0.0)
    # U Gamma over all groups: V = bdiag(f_g W_g), Gamma_all = bdiag(Gamma_g / f_g)
    VD = np.vstack([f_ * weigh(w, D) for f_, w, D in zip(fg, loss.w, deltas)])
    V = block_diag(*[f_ * (w if w.ndim == 2 else np.diag(w)) for f_, w in zip(fg, loss.w)])
    G_all = block_diag(*[s.gamma / f_ for f_, s in zip(fg, loss.stats)])
    U = V - VD @ E_inv @ VD.T
    UG = U @ G_all
    tr1 = float(np.trace(UG))
    tr2 = float(np.sum(UG * UG.T))
    if df > 0 and invertible:
        a = np.sqrt(df / tr2)
        shift = df - a * tr1
    else:
        a, shift = np.nan, np.nan
    return WLSInference(vcov, E_inv, deltas, chisq, df, tr1, tr2, a, shift, invertible,
                        test=test, se=se)


def baseline_test(loss: DWLSLoss, test: str = "scaled.shifted") -> dict:
    """DWLS (or ULS, WLS) independence model (thresholds free, correlations 0): its statistic
    and its scaled version. The thresholds fit exactly, so T_b = sum_g (N_g - 1) sum w r^2 and
    U Gamma keeps only the correlation block of each group (for DWLS tr(U Gamma) = the number
    of correlations); for WLS, T_b = sum_g (N_g - 1) r' (Gamma_cc)^-1 r (the thresholds
    minimized out of r' Gamma^-1 r; Gamma_cc the correlations' block).

    Parameters
    ----------
    loss : DWLSLoss
    test : {"scaled.shifted", "satorra.bentler", "mean.var.adjusted", "standard"}

    Returns
    -------
    dict
        ``chisq``, ``df``, ``chisq_scaled``, ``df_scaled``, ``scaling_factor`` and ``shift``
        (scaled.shifted; else NaN), the scaled ones NaN for the standard test.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> {k: round(float(v), 3) for k, v in baseline_test(loss).items()}
    {'chisq': 193.937, 'df': 6.0, 'chisq_scaled': 174.977, 'df_scaled': 6.0,
     'scaling_factor': 1.112, 'shift': 0.605}
    """
    chisq, tr1, tr2, df = 0.0, 0.0, 0.0, 0
    for st, w in zip(loss.stats, loss.w):
        nuni = st.nuni                    # thresholds, means and variances fit exactly
        r = st.wls_obs[nuni:]
        if w.ndim == 2:                   # WLS: minimizing over the free thresholds leaves
            wc = np.linalg.inv(st.gamma[nuni:, nuni:])      # the inverse of Gamma's block
        else:
            wc = w[nuni:]
        chisq += (st.n - 1) * float(r @ weigh(wc, r))
        UG = weigh(wc, st.gamma[nuni:, nuni:])
        tr1 += float(np.trace(UG))
        tr2 += float(np.sum(UG * UG.T))
        df += len(wc)
    if test == "standard":
        return dict(chisq=chisq, df=df, chisq_scaled=np.nan, df_scaled=np.nan,
                    scaling_factor=np.nan, shift=np.nan)
    out = scaled_test(chisq, df, tr1, tr2, test)
    return dict(chisq=chisq, df=df, chisq_scaled=out["stat"], df_scaled=out["df"],
                scaling_factor=out["scaling_factor"],
                shift=out["shift_parameter"] if test == "scaled.shifted" else np.nan)


def catml_robust(loss: DWLSLoss, x: np.ndarray, inf: WLSInference, df: int) -> dict:
    """Robust CFI/TLI/RMSEA ingredients for categorical data (Savalei 2021; lavaan
    ``lav_fit_catml_dwls``): the normal-theory ML statistic of the polychoric correlations at the
    DWLS estimates, XX3 = sum_g N_g F_ML, with the scaling c = tr(WiU' V WiU Gamma_c) / df
    (V: the ML information of the correlations, WiU = I - Delta_c E^-1 Delta_c' W_c), and the
    independence model's XX3_null = -sum_g N_g log|R_g| with c_null = tr(Gamma_c) / df_null.
    NaN when a polychoric matrix is not positive definite, when thresholds are shared
    across groups (lavaan's catML model then refers to removed threshold rows and fails), or
    when some variables are continuous (lavaan 0.6-14 gives NA there).

    Parameters
    ----------
    loss : DWLSLoss
    x : ndarray
        The DWLS estimates.
    inf : WLSInference
        Their inference (``E_inv`` and ``deltas``).
    df : int
        The model's degrees of freedom.

    Returns
    -------
    dict
        ``XX3``, ``df3``, ``c_hat3``, ``XX3_null``, ``df3_null``, ``c_hat3_null``.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> robust = catml_robust(loss, x, inference(loss, x, 2), 2)
    >>> {k: round(float(v), 3) for k, v in robust.items()}
    {'XX3': 14.13, 'df3': 2.0, 'c_hat3': 1.414, 'XX3_null': 169.646, 'df3_null': 6.0,
     'c_hat3_null': 1.058}
    """
    nan = dict(XX3=np.nan, df3=np.nan, c_hat3=np.nan, XX3_null=np.nan, df3_null=np.nan,
               c_hat3_null=np.nan)
    th_params = np.concatenate([mp.tau_param[mp.tau_param >= 0] for mp in loss.maps])
    if len(np.unique(th_params)) < len(th_params):
        return nan             # thresholds equal across groups: lavaan's catML refit fails too
    if any(len(st.continuous) for st in loss.stats):
        return nan             # continuous variables too: lavaan 0.6-14 reports no robust indices
    if any(len(mp.S_item) for mp in loss.maps):
        return nan             # covariates (conditional.x): lavaan 0.6-14 reports none either
    imps, _, _ = loss.evaluate(x)
    N = loss.n_total
    XX3, XX3_null = 0.0, 0.0
    Vs, Ws, Gs, Ds = [], [], [], []
    df_null = 0
    for g, (st, imp) in enumerate(zip(loss.stats, imps)):
        R = st.cor
        if np.linalg.eigvalsh(R).min() < np.sqrt(np.finfo(float).eps):
            return nan
        idx = np.array([loss.models[g].ov_names.index(v) for v in st.names])
        d = loss.models[g].scales(x, imp)[idx]
        Sigma = d[:, None] * imp.sigma[np.ix_(idx, idx)] * d[None, :]
        np.fill_diagonal(Sigma, 1.0)
        sign, logdet_s = np.linalg.slogdet(Sigma)
        if sign <= 0:
            return nan
        Si = np.linalg.inv(Sigma)
        p = len(R)
        logdet_r = np.linalg.slogdet(R)[1]
        XX3 += st.n * (logdet_s - logdet_r + np.sum(R * Si) - p)
        XX3_null += -st.n * logdet_r
        I, J = st.pairs
        Vs.append(Si[I][:, I] * Si[J][:, J] + Si[I][:, J] * Si[J][:, I])
        nth = st.nth
        f_ = st.n / N
        Ws.append(f_ * loss.w[g][nth:])
        Gs.append(st.gamma[nth:, nth:] / f_)
        Ds.append(inf.deltas[g][nth:])
        df_null += len(I)
    fg = [s.n / N for s in loss.stats]
    V_all = block_diag(*[f_ * V for f_, V in zip(fg, Vs)])
    W_all = np.concatenate(Ws)
    G_all = block_diag(*Gs)
    D_all = np.vstack(Ds)
    WiU = np.eye(len(W_all)) - D_all @ inf.E_inv @ (D_all.T * W_all[None, :])
    ks = float(np.sum((V_all @ WiU) * (WiU @ G_all)))          # tr(WiU' V WiU Gamma)
    n_th_par = len({int(k) for mp in loss.maps for k in mp.tau_param if k >= 0})
    df3 = df_null - (loss.npar - n_th_par)
    return dict(XX3=XX3, df3=df3, c_hat3=ks / df3 if df3 > 0 else np.nan, XX3_null=XX3_null,
                df3_null=df_null, c_hat3_null=float(np.trace(G_all)) / df_null)


# ------------------------------------------------------------------ fit measures

def wlsmv_fit_measures(*, inf: WLSInference, base: dict, robust: dict, npar: int, n: int,
                       ngroups: int, srmr_parts: dict, weight: str = "DWLS") -> dict:
    """Fit measures of a WLSMV fit (or DWLS, ULS and their robust versions), named and
    computed as lavaan's ``fitMeasures`` (0.6.14) reports them (with '.' -> '_'): standard,
    scaled (from the scaled statistics of ``inf.test``) and robust (Savalei 2021, from
    :func:`catml_robust`; satorra.bentler and scaled.shifted only, as lavaan) versions; no
    scaled or robust ones for the standard test. ``n`` is the total sample size; the RMSEA
    family uses N - G, as lavaan does for (D)WLS (``lav_utils_get_ntotal``). With ULS weights
    the standard statistic has no p-value (lavaan: it is not chi-square distributed).

    The scaled incremental indices use the scaled statistics on their degrees of freedom; the
    scaled RMSEA the scaled-shifted statistic on df, or T on tr(U Gamma) degrees of freedom
    (satorra.bentler and mean.var.adjusted), as
    :func:`relqual.engine.fitindices.satorra_measures`.

    Parameters
    ----------
    inf : WLSInference
        The model's test (:func:`inference`).
    base : dict
        The baseline's test (:func:`baseline_test`).
    robust : dict
        :func:`catml_robust`'s result.
    npar : int
    n : int
        The total sample size N.
    ngroups : int
    srmr_parts : dict
        :func:`srmr_ordinal`'s result.
    weight : {"DWLS", "ULS"}
        The loss's weights.

    Returns
    -------
    dict
        Named as lavaan's ``fitMeasures`` ('.' -> '_'); the likelihood-based ones are NaN.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> inf = inference(loss, x, 2)
    >>> measures = wlsmv_fit_measures(inf=inf, base=baseline_test(loss),
    ...                               robust=catml_robust(loss, x, inf, 2), npar=16, n=301,
    ...                               ngroups=1, srmr_parts=srmr_ordinal(loss, x))
    >>> {k: round(float(measures[k]), 3) for k in ("cfi_scaled", "rmsea_scaled", "cfi_robust")}
    {'cfi_scaled': 0.961, 'rmsea_scaled': 0.105, 'cfi_robust': 0.931}
    """
    G = ngroups
    X2, df = inf.chisq, inf.df
    B, dfb = base["chisq"], base["df"]
    uls = weight == "ULS"
    out = dict(npar=npar, fmin=X2 / (2 * n), chisq=X2, df=df,
               pvalue=special.chdtrc(df, X2) if df > 0 and not uls else np.nan,
               baseline_chisq=B, baseline_df=dfb,
               baseline_pvalue=np.nan if uls else special.chdtrc(dfb, B))
    cfi, tli, rmsea = fitindices._cfi, fitindices._tli, fitindices._rmsea
    scaled = inf.test != "standard"
    Xs, dfs, Bs, dfbs = inf.chisq_scaled, inf.scaled["df"], base["chisq_scaled"], base["df_scaled"]
    if scaled:
        out.update(chisq_scaled=Xs, df_scaled=dfs,
                   pvalue_scaled=special.chdtrc(dfs, Xs) if df > 0 else np.nan,
                   chisq_scaling_factor=inf.scaling_factor,
                   baseline_chisq_scaled=Bs, baseline_df_scaled=dfbs,
                   baseline_pvalue_scaled=special.chdtrc(dfbs, Bs),
                   baseline_chisq_scaling_factor=base["scaling_factor"])
        if inf.test == "scaled.shifted":
            out["chisq_shift_parameter"] = inf.shift
    for suffix, T, d, Tb, db in (("", X2, df, B, dfb), ("_scaled", Xs, dfs, Bs, dfbs)):
        if suffix and not scaled:
            continue
        out["cfi" + suffix] = cfi(T, d, Tb, db)
        out["tli" + suffix] = out["nnfi" + suffix] = tli(T, d, Tb, db)
        out.update({name + suffix: value for name, value in _incremental(T, d, Tb, db).items()})
    rob = (_robust_measures(robust, df, dfb, n - G, G)
           if inf.test in ("satorra.bentler", "scaled.shifted") else {})
    out.update({k: v for k, v in rob.items() if not k.startswith("rmsea")})
    # RMSEA: standard; scaled (the scaled-shifted statistic with df, or T with tr(U Gamma));
    # robust (XX3 with c3)
    n_total, n = n, n - G
    out["rmsea"] = rmsea(X2, df, n, G)
    out["rmsea_ci_lower"], out["rmsea_ci_upper"] = fitindices.rmsea_ci(X2, df, n, G)
    out["rmsea_pvalue"] = _closefit(X2, df, n, G)
    if scaled:
        X2r, dfr = (Xs, df) if inf.test == "scaled.shifted" else (X2, inf.trace_ugamma)
        out["rmsea_scaled"] = rmsea(X2r, dfr, n, G)
        out["rmsea_ci_lower_scaled"], out["rmsea_ci_upper_scaled"] = fitindices.rmsea_ci(
            X2r, dfr, n, G)
        out["rmsea_pvalue_scaled"] = _closefit(X2r, dfr, n, G)
    out.update({k: v for k, v in rob.items() if k.startswith("rmsea")})
    out.update(srmr_parts)
    out.update(ntotal=n_total, ngroups=G, logl=np.nan, unrestricted_logl=np.nan, aic=np.nan,
               bic=np.nan, bic2=np.nan)
    return out


def _robust_measures(robust: dict, df: int, dfb: int, n: int, G: int) -> dict:
    """CFI, TLI, RNI and RMSEA "robust" for categorical data from :func:`catml_robust`
    (lavaan 0.6-14's ``lav_fit_cfi_lavobject`` / ``lav_fit_rmsea_lavobject``); ``n`` is N - G."""
    cfi, tli, rmsea = fitindices._cfi, fitindices._tli, fitindices._rmsea
    out = {}
    XX3, df3, c3 = robust["XX3"], robust["df3"], robust["c_hat3"]
    XX3n, c3n = robust["XX3_null"], robust["c_hat3_null"]
    finite = np.all(np.isfinite([XX3, df3, c3, XX3n, c3n]))
    out["cfi_robust"] = cfi(XX3, df, XX3n, dfb, c3, c3n) if finite else np.nan
    out["tli_robust"] = out["nnfi_robust"] = tli(XX3, df, XX3n, dfb, c3, c3n) if finite else np.nan
    out["rni_robust"] = (1.0 - (XX3 - c3 * df) / (XX3n - c3n * dfb)) if finite else np.nan
    if finite and df3 > 0:
        XX3s = XX3 / c3
        out["rmsea_robust"] = rmsea(XX3, df3, n, G, c3)
        lo, hi = fitindices.rmsea_ci(XX3s, df3, n, G)
        out["rmsea_ci_lower_robust"] = lo * np.sqrt(c3)
        out["rmsea_ci_upper_robust"] = hi * np.sqrt(c3)
        out["rmsea_pvalue_robust"] = _closefit(XX3s, df3, n, G, c3)
    else:
        for name in ("rmsea_robust", "rmsea_ci_lower_robust", "rmsea_ci_upper_robust",
                     "rmsea_pvalue_robust"):
            out[name] = np.nan
    return out


def _incremental(T, df, Tb, dfb) -> dict:
    """RFI, NFI, PNFI, IFI and RNI as lavaan 0.6-14 (``lav_fit_rfi`` ... ``lav_fit_rni``),
    including their NaN cases (e.g. RFI and NFI when the model has more degrees of freedom
    than the baseline, as an invariance model of many items may)."""
    if df > dfb:
        rfi = np.nan
    elif df > 0 and dfb > 0:
        t1, t2 = Tb / dfb - T / df, Tb / dfb
        rfi = 1.0 if (t1 < 0 or t2 < 0) else t1 / t2
    else:
        rfi = 1.0
    nfi = np.nan if (df > dfb or np.isclose(Tb, 0.0)) else ((Tb - T) / Tb if df > 0 else 1.0)
    pnfi = df / dfb * (Tb - T) / Tb if (dfb > 0 and Tb > 0) else np.nan
    t2 = Tb - df
    ifi = 1.0 if t2 < 0 else (np.nan if np.isclose(t2, 0.0) else (Tb - T) / t2)
    t2 = Tb - dfb
    rni = np.nan if np.isclose(t2, 0.0) else 1.0 - (T - df) / t2
    return dict(rfi=rfi, nfi=nfi, pnfi=pnfi, ifi=ifi, rni=rni)


def _closefit(X2, df, n, G, c_hat=1.0, h0=0.05):
    if df <= 0:
        return np.nan
    return 1.0 - special.chndtr(X2, df, n * df / c_hat * h0 ** 2 / G)


def srmr_ordinal(loss: DWLSLoss, x: np.ndarray) -> dict:
    """Residual summaries of correlations (and thresholds), lavaan's ``lav_residuals_summary`` for
    categorical data: the "nomean" versions average the squared correlation residuals over
    p(p+1)/2 elements (srmr, rmr) or p(p-1)/2 (crmr); the others also count the thresholds.
    Groups are weighted by N_g / N. lavaan's ``srmr`` for categorical data is srmr_bentler_nomean.
    With covariates (``lav_residuals_summary``, conditional.x) the residuals are those of the
    residual correlations (and the thresholds), and srmr and rmr divide by p(p-1)/2 + p + q
    (q covariates; + the number of thresholds with them).

    Parameters
    ----------
    loss : DWLSLoss
    x : ndarray
        The estimates.

    Returns
    -------
    dict
        ``srmr_bentler``, ``srmr_bentler_nomean``, ``crmr``, ``crmr_nomean``, ``srmr``, ``rmr``
        and ``rmr_nomean``.

    Examples
    --------
    >>> import relqual as rq
    >>> hso = rq.datasets.load("holzinger_swineford_ordinal")
    >>> res = rq.fit("f =~ x1 + x2 + x3 + x4", hso, ordered=True)
    >>> loss, x = res.problem.loss, res.x
    >>> {k: round(float(v), 3) for k, v in srmr_ordinal(loss, x).items() if "nomean" in k}
    {'srmr_bentler_nomean': 0.046, 'crmr_nomean': 0.06, 'rmr_nomean': 0.046}
    """
    imps, resid, _ = loss.evaluate(x)
    N = loss.n_total
    out = dict(srmr_bentler=0.0, srmr_bentler_nomean=0.0, crmr=0.0, crmr_nomean=0.0, rmr=0.0,
               rmr_nomean=0.0)
    for g, (st, r) in enumerate(zip(loss.stats, resid)):
        p, nth, nuni = len(st.names), st.nth, st.nuni
        f_ = st.n / N
        summaries = {"rmr": (r[:nth], r[nth:], p * (p + 1) / 2)}
        q = len(getattr(st, "x_names", ()))
        if q:                      # covariates: residual correlations, lavaan counting x too
            count = p * (p - 1) / 2 + p + q
            summaries = {"rmr": (r[:nth], r[nuni:], count),
                         "srmr_bentler": (r[:nth], r[nuni:], count),
                         "crmr": (r[:nth], r[nuni:], p * (p - 1) / 2)}
        elif st.continuous:          # standardized by the observed (Bentler) or both (Bollen) SDs
            sd = np.sqrt(st.var)
            I, J = st.pairs
            cont = ~st.ordered
            implied = loss.implied(x, g, imps[g])
            sd_m = np.ones(p)
            sd_m[cont] = np.sqrt(implied[nth:nuni])
            cov_s, cov_m = st.wls_obs[nuni:], implied[nuni:]
            th = st.ordered[st.th_item]            # lavaan counts the thresholds, not the means
            summaries["rmr"] = (r[:nth][th], r[nth:], p * (p + 1) / 2)
            summaries["srmr_bentler"] = (r[:nth][th], np.concatenate(
                [r[nth:nuni] / st.var[cont], r[nuni:] / (sd[I] * sd[J])]), p * (p + 1) / 2)
            summaries["crmr"] = (r[:nth][th], cov_s / (sd[I] * sd[J])
                                 - cov_m / (sd_m[I] * sd_m[J]), p * (p - 1) / 2)
        else:
            summaries["srmr_bentler"] = summaries["rmr"]
            summaries["crmr"] = (r[:nth], r[nth:], p * (p - 1) / 2)
        for name, (means, cov, count) in summaries.items():
            out[name] += f_ * np.sqrt((np.sum(cov ** 2) + np.sum(means ** 2))
                                      / (count + len(means)))
            out[f"{name}_nomean"] += f_ * (np.sqrt(np.sum(cov ** 2) / count) if count else 0.0)
    out["srmr"] = out["srmr_bentler_nomean"]
    return out
