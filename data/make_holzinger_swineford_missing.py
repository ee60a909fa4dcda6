"""Holzinger-Swineford with about 5% of the nine test scores deleted completely at random.

Deterministic (seed 20261123): each of the 301 x 9 score cells is set missing with probability
0.05; id, sex, ageyr, agemo, school and grade are copied unchanged. Writes
data/holzinger_swineford_missing.csv (used by the FIML and MLR reference cases).
"""
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SCORES = [f"x{i}" for i in range(1, 10)]


def main() -> None:
    data = pd.read_csv(HERE / "holzinger_swineford.csv")
    rng = np.random.default_rng(20261123)
    mask = rng.random((len(data), len(SCORES))) < 0.05
    scores = data[SCORES].to_numpy(dtype=float)
    scores[mask] = np.nan
    out = data.copy()
    out[SCORES] = scores
    out.to_csv(HERE / "holzinger_swineford_missing.csv", index=False, float_format="%.10g")
    print(f"{mask.sum()} of {mask.size} cells missing ({mask.mean():.1%}); "
          f"{(~mask.any(axis=1)).sum()} complete rows")


if __name__ == "__main__":
    main()
