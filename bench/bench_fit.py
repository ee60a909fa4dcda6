"""Benchmark: median wall time of one complete fit (syntax + DataFrame -> estimates, SEs,
standardized solution, fit measures) for relqual, semopy and lavaan, on the same machine in the
same run. Run by hand from the repository root:

    python bench/bench_fit.py [--reps 50]

lavaan is timed through ``Rscript bench/lavaan_timing.R`` when R with lavaan is installed.
"""
from __future__ import annotations

import argparse
import time
import warnings

from _common import median_ms, rscript_rows

import relqual as rq

MODELS = {
    "hs_cfa": ("holzinger_swineford",
               "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"),
    "poldem_sem": ("political_democracy", """ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"""),
    "relationship_quality": ("relationship_quality", rq.models.load("relationship_quality").syntax),
}



def relqual_fit(syntax, data):
    res = rq.fit(syntax, data)
    res.estimates()
    res.fit_measures()


def semopy_fit(syntax, data):
    import semopy
    model = semopy.Model(syntax)
    model.fit(data.dropna())
    model.inspect(std_est=True)
    semopy.calc_stats(model)


def lavaan_times(reps: int) -> dict:
    return {r["model"]: r["median_ms"] for r in rscript_rows("lavaan_timing.R", reps)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    lavaan = lavaan_times(max(10, args.reps // 2))
    print(f"{'model':<22}{'relqual ms':>12}{'cpu ms':>8}{'semopy ms':>12}{'lavaan ms':>12}"
          f"{'semopy/relqual':>16}{'lavaan/relqual':>16}")
    for name, (dataset, syntax) in MODELS.items():
        data = rq.datasets.load(dataset)
        ours = median_ms(lambda: relqual_fit(syntax, data), args.reps)
        cpu = median_ms(lambda: relqual_fit(syntax, data), args.reps, clock=time.process_time)
        try:
            theirs = median_ms(lambda: semopy_fit(syntax, data), max(5, args.reps // 5))
        except Exception as exc:                # semopy cannot fit every model
            theirs = float("nan")
            print(f"  (semopy failed on {name}: {exc})")
        lav = lavaan.get(name, float("nan"))
        print(f"{name:<22}{ours:>12.2f}{cpu:>8.2f}{theirs:>12.2f}{lav:>12.2f}"
              f"{theirs / ours:>16.1f}{lav / ours:>16.1f}")
    if not lavaan:
        print("lavaan not timed: install R (see tests/reference/README.md)")


if __name__ == "__main__":
    main()
