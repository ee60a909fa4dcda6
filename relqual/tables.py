"""APA-style tables of a fitted model, for a thesis chapter: HTML, Markdown, LaTeX and Word.

:func:`apa_tables` builds them from a :class:`relqual.Result`:

1. ``measurement``: standardized loadings, Cronbach's alpha, composite reliability and AVE;
2. ``discriminant``: sqrt(AVE) on the diagonal, latent correlations below it and HTMT above it
   (Fornell & Larcker 1981; Henseler, Ringle & Sarstedt 2015);
3. ``paths``: structural paths with the library model's hypotheses and verdicts;
4. ``indirect``: direct, specific indirect, total indirect and total effects with intervals;
5. ``fit``: fit indices with the usual cut-offs (Hu & Bentler 1999).

Each :class:`Table` keeps its cells as the text a reader sees (numbers rounded as APA writes them:
no leading zero for values that cannot exceed 1) and the unrounded numbers in ``Table.data``.
``to_markdown()``, ``to_html()``, ``to_latex()`` and ``to_docx(path)`` (or ``add_to_docx(doc)``)
export it; :func:`tables_to_docx` etc. put several in one file.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .conventions import (  # noqa: F401 - parse_num: public here too
    ALPHA,
    CI_LEVEL,
    CUTOFFS,
    DAGGER,
    MINUS,
    SOURCES,
    STARS_NOTE,
    num,
    p_text,
    parse_num,
    pval,
    stars,
)
from .i18n import lang_of, table_label
from .i18n import t as _t
from .testlabels import estimation_note
from .verdicts import judge

CHAR_IN = 0.085             # width of a character of a 10 pt table font, in inches (about)
CI = f"{100 * CI_LEVEL:g}% CI"


def _ci(lang: str = "en", of: str = "") -> str:
    """"95% CI" or "95% 置信区间", with what it is of: "95% CI (β)", "β 的 95% 置信区间"."""
    ci = _t("ci", lang, level=100 * CI_LEVEL)
    return _t("ci_of", lang, ci=ci, of=of) if of else ci


# ----------------------------------------------------------------------------- the table object
@dataclass
class Table:
    """One APA table: ``title``, ``columns``, ``rows`` of cell text, ``note``.

    A row given as a plain string is a section heading spanning all columns. ``align`` has one
    'l', 'c' or 'r' per column. ``data`` holds the unrounded numbers behind the cells.
    """

    name: str
    title: str
    columns: list
    rows: list
    note: str = ""
    align: str = ""
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    number: int | None = None
    lang: str = "en"

    def __post_init__(self):
        if not self.align:
            self.align = "l" + "r" * (len(self.columns) - 1)

    @property
    def label(self) -> str:
        return table_label(self.number, self.lang)

    @property
    def note_label(self) -> str:
        """"Note." or "注：" before the note."""
        return _t("note", self.lang)

    def body(self) -> list:
        return [r for r in self.rows if not isinstance(r, str)]

    def cell(self, row_key: str, column: str) -> str:
        """The text of the cell in ``column`` of the first row whose first cells contain
        ``row_key`` (for tests and scripts)."""
        j = self.columns.index(column)
        for r in self.body():
            if row_key in r[:3]:
                return r[j]
        raise KeyError(f"no row {row_key!r} in {self.name}")

    # ------------------------------------------------------------------ Markdown
    def to_markdown(self) -> str:
        def esc(s):
            return str(s).replace("|", "\\|")
        lines = [f"**{self.label}**", "", f"*{self.title}*", "",
                 "| " + " | ".join(esc(c) for c in self.columns) + " |",
                 "|" + "|".join({"l": ":---", "r": "---:", "c": ":---:"}[a]
                                for a in self.align) + "|"]
        for r in self.rows:
            if isinstance(r, str):
                lines.append("| " + f"**{esc(r)}**" + " |" * len(self.columns))
            else:
                lines.append("| " + " | ".join(esc(c) for c in r) + " |")
        if self.note:
            lines += ["", f"*{self.note_label}* {self.note}"]
        return "\n".join(lines) + "\n"

    __str__ = to_markdown

    # ------------------------------------------------------------------ HTML
    def to_html(self, table_id: str | None = None) -> str:
        align = {"l": "left", "r": "right", "c": "center"}
        ident = f' id="{table_id or self.name}"'
        out = [f'<figure class="apa-table"{ident}>',
               f'<div class="apa-label">{html.escape(self.label)}</div>',
               f'<div class="apa-title">{html.escape(self.title)}</div>',
               '<table>', "<thead><tr>"]
        out += [f'<th style="text-align:{align[a]}">{html.escape(str(c))}</th>'
                for c, a in zip(self.columns, self.align)]
        out.append("</tr></thead><tbody>")
        for r in self.rows:
            if isinstance(r, str):
                out.append(f'<tr class="section"><td colspan="{len(self.columns)}">'
                           f"{html.escape(r)}</td></tr>")
            else:
                out.append("<tr>" + "".join(f'<td style="text-align:{align[a]}">'
                                            f"{html.escape(str(c))}</td>"
                                            for c, a in zip(r, self.align)) + "</tr>")
        out.append("</tbody></table>")
        if self.note:
            out.append(f'<div class="apa-note"><i>{html.escape(self.note_label)}</i> '
                       f'{html.escape(self.note)}</div>')
        out.append("</figure>")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return f"<style>{CSS}</style>" + self.to_html()

    # ------------------------------------------------------------------ LaTeX
    def to_latex(self) -> str:
        """A ``table`` float with booktabs rules (``\\usepackage{booktabs}``; Chinese text needs
        XeLaTeX with ``xeCJK``)."""
        cols = "".join(self.align)
        out = ["\\begin{table}[htbp]", "\\centering",
               f"\\caption{{{latex_escape(self.title)}}}", f"\\label{{tab:{self.name}}}",
               f"\\begin{{tabular}}{{{cols}}}", "\\toprule",
               " & ".join(latex_escape(c) for c in self.columns) + " \\\\", "\\midrule"]
        for r in self.rows:
            if isinstance(r, str):
                out.append(f"\\multicolumn{{{len(self.columns)}}}{{l}}"
                           f"{{\\textit{{{latex_escape(r)}}}}} \\\\")
            else:
                out.append(" & ".join(latex_escape(c) for c in r) + " \\\\")
        out += ["\\bottomrule", "\\end{tabular}"]
        if self.note:
            out.append(f"\\par\\smallskip\\parbox{{\\linewidth}}{{\\footnotesize"
                       f"\\textit{{{self.note_label}}} "
                       f"{latex_escape(self.note)}}}")
        out.append("\\end{table}")
        return "\n".join(out) + "\n"

    # ------------------------------------------------------------------ Word
    def add_to_docx(self, document) -> None:
        """Append the table (label, title, table, note) to a python-docx ``Document``."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = document.add_paragraph()
        p.add_run(self.label).bold = True
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.keep_with_next = True
        p = document.add_paragraph()
        p.add_run(self.title).italic = True
        p.paragraph_format.keep_with_next = True
        table = document.add_table(rows=1, cols=len(self.columns))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        aligns = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT,
                  "c": WD_ALIGN_PARAGRAPH.CENTER}

        size = 10 if len(self.columns) <= 6 else 9            # wide tables in 9 pt

        def fill(cell, text, align, bold=False, italic=False):
            cell.text = ""
            para = cell.paragraphs[0]
            para.alignment = aligns[align]
            para.paragraph_format.space_before = Pt(1)
            para.paragraph_format.space_after = Pt(1)
            para.paragraph_format.line_spacing = 1.0
            run = para.add_run(str(text))
            run.font.size = Pt(size)
            run.bold, run.italic = bold, italic

        for cell, text, a in zip(table.rows[0].cells, self.columns, self.align):
            fill(cell, text, a)
            _borders(cell, top=True, bottom=True)
        for r in self.rows:
            cells = table.add_row().cells
            if isinstance(r, str):
                merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
                fill(merged, r, "l", italic=True)
            else:
                for cell, text, a in zip(cells, r, self.align):
                    fill(cell, text, a)
        for cell in table.rows[-1].cells:
            _borders(cell, bottom=True)
        # column widths from the longest cell (Word and LibreOffice keep equal widths otherwise)
        chars = [max([len(str(c))] + [len(str(r[j])) for r in self.body()])
                 for j, c in enumerate(self.columns)]
        per_char, pad = CHAR_IN * size / 10, 0.22             # inches, with the cell margins
        need = [min(n, 40) * per_char + pad for n in chars]
        section = document.sections[-1]
        room = (section.page_width - section.left_margin - section.right_margin) / 914400
        # columns whose cells can wrap (text with spaces) give way, down to their longest word
        words = [max(len(w) for c in [self.columns[j]] + [r[j] for r in self.body()]
                     for w in (str(c).split() or [""])) for j in range(len(self.columns))]
        floor = [min(n, w * per_char + pad) for n, w in zip(need, words)]
        excess = sum(need) - room
        slack = sum(n - f for n, f in zip(need, floor))
        if excess > 0 and slack > 0:
            share = min(1.0, excess / slack)
            need = [n - share * (n - f) for n, f in zip(need, floor)]
        table.autofit = False
        for j, inches in enumerate(need):
            width = int(inches * 914400)                    # EMU
            table.columns[j].width = width             # the grid (LibreOffice reads this)
            for row in table.rows:
                row.cells[j].width = width             # and the cells (Word reads these)
        _repeat_header(table.rows[0])
        if self.note:
            p = document.add_paragraph()
            p.add_run(self.note_label + (" " if lang_of(self.lang) == "en" else "")).italic = True
            run = p.add_run(self.note)
            run.font.size = Pt(9)

    def to_docx(self, path) -> None:
        tables_to_docx([self], path)


def _repeat_header(row) -> None:
    """Repeat the header row on every page the table runs over (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _borders(cell, top: bool = False, bottom: bool = False) -> None:
    """Horizontal rules of an APA table (python-docx has no API for cell borders)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for edge, on in (("top", top), ("bottom", bottom)):
        if on:
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "8")
            el.set(qn("w:color"), "000000")
            borders.append(el)


LATEX_SYMBOLS = {
    "\u03bb": r"$\lambda$", "\u03b2": r"$\beta$", "\u03b1": r"$\alpha$", "\u03c9": r"$\omega$",
    "\u03c7\u00b2": r"$\chi^2$", "\u03c7": r"$\chi$", "R\u00b2": r"$R^2$", "\u00b2": r"$^2$",
    "\u221a": r"$\surd$", "\u2192": r"$\rightarrow$", "\u2265": r"$\geq$", "\u2264": r"$\leq$",
    DAGGER: r"$^\dagger$", MINUS: r"$-$", "\u2013": "--", "\u00d7": r"$\times$",
}


def latex_escape(text) -> str:
    text = str(text)
    for ch, rep in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                    ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
                    ("~", r"\textasciitilde{}"),
                    ("^", r"\textasciicircum{}")):
        text = text.replace(ch, rep)
    for sym, rep in LATEX_SYMBOLS.items():
        text = text.replace(sym, rep)
    text = re.sub(r"(?<![\w$])< ", r"$<$ ", text)
    text = re.sub(r"(?<![\w$])> ", r"$>$ ", text)
    return text


CSS = """
.apa-table { margin: 1.5em 0; font-family: 'Times New Roman', Times, 'Noto Serif SC', serif; }
.apa-table .apa-label { font-weight: bold; }
.apa-table .apa-title { font-style: italic; margin-bottom: .4em; }
.apa-table table { border-collapse: collapse; border-top: 1.5px solid #000;
                   border-bottom: 1.5px solid #000; font-size: 0.95em; }
.apa-table th { border-bottom: 1px solid #000; padding: .3em .7em; font-weight: normal; }
.apa-table td { padding: .2em .7em; vertical-align: top; }
.apa-table tr.section td { font-style: italic; padding-top: .5em; }
.apa-table .apa-note { font-size: .85em; margin-top: .4em; max-width: 60em; }
"""


def tables_to_markdown(tables) -> str:
    return "\n".join(t.to_markdown() for t in tables)


def tables_to_html(tables, title: str = "relqual tables") -> str:
    body = "\n".join(t.to_html() for t in tables)
    return ("<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def tables_to_latex(tables) -> str:
    return "% needs \\usepackage{booktabs}\n" + "\n".join(t.to_latex() for t in tables)


def new_document():
    """A Word document with 1-inch margins (6.5 inches of text on Letter paper)."""
    from docx import Document
    from docx.shared import Inches
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Inches(1)
    return document


def tables_to_docx(tables, path) -> None:
    document = new_document()
    for t in tables:
        t.add_to_docx(document)
    document.save(path)


# ----------------------------------------------------------------------------- helpers
def construct_names(result, lang: str = "en") -> dict:
    """The display names of a fit's latent variables.

    Parameters
    ----------
    result : relqual.Result
        The fit (read through ``partable.roles.lv`` and ``spec.label()``).
    lang : str
        "en" or "zh".

    Returns
    -------
    dict
        ``{latent: label}`` from the model's constructs or the construct catalog (the name
        itself when neither has one).

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> construct_names(res)["SAT"], construct_names(res, "zh")["SAT"]
    ('Satisfaction', '顾客满意感')
    """
    return {lv: result.spec.label(lv, lang) for lv in result.partable.roles.lv}


def _abbreviations(result, names, lang) -> str:
    labels = construct_names(result, lang)
    pairs = [f"{n} = {labels[n]}" for n in names if n in labels and labels[n] != n]
    end = "。" if lang_of(lang) == "zh" else "."
    return _t("sep", lang).join(pairs) + end if pairs else ""


def _dagger(key: str, value) -> str:
    """A dagger after a value that misses the cut-off ``CUTOFFS[key]`` ('' when missing)."""
    return DAGGER if CUTOFFS[key].fails(value) else ""


def _try(func, *args, **kwargs):
    """(value, None) or (None, reason) for measurement functions that may be missing or refuse
    a fit (e.g. FIML)."""
    try:
        return func(*args, **kwargs), None
    except Exception as exc:  # reported in the table note, never hidden
        return None, f"{type(exc).__name__}: {exc}"


# ----------------------------------------------------------------------------- the tables
def measurement_table(result, decimals: int = 3, lang: str = "en", group=None) -> Table:
    """Table: standardized loadings per item, with alpha, CR (omega) and AVE per construct.

    Values below their cut-off (:data:`relqual.conventions.CUTOFFS`) carry a dagger.

    Parameters
    ----------
    result : relqual.Result
        The fit (read through its public methods and ``spec``).
    decimals : int
        Decimals of the numbers.
    lang : str
        "en" or "zh": the construct names in the note.
    group : int, optional
        The group (from 1) of a multigroup fit; the first by default.

    Returns
    -------
    Table
        Columns ``Construct Item λ α CR AVE``; ``data`` holds the unrounded values.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> measurement_table(res).cell("cf1", "AVE")
    '.474\u2020'
    """
    est = result.estimates()
    if group is not None:
        est = est[est["group"] == group]
    else:
        est = est[est["group"] == est["group"].min()]
    lv = set(result.partable.roles.lv)
    loads = est[(est["op"] == "=~") & ~est["rhs"].isin(lv)]
    rel, why = (None, "reliability() is not available") if not hasattr(result, "reliability") \
        else _try(result.reliability, group=group)
    if rel is not None and "group" in rel and group is None and len(rel):
        rel = rel[rel["group"] == rel["group"].iloc[0]]
    rel = rel.set_index("factor") if rel is not None else None
    labels = construct_names(result, lang)
    free = loads["pvalue"].dropna()
    all_sig = len(free) > 0 and bool((free < 0.001).all())
    rows, data = [], []
    for factor, part in loads.groupby("lhs", sort=False):
        first = True
        r = rel.loc[factor] if rel is not None and factor in rel.index else None
        for _, row in part.iterrows():
            lam = num(row["std_all"], decimals, bounded=True)
            lam += _dagger("loading", row["std_all"])
            if not all_sig:
                lam += stars(row["pvalue"])
            cells = [f"{labels.get(factor, factor)}{_t('paren', lang, text=factor)}" if first
                     else "", row["rhs"], lam]
            if r is not None and first:
                alpha, cr, ave = r.get("alpha"), r.get("omega"), r.get("ave")
                cells += [num(value, decimals, True) + _dagger(key, value)
                          for key, value in (("alpha", alpha), ("omega", cr), ("ave", ave))]
            else:
                cells += ["", "", ""]
            rows.append(cells)
            data.append({"factor": factor, "item": row["rhs"], "loading": row["std_all"],
                         "pvalue": row["pvalue"],
                         "alpha": r.get("alpha") if r is not None else np.nan,
                         "cr": r.get("omega") if r is not None else np.nan,
                         "ave": r.get("ave") if r is not None else np.nan})
            first = False
    cut = {key: CUTOFFS[key] for key in ("loading", "alpha", "omega", "ave")}
    sig = _t("all_loadings_sig", lang) if all_sig else _t("stars_sig", lang, stars=STARS_NOTE)
    note = _t("note_measurement", lang, sig=sig, loading=cut["loading"].rule(),
              loading_src=cut["loading"].cite(), alpha=cut["alpha"].rule(),
              alpha_src=cut["alpha"].cite(), omega=cut["omega"].rule(), ave=cut["ave"].rule(),
              ave_src=cut["ave"].cite(), dagger=DAGGER)
    if rel is None:
        note += _t("rel_missing", lang, why=why)
    return Table("measurement", _t("title_measurement", lang),
                 [_t("col_construct", lang), _t("col_item", lang), "\u03bb", "\u03b1", "CR",
                  "AVE"], rows, note, "llrrrr", pd.DataFrame(data), lang=lang)


def discriminant_table(result, decimals: int = 3, lang: str = "en", group=None) -> Table:
    """Table: sqrt(AVE) on the diagonal, latent correlations below and HTMT above it.

    A correlation not below both constructs' sqrt(AVE) (Fornell & Larcker) and an HTMT at or
    above .85 carry a dagger.

    Parameters
    ----------
    result : relqual.Result
        The fit (read through its public methods and ``spec``).
    decimals : int
        Decimals of the numbers.
    lang : str
        "en" or "zh": the construct names in the note.
    group : int, optional
        The group (from 1) of a multigroup fit; the first by default.

    Returns
    -------
    Table
        One row and one numbered column per construct.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> discriminant_table(res).body()[0][:2]
    ['1. Commercial friendship (CF)', '.688']
    """
    fl, why = ((None, "fornell_larcker() is not available")
               if not hasattr(result, "fornell_larcker")
               else _try(result.fornell_larcker, matrix=True, group=group))
    ht, why_h = (None, "htmt() is not available") if not hasattr(result, "htmt") \
        else _try(result.htmt, matrix=True, group=group)
    labels = construct_names(result, lang)
    if fl is None:
        return Table("discriminant", _t("title_discriminant_short", lang),
                     [_t("col_construct", lang)], [], _t("not_available", lang, why=why), "l",
                     lang=lang)
    factors = list(fl.index)
    cols = [_t("col_construct", lang)] + [str(i + 1) for i in range(len(factors))]
    rows, data = [], []
    for i, a in enumerate(factors):
        cells = [f"{i + 1}. {labels.get(a, a)}{_t('paren', lang, text=a)}"]
        for j, b in enumerate(factors):
            if i == j:
                cells.append(num(fl.loc[a, b], decimals, True))
            elif j < i:
                r = fl.loc[a, b]
                bad = abs(r) >= min(fl.loc[a, a], fl.loc[b, b])
                cells.append(num(r, decimals, True) + (DAGGER if bad else ""))
            else:
                h = ht.loc[a, b] if ht is not None and a in ht.index and b in ht.columns else np.nan
                cells.append(num(h, decimals, True) + _dagger("htmt_85", h))
            data.append({"row": a, "column": b, "value": fl.loc[a, b] if j <= i else
                         (ht.loc[a, b] if ht is not None else np.nan),
                         "kind": "sqrt_ave" if i == j else "r" if j < i else "htmt"})
        rows.append(cells)
    htmt_85, htmt_90 = CUTOFFS["htmt_85"], CUTOFFS["htmt_90"]
    note = _t("note_discriminant", lang, fl_src=SOURCES["fornell_larcker"].cite(),
              htmt85=htmt_85.rule(), htmt_src=htmt_85.cite(), htmt90=htmt_90.rule(),
              dagger=DAGGER)
    if ht is None:
        note += _t("htmt_missing", lang, why=why_h)
    return Table("discriminant", _t("title_discriminant", lang), cols, rows, note,
                 "l" + "c" * len(factors), pd.DataFrame(data), lang=lang)


def _verdict(est, p, sign, lang: str = "en") -> str:
    """Table wording of :func:`relqual.verdicts.judge` (the p-value is in its own column)."""
    supported, reason = judge(est, p, sign)
    if supported:
        return _t("v_supported", lang)
    if reason.startswith("no test"):
        return _t("v_no_test", lang)
    return _t("v_opposite" if "opposite" in reason else "v_not_supported", lang)


def paths_table(result, decimals: int = 3, lang: str = "en", group=None) -> Table:
    """Table: structural paths (beta, B, SE, 95% CI of beta, p), each with its hypothesis and
    verdict, then the hypotheses on loadings and defined effects.

    A hypothesis is supported when p < .05 and the estimate has the expected sign
    (:func:`relqual.verdicts.judge`).

    Parameters
    ----------
    result : relqual.Result
        The fit (read through its public methods and ``spec``).
    decimals : int
        Decimals of the numbers.
    lang : str
        "en" or "zh": the construct names in the note.
    group : int, optional
        The group (from 1) of a multigroup fit; the first by default.

    Returns
    -------
    Table
        Columns ``Hypothesis Path β B SE 95% CI (β) p Verdict``.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> paths_table(res).cell("H1 (+)", "Verdict")
    'Supported'
    """
    paths = result.paths()
    g = group if group is not None else paths["group"].min() if len(paths) else 1
    paths = paths[paths["group"] == g]
    hyps = list(getattr(result.spec, "hypotheses", None) or [])
    by_path = {}
    for h in hyps:
        by_path.setdefault((h["lhs"], h.get("op", "~"), h.get("rhs", "")), h)
    cols = [_t("col_hypothesis", lang), _t("col_path", lang), "\u03b2", "B", _t("col_se", lang),
            _ci(lang, "\u03b2"), "p", _t("col_verdict", lang)]
    rows, data, names = [], [], set()
    used = set()
    for _, r in paths.iterrows():
        key = (r["lhs"], "~", r["rhs"])
        h = by_path.get(key)
        used.add(key)
        names.update([r["lhs"], r["rhs"]])
        beta = num(r["std_all"], decimals, True) + stars(r["pvalue"])
        ci = (f"[{num(r['std_all_ci_lower'], decimals, True)}, "
              f"{num(r['std_all_ci_upper'], decimals, True)}]")
        sign = h.get("sign", "") if h else ""
        verdict = _verdict(r["est"], r["pvalue"], sign, lang) if h else ""
        hid = f"{h.get('id', '')} ({sign})" if h and sign else (h.get("id", "") if h else "\u2013")
        rows.append([hid, f"{r['rhs']} \u2192 {r['lhs']}", beta, num(r["est"], decimals),
                     num(r["se"], decimals), ci, pval(r["pvalue"]), verdict])
        data.append({"hypothesis": h.get("id") if h else None, "lhs": r["lhs"], "rhs": r["rhs"],
                     "std_all": r["std_all"], "est": r["est"], "se": r["se"],
                     "std_all_ci_lower": r["std_all_ci_lower"],
                     "std_all_ci_upper": r["std_all_ci_upper"], "pvalue": r["pvalue"],
                     "verdict": verdict})
    other = [h for h in hyps if (h["lhs"], h.get("op", "~"), h.get("rhs", "")) not in used]
    if other:
        tested = result.hypotheses() if hasattr(result, "hypotheses") else pd.DataFrame()
        rows.append(_t("section_other_hyps", lang))
        for h in other:
            hit = tested[tested["id"] == h.get("id")] if len(tested) else tested
            if len(hit) and "group" in hit and hit["group"].notna().any():
                hit = hit[hit["group"].isna() | (hit["group"] == g)]
            r = hit.iloc[0] if len(hit) else None
            op = h.get("op", "~")
            path = (f"{h['lhs']} := {h.get('rhs', '')}" if op == ":=" else
                    f"{h['lhs']} \u2192 {h.get('rhs', '')}" if op == "=~" else
                    f"{h.get('rhs', '')} \u2192 {h['lhs']}")
            sign = h.get("sign", "")
            if r is None:
                rows.append([f"{h.get('id', '')} ({sign})", path, *[""] * 5,
                             _t("v_not_in_model", lang)])
                continue
            names.update([h["lhs"]] + ([h.get("rhs", "")] if op != ":=" else []))
            ci = (f"[{num(r['std_all_ci_lower'], decimals, True)}, "
                  f"{num(r['std_all_ci_upper'], decimals, True)}]")
            verdict = _verdict(r["est"], r["pvalue"], sign, lang)
            # defined effects are products of unstandardized paths: report B with its SE
            rows.append([f"{h.get('id', '')} ({sign})" if sign else h.get("id", ""), path,
                         num(r["std_all"], decimals, True) + stars(r["pvalue"]),
                         num(r["est"], decimals), "", ci, pval(r["pvalue"]), verdict])
            data.append({"hypothesis": h.get("id"), "lhs": h["lhs"], "rhs": h.get("rhs", ""),
                         "std_all": r["std_all"], "est": r["est"], "se": np.nan,
                         "std_all_ci_lower": r["std_all_ci_lower"],
                         "std_all_ci_upper": r["std_all_ci_upper"], "pvalue": r["pvalue"],
                         "verdict": verdict})
    r2 = result.r2()
    lvs = [n for n in r2.index if not isinstance(n, tuple) and n in set(result.partable.roles.lv)
           and n in names]
    note = _t("note_paths", lang, ci=_ci(lang), stars=STARS_NOTE,
              alpha=num(ALPHA, 2, bounded=True))
    if lvs:
        note += _t("r2_list", lang, values=_t("list_sep", lang).join(
            f"{n} = {num(r2[n], decimals, True)}" for n in lvs))
    abbr = _abbreviations(result, sorted(names), lang)
    if abbr:
        note += (" " if lang_of(lang) == "en" else "") + abbr
    return Table("paths", _t("title_paths", lang), cols, rows, note, "llrrrcrl",
                 pd.DataFrame(data), lang=lang)


def indirect_table(result, decimals: int = 3, ci: str = "delta", n: int | None = None,
                   seed=None, lang: str = "en") -> Table:
    """Table: for every pair of variables linked by an indirect path, the direct, specific
    indirect, total indirect and total effects (B, beta and the interval of B).

    Parameters
    ----------
    result : relqual.Result
        The fit (read through its public methods and ``spec``).
    decimals : int
        Decimals of the numbers.
    ci : str
        The interval of B: "delta", "bootstrap" or "montecarlo" (as ``res.indirect()``).
    n : int, optional
        Draws of a bootstrap or Monte Carlo interval.
    seed : int, optional
        Their seed.
    lang : str
        "en" or "zh": the construct names in the note.

    Returns
    -------
    Table
        Columns ``Effect Path B 95% CI (B) β p``, one section per pair of variables.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> indirect_table(res).body()[0][:3]
    ['Direct', 'CF \u2192 TR', '0.299']
    """
    table = result.indirect(ci=ci, n=n, seed=seed)
    method = table.attrs.get("ci", ci)
    kinds = {k: _t("eff_" + k, lang)
             for k in ("direct", "indirect", "total_indirect", "total", "defined")}
    cols = [_t("col_effect", lang), _t("col_path", lang), "B", _ci(lang, "B"), "\u03b2", "p"]
    rows, names = [], set()
    current = None
    for _, r in table.iterrows():
        pair = (r["from"], r["to"]) if r["effect"] != "defined" else ("defined", "")
        if pair != current:
            current = pair
            rows.append(f"{r['from']} \u2192 {r['to']}" if r["effect"] != "defined"
                        else _t("section_defined", lang))
        if r["effect"] != "defined":
            names.update([r["from"], r["to"]])
        path = (r["path"] or "").replace(" -> ", " \u2192 ")
        if r["effect"] == "defined":
            path = r.get("path") or r.get("to") or ""
        ci_text = f"[{num(r['ci_lower'], decimals)}, {num(r['ci_upper'], decimals)}]"
        rows.append([kinds.get(r["effect"], r["effect"]), path, num(r["est"], decimals), ci_text,
                     num(r["std_all"], decimals, True), pval(r["pvalue"])])
    label = (_t("method_" + ci, lang) if ci in ("delta", "montecarlo") or (
        ci == "bootstrap" and lang_of(lang) == "zh") else str(method))
    draws = (_t("draws_seed", lang, n=n, seed=seed) if ci != "delta" and n else
             _t("seed_only", lang, seed=seed) if ci != "delta" else "")
    note = _t("note_indirect", lang, method=label, level=100 * CI_LEVEL, draws=draws)
    abbr = _abbreviations(result, sorted(names), lang)
    if abbr:
        note += (" " if lang_of(lang) == "en" else "") + abbr
    return Table("indirect", _t("title_indirect", lang), cols, rows, note, "llrcrr", table,
                 lang=lang)


def fit_table(result, decimals: int = 3, lang: str = "en") -> Table:
    """Table: chi-square test and fit indices with their cut-offs and verdicts (the robust
    versions for MLR fits).

    Cut-offs: CFI and TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler 1999), chi-square/df
    <= 3 (Kline 2016), from :data:`relqual.conventions.CUTOFFS`.

    Parameters
    ----------
    result : relqual.Result
        The fit (read through its public methods and ``spec``).
    decimals : int
        Decimals of the numbers.
    lang : str
        "en" or "zh" (:mod:`relqual.i18n`).

    Returns
    -------
    Table
        Columns ``Index Value Cut-off Verdict``.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> t = fit_table(res)
    >>> t.cell("CFI", "Cut-off"), t.cell("SRMR", "Verdict")
    ('\u2265 .95', 'Good')
    """
    fm = result.fit_measures()
    if "interaction_chisq" in fm.index:        # LMS, QML: a likelihood, no chi-square
        return interaction_fit_table(result, decimals, lang)
    robust = "cfi_robust" in fm.index and np.isfinite(fm.get("cfi_robust", np.nan))
    scaled = "chisq_scaled" in fm.index and np.isfinite(fm.get("chisq_scaled", np.nan))
    suffix = "_robust" if robust else ""
    chisq = fm["chisq_scaled"] if scaled else fm["chisq"]
    df = fm["df_scaled"] if scaled and "df_scaled" in fm else fm["df"]
    p = fm["pvalue_scaled"] if scaled else fm["pvalue"]
    rows, data, add = fit_rows()

    def judged(key, value):
        if not np.isfinite(value):
            return "", ""
        if not result.converged:               # no verdict on numbers that are not estimates
            return CUTOFFS[key].rule(), _t("not_converged_verdict", lang)
        return CUTOFFS[key].rule(), _t("good" if CUTOFFS[key].passes(value) else "poor", lang)

    robust_text = _t("robust", lang) if robust else ""
    add("\u03c7\u00b2" + (_t("scaled", lang) if scaled else ""), num(chisq, decimals),
        value=chisq)
    whole = np.isfinite(df) and float(df).is_integer()
    add("df", f"{int(df)}" if whole else num(df, decimals), value=df)
    add("p", pval(p), *judged("chisq_pvalue", p), value=p)
    ratio = chisq / df if df and np.isfinite(df) and df > 0 else np.nan
    cut, verdict = judged("chisq_df", ratio)
    add("\u03c7\u00b2/df", num(ratio, decimals), cut, verdict, value=ratio)
    for key, name in (("cfi", "CFI"), ("tli", "TLI")):
        v = fm.get(key + suffix, fm.get(key, np.nan))
        cut, verdict = judged(key, v)
        add(name + robust_text, num(v, decimals, True), cut, verdict, value=v)
    v = fm.get("rmsea" + suffix, fm.get("rmsea", np.nan))
    lo = fm.get("rmsea_ci_lower" + suffix, fm.get("rmsea_ci_lower", np.nan))
    hi = fm.get("rmsea_ci_upper" + suffix, fm.get("rmsea_ci_upper", np.nan))
    cut, verdict = judged("rmsea", v)
    add("RMSEA" + robust_text + _t("ci90", lang),
        f"{num(v, decimals, True)} [{num(lo, decimals, True)}, {num(hi, decimals, True)}]",
        cut, verdict, value=v)
    v = fm.get("srmr", np.nan)
    cut, verdict = judged("srmr", v)
    add("SRMR", num(v, decimals, True), cut, verdict, value=v)
    for key, name in (("aic", "AIC"), ("bic", "BIC")):
        if key in fm.index and np.isfinite(fm[key]):
            add(name, num(fm[key], 1), _t("lower_better", lang), "", value=fm[key])
    cut = CUTOFFS
    note = _t("note_fit", lang, n=result.n_obs, cfi=cut["cfi"].rule(), rmsea=cut["rmsea"].rule(),
              srmr=cut["srmr"].rule(), hb=cut["cfi"].cite(), chisq_df=cut["chisq_df"].rule(),
              kline=cut["chisq_df"].cite())
    if robust:
        note += _t("note_fit_robust", lang)
    roles = result.partable.roles                      # which estimator and scaled test
    continuous = [v for v in roles.ov
                  if v not in result.call.get("ordered", ()) and v not in roles.ov_x]
    note += estimation_note(result.call, lang, len(continuous))
    return Table("fit", _t("title_fit", lang), fit_columns(lang), rows, note, "lrcl",
                 pd.DataFrame(data), lang=lang)


def apa_tables(result, decimals: int = 3, lang: str = "en", indirect_ci: str = "delta",
               draws: int | None = None, seed=None, include=None, checks=None) -> list[Table]:
    """The APA tables of a fit, numbered in chapter-4 order: fit, measurement, discriminant
    validity, structural paths, indirect effects (those that apply to the model), then the
    reviewer's checks given in ``checks``.

    Parameters
    ----------
    result : relqual.Result
        The fit (read through its public methods and ``spec``).
    decimals : int
        Decimals of the numbers.
    lang : str
        "en" or "zh": the construct names in the note.
    indirect_ci : str
        The interval of the indirect effects (see :func:`indirect_table`).
    draws : int, optional
        Draws of a bootstrap or Monte Carlo interval.
    seed : int, optional
        Their seed.
    include : list of str, optional
        The tables to make, of "fit", "measurement", "discriminant", "paths", "slopes" (the
        simple slopes of interaction terms), "indirect".
    checks : list of CheckTable, optional
        Reviewer checks (``res.common_method()``, ``rq.compare()``, ``rq.nonresponse()``);
        ``res.tables(checks=["cmb", "compare"])`` also takes their names.

    Returns
    -------
    list of Table
        The tables, numbered from 1.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> [(t.number, t.name) for t in apa_tables(res, include=["fit", "paths"])]
    [(1, 'fit'), (2, 'paths')]
    """
    wanted = include or ["fit", "measurement", "discriminant", "paths", "slopes", "indirect"]
    has_loadings = bool((result.estimates()["op"] == "=~").any())
    has_paths = bool((result.estimates()["op"] == "~").any())
    out = []
    for name in wanted:
        if name == "fit":
            out.append(fit_table(result, decimals, lang))
        elif name == "measurement" and has_loadings:
            out.append(measurement_table(result, decimals, lang))
        elif name == "discriminant" and has_loadings and len(result.partable.roles.lv) > 1:
            out.append(discriminant_table(result, decimals, lang))
        elif name == "paths" and has_paths:
            out.append(paths_table(result, decimals, lang))
        elif name == "slopes" and has_paths:         # interaction terms: simple slopes, JN
            t = simple_slopes_table(result, decimals, lang)
            if t.body():
                out.append(t)
        elif name == "indirect" and has_paths:
            t = indirect_table(result, decimals, ci=indirect_ci, n=draws, seed=seed, lang=lang)
            if t.body():
                out.append(t)
    status = fit_status(result, lang)
    for k, t in enumerate(out, 1):
        t.number = k
        if status:                  # said where the numbers are: in the title and the note
            t.title = f"{t.title}{_t('paren', lang, text=status[0])}"
            t.note = f"{status[1]} {t.note}".strip()
    for check in checks or ():         # reviewer checks: their own models, their own notes
        if not hasattr(check, "apa_tables"):
            raise TypeError(f"checks= takes check tables here; names such as {check!r} work "
                            "in res.tables(checks=...) and res.report(..., checks=...)")
        for t in check.apa_tables(decimals, lang=lang):
            t.number = len(out) + 1
            out.append(t)
    return out


INTERACTION_SOURCES = {"lms": "Klein & Moosbrugger, 2000", "qml": "Klein & Muthén, 2007"}


def interaction_fit_table(result, decimals: int = 3, lang: str = "en") -> Table:
    """Table: the fit of a latent-interaction model (LMS, QML), which has a likelihood but no
    chi-square test: log-likelihood, free parameters, AIC, BIC, the log-likelihood without the
    interaction and, per term, its likelihood-ratio test and R² with and without it
    (:func:`relqual.interactiontest.interaction_test`; Klein & Moosbrugger 2000, p. 469).

    Parameters
    ----------
    result : relqual.Result
        An ``interaction="lms"`` or ``"qml"`` fit.
    decimals, lang
        As in :func:`fit_table`.

    Returns
    -------
    Table
        The columns of :func:`fit_columns`.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.lms import EXAMPLE
    >>> res = rq.fit(EXAMPLE, rq.datasets.load("holzinger_swineford"),
    ...              interaction="lms")
    >>> t = interaction_fit_table(res)
    >>> t.cell("Log-likelihood", "Value")
    '\u22122916.930'
    >>> t.cell("LR test of visual:textual on x9: \u03c7\u00b2(1)", "Verdict")
    'Not needed (p \u2265 .05)'
    """
    fm, tests = result.fit_measures(), result.interaction_test()
    rows, data, add = fit_rows()

    add(_t("row_logl", lang), num(fm["logl"], decimals), value=fm["logl"])
    add(_t("row_npar", lang), f"{int(fm['npar'])}", value=fm["npar"])
    for key, name in (("aic", "AIC"), ("bic", "BIC")):
        add(name, num(fm[key], 1), _t("lower_better", lang), value=fm[key])
    add(_t("row_logl_without", lang), num(fm["baseline_logl"], decimals),
        value=fm["baseline_logl"])
    alpha = num(ALPHA, 2, bounded=True)
    for _, r in tests.iterrows():
        verdict = ("" if not result.converged else _t(
            "interaction_needed" if r["pvalue"] < ALPHA else "interaction_not_needed", lang,
            alpha=alpha))
        add(_t("row_lr_test", lang, term=r["term"], outcome=r["outcome"], df=int(r["df"])),
            f"{num(r['chisq'], decimals)}, {p_text(r['pvalue'])}", f"p < {alpha}", verdict,
            value=r["chisq"])
        add(_t("row_r2_with", lang, term=r["term"], outcome=r["outcome"]),
            f"{num(r['r2'], decimals, True)} / {num(r['r2_without'], decimals, True)}",
            value=r["r2"])
    method = str(result.call.get("interaction", "lms")).lower()
    nodes = (_t("gh_nodes", lang, nodes=result.problem.loss.nodes) if method == "lms"
             else _t("qml_no_nodes", lang))
    note = _t("note_fit_interaction", lang, n=result.n_obs, method=method.upper(),
              source=INTERACTION_SOURCES.get(method, ""), nodes=nodes)
    return Table("fit", _t("title_fit_interaction", lang), fit_columns(lang), rows, note,
                 "lrcl", pd.DataFrame(data), lang=lang)


def simple_slopes_table(result, decimals: int = 3, lang: str = "en") -> Table:
    """Table: the simple slopes of every two-way interaction ``y ~ x:z`` (of ``x`` at the mean
    and ± 1 SD of ``z``; :meth:`relqual.Result.simple_slopes`), with the Johnson–Neyman region
    of each in the note (:meth:`relqual.Result.johnson_neyman`).

    Parameters
    ----------
    result : relqual.Result
        A fit with interaction terms.
    decimals, lang
        As in :func:`fit_table`.

    Returns
    -------
    Table
        ``Effect  Moderator value  B  SE  95% CI  p``; no rows without a two-way term.

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> t = simple_slopes_table(res)
    >>> [row[1].split(" = ")[0] for row in t.rows]
    ['x8', 'x8', 'x8']
    >>> "significant (p < .05) when x8 is" in t.note
    True
    """
    alpha = num(ALPHA, 2, bounded=True)
    rows, data, regions = [], [], []
    for outcome, focal, moderator in two_way_terms(result):
        slopes = result.simple_slopes(focal, moderator=moderator, outcome=outcome)
        for key, (_, r) in zip(("at_minus_sd", "at_mean", "at_plus_sd"), slopes.iterrows()):
            rows.append([f"{focal} \u2192 {outcome}",
                         f"{moderator} = {_t(key, lang)} ({num(r['moderator_value'], 2)})",
                         num(r["est"], decimals), num(r["se"], decimals),
                         f"[{num(r['ci_lower'], decimals)}, {num(r['ci_upper'], decimals)}]",
                         pval(r["pvalue"])])
            data.append(dict(outcome=outcome, focal=focal, moderator=moderator, **r))
        jn = result.johnson_neyman(focal, moderator, outcome=outcome)
        region = _t("jn_" + jn["significant"], lang, lower=num(jn["lower"], 2),
                    upper=num(jn["upper"], 2))
        regions.append(_t("jn_sentence", lang, focal=focal, outcome=outcome,
                          moderator=moderator, region=region, alpha=alpha))
    cols = [_t("col_effect", lang), _t("col_moderator_at", lang), "B", "SE",
            _t("col_ci95", lang), "p"]
    return Table("slopes", _t("title_slopes", lang), cols, rows,
                 _t("note_slopes", lang, regions=" ".join(regions)), "llrrcr",
                 pd.DataFrame(data), lang=lang)


def two_way_terms(result) -> list[tuple[str, str, str]]:
    """``(outcome, focal, moderator)`` of every two-way interaction term ``y ~ x:z`` of a fit
    (quadratic terms ``x:x`` and higher-order terms left out).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8 + x7:x7", rq.datasets.load("holzinger_swineford"))
    >>> two_way_terms(res)
    [('x9', 'x7', 'x8')]
    """
    est = result.estimates()
    terms = est[(est["op"] == "~") & est["rhs"].str.contains(":", regex=False)]
    out = []
    for outcome, rhs in zip(terms["lhs"], terms["rhs"]):
        factors = rhs.split(":")
        if len(factors) == 2 and factors[0] != factors[1]:
            out.append((outcome, factors[0], factors[1]))
    return out


def fit_rows():
    """The rows of a fit table, the numbers behind them, and ``add(index, value_text, cutoff,
    verdict, value)`` that appends one to both.

    Examples
    --------
    >>> rows, data, add = fit_rows()
    >>> add("AIC", "12.0", value=12.0)
    >>> rows, data[0]["value"]
    ([['AIC', '12.0', '', '']], 12.0)
    """
    rows, data = [], []

    def add(index, value_text, cutoff="", verdict="", value=np.nan):
        rows.append([index, value_text, cutoff, verdict])
        data.append({"index": index, "value": value, "cutoff": cutoff, "verdict": verdict})
    return rows, data, add


def fit_columns(lang: str = "en") -> list:
    """The columns of a fit table: ``Index Value Cut-off Verdict``.

    Examples
    --------
    >>> fit_columns("zh")
    ['指标', '数值', '判断标准', '结论']
    """
    return [_t(k, lang) for k in ("col_index", "col_value", "col_cutoff", "col_verdict")]


def fit_status(result, lang: str = "en") -> tuple[str, str] | None:
    """(short, sentence) about a fit whose numbers must not be read as usual: not converged,
    no standard errors (singular information), or an improper solution; None when none applies.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("f =~ x1 + x2 + x3 + x4 + x5 + x6",
    ...                  rq.datasets.load("holzinger_swineford"), control={"max_iter": 1})
    >>> fit_status(res)[0]
    'NOT CONVERGED'
    """
    warnings_ = list(result.warnings)
    if not result.converged:
        return _t("status_not_converged", lang), _t("status_not_converged_note", lang)
    improper = [w for w in warnings_ if w.startswith("improper solution")]
    singular = [w for w in warnings_ if "information matrix is singular" in w]
    if singular:
        return _t("status_no_se", lang), _t("status_no_se_note", lang)
    if improper:
        return _t("status_improper", lang), _t("status_improper_note", lang,
                                                 what="; ".join(improper))
    return None
