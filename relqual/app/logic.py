"""What the web app computes, without Shiny: reading data, models, fits, tables, downloads.

Every function takes plain values and returns plain values (DataFrames, strings, bytes), so the
server (:mod:`relqual.app.server`) only wires them to inputs and outputs, and the tests run them
without a browser. Problems with the user's input raise :class:`AppError` with a message in the
user's language; the server shows it in the page.

Examples
--------
>>> from relqual.app import logic
>>> loaded = logic.load_bundled("relationship_quality")
>>> loaded.df.shape, loaded.code
((600, 22), "rq.datasets.load('relationship_quality')")
>>> outcome = logic.run_fit("relationship_quality", loaded.df)
>>> outcome.error, outcome.result.n_obs
(None, 537)
"""
from __future__ import annotations

import difflib
import io
import math
import os
import re
import threading
import time
import warnings
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

import relqual as rq
from relqual.i18n import translate_message
from relqual.models import construct_label, resolve_model
from relqual.report import model_description
from relqual.verdicts import judge

from .i18n import t

# the largest upload read, in MB (RELQUAL_APP_MAX_UPLOAD_MB overrides it, e.g. for tests)
MAX_UPLOAD_MB = float(os.environ.get("RELQUAL_APP_MAX_UPLOAD_MB", "50"))
ESTIMATORS = ("ML", "MLR", "MLM", "MLMV", "ULS", "DWLS", "WLSMV", "ULSMV", "PLS")
# estimators for ordered (Likert) items: the app declares every model item ordered
ORDINAL_ESTIMATORS = ("WLSMV", "ULSMV")
# how a latent interaction is estimated: "auto" is rq.fit's default (LMS where it applies, else
# double-mean-centred product indicators); then rq.fit's interaction= methods
INTERACTIONS = ("auto", "lms", "qml", "dblcent", "rca", "uca")
MAX_DRAWS = 5000
STEP = 25             # bootstrap draws between two looks at the progress and the Cancel button


class AppError(Exception):
    """A problem with the user's input: a message in the user's language, or (``english=True``)
    one of relqual's own English sentences, shown through :func:`relqual.i18n.translate_message`.

    Examples
    --------
    >>> AppError("reverse: no Likert range for 'q1'; include it in likert= or items=",
    ...          english=True).text("zh")
    'reverse：列“q1”没有李克特量表范围；请把它列入 likert= 或 items='
    """

    def __init__(self, message: str, english: bool = False):
        super().__init__(message)
        self.english = english

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return translate_message(str(self), lang) if self.english else str(self)


class Refused(AppError):
    """A file the page did not send: larger than :data:`MAX_UPLOAD_MB`."""


@dataclass
class Loaded:
    """Data read for the app: the DataFrame, notes on how it was read, and the code that reads
    it the same way (for the downloaded Python script and the report)."""

    df: pd.DataFrame
    name: str
    code: str
    notes: list[str] = field(default_factory=list)


@dataclass
class FitOutcome:
    """A fit, or the message saying why there is none (:meth:`error_text` in the user's
    language)."""

    result: object | None = None
    error: str | None = None
    seconds: float = 0.0
    options: dict = field(default_factory=dict)
    english: bool = True

    def error_text(self, lang: str = "en") -> str | None:
        """The error in ``lang`` (relqual's English sentences through the message catalog)."""
        if self.error is None or not self.english:
            return self.error
        return translate_message(self.error, lang)


# ---------------------------------------------------------------------------- data
def parse_codes(text: str | None, lang: str = "en") -> list | None:
    """Missing-value codes typed as ``-9, 99, n/a`` (commas or Chinese commas) as a list.

    Examples
    --------
    >>> parse_codes("-9, 99，不知道"), parse_codes("  ")
    ([-9, 99, '不知道'], None)
    """
    if text is None or not text.strip():
        return None
    codes = []
    for piece in re.split("[,\uff0c;\uff1b]", text):
        piece = piece.strip()
        if not piece:
            raise AppError(t("err_codes", lang, text=text))
        codes.append(_number(piece) if _number(piece) is not None else piece)
    return codes


def parse_names(text: str | None) -> list[str] | None:
    """Column names typed as ``tr2, ac3`` (commas, Chinese commas or spaces).

    Examples
    --------
    >>> parse_names("tr2，ac3 cc1"), parse_names("")
    (['tr2', 'ac3', 'cc1'], None)
    """
    if text is None or not text.strip():
        return None
    return [w for w in re.split(r"[,\uff0c;\uff1b\s]+", text) if w]


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def likert_range(use: bool, lo, hi, lang: str = "en") -> tuple | None:
    """The Likert range ``(lo, hi)`` when it is to be checked, else None.

    Examples
    --------
    >>> likert_range(True, 1, 5), likert_range(False, 1, 5)
    ((1, 5), None)
    """
    if not use:
        return None
    if lo is None or hi is None or not lo < hi:
        raise AppError(t("err_likert", lang))
    return (int(lo) if float(lo).is_integer() else lo, int(hi) if float(hi).is_integer() else hi)


def _read(path: str | Path, shown: str, lang: str, *, missing_codes=None, likert=None,
          reverse=None) -> tuple[pd.DataFrame, list[str]]:
    """``rq.read_survey`` with its errors as AppError and its notes collected; ``shown`` is the
    file name the user knows (uploads are stored under another name)."""
    from relqual.survey import SurveyWarning
    notes = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            df = rq.read_survey(path, missing_codes=missing_codes, likert=likert,
                                reverse=reverse)
        notes = [str(w.message).replace(str(path), shown) for w in caught
                 if issubclass(w.category, SurveyWarning)]
    except (rq.DataError, ImportError, FileNotFoundError, UnicodeError, ValueError,
            TypeError, KeyError, OSError) as exc:
        raise AppError(str(exc).replace(str(path), shown), english=True) from None
    except Exception as exc:      # a reader's own error on a damaged file: shown, not a traceback
        raise AppError(f"{type(exc).__name__}: {str(exc).replace(str(path), shown)}",
                       english=True) from None
    if df.shape[1] < 2:
        raise AppError(t("err_one_column", lang, col=str(df.columns[0]) if df.shape[1] else ""))
    if len(df) == 0:
        raise AppError(t("err_no_rows", lang))
    return df, notes


def _read_call(source: str, missing_codes, likert, reverse) -> str:
    parts = [repr(source)]
    for key, value in (("missing_codes", missing_codes), ("likert", likert),
                       ("reverse", reverse)):
        if value:
            parts.append(f"{key}={value!r}")
    return f"rq.read_survey({', '.join(parts)})"


def load_bundled(name: str, lang: str = "en", *, missing_codes=None, likert=None,
                 reverse=None) -> Loaded:
    """A bundled dataset, read as an uploaded file would be (the same options apply).

    Examples
    --------
    >>> load_bundled("holzinger_swineford").df.shape
    (301, 15)
    """
    if name not in rq.datasets.list():
        raise AppError(t("err_dataset", lang, name=name))
    if not (missing_codes or likert or reverse):
        return Loaded(rq.datasets.load(name), name, f"rq.datasets.load({name!r})")
    path = rq.datasets._files()[name]
    df, notes = _read(path, f"{name}.csv", lang, missing_codes=missing_codes, likert=likert,
                      reverse=reverse)
    file = repr(f"{name}.csv")
    code = _read_call(f"{name}.csv", missing_codes, likert, reverse).replace(
        file, f"importlib.resources.files('relqual.data_files') / {file}")
    return Loaded(df, name, code, notes)


def load_upload(path: str | Path, name: str, size: int | None = None, lang: str = "en", *,
                missing_codes=None, likert=None, reverse=None,
                max_mb: float = MAX_UPLOAD_MB) -> Loaded:
    """An uploaded survey file (stored at ``path``, called ``name`` by the user).

    Raises
    ------
    AppError
        For a file above ``max_mb``, an empty file, an unsupported format, a file that cannot be
        read, has one column or no rows.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "0.csv")
    >>> rq.datasets.load("relationship_quality").to_csv(path, index=False)
    >>> load_upload(path, "survey.csv").df.shape
    (600, 22)
    >>> with open(os.path.join(folder, "notes.pdf"), "w") as f:
    ...     _ = f.write("%PDF")
    >>> load_upload(os.path.join(folder, "notes.pdf"), "notes.pdf")
    Traceback (most recent call last):
    ...
    relqual.app.logic.AppError: 'notes.pdf' is not a survey file this app reads. ...
    """
    path = Path(path)
    size = path.stat().st_size if size is None else size
    if size > max_mb * 1024 * 1024:
        raise AppError(t("err_too_large", lang, mb=size / 1024 / 1024, limit=max_mb))
    if Path(name).suffix.lower() not in rq.survey.FORMATS:
        raise AppError(t("err_format", lang, name=name))
    if size == 0:
        raise AppError(t("err_empty", lang))
    df, notes = _read(path, name, lang, missing_codes=missing_codes, likert=likert,
                      reverse=reverse)
    return Loaded(df, name, _read_call(name, missing_codes, likert, reverse), notes)


def check_report(df: pd.DataFrame, model=None, likert=None):
    """``rq.check_data`` against the model when it fits the data, else on its own.

    Examples
    --------
    >>> report = check_report(rq.datasets.load("relationship_quality"), "relationship_quality")
    >>> report.ok, len(report.items)
    (True, 20)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return rq.check_data(df, model, likert=likert)
        except Exception:
            return rq.check_data(df, None, likert=likert)


# ---------------------------------------------------------------------------- models
def library_models(lang: str = "en") -> dict[str, str]:
    """{name: "name: title"} of the model library, titles in ``lang``.

    Examples
    --------
    >>> library_models("zh")["relationship_quality"]
    'relationship_quality：顾客关系质量：商业友谊、满意感、信任感与归属感'
    """
    table = rq.models.list()
    column = "title_zh" if lang == "zh" else "title"
    sep = "\uff1a" if lang == "zh" else ": "
    return {r["name"]: f"{r['name']}{sep}{r[column] or r['title']}"
            for _, r in table.iterrows()}


def check_syntax(text: str) -> dict:
    """Whether lavaan syntax builds a model: ``{"ok", "line", "message", "lv", "ov", "paths"}``.

    ``line`` (1-based) is where the error is, when known.

    Examples
    --------
    >>> check_syntax("f =~ x1 + x2 + x3")["ok"]
    True
    >>> check_syntax("y ~ x + z + x:z")["ov"]
    3
    >>> bad = check_syntax("f =~ x1 + x2\\ng ~ f +")
    >>> bad["ok"], bad["line"]
    (False, 2)
    """
    from relqual.partable import build_partable
    from relqual.syntax import ModelSyntaxError
    if not text or not text.strip():
        return {"ok": False, "line": None, "message": "", "lv": 0, "ov": 0, "paths": 0}
    try:
        statements = rq.parse(text)
        pt = build_partable(text)
    except ModelSyntaxError as exc:
        message = str(exc)
        if exc.line is not None:
            message = message.removeprefix(f"line {exc.line}: ")
        return {"ok": False, "line": exc.line, "message": message, "lv": 0, "ov": 0,
                "paths": 0}
    except Exception as exc:
        return {"ok": False, "line": None, "message": str(exc), "lv": 0, "ov": 0, "paths": 0}
    paths = sum(1 for s in statements if s.op == "~")
    return {"ok": True, "line": None, "message": "", "lv": len(pt.roles.lv),
            "ov": len(_observed(pt.roles)), "paths": paths}


def model_items(model) -> list[str]:
    """The observed variables a model needs from the data.

    Examples
    --------
    >>> model_items("f =~ q1 + q2 + q3")
    ['q1', 'q2', 'q3']

    An interaction term ``x:z`` is made from its parts: their observed ones are the items.

    >>> model_items("y ~ x + x:z")
    ['y', 'x', 'z']
    """
    from relqual.partable import build_partable
    return _observed(build_partable(resolve_model(model).syntax).roles)


def _observed(roles) -> list[str]:
    """The observed variables of a parameter table's roles, interaction terms split."""
    items: list[str] = []
    for name in map(str, roles.ov):
        for part in name.split(":"):
            if part not in items and part not in set(map(str, roles.lv)):
                items.append(part)
    return items


def has_interaction(model) -> bool:
    """Whether a model regresses on an interaction term (``y ~ x + z + x:z``).

    Examples
    --------
    >>> has_interaction("y ~ x + z + x:z"), has_interaction("relationship_quality")
    (True, False)
    """
    return any(s.op == "~" and ":" in str(s.rhs)
               for s in rq.parse(resolve_model(model).syntax))


def model_overview(name: str, lang: str = "en") -> dict:
    """A library model for the Model page: title, description, constructs with their items, and
    the hypotheses, in ``lang`` (the description as the report gives it).

    Examples
    --------
    >>> info = model_overview("relationship_quality", "zh")
    >>> info["constructs"][0]["label"], info["hypotheses"][0]["path"]
    ('商业友谊', '商业友谊 → 顾客满意感')
    """
    spec = rq.models.load(name)
    zh = lang == "zh"
    lv_items = {}
    for s in rq.parse(spec.syntax):
        if s.op == "=~":
            lv_items.setdefault(s.lhs, []).append(s.rhs)
    constructs = []
    for cid, items in lv_items.items():
        entry = spec.constructs.get(cid, {})
        texts = {i["id"]: (i.get("text_zh") if zh else None) or i.get("text", "")
                 for i in entry.get("items", [])}
        constructs.append({"id": cid, "label": construct_label(cid, lang, spec.constructs),
                           "items": [(item, texts.get(item, "")) for item in items]})
    hyps = []
    for h in spec.hypotheses:
        lhs = construct_label(str(h.get("lhs")), lang, spec.constructs)
        rhs = construct_label(str(h.get("rhs")), lang, spec.constructs)
        statement = (h.get("statement_zh") if zh else None) or h.get("statement", "")
        hyps.append({"id": h.get("id", ""), "path": f"{rhs} \u2192 {lhs}",
                     "sign": h.get("sign", ""), "statement": statement})
    title = (spec.title_zh if zh and spec.title_zh else spec.title) or spec.name
    return {"name": spec.name, "title": title, "description": model_description(spec, lang),
            "constructs": constructs, "hypotheses": hyps}


def suggest_columns(items: list[str], columns: list[str], taken=()) -> dict[str, str | None]:
    """For each model item, the data column that holds it: the same name, the same name in
    other case, or the closest name (None when nothing is close). Columns in ``taken`` (those
    holding the model's other items) are not suggested.

    Examples
    --------
    >>> suggest_columns(["sat1", "tr2", "ac1"], ["SAT1", "trust2", "age"])
    {'sat1': 'SAT1', 'tr2': 'trust2', 'ac1': None}
    >>> suggest_columns(["tr2"], ["tr1", "tr3"], taken=["tr1", "tr3"])
    {'tr2': None}
    """
    out = {}
    lower = {c.lower(): c for c in map(str, columns) if c not in set(taken)}
    for item in items:
        if item in columns and item not in set(taken):
            out[item] = item
        elif item.lower() in lower:
            out[item] = lower[item.lower()]
        else:
            close = difflib.get_close_matches(item.lower(), list(lower), n=1, cutoff=0.6)
            out[item] = lower[close[0]] if close else None
    return out


def apply_mapping(df: pd.DataFrame, mapping: dict[str, str | None], lang: str = "en"
                  ) -> pd.DataFrame:
    """The data with the mapped columns renamed to the model's item names (a new DataFrame).

    Examples
    --------
    >>> df = pd.DataFrame({"SAT1": [1, 2], "x": [3, 4]})
    >>> apply_mapping(df, {"sat1": "SAT1"}).columns.tolist()
    ['sat1', 'x']
    """
    absent = [item for item, col in mapping.items() if not col]
    if absent:
        raise AppError(t("mapping_missing", lang, items=", ".join(absent)))
    used: dict[str, str] = {}
    for item, col in mapping.items():
        if col in used and used[col] != item:
            raise AppError(t("mapping_twice", lang, col=col))
        used[col] = item
    rename = {col: item for item, col in mapping.items() if col != item}
    clash = [item for col, item in rename.items() if item in df.columns and item not in rename]
    out = df.drop(columns=clash) if clash else df
    return out.rename(columns=rename)


# ---------------------------------------------------------------------------- fitting
def fit_options(estimator: str = "ML", missing: str = "listwise", draws: int = 0,
                seed: int | None = 1, interaction: str = "auto", lang: str = "en") -> dict:
    """``rq.fit``'s keyword arguments for the app's choices.

    Examples
    --------
    >>> fit_options("WLSMV")
    {'estimator': 'WLSMV', 'ordered': True}
    >>> fit_options("ML", "fiml", 200, 7)
    {'estimator': 'ML', 'missing': 'fiml', 'se': 'bootstrap', 'bootstrap': 200, 'seed': 7, \
'n_jobs': 1}
    >>> fit_options("ULSMV", "pairwise")
    {'estimator': 'ULSMV', 'ordered': True, 'missing': 'pairwise'}
    >>> fit_options("ML", interaction="qml")
    {'estimator': 'ML', 'interaction': 'qml'}
    """
    if estimator not in ESTIMATORS:
        raise AppError(t("err_estimator", lang, est=estimator))
    draws = int(draws or 0)
    if draws < 0 or draws > MAX_DRAWS:
        raise AppError(t("err_draws", lang, max=MAX_DRAWS))
    if interaction not in INTERACTIONS:
        raise AppError(t("err_interaction", lang, method=interaction,
                         methods=", ".join(INTERACTIONS)))
    options: dict = {"estimator": estimator}
    if interaction != "auto":
        options["interaction"] = interaction
    if estimator in ORDINAL_ESTIMATORS:
        options["ordered"] = True
    if missing in ("fiml", "pairwise"):
        options["missing"] = missing
    if draws:
        if estimator != "PLS":
            options["se"] = "bootstrap"
        options.update(bootstrap=draws, seed=None if seed is None else int(seed), n_jobs=1)
    return options


class Progress:
    """How far a running fit has got, shared by the worker thread (which advances it) and the
    page (which reads it and may cancel).

    Examples
    --------
    >>> job = Progress()
    >>> job.total, job.done, job.cancelled
    (0, 0, False)
    >>> job.cancel(); job.cancelled
    True
    """

    def __init__(self):
        self.total = 0          # bootstrap draws asked for (0: none)
        self.done = 0           # bootstrap draws refitted so far
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the worker to stop at its next step of draws."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Cancelled(Exception):
    """The user cancelled a running fit."""


def bootstrap_draws(res, draws: int, seed=None, job: Progress | None = None):
    """``res.bootstrap(draws, seed)`` in steps of :data:`STEP` draws, so that ``job`` shows how
    many are done and can stop it between steps.

    The resamples are :func:`relqual.resample.draw_indices`' (those of ``res.bootstrap``),
    replayed step by step with ``res.bootstrap(0, indices=...)``: the draws are the same as
    ``rq.fit(..., se="bootstrap", bootstrap=draws, seed=seed)``'s.

    Raises
    ------
    Cancelled
        When ``job`` is cancelled before the last step.

    Examples
    --------
    >>> res = rq.fit("visual =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford"))
    >>> job = Progress()
    >>> boot = bootstrap_draws(res, 60, seed=1, job=job)
    >>> job.done, job.total, bool(np.allclose(boot.values, res.bootstrap(60, seed=1).values))
    (60, 60, True)
    """
    from dataclasses import replace

    from relqual.resample import draw_indices
    job = job or Progress()
    indices = draw_indices([len(a) for a in res.problem.data.arrays], int(draws), seed)
    job.total, job.done = len(indices), 0
    parts = []
    for start in range(0, len(indices), STEP):
        if job.cancelled:
            raise Cancelled
        parts.append(res.bootstrap(0, seed=seed, indices=indices[start:start + STEP],
                                   progress=False))
        job.done = start + len(parts[-1].converged)
    return replace(parts[0], seed=seed, values=np.vstack([p.values for p in parts]),
                   converged=np.concatenate([p.converged for p in parts]), indices=indices)


def run_fit(model, df: pd.DataFrame, estimator: str = "ML", missing: str = "listwise",
            draws: int = 0, seed: int | None = 1, job: Progress | None = None,
            interaction: str = "auto", lang: str = "en") -> FitOutcome:
    """Fit ``model`` to ``df``; any problem becomes ``FitOutcome.error`` (never raises but
    :class:`Cancelled`).

    With bootstrap ``draws`` the model is fitted first and then resampled by
    :func:`bootstrap_draws` (what ``rq.fit(..., se="bootstrap")`` does in one call), so ``job``
    can show the progress and cancel. The draws are also kept as the Result's
    ``res.bootstrap(draws, seed)`` (they are the same resamples), so the report's bootstrap
    intervals of indirect effects (:func:`write_report` with the same draws and seed) reuse them
    instead of refitting every resample again.

    Examples
    --------
    >>> out = run_fit("f =~ nothing1 + nothing2 + nothing3",
    ...               rq.datasets.load("political_democracy"))
    >>> out.result is None, "nothing1" in out.error
    (True, True)
    >>> out.error_text("zh").startswith("变量“nothing1”（模型第 1 行）不是数据中的列")
    True
    """
    start = time.perf_counter()
    try:
        options = fit_options(estimator, missing, draws, seed, interaction, lang)
        first = {k: v for k, v in options.items()
                 if k not in ("se", "bootstrap", "seed", "n_jobs")}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = rq.fit(model, df, **first)
            if draws:
                boot = bootstrap_draws(res, draws, options["seed"], job)
                res = res.with_bootstrap(boot)     # also its res.bootstrap(draws, seed)
    except Cancelled:
        raise
    except AppError as exc:
        return FitOutcome(error=str(exc), english=exc.english)
    except Exception as exc:     # DataError, ModelSyntaxError, ValueError, numerical failures
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return FitOutcome(error=str(message) or type(exc).__name__)
    return FitOutcome(result=res, seconds=time.perf_counter() - start, options=options)


# ---------------------------------------------------------------------------- results
VERDICTS = {"Good": "good", "Poor": "poor", "Acceptable": "acceptable",
            "lower is better": "lower_better"}


def fit_rows(res, lang: str = "en") -> pd.DataFrame:
    """The fit table (index, value, cut-off, verdict) with headers and verdicts in ``lang``;
    values as printed in the APA table.

    Examples
    --------
    >>> out = run_fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> rows = fit_rows(out.result, "zh")
    >>> rows.columns.tolist()
    ['指标', '数值', '判断标准', '结论']
    >>> rows.set_index("指标").loc["CFI"].tolist()
    ['1.000', '≥ .95', '良好']
    """
    from relqual.tables import fit_table
    cols = [t(k, lang) for k in ("col_index", "col_value", "col_cutoff", "col_verdict")]
    fm = res.fit_measures()
    if "chisq" not in fm.index:                  # PLS: SRMR and the discrepancies d_ULS, d_G
        rows = []
        for key, name in (("srmr", "SRMR"), ("srmr_saturated", "SRMR (saturated model)"),
                          ("d_uls", "d_ULS"), ("d_g", "d_G")):
            if key in fm.index and np.isfinite(fm[key]):
                cut, verdict = ("\u2264 .08", "Good" if fm[key] <= 0.08 else "Poor") \
                    if key.startswith("srmr") else ("", "")
                rows.append([name, _fmt(fm[key]), cut, _word(verdict, lang)])
        return pd.DataFrame(rows, columns=cols)
    table = fit_table(res, lang=lang)
    rows = []
    for row in table.rows:
        index, value, cutoff, verdict = (list(row) + ["", "", "", ""])[:4]
        rows.append([index, value, _word(cutoff, lang), _word(verdict, lang)])
    return pd.DataFrame(rows, columns=cols)


def _word(text: str, lang: str) -> str:
    key = VERDICTS.get(str(text))
    return t(key, lang) if key else str(text)


def _fmt(x, decimals: int = 3) -> str:
    if x is None or not np.isfinite(x):
        return ""
    return f"{x:.{decimals}f}"


def _p(p) -> str:
    if p is None or not np.isfinite(p):
        return ""
    return "< .001" if p < 0.001 else f"{p:.3f}".replace("0.", ".", 1)


def hypothesis_rows(res, lang: str = "en") -> pd.DataFrame:
    """Structural paths with the hypothesis predicting each and its verdict, in ``lang``.

    Examples
    --------
    >>> out = run_fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> rows = hypothesis_rows(out.result)
    >>> rows.iloc[0].tolist()
    ['H1', 'Commercial friendship → Satisfaction', '+', '0.347', '0.352', '0.055', \
'[0.254, 0.441]', '< .001', 'supported']
    """
    spec = res.spec
    paths = res.paths()
    by_key = {(str(r["lhs"]), str(r["rhs"])): r for _, r in paths.iterrows()
              if r["op"] == "~"}
    hyps = [h for h in (spec.hypotheses or []) if h.get("op", "~") == "~"]
    label = lambda name: construct_label(name, lang, spec.constructs)
    rows, seen = [], set()

    def row(hid, lhs, rhs, sign, path, verdict):
        text = f"{label(rhs)} \u2192 {label(lhs)}"
        if path is None:
            return [hid, text, sign, "", "", "", "", "", verdict]
        ci = (f"[{_fmt(path['std_all_ci_lower'])}, {_fmt(path['std_all_ci_upper'])}]"
              if np.isfinite(path["std_all_ci_lower"]) else "")
        return [hid, text, sign, _fmt(path["std_all"]), _fmt(path["est"]), _fmt(path["se"]),
                ci, _p(path["pvalue"]), verdict]

    for h in hyps:
        key = (str(h.get("lhs")), str(h.get("rhs")))
        seen.add(key)
        path = by_key.get(key)
        sign = str(h.get("sign", ""))
        verdict = (t("not_in_model", lang) if path is None
                   else _verdict(path["est"], path["pvalue"], sign, lang))
        rows.append(row(h.get("id", ""), key[0], key[1], sign, path, verdict))
    for key, path in by_key.items():
        if key not in seen:
            rows.append(row("", key[0], key[1], "", path, t("no_hypothesis", lang)))
    cols = [t("hypothesis", lang), t("path", lang), t("sign", lang), t("col_beta", lang),
            t("col_b", lang), t("col_se", lang), t("col_ci", lang), t("col_p", lang),
            t("col_verdict", lang)]
    return pd.DataFrame(rows, columns=cols)


def _verdict(est, pvalue, sign, lang) -> str:
    ok, reason = judge(est, pvalue, sign or None)
    if ok:
        return t("supported", lang)
    if reason.startswith("no test"):
        return t("no_test", lang)
    return t("opposite" if "opposite" in reason else "not_supported", lang)


def interaction_rows(res, lang: str = "en") -> pd.DataFrame:
    """The likelihood-ratio test of each interaction term (``res.interaction_test()``), in
    ``lang``: outcome, term, method, the test (Δχ², df, p), R² with and without the terms, and
    the unstandardized and standardized coefficients.

    Examples
    --------
    >>> out = run_fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> interaction_rows(out.result).iloc[0].tolist()
    ['x9', 'x7:x8', 'product', '1.391', '1', '.238', '0.225', '0.221', '-0.050', '-0.054']
    """
    test = res.interaction_test()
    spec = res.spec
    label = lambda name: construct_label(str(name), lang, spec.constructs)
    rows = [[label(r["outcome"]), str(r["term"]), str(r["method"]), _fmt(r["chisq"]),
             f"{int(r['df'])}", _p(r["pvalue"]), _fmt(r["r2"]), _fmt(r["r2_without"]),
             _fmt(r["est"]), _fmt(r["std_est"])] for _, r in test.iterrows()]
    cols = [t(k, lang) for k in ("col_outcome", "col_term", "col_method", "col_chisq_diff",
                                 "col_df", "col_p", "col_r2", "col_r2_without", "col_b",
                                 "col_beta")]
    return pd.DataFrame(rows, columns=cols)


RELIABILITY_COLUMNS = (("n_items", "col_n_items", 0), ("alpha", "col_alpha", 3),
                       ("omega", "col_omega", 3), ("rho_a", "col_rho_a", 3),
                       ("rho_c", "col_rho_c", 3), ("ave", "col_ave", 3))


def reliability_rows(res, lang: str = "en") -> pd.DataFrame:
    """Reliability and AVE per construct (the columns the estimator gives), in ``lang``; the
    product factors of an interaction (``x:z``, measured by product indicators) are not
    constructs of the model and are left out.

    Examples
    --------
    >>> out = run_fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> reliability_rows(out.result).columns.tolist()
    ['Construct', 'Items', "Cronbach's α", 'ω (CR)', 'AVE']
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rel = res.reliability()
    rel = rel[~rel["factor"].astype(str).str.contains(":", regex=False)]
    spec = res.spec
    out = pd.DataFrame({t("construct", lang): [construct_label(str(f), lang, spec.constructs)
                                              for f in rel["factor"]]})
    for col, key, decimals in RELIABILITY_COLUMNS:
        if col in rel.columns:
            values = rel[col]
            out[t(key, lang)] = [(f"{int(v)}" if decimals == 0 else _fmt(v, decimals))
                                 if pd.notna(v) else "" for v in values]
    return out


def html_table(df: pd.DataFrame, css_class: str = "rq-table") -> str:
    """A DataFrame as a plain HTML table (text escaped, no index), in a box that scrolls
    sideways when the table is wider than the page.

    Examples
    --------
    >>> print(html_table(pd.DataFrame({"a": ["<1>"]})).replace("><", ">\\n<"))
    <div class="rq-scroll">
    <table class="rq-table">
    <thead>
    <tr>
    <th>a</th>
    </tr>
    </thead>
    <tbody>
    <tr>
    <td>&lt;1&gt;</td>
    </tr>
    </tbody>
    </table>
    </div>
    """
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return (f'<div class="rq-scroll"><table class="{css_class}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def apa_tables_html(res, lang: str = "en") -> str:
    """The APA tables of the report as HTML (indirect effects with delta-method intervals).

    Examples
    --------
    >>> out = run_fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> html = apa_tables_html(out.result)
    >>> html.count('class="apa-table"')
    5
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return "\n".join(table.to_html() for table in res.tables(lang=lang))


def figure_png(fig, dpi: int = 110) -> bytes:
    """A matplotlib figure as PNG bytes (the figure is closed)."""
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def diagram_png(res_or_spec, lang: str = "en") -> bytes:
    """The path diagram of a fit (or the hypothesised model of a spec) as PNG bytes.

    Examples
    --------
    >>> diagram_png(rq.models.load("relationship_quality"))[:4]
    b'\\x89PNG'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return figure_png(res_or_spec.plot(lang=lang))


def model_label(model) -> str:
    """How the model is written in code: its library name, or the syntax in triple quotes."""
    if isinstance(model, str) and model in set(rq.models.list()["name"]):
        return repr(model)
    return '"""\n' + str(model).strip() + '\n"""'


def python_code(model, loaded_code: str, options: dict, mapping: dict | None = None,
                lang: str = "en") -> str:
    """A Python script that reproduces the analysis with relqual.

    Examples
    --------
    >>> print(python_code("relationship_quality", "rq.datasets.load('relationship_quality')",
    ...                   {"estimator": "ML"}))
    # The analysis of the relqual web app, to rerun in Python (pip install relqual)
    import relqual as rq
    <BLANKLINE>
    data = rq.datasets.load('relationship_quality')
    res = rq.fit('relationship_quality', data, estimator='ML')
    print(res.summary())
    res.report('report.html', data=data, lang='en')
    """
    lines = ["# The analysis of the relqual web app, to rerun in Python (pip install relqual)",
             "import relqual as rq", "", f"data = {loaded_code}"]
    if "importlib" in loaded_code:
        lines.insert(1, "import importlib.resources")
    rename = {col: item for item, col in (mapping or {}).items() if col and col != item}
    if rename:
        lines.append(f"data = data.rename(columns={rename!r})")
    args = ", ".join(f"{k}={v!r}" for k, v in options.items())
    lines.append(f"res = rq.fit({model_label(model)}, data{', ' + args if args else ''})")
    lines += ["print(res.summary())", f"res.report('report.html', data=data, lang={lang!r})"]
    return "\n".join(lines) + "\n"


def write_report(res, df: pd.DataFrame, path: str | Path, lang: str = "en", draws: int = 0,
                 seed: int | None = 1, data_code: str | None = None) -> Path:
    """The report of a fit (.html or .docx): bootstrap intervals of the indirect effects with
    ``draws`` resamples, delta-method ones without.

    Examples
    --------
    >>> import os, tempfile
    >>> df = rq.datasets.load("relationship_quality")
    >>> out = run_fit("relationship_quality", df)
    >>> path = write_report(out.result, df, os.path.join(tempfile.mkdtemp(), "r.html"))
    >>> path.read_text(encoding="utf-8").count("Model fit") > 0
    True
    """
    options = ({"indirect_ci": "bootstrap", "draws": int(draws), "seed": seed} if draws
               else {"indirect_ci": "delta"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return res.report(path, data=df, lang=lang, data_code=data_code, **options)


# ---------------------------------------------------------------------------- simulation
def population_paths(model: str) -> pd.DataFrame:
    """The structural paths of a library model's population: ``lhs rhs std_all``.

    Examples
    --------
    >>> first = population_paths("relationship_quality").iloc[0]
    >>> first["lhs"], first["rhs"], float(first["std_all"])
    ('SAT', 'CF', 0.4)
    """
    from relqual.simulate import population_values
    values = population_values(model)
    paths = values.loc[values["op"] == "~", ["lhs", "rhs", "std_all"]]
    return paths.reset_index(drop=True)


def path_labels(model: str, lang: str = "en") -> list[str]:
    """Labels of the structural paths of :func:`population_paths` (same order): the construct
    names in ``lang`` with their abbreviations.

    Examples
    --------
    >>> path_labels("relationship_quality", "zh")[0]
    '商业友谊（CF）→ 顾客满意感（SAT）'
    >>> path_labels("relationship_quality")[0]
    'Commercial friendship (CF) → Satisfaction (SAT)'
    """
    constructs = rq.models.load(model).constructs
    name = lambda cid: construct_label(cid, lang, constructs)
    return [t("sim_path", lang, rhs=name(r.rhs), rhs_id=r.rhs, lhs=name(r.lhs), lhs_id=r.lhs)
            for r in population_paths(model).itertuples()]


def population_with_paths(model: str, paths: dict[tuple[str, str], float] | None = None) -> str:
    """Population syntax of a library model with some standardized paths changed: loadings,
    paths and covariances as standardized values, residual variances solved so every variable
    keeps variance 1 (:func:`relqual.simulate.complete_population`).

    Examples
    --------
    >>> text = population_with_paths("relationship_quality", {("SAT", "CF"): 0.6})
    >>> "SAT ~ 0.60*CF" in text
    True
    """
    from relqual.simulate import complete_population, population_values
    values = population_values(model)
    lines = []
    for _, r in values.iterrows():
        op, lhs, rhs, value = r["op"], str(r["lhs"]), str(r["rhs"]), float(r["std_all"])
        if op == "~" and paths and (lhs, rhs) in paths:
            value = float(paths[(lhs, rhs)])
        if op in ("=~", "~") or (op == "~~" and lhs != rhs):
            lines.append(f"{lhs} {op} {value:.6g}*{rhs}")
    try:
        return complete_population("\n".join(lines))
    except ValueError as exc:
        raise AppError(str(exc), english=True) from None


def simulate_and_fit(model: str, n: int, seed: int = 1, likert: int | None = None,
                     paths: dict | None = None, lang: str = "en") -> tuple:
    """Simulate ``n`` respondents from the (changed) population of a library model and fit the
    model: ``(result, truth)``, ``truth`` the population's structural paths (``lhs rhs
    std_all``, with the changes).

    Examples
    --------
    >>> res, truth = simulate_and_fit("relationship_quality", 300, seed=2)
    >>> res.n_obs, len(truth)
    (300, 9)
    """
    n = int(n)
    if n < 20 or n > 100_000:
        raise AppError(t("err_sim_n", lang))
    population = population_with_paths(model, paths) if paths else model
    try:
        data = rq.simulate(population, n, seed=int(seed), likert=likert)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = rq.fit(model, data)
    except Exception as exc:
        raise AppError(str(exc), english=True) from None
    truth = population_paths(model)
    if paths:
        truth["std_all"] = [float(paths.get((r.lhs, r.rhs), r.std_all))
                            for r in truth.itertuples()]
    return res, truth


def comparison_rows(res, truth: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Population against estimated standardized paths of a simulated fit, in ``lang``.

    Examples
    --------
    >>> res, truth = simulate_and_fit("relationship_quality", 300, seed=2)
    >>> comparison_rows(res, truth).columns.tolist()
    ['Path', 'Population β', 'Estimated β', 'p', 'p < .05']
    """
    est = res.paths().set_index(["lhs", "rhs"])
    spec = res.spec
    label = lambda name: construct_label(name, lang, spec.constructs)
    rows = []
    for r in truth.itertuples():
        e = est.loc[(r.lhs, r.rhs)] if (r.lhs, r.rhs) in est.index else None
        rows.append([f"{label(r.rhs)} \u2192 {label(r.lhs)}", f"{r.std_all:.2f}",
                     "" if e is None else _fmt(e["std_all"]),
                     "" if e is None else _p(e["pvalue"]),
                     "" if e is None else t("yes" if e["pvalue"] < 0.05 else "no", lang)])
    cols = [t("path", lang), t("col_population", lang), t("col_estimate", lang),
            t("col_p", lang), t("col_significant", lang)]
    return pd.DataFrame(rows, columns=cols)
