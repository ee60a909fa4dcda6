"""Holzinger-Swineford with the nine test scores cut into four ordered categories.

Rule: for each score x1..x9, category = 1 + the number of its cut points that the score exceeds,
the cut points being the score's 20th, 50th and 80th percentiles (numpy.quantile, linear
interpolation; a score equal to a cut point stays in the lower category). id, sex, ageyr, agemo,
school and grade are copied unchanged. Deterministic. Writes data/holzinger_swineford_ordinal.csv
(used by the WLSMV reference case hs_wlsmv).
"""
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SCORES = [f"x{i}" for i in range(1, 10)]
PERCENTILES = (0.2, 0.5, 0.8)


def main() -> None:
    data = pd.read_csv(HERE / "holzinger_swineford.csv")
    out = data.copy()
    out["grade"] = data["grade"].astype("Int64")     # keep 7 / 8 (one value is missing)
    for name in SCORES:
        x = data[name].to_numpy(dtype=float)
        cuts = np.quantile(x, PERCENTILES)
        out[name] = 1 + (x[:, None] > cuts[None, :]).sum(axis=1)
    out.to_csv(HERE / "holzinger_swineford_ordinal.csv", index=False)
    for name in SCORES:
        print(name, np.bincount(out[name])[1:].tolist())


if __name__ == "__main__":
    main()
