"""rq.read_survey (every format, missing codes, reverse coding, Likert range) and rq.check_data."""
from __future__ import annotations

import hashlib
import importlib.util

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.cli import main

from conftest import HS_MODEL

SURVEY = pd.DataFrame({
    "id": [101, 102, 103, 104, 105, 106],
    "sat1": [1, 2, 3, 4, 5, 3],
    "sat2": [2, 2, 4, 5, 4, 1],
    "trust1": [5, 4, 3, 2, 1, 2],
    "gender": ["f", "m", "f", "m", "f", "m"],
})


def write(df: pd.DataFrame, path, **kw):
    """Write a test file in the format its extension names."""
    suffix = path.suffix
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix in (".tsv", ".tab", ".txt"):
        df.to_csv(path, index=False, sep="\t")
    elif suffix == ".xlsx":
        df.to_excel(path, index=False, **kw)
    elif suffix == ".sav":
        import pyreadstat
        pyreadstat.write_sav(df, str(path), **kw)
    elif suffix == ".dta":
        df.to_stata(path, write_index=False, **kw)
    elif suffix == ".parquet":
        df.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".tab", ".txt", ".xlsx", ".sav", ".dta",
                                    ".parquet"])
def test_round_trip_every_format(tmp_path, suffix):
    path = write(SURVEY, tmp_path / f"survey{suffix}")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    df = rq.read_survey(path)
    assert list(df.columns) == list(SURVEY.columns)
    for column in ("id", "sat1", "sat2", "trust1"):
        np.testing.assert_array_equal(df[column].to_numpy(dtype=float),
                                      SURVEY[column].to_numpy(dtype=float))
    assert df["gender"].tolist() == SURVEY["gender"].tolist()
    assert df.attrs["source"] == str(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before   # the file is only read


def test_excel_sheet_by_name(tmp_path):
    path = tmp_path / "two_sheets.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="notes", index=False)
        SURVEY.to_excel(writer, sheet_name="wave1", index=False)
    assert list(rq.read_survey(path).columns) == ["a"]
    assert list(rq.read_survey(path, sheet="wave1").columns) == list(SURVEY.columns)


def test_spss_labels_declared_missing_and_reversed_value_labels(tmp_path):
    data = pd.DataFrame({"sat1": [1.0, 2.0, 5.0, 9.0], "com1": [1.0, 2.0, 3.0, 4.0]})
    path = write(data, tmp_path / "labelled.sav",
                 column_labels={"sat1": "I am satisfied with my bank", "com1": "I feel loyal"},
                 variable_value_labels={"sat1": {1: "strongly disagree", 5: "strongly agree",
                                                 9: "don't know"}},
                 missing_ranges={"sat1": [9]})
    df = rq.read_survey(path)
    assert df.attrs["format"] == "SPSS"
    assert df.attrs["variable_labels"] == {"sat1": "I am satisfied with my bank",
                                           "com1": "I feel loyal"}
    assert df.attrs["value_labels"]["sat1"] == {1: "strongly disagree", 5: "strongly agree",
                                                9: "don't know"}
    # 9 is declared missing in the file: NaN, and counted
    assert np.isnan(df.loc[3, "sat1"]) and df.attrs["declared_missing"] == {"sat1": 1}

    rev = rq.read_survey(path, likert=(1, 5), reverse=["sat1"])
    assert rev["sat1"].tolist()[:3] == [5.0, 4.0, 1.0]
    # a label stays with the answer it describes; codes outside the scale keep theirs
    assert rev.attrs["value_labels"]["sat1"] == {5: "strongly disagree", 1: "strongly agree",
                                                 9: "don't know"}


def test_stata_variable_and_value_labels(tmp_path):
    path = write(SURVEY[["sat1", "sat2"]], tmp_path / "s.dta",
                 variable_labels={"sat1": "Satisfaction 1"})
    df = rq.read_survey(path)
    assert df.attrs["format"] == "Stata"
    assert df.attrs["variable_labels"]["sat1"] == "Satisfaction 1"


def test_missing_codes_for_all_columns_with_counts(tmp_path):
    raw = pd.DataFrame({"sat1": [1, 99, 3, -9], "sat2": ["2", "n/a", "4", " N/A "],
                        "sat3": [1, 2, 3, 4]})
    path = write(raw, tmp_path / "codes.csv")
    df = rq.read_survey(path, missing_codes=[99, -9, "n/a"])
    assert df["sat1"].isna().tolist() == [False, True, False, True]
    assert df["sat2"].tolist()[::2] == [2.0, 4.0] and df["sat2"].isna().sum() == 2
    assert pd.api.types.is_numeric_dtype(df["sat2"])        # text column became numbers
    assert df.attrs["recoded_missing"] == {"sat1": 2, "sat2": 2}


def test_missing_codes_per_column_and_unknown_column(tmp_path):
    raw = pd.DataFrame({"age": [0, 34, 51], "sat1": [9, 2, 3], "sat2": [9, 9, 1]})
    path = write(raw, tmp_path / "codes.xlsx")
    df = rq.read_survey(path, missing_codes={"age": 0, "sat1": [9]})
    assert df.attrs["recoded_missing"] == {"age": 1, "sat1": 1}
    assert df["sat2"].tolist() == [9, 9, 1]                   # not listed: untouched
    with pytest.raises(rq.DataError, match="'sat_1'.*did you mean 'sat1'"):
        rq.read_survey(path, missing_codes={"sat_1": [9]})


def test_reverse_coding(tmp_path):
    path = write(SURVEY, tmp_path / "s.parquet")
    df = rq.read_survey(path, likert=(1, 5), items=["sat1", "sat2", "trust1"],
                        reverse=["trust1"])
    assert df["trust1"].tolist() == [1, 2, 3, 4, 5, 4]
    assert df["sat1"].tolist() == SURVEY["sat1"].tolist()
    assert df.attrs["reversed"] == ["trust1"]
    assert df.attrs["likert"]["trust1"] == (1, 5)
    with pytest.raises(ValueError, match="likert"):
        rq.read_survey(path, reverse=["trust1"])
    with pytest.raises(rq.DataError, match="'trust_1'.*did you mean 'trust1'"):
        rq.read_survey(path, likert=(1, 5), items=["trust1"], reverse=["trust_1"])


def test_likert_range_error_names_column_rows_and_values(tmp_path):
    raw = SURVEY.copy()
    raw.loc[[1, 4], "sat2"] = [7, 0]
    path = write(raw, tmp_path / "bad.tsv")
    with pytest.raises(rq.DataError) as exc:
        rq.read_survey(path, likert=(1, 5), items=["sat1", "sat2", "trust1"])
    message = str(exc.value)
    assert "'sat2'" in message and "row 1: 7" in message and "row 4: 0" in message
    assert "sat1" not in message
    # without items=, the range applies to the answer columns only: not to the id column
    with pytest.raises(rq.DataError, match="'sat2'") as exc:
        rq.read_survey(path, likert=(1, 5))
    assert "column 'id'" not in str(exc.value) and "not to id" in str(exc.value)

    df = rq.read_survey(path, likert=(1, 5), items=["sat1", "sat2", "trust1"],
                        on_out_of_range="missing")
    assert df["sat2"].isna().tolist() == [False, True, False, False, True, False]
    assert df.attrs["out_of_range"] == {"sat2": 2}


def test_bad_files_are_named_with_the_supported_formats(tmp_path):
    with pytest.raises(rq.SurveyFileError, match=r"survey\.por.*unsupported data format.*\.sav"):
        rq.read_survey(tmp_path / "survey.por")
    with pytest.raises(FileNotFoundError, match=r"missing\.csv' not found.*\.parquet"):
        rq.read_survey(tmp_path / "missing.csv")
    broken = tmp_path / "broken.sav"
    broken.write_text("this is not an SPSS file")
    with pytest.raises(rq.SurveyFileError, match=r"broken\.sav' as SPSS"):
        rq.read_survey(broken)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("sat1,city\n3,Li\u00e8ge\n".encode("latin-1"))
    with pytest.raises(rq.SurveyFileError, match="encoding='latin-1'"):
        rq.read_survey(latin)
    assert rq.read_survey(latin, encoding="latin-1")["city"].tolist() == ["Li\u00e8ge"]
    with pytest.raises(ValueError, match="Excel files only"):
        rq.read_survey(write(SURVEY, tmp_path / "s.csv"), sheet="wave1")


def test_missing_optional_reader_says_how_to_install(tmp_path, monkeypatch):
    path = write(SURVEY, tmp_path / "s.sav")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyreadstat" else real_find_spec(name, *a))
    with pytest.raises(ImportError, match=r'pip install "relqual\[survey\]"'):
        rq.read_survey(path)


def test_cli_fits_an_spss_file(tmp_path, capsys, hs):
    path = write(hs[[f"x{i}" for i in range(1, 10)]], tmp_path / "hs.sav")
    code = main(["fit", HS_MODEL, str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "301" in out


# ---------------------------------------------------------------------------- check_data
def survey_frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    items = [f"sat{i}" for i in range(1, 4)] + [f"trust{i}" for i in range(1, 4)]
    df = pd.DataFrame(rng.integers(1, 6, size=(40, 6)), columns=items,
                      index=[f"r{i:02d}" for i in range(40)])
    df.loc["r05", items] = 3                 # straight-liner
    df.loc["r11", "sat2"] = 8                # out of range
    df.loc["r12", "trust1"] = 0              # out of range
    df["constant"] = 4
    df["city"] = "Ghent"
    return df


MODEL = """Sat =~ sat1 + sat2 + sat3
Trust =~ trust1 + trust2 + trust3 + commit_1
Trust ~ Sat"""


def test_check_data_finds_every_problem():
    df = survey_frame()
    df["commit1"] = 2.0
    before = df.copy(deep=True)
    report = rq.check_data(df, MODEL, likert=(1, 5))
    pd.testing.assert_frame_equal(df, before)                  # input untouched

    assert report.missing_columns["column"].tolist() == ["commit_1"]
    assert report.missing_columns["suggestions"].iloc[0][0] == "commit1"
    assert set(report.out_of_range["row"]) == {"r11", "r12"}
    assert report.out_of_range.set_index("row").loc["r11", "value"] == 8
    assert report.straight_liners["row"].tolist() == ["r05"]
    assert list(report.items.index) == ["sat1", "sat2", "sat3", "trust1", "trust2", "trust3"]
    for column in ("n", "missing_share", "min", "max", "n_categories", "mean", "sd", "skew",
                   "kurtosis"):
        assert column in report.items.columns
    assert report.items.loc["sat2", "max"] == 8
    text = " ".join(report.problems)
    assert "did you mean 'commit1'" in text and "r05" in text and "r11" in text
    assert not report.ok
    assert "Problems" in report.to_text() and "commit_1" in report.to_text()
    assert "<li>" in report._repr_html_()


def test_check_data_without_a_model_zero_variance_and_non_numeric():
    df = survey_frame()
    df["trust3"] = df["trust3"].astype(object)
    df.loc["r03", "trust3"] = "don't know"
    report = rq.check_data(df)
    assert report.no_variance["column"].tolist() == ["constant"]
    assert "constant" in " ".join(report.problems)
    assert "city" in " ".join(report.notes)                   # text column: noted, not checked
    assert "trust3" not in report.items.index                 # object column is not numeric

    report = rq.check_data(df, items=["sat1", "trust3"])
    assert report.non_numeric["column"].tolist() == ["trust3"]
    assert "don't know" in report.non_numeric["examples"].iloc[0]
    assert report.items.loc["trust3", "n"] == 39               # the numbers in it are used

    twice = pd.concat([df[["sat1", "sat2"]], df[["sat1"]]], axis=1)
    assert "'sat1' appears 2 times" in " ".join(rq.check_data(twice).problems)


def test_check_data_clean_data_and_library_model():
    data = rq.datasets.load("relationship_quality")
    report = rq.check_data(data, "relationship_quality", likert=(1, 5))
    assert report.missing_columns.empty and report.out_of_range.empty
    assert len(report.items) == len(rq.build_partable(
        rq.models.load("relationship_quality").syntax).roles.ov)
    assert report.items["missing"].sum() > 0                 # the bundled survey has gaps
