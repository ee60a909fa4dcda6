"""Importance-performance map analysis (IPMA) at the indicator level, and the IPMA plot.

Ringle, C. M. & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the
importance-performance map analysis. *Industrial Management & Data Systems* 116(9), 1865-1886.

Every construct's 0-100 score is a weighted sum of its items rescaled to 0-100 with the
theoretical ``scale`` (weights: the unstandardized outer weights normalized to sum 1,
:func:`relqual.plsmeasures.index_weights`). The construct-level map
(:func:`relqual.plsmeasures.ipma_table`) plots a construct's *importance*, its unstandardized
total effect on the target construct estimated from those scores, against its *performance*, its
mean 0-100 score. At the indicator level (Ringle & Sarstedt 2016, p. 1873) an item's importance
is its normalized weight times its construct's total effect on the target (the change of the
target's 0-100 score when the item's 0-100 score rises by one point) and its performance is the
item's mean 0-100 score.

The plot marks the means of the plotted importances and performances with dashed lines, which
split the map into the four quadrants Ringle & Sarstedt read it by: the lower right (high
importance, low performance) holds the priorities for improvement.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .i18n import lang_of
from .plsmeasures import _check_scale, index_weights, ipma_table

LABELS = {"en": ("Importance (total effect on {target})", "Performance (0\u2013100)",
                 "Importance-performance map of {target}"),
          "zh": ("重要性（对 {target} 的总效应）", "绩效（0\u2013100）",
                 "{target} 的重要性-绩效矩阵")}


def ipma_indicators(result, target: str, scale=(1, 5)) -> pd.DataFrame:
    """Indicator-level IPMA of ``target``: every item of a construct with an effect on it.

    Parameters
    ----------
    result : relqual.result.Result
        A PLS fit.
    target : str
        The target construct.
    scale : tuple of float
        The items' theoretical answer range (lowest, highest).

    Returns
    -------
    DataFrame
        ``construct indicator weight importance performance``: the normalized unstandardized
        weight, weight x the construct's total effect on ``target``, and the item's mean 0-100
        score.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")           # 63 rows with missing answers
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> table = ipma_indicators(res, "AC")
    >>> table.head(3).round(3)
      construct indicator  weight  importance  performance
    0        CF       cf1   0.271       0.095       62.709
    1        CF       cf2   0.261       0.091       61.732
    2        CF       cf3   0.255       0.089       63.361
    >>> bool(np.isclose(table.query("construct == 'CF'")["importance"].sum(),
    ...                 res.ipma("AC").set_index("construct").loc["CF", "importance"]))
    True
    """
    constructs = ipma_table(result, target, scale).set_index("construct")["importance"]
    lo, hi = _check_scale(scale)
    model = result.problem.pls["model"]
    raw = result.problem.data.arrays[0]
    mean = dict(zip(model.indicators, ((raw - lo) / (hi - lo) * 100.0).mean(axis=0)))
    weights = index_weights(result)
    weights = weights[weights["construct"].isin(constructs.index)]
    table = pd.DataFrame({"construct": weights["construct"].to_numpy(),
                          "indicator": weights["item"].to_numpy(),
                          "weight": weights["weight"].to_numpy()})
    table["importance"] = table["weight"] * table["construct"].map(constructs).to_numpy()
    table["performance"] = table["indicator"].map(mean).astype(float)
    table.attrs.update(target=target, scale=tuple(scale))
    return table


def plot_ipma(result, target: str, scale=(1, 5), level: str = "construct", ax=None,
              lang: str = "en"):
    """The importance-performance map: importance on x, performance (0-100) on y, a label per
    point and dashed lines at the mean importance and mean performance (the quadrants).

    Parameters
    ----------
    result, target, scale
        As :func:`ipma_indicators`.
    level : {"construct", "indicator"}
        Map the constructs (:meth:`relqual.result.Result.ipma`) or their items
        (:func:`ipma_indicators`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure by default).
    lang : {"en", "zh"}
        Axis labels and title.

    Returns
    -------
    matplotlib.axes.Axes
        With the plotted table in ``ax.ipma_table``.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
    ...                  estimator="PLS")
    >>> ax = plot_ipma(res, "AC")
    >>> [t.get_text() for t in ax.texts]
    ['CF', 'SAT', 'TR']
    >>> ax.get_xlabel()
    'Importance (total effect on AC)'
    """
    import matplotlib.pyplot as plt

    from .fonts import use_fonts

    if level not in ("construct", "indicator"):
        raise ValueError(f"unknown IPMA level '{level}'; use 'construct' or 'indicator'")
    if level == "construct":
        table = ipma_table(result, target, scale)
        labels = table["construct"]
    else:
        table = ipma_indicators(result, target, scale)
        labels = table["indicator"]
    x_label, y_label, title = LABELS["zh" if lang_of(lang) == "zh" else "en"]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.5))
    ax.scatter(table["importance"], table["performance"], color="#1f4e79", zorder=3)
    for label, x, y in zip(labels, table["importance"], table["performance"]):
        ax.annotate(str(label), (x, y), textcoords="offset points", xytext=(5, 4), fontsize=9)
    ax.axvline(table["importance"].mean(), color="#6b6b6b", linestyle="--", linewidth=1)
    ax.axhline(table["performance"].mean(), color="#6b6b6b", linestyle="--", linewidth=1)
    ax.set_xlabel(x_label.format(target=target))
    ax.set_ylabel(y_label)
    ax.set_title(title.format(target=target))
    low, high = float(np.min(table["performance"])), float(np.max(table["performance"]))
    ax.set_ylim(max(0.0, low - 10.0), min(100.0, high + 10.0))
    use_fonts(ax.figure)                       # Chinese labels and construct names
    ax.ipma_table = table
    return ax
