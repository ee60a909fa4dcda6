"""Reference numbers for relqual's PLS interaction terms by product indicators (issue 13), from
seminr 0.2.1.

The companion of ``pls_interaction_reference.py`` (same model, data, settings and replayed
bootstrap): the moderated model

    SAT =~ sat1..sat4; TR =~ tr1..tr4; CF =~ cf1..cf4; AC =~ ac1..ac4
    AC ~ SAT + TR + CF + SAT:TR

on the bundled relationship-quality survey (listwise on the model's items), with seminr's
``interaction_term("SAT", "TR", method = product_indicator)`` (the interaction construct
measured by the 16 products of the standardized SAT and TR items, Mode A) and
``method = orthogonal`` (those products replaced by their residuals on the SAT and TR items).
seminr names a product item ``sat1*tr1`` and the construct ``SAT*TR``; relqual's names are
``sat1:tr1`` and ``SAT:TR``. Each case carries the paths, weights, loadings, R², seminr's
reliability table and HTMT, and a bootstrap with replayed indices (B = 100,
``numpy.random.default_rng(2024).integers(0, n, size=(B, n))``, 0-based rows of the listwise
data, stored once as ``bootstrap_indices``; the products are rebuilt in every resample, as
seminr does).

Run from the repository root: ``/tmp/seminr-venv/bin/python
tests/reference/pls_interaction_products_reference.py`` (writes
tests/reference/pls_interaction_products.json).
"""
from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from pls_interaction_reference import BLOCKS, CSV, ITEMS, SYNTAX, assessment, results
from seminr import (
    composite,
    constructs,
    interaction_term,
    mode_A,
    orthogonal,
    paths,
    product_indicator,
    relationships,
)
from seminr_common import bootstrap, estimate

ROOT = Path(__file__).resolve().parents[2]
OUT_FILE = ROOT / "tests" / "reference" / "pls_interaction_products.json"
METHODS = {"product_indicator": product_indicator, "orthogonal": orthogonal}


def model(method):
    mm = constructs(*[composite(c, items, weights=mode_A) for c, items in BLOCKS.items()],
                    interaction_term("SAT", "TR", method=method))
    sm = relationships(paths(from_=["SAT", "TR", "CF", "SAT*TR"], to="AC"))
    return mm, sm


def main() -> None:
    raw = pd.read_csv(CSV)
    keep = ~raw[ITEMS].isna().any(axis=1)
    data = raw.loc[keep, ITEMS].astype(float).reset_index(drop=True)
    cases = {}
    for name, method in METHODS.items():
        mm, sm = model(method)
        fit = estimate(data, mm, sm)
        cases[name] = {"seminr_model": "composite() Mode A blocks, interaction_term('SAT', "
                       f"'TR', method={name}); paths SAT, TR, CF, SAT*TR -> AC",
                       "interaction": name, "results": {**results(fit), **assessment(fit)},
                       "bootstrap": bootstrap(data, mm, sm, results)}
    indices = [case["bootstrap"].pop("indices") for case in cases.values()]
    assert all(i == indices[0] for i in indices)           # the same resamples for every case
    out = {"generator": f"seminr {version('seminr')} (reference generator only)",
           "syntax": SYNTAX, "bootstrap_indices": indices[0],
           "data": {"file": "data/relationship_quality.csv", "n_rows": len(raw),
                    "n_used": len(data), "missing": "listwise on the model's items"},
           "cases": cases}
    OUT_FILE.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
