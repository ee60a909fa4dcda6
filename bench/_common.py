"""Shared pieces of the benchmarks: the timing rule and running the R (lavaan) timings."""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_ms(func, reps: int, clock=time.perf_counter) -> float:
    """Median time of ``reps`` calls in milliseconds, after one warm-up call."""
    func()                                     # warm-up (imports, caches)
    times = []
    for _ in range(reps):
        start = clock()
        func()
        times.append(clock() - start)
    return 1000 * statistics.median(times)


def rscript_rows(script: str, *args) -> list[dict]:
    """The JSON lines printed by ``Rscript bench/<script> args`` ([] without R or on failure)."""
    if shutil.which("Rscript") is None:
        return []
    out = subprocess.run(["Rscript", str(ROOT / "bench" / script), *map(str, args)], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        return []
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
