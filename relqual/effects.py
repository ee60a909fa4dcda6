"""Direct, specific indirect, total indirect and total effects, enumerated from the path structure.

The structural paths are the regressions (``y ~ x``) of the model: with the matrix ``B`` of those
coefficients (``B[y, x]``), the total effects are ``(I - B)^-1 - I`` and the indirect effects the
total minus the direct ones (Bollen 1987, "Total, direct, and indirect effects in structural
equation models", *Sociological Methodology* 17). In a recursive model each indirect effect is
the sum of its *specific* indirect effects, one per directed path of two or more arrows, each the
product of the coefficients along it (Alwin & Hauser 1975). Standardized effects multiply by
sd(from) / sd(to), with the model-implied standard deviations (lavaan's ``std.all``).
"""
from __future__ import annotations

import numbers
from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .conventions import z_critical
from .engine.inference import numerical_jacobian
from .intervals import bootstrap_interval, jackknife_acceleration
from .options import check_types
from .partable import unique_in_order


@dataclass(frozen=True)
class Effect:
    """One effect: its kind, endpoints and the arrows (as A-matrix index pairs) it multiplies.

    Parameters
    ----------
    kind : str
        "direct", "indirect" (one specific indirect path), "total_indirect" or "total".
    source, target : str
        The variables the effect runs from and to.
    path : str
        The arrows as text, e.g. "SAT -> AC -> CC"; empty for the totals.
    terms : tuple
        The directed paths summed, each a tuple of ``(row, col)`` entries of the RAM ``A``
        matrix (``A[to, from]``) multiplied along it.

    Examples
    --------
    >>> from relqual.effects import Effect
    >>> e = Effect("indirect", "X", "Y", "X -> M -> Y", (((1, 0), (2, 1)),))
    >>> len(e.terms), len(e.terms[0])
    (1, 2)
    """

    kind: str                   # "direct", "indirect", "total_indirect" or "total"
    source: str
    target: str
    path: str                   # e.g. "SAT -> AC -> CC"; empty for totals
    terms: tuple                # tuple of paths; each path a tuple of (row, col) A entries


class EffectStructure:
    """All effects of one group's structural model, with a function of the parameters giving them.

    For each variable with outgoing regressions, every directed path from it is enumerated
    (breadth first, so direct effects come first); per target it gives the direct effect, one
    specific indirect effect per path of two or more arrows, their sum (total indirect) and
    the total (Alwin & Hauser 1975; Bollen 1987).

    Parameters
    ----------
    model : relqual.engine.matrices.RamModel
        The group's RAM model (``res.models[group - 1]``).
    col : dict
        The columns of the parameter table (``res.partable.col``).
    group : int
        The group's number, from 1.

    Attributes
    ----------
    effects : list of Effect
        The effects, in table order.

    Raises
    ------
    ValueError
        When the structural model is non-recursive (the message names the feedback loop).

    Examples
    --------
    >>> import relqual as rq
    >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
    ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
    >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
    >>> from relqual.effects import EffectStructure
    >>> structure = EffectStructure(res.models[0], res.partable.col)
    >>> [(e.kind, e.path) for e in structure.effects][:3]
    [('direct', 'ind60 -> dem60'), ('direct', 'ind60 -> dem65'),
     ('indirect', 'ind60 -> dem60 -> dem65')]
    """

    def __init__(self, model, col: dict, group: int = 1):
        self.model = model
        index = {name: i for i, name in enumerate(model.names)}
        is_reg = ((col["op"] == "~") & (col["group"] == group)
                  & np.isin(col["rhs"], model.names))      # not LMS's x:z terms (relqual.lms)
        children: dict[str, list[str]] = {}
        for lhs, rhs in zip(col["lhs"][is_reg], col["rhs"][is_reg]):
            children.setdefault(rhs, []).append(lhs)
        loop = _find_loop(children)
        if loop:
            raise ValueError("the structural model is non-recursive (feedback loop "
                             f"{' -> '.join(loop)}), so specific indirect effects are not "
                             "defined; use ':=' definitions")
        effects: list[Effect] = []
        for source in unique_in_order(col["rhs"][is_reg]):
            paths_by_target: dict[str, list[list[str]]] = {}
            for path in _paths_from(source, children):
                paths_by_target.setdefault(path[-1], []).append(path)
            for target, paths in paths_by_target.items():
                as_terms = [tuple((index[b], index[a]) for a, b in zip(p, p[1:])) for p in paths]
                direct = [t for t, p in zip(as_terms, paths) if len(p) == 2]
                indirect = [(t, p) for t, p in zip(as_terms, paths) if len(p) > 2]
                if direct:
                    effects.append(Effect("direct", source, target, f"{source} -> {target}",
                                          tuple(direct)))
                for t, p in indirect:
                    effects.append(Effect("indirect", source, target, " -> ".join(p), (t,)))
                if indirect:
                    effects.append(Effect("total_indirect", source, target, "",
                                          tuple(t for t, _ in indirect)))
                    effects.append(Effect("total", source, target, "", tuple(as_terms)))
        self.effects = effects
        # flattened arrows: products over each path (reduceat), sums over each effect's paths
        arrows = [(i, j) for e in effects for path in e.terms for i, j in path]
        self._arrow_i = np.array([i for i, _ in arrows], dtype=int)
        self._arrow_j = np.array([j for _, j in arrows], dtype=int)
        path_lengths = [len(path) for e in effects for path in e.terms]
        self._path_starts = np.concatenate([[0], np.cumsum(path_lengths)[:-1]]).astype(int)
        paths_per_effect = [len(e.terms) for e in effects]
        self._effect_starts = np.concatenate([[0], np.cumsum(paths_per_effect)[:-1]]).astype(int)
        self._source_idx = np.array([index[e.source] for e in effects], dtype=int)
        self._target_idx = np.array([index[e.target] for e in effects], dtype=int)

    def values(self, x: np.ndarray, standardized: bool = True):
        """Unstandardized (and std.all) values of every effect at parameter vector ``x``.

        Parameters
        ----------
        x : ndarray
            Values of the free parameters.
        standardized : bool
            Also return the standardized effects: times sd(from) / sd(to), with the
            model-implied standard deviations (lavaan's ``std.all``).

        Returns
        -------
        ndarray or tuple of ndarray
            One value per effect of :attr:`effects`; ``(est, std_all)`` when ``standardized``.

        Examples
        --------
        >>> import relqual as rq
        >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
        ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
        >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
        >>> from relqual.effects import EffectStructure
        >>> structure = EffectStructure(res.models[0], res.partable.col)
        >>> est, std = structure.values(res.x)
        >>> est.round(3)
        array([1.474, 0.453, 1.274, 1.274, 1.727, 0.864])
        """
        if not self.effects:
            return (np.array([]), np.array([])) if standardized else np.array([])
        A, _, _ = self.model.matrices(x)
        products = np.multiply.reduceat(A[self._arrow_i, self._arrow_j], self._path_starts)
        est = np.add.reduceat(products, self._effect_starts)
        if not standardized:
            return est
        total_var = np.diag(self.model.implied(x).C)
        with np.errstate(invalid="ignore", divide="ignore"):
            std = est * np.sqrt(total_var[self._source_idx] / total_var[self._target_idx])
        return est, std

    def batch_values(self, A: np.ndarray, total_var: np.ndarray):
        """:meth:`values` for many parameter vectors at once (bootstrap refits).

        Parameters
        ----------
        A : ndarray
            draws x n x n: the directed-path matrix of each draw (RAM ``A``).
        total_var : ndarray
            draws x n: the implied variances of all variables (diagonal of ``B S B'``).

        Returns
        -------
        tuple of ndarray
            ``(est, std_all)``, each draws x effects.

        Examples
        --------
        >>> import numpy as np
        >>> import relqual as rq
        >>> res = rq.fit("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; dem60 ~ ind60",
        ...              rq.datasets.load("political_democracy"))
        >>> structure = EffectStructure(res.models[0], res.partable.col)
        >>> A = structure.model.matrices(res.x)[0][None]
        >>> est, std = structure.batch_values(A, res.models[0].total_variances(res.x[None]))
        >>> bool(np.allclose(est[0], structure.values(res.x)[0]))
        True
        """
        draws = A.shape[0]
        if not self.effects:
            return np.empty((draws, 0)), np.empty((draws, 0))
        products = np.multiply.reduceat(A[:, self._arrow_i, self._arrow_j], self._path_starts,
                                        axis=1)
        est = np.add.reduceat(products, self._effect_starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            std = est * np.sqrt(total_var[:, self._source_idx] / total_var[:, self._target_idx])
        return est, std


def _find_loop(children: dict[str, list[str]]) -> list[str]:
    """A directed cycle of the path graph as [a, b, ..., a], or [] if the model is recursive."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node) -> list[str]:
        if state.get(node) == 1:                     # back on the current path: a loop
            return stack[stack.index(node):] + [node]
        if state.get(node) == 2:
            return []
        state[node] = 1
        stack.append(node)
        for child in children.get(node, []):
            loop = visit(child)
            if loop:
                return loop
        stack.pop()
        state[node] = 2
        return []

    for node in list(children):
        loop = visit(node)
        if loop:
            return loop
    return []


def _paths_from(source: str, children: dict[str, list[str]]):
    """Every directed path (list of names) starting at ``source`` with at least one arrow."""
    queue = deque([[source]])                  # breadth first: direct paths come first
    while queue:
        path = queue.popleft()
        for child in children.get(path[-1], []):
            new = path + [child]
            yield new
            queue.append(new)


# ---------------------------------------------------------------------------- the effects table

EFFECT_COLUMNS = ["effect", "from", "to", "path", "est", "se", "z", "pvalue", "ci_lower",
                  "ci_upper", "std_all", "std_all_se", "std_all_ci_lower", "std_all_ci_upper"]


def effects_table(result, ci: str = "delta", n: int | None = None, seed=None, level: float = 0.95,
                  boot_ci: str = "perc", n_jobs: int = 1) -> pd.DataFrame:
    """Every effect with ``ci`` intervals: "delta", "montecarlo" (Preacher & Selig 2012) or
    "bootstrap" (percentile, ``bc`` = lavaan's bca.simple, or ``bca``; standardized effects
    from each resample's refit). User ``:=`` parameters are appended as effect "defined".

    This is :meth:`relqual.result.Result.effects`.

    Parameters
    ----------
    result : relqual.result.Result
        A single-group fit.
    ci : {"delta", "montecarlo", "bootstrap"}
        How standard errors and intervals are computed.
    n : int, optional
        Monte Carlo draws (default 20000) or bootstrap resamples (default 1000).
    seed : int, optional
        Seed of the draws.
    level : float
        Confidence level of the intervals.
    boot_ci : {"perc", "bc", "bca"}
        The bootstrap interval (``bca`` adds jackknife refits for the acceleration).
    n_jobs : int
        Worker processes for the bootstrap.

    Returns
    -------
    DataFrame
        ``effect from to path est se z pvalue ci_lower ci_upper std_all std_all_se
        std_all_ci_lower std_all_ci_upper``; ``attrs["ci"]`` names the intervals.

    Examples
    --------
    >>> import relqual as rq
    >>> model = ("ind60 =~ x1 + x2 + x3; dem60 =~ y1 + y2 + y3 + y4; "
    ...          "dem65 =~ y5 + y6 + y7 + y8; dem60 ~ ind60; dem65 ~ ind60 + dem60")
    >>> res = rq.fit(model, rq.datasets.load("political_democracy"))
    >>> from relqual.effects import effects_table
    >>> table = effects_table(res, ci="bootstrap", n=20, seed=1)
    >>> table.attrs["ci"], list(table["effect"])
    ('bootstrap (perc)', ['direct', 'direct', 'indirect', 'total_indirect', 'total', 'direct'])
    >>> bool((table["ci_lower"] < table["est"]).all())
    True
    """
    check_types(seed=seed, n_jobs=n_jobs)
    if n is not None and not (isinstance(n, numbers.Integral) and n >= 1):
        raise TypeError(f"n must be a whole number of draws or resamples, e.g. n=1000 (got {n!r})")
    if result.partable.ngroups != 1:
        raise NotImplementedError("effects of multigroup models are not available yet")
    structure = EffectStructure(result.models[0], result.partable.col)
    est, std = structure.values(result.x)
    z_crit = z_critical(level)
    if ci == "delta":
        jac = numerical_jacobian(lambda x: np.concatenate(structure.values(x)), result.x)
        cov = jac @ result.vcov_matrix @ jac.T
        se_all = np.sqrt(np.clip(np.diag(cov), 0, None))
        k = len(est)
        se, std_se = se_all[:k], se_all[k:]
        lo, hi = est - z_crit * se, est + z_crit * se
        std_lo, std_hi = std - z_crit * std_se, std + z_crit * std_se
    elif ci == "montecarlo":
        draws = _montecarlo_draws(result, n or 20000, seed)
        unstd = np.array([structure.values(x, standardized=False) for x in draws])
        total_var = result.models[0].total_variances(draws)
        ratio = np.sqrt(total_var[:, structure._source_idx] / total_var[:, structure._target_idx])
        std_draws = unstd * ratio
        se, std_se = unstd.std(axis=0, ddof=1), std_draws.std(axis=0, ddof=1)
        alpha = [(1 - level) / 2, (1 + level) / 2]
        lo, hi = np.quantile(unstd, alpha, axis=0)
        std_lo, std_hi = np.quantile(std_draws, alpha, axis=0)
    elif ci == "bootstrap":
        boot = result.bootstrap(n or 1000, seed=seed, n_jobs=n_jobs)
        unstd, std_draws = boot.block("effects"), boot.block("effects_std")
        se, std_se = unstd.std(axis=0, ddof=1), std_draws.std(axis=0, ddof=1)
        accel = accel_std = np.zeros(len(est))
        if boot_ci == "bca":
            jack = result.jackknife(n_jobs=n_jobs)
            accel = jackknife_acceleration(jack.block("effects"))
            accel_std = jackknife_acceleration(jack.block("effects_std"))
        bounds = [bootstrap_interval(unstd[:, k], est[k], level, boot_ci, accel[k])
                  for k in range(len(est))]
        std_bounds = [bootstrap_interval(std_draws[:, k], std[k], level, boot_ci, accel_std[k])
                      for k in range(len(std))]
        lo, hi = np.array(bounds).T if bounds else (np.array([]), np.array([]))
        std_lo, std_hi = np.array(std_bounds).T if std_bounds else (np.array([]), np.array([]))
    else:
        raise ValueError(f"unknown ci '{ci}'; use 'delta', 'montecarlo' or 'bootstrap'")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    table = pd.DataFrame({
        "effect": [e.kind for e in structure.effects],
        "from": [e.source for e in structure.effects],
        "to": [e.target for e in structure.effects], "path": [e.path for e in structure.effects],
        "est": est, "se": se, "z": z, "pvalue": 2 * stats.norm.sf(np.abs(z)),
        "ci_lower": lo, "ci_upper": hi, "std_all": std, "std_all_se": std_se,
        "std_all_ci_lower": std_lo, "std_all_ci_upper": std_hi})
    defined = _defined_rows(result, ci, n, seed, level, boot_ci, n_jobs)
    table = pd.concat([table, defined], ignore_index=True) if len(defined) else table
    table.attrs["ci"] = ci if ci != "bootstrap" else f"bootstrap ({boot_ci})"
    return table[EFFECT_COLUMNS]


def _montecarlo_draws(result, n: int, seed) -> np.ndarray:
    if not np.all(np.isfinite(result.vcov_matrix)):
        raise ValueError("Monte Carlo intervals need the estimates' covariance matrix, which is "
                         "not available (see res.warnings)")
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal(result.x, result.vcov_matrix, size=n, method="eigh")


def _defined_rows(result, ci, n, seed, level, boot_ci, n_jobs) -> pd.DataFrame:
    col = result.partable.col
    rows = np.flatnonzero(col["op"] == ":=")
    if len(rows) == 0:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    est = result.estimates()
    est = est[est["op"] == ":="].set_index("lhs")
    std_table = result.standardized_solution("std.all")
    std_table = std_table[std_table["op"] == ":="].set_index("lhs")
    names = list(col["lhs"][rows])
    out = pd.DataFrame({"effect": "defined", "from": "", "to": "",
                        "path": [f"{n} := {col['rhs'][r]}" for n, r in zip(names, rows)],
                        "est": est.loc[names, "est"].to_numpy(),
                        "std_all": std_table.loc[names, "est_std"].to_numpy()})
    z_crit = z_critical(level)
    if ci == "delta":
        out["se"] = est.loc[names, "se"].to_numpy()
        out["std_all_se"] = std_table.loc[names, "se"].to_numpy()
        out["ci_lower"] = out["est"] - z_crit * out["se"]
        out["ci_upper"] = out["est"] + z_crit * out["se"]
        out["std_all_ci_lower"] = out["std_all"] - z_crit * out["std_all_se"]
        out["std_all_ci_upper"] = out["std_all"] + z_crit * out["std_all_se"]
    elif ci == "montecarlo":
        draws = _montecarlo_draws(result, n or 20000, seed)
        values = np.array([result.row_values(x)[rows] for x in draws])
        alpha = [(1 - level) / 2, (1 + level) / 2]
        out["se"] = values.std(axis=0, ddof=1)
        out["ci_lower"], out["ci_upper"] = np.quantile(values, alpha, axis=0)
        out["std_all_se"] = out["std_all_ci_lower"] = out["std_all_ci_upper"] = np.nan
    else:
        boot = result.bootstrap(n or 1000, seed=seed, n_jobs=n_jobs)
        values, std_values = boot.block("est")[:, rows], boot.block("std_all")[:, rows]
        out["se"] = values.std(axis=0, ddof=1)
        out["std_all_se"] = std_values.std(axis=0, ddof=1)
        accel = accel_std = np.zeros(len(rows))
        if boot_ci == "bca":
            jack = result.jackknife(n_jobs=n_jobs)
            accel = jackknife_acceleration(jack.block("est")[:, rows])
            accel_std = jackknife_acceleration(jack.block("std_all")[:, rows])
        bounds = [bootstrap_interval(values[:, k], out["est"].iat[k], level, boot_ci, accel[k])
                  for k in range(len(rows))]
        std_bounds = [bootstrap_interval(std_values[:, k], out["std_all"].iat[k], level, boot_ci,
                                         accel_std[k]) for k in range(len(rows))]
        out["ci_lower"], out["ci_upper"] = np.array(bounds).T
        out["std_all_ci_lower"], out["std_all_ci_upper"] = np.array(std_bounds).T
    with np.errstate(divide="ignore", invalid="ignore"):
        out["z"] = out["est"] / out["se"]
    out["pvalue"] = 2 * stats.norm.sf(np.abs(out["z"]))
    return out[EFFECT_COLUMNS]
