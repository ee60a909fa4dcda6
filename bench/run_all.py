"""Run every benchmark in one go and keep a record: ``bench/results/<date>.json`` and a markdown
table (machine, versions, ratios) for README's benchmark section.

Each benchmark script runs as its own process from the repository root, one after another (the
ratios inside a script compare relqual with lavaan and semopy in the same run; lavaan only when
``Rscript`` is installed). The record keeps every script's full output, its wall time and the
ratios it printed (every ``<number>x``). Run by hand from the repository root:

    python bench/run_all.py [--quick] [--only fit bootstrap ...]

``--quick`` passes smaller repetition counts (a smoke run; ratios are noisier).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (script, full arguments, --quick arguments)
BENCHMARKS = {
    "fit": ("bench_fit.py", [], ["--reps", "10"]),
    "bootstrap": ("bench_bootstrap.py", [], ["--draws", "200", "--semopy-draws", "5"]),
    "fiml": ("bench_fiml.py", [], ["--reps", "2"]),
    "wlsmv": ("bench_wlsmv.py", [], ["--reps", "3"]),
    "power": ("bench_power.py", [], ["--reps", "250", "--other-reps", "10", "--fiml-reps", "20",
                                     "--fiml-other-reps", "3"]),
    "scaling": ("bench_scaling.py", [], ["--max-rows", "100000"]),
    "pls": ("bench_pls.py", [], ["--reps", "10", "--draws", "500", "--seminr-draws", "50"]),
}
RATIO = re.compile(r"(\d+(?:\.\d+)?)x\b")


def machine() -> dict:
    """The machine and the versions of everything compared."""
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    versions = {"python": platform.python_version()}
    for module in ("relqual", "numpy", "scipy", "pandas", "semopy"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            versions[module] = None
    versions["lavaan"] = None
    if shutil.which("Rscript"):
        out = subprocess.run(["Rscript", "-e", 'cat(as.character(packageVersion("lavaan")))'],
                             capture_output=True, text=True)
        versions["lavaan"] = out.stdout.strip() or None
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
            "load_average": list(os.getloadavg()), "versions": versions}


def run(name: str, quick: bool) -> dict:
    """One benchmark script's output, wall time and the ratios it printed."""
    script, full, short = BENCHMARKS[name]
    command = [sys.executable, str(ROOT / "bench" / script), *(short if quick else full)]
    start = time.perf_counter()
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = out.stdout.splitlines()
    return {"command": " ".join(["python", f"bench/{script}", *(short if quick else full)]),
            "returncode": out.returncode, "seconds": round(seconds, 1), "output": lines,
            "ratios": [line.strip() for line in lines if RATIO.search(line)],
            "error": out.stderr.strip().splitlines()[-5:] if out.returncode else []}


def markdown(record: dict) -> str:
    """The table for README: one row per benchmark with its printed lines (the ratios are
    in them)."""
    info = record["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    rows = [f"Run {record['date']} on {info['cpu']} ({info['cores']} cores, load "
            f"{info['load_average'][0]:.1f} at the start); {versions}.", "",
            "| benchmark | command | output (ratios: the other program's time / relqual's) |",
            "|---|---|---|"]
    for name, result in record["benchmarks"].items():
        if result["returncode"]:
            text = "failed: " + " ".join(result["error"][-1:])
        else:
            text = "<br>".join(" ".join(line.replace("|", "/").split())
                               for line in result["output"] if line.strip())
        rows.append(f"| {name} | `{result['command']}` | {text} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller repetition counts")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS),
                        help="run only these benchmarks")
    args = parser.parse_args()
    names = args.only or list(BENCHMARKS)
    record = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "quick": args.quick, "machine": machine(), "benchmarks": {}}
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        record["benchmarks"][name] = run(name, args.quick)
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{datetime.date.today().isoformat()}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(record))
    print(f"\nrecord written to {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
