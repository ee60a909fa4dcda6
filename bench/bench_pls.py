"""PLS-SEM speed: relqual against seminr 0.2.1 (the PyPI port of R's seminr) in the same run.

    python bench/bench_pls.py [--seminr-python /tmp/seminr-venv/bin/python] [--draws 5000]
                              [--fit-only]

1. One PLS fit of the ECSI model on mobi (250 x 24; median of ``--reps`` fits).
2. ``--draws`` bootstrap resamples of the relationship-quality model on the bundled survey
   (537 complete rows, 20 items): relqual on 1 and 2 worker processes; seminr's
   ``bootstrap_model`` on ``--seminr-draws`` resamples, scaled to ``--draws`` (left out with
   ``--fit-only``).

seminr is GPL-3.0 and never a dependency of relqual: it runs in its own virtual environment
(``python3 -m venv /tmp/seminr-venv && /tmp/seminr-venv/bin/pip install seminr==0.2.1``), in a
subprocess that prints its timings as JSON. Without it, only relqual's timings are printed.

Every timing is given as wall-clock time and as the process's CPU time (``time.process_time``;
seminr's ``bootstrap_model`` runs in one process by default). On a shared machine the wall
times of the two programs, taken a few seconds apart, can be slowed by different amounts, so the
ratios are printed for both clocks; the CPU-time ratio is the one that other jobs on the machine
disturb least. The 2-worker bootstrap is timed by the wall clock only (its work is done in child
processes).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import time
import warnings
from pathlib import Path

import pandas as pd
from _common import ROOT, median_ms

import relqual as rq
from relqual.plsfit import pls_model

ECSI = (ROOT / "tests" / "reference" / "pls_seminr.json")
MOBI = ROOT / "tests" / "reference" / "pls_data" / "mobi.csv"

SEMINR_TIMING = r"""
import json, sys, time, statistics
import pandas as pd
from seminr import (bootstrap_model, composite, constructs, estimate_pls, mode_A, na_omit,
                    path_weighting, paths, relationships)

def model(blocks, regressions):
    mm = constructs(*[composite(name, items, weights=mode_A) for name, items in blocks])
    sm = relationships(*[paths(ivs, dv) for dv, ivs in regressions])
    return mm, sm

spec = json.loads(sys.argv[1])
mobi = pd.read_csv(spec["mobi"])
mm, sm = model(spec["ecsi"]["blocks"], spec["ecsi"]["regressions"])
estimate_pls(mobi, mm, sm, inner_weights=path_weighting)
out = {}
for clock, key in ((time.perf_counter, "fit_ms"), (time.process_time, "fit_cpu_ms")):
    times = []
    for _ in range(spec["reps"]):
        start = clock()
        estimate_pls(mobi, mm, sm, inner_weights=path_weighting)
        times.append(clock() - start)
    out[key] = 1000 * statistics.median(times)
if spec["fit_only"]:
    print(json.dumps(out))
    sys.exit()
survey = pd.read_csv(spec["survey"])[spec["rq"]["items"]].dropna()
mm, sm = model(spec["rq"]["blocks"], spec["rq"]["regressions"])
fitted = estimate_pls(survey, mm, sm, inner_weights=path_weighting, missing=na_omit)
wall, cpu = time.perf_counter(), time.process_time()
bootstrap_model(fitted, nboot=spec["seminr_draws"], seed=1)
out.update(boot_s=time.perf_counter() - wall, boot_cpu_s=time.process_time() - cpu)
print(json.dumps(out))
"""


def blocks_and_regressions(syntax: str) -> dict:
    """The constructs' items and the regressions of lavaan-style PLS syntax (Mode A only)."""
    model, _ = pls_model(syntax)
    blocks = [[c, [model.indicators[k] for k in block]]
              for c, block in zip(model.constructs, model.blocks)]
    regressions = [[model.constructs[j], [model.constructs[i] for i, _ in
                                          enumerate(model.constructs) if model.paths[i, j]]]
                   for j in model.endogenous]
    return dict(blocks=blocks, regressions=regressions,
                items=list(model.indicators))


def seminr_timings(python: str, reps: int, draws: int, fit_only: bool) -> dict | None:
    if not Path(python).exists():
        return None
    ecsi_syntax = json.loads(ECSI.read_text())["cases"]["ecsi_mobi_path"]["model"]
    spec = dict(mobi=str(MOBI), survey=str(ROOT / "data" / "relationship_quality.csv"),
                ecsi=blocks_and_regressions(ecsi_syntax),
                rq=blocks_and_regressions(rq.models.load("relationship_quality").syntax),
                reps=reps, seminr_draws=draws, fit_only=fit_only)
    out = subprocess.run([python, "-c", SEMINR_TIMING, json.dumps(spec)], capture_output=True,
                         text=True)
    if out.returncode != 0:
        print("seminr not timed:", out.stderr.strip().splitlines()[-1:])
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seminr-python", default="/tmp/seminr-venv/bin/python")
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--draws", type=int, default=5000)
    parser.add_argument("--seminr-draws", type=int, default=200)
    parser.add_argument("--fit-only", action="store_true", help="time only the single fit")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    ecsi_syntax = json.loads(ECSI.read_text())["cases"]["ecsi_mobi_path"]["model"]
    mobi = pd.read_csv(MOBI)
    fit = {clock_name: median_ms(lambda: rq.fit(ecsi_syntax, mobi, estimator="PLS"), args.reps,
                                 clock=clock)
           for clock_name, clock in (("wall", time.perf_counter), ("cpu", time.process_time))}
    other = seminr_timings(args.seminr_python, args.reps, args.seminr_draws, args.fit_only)
    print("PLS-SEM: relqual vs seminr 0.2.1 (wall clock; CPU time in brackets)")
    print(f"  ECSI on mobi, one fit:   relqual {fit['wall']:7.2f} ms [{fit['cpu']:6.2f}]", end="")
    if other:
        print(f"   seminr {other['fit_ms']:7.2f} ms [{other['fit_cpu_ms']:6.2f}]   ratio "
              f"{other['fit_ms'] / fit['wall']:5.1f}x [{other['fit_cpu_ms'] / fit['cpu']:5.1f}x]")
    else:
        print()
    if args.fit_only:
        return
    survey = rq.datasets.load("relationship_quality")
    res = rq.fit("relationship_quality", survey, estimator="PLS")
    wall, cpu = time.perf_counter(), time.process_time()
    res.bootstrap(args.draws, seed=1, n_jobs=1, progress=False)
    boot = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    start = time.perf_counter()
    res.bootstrap(args.draws, seed=2, n_jobs=2, progress=False)
    boot["wall2"] = time.perf_counter() - start
    print(f"  {args.draws} bootstrap resamples of relationship_quality:")
    print(f"    relqual, 1 worker : {boot['wall']:7.2f} s [{boot['cpu']:6.2f}]")
    print(f"    relqual, 2 workers: {boot['wall2']:7.2f} s")
    if other:
        scale = args.draws / args.seminr_draws
        wall_s, cpu_s = other["boot_s"] * scale, other["boot_cpu_s"] * scale
        print(f"    seminr bootstrap_model: {wall_s:7.2f} s [{cpu_s:6.2f}] (timed on "
              f"{args.seminr_draws} draws, scaled)")
        print(f"    ratio seminr / relqual: 1 worker {wall_s / boot['wall']:5.1f}x "
              f"[{cpu_s / boot['cpu']:5.1f}x], 2 workers {wall_s / boot['wall2']:5.1f}x")

if __name__ == "__main__":
    main()
