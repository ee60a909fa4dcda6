"""The robust ML and least-squares estimators from the command line (``--estimator``, ``--se``,
``--test``) and in the app's estimator list (issue 15, item 5). The numbers themselves are
checked against lavaan in tests/test_estimators.py; here: the options reach ``rq.fit``, the
JSON and the report name the estimator and test, and bad combinations are refused by name."""
from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

import relqual as rq
from relqual.app import logic
from relqual.cli import main

from conftest import REFERENCE, ROOT

HS_DATA = ROOT / "data" / "holzinger_swineford.csv"
REF = {c["name"]: c for c in json.loads((REFERENCE / "estimators.json").read_text())["cases"]}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name, extra", [
    ("hs_mlm", ["--se", "robust.sem", "--test", "satorra.bentler"]),
    ("hs_ml_yb", ["--test", "yuan.bentler"]),
    ("hs_ml_ss", ["--se", "robust.sem", "--test", "scaled.shifted"]),
    ("hs_uls_sb", ["--se", "robust.sem", "--test", "satorra.bentler"]),
])
def test_fit_command_passes_se_and_test(capsys, tmp_path, name, extra):
    case = REF[name]
    out_json = tmp_path / "fit.json"
    code, out, err = run(capsys, "fit", case["model"], str(HS_DATA), "--estimator",
                         case["options"]["estimator"], *extra, "--json", str(out_json))
    assert code == 0, err
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert doc["fit_measures"]["chisq_scaled"] == pytest.approx(case["fit"]["chisq.scaled"],
                                                                rel=1e-5)
    ours = pd.DataFrame(doc["estimates"]).dropna(subset=["se"])
    theirs = pd.DataFrame(case["estimates"])
    merged = ours.merge(theirs, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(merged) == len(ours) > 0
    assert merged["se"].to_numpy() == pytest.approx(merged["se_lavaan"].to_numpy(), abs=1e-4)
    test = extra[extra.index("--test") + 1]
    assert ("Yuan-Bentler" if test == "yuan.bentler" else "chi-square") in out


def test_report_command_names_the_estimator_and_test(capsys, tmp_path):
    out_md = tmp_path / "r.md"
    code, out, err = run(capsys, "report", REF["hs_mlm"]["model"], str(HS_DATA), "--out",
                         str(out_md), "--bootstrap", "0", "--estimator", "MLM", "--lang", "en")
    assert code == 0, err
    text = out_md.read_text(encoding="utf-8")
    assert "Estimator MLM" in text and "Satorra-Bentler" in text


@pytest.mark.parametrize("argv, mention", [
    (["--estimator", "ULS", "--test", "yuan.bentler"], "estimator='ULS'"),
    (["--estimator", "ULS", "--se", "robust.huber.white"], "robust.huber.white"),
    (["--estimator", "GLS", "--se", "robust.sem"], "estimator='GLS'"),
])
def test_refused_combinations_name_the_option(capsys, argv, mention):
    code, out, err = run(capsys, "fit", "f =~ x1 + x2 + x3 + x4", str(HS_DATA), *argv)
    assert code == 2
    assert mention in err and "Traceback" not in out + err


def test_unknown_test_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fit", "f =~ x1 + x2 + x3", str(HS_DATA), "--test", "sb"])
    assert exc.value.code == 2
    assert "satorra.bentler" in capsys.readouterr().err


@pytest.mark.parametrize("estimator, scaled", [("MLM", True), ("MLMV", True), ("ULS", False),
                                               ("DWLS", False)])
def test_app_offers_the_new_estimators(estimator, scaled):
    survey = rq.datasets.load("relationship_quality")
    out = logic.run_fit("relationship_quality", survey, estimator=estimator)
    assert out.error is None, out.error
    assert out.result.call["estimator"] == estimator
    rows = logic.fit_rows(out.result, "en")
    assert ("χ² (scaled)" in set(rows["Index"])) == scaled
    assert len(logic.hypothesis_rows(out.result, "en")) == 9
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rq.RelqualWarning)      # the rows listwise deletion drops
        direct = rq.fit("relationship_quality", survey, estimator=estimator)
    assert pd.Series(out.result.fit_measures()).equals(pd.Series(direct.fit_measures()))
