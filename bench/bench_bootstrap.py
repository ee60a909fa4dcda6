"""Benchmark: a nonparametric bootstrap of the relationship-quality model (20 items, 600 rows,
537 complete) with relqual on 1 and 2 workers, semopy (a refit loop) and lavaan
(``se = "bootstrap"``), in the same run. Run by hand from the repository root:

    python bench/bench_bootstrap.py [--draws 1000] [--semopy-draws 50]

semopy is timed on fewer draws and scaled to ``--draws`` (it is much slower); lavaan through
``Rscript bench/lavaan_bootstrap_timing.R`` when R with lavaan is installed.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _common import rscript_rows

import relqual as rq


def relqual_seconds(draws: int, n_jobs: int) -> float:
    res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    start = time.perf_counter()
    boot = res.bootstrap(draws, seed=1, n_jobs=n_jobs, progress=False)
    res.with_bootstrap(boot).estimates()
    elapsed = time.perf_counter() - start
    if boot.n_failed:
        print(f"  relqual: {boot.n_failed} failed resamples")
    return elapsed


def semopy_seconds(draws: int) -> float:
    import semopy
    spec = rq.models.load("relationship_quality")
    data = rq.datasets.load("relationship_quality").dropna()
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    for _ in range(draws):
        sample = data.iloc[rng.integers(0, len(data), len(data))].reset_index(drop=True)
        model = semopy.Model(spec.syntax)
        model.fit(sample)
    return time.perf_counter() - start


def lavaan_seconds(draws: int) -> float | None:
    rows = rscript_rows("lavaan_bootstrap_timing.R", draws)
    return rows[-1]["seconds"] if rows else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--semopy-draws", type=int, default=50)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    one = relqual_seconds(args.draws, 1)
    two = relqual_seconds(args.draws, 2)
    semopy = semopy_seconds(args.semopy_draws) * args.draws / args.semopy_draws
    lavaan = lavaan_seconds(args.draws)
    print(f"bootstrap of the relationship-quality model, {args.draws} resamples")
    print(f"  relqual, 1 worker : {one:8.2f} s")
    print(f"  relqual, 2 workers: {two:8.2f} s")
    print(f"  semopy refit loop : {semopy:8.2f} s  (timed on {args.semopy_draws} draws, scaled)"
          f"  ratio to relqual-2: {semopy / two:6.1f}x")
    if lavaan is None:
        print("  lavaan: not timed (install R, see tests/reference/README.md)")
    else:
        print(f"  lavaan se='bootstrap': {lavaan:8.2f} s  ratio to relqual-1: {lavaan / one:6.1f}x,"
              f" to relqual-2: {lavaan / two:6.1f}x")


if __name__ == "__main__":
    main()
