"""One self-contained report of a fit: ``res.report("chapter4.html")`` or ``relqual report``.

The report holds what a thesis chapter (or a reviewer) needs to see in one file: the model and
its hypotheses, the path diagram, the data checks (rows read, used and dropped; with the data,
the item checks of :func:`relqual.check_data`), the APA tables of :mod:`relqual.tables`, every
warning (those of the fit and those raised while the report was made), and what it takes to
reproduce it: the exact call, a fingerprint of the data used, and the package versions.

Formats, by the file's extension: ``.html`` (one file; the diagram embedded as a base64 PNG),
``.docx`` (Word, via python-docx; the diagram as a picture), ``.md`` (Markdown with the diagram
embedded as a data URI).
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import io
import platform
import re
import sys
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from .conventions import ALPHA, CUTOFFS, STARS_NOTE, num, p_text
from .i18n import lang_of, translate_message
from .i18n import t as _t
from .tables import CSS, Table, apa_tables, two_way_terms

FORMATS = (".html", ".htm", ".docx", ".md")
_MISSING = ("missing_listwise", "missing_ml", "missing_fiml", "missing_pairwise")
PACKAGES = ("relqual", "numpy", "scipy", "pandas", "matplotlib", "semopy", "python-docx")


@dataclass
class Block:
    kind: str                   # h1 h2 p list pre table image kv
    content: object = None
    caption: str = ""
    extra: dict = field(default_factory=dict)


def package_versions() -> dict:
    """Versions of Python, the platform and the packages the numbers depend on."""
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def data_fingerprint(result) -> str:
    """SHA-256 of the data rows the model was fitted to (after listwise deletion), per group.

    Parameters
    ----------
    result : relqual.Result
        The fit (read through ``used_data()`` and ``group_labels``).

    Returns
    -------
    str
        The hex digest of the shape and the values (float64) of each group's rows, in the
        order of the groups.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> len(data_fingerprint(res))
    64
    """
    summary = getattr(result, "summary_data", None)
    if summary is not None:                  # a fit from summary statistics: hash them
        return summary.fingerprint()
    used = result.used_data()
    groups = ([used[used["group"] == label].drop(columns="group") for label in result.group_labels]
              if "group" in used else [used])
    h = hashlib.sha256()
    for rows in groups:
        values = np.ascontiguousarray(rows.to_numpy(dtype=float))
        h.update(str(values.shape).encode())
        h.update(values.tobytes())
    return h.hexdigest()


def _library_names() -> set:
    from . import models
    try:
        return set(models.list()["name"])
    except Exception:
        return set()


def check_fitted_data(result, data) -> None:
    """Refuse ``data`` that is not the data ``result`` was fitted to (the report would describe
    other rows than the ones behind its numbers).

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = rq.fit("f =~ x1 + x2 + x3", hs)
    >>> check_fitted_data(res, hs)
    >>> check_fitted_data(res, hs.head(100))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: data= is not the data this model was fitted to: ...
    """
    from .data import prepare_data
    if getattr(result, "summary_data", None) is not None:
        raise ValueError("data= was given, but this model was fitted to summary statistics "
                         "(a covariance matrix), which have no rows to check; leave data= out")
    names = list(result.partable.roles.ov)
    used = result.used_data()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prepared = prepare_data(data, names, missing=result.call.get("missing", "listwise"),
                                    group=result.call.get("group"))
        same = (prepared.n_used == len(used) and all(
            np.array_equal(a, b, equal_nan=True) for a, b in
            zip(prepared.arrays, [used.loc[used.get("group", label) == label, names]
                                  .to_numpy(float) if "group" in used else used[names]
                                  .to_numpy(float) for label in result.group_labels])))
    except (ValueError, KeyError) as exc:
        raise ValueError(f"data= is not the data this model was fitted to ({exc})") from None
    if not same:
        raise ValueError(f"data= is not the data this model was fitted to: it gives "
                         f"{prepared.n_used} usable rows, the fit used {len(used)} (or other "
                         "values); pass the DataFrame given to rq.fit, or leave data= out")


def fit_call(result, model_code: str | None = None, data_code: str | None = None) -> str:
    """Python code that repeats the fit: ``rq.fit(model, data, <options that differ from the
    defaults>)``, preceded by the line that loads the data."""
    spec = result.spec
    if model_code is None:
        base = spec.name.split(":")[0] if spec.name else ""
        if spec.name in _library_names() or (":" in spec.name and base in _library_names()):
            model_code = repr(spec.name)
        else:
            model_code = 'model'
    defaults = {"estimator": "ML", "missing": "listwise", "std_lv": False, "group": None,
                "group_equal": [], "group_partial": [], "engine": "native", "se": "standard",
                "bootstrap": 0, "ordered": None, "seed": None, "scheme": "path", "hoc": "two_stage",
                "control": {}}
    options = []
    for key, value in (result.call or {}).items():
        if key in defaults and value != defaults[key] and not (
                isinstance(value, (list, tuple)) and list(value) == list(defaults[key] or [])):
            options.append(f"{key}={value!r}")
    lines = ["import relqual as rq"]
    if model_code == "model":
        lines.append(f'model = """\n{spec.syntax.strip()}\n"""')
    summary = getattr(result, "summary_data", None)
    if summary is not None:                  # rq.fit(model, cov=..., n_obs=...)
        lines.append(f"cov = {data_code}" if data_code else
                     "cov = ...  # the same covariance matrix (e.g. rq.read_cov(...))")
        single = summary.ngroups == 1
        data_args = ["cov=cov", "n_obs=" + (str(summary.n_obs[0]) if single else repr(
            dict(zip(summary.group_labels, summary.n_obs))))]
        if summary.means is not None:
            data_args.append("means=means")
            lines.append("means = ...  # the same means")
        options = [o for o in options if not o.startswith("group=")]
    else:
        lines.append(f"data = {data_code}" if data_code else "data = ...  # the same DataFrame")
        data_args = ["data"]
    lines.append("res = rq.fit(" + ", ".join([model_code] + data_args + options) + ")")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- warnings
# numpy's and scipy's numerical RuntimeWarnings: a NaN or an empty slice on the way to a table
# cell, which the table shows itself (as "—"); relqual's own RuntimeWarnings pass.
_NUMERIC_NOISE = re.compile(
    r"(invalid value|divide by zero|overflow|underflow) encountered|Mean of empty slice|"
    r"Degrees of freedom <= 0|All-NaN (slice|axis) encountered|"
    r"Precision loss occurred in moment calculation")


def report_warnings(record) -> list[str]:
    """The messages of warnings raised while a report was made that belong in its Warnings.

    Numerical RuntimeWarnings of numpy and scipy ("invalid value encountered in divide",
    "Degrees of freedom <= 0 for slice", ...) are left out: they come from a NaN on the way to a
    table cell, not from a problem of the fit. matplotlib's "Glyph ... missing from font(s)"
    warnings become one line naming the characters and how to get a font (none when relqual
    has already said so with a :class:`relqual.fonts.MissingFontWarning`). All other warnings,
    relqual's own RuntimeWarnings included, are kept, each message once.

    Parameters
    ----------
    record : list of warnings.WarningMessage
        As recorded by ``warnings.catch_warnings(record=True)``.

    Returns
    -------
    list of str
        The messages, in the order first raised.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> with warnings.catch_warnings(record=True) as record:
    ...     warnings.simplefilter("always")
    ...     _ = np.array([0.0]) / np.array([0.0])
    ...     warnings.warn("the model did not converge", RuntimeWarning)
    ...     warnings.warn("Glyph 28385 (\\N{CJK UNIFIED IDEOGRAPH-6EE1}) missing from font(s) "
    ...                   "DejaVu Sans.")
    >>> for text in report_warnings(record):
    ...     print(text.split(";")[0])
    the model did not converge
    the diagram has characters that no installed font has ('满'), so they show as empty boxes
    """
    from .fonts import GLYPH_WARNING, INSTALL_HINT, MissingFontWarning, has_cjk
    out: list[str] = []
    glyphs: list[str] = []
    font_warned = any(issubclass(w.category, MissingFontWarning) for w in record)
    for w in record:
        text = str(w.message)
        if issubclass(w.category, RuntimeWarning) and _NUMERIC_NOISE.search(text):
            continue
        glyph = GLYPH_WARNING.match(text)
        if glyph:
            char = chr(int(glyph.group(1)))
            if char not in glyphs:
                glyphs.append(char)
            continue
        if text not in out:
            out.append(text)
    if glyphs and not font_warned:
        hint = INSTALL_HINT if any(has_cjk(c) for c in glyphs) else (
            "set RELQUAL_CJK_FONT to a .ttf/.otf font file that has them")
        out.append(f"the diagram has characters that no installed font has "
                   f"('{''.join(glyphs[:12])}'{'...' if len(glyphs) > 12 else ''}), "
                   f"so they show as empty boxes; {hint}")
    return out


# ----------------------------------------------------------------------------- content
def model_description(spec, lang: str = "en") -> str:
    """The model's description for the report: the library's text in English; in Chinese its
    ``description_zh`` when the spec has one, else a sentence naming the constructs (from the
    construct catalog) and counting the hypotheses (the library's descriptions are English).

    Examples
    --------
    >>> import relqual as rq
    >>> model_description(rq.models.load("relationship_quality"), "zh")
    '模型包含 5 个构念（商业友谊、顾客满意感、...、持续性归属）与 9 条研究假设。'
    """
    if lang_of(lang) != "zh":
        return " ".join(str(getattr(spec, "description", "") or "").split())
    own = (getattr(spec, "extra", None) or {}).get("description_zh", "")
    if own:
        return " ".join(str(own).split())
    from .models import construct_label
    from .partable import build_partable
    latent = list(build_partable(spec.syntax).roles.lv)
    if not latent:
        return ""
    labels = [construct_label(f, lang, getattr(spec, "constructs", None)) for f in latent]
    return _t("model_overview", lang, n_lv=len(latent), constructs="、".join(labels),
              n_h=len(getattr(spec, "hypotheses", None) or []))


def interaction_figures(result, lang: str = "en", first: int = 2) -> list[Block]:
    """The simple-slopes plot of every two-way interaction term (:func:`two_way_terms`), as
    report figures numbered from ``first`` (the path diagram is figure 1).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> [(b.kind, b.caption.split(" ")[:2]) for b in interaction_figures(res)]
    [('image', ['Figure', '2.'])]
    """
    import matplotlib.pyplot as plt
    blocks = []
    for k, (outcome, focal, moderator) in enumerate(two_way_terms(result), first):
        ax = result.plot_interaction(focal, moderator, outcome=outcome)
        png = io.BytesIO()
        ax.figure.savefig(png, format="png", dpi=150, facecolor="white")
        size = tuple(ax.figure.get_size_inches())
        plt.close(ax.figure)
        text = _t("figure_slopes", lang, outcome=outcome, focal=focal, moderator=moderator)
        blocks.append(Block("image", png.getvalue(), caption=_t("figure_n", lang, n=k) + " " + text,
                            extra={"size": size, "alt": text}))
    return blocks


def estimator_name(call) -> str:
    """The estimator as the report names it: ``"ML"``, or ``"ML (LMS)"`` for a latent interaction
    estimated by LMS or QML.

    Examples
    --------
    >>> estimator_name({"estimator": "ML", "interaction": "lms"}), estimator_name({})
    ('ML (LMS)', 'ML')
    """
    method = str(call.get("interaction") or "")
    extra = f" ({method.upper()})" if method.lower() in ("lms", "qml") else ""
    return str(call.get("estimator", "ML")) + extra


def build_report(result, *, data=None, data_code: str | None = None,
                 model_code: str | None = None, lang: str = "en", indirect_ci: str | None = None,
                 draws: int | None = 1000, seed=1, decimals: int = 3, title: str | None = None,
                 diagram: dict | None = None,
                 checks=None) -> tuple[list[Block], list[Table], list[str]]:
    """The report as blocks (format-free), its tables, and the warnings raised while making it."""
    spec = result.spec
    summary = getattr(result, "summary_data", None)
    problem = getattr(result, "problem", None)
    refused = problem.family.unsupported(problem) if problem is not None else {}
    if indirect_ci is None:                  # no rows to resample in summary statistics, and
        indirect_ci = ("bootstrap" if summary is None and "bootstrap" not in refused  # LMS
                       else "montecarlo")
    if data is not None:
        check_fitted_data(result, data)
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        if checks is not None:               # reviewer checks (relqual.checks), after the tables
            from .checks import resolve_checks
            checks = resolve_checks(result, checks)
        pls = None
        if getattr(result, "_is_pls", False):     # PLS-SEM: Hair et al.'s (2019) checklist
            from .plsreport import pls_report_parts
            pls = pls_report_parts(result, lang=lang, draws=draws, seed=seed, decimals=decimals)
            result, tables = pls.result, pls.tables
        else:
            tables = apa_tables(result, decimals=decimals, lang=lang, indirect_ci=indirect_ci,
                                draws=draws if indirect_ci != "delta" else None, seed=seed,
                                checks=checks)
        fig = result.plot(lang=lang, **(diagram or {}))
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=150, facecolor="white")
        size = fig.get_size_inches()
        check = None
        if data is not None:
            from .datacheck import check_data
            try:
                check = check_data(data, spec)
            except Exception as exc:        # the check must never stop the report
                caught.append(f"data check failed: {exc}")
        mreport = None
        if pls is None and hasattr(result, "measurement_report") and any(
                t.name == "measurement" for t in tables) and "measurement_report" not in refused:
            try:
                mreport = result.measurement_report()
            except Exception as exc:
                caught.append(f"measurement report not available: {exc}")
    for text in report_warnings(record):
        if text not in caught and text not in result.warnings:
            caught.append(text)

    shown = _t("user_model", lang) if spec.name == "user model" else spec.name   # syntax
    name = (spec.title_zh if lang == "zh" and getattr(spec, "title_zh", "") else spec.title) \
        or shown
    blocks = [Block("h1", title or _t("report_title", lang, name=name))]
    fm = result.fit_measures()
    n_input = result.n_input
    fitted_to = (_t("fitted_rows", lang, n=result.n_obs, n_input=n_input) if summary is None
                 else _t("fitted_summary", lang, n=result.n_obs))
    if pls is not None:
        stats = pls.stats
    elif "interaction_chisq" in fm.index:       # LMS, QML: a likelihood, no chi-square
        stats = _t("report_stats_interaction", lang, logl=f"{fm['logl']:.2f}",
                   aic=f"{fm['aic']:.1f}", bic=f"{fm['bic']:.1f}", df=int(fm["interaction_df"]),
                   chisq=f"{fm['interaction_chisq']:.2f}", p=p_text(fm["interaction_pvalue"]))
    else:
        p_part = f"{p_text(fm['pvalue'])}, " if np.isfinite(fm["pvalue"]) else ""   # ULS: none
        stats = (f"\u03c7\u00b2({int(fm['df'])}) = {fm['chisq']:.2f}, {p_part}"
                 f"CFI = {num(fm['cfi'], 3, True)}, TLI = {num(fm['tli'], 3, True)}, "
                 f"RMSEA = {num(fm['rmsea'], 3, True)}, SRMR = {num(fm['srmr'], 3, True)}")
    blocks.append(Block("p", _t(
        "report_summary", lang, model=shown, estimator=estimator_name(result.call),
        fitted_to=fitted_to, status=_t("converged" if result.converged else "not_converged", lang),
        iterations=result.iterations, stats=stats,
        n_warnings=len(result.warnings) + len(caught))))
    description = model_description(spec, lang)
    if description:
        blocks.append(Block("p", description))

    # model and hypotheses
    blocks.append(Block("h2", _t("h_model", lang)))
    hyps = list(getattr(spec, "hypotheses", None) or [])
    if hyps:
        key = "statement_zh" if lang == "zh" else "statement"
        blocks.append(Block("list", [f"{h.get('id', '')} ({h.get('sign', '')}): "
                                     f"{h.get(key) or h.get('statement', '')}" for h in hyps]))
    blocks.append(Block("pre", spec.syntax.strip(), caption=_t("model_syntax", lang)))

    # diagram
    blocks.append(Block("h2", _t("h_diagram", lang)))
    blocks.append(Block("image", png.getvalue(), caption=(
        _t("figure_n", lang, n=1) + " " + _t("figure_caption", lang, stars=STARS_NOTE,
                                             alpha=num(ALPHA, 2, bounded=True))),
        extra={"size": tuple(size), "alt": _t("diagram_alt", lang)}))

    # data checks
    blocks.append(Block("h2", _t("h_data", lang)))
    if summary is None:
        missing = str(result.call.get("missing", "listwise"))
        if lang_of(lang) == "zh" and "missing_" + missing.lower() in _MISSING:
            missing = _t("missing_" + missing.lower(), lang)
        rows = [(_t("rows_in_data", lang), str(n_input)),
                (_t("rows_used", lang), str(result.n_obs)),
                (_t("rows_dropped", lang), str(n_input - result.n_obs)),
                (_t("missing_data", lang), missing),
                (_t("observed_vars", lang), str(len(result.partable.roles.ov)))]
    else:
        rows = [(_t("data", lang), summary.describe()), ("N", str(result.n_obs)),
                (_t("observed_vars", lang), _t("observed_of", lang, k=len(
                    result.partable.roles.ov), n=len(summary.names)))]
    if result.partable.ngroups > 1:
        rows.append((_t("groups", lang), _t("list_sep", lang).join(map(str, result.group_labels))))
    blocks.append(Block("kv", rows))
    notes = [translate_message(n, lang) for n in result.data_notes]
    if notes:
        blocks.append(Block("list", notes, caption=_t("data_preparation", lang)))
    if check is not None:
        problems = [translate_message(p, lang) for p in check.problems]
        blocks.append(Block("list", problems or [_t("no_problem", lang)],
                            caption=_t("survey_check", lang)))
        if len(check.items):
            items = check.items.copy()
            keep = [c for c in ("n", "missing", "min", "max", "mean", "sd", "skew", "kurtosis")
                    if c in items.columns]
            items = items[keep]
            body = []
            for name_, r in items.iterrows():
                body.append([str(name_)] + [
                    (str(int(r[c])) if c in ("n", "missing") and np.isfinite(r[c]) else
                     num(r[c], 2)) for c in keep])
            skew, kurtosis = CUTOFFS["skew"], CUTOFFS["kurtosis"]
            blocks.append(Block("table", Table(
                "items", _t("title_items", lang),
                [_t("col_item", lang)] + [_t("stat_" + c, lang) for c in keep], body,
                _t("note_items", lang, skew=f"{skew.threshold:g}",
                   kurtosis=f"{kurtosis.threshold:g}", source=skew.cite()),
                "l" + "r" * len(keep), lang=lang)))

    # tables (numbered in the order they appear, the item descriptives first)
    numbered = [b.content for b in blocks if b.kind == "table"] + tables
    for k, t in enumerate(numbered, 1):
        t.number = k
    blocks.append(Block("h2", _t("h_results", lang)))
    for t in tables:
        blocks.append(Block("table", t))
        if t.name == "measurement" and mreport is not None:
            blocks.append(Block("list", [translate_message(s, lang) for s in mreport.statements],
                                caption=_t("measurement_quality", lang)))
    if pls is None:
        blocks += interaction_figures(result, lang)
    if pls is not None:
        blocks.append(Block("list", pls.checklist, caption=pls.caption))
    if not hasattr(result, "reliability"):
        blocks.append(Block("p", _t("no_reliability", lang)))

    # warnings
    blocks.append(Block("h2", _t("h_warnings", lang)))
    all_warnings = list(result.warnings) + caught
    blocks.append(Block("list", [translate_message(w, lang) for w in all_warnings]
                        or [_t("none", lang)],
                        extra={"warn": bool(all_warnings)}))

    # reproducibility
    blocks.append(Block("h2", _t("h_reproducibility", lang)))
    call = fit_call(result, model_code, data_code)
    report_opts = [f"lang={lang!r}", f"indirect_ci={indirect_ci!r}"]
    if indirect_ci != "delta":
        report_opts += [f"draws={draws!r}", f"seed={seed!r}"]
    call += "\nres.report(path, " + ", ".join(report_opts) + ")"
    blocks.append(Block("pre", call, caption=_t("the_call", lang)))
    versions = package_versions()
    kv = [(_t("data_sha" if summary is None else "summary_sha", lang), data_fingerprint(result)),
          (_t("created", lang), _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))]
    kv += [(k, v) for k, v in versions.items()]
    blocks.append(Block("kv", kv))
    return blocks, tables, all_warnings


# ----------------------------------------------------------------------------- HTML
PAGE_CSS = CSS + """
body { font-family: -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans SC', 'Microsoft YaHei',
       Helvetica, Arial, sans-serif; max-width: 62em; margin: 2em auto; padding: 0 1.5em;
       color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
pre { background: #f5f5f5; padding: .8em; overflow-x: auto; font-size: .85em; }
img.diagram { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .caption { font-size: .9em; color: #444; }
table.kv td { padding: .15em 1em .15em 0; vertical-align: top; }
table.kv td:first-child { color: #555; white-space: nowrap; }
li.warn { color: #a00; }
"""


def to_html(blocks: list[Block], lang: str = "en") -> str:
    title = next((b.content for b in blocks if b.kind == "h1"), "relqual report")
    html_lang = "zh-CN" if lang_of(lang) == "zh" else "en"
    out = ["<!DOCTYPE html>", f"<html lang='{html_lang}'><head><meta charset='utf-8'>",
           f"<title>{html.escape(title)}</title>", f"<style>{PAGE_CSS}</style></head><body>"]
    for b in blocks:
        if b.kind in ("h1", "h2"):
            out.append(f"<{b.kind}>{html.escape(b.content)}</{b.kind}>")
        elif b.kind == "p":
            out.append(f"<p>{html.escape(b.content)}</p>")
        elif b.kind == "list":
            if b.caption:
                out.append(f"<p class='caption'><b>{html.escape(b.caption)}</b></p>")
            cls = " class='warn'" if b.extra.get("warn") else ""
            out.append("<ul>" + "".join(f"<li{cls}>{html.escape(str(i))}</li>" for i in b.content)
                       + "</ul>")
        elif b.kind == "pre":
            if b.caption:
                out.append(f"<p class='caption'><b>{html.escape(b.caption)}</b></p>")
            out.append(f"<pre>{html.escape(b.content)}</pre>")
        elif b.kind == "kv":
            out.append("<table class='kv'>" + "".join(
                f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
                for k, v in b.content) + "</table>")
        elif b.kind == "table":
            out.append(b.content.to_html())
        elif b.kind == "image":
            data = base64.b64encode(b.content).decode("ascii")
            alt = html.escape(b.extra.get("alt", "path diagram"))
            out.append(f"<figure><img class='diagram' alt='{alt}' "
                       f"src='data:image/png;base64,{data}'>"
                       f"<figcaption>{html.escape(b.caption)}</figcaption></figure>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- Markdown
def to_markdown(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind == "h1":
            out.append(f"# {b.content}\n")
        elif b.kind == "h2":
            out.append(f"## {b.content}\n")
        elif b.kind == "p":
            out.append(b.content + "\n")
        elif b.kind == "list":
            if b.caption:
                out.append(f"**{b.caption}**\n")
            out.append("\n".join(f"- {i}" for i in b.content) + "\n")
        elif b.kind == "pre":
            if b.caption:
                out.append(f"**{b.caption}**\n")
            out.append("```\n" + b.content + "\n```\n")
        elif b.kind == "kv":
            rows = "\n".join(f"| {k} | {v} |" for k, v in b.content)
            out.append("| | |\n|:--|:--|\n" + rows + "\n")
        elif b.kind == "table":
            out.append(b.content.to_markdown())
        elif b.kind == "image":
            data = base64.b64encode(b.content).decode("ascii")
            out.append(f"![path diagram](data:image/png;base64,{data})\n\n*{b.caption}*\n")
    return "\n".join(out)


# ----------------------------------------------------------------------------- Word
# Chinese thesis fonts: 宋体 for the text, 黑体 for headings (LibreOffice and Word substitute an
# installed CJK font when they are missing)
ZH_FONT, ZH_HEADING_FONT = "SimSun", "SimHei"


def set_east_asian_font(style, font: str) -> None:
    """Set ``w:eastAsia`` on a python-docx style's fonts (the font of Chinese characters), dropping
    a theme font that would override it."""
    from docx.oxml.ns import qn
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    for theme in ("w:eastAsiaTheme",):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]


def to_docx(blocks: list[Block], path, lang: str = "en") -> None:
    try:
        from docx.shared import Inches, Pt, RGBColor
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise ImportError("Word reports need python-docx: pip install python-docx") from None
    from .tables import new_document
    doc = new_document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    if lang_of(lang) == "zh":
        set_east_asian_font(style, ZH_FONT)
        for name in ("Heading 1", "Heading 2", "Title"):
            set_east_asian_font(doc.styles[name], ZH_HEADING_FONT)
        # the language of the text: Chinese (PRC)
        from docx.oxml.ns import qn
        lang_el = style.element.get_or_add_rPr().makeelement(qn("w:lang"), {})
        lang_el.set(qn("w:eastAsia"), "zh-CN")
        style.element.get_or_add_rPr().append(lang_el)
    for b in blocks:
        if b.kind == "h1":
            doc.add_heading(b.content, level=1)
        elif b.kind == "h2":
            doc.add_heading(b.content, level=2)
        elif b.kind == "p":
            doc.add_paragraph(b.content)
        elif b.kind == "list":
            if b.caption:
                doc.add_paragraph().add_run(b.caption).bold = True
            for item in b.content:
                run = doc.add_paragraph(style="List Bullet").add_run(str(item))
                if b.extra.get("warn"):
                    run.font.color.rgb = RGBColor(0xA0, 0, 0)
        elif b.kind == "pre":
            if b.caption:
                doc.add_paragraph().add_run(b.caption).bold = True
            run = doc.add_paragraph().add_run(b.content)
            run.font.name = "Courier New"
            run.font.size = Pt(9)
        elif b.kind == "kv":
            table = doc.add_table(rows=0, cols=2)
            for k, v in b.content:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = str(k), str(v)
        elif b.kind == "table":
            b.content.add_to_docx(doc)
        elif b.kind == "image":
            w, h = b.extra.get("size", (6.5, 4.0))
            width = min(6.5, 8.0 * w / h)          # fit the page: 6.5 in wide, 8 in high
            doc.add_picture(io.BytesIO(b.content), width=Inches(width))
            cap = doc.add_paragraph()
            cap.add_run(b.caption).italic = True
    doc.save(path)


# ----------------------------------------------------------------------------- entry point
def write_report(result, path, *, data=None, data_code: str | None = None,
                 model_code: str | None = None, lang: str = "en", indirect_ci: str | None = None,
                 draws: int | None = 1000, seed=1, decimals: int = 3, title: str | None = None,
                 diagram: dict | None = None, checks=None) -> Path:
    """Write the report of ``result`` to ``path`` (.html, .docx or .md) and return the path.

    ``data``: the DataFrame the model was fitted to, for the item checks (optional).
    ``data_code``: how the data was loaded, for the reproducibility section (e.g.
    ``'rq.read_survey("survey.sav")'``; for a fit from summary statistics, how ``cov`` was
    made, e.g. ``'rq.read_cov("table.txt")'``). ``indirect_ci``: "bootstrap" (the default for
    raw data; ``draws`` resamples with ``seed``), "montecarlo" (the default for summary
    statistics) or "delta". ``lang``: "en" or "zh" (construct names in
    the diagram and tables). ``diagram``: options for :meth:`Result.plot`. ``checks``: the
    reviewer's checks after the tables ("cmb", "compare", or tables from
    ``res.common_method()``, ``rq.compare()``, ``rq.nonresponse()``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write a report to '{path}': use a .html, .docx or .md file name")
    blocks, _, _ = build_report(result, data=data, data_code=data_code, model_code=model_code,
                                lang=lang, indirect_ci=indirect_ci, draws=draws, seed=seed,
                                decimals=decimals, title=title, diagram=diagram, checks=checks)
    if suffix in (".html", ".htm"):
        path.write_text(to_html(blocks, lang), encoding="utf-8")
    elif suffix == ".md":
        path.write_text(to_markdown(blocks), encoding="utf-8")
    else:
        to_docx(blocks, path, lang)
    return path
