"""Figures of a fitted interaction (matplotlib, imported only when a figure is drawn).

:func:`plot_interaction` draws the predicted outcome against the focal predictor at moderator
values (``res.plot_interaction()``); :func:`plot_johnson_neyman` draws the simple slope and its
confidence band across the moderator with the Johnson-Neyman bounds
(``res.plot_johnson_neyman()``). The numbers come from :mod:`relqual.interaction`.
"""
from __future__ import annotations

import numpy as np

from .conventions import CI_LEVEL
from .fonts import use_fonts
from .interaction import default_term, interaction_lines, johnson_neyman, simple_slopes


def _finish(ax, path, dpi=150):
    use_fonts(ax.figure)
    if path is not None:
        ax.figure.savefig(path, dpi=dpi, facecolor="white", bbox_inches="tight")
    return ax


def plot_interaction(result, focal: str | None = None, moderator: str | None = None, at=None,
                     outcome: str | None = None, path=None, ax=None):
    """Simple-slopes plot: the predicted outcome against ``focal`` (mean +- 2 SD) at moderator
    values (default mean - 1 SD, mean, mean + 1 SD), with each slope and its p-value.

    Parameters
    ----------
    result : Result
        A fit with an interaction term.
    focal, moderator : str, optional
        Default: the factors of the first interaction term.
    at : sequence of float, optional
        Moderator values.
    outcome : str, optional
        The outcome, when the term predicts several.
    path : str, optional
        Save the figure there (PNG, SVG, PDF).
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure by default).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> ax = plot_interaction(res)
    >>> ax.get_xlabel(), len(ax.get_lines())
    ('x7', 3)
    """
    import matplotlib.pyplot as plt

    focal, moderator = default_term(result, focal, moderator)
    data = interaction_lines(result, focal, moderator, at=at, outcome=outcome)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    styles = ["--", "-", ":", "-."]
    slopes = data["slopes"]
    for k, (label, values) in enumerate(data["lines"].items()):
        if label in slopes.index:
            row = slopes.loc[label]
            text = (f"{moderator} = {label} ({row['moderator_value']:.2f}): slope "
                    f"{row['est']:.3f}, p = {row['pvalue']:.3f}")
        else:
            text = label
        ax.plot(data["x"], values, styles[k % len(styles)], color="#1f3b5c", lw=1.8, label=text)
    ax.set_xlabel(focal)
    ax.set_ylabel(f"predicted {data['outcome']}" + ("" if data["intercept"] else
                                                     " (up to its intercept)"))
    ax.set_title(f"{data['outcome']}: effect of {focal} at values of {moderator}")
    ax.legend(frameon=False, fontsize=8)
    return _finish(ax, path)


def plot_johnson_neyman(result, focal: str | None = None, moderator: str | None = None,
                        crit: str = "normal", outcome: str | None = None, path=None, ax=None):
    """Johnson-Neyman plot: the simple slope of ``focal`` across the moderator (mean +- 3 SD)
    with its confidence band, the region where it is significant shaded, and the bounds.

    Parameters
    ----------
    result : Result
    focal, moderator : str, optional
        Default: the factors of the first interaction term.
    crit : {"normal", "t"}
        The critical value (see :func:`relqual.interaction.johnson_neyman`).
    outcome : str, optional
    path : str, optional
        Save the figure there.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("x9 ~ x7 + x8 + x7:x8", rq.datasets.load("holzinger_swineford"))
    >>> ax = plot_johnson_neyman(res)
    >>> ax.get_xlabel()
    'x8'
    """
    import matplotlib.pyplot as plt

    focal, moderator = default_term(result, focal, moderator)
    jn = johnson_neyman(result, focal, moderator, crit=crit, outcome=outcome, level=CI_LEVEL)
    lo, hi = jn["range"]
    finite = [b for b in (jn["lower"], jn["upper"]) if np.isfinite(b)]
    lo, hi = min([lo] + finite), max([hi] + finite)
    grid = np.linspace(lo, hi, 200)
    table = simple_slopes(result, focal, moderator, at=grid, outcome=outcome, level=CI_LEVEL)
    c = jn["critical_value"]
    est, se = table["est"].to_numpy(), table["se"].to_numpy()
    low, high = est - c * se, est + c * se
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    significant = (low > 0) | (high < 0)
    ax.fill_between(grid, low, high, color="#9bb7d4", alpha=0.5,
                    label=f"{int(100 * CI_LEVEL)}% confidence band")
    ax.fill_between(grid, low, high, where=significant, color="#1f3b5c", alpha=0.25,
                    label="slope significant")
    ax.plot(grid, est, color="#1f3b5c", lw=1.8, label=f"slope of {focal}")
    ax.axhline(0, color="grey", lw=0.8)
    for bound in finite:
        if lo <= bound <= hi:
            ax.axvline(bound, color="#c0392b", ls="--", lw=1.2)
            ax.text(bound, 0.02, f" {bound:.3f}", transform=ax.get_xaxis_transform(),
                    ha="left", va="bottom", fontsize=8, color="#c0392b")
    ax.set_xlabel(moderator)
    ax.set_ylabel(f"slope of {focal} on {jn['outcome']}")
    ax.set_title(f"Johnson-Neyman: significant {jn['significant']}"
                 + (f" [{jn['lower']:.3f}, {jn['upper']:.3f}]" if finite else ""))
    ax.legend(frameon=False, fontsize=8)
    return _finish(ax, path)
