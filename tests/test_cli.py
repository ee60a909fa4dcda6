"""The ``relqual`` CLI, run in-process through ``relqual.cli.main`` (plus one subprocess)."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.cli import main

from conftest import HS_MODEL

ROOT = Path(__file__).resolve().parents[1]
HS_DATA = ROOT / "data" / "holzinger_swineford.csv"
REFERENCE = ROOT / "tests" / "reference"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_input_error(capsys, *argv, mention: str):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert mention in err
    assert "Traceback" not in err + out
    return err


def test_demo_reports_fit_and_every_hypothesis(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                 # the demo writes its report to the current folder
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    for piece in ("chi-square", "CFI", "TLI", "RMSEA", "90% CI", "SRMR"):
        assert piece in out
    spec = rq.models.load("relationship_quality")
    assert spec.hypotheses
    for h in spec.hypotheses:
        assert f"  {h['id']} " in out
    # rows dropped and why (the bundled survey has 63 incomplete rows)
    assert "600 rows; 537 used, 63 dropped" in out
    assert "listwise deletion" in out
    assert "supported" in out


def test_models_lists_the_library(capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0
    assert "relationship_quality" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert rq.__version__ in capsys.readouterr().out


def test_fit_json_matches_lavaan_and_estimates(capsys, tmp_path):
    out_file = tmp_path / "hs.json"
    code, out, err = run(capsys, "fit", HS_MODEL, str(HS_DATA), "--json", str(out_file))
    assert code == 0, err
    assert "chi-square" in out
    text = out_file.read_text(encoding="utf-8")
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"invalid JSON constant {c}"))
    assert set(doc) == {"estimates", "fit_measures", "converged", "n_obs", "warnings"}

    reference = json.loads((REFERENCE / "hs_cfa.json").read_text(encoding="utf-8"))
    assert doc["fit_measures"]["chisq"] == pytest.approx(reference["fit_measures"]["chisq"],
                                                         abs=1e-5)
    assert doc["converged"] is True
    assert doc["n_obs"] == 301
    assert isinstance(doc["warnings"], list)

    expected = rq.fit(HS_MODEL, pd.read_csv(HS_DATA)).estimates()
    rows = doc["estimates"]
    assert len(rows) == len(expected)
    for row, (_, want) in zip(rows, expected.iterrows()):
        assert list(row) == list(expected.columns)
        for column, value in want.items():
            if isinstance(value, (float, np.floating)) and math.isnan(value):
                assert row[column] is None, column
            elif isinstance(value, (float, np.floating)):
                assert row[column] == pytest.approx(float(value), rel=1e-9, abs=1e-12), column
            else:
                assert row[column] == value, column


def test_fit_missing_data_file(capsys, tmp_path):
    assert_input_error(capsys, "fit", HS_MODEL, str(tmp_path / "no_such_file.csv"),
                       mention="not found")


def test_fit_unsupported_data_format(capsys, tmp_path):
    err = assert_input_error(capsys, "fit", HS_MODEL, str(tmp_path / "survey.sas7bdat"),
                             mention="unsupported data format")
    assert ".csv" in err and ".tsv" in err


def test_fit_unknown_column(capsys):
    assert_input_error(capsys, "fit", "visual =~ x1 + x2 + x10", str(HS_DATA), mention="'x10'")


def test_fit_syntax_error(capsys):
    err = assert_input_error(capsys, "fit", "visual =~ x1 + + x2", str(HS_DATA),
                             mention="line 1")
    assert "visual =~ x1 + + x2" in err


def test_fit_planned_options_exit_2(capsys):
    assert_input_error(capsys, "fit", HS_MODEL, str(HS_DATA), "--estimator", "WLSMV",
                       mention="not available yet")


def test_fit_ordered_continuous_scores_exit_2(capsys):
    assert_input_error(capsys, "fit", HS_MODEL, str(HS_DATA), "--ordered", "all",
                       mention="non-integer values")


def test_fit_ordered_writes_thresholds(tmp_path):
    out = tmp_path / "wlsmv.json"
    data = ROOT / "data" / "holzinger_swineford_ordinal.csv"
    assert main(["fit", HS_MODEL, str(data), "--ordered", "all", "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    ref = json.loads((ROOT / "tests" / "reference" / "hs_wlsmv.json").read_text())
    assert payload["fit_measures"]["chisq_scaled"] == pytest.approx(
        ref["fit_measures"]["chisq.scaled"], rel=1e-6)
    assert sum(row["op"] == "|" for row in payload["estimates"]) == 27


def test_fit_ordered_pairwise_matches_api(tmp_path):
    data = pd.read_csv(ROOT / "data" / "holzinger_swineford_ordinal.csv")
    items = [f"x{k}" for k in range(1, 10)]
    holes = data.copy()
    for k, item in enumerate(items):
        holes.loc[holes.index[k::23], item] = np.nan
    path = tmp_path / "holes.csv"
    holes.to_csv(path, index=False)
    out = tmp_path / "pairwise.json"
    assert main(["fit", HS_MODEL, str(path), "--ordered", "all", "--missing", "pairwise",
                 "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    with pytest.warns(Warning, match="pairwise deletion: 301 rows used"):
        res = rq.fit(HS_MODEL, holes, ordered=items, missing="pairwise")
    assert payload["fit_measures"]["chisq_scaled"] == pytest.approx(
        res.fit_measures()["chisq_scaled"], rel=1e-9)
    assert payload["fit_measures"]["chisq_scaled"] != pytest.approx(
        rq.fit(HS_MODEL, holes.dropna(), ordered=items).fit_measures()["chisq_scaled"],
        rel=1e-6)


def test_console_script_demo_runs(tmp_path):
    # run outside the source tree, so that the installed package (and its package data) is used
    proc = subprocess.run([sys.executable, "-m", "relqual", "demo"], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Structural paths and hypotheses" in proc.stdout


def test_fit_by_group_writes_group_column(tmp_path, capsys):
    out = tmp_path / "mg.json"
    assert main(["fit", HS_MODEL, str(HS_DATA), "--group", "school", "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert {row["group"] for row in payload["estimates"]} >= {1, 2}
    ref = json.loads((ROOT / "tests" / "reference" / "hs_mg_configural.json").read_text())
    assert payload["fit_measures"]["chisq"] == pytest.approx(ref["fit_measures"]["chisq"], abs=1e-5)


# ---------------------------------------------------------------------------- data options
# issue 17: --encoding, --sheet, --missing-codes, --likert (and --out-of-range) on fit and report
THREE = "f =~ q1 + q2 + q3"


@pytest.fixture
def chinese_files(tmp_path):
    """A GB18030 CSV with Chinese names (编号 numbers respondents 1..200, so one is 99), an
    answer 99 and an answer -9; the same data as sheet 2 of a workbook."""
    rng = np.random.default_rng(0)
    n = 200
    factor = rng.normal(size=n)
    df = pd.DataFrame({"编号": np.arange(1, n + 1), "年龄": rng.integers(18, 70, n)})
    for i in (1, 2, 3):
        df[f"q{i}"] = np.clip(np.round(3 + factor + rng.normal(scale=0.8, size=n)), 1, 5)
        df[f"q{i}"] = df[f"q{i}"].astype(int)
    df.loc[5, "q1"], df.loc[7, "q2"] = 99, -9
    csv = tmp_path / "问卷.csv"
    df.to_csv(csv, index=False, encoding="gb18030")
    xlsx = tmp_path / "问卷.xlsx"
    with pd.ExcelWriter(xlsx) as book:
        pd.DataFrame({"说明": ["wave 1"]}).to_excel(book, sheet_name="说明", index=False)
        df.to_excel(book, sheet_name="数据", index=False)
    return {"csv": str(csv), "xlsx": str(xlsx)}


DATA_OPTION_CASES = [
    # (id, file, options, exit code, fragment of stdout+stderr, one-line error)
    ("GB18030 file read without options", "csv", [], 0, "200 of 200", False),
    ("--likert finds the undeclared codes", "csv", ["--likert", "1", "5"], 2,
     "column 'q1' (scale 1-5): row 5: 99", False),
    ("the range error points to the options", "csv", ["--likert", "1", "5"], 2,
     "--missing-codes", False),
    ("--missing-codes with = and --likert LO HI", "csv",
     ["--likert", "1", "5", "--missing-codes=-9,99"], 0, "198 of 200", False),
    ("--missing-codes -9,99 with a space and --likert LO,HI", "csv",
     ["--likert", "1,5", "--missing-codes", "-9,99"], 0, "198 of 200", False),
    ("the id column keeps respondent 99 (a note says so)", "csv",
     ["--missing-codes=-9,99"], 0, "relqual: note: missing_codes=[-9, 99] were not applied "
     "to identifier-like column(s) '编号'", False),
    ("--out-of-range missing", "csv", ["--likert", "1", "5", "--out-of-range", "missing"], 0,
     "198 of 200", False),
    ("--likert LO > HI", "csv", ["--likert", "5", "1"], 2, "--likert: LO must be smaller", True),
    ("--likert not numbers", "csv", ["--likert", "a", "b"], 2, "--likert: give the scale", True),
    ("--likert three numbers", "csv", ["--likert", "1", "2", "3"], 2, "--likert", True),
    ("--missing-codes with an empty value", "csv", ["--missing-codes=-9,,99"], 2,
     "--missing-codes: empty value", True),
    ("--encoding unknown", "csv", ["--encoding", "gbkk"], 2, "--encoding: unknown encoding",
     True),
    ("--encoding gb18030", "csv", ["--encoding", "gb18030"], 0, "200 of 200", False),
    ("--encoding utf-8 for a GB file suggests --encoding gb18030", "csv",
     ["--encoding", "utf-8"], 2, "--encoding gb18030", True),
    ("--sheet on a CSV file", "csv", ["--sheet", "2"], 2, "--sheet applies to Excel", True),
    ("--sheet by number, counting from 1", "xlsx", ["--sheet", "2", "--missing-codes=-9,99"],
     0, "198 of 200", False),
    ("--sheet by Chinese name", "xlsx", ["--sheet", "数据", "--missing-codes=-9,99"], 0,
     "198 of 200", False),
    ("--sheet that is not there", "xlsx", ["--sheet", "3"], 2,
     "--sheet: '", True),
    ("without --sheet the first sheet is read, and named", "xlsx", [], 2,
     "the first, '说明', was read (pass --sheet for another)", False),
    ("--encoding on an Excel file", "xlsx", ["--encoding", "gbk"], 2,
     "--encoding does not apply to Excel", True),
]


@pytest.mark.parametrize("case", DATA_OPTION_CASES, ids=[c[0] for c in DATA_OPTION_CASES])
def test_fit_data_options(capsys, chinese_files, case):
    _, file, options, code, fragment, one_line = case
    got, out, err = run(capsys, "fit", THREE, chinese_files[file], *options)
    assert got == code, err
    assert fragment in out + err
    assert "Traceback" not in out + err
    if "GB file" in case[0]:                  # never an encoding that garbles Chinese
        assert "latin-1" not in err and "cp1252" not in err
    if one_line:
        assert err.strip().count("\n") == 0 and err.startswith("relqual: error: "), err


def test_report_data_options(capsys, chinese_files, tmp_path):
    out_file = tmp_path / "report.md"
    code, out, err = run(capsys, "report", THREE, chinese_files["csv"], "--out", str(out_file),
                         "--bootstrap", "0", "--encoding", "gb18030", "--likert", "1", "5",
                         "--missing-codes=-9,99")
    assert code == 0, err
    assert "n = 198 of 200" in out
    text = out_file.read_text(encoding="utf-8")
    assert ("encoding='gb18030', missing_codes=[-9, 99], likert=(1, 5), "
            "items=['q1', 'q2', 'q3'])") in text
    assert_input_error(capsys, "report", THREE, chinese_files["csv"], "--out", str(out_file),
                       "--likert", "1", "5", mention="--missing-codes")
