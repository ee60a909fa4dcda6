"""Benchmark: latent interactions on modsem's oneInt data (N = 2000), in the same run:

* LMS (``interaction="lms"``, 96 Gauss-Hermite nodes): median wall time of a complete fit
  (estimates with observed-information SEs, standardized solution, fit measures with the
  likelihood-ratio test of the interaction); the target is under 2 s; QML likewise (no
  target);
* product indicators (double-mean-centring, all 9 pairs and matched pairs) against lavaan
  0.6-14 with semTools ``indProd`` (products built, model fitted, standardized estimates and
  fit measures in both); the target is relqual at least 5x faster.

Also the median CPU time (user + system), which a busy machine disturbs less. Run by hand from
the repository root:

    python bench/bench_interaction.py [--reps 5]
"""
from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd
from _common import ROOT, median_ms, rscript_rows

import relqual as rq

MODEL = "X =~ x1 + x2 + x3\nZ =~ z1 + z2 + z3\nY =~ y1 + y2 + y3\nY ~ X + Z + X:Z"
MATCHED = "X =~ x1 + x2\nZ =~ z1 + z2\nY =~ y1 + y2\nY ~ X + Z + X:Z"
CASES = {
    "oneint_lms": (MODEL, dict(interaction="lms")),
    "oneint_qml": (MODEL, dict(interaction="qml")),
    "oneint_dblcent_all": (MODEL, dict(interaction="dblcent")),
    "oneint_dblcent_matched": (MATCHED, dict(interaction="dblcent",
                                             interaction_pairs="matched")),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    data = pd.read_csv(ROOT / "tests" / "reference" / "oneInt.csv")
    lavaan = {r["model"]: r for r in rscript_rows("lavaan_interaction_timing.R", args.reps)}
    print(f"{'case':<26}{'relqual ms':>12}{'lavaan ms':>12}{'ratio':>8}{'rq cpu ms':>12}"
          f"{'lavaan cpu ms':>15}{'cpu ratio':>11}")
    for name, (model, kwargs) in CASES.items():
        def run():
            res = rq.fit(model, data, **kwargs)
            res.estimates()
            res.fit_measures()

        wall = median_ms(run, args.reps)
        cpu = median_ms(run, args.reps, clock=time.process_time)
        ref = lavaan.get(name)
        if ref is None:
            print(f"{name:<26}{wall:>12.1f}{'-':>12}{'-':>8}{cpu:>12.1f}{'-':>15}{'-':>11}")
            continue
        print(f"{name:<26}{wall:>12.1f}{ref['median_ms']:>12.1f}"
              f"{ref['median_ms'] / wall:>8.1f}{cpu:>12.1f}{ref['cpu_ms']:>15.1f}"
              f"{ref['cpu_ms'] / cpu:>11.1f}")


if __name__ == "__main__":
    main()
