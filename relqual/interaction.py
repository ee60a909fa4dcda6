"""Interaction terms ``y ~ x + z + x:z``: product indicators, and probing a fitted interaction.

A latent interaction estimated by product indicators is an ML problem on an augmented data set
and parameter table, so this module transforms the model and the data *before* the ML family
builds its problem (:mod:`relqual.estimation`), as semTools' ``indProd`` and modsem's
``modsem_pi`` do:

* ``x:z`` with ``x`` and/or ``z`` latent becomes a latent variable named ``x:z`` measured by
  products of their indicators (named ``x1:z1``; an observed factor is its own one indicator);
  products sharing an indicator of a latent variable get correlated residuals (modsem's
  default). The methods:

  - ``"dblcent"`` (the default for product indicators; Lin et al. 2010): indicators
    mean-centred, products mean-centred again;
  - ``"rca"`` residual centring (Little, Bovaird & Widaman 2006): each product is replaced by
    its residual on every first-order indicator (semTools' ``orthogonalize``); the product
    factor is uncorrelated with its first-order factors, and the fit has a mean structure (as
    semTools' ``probe2WayRC`` needs);
  - ``"uca"`` the unconstrained approach (Marsh, Wen & Hau 2004): mean-centred indicators,
    uncentred products, a mean structure, and the mean of ``x:z`` equal to Cov(x, z).

  ``pairs="all"`` uses every product (x1:z1, x1:z2, ...), ``"matched"`` pairs indicators in
  order (x1:z1, x2:z2, ...; the factors need the same number of indicators). ``x:x`` (a
  quadratic term) uses each unordered pair once.
* ``x:z`` with both observed is a plain product column (raw, as lavaan and ``lm()``).
* ``interaction="lms"`` (the default for latent x latent two-way terms under ML with complete
  rows, when LMS can estimate them) and ``"qml"``: no products; :func:`prepare` checks the
  terms and data and hands the model to the LMS or QML family (:mod:`relqual.lms`,
  :mod:`relqual.qml`).

Centring uses the rows the fit uses (listwise: the complete rows of the model's variables).
The fitted :class:`~relqual.result.Result` keeps the user's syntax; ``res.spec.extra
["interaction"]`` says how each term was built (its product indicators, the centring constants
and the product-indicator syntax that was fitted). :func:`simple_slopes` and
:func:`johnson_neyman` probe a fitted interaction (delta-method standard errors; semTools'
``probe2WayMC``, and ``probe2WayRC`` for residual centring).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from .data import FIML_NAMES, DataError, _numeric_column
from .plsslopes import simple_slopes as pls_simple_slopes
from .syntax import ModelSyntaxError, parse

METHODS = ("lms", "qml", "dblcent", "rca", "uca")
PLANNED = {"ca": "the constrained approach (Algina & Moulder 2001)",
           "constrained": "the constrained approach (Algina & Moulder 2001)"}
PAIRS = ("all", "matched")
PLS_METHODS = (None, "two_stage", "product_indicator", "orthogonal")  # relqual.plsinteraction


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` hands to the fit: the product-indicator model and data.

    Parameters
    ----------
    spec : ModelSpec
        The model that is estimated (product indicators written out).
    data : DataFrame
        The data with the product columns added (a copy).
    options : FitOptions
        The options (a mean structure where the method needs one).
    result_spec : ModelSpec
        The user's model, with ``extra["interaction"]`` describing the terms (kept by the
        Result).
    family : Family, optional
        The estimator family that fits it (LMS: :data:`relqual.lms.LMS`); None: the
        estimator's own.
    """

    spec: object
    data: pd.DataFrame
    options: object
    result_spec: object
    family: object = None


def interaction_terms(syntax: str) -> list[str]:
    """The interaction terms (``x:z``) of a model's regressions, in order of appearance.

    Parameters
    ----------
    syntax : str
        lavaan syntax.

    Returns
    -------
    list of str

    Examples
    --------
    >>> interaction_terms("y ~ x + z + x:z + x:x; w ~ y")
    ['x:z', 'x:x']
    """
    return list(dict.fromkeys(s.rhs for s in parse(syntax) if s.op == "~" and ":" in s.rhs))


def refuse(syntax: str, what: str) -> None:
    """Raise a clear error when ``syntax`` has an interaction term that ``what`` cannot
    estimate (e.g. estimator='WLSMV').

    Parameters
    ----------
    syntax : str
        lavaan syntax.
    what : str
        The method that cannot estimate it, as the message should name it.

    Raises
    ------
    NotImplementedError
        Naming the first interaction term.

    Examples
    --------
    >>> refuse("y ~ x + z + x:z", "estimator='WLSMV'")
    Traceback (most recent call last):
    ...
    NotImplementedError: the interaction term 'x:z' cannot be estimated with estimator='WLSMV'; ...
    """
    terms = interaction_terms(syntax)
    if terms:
        raise NotImplementedError(
            f"the interaction term '{terms[0]}' cannot be estimated with {what}; fit it by "
            "maximum likelihood with product indicators (estimator='ML' or 'MLR', "
            "interaction='dblcent', 'rca' or 'uca')")


def prepare(spec, data, options, method: str | None = None, pairs: str = "all",
            summary: bool = False) -> Prepared | None:
    """The product-indicator model and data of a model with interaction terms.

    Parameters
    ----------
    spec : ModelSpec
        The user's model.
    data : DataFrame
        The data (not modified).
    options : FitOptions
        The fit's options.
    method : {"lms", "qml", "dblcent", "rca", "uca"}, optional
        How latent interactions are estimated (default: "lms" for latent x latent two-way
        terms that LMS can estimate under ML with complete rows, else "dblcent"; see
        :func:`_default_method`).
    pairs : {"all", "matched"}
        Which products of indicators measure a latent product.
    summary : bool
        The fit is to summary statistics (refused: products need the rows).

    Returns
    -------
    Prepared or None
        None when the model has no interaction term (and no method was asked for). For LMS
        and QML the model and data are unchanged and ``family`` says who fits them.

    Raises
    ------
    ModelSyntaxError, DataError, ValueError, NotImplementedError
        Naming the term: a factor neither latent nor a column, a non-numeric column, an
        estimator, grouping or method that cannot estimate it.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.models import resolve_model
    >>> from relqual.options import FitOptions
    >>> data = rq.datasets.load("holzinger_swineford")
    >>> spec = resolve_model("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...                      "x9 ~ visual + textual + visual:textual")
    >>> prep = prepare(spec, data, FitOptions(), method="dblcent")
    >>> print(prep.spec.syntax.splitlines()[1])
    visual:textual =~ x1:x4 + x1:x5 + x1:x6 + x2:x4 + x2:x5 + x2:x6 + x3:x4 + x3:x5 + x3:x6
    >>> abs(round(float(prep.data["x1:x4"].mean()), 12))
    0.0
    """
    if method is not None and not isinstance(method, str):
        raise TypeError(f"interaction must be a string such as 'dblcent' (got {method!r})")
    if not isinstance(pairs, str) or pairs not in PAIRS:
        raise ValueError(f"interaction_pairs must be 'all' or 'matched' (got {pairs!r})")
    statements = parse(spec.syntax) if ":" in spec.syntax else []    # no ':', no product term
    terms = list(dict.fromkeys(s.rhs for s in statements if s.op == "~" and ":" in s.rhs))
    if not terms:
        if method is not None:
            raise ValueError(f"interaction='{method}' was given but the model has no interaction "
                             "term; write one in a regression, e.g. 'y ~ x + z + x:z'")
        return None
    method = None if method is None else method.lower()
    first = terms[0]
    if options.estimator in ("PLS", "PLSC"):          # relqual.plsinteraction
        if options.estimator == "PLSC" or method not in PLS_METHODS:
            raise NotImplementedError(
                f"the interaction term '{first}' in PLS is estimated with interaction="
                "'two_stage' and estimator='PLS' (or interaction='product_indicator' or "
                f"'orthogonal'; got interaction={method!r}, estimator='{options.estimator}'); "
                "PLSc is planned")
        if pairs != "all":
            raise ValueError(f"interaction_pairs='{pairs}' is not available in PLS: seminr's "
                             "product indicators use every product of the two constructs' items")
        if method in (None, "two_stage"):
            return None
        spec = replace(spec, extra={**spec.extra, "pls_interaction": method,
                                    "interaction": {"method": method, "pairs": pairs}})
        return Prepared(spec=spec, data=data, options=options, result_spec=spec)
    if method in PLANNED:
        raise NotImplementedError(
            f"interaction='{method}' ({PLANNED[method]}) is not available yet for '{first}': it "
            "fixes the product indicators' loadings, residual variances and the product "
            "factor's variance to nonlinear functions of other parameters (e.g. "
            "l_x1z1 == l_x1*l_z1, phi_xz == phi_x*phi_z + cov_xz^2), and relqual's estimator "
            "takes only 'label == label' and 'label == number' constraints; use "
            "interaction='lms', 'qml' or product indicators: 'dblcent', 'rca' or 'uca'")
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown interaction method '{method}' for '{first}'; choose from "
                         + ", ".join(METHODS))
    _check_placement(statements)
    if summary:
        raise NotImplementedError(f"the interaction term '{first}' needs the data rows "
                                  "(products of the variables); fit it to data, not to a "
                                  "covariance matrix")
    if options.estimator not in ("ML", "MLR"):
        refuse(spec.syntax, f"estimator='{options.estimator}'")
    if method in ("lms", "qml") and (options.estimator != "ML"
                                     or options.missing in FIML_NAMES):
        what = ("estimator='MLR'" if options.estimator != "ML" else f"missing='{options.missing}'")
        raise NotImplementedError(f"the interaction term '{first}' with interaction='{method}'"
                                  f" is estimated by ML on complete rows; {what} is not "
                                  f"available with {method.upper()}: use product indicators "
                                  "(interaction='dblcent')")
    if options.group is not None:
        raise NotImplementedError(f"the interaction term '{first}' in a multigroup fit is not "
                                  "available yet; fit each group separately")
    if options.engine != "native":
        raise NotImplementedError(f"the interaction term '{first}' is estimated with "
                                  "engine='native' only")
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")

    indicators: dict[str, list[str]] = {}
    for s in statements:
        if s.op == "=~":
            indicators.setdefault(s.lhs, []).append(s.rhs)
    latent = set(indicators)
    observed_names = [n for s in statements if s.op in ("=~", "~", "~~", "~1")
                      for n in (s.lhs, s.rhs) if n and n not in latent and ":" not in n]
    parts = {}
    for term in terms:
        factors = term.split(":")
        for f in factors:
            if f not in latent and f not in data.columns:
                raise ModelSyntaxError(f"interaction term '{term}': '{f}' is neither a latent "
                                       "variable of the model nor a column of the data",
                                       _line(statements, term), term)
            if f in latent and any(i in latent for i in indicators[f]):
                raise NotImplementedError(f"interaction term '{term}': '{f}' is a higher-order "
                                          "factor; product indicators need first-order factors")
        if any(f in latent for f in factors) and len(factors) > 2:
            what = ("LMS estimates two-way terms (x:z, x:x) only" if method == "lms" else
                    "three-way interactions of latent variables are not available yet")
            raise NotImplementedError(f"interaction term '{term}': {what}")
        parts[term] = factors
    if method is None:
        method = ("dblcent" if pairs != "all"
                  else _default_method(spec.syntax, parts, latent, options))
    for term, factors in parts.items():
        if method not in ("lms", "qml") and std_lv_refused(options, factors, latent):
            raise NotImplementedError(
                f"interaction term '{term}' with std_lv=True: the product factor would not be "
                "on the scale of the product of its factors; fit with std_lv=False (the "
                "default) or interaction='lms', and read the standardized solution")
    if method in ("lms", "qml") and pairs != "all":
        raise ValueError(f"interaction_pairs='{pairs}' chooses product indicators, but "
                         f"'{first}' is estimated with interaction='{method}' (no products); "
                         "use interaction='dblcent' with it")

    columns = list(dict.fromkeys(
        [n for n in observed_names if n in data.columns]
        + [i for f in {f for fs in parts.values() for f in fs}
           for i in (indicators[f] if f in latent else [f])]))
    values = {}
    for name in columns:
        try:
            values[name] = _numeric_column(data, name)
        except DataError as exc:
            used_in = [t for t, fs in parts.items()
                       if name in fs or any(name in indicators.get(f, []) for f in fs)]
            if used_in:
                raise DataError(f"interaction term '{used_in[0]}': {exc}") from None
            raise
    block = np.column_stack([values[c] for c in columns])
    rows = (~np.isnan(block).all(axis=1) if options.missing in FIML_NAMES
            else ~np.isnan(block).any(axis=1))
    if not rows.any():
        raise DataError(f"interaction term '{first}': no row has every model variable")

    if method in ("lms", "qml"):
        from .lms import LMS, MAX_DIMENSIONS, check_terms, linear_statements
        from .qml import QML
        check_terms(*linear_statements(spec.syntax),
                    max_dimensions=MAX_DIMENSIONS if method == "lms" else None)
        family = LMS if method == "lms" else QML
        info = dict(method=method, pairs=None, nodes=LMS.nodes if method == "lms" else None,
                    syntax=spec.syntax,
                    n_centered=int(rows.sum()),
                    terms=[dict(term=t, factors=fs, kind="latent", centers={f: 0.0 for f in fs},
                                products=[]) for t, fs in parts.items()])
        result_spec = replace(spec, extra=dict(spec.extra, interaction=info))
        return Prepared(spec=spec, data=data, options=options, result_spec=result_spec,
                        family=family)
    out = data.copy()
    lines, info_terms, extra_mean = [], [], options.meanstructure
    exogenous_observed = _exogenous_observed(statements, latent)
    for term, factors in parts.items():
        if not any(f in latent for f in factors):            # observed x observed: raw product
            product = np.prod([values[f] for f in factors], axis=0)
            out[term] = product
            info_terms.append(dict(term=term, factors=factors, kind="observed",
                                   centers={f: 0.0 for f in factors}, products=[term]))
            continue
        built = _products(term, factors, indicators, latent, values, rows, method, pairs)
        for name, column in built["columns"].items():
            out[name] = column
        lines += built["syntax"]
        for f in factors:                   # an observed moderator covaries with the latents
            if f not in latent and f in exogenous_observed:
                others = [g for g in _exogenous_latents(statements, latent, parts) if g != f]
                lines += [f"{g} ~~ {f}" for g in others]
        info_terms.append(dict(term=term, factors=factors, kind="latent",
                               centers=built["centers"], products=built["products"]))
        if method in ("rca", "uca") and extra_mean is None:
            extra_mean = True
    fitted_syntax = "\n".join(_user_lines(spec.syntax) + lines)
    info = dict(method=method, pairs=pairs, terms=info_terms, syntax=fitted_syntax,
                n_centered=int(rows.sum()))
    fitted = replace(spec, syntax=fitted_syntax, extra=dict(spec.extra, interaction=info))
    result_spec = replace(spec, extra=dict(spec.extra, interaction=info))
    new_options = (replace(options, meanstructure=extra_mean)
                   if extra_mean != options.meanstructure else options)
    return Prepared(spec=fitted, data=out, options=new_options, result_spec=result_spec)


def _default_method(syntax: str, parts: dict, latent: set, options) -> str:
    """LMS for latent x latent two-way terms under ML with complete rows (Klein & Moosbrugger
    2000, the recommendation for normal indicators) when LMS can estimate them
    (:func:`relqual.lms.check_terms`); otherwise double-mean-centred product indicators
    (robust estimators, FIML, observed factors, terms sharing no factor; and whenever
    ``interaction_pairs="matched"`` asks for products)."""
    from .lms import check_terms, linear_statements
    if not (options.estimator == "ML" and options.missing not in FIML_NAMES
            and all(len(fs) == 2 and all(f in latent for f in fs) for fs in parts.values())):
        return "dblcent"
    try:
        check_terms(*linear_statements(syntax))
    except NotImplementedError:
        return "dblcent"
    return "lms"


def std_lv_refused(options, factors, latent) -> bool:
    """std_lv=True with a latent factor in a product term (the product factor's scale)."""
    return bool(options.std_lv) and any(f in latent for f in factors)


def _line(statements, term) -> int | None:
    return next((s.line for s in statements if s.rhs == term), None)


def _check_placement(statements) -> None:
    """An interaction term may only be a predictor (right of '~')."""
    for s in statements:
        names = [s.lhs] + ([s.rhs] if s.op in ("=~", "~~") else [])
        for name in names:
            if ":" in name:
                raise ModelSyntaxError(f"the interaction term '{name}' can only be a predictor "
                                       "(on the right of '~'); it is built from its factors",
                                       s.line, name, s.text)


def _user_lines(syntax: str) -> list[str]:
    return [line for line in syntax.splitlines() if line.strip()]


def _exogenous_observed(statements, latent) -> set[str]:
    outcomes = {s.lhs for s in statements if s.op == "~"}
    indicators = {s.rhs for s in statements if s.op == "=~"}
    return {s.rhs for s in statements if s.op == "~" and ":" not in s.rhs
            and s.rhs not in latent and s.rhs not in outcomes and s.rhs not in indicators}


def _exogenous_latents(statements, latent, parts) -> list[str]:
    outcomes = {s.lhs for s in statements if s.op == "~"}
    lv = [n for n in dict.fromkeys(s.lhs for s in statements if s.op == "=~")
          if n not in outcomes]
    return lv + [t for t, fs in parts.items() if any(f in latent for f in fs)]


def _products(term, factors, indicators, latent, values, rows, method, pairs) -> dict:
    """The product indicators of one latent term: columns, syntax and centring constants."""
    sets = [indicators[f] if f in latent else [f] for f in factors]
    quadratic = factors[0] == factors[1]
    if pairs == "matched":
        a, b = sets
        if len(a) > 1 and len(b) > 1 and len(a) != len(b):
            raise ValueError(f"interaction term '{term}' with interaction_pairs='matched' needs "
                             f"as many indicators of '{factors[0]}' ({len(a)}) as of "
                             f"'{factors[1]}' ({len(b)}); use interaction_pairs='all'")
        n = max(len(a), len(b))
        combos = [(a[min(i, len(a) - 1)], b[min(i, len(b) - 1)]) for i in range(n)]
    elif quadratic:
        combos = list(itertools.combinations_with_replacement(sets[0], 2))
    else:
        combos = list(itertools.product(*sets))
    centers = {}
    for names in sets:
        for name in names:
            centers[name] = float(np.nanmean(values[name][rows]))
    names = [f"{p}:{q}" for p, q in combos]
    columns = {}
    center_products = method in ("dblcent", "uca")
    for name, (p, q) in zip(names, combos):
        left = values[p] - centers[p] if center_products else values[p]
        right = values[q] - centers[q] if center_products else values[q]
        columns[name] = left * right
    if method == "dblcent":
        for name in names:
            columns[name] = columns[name] - np.nanmean(columns[name][rows])
    elif method == "rca":
        first_order = list(dict.fromkeys(n for s in sets for n in s))
        x = np.column_stack([np.ones(len(rows))] + [values[n] for n in first_order])
        prod = np.column_stack([columns[n] for n in names])
        complete = rows & ~np.isnan(x).any(axis=1) & ~np.isnan(prod).any(axis=1)
        coef = np.linalg.lstsq(x[complete], prod[complete], rcond=None)[0]
        resid = prod - x @ coef
        for k, name in enumerate(names):
            columns[name] = resid[:, k]
    latent_sets = [set(s) if f in latent else set() for f, s in zip(factors, sets)]
    syntax = [f"{term} =~ " + " + ".join(names)]
    for i, j in itertools.combinations(range(len(combos)), 2):
        shared = (set(combos[i]) & set(combos[j])) & set().union(*latent_sets)
        if shared:
            syntax.append(f"{names[i]} ~~ {names[j]}")
    if method == "rca":
        syntax += [f"{term} ~~ 0*{f}" for f in dict.fromkeys(factors) if f in latent]
    elif method == "uca":
        x, z = factors
        label = f"{x}.{z}.cov".replace(":", ".")
        syntax += [f"{x} ~~ {label}*{z}", f"{term} ~ {label}*1"]
    factor_centers = {}
    for f, names_f in zip(factors, sets):       # where the moderator's value 0 is
        factor_centers[f] = (0.0 if f in latent or method == "rca"
                             else centers[names_f[0]])
    return dict(columns=columns, syntax=syntax, products=names, centers=factor_centers,
                indicator_means={k: v for k, v in centers.items()})


# ------------------------------------------------------------------------------ probing
def _term_info(res) -> dict | None:
    return (getattr(res.spec, "extra", None) or {}).get("interaction")


def _find_term(res, focal: str, moderator: str, outcome: str | None):
    """The regression rows of ``outcome ~ focal`` and ``outcome ~ focal:moderator``."""
    col = res.partable.col
    regs = (col["op"] == "~") & (col["group"] == 1)
    candidates = [f"{focal}:{moderator}", f"{moderator}:{focal}"]
    rows = [k for k in np.flatnonzero(regs) if col["rhs"][k] in candidates]
    if outcome is not None:
        rows = [k for k in rows if col["lhs"][k] == outcome]
    if not rows:
        raise ValueError(f"the model has no interaction term '{focal}:{moderator}'"
                         + (f" in the equation of '{outcome}'" if outcome else "")
                         + "; terms: " + (", ".join(sorted({r for r in col["rhs"][regs]
                                                            if ":" in r})) or "none"))
    outcomes = sorted({col["lhs"][k] for k in rows})
    if len(outcomes) > 1:
        raise ValueError(f"'{focal}:{moderator}' predicts {', '.join(outcomes)}; name one with "
                         "outcome=...")
    k_int = rows[0]
    y = col["lhs"][k_int]
    main = [k for k in np.flatnonzero(regs) if col["lhs"][k] == y and col["rhs"][k] == focal]
    if not main:
        raise ValueError(f"'{y}' is not regressed on '{focal}' itself: add '{y} ~ {focal}' to "
                         "probe the interaction")
    return y, col["rhs"][k_int], main[0], k_int


def _moderator_moments(res, name: str, info_term: dict | None) -> tuple[float, float, float]:
    """(mean, SD, centre) of a moderator: a latent's model-implied moments, an observed
    variable's sample moments (N divisor, as ML), and the value subtracted in the products."""
    model = res.models[0]
    imp = model.implied(res.x)
    center = 0.0 if info_term is None else float(info_term["centers"].get(name, 0.0))
    if name in model.lv_names:
        k = model.p + model.lv_names.index(name)
        mean = float(imp.Bm[k]) if imp.Bm is not None else 0.0
        return mean, float(np.sqrt(imp.C[k, k])), center
    column = res.used_data()[name].to_numpy(float)
    return float(np.nanmean(column)), float(np.nanstd(column)), center


def _coefficients(res, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Estimates of partable rows and their covariance (fixed rows: zero variance)."""
    col = res.partable.col
    values = res.row_values(res.x)[rows]
    free = col["free"][rows]
    cov = np.zeros((len(rows), len(rows)))
    if res.vcov_matrix is not None:
        for i, fi in enumerate(free):
            for j, fj in enumerate(free):
                if fi > 0 and fj > 0:
                    cov[i, j] = res.vcov_matrix[fi - 1, fj - 1]
    return values, cov


def _refuse_pls(res) -> None:
    """Johnson-Neyman regions and interaction plots of PLS fits are refused (their simple
    slopes: :mod:`relqual.plsslopes`)."""
    if res.problem.pls is not None:
        raise NotImplementedError("Johnson-Neyman regions and interaction plots of a PLS "
                                  "interaction are not available yet; res.simple_slopes() gives "
                                  "the slope b_focal + b_term m of the focal construct at "
                                  "moderator scores m with bootstrap intervals")


def _slope_parts(res, focal, moderator, outcome):
    """b_focal, b_term, their covariance, the moderator's moments and the term's multiplier."""
    _refuse_pls(res)
    info = _term_info(res)
    y, term, k_main, k_int = _find_term(res, focal, moderator, outcome)
    info_term = None
    if info is not None:
        info_term = next((t for t in info["terms"] if t["term"] == term), None)
    mean, sd, center = _moderator_moments(res, moderator, info_term)
    factor = 2.0 if focal == moderator else 1.0           # d(b x^2)/dx = 2 b x
    if info is not None and info["method"] == "rca" and info_term and info_term["kind"] == "latent":
        beta, cov = _rc_coefficients(res, y, term, focal, moderator)
    else:
        beta, cov = _coefficients(res, [k_main, k_int])
    return dict(y=y, term=term, beta=beta, cov=cov, mean=mean, sd=sd, center=center,
                factor=factor)


def _rc_coefficients(res, y, term, focal, moderator):
    """The residual-centred coefficients moved to the uncentred metric, with their covariance
    (Little, Bovaird & Widaman 2006; the computation of semTools' ``probe2WayRC``)."""
    names = [focal, moderator]
    if focal == moderator:
        raise NotImplementedError("probing a residual-centred quadratic term is not available")
    col, table, values = res.partable.col, res.partable, res.row_values(res.x)
    psi = np.array([[_param(res, a, b) for b in names + [term]] for a in names + [term]])
    alpha = np.array([_mean(res, n) for n in names])
    rows = [_row(table, y, "~", n) for n in names + [term]]
    beta_rc = values[rows]
    k_int = _row(table, y, "~1", "")
    has_int = k_int is not None and col["free"][k_int] > 0
    intercept = float(values[k_int]) if k_int is not None else 0.0
    res_var = _param(res, y, y)
    n = res.n_obs
    mean_x = np.append(alpha, 0.0)
    var_x = psi.copy()
    mx1 = np.concatenate([[1.0], mean_x])
    vx0 = np.zeros((4, 4))
    vx0[1:, 1:] = var_x
    ss_rc = n * (vx0 + np.outer(mx1, mx1))
    b_rc1 = np.concatenate([[intercept], beta_rc])
    mean_y = mx1 @ b_rc1
    var_y = b_rc1 @ ss_rc @ b_rc1 / n - mean_y ** 2 + res_var
    cov_y = (var_x @ beta_rc)[:2]
    m1, m2 = mean_x[0], mean_x[1]
    v11, v22, v12 = var_x[0, 0], var_x[1, 1], var_x[0, 1]
    mean_x[2] = m1 * m2 + v12
    var_x[2, 2] = m1 ** 2 * v22 + m2 ** 2 * v11 + 2 * m1 * m2 * v12 + v11 * v22 + v12 ** 2
    var_x[0, 2] = var_x[2, 0] = m1 * v12 + m2 * v11
    var_x[1, 2] = var_x[2, 1] = m1 * v22 + m2 * v12
    b_nc = np.linalg.solve(var_x[:2, :2], cov_y - var_x[:2, 2] * beta_rc[2])
    b_nc = np.append(b_nc, beta_rc[2])
    cov_y = np.append(cov_y, (var_x @ b_nc)[2])
    int_nc = mean_y - b_nc @ mean_x
    b_nc1 = np.concatenate([[int_nc], b_nc])
    mx1 = np.concatenate([[1.0], mean_x])
    vx0 = np.zeros((4, 4))
    vx0[1:, 1:] = var_x
    ss_nc = n * (vx0 + np.outer(mx1, mx1))
    res_var_nc = var_y - b_nc1 @ ss_nc @ b_nc1 / n + mean_y ** 2
    if has_int:
        _, v = _coefficients(res, [k_int] + rows)
        used = float(res_var_nc / res_var) * (v @ ss_rc @ np.linalg.inv(ss_nc))
        sel = [1, 3]
        return b_nc1[sel], used[np.ix_(sel, sel)]
    _, v = _coefficients(res, rows)
    used = float(res_var_nc / res_var) * (v @ ss_rc[1:, 1:] @ np.linalg.inv(ss_nc[1:, 1:]))
    sel = [0, 2]
    return b_nc[sel], used[np.ix_(sel, sel)]


def _row(table, lhs, op, rhs):
    col = table.col
    hits = np.flatnonzero((col["lhs"] == lhs) & (col["op"] == op) & (col["rhs"] == rhs)
                          & (col["group"] == 1))
    return int(hits[0]) if len(hits) else None


def _param(res, a, b) -> float:
    k = _row(res.partable, a, "~~", b)
    if k is None:
        k = _row(res.partable, b, "~~", a)
    return 0.0 if k is None else float(res.row_values(res.x)[k])


def _mean(res, name) -> float:
    k = _row(res.partable, name, "~1", "")
    return 0.0 if k is None else float(res.row_values(res.x)[k])


def simple_slopes(res, focal: str, moderator: str, at=None, outcome: str | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Simple slopes of ``focal`` at values of ``moderator`` (delta-method standard errors).

    The slope of ``focal`` on the outcome at moderator value w is b_focal + b_term (w - c),
    with c the value subtracted from the moderator in the products (0 for a latent moderator,
    the mean for a centred observed one, 0 for a raw product); its variance is V_ff + 2 w'
    V_ft + w'^2 V_tt (w' = w - c; the value is treated as fixed, as semTools' ``probe2WayMC``).
    A quadratic term (``x:x``) gives the slope b_x + 2 b_xx x. Residual centring (``"rca"``)
    moves the coefficients to the uncentred metric first (semTools' ``probe2WayRC``). A PLS fit
    goes to :func:`relqual.plsslopes.simple_slopes` (bootstrap intervals, moderator scores in
    SDs).

    Parameters
    ----------
    res : Result
        A fit with an interaction term.
    focal, moderator : str
        The predictor whose slope is probed and the moderator (``x:z``: focal x, moderator z).
    at : sequence of float, optional
        Moderator values (its own metric: latent scores, or the observed variable's values);
        default mean - 1 SD, mean, mean + 1 SD (a latent's model-implied mean and SD; an
        observed variable's sample mean and SD, N divisor).
    outcome : str, optional
        The outcome, when the term predicts several.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        ``moderator_value est se z pvalue ci_lower ci_upper``, one row per value (index:
        ``mean - 1 SD``, ``mean``, ``mean + 1 SD`` by default).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...              "speed =~ x7 + x8 + x9; speed ~ visual + textual + visual:textual", hs,
    ...              interaction="dblcent")
    >>> simple_slopes(res, "visual", "textual").round(3)[["est", "se"]]
                   est     se
    mean - 1 SD  0.231  0.098
    mean         0.300  0.078
    mean + 1 SD  0.369  0.111
    """
    if res.problem.pls is not None:             # bootstrap intervals (relqual.plsslopes)
        return pls_simple_slopes(res, focal, moderator, at=at, outcome=outcome, level=level)
    p = _slope_parts(res, focal, moderator, outcome)
    if at is None:
        values = np.array([p["mean"] - p["sd"], p["mean"], p["mean"] + p["sd"]])
        index = ["mean - 1 SD", "mean", "mean + 1 SD"]
    else:
        values = np.atleast_1d(np.asarray(at, dtype=float))
        index = [f"{v:g}" for v in values]
    w = p["factor"] * (values - p["center"])
    b, v = p["beta"], p["cov"]
    est = b[0] + b[1] * w
    se = np.sqrt(np.maximum(v[0, 0] + 2 * w * v[0, 1] + w ** 2 * v[1, 1], 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    crit = stats.norm.ppf(0.5 + level / 2)
    out = pd.DataFrame({"moderator_value": values, "est": est, "se": se, "z": z,
                        "pvalue": 2 * stats.norm.sf(np.abs(z)),
                        "ci_lower": est - crit * se, "ci_upper": est + crit * se}, index=index)
    out.attrs.update(focal=focal, moderator=moderator, outcome=p["y"], term=p["term"],
                     moderator_mean=p["mean"], moderator_sd=p["sd"])
    return out


def johnson_neyman(res, focal: str, moderator: str, crit: str = "normal",
                   outcome: str | None = None, level: float = 0.95) -> dict:
    """The Johnson-Neyman region: the moderator values where the slope of ``focal`` is
    significant (closed form).

    Solves (b_t^2 - c^2 V_tt) w'^2 + 2 (b_f b_t - c^2 V_ft) w' + (b_f^2 - c^2 V_ff) = 0 for
    w' = w - c0 (see :func:`simple_slopes`), with c the normal critical value, or with
    ``crit="t"`` Student's t with N - (number of free parameters) degrees of freedom.

    Parameters
    ----------
    res : Result
    focal, moderator : str
    crit : {"normal", "t"}
    outcome : str, optional
    level : float

    Returns
    -------
    dict
        ``lower``, ``upper`` (moderator values; NaN without real roots), ``significant``
        ("inside", "outside", "everywhere" or "nowhere": where the slope is significant
        relative to [lower, upper]), ``critical_value``, ``moderator_mean``,
        ``moderator_sd``, and ``range`` (the moderator's observed or ±3 SD range) with
        ``share_significant`` (the share of that range where the slope is significant).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...              "speed =~ x7 + x8 + x9; speed ~ visual + textual + visual:textual", hs,
    ...              interaction="dblcent")
    >>> jn = johnson_neyman(res, "visual", "textual")
    >>> round(jn["lower"], 3), round(jn["upper"], 3), jn["significant"]
    (-1.227, 3.81, 'inside')
    """
    if crit not in ("normal", "t"):
        raise ValueError(f"crit must be 'normal' or 't' (got {crit!r})")
    p = _slope_parts(res, focal, moderator, outcome)
    if crit == "normal":
        c = float(stats.norm.ppf(0.5 + level / 2))
    else:
        c = float(stats.t.ppf(0.5 + level / 2, res.n_obs - res.partable.npar))
    (bf, bt), v, k = p["beta"], p["cov"], p["factor"]
    a2 = bt ** 2 - c ** 2 * v[1, 1]
    a1 = 2 * (bf * bt - c ** 2 * v[0, 1])
    a0 = bf ** 2 - c ** 2 * v[0, 0]
    disc = a1 ** 2 - 4 * a2 * a0
    lower = upper = np.nan
    if disc >= 0 and a2 != 0:
        roots = np.sort([(-a1 - np.sqrt(disc)) / (2 * a2), (-a1 + np.sqrt(disc)) / (2 * a2)])
        lower, upper = (roots / k + p["center"]).tolist()
        significant = "outside" if a2 > 0 else "inside"
    else:
        significant = "everywhere" if a2 > 0 or (a2 == 0 and a0 > 0) else "nowhere"
    lo, hi = p["mean"] - 3 * p["sd"], p["mean"] + 3 * p["sd"]
    grid = np.linspace(lo, hi, 2001)
    w = k * (grid - p["center"])
    t = (bf + bt * w) / np.sqrt(np.maximum(v[0, 0] + 2 * w * v[0, 1] + w ** 2 * v[1, 1], 1e-300))
    return dict(lower=float(lower), upper=float(upper), significant=significant,
                critical_value=c, moderator_mean=p["mean"], moderator_sd=p["sd"],
                range=(lo, hi), share_significant=float(np.mean(np.abs(t) > c)),
                focal=focal, moderator=moderator, outcome=p["y"])


def default_term(res, focal: str | None = None, moderator: str | None = None) -> tuple[str, str]:
    """The focal predictor and moderator to probe: the given ones, else the factors of the
    model's first interaction term.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> default_term(res)
    ('x7', 'x8')
    """
    if focal is not None and moderator is not None:
        return focal, moderator
    col = res.partable.col
    terms = [r for r, op in zip(col["rhs"], col["op"]) if op == "~" and ":" in r]
    if not terms:
        raise ValueError("the model has no interaction term (write one as 'y ~ x + z + x:z')")
    for term in terms:
        a, b = term.split(":")[:2]
        if focal is None and moderator in (None, b):
            return a, b
        if focal is not None and focal in (a, b):
            return focal, b if focal == a else a
        if moderator is not None and moderator in (a, b):
            return (b if moderator == a else a), moderator
    raise ValueError(f"no interaction term involves {focal or moderator!r}; terms: "
                     + ", ".join(terms))


def interaction_lines(res, focal: str, moderator: str, at=None, outcome: str | None = None,
                      points: int = 50) -> dict:
    """Predicted outcome over the focal predictor's range (mean +- 2 SD) at moderator values
    (default mean - 1 SD, mean, mean + 1 SD): intercept + b_z w + simple slope x (x - c_x)
    terms, for :func:`relqual.interactionplot.plot_interaction`.

    Returns
    -------
    dict
        ``x`` (grid), ``lines`` ({label: predicted values}), ``slopes`` (the simple-slopes
        table), ``focal``, ``moderator``, ``outcome``.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> lines = interaction_lines(res, "x7", "x8")
    >>> list(lines["lines"]), lines["x"].shape
    (['mean - 1 SD', 'mean', 'mean + 1 SD'], (50,))
    """
    _refuse_pls(res)
    slopes = simple_slopes(res, focal, moderator, at=at, outcome=outcome)
    y = slopes.attrs["outcome"]
    info = _term_info(res)
    info_term = None if info is None else next(
        (t for t in info["terms"] if t["term"] == slopes.attrs["term"]), None)
    mean_x, sd_x, center_x = _moderator_moments(res, focal, info_term)
    values = res.row_values(res.x)
    k_int = _row(res.partable, y, "~1", "")
    intercept = float(values[k_int]) if k_int is not None else 0.0
    k_mod = _row(res.partable, y, "~", moderator)
    b_mod = float(values[k_mod]) if k_mod is not None and focal != moderator else 0.0
    p = _slope_parts(res, focal, moderator, outcome)
    b_focal = p["beta"][0]
    grid = np.linspace(mean_x - 2 * sd_x, mean_x + 2 * sd_x, points)
    lines = {}
    for label, w, slope in zip(slopes.index, slopes["moderator_value"], slopes["est"]):
        if focal == moderator:                 # quadratic: one curve b x + b_xx (x - c)^2
            lines["quadratic"] = intercept + b_focal * grid + p["beta"][1] * (grid - center_x) ** 2
            break
        lines[label] = (intercept + b_mod * w + b_focal * center_x
                        + slope * (grid - center_x))
    return dict(x=grid, lines=lines, slopes=slopes, focal=focal, moderator=moderator, outcome=y,
                intercept=k_int is not None)
