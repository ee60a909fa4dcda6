"""Conditional process analysis with observed variables, as Hayes' PROCESS (OLS regressions).

:func:`process` fits PROCESS models 1, 2, 3 (moderation), 4 (parallel mediation), 5, 7, 8, 14,
15, 58 and 59 (moderated mediation) by OLS, one regression per mediator and one for the
outcome (covariates enter every equation, PROCESS's default), and returns a
:class:`ProcessResult`:

* ``coefficients()``: ``outcome term coeff se t pvalue ci_lower ci_upper`` (terms ``intercept``,
  ``value``, ``value:comp``; OLS or heteroskedasticity-consistent standard errors, ``hc=``);
* ``conditional_effects()``: the direct effect of X (at moderator values where it is moderated;
  delta-method standard errors, t tests with the residual degrees of freedom), the (conditional)
  indirect effects through each mediator with bootstrap standard errors and percentile (or
  bias-corrected) intervals, and for models 1-3 the conditional effect of X;
* ``index_of_moderated_mediation()`` (Hayes 2015) where the indirect effect is linear in W
  (models 7, 8, 14, 15; not 58 and 59, where it is quadratic);
* ``johnson_neyman()``: the Johnson-Neyman region of the direct (models 1-3: conditional)
  effect of X, in closed form with the t critical value;
* ``model_summary()`` and ``summary()`` (PROCESS's layout).

Moderator values follow PROCESS 3 and later: the 16th, 50th and 84th percentiles (sorted values
interpolated at position p(n + 1), as PROCESS), or the mean and +- 1 SD with
``modvals="meansd"`` (PROCESS 2); a dichotomous moderator is probed at its two values. The
bootstrap resamples rows (``boot`` draws, default 5,000, seeded). Models are numbered as in
PROCESS 3 and later (Hayes 2022, appendix A): W is the first moderator, Z the second.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .data import DataError, _numeric_column

# model -> (terms of each mediator equation, terms of the outcome equation); "m" stands for
# each mediator (parallel mediators), products are written "x:w"
MODELS = {
    1: ((), ("x", "w", "x:w")),
    2: ((), ("x", "w", "z", "x:w", "x:z")),
    3: ((), ("x", "w", "z", "x:w", "x:z", "w:z", "x:w:z")),
    4: (("x",), ("x", "m")),
    5: (("x",), ("x", "m", "w", "x:w")),
    7: (("x", "w", "x:w"), ("x", "m")),
    8: (("x", "w", "x:w"), ("x", "m", "w", "x:w")),
    14: (("x",), ("x", "m", "w", "m:w")),
    15: (("x",), ("x", "m", "w", "m:w", "x:w")),
    58: (("x", "w", "x:w"), ("x", "m", "w", "m:w")),
    59: (("x", "w", "x:w"), ("x", "m", "w", "m:w", "x:w")),
}
HC_TYPES = (None, "HC0", "HC1", "HC2", "HC3")


@dataclass
class _Equation:
    outcome: str
    terms: list            # tuples of variable names (() is the intercept)
    names: list            # "intercept", "value", "value:comp"
    coef: np.ndarray = None
    vcov: np.ndarray = None
    stats: dict = field(default_factory=dict)


def _design(frame: pd.DataFrame, terms) -> np.ndarray:
    return np.column_stack([np.prod([frame[v].to_numpy() for v in t], axis=0) if t
                            else np.ones(len(frame)) for t in terms])


def _ols(X: np.ndarray, y: np.ndarray, hc: str | None) -> tuple:
    n, k = X.shape
    xtx_inv = np.linalg.inv(X.T @ X)
    coef = xtx_inv @ X.T @ y
    resid = y - X @ coef
    df = n - k
    sse = float(resid @ resid)
    if hc is None:
        vcov = sse / df * xtx_inv
    else:
        h = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
        weight = {"HC0": resid ** 2, "HC1": resid ** 2 * n / df,
                  "HC2": resid ** 2 / (1 - h), "HC3": resid ** 2 / (1 - h) ** 2}[hc]
        vcov = xtx_inv @ (X.T * weight) @ X @ xtx_inv
    sst = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - sse / sst
    df1 = k - 1
    if hc is None:
        f = (r2 / df1) / ((1 - r2) / df) if df1 else np.nan
    else:                                    # robust Wald test of every slope, as PROCESS
        b, v = coef[1:], vcov[1:, 1:]
        f = float(b @ np.linalg.solve(v, b)) / df1 if df1 else np.nan
    return coef, vcov, dict(r2=r2, adj_r2=1 - (1 - r2) * (n - 1) / df, mse=sse / df, f=f,
                            df1=df1, df2=df, pvalue=float(stats.f.sf(f, df1, df)), n=n)


def _probe_values(column: np.ndarray, modvals: str) -> list[float]:
    distinct = np.unique(column)
    if len(distinct) == 2:
        return distinct.tolist()
    if modvals == "meansd":
        mean, sd = column.mean(), column.std(ddof=1)
        return [mean - sd, mean, mean + sd]
    return np.percentile(column, [16, 50, 84], method="weibull").tolist()


def process(data, model: int, *, x: str, y: str, m=None, w: str | None = None,
            z: str | None = None, covariates=(), boot: int = 5000, seed=None,
            conf: float = 0.95, modvals: str = "percentiles", hc: str | None = None,
            boot_ci: str = "percentile", center: bool = False) -> ProcessResult:
    """Fit a PROCESS model by OLS (see the module docstring).

    Parameters
    ----------
    data : DataFrame
        The observed variables (rows with a missing value in any of them are dropped).
    model : int
        PROCESS model number: 1, 2, 3, 4, 5, 7, 8, 14, 15, 58 or 59.
    x, y : str
        The predictor and the outcome.
    m : str or list of str, optional
        The mediator(s) (parallel), for models 4 and above.
    w, z : str, optional
        The moderators (W; Z for models 2 and 3).
    covariates : sequence of str
        Covariates, entered in every equation.
    boot : int
        Bootstrap resamples of the rows for the indirect effects (0: none).
    seed : int, optional
        Seed of the resampling (``numpy.random.default_rng``).
    conf : float
        Confidence level.
    modvals : {"percentiles", "meansd"}
        Moderator values: 16th/50th/84th percentiles (PROCESS 3+), or mean and +- 1 SD.
    hc : {None, "HC0", "HC1", "HC2", "HC3"}
        Heteroskedasticity-consistent standard errors of the regression coefficients.
    boot_ci : {"percentile", "bc"}
        Percentile (PROCESS 3+) or bias-corrected (PROCESS 2) bootstrap intervals.
    center : bool
        Mean-centre the variables that form products (PROCESS's ``center`` option).

    Returns
    -------
    ProcessResult

    Raises
    ------
    ValueError, DataError
        An unknown model, a missing or unused role, a column that is not in the data or not
        numeric (named, with its role).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.process(hs, model=7, x="x1", m="x4", w="x2", y="x7", boot=200, seed=1)
    >>> res.coefficients().round(3).iloc[:4, :4]
      outcome       term  coeff     se
    0      x4  intercept  1.107  1.334
    1      x4         x1  0.340  0.264
    2      x4         x2  0.031  0.219
    3      x4      x1:x2  0.003  0.042
    >>> res.index_of_moderated_mediation()[["mediator", "moderator"]].values.tolist()
    [['x4', 'x2']]
    """
    if not isinstance(model, (int, np.integer)) or isinstance(model, bool) or model not in MODELS:
        raise ValueError(f"PROCESS model {model!r} is not available; choose one of "
                         + ", ".join(str(k) for k in MODELS))
    if modvals not in ("percentiles", "meansd"):
        raise ValueError(f"modvals must be 'percentiles' or 'meansd' (got {modvals!r})")
    if hc not in HC_TYPES:
        raise ValueError(f"hc must be one of None, 'HC0', 'HC1', 'HC2', 'HC3' (got {hc!r})")
    if boot_ci not in ("percentile", "bc"):
        raise ValueError(f"boot_ci must be 'percentile' or 'bc' (got {boot_ci!r})")
    if not isinstance(boot, (int, np.integer)) or isinstance(boot, bool) or boot < 0:
        raise ValueError(f"boot must be a whole number of resamples, 0 or more (got {boot!r})")
    if not 0 < conf < 1:
        raise ValueError(f"conf must be between 0 and 1, e.g. 0.95 (got {conf!r})")
    mediators = [] if m is None else [m] if isinstance(m, str) else list(m)
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    m_terms, y_terms = MODELS[model]
    needs = {"x": x, "y": y, "m": mediators or None, "w": w, "z": z}
    used_roles = {r for t in m_terms + y_terms for r in t.split(":")} | {"x", "y"}
    if m_terms:
        used_roles.add("m")
    for role in ("m", "w", "z"):
        if role in used_roles and not needs[role]:
            raise ValueError(f"PROCESS model {model} needs {role}= (the "
                             f"{'mediator' if role == 'm' else 'moderator'})")
        if role not in used_roles and needs[role]:
            raise ValueError(f"PROCESS model {model} has no {role}: leave {role}= out (or "
                             f"choose another model)")
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")
    roles = {"x": [x], "y": [y], "m": mediators, "w": [w] if w else [], "z": [z] if z else [],
             "covariate": covariates}
    names = [v for vs in roles.values() for v in vs]
    if len(set(names)) != len(names):
        raise ValueError("a variable has two roles: " + ", ".join(
            sorted({v for v in names if names.count(v) > 1})))
    columns = {}
    for role, vs in roles.items():
        for v in vs:
            if not isinstance(v, str) or v not in data.columns:
                raise DataError(f"{role} '{v}' is not a column of the data")
            try:
                columns[v] = _numeric_column(data, v)
            except DataError as exc:
                raise DataError(f"{role} '{v}': {exc}") from None
    frame = pd.DataFrame(columns)
    complete = frame.notna().all(axis=1)
    n_input, frame = len(frame), frame[complete].reset_index(drop=True)
    if len(frame) < len(names) + 3:
        raise DataError(f"only {len(frame)} complete rows for {len(names)} variables")
    notes = ([f"{n_input - len(frame)} of {n_input} rows dropped because of missing values "
              "(listwise deletion)"] if len(frame) < n_input else [])
    products = {r for t in m_terms + y_terms if ":" in t for r in t.split(":")}
    centered = {}
    if center:
        for role in products:
            for v in (mediators if role == "m" else [needs[role]]):
                centered[v] = float(frame[v].mean())
                frame[v] = frame[v] - centered[v]
    for role in ("w", "z"):
        v = needs[role]
        if v and frame[v].nunique() < 2:
            raise DataError(f"moderator '{v}' has no variance")
    equations = []
    for med in mediators:
        equations.append(_equation(med, m_terms, x, None, w, z, covariates))
    equations.append(_equation(y, y_terms, x, mediators, w, z, covariates))
    for eq in equations:
        X = _design(frame, eq.terms)
        eq.coef, eq.vcov, eq.stats = _ols(X, frame[eq.outcome].to_numpy(), hc)
    modvalues = {v: _probe_values(frame[v].to_numpy(), modvals)
                 for v in (w, z) if v}
    res = ProcessResult(model=model, roles=dict(x=x, y=y, m=mediators, w=w, z=z,
                                                covariates=covariates),
                        equations=equations, frame=frame, modvalues=modvalues, conf=conf,
                        boot=int(boot), seed=seed, hc=hc, boot_ci=boot_ci, modvals=modvals,
                        centered=centered, notes=notes)
    if boot and mediators:
        res._bootstrap()
    return res


def _equation(outcome, template, x, mediators, w, z, covariates) -> _Equation:
    symbols = {"x": [x], "w": [w], "z": [z], "m": mediators or []}
    terms: list[tuple] = [()]
    for t in template:
        parts = t.split(":")
        if "m" in parts:
            for med in symbols["m"]:
                terms.append(tuple(med if p == "m" else symbols[p][0] for p in parts))
        else:
            terms.append(tuple(symbols[p][0] for p in parts))
    terms += [(c,) for c in covariates]
    names = ["intercept" if not t else ":".join(t) for t in terms]
    return _Equation(outcome=outcome, terms=terms, names=names)


def _derivative(eq: _Equation, focal: str, values: dict) -> np.ndarray:
    """Gradient (over the equation's coefficients) of d outcome / d focal at moderator values."""
    g = np.zeros(len(eq.terms))
    for k, t in enumerate(eq.terms):
        if focal in t:
            g[k] = np.prod([values[v] for v in t if v != focal]) if len(t) > 1 else 1.0
    return g


class ProcessResult:
    """The fitted PROCESS model (returned by :func:`process`; see the module docstring).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.process(hs, model=1, x="x1", w="x3", y="x6")
    >>> res.johnson_neyman()["significant"]
    'outside'
    """

    def __init__(self, *, model, roles, equations, frame, modvalues, conf, boot, seed, hc,
                 boot_ci, modvals, centered, notes):
        self.model, self.roles, self.equations = model, roles, equations
        self.frame, self.modvalues, self.conf = frame, modvalues, conf
        self.boot, self.seed, self.hc, self.boot_ci = boot, seed, hc, boot_ci
        self.modvals, self.centered, self.notes = modvals, centered, notes
        self.draws = None                  # bootstrap coefficient draws per equation

    @property
    def n_obs(self) -> int:
        """The number of rows used."""
        return len(self.frame)

    # ----------------------------------------------------------------- tables
    def coefficients(self) -> pd.DataFrame:
        """The regression coefficients: ``outcome term coeff se t pvalue ci_lower ci_upper``.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.process(rq.datasets.load("holzinger_swineford"), model=1, x="x1", w="x2",
        ...                  y="x7")
        >>> res.coefficients()["term"].tolist()
        ['intercept', 'x1', 'x2', 'x1:x2']
        """
        rows = []
        for eq in self.equations:
            se = np.sqrt(np.diag(eq.vcov))
            t = eq.coef / se
            df = eq.stats["df2"]
            crit = stats.t.ppf(0.5 + self.conf / 2, df)
            for k, name in enumerate(eq.names):
                rows.append(dict(outcome=eq.outcome, term=name, coeff=eq.coef[k], se=se[k],
                                 t=t[k], pvalue=2 * stats.t.sf(abs(t[k]), df),
                                 ci_lower=eq.coef[k] - crit * se[k],
                                 ci_upper=eq.coef[k] + crit * se[k]))
        return pd.DataFrame(rows)

    def model_summary(self) -> pd.DataFrame:
        """Per outcome: ``outcome n r2 adj_r2 mse F df1 df2 pvalue``.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.process(rq.datasets.load("holzinger_swineford"), model=1, x="x1", w="x2",
        ...                  y="x7")
        >>> round(float(res.model_summary()["r2"].iloc[0]), 4)
        0.0181
        """
        return pd.DataFrame([dict(outcome=eq.outcome, n=eq.stats["n"], r2=eq.stats["r2"],
                                  adj_r2=eq.stats["adj_r2"], mse=eq.stats["mse"],
                                  F=eq.stats["f"], df1=eq.stats["df1"], df2=eq.stats["df2"],
                                  pvalue=eq.stats["pvalue"]) for eq in self.equations])

    def _outcome_eq(self) -> _Equation:
        return self.equations[-1]

    def _grid(self, moderators) -> list[dict]:
        """Every combination of the moderators' probe values."""
        if not moderators:
            return [{}]
        combos = [{}]
        for v in moderators:
            combos = [dict(c, **{v: value}) for c in combos for value in self.modvalues[v]]
        return combos

    def _moderators_of(self, eq: _Equation, focal: str) -> list[str]:
        mods = [v for v in (self.roles["w"], self.roles["z"]) if v]
        return [v for v in mods if any(focal in t and v in t for t in eq.terms)]

    def conditional_effects(self) -> pd.DataFrame:
        """The direct and (conditional) indirect effects of X at the moderator values.

        Returns
        -------
        DataFrame
            ``effect mediator <moderators...> est se t pvalue ci_lower ci_upper``: ``effect``
            is "direct" (or "conditional" for models 1-3; delta-method SE, t with the outcome
            equation's residual df) or "indirect" (bootstrap SE and interval; t and p empty).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.process(rq.datasets.load("holzinger_swineford"), model=4, x="x1", m="x4",
        ...                  y="x7", boot=100, seed=1)
        >>> res.conditional_effects()[["effect", "mediator"]].values.tolist()
        [['direct', ''], ['indirect', 'x4']]
        """
        x = self.roles["x"]
        eq = self._outcome_eq()
        mods_all = [v for v in (self.roles["w"], self.roles["z"]) if v]
        rows = []
        direct_mods = self._moderators_of(eq, x)
        kind = "direct" if self.roles["m"] else "conditional"
        df = eq.stats["df2"]
        crit = stats.t.ppf(0.5 + self.conf / 2, df)
        for values in self._grid(direct_mods):
            g = _derivative(eq, x, values)
            est = float(g @ eq.coef)
            se = float(np.sqrt(g @ eq.vcov @ g))
            t = est / se
            rows.append(dict(effect=kind, mediator="", **{v: values.get(v, np.nan)
                                                          for v in mods_all},
                             est=est, se=se, t=t, pvalue=2 * stats.t.sf(abs(t), df),
                             ci_lower=est - crit * se, ci_upper=est + crit * se))
        for j, med in enumerate(self.roles["m"]):
            meq = self.equations[j]
            mods = list(dict.fromkeys(self._moderators_of(meq, x) + self._moderators_of(eq, med)))
            for values in self._grid(mods):
                est = self._indirect(j, values)
                draws = (self._indirect(j, values, boot=True) if self.draws is not None
                         else np.full(1, np.nan))
                lo, hi = self._interval(draws, est)
                rows.append(dict(effect="indirect", mediator=med,
                                 **{v: values.get(v, np.nan) for v in mods_all}, est=est,
                                 se=float(np.std(draws, ddof=1)) if len(draws) > 1 else np.nan,
                                 t=np.nan, pvalue=np.nan, ci_lower=lo, ci_upper=hi))
        return pd.DataFrame(rows)

    def _indirect(self, j: int, values: dict, boot: bool = False):
        """a(values) * b(values) for mediator j (bootstrap draws with ``boot``)."""
        x, med = self.roles["x"], self.roles["m"][j]
        meq, yeq = self.equations[j], self._outcome_eq()
        ga, gb = _derivative(meq, x, values), _derivative(yeq, med, values)
        if boot:
            return (self.draws[j] @ ga) * (self.draws[-1] @ gb)
        return float(ga @ meq.coef) * float(gb @ yeq.coef)

    def _interval(self, draws: np.ndarray, est: float) -> tuple[float, float]:
        if len(draws) < 2 or not np.all(np.isfinite(draws)):
            return np.nan, np.nan
        alpha = 1 - self.conf
        if self.boot_ci == "bc":
            z0 = stats.norm.ppf(np.mean(draws < est))
            zc = stats.norm.ppf(1 - alpha / 2)
            probs = stats.norm.cdf([2 * z0 - zc, 2 * z0 + zc]) * 100
        else:
            probs = [100 * alpha / 2, 100 * (1 - alpha / 2)]
        lo, hi = np.percentile(draws, probs)
        return float(lo), float(hi)

    def index_of_moderated_mediation(self) -> pd.DataFrame:
        """The index of moderated mediation (Hayes 2015): the slope of the indirect effect on
        W where it is linear in W (models 7, 8, 14, 15), with its bootstrap SE and interval.

        Returns
        -------
        DataFrame
            ``mediator moderator index boot_se ci_lower ci_upper`` (no rows where the index is
            not defined: models 58 and 59, where the indirect effect is quadratic in W, and
            models without a moderated indirect effect).

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.process(rq.datasets.load("holzinger_swineford"), model=14, x="x1", m="x4",
        ...                  w="x2", y="x7", boot=100, seed=1)
        >>> round(float(res.index_of_moderated_mediation()["index"].iloc[0]), 4)
        0.0083
        """
        rows = []
        x, w, eq = self.roles["x"], self.roles["w"], self._outcome_eq()
        for j, med in enumerate(self.roles["m"]):
            in_a = w in self._moderators_of(self.equations[j], x)
            in_b = w in self._moderators_of(eq, med)
            if not w or in_a == in_b:            # not moderated, or quadratic in W
                continue
            base = {w: 0.0}
            one = {w: 1.0}
            index = self._indirect(j, one) - self._indirect(j, base)
            if self.draws is not None:
                draws = self._indirect(j, one, boot=True) - self._indirect(j, base, boot=True)
                lo, hi = self._interval(draws, index)
                se = float(np.std(draws, ddof=1))
            else:
                lo = hi = se = np.nan
            rows.append(dict(mediator=med, moderator=w, index=index, boot_se=se, ci_lower=lo,
                             ci_upper=hi))
        return pd.DataFrame(rows, columns=["mediator", "moderator", "index", "boot_se",
                                           "ci_lower", "ci_upper"])

    def johnson_neyman(self, moderator: str | None = None) -> dict:
        """The Johnson-Neyman region of the direct (models 1-3: conditional) effect of X:
        the moderator values where it is significant (closed form, t critical value with the
        outcome equation's residual df; another moderator is held at 0).

        Returns
        -------
        dict
            ``lower``, ``upper`` (NaN without real roots), ``significant`` ("inside",
            "outside", "everywhere", "nowhere"), ``critical_value``, ``range`` (the
            moderator's observed minimum and maximum), ``in_range`` (the bounds inside it) and
            ``share_significant`` (the share of the rows whose moderator value gives a
            significant effect).

        Raises
        ------
        ValueError
            When the direct effect is not moderated in this model.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.process(rq.datasets.load("holzinger_swineford"), model=1, x="x1", w="x3",
        ...                  y="x6")
        >>> jn = res.johnson_neyman()
        >>> round(jn["lower"], 3), round(jn["upper"], 3), [round(b, 3) for b in jn["in_range"]]
        (-17.202, 0.649, [0.649])
        """
        x, eq = self.roles["x"], self._outcome_eq()
        mods = self._moderators_of(eq, x)
        if not mods:
            raise ValueError(f"the direct effect of '{x}' is not moderated in PROCESS model "
                             f"{self.model}: there is no Johnson-Neyman region")
        w = moderator or mods[0]
        if w not in mods:
            raise ValueError(f"'{w}' does not moderate the direct effect of '{x}'")
        others = {v: 0.0 for v in mods if v != w}
        g0 = _derivative(eq, x, dict(others, **{w: 0.0}))
        g1 = _derivative(eq, x, dict(others, **{w: 1.0})) - g0
        b0, b1 = g0 @ eq.coef, g1 @ eq.coef
        v00, v01, v11 = g0 @ eq.vcov @ g0, g0 @ eq.vcov @ g1, g1 @ eq.vcov @ g1
        c = float(stats.t.ppf(0.5 + self.conf / 2, eq.stats["df2"]))
        a2, a1, a0 = b1 ** 2 - c ** 2 * v11, 2 * (b0 * b1 - c ** 2 * v01), b0 ** 2 - c ** 2 * v00
        disc = a1 ** 2 - 4 * a2 * a0
        lower = upper = math.nan
        if disc >= 0 and a2 != 0:
            lower, upper = sorted([(-a1 - math.sqrt(disc)) / (2 * a2),
                                   (-a1 + math.sqrt(disc)) / (2 * a2)])
            significant = "outside" if a2 > 0 else "inside"
        else:
            significant = "everywhere" if a2 > 0 or (a2 == 0 and a0 > 0) else "nowhere"
        values = self.frame[w].to_numpy()
        t = (b0 + b1 * values) / np.sqrt(np.maximum(v00 + 2 * values * v01 + values ** 2 * v11,
                                                    1e-300))
        lo, hi = float(values.min()), float(values.max())
        return dict(moderator=w, lower=float(lower), upper=float(upper), significant=significant,
                    critical_value=c, range=(lo, hi),
                    in_range=[float(b) for b in (lower, upper) if np.isfinite(b) and lo <= b <= hi],
                    share_significant=float(np.mean(np.abs(t) > c)))

    # ----------------------------------------------------------------- bootstrap
    def _bootstrap(self) -> None:
        rng = np.random.default_rng(self.seed)
        n = self.n_obs
        designs = [_design(self.frame, eq.terms) for eq in self.equations]
        outcomes = [self.frame[eq.outcome].to_numpy() for eq in self.equations]
        draws = [np.empty((self.boot, len(eq.terms))) for eq in self.equations]
        chunk = max(1, 2_000_000 // max(n, 1))
        for start in range(0, self.boot, chunk):
            idx = rng.integers(0, n, size=(min(chunk, self.boot - start), n))
            for k, (X, yv) in enumerate(zip(designs, outcomes)):
                Xb, yb = X[idx], yv[idx]
                xtx = np.einsum("bni,bnj->bij", Xb, Xb)
                xty = np.einsum("bni,bn->bi", Xb, yb)
                draws[k][start:start + len(idx)] = np.linalg.solve(xtx, xty[..., None])[..., 0]
        self.draws = draws

    # ----------------------------------------------------------------- display
    def summary(self) -> str:
        """PROCESS's output as text: the model, each outcome's regression, the direct and
        indirect effects, the index of moderated mediation and the Johnson-Neyman region.

        Examples
        --------
        >>> import relqual as rq
        >>> res = rq.process(rq.datasets.load("holzinger_swineford"), model=4, x="x1", m="x4",
        ...                  y="x7", boot=100, seed=1)
        >>> print(res.summary().splitlines()[0])
        relqual PROCESS model 4: X = x1, Y = x7, M = x4 (n = 301)
        """
        r = self.roles
        head = [f"relqual PROCESS model {self.model}: X = {r['x']}, Y = {r['y']}"
                + (f", M = {', '.join(r['m'])}" if r["m"] else "")
                + (f", W = {r['w']}" if r["w"] else "") + (f", Z = {r['z']}" if r["z"] else "")
                + (f", covariates = {', '.join(r['covariates'])}" if r["covariates"] else "")
                + f" (n = {self.n_obs})"]
        head += self.notes
        ci = "percentile" if self.boot_ci == "percentile" else "bias-corrected"
        head.append(f"Standard errors: {self.hc or 'OLS'}; bootstrap: {self.boot} resamples, "
                    f"{ci} {self.conf:.0%} intervals; moderator values: "
                    + ("16th, 50th, 84th percentiles" if self.modvals == "percentiles"
                       else "mean and +/- 1 SD"))
        fmt = {"coeff": "{:.4f}", "se": "{:.4f}", "t": "{:.4f}", "pvalue": "{:.4f}",
               "ci_lower": "{:.4f}", "ci_upper": "{:.4f}", "est": "{:.4f}"}
        coef, summ = self.coefficients(), self.model_summary()
        for eq, s in zip(self.equations, summ.itertuples()):
            head += ["", f"Outcome: {eq.outcome}",
                     f"  R2 = {s.r2:.4f}, MSE = {s.mse:.4f}, F({s.df1}, {s.df2}) = {s.F:.4f}, "
                     f"p = {s.pvalue:.4f}"]
            table = coef[coef["outcome"] == eq.outcome].drop(columns="outcome")
            head += ["  " + line for line in table.to_string(index=False, formatters={
                k: v.format for k, v in fmt.items() if k in table}).splitlines()]
        effects = self.conditional_effects()
        head += ["", "Direct and indirect effects of X on Y"]
        head += ["  " + line for line in effects.to_string(index=False, na_rep="", formatters={
            k: v.format for k, v in fmt.items() if k in effects}).splitlines()]
        index = self.index_of_moderated_mediation()
        if len(index):
            head += ["", "Index of moderated mediation"]
            head += ["  " + line for line in index.round(4).to_string(index=False).splitlines()]
        try:
            jn = self.johnson_neyman()
        except ValueError:
            jn = None
        if jn is not None:
            bounds = ", ".join(f"{b:.4f}" for b in jn["in_range"]) or "none in the data's range"
            head += ["", f"Johnson-Neyman ({jn['moderator']}): effect of X significant "
                         f"{jn['significant']} [{jn['lower']:.4f}, {jn['upper']:.4f}]; bounds "
                         f"in range: {bounds}; {jn['share_significant']:.1%} of rows "
                         "significant"]
        return "\n".join(head)

    def __repr__(self) -> str:
        return (f"<relqual ProcessResult: model {self.model}, n={self.n_obs}, "
                f"boot={self.boot}>")
