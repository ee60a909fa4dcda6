"""Reference numbers for relqual's higher-order constructs in PLS (issue 13), from seminr 0.2.1.

The companion of ``pls_reference.py`` (same generator, same conventions: see its docstring), for
the second-order model ``relationship_quality_second_order`` of relqual's library (RQ over SAT,
TR, AC and CF; LOY ~ RQ; WOM ~ RQ) on tests/reference/pls_data/rq_second_order.csv, 400
five-point answers drawn from the model's population by relqual (the bundled survey has no
loyalty or word-of-mouth items; the file is committed, so this script reads it as it is):

    rq.simulate(rq.models.load("relationship_quality_second_order"), n=400, seed=13, likert=5)

Cases:

    two_stage   seminr's ``higher_composite("RQ", c("SAT", "TR", "AC", "CF"), method =
                two_stage)``: stage 1 replaces RQ by its dimensions (LOY ~ SAT + TR + AC + CF,
                WOM ~ the same), stage 2 measures RQ (Mode A) by the stage-1 scores
    repeated    the repeated-indicators approach (Becker, Klein & Wetzels 2012; Sarstedt et al.
                2019): RQ is a Mode A composite of all sixteen dimension items, with paths
                RQ -> SAT, TR, AC, CF (the higher-order loadings) and RQ -> LOY, WOM

and the same two with PLSc (``two_stage_plsc``, ``repeated_plsc``: seminr's ``reflective()``
first-order constructs, and for repeated indicators a reflective RQ). Each case carries the
paths, weights, loadings, R², reliability and HTMT (seminr's combined first- and second-stage
matrices for two_stage; the stage-1 paths as ``stage1_paths``), and the PLS cases a bootstrap
with replayed indices (B = 100, ``numpy.random.default_rng(2024).integers(0, n, size=(B, n))``,
0-based rows of the listwise data), each draw estimated with seminr's ``estimate_pls``.

Run from the repository root: ``/tmp/seminr-venv/bin/python tests/reference/pls_hoc_reference.py``
(writes tests/reference/pls_hoc.json; deterministic, a few seconds).
"""
from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import tomllib
from seminr import (
    composite,
    constructs,
    higher_composite,
    mode_A,
    paths,
    reflective,
    relationships,
)
from seminr.evaluate import htmt, reliability_table
from seminr_common import bootstrap, clean, estimate

ROOT = Path(__file__).resolve().parents[2]
OUT_FILE = ROOT / "tests" / "reference" / "pls_hoc.json"
RQ_CSV = ROOT / "tests" / "reference" / "pls_data" / "rq_second_order.csv"
RQ_TOML = ROOT / "models" / "relationship_quality_second_order.toml"

DIMENSIONS = {"SAT": ["sat1", "sat2", "sat3", "sat4"], "TR": ["tr1", "tr2", "tr3", "tr4"],
              "AC": ["ac1", "ac2", "ac3", "ac4"], "CF": ["cf1", "cf2", "cf3", "cf4"]}
OUTCOMES = {"LOY": ["loy1", "loy2", "loy3", "loy4"], "WOM": ["wom1", "wom2", "wom3"]}
ITEMS = [i for block in (*DIMENSIONS.values(), *OUTCOMES.values()) for i in block]


def first_order(plsc: bool):
    """The first-order constructs: Mode A composites, or (PLSc) seminr's reflective ones."""
    return [reflective(c, items) if plsc else composite(c, items, weights=mode_A)
            for c, items in {**DIMENSIONS, **OUTCOMES}.items()]


def two_stage_model(plsc: bool = False):
    mm = constructs(*first_order(plsc),
                    higher_composite("RQ", list(DIMENSIONS), method="two_stage", weights=mode_A))
    sm = relationships(paths(from_="RQ", to=["LOY", "WOM"]))
    return mm, sm


def repeated_model(plsc: bool = False):
    repeated = [i for block in DIMENSIONS.values() for i in block]
    mm = constructs(*first_order(plsc),
                    reflective("RQ", repeated) if plsc else
                    composite("RQ", repeated, weights=mode_A))
    sm = relationships(paths(from_="RQ", to=[*DIMENSIONS, "LOY", "WOM"]))
    return mm, sm


def measurement(m) -> list[dict]:
    """Every nonzero entry of an item x construct matrix (weights or loadings; seminr lists a
    repeated indicator's row twice, with the same values)."""
    rows = list(dict.fromkeys(m.rows))
    return [{"construct": c, "item": r, "est": clean(m.get(r, c))}
            for c in m.cols for r in rows if m.get(r, c) != 0]


def path_list(model) -> list[dict]:
    pc = model.path_coef
    return [{"from": a, "to": b, "est": clean(pc.get(a, b))}
            for a in pc.rows for b in pc.cols if pc.get(a, b) != 0]


def results(model) -> dict:
    out = {"paths": path_list(model), "weights": measurement(model.outer_weights),
           "loadings": measurement(model.outer_loadings),
           "r2": {c: clean(model.r_squared.get("Rsq", c)) for c in model.r_squared.cols},
           "iterations": model.iterations, "reliability": reliability(model),
           "htmt": named_matrix(htmt(model))}
    if model.first_stage_model is not None:
        out["stage1_paths"] = path_list(model.first_stage_model)
    return out


def reliability(model) -> dict:
    """seminr's reliability table (a two-stage model: the dimensions' rows from stage 1)."""
    rel = reliability_table(model)
    return {c: {"alpha": clean(rel.get(c, "alpha")), "rho_a": clean(rel.get(c, "rhoA")),
                "rho_c": clean(rel.get(c, "rhoC")), "ave": clean(rel.get(c, "AVE"))}
            for c in rel.rows}


def named_matrix(m) -> dict:
    return {"rownames": list(m.rows), "colnames": list(m.cols),
            "data": [[clean(m.get(r, c)) for c in m.cols] for r in m.rows]}


def main() -> None:
    raw = pd.read_csv(RQ_CSV)
    keep = ~raw[ITEMS].isna().any(axis=1)
    data = raw.loc[keep, ITEMS].astype(float).reset_index(drop=True)
    cases = {}
    for name, build, plsc, note in (
            ("two_stage", two_stage_model, False, "higher_composite('RQ', dims, "
             "method=two_stage, weights=mode_A); paths RQ -> LOY, WOM"),
            ("repeated", repeated_model, False, "composite('RQ', all 16 dimension items, "
             "mode_A); paths RQ -> SAT, TR, AC, CF, LOY, WOM"),
            ("two_stage_plsc", two_stage_model, True, "as two_stage with reflective() first-order "
             "constructs (PLSc)"),
            ("repeated_plsc", repeated_model, True, "as repeated with every construct "
             "reflective() (PLSc)")):
        mm, sm = build(plsc)
        model = estimate(data, mm, sm)
        cases[name] = {"seminr_model": note, "estimator": "PLSc" if plsc else "PLS",
                       "results": results(model)}
        if not plsc:
            cases[name]["bootstrap"] = bootstrap(data, mm, sm, results)
    out = {"generator": f"seminr {version('seminr')} (reference generator only)",
           "library_model": "relationship_quality_second_order",
           "syntax": tomllib.loads(RQ_TOML.read_text(encoding="utf-8"))["syntax"],
           "data": {"file": "tests/reference/pls_data/rq_second_order.csv", "n_rows": len(raw),
                    "n_used": len(data), "missing": "listwise on the model's items"},
           "cases": cases}
    OUT_FILE.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
