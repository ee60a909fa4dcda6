"""The PLS-SEM report (relqual/plsreport.py: Hair et al. 2019's checklist) and the command line
(`relqual fit/report --estimator PLS|PLSc --scheme ...`).

The checklist's statements are checked against the fit's own numbers (loadings, reliability,
AVE, HTMT with its bootstrap test, VIF, bootstrap intervals of the paths, R², Q²predict), which
tests/test_pls.py and tests/test_pls_boot.py compare with seminr; here: that the report says
what those numbers say, in English and Chinese, and that the command line reaches it.
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import relqual as rq
from relqual.cli import main
from relqual.plsreport import RELIABILITY_RANGE, checklist, pls_report_parts, text

DATA = rq.datasets.load("relationship_quality")
HS = rq.datasets.load("holzinger_swineford")
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n" \
           "textual ~ visual\nspeed ~ visual + textual"


def _fit(model="relationship_quality", data=DATA, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(model, data, estimator=kw.pop("estimator", "PLS"), **kw)


@pytest.fixture(scope="module")
def parts():
    return pls_report_parts(_fit(), draws=100, seed=2)


def test_parts_hold_the_checklist_tables_with_bootstrap(parts):
    assert [t.name for t in parts.tables] == ["measurement", "discriminant", "htmt_test", "paths",
                                              "pls_fit", "prediction"]
    assert [t.number for t in parts.tables] == list(range(1, 7))
    assert parts.result.call["se"] == "bootstrap" and parts.result.call["bootstrap"] == 100
    paths = parts.tables[3].data
    assert np.isfinite(paths["t"]).all()
    fit = parts.tables[4].data
    assert set(fit["measure"]) == {"srmr", "d_uls", "d_g"} and {"HI95", "HI99"} <= set(fit)
    fm = parts.result.fit_measures()
    assert np.isclose(fit.query("model == 'estimated' and measure == 'srmr'")["value"].iloc[0],
                      fm["srmr"])
    assert "SRMR = .054" in parts.stats and "path weighting scheme" in parts.stats


def test_checklist_says_what_the_numbers_say(parts):
    res = parts.result
    statements = parts.checklist
    loadings = res.loadings()["est"]
    assert statements[0] == text("loadings_ok", cut=".708", low=f"{loadings.min():.3f}"[1:],
                                 high=f"{loadings.max():.3f}"[1:])
    assert statements[1].startswith("Internal consistency: alpha, rho_A and rho_C lie between")
    assert "AVE is at least .50" in statements[2]
    htmt = parts.tables[2].data
    assert htmt["below_85"].all() and "significantly so" in statements[3]
    largest = res.vif().query("kind == 'antecedent'")["vif"].max()
    assert f"largest {largest:.2f}" in statements[4]
    paths = res.paths()
    k = int(((paths["ci_lower"] > 0) | (paths["ci_upper"] < 0)).sum())
    assert f"{k} of {len(paths)} significant" in statements[5] and "100 resamples" in statements[5]
    assert "SAT .08 (very weak)" in statements[6] and "AC .27 (weak)" in statements[6]
    assert statements[7].startswith("Predictive power (PLSpredict): Q²predict above 0")


def test_checklist_names_what_fails():
    res = _fit(HS_MODEL, HS)
    statements = checklist(res, None, res.predict(seed=1, repeats=1))
    low = res.loadings().query("est < 0.708")
    assert len(low) and statements[0].startswith(f"Indicator reliability: {len(low)} loading(s)")
    for row in low.itertuples():
        assert f"{row.lhs}/{row.rhs}" in statements[0]
    reliability = res.reliability()
    below = reliability[(reliability[["alpha", "rho_a", "rho_c"]] < RELIABILITY_RANGE[0]).any(
        axis=1)]
    if len(below):
        assert any(s.startswith("Internal consistency: below .70 for") for s in statements)
    weak_ave = reliability.query("ave < 0.5")["factor"]
    assert all(f in " ".join(statements) for f in weak_ave)
    assert "no bootstrap was run" in " ".join(statements)


def test_report_files_in_english_and_chinese(tmp_path):
    res = _fit()
    md = res.report(tmp_path / "pls.md", draws=60, seed=1).read_text(encoding="utf-8")
    for piece in ("PLS-SEM reporting checklist (Hair, Risher, Sarstedt & Ringle, 2019)",
                  "HTMT bootstrap test of discriminant validity", "Model fit (PLS-SEM)",
                  "Predictive power (PLSpredict)", "Structural model (PLS-SEM)",
                  "path weighting scheme; R² SAT = .08"):
        assert piece in md
    assert "measurement report not available" not in md          # a covariance-based check
    assert "chi" not in md.lower().split("## results")[1]         # no chi-square in PLS tables
    zh = res.report(tmp_path / "pls_zh.md", draws=60, seed=1, lang="zh").read_text(
        encoding="utf-8")
    for piece in ("PLS-SEM 报告清单", "HTMT 区分效度的自助法检验", "模型拟合（PLS-SEM）",
                  "预测能力（PLSpredict）", "路径加权方案"):
        assert piece in zh
    html = res.report(tmp_path / "pls.html", draws=0).read_text(encoding="utf-8")
    assert "no bootstrap was run" in html and "HTMT bootstrap test" not in html


def test_cli_fit_and_report_with_pls(capsys, tmp_path):
    data = tmp_path / "survey.csv"
    DATA.to_csv(data, index=False)
    out_json = tmp_path / "fit.json"
    code = main(["fit", "relationship_quality", str(data), "--estimator", "PLSc", "--scheme",
                 "centroid", "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 0 and "relqual PLSc fit of relationship_quality (centroid weighting" in out
    assert json.loads(out_json.read_text())
    report = tmp_path / "r.md"
    code = main(["report", "relationship_quality", str(data), "--estimator", "PLS", "--out",
                 str(report), "--bootstrap", "50"])
    out = capsys.readouterr().out
    assert code == 0 and "relationship_quality: PLS, n = 537 of 600 rows, R² SAT 0.078" in out
    assert "PLS-SEM reporting checklist" in report.read_text(encoding="utf-8")


def test_cli_refuses_a_scheme_without_pls(capsys, tmp_path):
    data = tmp_path / "hs.csv"
    HS.to_csv(data, index=False)
    code = main(["fit", "visual =~ x1 + x2 + x3", str(data), "--scheme", "factorial"])
    err = capsys.readouterr().err
    assert code == 2 and "scheme='factorial' is an option of estimator='PLS'" in err


def test_construct_scores_are_standardized_items_times_weights():
    res = _fit()
    scores = res.factor_scores()
    model = res.problem.pls["model"]
    raw = res.problem.data.arrays[0]
    z = (raw - raw.mean(axis=0)) / raw.std(axis=0, ddof=1)
    weights = res.weights().pivot(index="rhs", columns="lhs", values="est").fillna(0.0)
    W = weights.loc[model.indicators, model.constructs].to_numpy()
    assert np.allclose(scores.to_numpy(), z @ W, atol=1e-12)
    assert np.allclose(scores.std(), 1.0) and np.allclose(scores.mean(), 0.0, atol=1e-12)
    rows = DATA.dropna().iloc[[3, 10]]
    new = res.factor_scores(data=rows)
    assert list(new.index) == list(rows.index)
    assert np.allclose(new.to_numpy(), scores.iloc[[3, 10]].to_numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="method='bartlett' is a scoring method of factor"):
        res.factor_scores(method="bartlett")
    with pytest.raises(ValueError, match="lack the indicator column"):
        res.factor_scores(data=rows.drop(columns="sat2"))
    with pytest.raises(ValueError, match="row 4 of the new data has no usable value of 'sat3'"):
        res.factor_scores(data=DATA.iloc[:50])


def test_plsc_report_without_plspredict_and_with_the_call(tmp_path):
    res = _fit(estimator="PLSc", scheme="factorial", control={"max_iter": 100})
    parts = pls_report_parts(res, draws=40, seed=1)
    assert "prediction" not in [t.name for t in parts.tables]
    assert parts.checklist[-1].startswith("Predictive power: PLSpredict predicts composite")
    md = res.report(tmp_path / "plsc.md", draws=40).read_text(encoding="utf-8")
    assert ("rq.fit('relationship_quality', data, estimator='PLSc', control={'max_iter': 100}, "
            "scheme='factorial', se='bootstrap', bootstrap=40, seed=1)") in md
    docx = res.report(tmp_path / "plsc.docx", draws=0, lang="zh")
    assert docx.stat().st_size > 0


def test_report_of_a_fit_that_did_not_converge_says_so(tmp_path):
    res = _fit(control={"max_iter": 2})
    md = res.report(tmp_path / "nc.md", draws=20).read_text(encoding="utf-8")
    assert "NOT converged after 2 iterations" in md
    assert "In brackets: HI95" not in md             # no test of exact fit without estimates


def test_cli_mean_replacement_for_pls(capsys, tmp_path):
    data = tmp_path / "survey.csv"
    DATA.to_csv(data, index=False)
    code = main(["fit", "relationship_quality", str(data), "--estimator", "PLS", "--missing",
                 "mean"])
    out = capsys.readouterr().out
    assert code == 0 and "observations used: 600 of 600" in out
    assert "mean replacement: " in out
