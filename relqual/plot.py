"""Figures made with matplotlib (imported only when a figure is drawn)."""
from __future__ import annotations

import numpy as np


def plot_bootstrap_effect(result, path: str | None = None, draws: int = 1000, seed=None,
                          standardized: bool = False, boot_ci: str = "perc", ax=None):
    """Histogram of the bootstrap draws of one effect, with the estimate and its interval.

    ``path`` names the effect as in ``res.effects()["path"]`` (e.g. "SAT -> AC -> CC"); by
    default the first specific indirect effect. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    table = result.effects(ci="bootstrap", n=draws, seed=seed, boot_ci=boot_ci)
    effects = table[table["effect"] != "defined"].reset_index(drop=True)
    if path is None:
        candidates = np.flatnonzero(effects["effect"] == "indirect")
        if len(candidates) == 0:
            raise ValueError("the model has no indirect effect to plot")
        k = int(candidates[0])
    else:
        matches = np.flatnonzero(effects["path"] == path)
        if len(matches) == 0:
            raise ValueError(f"no effect with path '{path}'; choose one of "
                             f"{[p for p in effects['path'] if p]}")
        k = int(matches[0])
    boot = result.bootstrap(draws, seed=seed)
    values = boot.block("effects_std" if standardized else "effects")[:, k]
    row = effects.iloc[k]
    est = row["std_all"] if standardized else row["est"]
    lo, hi = ((row["std_all_ci_lower"], row["std_all_ci_upper"]) if standardized
              else (row["ci_lower"], row["ci_upper"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    ax.hist(values, bins=40, color="#9bb7d4", edgecolor="white")
    ax.axvline(est, color="#1f3b5c", lw=2, label=f"estimate {est:.3f}")
    for bound in (lo, hi):
        ax.axvline(bound, color="#c0392b", ls="--", lw=1.5)
    ax.axvline(0, color="grey", lw=0.8)
    label = "standardized " if standardized else ""
    ax.set_title(f"{row['path']}: {label}indirect effect")
    ax.set_xlabel(f"{boot_ci} {int(100 * 0.95)}% interval [{lo:.3f}, {hi:.3f}]; "
                  f"{len(values)} resamples")
    ax.set_ylabel("resamples")
    ax.legend(frameon=False)
    return ax
