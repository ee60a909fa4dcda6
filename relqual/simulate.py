"""Data from population models: ``rq.simulate`` and the helpers behind it.

A *population model* is lavaan syntax with every parameter fixed to its population value, e.g.
the ``population`` block of a library model (``models/*.toml``). Its parameter table is built
with :func:`relqual.partable.build_partable` (``fixed_x=False``, so observed covariates need
their variances too), and its implied moments come from the RAM matrices of
:class:`relqual.engine.matrices.RamModel` at an empty free-parameter vector:

    Sigma = F (I - A)^-1 S (I - A)^-T F',   mu = F (I - A)^-1 m   (McArdle & McDonald 1984).

Responses are drawn as ``y = mu + L z`` with ``z`` standard normal and ``L`` the Cholesky factor
of ``Sigma`` (numpy ``Generator``), so the same seed gives the same numbers on every machine with
the same numpy.

Likert answers (``likert=5`` or ``7``) cut each variable, divided by its population standard
deviation, at fixed normal quantiles chosen so that answers lean mildly to the agreeing end of
the scale, as satisfaction and loyalty surveys do (negative skew; Peterson & Wilson 1992,
"Measuring customer satisfaction: fact and artifact", J. Acad. Mark. Sci. 20(1), 61-71). With
zero means (every library model) the category shares and thresholds are:

=======  ==========================================  =============================================
points   category shares 1..k                        thresholds (z)
=======  ==========================================  =============================================
5        .04 .10 .24 .38 .24                         -1.751 -1.080 -0.305 0.706
7        .03 .05 .10 .20 .27 .22 .13                 -1.881 -1.405 -0.915 -0.305 0.385 1.126
=======  ==========================================  =============================================

A population mean (``y ~ 1`` with a fixed value) shifts a variable's answers up or down.
Missing cells (``missing_rate``) are missing completely at random (MCAR): each cell independently,
drawn from a random stream separate from the responses, so the complete values do not depend on
``missing_rate``.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from . import models as model_library
from .engine.inference import standardize
from .engine.matrices import RamModel
from .lms import downstream, linear_statements
from .options import check_seed
from .partable import ParTable, build_partable

LIKERT_SHARES = {
    5: (0.04, 0.10, 0.24, 0.38, 0.24),
    7: (0.03, 0.05, 0.10, 0.20, 0.27, 0.22, 0.13),
}
MISSING_MECHANISMS = ("mcar",)


def likert_thresholds(points: int) -> np.ndarray:
    """The z cut points for ``points`` categories (normal quantiles of the cumulative shares).

    Parameters
    ----------
    points : {5, 7}
        The number of answer categories.

    Returns
    -------
    ndarray
        ``points - 1`` increasing cut points (see the table in the module docstring).

    Examples
    --------
    >>> from relqual.simulate import likert_thresholds
    >>> likert_thresholds(5).round(3).tolist()
    [-1.751, -1.08, -0.305, 0.706]
    """
    if points not in LIKERT_SHARES:
        raise ValueError(f"likert must be None, 5 or 7 (got {points!r})")
    return stats.norm.ppf(np.cumsum(LIKERT_SHARES[points])[:-1])


# --------------------------------------------------------------------------- population model
def population_syntax(model) -> str:
    """The population block of ``model``: a ModelSpec, a library name, a model file or syntax.

    A spec without a ``population`` block is used as is, so fully fixed syntax works too.

    Parameters
    ----------
    model : ModelSpec, str, Path or Result
        A library model name, a model file, a ModelSpec, lavaan syntax (returned as is), or a
        fitted single-group model (its estimates, :func:`fitted_population`).

    Returns
    -------
    str
        lavaan syntax.

    Examples
    --------
    >>> from relqual.simulate import population_syntax
    >>> print(population_syntax("relationship_quality"))
    # measurement model (standardized loadings)
    CF  =~ 0.78*cf1 + 0.74*cf2 + 0.70*cf3 + 0.66*cf4
    ...
    """
    if hasattr(model, "problem") and hasattr(model, "partable"):      # a fitted Result
        if model.partable.ngroups > 1:
            raise ValueError("a multigroup fit has one set of population values per group: use "
                             "relqual.simulate.fitted_population(res, group=...)")
        return fitted_population(model)
    if isinstance(model, model_library.ModelSpec):
        spec = model
    elif isinstance(model, str) and any(op in model for op in ("~", ":=")):
        return model
    elif isinstance(model, (str, Path)):
        spec = model_library.resolve_model(model)
    else:
        raise TypeError("model must be population syntax, a ModelSpec, a library model name or a "
                        f"path to a model file (got {type(model).__name__})")
    return spec.population if spec.population else spec.syntax


def fitted_population(result, group: int = 1, digits: int = 10) -> str:
    """Population syntax from a fitted model: every parameter of one group fixed at its
    estimate (fixed.x covariates at their sample moments), for :func:`simulate` and
    :func:`relqual.power` from a fit, e.g. one to a published table. ``:=`` definitions and
    labels are left out.

    Parameters
    ----------
    result : relqual.Result
        A fitted ML-family model.
    group : int
        The group (1-based) of a multigroup fit.
    digits : int
        Decimals written.

    Returns
    -------
    str
        lavaan syntax, one line per parameter.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.simulate import fitted_population
    >>> res = rq.fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> print(fitted_population(res, digits=3))
    f =~ 1*x1
    f =~ 0.778*x2
    f =~ 1.107*x3
    x1 ~~ 0.835*x1
    x2 ~~ 1.065*x2
    x3 ~~ 0.633*x3
    f ~~ 0.524*f
    <BLANKLINE>
    >>> rq.simulate(res, n=5, seed=1).shape
    (5, 3)
    """
    col = result.partable.col
    values = result.row_values(result.x)
    if not 1 <= group <= result.partable.ngroups:
        raise ValueError(f"group must be between 1 and {result.partable.ngroups} (got {group})")

    def num(v):
        text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text

    lines = []
    for k in np.flatnonzero((col["group"] == group) & np.isin(col["op"], ["=~", "~", "~~", "~1"])):
        lhs, op, rhs = col["lhs"][k], col["op"][k], col["rhs"][k]
        if not np.isfinite(values[k]):
            raise ValueError(f"'{lhs} {op} {rhs}' has no finite estimate; refit the model")
        lines.append(f"{lhs} ~ {num(values[k])}*1" if op == "~1"
                     else f"{lhs} {op} {num(values[k])}*{rhs}")
    return "\n".join(lines) + "\n"


def population_model(model) -> tuple[ParTable, RamModel]:
    """Parameter table and RAM model of a fully fixed population model.

    Raises ``ValueError`` naming every parameter the syntax leaves free (lavaan's defaults add
    free (residual) variances, exogenous covariances and residual covariances of pure outcomes,
    so a population block must give all of them; :func:`complete_population` fills them in).

    Parameters
    ----------
    model : ModelSpec, str or Path
        See :func:`population_syntax`.

    Returns
    -------
    partable : ParTable
        Built with ``fixed_x=False``; no free parameters.
    ram : RamModel
        Its RAM matrices (group 1).

    Examples
    --------
    >>> from relqual.simulate import population_model
    >>> pop = "f =~ 1*x1 + 0.8*x2 + 0.6*x3; f ~~ 1*f; x1 ~~ 0.5*x1; x2 ~~ 0.5*x2; x3 ~~ 0.5*x3"
    >>> partable, ram = population_model(pop)
    >>> partable.npar, ram.ov_names
    (0, ['x1', 'x2', 'x3'])
    >>> population_model("f =~ x1 + x2 + x3")
    Traceback (most recent call last):
    ...
    ValueError: the population model leaves 6 parameter(s) free: f =~ x2, f =~ x3, ...
    """
    source = model if isinstance(model, list) else population_syntax(model)   # statements
    partable = build_partable(source, fixed_x=False)
    if partable.npar:
        col = partable.col
        free = np.flatnonzero(col["free"] > 0)
        names = [f"{col['lhs'][k]} {col['op'][k]} {col['rhs'][k]}".strip() for k in free]
        raise ValueError(
            f"the population model leaves {len(names)} parameter(s) free: {', '.join(names)}. "
            "Fix every parameter to its population value (e.g. 'y ~~ 0.64*y'); "
            "relqual.simulate.complete_population() fills in the variances of a standardized model")
    if partable.ngroups != 1:  # pragma: no cover - build_partable makes one group here
        raise ValueError("multigroup population models are not supported yet")
    return partable, RamModel(partable, 1, None)


def _moments(ram: RamModel, meanstructure: bool):
    imp = ram.implied(np.zeros(0))
    mu = imp.mu if meanstructure else np.zeros(ram.p)
    return imp, mu


def population_moments(model) -> tuple[pd.DataFrame, pd.Series]:
    """The population covariance matrix and mean vector of the observed variables.

    ``Sigma = F (I - A)^-1 S (I - A)^-T F'`` and ``mu = F (I - A)^-1 m`` (McArdle & McDonald
    1984); the means are zero without a mean structure.

    Parameters
    ----------
    model : ModelSpec, str or Path
        See :func:`population_syntax`.

    Returns
    -------
    cov : DataFrame
        The implied covariance matrix, labelled by the observed variables.
    mean : Series
        The implied means.

    Examples
    --------
    >>> from relqual.simulate import population_moments
    >>> pop = "f =~ 1*x1 + 0.8*x2 + 0.6*x3; f ~~ 1*f; x1 ~~ 0.5*x1; x2 ~~ 0.5*x2; x3 ~~ 0.5*x3"
    >>> cov, mean = population_moments(pop)
    >>> cov.round(2)
         x1    x2    x3
    x1  1.5  0.80  0.60
    x2  0.8  1.14  0.48
    x3  0.6  0.48  0.86
    >>> mean.tolist()
    [0.0, 0.0, 0.0]
    """
    partable, ram, terms = _population_parts(model)
    if terms:
        mean, cov = interaction_moments(ram, terms)
        sigma, mu = cov[: ram.p, : ram.p], mean[: ram.p]
    else:
        imp, mu = _moments(ram, partable.meanstructure)
        sigma = imp.sigma
    names = ram.ov_names
    return (pd.DataFrame(sigma, index=names, columns=names),
            pd.Series(mu, index=names, name="mean"))


def _population_parts(model):
    """The linear part's parameter table and RAM model, and the interaction regressions."""
    source = model if isinstance(model, list) else population_syntax(model)
    linear, terms = linear_statements(source) if isinstance(source, str) else (source, [])
    partable, ram = population_model(linear)
    return partable, ram, terms


def population_values(model) -> pd.DataFrame:
    """Every population parameter: ``lhs op rhs est std_all`` (``std_all`` as lavaan's std.all).

    The standardized values come from the population model itself, so a recovery study compares
    ``res.paths()["std_all"]`` with this table whatever metric the population is written in.

    Parameters
    ----------
    model : ModelSpec, str or Path
        See :func:`population_syntax`.

    Returns
    -------
    DataFrame
        Columns ``lhs op rhs est std_all``, one row per loading, regression, (co)variance and
        intercept.

    Examples
    --------
    >>> from relqual.simulate import population_values
    >>> pop = "f =~ 1*x1 + 0.8*x2 + 0.6*x3; f ~~ 1*f; x1 ~~ 0.5*x1; x2 ~~ 0.5*x2; x3 ~~ 0.5*x3"
    >>> population_values(pop).round(3)
      lhs  op rhs  est  std_all
    0   f  =~  x1  1.0    0.816
    1   f  =~  x2  0.8    0.749
    2   f  =~  x3  0.6    0.647
    3   f  ~~   f  1.0    1.000
    4  x1  ~~  x1  0.5    0.333
    5  x2  ~~  x2  0.5    0.439
    6  x3  ~~  x3  0.5    0.581
    """

    partable, ram, terms = _population_parts(model)
    col = partable.col
    x = np.zeros(0)
    values = np.full(len(col["op"]), np.nan)
    values[ram.rows] = ram.row_values(*ram.matrices(x))
    if terms:          # total variances include the interactions' share
        mean, cov = interaction_moments(ram, terms)
        std = standardize(col, [_TotalMoments(ram, mean, cov)], x, values, "std.all")
    else:
        std = standardize(col, [ram], x, values, "std.all")
    keep = np.isin(col["op"], ["=~", "~", "~~", "~1"])
    out = pd.DataFrame({"lhs": col["lhs"][keep], "op": col["op"][keep], "rhs": col["rhs"][keep],
                        "est": values[keep], "std_all": std[keep]})
    if terms:          # y ~ x:z, standardized by SD(x) SD(z) / SD(y) (as LMS and modsem)
        sd = dict(zip(ram.names, np.sqrt(np.diag(cov))))
        rows = [dict(lhs=t.lhs, op="~", rhs=t.rhs, est=t.modifiers[0].fixed,
                     std_all=t.modifiers[0].fixed * np.prod([sd[f] for f in t.rhs.split(":")])
                     / sd[t.lhs]) for t in terms]
        out = pd.concat([out, pd.DataFrame(rows)], ignore_index=True)
    return out


class _TotalMoments:
    """A population RAM model whose implied moments are the total ones of a model with
    interaction terms (:func:`interaction_moments`), for :func:`standardize`."""

    def __init__(self, ram: RamModel, mean: np.ndarray, cov: np.ndarray):
        self._ram, self._mean, self._cov = ram, mean, cov

    def __getattr__(self, name):
        return getattr(self._ram, name)

    def implied(self, x):
        p = self._ram.p
        return replace(self._ram.implied(x), sigma=self._cov[:p, :p], mu=self._mean[:p],
                       C=self._cov, Bm=self._mean)


# --------------------------------------------------------------------------- simulate
def simulate(model, n: int, seed=None, likert: int | None = None, missing_rate: float = 0.0,
             missing: str = "mcar") -> pd.DataFrame:
    """Survey data drawn from a population model.

    Parameters
    ----------
    model : str, ModelSpec or Path
        A library name (its ``population`` block is used), a ModelSpec, a model file, or lavaan
        syntax with every parameter fixed.
    n : int
        The number of respondents.
    seed : int, SeedSequence or Generator, optional
        Makes the draw reproducible.
    likert : {None, 5, 7}
        5 or 7 cuts every observed variable into categories 1..k with mild negative skew
        (thresholds in the module docstring); ``None`` keeps continuous values.
    missing_rate : float
        The expected share of missing cells, in [0, 1).
    missing : {"mcar"}
        The mechanism (only ``"mcar"``: every cell independently).

    A population model may have interaction terms with fixed coefficients (``y ~ 0.3*x:z``);
    its rows are then drawn structurally (:func:`_draw_with_interactions`), and Likert cuts
    use the drawn variables' standard deviations.

    Returns
    -------
    DataFrame
        One column per observed variable (in the model's order). Likert columns are integers,
        or floats with NaN when cells are missing (as ``pandas.read_csv`` reads them).

    Examples
    --------
    >>> import relqual as rq
    >>> pop = "f =~ 1*x1 + 0.8*x2 + 0.6*x3; f ~~ 1*f; x1 ~~ 0.5*x1; x2 ~~ 0.5*x2; x3 ~~ 0.5*x3"
    >>> data = rq.simulate(pop, 2000, seed=1)
    >>> data.shape, data.columns.tolist()
    ((2000, 3), ['x1', 'x2', 'x3'])
    >>> likert = rq.simulate(pop, 2000, seed=1, likert=5, missing_rate=0.1)
    >>> sorted(likert["x1"].dropna().unique().tolist())
    [1.0, 2.0, 3.0, 4.0, 5.0]
    >>> round(float(likert.isna().to_numpy().mean()), 1)
    0.1
    >>> rq.simulate("relationship_quality", 10, seed=1).shape
    (10, 20)
    >>> pop = ("X =~ 1*x1 + 0.8*x2; Z =~ 1*z1 + 0.8*z2; X ~~ 1*X; Z ~~ 1*Z; X ~~ 0.3*Z; "
    ...        "y ~ 0.4*X + 0.3*Z + 0.5*X:Z; y ~~ 1*y; x1 ~~ 0.3*x1; x2 ~~ 0.3*x2; "
    ...        "z1 ~~ 0.3*z1; z2 ~~ 0.3*z2")
    >>> rq.simulate(pop, 5, seed=1).columns.tolist()
    ['x1', 'x2', 'z1', 'z2', 'y']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive whole number of respondents (got {n!r})")
    check_seed(seed)
    if likert is not None:
        thresholds = likert_thresholds(likert)
    if missing not in MISSING_MECHANISMS:
        raise ValueError(f"missing must be one of {', '.join(MISSING_MECHANISMS)} "
                         f"(got {missing!r})")
    if not (isinstance(missing_rate, (int, float, np.floating)) and 0 <= missing_rate < 1):
        raise ValueError(f"missing_rate must be a share in [0, 1) (got {missing_rate!r})")

    syntax = population_syntax(model)
    linear, terms = linear_statements(syntax)
    rng_values, rng_missing = _generators(seed)
    if terms:                                   # a latent interaction: draw structurally
        partable, ram = population_model(linear)
        values = _draw_with_interactions(ram, terms, int(n), rng_values)
        imp_sigma = np.cov(values, rowvar=False, ddof=0) if likert is not None else None
    else:
        partable, ram = population_model(syntax)
        imp, mu = _moments(ram, partable.meanstructure)
        factor = _cov_factor(imp.sigma, ram.ov_names)
        values = mu + rng_values.standard_normal((int(n), ram.p)) @ factor.T
        imp_sigma = imp.sigma
    if likert is not None:
        sd = np.sqrt(np.diag(imp_sigma))
        values = 1 + np.stack([np.searchsorted(thresholds, values[:, j] / sd[j])
                               for j in range(ram.p)], axis=1)
    data = pd.DataFrame(values, columns=ram.ov_names)
    if missing_rate > 0:
        mask = rng_missing.random(data.shape) < missing_rate
        data = data.astype(float).mask(mask)
    return data


def _draw_with_interactions(ram: RamModel, terms, n: int, rng) -> np.ndarray:
    """Rows of a population model with interaction terms ``y ~ w*x:z`` (fixed ``w``).

    All variables follow ``v = (I - A)^-1 (m + u + W)``, ``u ~ N(0, S)``, where ``W`` holds
    ``w * x * z`` in the row of ``y``; the factors of a product must not depend on an
    interaction's outcome, so they are first drawn from the linear part ``(I - A)^-1 (m + u)``
    (Klein & Moosbrugger 2000's model). Responses use the same random stream as the linear
    case (standard normal draws times a factor of ``S``).
    """
    A, S, m = ram.matrices(np.zeros(0))
    checked = _checked_terms(ram, terms)
    inverse = np.linalg.inv(np.eye(ram.n) - A)
    u = rng.standard_normal((n, ram.n)) @ _cov_factor(S, ram.names).T
    linear = (m + u) @ inverse.T
    extra = np.zeros_like(u)
    for y, factors, w in checked:
        extra[:, y] += w * np.prod([linear[:, f] for f in factors], axis=0)
    return ((m + u + extra) @ inverse.T)[:, : ram.p]


def _checked_terms(ram: RamModel, terms) -> list[tuple[int, list[int], float]]:
    """The interaction terms as ``(outcome, factors, coefficient)`` positions in ``ram.names``,
    refused (naming the term) when a coefficient is free, a factor is not a variable of the
    model or depends on an interaction's outcome."""
    A = ram.matrices(np.zeros(0))[0]
    index = {name: k for k, name in enumerate(ram.names)}
    parents: dict[str, set] = {}
    for k in np.flatnonzero(A.any(axis=1)):
        parents[ram.names[k]] = {ram.names[j] for j in np.flatnonzero(A[k])}
    outcomes = {s.lhs for s in terms}
    out = []
    for s in terms:
        fixed = s.modifiers[0].fixed
        if fixed is None:
            raise ValueError(f"the population model leaves the interaction '{s.lhs} ~ {s.rhs}' "
                             f"free; fix it to its population value (e.g. '{s.lhs} ~ "
                             f"0.3*{s.rhs}')")
        for f in s.rhs.split(":"):
            if f not in index:
                raise ValueError(f"interaction term '{s.rhs}': '{f}' is not a variable of the "
                                 "population model")
            if downstream(f, outcomes, parents):
                raise ValueError(f"interaction term '{s.rhs}': '{f}' depends on an "
                                 "interaction's outcome; the population model needs the "
                                 "factors of a product to be predicted linearly only")
        out.append((index[s.lhs], [index[f] for f in s.rhs.split(":")], float(fixed)))
    return out


def interaction_moments(ram: RamModel, terms) -> tuple[np.ndarray, np.ndarray]:
    """Exact means and covariances of all variables of a population model with two-way
    interaction terms (the model :func:`_draw_with_interactions` draws from).

    With ``L = (I - A)^-1 (m + u)`` normal (mean ``mu``, covariance ``C``) and the products
    ``p_t = L_a L_b``, the variables are ``v = L + U p`` (``U``'s column ``t``: ``w_t`` times
    column ``y_t`` of ``(I - A)^-1``). For normal variables (Isserlis' theorem)
    ``E p_t = mu_a mu_b + C_ab``, ``Cov(L, p_t) = mu_a C_.b + mu_b C_.a`` and
    ``Cov(p_t, p_s) = C_ac C_bd + C_ad C_bc + mu_a mu_c C_bd + mu_a mu_d C_bc + mu_b mu_c C_ad
    + mu_b mu_d C_ac`` (terms ``a:b`` and ``c:d``), so
    ``E v = mu + U E p`` and ``Cov v = C + U Cov(L, p)' + Cov(L, p) U' + U Cov(p) U'``.

    Parameters
    ----------
    ram : RamModel
        The linear part of the population model (no free parameters).
    terms : list of Statement
        The interaction regressions (``y ~ w*x:z``, fixed ``w``).

    Returns
    -------
    mean : ndarray
        All variables (n).
    cov : ndarray
        n x n.

    Examples
    --------
    >>> from relqual.lms import linear_statements
    >>> linear, terms = linear_statements("y ~ 0.5*x + 0.4*x:z; x ~~ 1*x; z ~~ 1*z; "
    ...                                   "x ~~ 0.3*z; y ~~ 1*y")
    >>> _, ram = population_model(linear)
    >>> mean, cov = interaction_moments(ram, terms)
    >>> names = ram.names
    >>> round(float(cov[names.index("y"), names.index("y")]), 4)    # .25 + .16 (1 + .09) + 1
    1.4244
    >>> round(float(mean[names.index("y")]), 4)                      # .4 Cov(x, z)
    0.12
    """
    A, S, m = ram.matrices(np.zeros(0))
    checked = _checked_terms(ram, terms)
    for (_, factors, _), s in zip(checked, terms):
        if len(factors) != 2:
            raise NotImplementedError(f"interaction term '{s.rhs}': the population moments "
                                      "are given for two-way terms only")
    inverse = np.linalg.inv(np.eye(ram.n) - A)
    mu, C = inverse @ m, inverse @ S @ inverse.T
    U = np.stack([w * inverse[:, y] for y, _, w in checked], axis=1)
    pairs = [tuple(factors) for _, factors, _ in checked]
    e_p = np.array([mu[a] * mu[b] + C[a, b] for a, b in pairs])
    c_lp = np.stack([mu[a] * C[:, b] + mu[b] * C[:, a] for a, b in pairs], axis=1)
    c_pp = np.array([[C[a, c] * C[b, d] + C[a, d] * C[b, c] + mu[a] * mu[c] * C[b, d]
                      + mu[a] * mu[d] * C[b, c] + mu[b] * mu[c] * C[a, d]
                      + mu[b] * mu[d] * C[a, c] for c, d in pairs] for a, b in pairs])
    cov = C + U @ c_lp.T + c_lp @ U.T + U @ c_pp @ U.T
    return mu + U @ e_p, cov


def _generators(seed) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent streams for the responses and the missing cells."""
    if isinstance(seed, np.random.Generator):
        return seed, seed
    if seed is not None and not isinstance(seed, (int, np.integer, np.random.SeedSequence)):
        raise TypeError(f"seed must be an int, a SeedSequence or a Generator (got {seed!r})")
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    a, b = sequence.spawn(2)
    return np.random.default_rng(a), np.random.default_rng(b)


def response_generator(entropy: int, spawn_key: tuple = ()) -> np.random.Generator:
    """The first of :func:`_generators`' two streams (the responses) of
    ``SeedSequence(entropy, spawn_key=spawn_key)``, built directly.

    ``SeedSequence.spawn`` gives its first child the parent's entropy with ``0`` appended to
    the spawn key; that child is built here without building the parent and without the second
    stream (the missing cells) that complete data never use (11 instead of 17 us, which counts
    in a power study's thousands of replicates).

    Parameters
    ----------
    entropy : int
        The seed (as ``SeedSequence(entropy, ...)`` given to :func:`simulate`).
    spawn_key : tuple of int
        The sequence's spawn key.

    Returns
    -------
    numpy.random.Generator
        The generator :func:`simulate` draws the responses from.

    Examples
    --------
    >>> import numpy as np
    >>> first = response_generator(1, (200, 3)).standard_normal(3)
    >>> seed = np.random.SeedSequence(1, spawn_key=(200, 3))
    >>> bool(np.array_equal(first, _generators(seed)[0].standard_normal(3)))
    True
    """
    child = np.random.SeedSequence(entropy, spawn_key=(*spawn_key, 0))
    return np.random.Generator(np.random.PCG64(child))


def _cov_factor(sigma: np.ndarray, names: list[str]) -> np.ndarray:
    """``L`` with ``L L' = Sigma``: Cholesky, or an eigen factor for a singular but PSD Sigma."""
    try:
        return np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        pass
    eigval, eigvec = np.linalg.eigh(sigma)
    if eigval.min() < -1e-10 * max(1.0, eigval.max()):
        raise ValueError("the population covariance matrix of the observed variables is not "
                         "positive semi-definite (check the population values: a variance may be "
                         "negative or a correlation above 1); observed variables: "
                         f"{', '.join(names)}")
    return eigvec * np.sqrt(np.clip(eigval, 0, None))


# --------------------------------------------------------------------------- authoring helper
def complete_population(syntax: str, digits: int = 6) -> str:
    """Fill in a standardized population model: every variable gets total variance 1.

    Write the standardized loadings, paths and the correlations of exogenous variables (and any
    residual correlations) as fixed values; this returns the full population block with the
    (residual) variance of every variable whose variance is not given solved so that its
    model-implied variance is 1, and every other parameter lavaan would leave free set to 0
    (written out, so the block shows it). The variances solve the linear system
    ``diag(B S B') = 1`` in the unknown diagonal of ``S`` (``B = (I - A)^-1``), which has a
    unique solution for recursive models.

    Parameters
    ----------
    syntax : str
        lavaan syntax with the standardized values fixed.
    digits : int
        Decimals written (trailing zeros dropped, at least two).

    Returns
    -------
    str
        The population block, one line per left-hand side and kind of parameter.

    Raises
    ------
    ValueError
        When the given values explain more than all of a variable's variance.

    Examples
    --------
    >>> from relqual.simulate import complete_population
    >>> print(complete_population("f =~ 0.8*x1 + 0.7*x2 + 0.6*x3", digits=3))
    # measurement model
    f =~ 0.80*x1 + 0.70*x2 + 0.60*x3
    # latent (residual) variances: every latent variable has variance 1
    f ~~ 1.00*f
    # observed (residual) variances: every observed variable has variance 1
    x1 ~~ 0.36*x1
    x2 ~~ 0.51*x2
    x3 ~~ 0.64*x3
    <BLANKLINE>
    """
    partable = build_partable(syntax, fixed_x=False)
    col = partable.col
    free = col["free"] > 0
    is_var = (col["op"] == "~~") & (col["lhs"] == col["rhs"])
    fill = col["ustart"].copy()
    fill[free & ~is_var] = 0.0
    fill[free & is_var] = 1.0                       # placeholder; solved below
    fixed = {k: fill[k] for k in range(len(fill))}
    ram = RamModel(_with_values(partable, fixed), 1, None)
    A, S, _ = ram.matrices(np.zeros(0))
    B = np.linalg.inv(np.eye(ram.n) - A)
    index = {name: i for i, name in enumerate(ram.names)}
    unknown = [index[col["lhs"][k]] for k in np.flatnonzero(free & is_var)]
    if unknown:
        S_known = S.copy()
        S_known[unknown, unknown] = 0.0
        rest = np.diag(B @ S_known @ B.T)[unknown]
        coef = (B[np.ix_(unknown, unknown)]) ** 2
        solved = np.linalg.solve(coef, 1.0 - rest)
        if np.any(solved <= 0):
            bad = [ram.names[i] for i, v in zip(unknown, solved) if v <= 0]
            raise ValueError("the standardized values explain more than all of the variance of "
                             f"{', '.join(bad)}: lower the loadings or paths into them")
        for i, v in zip(unknown, solved):
            k = np.flatnonzero(free & is_var & (col["lhs"] == ram.names[i]))[0]
            fill[k] = v
    return _format_population(col, fill, digits)


def _with_values(partable: ParTable, values: dict) -> ParTable:
    col = {k: v.copy() for k, v in partable.col.items()}
    for k, v in values.items():
        if col["op"][k] in ("=~", "~", "~~", "~1"):
            col["free"][k], col["ustart"][k] = 0, v
    return ParTable(col=col, roles=partable.roles, meanstructure=partable.meanstructure,
                    ngroups=1, options=partable.options)


def _format_population(col: dict, values: np.ndarray, digits: int) -> str:
    """Population syntax, one line per left-hand side and kind of parameter."""
    def num(v):
        whole, _, frac = f"{v:.{digits}f}".rstrip("0").partition(".")
        return f"{whole}.{frac.ljust(2, '0')}"

    op, lhs, rhs = col["op"], col["lhs"], col["rhs"]
    latent = set(lhs[op == "=~"])
    is_var = (op == "~~") & (lhs == rhs)
    sections = [("# measurement model", op == "=~"),
                ("# structural model", op == "~"),
                ("# covariances (exogenous variables; residuals)", (op == "~~") & ~is_var),
                ("# latent (residual) variances: every latent variable has variance 1",
                 is_var & np.isin(lhs, list(latent))),
                ("# observed (residual) variances: every observed variable has variance 1",
                 is_var & ~np.isin(lhs, list(latent))),
                ("# means", op == "~1")]
    lines = []
    for heading, mask in sections:
        rows = np.flatnonzero(mask)
        if not len(rows):
            continue
        lines.append(heading)
        for left in dict.fromkeys(lhs[rows]):
            mine = [k for k in rows if lhs[k] == left]
            if op[mine[0]] == "~1":
                lines.append(f"{left} ~ {num(values[mine[0]])}*1")
            else:
                terms = " + ".join(f"{num(values[k])}*{rhs[k]}" for k in mine)
                lines.append(f"{left} {op[mine[0]]} {terms}")
    lines += [f"{lhs[k]} {op[k]} {rhs[k]}" for k in np.flatnonzero(np.isin(op, [":=", "=="]))]
    return "\n".join(lines) + "\n"
