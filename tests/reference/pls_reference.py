"""Reference numbers for relqual's PLS-SEM estimator (issue 13), generated with seminr 0.2.1.

seminr 0.2.1 is the PyPI port of R's seminr (GPL-3.0). It is used here as a reference
GENERATOR only: it is never installed into relqual's environment and never imported by
relqual. Run it from the repository root with a separate virtual environment:

    python3 -m venv /tmp/seminr-venv
    /tmp/seminr-venv/bin/pip install seminr==0.2.1 pandas numpy
    /tmp/seminr-venv/bin/python tests/reference/pls_reference.py

It writes

    tests/reference/pls_seminr.json        all reference values (schema below)
    tests/reference/pls_data/mobi.csv       copied byte for byte from seminr's wheel
    tests/reference/pls_data/corp_rep_data.csv   (idem; missing values coded -99)

and prints a comparison of the ECSI path coefficients, outer weights and loadings with the
SmartPLS 2 outputs in ../shared/reference/pls/smartpls2_ecsi/ (it fails if they differ by
more than 1e-7). The output is deterministic: rerunning with the same seminr, numpy and
Python versions rewrites an identical file. It takes a few seconds.

Cases (one function each; the lavaan syntax stored with each case is the model that was
estimated: `=~` a Mode A composite, `<~` a Mode B composite, a single item its own
construct; the seminr model is built from that syntax by `seminr_model()` below):

    ecsi_mobi_path       ECSI on mobi, all Mode A, path weighting scheme
    ecsi_mobi_factorial  the same, factorial scheme
    ecsi_mobi_plsc       the same, PLSc (consistent PLS) for every multi-item construct
    rq_survey_path       relqual's library model relationship_quality on its bundled survey,
                         listwise deletion of rows with a missing model item (n = 537)
    corp_rep_mode_b      Hair et al.'s extended corporate-reputation model (four Mode B blocks)
                         on corp_rep_data, -99 = missing, seminr's default mean replacement

ecsi_mobi_path and rq_survey_path also carry a bootstrap with replayed indices (B = 100,
`numpy.random.default_rng(2024).integers(0, n, size=(B, n))`, 0-based rows of the data the
model was estimated on), each resample estimated with seminr's `estimate_pls`.

JSON conventions: tables are lists of records; matrices are
{"rownames": [...], "colnames": [...], "data": [[row], ...]}; named vectors are dicts;
NaN is written as null; floats are written with the shortest decimal string that
round-trips (full double precision, nothing rounded).
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import tomllib
from seminr import (
    bootstrap_model,
    composite,
    constructs,
    estimate_pls,
    mean_replacement,
    mode_A,
    mode_B,
    na_omit,
    path_factorial,
    path_weighting,
    paths,
    reflective,
    relationships,
    total_effects,
)
from seminr.evaluate import (
    cross_loadings,
    f_squared,
    fl_criteria_table,
    htmt,
    item_vifs,
    pls_antecedent_vifs,
    reliability_table,
)
from seminr.evaluate.constructs_in_model import constructs_in_model

ROOT = Path(__file__).resolve().parents[2]
REF_DIR = ROOT / "tests" / "reference"
DATA_DIR = REF_DIR / "pls_data"
OUT_FILE = REF_DIR / "pls_seminr.json"
RQ_CSV = ROOT / "data" / "relationship_quality.csv"
RQ_TOML = ROOT / "models" / "relationship_quality.toml"
SMARTPLS_DIR = ROOT.parent / "shared" / "reference" / "pls" / "smartpls2_ecsi"

MAX_IT = 300
STOP_CRITERION = 7  # seminr stops when sum(|w_new - w_old|) < 10**-7
N_BOOT = 100
BOOT_SEED = 2024
N_SCORE_ROWS = 5

SCHEMES = {"path": path_weighting, "factorial": path_factorial}

ECSI_SYNTAX = """\
Image        =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation  =~ CUEX1 + CUEX2 + CUEX3
Quality      =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
Value        =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Complaints   =~ CUSCO
Loyalty      =~ CUSL1 + CUSL2 + CUSL3
Expectation  ~ Image
Quality      ~ Expectation
Value        ~ Expectation + Quality
Satisfaction ~ Image + Expectation + Quality + Value
Complaints   ~ Satisfaction
Loyalty      ~ Image + Satisfaction + Complaints
"""

# Hair et al., PLS-SEM primer, extended corporate-reputation model (seminr demo
# seminr-primer-chap6.R): four formative (Mode B) drivers of competence and likeability.
CORP_REP_SYNTAX = """\
QUAL <~ qual_1 + qual_2 + qual_3 + qual_4 + qual_5 + qual_6 + qual_7 + qual_8
PERF <~ perf_1 + perf_2 + perf_3 + perf_4 + perf_5
CSOR <~ csor_1 + csor_2 + csor_3 + csor_4 + csor_5
ATTR <~ attr_1 + attr_2 + attr_3
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
COMP ~ QUAL + PERF + CSOR + ATTR
LIKE ~ QUAL + PERF + CSOR + ATTR
CUSA ~ COMP + LIKE
CUSL ~ COMP + LIKE + CUSA
"""

CONVENTIONS = {
    "generator": "seminr 0.2.1 (PyPI port of R seminr, GPL-3.0); reference generator only",
    "indicators": "each indicator z-scored with its mean and its sample SD (n-1 denominator)",
    "initial_weights": (
        "1 for every indicator of its construct (the first proxies are standardized sum scores)"
    ),
    "iteration": (
        "per pass: scores = standardize(Z W); inner proxies = standardize(scores E) with E from "
        "the scheme; new weights per construct (Mode A: cov(items, inner proxy); Mode B: "
        "solve(cor(items), cor(items, inner proxy))); each weight column divided by "
        "sqrt(sum((Z w)^2)/(n-1)) so the composite has sample variance 1; stop when "
        "sum over the whole items-by-constructs weight matrix of |W_new - W_old| < 1e-7 "
        "(the first pass compares with the initial 0/1 matrix) or after 300 passes"
    ),
    "iterations_field": (
        "`iterations` is seminr's counter: the number of weight updates minus one (seminr "
        "increments it only after an update that did not meet the stop rule); "
        "`weight_updates` = iterations + 1; `weight_diff` is sum |dW| of the last update"
    ),
    "path_scheme": (
        "inner weight of antecedent i for construct j: the OLS coefficient of i in the "
        "regression of j's score on all its antecedents; of successor k for construct j: "
        "cor(j, k)"
    ),
    "factorial_scheme": "inner weight cor(i, j) for every pair joined by a path (either direction)",
    "final_estimates": (
        "scores = Z W (last weights, sample SD 1); loadings = cov(Z, scores) (= correlations); "
        "paths = OLS on the scores per endogenous construct; R2 = 1 - 1/inv(R)[dv, dv] on the "
        "score correlations; adjusted R2 = 1 - (1 - R2)(n - 1)/(n - p - 1), p = number of "
        "antecedents"
    ),
    "signs": (
        "no sign correction anywhere (estimation or bootstrap). In these cases every loading "
        "is positive, every Mode A weight too; one Mode B weight is negative (corp_rep QUAL "
        "qual_4, -0.005); no construct's weights change sign in any bootstrap draw (CUSL2's "
        "weight alone is negative in some ECSI draws)"
    ),
    "alpha": (
        "standardized Cronbach's alpha from the item correlation matrix R: "
        "k/(k-1) * (1 - k/sum(R)); 1 for a single item"
    ),
    "rho_a": (
        "Dijkstra-Henseler: (w'w)^2 * w'(S - diag S)w / w'(ww' - diag(ww'))w with w the "
        "construct's outer weights as estimated (composite variance 1) and S the item "
        "correlation matrix; 1 for Mode B blocks and single items"
    ),
    "rho_c_ave": (
        "from the construct's loadings L (for PLSc the corrected loadings; also for Mode B "
        "blocks): rho_C = (sum L)^2 / ((sum L)^2 + sum(1 - L^2)); AVE = mean(L^2); both 1 for "
        "a single item"
    ),
    "htmt": (
        "on the item correlations with ABSOLUTE values: mean |r| between the two blocks / "
        "sqrt(mean |r| within block 1 * mean |r| within block 2) (off-diagonal, unique pairs); "
        "a single-item block counts as 1; seminr fills only the upper triangle (row before "
        "column in construct order), other cells null"
    ),
    "f2": (
        "(R2_incl - R2_excl) / (1 - R2_incl), where R2_excl comes from a complete PLS "
        "re-estimation (new weights) of the model without that path (0 when the outcome "
        "has no antecedent left); for PLSc the re-estimation is PLSc too"
    ),
    "vif_antecedents": (
        "diagonal of inv(R) of the antecedents' score correlations, per endogenous "
        "construct; seminr reports NaN (null here) for an outcome with a single antecedent "
        "(the VIF is 1 by definition); for PLSc computed from the uncorrected composite "
        "scores"
    ),
    "vif_items": (
        "diagonal of inv(R) of each block's item correlations (reported for every block; "
        "relevant for Mode B blocks); 1 for a single item"
    ),
    "plsc": (
        "outer weights and construct scores are the Mode A ones; score correlations divided "
        "by sqrt(rho_A_i * rho_A_j) (unit diagonal; rho_A = 1 for single items and Mode B); "
        "paths and R2 from those disattenuated correlations; loadings of the PLSc constructs "
        "= w * sqrt(rho_A) / (w'w)"
    ),
    "missing": (
        "seminr's default is mean replacement: each missing cell of a model item is replaced "
        "by the mean of that column's observed values over all rows of the data (computed "
        "before estimation, once); listwise deletion is seminr's na_omit"
    ),
    "bootstrap": (
        "indices are 0-based rows of the data the model was estimated on (after listwise "
        "deletion for rq_survey_path); each resample re-estimated from scratch with "
        "estimate_pls (same scheme and stop rule); boot_sd uses ddof=1; pct_2.5/pct_97.5 "
        "are linear-interpolation (R type 7, numpy default) quantiles"
    ),
}


# --------------------------------------------------------------------------- model syntax


@dataclass(frozen=True)
class ModelSpec:
    """The lavaan-syntax model: measurement blocks and regressions, in syntax order."""

    blocks: list[tuple[str, str, list[str]]]  # (construct, "=~" or "<~", items)
    regressions: list[tuple[str, list[str]]]  # (outcome, antecedents)

    def path_list(self) -> list[tuple[str, str]]:
        return [(iv, dv) for dv, ivs in self.regressions for iv in ivs]

    def endogenous(self) -> list[str]:
        return [dv for dv, _ in self.regressions]


def parse_model(syntax: str) -> ModelSpec:
    """Read the small lavaan subset used here: `=~`, `<~` and `~` lines, `#` comments."""
    blocks, regressions = [], []
    for raw in syntax.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        for op in ("=~", "<~", "~"):
            if op in line:
                lhs, rhs = (part.strip() for part in line.split(op, 1))
                terms = [t.strip() for t in rhs.split("+")]
                if not all(t.isidentifier() for t in [lhs, *terms]):
                    raise ValueError(f"unsupported syntax: {raw!r}")
                if op == "~":
                    regressions.append((lhs, terms))
                else:
                    blocks.append((lhs, op, terms))
                break
        else:
            raise ValueError(f"unsupported syntax: {raw!r}")
    return ModelSpec(blocks, regressions)


def seminr_model(spec: ModelSpec, plsc: bool = False):
    """seminr measurement and structural model for a spec.

    `=~` -> composite(weights=mode_A) (plain Mode A; NOT seminr's reflective(), which
    silently switches on PLSc), or reflective() for multi-item blocks when plsc=True;
    `<~` -> composite(weights=mode_B).
    """
    mm = []
    for name, op, items in spec.blocks:
        if op == "<~":
            mm.append(composite(name, items, weights=mode_B))
        elif plsc and len(items) > 1:
            mm.append(reflective(name, items))
        else:
            mm.append(composite(name, items, weights=mode_A))
    sm = relationships(*[paths(ivs, dv) for dv, ivs in spec.regressions])
    return constructs(*mm), sm


def model_items(spec: ModelSpec) -> list[str]:
    return [item for _, _, items in spec.blocks for item in items]


# --------------------------------------------------------------------------- data


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_seminr_datasets() -> None:
    """Copy mobi.csv and corp_rep_data.csv from seminr's wheel (byte for byte)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("mobi.csv", "corp_rep_data.csv"):
        source = files("seminr.datasets").joinpath(name)
        target = DATA_DIR / name
        with source.open("rb") as fh:
            content = fh.read()
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
        # the loaders below read the copies; make sure they are the shipped bytes
        assert target.read_bytes() == content, name


def data_info(file: str, path: Path, n_rows: int, n_used: int, missing: str, **extra) -> dict:
    info = {
        "file": file,
        "sha256": sha256(path),
        "rows_in_file": n_rows,
        "n": n_used,
        "missing": missing,
    }
    info.update(extra)
    return info


# --------------------------------------------------------------------------- results


def clean(x):
    """Plain JSON-able values: numpy scalars to Python, NaN/inf to None."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    return x


def matrix(rows, cols, values) -> dict:
    return {"rownames": list(rows), "colnames": list(cols), "data": np.asarray(values).tolist()}


def named_matrix(m) -> dict:
    return matrix(m.rows, m.cols, m.values)


def measurement_table(spec: ModelSpec, m) -> list[dict]:
    """Outer weights or loadings as records in syntax order."""
    return [
        {"construct": name, "op": op, "item": item, "est": m.get(item, name)}
        for name, op, items in spec.blocks
        for item in items
    ]


def estimate_results(model, spec: ModelSpec, score_rows: list[int]) -> dict:
    """Everything relqual's PLS Result must reproduce for one estimated model."""
    mc = constructs_in_model(model)
    names = mc.names
    rel = reliability_table(model)
    scores = model.construct_scores
    score_cor = np.corrcoef(scores.values, rowvar=False)
    tot = total_effects(model.path_coef)
    return {
        "iterations": model.iterations,
        "weight_updates": model.iterations + 1,
        "weight_diff": model.weight_diff,
        "converged": model.weight_diff < 10.0**-STOP_CRITERION,
        "paths": [
            {"from": iv, "to": dv, "est": model.path_coef.get(iv, dv)}
            for iv, dv in spec.path_list()
        ],
        "weights": measurement_table(spec, model.outer_weights),
        "loadings": measurement_table(spec, model.outer_loadings),
        "r2": {
            dv: {"r2": model.r_squared.get("Rsq", dv), "adj_r2": model.r_squared.get("AdjRsq", dv)}
            for dv in spec.endogenous()
        },
        "reliability": {
            c: {
                "alpha": rel.get(c, "alpha"),
                "rho_a": rel.get(c, "rhoA"),
                "rho_c": rel.get(c, "rhoC"),
                "ave": rel.get(c, "AVE"),
            }
            for c in names
        },
        "htmt": named_matrix(htmt(model)),
        "f2": [
            {"from": iv, "to": dv, "f2": f_squared(model, iv, dv)} for iv, dv in spec.path_list()
        ],
        "vif": {
            "antecedents": pls_antecedent_vifs(model, mc),
            "items": item_vifs(model, mc),
        },
        "total_effects": [
            {"from": a, "to": b, "est": tot.get(a, b)}
            for a in tot.rows
            for b in tot.cols
            if tot.get(a, b) != 0
        ],
        "construct_correlations": matrix(scores.cols, scores.cols, score_cor),
        "fornell_larcker": named_matrix(fl_criteria_table(model, mc)),
        "cross_loadings": named_matrix(cross_loadings(model, mc)),
        "scores_head": {
            "data_rows": score_rows[:N_SCORE_ROWS],
            "colnames": list(scores.cols),
            "data": scores.values[:N_SCORE_ROWS].tolist(),
        },
    }


def plsc_details(model) -> dict:
    """rho_A used by PLSc and the disattenuated construct correlations it regresses on."""
    rel = reliability_table(model)
    cols = list(model.construct_scores.cols)
    rho = np.array([rel.get(c, "rhoA") for c in cols])
    cor = np.corrcoef(model.construct_scores.values, rowvar=False)
    adj = cor / np.sqrt(np.outer(rho, rho))
    np.fill_diagonal(adj, 1.0)
    return {
        "rho_a": dict(zip(cols, rho.tolist())),
        "disattenuated_correlations": matrix(cols, cols, adj),
        "note": "computed here from seminr's rho_A and score correlations, as seminr's PLSc() does",
    }


def fit(data: pd.DataFrame, spec: ModelSpec, scheme: str, plsc: bool = False, **kwargs):
    mm, sm = seminr_model(spec, plsc=plsc)
    return estimate_pls(
        data,
        mm,
        sm,
        inner_weights=SCHEMES[scheme],
        max_it=MAX_IT,
        stop_criterion=STOP_CRITERION,
        **kwargs,
    )


def summarize_draws(records_per_draw: list[list[dict]], est_key="est") -> list[dict]:
    """Mean, SD (ddof=1) and 2.5/97.5% quantiles of each record over the draws."""
    template = records_per_draw[0]
    values = np.array([[r[est_key] for r in draw] for draw in records_per_draw])
    out = []
    for j, rec in enumerate(template):
        col = values[:, j]
        base = {k: v for k, v in rec.items() if k != est_key}
        base.update(
            {
                "boot_mean": float(np.mean(col)),
                "boot_sd": float(np.std(col, ddof=1)),
                "pct_2.5": float(np.quantile(col, 0.025)),
                "pct_97.5": float(np.quantile(col, 0.975)),
            }
        )
        out.append(base)
    return out


def bootstrap_replay(model, data: pd.DataFrame, spec: ModelSpec, scheme: str, missing) -> dict:
    """Re-estimate on B resamples with known indices; check against bootstrap_model."""
    n = len(data)
    indices = np.random.default_rng(BOOT_SEED).integers(0, n, size=(N_BOOT, n))
    mm, sm = seminr_model(spec)
    draws = {"paths": [], "weights": [], "loadings": []}
    failed = []
    for b in range(N_BOOT):
        sample = data.iloc[indices[b]].reset_index(drop=True)
        try:
            boot = estimate_pls(
                sample,
                mm,
                sm,
                inner_weights=SCHEMES[scheme],
                missing=missing,
                max_it=MAX_IT,
                stop_criterion=STOP_CRITERION,
            )
        except (ValueError, np.linalg.LinAlgError):
            failed.append(b)
            continue
        draws["paths"].append(
            [
                {"from": iv, "to": dv, "est": boot.path_coef.get(iv, dv)}
                for iv, dv in spec.path_list()
            ]
        )
        draws["weights"].append(measurement_table(spec, boot.outer_weights))
        draws["loadings"].append(measurement_table(spec, boot.outer_loadings))

    # seminr's own routine with the same indices must give the same SDs
    own = bootstrap_model(model, nboot=N_BOOT, indices=indices)
    path_sd = {(r["from"], r["to"]): r for r in summarize_draws(draws["paths"])}
    worst = 0.0
    for (iv, dv), rec in path_sd.items():
        worst = max(worst, abs(own.paths_descriptives.get(iv, f"{dv} Boot SD") - rec["boot_sd"]))
    for rec in summarize_draws(draws["weights"]):
        sd = own.weights_descriptives.get(rec["item"], f"{rec['construct']} Boot SD")
        worst = max(worst, abs(sd - rec["boot_sd"]))
    assert worst < 1e-12 and own.fails == len(failed), (worst, own.fails)

    return {
        "B": N_BOOT,
        "n": n,
        "generator": f"numpy.random.default_rng({BOOT_SEED}).integers(0, n, size=(B, n))",
        "indices_base": 0,
        "indices_refer_to": "rows of the data the model was estimated on (see data.rows_used_note)",
        "failed_draws": failed,
        "check_vs_seminr_bootstrap_model_max_sd_diff": worst,
        "paths": summarize_draws(draws["paths"]),
        "weights": summarize_draws(draws["weights"]),
        "loadings": summarize_draws(draws["loadings"]),
        "indices": indices.tolist(),
    }


# --------------------------------------------------------------------------- cases


def load_mobi() -> tuple[pd.DataFrame, Path]:
    path = DATA_DIR / "mobi.csv"
    return pd.read_csv(path).astype(float), path


def ecsi_case(scheme: str, plsc: bool, description: str, with_bootstrap: bool) -> dict:
    spec = parse_model(ECSI_SYNTAX)
    raw, path = load_mobi()
    data = raw[model_items(spec)]
    assert not data.isna().any().any()
    model = fit(data, spec, scheme, plsc=plsc)
    if plsc:
        blocks = (
            "reflective(...) for the multi-item blocks, composite(..., weights=mode_A) "
            "for Complaints"
        )
    else:
        blocks = "composite(..., weights=mode_A) for every block"
    case = {
        "description": description,
        "model": ECSI_SYNTAX,
        "estimator": "PLSc" if plsc else "PLS",
        "scheme": scheme,
        "data": data_info("pls_data/mobi.csv", path, len(raw), len(data), "none (complete data)"),
        "seminr_call": (
            f"estimate_pls(mobi, mm, sm, inner_weights={SCHEMES[scheme].__name__}, max_it=300, "
            f"stop_criterion=7) with {blocks}"
        ),
        "results": estimate_results(model, spec, list(range(len(data)))),
    }
    if plsc:
        case["plsc"] = plsc_details(model)
    if with_bootstrap:
        case["bootstrap"] = bootstrap_replay(model, data, spec, scheme, mean_replacement)
    return case


def case_ecsi_mobi_path() -> dict:
    return ecsi_case(
        "path",
        False,
        "ECSI model on mobi, all blocks Mode A (SmartPLS 'reflective' without correction), "
        "path weighting scheme",
        with_bootstrap=True,
    )


def case_ecsi_mobi_factorial() -> dict:
    return ecsi_case(
        "factorial",
        False,
        "ECSI model on mobi, all blocks Mode A, factorial scheme",
        with_bootstrap=False,
    )


def case_ecsi_mobi_plsc() -> dict:
    return ecsi_case(
        "path",
        True,
        "ECSI model on mobi, consistent PLS (PLSc) for every multi-item block (Complaints is "
        "a single item: rho_A = 1, unchanged), path weighting scheme",
        with_bootstrap=False,
    )


def case_rq_survey_path() -> dict:
    syntax = tomllib.loads(RQ_TOML.read_text(encoding="utf-8"))["syntax"]
    spec = parse_model(syntax)
    items = model_items(spec)
    raw = pd.read_csv(RQ_CSV)
    keep = ~raw[items].isna().any(axis=1)
    data = raw.loc[keep, items].astype(float).reset_index(drop=True)
    kept_rows = np.flatnonzero(keep.to_numpy()).tolist()
    dropped_rows = np.flatnonzero(~keep.to_numpy()).tolist()
    model = fit(data, spec, "path", missing=na_omit)
    return {
        "description": (
            "relqual library model relationship_quality (syntax from "
            "models/relationship_quality.toml), all blocks Mode A, path weighting scheme, "
            "on the bundled survey after listwise deletion"
        ),
        "model": syntax,
        "library_model": "relationship_quality",
        "estimator": "PLS",
        "scheme": "path",
        "data": data_info(
            "relationship_quality",
            RQ_CSV,
            len(raw),
            len(data),
            "listwise: rows with any missing model item removed before estimation",
            loaded_as='rq.datasets.load("relationship_quality") (data/relationship_quality.csv)',
            rows_dropped=dropped_rows,
            rows_dropped_respondent=raw.loc[~keep, "respondent"].astype(int).tolist(),
            rows_used_note=(
                "the estimation data are the file's rows without rows_dropped, in file order "
                "(0-based positions); scores_head.data_rows and bootstrap indices refer to "
                "positions 0..n-1 in that reduced data"
            ),
        ),
        "seminr_call": (
            "estimate_pls(complete_cases, mm, sm, inner_weights=path_weighting, missing=na_omit, "
            "max_it=300, stop_criterion=7), composite(..., weights=mode_A) for every block"
        ),
        "results": estimate_results(model, spec, list(range(len(data)))),
        "bootstrap": bootstrap_replay(model, data, spec, "path", na_omit),
        "_kept_rows": kept_rows,  # removed before writing (only used for a check)
    }


def case_corp_rep_mode_b() -> dict:
    spec = parse_model(CORP_REP_SYNTAX)
    items = model_items(spec)
    path = DATA_DIR / "corp_rep_data.csv"
    raw = pd.read_csv(path).astype(float)
    data = raw[items]
    model = fit(data, spec, "path", missing=mean_replacement, missing_value=-99.0)

    # the mean replacement seminr applied, made explicit
    replaced = {}
    observed = data.where(data != -99.0)
    for col in items:
        miss = observed[col].isna().to_numpy()
        if miss.any():
            mean = float(np.mean(observed[col].to_numpy()[~miss]))
            replaced[col] = {
                "mean": mean,
                "n_missing": int(miss.sum()),
                "rows": np.flatnonzero(miss).tolist(),
            }
    # the cleaned data seminr estimated on equal the file with those means filled in
    imputed = observed.copy()
    for col, rec in replaced.items():
        imputed.loc[rec["rows"], col] = rec["mean"]
    cleaned = pd.DataFrame(model.data.values, columns=list(model.data.columns))[items]
    assert np.array_equal(cleaned.to_numpy(), imputed.to_numpy())
    # and estimating on the imputed data gives the same numbers
    again = fit(imputed, spec, "path", missing=na_omit)
    assert np.max(np.abs(again.path_coef.values - model.path_coef.values)) < 1e-14

    return {
        "description": (
            "Hair et al. PLS-SEM primer, extended corporate-reputation model: QUAL, PERF, "
            "CSOR, ATTR Mode B -> COMP, LIKE (Mode A) -> CUSA (single item) -> CUSL (Mode A); "
            "path weighting scheme"
        ),
        "model": CORP_REP_SYNTAX,
        "estimator": "PLS",
        "scheme": "path",
        "data": data_info(
            "pls_data/corp_rep_data.csv",
            path,
            len(raw),
            len(data),
            "mean replacement (seminr's default): -99 marks a missing value; each missing "
            "cell of a model item is replaced by the mean of the column's observed values "
            "over all 344 rows; no row is dropped",
            missing_code=-99,
            mean_replacement=replaced,
        ),
        "seminr_call": (
            "estimate_pls(corp_rep_data, mm, sm, inner_weights=path_weighting, "
            "missing=mean_replacement, missing_value=-99, max_it=300, stop_criterion=7); "
            "composite(..., weights=mode_B) for QUAL, PERF, CSOR, ATTR, "
            "composite(..., weights=mode_A) otherwise"
        ),
        "results": estimate_results(model, spec, list(range(len(data)))),
    }


# --------------------------------------------------------------------------- SmartPLS check


def read_smartpls(name: str) -> pd.DataFrame:
    """A SmartPLS 2 text table (tab-separated, decimal commas)."""
    lines = (SMARTPLS_DIR / name).read_text().splitlines()
    cols = [c.strip() for c in lines[0].split("\t")[1:] if c.strip()]
    rows, values = [], []
    for line in lines[1:]:
        parts = [p.strip() for p in line.split("\t") if p.strip()]
        if parts:
            rows.append(parts[0])
            values.append([float(p.replace(",", ".")) for p in parts[1:]])
    return pd.DataFrame(values, index=rows, columns=cols)


def smartpls_check(cases: dict) -> dict:
    """Compare ECSI paths, weights and loadings with SmartPLS 2 (8 printed decimals)."""
    out = {}
    for case, prefix in (("ecsi_mobi_path", "pathWeighting"), ("ecsi_mobi_factorial", "factorial")):
        res = cases[case]["results"]
        pc = read_smartpls(f"{prefix}_pathCoefficients.txt")
        ow = read_smartpls(f"{prefix}_outerWeights.txt")
        cl = read_smartpls(f"{prefix}_crossLoadings.txt")
        if case == "ecsi_mobi_path":
            print(f"\n{case}: path coefficients, seminr 0.2.1 vs SmartPLS 2.0.M3")
            print(f"{'from':>12} -> {'to':<12} {'seminr':>20} {'SmartPLS 2':>12} {'diff':>10}")
        diffs = {}
        d_paths = []
        for rec in res["paths"]:
            ref = pc.loc[rec["from"], rec["to"]]
            d_paths.append(rec["est"] - ref)
            if case == "ecsi_mobi_path":
                print(
                    f"{rec['from']:>12} -> {rec['to']:<12} {rec['est']:20.17f} {ref:12.8f} "
                    f"{rec['est'] - ref:10.2e}"
                )
        diffs["paths"] = max(abs(d) for d in d_paths)
        diffs["weights"] = max(
            abs(r["est"] - ow.loc[r["item"], r["construct"]]) for r in res["weights"]
        )
        diffs["loadings"] = max(
            abs(r["est"] - cl.loc[r["item"], r["construct"]]) for r in res["loadings"]
        )
        print(
            f"{case}: max |seminr - SmartPLS 2|: "
            + ", ".join(f"{k} {v:.2e}" for k, v in diffs.items())
        )
        assert max(diffs.values()) < 1e-7, diffs
        out[case] = {
            "smartpls_files": [
                f"{prefix}_pathCoefficients.txt",
                f"{prefix}_outerWeights.txt",
                f"{prefix}_crossLoadings.txt",
            ],
            "max_abs_diff": diffs,
        }
    out["note"] = (
        "SmartPLS 2.0.M3 outputs (8 printed decimals, stop criterion 1e-7) from "
        "../shared/reference/pls/smartpls2_ecsi/; loadings compared with the own-construct "
        "cross-loadings"
    )
    return out


def r_seminr_check() -> dict:
    """The corp_rep model and its mean replacement against R seminr's own fixture.

    R seminr's test-missing-data fixture (missing_cases_paths.csv) estimates the same model
    on corp_rep_data with missing_value = "-99" and mean replacement, but with the factorial
    scheme and stopCriterion = 1; re-estimating that way must give the same paths.
    """
    fixture = (
        ROOT.parent
        / "shared"
        / "reference"
        / "pls"
        / "seminr_r_fixtures"
        / "missing_cases_paths.csv"
    )
    spec = parse_model(CORP_REP_SYNTAX)
    data = pd.read_csv(DATA_DIR / "corp_rep_data.csv").astype(float)[model_items(spec)]
    mm, sm = seminr_model(spec)
    model = estimate_pls(
        data,
        mm,
        sm,
        inner_weights=path_factorial,
        missing=mean_replacement,
        missing_value=-99.0,
        stop_criterion=1,
    )
    ref = pd.read_csv(fixture, index_col=0)["Original Est."]
    diff = max(abs(model.path_coef.get(*key.split("  ->  ")) - v) for key, v in ref.items())
    print(f"corp_rep vs R seminr fixture missing_cases_paths.csv: max |diff| {diff:.2e}")
    assert diff < 1e-10, diff
    return {
        "fixture": (
            "../shared/reference/pls/seminr_r_fixtures/missing_cases_paths.csv "
            "(R seminr, column 'Original Est.')"
        ),
        "settings": (
            "corp_rep_mode_b model and data, mean replacement, factorial scheme, stop_criterion=1"
        ),
        "max_abs_diff_paths": diff,
    }


# --------------------------------------------------------------------------- JSON output


def to_json(obj, indent: int = 0) -> str:
    """Indented JSON with lists of scalars kept on one line (compact index matrices)."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(k)}: {to_json(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            return "[" + ", ".join(json.dumps(v, allow_nan=False) for v in obj) + "]"
        items = [inner + to_json(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False)


def main() -> None:
    start = time.perf_counter()
    copy_seminr_datasets()
    builders = [
        case_ecsi_mobi_path,
        case_ecsi_mobi_factorial,
        case_ecsi_mobi_plsc,
        case_rq_survey_path,
        case_corp_rep_mode_b,
    ]
    cases = {}
    for build in builders:
        t0 = time.perf_counter()
        name = build.__name__.removeprefix("case_")
        cases[name] = build()
        print(f"{name}: {time.perf_counter() - t0:.2f} s")
    kept = cases["rq_survey_path"].pop("_kept_rows")
    assert len(kept) == cases["rq_survey_path"]["data"]["n"]
    sanity = smartpls_check(cases)
    sanity_r = r_seminr_check()

    doc = {
        "generator": "tests/reference/pls_reference.py",
        "versions": {
            "seminr": version("seminr"),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "python": platform.python_version(),
        },
        "stop_rule": {
            "criterion": "sum of |w_new - w_old| over all outer weights < 1e-7",
            "stop_criterion": STOP_CRITERION,
            "max_it": MAX_IT,
        },
        "conventions": CONVENTIONS,
        "sanity_smartpls2": sanity,
        "sanity_r_seminr_corp_rep": sanity_r,
        "cases": cases,
    }
    text = to_json(clean(doc)) + "\n"
    json.loads(text)  # round-trip check
    OUT_FILE.write_text(text, encoding="utf-8")
    print(
        f"\nwrote {OUT_FILE.relative_to(ROOT)} ({len(text) / 1e6:.2f} MB) in "
        f"{time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        raise SystemExit("needs Python >= 3.11 (tomllib; seminr 0.2.1 requires it too)")
    main()
