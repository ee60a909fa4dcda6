"""The loyalty typologies of the customer-loyalty chapter, from factor scores or scale means.

Each analysis crosses two scores at two cut-points into four customer types and returns a
:class:`TypologyTable`: a DataFrame with one row per group and type (``group type type_zh count
share``; ``share`` within the group) that also carries ``.respondents`` (one row per respondent:
the two scores, the group, the type) and ``.plot()`` (matplotlib: the respondents as points,
the cut-points as lines, the types' regions labelled).

* :func:`jones_sasser` -- Jones & Sasser (1995), "Why satisfied customers defect", *Harvard
  Business Review* 73(6): satisfaction x loyalty -> apostle (传道者; satisfied and loyal),
  mercenary (图利者; satisfied, not loyal), hostage (囚禁者; loyal, not satisfied), terrorist
  (破坏者; neither). Loyalty depends on satisfaction and on competition, L = f(C, S): the
  analysis also fits, per group (e.g. high / low competition), a **quadratic regression of the
  loyalty score on the satisfaction score** (ordinary least squares, loyalty = b0 + b1 s +
  b2 s^2). Under high competition the curve is expected to be convex (b2 > 0: loyalty rises
  steeply only among the most satisfied, the quality-sensitive zone 质量敏感区); under low
  competition flatter and higher (the quality-insensitive zone 质量不敏感区). The coefficients
  (with OLS standard errors, the p-value of b2 and R^2) are in ``.curves``.
* :func:`dick_basu` -- Dick & Basu (1994), *J. Acad. Mark. Sci.* 22(2): relative attitude x
  repeat patronage -> true loyalty (忠诚的客户), latent loyalty (潜在的忠诚客户; high attitude,
  low patronage), spurious loyalty (伪忠诚者; low attitude, high patronage), no loyalty
  (不忠诚客户).
* :func:`knox` -- Knox's loyalty diamond (Knox 1998, "Loyalty-based segmentation and the
  customer development process", *Eur. Manag. J.* 16(6)): involvement x number of brands used ->
  loyal (忠诚者; involved, few brands), habitual (习惯性购买者; not involved, few brands),
  multi-brand (多品牌购买者; involved, many brands), switcher (品牌转换者; not involved, many
  brands).

Cut-points. Each score is "high" when it is **strictly above** its cut-point. A cut-point is a
number, or "median" (the default: the median of the pooled sample, so that groups are cut at
the same place), "mean", or "midpoint" (the middle of the answer scale, which needs
``scale=(lowest, highest)``, e.g. ``(1, 5)``: on a 1-5 scale 3 is the neutral answer, so only
answers above it count as high). For the number of brands, "many" means more brands than the
cut-point (e.g. ``brands_cut=1``: sole-brand buyers versus repertoire buyers).

Inputs. ``data`` is a DataFrame holding the two scores (for instance scale means from
:func:`scale_means`, or ``res.factor_scores(data=df)`` with extra columns joined), or a fitted
:class:`~relqual.result.Result`, whose factor scores (``scores="regression"`` or "bartlett") are
used, with their ``group`` column in multigroup models. Rows with a missing score are left out
and counted (``table.attrs["n_dropped"]``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .data import DataError

# Each type: (high x?, high y?), English name, Chinese name (GLOSSARY.md), in display order.
JONES_SASSER_TYPES = [((True, True), "apostle", "传道者"), ((True, False), "mercenary", "图利者"),
                      ((False, True), "hostage", "囚禁者"), ((False, False), "terrorist", "破坏者")]
DICK_BASU_TYPES = [((True, True), "true loyalty", "忠诚的客户"),
                   ((True, False), "latent loyalty", "潜在的忠诚客户"),
                   ((False, True), "spurious loyalty", "伪忠诚者"),
                   ((False, False), "no loyalty", "不忠诚客户")]
# Knox: x = involvement, y = number of brands used
KNOX_TYPES = [((True, False), "loyal", "忠诚者"),
              ((False, False), "habitual", "习惯性购买者"),
              ((True, True), "multi-brand", "多品牌购买者"),
              ((False, True), "switcher", "品牌转换者")]
CUT_RULES = ("median", "mean", "midpoint")
TABLE_COLUMNS = ["group", "type", "type_zh", "count", "share"]


class TypologyTable(pd.DataFrame):
    """Counts and shares per group and type (a DataFrame), with ``.respondents``, ``.curves``
    (Jones & Sasser only) and ``.plot()``. Derived frames (slices, arithmetic) are plain
    DataFrames; for pandas' own plotting use ``pd.DataFrame(table).plot``.

    Made by :func:`jones_sasser`, :func:`dick_basu` and :func:`knox`, not directly.

    Attributes
    ----------
    respondents : DataFrame
        One row per respondent kept: the two scores, ``group``, ``type`` and ``type_zh``.
    curves : DataFrame or None
        Jones & Sasser: per group ``group n b0 b1 b2 se_b0 se_b1 se_b2 p_b2 r2 x_min x_max``
        (the quadratic OLS curve of loyalty on satisfaction); None for the other typologies.
    spec : dict
        The typology, its two scores and their labels (used by :meth:`plot`).

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.segments import jones_sasser, scale_means
    >>> data = rq.datasets.load("relationship_quality")
    >>> scales = "SAT =~ sat1 + sat2 + sat3 + sat4; AC =~ ac1 + ac2 + ac3 + ac4"
    >>> scores = scale_means(data, scales)
    >>> scores["competition"] = data["competition"]
    >>> table = jones_sasser(scores, "SAT", "AC", group="competition", scale=(1, 5),
    ...                      satisfaction_cut="midpoint", loyalty_cut="midpoint")
    >>> list(table.columns)
    ['group', 'type', 'type_zh', 'count', 'share']
    >>> table.respondents[["SAT", "AC", "group", "type"]].head(2)
        SAT    AC group     type
    0  4.75  3.00   low  mercenary
    1  4.75  4.75   low  apostle
    """

    _metadata = ["respondents", "curves", "spec"]

    @property
    def _constructor(self):
        return pd.DataFrame

    def plot(self, ax=None, lang: str = "en", curves: bool = True):  # noqa: D401 - see class doc
        """Scatter of the respondents with the cut-points and the types' regions, one panel per
        group (and, for Jones & Sasser with several groups, a last panel with every group's
        curve). ``lang="zh"`` labels the types in Chinese (needs a CJK font).

        Parameters
        ----------
        ax : matplotlib.axes.Axes or array of Axes, optional
            Where to draw, one Axes per panel (a new figure by default).
        lang : {"en", "zh"}
            The language of the type labels.
        curves : bool
            Draw the Jones & Sasser curves.

        Returns
        -------
        matplotlib.axes.Axes or ndarray of Axes
            An array when there are several panels.

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.segments import jones_sasser, scale_means
        >>> data = rq.datasets.load("relationship_quality")
        >>> scales = "SAT =~ sat1 + sat2 + sat3 + sat4; AC =~ ac1 + ac2 + ac3 + ac4"
        >>> scores = scale_means(data, scales)
        >>> scores["competition"] = data["competition"]
        >>> table = jones_sasser(scores, "SAT", "AC", group="competition", scale=(1, 5),
        ...                      satisfaction_cut="midpoint", loyalty_cut="midpoint")
        >>> axes = table.plot()           # two groups and the panel of both curves
        >>> axes.shape
        (3,)
        """
        return _plot(self, ax=ax, lang=lang, show_curves=curves)


# --------------------------------------------------------------------------- the typologies
def jones_sasser(data, satisfaction: str, loyalty: str, group: str | None = None, *,
                 satisfaction_cut="median", loyalty_cut="median", scale=None,
                 scores: str = "regression") -> TypologyTable:
    """Jones & Sasser satisfaction-loyalty analysis: apostles, mercenaries, hostages, terrorists
    per group, and the quadratic curve of loyalty on satisfaction per group (``.curves``).

    Jones & Sasser (1995), "Why satisfied customers defect", *Harvard Business Review* 73(6);
    cut-points and inputs as in the module docstring.

    Parameters
    ----------
    data : DataFrame or relqual.result.Result
        The scores (e.g. :func:`scale_means`), or a fit whose factor scores are used.
    satisfaction, loyalty : str
        The columns (or latent variables) of the two scores.
    group : str, optional
        The column that defines the groups (e.g. high / low competition).
    satisfaction_cut, loyalty_cut : float or {"median", "mean", "midpoint"}
        A score is high when strictly above its cut-point.
    scale : tuple, optional
        ``(lowest, highest)`` answer, for the "midpoint" cut.
    scores : {"regression", "bartlett"}
        The factor scores used when ``data`` is a Result.

    Returns
    -------
    TypologyTable
        ``group type type_zh count share``, with ``.respondents``, ``.curves`` and ``.plot()``;
        ``attrs`` hold the cut-points, the ``rule`` and ``n_dropped``.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.segments import jones_sasser, scale_means
    >>> data = rq.datasets.load("relationship_quality")
    >>> scales = "SAT =~ sat1 + sat2 + sat3 + sat4; AC =~ ac1 + ac2 + ac3 + ac4"
    >>> scores = scale_means(data, scales)
    >>> scores["competition"] = data["competition"]
    >>> table = jones_sasser(scores, "SAT", "AC", group="competition", scale=(1, 5),
    ...                      satisfaction_cut="midpoint", loyalty_cut="midpoint")
    >>> table[["group", "type", "count"]]
      group       type  count
    0   low    apostle    184
    1   low  mercenary     63
    2   low    hostage     29
    3   low  terrorist     35
    4  high    apostle    174
    5  high  mercenary     48
    6  high    hostage     36
    7  high  terrorist     29
    >>> table.attrs["rule"], table.attrs["n_dropped"]
    ('high satisfaction: SAT > 3; high loyalty: AC > 3', 2)
    >>> table.curves[["group", "n", "b2"]].round(3)
      group    n     b2
    0   low  311  0.058
    1  high  287  0.077
    """
    frame, group, dropped = _scores(data, [satisfaction, loyalty], group, scores)
    table = _typology(frame, satisfaction, loyalty, group, satisfaction_cut, loyalty_cut, scale,
                      scale, JONES_SASSER_TYPES, "jones_sasser", dropped,
                      x_label="satisfaction", y_label="loyalty")
    table.curves = _quadratic_curves(table.respondents, satisfaction, loyalty)
    table.attrs["curve"] = ("quadratic OLS regression of the loyalty score on the satisfaction "
                            "score per group: loyalty = b0 + b1 s + b2 s^2")
    return table


def dick_basu(data, attitude: str, patronage: str, group: str | None = None, *,
              attitude_cut="median", patronage_cut="median", scale=None,
              scores: str = "regression") -> TypologyTable:
    """Dick & Basu: relative attitude x repeat patronage -> true, latent, spurious, no loyalty.

    Dick & Basu (1994), *J. Acad. Mark. Sci.* 22(2); cut-points and inputs as in the module
    docstring.

    Parameters
    ----------
    data : DataFrame or relqual.result.Result
        The scores, or a fit whose factor scores are used.
    attitude, patronage : str
        The columns (or latent variables) of the two scores.
    group : str, optional
        The column that defines the groups.
    attitude_cut, patronage_cut : float or {"median", "mean", "midpoint"}
        A score is high when strictly above its cut-point.
    scale : tuple, optional
        ``(lowest, highest)`` answer, for the "midpoint" cut.
    scores : {"regression", "bartlett"}
        The factor scores used when ``data`` is a Result.

    Returns
    -------
    TypologyTable
        ``group type type_zh count share``, with ``.respondents`` and ``.plot()``.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.segments import dick_basu, scale_means
    >>> data = rq.datasets.load("loyalty_stages")
    >>> scores = scale_means(data, {"attitude": ["aff1", "aff2", "aff3"],
    ...                             "patronage": ["act1", "act2", "act3"]})
    >>> table = dick_basu(scores, "attitude", "patronage")       # median cuts
    >>> table[["type", "count", "share"]]
                   type  count  share
    0      true loyalty    126  0.252
    1    latent loyalty    117  0.234
    2  spurious loyalty     96  0.192
    3        no loyalty    161  0.322
    """
    frame, group, dropped = _scores(data, [attitude, patronage], group, scores)
    return _typology(frame, attitude, patronage, group, attitude_cut, patronage_cut, scale,
                     scale, DICK_BASU_TYPES, "dick_basu", dropped,
                     x_label="relative attitude", y_label="repeat patronage")


def knox(data, involvement: str, brands: str, group: str | None = None, *,
         involvement_cut="median", brands_cut="median", scale=None,
         scores: str = "regression") -> TypologyTable:
    """Knox's loyalty diamond: involvement x number of brands used -> loyal, habitual,
    multi-brand, switcher. ``scale`` applies to involvement only (brands are counts).

    Knox (1998), *Eur. Manag. J.* 16(6); cut-points and inputs as in the module docstring.

    Parameters
    ----------
    data : DataFrame or relqual.result.Result
        The scores, or a fit whose factor scores are used.
    involvement, brands : str
        The columns of the involvement score and the number of brands used.
    group : str, optional
        The column that defines the groups.
    involvement_cut, brands_cut : float or {"median", "mean", "midpoint"}
        A score is high (many brands) when strictly above its cut-point.
    scale : tuple, optional
        ``(lowest, highest)`` involvement answer, for the "midpoint" cut.
    scores : {"regression", "bartlett"}
        The factor scores used when ``data`` is a Result.

    Returns
    -------
    TypologyTable
        ``group type type_zh count share``, with ``.respondents`` and ``.plot()``.

    Examples
    --------
    >>> import pandas as pd
    >>> from relqual.segments import knox
    >>> data = pd.DataFrame({"involvement": [4.5, 4.0, 2.0, 1.5, 4.8, 2.2],
    ...                      "brands": [1, 3, 1, 4, 1, 2]})
    >>> table = knox(data, "involvement", "brands", involvement_cut="midpoint", scale=(1, 5),
    ...              brands_cut=1)              # sole-brand buyers versus repertoire buyers
    >>> table[["type", "count"]]
              type  count
    0        loyal      2
    1     habitual      1
    2  multi-brand      1
    3     switcher      2
    """
    frame, group, dropped = _scores(data, [involvement, brands], group, scores)
    return _typology(frame, involvement, brands, group, involvement_cut, brands_cut,
                     scale, None, KNOX_TYPES, "knox", dropped,
                     x_label="involvement", y_label="number of brands used")


def scale_means(data: pd.DataFrame, scales, min_items: int | None = None) -> pd.DataFrame:
    """Row means of each scale's items: ``scales`` maps a name to its item columns, or is a fitted
    Result / lavaan syntax (every ``f =~ items`` becomes a scale). A row needs at least
    ``min_items`` answered items (default: half of the scale's items, rounded up), else NaN.

    Parameters
    ----------
    data : DataFrame
        The item answers.
    scales : dict, relqual.result.Result or str
        ``{name: [items]}``, a fitted Result or lavaan syntax.
    min_items : int, optional
        The answered items a row needs for a score.

    Returns
    -------
    DataFrame
        One column per scale, with ``data``'s index.

    Examples
    --------
    >>> import relqual as rq
    >>> from relqual.segments import scale_means
    >>> data = rq.datasets.load("relationship_quality")
    >>> scales = "SAT =~ sat1 + sat2 + sat3 + sat4; AC =~ ac1 + ac2 + ac3 + ac4"
    >>> scale_means(data, scales).head(2)
        SAT    AC
    0  4.75  3.00
    1  4.75  4.75
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame (got {type(data).__name__})")
    if not isinstance(scales, dict):
        scales = _scales_from_model(scales)
    out = {}
    for name, items in scales.items():
        items = list(items)
        missing = [c for c in items if c not in data.columns]
        if missing:
            raise DataError(f"scale '{name}': item column(s) {missing} are not in the data")
        values = data[items].apply(pd.to_numeric, errors="coerce")
        need = min_items if min_items is not None else int(np.ceil(len(items) / 2))
        answered = values.notna().sum(axis=1)
        out[name] = values.mean(axis=1).where(answered >= need)
    return pd.DataFrame(out, index=data.index)


# --------------------------------------------------------------------------- machinery
def _scales_from_model(model) -> dict:
    from .result import Result
    if isinstance(model, Result):
        table = model.partable.table
        table = table[(table["op"] == "=~") & (table["group"] == 1)]
        ov = set(model.partable.roles.ov)
        pairs = [(lhs, rhs) for lhs, rhs in zip(table["lhs"], table["rhs"]) if rhs in ov]
    elif isinstance(model, str):
        from .syntax import parse
        pairs = [(s.lhs, s.rhs) for s in parse(model) if s.op == "=~"]
    else:
        raise TypeError("scales must be a dict {name: [items]}, a fitted Result or lavaan syntax")
    scales: dict = {}
    for lhs, rhs in pairs:
        scales.setdefault(lhs, []).append(rhs)
    if not scales:
        raise ValueError("the model has no measurement part (no '=~' formulas)")
    return scales


def _scores(data, columns, group, scores):
    """The score columns and ``group`` as a clean DataFrame (rows with a missing value dropped),
    the name of the grouping variable, and the number of rows dropped."""
    from .result import Result
    label = group
    if isinstance(data, Result):
        frame = data.factor_scores(method=scores)
        if "group" in frame.columns and group in (None, "group", data.call.get("group")):
            group, label = "group", data.call.get("group")
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise DataError("data must be a DataFrame of scores or a fitted Result "
                        f"(got {type(data).__name__})")
    needed = list(columns) + ([group] if group is not None else [])
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        what = "factor scores" if isinstance(data, Result) else "data"
        raise DataError(f"column(s) {absent} are not in the {what} (columns: "
                        f"{', '.join(map(str, list(frame.columns)[:12]))})")
    out = pd.DataFrame(index=frame.index)
    for c in columns:
        values = pd.to_numeric(frame[c], errors="coerce")
        bad = values.isna() & frame[c].notna()
        if bad.any():
            raise DataError(f"column '{c}' is not numeric (row {bad.idxmax()!r} holds "
                            f"{frame[c][bad.idxmax()]!r})")
        out[c] = values.astype(float)
    out["group"] = frame[group] if group is not None else "all"
    keep = out[list(columns)].notna().all(axis=1) & out["group"].notna()
    if not keep.any():
        raise DataError(f"no row has all of {list(columns)} answered")
    return out[keep], label, int((~keep).sum())


def _cut_value(values: pd.Series, cut, scale, name: str) -> float:
    if isinstance(cut, str):
        if cut == "median":
            return float(values.median())
        if cut == "mean":
            return float(values.mean())
        if cut == "midpoint":
            if scale is None:
                raise ValueError(f"cut 'midpoint' for '{name}' needs scale=(lowest, highest), "
                                 "e.g. scale=(1, 5)")
            return (float(scale[0]) + float(scale[1])) / 2.0
        raise ValueError(f"unknown cut '{cut}' for '{name}'; use a number or one of "
                         f"{', '.join(CUT_RULES)}")
    try:
        return float(cut)
    except (TypeError, ValueError):
        raise ValueError(f"cut for '{name}' must be a number or one of {', '.join(CUT_RULES)} "
                         f"(got {cut!r})") from None


def _typology(frame, x, y, group, x_cut, y_cut, x_scale, y_scale, types, kind, dropped,
              x_label, y_label):
    cx = _cut_value(frame[x], x_cut, x_scale, x)
    cy = _cut_value(frame[y], y_cut, y_scale, y)
    high_x, high_y = frame[x].to_numpy() > cx, frame[y].to_numpy() > cy
    names = {cell: (en, zh) for cell, en, zh in types}
    cells = [names[(bool(a), bool(b))] for a, b in zip(high_x, high_y)]
    respondents = frame.copy()
    respondents["type"] = [en for en, _ in cells]
    respondents["type_zh"] = [zh for _, zh in cells]
    rows = []
    for g in pd.unique(frame["group"]):
        in_group = respondents["group"] == g
        n = int(in_group.sum())
        for _, name, name_zh in types:
            count = int((respondents.loc[in_group, "type"] == name).sum())
            rows.append({"group": g, "type": name, "type_zh": name_zh, "count": count,
                         "share": count / n})
    table = TypologyTable(pd.DataFrame(rows, columns=TABLE_COLUMNS))
    table.respondents = respondents
    table.curves = None
    table.spec = {"kind": kind, "x": x, "y": y, "x_label": x_label, "y_label": y_label,
                  "types": types}
    table.attrs.update(typology=kind, x=x, y=y, x_cut=cx, y_cut=cy, group=group,
                       n_dropped=dropped,
                       rule=f"high {x_label}: {x} > {cx:.4g}; high {y_label}: {y} > {cy:.4g}")
    return table


def _quadratic_curves(respondents, x, y) -> pd.DataFrame:
    """Per group: OLS of y on (1, x, x^2), coefficients with classical standard errors."""
    rows = []
    for g in pd.unique(respondents["group"]):
        part = respondents[respondents["group"] == g]
        s, l = part[x].to_numpy(), part[y].to_numpy()
        X = np.column_stack([np.ones_like(s), s, s ** 2])
        n, k = X.shape
        row = {"group": g, "n": n}
        if n <= k or np.linalg.matrix_rank(X) < k:
            row.update(b0=np.nan, b1=np.nan, b2=np.nan, se_b0=np.nan, se_b1=np.nan,
                       se_b2=np.nan, p_b2=np.nan, r2=np.nan, x_min=np.nan, x_max=np.nan)
        else:
            beta, *_ = np.linalg.lstsq(X, l, rcond=None)
            resid = l - X @ beta
            sigma2 = resid @ resid / (n - k)
            se = np.sqrt(np.diag(sigma2 * np.linalg.inv(X.T @ X)))
            t = beta[2] / se[2] if se[2] > 0 else np.nan
            tss = ((l - l.mean()) ** 2).sum()
            row.update(b0=beta[0], b1=beta[1], b2=beta[2], se_b0=se[0], se_b1=se[1],
                       se_b2=se[2], p_b2=float(2 * stats.t.sf(abs(t), n - k)),
                       r2=float(1 - resid @ resid / tss) if tss > 0 else np.nan,
                       x_min=float(s.min()), x_max=float(s.max()))
        rows.append(row)
    return pd.DataFrame(rows)


def _plot(table: TypologyTable, ax=None, lang: str = "en", show_curves: bool = True):
    import matplotlib.pyplot as plt

    spec, resp, attrs = table.spec, table.respondents, table.attrs
    x, y = spec["x"], spec["y"]
    groups = list(pd.unique(resp["group"]))
    curves = table.curves if show_curves else None
    overlay = curves is not None and len(groups) > 1
    n_panels = len(groups) + int(overlay)
    if ax is None:
        _, axes = plt.subplots(1, n_panels, figsize=(4.6 * n_panels, 4.2), squeeze=False,
                               sharex=True, sharey=True)
        axes = axes[0]
    else:
        axes = np.atleast_1d(ax)
        if len(axes) < n_panels:
            raise ValueError(f"this plot needs {n_panels} axes (got {len(axes)})")
    names = {en: (zh if lang == "zh" else en) for _, en, zh in spec["types"]}
    cell_color = {(True, True): "#2e7d32", (True, False): "#f9a825", (False, True): "#1565c0",
                  (False, False): "#c62828"}
    colors = {en: cell_color[cell] for cell, en, _ in spec["types"]}
    xs, ys = resp[x].to_numpy(), resp[y].to_numpy()
    pad_x, pad_y = 0.05 * (np.ptp(xs) or 1), 0.05 * (np.ptp(ys) or 1)
    lo_x, hi_x, lo_y, hi_y = xs.min() - pad_x, xs.max() + pad_x, ys.min() - pad_y, ys.max() + pad_y
    corners = {(True, True): (hi_x, hi_y, "right", "top"),
               (True, False): (hi_x, lo_y, "right", "bottom"),
               (False, True): (lo_x, hi_y, "left", "top"),
               (False, False): (lo_x, lo_y, "left", "bottom")}
    palette = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["k"])
    for k, g in enumerate(groups):
        a = axes[k]
        part = resp[resp["group"] == g]
        for _, en, _ in spec["types"]:
            sel = part[part["type"] == en]
            a.scatter(sel[x], sel[y], s=12, alpha=0.55, color=colors[en], label=names[en])
        a.axvline(attrs["x_cut"], color="grey", ls="--", lw=1)
        a.axhline(attrs["y_cut"], color="grey", ls="--", lw=1)
        for cell, en, _ in spec["types"]:
            cx, cy, ha, va = corners[cell]
            share = table.loc[(table["group"] == g) & (table["type"] == en), "share"]
            a.text(cx, cy, f"{names[en]}\n{float(share.iloc[0]):.0%}", ha=ha, va=va,
                   fontsize=9, color=colors[en], fontweight="bold",
                   bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})
        if curves is not None:
            _draw_curve(a, curves[curves["group"] == g], color="black")
        a.set_title(f"{attrs['group']} = {g}" if attrs["group"] else "all respondents")
        a.set_xlabel(f"{spec['x_label']} ({x})")
        a.set_xlim(lo_x, hi_x)
        a.set_ylim(lo_y, hi_y)
    axes[0].set_ylabel(f"{spec['y_label']} ({y})")
    if overlay:
        a = axes[len(groups)]
        for k, g in enumerate(groups):
            _draw_curve(a, curves[curves["group"] == g], color=palette[k % len(palette)],
                        label=f"{attrs['group']} = {g}")
        a.axvline(attrs["x_cut"], color="grey", ls="--", lw=1)
        a.axhline(attrs["y_cut"], color="grey", ls="--", lw=1)
        a.set_title("loyalty = f(satisfaction) per group")
        a.set_xlabel(f"{spec['x_label']} ({x})")
        a.legend(frameon=False, fontsize=8)
    return axes if len(axes) > 1 else axes[0]


def _draw_curve(ax, row: pd.DataFrame, color, label=None):
    if row.empty or not np.isfinite(row["b2"].iloc[0]):
        return
    r = row.iloc[0]
    s = np.linspace(r["x_min"], r["x_max"], 100)
    ax.plot(s, r["b0"] + r["b1"] * s + r["b2"] * s ** 2, color=color, lw=2,
            label=label or f"quadratic fit (b2 = {r['b2']:.2f})")
