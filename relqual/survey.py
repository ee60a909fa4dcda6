"""Reading survey files: CSV/TSV, Excel, SPSS, Stata and Parquet into a DataFrame.

``read_survey`` reads one file (the format is chosen by its extension), then, in this order:
turns the missing-value codes declared in an SPSS file into NaN, turns the caller's
``missing_codes`` into NaN, checks the Likert range, and reverse-codes the ``reverse`` items.
Everything it did is recorded in ``df.attrs`` (see ``read_survey``). The file is only read,
never written.

The Likert helpers at the bottom (``likert_ranges``, ``out_of_range``) are shared with
``relqual.datacheck``.
"""
from __future__ import annotations

import difflib
import importlib.util
import numbers
from pathlib import Path

import pandas as pd

from .data import DataError

# extension -> (format name, reader key)
FORMATS = {
    ".csv": ("CSV", "csv"),
    ".tsv": ("TSV", "tsv"), ".tab": ("TSV", "tsv"), ".txt": ("TSV", "tsv"),
    ".xlsx": ("Excel", "excel"), ".xlsm": ("Excel", "excel"),
    ".sav": ("SPSS", "spss"), ".zsav": ("SPSS", "spss"),
    ".dta": ("Stata", "stata"),
    ".parquet": ("Parquet", "parquet"), ".pq": ("Parquet", "parquet"),
}
SUPPORTED = (".csv (comma-separated), .tsv/.tab/.txt (tab-separated), .xlsx/.xlsm (Excel), "
             ".sav/.zsav (SPSS), .dta (Stata), .parquet/.pq (Parquet)")
INSTALL_HINT = 'pip install "relqual[survey]"'
# pandas' default NA strings (read_csv/read_excel, "na_values" in their docs)
PANDAS_NA_STRINGS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                     "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                     "nan", "null")
MAX_LISTED = 5   # rows and values named in one error message


class SurveyFileError(DataError):
    """A survey file cannot be read: unsupported format or unreadable content.

    Examples
    --------
    >>> import relqual as rq
    >>> rq.read_survey("answers.foo")
    Traceback (most recent call last):
    ...
    relqual.survey.SurveyFileError: cannot read 'answers.foo': unsupported data format '.foo'; ...
    """


def read_survey(path, *, missing_codes=None, reverse=None, likert=None, sheet=None,
                encoding=None, items=None, on_out_of_range: str = "error", **kw) -> pd.DataFrame:
    """Read a survey file into a new DataFrame, with missing codes, range check and reverse coding.

    Parameters
    ----------
    path : str or Path
        ``.csv``; ``.tsv``/``.tab``/``.txt`` (tab-separated); ``.xlsx``/``.xlsm`` (needs
        openpyxl); ``.sav``/``.zsav`` (SPSS, needs pyreadstat); ``.dta`` (Stata; pyreadstat,
        or pandas without value labels); ``.parquet`` (needs pyarrow). The optional readers
        install with ``pip install "relqual[survey]"``.
    missing_codes : scalar, list or dict, optional
        Values that mean "no answer", e.g. ``[-9, 99, "n/a"]`` for every column, or
        ``{"age": [0], "sat1": [9, "dk"]}`` per column. Numbers match numerically (also when
        written as text); strings match ignoring case and surrounding spaces. A text column
        that is all numbers after recoding becomes numeric.
    reverse : list of str, optional
        Items to reverse-code, ``x -> lo + hi - x``; needs ``likert``.
    likert : (lo, hi) or dict {column: (lo, hi)}, optional
        The answer scale. Values outside it are an error (``on_out_of_range="error"``) naming
        the column, the rows (index labels; 0 is the first data row) and the values, or become
        NaN (``on_out_of_range="missing"``). A ``(lo, hi)`` pair applies to ``items`` if given,
        else to every numeric column (so pass ``items`` when the file also holds ids or ages).
    sheet : str or int, optional
        Excel sheet name or position (default: the first sheet).
    encoding : str, optional
        Text encoding of CSV/TSV, SPSS and Stata files (e.g. ``"latin-1"``).
    **kw
        Passed on to the underlying reader (``pandas.read_csv``, ``pandas.read_excel``,
        ``pyreadstat.read_sav``/``read_dta``, ``pandas.read_parquet``).

    Returns
    -------
    DataFrame with ``attrs``: ``source``, ``format``, ``variable_labels`` ({column: label}),
    ``value_labels`` ({column: {value: label}}; remapped for reversed items),
    ``declared_missing`` ({column: cells} set missing because the SPSS file declares those
    values missing), ``recoded_missing`` ({column: cells} recoded from ``missing_codes``),
    ``out_of_range`` ({column: cells} recoded to NaN), ``reversed`` (list) and ``likert``
    ({column: (lo, hi)}).

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> import relqual as rq
    >>> path = os.path.join(tempfile.mkdtemp(), "survey.csv")
    >>> pd.DataFrame({"id": [1, 2, 3], "q1": [1, 5, -9], "q2": [2, 4, 5]}).to_csv(path, index=False)
    >>> df = rq.read_survey(path, missing_codes=[-9], likert=(1, 5), items=["q1", "q2"],
    ...                     reverse=["q2"])
    >>> df
       id   q1  q2
    0   1  1.0   4
    1   2  5.0   2
    2   3  NaN   1
    >>> df.attrs["format"], df.attrs["recoded_missing"], df.attrs["reversed"]
    ('CSV', {'q1': 1}, ['q2'])
    """
    if on_out_of_range not in ("error", "missing"):
        raise ValueError(f"on_out_of_range must be 'error' or 'missing' (got {on_out_of_range!r})")
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in FORMATS:
        raise SurveyFileError(f"cannot read '{path}': unsupported data format "
                              f"'{suffix or '(no extension)'}'; supported formats: {SUPPORTED}")
    fmt, kind = FORMATS[suffix]
    if not file.exists():
        raise FileNotFoundError(f"data file '{path}' not found (supported formats: {SUPPORTED})")
    if not file.is_file():
        raise SurveyFileError(f"cannot read '{path}': it is not a file")
    if sheet is not None and kind != "excel":
        raise ValueError(f"sheet= applies to Excel files only, not to '{path}' ({fmt})")
    if encoding is not None and kind in ("excel", "parquet"):
        raise ValueError(f"encoding= does not apply to {fmt} files ('{path}')")

    string_codes = [c for c in _as_code_list(missing_codes) if isinstance(c, str)]
    try:
        df, meta = _READERS[kind](file, sheet=sheet, encoding=encoding,
                                  keep_strings=string_codes, **kw)
    except (ImportError, SurveyFileError, TypeError):
        raise
    except UnicodeDecodeError as exc:
        raise SurveyFileError(f"cannot read '{path}' as {fmt}: the text is not {exc.encoding} "
                              "(pass the file's encoding, e.g. encoding='latin-1' or "
                              "encoding='cp1252')") from None
    except Exception as exc:   # each reader has its own exception types
        raise SurveyFileError(f"cannot read '{path}' as {fmt} ({type(exc).__name__}: {exc}); "
                              f"supported formats: {SUPPORTED}") from None

    df.attrs.clear()
    declared = meta.pop("declared_missing", {})
    df.attrs.update({"source": str(path), "format": fmt, "variable_labels": {},
                     "value_labels": {}, **meta})
    df.attrs["declared_missing"] = _apply_declared_missing(df, declared)
    df.attrs["recoded_missing"] = _apply_missing_codes(df, missing_codes)

    ranges = likert_ranges(df, likert, items)
    df.attrs["likert"] = ranges
    bad = out_of_range(df, ranges)
    df.attrs["out_of_range"] = {}
    if len(bad):
        if on_out_of_range == "error":
            raise DataError(_range_message(bad, ranges, path))
        for column in bad["column"].unique():
            mask, _ = _outside(df[column], *ranges[column])
            df[column] = df[column].mask(mask)
            df.attrs["out_of_range"][column] = int(mask.sum())
    df.attrs["reversed"] = _apply_reverse(df, reverse, ranges)
    return df


# ---------------------------------------------------------------------------- readers
def _require(module: str, fmt: str):
    if importlib.util.find_spec(module) is None:
        raise ImportError(f"reading {fmt} files needs the '{module}' package: {INSTALL_HINT}")


def _text_na(keep_strings: list[str], kw: dict) -> dict:
    """pandas' default NA strings minus the caller's missing codes, so those can be counted."""
    if "na_values" in kw or "keep_default_na" in kw:
        return {}
    keep = {s.strip().casefold() for s in keep_strings}
    return {"keep_default_na": False,
            "na_values": [s for s in PANDAS_NA_STRINGS if s.casefold() not in keep]}


def _read_text(sep):
    def read(file, *, sheet, encoding, keep_strings, **kw):
        return pd.read_csv(file, sep=kw.pop("sep", sep), encoding=encoding,
                           **_text_na(keep_strings, kw), **kw), {}
    return read


def _read_excel(file, *, sheet, encoding, keep_strings, **kw):
    _require("openpyxl", "Excel")
    return pd.read_excel(file, sheet_name=0 if sheet is None else sheet, engine="openpyxl",
                         **_text_na(keep_strings, kw), **kw), {}


def _read_parquet(file, *, sheet, encoding, keep_strings, **kw):
    if importlib.util.find_spec("fastparquet") is None:
        _require("pyarrow", "Parquet")
    return pd.read_parquet(file, **kw), {}


def _read_spss(file, *, sheet, encoding, keep_strings, **kw):
    _require("pyreadstat", "SPSS")
    import pyreadstat
    kw.setdefault("user_missing", True)   # declared missing values are recoded (and counted) below
    df, meta = pyreadstat.read_sav(str(file), encoding=encoding, **kw)
    out = _readstat_meta(meta)
    if kw["user_missing"]:
        out["declared_missing"] = {c: r for c, r in (meta.missing_ranges or {}).items() if r}
    return df, out


def _read_stata(file, *, sheet, encoding, keep_strings, **kw):
    if importlib.util.find_spec("pyreadstat") is not None:
        import pyreadstat
        df, meta = pyreadstat.read_dta(str(file), encoding=encoding, **kw)
        return df, _readstat_meta(meta)
    with pd.io.stata.StataReader(file, **kw) as reader:   # pandas: no per-column value labels
        df = reader.read(convert_categoricals=False)
        labels = reader.variable_labels()
    return df, {"variable_labels": {c: v for c, v in labels.items() if v}}


def _readstat_meta(meta) -> dict:
    return {"variable_labels": {c: v for c, v in (meta.column_names_to_labels or {}).items() if v},
            "value_labels": {c: dict(v) for c, v in (meta.variable_value_labels or {}).items()}}


_READERS = {"csv": _read_text(","), "tsv": _read_text("\t"), "excel": _read_excel,
            "spss": _read_spss, "stata": _read_stata, "parquet": _read_parquet}


# ---------------------------------------------------------------------------- missing codes
def _apply_declared_missing(df: pd.DataFrame, declared: dict) -> dict[str, int]:
    """SPSS user-missing values and ranges ({column: [{"lo": .., "hi": ..}]}) -> NaN."""
    counts = {}
    for column, ranges in declared.items():
        col = df[column]
        mask = pd.Series(False, index=df.index)
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            if isinstance(lo, str) or not pd.api.types.is_numeric_dtype(col):
                mask |= col.astype(object).eq(lo) | col.astype(object).eq(hi)
            else:
                mask |= col.between(lo, hi)
        if mask.any():
            df[column] = col.where(~mask)
            counts[column] = int(mask.sum())
    return counts


def _as_code_list(codes) -> list:
    if codes is None:
        return []
    if isinstance(codes, dict):
        return [c for v in codes.values() for c in _as_code_list(v)]
    if isinstance(codes, (str, numbers.Number)):
        return [codes]
    return list(codes)


def _apply_missing_codes(df: pd.DataFrame, missing_codes) -> dict[str, int]:
    if missing_codes is None:
        return {}
    if isinstance(missing_codes, dict):
        check_columns(df, missing_codes, "missing_codes")
        per_column = {c: _as_code_list(v) for c, v in missing_codes.items()}
    else:
        codes = _as_code_list(missing_codes)
        per_column = {c: codes for c in df.columns}
    counts = {}
    for column, codes in per_column.items():
        mask = _code_mask(df[column], codes)
        if mask.any():
            recoded = df[column].where(~mask)
            if not pd.api.types.is_numeric_dtype(recoded):
                numeric = pd.to_numeric(recoded, errors="coerce")
                if numeric.notna().sum() == recoded.notna().sum():
                    recoded = numeric
            df[column] = recoded
            counts[column] = int(mask.sum())
    return counts


def _code_mask(col: pd.Series, codes: list) -> pd.Series:
    numbers_ = [c for c in codes if isinstance(c, numbers.Number) and not isinstance(c, bool)]
    texts = [c.strip().casefold() for c in codes if isinstance(c, str)]
    if pd.api.types.is_bool_dtype(col):
        return pd.Series(False, index=col.index)
    if pd.api.types.is_numeric_dtype(col):
        return col.isin(numbers_).fillna(False).astype(bool)
    values = col.astype(object)
    mask = pd.Series(False, index=col.index)
    if texts:
        folded = values.map(lambda v: v.strip().casefold() if isinstance(v, str) else None)
        mask |= folded.isin(texts)
    if numbers_:
        mask |= pd.to_numeric(values, errors="coerce").isin(numbers_)
    return mask


def check_columns(df: pd.DataFrame, names, what: str) -> None:
    """Every name must be a column of ``df``; otherwise an error with close-name suggestions.

    Parameters
    ----------
    df : DataFrame
        The data.
    names : iterable of str
        The columns asked for.
    what : str
        The argument that asked for them (starts the message).

    Returns
    -------
    None

    Raises
    ------
    DataError
        For the first name that is not a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import check_columns
    >>> check_columns(pd.DataFrame({"sat1": [1], "sat2": [2]}), ["sat3"], "reverse")
    Traceback (most recent call last):
    ...
    relqual.data.DataError: reverse: 'sat3' is not a column of the data; did you mean 'sat2',
    'sat1'?
    """
    columns = [str(c) for c in df.columns]
    for name in names:
        if name not in df.columns:
            close = difflib.get_close_matches(str(name), columns, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise DataError(f"{what}: '{name}' is not a column of the data{hint}")


# ---------------------------------------------------------------------------- Likert scale
def likert_ranges(df: pd.DataFrame, likert, items=None) -> dict[str, tuple]:
    """{column: (lo, hi)} from ``likert`` ((lo, hi) or a dict) and ``items`` (default: numeric
    columns).

    Parameters
    ----------
    df : DataFrame
        The data.
    likert : (lo, hi), dict {column: (lo, hi)} or None
        The answer scale, for all ``items`` or per column.
    items : list of str, optional
        The columns a ``(lo, hi)`` pair applies to (default: every numeric column); with a
        dict, the columns kept.

    Returns
    -------
    dict
        Column -> (lo, hi); empty when ``likert`` is None.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import likert_ranges
    >>> df = pd.DataFrame({"id": [7, 8], "q1": [1, 5], "q2": [2, 4]})
    >>> likert_ranges(df, (1, 5), items=["q1", "q2"])
    {'q1': (1, 5), 'q2': (1, 5)}
    >>> likert_ranges(df, {"q1": (1, 7)})
    {'q1': (1, 7)}
    """
    if likert is None:
        return {}
    if isinstance(likert, dict):
        check_columns(df, likert, "likert")
        ranges = {c: _scale(r) for c, r in likert.items()}
        if items is not None:
            ranges = {c: r for c, r in ranges.items() if c in set(items)}
        return ranges
    scale = _scale(likert)
    if items is None:
        items = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])
                 and not pd.api.types.is_bool_dtype(df[c])]
    else:
        check_columns(df, items, "items")
    return {c: scale for c in items}


def _scale(value) -> tuple:
    try:
        lo, hi = value
        if not lo < hi:
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"a Likert scale is a pair (lo, hi) with lo < hi, e.g. (1, 5) "
                         f"(got {value!r})") from None
    return (lo, hi)


def _outside(column: pd.Series, lo, hi) -> tuple[pd.Series, pd.Series]:
    """(mask of answers outside lo..hi, the column as numbers)."""
    values = column if pd.api.types.is_numeric_dtype(column) else \
        pd.to_numeric(column, errors="coerce")
    return values.notna() & ((values < lo) | (values > hi)), values


def out_of_range(df: pd.DataFrame, ranges: dict[str, tuple]) -> pd.DataFrame:
    """Answers outside their scale, one row per cell: row (index label), column, value, lo, hi.

    Text that is not a number is skipped here (``check_data`` reports it separately).

    Parameters
    ----------
    df : DataFrame
        The data.
    ranges : dict
        Column -> (lo, hi), e.g. from :func:`likert_ranges`.

    Returns
    -------
    DataFrame
        Columns ``row column value lo hi``; empty when every answer is in range.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import out_of_range
    >>> out_of_range(pd.DataFrame({"q1": [1, 6, 3]}), {"q1": (1, 5)})
       row column  value  lo  hi
    0    1     q1      6   1   5
    """
    parts = []
    for column, (lo, hi) in ranges.items():
        bad, values = _outside(df[column], lo, hi)
        if bad.any():
            parts.append(pd.DataFrame({"row": df.index[bad.to_numpy()], "column": column,
                                       "value": values[bad].to_numpy(), "lo": lo, "hi": hi}))
    if not parts:
        return pd.DataFrame({"row": [], "column": [], "value": [], "lo": [], "hi": []})
    return pd.concat(parts, ignore_index=True)


def _range_message(bad: pd.DataFrame, ranges: dict, path) -> str:
    lines = [f"'{path}': {len(bad)} answer(s) outside the Likert range in "
             f"{bad['column'].nunique()} column(s) (rows are index labels, 0 = first data row):"]
    for column, cells in bad.groupby("column", sort=False):
        lo, hi = ranges[column]
        shown = ", ".join(f"row {r}: {v:g}" for r, v in
                          zip(cells["row"][:MAX_LISTED], cells["value"][:MAX_LISTED]))
        more = f" and {len(cells) - MAX_LISTED} more" if len(cells) > MAX_LISTED else ""
        lines.append(f"  column '{column}' (scale {lo}-{hi}): {shown}{more}")
    lines.append("Declare these values with missing_codes=, pass on_out_of_range='missing' to "
                 "recode them to NaN, or limit the check with items=.")
    return "\n".join(lines)


def _apply_reverse(df: pd.DataFrame, reverse, ranges: dict) -> list[str]:
    if not reverse:
        return []
    reverse = [reverse] if isinstance(reverse, str) else list(reverse)
    check_columns(df, reverse, "reverse")
    if not ranges:
        raise ValueError("reverse= needs the answer scale to reverse-code: pass likert=(lo, hi), "
                         "e.g. likert=(1, 5)")
    for column in reverse:
        if column not in ranges:
            raise ValueError(f"reverse: no Likert range for '{column}'; include it in likert= "
                             "or items=")
        if not pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column]):
            raise DataError(f"reverse: column '{column}' is not numeric; declare its text "
                            "answers with missing_codes= or recode them first")
        lo, hi = ranges[column]
        df[column] = lo + hi - df[column]
        labels = df.attrs["value_labels"].get(column)
        if labels:   # a label stays with the answer it describes
            df.attrs["value_labels"][column] = {
                (lo + hi - v if isinstance(v, numbers.Number) and lo <= v <= hi else v): text
                for v, text in labels.items()}
    return reverse
