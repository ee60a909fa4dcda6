"""PLS model fit: SRMR, d_ULS and d_G of the saturated and the estimated model, and the
bootstrap-based test of exact fit, as ADANCO, cSEM and SmartPLS report them.

Sources: Dijkstra & Henseler (2015a), "Consistent and asymptotically normal PLS estimators for
linear structural equations", *Computational Statistics & Data Analysis* 81, 10-23, and
(2015b) "Consistent partial least squares path modeling", *MIS Quarterly* 39(2), 297-316;
Henseler, Hubona & Ray (2016), "Using PLS path modeling in new technology research: updated
guidelines", *Industrial Management & Data Systems* 116(1), 2-20; Beran & Srivastava (1985),
*Annals of Statistics* 13(1), 95-115; cSEM's ``fit()``, ``calculateSRMR()``, ``calculateDL()``,
``calculateDG()`` and ``testOMF()`` (R package cSEM, ``R/csem_fit.R``, ``R/helper_assess.R``,
``R/postestimate_test_OMF.R``).

**Model-implied indicator correlations** ``Sigma`` (on standardized indicators, cSEM's
``fit()``). With ``Lambda`` the loadings (indicators x constructs) and ``P`` a construct
correlation matrix, ``Sigma = Lambda P Lambda'`` off the diagonal, 1 on it; then the
within-block part of every Mode B composite (``<~``) is replaced by the sample correlations
of its indicators (the composite model: a composite's indicators correlate freely). A Mode A
construct (``=~``) is taken as a common factor: its items correlate ``lambda_i lambda_k``.
The construct type follows the syntax, as in cSEM: with ``estimator="PLS"`` the loadings of an
``=~`` block are the Mode A loadings and ``P`` the score correlations; with ``"PLSc"`` the
consistent loadings and the disattenuated correlations.

* *saturated* model: ``P`` = the construct correlations the paths are computed from (every
  construct correlates freely; this checks the measurement model);
* *estimated* model: ``P`` = the correlations the structural model implies. With ``B`` the path
  coefficients (row: outcome) and ``Psi`` holding the exogenous constructs' correlations and,
  for each endogenous construct, the residual variance ``1 - R²``,
  ``P = (I - B)^-1 Psi (I - B)^-T`` with its diagonal set to 1 (cSEM's ``fit()``; ADANCO 2.2.1
  gives the same matrix). Defined for recursive structural models only (NaN otherwise).

**Discrepancies** between the sample correlations ``S`` and ``Sigma`` (p indicators):

* SRMR = sqrt(sum over i <= k of (s_ik - sigma_ik)² / (p(p + 1)/2)), both matrices as
  correlations (Hu & Bentler 1999; cSEM's ``calculateSRMR``);
* d_ULS = 1/2 sum over all i, k of (s_ik - sigma_ik)² (squared Euclidean distance; Dijkstra &
  Henseler 2015a);
* d_G = 1/2 sum_k (log10 phi_k)², phi_k the eigenvalues of ``S^-1 Sigma`` (geodesic distance).
  **Base-10 logarithms**, as ADANCO and cSEM compute it (and report it as "d_G"); Dijkstra &
  Henseler write ``log`` (the natural logarithm gives ln(10)² = 5.30 times larger values; use
  :func:`d_g` with ``base=np.e`` for it).

**Test of exact fit** (Dijkstra & Henseler 2015a, following Beran & Srivastava 1985): the
standardized data are transformed so that their correlation matrix is ``Sigma`` exactly,
``Z = X S^-1/2 Sigma^1/2`` (symmetric square roots), rows of ``Z`` are resampled, the model is
re-estimated on each resample (restandardized) and the discrepancies recomputed. HI95 and HI99
are the 95% and 99% quantiles of the bootstrap discrepancies (linear interpolation, R's type 7,
as cSEM's ``testOMF``); exact fit is rejected at the 5% (1%) level when the sample discrepancy
exceeds HI95 (HI99). The saturated and the estimated model are tested separately, each with
its own ``Sigma`` (as ADANCO and SmartPLS do), on the same resampled rows. A resample whose
weights do not converge, or whose model-implied correlation matrix is not positive definite
(d_G undefined), is always dropped and counted. By default (``inadmissible="keep"``) every
other resample counts; this is what ADANCO 2.2.1 does (its HI95 and HI99 agree with ours
within bootstrap error on a PLSc model where about 60% of the resamples have a disattenuated
construct correlation above 1; dropping those gives quantiles up to 25% smaller).
``inadmissible="drop"`` also drops the resamples cSEM's ``verify()`` calls inadmissible (a
loading above 1 in absolute value, rho_A above 1 for a PLSc construct, construct correlations
not positive definite), as cSEM's default ``.handle_inadmissibles = "drop"``. Henseler et al.
(2016) read SRMR < 0.08 as approximate fit and d_ULS, d_G (and SRMR) below HI95 as no evidence
against exact fit.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .engine.threads import single_threaded
from .pls import PLSFit, PLSModel
from .plsbatch import BatchedPLS, resample_correlations, row_counts
from .plshoc import refuse_two_stage

LOG_BASE = 10
CHUNK_DRAWS = 500          # resamples whose PLS estimates are computed at once
DISCREPANCIES = ("srmr", "d_uls", "d_g")
KINDS = ("saturated", "estimated")


# ----------------------------------------------------------------------------- discrepancies

def _cov2cor(A: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.diag(A))
    return A / np.outer(d, d)


def srmr(S: np.ndarray, Sigma: np.ndarray) -> float:
    """Standardized root mean square residual of two (covariance or correlation) matrices.

    Both are turned into correlation matrices; the mean is over the ``p(p + 1)/2`` elements on
    and below the diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> S = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> round(srmr(S, np.eye(2)), 6)    # sqrt(0.5² / 3)
    0.288675
    """
    D = _cov2cor(S) - _cov2cor(Sigma)
    lower = np.tril_indices(len(D))
    return float(np.sqrt(np.mean(D[lower] ** 2)))


def d_uls(S: np.ndarray, Sigma: np.ndarray) -> float:
    """Squared Euclidean distance ``1/2 sum (s_ik - sigma_ik)²`` over all elements.

    Examples
    --------
    >>> import numpy as np
    >>> S = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> d_uls(S, np.eye(2))
    0.25
    """
    return float(0.5 * np.sum((np.asarray(S) - np.asarray(Sigma)) ** 2))


def d_g(S: np.ndarray, Sigma: np.ndarray, base: float = LOG_BASE) -> float:
    """Geodesic distance ``1/2 sum_k (log phi_k)²``, ``phi_k`` the eigenvalues of
    ``S^-1 Sigma``; base-10 logarithms by default (ADANCO, cSEM).

    NaN when ``S`` or ``Sigma`` is not positive definite (the distance is then undefined).

    Parameters
    ----------
    S, Sigma : ndarray
        The sample and the model-implied matrix (p x p).
    base : float
        The base of the logarithm: 10 (ADANCO's and cSEM's d_G) or ``np.e`` (natural
        logarithms: ln(10)² = 5.30 times larger).

    Examples
    --------
    >>> import numpy as np
    >>> S = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> round(d_g(S, np.eye(2)), 6)     # eigenvalues 1/1.5 and 1/0.5
    0.060814
    >>> round(d_g(S, np.eye(2), base=np.e) / d_g(S, np.eye(2)), 4)
    5.3019
    """
    if not (np.all(np.isfinite(S)) and np.all(np.isfinite(Sigma))):
        return np.nan
    try:
        L = np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        return np.nan
    Linv = np.linalg.inv(L)
    phi = np.linalg.eigvalsh(Linv @ Sigma @ Linv.T)     # the eigenvalues of S^-1 Sigma
    if np.any(phi <= 0):
        return np.nan
    return float(0.5 * np.sum((np.log(phi) / np.log(base)) ** 2))


def discrepancies(S: np.ndarray, Sigma: np.ndarray) -> dict:
    """``srmr``, ``d_uls`` and ``d_g`` (base 10) of ``Sigma`` against ``S``.

    Examples
    --------
    >>> import numpy as np
    >>> S = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> {k: round(v, 4) for k, v in discrepancies(S, np.eye(2)).items()}
    {'srmr': 0.2887, 'd_uls': 0.25, 'd_g': 0.0608}
    """
    return {"srmr": srmr(S, Sigma), "d_uls": d_uls(S, Sigma), "d_g": d_g(S, Sigma)}


# ----------------------------------------------------------------------------- implied matrices

def implied_construct_correlation(fit, model: PLSModel, saturated: bool) -> np.ndarray:
    """The construct correlations of the saturated or the estimated model (module docstring).

    ``fit`` is a :class:`relqual.pls.PLSFit`. The estimated model's matrix is NaN when the
    structural model is not recursive.
    """
    P = np.array(fit.construct_cor, dtype=float)
    if saturated:
        return P
    m = len(model.constructs)
    if not model.recursive:
        return np.full((m, m), np.nan)
    B = np.where(model.paths, fit.paths, 0.0).T          # B[j, i]: the path i -> j
    endogenous = np.array(model.endogenous, dtype=int)
    exogenous = np.setdiff1d(np.arange(m), endogenous)
    Psi = np.zeros((m, m))
    Psi[np.ix_(exogenous, exogenous)] = P[np.ix_(exogenous, exogenous)]
    r2 = (B * P).sum(axis=1)                             # R² = sum_i beta_ji r_ij
    Psi[endogenous, endogenous] = 1.0 - r2[endogenous]
    A = np.linalg.inv(np.eye(m) - B)
    V = A @ Psi @ A.T
    V = (V + V.T) / 2
    V[endogenous, endogenous] = 1.0                      # cSEM's fit(): unit variances
    return V


def implied_correlation(fit, model: PLSModel, S: np.ndarray, saturated: bool) -> np.ndarray:
    """The model-implied indicator correlation matrix of the saturated or estimated model.

    Parameters
    ----------
    fit : relqual.pls.PLSFit
        The PLS (or PLSc) estimates.
    model : relqual.pls.PLSModel
        The path model (``modes``: "A" a common factor, "B" a composite).
    S : ndarray
        The indicators' sample correlation matrix (in ``model.indicators`` order).
    saturated : bool
        The saturated model (free construct correlations) or the estimated one.

    Returns
    -------
    ndarray
        p x p, unit diagonal (NaN everywhere for the estimated model of a non-recursive
        structural model).

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.pls import PLSModel, fit_pls, standardize
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> X = standardize(np.hstack([f + rng.normal(size=(300, 3)),
    ...                            0.6 * f + rng.normal(size=(300, 2))]))
    >>> model = PLSModel(["F", "G"], ["a1", "a2", "a3", "b1", "b2"],
    ...                  [np.arange(3), np.arange(3, 5)], ["A", "B"],
    ...                  np.array([[False, True], [False, False]]))
    >>> fit = fit_pls(X, model)
    >>> S = X.T @ X / (len(X) - 1)
    >>> Sigma = implied_correlation(fit, model, S, saturated=True)
    >>> bool(np.allclose(np.diag(Sigma), 1)), bool(np.isclose(Sigma[3, 4], S[3, 4]))
    (True, True)
    """
    P = implied_construct_correlation(fit, model, saturated)
    L = np.asarray(fit.loadings, dtype=float)
    Sigma = L @ P @ L.T
    np.fill_diagonal(Sigma, 1.0)
    for block, mode in zip(model.blocks, model.modes):
        if mode == "B":
            Sigma[np.ix_(block, block)] = S[np.ix_(block, block)]
    return Sigma


def fit_measures(X: np.ndarray, model: PLSModel, fit) -> dict:
    """SRMR, d_ULS and d_G (base 10) of the estimated and the saturated model.

    Parameters
    ----------
    X : ndarray
        The standardized indicators (rows x indicators) the model was estimated on.
    model : relqual.pls.PLSModel
    fit : relqual.pls.PLSFit

    Returns
    -------
    dict
        ``srmr d_uls d_g`` (estimated model), ``srmr_saturated d_uls_saturated
        d_g_saturated`` and ``d_g_log_base`` (10: d_G is computed with base-10 logarithms, as
        ADANCO and cSEM do).

    Examples
    --------
    >>> import relqual as rq
    >>> model = '''visual =~ x1 + x2 + x3
    ...            textual =~ x4 + x5 + x6
    ...            speed =~ x7 + x8 + x9
    ...            textual ~ visual
    ...            speed ~ textual'''
    >>> res = rq.fit(model, rq.datasets.load("holzinger_swineford"), estimator="PLSc")
    >>> fm = fit_measures(res.problem.pls["X"], res.problem.pls["model"],
    ...                   res.estimate.opt.details["pls_fit"])
    >>> {k: round(v, 3) for k, v in fm.items()}     # doctest: +NORMALIZE_WHITESPACE
    {'srmr': 0.093, 'd_uls': 0.388, 'd_g': 0.13, 'srmr_saturated': 0.071,
     'd_uls_saturated': 0.229, 'd_g_saturated': 0.109, 'd_g_log_base': 10}
    """
    S = X.T @ X / (len(X) - 1)
    out = {}
    for kind, suffix in (("estimated", ""), ("saturated", "_saturated")):
        values = discrepancies(S, implied_correlation(fit, model, S, kind == "saturated"))
        out.update({f"{name}{suffix}": value for name, value in values.items()})
    out["d_g_log_base"] = LOG_BASE
    return out


# ----------------------------------------------------------------------------- test of exact fit

def _sym_power(A: np.ndarray, power: float) -> np.ndarray:
    values, vectors = np.linalg.eigh((A + A.T) / 2)
    return (vectors * values ** power) @ vectors.T


def beran_srivastava(X: np.ndarray, S: np.ndarray, Sigma: np.ndarray) -> np.ndarray:
    """``X S^-1/2 Sigma^1/2``: the data transformed so their correlation matrix is ``Sigma``.

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.pls import standardize
    >>> X = standardize(np.random.default_rng(0).normal(size=(50, 3)))
    >>> S = X.T @ X / 49
    >>> Sigma = np.full((3, 3), 0.3) + 0.7 * np.eye(3)
    >>> Z = beran_srivastava(X, S, Sigma)
    >>> bool(np.allclose(Z.T @ Z / 49, Sigma))
    True
    """
    return X @ _sym_power(S, -0.5) @ _sym_power(Sigma, 0.5)


def _positive_definite(A: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(A)) and np.linalg.eigvalsh((A + A.T) / 2)[0] > 0)


def admissible(fit, model: PLSModel, Sigma: np.ndarray, consistent: bool) -> bool:
    """cSEM's ``verify()`` checks: converged weights, |loadings| <= 1, rho_A <= 1 for PLSc
    constructs, positive definite construct and model-implied correlations."""
    if not fit.converged or np.any(np.abs(fit.loadings) > 1.0):
        return False
    if consistent:
        corrected = [j for j, (mode, block) in enumerate(zip(model.modes, model.blocks))
                     if mode == "A" and len(block) > 1]
        if np.any(np.asarray(fit.rho_a)[corrected] > 1.0):
            return False
    return _positive_definite(fit.construct_cor) and _positive_definite(Sigma)


def _resample_discrepancies(Z: np.ndarray, indices: np.ndarray, model: PLSModel, settings: dict,
                            saturated: bool, keep: bool) -> np.ndarray:
    """Every resample's discrepancies (draws x 3; NaN: dropped), the PLS estimates of all
    resamples computed at once (:mod:`relqual.plsbatch`)."""
    n = len(Z)
    batch = BatchedPLS(model, settings)
    out = np.full((len(indices), len(DISCREPANCIES)), np.nan)
    for start in range(0, len(indices), CHUNK_DRAWS):
        rows = indices[start:start + CHUNK_DRAWS]
        S, usable = resample_correlations(Z, row_counts(rows, n))
        live = np.flatnonzero(usable)
        W, settled = batch.weights(S[live])
        live, W = live[settled], W[settled]
        est = batch.estimates(S[live], W)
        for k, draw in enumerate(live):
            if not est.solved[k]:
                continue
            fit = PLSFit(weights=est.weights[k], scores=None, paths=est.paths[k],
                         loadings=est.loadings[k], r2=None, construct_cor=est.construct_cor[k],
                         rho_a=est.rho_a[k], iterations=0, converged=True)
            Sigma = implied_correlation(fit, model, S[draw], saturated)
            if not _positive_definite(Sigma):
                continue
            if keep or admissible(fit, model, Sigma, settings.get("consistent", False)):
                out[start + draw] = list(discrepancies(S[draw], Sigma).values())
    return out


def _verdict(value: float, hi95: float, hi99: float) -> str:
    if not (np.isfinite(value) and np.isfinite(hi95) and np.isfinite(hi99)):
        return "no test"
    if value <= hi95:
        return "exact fit not rejected (value <= HI95)"
    if value <= hi99:
        return "exact fit rejected at 5% (HI95 < value <= HI99)"
    return "exact fit rejected at 1% (value > HI99)"


@single_threaded
def exact_fit_test(X: np.ndarray, model: PLSModel, fit, settings: dict, draws: int = 499,
                   seed=None, indices=None, inadmissible: str = "keep") -> pd.DataFrame:
    """The bootstrap test of exact fit (Dijkstra & Henseler 2015a; module docstring).

    Parameters
    ----------
    X : ndarray
        The standardized indicators the model was estimated on.
    model : relqual.pls.PLSModel
    fit : relqual.pls.PLSFit
        The estimates on ``X``.
    settings : dict
        The keyword arguments of :func:`relqual.pls.fit_pls` (``scheme``, ``consistent``,
        ``tol``, ``max_iter``) used for every resample.
    draws : int
        The number of resamples (cSEM's default 499).
    seed : int, optional
        Seed of ``numpy.random.default_rng``; every draw's rows are one
        ``integers(0, n, n)`` call, in draw order (as :mod:`relqual.resample`).
    indices : array-like, optional
        Replay given resamples instead: draws x n 0-based row numbers (``draws`` and
        ``seed`` are then ignored).
    inadmissible : {"keep", "drop"}
        "keep" (ADANCO): drop only resamples whose weights do not converge or whose
        model-implied correlation matrix is not positive definite; "drop" (cSEM's default):
        drop every resample its ``verify()`` calls inadmissible as well. A warning says how
        many were dropped when more than 5% were.

    Returns
    -------
    DataFrame
        One row per model (``saturated``, ``estimated``) and discrepancy (``srmr``,
        ``d_uls``, ``d_g``): ``model discrepancy value HI95 HI99 verdict``. ``attrs``:
        ``log_base`` (10, of d_G), ``draws``, ``seed``, ``inadmissible``, ``draws_used``
        (resamples the quantiles come from, per model) and ``n_failed`` (dropped resamples
        per model).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...              "speed =~ x7 + x8 + x9; textual ~ visual; speed ~ textual",
    ...              rq.datasets.load("holzinger_swineford"), estimator="PLSc")
    >>> pls = res.problem.pls
    >>> table = exact_fit_test(pls["X"], pls["model"], res.estimate.opt.details["pls_fit"],
    ...                        pls["settings"], draws=50, seed=1)
    >>> list(table.columns), table.attrs["log_base"], len(table)
    (['model', 'discrepancy', 'value', 'HI95', 'HI99', 'verdict'], 10, 6)
    """
    if inadmissible not in ("drop", "keep"):
        raise ValueError(f"inadmissible must be 'drop' or 'keep' (got {inadmissible!r})")
    n = len(X)
    if indices is None:
        rng = np.random.default_rng(seed)
        indices = np.array([rng.integers(0, n, n) for _ in range(int(draws))]).reshape(-1, n)
    else:
        indices = np.asarray(indices, dtype=int)
        if indices.ndim == 3 and indices.shape[1] == 1:     # Result.bootstrap's [[rows], ...]
            indices = indices[:, 0, :]
        if indices.ndim != 2 or indices.shape[1] != n:
            raise ValueError(f"indices must be a draws x n array of row numbers (n = {n}); "
                             f"got shape {indices.shape}")
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            raise ValueError(f"indices must be 0-based row numbers below n = {n}")
        seed = None
    S = X.T @ X / (n - 1)
    rows, used, failed = [], {}, {}
    for kind in KINDS:
        saturated = kind == "saturated"
        Sigma = implied_correlation(fit, model, S, saturated)
        observed = discrepancies(S, Sigma)
        if _positive_definite(Sigma) and _positive_definite(S):
            Z = beran_srivastava(X, S, Sigma)
            boot = _resample_discrepancies(Z, indices, model, settings, saturated,
                                           inadmissible == "keep")
            ok = np.all(np.isfinite(boot), axis=1)
            reason = "no test (no admissible resample)"
        else:
            boot, ok = np.empty((0, len(DISCREPANCIES))), np.zeros(0, dtype=bool)
            reason = ("no test (the structural model is not recursive; the estimated model's "
                      "implied correlations are defined for recursive models only)"
                      if not np.all(np.isfinite(Sigma)) else
                      "no test (the sample or model-implied correlation matrix is not positive "
                      "definite, so the data cannot be transformed to the model)")
        used[kind], failed[kind] = int(ok.sum()), int(len(ok) - ok.sum())   # 0, 0: no test
        for k, name in enumerate(DISCREPANCIES):
            if ok.any():
                hi95, hi99 = np.quantile(boot[ok, k], [0.95, 0.99])
                verdict = _verdict(observed[name], hi95, hi99)
            else:
                hi95 = hi99 = np.nan
                verdict = reason
            rows.append(dict(model=kind, discrepancy=name, value=observed[name], HI95=hi95,
                             HI99=hi99, verdict=verdict))
    table = pd.DataFrame(rows, columns=["model", "discrepancy", "value", "HI95", "HI99",
                                        "verdict"])
    table.attrs.update(log_base=LOG_BASE, draws=len(indices), seed=seed,
                       inadmissible=inadmissible, draws_used=used, n_failed=failed)
    dropped = {k: v for k, v in failed.items() if len(indices) and v > 0.05 * len(indices)}
    if dropped:
        import warnings

        from .errors import RelqualWarning
        warnings.warn("test of exact fit: " + "; ".join(
            f"{v} of {len(indices)} resamples of the {k} model were inadmissible or failed and "
            f"were dropped (HI95 and HI99 come from the {len(indices) - v} others)"
            for k, v in dropped.items())
            + ("; inadmissible='keep' keeps those cSEM calls inadmissible"
               if inadmissible == "drop" else ""),
            RelqualWarning, stacklevel=3)
    return table


def fit_test(result, draws: int = 499, seed=None, indices=None,
             inadmissible: str = "keep") -> pd.DataFrame:
    """:func:`exact_fit_test` of a PLS or PLSc :class:`relqual.result.Result`."""
    pls = result.problem.pls
    refuse_two_stage(pls["model"], "the bootstrap test of exact fit")
    fit = result.estimate.opt.details["pls_fit"]
    if not fit.converged:
        raise ValueError("the PLS weights did not converge, so the test of exact fit has no "
                         "estimate to start from; raise control={'max_iter': ...}")
    return exact_fit_test(pls["X"], pls["model"], fit, pls["settings"], draws=draws, seed=seed,
                          indices=indices, inadmissible=inadmissible)
