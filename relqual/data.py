"""Checking a survey DataFrame against a model and extracting the rows a fit can use.

Rules: the caller's data are never modified; every problem names the column (and row, where
one is at fault) and, for a column the model needs but the data lack, the model line that asked
for it with close-name suggestions; rows not used are counted and the reason is stated.
"""
from __future__ import annotations

import difflib
import weakref
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from .engine.spd import smallest_eigenvalue_above


class DataError(ValueError):
    """The data cannot be used with this model; the message says which column or row is at fault.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import DataError, prepare_data
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> try:
    ...     prepare_data(hs, ["x1", "x22"], first_line={"x22": 2})
    ... except DataError as exc:
    ...     print(exc)
    variable 'x22' (model line 2) is not a column of the data; did you mean 'x2'? (columns: ...)
    """


@dataclass
class PreparedData:
    """Complete-case arrays per group, in model variable order, and what happened to the rows.

    Parameters
    ----------
    arrays : list of ndarray
        Per group the rows used (rows x variables; NaN = missing under FIML).
    group_labels : list
        The group values in order of first appearance (``[None]`` for one group).
    n_input : int
        Rows in the data.
    n_used : int
        Rows used, over all groups.
    notes : list of str
        What happened to the rows (dropped rows, missing-data patterns).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import prepare_data
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> prepared = prepare_data(hs, ["x1", "x2", "x3"], group="school")
    >>> prepared.group_labels, [a.shape for a in prepared.arrays], prepared.n_used
    (['Pasteur', 'Grant-White'], [(156, 3), (145, 3)], 301)
    """

    arrays: list[np.ndarray]
    group_labels: list
    n_input: int
    n_used: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Moments:
    """The moments of one group's complete rows that the data checks computed: means, the
    covariance matrix (divisor n - 1), standard deviations and correlations.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import prepare_data_and_moments
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> _, (moments,) = prepare_data_and_moments(hs, ["x1", "x2"])
    >>> bool(abs(moments.corr[0, 1] - hs["x1"].corr(hs["x2"])) < 1e-12)
    True
    """

    mean: np.ndarray
    cov: np.ndarray
    sd: np.ndarray
    corr: np.ndarray


FIML_NAMES = ("fiml", "ml", "direct")


def prepare_data(data, variables: list[str], *, first_line: dict[str, int] | None = None,
                 missing: str = "listwise", group: str | None = None,
                 scales: dict | None = None) -> PreparedData:
    """Select and check the model's observed variables; complete them listwise, or (FIML:
    ``missing="fiml"``, lavaan's "ml"; ``missing="pairwise"``, WLSMV's pairwise deletion) keep
    every row with at least one observed value.

    Parameters
    ----------
    data : DataFrame or dict
        The data (never modified).
    variables : list of str
        The model's observed variables, in model order.
    first_line : dict, optional
        Variable -> model line, named in the error for a missing column.
    missing : {"listwise", "fiml", "ml", "direct", "pairwise"}
        Listwise deletion, full-information ML or pairwise deletion.
    group : str, optional
        The column that defines the groups (rows without a group are dropped).

    Returns
    -------
    PreparedData

    Raises
    ------
    DataError
        For a missing, non-numeric or constant column, an infinite value, too few rows, or a
        singular sample covariance matrix (listwise).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import prepare_data
    >>> hsm = rq.datasets.load("holzinger_swineford_missing")
    >>> listwise = prepare_data(hsm, ["x1", "x2", "x3"])
    >>> listwise.n_used, listwise.notes
    (256, ['45 of 301 rows dropped because of missing values (listwise deletion); missing per
    column: x1: 20, x2: 12, x3: 15'])
    >>> prepare_data(hsm, ["x1", "x2", "x3"], missing="fiml").notes
    ['full-information ML: 301 rows used, 45 of them incomplete, 5 missing-data patterns, 5.2% of
    their cells missing']
    >>> prepare_data(hsm, ["x1", "x2", "x3"], missing="pairwise").notes[0][:46]
    'pairwise deletion: 301 rows used, 45 of them i'
    """
    return prepare_data_and_moments(data, variables, first_line=first_line, missing=missing,
                                    group=group, scales=scales)[0]


def prepare_data_and_moments(data, variables: list[str], *,
                             first_line: dict[str, int] | None = None,
                             missing: str = "listwise", group: str | None = None,
                             scales: dict | None = None
                             ) -> tuple[PreparedData, list[Moments] | None]:
    """:func:`prepare_data`, and per group the :class:`Moments` of the rows used, as the data
    checks computed them (listwise deletion; None when rows with missing values are kept), for
    a caller that needs the moments too.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import prepare_data_and_moments
    >>> hs = rq.datasets.load("holzinger_swineford")
    >>> prepared, (moments,) = prepare_data_and_moments(hs, ["x1", "x2"])
    >>> bool(abs(moments.cov[0, 1] - hs["x1"].cov(hs["x2"])) < 1e-12)
    True
    """
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")
    if missing not in ("listwise", "pairwise") + FIML_NAMES:
        raise ValueError(f"unknown missing='{missing}'; use 'listwise' or 'fiml'")
    fiml = missing in FIML_NAMES or missing == "pairwise"      # keep incomplete rows
    _check_columns_present(data, variables + ([group] if group else []), first_line or {})
    values = _numeric_values(data, variables)
    complete_cells = np.isfinite(values).all()      # one pass: no infinite, no missing value
    if not complete_cells:
        infinite = np.isinf(values)
        if infinite.any():
            row, col = np.argwhere(infinite)[0]
            raise DataError(f"column '{variables[col]}' has an infinite value in row "
                            f"{data.index[row]!r}; recode it as missing (NaN) or a valid number")
    n_input = len(data)
    missing_cells = np.zeros(values.shape, dtype=bool) if complete_cells else np.isnan(values)
    dropped = (np.zeros(n_input, dtype=bool) if complete_cells else
               missing_cells.all(axis=1) if fiml else missing_cells.any(axis=1))
    if group is not None:
        dropped |= data[group].isna().to_numpy()
    notes = []
    if dropped.any():
        per_column = {v: int(n) for v, n in zip(variables, missing_cells.sum(axis=0)) if n}
        detail = ", ".join(f"{v}: {n}" for v, n in per_column.items())
        if group is not None and data[group].isna().any():
            detail += ((", " if detail else "")
                       + f"{group} (group): {int(data[group].isna().sum())}")
        why = ("no observed value in any model variable (or no group)" if fiml
               else "missing values (listwise deletion)")
        notes.append(f"{int(dropped.sum())} of {n_input} rows dropped because of {why}; "
                     f"missing per column: {detail}")
    if fiml and missing_cells[~dropped].any():
        kept = missing_cells[~dropped]
        n_patterns = len(np.unique(kept, axis=0))
        method = "pairwise deletion" if missing == "pairwise" else "full-information ML"
        notes.append(f"{method}: {int((~dropped).sum())} rows used, "
                     f"{int(kept.any(axis=1).sum())} of them incomplete, {n_patterns} missing-data "
                     f"patterns, {kept.mean():.1%} of their cells missing")
    complete = values[~dropped] if dropped.any() else values    # no second copy at large N
    if group is None:
        arrays, labels = [complete], [None]
    else:
        kept_groups = data[group].to_numpy()[~dropped]
        labels = list(pd.unique(kept_groups))
        arrays = [complete[kept_groups == label] for label in labels]
    moments = [_check_usable(arr, variables, label, fiml) for label, arr in zip(labels, arrays)]
    notes += (outside_scale(complete, variables, scales or {})
              or suspicious_codes(complete, variables))
    notes += scale_differences(complete, variables,           # one group's: computed already
                               variances=moments[0].cov.diagonal() if len(arrays) == 1 and not fiml
                               else None)
    return PreparedData(arrays, labels, n_input, len(complete), notes), None if fiml else moments


def group_text(label) -> str:
    """A group label as a person reads it (numpy scalars as plain numbers).

    Examples
    --------
    >>> import numpy as np
    >>> group_text(np.float64(2.0)), group_text("Pasteur")
    ('2.0', "'Pasteur'")
    """
    if isinstance(label, np.generic):
        label = label.item()
    return repr(label)


def outside_scale(values: np.ndarray, variables: list[str], scales: dict) -> list[str]:
    """Warnings for answers outside an item's known answer scale (``scales``: item -> number
    of points of its 1..points Likert scale, as the model library's construct catalog gives);
    columns with non-integer values are not answers on that scale and are skipped.

    Examples
    --------
    >>> import numpy as np
    >>> outside_scale(np.array([[1.0], [5.0], [99.0]]), ["sat1"], {"sat1": 5})
    ["column 'sat1' has 1 answer(s) outside its 1-5 scale (99): ..."]
    """
    columns = [k for k, name in enumerate(variables) if name in scales]
    if not columns:
        return []
    block = values[:, columns]
    points = np.array([scales[variables[k]] for k in columns], dtype=float)
    observed = ~np.isnan(block)
    whole = np.all(~observed | (block % 1 == 0), axis=0)  # else: not answers on the scale
    with np.errstate(invalid="ignore"):
        bad = observed & ((block < 1) | (block > points)) & whole
    out, other_scale = [], []
    share = bad.sum(axis=0) / np.maximum(observed.sum(axis=0), 1)
    for c in np.flatnonzero(bad.any(axis=0)):
        name, column = variables[columns[c]], block[:, c]
        if share[c] >= 0.1 and 0 <= np.nanmin(column) and np.nanmax(column) <= 11:
            # not stray codes (99, -9): the answers use another (longer) scale
            other_scale.append(f"{name} ({np.nanmin(column):g}-{np.nanmax(column):g})")
            continue
        shown = ", ".join(f"{v:g}" for v in np.unique(column[bad[:, c]])[:5])
        out.append(f"column '{name}' has {int(bad[:, c].sum())} answer(s) outside its "
                   f"1-{int(points[c])} scale ({shown}): undeclared missing-value codes or "
                   "typing errors? They are fitted as answers; declare them "
                   f"(read_survey(missing_codes=[{shown}])) or correct them")
    if other_scale:
        out.append(f"{len(other_scale)} item(s) have answers on another scale than the model "
                   f"library's 1-{int(points.max())} items: {', '.join(other_scale[:8])}"
                   f"{' ...' if len(other_scale) > 8 else ''}; was the questionnaire changed? "
                   "Then the catalog's item texts and scales do not describe these data")
    return out


def suspicious_codes(values: np.ndarray, variables: list[str]) -> list[str]:
    """Warnings for values that look like undeclared missing-value codes: in a column whose
    answers are whole numbers on a short scale (the rest spanning at most 10 points), fewer than
    10% whole numbers far outside it (beyond 5 interquartile ranges, and at least 9 in absolute
    value: 99, 999, -9, -99, ...).

    Examples
    --------
    >>> import numpy as np
    >>> v = np.column_stack([np.tile([1, 2, 3, 4, 5], 4), np.tile([1, 2, 3, 4, 5], 4)])
    >>> v = v.astype(float); v[7, 1] = 99
    >>> suspicious_codes(v, ["a", "b"])  # doctest: +ELLIPSIS
    ["column 'b' has 1 value(s) 99 far outside its other answers (1 to 5): ..."]
    """
    if values.size == 0:
        return []
    if not np.fmax.reduce(values, axis=None) - np.fmin.reduce(values, axis=None) > 10:
        return []                             # no column spans more than 10 points
    with np.errstate(all="ignore"):           # only columns that can hold a far-off code
        low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    candidate = ((high >= 9) | (low <= -9)) & (high - low > 10)
    if not candidate.any():
        return []
    observed = ~np.isnan(values)
    count = observed.sum(axis=0)
    whole = candidate & np.all(~observed | (values % 1 == 0), axis=0) & (count >= 10)
    if not whole.any():
        return []
    quantile = np.quantile if observed.all() else np.nanquantile   # nanquantile loops columns
    with np.errstate(all="ignore"):
        q1, q3 = quantile(values[:, whole], [0.25, 0.75], axis=0)
    width = np.maximum(q3 - q1, 1.0)
    block = values[:, whole]
    far = (((block > q3 + 5 * width) | (block < q1 - 5 * width)) & (np.abs(block) >= 9)
           & observed[:, whole])
    out = []
    for k, column_far in zip(np.flatnonzero(whole), far.T):
        if not column_far.any() or column_far.sum() >= 0.1 * count[k]:
            continue
        column = values[observed[:, k], k]
        flagged = column_far[observed[:, k]]
        answers = column[~flagged]
        lo, hi = answers.min(), answers.max()
        if hi - lo > 10:
            continue
        codes = np.unique(column[flagged])
        shown = ", ".join(f"{c:g}" for c in codes[:5])
        out.append(f"column '{variables[k]}' has {int(flagged.sum())} value(s) {shown} far "
                   f"outside its other answers ({lo:g} to {hi:g}): an undeclared missing-value "
                   f"code? They are fitted as answers; declare them (read_survey(missing_codes="
                   f"[{shown}])) or set them to NaN")
    return out


def scale_differences(values: np.ndarray, variables: list[str], factor: float = 1000.0,
                      variances: np.ndarray | None = None) -> list[str]:
    """lavaan's warning when observed variances differ by more than a factor ``factor``
    (1000): estimation and standard errors become numerically fragile; rescale the variables.
    ``variances``: the columns' variances of complete ``values``, when the caller has them
    (any divisor: only their ratio counts).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> v = np.column_stack([rng.normal(size=50), 1000 * rng.normal(size=50)])
    >>> scale_differences(v, ["a", "b"])  # doctest: +ELLIPSIS
    ["the observed variances differ by a factor of ... (largest: 'b', smallest: 'a')..."]
    """
    if len(values) < 2:
        return []
    if variances is None and np.isnan(values).any():
        variances = np.nanvar(values, axis=0)
    elif variances is None:                   # column sums by BLAS: faster than numpy's var
        ones = np.ones(len(values))
        centred = values - ones @ values / len(values)
        variances = ones @ (centred * centred) / len(values)
    if not (variances > 0).all():
        return []
    ratio = variances.max() / variances.min()
    if ratio <= factor:
        return []
    big, small = variables[int(np.argmax(variances))], variables[int(np.argmin(variances))]
    return [f"the observed variances differ by a factor of {ratio:,.0f} (largest: '{big}', "
            f"smallest: '{small}'), more than {factor:,.0f} (lavaan warns too): estimates and "
            "standard errors can become unreliable and the information matrix can look "
            "singular; rescale the variables (e.g. income in thousands)"]


_POSITIONS: dict[int, tuple] = {}      # id(Index) -> (weak reference to it, its positions)


def _column_positions(columns: pd.Index) -> MappingProxyType:
    """Column label -> position (the last one for a repeated label), read only, built once per
    Index object.

    pandas Index objects are immutable (a frame whose columns change gets a new one), so the
    mapping of an Index never goes stale; converting text labels (pyarrow strings in pandas 3)
    costs more than the arithmetic of a small fit, and refits of the same frame (a benchmark,
    a bootstrap, a report) need them again. An entry is removed with its Index.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": [1.0], "b": [2.0]})
    >>> dict(_column_positions(frame.columns))
    {'a': 0, 'b': 1}
    >>> _column_positions(frame.columns) is _column_positions(frame.columns)
    True
    """
    key = id(columns)
    kept = _POSITIONS.get(key)
    if kept is not None and kept[0]() is columns:
        return kept[1]
    positions = MappingProxyType({c: i for i, c in enumerate(columns.tolist())})
    _POSITIONS[key] = (weakref.ref(columns, lambda _, key=key: _POSITIONS.pop(key, None)),
                       positions)
    return positions


def _check_columns_present(data: pd.DataFrame, needed: list[str], first_line: dict[str, int]):
    present = _column_positions(data.columns)
    for name in needed:
        if name in present:
            continue
        columns = [str(c) for c in present]
        where = f" (model line {first_line[name]})" if name in first_line else ""
        close = difflib.get_close_matches(name, columns, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DataError(f"variable '{name}'{where} is not a column of the data{hint} "
                        f"(columns: {', '.join(columns[:12])}"
                        f"{' ...' if len(columns) > 12 else ''})")


def _numeric_values(data: pd.DataFrame, variables: list[str]) -> np.ndarray:
    """The variables' values as a rows x variables float array (C order, a copy).

    When every column of a not much wider frame is a plain numpy number, one conversion of the
    whole frame replaces a pandas lookup per column; otherwise each column goes through
    :func:`_numeric_column`'s conversion and checks. The values are the same either way. A frame
    of the model's columns only is converted at once and checked by the type of the result
    (bool, nullable, text or category columns make it object, or bool); a frame with other
    columns too by its column types first, so that a text column (an ID) is never converted.
    """
    names = data.columns
    if names.is_unique and len(names) <= 2 * len(variables):
        if len(names) == len(variables):          # the model's columns, nothing else
            whole = data.to_numpy()
            numeric = isinstance(whole.dtype, np.dtype) and whole.dtype.kind in "fiu"
        else:
            numeric = all(isinstance(d, np.dtype) and d.kind in ("f", "i", "u")
                          for d in data.dtypes.tolist())
            whole = data.to_numpy() if numeric else None
        if numeric:
            position = _column_positions(names)
            return np.ascontiguousarray(whole[:, [position[v] for v in variables]],
                                        dtype=float)
    out = np.empty((len(data), len(variables)))
    for j, v in enumerate(variables):
        out[:, j] = _numeric_column(data, v)
    return out


def _numeric_column(data: pd.DataFrame, name: str) -> np.ndarray:
    column = data[name]
    if isinstance(column, pd.DataFrame):
        raise DataError(f"the data have more than one column named '{name}'")
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "fiu":
        return column.to_numpy(dtype=float)   # numpy: NaN is its only missing value
    if column.dtype.kind in "fiu":            # pandas' nullable Int64 / Float64
        return column.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_bool_dtype(column) or not (pd.api.types.is_numeric_dtype(column)):
        converted = pd.to_numeric(column, errors="coerce")
        bad = converted.isna() & column.notna()
        if bad.any() or pd.api.types.is_bool_dtype(column):
            if bad.any():
                row = bad.idxmax()
                example = column.loc[row]
                raise DataError(f"column '{name}' is not numeric: row {row!r} holds {example!r} "
                                f"({int(bad.sum())} non-numeric value(s)); recode it as numbers "
                                "or declare missing codes when reading the file")
            raise DataError(f"column '{name}' is boolean; recode it as 0/1 numbers")
        return converted.to_numpy(dtype=float)
    return column.to_numpy(dtype=float, na_value=np.nan)


def _check_usable(values: np.ndarray, variables: list[str], group_label, fiml: bool
                  ) -> Moments | None:
    """Raise a DataError for rows that cannot be fitted; return the :class:`Moments` of
    complete rows (listwise), None with missing values (``fiml``)."""
    where = "" if group_label is None else f" in group {group_text(group_label)}"
    n, p = values.shape
    if n == 0:
        raise DataError(f"no usable rows{where}: every row has a missing value in a model variable")
    if n <= p:
        merge = " (merge small groups, or leave this one out)" if group_label is not None else ""
        kind = "usable" if fiml else "complete"
        raise DataError(f"only {n} {kind} rows{where} for {p} observed variables: the sample "
                        f"covariance matrix is singular; at least {p + 1} are needed{merge}")
    if fiml:                                  # listwise: n > p complete rows in every column
        counts = (~np.isnan(values)).sum(axis=0)
        for v, count in zip(variables, counts):
            if count < 2:
                raise DataError(f"column '{v}' has {count} observed value(s){where}; it cannot "
                                "be modelled")
        sd = np.nanstd(values, axis=0)
    else:                                     # listwise: no NaN left; one pass for sd and corr
        ones = np.ones(n)                     # column sums by BLAS: faster than numpy's sum
        mean = ones @ values / n
        centred = values - mean
        cov = centred.T @ centred / (n - 1)
        sd = np.sqrt(cov.diagonal())
    if not (sd > 0).all():
        k = next(k for k, s in enumerate(sd) if not s > 0)
        first = values[~np.isnan(values[:, k]), k][0]
        raise DataError(f"column '{variables[k]}' has no variance{where} (every value is "
                        f"{first:g}); remove it from the model")
    if fiml:
        return None                 # the EM step reports a singular saturated covariance
    corr = cov / (sd[:, None] * sd)
    if smallest_eigenvalue_above(corr, 1e-10):
        return Moments(mean, cov, sd, corr)
    clipped = np.clip(corr, -1, 1)                          # as np.corrcoef
    if np.linalg.eigvalsh(clipped).min() < 1e-10:
        raise DataError(f"the sample covariance matrix{where} is singular: some observed "
                        "variables are exact linear combinations of others "
                        f"({_collinear(clipped, variables)})")
    return Moments(mean, cov, sd, corr)


def _collinear(corr: np.ndarray, variables: list[str]) -> str:
    eigvals, eigvecs = np.linalg.eigh(corr)
    vec = eigvecs[:, 0]
    involved = [variables[i] for i in np.argsort(-np.abs(vec)) if abs(vec[i]) > 0.1]
    return "involving " + ", ".join(involved[:6])


def check_groups_kept(data, group: str | None, prepared) -> None:
    """Every group of the data must keep usable rows; name the ones that lost them all.

    Parameters
    ----------
    data : DataFrame
        The data.
    group : str or None
        The group column (nothing is checked without one).
    prepared : PreparedData
        What :func:`prepare_data` kept.

    Returns
    -------
    None

    Raises
    ------
    DataError
        Naming the groups left without rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from relqual.data import check_groups_kept, prepare_data
    >>> d = pd.DataFrame({"x": [1., 2, 3, np.nan, np.nan], "y": [2., 1, 4, 3, 5],
    ...                   "g": ["a", "a", "a", "b", "b"]})
    >>> check_groups_kept(d, "g", prepare_data(d, ["x", "y"], group="g"))
    Traceback (most recent call last):
    ...
    relqual.data.DataError: group(s) 'b' of column 'g' have no usable rows left ...
    """
    if group is None:
        return
    lost = [g for g in pd.unique(data[group].dropna()) if g not in prepared.group_labels]
    if lost:
        raise DataError(f"group(s) {', '.join(group_text(g) for g in lost)} of column '{group}' "
                        "have no "
                        "usable rows left (every row has a missing value in a model variable); "
                        + " ".join(prepared.notes))


def check_group_column(data, group: str) -> None:
    """The ``group`` column must be a column of the data (close names are suggested).

    Parameters
    ----------
    data : DataFrame
        The data.
    group : str
        The column that defines the groups.

    Returns
    -------
    None

    Raises
    ------
    DataError
        When ``data`` is not a DataFrame or has no such column.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.data import check_group_column
    >>> check_group_column(rq.datasets.load("holzinger_swineford"), "shcool")
    Traceback (most recent call last):
    ...
    relqual.data.DataError: group column 'shcool' is not a column of the data; did you mean
    'school'? ...
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")
    if group not in data.columns:
        columns = [str(c) for c in data.columns]
        close = difflib.get_close_matches(str(group), columns, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DataError(f"group column '{group}' is not a column of the data{hint} (columns: "
                        f"{', '.join(columns[:12])}{' ...' if len(columns) > 12 else ''})")
