"""APA tables of a PLS-SEM fit, following the reporting checklist of Hair, Risher, Sarstedt &
Ringle (2019, *European Business Review* 31(1), 2-24): the measurement model (loadings, alpha,
rho_A, rho_C, AVE), discriminant validity (HTMT) and the structural model (beta with its
bootstrap t, p and percentile interval, f², VIF, R² and adjusted R²).

Cut-offs (from :mod:`relqual.conventions` where they are shared with covariance-based fits):
loadings >= .708 (Hair et al. 2019), alpha and rho_C >= .70, rho_A >= .70, AVE >= .50, HTMT < .85
(.90 for conceptually similar constructs; Henseler, Ringle & Sarstedt 2015), VIF < 3 (Hair et al.
2019); f² of .02, .15 and .35 are small, medium and large effects (Cohen 1988).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .conventions import num, pval, stars
from .i18n import lang_of
from .i18n import t as _t
from .tables import Table, _ci, fit_status

LOADING_CUT = 0.708
VIF_CUT = 3.0
HTMT_CUT = 0.85
SOURCE = "Hair, Risher, Sarstedt & Ringle, 2019"
_SCHEMES = ("scheme_path", "scheme_factorial", "scheme_centroid")


def pls_measurement_table(result, decimals: int = 3, lang: str = "en") -> Table:
    """Loadings per item and alpha, rho_A, rho_C and AVE per construct."""
    loadings = result.loadings()
    reliability = result.reliability().set_index("factor")
    rows, data = [], []
    for construct, part in loadings.groupby("lhs", sort=False):
        r = reliability.loc[construct]
        rows.append(construct)
        for k, (_, item) in enumerate(part.iterrows()):
            flag = "\u2020" if abs(item["est"]) < LOADING_CUT else ""
            cells = [item["rhs"], num(item["est"], decimals, True) + flag]
            cells += ([num(r[c], decimals, True) for c in ("alpha", "rho_a", "rho_c", "ave")]
                      if k == 0 else ["", "", "", ""])
            rows.append(cells)
            data.append(dict(construct=construct, item=item["rhs"], loading=item["est"],
                             **{c: r[c] for c in ("alpha", "rho_a", "rho_c", "ave")}))
    scheme = str(result.call.get("scheme", "path"))
    if lang_of(lang) == "zh" and "scheme_" + scheme in _SCHEMES:
        scheme = _t("scheme_" + scheme, lang)
    note = _t("note_pls_measurement", lang, estimator=result.call.get("estimator"),
              scheme=scheme, source=SOURCE)
    return Table("measurement", _t("title_pls_measurement", lang),
                 [_t("col_item", lang), "\u03bb", "\u03b1", "\u03c1A", "\u03c1C", "AVE"], rows,
                 note, "llrrrr", pd.DataFrame(data), lang=lang)


def pls_htmt_table(result, decimals: int = 3, lang: str = "en") -> Table:
    """The HTMT matrix (lower triangle) with the .85 cut-off marked."""
    H = result.htmt(matrix=True)
    names = list(H.index)
    rows = []
    for a, name in enumerate(names):
        cells = [name]
        for b in range(len(names)):
            if b < a:
                value = H.iloc[a, b]
                cells.append(num(value, decimals, True) + ("\u2020" if value >= HTMT_CUT else ""))
            else:
                cells.append("\u2014" if a == b else "")
        rows.append(cells)
    note = _t("note_pls_htmt", lang)
    return Table("discriminant", _t("title_pls_htmt", lang), [""] + names, rows, note,
                 "l" + "c" * len(names), H, lang=lang)


def pls_structural_table(result, decimals: int = 3, lang: str = "en") -> Table:
    """Paths with bootstrap inference, f², VIF; R² and adjusted R² in the note."""
    paths = result.paths()
    f2 = result.f2().set_index(["lhs", "rhs"])["f2"]
    vif = result.vif().query("kind == 'antecedent'").set_index(["lhs", "rhs"])["vif"]
    boot = np.isfinite(paths["se"]).any()
    rows, data = [], []
    for _, r in paths.iterrows():
        t = r["est"] / r["se"] if r["se"] > 0 else np.nan
        key = (r["lhs"], r["rhs"])
        rows.append([f"{r['rhs']} \u2192 {r['lhs']}",
                     num(r["est"], decimals) + (stars(r["pvalue"]) if boot else ""),
                     num(t, 2) if boot else "", pval(r["pvalue"]) if boot else "",
                     f"[{num(r['ci_lower'], decimals)}, {num(r['ci_upper'], decimals)}]"
                     if boot else "",
                     num(f2.get(key, np.nan), decimals), num(vif.get(key, np.nan), 2)])
        data.append(dict(lhs=r["lhs"], rhs=r["rhs"], beta=r["est"], t=t, pvalue=r["pvalue"],
                         ci_lower=r["ci_lower"], ci_upper=r["ci_upper"],
                         f2=f2.get(key, np.nan), vif=vif.get(key, np.nan)))
    r2, adj = result.r2(), result.r2(adjusted=True)
    note = _t("note_pls_paths", lang, vif=f"{VIF_CUT:g}", source=SOURCE)
    if boot:
        note += _t("note_pls_boot", lang, draws=result.call.get("bootstrap"))
    else:
        note += _t("note_pls_noboot", lang)
    note += _t("r2_adjusted", lang, values=_t("list_sep", lang).join(
        f"{k} = {num(v, decimals, True)}{_t('paren', lang, text=num(adj[k], decimals, True))}"
        for k, v in r2.items()))
    return Table("paths", _t("title_pls_paths", lang),
                 [_t("col_path", lang), "\u03b2", "t", "p", _ci(lang), "f\u00b2", "VIF"], rows,
                 note, "lrrrcrr", pd.DataFrame(data), lang=lang)


def pls_tables(result, decimals: int = 3, lang: str = "en") -> list[Table]:
    """The three checklist tables of a PLS fit, numbered.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> [t.title for t in pls_tables(res)]
    ['Measurement model (PLS-SEM)', 'Discriminant validity (HTMT)', 'Structural model (PLS-SEM)']
    """
    out = [pls_measurement_table(result, decimals, lang), pls_htmt_table(result, decimals, lang),
           pls_structural_table(result, decimals, lang)]
    status = fit_status(result, lang)
    for k, table in enumerate(out, 1):
        table.number = k
        if status:                  # said where the numbers are: in the title and the note
            table.title = f"{table.title}{_t('paren', lang, text=status[0])}"
            table.note = f"{status[1]} {table.note}".strip()
    return out
