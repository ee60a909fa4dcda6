"""Benchmark: full-information ML (and MLR with FIML) against lavaan ``missing = "ml"`` in the
same run: median wall time of a complete fit (estimates, SEs, fit measures). Run by hand from
the repository root:

    python bench/bench_fiml.py [--reps 5]
"""
from __future__ import annotations

import argparse
import time
import warnings

from _common import median_ms, rscript_rows

import relqual as rq

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
CASES = {
    "relationship_quality": ("relationship_quality", "ML", None),
    "relationship_quality_mlr": ("relationship_quality", "MLR", None),
    "hs_missing": ("holzinger_swineford_missing", "ML", HS),
}



def lavaan_times(reps: int) -> dict:
    return {r["model"]: r["median_ms"] for r in rscript_rows("lavaan_fiml_timing.R", reps)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    lavaan = lavaan_times(args.reps)
    print(f"{'case':<28}{'relqual ms':>12}{'cpu ms':>10}{'lavaan ms':>12}{'lavaan/relqual':>16}")
    for name, (dataset, estimator, syntax) in CASES.items():
        data = rq.datasets.load(dataset)
        model = syntax or "relationship_quality"

        def run():
            res = rq.fit(model, data, missing="fiml", estimator=estimator)
            res.estimates()
            res.fit_measures()

        ours = median_ms(run, args.reps)
        cpu = median_ms(run, args.reps, clock=time.process_time)
        lav = lavaan.get(name, float("nan"))
        print(f"{name:<28}{ours:>12.1f}{cpu:>10.1f}{lav:>12.1f}{lav / ours:>16.1f}")


if __name__ == "__main__":
    main()
