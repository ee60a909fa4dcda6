#!/usr/bin/env python
"""Simulate the bundled survey ``data/relationship_quality.csv``.

The data are drawn from the population model of ``models/relationship_quality.toml``
(customer relationship quality: commercial friendship CF, cumulative satisfaction SAT,
trust in the firm TR, affective commitment AC and continuance commitment CC; 20 items).

What the script does, in order (everything is seeded and deterministic):

1. Builds the LISREL/RAM matrices of the population model in the standardized metric:
   ``Lambda`` (20 x 5 loadings), ``B`` (5 x 5 structural paths, row = outcome,
   column = predictor), ``Psi`` (diagonal: variance 1 for the exogenous CF, residual
   variances of the endogenous latents chosen so every latent has total variance 1) and
   ``Theta`` (diagonal item residual variances ``1 - lambda**2``).
2. Computes the model-implied covariance of the items

       Sigma = Lambda (I - B)^-1 Psi (I - B)^-T Lambda' + Theta

   and checks that its diagonal is 1 (it is therefore a correlation matrix).
3. Draws N = 600 continuous responses ``y ~ N(0, Sigma)`` (explicit Cholesky factor, so
   the draw does not depend on an SVD implementation) and compares the sample
   correlations with ``Sigma``.
4. Cuts every item into 5 ordered categories (1 = strongly disagree ... 5 = strongly
   agree) with normal-quantile thresholds that give mildly negatively skewed Likert
   answers (more 4s than 2s; continuance commitment is a little less positive).
5. Adds ``respondent`` (1..N) and ``competition`` ("high"/"low", Bernoulli(0.5)).
   ``competition`` is drawn independently of the responses: the population model is the
   same in both groups (no moderation is built in), so multi-group analyses of this
   dataset should find invariance.  It is the market-competitiveness factor of Jones &
   Sasser (1995), recorded so that grouping / invariance code has a realistic covariate.
6. Introduces MCAR missing cells (about 1.5% of item cells): each respondent is a
   "partial responder" with probability 0.10, independently of everything else, and a
   partial responder skips each item with probability 0.15 (at least one).  Missingness is
   therefore completely at random but concentrated in few rows, so about 90% of rows
   remain complete.
7. Writes the CSV (missing cells are empty).

Only numpy and the Python standard library are used (no relqual import).  Run

    python data/make_relationship_quality.py                 # writes the CSV, prints checks
    python data/make_relationship_quality.py --print-population   # lavaan population block

If ``models/relationship_quality.toml`` is found (and ``tomllib`` is available), the
script also checks that its ``population`` block carries exactly the values used here.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np

SEED = 19990401
N = 600

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "relationship_quality.csv"
MODEL_TOML = HERE.parent / "models" / "relationship_quality.toml"

# --------------------------------------------------------------------------------------
# Population model (standardized metric)
# --------------------------------------------------------------------------------------
LATENTS = ["CF", "SAT", "TR", "AC", "CC"]  # in causal (topological) order

LOADINGS = {
    "CF": {"cf1": 0.78, "cf2": 0.74, "cf3": 0.70, "cf4": 0.66},
    "SAT": {"sat1": 0.85, "sat2": 0.82, "sat3": 0.80, "sat4": 0.76},
    "TR": {"tr1": 0.80, "tr2": 0.77, "tr3": 0.74, "tr4": 0.70},
    "AC": {"ac1": 0.82, "ac2": 0.79, "ac3": 0.75, "ac4": 0.68},
    "CC": {"cc1": 0.76, "cc2": 0.72, "cc3": 0.68, "cc4": 0.65},
}

# (outcome, predictor): standardized regression weight
PATHS = {
    ("SAT", "CF"): 0.40,
    ("TR", "SAT"): 0.45,
    ("TR", "CF"): 0.25,
    ("AC", "SAT"): 0.30,
    ("AC", "TR"): 0.25,
    ("AC", "CF"): 0.20,
    ("CC", "AC"): 0.45,
    ("CC", "SAT"): 0.12,
    ("CC", "CF"): 0.10,
}

ITEMS = [item for lat in LATENTS for item in LOADINGS[lat]]

# Category probabilities (1..5) per construct: mildly negatively skewed, more 4s than 2s.
CATEGORY_PROBS = {
    "CF": (0.05, 0.13, 0.28, 0.35, 0.19),
    "SAT": (0.03, 0.09, 0.22, 0.40, 0.26),
    "TR": (0.03, 0.10, 0.24, 0.39, 0.24),
    "AC": (0.05, 0.12, 0.27, 0.36, 0.20),
    "CC": (0.07, 0.16, 0.31, 0.31, 0.15),
}

P_PARTIAL = 0.10  # probability that a respondent skips anything at all
P_SKIP = 0.15  # probability that a partial responder skips a given item
P_HIGH_COMPETITION = 0.5


def model_matrices():
    """Return Lambda, B, Psi, Theta of the population model (standardized metric).

    Residual variances of the endogenous latents are solved in causal order so that
    each latent has variance 1: psi_j = 1 - b_j' Phi b_j, where Phi is the covariance
    of the latents computed so far.
    """
    m, p = len(LATENTS), len(ITEMS)
    idx = {lat: j for j, lat in enumerate(LATENTS)}

    lam = np.zeros((p, m))
    for lat in LATENTS:
        for item, value in LOADINGS[lat].items():
            lam[ITEMS.index(item), idx[lat]] = value

    b = np.zeros((m, m))
    for (outcome, predictor), value in PATHS.items():
        b[idx[outcome], idx[predictor]] = value
    assert np.allclose(np.triu(b), 0), "LATENTS must be listed in causal order"

    phi = np.zeros((m, m))  # latent covariance, filled in causal order
    psi = np.zeros((m, m))
    for j in range(m):
        bj = b[j]
        explained = bj @ phi @ bj
        psi[j, j] = 1.0 - explained
        phi[j, :j] = bj[:j] @ phi[:j, :j]  # cov(eta_j, eta_k), k < j (zeta_j independent)
        phi[:j, j] = phi[j, :j]
        phi[j, j] = explained + psi[j, j]
    assert np.all(np.diag(psi) > 0)

    theta = np.diag(1.0 - np.sum(lam**2, axis=1))
    return lam, b, psi, theta


def implied_cov(lam, b, psi, theta):
    """Sigma = Lambda (I - B)^-1 Psi (I - B)^-T Lambda' + Theta."""
    ib_inv = np.linalg.inv(np.eye(b.shape[0]) - b)
    phi = ib_inv @ psi @ ib_inv.T
    return lam @ phi @ lam.T + theta, phi


def fmt(x: float) -> str:
    """Decimal for the population block: at least 2, at most 6 decimals (values are exact)."""
    s = f"{x:.6f}".rstrip("0")
    whole, frac = s.split(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def population_syntax(lam, b, psi, theta) -> str:
    """The population model as lavaan syntax with every parameter fixed."""
    lines = ["# measurement model (standardized loadings)"]
    for lat in LATENTS:
        terms = " + ".join(f"{fmt(v)}*{item}" for item, v in LOADINGS[lat].items())
        lines.append(f"{lat:<3} =~ {terms}")
    lines.append("# structural model (standardized paths)")
    for lat in LATENTS:
        preds = [(pred, v) for (out, pred), v in PATHS.items() if out == lat]
        if preds:
            lines.append(f"{lat:<3} ~ " + " + ".join(f"{fmt(v)}*{name}" for name, v in preds))
    lines.append("# latent (residual) variances: every latent has total variance 1")
    for j, lat in enumerate(LATENTS):
        lines.append(f"{lat:<3} ~~ {fmt(psi[j, j])}*{lat}")
    lines.append("# item residual variances: every item has total variance 1")
    for i, item in enumerate(ITEMS):
        lines.append(f"{item} ~~ {fmt(theta[i, i])}*{item}")
    return "\n".join(lines)


def parse_population(text: str) -> dict:
    """Minimal parser of a fully fixed lavaan block: {(lhs, op, rhs): value}."""
    out = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^(\w+)\s*(=~|~~|~)\s*(.+)$", line)
        if not m:
            raise ValueError(f"cannot parse population line: {raw!r}")
        lhs, op, rhs = m.groups()
        for term in rhs.split("+"):
            value, name = term.strip().split("*")
            out[(lhs, op, name.strip())] = float(value)
    return out


def check_toml(expected_text: str) -> None:
    """Check that the model file's population block carries the values used here."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        print("tomllib not available: population block of the model file not checked")
        return
    if not MODEL_TOML.exists():
        print(f"{MODEL_TOML} not found: population block not checked")
        return
    with MODEL_TOML.open("rb") as fh:
        spec = tomllib.load(fh)
    got = parse_population(spec["population"])
    want = parse_population(expected_text)
    if set(got) != set(want):
        raise SystemExit(
            "population block differs in parameters: "
            f"missing {sorted(set(want) - set(got))}, extra {sorted(set(got) - set(want))}"
        )
    worst = max(abs(got[k] - want[k]) for k in want)
    if worst > 1e-6:
        raise SystemExit(f"population block differs from the script (max |diff| {worst:.2e})")
    print(f"population block of {MODEL_TOML.name}: {len(want)} parameters, "
          f"match (max |diff| {worst:.1e})")


def thresholds(probs) -> list[float]:
    """Normal-quantile cut points turning N(0,1) into categories 1..5 with ``probs``."""
    assert abs(sum(probs) - 1) < 1e-12
    cum = np.cumsum(probs)[:-1]
    return [NormalDist().inv_cdf(float(c)) for c in cum]


def simulate(seed: int = SEED, n: int = N):
    lam, b, psi, theta = model_matrices()
    sigma, phi = implied_cov(lam, b, psi, theta)

    print(f"max |diag(Phi) - 1|   = {np.max(np.abs(np.diag(phi) - 1)):.2e}")
    print(f"max |diag(Sigma) - 1| = {np.max(np.abs(np.diag(sigma) - 1)):.2e}")
    assert np.max(np.abs(np.diag(sigma) - 1)) < 1e-12

    rng = np.random.default_rng(seed)

    # 1. continuous responses
    chol = np.linalg.cholesky(sigma)
    y = rng.standard_normal((n, len(ITEMS))) @ chol.T
    r = np.corrcoef(y, rowvar=False)
    off = ~np.eye(len(ITEMS), dtype=bool)
    diff = (r - sigma)[off]
    print(
        "sample vs implied correlations (continuous, before categorisation): "
        f"max |diff| = {np.max(np.abs(diff)):.3f}, RMS diff = {np.sqrt(np.mean(diff**2)):.3f} "
        f"(sampling SD of r at N={n} is about {1 / np.sqrt(n):.3f})"
    )
    assert np.max(np.abs(diff)) < 5 / np.sqrt(n)

    # 2. categorisation into 5-point Likert answers
    x = np.empty((n, len(ITEMS)), dtype=float)
    for lat in LATENTS:
        cuts = thresholds(CATEGORY_PROBS[lat])
        for item in LOADINGS[lat]:
            i = ITEMS.index(item)
            x[:, i] = 1 + np.searchsorted(cuts, y[:, i])
    counts = np.stack([(x == k).sum(axis=0) for k in range(1, 6)], axis=1)
    assert np.all(counts[:, 3] > counts[:, 1]), "every item should have more 4s than 2s"

    # 3. grouping covariate and id
    competition = np.where(rng.random(n) < P_HIGH_COMPETITION, "high", "low")
    respondent = np.arange(1, n + 1)

    # 4. MCAR missing cells, concentrated in "partial responders"
    partial = rng.random(n) < P_PARTIAL
    miss = (rng.random((n, len(ITEMS))) < P_SKIP) & partial[:, None]
    for row in np.flatnonzero(partial & ~miss.any(axis=1)):
        miss[row, rng.integers(len(ITEMS))] = True
    x[miss] = np.nan

    return {
        "respondent": respondent,
        "competition": competition,
        "items": x,
        "counts": counts,
        "population": population_syntax(lam, b, psi, theta),
    }


def write_csv(sim, path: Path) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["respondent", "competition", *ITEMS])
        for rid, comp, row in zip(sim["respondent"], sim["competition"], sim["items"]):
            w.writerow([rid, comp, *("" if np.isnan(v) else int(v) for v in row)])


def summarise(sim) -> None:
    x = sim["items"]
    n = x.shape[0]
    missing_cells = np.isnan(x).mean()
    complete_rows = (~np.isnan(x).any(axis=1)).mean()
    print(f"N = {n}; competition: high = {(sim['competition'] == 'high').sum()}, "
          f"low = {(sim['competition'] == 'low').sum()}")
    print(f"missing item cells: {np.isnan(x).sum()} ({100 * missing_cells:.2f}%); "
          f"complete rows: {(~np.isnan(x).any(axis=1)).sum()} ({100 * complete_rows:.1f}%)")
    assert 0.01 <= missing_cells <= 0.02 and complete_rows >= 0.85
    print("category proportions before missingness (1..5):")
    for item, c in zip(ITEMS, sim["counts"]):
        print(f"  {item:<5} " + " ".join(f"{v / n:.2f}" for v in c))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output CSV path")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--print-population", action="store_true",
                    help="print the fully fixed lavaan population block and exit")
    args = ap.parse_args(argv)

    if args.print_population:
        print(population_syntax(*model_matrices()))
        return 0

    sim = simulate(args.seed)
    check_toml(sim["population"])
    summarise(sim)
    write_csv(sim, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
