"""APA tables of the checks a reviewer asks for (:class:`relqual.reviewer.CheckTable`).

:func:`check_tables` turns a check into :class:`relqual.tables.Table` objects: the common-method
checks (one row per check), the competing models (one row per model, then one row per pair of
models with its test) and the non-response check (early against late respondents per construct
and item; the demographics in a second table). The verdict, the notes (improper solutions) and
the sources go into each table's note. ``res.tables(checks=[...])`` and
``res.report(..., checks=[...])`` number them after the chapter's other tables.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .conventions import num, pval
from .tables import Table


def check_tables(check, decimals: int = 3) -> list[Table]:
    """The APA tables of one check.

    Parameters
    ----------
    check : relqual.reviewer.CheckTable
        From ``res.common_method()``, ``rq.compare()`` or ``rq.nonresponse()``.
    decimals : int
        Decimals of the numbers.

    Returns
    -------
    list of Table
        Not numbered yet.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> one = rq.fit("g =~ x1 + x2 + x3 + x4 + x5 + x6", hs)
    >>> two = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
    >>> [t.name for t in check_tables(rq.compare(one, two))]
    ['compare', 'compare_tests']
    """
    builders = {"common_method": _common_method, "compare": _compare,
                "nonresponse": _nonresponse}
    if check.kind not in builders:
        raise ValueError(f"not a reviewer check: kind {check.kind!r}")
    return builders[check.kind](check, decimals)


def _note(check, text: str) -> str:
    parts = [text, check.verdict]
    if check.notes:
        parts.append("Notes: " + "; ".join(check.notes) + ".")
    if check.sources:
        parts.append("Sources: " + "; ".join(check.sources) + ".")
    return " ".join(p.strip() for p in parts if p and p.strip())


def _common_method(check, decimals) -> list[Table]:
    rows = []
    for _, r in check.iterrows():
        measure = r["measure"]
        if measure == "share of variance":
            stat = f"{100 * r['statistic']:.1f}%"
        elif measure in ("r_M", "largest |delta beta|"):
            stat = num(r["statistic"], decimals, bounded=True)
        elif measure == "VIF":
            stat = num(r["statistic"], 2)
        else:
            stat = num(r["statistic"], 2)
        df = f"{r['df']:g}" if np.isfinite(r["df"]) else ""
        rows.append([r["check"], stat, df, pval(r["pvalue"]), r["verdict"]])
    note = ("Share of variance: first unrotated factor (Harman's test); \u0394\u03c7\u00b2: "
            "chi-square difference test (lavaan's lavTestLRT; scaled for MLR); ULMC: "
            "unmeasured latent method construct (orthogonal to the traits, variance 1); "
            "|delta beta|: change of a standardized structural path when the method factor is "
            "added; r_M: the marker's smallest correlation with a construct.")
    return [Table("common_method", check.title or "Common method variance",
                  ["Check", "Statistic", "df", "p", "Verdict"], rows, _note(check, note),
                  "lrrrl", pd.DataFrame(check))]


def _compare(check, decimals) -> list[Table]:
    scaled = "chisq_scaled" in check.columns
    robust = "cfi_robust" in check.columns
    rows = []
    for _, r in check.iterrows():
        chisq = r["chisq_scaled"] if scaled else r["chisq"]
        p = r["pvalue_scaled"] if scaled else r["pvalue"]
        cfi = r["cfi_robust"] if robust else r["cfi"]
        tli = r["tli_robust"] if robust else r["tli"]
        rmsea = r["rmsea_robust"] if robust else r["rmsea"]
        rows.append([r["model"], f"{int(r['npar'])}", num(chisq, decimals), f"{int(r['df'])}",
                     pval(p), num(cfi, decimals, True), num(tli, decimals, True),
                     num(rmsea, decimals, True), num(r["srmr"], decimals, True),
                     num(r["aic"], 1), num(r["bic"], 1)])
    cols = ["Model", "npar", "\u03c7\u00b2" + (" (scaled)" if scaled else ""), "df", "p",
            "CFI", "TLI", "RMSEA", "SRMR", "AIC", "BIC"]
    note = ("All models fitted to the same rows (N = "
            f"{check.fits[check['model'].iloc[0]].n_obs if check.fits else ''}); lower AIC and "
            "BIC are better." + (" Robust CFI, TLI and RMSEA for MLR." if robust else ""))
    models = Table("compare", check.title or "Competing models", cols, rows,
                   note, "l" + "r" * (len(cols) - 1), pd.DataFrame(check))
    pairs = check.details.get("pairs", pd.DataFrame())
    prow = []
    for _, r in pairs.iterrows():
        if str(r["test"]).startswith("Vuong") and np.isfinite(r["vuong_z"]):
            stat = f"z = {num(r['vuong_z'], 2)}"
            p = pval(min(r["p_1_better"], r["p_2_better"]))
            df = ""
        elif np.isfinite(r["statistic"]):
            stat, p, df = num(r["statistic"], 2), pval(r["pvalue"]), f"{r['df']:g}"
        else:
            stat, p, df = "", "", ""
        prow.append([f"{r['model_1']} vs {r['model_2']}", r["relation"], r["test"], stat, df, p,
                     r["verdict"]])
    tests = Table("compare_tests", "Competing models: tests of each pair",
                  ["Models", "Relation", "Test", "Statistic", "df", "p", "Verdict"], prow,
                  _note(check, "Nesting as Bentler & Satorra (2010): a model is nested in "
                               "another when that one reproduces its implied moments. Nested "
                               "pairs: chi-square difference test; non-nested pairs: Vuong's "
                               "tests (distinguishability test, then the likelihood-ratio z "
                               "with its one-sided p)."),
                  "lllrrrl", pairs)
    return [models, tests]


def _nonresponse(check, decimals) -> list[Table]:
    labels = list(check.details.get("waves", {"early": 0, "late": 0}))
    rows, current = [], None
    for _, r in check.iterrows():
        if r["kind"] != current:
            current = r["kind"]
            rows.append("Constructs (scale means)" if current == "construct" else "Items")
        rows.append([r["variable"],
                     f"{num(r['mean_early'], 2)} ({num(r['sd_early'], 2)})",
                     f"{num(r['mean_late'], 2)} ({num(r['sd_late'], 2)})",
                     num(r["t"], 2), num(r["df"], 1), pval(r["pvalue"]), num(r["d"], 2)])
    sizes = check.details.get("waves", {})
    cols = ["Variable", f"{labels[0]} M (SD)", f"{labels[1]} M (SD)", "t", "df", "p", "d"]
    note = (f"Welch t-tests ({', '.join(f'{k}: n = {v}' for k, v in sizes.items())}); d = "
            "Cohen's d with the pooled SD (late minus early; |d| < .20 negligible).")
    out = [Table("nonresponse", check.title or "Non-response bias", cols, rows,
                 _note(check, note), "lccrrrr", pd.DataFrame(check))]
    demo = check.details.get("demographics")
    if demo is not None and len(demo):
        drows = [[r["variable"], num(r["chisq"], 2), f"{r['df']:g}", pval(r["pvalue"]),
                  num(r["cramers_v"], decimals, True)] for _, r in demo.iterrows()]
        out.append(Table("nonresponse_demographics",
                         "Non-response bias: demographics of early and late respondents",
                         ["Variable", "\u03c7\u00b2", "df", "p", "Cram\u00e9r's V"], drows,
                         "Pearson chi-square tests of wave by category (no continuity "
                         "correction).", "lrrrr", demo))
    return out
