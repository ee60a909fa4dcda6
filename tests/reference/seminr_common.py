"""What the seminr reference scripts share (pls_hoc_reference.py, pls_interaction_reference.py):
seminr's estimation with the settings relqual uses and the replayed-index bootstrap.

Run with the seminr 0.2.1 venv (a reference generator only; relqual never imports seminr).
"""
from __future__ import annotations

import math

import numpy as np
from seminr import estimate_pls, na_omit, path_weighting

N_BOOT = 100
BOOT_SEED = 2024


def clean(x):
    """A JSON number, None for a missing or NaN value."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def estimate(data, mm, sm):
    """seminr's PLS fit: path weighting, listwise, 300 iterations, stop at 1e-7."""
    return estimate_pls(data, mm, sm, inner_weights=path_weighting, missing=na_omit,
                        max_it=300, stop_criterion=7)


def bootstrap(data, mm, sm, results) -> dict:
    """Bootstrap means and SDs of ``results(fit)``'s paths, weights and loadings over N_BOOT
    resamples whose 0-based row indices are recorded, so relqual can replay them."""
    n = len(data)
    indices = np.random.default_rng(BOOT_SEED).integers(0, n, size=(N_BOOT, n))
    draws = [results(estimate(data.iloc[rows].reset_index(drop=True), mm, sm))
             for rows in indices]
    out = {}
    for key in ("paths", "weights", "loadings"):
        est = np.array([[r["est"] for r in d[key]] for d in draws])
        out[key] = [dict(rec, boot_mean=float(m), boot_sd=float(s))
                    for rec, m, s in zip(draws[0][key], est.mean(0), est.std(0, ddof=1))]
        for rec in out[key]:
            del rec["est"]
    return {"B": N_BOOT, "generator": f"numpy.random.default_rng({BOOT_SEED}).integers(0, n, "
            "size=(B, n))", "indices_base": 0, **out, "indices": indices.tolist()}
