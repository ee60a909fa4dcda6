"""Reading survey files: CSV/TSV, Excel, SPSS, Stata and Parquet into a DataFrame.

``read_survey`` reads one file (the format is chosen by its extension), then, in this order:
turns the missing-value codes declared in an SPSS file into NaN, turns the caller's
``missing_codes`` into NaN, checks the Likert range, and reverse-codes the ``reverse`` items.
Everything it did is recorded in ``df.attrs`` (see ``read_survey``), and everything it decided
on its own (the encoding, the delimiter, lines above the header, the columns a Likert range
applies to) is recorded there too; the decisions that change or skip data are also given as a
:class:`SurveyWarning`. The file is only read, never written.

The rules for columns the caller did not name:

- identifier-like columns (a name such as ``id``, ``ID``, ``respondent``, ``编号``, ``序号``; or
  20 or more whole numbers, all different) are never recoded by ``missing_codes`` given as a list,
  nor checked against a Likert range that was not given for them;
- ``likert=(lo, hi)`` without ``items=`` applies to the columns that look like answers on that
  scale: numeric, not identifier-like, and more than half of their values whole numbers from
  ``lo`` to ``hi``; the others (age, income, ...) are left alone.

The Likert helpers at the bottom (``likert_ranges``, ``likert_columns``, ``out_of_range``) and
``identifier_columns`` are shared with ``relqual.datacheck``.
"""
from __future__ import annotations

import codecs
import csv
import difflib
import importlib.util
import io
import numbers
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
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
MAX_NAMED = 8    # columns named in one warning
# identifier-like columns: whole words of a name (case-insensitive, camelCase split) ...
ID_WORDS = frozenset({"id", "ids", "uid", "uuid", "pid", "respid", "caseid", "responseid",
                      "recordid", "serial"})
# ... or parts of a name
ID_PARTS = ("respondent", "participant", "编号", "序号", "工号", "学号", "问卷号", "样本号",
            "答卷号", "id号")
MIN_ID_VALUES = 20   # all-different whole numbers make an identifier from this many values on
RANGE_HINT = ("Declare these values with missing_codes=, pass on_out_of_range='missing' to "
              "recode them to NaN, or limit the check with items=.")
SNIFF_LINES = 30     # lines looked at to find the delimiter and the header row
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_WESTERN = ("latin-1", "iso8859-1", "cp1252", "iso8859-15", "latin1")


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


class SurveyWarning(UserWarning):
    """Something ``read_survey`` decided on its own that changed, skipped or guessed data.

    For example: the columns a Likert range was applied to when ``items=`` was not given, an
    identifier column that holds a missing-value code, lines above the header that were skipped.
    Every such message is also kept in ``df.attrs["notes"]``.

    Examples
    --------
    >>> import os, tempfile, warnings
    >>> import pandas as pd
    >>> import relqual as rq
    >>> path = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> pd.DataFrame({"id": [1, 2, 3], "q1": [1, 5, 2], "age": [31, 45, 52]}).to_csv(
    ...     path, index=False)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     df = rq.read_survey(path, likert=(1, 5))
    >>> caught[0].category.__name__, list(df.attrs["likert"])
    ('SurveyWarning', ['q1'])
    """


class _ReadOnlyDict(dict):
    """A dict for ``df.attrs`` that cannot change, so pandas' copies of attrs can share it."""

    __slots__ = ()

    def _read_only(self, *args, **kw):
        raise TypeError("this record of what read_survey did is read-only; copy it with "
                        "dict(...) to change it")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only
    __ior__ = _read_only

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __reduce__(self):
        return (type(self), (dict(self),))


class _ReadOnlyList(list):
    """A list for ``df.attrs`` that cannot change (see ``_ReadOnlyDict``)."""

    __slots__ = ()

    def _read_only(self, *args, **kw):
        raise TypeError("this record of what read_survey did is read-only; copy it with "
                        "list(...) to change it")

    __setitem__ = __delitem__ = append = extend = insert = remove = pop = clear = _read_only
    sort = reverse = __iadd__ = __imul__ = _read_only

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __reduce__(self):
        return (type(self), (list(self),))


def _frozen(value):
    if isinstance(value, dict):
        return _ReadOnlyDict({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return _ReadOnlyList(_frozen(v) for v in value)
    return value


def read_survey(path, *, missing_codes=None, reverse=None, likert=None, sheet=None,
                encoding=None, items=None, on_out_of_range: str = "error", **kw) -> pd.DataFrame:
    """Read a survey file into a new DataFrame, with missing codes, range check and reverse coding.

    Parameters
    ----------
    path : str or Path
        ``.csv``; ``.tsv``/``.tab``/``.txt`` (tab-separated); ``.xlsx``/``.xlsm`` (needs
        openpyxl); ``.sav``/``.zsav`` (SPSS, needs pyreadstat); ``.dta`` (Stata; pyreadstat,
        or pandas without value labels); ``.parquet`` (needs pyarrow). The optional readers
        install with ``pip install "relqual[survey]"``. Text files: the delimiter (``,`` ``;``
        tab ``|``), a decimal comma (with ``;``), title lines above the header row, and a
        second header row of question texts (as Qualtrics writes) are found and read right;
        a file without a header row, or with more fields in its rows than names in its header,
        is an error naming the problem.
    missing_codes : scalar, list or dict, optional
        Values that mean "no answer", e.g. ``[-9, 99, "n/a"]``, or ``{"age": [0], "sat1": [9,
        "dk"]}`` per column. A list applies to every column except identifier-like ones (a
        respondent numbered 99 keeps the number; a warning names such a column when it holds
        a code); a dict applies exactly as given. Numbers match numerically (also when written
        as text); strings match ignoring case and surrounding spaces. A text column that is all
        numbers after recoding becomes numeric.
    reverse : list of str, optional
        Items to reverse-code, ``x -> lo + hi - x``; needs ``likert``.
    likert : (lo, hi) or dict {column: (lo, hi)}, optional
        The answer scale. Values outside it are an error (``on_out_of_range="error"``) naming
        the column, the rows (index labels; 0 is the first data row) and the values, or become
        NaN (``on_out_of_range="missing"``). A ``(lo, hi)`` pair applies to ``items`` if given;
        without ``items``, to the columns that look like answers on that scale: numeric, not
        identifier-like, and more than half of their values whole numbers from lo to hi (so
        not to ids, ages or incomes). Those columns are named in a :class:`SurveyWarning`.
    sheet : str or int, optional
        Excel sheet name or position (0 = the first sheet, the default).
    encoding : str, optional
        Text encoding of CSV/TSV, SPSS and Stata files (e.g. ``"gb18030"``, ``"cp1252"``).
        Without it a text file is read as UTF-8 with a byte-order mark, UTF-16 (with a BOM, or
        recognised by its zero bytes), UTF-8, or else GB18030 (which includes GBK and GB2312)
        when the bytes are Chinese text in it; anything else is an error that suggests the
        likely encodings.
    items : list of str, optional
        The columns a ``(lo, hi)`` pair applies to; with a dict ``likert``, the columns kept.
    on_out_of_range : {"error", "missing"}
        What to do with answers outside the Likert range.
    **kw
        Passed on to the underlying reader (``pandas.read_csv``, ``pandas.read_excel``,
        ``pyreadstat.read_sav``/``read_dta``, ``pandas.read_parquet``); ``sep``, ``header``,
        ``skiprows`` or ``decimal`` turn off the matching detection.

    Returns
    -------
    DataFrame
        With read-only ``attrs``: ``source``, ``format``, ``encoding`` (the text encoding used;
        None for Excel and Parquet), ``delimiter`` (text files), ``header_line`` (text and
        Excel files; 1 = the first line or row), ``sheet`` (Excel), ``variable_labels``
        ({column: label}), ``value_labels`` ({column: {value: label}}; remapped for reversed
        items), ``identifiers`` ({column: why it looks like an identifier}),
        ``declared_missing`` ({column: cells} set missing
        because the SPSS file declares those values missing), ``recoded_missing`` ({column:
        cells} recoded from ``missing_codes``), ``missing_codes_skipped`` ({identifier column:
        cells holding a code, left as they are}), ``likert`` ({column: (lo, hi)}, the columns
        the range was applied to), ``likert_from`` ("items", "dict", "values" or None),
        ``likert_skipped`` ({column: why the range was not applied}, when chosen from the
        values), ``out_of_range`` ({column: cells} recoded to NaN), ``reversed`` (list) and
        ``notes`` (the warnings given).

    Raises
    ------
    SurveyFileError
        Unsupported format, unreadable file, unknown encoding of the text, missing sheet.
    DataError
        Answers outside the Likert range (``on_out_of_range="error"``), unknown columns.

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
    >>> df.attrs["format"], df.attrs["encoding"], df.attrs["recoded_missing"], df.attrs["reversed"]
    ('CSV', 'utf-8', {'q1': 1}, ['q2'])

    A respondent numbered 99 stays respondent 99:

    >>> pd.DataFrame({"id": [98, 99, 100], "q1": [1, 99, 4]}).to_csv(path, index=False)
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     df = rq.read_survey(path, missing_codes=[99])
    >>> df["id"].tolist(), df.attrs["recoded_missing"], df.attrs["missing_codes_skipped"]
    ([98, 99, 100], {'q1': 1}, {'id': 1})
    """
    if on_out_of_range not in ("error", "missing"):
        raise ValueError(f"on_out_of_range must be 'error' or 'missing' (got {on_out_of_range!r})")
    if encoding is not None:
        _check_encoding(encoding)
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
    scale = None if likert is None or isinstance(likert, dict) else _scale(likert)
    if isinstance(items, str):
        items = [items]

    string_codes = [c for c in _as_code_list(missing_codes) if isinstance(c, str)]
    try:
        df, meta = _READERS[kind](file, sheet=sheet, encoding=encoding,
                                  keep_strings=string_codes, **kw)
    except (ImportError, SurveyFileError, TypeError):
        raise
    except UnicodeDecodeError as exc:
        raise SurveyFileError(f"cannot read '{path}' as {fmt}: the text is not {exc.encoding} "
                              f"(pass the file's encoding, e.g. encoding='gb18030' for Chinese "
                              f"Windows files or encoding='cp1252' for Western ones)") from None
    except Exception as exc:   # each reader has its own exception types
        raise SurveyFileError(f"cannot read '{path}' as {fmt} ({type(exc).__name__}: {exc}); "
                              f"supported formats: {SUPPORTED}") from None
    if kind in ("csv", "tsv", "excel"):
        df = _tidy_layout(df, meta, kw, path)

    # attrs are built once at the end: pandas deep-copies attrs on every operation
    df.attrs.clear()
    notes = meta.pop("notes", [])
    ids = identifier_columns(df)
    df, declared = _apply_declared_missing(df, meta.pop("declared_missing", {}))
    df, recoded, skipped_codes = _apply_missing_codes(df, missing_codes, ids)
    if skipped_codes:
        notes.append(_skipped_codes_note(skipped_codes, ids, missing_codes))

    likert_from, skipped_scale = None, {}
    if likert is None:
        ranges = {}
    elif isinstance(likert, dict):
        ranges, likert_from = likert_ranges(df, likert, items), "dict"
    elif items is not None:
        ranges, likert_from = likert_ranges(df, scale, items), "items"
    else:
        chosen, skipped_scale = likert_columns(df, *scale, identifiers=ids)
        ranges, likert_from = {c: scale for c in chosen}, "values"
    cells = _bad_cells(df, ranges) if ranges else []
    out_counts = {}
    if cells:
        if on_out_of_range == "error":
            inferred = _inferred_scale_note(scale, ranges, skipped_scale, {}) \
                if likert_from == "values" else None
            for note in notes:           # what was decided before the range check
                warnings.warn(note, SurveyWarning, stacklevel=2)
            raise DataError(_range_message(_cells_frame(df, cells, ranges), ranges, path,
                                           inferred=inferred))
        df, out_counts = _recode_out_of_range(df, cells)
    if likert_from == "values":
        notes.append(_inferred_scale_note(scale, ranges, skipped_scale, out_counts))
    value_labels = meta.pop("value_labels", {})
    df, reversed_ = _apply_reverse(df, reverse, ranges, value_labels)

    attrs = {"source": str(path), "format": fmt, "encoding": meta.pop("encoding", None),
             "variable_labels": meta.pop("variable_labels", {}), "value_labels": value_labels,
             **meta, "identifiers": ids, "declared_missing": declared,
             "recoded_missing": recoded, "missing_codes_skipped": skipped_codes,
             "likert": ranges, "likert_from": likert_from, "likert_skipped": skipped_scale,
             "out_of_range": out_counts, "reversed": reversed_, "notes": notes}
    df.attrs = {k: _frozen(v) for k, v in attrs.items()}
    for note in notes:
        warnings.warn(note, SurveyWarning, stacklevel=2)
    return df


# ---------------------------------------------------------------------------- encodings
def _check_encoding(encoding) -> None:
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise ValueError(f"encoding: unknown encoding {encoding!r}; e.g. 'utf-8', 'gb18030' "
                         "(Chinese, includes GBK), 'utf-16', 'big5', 'cp1252'") from None


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _common_share(text: str, encoding: str = "gb18030") -> float:
    """Share of the non-ASCII characters of ``text`` that are common characters of the
    language ``encoding`` is for: GB2312 for GB18030, the frequent hanzi block of Big5, the
    kana and first-level kanji of Shift-JIS. Text read in the wrong encoding scores low."""
    chars = _NON_ASCII.findall(text)[:5000]
    if not chars:
        return 0.0
    table, leads = {"gb18030": ("gb2312", (0xA1, 0xF7)), "big5": ("big5", (0xA1, 0xC6)),
                    "shift_jis": ("shift_jis", (0x81, 0x9F))}[encoding]
    common = 0
    for char in chars:
        try:
            encoded = char.encode(table)
        except UnicodeEncodeError:
            continue
        common += len(encoded) == 2 and leads[0] <= encoded[0] <= leads[1]
    return common / len(chars)


def _try_decode(raw: bytes, encoding: str):
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _paired_share(raw: bytes) -> float:
    """Share of the bytes >= 0x80 next to another such byte: near 1 in Chinese (2 bytes per
    character), low in Western text (one byte per accented letter)."""
    data = np.frombuffer(raw[:200_000], dtype=np.uint8)
    high = data >= 0x80
    if not high.any():
        return 0.0
    neighbour = np.zeros_like(high)
    neighbour[1:] |= high[:-1]
    neighbour[:-1] |= high[1:]
    return float((high & neighbour).sum() / high.sum())


def _looks_gb18030(raw: bytes) -> bool:
    """True when the bytes decode as GB18030 into mostly common Chinese characters."""
    if _paired_share(raw) < 0.5:
        return False
    text = _try_decode(raw, "gb18030")
    return text is not None and _has_cjk(text) and _common_share(text) >= 0.8


def detect_encoding(raw: bytes) -> tuple[str | None, int]:
    """The text encoding of a survey file's bytes, and the length of its byte-order mark.

    In order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32), UTF-16 without one (zero bytes
    in every other position), UTF-8, then GB18030 (a superset of GBK and GB2312) when the bytes
    decode as GB18030 into mostly common Chinese characters. Anything else is None: the
    encoding cannot be told safely (latin-1 would read any bytes, and garble Chinese).

    Parameters
    ----------
    raw : bytes
        The file's content (or its beginning).

    Returns
    -------
    (str or None, int)
        The encoding's Python name and the BOM length in bytes.

    Examples
    --------
    >>> from relqual.survey import detect_encoding
    >>> detect_encoding("满意度,年龄\\n5,31\\n".encode("gb18030"))
    ('gb18030', 0)
    >>> detect_encoding("\\ufeffsat1,sat2\\n".encode("utf-8"))
    ('utf-8-sig', 3)
    >>> detect_encoding("sat1\\tsat2\\n".encode("utf-16"))[0] in ("utf-16-le", "utf-16-be")
    True
    >>> detect_encoding("ville\\nLi\\u00e8ge\\n".encode("latin-1"))
    (None, 0)
    """
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return name, len(bom)
    sample = raw[:20000]
    if len(sample) >= 4 and b"\x00" in sample:
        half = len(sample) // 2
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.3 * half and even < 0.05 * half:
            return "utf-16-le", 0
        if even > 0.3 * half and odd < 0.05 * half:
            return "utf-16-be", 0
    if _try_decode(raw, "utf-8") is not None:
        return "utf-8", 0
    if _looks_gb18030(raw):
        return "gb18030", 0
    return None, 0


def _where(raw: bytes, position: int) -> str:
    line = raw.count(b"\n", 0, position) + 1
    return f"byte 0x{raw[position]:02x} on line {line}"


def _encoding_advice(raw: bytes) -> str:
    """Which encodings to try, naming only those that do not garble the text."""
    if _paired_share(raw) >= 0.5:     # two bytes per character: an East Asian encoding
        scored = []
        for name, what in (("gb18030", "Simplified Chinese, includes GBK"),
                           ("big5", "Traditional Chinese"), ("shift_jis", "Japanese")):
            text = _try_decode(raw, name)
            if text is not None and _has_cjk(text):
                scored.append((_common_share(text, name), f"encoding='{name}' ({what})"))
        likely = [s for s in scored if s[0] >= 0.8] or scored
        if likely:
            return ("the bytes look like East Asian text: pass the file's encoding, e.g. "
                    + " or ".join(c for _, c in sorted(likely, reverse=True))
                    + ", and check that the column names read right")
        return ("the bytes look like an East Asian encoding (two bytes per character): pass "
                "the file's encoding, e.g. encoding='gb18030', 'big5' or 'shift_jis'")
    return ("pass the file's encoding, e.g. encoding='cp1252' (Western European Windows) or "
            "encoding='latin-1'")


def _decode(raw: bytes, encoding, file) -> tuple[str, str, list[str]]:
    """The text of a survey file, the encoding used and notes for the caller."""
    notes = []
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise SurveyFileError(f"cannot read '{file}': the text is not {encoding} "
                                  f"({_where(raw, exc.start)}); "
                                  + _encoding_advice(raw)) from None
        if codecs.lookup(encoding).name in _WESTERN and _looks_gb18030(raw):
            notes.append(f"'{file}' was read as {encoding}, as asked, but its bytes look like "
                         "Chinese text in GB18030/GBK: with encoding='gb18030' the Chinese "
                         "column names and answers read right instead of as symbols")
        return text.removeprefix("\ufeff"), encoding, notes
    name, bom = detect_encoding(raw)
    if name is None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SurveyFileError(f"cannot read '{file}': the text is not UTF-8 "
                                  f"({_where(raw, exc.start)}) and its encoding cannot be told "
                                  "safely; " + _encoding_advice(raw)) from None
    try:
        text = raw[bom:].decode(name.removesuffix("-sig"))
    except UnicodeDecodeError as exc:
        raise SurveyFileError(f"cannot read '{file}': it starts as {name} text but is not "
                              f"({_where(raw, exc.start + bom)}); "
                              + _encoding_advice(raw)) from None
    return text.removeprefix("\ufeff"), name, notes


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


class _Layout(NamedTuple):
    sep: str
    skip: int          # lines above the header row
    decimal: str
    index_col: object  # False when every row ends in one empty field more than the header
    notes: list


def _records(sample: str, sep: str) -> list[tuple[int, list[str]]]:
    """(first line, fields) of each record of ``sample``."""
    reader = csv.reader(io.StringIO(sample), delimiter=sep)
    out, start = [], 0
    try:
        for record in reader:
            out.append((start, record))
            start = reader.line_num
    except csv.Error:
        pass
    return out


def _modal_count(records) -> tuple[int, float]:
    """The most common number of fields (ties: the larger) and the share of records with it."""
    counts = [len(r) for _, r in records if r]
    if not counts:
        return 0, 0.0
    table = Counter(counts)
    best = max(table, key=lambda n: (table[n], n))
    return best, table[best] / len(counts)


def _is_title(fields: list[str], width: int) -> bool:
    """A line above the header: blank, one filled cell, or a few cells on a wide file."""
    filled = sum(bool(f.strip()) for f in fields)
    return filled <= 1 or (len(fields) < width / 2 and filled <= 3)


def _sniff(text: str, default_sep: str, *, guess_sep: bool, find_header: bool,
           guess_decimal: bool, file) -> _Layout:
    """Delimiter, lines above the header and decimal mark of a text file, from its first lines."""
    lines = text.split("\n", SNIFF_LINES + 1)[:SNIFF_LINES]
    sample = "\n".join(lines)
    notes = []
    candidates = list(dict.fromkeys([default_sep, ",", ";", "\t", "|"])) if guess_sep \
        else [default_sep]
    scored = {}
    for sep in candidates:
        records = _records(sample, sep)
        width, share = _modal_count(records)
        scored[sep] = (records, width, share)
    viable = [s for s in candidates if scored[s][1] >= 2 and scored[s][2] >= 0.6]
    sep = max(viable, key=lambda s: (scored[s][2], scored[s][1], s == default_sep)) if viable \
        else default_sep
    records, width, _ = scored[sep]
    if sep != default_sep:
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
        notes.append(f"'{file}' is read with the {names[sep]} as the delimiter, which its lines "
                     f"use (not the {names.get(default_sep, default_sep)} its extension implies)")
    skip, header = 0, None
    filled = [(start, fields) for start, fields in records if fields]
    if filled and width >= 2 and find_header:
        for start, fields in filled[:20]:
            if not _is_title(fields, width):
                header = (start, fields)
                break
        if header is not None and header[0] > 0 and any(
                s < header[0] and any(f.strip() for f in fields) for s, fields in filled):
            skip = header[0]
            above = [",".join(f.strip() for f in fields if f.strip())
                     for s, fields in filled if s < skip]
            shown = "; ".join(repr(a) for a in above if a)[:120]
            notes.append(f"'{file}': the header row is line {skip + 1}; the {skip} line(s) above "
                         f"it ({shown}) are not data and were skipped")
    elif filled and width >= 2:
        header = filled[0]
    index_col = None
    if header is not None and width >= 2:
        data = [fields for start, fields in filled if start > header[0]]
        longer = [fields for fields in data if len(fields) > len(header[1])]
        if data and len(longer) == len(data):
            extra = {len(f) - len(header[1]) for f in longer}
            if all(not "".join(f[len(header[1]):]).strip() for f in longer):
                index_col = False      # a delimiter at the end of every data line
            else:
                raise SurveyFileError(
                    f"cannot read '{file}': its data lines have {max(extra)} field(s) more than "
                    f"its header row has names ({len(header[1])}), so the columns would be "
                    "shifted; add the missing names to the header row")
    decimal = "."
    if sep == ";" and guess_decimal:
        body = [f.strip() for start, fields in filled[1:] for f in fields]
        if any(re.fullmatch(r"[-+]?\d+,\d+", f) for f in body) and \
                not any(re.fullmatch(r"[-+]?\d*\.\d+", f) for f in body):
            decimal = ","
            notes.append(f"'{file}' uses the decimal comma (3,5 = 3.5), as European Excel "
                         "writes it; numbers were read that way")
    return _Layout(sep, skip, decimal, index_col, notes)


def _read_text(sep):
    def read(file, *, sheet, encoding, keep_strings, **kw):
        raw = file.read_bytes()
        text, used, notes = _decode(raw, encoding, file)
        user_sep = kw.pop("sep", kw.pop("delimiter", None))
        layout = _sniff(text, sep if user_sep is None else user_sep, guess_sep=user_sep is None,
                        find_header=not {"header", "skiprows", "names"} & kw.keys(),
                        guess_decimal="decimal" not in kw, file=file)
        options = dict(_text_na(keep_strings, kw))
        if layout.skip:
            options["skiprows"] = layout.skip
        if layout.decimal != ".":
            options["decimal"] = layout.decimal
        if layout.index_col is False and "index_col" not in kw:
            options["index_col"] = False
        df = pd.read_csv(io.StringIO(text), sep=layout.sep, **options, **kw)
        meta = {"encoding": used, "delimiter": layout.sep, "header_line": layout.skip + 1,
                "notes": notes + layout.notes}
        return df, meta
    return read


def _read_excel(file, *, sheet, encoding, keep_strings, **kw):
    _require("openpyxl", "Excel")
    with pd.ExcelFile(file, engine="openpyxl") as book:
        names = list(book.sheet_names)
        target = 0 if sheet is None else sheet
        if isinstance(target, str) and target not in names:
            close = difflib.get_close_matches(target, names, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise SurveyFileError(f"cannot read '{file}': it has no sheet named '{target}'; its "
                                  f"sheets are {', '.join(repr(n) for n in names)}{hint}")
        if not isinstance(target, str):
            if not isinstance(target, numbers.Integral) or not 0 <= target < len(names):
                raise SurveyFileError(f"cannot read '{file}': sheet={target!r} is not a sheet "
                                      f"position 0..{len(names) - 1} nor a name; its sheets are "
                                      f"{', '.join(repr(n) for n in names)}")
            target = names[target]
        df = pd.read_excel(book, sheet_name=target, **_text_na(keep_strings, kw), **kw)
    notes = []
    if sheet is None and len(names) > 1:
        notes.append(f"'{file}' has {len(names)} sheets ({', '.join(repr(n) for n in names)}); "
                     f"the first, '{target}', was read (pass sheet= for another)")
    meta = {"encoding": None, "sheet": target, "header_line": 1, "notes": notes}
    if not {"header", "skiprows", "names"} & kw.keys():
        df = _excel_header(df, meta, file)
    return df, meta


def _excel_header(df: pd.DataFrame, meta: dict, file) -> pd.DataFrame:
    """A header row below title rows: the first row that names at least half of the columns."""
    unnamed = sum(str(c).startswith("Unnamed: ") for c in df.columns)
    if df.shape[1] < 2 or unnamed < df.shape[1] / 2:
        return df
    for h in range(min(20, len(df))):
        row = df.iloc[h]
        if row.notna().sum() >= max(2, df.shape[1] / 2):
            break
    else:
        return df
    names = [(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
             if pd.notna(v) else f"Unnamed: {j}" for j, v in enumerate(df.iloc[h])]
    above = [str(c) for c in df.columns if not str(c).startswith("Unnamed: ")]
    out = df.iloc[h + 1:].reset_index(drop=True).infer_objects()
    out.columns = names
    meta["header_line"] = h + 2
    meta["notes"].append(f"'{file}': the header is on row {h + 2} of sheet '{meta['sheet']}'; "
                         f"the row(s) above it ({', '.join(repr(a) for a in above)[:120]}) are "
                         "not data and were skipped")
    return out


def _read_parquet(file, *, sheet, encoding, keep_strings, **kw):
    if importlib.util.find_spec("fastparquet") is None:
        _require("pyarrow", "Parquet")
    return pd.read_parquet(file, **kw), {"encoding": None}


def _read_spss(file, *, sheet, encoding, keep_strings, **kw):
    _require("pyreadstat", "SPSS")
    import pyreadstat
    kw.setdefault("user_missing", True)   # declared missing values are recoded (and counted) below
    df, meta = pyreadstat.read_sav(str(file), encoding=encoding, **kw)
    out = _readstat_meta(meta, encoding)
    if kw["user_missing"]:
        out["declared_missing"] = {c: r for c, r in (meta.missing_ranges or {}).items() if r}
    return df, out


def _read_stata(file, *, sheet, encoding, keep_strings, **kw):
    if importlib.util.find_spec("pyreadstat") is not None:
        import pyreadstat
        df, meta = pyreadstat.read_dta(str(file), encoding=encoding, **kw)
        return df, _readstat_meta(meta, encoding)
    with pd.io.stata.StataReader(file, **kw) as reader:   # pandas: no per-column value labels
        df = reader.read(convert_categoricals=False)
        labels = reader.variable_labels()
    return df, {"encoding": encoding,
                "variable_labels": {c: v for c, v in labels.items() if v}}


def _readstat_meta(meta, encoding) -> dict:
    return {"encoding": encoding or getattr(meta, "file_encoding", None),
            "variable_labels": {c: v for c, v in (meta.column_names_to_labels or {}).items() if v},
            "value_labels": {c: dict(v) for c, v in (meta.variable_value_labels or {}).items()}}


_READERS = {"csv": _read_text(","), "tsv": _read_text("\t"), "excel": _read_excel,
            "spss": _read_spss, "stata": _read_stata, "parquet": _read_parquet}


# ---------------------------------------------------------------------------- layout quirks
def _as_number(value):
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _tidy_layout(df: pd.DataFrame, meta: dict, kw: dict, path) -> pd.DataFrame:
    """Name or fix what spreadsheets and survey tools do to a table (text and Excel files)."""
    notes = meta.setdefault("notes", [])
    if "header" in kw or "names" in kw:
        return df
    columns = [str(c) for c in df.columns]
    numbers_ = [_as_number(c) for c in columns]
    if len(columns) >= 2 and all(n is not None for n in numbers_):
        steps = np.diff(numbers_)
        if not np.all(steps == 1):
            shown = ", ".join(columns[:5]) + (", ..." if len(columns) > 5 else "")
            raise SurveyFileError(
                f"cannot read '{path}': its first row holds numbers ({shown}), not column "
                "names: the file seems to have no header row. Add a row of names, or pass "
                "header=None to number the columns 0, 1, 2, ...")
    known = set(columns)
    copies = {}
    for name in columns:
        found = re.fullmatch(r"(.+)\.(\d+)", name)
        if found and found.group(1) in known:
            copies.setdefault(found.group(1), []).append(name)
    if copies:
        shown = "; ".join(f"'{base}' (copies read as {', '.join(repr(c) for c in names)})"
                          for base, names in list(copies.items())[:MAX_NAMED])
        notes.append(f"'{path}': column names repeat in the header: {shown}; rename them so "
                     "each column has its own name")
    if "skiprows" not in kw:
        df = _second_header(df, meta, path)
    return df


def _second_header(df: pd.DataFrame, meta: dict, path) -> pd.DataFrame:
    """Rows of question texts under the header (Qualtrics writes two): drop them, keep labels."""
    text_columns = [j for j, dtype in enumerate(df.dtypes)
                    if not pd.api.types.is_numeric_dtype(dtype)
                    and not pd.api.types.is_bool_dtype(dtype)]
    if len(text_columns) < 2 or len(df) < 3:
        return df
    for k in (1, 2):
        head, rest = df.iloc[:k], df.iloc[k:]
        numeric = []
        for j in text_columns:
            top = head.iloc[:, j]
            if top.isna().any() or pd.to_numeric(top, errors="coerce").notna().any():
                continue
            below = rest.iloc[:, j]
            values = pd.to_numeric(below, errors="coerce")
            if values.notna().any() and values.notna().sum() == below.notna().sum():
                numeric.append(j)
        texts = {str(df.iloc[0, j]).strip() for j in numeric}
        if len(numeric) >= max(2, len(text_columns) / 2) and len(texts) == len(numeric):
            break       # a different text over each column: questions, not answers like "dk"
    else:
        return df
    labels = meta.setdefault("variable_labels", {})
    for j in numeric:
        label = str(df.iloc[0, j]).strip()
        if label and not label.startswith("{") and df.columns[j] not in labels:
            labels[df.columns[j]] = label
    out = df.iloc[k:].reset_index(drop=True)
    out = pd.DataFrame({j: pd.to_numeric(out.iloc[:, j]) if j in set(numeric) else out.iloc[:, j]
                        for j in range(out.shape[1])})
    out.columns = df.columns
    example = str(df.iloc[0, numeric[0]])[:60]
    meta["notes"].append(f"'{path}': the first {k} row(s) under the header are not answers but "
                         f"question texts (e.g. {example!r} in column '{df.columns[numeric[0]]}'), "
                         "as Qualtrics exports write them; they were dropped and the texts kept "
                         "as variable_labels")
    return out


# ---------------------------------------------------------------------------- columns
def _number_positions(df: pd.DataFrame) -> list[int]:
    return [j for j, dtype in enumerate(df.dtypes)
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)]


def _block(df: pd.DataFrame, positions: list[int]) -> np.ndarray:
    """The columns at ``positions`` as one float array (NaN for missing)."""
    if not positions:
        return np.empty((len(df), 0))
    if len(positions) == df.shape[1] and positions == list(range(df.shape[1])):
        return df.to_numpy(dtype=float, na_value=np.nan)
    return df.iloc[:, positions].to_numpy(dtype=float, na_value=np.nan)


def _replace_columns(df: pd.DataFrame, new: dict) -> pd.DataFrame:
    """``df`` with the columns at the positions in ``new`` replaced (a new frame when many)."""
    if len(new) <= 50:
        for j, values in new.items():
            df.isetitem(j, values)
        return df
    out = pd.DataFrame({j: new[j] if j in new else df.iloc[:, j] for j in range(df.shape[1])},
                       index=df.index)
    out.columns = df.columns
    return out


def _name_words(name: str) -> set[str]:
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    return {p.casefold() for p in parts}


def identifier_columns(df: pd.DataFrame) -> dict:
    """Columns that look like respondent identifiers, with the reason.

    A column is identifier-like when its name has the word ``id`` (``ID``, ``user_id``,
    ``RespondentID``, ``ResponseId``; also ``uid``, ``uuid``, ``serial``, ...) or contains
    ``respondent``, ``participant``, ``编号``, ``序号``, ``问卷号`` and the like; or when it holds
    20 or more whole numbers, all different.

    Parameters
    ----------
    df : DataFrame
        The data.

    Returns
    -------
    dict
        {column: reason}, in the order of the columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import identifier_columns
    >>> df = pd.DataFrame({"RespondentID": [1, 2], "编号": [7, 8], "paid": [1, 0],
    ...                    "q1": [3, 4]})
    >>> identifier_columns(df)
    {'RespondentID': 'named like an identifier', '编号': 'named like an identifier'}
    >>> identifier_columns(pd.DataFrame({"case": range(101, 131), "q1": [1, 2, 3] * 10}))
    {'case': 'all 30 values are different whole numbers'}
    """
    out = {}
    for name in df.columns:
        text = str(name)
        folded = text.casefold()
        if _name_words(text) & ID_WORDS or any(p in folded for p in ID_PARTS):
            out[name] = "named like an identifier"
    names = list(df.columns)
    positions = [j for j in _number_positions(df) if names[j] not in out]
    if positions and len(df) >= MIN_ID_VALUES:
        block = _block(df, positions)
        valid = ~np.isnan(block)
        n = valid.sum(axis=0)
        whole = np.all(~valid | (block == np.round(block)), axis=0)
        ordered = np.sort(block, axis=0)
        repeats = np.any(np.diff(ordered, axis=0) == 0, axis=0)
        for k in np.flatnonzero(whole & (n >= MIN_ID_VALUES) & ~repeats):
            out[names[positions[k]]] = f"all {n[k]} values are different whole numbers"
    return {c: out[c] for c in df.columns if c in out}


# ---------------------------------------------------------------------------- missing codes
def _apply_declared_missing(df: pd.DataFrame, declared: dict) -> tuple[pd.DataFrame, dict]:
    """SPSS user-missing values and ranges ({column: [{"lo": .., "hi": ..}]}) -> NaN."""
    counts, new = {}, {}
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
            new[df.columns.get_loc(column)] = col.where(~mask)
            counts[column] = int(mask.sum())
    return _replace_columns(df, new), counts


def _as_code_list(codes) -> list:
    if codes is None:
        return []
    if isinstance(codes, dict):
        return [c for v in codes.values() for c in _as_code_list(v)]
    if isinstance(codes, (str, numbers.Number)):
        return [codes]
    return list(codes)


def _numeric_codes(codes: list) -> list:
    return [c for c in codes if isinstance(c, numbers.Number) and not isinstance(c, bool)]


def _recode_text_column(col: pd.Series, mask: pd.Series) -> pd.Series:
    recoded = col.where(~mask)
    if not pd.api.types.is_numeric_dtype(recoded):
        numeric = pd.to_numeric(recoded, errors="coerce")
        if numeric.notna().sum() == recoded.notna().sum():
            recoded = numeric
    return recoded


def _apply_missing_codes(df: pd.DataFrame, missing_codes, identifiers: dict):
    """(df, {column: cells recoded}, {identifier column: cells holding a code, not recoded})."""
    if missing_codes is None:
        return df, {}, {}
    new, counts, skipped = {}, {}, {}
    if isinstance(missing_codes, dict):
        check_columns(df, missing_codes, "missing_codes")
        for column, codes in missing_codes.items():
            mask = _code_mask(df[column], _as_code_list(codes))
            if mask.any():
                new[df.columns.get_loc(column)] = _recode_text_column(df[column], mask)
                counts[column] = int(mask.sum())
        return _replace_columns(df, new), {c: counts[c] for c in df.columns if c in counts}, {}
    codes = _as_code_list(missing_codes)
    numeric_positions = _number_positions(df)
    names = list(df.columns)
    found = {}
    values = _numeric_codes(codes)
    if values and numeric_positions:
        block = _block(df, numeric_positions)
        hits = np.isin(block, values)
        for k in np.flatnonzero(hits.any(axis=0)):
            j = numeric_positions[k]
            found[j] = int(hits[:, k].sum())
            if names[j] not in identifiers:
                column = block[:, k].copy()
                column[hits[:, k]] = np.nan
                new[j] = column
    numeric_set = set(numeric_positions)
    for j in range(df.shape[1]):
        if j in numeric_set:
            continue
        col = df.iloc[:, j]
        if pd.api.types.is_bool_dtype(col):
            continue
        mask = _code_mask(col, codes)
        if mask.any():
            found[j] = int(mask.sum())
            if names[j] not in identifiers:
                new[j] = _recode_text_column(col, mask)
    for j in sorted(found):
        name = names[j]
        (skipped if name in identifiers else counts)[name] = found[j]
    return _replace_columns(df, new), counts, skipped


def _code_mask(col: pd.Series, codes: list) -> pd.Series:
    numbers_ = _numeric_codes(codes)
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


def _skipped_codes_note(skipped: dict, identifiers: dict, missing_codes) -> str:
    parts = [f"'{c}' ({identifiers[c]}; {n} cell(s) hold a code)"
             for c, n in list(skipped.items())[:MAX_NAMED]]
    more = f" and {len(skipped) - MAX_NAMED} more" if len(skipped) > MAX_NAMED else ""
    first = next(iter(skipped))
    codes = _as_code_list(missing_codes)
    return (f"missing_codes={codes!r} were not applied to identifier-like column(s) "
            f"{', '.join(parts)}{more}: an identifier is a respondent's number, not an answer. "
            f"To recode one anyway, give the codes per column, e.g. "
            f"missing_codes={{{first!r}: {codes!r}}}")


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
def likert_columns(df: pd.DataFrame, lo, hi, *, identifiers=None) -> tuple[list, dict]:
    """The columns that look like answers on the scale ``lo``..``hi``, and why the others do not.

    A column looks like answers on the scale when it is numeric, not identifier-like (see
    :func:`identifier_columns`), and more than half of its values are whole numbers from ``lo``
    to ``hi``. Ages, incomes and respondent numbers are not.

    Parameters
    ----------
    df : DataFrame
        The data.
    lo, hi : number
        The scale.
    identifiers : dict, optional
        The identifier-like columns, if already known (default: found here).

    Returns
    -------
    (list, dict)
        The answer columns, and {column: reason} for the others.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import likert_columns
    >>> df = pd.DataFrame({"id": [1, 2, 3, 4], "q1": [1, 5, 3, 99], "age": [23, 41, 35, 62],
    ...                    "city": ["a", "b", "c", "d"]})
    >>> chosen, skipped = likert_columns(df, 1, 5)
    >>> chosen
    ['q1']
    >>> skipped
    {'id': 'identifier: named like an identifier', 'age': 'values mostly outside 1-5',
     'city': 'not numbers'}
    """
    ids = identifier_columns(df) if identifiers is None else identifiers
    positions = _number_positions(df)
    numeric = set(positions)
    chosen, skipped = [], {}
    names = list(df.columns)
    candidates = [j for j in positions if names[j] not in ids]
    block = _block(df, candidates)
    valid = ~np.isnan(block)
    n = valid.sum(axis=0)
    inside = valid & (block == np.round(block)) & (block >= lo) & (block <= hi)
    answers = inside.sum(axis=0) > n / 2
    verdict = {j: (bool(answers[k]), int(n[k])) for k, j in enumerate(candidates)}
    for j, name in enumerate(df.columns):
        if name in ids:
            skipped[name] = f"identifier: {ids[name]}"
        elif j not in numeric:
            skipped[name] = "not numbers"
        elif verdict[j][0]:
            chosen.append(name)
        else:
            skipped[name] = "no values" if verdict[j][1] == 0 else \
                f"values mostly outside {lo:g}-{hi:g}"
    return chosen, skipped


def likert_ranges(df: pd.DataFrame, likert, items=None) -> dict[str, tuple]:
    """{column: (lo, hi)} from ``likert`` ((lo, hi) or a dict) and ``items``.

    Parameters
    ----------
    df : DataFrame
        The data.
    likert : (lo, hi), dict {column: (lo, hi)} or None
        The answer scale, for all ``items`` or per column.
    items : list of str, optional
        The columns a ``(lo, hi)`` pair applies to (default: the columns that look like answers
        on the scale, :func:`likert_columns`); with a dict, the columns kept.

    Returns
    -------
    dict
        Column -> (lo, hi); empty when ``likert`` is None.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import likert_ranges
    >>> df = pd.DataFrame({"id": [7, 8], "q1": [1, 5], "q2": [2, 4], "age": [34, 51]})
    >>> likert_ranges(df, (1, 5), items=["q1", "q2"])
    {'q1': (1, 5), 'q2': (1, 5)}
    >>> likert_ranges(df, (1, 5))
    {'q1': (1, 5), 'q2': (1, 5)}
    >>> likert_ranges(df, {"q1": (1, 7)})
    {'q1': (1, 7)}
    """
    if likert is None:
        return {}
    if isinstance(items, str):
        items = [items]
    if isinstance(likert, dict):
        check_columns(df, likert, "likert")
        ranges = {c: _scale(r) for c, r in likert.items()}
        if items is not None:
            ranges = {c: r for c, r in ranges.items() if c in set(items)}
        return ranges
    scale = _scale(likert)
    if items is None:
        items = likert_columns(df, *scale)[0]
    else:
        check_columns(df, items, "items")
    return {c: scale for c in items}


def _scale(value) -> tuple:
    try:
        lo, hi = value
        if isinstance(value, (str, dict)) or not all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (lo, hi)):
            raise TypeError
        if not lo < hi:
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(f"a Likert scale is a pair of numbers (lo, hi) with lo < hi, e.g. "
                         f"(1, 5) (got {value!r})") from None
    return (lo, hi)


def _outside(column: pd.Series, lo, hi) -> tuple[pd.Series, pd.Series]:
    """(mask of answers outside lo..hi, the column as numbers)."""
    values = column if pd.api.types.is_numeric_dtype(column) else \
        pd.to_numeric(column, errors="coerce")
    return values.notna() & ((values < lo) | (values > hi)), values


def _bad_cells(df: pd.DataFrame, ranges: dict) -> list[tuple]:
    """(column, row positions, values) of the answers outside their range, in ``ranges`` order."""
    names = list(ranges)
    dtypes = dict(zip(df.columns, df.dtypes))
    numeric = [c for c in names if pd.api.types.is_numeric_dtype(dtypes[c])
               and not pd.api.types.is_bool_dtype(dtypes[c])]
    found = {}
    if numeric:
        where = {c: j for j, c in enumerate(df.columns)}
        block = _block(df, [where[c] for c in numeric])
        lo = np.array([ranges[c][0] for c in numeric], dtype=float)
        hi = np.array([ranges[c][1] for c in numeric], dtype=float)
        bad = ~np.isnan(block) & ((block < lo) | (block > hi))
        for k in np.flatnonzero(bad.any(axis=0)):
            rows = np.flatnonzero(bad[:, k])
            found[numeric[k]] = (rows, block[rows, k])
    numeric_set = set(numeric)
    for column in names:
        if column in numeric_set:
            continue
        mask, values = _outside(df[column], *ranges[column])
        if mask.any():
            rows = np.flatnonzero(mask.to_numpy())
            found[column] = (rows, values.to_numpy(dtype=float)[rows])
    return [(c, *found[c]) for c in names if c in found]


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
        Columns ``row column value lo hi``, in the order of ``ranges`` and then of the rows;
        empty when every answer is in range.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.survey import out_of_range
    >>> out_of_range(pd.DataFrame({"q1": [1, 6, 3]}), {"q1": (1, 5)})
       row column  value  lo  hi
    0    1     q1    6.0   1   5
    """
    return _cells_frame(df, _bad_cells(df, ranges) if ranges else [], ranges)


def _cells_frame(df: pd.DataFrame, cells: list, ranges: dict) -> pd.DataFrame:
    if not cells:
        return pd.DataFrame({"row": [], "column": [], "value": [], "lo": [], "hi": []})
    sizes = [len(rows) for _, rows, _ in cells]
    columns = np.repeat(np.array([c for c, _, _ in cells], dtype=object), sizes)
    return pd.DataFrame({
        "row": df.index[np.concatenate([rows for _, rows, _ in cells])],
        "column": columns,
        "value": np.concatenate([values for _, _, values in cells]),
        "lo": np.repeat([ranges[c][0] for c, _, _ in cells], sizes),
        "hi": np.repeat([ranges[c][1] for c, _, _ in cells], sizes)})


def _recode_out_of_range(df: pd.DataFrame, cells: list):
    """``df`` with the cells of :func:`_bad_cells` set to NaN, and {column: cells}."""
    where = {c: j for j, c in enumerate(df.columns)}
    dtypes = dict(zip(df.columns, df.dtypes))
    numeric = [(c, rows) for c, rows, _ in cells if pd.api.types.is_numeric_dtype(dtypes[c])]
    block = _block(df, [where[c] for c, _ in numeric])
    new = {}
    for k, (column, rows) in enumerate(numeric):
        values = block[:, k].copy()
        values[rows] = np.nan
        new[where[column]] = values
    for column, rows, _ in cells:
        if where[column] not in new:
            mask = np.zeros(len(df), dtype=bool)
            mask[rows] = True
            new[where[column]] = df.iloc[:, where[column]].mask(mask)
    return _replace_columns(df, new), {c: len(rows) for c, rows, _ in cells}


def _names(names) -> str:
    names = [str(n) for n in names]
    more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
    return ", ".join(names[:MAX_NAMED]) + more


def _inferred_scale_note(scale, ranges: dict, skipped: dict, recoded: dict) -> str:
    lo, hi = scale
    text = (f"likert=({lo}, {hi}) without items=: the range was applied to the {len(ranges)} "
            f"column(s) whose values are mostly whole numbers from {lo} to {hi} "
            f"({_names(ranges) or 'none'})")
    if skipped:
        shown = [f"{c} ({why})" for c, why in list(skipped.items())[:MAX_NAMED]]
        more = f" and {len(skipped) - MAX_NAMED} more" if len(skipped) > MAX_NAMED else ""
        text += f", not to {', '.join(shown)}{more}"
    if recoded:
        text += (f"; {sum(recoded.values())} answer(s) outside {lo}-{hi} set to NaN in "
                 + _names(f"{c} ({n})" for c, n in recoded.items()))
    return text + ". Pass items= to choose the columns yourself."


def _range_message(bad: pd.DataFrame, ranges: dict, path, inferred: str | None = None) -> str:
    lines = [f"'{path}': {len(bad)} answer(s) outside the Likert range in "
             f"{bad['column'].nunique()} column(s) (rows are index labels, 0 = first data row):"]
    for column, cells in bad.groupby("column", sort=False):
        lo, hi = ranges[column]
        shown = ", ".join(f"row {r}: {v:g}" for r, v in
                          zip(cells["row"][:MAX_LISTED], cells["value"][:MAX_LISTED]))
        more = f" and {len(cells) - MAX_LISTED} more" if len(cells) > MAX_LISTED else ""
        lines.append(f"  column '{column}' (scale {lo}-{hi}): {shown}{more}")
    if inferred:
        lines.append(f"({inferred})")
    lines.append(RANGE_HINT)
    return "\n".join(lines)


def _apply_reverse(df: pd.DataFrame, reverse, ranges: dict, value_labels: dict):
    if not reverse:
        return df, []
    reverse = [reverse] if isinstance(reverse, str) else list(reverse)
    check_columns(df, reverse, "reverse")
    if not ranges:
        raise ValueError("reverse= needs the answer scale to reverse-code: pass likert=(lo, hi), "
                         "e.g. likert=(1, 5)")
    new = {}
    for column in reverse:
        if column not in ranges:
            raise ValueError(f"reverse: no Likert range for '{column}'; include it in likert= "
                             "or items=")
        if not pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column]):
            raise DataError(f"reverse: column '{column}' is not numeric; declare its text "
                            "answers with missing_codes= or recode them first")
        lo, hi = ranges[column]
        new[df.columns.get_loc(column)] = lo + hi - df[column]
        labels = value_labels.get(column)
        if labels:   # a label stays with the answer it describes
            value_labels[column] = {
                (lo + hi - v if isinstance(v, numbers.Number) and lo <= v <= hi else v): text
                for v, text in labels.items()}
    return _replace_columns(df, new), reverse
