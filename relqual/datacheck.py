"""``check_data``: what is wrong with a survey DataFrame, before a model is fitted to it.

The report profiles each item (n, missing share, range, categories used, mean, sd, skew,
kurtosis) and lists, in plain language, the problems a researcher should fix or report:
columns the model needs that are absent (with close-name suggestions) or not numeric, items
without variance, answers outside the Likert range, straight-lining respondents, items that
are mostly missing or strongly non-normal. The input is never modified.
"""
from __future__ import annotations

import difflib
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .survey import check_columns, identifier_columns, likert_columns, likert_ranges, out_of_range

MAX_NAMED = 8            # rows or values named in one problem line
HIGH_MISSING = 0.20      # missing share reported as a problem
# Curran, West & Finch (1996), Psychological Methods 1(1), 16-29: |skew| > 2 or kurtosis > 7
# (excess) is "severe" non-normality, where ML chi-square and SEs become unreliable.
SKEW_LIMIT, KURTOSIS_LIMIT = 2.0, 7.0


@dataclass
class DataReport:
    """The result of ``check_data``: tables, plus ``problems`` as plain-language sentences.

    Parameters
    ----------
    n_rows : int
        Rows in the data.
    items : DataFrame
        One row per item: ``n missing text missing_share min max n_categories mean sd skew
        kurtosis`` (``n``: numeric answers; ``missing``: empty cells; ``text``: answers that are
        not numbers).
    out_of_range : DataFrame
        Answers outside the Likert range: ``row column value lo hi``.
    straight_liners : DataFrame
        ``row value n_items``.
    missing_columns : DataFrame
        Columns needed but absent: ``column suggestions``.
    non_numeric : DataFrame
        ``column n_bad examples``.
    no_variance : DataFrame
        ``column value`` (the only value; NaN if all missing).
    problems : list of str
        The problems found, in plain language.
    notes : list of str
        Remarks that are not problems (columns not checked).
    model : str, optional
        The name of the model the data were checked against.

    Examples
    --------
    >>> import pandas as pd
    >>> import relqual as rq
    >>> df = pd.DataFrame({"q1": [1, 5, 3, 2], "q2": [2, 5, 4, 9], "q3": [1, 5, 2, 3]})
    >>> report = rq.check_data(df, likert=(1, 5), min_straight=3)
    >>> report.ok, len(report.problems)
    (False, 2)
    >>> report.out_of_range
       row column  value  lo  hi
    0    3     q2    9.0   1   5
    >>> report.straight_liners
       row  value  n_items
    0    1    5.0        3
    """

    n_rows: int
    items: pd.DataFrame
    out_of_range: pd.DataFrame          # row column value lo hi
    straight_liners: pd.DataFrame       # row value n_items
    missing_columns: pd.DataFrame       # column suggestions
    non_numeric: pd.DataFrame           # column n_bad examples
    no_variance: pd.DataFrame           # column value (the only value; NaN if all missing)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model: str | None = None

    @property
    def ok(self) -> bool:
        """True when no problem was found.

        Examples
        --------
        >>> import pandas as pd
        >>> import relqual as rq
        >>> rq.check_data(rq.datasets.load("holzinger_swineford"), "f =~ x1 + x2 + x3").ok
        True
        >>> rq.check_data(pd.DataFrame({"q1": [1, 5, 3], "q2": [2, 9, 4]}), likert=(1, 5)).ok
        False
        """
        return not self.problems

    def to_text(self) -> str:
        """The report as plain text: problems, notes, the item table and the first 20 rows of
        the out-of-range and straight-lining tables (also ``str(report)``).

        Returns
        -------
        str

        Examples
        --------
        >>> import pandas as pd
        >>> import relqual as rq
        >>> df = pd.DataFrame({"q1": [1, 5, 3, 2], "q2": [2, 5, 4, 9], "q3": [1, 5, 2, 3]})
        >>> print(rq.check_data(df, likert=(1, 5), min_straight=3).to_text())
        Data check: 4 rows, 3 items
        <BLANKLINE>
        Problems (2)
          1. 1 answer(s) in 1 row(s) are outside the Likert range (columns q2; rows 3); see
          .out_of_range.
          2. 1 respondent(s) gave the same answer to every item they answered (3 or more items;
          straight-lining): rows 1; see .straight_liners.
        <BLANKLINE>
        Items
              n  missing  text missing_share min max  n_categories  mean    sd  skew kurtosis
        item
        q1    4        0     0          0.0%   1   5             4  2.75  1.71  0.75     0.34
        ...
        """
        head = f"Data check: {self.n_rows} rows, {len(self.items)} items"
        lines = [head + (f" (model: {self.model})" if self.model else ""), ""]
        if self.problems:
            lines.append(f"Problems ({len(self.problems)})")
            lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        else:
            lines.append("Problems: none found")
        if self.notes:
            lines += ["", "Notes"] + [f"  - {n}" for n in self.notes]
        if len(self.items):
            lines += ["", "Items", _format_items(self.items).to_string()]
        for title, table in (("Answers outside the Likert range", self.out_of_range),
                             ("Straight-lining respondents", self.straight_liners)):
            if len(table):
                lines += ["", title, table.head(20).to_string(index=False)]
                if len(table) > 20:
                    lines.append(f"  ... {len(table) - 20} more")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        title = f"Data check: {self.n_rows} rows, {len(self.items)} items"
        if self.model:
            title += f" (model: {html.escape(self.model)})"
        parts = [f"<h4>{title}</h4>"]
        if self.problems:
            parts.append(f"<p><b>Problems ({len(self.problems)})</b></p><ol>"
                         + "".join(f"<li>{html.escape(p)}</li>" for p in self.problems) + "</ol>")
        else:
            parts.append("<p><b>Problems:</b> none found</p>")
        if self.notes:
            parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
                         + "</ul>")
        if len(self.items):
            parts.append(_format_items(self.items).to_html())
        for title, table in (("Answers outside the Likert range", self.out_of_range),
                             ("Straight-lining respondents", self.straight_liners)):
            if len(table):
                parts.append(f"<p><b>{title}</b></p>" + table.head(20).to_html(index=False))
        return "\n".join(parts)


def check_data(df: pd.DataFrame, model=None, likert=None, *, items=None,
               min_straight: int = 5) -> DataReport:
    """Check survey data (against a model, if given) and return a ``DataReport``.

    Parameters
    ----------
    df : DataFrame
        The data; never modified.
    model : lavaan syntax, library model name, model file or ModelSpec, optional
        Its observed variables are the items checked; without a model (and ``items``), every
        numeric column that is not identifier-like (see
        :func:`relqual.survey.identifier_columns`; noted).
    likert : (lo, hi) or dict {column: (lo, hi)}, optional
        The answer scale; answers outside it are listed with their row labels. A pair applies
        to every item of the model or ``items``; without them, to the columns that look like
        answers on the scale (:func:`relqual.survey.likert_columns`), and the others (age,
        income) are named in ``notes``.
    items : list of str, optional
        The items to check (overrides the model's observed variables).
    min_straight : int
        A respondent straight-lines when they gave the same answer to every item they
        answered, and answered at least this many items (default 5).

    Returns
    -------
    DataReport
        ``.ok`` is True when no problem was found; ``.problems`` lists them.

    Notes
    -----
    Skew and kurtosis are pandas' bias-adjusted sample skewness G1 and excess kurtosis G2
    (Joanes & Gill 1998), the values SPSS reports.

    Examples
    --------
    >>> import relqual as rq
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> report = rq.check_data(hs, "f =~ x1 + x2 + x3")
    >>> report.ok, report.items.index.tolist()
    (True, ['x1', 'x2', 'x3'])
    >>> report.items.loc["x1", ["n", "missing", "n_categories"]].tolist()
    [301, 0, 35]
    >>> rq.check_data(hs, items=["x1", "x10"]).problems
    ["Column 'x10' is needed but is not in the data; did you mean 'x1'?"]

    Text in a numeric item is named as text, with examples:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": range(1, 5), "sat1": ["agree", "neutral", "agree", None],
    ...                    "sat2": [4, 5, 3, 4], "age": [23, 51, 34, 40]})
    >>> report = rq.check_data(df, items=["sat1", "sat2"])
    >>> print(report.problems[0])
    Column 'sat1' holds text, not numbers: all 3 answer(s) are text (e.g. 'agree', 'neutral');
    recode the answer labels as numbers (e.g. 1-5), and declare any non-answers with
    read_survey(..., missing_codes=...).
    >>> rq.check_data(df, likert=(1, 5)).notes
    ['Not checked (identifier-like: id: named like an identifier)', 'Not checked (not numeric):
    sat1', 'Likert range 1-5 not checked for columns whose values are mostly not whole numbers
    from 1 to 5 (age, income, ...): age; pass items= or a model to check them.']
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"check_data needs a pandas DataFrame (got {type(df).__name__})")
    if df.attrs.get("source") == "read_cov":
        raise TypeError("check_data checks survey rows, and a covariance or correlation table has "
                        "none: rq.read_cov has already checked the table (symmetry, correlations "
                        "in [-1, 1], positive definiteness)")
    problems, notes = [], []
    model_name = None
    missing_rows, non_numeric_rows = [], []
    chosen_by_values = items is None and model is None
    if items is not None:
        wanted = [items] if isinstance(items, str) else list(items)
    elif model is not None:
        wanted, model_name = _model_variables(model)
    else:
        ids = identifier_columns(df)
        wanted = list(dict.fromkeys(c for i, c in enumerate(df.columns)
                                    if _is_number_column(df.iloc[:, i]) and c not in ids))
        if ids:
            notes.append("Not checked (identifier-like: " + "; ".join(
                f"{c}: {why}" for c, why in list(ids.items())[:MAX_NAMED]) + ")" + (
                f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else ""))
        skipped = [str(c) for c in df.columns if c not in wanted and c not in ids]
        if skipped:
            notes.append("Not checked (not numeric): " + _name_list(skipped))

    columns = [str(c) for c in df.columns]
    present, unmatched = [], []
    needed_by = " by the model" if model_name else ""
    for name in wanted:
        if name in df.columns:
            present.append(name)
            continue
        close = difflib.get_close_matches(str(name), columns, n=3, cutoff=0.6)
        missing_rows.append({"column": name, "suggestions": close})
        if close:
            problems.append(f"Column '{name}' is needed{needed_by} but is not in the data; did "
                            f"you mean {' or '.join(repr(c) for c in close)}?")
        else:
            unmatched.append(name)
    if unmatched:
        problems.append(f"{len(unmatched)} column(s) needed{needed_by} are not in the data (and "
                        f"no column has a similar name): {_name_list(unmatched)}.")

    numeric, text_cells = {}, {}
    for name in present:
        column = df[name]
        if isinstance(column, pd.DataFrame):
            problems.append(f"Column '{name}' appears {column.shape[1]} times in the data; "
                            "rename the copies.")
            column = column.iloc[:, 0]
        if _is_number_column(column):
            numeric[name] = column.astype(float)
            continue
        converted = pd.to_numeric(column.astype(object), errors="coerce")
        bad = converted.isna() & column.notna()
        if pd.api.types.is_bool_dtype(column):
            non_numeric_rows.append({"column": name, "n_bad": int(column.notna().sum()),
                                     "examples": [True, False]})
            problems.append(f"Column '{name}' is boolean (True/False); recode it as 0/1 numbers.")
        elif bad.any():
            text_cells[name] = bad
            examples = list(pd.unique(column[bad].astype(str)))[:3]
            shown = ", ".join(repr(e) for e in examples)
            non_numeric_rows.append({"column": name, "n_bad": int(bad.sum()), "examples": examples})
            if int(bad.sum()) == int(column.notna().sum()):
                problems.append(f"Column '{name}' holds text, not numbers: all {int(bad.sum())} "
                                f"answer(s) are text (e.g. {shown}); recode the answer labels as "
                                "numbers (e.g. 1-5), and declare any non-answers with "
                                "read_survey(..., missing_codes=...).")
            else:
                problems.append(f"Column '{name}' has {int(bad.sum())} answer(s) that are text, "
                                f"not numbers (e.g. {shown}); recode them, or declare them with "
                                "read_survey(..., missing_codes=...). Until then they count as "
                                "missing.")
        numeric[name] = converted.astype(float)
    values = pd.DataFrame(numeric, index=df.index)
    text = pd.DataFrame({c: text_cells.get(c, False) for c in values.columns}, index=df.index,
                        dtype=bool) if len(values.columns) else pd.DataFrame(index=df.index)

    table = _item_table(values, text)
    no_variance = _no_variance(values, table, problems)
    problems += _distribution_problems(table)

    if isinstance(likert, dict):
        check_columns(df, likert, "likert")
        outside = [c for c in likert if c not in values.columns]
        if outside:
            notes.append("Likert range not checked for columns that are not items: "
                         + _name_list(outside))
        likert = {c: r for c, r in likert.items() if c in values.columns}
        ranges = likert_ranges(values, likert)
    elif likert is not None and chosen_by_values:
        lo, hi = likert_ranges(pd.DataFrame({"x": [0]}), likert, items=["x"])["x"]
        chosen, skipped = likert_columns(values, lo, hi, identifiers={})
        ranges = {c: (lo, hi) for c in chosen}
        if skipped:
            notes.append(f"Likert range {lo}-{hi} not checked for columns whose values are "
                         f"mostly not whole numbers from {lo} to {hi} (age, income, ...): "
                         + _name_list(skipped) + "; pass items= or a model to check them.")
    else:
        ranges = likert_ranges(values, likert, items=list(values.columns))
    bad = out_of_range(values, ranges)
    if len(bad):
        rows = list(pd.unique(bad["row"]))
        problems.append(f"{len(bad)} answer(s) in {len(rows)} row(s) are outside the Likert range "
                        f"(columns {_name_list(pd.unique(bad['column']))}; rows "
                        f"{_name_list(rows)}); see .out_of_range.")

    straight = _straight_liners(values, min_straight)
    if len(straight):
        problems.append(f"{len(straight)} respondent(s) gave the same answer to every item they "
                        f"answered ({min_straight} or more items; straight-lining): rows "
                        f"{_name_list(straight['row'])}; see .straight_liners.")
    if values.shape[1]:
        no_number = values.isna().all(axis=1)
        some_text = text.any(axis=1)
        empty_rows, text_rows = no_number & ~some_text, no_number & some_text
        if empty_rows.any():
            problems.append(f"{int(empty_rows.sum())} row(s) have no answer on any item: rows "
                            f"{_name_list(df.index[empty_rows.to_numpy()])}.")
        if text_rows.any():
            problems.append(f"{int(text_rows.sum())} row(s) have no numeric answer on any item, "
                            "only text (see the text columns above): rows "
                            f"{_name_list(df.index[text_rows.to_numpy()])}.")

    return DataReport(
        n_rows=len(df), items=table, out_of_range=bad, straight_liners=straight,
        missing_columns=pd.DataFrame(missing_rows, columns=["column", "suggestions"]),
        non_numeric=pd.DataFrame(non_numeric_rows, columns=["column", "n_bad", "examples"]),
        no_variance=no_variance, problems=problems, notes=notes, model=model_name)


def _model_variables(model) -> tuple[list[str], str]:
    from .models import resolve_model
    from .partable import build_partable
    spec = resolve_model(model)
    return list(build_partable(spec.syntax).roles.ov), spec.name


def _is_number_column(column) -> bool:
    return (not isinstance(column, pd.DataFrame) and pd.api.types.is_numeric_dtype(column)
            and not pd.api.types.is_bool_dtype(column))


def _item_table(values: pd.DataFrame, text: pd.DataFrame) -> pd.DataFrame:
    n = values.notna().sum()
    n_text = text.sum().astype(int) if text.shape[1] else pd.Series(0, index=values.columns)
    missing = values.isna().sum().astype(int) - n_text
    table = pd.DataFrame({
        "n": n.astype(int),
        "missing": missing,
        "text": n_text,
        "missing_share": missing / len(values) if len(values) else np.nan,
        "min": values.min(), "max": values.max(),
        "n_categories": values.nunique().astype(int),
        "mean": values.mean(), "sd": values.std(),
        "skew": values.skew(), "kurtosis": values.kurt(),
    }, index=values.columns)
    table.index.name = "item"
    return table


def _no_variance(values: pd.DataFrame, table: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    rows = []
    for name in table.index[table["n_categories"] <= 1]:
        column = values[name].dropna()
        n_text = int(table.loc[name, "text"])
        if column.empty:
            rows.append({"column": name, "value": np.nan})
            if not n_text:    # a column of text is reported as such
                problems.append(f"Column '{name}' has no answers at all (every value is "
                                "missing).")
        else:
            rows.append({"column": name, "value": column.iloc[0]})
            others = f" (the other {n_text} are text)" if n_text else ""
            problems.append(f"Column '{name}' has no variance: every numeric answer is "
                            f"{column.iloc[0]:g}{others}; it cannot be used in the model.")
    return pd.DataFrame(rows, columns=["column", "value"])


def _distribution_problems(table: pd.DataFrame) -> list[str]:
    out = []
    used = table[table["n_categories"] > 1]
    rows = used["n"] + used["missing"] + used["text"]
    unusable = (used["missing"] + used["text"]) / rows.where(rows > 0)
    for name, share in unusable[unusable >= HIGH_MISSING].items():
        n_text = int(used.loc[name, "text"])
        why = (f"missing ({used.loc[name, 'missing_share']:.0%}) or text ({n_text} answers)"
               if n_text else "missing")
        out.append(f"Column '{name}' is {why} for {share:.0%} of the rows; listwise deletion "
                   "would drop them all (consider missing='fiml').")
    skewed = used.index[(used["skew"].abs() > SKEW_LIMIT) | (used["kurtosis"] > KURTOSIS_LIMIT)]
    if len(skewed):
        out.append(f"Strongly non-normal item(s) (|skew| > {SKEW_LIMIT:g} or kurtosis > "
                   f"{KURTOSIS_LIMIT:g}; Curran, West & Finch 1996): {_name_list(skewed)}; "
                   "consider estimator='MLR', or ordered items with estimator='WLSMV'.")
    return out


def _straight_liners(values: pd.DataFrame, min_items: int) -> pd.DataFrame:
    columns = ["row", "value", "n_items"]
    if values.shape[1] < min_items:
        return pd.DataFrame(columns=columns)
    answered = values.notna().sum(axis=1)
    same = (values.nunique(axis=1) == 1) & (answered >= min_items)
    if not same.any():
        return pd.DataFrame(columns=columns)
    first = values[same].bfill(axis=1).iloc[:, 0]
    return pd.DataFrame({"row": values.index[same.to_numpy()], "value": first.to_numpy(),
                         "n_items": answered[same].to_numpy()})


def _format_items(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["missing_share"] = out["missing_share"].map(lambda v: f"{v:.1%}" if pd.notna(v) else "")
    for col in ("min", "max"):
        out[col] = out[col].map(lambda v: f"{v:g}" if pd.notna(v) else "")
    for col in ("mean", "sd", "skew", "kurtosis"):
        out[col] = out[col].map(lambda v: f"{v:.2f}" if pd.notna(v) else "")
    return out


def _name_list(names) -> str:
    names = [str(n) for n in names]
    more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
    return ", ".join(names[:MAX_NAMED]) + more
