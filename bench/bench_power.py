"""Benchmark: Monte Carlo power throughput (fits per second) for the relationship-quality model
(20 items, 5 factors, 49 free parameters) at n = 300, in the same run:

* relqual ``rq.power`` on 1 and 2 local worker processes (compiled model, warm starts, sample
  moments only; per replicate: simulate, moments, refit, SEs, indirect effects);
* a semopy refit loop (``semopy.Model(syntax).fit(data)`` per replicate, on relqual's replicates);
* lavaan (``sem()`` in a loop on data from ``simulateData``; only the fits are timed), through
  ``Rscript bench/lavaan_power_timing.R`` when R with lavaan is installed;
* relqual's default study (``rq.power(MODEL)``: n = 100..500, 1,000 replicates each) on 2
  processes, the size of study a user runs;
* then the same with 6% of the cells missing (MCAR) and full-information ML: relqual
  ``rq.power(..., missing_rate=0.06, missing="fiml")`` on 1 and 2 processes (``--fiml-reps``
  replicates) against lavaan's ``sem(..., missing = "ml")`` loop (``--fiml-other-reps`` fits).

Run by hand from the repository root:
    python bench/bench_power.py [--reps 1000] [--other-reps 50] [--fiml-reps 100]
                                [--fiml-other-reps 10]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

from _common import rscript_rows

import relqual as rq
from relqual.power import replicate_data

MODEL, N = "relationship_quality", 300
MISSING_RATE = 0.06


def relqual_rate(reps: int, n_jobs: int, **missing) -> tuple[float, float]:
    """(fits per second of the fitting phase, of the whole call); ``missing``: ``missing_rate``
    and ``missing`` for FIML replicates."""
    start = time.perf_counter()
    table = rq.power(MODEL, n=[N], reps=reps, seed=1, n_jobs=n_jobs, progress=False, **missing)
    total = time.perf_counter() - start
    return table.attrs["fits_per_second"], reps / total


def semopy_rate(reps: int) -> float:
    import semopy
    syntax = rq.models.load(MODEL).syntax
    datasets = [replicate_data(MODEL, N, r, seed=1) for r in range(reps)]
    start = time.perf_counter()
    for data in datasets:
        model = semopy.Model(syntax)
        model.fit(data)
        model.inspect()                       # estimates with SEs, as a power study needs
    return reps / (time.perf_counter() - start)


def lavaan_rate(reps: int, missing_rate: float = 0.0) -> float | None:
    with tempfile.TemporaryDirectory() as folder:
        population = Path(folder) / "population.lav"
        population.write_text(rq.models.load(MODEL).population, encoding="utf-8")
        rows = rscript_rows("lavaan_power_timing.R", reps, N, population, missing_rate)
    return rows[-1]["fits"] / rows[-1]["seconds"] if rows else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000, help="relqual replicates")
    parser.add_argument("--other-reps", type=int, default=50, help="semopy and lavaan fits")
    parser.add_argument("--fiml-reps", type=int, default=100, help="relqual FIML replicates")
    parser.add_argument("--fiml-other-reps", type=int, default=10, help="lavaan FIML fits")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rq.power(MODEL, n=[N], reps=10, seed=1, n_jobs=1)            # warm up imports
    one, one_total = relqual_rate(args.reps, 1)
    two, two_total = relqual_rate(args.reps, 2)
    semopy = semopy_rate(args.other_reps)
    lavaan = lavaan_rate(args.other_reps)
    print(f"Monte Carlo power, {MODEL} (20 items), n = {N}: fits per second "
          f"(relqual {args.reps} replicates, semopy and lavaan {args.other_reps} fits; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  {'':<20} {'fits/s':>8} {'relqual-1 / this':>17} {'relqual-2 / this':>17}")
    rows = [("relqual, 1 worker", one), ("relqual, 2 workers", two),
            ("semopy refit loop", semopy), ("lavaan sem() loop", lavaan)]
    for label, rate in rows:
        if rate is None:
            print(f"  {label:<20} not timed (install R with lavaan, see tests/reference/README.md)")
            continue
        print(f"  {label:<20} {rate:8.1f} {one / rate:16.1f}x {two / rate:16.1f}x")
    print(f"  whole calls incl. setup: relqual-1 {one_total:.1f}, relqual-2 {two_total:.1f} fits/s")
    study = rq.power(MODEL, seed=1, n_jobs=2, progress=False)    # the defaults: n = 100..500
    fits = study.attrs["reps"] * study["n"].nunique()
    print(f"  the default study ({fits} fits, n = {study['n'].min()}..{study['n'].max()}), "
          f"relqual-2: {study.attrs['fits_per_second']:.1f} fits/s "
          f"(whole call {fits / study.attrs['seconds']:.1f})")
    fiml = dict(missing_rate=MISSING_RATE, missing="fiml")
    fiml_one, _ = relqual_rate(args.fiml_reps, 1, **fiml)
    fiml_two, _ = relqual_rate(args.fiml_reps, 2, **fiml)
    fiml_lavaan = lavaan_rate(args.fiml_other_reps, MISSING_RATE)
    print(f"FIML, {MISSING_RATE:.0%} of the cells missing (MCAR), n = {N}: fits per second "
          f"(relqual {args.fiml_reps} replicates, lavaan {args.fiml_other_reps} fits)")
    for label, rate in (("relqual, 1 worker", fiml_one), ("relqual, 2 workers", fiml_two),
                        ("lavaan missing='ml'", fiml_lavaan)):
        if rate is None:
            print(f"  {label:<20} not timed (install R with lavaan)")
            continue
        print(f"  {label:<20} {rate:8.2f} {fiml_one / rate:16.1f}x {fiml_two / rate:16.1f}x")

if __name__ == "__main__":
    main()
