"""Benchmark: the ordinal measurement-invariance sequence of the relationship-quality survey
(five factors, 20 five-point items, by competition) against lavaan + semTools in the same run:
``rq.invariance(..., ordered=True)`` (configural, thresholds, metric, scalar with Wu & Estabrook
identification, WLSMV, scaled difference tests) versus semTools ``measEq.syntax(ID.cat =
"Wu.Estabrook.2016", return.fit = TRUE)`` for the four levels with ``fitMeasures`` and
``lavTestLRT`` (bench/lavaan_ordinal_invariance_timing.R). Median wall and CPU time. Run by hand
from the repository root:

    python bench/bench_ordinal_invariance.py [--reps 3]
"""
from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd
from _common import ROOT, median_ms, rscript_rows

import relqual as rq

MODEL = ("CF =~ cf1 + cf2 + cf3 + cf4\nSAT =~ sat1 + sat2 + sat3 + sat4\n"
         "TR =~ tr1 + tr2 + tr3 + tr4\nAC =~ ac1 + ac2 + ac3 + ac4\n"
         "CC =~ cc1 + cc2 + cc3 + cc4")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows = rscript_rows("lavaan_ordinal_invariance_timing.R", args.reps)
    lav = rows[0] if rows else {}
    data = pd.read_csv(ROOT / "data" / "relationship_quality.csv")

    def run():
        rq.invariance(MODEL, data, group="competition", ordered=True)

    ours = median_ms(run, args.reps)
    ours_cpu = median_ms(run, args.reps, time.process_time)
    total, cpu = lav.get("median_ms", float("nan")), lav.get("cpu_ms", float("nan"))
    print(f"{'case':<22}{'relqual ms':>12}{'lavaan ms':>12}{'ratio':>8}{'rq cpu ms':>12}"
          f"{'lavaan cpu ms':>15}{'cpu ratio':>11}")
    print(f"{'relationship_quality':<22}{ours:>12.1f}{total:>12.1f}{total / ours:>8.1f}"
          f"{ours_cpu:>12.1f}{cpu:>15.1f}{cpu / ours_cpu:>11.1f}")


if __name__ == "__main__":
    main()
