"""Robust standard errors and scaled tests from the sample-statistics side (lavaan's
``se = "robust.sem"`` and ``test = "satorra.bentler" / "mean.var.adjusted" / "scaled.shifted"``).

Every continuous estimator fits sample statistics s_g (per group the means, with a mean
structure, then the non-duplicated covariances) by sigma_g(theta), with a weight matrix W_g:
ML's (at the model-implied moments, lavaan's ``h1.information = "structured"``), GLS's (at the
sample moments), WLS's Gamma^-1, DWLS's diag(Gamma)^-1 or ULS's identity. With Delta_g =
d sigma_g / d theta', f_g = n_g / N and Gamma_g the asymptotic covariance of sqrt(n_g) s_g
(the fourth-order moments, Browne 1984, eq. 2.12; divisor n_g, lavaan's default):

* expected information E = sum_g f_g Delta_g' W_g Delta_g;
* robust.sem: Cov(theta) = E^-1 [sum_g f_g Delta_g' W_g Gamma_g W_g Delta_g] E^-1 / N
  (Satorra & Bentler 1994; Satorra 1989);
* with U = W - W Delta E^-1 Delta' W over the stacked groups (W = diag(f_g W_g)) and
  Gamma = diag(Gamma_g / f_g): T is asymptotically a weighted sum of chi-squares with
  weights the eigenvalues of U Gamma (Satorra 1989). lavaan's tests
  (``lav_test_satorra_bentler``) use tr(U Gamma) and tr((U Gamma)^2):

  - satorra.bentler: c = tr(U Gamma) / df, T_SB = T / c (Satorra & Bentler 1994);
  - yuan.bentler (Yuan & Bentler 2000, lavaan's ``lav_test_yuan_bentler``): c = tr(U Omega) / df
    with Omega = A1^-1 B1 A1^-1, A1 and B1 the expected and first-order information of the
    unstructured (saturated) model; with complete data Omega is Gamma itself, so the statistic,
    its baseline and every scaled index equal satorra.bentler's (lavaan 0.6-14 agrees to 1e-12);
  - mean.var.adjusted: df* = tr(U Gamma)^2 / tr((U Gamma)^2), c = tr(U Gamma) / df*,
    T / c on df* degrees of freedom (Satterthwaite 1941; Satorra & Bentler 1994);
  - scaled.shifted: a = sqrt(df / tr((U Gamma)^2)), T* = a T + df - a tr(U Gamma) on df
    (Asparouhov & Muthen 2010); lavaan reports 1/a as the scaling factor.
"""
from __future__ import annotations

import numpy as np
from scipy import special

SCALED_TESTS = ("satorra.bentler", "yuan.bentler", "mean.var.adjusted", "scaled.shifted")


def vech_indices(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each non-duplicated element of a p x p symmetric matrix (lavaan's
    ``vech``: column by column, the diagonal and below).

    Examples
    --------
    >>> [list(map(int, a)) for a in vech_indices(2)]
    [[0, 1, 1], [0, 0, 1]]
    """
    j, i = np.triu_indices(p)            # column-major lower triangle = row-major upper
    return i, j


def sample_vector(mean: np.ndarray, cov: np.ndarray, meanstructure: bool) -> np.ndarray:
    """The sample statistics of one group: the means (with a mean structure), then vech(S).

    Examples
    --------
    >>> sample_vector(np.array([1., 2.]), np.array([[4., 1.], [1., 9.]]), True).tolist()
    [1.0, 2.0, 4.0, 1.0, 9.0]
    """
    i, j = vech_indices(len(mean))
    return np.concatenate([mean, cov[i, j]]) if meanstructure else cov[i, j]


def gamma_adf(values: np.ndarray, meanstructure: bool,
              x_pos: list[int] | None = None) -> np.ndarray:
    """The asymptotic covariance matrix of sqrt(n) times the sample statistics, without
    assuming normality (Browne 1984): the covariance (divisor n) of the rows'
    z_i = [y_i, vech((y_i - ybar)(y_i - ybar)')], lavaan's ``lav_samplestats_Gamma`` default.

    With fixed observed covariates (``x_pos``) the rows' z_i minus those of their predictions,
    in which every other variable is replaced by its least-squares fit on the covariates (with
    an intercept), as lavaan does for ``fixed.x = TRUE`` (the covariates' moments do not vary).

    Parameters
    ----------
    values : ndarray
        Complete rows x variables.
    meanstructure : bool
        Include the means (first) as statistics.
    x_pos : list of int, optional
        The columns of fixed observed covariates.

    Returns
    -------
    ndarray
        statistics x statistics.

    Examples
    --------
    >>> values = np.array([[1., 2.], [2., 1.], [3., 5.], [4., 3.]])
    >>> gamma_adf(values, False).shape, gamma_adf(values, True).shape
    ((3, 3), (5, 5))
    """
    Z = _moment_rows(values, meanstructure)
    if x_pos:
        X = np.column_stack([np.ones(len(values)), values[:, x_pos]])
        fitted = X @ np.linalg.lstsq(X, values, rcond=None)[0]
        fitted[:, x_pos] = values[:, x_pos]
        Z = Z - _moment_rows(fitted, meanstructure)
    Z = Z - Z.mean(axis=0)
    return Z.T @ Z / len(values)


def _moment_rows(values: np.ndarray, meanstructure: bool) -> np.ndarray:
    centred = values - values.mean(axis=0)
    i, j = vech_indices(values.shape[1])
    Z = centred[:, i] * centred[:, j]
    return np.concatenate([values, Z], axis=1) if meanstructure else Z


def ml_weight(sigma: np.ndarray, meanstructure: bool) -> np.ndarray:
    """The normal-theory weight matrix: Sigma^-1 for the means and
    1/2 D' (Sigma^-1 (x) Sigma^-1) D for vech(S) (D the duplication matrix); ML's W at the
    implied Sigma, GLS's at the sample covariance matrix.

    Examples
    --------
    >>> ml_weight(np.array([[2.]]), True).tolist()
    [[0.5, 0.0], [0.0, 0.125]]
    """
    p = len(sigma)
    inv = np.linalg.inv(sigma)
    i, j = vech_indices(p)
    # element (ij, kl) of D'(V (x) V)D / 2 is (v_ik v_jl + v_il v_jk) / 2 times the counts
    W = 0.5 * (inv[np.ix_(i, i)] * inv[np.ix_(j, j)] + inv[np.ix_(i, j)] * inv[np.ix_(j, i)])
    off = (i != j).astype(float) + 1.0
    W = W * np.outer(off, off) / 2.0
    if not meanstructure:
        return W
    q = len(i)
    out = np.zeros((p + q, p + q))
    out[:p, :p], out[p:, p:] = inv, W
    return out


def ml_weight_observed(sigma: np.ndarray, mu: np.ndarray, cov: np.ndarray, mean: np.ndarray,
                       meanstructure: bool) -> np.ndarray:
    """The observed normal-theory information of the statistics (means, vech(S)) at the
    implied moments (lavaan's ``observed.information = "h1"``, structured): minus the second
    derivatives of the log-likelihood per row,
    l = -1/2 log|Sigma| - 1/2 tr(Sigma^-1 (S + d d')), d = mean - mu:
    Sigma^-1 for the means, Sigma^-1 E_kl Sigma^-1 d between mean and (k, l), and
    D' (V (x) V C V) D - W for vech (V = Sigma^-1, C = S + d d', W = :func:`ml_weight`).
    Equal to :func:`ml_weight` at the saturated estimates (C = Sigma).

    Examples
    --------
    >>> sigma = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> bool(np.allclose(ml_weight_observed(sigma, np.zeros(2), sigma, np.zeros(2), True),
    ...                  ml_weight(sigma, True)))
    True
    >>> ml_weight_observed(np.array([[2.]]), np.zeros(1), np.array([[4.]]), np.zeros(1),
    ...                    False).tolist()                  # S / sigma^3 - 1 / (2 sigma^2)
    [[0.375]]
    """
    p = len(sigma)
    V = np.linalg.inv(sigma)
    d = mean - mu
    VCV = V @ (cov + np.outer(d, d)) @ V
    i, j = vech_indices(p)
    A = 0.5 * (V[np.ix_(i, i)] * VCV[np.ix_(j, j)] + V[np.ix_(i, j)] * VCV[np.ix_(j, i)]
               + VCV[np.ix_(i, i)] * V[np.ix_(j, j)] + VCV[np.ix_(i, j)] * V[np.ix_(j, i)])
    off = (i != j).astype(float) + 1.0
    A = A * np.outer(off, off) / 2.0 - ml_weight(sigma, False)
    if not meanstructure:
        return A
    Vd = V @ d                          # d2l / dmu_a dsigma_kl = -(V E_kl V d)_a
    cross = (V[:, i] * Vd[j] + V[:, j] * Vd[i]) * (off / 2.0)
    q = len(i)
    out = np.zeros((p + q, p + q))
    out[:p, :p], out[p:, p:] = V, A
    out[:p, p:], out[p:, :p] = cross, cross.T
    return out


def delta(model, x: np.ndarray, meanstructure: bool) -> np.ndarray:
    """Delta = d s / d theta' of one group's implied statistics (means, then vech(Sigma)).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> delta(res.problem.models[0], res.x, False).shape
    (6, 6)
    """
    d_sigma, d_mu = model.jacobian(model.implied(x))
    i, j = vech_indices(model.p)
    D = d_sigma[:, i, j].T
    return np.vstack([d_mu.T, D]) if meanstructure else D


def information(deltas: list, weights: list, fractions: list) -> np.ndarray:
    """E = sum_g f_g Delta_g' W_g Delta_g (the expected information per observation).

    Examples
    --------
    >>> information([np.eye(2)], [2 * np.eye(2)], [1.0]).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    return sum(f * D.T @ W @ D for D, W, f in zip(deltas, weights, fractions))


def robust_sem(deltas: list, weights: list, gammas: list, nobs: list,
               n_vcov: float | None = None) -> dict:
    """robust.sem covariance and the traces of U Gamma (module docstring).

    Parameters
    ----------
    deltas, weights, gammas : list of ndarray
        Per group Delta_g, W_g and Gamma_g.
    nobs : list of int
        Per group n_g.
    n_vcov : float, optional
        The N that divides the covariance (default N; lavaan's least-squares estimators use
        N - G).

    Returns
    -------
    dict
        ``vcov`` (robust.sem), ``E_inv`` (the inverse information per observation),
        ``trace_ug``, ``trace_ug2`` and ``nobs``.

    Raises
    ------
    numpy.linalg.LinAlgError
        When the information matrix is singular.

    Examples
    --------
    >>> D, W, G = np.array([[1.], [1.]]), np.eye(2), np.eye(2)
    >>> out = robust_sem([D], [W], [G], [100])
    >>> round(out["trace_ug"], 6), round(out["trace_ug2"], 6)
    (1.0, 1.0)
    """
    n = float(sum(nobs))
    f = [k / n for k in nobs]
    E_inv = np.linalg.inv(information(deltas, weights, f))
    middle = sum(fg * D.T @ W @ G @ W @ D for D, W, G, fg in zip(deltas, weights, gammas, f))
    vcov = E_inv @ middle @ E_inv / (n if n_vcov is None else n_vcov)
    Wf = [fg * W for W, fg in zip(weights, f)]
    D_all = np.vstack(deltas)
    W_all = block_diag(Wf)
    G_all = block_diag([G / fg for G, fg in zip(gammas, f)])
    WD = W_all @ D_all
    UG = (W_all - WD @ E_inv @ WD.T) @ G_all
    return dict(vcov=vcov, E_inv=E_inv, trace_ug=float(np.trace(UG)),
                trace_ug2=float(np.sum(UG * UG.T)), nobs=list(nobs))


def block_diag(blocks: list) -> np.ndarray:
    """The block-diagonal matrix of square ``blocks``.

    Examples
    --------
    >>> block_diag([np.eye(1), 2 * np.eye(2)]).diagonal().tolist()
    [1.0, 2.0, 2.0]
    """
    size = sum(len(b) for b in blocks)
    out = np.zeros((size, size))
    k = 0
    for b in blocks:
        out[k:k + len(b), k:k + len(b)] = b
        k += len(b)
    return out


def scaled_test(chisq: float, df: int, trace_ug: float, trace_ug2: float, test: str) -> dict:
    """lavaan's scaled test of the statistic ``chisq`` (module docstring).

    Parameters
    ----------
    chisq : float
        The standard statistic T.
    df : int
        Its degrees of freedom.
    trace_ug, trace_ug2 : float
        tr(U Gamma) and tr((U Gamma)^2).
    test : {"satorra.bentler", "yuan.bentler", "mean.var.adjusted", "scaled.shifted"}

    Returns
    -------
    dict
        ``test stat df pvalue scaling_factor shift_parameter trace_ug`` (``shift_parameter``
        0 except for scaled.shifted); when df <= 0 the standard statistic with NaN
        p-value and scaling factor, as lavaan.

    Examples
    --------
    >>> out = scaled_test(30.0, 10, 12.0, 16.0, "satorra.bentler")
    >>> round(float(out["stat"]), 3), round(float(out["scaling_factor"]), 3)
    (25.0, 1.2)
    >>> out = scaled_test(30.0, 10, 12.0, 16.0, "scaled.shifted")
    >>> [round(float(out[k]), 4) for k in ("stat", "scaling_factor", "shift_parameter")]
    [24.2302, 1.2649, 0.5132]
    """
    out = dict(test=test, stat=chisq, df=float(df), pvalue=np.nan, scaling_factor=np.nan,
               shift_parameter=0.0, trace_ug=trace_ug, trace_ug2=trace_ug2)
    if df <= 0:                 # lavaan: the standard statistic, no scaling factor
        return out
    if test in ("satorra.bentler", "yuan.bentler"):      # equal with complete data
        c = trace_ug / df
        out.update(scaling_factor=c if c > 0 else np.nan, stat=chisq / c)
    elif test == "mean.var.adjusted":
        df_star = trace_ug ** 2 / trace_ug2
        c = trace_ug / df_star
        out.update(df=df_star, scaling_factor=c if c > 0 else np.nan, stat=chisq / c)
    elif test == "scaled.shifted":
        a = np.sqrt(df / trace_ug2)
        shift = df - a * trace_ug
        out.update(scaling_factor=1.0 / a, shift_parameter=shift, stat=chisq * a + shift)
    else:
        raise ValueError(f"unknown scaled test '{test}'; choose from " + ", ".join(SCALED_TESTS))
    out["pvalue"] = float(special.chdtrc(out["df"], out["stat"]))
    return out
