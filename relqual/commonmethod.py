"""Common method variance: the checks a reviewer of a single-source survey asks for.

``res.common_method(marker=None, data=None)`` runs them on the measurement part of a fit, on the
rows the fit used, with its estimator (ML or MLR; the refits go through the estimation core,
:func:`relqual.reviewer.refit`). One row per check, with the statistic, df, p-value, a verdict
and the source (Podsakoff, MacKenzie, Lee & Podsakoff 2003 review all of them):

* **Harman's single-factor test** (Harman 1976): the share of the items' variance taken by the
  first unrotated factor, as principal components (first eigenvalue of the correlation matrix
  over the number of items, R's ``eigen(cor(X))``) and as a one-factor ML factor analysis
  (sum of squared standardized loadings over the number of items, R's ``factanal(X, 1)``). The
  rule of thumb: a share of 50% or more suggests common method variance. Its critics: the test
  is insensitive (Podsakoff et al. 2003; Fuller, Simmering, Atinc, Atinc & Babin 2016), so a
  share below 50% does not show that method variance is absent.
* **One-factor CFA** against the measurement model (every factor correlated): the chi-square
  difference test (lavaan's ``lavTestLRT``; Satorra-Bentler scaled for MLR) and fit indices.
* **Unmeasured latent method construct** (ULMC; Podsakoff et al. 2003; Williams, Cote & Buckley
  1989): a method factor ``CMV`` loading on every item, orthogonal to the traits, with equal or
  free loadings (variance 1); the chi-square difference against the measurement model, the share
  of method variance per item (its squared standardized loading, against the trait's: Liang,
  Saraf, Hu & Xue 2007), and the change of the standardized structural paths when the method
  factor is added to the fitted model. Improper solutions are reported, not hidden.
* With ``marker=`` (one column or several, theoretically unrelated to the constructs):
  the **CFA marker technique** of Williams, Hartman & Cavazotte (2010): CFA (marker latent
  correlated with the traits) -> Baseline (marker orthogonal, its loadings and residual variances
  fixed at the CFA values) -> Method-C (the marker loads on every item with one equal loading)
  -> Method-U (free loadings) -> Method-R (the retained method model with the trait correlations
  fixed at their Baseline values), compared by chi-square difference tests; and the
  **correlational marker** of Lindell & Whitney (2001): r_M, the smallest correlation of the
  marker (scale mean) with a construct's scale mean (0 when negative), is partialled from every
  construct correlation, r_A = (r - r_M) / (1 - r_M), t = r_A sqrt((N - 3) / (1 - r_A²)).
* For PLS fits: Harman's principal-components share and the **full-collinearity VIF** of Kock
  (2015): each construct's score regressed on all the others; a VIF above 3.3 suggests common
  method bias.

The lavaan syntax of every model fitted is in ``table.syntax``.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .conventions import ALPHA, CUTOFFS, SOURCES, num, p_text
from .data import prepare_data
from .engine.missing import IncompleteData
from .reviewer import (
    CheckTable,
    check_ml_fit,
    difference,
    fit_row,
    improper,
    refit,
    same_rows,
    start_values,
)
from .syntax import parse

METHOD = "CMV"        # the unmeasured method factor
MARKER = "MARKER"     # the latent marker variable
GENERAL = "G"         # the single factor of Harman's CFA
COLUMNS = ["check", "measure", "statistic", "df", "pvalue", "concern", "verdict", "source"]


def common_method(result, marker=None, data=None) -> CheckTable:
    """Harman's test, the one-factor CFA, the ULMC and (with a marker) the CFA marker and
    correlational marker techniques for a fitted model (see the module docstring).

    Parameters
    ----------
    result : Result
        A single-group ML or MLR fit (or a PLS fit: Harman's test and Kock's VIFs).
    marker : str or list of str, optional
        The marker variable's column(s): answered by the same respondents on the same
        questionnaire, theoretically unrelated to the model's constructs. Needs ``data``.
    data : DataFrame, optional
        The data the model was fitted to, with the marker column(s).

    Returns
    -------
    CheckTable
        ``check measure statistic df pvalue verdict source``, one row per check; ``verdict``
        (attribute) the overall sentence; ``notes`` improper solutions and caveats;
        ``details["models"]`` (fit of every model), ``details["items"]`` (trait and method
        variance per item), ``details["paths"]`` (structural paths without and with the
        method factor), ``details["marker_correlations"]`` (Lindell & Whitney);
        ``syntax`` the lavaan syntax of each model.

    Raises
    ------
    ValueError
        A marker that is an observed variable of the model, a marker without ``data``, or
        ``data`` that is not the data the model was fitted to.
    NotImplementedError
        WLSMV or multigroup fits.

    Examples
    --------
    >>> import relqual as rq
    >>> data = rq.datasets.load("relationship_quality")
    >>> res = rq.fit("relationship_quality", data)
    >>> cmb = res.common_method()
    >>> cmb[["check", "statistic", "df"]].round(3)
                                     check  statistic    df
    0         Harman: principal components      0.303   NaN
    1   Harman: one-factor factor analysis      0.267   NaN
    2  One-factor CFA vs measurement model   1566.184  10.0
    3          ULMC, equal loadings vs CFA      0.000   1.0
    4           ULMC, free loadings vs CFA     33.822  20.0
    5     ULMC: change in structural paths      0.586   NaN
    >>> cmb.details["items"][["item", "trait_cfa", "method_free"]].head(2).round(3)
      item  trait_cfa  method_free
    0  cf1      0.521        0.235
    1  cf2      0.518        0.263
    """
    if getattr(result, "_is_pls", False):
        return _pls_checks(result)
    check_ml_fit(result, "common_method()")
    part = _measurement_part(result)
    items = part["items"]
    if len(items) < 3:
        raise ValueError("the common-method checks need a measurement model with at least 3 "
                         "items")
    checked = _check_marker(result, part, marker, data) if marker is not None else None
    estimator = str(result.call.get("estimator", "ML")).upper()
    n = result.n_obs
    rows, notes, models, syntax = [], [], {}, {}

    def fit_model(key, text, **kw):
        syntax[key] = text
        models[key] = refit(result, text, key, **kw)
        if _zero_method(models[key]):
            notes.append(f"{key}: the method factor's loadings are 0, a boundary solution: "
                         "its information matrix is singular and it has no standard errors; "
                         "its fit is that of the model without the method factor")
        else:
            notes.extend(f"{key}: {message}" for message in improper(models[key]))
        return models[key]

    meas = fit_model("measurement model", part["syntax"])
    one = fit_model("one-factor CFA", f"{GENERAL} =~ " + " + ".join(items))
    loaded = part["method_items"]                      # the method factor's items
    if part["single"]:
        notes.append(f"single-item constructs ({', '.join(part['single'])}): their items carry "
                     "no separate method loading (trait and method variance of one item are "
                     "not identified)")
    small = _small_loadings(result, loaded, METHOD)     # start the method factor off zero
    eq = fit_model("ULMC, equal loadings", part["syntax"] + "\n" + _method_lines(
        loaded, part["orthogonal"], equal=True), start=start_values(meas, small))
    few = part["few_items"]
    free = (fit_model("ULMC, free loadings", part["syntax"] + "\n" + _method_lines(
        loaded, part["orthogonal"], equal=False), start=start_values(meas, small))
            if not few else None)
    ulmc = {"equal": eq, "free": free} if free is not None else {"equal": eq}

    # Harman's single-factor test
    R = _correlation(result, items)
    eig = np.linalg.eigvalsh(R)[::-1]
    pca_share = float(eig[0] / len(items))
    std = one.estimates()
    fa_share = float(np.sum(std.loc[(std["op"] == "=~"), "std_all"] ** 2) / len(items))
    cut = CUTOFFS["harman_share"]
    n_above_one = int(np.sum(eig > 1))
    for label, share, extra in (
            ("principal components", pca_share,
             f"; {n_above_one} component(s) with eigenvalue > 1"),
            ("one-factor factor analysis", fa_share, "")):
        dominant = not cut.passes(share)
        verdict = (f"the first factor takes {100 * share:.1f}% of the variance "
                   f"({'>=' if dominant else '<'} 50%{extra}): "
                   + ("a general factor dominates, a sign of common method variance" if dominant
                      else "no single factor dominates; the test is insensitive, so this does "
                           "not show that method variance is absent"))
        rows.append(_row(f"Harman: {label}", "share of variance", share, np.nan, np.nan,
                         verdict, "; ".join(SOURCES[k].cite() for k in ("harman", "podsakoff",
                                                                         "fuller")),
                         concern=dominant))

    # one-factor CFA against the measurement model
    test = _test(meas, one, n, estimator)
    worse = test["p_delta"] < ALPHA
    fm1 = one.fit_measures()
    rows.append(_row(
        "One-factor CFA vs measurement model", _delta_name(estimator), test["delta_chisq"],
        test["delta_df"], test["p_delta"],
        (f"the single factor fits {'significantly worse' if worse else 'no worse'} "
         f"({_chisq_text(test)}; one-factor CFI = {num(fm1['cfi'], 3, True)}, RMSEA = "
         f"{num(fm1['rmsea'], 3, True)}): "
         + ("one factor does not account for the covariances" if worse else
            "a single (method) factor may account for the covariances")),
        SOURCES["podsakoff"].cite(), concern=not worse))

    # ULMC
    item_table = _item_table(meas, ulmc, items, part["factor_of"])
    for key, model, kind in (("equal", eq, "equal loadings"), ("free", free, "free loadings")):
        if model is None:
            rows.append(_row(f"ULMC, {kind} vs CFA", _delta_name(estimator), np.nan, np.nan,
                             np.nan, _few_items_text(few), SOURCES["podsakoff"].cite()))
            continue
        if not model.converged:
            rows.append(_row(f"ULMC, {kind} vs CFA", _delta_name(estimator), np.nan, np.nan,
                             np.nan, "the model with the method factor did not converge (see "
                             "notes): no test", SOURCES["podsakoff"].cite()))
            continue
        test = _test(model, meas, n, estimator)
        share = float(item_table[f"method_{key}"].mean())
        trait = float(item_table[f"trait_{key}"].mean())
        better = test["p_delta"] < ALPHA
        verdict = (f"the method factor {'improves' if better else 'does not improve'} fit "
                   f"({_chisq_text(test)}); it takes {100 * share:.1f}% of the items' variance "
                   f"on average, against {100 * trait:.1f}% for the traits")
        if _zero_method(model):
            verdict = (f"the method factor's loadings are 0, a boundary solution without "
                       f"standard errors ({_chisq_text(test)}): no common method variance")
        elif improper(model):
            verdict = "IMPROPER SOLUTION (see notes), read with care: " + verdict
        rows.append(_row(f"ULMC, {kind} vs CFA", _delta_name(estimator), test["delta_chisq"],
                         test["delta_df"], test["p_delta"], verdict,
                         SOURCES["podsakoff"].cite() + "; " + SOURCES["liang"].cite(),
                         concern=better and share >= trait))

    # the structural paths with the method factor added
    paths = None
    if np.any(result.partable.col["op"] == "~"):
        std_lv = bool(result.call.get("std_lv", False))
        orthogonal = list(result.partable.roles.lv_x)
        structural = {"equal": fit_model(
            "structural model + ULMC (equal)", result.spec.syntax.strip() + "\n"
            + _method_lines(loaded, orthogonal, equal=True), std_lv=std_lv,
            start=start_values(result, small))}
        if not few:
            structural["free"] = fit_model(
                "structural model + ULMC (free)", result.spec.syntax.strip() + "\n"
                + _method_lines(loaded, orthogonal, equal=False), std_lv=std_lv,
                start=start_values(result, small))
        structural = {k: m for k, m in structural.items() if m.converged}
        if structural:
            paths = _path_table(result, structural)
            rows.append(_paths_row(paths, structural))

    details = {"items": item_table}
    if paths is not None:
        details["paths"] = paths

    # marker variable
    if marker is not None:
        marker_rows, marker_details, marker_notes, marker_syntax, marker_models = _marker_checks(
            result, part, checked, estimator)
        rows += marker_rows
        details.update(marker_details)
        notes += marker_notes
        syntax.update(marker_syntax)
        models.update(marker_models)

    details["models"] = pd.DataFrame([fit_row(m, k) for k, m in models.items()])
    table = CheckTable(pd.DataFrame(rows, columns=COLUMNS), kind="common_method",
                       title="Common method variance", notes=notes,
                       sources=_sources(marker is not None), details=details, syntax=syntax,
                       fits=models)
    table.verdict = _overall(table)
    return table


# ----------------------------------------------------------------------------- the model parts
def _measurement_part(result) -> dict:
    """The measurement statements of a fit (``=~`` lines and covariances between observed
    variables), its items (observed indicators, in the fit's order), the factors of each item,
    and the latent variables a method factor must be orthogonal to (the exogenous ones)."""
    statements = parse(result.spec.syntax)
    ov = list(result.partable.roles.ov)
    lv = set(result.partable.roles.lv)
    keep = [s for s in statements
            if s.op == "=~" or (s.op == "~~" and s.lhs in ov and s.rhs in ov)]
    for s in keep:
        if len(s.modifiers) > 1:
            raise NotImplementedError("the common-method checks do not support group-specific "
                                      f"modifiers (line {s.line}: {s.text})")
    indicators = [s.rhs for s in keep if s.op == "=~" and s.rhs not in lv]
    items = [v for v in ov if v in indicators]
    factor_of = {}
    for s in keep:
        if s.op == "=~" and s.rhs in items:
            factor_of.setdefault(s.rhs, s.lhs)
    text = statements_syntax(keep)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from .partable import build_partable
        roles = build_partable(text).roles
    traits = [v for v in roles.lv]
    counts = pd.Series(list(factor_of.values())).value_counts()
    single = [f for f, k in counts.items() if k == 1]
    return {"syntax": text, "items": items, "traits": traits, "orthogonal": list(roles.lv_x),
            "factor_of": factor_of, "first_order": list(dict.fromkeys(factor_of.values())),
            "single": single,
            "method_items": [v for v in items if factor_of[v] not in single],
            "few_items": {f: int(k) for f, k in counts.items() if 1 < k < 3}}


def _few_items_text(few: dict) -> str:
    named = ", ".join(f"{f} has {k}" for f, k in few.items())
    return (f"not estimated: a method factor with free loadings needs at least 3 items per "
            f"factor to be identified ({named}); the equal-loadings version is reported")


def statements_syntax(statements) -> str:
    """lavaan syntax of parsed statements (one line per left-hand side and operator).

    Parameters
    ----------
    statements : list of relqual.syntax.Statement
        Single-group statements of ``=~``, ``~`` or ``~~``.

    Returns
    -------
    str

    Examples
    --------
    >>> from relqual.syntax import parse
    >>> print(statements_syntax(parse("f =~ NA*x1 + a*x2 + 0.5*x3; x1 ~~ x2")))
    f =~ NA*x1 + a*x2 + 0.5*x3
    x1 ~~ x2
    """
    lines: list[list] = []
    for s in statements:
        m = s.modifiers[0]
        prefix = ("NA*" if m.free else "") + (f"{m.fixed!r}*" if m.fixed is not None else "") \
            + (f"{m.label}*" if m.label else "") \
            + (f"start({m.start!r})*" if m.start is not None else "")
        term = prefix + s.rhs
        if lines and lines[-1][0] == (s.lhs, s.op):
            lines[-1][1].append(term)
        else:
            lines.append([(s.lhs, s.op), [term]])
    return "\n".join(f"{lhs} {op} {' + '.join(terms)}" for (lhs, op), terms in lines)


def _method_lines(items, orthogonal, equal: bool, name: str = METHOD) -> str:
    """The ULMC: ``name`` loads on every item (one shared loading ``cmv_l`` when ``equal``),
    variance 1, orthogonal to ``orthogonal``."""
    if equal:
        terms = [f"NA*{items[0]}"] + [f"{name.lower()}_l*{v}" for v in items]
    else:
        terms = [f"NA*{items[0]}"] + list(items[1:])
    lines = [f"{name} =~ " + " + ".join(terms), f"{name} ~~ 1*{name}"]
    if orthogonal:
        lines.append(f"{name} ~~ " + " + ".join(f"0*{f}" for f in orthogonal))
    return "\n".join(lines)


def _small_loadings(result, items, factor: str, share: float = 0.1) -> dict:
    """Starting values of a method factor's loadings: ``share`` of each item's SD (a method
    factor started at zero sits on a saddle point of the likelihood)."""
    ov = list(result.partable.roles.ov)
    cov = result.problem.samples[0].cov
    return {(factor, "=~", v): share * float(np.sqrt(cov[ov.index(v), ov.index(v)]))
            for v in items}


def _correlation(result, items) -> np.ndarray:
    """The items' correlation matrix (sample moments; under FIML the EM estimates)."""
    ov = list(result.partable.roles.ov)
    idx = [ov.index(v) for v in items]
    cov = result.problem.samples[0].cov[np.ix_(idx, idx)]
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


# ----------------------------------------------------------------------------- tests and tables
def _test(free, constrained, n, estimator) -> dict:
    return difference(free, constrained, n, 1, estimator)


def _delta_name(estimator) -> str:
    return "scaled delta chi-square" if estimator == "MLR" else "delta chi-square"


def _chisq_text(test) -> str:
    return (f"\u0394\u03c7\u00b2({test['delta_df']:g}) = {test['delta_chisq']:.2f}, "
            f"{p_text(test['p_delta'])}")


def _row(check, measure, statistic, df, p, verdict, source, concern=False) -> dict:
    return {"check": check, "measure": measure, "statistic": float(statistic),
            "df": float(df), "pvalue": float(p), "concern": bool(concern), "verdict": verdict,
            "source": source}


def _item_table(meas, ulmc: dict, items, factor_of) -> pd.DataFrame:
    """Per item: its factor, the trait's share of its variance in the measurement model, and
    the trait's and the method factor's shares in each ULMC (squared standardized loadings)."""
    def loading(model, lhs, rhs):
        est = model.estimates()
        hit = est[(est["op"] == "=~") & (est["lhs"] == lhs) & (est["rhs"] == rhs)]
        return float(hit["std_all"].iloc[0]) if len(hit) else np.nan

    rows = []
    for item in items:
        row = {"item": item, "factor": factor_of[item],
               "trait_cfa": loading(meas, factor_of[item], item) ** 2}
        for key, model in ulmc.items():
            row[f"trait_{key}"] = loading(model, factor_of[item], item) ** 2
            row[f"method_{key}"] = loading(model, METHOD, item) ** 2
        rows.append(row)
    return pd.DataFrame(rows)


def _path_table(result, models: dict) -> pd.DataFrame:
    """Standardized structural paths of the fit and of each model with the method factor."""
    base = result.estimates()
    base = base[base["op"] == "~"][["lhs", "op", "rhs", "std_all", "pvalue"]].reset_index(
        drop=True)
    for key, model in models.items():
        est = model.estimates()
        est = est[est["op"] == "~"][["lhs", "rhs", "std_all", "pvalue"]]
        est = est.rename(columns={"std_all": f"std_all_{key}", "pvalue": f"pvalue_{key}"})
        base = base.merge(est, on=["lhs", "rhs"], how="left")
        base[f"delta_{key}"] = base[f"std_all_{key}"] - base["std_all"]
    return base


def _paths_row(paths: pd.DataFrame, models: dict) -> dict:
    """The path-change row: the largest change of a standardized path, and the paths whose
    significance or sign changes (judged only where both fits have standard errors)."""
    deltas = paths[[f"delta_{key}" for key in models]].abs().to_numpy()
    largest = float(np.nanmax(deltas)) if np.isfinite(deltas).any() else np.nan
    k = int(np.nanargmax(np.nanmax(deltas, axis=1))) if np.isfinite(deltas).any() else 0
    changed, untested = [], []
    for key in models:
        p0, p1 = paths["pvalue"], paths[f"pvalue_{key}"]
        if not np.isfinite(p1).any():
            untested.append(key)
            continue
        flips = (np.isfinite(p0) & np.isfinite(p1) & ((p0 < ALPHA) != (p1 < ALPHA))) | (
            np.sign(paths["std_all"]) != np.sign(paths[f"std_all_{key}"]))
        changed += [f"{r['rhs']} \u2192 {r['lhs']} ({key})"
                    for _, r in paths[flips].iterrows()]
    where = f"{paths['rhs'][k]} \u2192 {paths['lhs'][k]}"
    verdict = (f"the largest change of a standardized path is {num(largest, 3, True)} ({where}); "
               + (f"significance or sign changes for {', '.join(changed)}: the conclusions on "
                  "these paths depend on method variance (the ULMC is often weakly identified: "
                  "read its standard errors)" if changed else
                  "no path changes its significance or sign: the conclusions do not depend on "
                  "common method variance"))
    if untested:
        verdict += (f" (significance not compared for the {' and '.join(untested)}-loadings "
                    "model: no standard errors)")
    bad = [m for key, model in models.items() for m in improper(model)
           if not _zero_method(model)]
    if bad:
        verdict = "IMPROPER SOLUTION (see notes), read with care: " + verdict
    return _row("ULMC: change in structural paths", "largest |delta beta|", largest, np.nan,
                np.nan, verdict, SOURCES["podsakoff"].cite(), concern=bool(changed))


def _zero_method(model, tol: float = 1e-4) -> bool:
    """Whether the method factor's loadings are all (about) zero: a boundary solution."""
    est = model.estimates()
    loads = est.loc[(est["op"] == "=~") & (est["lhs"] == METHOD), "est"].to_numpy()
    return bool(len(loads) and np.all(np.abs(loads) < tol))


# ----------------------------------------------------------------------------- marker
def _check_marker(result, part, marker, data):
    """Validate ``marker`` (before any refit): its columns, the rows with the marker, and under
    FIML their missing-data patterns."""
    columns = ([marker] if isinstance(marker, str) else
               list(marker) if isinstance(marker, (list, tuple, pd.Index)) else [marker])
    if not columns or not all(isinstance(c, str) for c in columns):
        raise TypeError("marker= must name a column (or a list of columns) of data")
    ov = list(result.partable.roles.ov)
    inside = [c for c in columns if c in ov or c in result.partable.roles.lv]
    if inside:
        where = part["factor_of"].get(inside[0])
        raise ValueError(f"marker '{inside[0]}' is "
                         + (f"an indicator of {where}" if where else "a variable")
                         + " in the model; a marker variable must be theoretically unrelated "
                           "to the model's constructs and not part of the model")
    if data is None:
        raise ValueError("marker= needs data=: the DataFrame the model was fitted to, with the "
                         "marker column(s)")
    same_rows(result, data)
    items = part["items"]
    prepared = prepare_data(data, items + columns, missing=result.call.get("missing", "listwise"))
    incomplete = ([IncompleteData.from_array(a, items + columns) for a in prepared.arrays]
                  if result.problem.fiml else None)
    return columns, prepared, incomplete


def _marker_checks(result, part, checked, estimator):
    columns, prepared, incomplete = checked
    items = part["items"]
    n = prepared.n_used
    notes = []
    if n != result.n_obs:
        notes.append(f"the marker models use {n} rows: the {result.n_obs} rows of the fit less "
                     f"{result.n_obs - n} without a marker answer")
    traits = part["orthogonal"]
    models, syntax, rows = {}, {}, []

    def fit_model(key, text, start=None):
        syntax[key] = text
        models[key] = refit(result, text, key, prepared=prepared, incomplete=incomplete,
                            start=start)
        for message in improper(models[key]):
            notes.append(f"{key}: {message}")
        return models[key]

    single = len(columns) == 1
    marker_fixed = [f"{columns[0]} ~~ 0*{columns[0]}"] if single else []
    cfa = fit_model("CFA marker: CFA", "\n".join(
        [part["syntax"], f"{MARKER} =~ " + " + ".join(columns)] + marker_fixed))
    est = cfa.estimates()
    load = {r["rhs"]: r["est"] for _, r in est[(est["op"] == "=~")
                                                & (est["lhs"] == MARKER)].iterrows()}
    resid = {r["lhs"]: r["est"] for _, r in est[(est["op"] == "~~") & est["lhs"].isin(columns)
                                                 & (est["lhs"] == est["rhs"])].iterrows()}
    fixed = " + ".join(f"{load[c]!r}*{c}" for c in columns)
    base_lines = [part["syntax"], f"{MARKER} =~ {fixed}"]
    base_lines += [f"{c} ~~ {resid[c]!r}*{c}" for c in columns]
    base_lines.append(f"{MARKER} ~~ " + " + ".join(f"0*{t}" for t in traits))
    base_text = "\n".join(base_lines)
    baseline = fit_model("CFA marker: Baseline", base_text, start=start_values(cfa))
    loaded = part["method_items"]
    small = _small_loadings(result, loaded, MARKER)
    c_text = base_text + f"\n{MARKER} =~ " + " + ".join(f"{MARKER.lower()}_l*{v}"
                                                         for v in loaded)
    u_text = base_text + f"\n{MARKER} =~ " + " + ".join(loaded)
    method_c = fit_model("CFA marker: Method-C", c_text, start=start_values(baseline, small))
    few = part["few_items"]
    method_u = (fit_model("CFA marker: Method-U", u_text, start=start_values(baseline, small))
                if not few else None)
    t_c = _test(method_c, baseline, n, estimator)
    t_u = (_test(method_u, method_c, n, estimator) if method_u is not None else
           {"delta_chisq": np.nan, "delta_df": np.nan, "p_delta": np.nan})
    keep_u = bool(t_u["p_delta"] < ALPHA)
    chosen, chosen_text = (method_u, u_text) if keep_u else (method_c, c_text)
    b_est = baseline.estimates()
    cors = b_est[(b_est["op"] == "~~") & b_est["lhs"].isin(traits) & b_est["rhs"].isin(traits)
                 & (b_est["lhs"] != b_est["rhs"])]
    r_lines = [f"{r['lhs']} ~~ {r['est']!r}*{r['rhs']}" for _, r in cors.iterrows()]
    method_r = fit_model("CFA marker: Method-R", chosen_text + "\n" + "\n".join(r_lines),
                         start=start_values(chosen))
    t_r = _test(chosen, method_r, n, estimator)
    source = SOURCES["williams_hartman"].cite()
    rows.append(_row(
        "CFA marker: Method-C vs Baseline", _delta_name(estimator), t_c["delta_chisq"],
        t_c["delta_df"], t_c["p_delta"],
        (f"{_chisq_text(t_c)}: " + ("the marker's method factor improves fit, so the items "
                                    "share method variance" if t_c["p_delta"] < ALPHA else
                                    "no shared method variance detected")), source,
        concern=t_c["p_delta"] < ALPHA))
    rows.append(_row(
        "CFA marker: Method-U vs Method-C", _delta_name(estimator), t_u["delta_chisq"],
        t_u["delta_df"], t_u["p_delta"],
        (_few_items_text(few).replace("the equal-loadings version", "Method-C")
         if method_u is None else
         f"{_chisq_text(t_u)}: " + ("method effects differ across items (Method-U retained)"
                                    if keep_u else "equal method effects (Method-C retained)")),
        source))
    rows.append(_row(
        f"CFA marker: Method-R vs Method-{'U' if keep_u else 'C'}", _delta_name(estimator),
        t_r["delta_chisq"], t_r["delta_df"], t_r["p_delta"],
        f"{_chisq_text(t_r)}: " + ("method variance biases the correlations among the "
                                   "constructs" if t_r["p_delta"] < ALPHA else
                                   "method variance does not bias the correlations among the "
                                   "constructs"), source, concern=t_r["p_delta"] < ALPHA))
    m_est = chosen.estimates()
    shares = m_est[(m_est["op"] == "=~") & (m_est["lhs"] == MARKER) & m_est["rhs"].isin(items)]
    marker_items = pd.DataFrame({"item": shares["rhs"].to_numpy(),
                                 "method_marker": shares["std_all"].to_numpy() ** 2})
    lw_row, lw_table = _lindell_whitney(prepared, items, columns, part)
    rows.append(lw_row)
    details = {"marker_items": marker_items, "marker_correlations": lw_table}
    return rows, details, notes, syntax, models


def _lindell_whitney(prepared, items, columns, part):
    """Lindell & Whitney (2001) on scale means: r_M and the adjusted construct correlations."""
    values = prepared.arrays[0]
    frame = pd.DataFrame(values, columns=items + columns)
    scales = {}
    for factor in part["first_order"]:
        mine = [i for i in items if part["factor_of"][i] == factor]
        scales[factor] = frame[mine].mean(axis=1)
    marker_score = frame[columns].mean(axis=1)
    scores = pd.DataFrame(scales)
    n = int(len(scores))
    r_marker = scores.corrwith(marker_score)
    r_m = max(float(r_marker.min()), 0.0)
    rows = []
    names = list(scores.columns)
    R = scores.corr().to_numpy()
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            r = float(R[i, j])
            t0 = r * np.sqrt((n - 2) / (1 - r * r))
            r_a = (r - r_m) / (1 - r_m)
            t = r_a * np.sqrt((n - 3) / (1 - r_a * r_a))
            rows.append({"lhs": names[i], "rhs": names[j], "r": r,
                         "pvalue": float(2 * stats.t.sf(abs(t0), n - 2)), "r_adjusted": r_a,
                         "t_adjusted": float(t),
                         "pvalue_adjusted": float(2 * stats.t.sf(abs(t), n - 3))})
    table = pd.DataFrame(rows)
    table.attrs.update(r_marker=r_marker.to_dict(), r_m=r_m, n=n)
    before = int((table["pvalue"] < ALPHA).sum()) if len(table) else 0
    after = int((table["pvalue_adjusted"] < ALPHA).sum()) if len(table) else 0
    drop = float((table["r"] - table["r_adjusted"]).abs().max()) if len(table) else np.nan
    verdict = (f"r_M = {num(r_m, 3, True)} (smallest marker-construct correlation); {after} of "
               f"{len(table)} construct correlations stay significant after partialling it "
               f"({before} before; largest change {num(drop, 3, True)})"
               + (": common method variance does not explain the correlations"
                  if after == before else
                  ": some correlations may be inflated by common method variance"))
    row = _row("Correlational marker (Lindell & Whitney)", "r_M", r_m, np.nan, np.nan, verdict,
               SOURCES["lindell_whitney"].cite(), concern=after != before)
    return row, table


# ----------------------------------------------------------------------------- PLS
def _pls_checks(result) -> CheckTable:
    """Harman's principal-components share and Kock's (2015) full-collinearity VIFs."""
    X = np.asarray(result.problem.pls["X"], dtype=float)
    R = np.corrcoef(X, rowvar=False)
    eig = np.linalg.eigvalsh(R)[::-1]
    share = float(eig[0] / X.shape[1])
    cut = CUTOFFS["harman_share"]
    rows = [_row("Harman: principal components", "share of variance", share, np.nan, np.nan,
                 f"the first component takes {100 * share:.1f}% of the variance ("
                 + ("< 50%: no single factor dominates" if cut.passes(share) else
                    ">= 50%: a general factor dominates"),
                 SOURCES["harman"].cite() + "; " + SOURCES["podsakoff"].cite(),
                 concern=not cut.passes(share))]
    scores = result.factor_scores()         # a two-stage model: its second stage's constructs
    vif = full_collinearity_vif(scores.to_numpy(), list(scores.columns))
    worst = float(vif.max())
    vcut = CUTOFFS["fc_vif"]
    bad = [k for k, v in vif.items() if vcut.fails(v)]
    rows.append(_row("Full-collinearity VIF (largest)", "VIF", worst, np.nan, np.nan,
                     (f"every construct's VIF is {vcut.rule(ascii=True)} (largest "
                      f"{worst:.2f}): no sign of common method bias" if not bad else
                      f"VIF above {vcut.threshold:g} for {', '.join(bad)} (largest "
                      f"{worst:.2f}): a sign of common method bias"), vcut.cite(),
                     concern=bool(bad)))
    table = CheckTable(pd.DataFrame(rows, columns=COLUMNS), kind="common_method",
                       title="Common method variance (PLS)",
                       sources=[SOURCES["harman"].cite(), SOURCES["podsakoff"].cite(), vcut.cite()],
                       details={"vif": vif.rename("vif").reset_index().rename(
                           columns={"index": "construct"})})
    table.verdict = _overall(table)
    return table


def full_collinearity_vif(scores, names) -> pd.Series:
    """Kock's (2015) full-collinearity VIF: each score regressed on all the others,
    ``1 / (1 - R²)``, the diagonal of the inverse correlation matrix of the scores.

    Parameters
    ----------
    scores : ndarray
        Rows x constructs.
    names : list of str
        The constructs.

    Returns
    -------
    Series
        One VIF per construct.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> scores = rng.normal(size=(200, 3))
    >>> bool((full_collinearity_vif(scores, ["a", "b", "c"]) < 1.1).all())
    True
    """
    R = np.corrcoef(np.asarray(scores, dtype=float), rowvar=False)
    return pd.Series(np.diag(np.linalg.inv(R)), index=list(names), name="vif")


# ----------------------------------------------------------------------------- verdict
def _sources(marker: bool) -> list[str]:
    out = [SOURCES["harman"].cite(), SOURCES["podsakoff"].cite(), SOURCES["fuller"].cite(),
           SOURCES["liang"].cite()]
    if marker:
        out += [SOURCES["williams_hartman"].cite(), SOURCES["lindell_whitney"].cite()]
    return out


def _overall(table: CheckTable) -> str:
    """One sentence from the rows: which checks point to common method variance."""
    flags = list(table.loc[table["concern"], "check"])
    if flags:
        text = "Common method variance may affect the results: see " + "; ".join(flags) + "."
    else:
        text = ("None of the checks points to common method variance that would change the "
                "conclusions.")
    if table.notes:
        text += f" {len(table.notes)} note(s) on the models fitted for the checks."
    return text


