"""ADANCO 2.2.1 reference numbers for relqual's PLS-SEM model fit (issue 13, item 4).

Reads the ADANCO result workbooks (Excel 97 ``.xls``) and the data (``satisfaction.xlsx``,
n = 250) kept in ``../shared/reference/pls/adanco/`` (from the R package cSEM's
``tests/comparisons/``; comparison values only, nothing of it goes into the installed package)
and writes, once:

    tests/reference/pls_adanco.json             the numbers the tests compare with (below)
    tests/reference/pls_data/satisfaction.csv   the data, so the tests need no Excel reader

Run from the repository root (it needs ``xlrd`` for the ``.xls`` files and ``openpyxl`` for
the ``.xlsx``; neither is a dependency of relqual or of its tests):

    pip install xlrd openpyxl
    python tests/reference/adanco_extract.py [folder with the ADANCO files]

The model is read from the workbooks themselves: constructs and items from the "Weights"
sheet, the outer mode from "Construct Operationalization" ("Emergent variable (Mode B)": a
``<~`` composite estimated by PLS; "Latent variable (Mode A consistent)": a ``=~`` common
factor estimated by PLSc), the structural model from the non-empty cells of "Path
Coefficients" (rows predict columns). The file names say the inner weighting scheme:
centroid. Both cases: ECSI-type model on ``satisfaction``, IMAG -> EXPE, SAT, LOY;
EXPE -> QUAL, VAL, SAT; QUAL -> VAL, SAT; VAL -> SAT; SAT -> LOY.

JSON schema: ``{"source": {...}, "data": "pls_data/satisfaction.csv", "cases": {name: case}}``
with per case ``file``, ``md5``, ``adanco_version``, ``algorithm_status``, ``iterations``,
``model`` (lavaan syntax), ``estimator`` ("PLS" or "PLSc"), ``scheme`` ("centroid") and
``results``: ``weights`` and ``loadings`` (lists of {construct, item, est}), ``paths``
(lists of {from, to, est}), ``r2`` ({construct: {r2, adj_r2}}), ``construct_cor``,
``implied_saturated``, ``implied_estimated`` (matrices {rownames, colnames, data}; the
model-implied indicator correlations), ``fit`` ({"saturated"|"estimated": {"srmr"|"d_uls"|"d_g":
{"value", "HI95", "HI99"}}}; ADANCO's d_G uses base-10 logarithms), and where ADANCO reports
them ``reliability`` ({construct: {rho_a, rho_c, alpha}}), ``ave``, ``htmt`` (matrix, lower
triangle, null elsewhere). Floats are written with the shortest decimal string that
round-trips; nothing is rounded.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import xlrd

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "pls" / "adanco"
OUT_JSON = ROOT / "tests" / "reference" / "pls_adanco.json"
OUT_DATA = ROOT / "tests" / "reference" / "pls_data" / "satisfaction.csv"
CASES = {"composite_mode_b": "results_composite_model_adanco_2_2_1_centroid.xls",
         "common_factor_plsc": "results_cf_model_adanco_2_2_1_centroid.xls"}
MODES = {"Emergent variable (Mode B)": ("<~", "PLS"),
         "Latent variable (Mode A consistent)": ("=~", "PLSc")}
FIT_NAMES = {"SRMR": "srmr", "dULS": "d_uls", "dG": "d_g"}


def rows(book, name: str) -> list[list]:
    """The cells of a sheet (ADANCO leaves column A and row 1 empty)."""
    sheet = book.sheet_by_name(name)
    return [[sheet.cell_value(r, c) for c in range(sheet.ncols)] for r in range(sheet.nrows)]


def number(value):
    return None if value == "" else float(value)


def item_table(book, name: str) -> list[dict]:
    """Indicator x construct sheets (Weights, Loadings) as {construct, item, est} records."""
    table = rows(book, name)
    constructs = table[1][2:]
    return [dict(construct=c, item=r[1], est=float(v))
            for r in table[2:] if r[1] for c, v in zip(constructs, r[2:]) if v != ""]


def square(book, name: str) -> dict:
    """A square matrix sheet with names in row 2 and column B."""
    table = rows(book, name)
    names = table[1][2:]
    body = [r for r in table[2:] if r[1] in names]
    return dict(rownames=[r[1] for r in body], colnames=names,
                data=[[number(v) for v in r[2:2 + len(names)]] for r in body])


def symmetric(matrix: dict) -> dict:
    """A lower-triangular sheet filled to a full symmetric matrix."""
    data = [row[:] for row in matrix["data"]]
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            if value is None:
                row[j] = data[j][i]
    return dict(matrix, data=data)


def case(path: Path) -> dict:
    book = xlrd.open_workbook(str(path))
    info = {r[1]: r[2] for r in rows(book, "Project information") if r[1]}
    operational = {r[1]: r[2] for r in rows(book, "Construct Operationalization")[2:] if r[1]}
    weights = item_table(book, "Weights")
    constructs = list(dict.fromkeys(w["construct"] for w in weights))
    kinds = {MODES[operational[c]] for c in constructs}
    if len(kinds) != 1:
        raise ValueError(f"{path.name}: mixed outer models {kinds}")
    (op, estimator), = kinds
    table = rows(book, "Path Coefficients")
    outcomes = table[2][2:]
    paths = [{"from": r[1], "to": to, "est": float(v)}
             for r in table[3:] if r[1] for to, v in zip(outcomes, r[2:]) if v != ""]
    lines = [f"{to} ~ " + " + ".join(p["from"] for p in paths if p["to"] == to)
             for to in constructs if any(p["to"] == to for p in paths)]
    lines += [f"{c} {op} " + " + ".join(w["item"] for w in weights if w["construct"] == c)
              for c in constructs]
    fit = {}
    for kind, sheet in (("saturated", "Goodness of model fit (saturate"),
                        ("estimated", "Goodness of model fit (estimate")):
        fit[kind] = {FIT_NAMES[r[1]]: dict(value=float(r[2]), HI95=float(r[3]), HI99=float(r[4]))
                     for r in rows(book, sheet)[2:] if r[1] in FIT_NAMES}
    results = dict(
        weights=weights, loadings=item_table(book, "Loadings"), paths=paths,
        r2={r[1]: dict(r2=float(r[2]), adj_r2=float(r[3]))
            for r in rows(book, "R-Squared")[2:] if r[1]},
        construct_cor=symmetric(square(book, "Inter-Construct Correlations")),
        implied_saturated=square(book, "Impl_Cor Saturated Model"),
        implied_estimated=square(book, "Impl_Cor Estimated Model"),
        fit=fit)
    reliability = {r[1]: dict(rho_a=number(r[2]), rho_c=number(r[3]), alpha=number(r[4]))
                   for r in rows(book, "Construct Reliability")[2:] if r[1]}
    if any(v is not None for values in reliability.values() for v in values.values()):
        results["reliability"] = reliability
        results["ave"] = {r[1]: float(r[2]) for r in rows(book, "Convergent Validity")[2:]
                          if r[1] and r[2] != ""}
        htmt = square(book, "Discriminant Validity  Heterotr")
        if htmt["rownames"]:
            results["htmt"] = htmt
    status = info["Algorithm status"]
    return dict(file=path.name, md5=hashlib.md5(path.read_bytes()).hexdigest(),
                adanco_version="2.2.1", algorithm_status=status,
                iterations=int(status.split("after ")[1].split(" ")[0]),
                n=int(info["Number of observations"]), model="\n".join(lines),
                estimator=estimator, scheme="centroid", results=results)


def main(source: Path = DEFAULT_SOURCE) -> None:
    data = pd.read_excel(source / "satisfaction.xlsx")
    OUT_DATA.parent.mkdir(parents=True, exist_ok=True)
    data.to_csv(OUT_DATA, index=False)
    doc = dict(source=dict(program="ADANCO 2.2.1", folder="../shared/reference/pls/adanco",
                           origin="R package cSEM, tests/comparisons/",
                           note="d_G with base-10 logarithms; HI95/HI99 are ADANCO's bootstrap "
                                "quantiles (its own resamples)"),
               data="pls_data/satisfaction.csv",
               cases={name: case(source / file) for name, file in CASES.items()})
    for name, c in doc["cases"].items():
        if c["n"] != len(data):
            raise ValueError(f"{name}: {c['n']} observations, the data have {len(data)}")
    OUT_JSON.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT_JSON.relative_to(ROOT)} and {OUT_DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
