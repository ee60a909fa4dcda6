"""APA tables of the checks a reviewer asks for (:class:`relqual.reviewer.CheckTable`).

:func:`check_tables` turns a check into :class:`relqual.tables.Table` objects: the common-method
checks (one row per check), the competing models (one row per model, then one row per pair of
models with its test) and the non-response check (early against late respondents per construct
and item; the demographics in a second table). The verdict, the notes (improper solutions) and
the sources go into each table's note. ``res.tables(checks=[...])`` and
``res.report(..., checks=[...])`` number them after the chapter's other tables.

``lang="zh"`` gives the titles, column headers, notes, check names, relations, tests and
verdicts in Chinese (:mod:`relqual.i18n`). The checks' own explanations (each row's reasoning,
the overall verdict, the notes on the fitted models) are free text with their numbers: in
Chinese they follow a Chinese lead and keep their English original.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .conventions import ALPHA, num, pval
from .i18n import STRINGS, lang_of, term
from .i18n import t as _t
from .tables import Table


def check_tables(check, decimals: int = 3, lang: str = "en") -> list[Table]:
    """The APA tables of one check.

    Parameters
    ----------
    check : relqual.reviewer.CheckTable
        From ``res.common_method()``, ``rq.compare()`` or ``rq.nonresponse()``.
    decimals : int
        Decimals of the numbers.
    lang : str
        "en" or "zh".

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
    >>> check_tables(rq.compare(one, two), lang="zh")[1].columns[:3]
    ['模型', '关系', '检验方法']
    """
    builders = {"common_method": _common_method, "compare": _compare,
                "nonresponse": _nonresponse}
    if check.kind not in builders:
        raise ValueError(f"not a reviewer check: kind {check.kind!r}")
    return builders[check.kind](check, decimals, lang_of(lang))


def _note(check, text: str, lang: str, rows: list[str] = ()) -> str:
    """The table's note: what the columns mean, the check's verdict, notes and sources (and, in
    Chinese, the rows' English reasoning)."""
    verdict = _t("check_verdict", lang, verdict=check.verdict) if check.verdict else ""
    parts = [text, verdict]
    if lang == "zh" and rows:
        parts.append(_t("row_verdicts", lang, verdicts="; ".join(
            f"({k}) {r}" for k, r in enumerate(rows, 1))))
    if check.notes:
        parts.append(_t("check_notes", lang, notes="; ".join(check.notes)))
    if check.sources:
        parts.append(_t("check_sources", lang, sources="; ".join(check.sources)))
    return ("" if lang == "zh" else " ").join(p.strip() for p in parts if p and p.strip())


def _title(check, keys: tuple[str, ...], lang: str) -> str:
    """The check's title in ``lang`` when it is one of the catalog's ``keys`` (the first when
    the check has none); a title of the user's own stays as it is."""
    if not check.title:
        return _t(keys[0], lang)
    for key in keys:
        parts = re.split(r"\{(\w+)\}", STRINGS[key][0])   # text, name, text, name, ...
        pattern = "".join(re.escape(p) if k % 2 == 0 else f"(?P<{p}>.+)"
                          for k, p in enumerate(parts))
        match = re.fullmatch(pattern, check.title)
        if match:
            return _t(key, lang, **match.groupdict())
    return check.title


def _common_method(check, decimals, lang) -> list[Table]:
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
        verdict = (r["verdict"] if lang == "en" else _t(
            "v_not_tested" if not np.isfinite(r["statistic"]) else
            "v_concern" if r["concern"] else "v_no_concern", lang))
        rows.append([term("check", r["check"], lang), stat, df, pval(r["pvalue"]), verdict])
    cols = [_t(k, lang) for k in ("col_check", "col_statistic")] + ["df", "p",
                                                                     _t("col_verdict", lang)]
    note = _note(check, _t("note_common_method", lang), lang, list(check["verdict"]))
    title = _title(check, ("title_common_method", "title_common_method_pls"), lang)
    return [Table("common_method", title, cols, rows, note, "lrrrl", pd.DataFrame(check),
                  lang=lang)]


def _compare(check, decimals, lang) -> list[Table]:
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
    cols = [_t("col_model", lang), "npar",
            "\u03c7\u00b2" + (_t("scaled", lang) if scaled else ""), "df", "p",
            "CFI", "TLI", "RMSEA", "SRMR", "AIC", "BIC"]
    n = check.fits[check["model"].iloc[0]].n_obs if check.fits else ""
    note = _t("note_compare", lang, n=n) + (_t("note_compare_robust", lang) if robust else "")
    models = Table("compare", _title(check, ("title_compare",), lang), cols, rows,
                   note, "l" + "r" * (len(cols) - 1), pd.DataFrame(check), lang=lang)
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
        prow.append([_t("vs", lang, a=r["model_1"], b=r["model_2"]),
                     term("relation", str(r["relation"]), lang),
                     term("test", str(r["test"]), lang), stat, df, p,
                     r["verdict"] if lang == "en" else _pair_verdict(r, lang)])
    cols = [_t(k, lang) for k in ("col_models", "col_relation", "col_test", "col_statistic")]
    tests = Table("compare_tests", _t("title_compare_tests", lang),
                  cols + ["df", "p", _t("col_verdict", lang)], prow,
                  _note(check, _t("note_compare_tests", lang), lang,
                        list(pairs["verdict"]) if len(pairs) else []),
                  "lllrrrl", pairs, lang=lang)
    return [models, tests]


def _pair_verdict(r, lang: str) -> str:
    """A pair's verdict in a few words: which model the test prefers (the reasoning is in the
    note)."""
    alpha = num(ALPHA, 2, bounded=True)
    if str(r["test"]).startswith("Vuong") and np.isfinite(r["vuong_z"]):
        for side, model in (("p_1_better", r["model_1"]), ("p_2_better", r["model_2"])):
            if r[side] < ALPHA:
                return _t("v_better", lang, model=model)
        return _t("v_indistinct", lang)
    if np.isfinite(r["pvalue"]):
        return _t("v_differ", lang, alpha=alpha) if r["pvalue"] < ALPHA else _t("v_same", lang)
    return _t("v_not_tested", lang)


def _nonresponse(check, decimals, lang) -> list[Table]:
    labels = list(check.details.get("waves", {"early": 0, "late": 0}))
    rows, current = [], None
    for _, r in check.iterrows():
        if r["kind"] != current:
            current = r["kind"]
            rows.append(_t("section_constructs" if current == "construct" else "section_items",
                           lang))
        rows.append([r["variable"],
                     f"{num(r['mean_early'], 2)} ({num(r['sd_early'], 2)})",
                     f"{num(r['mean_late'], 2)} ({num(r['sd_late'], 2)})",
                     num(r["t"], 2), num(r["df"], 1), pval(r["pvalue"]), num(r["d"], 2)])
    sizes = check.details.get("waves", {})
    cols = [_t("col_variable", lang), _t("col_m_sd", lang, wave=labels[0]),
            _t("col_m_sd", lang, wave=labels[1]), "t", "df", "p", "d"]
    note = _t("note_nonresponse", lang, sizes=_t("list_sep", lang).join(
        f"{k}: n = {v}" for k, v in sizes.items()))
    title = _title(check, ("title_nonresponse", "title_nonresponse_waves"), lang)
    out = [Table("nonresponse", title, cols, rows, _note(check, note, lang), "lccrrrr",
                 pd.DataFrame(check), lang=lang)]
    demo = check.details.get("demographics")
    if demo is not None and len(demo):
        drows = [[r["variable"], num(r["chisq"], 2), f"{r['df']:g}", pval(r["pvalue"]),
                  num(r["cramers_v"], decimals, True)] for _, r in demo.iterrows()]
        out.append(Table("nonresponse_demographics", _t("title_nonresponse_demo", lang),
                         [_t("col_variable", lang), "\u03c7\u00b2", "df", "p",
                          "Cram\u00e9r's V"], drows, _t("note_nonresponse_demo", lang),
                         "lrrrr", demo, lang=lang))
    return out
