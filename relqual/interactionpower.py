"""Monte Carlo power of a model with an interaction term: ``rq.power`` with ``y ~ x + z + x:z``.

The study is that of :func:`relqual.power.power` (Muthen & Muthen 2002): replicate ``r`` at
sample size ``n`` is ``rq.simulate(population, n, seed=replicate_seed(seed, n, r))``, a latent
interaction drawn structurally (:func:`relqual.simulate.simulate`). Each replicate is fitted with
``rq.fit(model, data, interaction=method)``: LMS (the default for a latent product), QML or product
indicators ("dblcent", "rca", "uca"; :mod:`relqual.interaction`). The interaction is tested as
the fit reports it, by the Wald z of its coefficient (with the standard error of the method:
LMS's observed information, product indicators' expected information). Per regression and n:
``power`` (share with p < alpha), ``coverage`` of the 95% Wald interval, ``bias`` and
``rel_bias`` against the population value written in the population model (its
``y ~ w*x:z``; NaN for a path the population does not write), ``mean_se`` and ``sd_est``.
``converged`` is the share of replicates whose fit converged with standard errors; ``improper``
the share of those with an improper solution. With product indicators the product factor is
scaled by its first product indicator (loading 1 x 1), so its coefficient estimates the
population one for normal factors with marker loadings of 1; ``bias`` says how well.

Each replicate is a full fit (an LMS optimization), so the replicates run one by one in this
process (``attrs["fits_per_second"]``); there is no analytic power.
"""
from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .conventions import Z_975
from .lms import linear_statements
from .syntax import parse

METHODS = ("lms", "qml", "dblcent", "rca", "uca")


def has_interaction(syntax: str) -> bool:
    """Whether a model regresses on a product term (``y ~ x:z``).

    Examples
    --------
    >>> has_interaction("y ~ x + z + x:z"), has_interaction("y ~ x + z")
    (True, False)
    """
    return bool(linear_statements(syntax)[1])


def population_paths(population: str) -> dict:
    """The regression coefficients a population model fixes: ``(lhs, "~", rhs) -> value``.

    Examples
    --------
    >>> population_paths("Y ~ 0.4*X + 0.3*Z + 0.25*X:Z; Y ~~ 0.6*Y")
    {('Y', '~', 'X'): 0.4, ('Y', '~', 'Z'): 0.3, ('Y', '~', 'X:Z'): 0.25}
    """
    out = {}
    for s in parse(population):
        fixed = [m.fixed for m in s.modifiers if m.fixed is not None]
        if s.op == "~" and fixed:
            out[(s.lhs, "~", s.rhs)] = float(fixed[0])
    return out


def check_settings(estimator: str, backend: str, missing: str, n_jobs, fixed_x: bool) -> None:
    """Refuse the :func:`relqual.power.power` settings an interaction study does not offer,
    naming them.

    Examples
    --------
    >>> check_settings("MLR", "local", "listwise", None, True)
    Traceback (most recent call last):
    ...
    NotImplementedError: power of a model with an interaction term: estimator='MLR' is not ...
    """
    refused = {"estimator": (estimator, "ML"), "backend": (backend, "local"),
               "missing": (missing, "listwise"), "fixed_x": (fixed_x, True)}
    for name, (value, allowed) in refused.items():
        if value != allowed:
            raise NotImplementedError(
                f"power of a model with an interaction term: {name}={value!r} is not available "
                f"(each replicate is a full rq.fit with interaction=; only {name}={allowed!r})")
    if n_jobs is not None and n_jobs != 1:
        raise NotImplementedError(
            f"power of a model with an interaction term runs its replicates in this process; "
            f"n_jobs={n_jobs!r} is not available (leave it out or use n_jobs=1)")


def interaction_power(spec, population: str, draw, sizes, reps: int, alpha: float,
                      interaction: str | None = None, std_lv: bool = False,
                      progress: bool | None = None) -> pd.DataFrame:
    """Power, bias and coverage of every regression of ``spec`` (with interaction terms).

    Called by :func:`relqual.power.power` for a model with an interaction term (which checks
    the common arguments and adds ``min_n`` and the settings to ``attrs``); the table has the
    columns of :func:`relqual.power.power` (``power_analytic`` NaN, ``path`` empty).

    Parameters
    ----------
    spec : ModelSpec
        The analysis model.
    population : str
        The population model (every parameter fixed; interaction coefficients included).
    draw : callable
        ``draw(n, rep)``: the data of replicate ``rep`` at sample size ``n``
        (:func:`relqual.power.replicate_data`).
    sizes : list of int
    reps : int
    alpha : float
    interaction : {"lms", "qml", "dblcent", "rca", "uca"}, optional
        The method of every fit (default: that of ``rq.fit``).
    std_lv : bool
        As in :func:`relqual.fit`.
    progress : bool, optional
        Show a progress bar (default: from 500 fits).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> population = ("X =~ 1*x1 + 0.8*x2; Z =~ 1*z1 + 0.8*z2; X ~~ 1*X; Z ~~ 1*Z; X ~~ 0*Z; "
    ...               "y ~ 0.3*X + 0.3*Z + 0.3*X:Z; y ~~ 0.5*y; x1 ~~ 0.3*x1; x2 ~~ 0.3*x2; "
    ...               "z1 ~~ 0.3*z1; z2 ~~ 0.3*z2")
    >>> import relqual as rq
    >>> from relqual.models import resolve_model
    >>> spec = resolve_model("X =~ x1 + x2; Z =~ z1 + z2; y ~ X + Z + X:Z")
    >>> draw = lambda n, rep: rq.simulate(population, n, seed=rep)
    >>> table = interaction_power(spec, population, draw, [300], reps=2, alpha=0.05,
    ...                           interaction="dblcent")
    >>> table[["rhs", "pop_value", "converged"]].values.tolist()
    [['X', 0.3, 1.0], ['Z', 0.3, 1.0], ['X:Z', 0.3, 1.0]]
    """
    from .fit import fit
    from .resample import progress_bar
    if interaction is not None and str(interaction).lower() not in METHODS:
        raise ValueError(f"interaction must be one of {', '.join(METHODS)} (got {interaction!r})")
    values = population_paths(population)
    started = time.perf_counter()
    total = len(sizes) * int(reps)
    bar = progress_bar(total, progress if progress is not None else total >= 500, "power")
    keys, tables, method = None, [], None
    for n in sizes:
        est, se, ok, improper = [], [], [], []
        for r in range(reps):
            data = draw(n, r)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = fit(spec, data, interaction=interaction, std_lv=std_lv)
            if bar is not None:
                bar.update(1)
            rows = res.estimates()
            rows = rows[rows["op"] == "~"]
            if keys is None:
                keys = list(zip(rows["lhs"], rows["op"], rows["rhs"]))
                method = res.call.get("interaction")
            se_r = rows["se"].to_numpy(dtype=float)
            ok.append(bool(res.converged and np.all(np.isfinite(se_r))))
            est.append(rows["est"].to_numpy(dtype=float))
            se.append(se_r)
            improper.append(any(w.startswith("improper solution") for w in res.warnings))
        tables.append(_summary(n, keys, values, np.array(est), np.array(se), np.array(ok),
                               np.array(improper), alpha))
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - started
    table = pd.concat(tables, ignore_index=True)
    table.attrs.update({
        "hypothesised": [f"{lhs} ~ {rhs}" for lhs, _, rhs in keys if ":" in rhs],
        "interaction": method, "fits_per_second": total / seconds, "seconds": seconds,
        "fit_seconds": seconds, "estimator": "ML", "missing": "listwise", "backend": "local",
        "model_test": {}, "population_fmin": 0.0})
    return table


def _summary(n, keys, values, est, se, ok, improper, alpha) -> pd.DataFrame:
    """One sample size's rows: Wald power, coverage and bias over the converged replicates."""
    pop = np.array([values.get(k, np.nan) for k in keys])
    est, se = est[ok], se[ok]
    count = len(est)
    with np.errstate(invalid="ignore", divide="ignore"):
        reject = 2 * stats.norm.sf(np.abs(est / se)) < alpha
        covered = np.abs(est - pop) <= Z_975 * se
        mean_est = est.mean(axis=0) if count else np.full(len(keys), np.nan)
        bias = mean_est - pop
        return pd.DataFrame({
            "n": n, "lhs": [k[0] for k in keys], "op": "~", "rhs": [k[2] for k in keys],
            "power": reject.mean(axis=0) if count else np.nan, "bias": bias,
            "coverage": (np.where(np.isfinite(pop), covered.mean(axis=0), np.nan) if count
                         else np.nan),
            "converged": count / len(ok), "pop_value": pop, "mean_est": mean_est,
            "mean_se": se.mean(axis=0) if count else np.nan,
            "sd_est": est.std(axis=0, ddof=1) if count > 1 else np.nan,
            "rel_bias": np.where(np.abs(pop) > 1e-12, bias / pop, np.nan),
            "power_analytic": np.nan,
            "improper": improper[ok].mean() if count else np.nan, "path": ""})
