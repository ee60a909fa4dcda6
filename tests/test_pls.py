"""PLS-SEM against seminr 0.2.1 (tests/reference/pls_seminr.json, made by pls_reference.py) and
SmartPLS 2 (tests/reference/smartpls2_ecsi/, the ECSI model on mobi, three weighting schemes):
paths, weights, loadings, R², adjusted R², alpha, rho_A, rho_C, AVE, HTMT, f², VIF, PLSc, and
bootstrap standard deviations from replayed resamples; all within 1e-6."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import relqual as rq

from conftest import REFERENCE

SEMINR = json.loads((REFERENCE / "pls_seminr.json").read_text())
CASES = SEMINR["cases"]
TOL = 1e-6


def case_data(case) -> pd.DataFrame:
    source = case["data"]
    if "relationship_quality" in str(source):
        return rq.datasets.load("relationship_quality")
    data = pd.read_csv(REFERENCE / source["file"])
    code = source.get("missing_code")
    return data.replace(code, np.nan) if code is not None else data


def fit_case(name):
    case = CASES[name]
    missing = "mean" if "mean replacement" in str(case["data"].get("missing", "")) else "listwise"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(case["model"], case_data(case), estimator=case["estimator"],
                     scheme=case["scheme"], missing=missing)
    return case, res


@pytest.fixture(scope="module", params=list(CASES))
def fitted(request):
    return fit_case(request.param)


def test_paths(fitted):
    case, res = fitted
    est = res.estimates().set_index(["rhs", "lhs", "op"])["est"]
    for p in case["results"]["paths"]:
        assert est[(p["from"], p["to"], "~")] == pytest.approx(p["est"], abs=TOL)


def test_weights_and_loadings(fitted):
    case, res = fitted
    est = res.estimates()
    for kind, op in (("weights", "<~"), ("loadings", "=~")):
        ours = est[est["op"] == op].set_index(["lhs", "rhs"])["est"]
        for w in case["results"][kind]:
            assert ours[(w["construct"], w["item"])] == pytest.approx(w["est"], abs=TOL), w


def test_r2_and_adjusted_r2(fitted):
    case, res = fitted
    r2, adj = res.r2(), res.r2(adjusted=True)
    for construct, values in case["results"]["r2"].items():
        assert r2[construct] == pytest.approx(values["r2"], abs=TOL)
        assert adj[construct] == pytest.approx(values["adj_r2"], abs=TOL)


def test_reliability(fitted):
    case, res = fitted
    table = res.reliability().set_index("factor")
    for construct, values in case["results"]["reliability"].items():
        for key in ("alpha", "rho_a", "rho_c", "ave"):
            expected = pytest.approx(values[key], abs=TOL)
            assert table.loc[construct, key] == expected, (construct, key)


def test_htmt(fitted):
    case, res = fitted
    ref = case["results"]["htmt"]
    theirs = pd.DataFrame(ref["data"], index=ref["rownames"], columns=ref["colnames"])
    ours = res.htmt(matrix=True)
    for a in theirs.index:
        for b in theirs.columns:
            value = theirs.loc[a, b]
            if a != b and value is not None and np.isfinite(value):
                assert ours.loc[a, b] == pytest.approx(value, abs=TOL), (a, b)


def test_f2(fitted):
    case, res = fitted
    ours = res.f2().set_index(["rhs", "lhs"])["f2"]
    for row in case["results"]["f2"]:
        assert ours[(row["from"], row["to"])] == pytest.approx(row["f2"], abs=TOL)


def test_vif(fitted):
    case, res = fitted
    ours = res.vif().set_index(["kind", "lhs", "rhs"])["vif"]
    vif = case["results"]["vif"]
    for outcome, values in vif["antecedents"].items():
        for predictor, value in values.items():
            expected = 1.0 if value is None else value      # seminr: NaN for one antecedent
            assert ours[("antecedent", outcome, predictor)] == pytest.approx(expected, abs=TOL)
    for construct, values in vif["items"].items():
        for item, value in values.items():
            assert ours[("indicator", construct, item)] == pytest.approx(value, abs=TOL)


@pytest.mark.parametrize("name", [n for n in CASES if "bootstrap" in CASES[n]])
def test_bootstrap_sd_with_replayed_resamples(name):
    case, res = fit_case(name)
    boot = case["bootstrap"]
    indices = [[np.asarray(draw)] for draw in boot["indices"]]
    draws = res.bootstrap(indices=indices)
    assert draws.n_failed == 0
    col = res.partable.col
    sd = pd.Series(draws.block("est").std(axis=0, ddof=1),
                   index=pd.MultiIndex.from_arrays([col["lhs"], col["op"], col["rhs"]]))
    for p in boot["paths"]:
        assert sd[(p["to"], "~", p["from"])] == pytest.approx(p["boot_sd"], abs=TOL)
    for kind, op in (("weights", "<~"), ("loadings", "=~")):
        for w in boot[kind]:
            assert sd[(w["construct"], op, w["item"])] == pytest.approx(w["boot_sd"], abs=TOL)


def smartpls(prefix: str, what: str) -> pd.DataFrame:
    lines = (REFERENCE / "smartpls2_ecsi" / f"{prefix}_{what}.txt").read_text().strip().split("\n")
    columns = lines[0].split()
    rows = {parts[0]: [float(v.replace(",", ".")) for v in parts[1:]]
            for parts in (line.split() for line in lines[1:])}
    return pd.DataFrame(rows, index=columns).T


@pytest.mark.parametrize("scheme, prefix", [("path", "pathWeighting"),
                                            ("factorial", "factorial"),
                                            ("centroid", "centroid")])
def test_smartpls2_ecsi_three_schemes(scheme, prefix):
    case = CASES["ecsi_mobi_path"]
    res = rq.fit(case["model"], case_data(case), estimator="PLS", scheme=scheme)
    est = res.estimates()
    paths = smartpls(prefix, "pathCoefficients")
    for _, r in est[est["op"] == "~"].iterrows():
        assert r["est"] == pytest.approx(paths.loc[r["rhs"], r["lhs"]], abs=1e-7)
    weights = smartpls(prefix, "outerWeights")
    for _, r in est[est["op"] == "<~"].iterrows():
        assert r["est"] == pytest.approx(weights.loc[r["rhs"], r["lhs"]], abs=1e-7)


# ----------------------------------------------------------------------------- index and IPMA

def test_index_by_hand():
    """Two constructs, hand-computed: unstandardized weights w / sd normalized to 1, items
    rescaled (x - 1) / 4 * 100 on a 1-5 scale."""
    case = CASES["rq_survey_path"]
    _, res = fit_case("rq_survey_path")
    data = res.used_data()
    weights = res.weights().set_index("rhs")["est"]
    items = ["sat1", "sat2", "sat3", "sat4"]
    w = weights[items] / data[items].std(ddof=1)
    w = w / w.sum()
    expected = ((data[items] - 1) / 4 * 100) @ w
    assert res.index_scores(scale=(1, 5))["SAT"].to_numpy() == pytest.approx(expected.to_numpy())
    assert res.index(scale=(1, 5))["SAT"] == pytest.approx(expected.mean())
    assert case["model"]


def test_ipma_importance_is_the_total_effect_on_0_100_scores():
    _, res = fit_case("rq_survey_path")
    scores = res.index_scores(scale=(1, 5))
    table = res.ipma("CC", scale=(1, 5)).set_index("construct")
    # AC -> CC is a direct path only: its importance is the regression coefficient on the scores
    design = np.column_stack([np.ones(len(scores)), scores[["SAT", "AC", "CF"]]])
    coef = np.linalg.lstsq(design, scores["CC"], rcond=None)[0]
    assert table.loc["AC", "importance"] == pytest.approx(coef[2])
    assert table.loc["AC", "performance"] == pytest.approx(scores["AC"].mean())


def test_index_refuses_negative_weights_and_answers_outside_the_scale():
    _, res = fit_case("corp_rep_mode_b")
    with pytest.raises(ValueError, match="negative outer weight"):
        res.index(scale=(1, 7))
    _, res = fit_case("rq_survey_path")
    with pytest.raises(ValueError, match=r"outside scale=\(1, 3\)"):
        res.index(scale=(1, 3))


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, kind, message", [
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d, estimator="PLS",
                      scheme="circle"), ValueError, "unknown PLS weighting scheme 'circle'"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d, estimator="PLS",
                      group="school"), NotImplementedError, "PLS-MGA"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A\nx1 ~~ x2", d, estimator="PLS"),
     rq.ModelSyntaxError, "'~~' has no meaning in a PLS path model"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x2 + x4\nB ~ A", d, estimator="PLS"),
     rq.ModelSyntaxError, "'x2' belongs to more than one construct"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d.assign(x3=1.0), estimator="PLS"),
     rq.DataError, "'x3' has no variance"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d.assign(x3="a"), estimator="PLS"),
     rq.DataError, "'x3' is not numeric"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d, scheme="factorial"),
     ValueError, "scheme='factorial' is an option of estimator='PLS'"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d, missing="mean"),
     ValueError, "mean replacement.*PLS only"),
    (lambda d: rq.fit("A =~ x1 + x2\nB =~ x3 + x4\nB ~ A", d).weights(),
     NotImplementedError, "PLS-SEM result"),
])
def test_pls_bad_input(hs, call, kind, message):
    with pytest.raises(kind, match=message):
        call(hs)


def test_non_convergence_is_a_warning(hs):
    with pytest.warns(rq.RelqualWarning, match="did not converge.*weights did not settle"):
        res = rq.fit("A =~ x1 + x2 + x3\nB =~ x4 + x5 + x6\nB ~ A", hs, estimator="PLS",
                     control={"max_iter": 1})
    assert not res.converged and "did NOT converge" in res.summary()


def test_tables_follow_the_pls_reporting_checklist():
    _, res = fit_case("rq_survey_path")
    measurement, htmt, structural = res.tables()
    rho_c = res.reliability().set_index("factor").loc["SAT", "rho_c"]
    assert measurement.cell("sat1", "\u03c1C") == f"{rho_c:.3f}".lstrip("0")
    assert "HTMT" in htmt.title and "\u2014" in htmt.to_markdown()
    assert "no bootstrap was run" in structural.note.lower()
    assert list(structural.data.columns)[:3] == ["lhs", "rhs", "beta"]
    boot = res.with_bootstrap(res.bootstrap(30, seed=1))
    structural = boot.tables()[2]
    assert "30 bootstrap resamples" in structural.note and structural.data["t"].notna().all()


def test_total_effects(fitted):
    case, res = fitted
    total = res.effects().query("effect == 'total'").set_index(["from", "to"])["est"]
    for row in case["results"]["total_effects"]:
        assert total[(row["from"], row["to"])] == pytest.approx(row["est"], abs=TOL)


def test_fornell_larcker(fitted):
    case, res = fitted
    ref = case["results"]["fornell_larcker"]
    theirs = pd.DataFrame(ref["data"], index=ref["rownames"], columns=ref["colnames"])
    ours = res.fornell_larcker(matrix=True)
    consistent = case["estimator"] == "PLSc"
    for a in theirs.index:
        for b in theirs.columns:
            value = theirs.loc[a, b]
            if value is None or not np.isfinite(value):
                continue
            if consistent and a != b:
                # seminr 0.2.1 correlates the uncorrected scores; relqual uses PLSc's consistent
                # construct correlations (Dijkstra & Henseler 2015), as SmartPLS does
                ref = case["results"]["construct_correlations"]
                scores = pd.DataFrame(ref["data"], index=ref["rownames"], columns=ref["colnames"])
                rho = case["results"]["reliability"]
                value = scores.loc[a, b] / np.sqrt(rho[a]["rho_a"] * rho[b]["rho_a"])
            assert ours.loc[a, b] == pytest.approx(value, abs=TOL), (a, b)


def test_specific_indirect_effects_multiply_their_paths():
    _, res = fit_case("rq_survey_path")
    paths = res.paths().set_index(["rhs", "lhs"])["est"]
    effects = res.indirect(ci="bootstrap", n=40, seed=3)
    row = effects[effects["path"] == "CF -> SAT -> TR"].iloc[0]
    assert row["est"] == pytest.approx(paths[("CF", "SAT")] * paths[("SAT", "TR")])
    assert row["ci_lower"] < row["est"] < row["ci_upper"] and row["se"] > 0
    parts = effects[(effects["from"] == "CF") & (effects["to"] == "CC")]
    total = parts.query("effect == 'total'")["est"].iloc[0]
    assert total == pytest.approx(parts.query("effect in ['direct', 'indirect']")["est"].sum())
