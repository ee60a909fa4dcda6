"""Non-response bias: do late respondents differ from early ones (Armstrong & Overton 1977)?

Late respondents stand in for non-respondents: if early and late respondents answer alike, the
people who did not answer probably would have too. ``rq.nonresponse(data, wave=..., items=...)``
compares the two waves, given as a column with two values (``wave=``) or as a date column cut
into an early and a late part (``date=`` and ``split=``):

* per construct (the mean of its items, for respondents who answered all of them) and per item:
  the means and standard deviations of both waves, Welch's (1947) t-test (unequal variances;
  R's ``t.test``), and Cohen's (1988) d with the pooled standard deviation
  (late minus early; |d| < .20 is negligible), with Holm-adjusted p-values over all the tests;
* per categorical demographic (``demographics=``): Pearson's chi-square test of the wave by
  category table (no continuity correction; R's ``chisq.test(..., correct = FALSE)``),
  Cramér's V and the smallest expected count.

The verdict sentence counts the differences that are significant (p < .05) and not negligible.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .conventions import ALPHA, CUTOFFS, SOURCES, num, p_text
from .reviewer import CheckTable

COLUMNS = ["kind", "variable", "n_early", "mean_early", "sd_early", "n_late", "mean_late",
           "sd_late", "diff", "t", "df", "pvalue", "p_holm", "d", "concern"]


def nonresponse(data, wave: str | None = None, items=None, *, date: str | None = None,
                split=0.5, waves=None, demographics=()) -> CheckTable:
    """Compare early and late respondents (Armstrong & Overton 1977; see the module docstring).

    Parameters
    ----------
    data : DataFrame
        The survey, one row per respondent.
    wave : str, optional
        A column with the wave of each respondent: two values (the first in sorted order is the
        early wave unless ``waves`` says otherwise).
    items : list, dict, str, ModelSpec or Result
        The items: a list of columns, a dict construct -> its items, or a model (lavaan syntax,
        a library model name, a ModelSpec or a fitted Result) whose ``=~`` lines define the
        constructs.
    date : str, optional
        Instead of ``wave``: a column with the date (or time, or any ordered number) each
        answer came in.
    split : float, tuple or date
        With ``date``: the share of respondents (by date) that makes the early wave (0.5: the
        first half against the second), a pair ``(first, last)`` of shares (e.g. ``(0.25,
        0.25)``: the first quarter against the last quarter), or a date (early: before it).
    waves : tuple, optional
        With ``wave``: the (early, late) values to compare, when the column has more than two.
    demographics : sequence of str
        Categorical columns to compare by chi-square test.

    Returns
    -------
    CheckTable
        ``kind variable n_early mean_early sd_early n_late mean_late sd_late diff t df pvalue
        p_holm d concern`` (kind "construct" or "item"); ``details["demographics"]``:
        ``variable chisq df pvalue cramers_v min_expected``; ``details["waves"]``: the size of
        each wave; ``verdict``.

    Raises
    ------
    ValueError
        No items, a wave or date column that is absent, an empty wave, a wave column without
        exactly two values, or both (or neither of) ``wave`` and ``date``.

    Examples
    --------
    >>> import relqual as rq
    >>> data = rq.datasets.load("relationship_quality")
    >>> data["wave"] = ["early" if r <= 300 else "late" for r in data["respondent"]]
    >>> check = rq.nonresponse(data, wave="wave", items="relationship_quality",
    ...                        demographics=["competition"])
    >>> check[["kind", "variable", "t", "pvalue"]].head(2).round(3)
            kind variable      t  pvalue
    0  construct       CF -0.971   0.332
    1  construct      SAT -0.492   0.623
    >>> check.details["waves"]
    {'early': 300, 'late': 300}
    """
    groups = _constructs(items)
    columns = [c for block in groups.values() for c in block]
    _require(data, columns + list(demographics), "item or demographic")
    early, late, labels, notes = _waves(data, wave, date, split, waves)
    rows = []
    for construct, block in groups.items():
        if construct is None:
            continue
        score = data[block].apply(pd.to_numeric, errors="coerce").mean(axis=1, skipna=False)
        rows.append(_welch("construct", construct, score[early], score[late]))
    for column in columns:
        values = pd.to_numeric(data[column], errors="coerce")
        rows.append(_welch("item", column, values[early], values[late]))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["p_holm"] = _holm(table["pvalue"].to_numpy())
    demo = pd.DataFrame([_chisq(data, column, early, late) for column in demographics],
                        columns=["variable", "chisq", "df", "pvalue", "cramers_v",
                                 "min_expected"])
    for _, r in demo.iterrows():
        if r["min_expected"] < 5:
            notes.append(f"{r['variable']}: an expected count is below 5 "
                         f"({r['min_expected']:.1f}): the chi-square test is approximate")
    out = CheckTable(table, kind="nonresponse", title=f"Non-response bias: {labels[0]} against "
                     f"{labels[1]} respondents", notes=notes,
                     sources=[SOURCES["armstrong_overton"].cite(), SOURCES["welch"].cite(),
                              SOURCES["cohen"].cite()],
                     details={"demographics": demo,
                              "waves": {str(labels[0]): int(early.sum()),
                                        str(labels[1]): int(late.sum())}})
    out.verdict = _verdict(table, demo, labels)
    return out


def _constructs(items) -> dict:
    """Construct -> items (``None`` -> items without a construct)."""
    if items is None:
        raise ValueError("name the items to compare: items=[...], a dict construct -> items, "
                         "or a model")
    if isinstance(items, dict):
        return {str(k): [str(v) for v in vs] for k, vs in items.items()}
    if isinstance(items, (list, tuple, pd.Index)):
        if not items:
            raise ValueError("items= is empty")
        return {None: [str(v) for v in items]}
    syntax = None
    if hasattr(items, "spec"):
        syntax = items.spec.syntax
    elif hasattr(items, "syntax"):
        syntax = items.syntax
    elif isinstance(items, str):
        from .models import resolve_model
        syntax = resolve_model(items).syntax
    if syntax is None:
        raise TypeError("items= must be a list of columns, a dict construct -> items, or a "
                        "model (syntax, library name, ModelSpec or Result)")
    from .syntax import parse
    statements = parse(syntax)
    latent = {s.lhs for s in statements if s.op == "=~"}
    out: dict = {}
    for s in statements:
        if s.op == "=~" and s.rhs not in latent:
            out.setdefault(s.lhs, []).append(s.rhs)
    if not out:
        raise ValueError("the model has no measured constructs ('=~' lines)")
    return out


def _require(data, columns, what) -> None:
    absent = [c for c in columns if c not in data.columns]
    if absent:
        import difflib
        hints = [f"'{c}'" + (f" (did you mean '{m[0]}'?)" if (m := difflib.get_close_matches(
            c, [str(x) for x in data.columns], 1)) else "") for c in absent]
        raise ValueError(f"{what} column(s) not in the data: {', '.join(hints)}")


def _waves(data, wave, date, split, waves):
    """Boolean masks of the early and late respondents, the waves' labels and notes."""
    if (wave is None) == (date is None):
        raise ValueError("give either wave= (a column with two values) or date= (a column "
                         "with the date each answer came in) with split=")
    notes = []
    if wave is not None:
        _require(data, [wave], "wave")
        column = data[wave]
        values = list(waves) if waves is not None else sorted(column.dropna().unique(),
                                                              key=_sort_key)
        if waves is not None:
            if len(values) != 2:
                raise ValueError("waves= must name two values: (early, late)")
            for v in values:
                if not (column == v).any():
                    raise ValueError(f"wave '{v}' is empty: no respondent has {wave} == {v!r}")
        elif len(values) < 2:
            raise ValueError(f"wave column '{wave}' has {len(values)} value(s) "
                             f"({', '.join(map(str, values)) or 'none'}): one wave is empty; "
                             "non-response bias needs an early and a late wave")
        elif len(values) > 2:
            raise ValueError(f"wave column '{wave}' has {len(values)} values "
                             f"({', '.join(map(str, values))}): pick two with "
                             "waves=(early, late)")
        early, late = (column == values[0]).to_numpy(), (column == values[1]).to_numpy()
        labels = (values[0], values[1])
        dropped = int(column.isna().sum())
        if dropped:
            notes.append(f"{dropped} respondent(s) without a wave left out")
    else:
        _require(data, [date], "date")
        raw = data[date]
        when = raw if pd.api.types.is_numeric_dtype(raw) else pd.to_datetime(raw,
                                                                             errors="coerce")
        known = when.notna().to_numpy()
        if not known.any():
            raise ValueError(f"date column '{date}' has no readable dates")
        order = np.argsort(when.to_numpy()[known], kind="stable")
        index = np.flatnonzero(known)[order]
        n = len(index)
        early = np.zeros(len(data), bool)
        late = np.zeros(len(data), bool)
        if isinstance(split, (tuple, list)):
            first, last = (float(s) for s in split)
            if not (0 < first < 1 and 0 < last < 1 and first + last <= 1):
                raise ValueError("split=(first, last) needs two shares above 0 that add up to "
                                 "at most 1")
            early[index[:int(round(first * n))]] = True
            late[index[n - int(round(last * n)):]] = True
            labels = (f"first {100 * first:g}%", f"last {100 * last:g}%")
        elif isinstance(split, (float, int)) and not isinstance(split, bool) and 0 < split < 1:
            cut = int(round(split * n))
            early[index[:cut]] = True
            late[index[cut:]] = True
            labels = (f"first {100 * split:g}%", f"last {100 * (1 - split):g}%")
        else:
            cut = pd.Timestamp(split) if not pd.api.types.is_numeric_dtype(raw) else split
            values = when.to_numpy()
            early = known & (values < np.asarray(cut, dtype=values.dtype))
            late = known & ~early
            labels = (f"before {split}", f"from {split}")
        if not known.all():
            notes.append(f"{int((~known).sum())} respondent(s) without a readable date left out")
    for mask, label in ((early, labels[0]), (late, labels[1])):
        if not mask.any():
            raise ValueError(f"the {label} wave is empty: no respondent falls in it; choose "
                             "another split")
    return early, late, labels, notes


def _sort_key(value):
    return (0, value) if isinstance(value, (int, float, np.number)) else (1, str(value))


def _welch(kind, name, early, late) -> dict:
    a = np.asarray(early, dtype=float)
    b = np.asarray(late, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    n1, n2 = len(a), len(b)
    row = {"kind": kind, "variable": name, "n_early": n1, "n_late": n2,
           "mean_early": a.mean() if n1 else np.nan, "mean_late": b.mean() if n2 else np.nan,
           "sd_early": a.std(ddof=1) if n1 > 1 else np.nan,
           "sd_late": b.std(ddof=1) if n2 > 1 else np.nan}
    row["diff"] = row["mean_late"] - row["mean_early"]
    if n1 > 1 and n2 > 1:
        v1, v2 = row["sd_early"] ** 2 / n1, row["sd_late"] ** 2 / n2
        se = np.sqrt(v1 + v2)
        t = row["diff"] / se if se > 0 else np.nan
        df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1)) if se > 0 else np.nan
        pooled = np.sqrt(((n1 - 1) * row["sd_early"] ** 2 + (n2 - 1) * row["sd_late"] ** 2)
                         / (n1 + n2 - 2))
        row.update(t=t, df=df, pvalue=float(2 * stats.t.sf(abs(t), df)) if np.isfinite(t)
                   else np.nan, d=row["diff"] / pooled if pooled > 0 else np.nan)
    else:
        row.update(t=np.nan, df=np.nan, pvalue=np.nan, d=np.nan)
    row["concern"] = bool(row["pvalue"] < ALPHA and CUTOFFS["cohen_d"].fails(abs(row["d"])))
    return row


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment (R's ``p.adjust(p, "holm")``), NaN kept."""
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = len(ok)
    if not m:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _chisq(data, column, early, late) -> dict:
    values = data[column]
    keep = (early | late) & values.notna().to_numpy()
    table = pd.crosstab(values[keep], np.where(early[keep], "early", "late"))
    if table.shape[0] < 2 or table.shape[1] < 2:
        return {"variable": column, "chisq": np.nan, "df": np.nan, "pvalue": np.nan,
                "cramers_v": np.nan, "min_expected": np.nan}
    chisq, p, df, expected = stats.chi2_contingency(table.to_numpy(), correction=False)
    n = table.to_numpy().sum()
    v = np.sqrt(chisq / (n * (min(table.shape) - 1)))
    return {"variable": column, "chisq": float(chisq), "df": int(df), "pvalue": float(p),
            "cramers_v": float(v), "min_expected": float(expected.min())}


def _verdict(table, demo, labels) -> str:
    tested = table[table["pvalue"].notna()]
    significant = tested[tested["pvalue"] < ALPHA]
    concern = tested[tested["concern"]]
    largest = tested["d"].abs().max() if len(tested) else np.nan
    who = f"{labels[0]} and {labels[1]} respondents"
    if not len(significant):
        text = (f"No construct or item mean differs between {who} (Welch t-tests, all p "
                f"\u2265 {num(ALPHA, 2, True)}; largest |d| = {num(largest, 2, True)})")
    else:
        named = ", ".join(f"{r['variable']} (d = {num(r['d'], 2)}, {p_text(r['pvalue'])})"
                          for _, r in significant.iterrows())
        holm = int((tested["p_holm"] < ALPHA).sum())
        text = (f"{len(significant)} of {len(tested)} comparisons between {who} differ at p < "
                f"{num(ALPHA, 2, True)}: {named} ({holm} after Holm's adjustment for "
                f"{len(tested)} tests)"
                + ("; each difference is negligible (|d| < .20)" if not len(concern) else ""))
    bad_demo = demo[demo["pvalue"] < ALPHA]
    if len(demo):
        text += ("; the waves differ in " + ", ".join(bad_demo["variable"])
                 if len(bad_demo) else "; the waves do not differ in "
                 + ", ".join(demo["variable"]))
    if len(concern) or len(bad_demo):
        text += (". Late respondents stand in for non-respondents, so non-response bias may "
                 f"affect the results ({SOURCES['armstrong_overton'].cite()}).")
    else:
        text += (". Late respondents stand in for non-respondents, so there is no sign of "
                 f"non-response bias ({SOURCES['armstrong_overton'].cite()}).")
    return text
