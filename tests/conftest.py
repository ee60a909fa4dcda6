"""Shared fixtures and checks: bundled data, the lavaan reference JSON (tests/reference/), and
the comparisons of a fit with lavaan's or seminr's numbers that several test files make."""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relqual.modindices import modification_indices
from relqual.ordinal_scores import ebm_objective
from relqual.plsboot import run_pls_bootstrap
from relqual.resample import run_bootstrap
from relqual.scores import ebm_parts

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"

# Holzinger-Swineford 3-factor CFA (lavaan ?cfa example, HolzingerSwineford1939 data)
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
# its visual factor alone: one-factor CFA of x1-x3 (same HolzingerSwineford1939 data)
HS_VISUAL = "visual =~ x1 + x2 + x3"
HS_ORDINAL = ROOT / "data" / "holzinger_swineford_ordinal.csv"
# Bollen's political democracy SEM (lavaan tutorial), and the same with equal loadings by
# label: parameters shared by several entries
POLDEM_MODEL = """
    ind60 =~ x1 + x2 + x3
    dem60 =~ y1 + y2 + y3 + y4
    dem65 =~ y5 + y6 + y7 + y8
    dem60 ~ ind60
    dem65 ~ ind60 + dem60
    y1 ~~ y5
    y2 ~~ y4 + y6
    y3 ~~ y7
    y4 ~~ y8
    y6 ~~ y8
"""
POLDEM_LABELS_MODEL = POLDEM_MODEL.replace(
    "dem60 =~ y1 + y2 + y3 + y4", "dem60 =~ y1 + a*y2 + b*y3 + c*y4").replace(
    "dem65 =~ y5 + y6 + y7 + y8", "dem65 =~ y5 + a*y6 + b*y7 + c*y8")


def load_reference(name: str) -> dict:
    return json.loads((REFERENCE / f"{name}.json").read_text())


def reference_cases() -> list[str]:
    return [c["name"] for c in json.loads((REFERENCE / "cases.json").read_text())["cases"]]


@pytest.fixture(scope="session")
def hs() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "holzinger_swineford.csv")


@pytest.fixture(scope="session")
def poldem() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "political_democracy.csv")


@pytest.fixture
def quiet():
    """Silence RelqualWarning for tests that inspect res.warnings directly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.fixture(scope="module")
def hso() -> pd.DataFrame:
    """The Holzinger-Swineford scores cut into four ordered categories (a fresh copy a module)."""
    return pd.read_csv(HS_ORDINAL)


# ------------------------------------------------------------------ comparisons with lavaan

def close(ours, theirs, tol):
    """Where ``ours`` is within ``tol`` of lavaan's ``theirs``: absolutely where |theirs| <= 1,
    relatively above (the tolerances of issue 15)."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    return np.abs(ours - theirs) <= tol * np.maximum(1.0, np.abs(theirs))


def merge_lavaan(theirs, ours: pd.DataFrame, on=("lhs", "op", "rhs", "group")) -> pd.DataFrame:
    """lavaan's rows and ours side by side (lavaan's columns suffixed ``_lavaan`` where ours have
    the same name); every row must be in both."""
    m = pd.DataFrame(theirs).merge(ours, on=list(on), how="outer", suffixes=("_lavaan", ""),
                                   indicator=True)
    assert (m["_merge"] == "both").all(), m[m["_merge"] != "both"][list(on)]
    return m


def assert_estimates_match(res, ref: dict, tol: float = 1e-4) -> None:
    """Both fits converged, and every row's est and se is lavaan's (``ref["estimates"]``: lhs op
    rhs group est se) within ``tol``; an se lavaan leaves NA must be NaN here."""
    assert res.converged and ref["converged"]
    m = merge_lavaan(ref["estimates"], res.estimates())
    assert close(m["est"], m["est_lavaan"], tol).all()
    both_nan = m["se"].isna() & m["se_lavaan"].isna()
    assert (close(m["se"], m["se_lavaan"], tol) | both_nan).all()


def merged_estimates(case: dict, res) -> tuple[pd.DataFrame, int]:
    """lavaan's estimates of an estimators*.json case and ours side by side (``est_lavaan``,
    ``est``, ...), and the number of lavaan's rows (constraints ``==`` left out)."""
    theirs = pd.DataFrame(case["estimates"])
    theirs = theirs[theirs["op"] != "=="]
    ours = res.estimates()
    if "group" not in ours.columns:
        ours = ours.assign(group=1)
    return (theirs.merge(ours, on=["lhs", "op", "rhs", "group"], suffixes=("_lavaan", "")),
            len(theirs))


def compare_fit_measures(case: dict, ours: pd.Series, measures, always=()) -> int:
    """lavaan's fit measures of an estimators*.json case (``case["fit"]``) against ours within
    1e-5; one lavaan does not report (None) must not be finite here unless relqual always reports
    it (``always``). Returns how many were compared."""
    checked = 0
    for name in measures:
        key, theirs = name.replace(".", "_"), case["fit"].get(name)
        if theirs is None:
            if key not in always:
                assert not np.isfinite(ours.get(key, np.nan)), (case["name"], key)
            continue
        assert close(ours[key], theirs, 1e-5), (case["name"], key, ours[key], theirs)
        checked += 1
    return checked


def ebm_codes(res) -> np.ndarray:
    """The fitted rows of group 1 as category codes 0..K-1 (-1 for a missing answer)."""
    levels = res.problem.ordinal["levels"]
    y = res.prepared.arrays[0]
    return np.column_stack([np.where(np.isnan(y[:, k]), -1, np.searchsorted(levels[v], y[:, k]))
                            for k, v in enumerate(res.partable.roles.ov)])


def assert_ebm_scores_match(res, ours: np.ndarray, theirs: np.ndarray) -> None:
    """EBM factor scores of group 1 against lavPredict's. lavaan's BFGS stops about 1e-4 from
    the mode: 90% of the rows within 1e-4, all within 1e-3, and where the two differ more
    relqual's score has the higher posterior (:func:`relqual.ordinal_scores.ebm_objective`)."""
    assert ours.shape == theirs.shape
    diff = np.abs(ours - theirs).max(axis=1)
    assert np.mean(diff < 1e-4) >= 0.9 and diff.max() < 1e-3
    far, codes, parts = diff >= 1e-4, ebm_codes(res), ebm_parts(res, 0)
    assert (ebm_objective(codes[far], ours[far], **parts)
            >= ebm_objective(codes[far], theirs[far], **parts) - 1e-12).all()


# ------------------------------------------------------------------ comparisons with seminr

def row_of(table: pd.DataFrame, lhs: str, op: str, rhs: str) -> pd.Series:
    """The one row of a parameter table with these lhs, op and rhs."""
    hit = table[(table["lhs"] == lhs) & (table["op"] == op) & (table["rhs"] == rhs)]
    assert len(hit) == 1, (lhs, op, rhs)
    return hit.iloc[0]


def seminr_rows(part: dict) -> list[tuple]:
    """(lhs, op, rhs, reference record) of every path, weight and loading of seminr's output."""
    return ([(p["to"], "~", p["from"], p) for p in part["paths"]]
            + [(w["construct"], "<~", w["item"], w) for w in part["weights"]]
            + [(w["construct"], "=~", w["item"], w) for w in part["loadings"]])


def assert_reliability_and_htmt_match(res, ref: dict, tol: float) -> int:
    """Every construct's reliability (seminr's reliability table) and every HTMT value seminr
    gives within ``tol``. Returns how many HTMT values were compared."""
    rel = res.reliability().set_index("factor")
    assert sorted(rel.index) == sorted(ref["reliability"])
    for construct, values in ref["reliability"].items():
        for key, value in values.items():
            assert abs(rel.loc[construct, key] - value) < tol, (construct, key)
    H = res.htmt(matrix=True)
    names = ref["htmt"]["rownames"]
    assert sorted(H.index) == sorted(names)
    checked = 0
    for a, row in zip(names, ref["htmt"]["data"]):
        for b, value in zip(names, row):
            if value is not None:
                assert abs(H.loc[a, b] - value) < tol, (a, b)
                checked += 1
    return checked


def modindices_at_lavaan(res, theirs, estimates) -> tuple[pd.DataFrame, np.ndarray]:
    """lavaan's modindices() (its rows with a finite mi) and ours side by side, ours computed at
    lavaan's own estimates (``estimates``: lhs op rhs group est), as the score test is sensitive
    to the last digits of the optimum. Returns the merged rows and those estimates as x."""
    theirs = pd.DataFrame(theirs)
    theirs = theirs[np.isfinite(theirs["mi"].astype(float))]
    est = pd.DataFrame(estimates).set_index(["lhs", "op", "rhs", "group"])
    table = res.partable.table
    x = res.x.copy()
    for row in table[table["free"] > 0].itertuples():
        x[row.free - 1] = est.loc[(row.lhs, row.op, row.rhs, row.group), "est"]
    ours = modification_indices(res, sort=False, x=x)
    if "group" not in ours.columns:
        ours = ours.assign(group=1)
    return merge_lavaan(theirs, ours), x


def bootstrap_sd_diffs(boot, rows) -> list[float]:
    """|relqual's bootstrap SE - seminr's boot SD| of each (lhs, op, rhs, record) of ``rows``."""
    tables = {"~": boot.paths(), "=~": boot.loadings(), "<~": boot.weights()}
    return [abs(row_of(tables[op], lhs, op, rhs)["se"] - r["boot_sd"]) for lhs, op, rhs, r in rows]


def batched_and_one_by_one(res, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """The estimates of ``draws`` PLS bootstrap resamples (indices drawn with seed 5) from the
    batched path and from refitting them one by one (draws x parameters each)."""
    indices = np.random.default_rng(5).integers(0, res.n_obs, size=(draws, res.n_obs))
    batched = run_pls_bootstrap(res, draws, indices=indices, progress=False)
    refit = run_bootstrap(res, draws, indices=[[i] for i in indices], progress=False)
    return batched.block("est"), refit.block("est")
