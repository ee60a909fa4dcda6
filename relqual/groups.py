"""Comparing groups: measurement invariance and equality of paths across groups.

``invariance()`` fits the usual sequence of nested multigroup models (Vandenberg & Lance 2000;
Putnick & Bornstein 2016): configural (same pattern, everything free), metric or weak (equal
loadings), scalar or strong (+ equal intercepts) and strict (+ equal residual variances), and
compares each with the one before it:

* the chi-square difference test as lavaan's ``lavTestLRT()`` for ML: ``delta_chisq`` =
  chi-square(constrained) - chi-square(free), ``delta_df`` likewise, ``p_delta`` from the
  chi-square distribution, and ``rmsea_d``, lavaan's RMSEA of the difference
  ``sqrt(G) sqrt(max(delta_chisq / (N delta_df) - 1/N, 0))``;
* ``delta_cfi`` = CFI(constrained) - CFI(free): a drop of more than .01 says the constraints do
  not hold (Cheung & Rensvold 2002, *Struct. Equ. Modeling* 9(2), 233-255);
* ``delta_rmsea`` = RMSEA(constrained) - RMSEA(free): a rise of more than .015 says the same
  (Chen 2007, *Struct. Equ. Modeling* 14(3), 464-504).

A level holds when the level before it holds and its comparison passes (``criterion``:
"practical" = the delta CFI and delta RMSEA cut-offs, the default; "cfi"; "chisq" = p_delta >=
alpha). The configural model is the baseline; its own fit is reported with a caution below
CFI .90 or above RMSEA .08. When scalar invariance holds, the latent means of groups 2.. (the
first group's are fixed at 0) are comparable: they are reported from the scalar model.

``compare_paths()`` tests whether one parameter (e.g. ``LOY ~ SAT``) is equal across groups in
two ways: the Wald test on the model where it is free (differences from group 1 with their
covariance from the inverse information, as lavaan's ``lavTestWald()``), and the
likelihood-ratio test against the model where it is constrained equal (shared label), as
``lavTestLRT()``.
"""
from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from .conventions import ALPHA
from .conventions import CUTOFFS as CONVENTION
from .data import check_group_column
from .difftest import check_estimator as _check_estimator
from .difftest import difference_test as _difference_test
from .difftest import difference_test_name
from .fit import fit
from .models import resolve_model
from .options import wants_ordered
from .ordinal import WU_ESTABROOK
from .ordinal_difftest import satorra_2000
from .partable import build_partable
from .pathcompare import compare_fitted_paths

LEVELS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
ALIASES = {"weak": "metric", "strong": "scalar"}
ORDINAL_LEVELS = {          # Wu & Estabrook (2016), as semTools measEq.syntax(ID.cat = ...)
    "configural": (),
    "thresholds": ("thresholds",),
    "metric": ("thresholds", "loadings"),
    "scalar": ("thresholds", "loadings", "intercepts"),
}
LEVEL_MEANING = {
    "configural": "the same factor structure in every group",
    "thresholds": "equal thresholds, so the items' latent responses are cut into categories at "
                  "the same points in every group",
    "metric": "equal factor loadings, so relations among the factors (paths, correlations) can be "
              "compared across groups",
    "scalar": "equal loadings and item intercepts, so latent means can be compared across groups",
    "strict": "equal loadings, intercepts and residual variances, so observed scale scores can be "
              "compared across groups",
}
CUTOFFS = {                  # values from relqual.conventions; the wording of the verdicts
    "delta_cfi": (CONVENTION["delta_cfi"].threshold,
                  "Cheung & Rensvold (2002): a level holds if CFI drops by at most .01 "
                  "(delta_cfi >= -0.01)"),
    "delta_rmsea": (CONVENTION["delta_rmsea"].threshold,
                    "Chen (2007): a level holds if RMSEA rises by at most .015 "
                    "(delta_rmsea <= 0.015)"),
    "configural_cfi": (CONVENTION["configural_cfi"].threshold,
                       "configural fit rule of thumb: CFI >= .90"),
    "configural_rmsea": (CONVENTION["configural_rmsea"].threshold,
                         "configural fit rule of thumb: RMSEA <= .08"),
}
CRITERIA = ("practical", "cfi", "chisq")
INVARIANCE_COLUMNS = ["level", "group_equal", "npar", "chisq", "df", "pvalue", "cfi", "tli",
                      "rmsea", "srmr", "aic", "bic", "delta_chisq", "delta_df", "p_delta",
                      "rmsea_d", "delta_cfi", "delta_rmsea", "delta_cfi_ok", "delta_rmsea_ok",
                      "holds", "converged"]


# --------------------------------------------------------------------------- invariance
def invariance(model, data=None, group: str | None = None, levels=None,
               estimator: str | None = None, group_partial=(), *, ordered=None,
               criterion: str = "practical", alpha: float = ALPHA,
               delta_cfi: float = CUTOFFS["delta_cfi"][0],
               delta_rmsea: float = CUTOFFS["delta_rmsea"][0],
               **fit_options) -> pd.DataFrame:
    """Measurement invariance across the groups of ``group``: one row per level.

    Columns: ``level group_equal npar chisq df pvalue cfi tli rmsea srmr aic bic`` and, against
    the level before, ``delta_chisq delta_df p_delta rmsea_d delta_cfi delta_rmsea
    delta_cfi_ok delta_rmsea_ok holds converged``. ``group_partial`` frees the named parameters
    in every level (partial invariance, e.g. ``["visual =~ x2", "x3 ~ 1"]``); other keyword
    arguments go to :func:`relqual.fit` (``std_lv``, ``control``, ...).

    Ordered (Likert) items (``ordered=``, estimator WLSMV): the ordinal sequence of Wu &
    Estabrook (2016, *Psychometrika* 81, 1014-1045), identified as semTools'
    ``measEq.syntax(ID.cat = "Wu.Estabrook.2016")`` (delta parameterization): configural;
    thresholds (equal thresholds; the items' intercepts and the scales of items with three or
    more categories free in groups 2..); metric (+ equal loadings); scalar (+ equal
    intercepts: latent means free in groups 2..). Each level is compared with the one before by
    lavaan's ``lavTestLRT`` for WLSMV (Satorra 2000 scaled-shifted difference test,
    :func:`relqual.ordinal_difftest.satorra_2000`); the columns ``chisq pvalue cfi tli
    rmsea`` then hold the scaled (mean- and variance-adjusted) versions, which WLSMV papers
    report, ``aic`` and ``bic`` are NaN and so is ``rmsea_d`` (lavaan gives none for scaled
    tests); ``table.attrs["test"]`` says so. Strict invariance (equal residual variances) is
    not a level here: under the delta parameterization residual variances are not
    parameters.

    ``table.attrs`` holds ``verdict`` (one plain-language paragraph), ``summary`` (the table,
    the verdict and the latent means as text), ``highest_level``, ``cutoffs`` (value and source
    of each cut-off), ``criterion``, ``latent_means`` (records of the scalar model's latent
    means of groups 2.., or None when scalar invariance does not hold), ``group_labels`` and
    ``warnings`` (per level).

    Parameters
    ----------
    model : str, ModelSpec or Path
        Anything :func:`relqual.fit` takes.
    data : DataFrame
        The data, with the group column (or leave it out and pass summary statistics per
        group to :func:`relqual.fit` in ``fit_options``: ``cov={label: ...}``, ``means=``,
        ``n_obs=``; scalar and strict levels need the means).
    group : str
        The column that defines the groups (a name only, with summary statistics).
    levels : sequence of str, optional
        The levels to fit, in order: "configural", "metric" (or "weak"), "scalar" (or
        "strong"), "strict" (all four by default); for ordered items "configural",
        "thresholds", "metric", "scalar" (all four by default).
    estimator : {"ML", "MLR", "WLSMV"}, optional
        MLR uses the Satorra-Bentler (2001) scaled difference test. Default: ML, or WLSMV when
        ``ordered`` names items.
    group_partial : str or list of str
        Parameters left free in every level (partial invariance), thresholds as ``"x3 | t2"``.
    ordered : bool, str or list of str, optional
        Ordered items, as :func:`relqual.fit` takes them.
    criterion : {"practical", "cfi", "chisq"}
        When a level holds (see the module docstring).
    alpha : float
        Significance level of the chi-square difference tests.
    delta_cfi, delta_rmsea : float
        The cut-offs (Cheung & Rensvold 2002; Chen 2007).
    **fit_options
        Passed to :func:`relqual.fit`.

    Returns
    -------
    DataFrame
        ``level group_equal npar chisq df pvalue cfi tli rmsea srmr aic bic delta_chisq
        delta_df p_delta rmsea_d delta_cfi delta_rmsea delta_cfi_ok delta_rmsea_ok holds
        converged``, with the ``attrs`` above (``print(table.attrs["summary"])`` reads it).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> table = rq.invariance(model, hs, group="school")
    >>> table[["level", "chisq", "df", "delta_cfi", "holds"]].round(3)
            level    chisq    df  delta_cfi  holds
    0  configural  115.851  48.0        NaN   True
    1      metric  124.044  54.0     -0.002   True
    2      scalar  164.103  60.0     -0.038  False
    3      strict  181.511  69.0     -0.009  False
    >>> table.attrs["highest_level"]
    'metric'
    """
    ordinal = wants_ordered(ordered)
    if estimator is None:
        estimator = "WLSMV" if ordinal else "ML"
    if ordinal:
        if str(estimator).upper() != "WLSMV":
            raise ValueError(f"ordered items are compared with estimator='WLSMV' (got "
                             f"estimator={estimator!r})")
        fit_options = dict(fit_options, ordered=ordered)
    else:
        _check_estimator(estimator)
    if "group_equal" in fit_options:
        raise TypeError("invariance() sets group_equal itself, level by level; pass the levels "
                        "instead (and group_partial to free single parameters)")
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion '{criterion}'; choose from {', '.join(CRITERIA)}")
    all_levels = ORDINAL_LEVELS if ordinal else LEVELS
    levels = _check_levels(tuple(all_levels) if levels is None else levels, all_levels)
    summary = _summary_given(fit_options)
    if not summary:
        _check_group_column(data, group)
    if isinstance(group_partial, str):
        group_partial = [group_partial]
    spec = resolve_model(model)
    other_partial = [t for t in group_partial if "|" not in t]
    if other_partial:          # every term names a parameter some level constrains (else: error)
        build_partable(spec.syntax, ngroups=2, meanstructure=True,
                       group_equal=all_levels[levels[-1]], group_partial=tuple(other_partial))
    if ordinal:
        spec = replace(spec, extra=dict(spec.extra, ordinal_identification=WU_ESTABROOK))
    fits = {}
    for level in levels:
        partial = list(group_partial) if all_levels[level] else []
        with warnings.catch_warnings():   # a term for a later level does nothing at this one
            warnings.filterwarnings("ignore", message="group_partial term .* has no effect")
            fits[level] = fit(spec, data, estimator=estimator, group=group,
                              group_equal=list(all_levels[level]), group_partial=partial,
                              **fit_options)
    table = _invariance_table(fits, estimator, criterion, alpha, delta_cfi, delta_rmsea,
                              all_levels)
    first = fits[levels[0]]
    latent = None
    if "scalar" in fits and bool(table.loc[table["level"] == "scalar", "holds"].iloc[0]):
        latent = latent_means(fits["scalar"])
    highest = table.loc[table["holds"], "level"].iloc[-1] if table["holds"].any() else None
    group = first.call.get("group") if group is None else group
    verdict = _verdict(table, first, group, highest, latent, criterion, alpha, delta_cfi,
                       delta_rmsea)
    table.attrs.update(
        verdict=verdict, highest_level=highest, criterion=criterion, alpha=alpha,
        cutoffs={"delta_cfi": {"value": delta_cfi, "source": CUTOFFS["delta_cfi"][1]},
                 "delta_rmsea": {"value": delta_rmsea, "source": CUTOFFS["delta_rmsea"][1]},
                 "configural_cfi": {"value": CUTOFFS["configural_cfi"][0],
                                    "source": CUTOFFS["configural_cfi"][1]},
                 "configural_rmsea": {"value": CUTOFFS["configural_rmsea"][0],
                                      "source": CUTOFFS["configural_rmsea"][1]}},
        group=group, group_labels=list(first.group_labels),
        latent_means=None if latent is None else latent.to_dict("records"),
        warnings={level: list(res.warnings) for level, res in fits.items()},
        test=("scaled-shifted (WLSMV): chisq, pvalue, cfi, tli and rmsea are the scaled "
              "versions; delta_chisq is lavaan's satorra.2000 scaled difference test; "
              f"identification {WU_ESTABROOK}") if ordinal else
             difference_test_name(estimator, fit_options.get("test")))
    table.attrs["summary"] = _summary_text(table, latent)
    return table


def _check_levels(levels, known=LEVELS) -> list[str]:
    if isinstance(levels, str):
        levels = [levels]
    names = [ALIASES.get(str(level).lower(), str(level).lower()) for level in levels]
    if known is ORDINAL_LEVELS and "strict" in names:
        raise ValueError("strict invariance is not a level for ordered items: under the delta "
                         "parameterization their residual variances are not parameters; "
                         "choose from " + ", ".join(known))
    unknown = [level for level, name in zip(levels, names) if name not in known]
    if unknown:
        raise ValueError(f"unknown invariance level(s) {unknown}; choose from "
                         f"{', '.join(known)} (or the aliases weak = metric, strong = scalar)")
    if not names:
        raise ValueError("levels is empty; give at least one of " + ", ".join(known))
    order = [list(known).index(n) for n in names]
    if len(set(order)) != len(order) or order != sorted(order):
        raise ValueError(f"levels must be distinct and in the order {', '.join(known)} "
                         f"(got {list(levels)})")
    return names


def _summary_given(fit_options: dict) -> bool:
    """Whether summary statistics (cov=, cor=, ...) are among the options for fit()."""
    return any(fit_options.get(k) is not None for k in ("cov", "cor", "n_obs"))


def _check_group_column(data, group) -> None:
    if group is None:
        raise ValueError("a group comparison needs group= (the column that defines the groups)")
    check_group_column(data, group)


def _measures(res, ordinal: bool) -> dict:
    """The fit measures of a level's row: for WLSMV the scaled ones under the usual names."""
    fm = res.fit_measures()
    names = ("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic")
    scaled = {"chisq", "pvalue", "cfi", "tli", "rmsea"} if ordinal else set()
    return {k: float(fm[k + "_scaled"] if k in scaled else fm[k]) for k in names}


def _invariance_table(fits, estimator, criterion, alpha, cut_cfi, cut_rmsea,
                      known=LEVELS) -> pd.DataFrame:
    rows, previous, holds = [], None, True
    ordinal = str(estimator).upper() == "WLSMV"
    for level, res in fits.items():
        fm = _measures(res, ordinal)
        row = {"level": level, "group_equal": ", ".join(known[level]) or "(none)"}
        row.update(fm)
        row.update(delta_chisq=np.nan, delta_df=np.nan, p_delta=np.nan, rmsea_d=np.nan,
                   delta_cfi=np.nan, delta_rmsea=np.nan, delta_cfi_ok=None,
                   delta_rmsea_ok=None)
        if previous is not None:
            if ordinal:
                test = satorra_2000(previous, res)
                row.update({k: test[k] for k in ("delta_chisq", "delta_df", "p_delta")})
            else:
                row.update(_difference_test(previous, res, res.n_obs, res.partable.ngroups,
                                            estimator))
            pf = _measures(previous, ordinal)
            row["delta_cfi"] = float(fm["cfi"] - pf["cfi"])
            row["delta_rmsea"] = float(fm["rmsea"] - pf["rmsea"])
            row["delta_cfi_ok"] = bool(row["delta_cfi"] >= cut_cfi - 1e-12)
            row["delta_rmsea_ok"] = bool(row["delta_rmsea"] <= cut_rmsea + 1e-12)
            passes = {"practical": row["delta_cfi_ok"] and row["delta_rmsea_ok"],
                      "cfi": row["delta_cfi_ok"],
                      "chisq": not (row["p_delta"] < alpha)}[criterion]
            holds = holds and passes
        row["holds"] = holds
        row["converged"] = res.converged
        rows.append(row)
        previous = res
    table = pd.DataFrame(rows, columns=INVARIANCE_COLUMNS)
    table["delta_cfi_ok"] = table["delta_cfi_ok"].astype(object)
    table["delta_rmsea_ok"] = table["delta_rmsea_ok"].astype(object)
    return table


def latent_means(result) -> pd.DataFrame:
    """Latent means (intercepts, for latent variables with predictors) of groups 2.. of a
    multigroup fit, relative to group 1 whose are fixed at 0: ``lhs kind group group_label est
    se z pvalue ci_lower ci_upper std_diff``; ``std_diff`` = est / the factor's standard deviation
    in group 1 (a standardized mean difference, like Cohen's d).

    Parameters
    ----------
    result : relqual.result.Result
        A multigroup fit with a mean structure, usually the scalar model (equal loadings and
        intercepts) with the first group's latent means fixed at 0.

    Returns
    -------
    DataFrame
        ``lhs kind group group_label est se z pvalue ci_lower ci_upper std_diff``, one row per
        free latent mean (``kind`` "mean", or "intercept" for a factor with predictors).

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = rq.fit(model, hs, group="school", group_equal=["loadings", "intercepts"])
    >>> from relqual.groups import latent_means
    >>> latent_means(res)[["lhs", "group_label", "est", "se", "std_diff"]].round(3)
           lhs  group_label    est     se  std_diff
    0   visual  Grant-White -0.148  0.122    -0.166
    1  textual  Grant-White  0.576  0.117     0.615
    2    speed  Grant-White -0.177  0.090    -0.312
    """
    est = result.estimates()
    lv = list(result.partable.roles.lv)
    rows = est[(est["op"] == "~1") & est["lhs"].isin(lv) & (est["group"] > 1)]
    rows = rows[np.isfinite(rows["se"].to_numpy(dtype=float)) & (rows["se"] > 0)]
    imp = result.models[0].implied(result.x)
    p = result.models[0].p
    sd1 = {name: float(np.sqrt(imp.C[p + i, p + i])) for i, name in enumerate(lv)}
    endogenous = set(result.partable.table.query("op == '~'")["lhs"])
    out = pd.DataFrame({
        "lhs": rows["lhs"].to_numpy(),
        "kind": ["intercept" if name in endogenous else "mean" for name in rows["lhs"]],
        "group": rows["group"].to_numpy(),
        "group_label": [result.group_labels[g - 1] for g in rows["group"]],
        "est": rows["est"].to_numpy(), "se": rows["se"].to_numpy(),
        "z": rows["z"].to_numpy(), "pvalue": rows["pvalue"].to_numpy(),
        "ci_lower": rows["ci_lower"].to_numpy(), "ci_upper": rows["ci_upper"].to_numpy()})
    out["std_diff"] = out["est"] / out["lhs"].map(sd1)
    return out


def _verdict(table, first, group, highest, latent, criterion, alpha, cut_cfi, cut_rmsea) -> str:
    labels = ", ".join(map(str, first.group_labels))
    parts = []
    base = table.iloc[0]
    if base["level"] == "configural" and (base["cfi"] < CUTOFFS["configural_cfi"][0]
                                          or base["rmsea"] > CUTOFFS["configural_rmsea"][0]):
        parts.append(f"Caution: the configural model itself fits poorly (CFI = {base['cfi']:.3f}, "
                     f"RMSEA = {base['rmsea']:.3f}; rules of thumb CFI >= .90, RMSEA <= .08), so "
                     "the comparisons between levels rest on a doubtful baseline.")
    rule = {"practical": f"delta CFI >= {cut_cfi:g} (Cheung & Rensvold 2002) and delta RMSEA <= "
                         f"{cut_rmsea:g} (Chen 2007)",
            "cfi": f"delta CFI >= {cut_cfi:g} (Cheung & Rensvold 2002)",
            "chisq": f"a chi-square difference test with p >= {alpha:g}"}[criterion]
    name = {"metric": "Metric (weak)", "scalar": "Scalar (strong)", "strict": "Strict",
            "configural": "Configural", "thresholds": "Threshold"}
    if highest is None:
        parts.append(f"No level holds across the groups of '{group}' ({labels}).")
    else:
        parts.append(f"{name[highest]} invariance holds across the groups of '{group}' "
                     f"({labels}): {LEVEL_MEANING[highest]}.")
    failed = table[~table["holds"]]
    if len(failed):
        row = failed.iloc[0]
        reasons = []
        if row["delta_cfi_ok"] is False:
            reasons.append(f"CFI drops by {-row['delta_cfi']:.3f}, more than {-cut_cfi:g}")
        if row["delta_rmsea_ok"] is False:
            reasons.append(f"RMSEA rises by {row['delta_rmsea']:.3f}, more than {cut_rmsea:g}")
        if row["p_delta"] < alpha:
            reasons.append(f"chi-square difference = {row['delta_chisq']:.2f}, df = "
                           f"{int(row['delta_df'])}, p = {row['p_delta']:.3g}")
        why = "; ".join(reasons) if reasons else "its comparison fails"
        parts.append(f"{name[row['level']]} invariance does not hold ({why}).")
        if row["level"] in ("thresholds", "metric", "scalar"):
            what = {"thresholds": "thresholds", "metric": "loadings",
                    "scalar": "intercepts"}[row["level"]]
            parts.append(f"Partial invariance may still hold: free the non-invariant {what} "
                         "with group_partial=[...] (see the modification indices of the "
                         "constrained model).")
    parts.append(f"Decision rule: {rule}.")
    if latent is not None and len(latent):
        sig = latent[latent["pvalue"] < ALPHA]
        if len(sig):
            text = ", ".join(f"{r.lhs} in {r.group_label} {r.est:+.3f} (p = {r.pvalue:.3g})"
                             for r in sig.itertuples())
            parts.append(f"Latent means differ from group {first.group_labels[0]}: {text}.")
        else:
            parts.append("No latent mean differs significantly from group "
                         f"{first.group_labels[0]} (p >= .05).")
    elif "scalar" in set(table["level"]):
        parts.append("Latent means cannot be compared, because scalar invariance does not hold.")
    return " ".join(parts)


def _summary_text(table, latent) -> str:
    shown = table[["level", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr",
                   "delta_chisq", "delta_df", "p_delta", "delta_cfi", "delta_rmsea", "holds"]]
    lines = ["Measurement invariance across groups of "
             f"'{table.attrs['group']}' ({', '.join(map(str, table.attrs['group_labels']))})", "",
             shown.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep=""), "",
             table.attrs["verdict"]]
    if latent is not None and len(latent):
        lines += ["", "Latent means (scalar model; group 1 fixed at 0)",
                  latent.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
    levels_of: dict = {}                       # each message once, with the levels it concerns
    for level, messages in table.attrs["warnings"].items():
        for message in messages:
            levels_of.setdefault(message, []).append(level)
    if levels_of:
        every = len(table.attrs["warnings"])
        lines += ["", "WARNINGS"] + [
            f"  ! {'every level' if len(lvls) == every else ', '.join(lvls)}: {message}"
            for message, lvls in levels_of.items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- path comparison
def compare_paths(model, data=None, group: str | None = None, paths=(), *,
                  estimator: str = "ML", **fit_options) -> pd.DataFrame:
    """Is a parameter equal across groups? Wald and likelihood-ratio tests, one row per path.

    ``model`` is anything :func:`relqual.fit` takes (then ``data`` and ``group`` are needed), or a
    fitted multigroup :class:`~relqual.result.Result` (its complete rows are refitted for the
    likelihood-ratio test, with the same options). ``paths`` are lavaan formulas such as
    ``"LOY ~ SAT"``, ``"SAT =~ sat2"`` or ``"LOY ~ SAT + SB"`` (one row per parameter).

    Columns: ``path lhs op rhs est_<group> se_<group>`` (one pair per group) ``diff se_diff z_diff``
    (group 2 minus group 1, with two groups), ``wald_chisq wald_df wald_pvalue`` (lavaan
    ``lavTestWald``: the G - 1 differences from group 1, jointly) and ``lrt_chisq lrt_df
    lrt_pvalue chisq_free chisq_equal`` (``lavTestLRT`` of the model with the parameter
    constrained equal by a shared label against the free model).

    Parameters
    ----------
    model : str, ModelSpec, Path or Result
        Anything :func:`relqual.fit` takes, or a fitted multigroup Result.
    data : DataFrame, optional
        The data (not with a Result).
    group : str, optional
        The column that defines the groups (not with a Result).
    paths : str or list of str
        The parameters to compare.
    estimator : {"ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF", "WLSMV"}
        The estimator of the fit (scaled difference tests as lavTestLRT; WLSMV with
        ``ordered=``: Satorra 2000 scaled-shifted).
    **fit_options
        Passed to :func:`relqual.fit`.

    Returns
    -------
    DataFrame
        One row per parameter, with the columns above.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> table = rq.compare_paths(model, hs, group="school", paths="visual =~ x2 + x3")
    >>> table[["path", "diff", "wald_pvalue", "lrt_chisq", "lrt_pvalue"]].round(3)
               path   diff  wald_pvalue  lrt_chisq  lrt_pvalue
    0  visual =~ x2  0.342        0.082      2.401       0.121
    1  visual =~ x3  0.355        0.102      2.251       0.134
    """
    if not fit_options.get("ordered"):        # ordered items: compare_fitted_paths checks
        _check_estimator(estimator)
    if hasattr(model, "problem"):                         # a fitted Result
        result = model
    else:
        if not _summary_given(fit_options):
            _check_group_column(data, group)
        result = fit(model, data, estimator=estimator, group=group, **fit_options)
    return compare_fitted_paths(result, paths)
