"""Benchmark: how one ML fit scales with the number of rows N and with the size of the model.

1. Rows: the relationship-quality model (20 items) fitted to N = 1e3 .. 1e6 simulated rows
   (continuous). The fit works on sample moments, so the estimation itself does not depend on N;
   the table times the parts of a fit separately: data preparation (selection and checks,
   ``prepare_data``), sample moments, and estimation from the moments (``estimation.estimate``),
   and gives the peak memory traced during the fit (tracemalloc)
   as a multiple of the data's own size: a constant multiple means memory linear in N.
2. Model size: a k-factor CFA, 5 items per factor (loadings .7, factor correlations .3), for
   10 .. 150 indicators, N = 2000 rows: time, iterations and peak memory of one fit.

Run by hand from the repository root:  python bench/bench_scaling.py [--max-rows 1000000]
"""
from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
import warnings

import numpy as np

import relqual as rq
from relqual.data import prepare_data
from relqual.engine.samplestats import SampleStats
from relqual.estimation import estimate
from relqual.options import FitOptions

MODEL = "relationship_quality"


def timed(func, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def peak_memory(func) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def rows_table(max_rows: int) -> None:
    syntax = rq.models.load(MODEL).syntax
    partable = rq.build_partable(syntax)
    ov = list(partable.roles.ov)
    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= max_rows]
    print(f"1. One fit of '{MODEL}' (20 items, 49 parameters) as N grows (best of 5, 3 at 1e6)")
    print(f"{'N':>9} {'fit s':>8} {'prepare s':>10} {'moments s':>10} {'estimate s':>10} "
          f"{'us/row':>7} {'iter':>5} {'peak MB':>8} {'data MB':>8} {'peak/data':>9}")
    previous = None
    for n in sizes:
        # one size per call: its data, fit and prepared arrays are released when the call returns
        fit_s = rows_row(n, syntax, partable, ov)
        if previous is not None:
            slope = np.log(fit_s / previous[1]) / np.log(n / previous[0])
            print(f"{'':>9} log-log slope of the fit time against N since N = {previous[0]}: "
                  f"{slope:4.2f}")
        previous = (n, fit_s)


def rows_row(n: int, syntax: str, partable, ov: list[str]) -> float:
    """Time and print one row of the rows table (N = n); return the best fit time in seconds."""
    data = rq.simulate(MODEL, n, seed=1)
    repeat = 5 if n <= 100_000 else 3
    fit_s, res = timed(lambda: rq.fit(syntax, data), repeat)
    prep_s, prepared = timed(lambda: prepare_data(data, ov, first_line=partable.roles.first_line),
                             repeat)
    values = prepared.arrays[0]
    mom_s, _ = timed(lambda: SampleStats.from_array(values, ov), repeat)
    est_s, _ = timed(lambda: estimate(res.problem, FitOptions()), repeat)
    peak = peak_memory(lambda: rq.fit(syntax, data))
    size = data.memory_usage(deep=True).sum()
    print(f"{n:>9} {fit_s:8.4f} {prep_s:10.4f} {mom_s:10.4f} {est_s:10.4f} "
          f"{1e6 * fit_s / n:7.2f} {res.iterations:>5} {peak / 2**20:8.1f} "
          f"{size / 2**20:8.1f} {peak / size:9.2f}")
    return fit_s


def cfa(k: int, loading: float = 0.7, corr: float = 0.3) -> tuple[str, str]:
    """(analysis syntax, population syntax) of a k-factor CFA with 5 items per factor."""
    factors = [f"F{i + 1}" for i in range(k)]
    items = {f: [f"{f.lower()}_{j + 1}" for j in range(5)] for f in factors}
    syntax = "\n".join(f"{f} =~ " + " + ".join(items[f]) for f in factors)
    pop = [f"{f} =~ " + " + ".join(f"{loading}*{x}" for x in items[f]) for f in factors]
    pop += [f"{f} ~~ 1*{f}" for f in factors]
    pop += [f"{a} ~~ {corr}*{b}" for i, a in enumerate(factors) for b in factors[i + 1:]]
    pop += [f"{x} ~~ {1 - loading ** 2:.4f}*{x}" for f in factors for x in items[f]]
    return syntax, "\n".join(pop)


def model_table(n: int = 2000) -> None:
    print(f"\n2. One fit of a k-factor CFA (5 items per factor) as the model grows, N = {n}")
    print(f"{'items':>6} {'factors':>7} {'params':>7} {'fit s':>8} {'iter':>5} {'peak MB':>8}")
    for k in (2, 4, 6, 10, 14, 20, 24, 30):
        syntax, population = cfa(k)
        data = rq.simulate(population, n, seed=1)
        repeat = 3 if k <= 10 else 1
        fit_s, res = timed(lambda: rq.fit(syntax, data), repeat)
        peak = peak_memory(lambda: rq.fit(syntax, data))
        flag = "" if res.converged else "  (not converged)"
        print(f"{5 * k:>6} {k:>7} {res.partable.npar:>7} {fit_s:8.3f} {res.iterations:>5} "
              f"{peak / 2**20:8.1f}{flag}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows_table(args.max_rows)
    model_table()


if __name__ == "__main__":
    main()
