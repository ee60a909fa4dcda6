"""Holzinger-Swineford with the nine test scores cut into ordered categories.

Rule: for each score x1..x9, category = 1 + the number of its cut points that the score exceeds,
the cut points being the score's 20th, 50th and 80th percentiles (numpy.quantile, linear
interpolation; a score equal to a cut point stays in the lower category). Coarser versions for
items with different numbers of categories: b1 = 2 if x1 >= 3 else 1, b2 = 2 if x2 == 4 else 1,
b3 = 2 if x3 >= 2 else 1 (binary), and c4, c5, c6 = x4, x5, x6 with categories 2 and 3 merged
(1, 2, 3). id, sex, ageyr, agemo, school and grade are copied unchanged. Deterministic. Writes
data/holzinger_swineford_ordinal.csv (used by the WLSMV reference cases hs_wlsmv, hs_mg_wlsmv
and hs_mixed_wlsmv).
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
    out["b1"] = np.where(out["x1"] >= 3, 2, 1)
    out["b2"] = np.where(out["x2"] == 4, 2, 1)
    out["b3"] = np.where(out["x3"] >= 2, 2, 1)
    for i in (4, 5, 6):
        out[f"c{i}"] = out[f"x{i}"].map({1: 1, 2: 2, 3: 2, 4: 3})
    out.to_csv(HERE / "holzinger_swineford_ordinal.csv", index=False)
    for name in SCORES + ["b1", "b2", "b3", "c4", "c5", "c6"]:
        print(name, np.bincount(out[name])[1:].tolist())


if __name__ == "__main__":
    main()
