"""Reference numbers for relqual's PLS interaction terms (issue 13), from seminr 0.2.1.

The companion of ``pls_reference.py`` (same conventions): the moderated model

    SAT =~ sat1..sat4; TR =~ tr1..tr4; CF =~ cf1..cf4; AC =~ ac1..ac4
    AC ~ SAT + TR + CF + SAT:TR

on the bundled relationship-quality survey (data/relationship_quality.csv, listwise on the
model's items), with seminr's ``interaction_term("SAT", "TR", method = two_stage)`` (stage 1
without the interaction gives the construct scores, the interaction is the single item
product of the SAT and TR scores in stage 2). Mode A composites, path weighting, max_it 300,
stop criterion 1e-7. The case carries the paths, weights, loadings, R², seminr's reliability
table and HTMT (the interaction term a single-item construct in both), and a bootstrap with
replayed indices (B = 100, ``numpy.random.default_rng(2024).integers(0, n, size=(B, n))``,
0-based rows of the listwise data), each draw estimated with seminr's ``estimate_pls``.

Run from the repository root: ``/tmp/seminr-venv/bin/python
tests/reference/pls_interaction_reference.py`` (writes tests/reference/pls_interaction.json).
"""
from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from seminr import (
    composite,
    constructs,
    interaction_term,
    mode_A,
    paths,
    relationships,
    two_stage,
)
from seminr.evaluate import htmt, reliability_table
from seminr_common import bootstrap, clean, estimate

ROOT = Path(__file__).resolve().parents[2]
OUT_FILE = ROOT / "tests" / "reference" / "pls_interaction.json"
CSV = ROOT / "data" / "relationship_quality.csv"
BLOCKS = {c: [f"{c.lower()}{k}" for k in range(1, 5)] for c in ("SAT", "TR", "CF", "AC")}
ITEMS = [i for block in BLOCKS.values() for i in block]
SYNTAX = ("SAT =~ sat1 + sat2 + sat3 + sat4; TR =~ tr1 + tr2 + tr3 + tr4; "
          "CF =~ cf1 + cf2 + cf3 + cf4; AC =~ ac1 + ac2 + ac3 + ac4; "
          "AC ~ SAT + TR + CF + SAT:TR")


def model():
    mm = constructs(*[composite(c, items, weights=mode_A) for c, items in BLOCKS.items()],
                    interaction_term("SAT", "TR", method=two_stage))
    sm = relationships(paths(from_=["SAT", "TR", "CF", "SAT*TR"], to="AC"))
    return mm, sm


def relqual_name(name: str) -> str:
    """seminr's interaction names (construct ``SAT*TR``, item ``SAT*TR_intxn``) as relqual's."""
    return name.removesuffix("_intxn").replace("*", ":")


def measurement(m) -> list[dict]:
    return [{"construct": relqual_name(c), "item": relqual_name(r), "est": clean(m.get(r, c))}
            for c in m.cols for r in m.rows if m.get(r, c) != 0]


def results(fit) -> dict:
    pc = fit.path_coef
    return {"paths": [{"from": relqual_name(a), "to": b, "est": clean(pc.get(a, b))}
                      for a in pc.rows for b in pc.cols if pc.get(a, b) != 0],
            "weights": measurement(fit.outer_weights),
            "loadings": measurement(fit.outer_loadings),
            "r2": {c: clean(fit.r_squared.get("Rsq", c)) for c in fit.r_squared.cols},
            "iterations": fit.iterations}


def assessment(fit) -> dict:
    """seminr's reliability table and HTMT matrix (upper triangle) of the full-sample fit."""
    rel, h = reliability_table(fit), htmt(fit)
    return {"reliability": {relqual_name(c): {"alpha": clean(rel.get(c, "alpha")),
                                              "rho_a": clean(rel.get(c, "rhoA")),
                                              "rho_c": clean(rel.get(c, "rhoC")),
                                              "ave": clean(rel.get(c, "AVE"))}
                            for c in rel.rows},
            "htmt": {"rownames": [relqual_name(c) for c in h.rows],
                     "colnames": [relqual_name(c) for c in h.cols],
                     "data": [[clean(h.get(r, c)) for c in h.cols] for r in h.rows]}}


def main() -> None:
    raw = pd.read_csv(CSV)
    keep = ~raw[ITEMS].isna().any(axis=1)
    data = raw.loc[keep, ITEMS].astype(float).reset_index(drop=True)
    mm, sm = model()
    fit = estimate(data, mm, sm)
    case = {"seminr_model": "composite() Mode A blocks, interaction_term('SAT', 'TR', "
            "method=two_stage); paths SAT, TR, CF, SAT*TR -> AC", "interaction": "two_stage",
            "results": {**results(fit), **assessment(fit)},
            "bootstrap": bootstrap(data, mm, sm, results)}
    out = {"generator": f"seminr {version('seminr')} (reference generator only)",
           "syntax": SYNTAX,
           "data": {"file": "data/relationship_quality.csv", "n_rows": len(raw),
                    "n_used": len(data), "missing": "listwise on the model's items"},
           "cases": {"two_stage": case}}
    OUT_FILE.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
