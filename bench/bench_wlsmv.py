"""Benchmark: WLSMV with ordered items against lavaan ``sem(..., ordered = ..., estimator =
"WLSMV")`` in the same run: median wall time of a complete fit (thresholds, polychorics and
Gamma, DWLS estimates, robust SEs, standardized solution, scaled-shifted test and fit measures),
and of the sample statistics alone; also the median CPU time (user + system) of the full fit,
which a busy machine disturbs less than wall time. Run by hand from the repository root:

    python bench/bench_wlsmv.py [--reps 10]
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from _common import ROOT, median_ms, rscript_rows

import relqual as rq
from relqual.engine.polychoric import ordinal_stats
from relqual.engine.threads import single_blas_thread

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
CASES = {
    "relationship_quality": (ROOT / "data" / "relationship_quality.csv",
                             rq.models.load("relationship_quality").syntax),
    "hs_ordinal": (ROOT / "data" / "holzinger_swineford_ordinal.csv", HS),
}



def lavaan_times(reps: int) -> dict:
    return {r["model"]: r for r in rscript_rows("lavaan_wlsmv_timing.R", reps)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    lavaan = lavaan_times(args.reps)
    print(f"{'case':<22}{'relqual ms':>12}{'lavaan ms':>12}{'ratio':>8}{'rq cpu ms':>12}"
          f"{'lavaan cpu ms':>15}{'cpu ratio':>11}{'rq stats ms':>13}{'lavaan stats ms':>17}")
    for name, (path, model) in CASES.items():
        data = pd.read_csv(path)

        def run():
            res = rq.fit(model, data, estimator="WLSMV", ordered=True)
            res.estimates()
            res.fit_measures()

        res = rq.fit(model, data, estimator="WLSMV", ordered=True)
        ov = list(res.partable.roles.ov)
        values = data[ov].dropna().to_numpy()
        levels = [np.unique(values[:, k]) for k in range(len(ov))]
        codes = np.column_stack([np.searchsorted(lv, values[:, k]) for k, lv in enumerate(levels)])

        def stats_only():
            with single_blas_thread():
                ordinal_stats(codes, [len(lv) for lv in levels], ov)

        ours = median_ms(run, args.reps)
        ours_cpu = median_ms(run, args.reps, time.process_time)
        ours_stats = median_ms(stats_only, args.reps)
        lav = lavaan.get(name, {})
        total, cpu = lav.get("median_ms", float("nan")), lav.get("cpu_ms", float("nan"))
        print(f"{name:<22}{ours:>12.1f}{total:>12.1f}{total / ours:>8.1f}{ours_cpu:>12.1f}"
              f"{cpu:>15.1f}{cpu / ours_cpu:>11.1f}{ours_stats:>13.1f}"
              f"{lav.get('samplestats_ms', float('nan')):>17.1f}")


if __name__ == "__main__":
    main()
