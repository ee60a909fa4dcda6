"""Benchmark: ``rq.read_survey`` on wide survey files (issue 17: 5,000 columns took 216 s).

A CSV with 300 respondents: an id, age and income column and k Likert items (1-5, a few 99
"don't know" codes), read with ``missing_codes=[99]`` and ``likert=(1, 5)`` without ``items=``
(the columns are chosen from their values), and again with ``on_out_of_range="missing"``. The
time should grow linearly with k (the target is under 2 s for 5,000 columns); the table also
gives the time of ``pandas.read_csv`` alone, and of one ``df[column]`` on the result (pandas
deep-copies ``df.attrs`` on every operation, so large attrs make every later step slow).

Run by hand from the repository root:  python bench/bench_read_survey.py [--max-columns 5000]
"""
from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import relqual as rq


def survey_file(folder: Path, k: int, n: int = 300, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(n, k))
    answers[rng.random((n, k)) < 0.02] = 99
    df = pd.DataFrame(answers, columns=[f"q{i}" for i in range(1, k + 1)])
    df.insert(0, "income", rng.integers(2_000, 40_000, size=n))
    df.insert(0, "age", rng.integers(18, 80, size=n))
    df.insert(0, "id", np.arange(1, n + 1))
    path = folder / f"wide_{k}.csv"
    df.to_csv(path, index=False)
    return path


def best_of(func, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-columns", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [k for k in (500, 1000, 2000, 5000, 10000) if k <= args.max_columns]
    print(f"300 rows, best of {args.repeat}, seconds. checked: rq.read_survey(path, "
          "missing_codes=[99], likert=(1, 5)); recoded: rq.read_survey(path, likert=(1, 5), "
          "on_out_of_range='missing')")
    print(f"{'columns':>8} {'read_csv':>9} {'checked':>9} {'recoded':>9} {'us/col':>7} "
          f"{'df[col] ms':>10}")
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in sizes:
            path = survey_file(Path(folder), k)
            plain = best_of(lambda: pd.read_csv(path), args.repeat)
            checked = best_of(lambda: rq.read_survey(path, missing_codes=[99], likert=(1, 5)),
                              args.repeat)
            recoded = best_of(lambda: rq.read_survey(path, likert=(1, 5),
                                                     on_out_of_range="missing"), args.repeat)
            df = rq.read_survey(path, missing_codes=[99], likert=(1, 5))
            assert len(df.attrs["likert"]) == k and "id" not in df.attrs["likert"]
            assert df["id"].notna().all() and df["age"].notna().all()
            access = best_of(lambda: df["q1"], 20)
            print(f"{k + 3:>8} {plain:9.3f} {checked:9.3f} {recoded:9.3f} "
                  f"{1e6 * checked / (k + 3):7.0f} {1000 * access:10.3f}")


if __name__ == "__main__":
    main()
