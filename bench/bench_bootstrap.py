"""Benchmark: a nonparametric bootstrap of the relationship-quality model (20 items, 600 rows,
537 complete) with relqual on 1 and 2 workers, semopy (a refit loop) and lavaan
(``se = "bootstrap"``), in the same run. Run by hand from the repository root:

    python bench/bench_bootstrap.py [--draws 1000] [--semopy-draws 50]

semopy is timed on fewer draws and scaled to ``--draws`` (it is much slower); lavaan through
``Rscript bench/lavaan_bootstrap_timing.R`` when R with lavaan is installed.
"""
from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
from _common import rscript_rows

import relqual as rq


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def relqual_seconds(draws: int, n_jobs: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the bootstrap with percentile intervals of every estimate."""
    res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    start, cpu = time.perf_counter(), cpu_seconds()
    boot = res.bootstrap(draws, seed=1, n_jobs=n_jobs, progress=False)
    res.with_bootstrap(boot).estimates()
    res.with_bootstrap(boot).indirect()
    elapsed, used = time.perf_counter() - start, cpu_seconds() - cpu
    if boot.n_failed:
        print(f"  relqual: {boot.n_failed} failed resamples")
    return elapsed, used


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


def lavaan_seconds(draws: int) -> tuple[float, float] | None:
    """(wall, CPU) seconds of lavaan's se = "bootstrap", or None without R."""
    rows = rscript_rows("lavaan_bootstrap_timing.R", draws)
    return (rows[-1]["seconds"], rows[-1]["cpu_seconds"]) if rows else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--semopy-draws", type=int, default=50)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    (one, one_cpu), (two, two_cpu) = relqual_seconds(args.draws, 1), relqual_seconds(args.draws, 2)
    semopy = semopy_seconds(args.semopy_draws) * args.draws / args.semopy_draws
    lavaan = lavaan_seconds(args.draws)
    print(f"bootstrap of the relationship-quality model, {args.draws} resamples "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  relqual, 1 worker : {one:8.2f} s  (CPU {one_cpu:.2f} s)")
    print(f"  relqual, 2 workers: {two:8.2f} s  (CPU {two_cpu:.2f} s)")
    print(f"  semopy refit loop : {semopy:8.2f} s  (timed on {args.semopy_draws} draws, scaled)"
          f"  ratio to relqual-2: {semopy / two:6.1f}x")
    if lavaan is None:
        print("  lavaan: not timed (install R, see tests/reference/README.md)")
    else:
        wall, cpu = lavaan
        print(f"  lavaan se='bootstrap': {wall:8.2f} s  ratio to relqual-1: {wall / one:6.1f}x,"
              f" to relqual-2: {wall / two:6.1f}x")
        print(f"  lavaan CPU time      : {cpu:8.2f} s  ratio to relqual-1's CPU time: "
              f"{cpu / one_cpu:6.1f}x")

if __name__ == "__main__":
    main()
