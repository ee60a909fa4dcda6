"""The ``relqual`` command line: ``demo``, ``models``, ``fit``, ``simulate`` and ``power``.

Every command is a thin layer over the Python API (``rq.fit``, ``rq.models``, ``Result``).
Problems with the user's input (a missing file, an unknown column, a syntax error, an option
that is not implemented yet) end with a one-line message on stderr and exit code 2, never a
traceback.
"""
from __future__ import annotations

import argparse
import codecs
import json
import math
import re
import sys
import textwrap
import warnings
from pathlib import Path

import pandas as pd

import relqual as rq
from relqual.options import CONTINUOUS_SE, TESTS
from relqual.verdicts import judge

EXIT_OK, EXIT_INPUT = 0, 2
DEMO_NAME = "relationship_quality"


class CliError(Exception):
    """A problem with what the user asked for; the message is shown as is.

    :func:`main` prints it as ``relqual: error: <message>`` and returns exit code 2.

    Examples
    --------
    >>> from relqual.cli import CliError, read_data
    >>> try:
    ...     read_data("no-such-file.csv")
    ... except CliError as exc:
    ...     print(exc)
    data file 'no-such-file.csv' not found (supported formats: ...)
    """


# ---------------------------------------------------------------------------- helpers
CLI_RANGE_HINT = ("Declare these values with --missing-codes, pass --out-of-range missing to "
                  "recode them to missing, or correct the --likert range.")


def read_data(path: str, *, encoding=None, sheet=None, missing_codes=None, likert=None,
              items=None, on_out_of_range: str = "error") -> pd.DataFrame:
    """A data file as a DataFrame, read by ``rq.read_survey`` (the format is chosen by extension).

    What ``read_survey`` decided on its own (the encoding of a Chinese file, the delimiter, lines
    above the header, columns it left alone) is printed on stderr as ``relqual: note: ...``.

    Parameters
    ----------
    path : str
        A file :func:`relqual.read_survey` can read.
    encoding, sheet, missing_codes, likert, items, on_out_of_range
        Passed on to :func:`relqual.read_survey` (from ``--encoding``, ``--sheet``,
        ``--missing-codes``, ``--likert`` with the model's items, ``--out-of-range``).

    Returns
    -------
    DataFrame

    Raises
    ------
    CliError
        When the file is missing, its format unsupported or its reader not installed, or an
        option does not fit the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import relqual as rq
    >>> from relqual.cli import read_data
    >>> path = os.path.join(tempfile.mkdtemp(), "hs.csv")
    >>> rq.datasets.load("holzinger_swineford").to_csv(path, index=False)
    >>> read_data(path).shape
    (301, 15)
    >>> read_data(path, likert=(1, 5), items=["x1"])
    Traceback (most recent call last):
    ...
    relqual.data.DataError: '...hs.csv': 138 answer(s) outside the Likert range in 1 column(s) ...
    ...Declare these values with --missing-codes, pass --out-of-range missing to recode them to
    missing, or correct the --likert range.
    """
    from .survey import RANGE_HINT, SurveyWarning
    kind = rq.survey.FORMATS.get(Path(path).suffix.lower(), (None, None))[1]
    if sheet is not None and kind is not None and kind != "excel":
        raise CliError(f"--sheet applies to Excel files (.xlsx, .xlsm) only, not to '{path}'")
    if encoding is not None and kind in ("excel", "parquet"):
        fmt = rq.survey.FORMATS[Path(path).suffix.lower()][0]
        raise CliError(f"--encoding does not apply to {fmt} files ('{path}'): they record their "
                       "own encoding")
    caught = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SurveyWarning)
            return rq.read_survey(path, encoding=encoding, sheet=sheet,
                                  missing_codes=missing_codes, likert=likert, items=items,
                                  on_out_of_range=on_out_of_range)
    except (FileNotFoundError, ImportError, rq.SurveyFileError) as exc:
        raise CliError(cli_words(str(exc))) from None
    except rq.DataError as exc:
        message = str(exc)
        if message.startswith("items: "):      # an item of the model that is not in the data
            raise CliError("the model's variable " + message.removeprefix("items: ")) from None
        raise rq.DataError(message.replace(RANGE_HINT, CLI_RANGE_HINT)) from None
    finally:                                   # the notes, also when the file was refused
        for w in caught:
            if issubclass(w.category, SurveyWarning):
                print(f"relqual: note: {cli_words(str(w.message))}", file=sys.stderr)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def cli_words(message: str) -> str:
    """A message of ``read_survey`` with its Python arguments named as the command's options.

    Parameters
    ----------
    message : str

    Returns
    -------
    str

    Examples
    --------
    >>> from relqual.cli import cli_words
    >>> cli_words("the first, 'notes', was read (pass sheet= for another)")
    "the first, 'notes', was read (pass --sheet for another)"
    >>> cli_words("To recode it, give the codes per column, e.g. missing_codes={'id': [99]}")
    "To recode it, read the file in Python: rq.read_survey(..., missing_codes={'id': [99]})"
    """
    message = re.sub(r"\bencoding='([^']+)'", r"--encoding \1", message)
    message = message.replace("pass sheet= for another", "pass --sheet for another")
    return re.sub(r"give the codes per column, e\.g\. (missing_codes=\{.*\})$",
                  r"read the file in Python: rq.read_survey(..., \1)", message)


def parse_missing_codes(text: str | None) -> list | None:
    """The ``--missing-codes`` option as a list: numbers where they are numbers, else text.

    Values are separated by commas (``,`` or the full-width ``，``); spaces around them are
    ignored.

    Parameters
    ----------
    text : str or None

    Returns
    -------
    list or None

    Raises
    ------
    CliError
        For an empty value.

    Examples
    --------
    >>> from relqual.cli import parse_missing_codes
    >>> parse_missing_codes("-9, 99,n/a，不知道")
    [-9, 99, 'n/a', '不知道']
    >>> parse_missing_codes("-9,,99")
    Traceback (most recent call last):
    ...
    relqual.cli.CliError: --missing-codes: empty value in '-9,,99'; give values separated by
    commas, e.g. --missing-codes=-9,99,n/a
    """
    if text is None:
        return None
    codes = []
    for piece in re.split("[,\uff0c]", text):
        piece = piece.strip()
        if not piece:
            raise CliError(f"--missing-codes: empty value in {text!r}; give values separated by "
                           "commas, e.g. --missing-codes=-9,99,n/a")
        number = _number(piece)
        codes.append(piece if number is None else number)
    return codes


def _number(text: str):
    """``text`` as an int or float, or None when it is not a number."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_likert(values: list[str] | None) -> tuple | None:
    """The ``--likert`` option, ``LO HI`` or ``LO,HI``, as a pair of numbers.

    Parameters
    ----------
    values : list of str or None
        The words given after ``--likert``.

    Returns
    -------
    (lo, hi) or None

    Raises
    ------
    CliError
        Unless there are two numbers with LO < HI.

    Examples
    --------
    >>> from relqual.cli import parse_likert
    >>> parse_likert(["1", "5"]), parse_likert(["1,7"]), parse_likert(None)
    ((1, 5), (1, 7), None)
    >>> parse_likert(["5", "1"])
    Traceback (most recent call last):
    ...
    relqual.cli.CliError: --likert: LO must be smaller than HI (got 5..1), e.g. --likert 1 5
    """
    if values is None:
        return None
    words = [w for v in values for w in re.split("[,\uff0c]", v) if w.strip()]
    numbers = [_number(w.strip()) for w in words]
    if len(words) != 2 or any(n is None for n in numbers):
        raise CliError(f"--likert: give the scale as two numbers LO HI or LO,HI, e.g. --likert "
                       f"1 5 (got {' '.join(values)!r})")
    lo, hi = numbers
    if not lo < hi:
        raise CliError(f"--likert: LO must be smaller than HI (got {lo:g}..{hi:g}), e.g. "
                       "--likert 1 5")
    return lo, hi


def resolve_sheet(path: str, value: str | None):
    """The ``--sheet`` option as ``read_survey``'s ``sheet``: a sheet name, or a number that
    counts from 1 (``--sheet 2`` is the second sheet) when no sheet has that name.

    Parameters
    ----------
    path : str
        The Excel file.
    value : str or None

    Returns
    -------
    str, int (0-based position) or None

    Raises
    ------
    CliError
        When the workbook has no such sheet (naming the sheets it has).

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from relqual.cli import resolve_sheet
    >>> path = os.path.join(tempfile.mkdtemp(), "two.xlsx")
    >>> with pd.ExcelWriter(path) as book:
    ...     pd.DataFrame({"a": [1]}).to_excel(book, sheet_name="说明", index=False)
    ...     pd.DataFrame({"q1": [1]}).to_excel(book, sheet_name="数据", index=False)
    >>> resolve_sheet(path, "数据"), resolve_sheet(path, "2")
    ('数据', 1)
    >>> resolve_sheet(path, "wave1")
    Traceback (most recent call last):
    ...
    relqual.cli.CliError: --sheet: '...two.xlsx' has no sheet 'wave1'; its sheets are 1 '说明',
    2 '数据'
    """
    if value is None:
        return None
    if rq.survey.FORMATS.get(Path(path).suffix.lower(), (None, None))[1] != "excel":
        raise CliError(f"--sheet applies to Excel files (.xlsx, .xlsm) only, not to '{path}'")
    if not Path(path).is_file():
        return value                        # read_data names the missing file
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = list(book.sheet_names)
    except ImportError as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:   # not a workbook: read_data gives the reader's message
        del exc
        return value
    if value in names:
        return value
    if value.strip().isdigit() and 1 <= int(value) <= len(names):
        return int(value) - 1
    listed = ", ".join(f"{k} {n!r}" for k, n in enumerate(names, 1))
    raise CliError(f"--sheet: '{path}' has no sheet {value!r}; its sheets are {listed}")


def model_items(model) -> list[str] | None:
    """The items ``--likert`` applies to: the model's observed variables except its exogenous
    covariates (``age`` in ``f ~ age``); None when the model cannot be read (the fit then
    names the problem).

    Parameters
    ----------
    model : str
        Lavaan syntax, a library model name or a model file.

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> from relqual.cli import model_items
    >>> model_items("f =~ q1 + q2 + q3; f ~ age"), model_items("f =~ ")
    (['q1', 'q2', 'q3'], None)
    """
    from .models import resolve_model
    from .partable import build_partable
    try:
        return list(build_partable(resolve_model(model).syntax).roles.ov_nox)
    except Exception:          # the fit reports a bad model with its own message
        return None


def survey_options(args) -> dict:
    """``read_data``'s keyword arguments from the data options of ``fit`` and ``report``.

    Parameters
    ----------
    args : argparse.Namespace
        With ``data``, ``model``, ``encoding``, ``sheet``, ``missing_codes``, ``likert`` and
        ``out_of_range``.

    Returns
    -------
    dict

    Raises
    ------
    CliError
        For a bad option value, naming the option.

    Examples
    --------
    >>> from relqual.cli import build_parser, survey_options
    >>> args = build_parser().parse_args(["fit", "f =~ q1 + q2", "s.csv", "--likert", "1,5",
    ...                                   "--missing-codes=-9,99", "--encoding", "GBK"])
    >>> survey_options(args)
    {'encoding': 'GBK', 'sheet': None, 'missing_codes': [-9, 99], 'likert': (1, 5),
     'items': ['q1', 'q2'], 'on_out_of_range': 'error'}
    """
    if args.encoding is not None:
        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise CliError(f"--encoding: unknown encoding {args.encoding!r}; e.g. utf-8, gb18030 "
                           "(Chinese, includes GBK), utf-16, big5, cp1252") from None
    likert = parse_likert(args.likert)
    return {"encoding": args.encoding, "sheet": resolve_sheet(args.data, args.sheet),
            "missing_codes": parse_missing_codes(args.missing_codes), "likert": likert,
            "items": model_items(args.model) if likert else None,
            "on_out_of_range": args.out_of_range}


def survey_call(path: str, options: dict) -> str:
    """The ``rq.read_survey(...)`` call that reads the data as the command did (for reports).

    Parameters
    ----------
    path : str
    options : dict
        From :func:`survey_options`.

    Returns
    -------
    str

    Examples
    --------
    >>> from relqual.cli import survey_call
    >>> survey_call("s.csv", {"encoding": "gb18030", "sheet": None, "missing_codes": [-9],
    ...                       "likert": None, "items": None, "on_out_of_range": "error"})
    "rq.read_survey('s.csv', encoding='gb18030', missing_codes=[-9])"
    """
    defaults = {"on_out_of_range": "error"}
    parts = [repr(path)] + [f"{k}={v!r}" for k, v in options.items()
                            if v is not None and defaults.get(k) != v]
    return f"rq.read_survey({', '.join(parts)})"


def run_fit(model, data, **options) -> rq.Result:
    """``rq.fit`` with its Python warnings silenced: the CLI prints ``res.warnings`` itself.

    Parameters
    ----------
    model, data
        As :func:`relqual.fit`.
    **options
        Passed on to :func:`relqual.fit`.

    Returns
    -------
    Result

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.cli import run_fit
    >>> res = run_fit("f =~ x1 + x2 + x3", rq.datasets.load("holzinger_swineford_missing"))
    >>> res.n_obs, res.warnings
    (256, ['45 of 301 rows dropped because of missing values (listwise deletion); ...'])
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rq.RelqualWarning)
        return rq.fit(model, data, **options)


def jsonable(value):
    """Plain Python values for ``json.dump``: numpy scalars unwrapped, NaN and inf -> None.

    Parameters
    ----------
    value : object
        Dicts (keys become strings), lists and tuples (become lists) are converted recursively.

    Returns
    -------
    object

    Examples
    --------
    >>> import numpy as np
    >>> from relqual.cli import jsonable
    >>> jsonable({"a": np.float64(1.5), "b": [np.int64(2), float("nan")], 3: (np.inf,)})
    {'a': 1.5, 'b': [2, None], '3': [None]}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def result_json(res: rq.Result) -> dict:
    """The ``--json`` document of the API contract (DESIGN.md, "Command line").

    Parameters
    ----------
    res : Result
        A fitted model.

    Returns
    -------
    dict
        ``estimates`` (one record per parameter), ``fit_measures``, ``converged``, ``n_obs`` and
        ``warnings``, as plain Python values (:func:`jsonable`).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.cli import result_json, run_fit
    >>> res = run_fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9",
    ...               rq.datasets.load("holzinger_swineford"))
    >>> doc = result_json(res)
    >>> list(doc), doc["n_obs"], round(doc["fit_measures"]["chisq"], 3)
    (['estimates', 'fit_measures', 'converged', 'n_obs', 'warnings'], 301, 85.306)
    """
    return jsonable({
        "estimates": res.estimates().to_dict(orient="records"),
        "fit_measures": res.fit_measures().to_dict(),
        "converged": bool(res.converged),
        "n_obs": int(res.n_obs),
        "warnings": list(res.warnings),
    })


def format_table(header: list[str], rows: list[list[str]], align: str,
                 indent: int = 2) -> list[str]:
    """Aligned plain-text columns; ``align`` has one 'l' or 'r' per column.

    Parameters
    ----------
    header : list of str
        The column names.
    rows : list of list
        The cells (converted with ``str``).
    align : str
        One 'l' (left) or 'r' (right) per column.
    indent : int
        Spaces before every line.

    Returns
    -------
    list of str
        The header, a rule of dashes and one line per row (trailing spaces removed).

    Examples
    --------
    >>> from relqual.cli import format_table
    >>> print("\\n".join(format_table(["name", "n"], [["a", 10], ["bb", 2]], "lr")))
      name   n
      ----  --
      a     10
      bb     2
    """
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        parts = [str(c).ljust(w) if a == "l" else str(c).rjust(w)
                 for c, w, a in zip(cells, widths, align)]
        return (" " * indent + "  ".join(parts)).rstrip()

    return [line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def wrap(text: str, indent: str, first: str | None = None, width: int = 100) -> list[str]:
    """``text`` wrapped to ``width`` columns, every line indented (the first by ``first``).

    Parameters
    ----------
    text : str
        The text (hyphenated words are not broken).
    indent : str
        The prefix of every line (of the lines after the first when ``first`` is given).
    first : str, optional
        The prefix of the first line.
    width : int
        The longest line.

    Returns
    -------
    list of str
        At least one line (``indent`` alone, right-stripped, for an empty text).

    Examples
    --------
    >>> from relqual.cli import wrap
    >>> wrap("one two three four five six", "    ", first="  ! ", width=16)
    ['  ! one two', '    three four', '    five six']
    """
    return textwrap.wrap(text, width=width, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False) or [indent.rstrip()]


def fmt_p(p: float) -> str:
    """A p-value as APA writes it: three decimals, ``< .001`` below that, "" when missing.

    Parameters
    ----------
    p : float or None

    Returns
    -------
    str

    Examples
    --------
    >>> from relqual.cli import fmt_p
    >>> fmt_p(0.0004), fmt_p(0.0312), fmt_p(float("nan"))
    ('< .001', '0.031', '')
    """
    if p is None or not math.isfinite(p):
        return ""
    return "< .001" if p < 0.001 else f"{p:.3f}"


# ---------------------------------------------------------------------------- demo
def verdict(path: pd.Series | None, sign: str) -> str:
    """Supported when p < .05 and the estimate has the hypothesised sign.

    Parameters
    ----------
    path : Series or None
        A row of ``res.paths()`` (``est`` and ``pvalue``); None when the model lacks the path.
    sign : str
        The hypothesised sign, "+" or "-".

    Returns
    -------
    str
        The verdict of :func:`relqual.verdicts.judge`, or "not in model".

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.cli import verdict
    >>> verdict(pd.Series({"est": 0.3, "pvalue": 0.01}), "+")
    'supported'
    >>> verdict(pd.Series({"est": -0.3, "pvalue": 0.01}), "+")
    'not supported (opposite sign)'
    >>> verdict(None, "+")
    'not in model'
    """
    if path is None:
        return "not in model"
    return judge(path["est"], path["pvalue"], sign)[1]


def hypothesis_lines(res: rq.Result, hypotheses: list[dict]) -> list[str]:
    """One row per structural path, with the hypothesis that predicts it (if any) and a verdict.

    Parameters
    ----------
    res : Result
        A fitted model.
    hypotheses : list of dict
        Each with ``id``, ``lhs``, ``rhs``, ``sign`` and optionally ``op`` (default "~"), as in
        a library model's ``hypotheses``.

    Returns
    -------
    list of str
        A table (:func:`format_table`): the hypotheses in order, then the paths no hypothesis
        predicts.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.cli import hypothesis_lines, run_fit
    >>> res = run_fit("y1 ~ x1; y2 ~ y1", rq.datasets.load("political_democracy"))
    >>> hypotheses = [{"id": "H1", "lhs": "y1", "rhs": "x1", "sign": "+"},
    ...               {"id": "H2", "lhs": "y2", "rhs": "x1", "sign": "-"}]
    >>> print("\\n".join(hypothesis_lines(res, hypotheses)))
      Hyp  Path      Sign      B     SE   beta  95% CI (beta)          p  Verdict
      ---  --------  ----  -----  -----  -----  ----------------  ------  ---------------
      H1   x1 -> y1  +     1.367  0.382  0.382  [ 0.196,  0.568]  < .001  supported
      H2   x1 -> y2  -                                                    not in model
      -    y1 -> y2        0.909  0.139  0.604  [ 0.460,  0.747]  < .001  (no hypothesis)
    """
    paths = res.paths()
    key = lambda lhs, op, rhs: (str(lhs), str(op), str(rhs))
    by_key = {key(r["lhs"], r["op"], r["rhs"]): r for _, r in paths.iterrows()}
    rows, seen = [], set()

    def row(hid, lhs, rhs, sign, path, note):
        if path is None:
            return [hid, f"{rhs} -> {lhs}", sign, "", "", "", "", "", note]
        ci = f"[{path['std_all_ci_lower']:6.3f}, {path['std_all_ci_upper']:6.3f}]"
        return [hid, f"{rhs} -> {lhs}", sign, f"{path['est']:.3f}", f"{path['se']:.3f}",
                f"{path['std_all']:.3f}", ci, fmt_p(path["pvalue"]), note]

    for h in hypotheses:
        k = key(h.get("lhs"), h.get("op", "~"), h.get("rhs"))
        path = by_key.get(k)
        seen.add(k)
        sign = str(h.get("sign", "")) or "?"
        rows.append(row(h.get("id", "?"), k[0], k[2], sign, path, verdict(path, sign)))
    for k, path in by_key.items():
        if k not in seen:
            rows.append(row("-", k[0], k[2], "", path, "(no hypothesis)"))
    header = ["Hyp", "Path", "Sign", "B", "SE", "beta", "95% CI (beta)", "p", "Verdict"]
    return format_table(header, rows, "lllrrrlrl")


def demo_text(res: rq.Result) -> str:
    """The text ``relqual demo`` prints: model, data, fit, hypotheses with verdicts, warnings.

    Parameters
    ----------
    res : Result
        The fit of the library model ``relationship_quality`` to its bundled dataset (the data
        line names that dataset).

    Returns
    -------
    str

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.cli import demo_text, run_fit
    >>> res = run_fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> print(demo_text(res))
    relqual ... demo: Customer relationship quality: friendship, satisfaction, trust and commitment
    <BLANKLINE>
    Model  library model 'relationship_quality': 5 latent variables, 20 observed items, ...
    ...
      chi-square = 143.001, df = 161, p = 0.843
    ...
    """
    spec, fm = res.spec, res.fit_measures()
    n_input, n_used = res.prepared.n_input, res.n_obs
    lines = [f"relqual {rq.__version__} demo: {spec.title or spec.name}", ""]
    n_lv, n_ov = len(res.partable.roles.lv), len(res.partable.roles.ov)
    lines += [f"Model  library model '{spec.name}': {n_lv} latent variables, {n_ov} observed "
              f"items, {len(res.paths())} structural paths, {len(spec.hypotheses)} hypotheses",
              f"Data   bundled dataset '{DEMO_NAME}': {n_input} rows; {n_used} used, "
              f"{n_input - n_used} dropped"]
    if n_input > n_used:
        lines += wrap(drop_reason(res.warnings), " " * 7)
    lines += [f"Fit    {res.call.get('estimator', 'ML')} estimation, "
              f"{'converged' if res.converged else 'NOT CONVERGED'} after {res.iterations} "
              f"iterations, {res.partable.npar} free parameters", ""]
    lines += ["Model fit",
              f"  chi-square = {fm['chisq']:.3f}, df = {int(fm['df'])}, p = {fm['pvalue']:.3f}",
              f"  CFI        = {fm['cfi']:.3f}",
              f"  TLI        = {fm['tli']:.3f}",
              f"  RMSEA      = {fm['rmsea']:.3f}, 90% CI [{fm['rmsea_ci_lower']:.3f}, "
              f"{fm['rmsea_ci_upper']:.3f}]",
              f"  SRMR       = {fm['srmr']:.3f}", ""]
    lines += ["Structural paths and hypotheses"]
    lines += hypothesis_lines(res, spec.hypotheses)
    lines += ["  B = unstandardized estimate (SE); p from its z test. "
              "beta = standardized (std.all)",
              "  with delta-method 95% CI. Supported = p < .05 and the hypothesised sign.", ""]
    if spec.hypotheses:
        lines += ["Hypotheses"]
        for h in spec.hypotheses:
            hid = str(h.get("id", "?"))
            lines += wrap(str(h.get("statement", "")), " " * (4 + len(hid)),
                          first=f"  {hid}  ")
        lines.append("")
    lines += warning_lines(res.warnings)
    return "\n".join(lines).rstrip() + "\n"


def drop_reason(messages: list[str]) -> str:
    """Why rows were dropped, from the data-preparation warning ("... dropped <reason>; ...").

    Parameters
    ----------
    messages : list of str
        A Result's warnings.

    Returns
    -------
    str

    Examples
    --------
    >>> from relqual.cli import drop_reason
    >>> drop_reason(["45 of 301 rows dropped because of missing values (listwise deletion); "
    ...              "missing per column: x1: 20"])
    'because of missing values (listwise deletion); details under Warnings'
    >>> drop_reason([])
    'reason not reported'
    """
    for message in messages:
        found = re.search(r"rows? dropped\s*(.*?)(;|$)", message)
        if found:
            return f"{found.group(1) or 'reason not stated'}; details under Warnings"
    return "reason not reported"


def warning_lines(messages: list[str]) -> list[str]:
    """The warnings section of the demo text, one wrapped ``!`` item per message.

    Parameters
    ----------
    messages : list of str

    Returns
    -------
    list of str

    Examples
    --------
    >>> from relqual.cli import warning_lines
    >>> warning_lines([]), warning_lines(["a short message"])
    (['Warnings: none'], ['Warnings (1)', '  ! a short message'])
    """
    if not messages:
        return ["Warnings: none"]
    out = [f"Warnings ({len(messages)})"]
    for message in messages:
        out += wrap(message, "    ", first="  ! ")
    return out


def cmd_demo(args) -> int:
    """``relqual demo``: fit the library model to the bundled survey, print :func:`demo_text`
    and (unless ``--no-report``) write the report.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser` (``no_report``, ``out``, ``bootstrap``, ``seed``, ``lang``).

    Returns
    -------
    int
        The exit code, 0.

    Examples
    --------
    >>> from relqual.cli import build_parser, cmd_demo
    >>> cmd_demo(build_parser().parse_args(["demo", "--no-report"]))
    relqual ... demo: ...
    Warnings (1)
    ...
    0
    """
    res = run_fit(DEMO_NAME, rq.datasets.load(DEMO_NAME))
    sys.stdout.write(demo_text(res))
    if not args.no_report:
        path = write_cli_report(res, args.out, rq.datasets.load(DEMO_NAME),
                                data_code=f"rq.datasets.load({DEMO_NAME!r})",
                                draws=args.bootstrap, seed=args.seed, lang=args.lang)
        print(f"\nReport (diagram, APA tables, data checks, warnings, versions) written to "
              f"{path.resolve()}")
    return EXIT_OK


# ---------------------------------------------------------------------------- models
def cmd_models(args) -> int:
    """``relqual models``: list the library models (name, constructs, hypotheses, title).

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser` (no options).

    Returns
    -------
    int
        The exit code, 0.

    Examples
    --------
    >>> from relqual.cli import build_parser, cmd_models
    >>> cmd_models(build_parser().parse_args(["models"]))
    name...constructs  hypotheses  title
    ...
    relationship_quality ...
    ...
    Use a name with `relqual fit NAME DATA` or `rq.models.load(NAME)`.
    0
    """
    table = rq.models.list()
    if table.empty:
        print("No library models found.")
        return EXIT_OK
    rows = [[r["name"], str(r["constructs"]), str(r["hypotheses"]), r["title"]]
            for _, r in table.iterrows()]
    print("\n".join(format_table(["name", "constructs", "hypotheses", "title"], rows, "lrrl",
                                 indent=0)))
    print("\nUse a name with `relqual fit NAME DATA` or `rq.models.load(NAME)`.")
    return EXIT_OK


# ---------------------------------------------------------------------------- fit
def parse_ordered(value: str | None):
    """The ``--ordered`` option as ``rq.fit``'s ``ordered``: "all" -> True, "a,b" -> a list.

    Parameters
    ----------
    value : str or None

    Returns
    -------
    None, True or list of str

    Examples
    --------
    >>> from relqual.cli import parse_ordered
    >>> parse_ordered(None), parse_ordered("All"), parse_ordered("x1, x2,")
    (None, True, ['x1', 'x2'])
    """
    if value is None:
        return None
    if value.strip().lower() == "all":
        return True
    return [c.strip() for c in value.split(",") if c.strip()]


def add_pls_options(parser) -> None:
    """Add the PLS-SEM options (``--scheme``, ``--hoc``) to a sub-command's parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser (``fit`` or ``report``).

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import add_pls_options
    >>> parser = argparse.ArgumentParser(prog="relqual report")
    >>> add_pls_options(parser)
    >>> parser.parse_args(["--scheme", "centroid"]).scheme
    'centroid'
    """
    parser.add_argument("--scheme", default=None, choices=["path", "factorial", "centroid"],
                        help="PLS inner weighting scheme (with --estimator PLS or PLSc; default "
                             "path)")
    parser.add_argument("--hoc", default=None, choices=["two_stage", "repeated"],
                        help="PLS higher-order constructs: two-stage approach or repeated "
                             "indicators (with --estimator PLS or PLSc; default two_stage)")


def pls_options(args) -> dict:
    """The PLS keyword arguments of ``rq.fit`` that the command line gave (``--scheme``,
    ``--hoc``; none when not given, so that a non-PLS fit refuses only what was asked for).

    Examples
    --------
    >>> import argparse
    >>> pls_options(argparse.Namespace(scheme="factorial", hoc=None))
    {'scheme': 'factorial'}
    >>> pls_options(argparse.Namespace(hoc="repeated")), pls_options(argparse.Namespace())
    ({'hoc': 'repeated'}, {})
    """
    given = {name: getattr(args, name, None) for name in ("scheme", "hoc")}
    return {name: value for name, value in given.items() if value is not None}


def add_se_test_options(parser) -> None:
    """Add ``--se`` and ``--test`` (lavaan's ``se=`` and ``test=``, :func:`relqual.fit`) to a
    sub-command's parser; unset, the estimator's defaults.

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import add_se_test_options, se_test_options
    >>> parser = argparse.ArgumentParser()
    >>> add_se_test_options(parser)
    >>> se_test_options(parser.parse_args(["--se", "robust.sem", "--test", "satorra.bentler"]))
    {'se': 'robust.sem', 'test': 'satorra.bentler'}
    >>> se_test_options(parser.parse_args([]))
    {}
    """
    parser.add_argument("--se", default=None, choices=CONTINUOUS_SE + ("bootstrap",),
                        help="standard errors (lavaan's se=; default: the estimator's, e.g. "
                             "robust.sem for MLM)")
    parser.add_argument("--test", default=None, choices=TESTS,
                        help="test statistic (lavaan's test=; default: the estimator's, e.g. "
                             "satorra.bentler for MLM)")


def se_test_options(args) -> dict:
    """The ``se`` and ``test`` keyword arguments of ``rq.fit`` the command line gave (see
    :func:`add_se_test_options` for an example)."""
    return {k: getattr(args, k) for k in ("se", "test") if getattr(args, k, None) is not None}


def cmd_fit(args) -> int:
    """``relqual fit MODEL DATA``: fit, print the summary and (``--json``) write the JSON document.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser` (``model``, ``data``, ``estimator``, ``missing``, ``ordered``,
        ``group``, ``std_lv``, ``json`` and the data options of :func:`add_data_options`).

    Returns
    -------
    int
        The exit code, 0.

    Raises
    ------
    CliError
        When the data or the JSON file cannot be read or written.

    Examples
    --------
    >>> import os, tempfile
    >>> import relqual as rq
    >>> from relqual.cli import build_parser, cmd_fit
    >>> path = os.path.join(tempfile.mkdtemp(), "hs.csv")
    >>> rq.datasets.load("holzinger_swineford").to_csv(path, index=False)
    >>> cmd_fit(build_parser().parse_args(["fit", "f =~ x1 + x2 + x3", path]))
    relqual ML fit of user model
    ...
    Latent Variables:
    ...
      f =~
    ...
    0
    """
    if args.cov:                              # summary statistics (a published table)
        res = run_fit(args.model, None, estimator=args.estimator, missing=args.missing,
                      ordered=parse_ordered(args.ordered), group=args.group, std_lv=args.std_lv,
                      **summary_cli(args), **se_test_options(args))
    else:
        if args.data is None:
            raise CliError("give a DATA file, or a published table with --cov FILE --nobs N")
        data = read_data(args.data, **survey_options(args))
        res = run_fit(args.model, data, estimator=args.estimator, missing=args.missing,
                      ordered=parse_ordered(args.ordered), group=args.group, std_lv=args.std_lv,
                      **pls_options(args), **se_test_options(args))
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(result_json(res), fh, indent=2, allow_nan=False, ensure_ascii=False)
                fh.write("\n")
        except OSError as exc:
            raise CliError(f"cannot write '{args.json}': {exc.strerror or exc}") from None
    print(res.summary())
    if args.json:
        print(f"\nJSON written to {args.json}")
    return EXIT_OK


# ---------------------------------------------------------------------------- simulate
def cmd_simulate(args) -> int:
    """``relqual simulate MODEL --n N --out FILE``: write data simulated by ``rq.simulate``.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser` (``model``, ``n``, ``out``, ``seed``, ``likert``,
        ``missing_rate``).

    Returns
    -------
    int
        The exit code, 0.

    Raises
    ------
    CliError
        When ``--out`` is not a .csv or .tsv file, or cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> from relqual.cli import build_parser, cmd_simulate
    >>> out = os.path.join(tempfile.mkdtemp(), "sim.csv")
    >>> cmd_simulate(build_parser().parse_args(["simulate", "relationship_quality", "--n", "50",
    ...                                          "--seed", "1", "--likert", "5", "--out", out]))
    50 rows x 20 5-point Likert variables simulated from relationship_quality (seed 1, 0 missing
    cells) -> ...sim.csv
    0
    """
    out = Path(args.out)
    sep = {".csv": ",", ".tsv": "\t"}.get(out.suffix.lower())
    if sep is None:
        raise CliError(f"cannot write '{args.out}': use a .csv or .tsv file name")
    data = rq.simulate(args.model, args.n, seed=args.seed, likert=args.likert,
                       missing_rate=args.missing_rate)
    try:
        data.to_csv(out, sep=sep, index=False, float_format="%.10g")
    except OSError as exc:
        raise CliError(f"cannot write '{args.out}': {exc.strerror or exc}") from None
    kind = f"{args.likert}-point Likert" if args.likert else "continuous"
    print(f"{len(data)} rows x {data.shape[1]} {kind} variables simulated from {args.model} "
          f"(seed {args.seed}, {int(data.isna().to_numpy().sum())} missing cells) -> {out}")
    return EXIT_OK


# ---------------------------------------------------------------------------- report
def write_cli_report(res, out, data, *, data_code, draws, seed, lang, checks=None):
    """``res.report(out)`` with bad file names and unwritable paths as one-line errors.

    Parameters
    ----------
    res : Result
        The fitted model.
    out : str
        The report file (.html, .docx or .md).
    data : DataFrame
        The data, for the report's data checks.
    data_code : str
        How the report's code snippet loads the data.
    draws : int
        Bootstrap resamples for the indirect effects (0: delta-method intervals).
    seed : int
        The bootstrap seed.
    lang : {"en", "zh"}
        The language of construct names.

    Returns
    -------
    Path
        The report written.

    Raises
    ------
    CliError
        For a file name ``res.report`` refuses, or a path that cannot be written.

    Examples
    --------
    >>> import os, tempfile
    >>> import relqual as rq
    >>> from relqual.cli import run_fit, write_cli_report
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> res = run_fit("f =~ x1 + x2 + x3", hs)
    >>> out = os.path.join(tempfile.mkdtemp(), "report.md")
    >>> write_cli_report(res, out, hs, data_code="hs", draws=0, seed=1, lang="en").name
    'report.md'
    """
    try:
        resample = "bootstrap" if res.summary_data is None else "montecarlo"
        return res.report(out, data=data, data_code=data_code, lang=lang, seed=seed,
                          indirect_ci=resample if draws else "delta", draws=draws or None,
                          checks=checks)
    except ValueError as exc:
        if "report" in str(exc):
            raise CliError(str(exc)) from None
        raise
    except OSError as exc:
        raise CliError(f"cannot write '{out}': {exc.strerror or exc}") from None


def add_data_options(parser):
    """Add ``--encoding``, ``--sheet``, ``--missing-codes``, ``--likert`` and ``--out-of-range``
    (how to read the data file, :func:`relqual.read_survey`) to a sub-command's parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser; it gains the argument group "reading the data file".

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import add_data_options
    >>> parser = argparse.ArgumentParser(prog="relqual fit")
    >>> add_data_options(parser)
    >>> parser.parse_args(["--likert", "1", "5", "--missing-codes=-9,99"])
    Namespace(encoding=None, sheet=None, missing_codes='-9,99', likert=['1', '5'],
    out_of_range='error')
    """
    group = parser.add_argument_group("reading the data file")
    group.add_argument("--encoding", metavar="ENC",
                       help="text encoding of a CSV/TSV, SPSS or Stata file, e.g. gb18030 (GBK, "
                            "Chinese Windows), utf-8, utf-16, big5 (default: detected)")
    group.add_argument("--sheet", metavar="NAME|N",
                       help="Excel sheet: its name, or its number counting from 1 "
                            "(default: the first)")
    group.add_argument("--missing-codes", metavar="CODES",
                       help="values that mean no answer, separated by commas, e.g. "
                            "--missing-codes=-9,99,n/a (not applied to respondent-id columns)")
    group.add_argument("--likert", nargs="+", metavar=("LO", "HI"),
                       help="answer scale of the model's items (not of its observed "
                            "covariates), e.g. --likert 1 5 or 1,5: answers outside it are an "
                            "error (or see --out-of-range)")
    group.add_argument("--out-of-range", default="error", choices=["error", "missing"],
                       help="answers outside --likert: stop with an error naming them (default) "
                            "or treat them as missing")


def add_summary_options(parser):
    """Add ``--cov``, ``--nobs`` and ``--means`` (fit a published table instead of DATA,
    :func:`relqual.read_cov`) to a sub-command's parser.

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import add_summary_options
    >>> parser = argparse.ArgumentParser()
    >>> add_summary_options(parser)
    >>> parser.parse_args(["--cov", "table.txt", "--nobs", "250"])
    Namespace(cov=['table.txt'], nobs=['250'], means=None)
    """
    group = parser.add_argument_group("fitting a published table instead of DATA")
    group.add_argument("--cov", action="append", metavar="FILE",
                       help="covariance or correlation table as typed from a paper (lower "
                            "triangle, optional SD, M and N lines; rq.read_cov); several groups: "
                            "--cov LABEL=FILE once per group")
    group.add_argument("--nobs", nargs="+", metavar="N",
                       help="N (default: the table's N line); several groups: LABEL=N ...")
    group.add_argument("--means", action="append", metavar="FILE",
                       help="file of means (default: the table's M line); several groups: "
                            "LABEL=FILE once per group")


def summary_cli(args) -> dict:
    """``rq.fit``'s summary-statistics arguments from ``--cov``, ``--nobs`` and ``--means``
    (refusing a DATA file given too).

    Examples
    --------
    >>> import os, tempfile
    >>> from relqual.cli import build_parser, summary_cli
    >>> path = os.path.join(tempfile.mkdtemp(), "t.txt")
    >>> _ = open(path, "w").write("a 1\\nb .5 1\\n")
    >>> args = build_parser().parse_args(["fit", "f =~ a + b", "--cov", path, "--nobs", "90"])
    >>> sorted(summary_cli(args)), summary_cli(args)["n_obs"]
    (['cov', 'means', 'n_obs'], 90)
    """
    from .summary import cli_arguments
    if args.data is not None:
        raise CliError("give a DATA file or --cov FILE (a published table), not both")
    return cli_arguments(args.cov, args.nobs, args.means)


def add_report_options(parser, out_default=None):
    """Add ``--out``, ``--lang``, ``--bootstrap`` and ``--seed`` to a sub-command's parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    out_default : str, optional
        The default report file; without one ``--out`` is required.

    Returns
    -------
    None

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import add_report_options
    >>> parser = argparse.ArgumentParser()
    >>> add_report_options(parser, out_default="report.html")
    >>> parser.parse_args([])
    Namespace(out='report.html', lang='en', bootstrap=1000, seed=1)
    """
    parser.add_argument("--out", default=out_default, required=out_default is None,
                        metavar="FILE", help="report file: .html, .docx (Word) or .md"
                        + (f" (default {out_default})" if out_default else ""))
    parser.add_argument("--lang", default="en", choices=["en", "zh"],
                        help="construct names in English (default) or Chinese")
    parser.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                        help="bootstrap resamples for the indirect effects (default 1000; "
                             "0: delta-method intervals)")
    parser.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")


def cmd_report(args) -> int:
    """``relqual report MODEL DATA --out FILE``: fit, write the report, print a one-line summary.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser` (``model``, ``data``, ``estimator``, ``missing``, ``std_lv``,
        the report options of :func:`add_report_options` and the data options of
        :func:`add_data_options`).

    Returns
    -------
    int
        The exit code, 0.

    Examples
    --------
    >>> import os, tempfile
    >>> import relqual as rq
    >>> from relqual.cli import build_parser, cmd_report
    >>> folder = tempfile.mkdtemp()
    >>> data = os.path.join(folder, "hs.csv")
    >>> rq.datasets.load("holzinger_swineford").to_csv(data, index=False)
    >>> model = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6"
    >>> cmd_report(build_parser().parse_args(["report", model, data, "--out",
    ...                                       os.path.join(folder, "r.md"), "--bootstrap", "0"]))
    user model: n = 301 of 301 rows, chi-square(8) = 24.36, CFI = ..., RMSEA = ..., SRMR = ...;
    0 warning(s)
    Report written to ...r.md
    0
    """
    if args.cov:                              # summary statistics (a published table)
        res = run_fit(args.model, None, estimator=args.estimator, missing=args.missing,
                      std_lv=args.std_lv, **summary_cli(args), **se_test_options(args))
        data, data_code = None, (f"rq.read_cov({args.cov[0]!r})" if len(args.cov) == 1
                                 else None)
    else:
        if args.data is None:
            raise CliError("give a DATA file, or a published table with --cov FILE --nobs N")
        options = survey_options(args)
        data = read_data(args.data, **options)
        res = run_fit(args.model, data, estimator=args.estimator, missing=args.missing,
                      std_lv=args.std_lv, **pls_options(args), **se_test_options(args))
        data_code = survey_call(args.data, options)
    path = write_cli_report(res, args.out, data, data_code=data_code,
                            draws=args.bootstrap, seed=args.seed, lang=args.lang,
                            checks=report_checks(args, res, data))
    fm = res.fit_measures()
    used = (f"n = {res.n_obs} of {res.prepared.n_input} rows" if res.summary_data is None
            else f"N = {res.n_obs} (summary statistics)")
    if res.problem.pls is not None:           # PLS-SEM: R² and SRMR, no chi-square
        r2 = ", ".join(f"{k} {v:.3f}" for k, v in res.r2().items())
        print(f"{res.spec.name}: {res.call['estimator']}, {used}, R² {r2}, SRMR = "
              f"{fm['srmr']:.3f}; {len(res.warnings)} warning(s)")
        print(f"Report written to {path.resolve()}")
        return EXIT_OK
    print(f"{res.spec.name}: {used}, "
          f"chi-square({int(fm['df'])}) = {fm['chisq']:.2f}, CFI = {fm['cfi']:.3f}, "
          f"RMSEA = {fm['rmsea']:.3f}, SRMR = {fm['srmr']:.3f}; {len(res.warnings)} warning(s)")
    print(f"Report written to {path.resolve()}")
    return EXIT_OK


def add_check_options(parser):
    """Add ``--checks`` and the options the reviewer's checks need (``--marker``, ``--wave``,
    ``--date``, ``--split``, ``--demographics``) to a sub-command's parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser

    Returns
    -------
    None

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import add_check_options
    >>> parser = argparse.ArgumentParser()
    >>> add_check_options(parser)
    >>> parser.parse_args(["--checks", "cmb,nonresponse", "--wave", "wave"]).checks
    'cmb,nonresponse'
    """
    group = parser.add_argument_group("checks a reviewer asks for (after the tables)")
    group.add_argument("--checks", metavar="LIST",
                       help="comma-separated: cmb (common method variance), compare (the "
                            "library model against its alternatives), nonresponse (early vs "
                            "late respondents; needs --wave or --date)")
    group.add_argument("--marker", metavar="COLS",
                       help="cmb: the marker variable's column(s), comma-separated")
    group.add_argument("--wave", metavar="COL", help="nonresponse: the column with the wave "
                                                      "(two values, early first in sort order)")
    group.add_argument("--date", metavar="COL", help="nonresponse: the column with the date "
                                                      "each answer came in")
    group.add_argument("--split", default="0.5", metavar="X",
                       help="nonresponse with --date: the early share (default 0.5), "
                            "FIRST,LAST shares such as 0.25,0.25, or a date")
    group.add_argument("--demographics", metavar="COLS",
                       help="nonresponse: categorical columns to compare by chi-square test")


def report_checks(args, res, data) -> list | None:
    """The reviewer's checks ``--checks`` asks for, made from the fit and the data.

    Parameters
    ----------
    args : argparse.Namespace
        With the options of :func:`add_check_options` (absent: no checks).
    res : Result
        The fit.
    data : DataFrame or None
        The data it was fitted to.

    Returns
    -------
    list or None
        Check names and tables for ``res.report(checks=...)``; None without ``--checks``.

    Raises
    ------
    CliError
        An unknown check, or a check without the data or options it needs.

    Examples
    --------
    >>> import argparse
    >>> from relqual.cli import report_checks
    >>> report_checks(argparse.Namespace(checks=None), None, None) is None
    True
    """
    wanted = [c.strip().lower() for c in (getattr(args, "checks", None) or "").split(",")
              if c.strip()]
    if not wanted:
        return None
    known = ("cmb", "compare", "nonresponse")
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise CliError(f"--checks: unknown check '{unknown[0]}'; use {', '.join(known)}")
    if data is None and ("nonresponse" in wanted or args.marker):
        raise CliError("--checks nonresponse and --marker need a DATA file")
    out = []
    for name in wanted:
        if name == "cmb":
            marker = [c.strip() for c in args.marker.split(",")] if args.marker else None
            out.append(res.common_method(marker=marker, data=data) if marker else "cmb")
        elif name == "compare":
            out.append("compare")
        else:
            if not (args.wave or args.date):
                raise CliError("--checks nonresponse needs --wave COL or --date COL")
            split = args.split
            try:
                split = ([float(v) for v in split.split(",")] if "," in split
                         else float(split))
            except ValueError:
                pass                                 # a date
            demographics = ([c.strip() for c in args.demographics.split(",")]
                            if args.demographics else ())
            out.append(rq.nonresponse(data, wave=args.wave, date=args.date, items=res,
                                      split=split, demographics=demographics))
    return out


# ---------------------------------------------------------------------------- power
def cmd_power(args) -> int:
    """``relqual power MODEL --n N ...``: Monte Carlo power (``rq.power``), printed and optionally
    written as CSV.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser` (``model``, ``n``, ``reps``, ``alpha``, ``seed``,
        ``estimator``, ``missing_rate``, ``likert``, ``backend``, ``scheduler``, ``n_jobs``,
        ``no_progress``, ``target``, ``out``).

    Returns
    -------
    int
        The exit code, 0.

    Raises
    ------
    CliError
        When dask is not installed for ``--backend dask``, or ``--out`` cannot be written.

    Examples
    --------
    >>> from relqual.cli import build_parser, cmd_power
    >>> cmd_power(build_parser().parse_args(["power", "relationship_quality", "--n", "200",
    ...                                      "--reps", "5", "--seed", "1", "--n-jobs", "1",
    ...                                      "--no-progress"]))
    Monte Carlo power: 5 replicates per n, alpha = 0.05, estimator ML (listwise), seed 1
    ...
      SAT ~ CF ...
    ...
    0
    """
    from .power import power, power_text
    client = args.scheduler if args.backend == "dask" else None
    try:
        table = power(args.model, n=args.n, reps=args.reps, alpha=args.alpha, seed=args.seed,
                      estimator=args.estimator, missing_rate=args.missing_rate,
                      likert=args.likert, backend=args.backend, client=client,
                      n_jobs=args.n_jobs, progress=not args.no_progress, target=args.target)
    except ImportError as exc:                      # backend="dask" without dask installed
        raise CliError(str(exc)) from None
    if args.out:
        try:
            table.to_csv(args.out, index=False, float_format="%.10g")
        except OSError as exc:
            raise CliError(f"cannot write '{args.out}': {exc.strerror or exc}") from None
    sys.stdout.write(power_text(table))
    if args.out:
        print(f"\nFull table ({len(table)} rows) written to {args.out}")
    return EXIT_OK


# ---------------------------------------------------------------------------- app
def cmd_app(args) -> int:
    """``relqual app``: start the local web app (:mod:`relqual.app`, needs ``relqual[app]``).

    Raises
    ------
    CliError
        When Shiny is not installed (with the install command).
    """
    from .app import run_app
    try:
        run_app(host=args.host, port=args.port, launch_browser=not args.no_browser)
    except ImportError as exc:
        raise CliError(str(exc)) from None
    return EXIT_OK


# ---------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    """The ``relqual`` argument parser; each sub-command sets ``func`` to its ``cmd_*`` function.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> from relqual.cli import build_parser
    >>> args = build_parser().parse_args(["fit", "relationship_quality", "survey.csv",
    ...                                   "--estimator", "MLR"])
    >>> args.func.__name__, args.model, args.data, args.estimator, args.missing
    ('cmd_fit', 'relationship_quality', 'survey.csv', 'MLR', 'listwise')
    """
    parser = argparse.ArgumentParser(
        prog="relqual",
        description="Structural equation models of customer relationship quality and loyalty.")
    parser.add_argument("--version", action="version", version=f"relqual {rq.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser("demo", help="fit the relationship-quality model to the bundled survey "
                                       "and test its hypotheses")
    demo.set_defaults(func=cmd_demo)
    add_report_options(demo, out_default="relqual-demo-report.html")
    demo.add_argument("--no-report", action="store_true", help="print the results only")

    models = sub.add_parser("models", help="list the library models")
    models.set_defaults(func=cmd_models)

    fit = sub.add_parser("fit", help="fit a model to a data file and print the summary",
                         description="Fit MODEL to DATA and print a lavaan-style summary.")
    fit.add_argument("model", metavar="MODEL",
                     help="lavaan model syntax, a library model name or a model file path")
    fit.add_argument("data", metavar="DATA", nargs="?",
                     help="data file: .csv, .tsv, .xlsx, .sav (SPSS), .dta (Stata) or .parquet "
                          "(or --cov FILE --nobs N)")
    fit.add_argument("--estimator", default=None,
                     help="estimator: ML (default), MLR, MLM, MLMV, MLMVS, MLF, ULS, GLS, WLS, "
                          "DWLS; with --ordered WLSMV (the default), WLSM, WLSMVS, ULSMV, ULSM, "
                          "DWLS, ULS or WLS; PLS (PLS-SEM) or PLSc "
                          "(consistent PLS)")
    fit.add_argument("--missing", default="listwise",
                     choices=["listwise", "fiml", "pairwise", "mean"],
                     help="missing-data handling (default listwise; fiml: full-information ML; "
                          "pairwise: pairwise polychorics, with --ordered; mean: mean "
                          "replacement, PLS only)")
    add_pls_options(fit)
    add_se_test_options(fit)
    fit.add_argument("--std-lv", action="store_true",
                     help="scale latent variables by fixing their variances to 1")
    fit.add_argument("--ordered", metavar="all|COLS",
                     help="ordered (categorical) indicators: 'all' or COL1,COL2 (fits by WLSMV)")
    fit.add_argument("--group", metavar="COL",
                     help="multigroup fit: one model per value of column COL")
    fit.add_argument("--json", metavar="OUT", help="also write estimates and fit measures as JSON")
    add_summary_options(fit)
    add_data_options(fit)
    fit.set_defaults(func=cmd_fit)

    simulate = sub.add_parser("simulate",
                              help="simulate survey data from a model's population values",
                              description="Draw N respondents from MODEL's population values "
                                          "(rq.simulate) and write them to OUT.")
    simulate.add_argument("model", metavar="MODEL", help="library model name, model file, or "
                          "lavaan syntax with every parameter fixed")
    simulate.add_argument("--n", type=int, required=True, help="number of respondents")
    simulate.add_argument("--out", required=True, metavar="FILE", help="output .csv or .tsv file")
    simulate.add_argument("--seed", type=int, default=None, help="random seed (reproducible data)")
    simulate.add_argument("--likert", type=int, choices=[5, 7], default=None,
                          help="cut answers into 5 or 7 Likert categories (default: continuous)")
    simulate.add_argument("--missing-rate", type=float, default=0.0, metavar="R",
                          help="share of cells missing completely at random (default 0)")
    simulate.set_defaults(func=cmd_simulate)

    report = sub.add_parser("report",
                            help="fit a model and write a report (HTML, Word or Markdown)",
                            description="Fit MODEL to DATA and write one self-contained report: "
                                        "path diagram, APA tables, data checks, warnings, the call "
                                        "and package versions.")
    report.add_argument("model", metavar="MODEL",
                        help="lavaan model syntax, a library model name or a model file path")
    report.add_argument("data", metavar="DATA", nargs="?",
                        help="data file: .csv, .tsv, .xlsx, .sav (SPSS), .dta (Stata) or .parquet "
                             "(or --cov FILE --nobs N)")
    add_report_options(report)
    report.add_argument("--estimator", default=None,
                        help="estimator (default ML; MLR, MLM, MLMV, MLMVS, MLF, ULS, GLS, WLS, "
                             "DWLS; with --ordered WLSMV, WLSM, WLSMVS, ULSMV, ULSM, DWLS, ULS or "
                             "WLS; PLS or PLSc: the PLS-SEM report of "
                             "Hair et al. 2019)")
    report.add_argument("--missing", default="listwise",
                        choices=["listwise", "fiml", "pairwise", "mean"],
                        help="missing-data handling (default listwise; pairwise: with "
                             "--ordered; mean: PLS only)")
    add_pls_options(report)
    add_se_test_options(report)
    report.add_argument("--std-lv", action="store_true",
                        help="scale latent variables by fixing their variances to 1")
    add_summary_options(report)
    add_data_options(report)
    add_check_options(report)
    report.set_defaults(func=cmd_report)

    pw = sub.add_parser("power", help="Monte Carlo power, bias and coverage per parameter and n",
                        description="Simulate REPS data sets per sample size from MODEL's "
                                    "population values, fit each, and report power per "
                                    "parameter (rq.power).")
    pw.add_argument("model", metavar="MODEL", help="library model name or model file with a "
                    "population block")
    pw.add_argument("--n", type=int, nargs="+", required=True, help="sample sizes")
    pw.add_argument("--reps", type=int, default=500,
                    help="replicates per sample size (default 500)")
    pw.add_argument("--seed", type=int, default=None,
                    help="random seed (reproducible on any backend)")
    pw.add_argument("--alpha", type=float, default=0.05, help="significance level (default .05)")
    pw.add_argument("--target", type=float, default=0.8, help="target power for the smallest n")
    pw.add_argument("--estimator", default="ML", choices=["ML", "MLR"],
                    help="estimator (default ML)")
    pw.add_argument("--likert", type=int, choices=[5, 7], default=None, help="Likert answers")
    pw.add_argument("--missing-rate", type=float, default=0.0, metavar="R",
                    help="share of cells missing completely at random (listwise deletion)")
    pw.add_argument("--backend", default="local", choices=["local", "dask"],
                    help="local processes (default) or a dask.distributed cluster")
    pw.add_argument("--scheduler", metavar="ADDRESS", default=None,
                    help="Dask scheduler address, e.g. tcp://scheduler:8786 "
                         "(default: a local cluster)")
    pw.add_argument("--n-jobs", type=int, default=None,
                    help="worker processes (default: all cores)")
    pw.add_argument("--out", metavar="FILE", help="write the full table as CSV")
    pw.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    pw.set_defaults(func=cmd_power)

    app = sub.add_parser("app", help="start the web app in the browser (pip install "
                                     "\"relqual[app]\")")
    app.add_argument("--port", type=int, default=None, help="port (default 8000, else a free one)")
    app.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                     "127.0.0.1: this computer only; another exposes the data to the network)")
    app.add_argument("--no-browser", action="store_true", help="do not open the browser")
    app.set_defaults(func=cmd_app)
    return parser


def attach_negative_values(argv: list[str]) -> list[str]:
    """``--missing-codes -9,99`` as ``--missing-codes=-9,99`` (and ``--likert -3,3``), which
    argparse would otherwise take for an unknown option.

    Parameters
    ----------
    argv : list of str

    Returns
    -------
    list of str

    Examples
    --------
    >>> from relqual.cli import attach_negative_values
    >>> attach_negative_values(["fit", "m", "d.csv", "--missing-codes", "-9,99", "--likert",
    ...                         "-3", "3"])
    ['fit', 'm', 'd.csv', '--missing-codes=-9,99', '--likert', '-3', '3']
    """
    out, k = [], 0
    while k < len(argv):
        word = argv[k]
        following = argv[k + 1] if k + 1 < len(argv) else ""
        if word in ("--missing-codes", "--likert") and re.match(r"-[\d.]", following) and (
                word == "--missing-codes" or re.search("[,\uff0c]", following)):
            out.append(f"{word}={following}")
            k += 2
            continue
        out.append(word)
        k += 1
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``relqual`` console script; returns the exit code.

    Problems with the user's input print one line on stderr (``relqual: error: ...``) and give
    exit code 2; options not implemented yet print ``relqual: not available yet: ...``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for a problem with the input.

    Examples
    --------
    >>> from relqual.cli import main
    >>> main(["simulate", "relationship_quality", "--n", "10", "--out", "data.xlsx"])
    2
    >>> main(["models"])
    name ...
    0
    """
    args = build_parser().parse_args(attach_negative_values(sys.argv[1:] if argv is None
                                                             else list(argv)))
    try:
        return args.func(args)
    except NotImplementedError as exc:
        print(f"relqual: not available yet: {exc}", file=sys.stderr)
    except (CliError, rq.DataError, rq.ModelSyntaxError) as exc:
        print(f"relqual: error: {exc}", file=sys.stderr)
    except (ValueError, KeyError, OSError) as exc:   # bad option values, unknown model, I/O
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"relqual: error: {message}", file=sys.stderr)
    return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
