"""PROCESS reference values from the PyPI package pyprocessmacro 2.2.0 (issue 14).

A reference generator only: pyprocessmacro is never imported by relqual and none of its code
is copied. It runs in its own virtual environment:

    python3 -m venv /tmp/process-venv
    /tmp/process-venv/bin/pip install pyprocessmacro==2.2.0
    /tmp/process-venv/bin/python tests/reference/process_reference.py [OUT_JSON]

(from the repository root; default OUT_JSON tests/reference/process.json). The data are
composite scores (row means of the items, rows with a missing item dropped) of the bundled
``value_satisfaction_loyalty`` survey: value (vf1-vf3), emo (ve1-ve3), sat (sat1-sat4), loy
(loy1-loy4), fair (fair1-fair3), sac (sac1-sac3) and the covariate pq (pq1-pq4);
tests/test_process.py builds the same frame. For each PROCESS model (numbered as PROCESS 3
and later; pyprocessmacro follows PROCESS 2.16's letters: the moderator of models 1-3 is its
``m``, the second one its ``w``, the moderator of models 14-15 its ``v``) the script records
``tidy()`` (coefficients, direct, conditional indirect effects, index of moderated mediation),
``glance()`` (R², MSE, F) and, where the direct effect is moderated, the floodlight
(Johnson-Neyman) regions of the direct effect within the moderator's range. Options: percentile
bootstrap intervals (``percent=True``), 5,000 draws, ``spotlight="percentiles"`` (PROCESS 3+)
unless a case says otherwise, standard (or HC3) OLS covariances.
"""
import json
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from pyprocessmacro import Process

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "reference" / "process.json"
COMPOSITES = {"value": ("vf", 3), "emo": ("ve", 3), "sat": ("sat", 4), "loy": ("loy", 4),
              "fair": ("fair", 3), "sac": ("sac", 3), "pq": ("pq", 4)}


def composite_frame() -> pd.DataFrame:
    raw = pd.read_csv(ROOT / "data" / "value_satisfaction_loyalty.csv")
    frame = pd.DataFrame({name: raw[[f"{p}{i}" for i in range(1, k + 1)]].mean(axis=1,
                                                                                skipna=False)
                          for name, (p, k) in COMPOSITES.items()})
    return frame.dropna().reset_index(drop=True)


# name, PROCESS model, relqual roles, pyprocessmacro letters, extra options
CASES = [
    ("m1", 1, dict(x="value", w="fair", y="loy"), dict(m="fair"), {}),
    ("m1_meansd_hc3", 1, dict(x="value", w="fair", y="loy"), dict(m="fair"),
     dict(spotlight="moments", cov_type="HC3")),
    ("m2", 2, dict(x="value", w="fair", z="sac", y="loy"), dict(m="fair", w="sac"), {}),
    ("m3", 3, dict(x="value", w="fair", z="sac", y="loy"), dict(m="fair", w="sac"), {}),
    ("m4", 4, dict(x="value", m=["sat", "emo"], y="loy"), dict(m=["sat", "emo"]), {}),
    ("m5", 5, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", w="fair"), {}),
    ("m7", 7, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", w="fair"), {}),
    ("m7_meansd", 7, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", w="fair"),
     dict(spotlight="moments")),
    ("m8", 8, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", w="fair"), {}),
    ("m14", 14, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", v="fair"), {}),
    ("m15", 15, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", v="fair"), {}),
    ("m58", 58, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", w="fair"), {}),
    ("m59", 59, dict(x="value", m="sat", w="fair", y="loy"), dict(m="sat", w="fair"), {}),
]


def records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and not np.isfinite(v) else
                        v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
    return out


def run(frame, name, model, roles, letters, extra):
    options = dict(spotlight="percentiles", percent=True, boot=5000, seed=20240601,
                   suppr_init=True, controls=["pq"])
    options.update(extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = Process(frame, model=model, x=roles["x"], y=roles["y"], **letters, **options)
        case = dict(name=name, model=model, roles=roles, covariates=["pq"],
                    options={k: v for k, v in options.items() if k != "suppr_init"},
                    n=int(len(frame)), tidy=records(p.tidy()), glance=records(p.glance()))
        direct_mod = roles.get("w") if model in (1, 5, 8, 15, 59) else None
        if direct_mod:
            flood = p.floodlight_direct_effect(direct_mod)
            case["floodlight"] = dict(moderator=direct_mod,
                                      regions=[[float(v) for v in r] for r in flood.sig_regions],
                                      range=[float(v) for v in flood.modval_range])
    return case


def main():
    frame = composite_frame()
    out = dict(pyprocessmacro_version=version("pyprocessmacro"),
               numpy_version=np.__version__, pandas_version=pd.__version__,
               composites=COMPOSITES, n=int(len(frame)),
               cases={c[0]: run(frame, *c) for c in CASES})
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
