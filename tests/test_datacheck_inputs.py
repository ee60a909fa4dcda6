"""Bad and awkward survey inputs (issue 17), one table row each: the file, the call, and the
message fragment or behaviour promised.

``READ_CASES`` are files for ``rq.read_survey``: encodings of Chinese files (GB18030, GBK,
UTF-8 with BOM, UTF-16), delimiters, header rows that are not on the first line, identifier
columns and missing codes, a Likert range without ``items=``. ``CHECK_CASES`` are frames for
``rq.check_data``. A regression names the promise that broke (the case id).
"""
from __future__ import annotations

import copy
import pickle
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

import relqual as rq
from relqual.survey import SurveyWarning

ZH = "编号,满意1,满意2,性别\n1,5,4,男\n2,3,2,女\n3,4,4,男\n"
ZH_COLUMNS = ["编号", "满意1", "满意2", "性别"]


def excel(frames: dict, header=True) -> Callable:
    """A writer of an Excel workbook with one sheet per entry."""
    def write(path):
        with pd.ExcelWriter(path) as book:
            for name, frame in frames.items():
                frame.to_excel(book, sheet_name=name, index=False, header=header)
    return write


def people(n: int = 30, seed: int = 3) -> pd.DataFrame:
    """Respondents numbered 80.. (so one is 99), with age, income and three 1-5 items."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"id": np.arange(80, 80 + n), "age": rng.integers(18, 80, n),
                       "income": rng.integers(2000, 30000, n)})
    for item in ("sat1", "sat2", "sat3"):
        df[item] = rng.integers(1, 6, n)
    df.loc[2, "sat1"] = 99
    df.loc[4, "sat2"] = -9
    return df


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode()


@dataclass
class ReadCase:
    id: str
    file: str
    content: object                       # bytes, or a function writing the file at a path
    kwargs: dict = field(default_factory=dict)
    error: tuple | None = None            # (exception type, message fragment)
    not_in_error: tuple = ()              # fragments the error must not contain
    warns: str | None = None              # fragment of a SurveyWarning
    check: Callable | None = None         # check(df) for a file read


def zh_read(encoding):
    def check(df):
        assert list(df.columns) == ZH_COLUMNS
        assert df["性别"].tolist() == ["男", "女", "男"]
        assert df["满意1"].tolist() == [5, 3, 4]
        assert df.attrs["encoding"] == encoding
    return check


def untouched(*columns):
    source = people()

    def check(df):
        for column in columns:
            assert df[column].tolist() == source[column].tolist(), column
    return check


def all_of(*checks):
    def check(df):
        for c in checks:
            c(df)
    return check


READ_CASES = [
    # ---- encodings
    ReadCase("gb18030 csv with Chinese names and answers", "gb.csv", ZH.encode("gb18030"),
             check=zh_read("gb18030")),
    ReadCase("gbk csv is read as gb18030 (its superset)", "gbk.csv", ZH.encode("gbk"),
             check=zh_read("gb18030")),
    ReadCase("utf-8 with BOM (Excel 'CSV UTF-8')", "bom.csv", ZH.encode("utf-8-sig"),
             check=zh_read("utf-8-sig")),
    ReadCase("utf-16 LE with BOM, tab-separated (Excel 'Unicode text')", "u16.txt",
             b"\xff\xfe" + ZH.replace(",", "\t").encode("utf-16-le"),
             check=zh_read("utf-16-le")),
    ReadCase("utf-16 BE with BOM", "u16be.csv", b"\xfe\xff" + ZH.encode("utf-16-be"),
             check=zh_read("utf-16-be")),
    ReadCase("utf-16 LE without BOM", "u16nobom.csv", ZH.encode("utf-16-le"),
             check=zh_read("utf-16-le")),
    ReadCase("plain utf-8", "utf8.csv", ZH.encode("utf-8"), check=zh_read("utf-8")),
    ReadCase("encoding= overrides detection", "given.csv", ZH.encode("gb18030"),
             kwargs={"encoding": "GB18030"}, check=zh_read("GB18030")),
    ReadCase("latin-1 asked for a GB file: read as asked, with a warning", "latin_gb.csv",
             ZH.encode("gb18030"), kwargs={"encoding": "latin-1"},
             warns="look like Chinese text in GB18030"),
    ReadCase("utf-8 asked for a GB file: error suggests gb18030, never latin-1", "utf8_gb.csv",
             ZH.encode("gb18030"), kwargs={"encoding": "utf-8"},
             error=(rq.SurveyFileError, "encoding='gb18030'"), not_in_error=("latin-1", "cp1252")),
    ReadCase("big5 file: error suggests big5 only", "big5.csv",
             "編號,滿意度,您對我們的服務滿意嗎\n1,5,非常同意\n".encode("big5"),
             error=(rq.SurveyFileError, "encoding='big5'"),
             not_in_error=("latin-1", "cp1252", "gb18030")),
    ReadCase("western file: error suggests cp1252/latin-1, not Chinese", "latin.csv",
             "sat1,city\n3,Li\u00e8ge\n4,Z\u00fcrich\n".encode("latin-1"),
             error=(rq.SurveyFileError, "encoding='latin-1'"),
             not_in_error=("gb18030", "Chinese")),
    ReadCase("unknown encoding name", "x.csv", b"a,b\n1,2\n", kwargs={"encoding": "gbkk"},
             error=(ValueError, "unknown encoding 'gbkk'")),
    ReadCase("wrong byte named with its line", "bad_line.csv",
             b"a,b\n1,2\n3,\xff\xfe\xfd\n", kwargs={"encoding": "utf-8"},
             error=(rq.SurveyFileError, "on line 3")),
    # ---- delimiters and header rows
    ReadCase("semicolon CSV with decimal commas (European Excel)", "semi.csv",
             b"id;q1;weight\n1;3;0,5\n2;4;1,25\n", warns="semicolon",
             check=lambda df: (df.attrs["delimiter"] == ";"
                               and df["weight"].tolist() == [0.5, 1.25]) or pytest.fail()),
    ReadCase("tab-separated .csv", "tab.csv", b"id\tq1\tq2\n1\t3\t4\n2\t2\t5\n", warns="tab",
             check=lambda df: list(df.columns) == ["id", "q1", "q2"] or pytest.fail()),
    ReadCase("title lines above the header", "title.csv",
             "满意度调查 2024\n\nid,q1,q2\n1,3,4\n2,2,5\n3,1,1\n".encode(),
             warns="header row is line 3",
             check=lambda df: (list(df.columns) == ["id", "q1", "q2"] and len(df) == 3
                               and df.attrs["header_line"] == 3) or pytest.fail()),
    ReadCase("a delimiter at the end of every data line", "trailing.csv",
             b"id,q1,q2\n1,3,4,\n2,2,5,\n",
             check=lambda df: (df["q2"].tolist() == [4, 5]
                               and isinstance(df.index, pd.RangeIndex)) or pytest.fail()),
    ReadCase("rows with more fields than names would shift columns", "shifted.csv",
             b"q1,q2\n1,3,4\n2,2,5\n", error=(rq.SurveyFileError, "1 field(s) more")),
    ReadCase("no header row: the first respondent is not a header", "noheader.csv",
             b"1,5,3\n2,4,4\n3,3,5\n", error=(rq.SurveyFileError, "no header row")),
    ReadCase("question numbers 1, 2, 3 are a header", "numbered.csv", b"1,2,3\n2,4,4\n3,3,5\n",
             check=lambda df: list(df.columns) == ["1", "2", "3"] or pytest.fail()),
    ReadCase("Qualtrics: question texts and ImportIds under the header", "qualtrics.csv",
             b'ResponseId,Q1,Q2\nResponse ID,How satisfied are you?,Would you recommend us?\n'
             b'{"ImportId":"_recordId"},{"ImportId":"QID1"},{"ImportId":"QID2"}\n'
             b"R_1,5,4\nR_2,3,\nR_3,4,2\n",
             warns="question texts",
             check=lambda df: (df["Q1"].tolist() == [5, 3, 4] and len(df) == 3
                               and df.attrs["variable_labels"]["Q1"] == "How satisfied are you?")
             or pytest.fail()),
    ReadCase("a first respondent answering 'dk' is not a row of question texts", "dk.csv",
             b"id,q1,q2\n1,dk,dk\n2,3,4\n3,4,5\n",
             check=lambda df: (len(df) == 3 and df["q1"].tolist() == ["dk", "3", "4"])
             or pytest.fail()),
    ReadCase("repeated column names", "dup.csv", b"q1,q1,q2\n1,2,3\n", warns="repeat"),
    ReadCase("Excel: title rows above the header", "title.xlsx",
             excel({"数据": pd.DataFrame([["满意度调查", None, None], ["编号", "满意1", "满意2"],
                                          [1, 5, 4], [2, 3, 2]])}, header=False),
             warns="header is on row 2",
             check=lambda df: (list(df.columns) == ["编号", "满意1", "满意2"]
                               and df["满意1"].tolist() == [5, 3]) or pytest.fail()),
    ReadCase("Excel: a sheet that is not there", "sheets.xlsx",
             excel({"说明": pd.DataFrame({"a": [1]}), "数据": pd.DataFrame({"q1": [1]})}),
             kwargs={"sheet": "数句"}, error=(rq.SurveyFileError, "did you mean '数据'")),
    ReadCase("Excel: several sheets, the first is read and named", "many.xlsx",
             excel({"说明": pd.DataFrame({"a": [1]}), "数据": pd.DataFrame({"q1": [1]})}),
             warns="has 2 sheets",
             check=lambda df: df.attrs["sheet"] == "说明" or pytest.fail()),
    # ---- missing codes and identifiers
    ReadCase("respondent 99 is not a missing id", "ids.csv", csv_bytes(people()),
             kwargs={"missing_codes": [-9, 99]}, warns="not applied to identifier-like",
             check=all_of(untouched("id", "age", "income"),
                          lambda df: (df.attrs["recoded_missing"] == {"sat1": 1, "sat2": 1}
                                      and df.attrs["missing_codes_skipped"] == {"id": 1})
                          or pytest.fail())),
    ReadCase("an identifier told by its values (all different whole numbers)", "case.csv",
             csv_bytes(people().rename(columns={"id": "case"})), kwargs={"missing_codes": [99]},
             warns="all 30 values are different",
             check=lambda df: df["case"].tolist() == list(range(80, 110)) or pytest.fail()),
    ReadCase("Chinese identifier name 编号", "bianhao.csv",
             csv_bytes(people().rename(columns={"id": "编号"})), kwargs={"missing_codes": [99]},
             warns="'编号'",
             check=lambda df: df["编号"].tolist() == list(range(80, 110)) or pytest.fail()),
    ReadCase("codes per column apply exactly as given, ids included", "dict.csv",
             csv_bytes(people()), kwargs={"missing_codes": {"id": [99], "sat1": [99]}},
             check=lambda df: (df["id"].isna().sum() == 1 and df["sat2"].min() == -9
                               and df.attrs["recoded_missing"] == {"id": 1, "sat1": 1})
             or pytest.fail()),
    # ---- the Likert range
    ReadCase("likert without items: ids, ages and incomes are left alone", "likert.csv",
             csv_bytes(people()), kwargs={"likert": (1, 5), "on_out_of_range": "missing"},
             warns="not to id (identifier",
             check=all_of(untouched("id", "age", "income"),
                          lambda df: (list(df.attrs["likert"]) == ["sat1", "sat2", "sat3"]
                                      and df.attrs["likert_from"] == "values"
                                      and df.attrs["out_of_range"] == {"sat1": 1, "sat2": 1}
                                      and "age" in df.attrs["likert_skipped"])
                          or pytest.fail())),
    ReadCase("likert without items: the error names items only", "likert_err.csv",
             csv_bytes(people()), kwargs={"likert": (1, 5)},
             error=(rq.DataError, "column 'sat1' (scale 1-5): row 2: 99"),
             not_in_error=("column 'id'", "column 'age'", "column 'income'")),
    ReadCase("likert with items: only those", "items.csv", csv_bytes(people()),
             kwargs={"likert": (1, 5), "items": ["sat3"]},
             check=lambda df: (df.attrs["likert"] == {"sat3": (1, 5)}
                               and df.attrs["likert_from"] == "items") or pytest.fail()),
    ReadCase("likert given as text", "text_scale.csv", csv_bytes(people()),
             kwargs={"likert": ("1", "5")}, error=(ValueError, "pair of numbers")),
    ReadCase("likert reversed", "rev_scale.csv", csv_bytes(people()),
             kwargs={"likert": (5, 1)}, error=(ValueError, "lo < hi")),
]


@pytest.mark.parametrize("case", READ_CASES, ids=[c.id for c in READ_CASES])
def test_read_survey_input(tmp_path, case: ReadCase):
    path = tmp_path / case.file
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        case.content(path)
    before = path.read_bytes()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.error:
            kind, fragment = case.error
            with pytest.raises(kind) as exc:
                rq.read_survey(path, **case.kwargs)
            assert fragment in str(exc.value)
            for wrong in case.not_in_error:
                assert wrong not in str(exc.value), wrong
        else:
            df = rq.read_survey(path, **case.kwargs)
            if case.check:
                case.check(df)
    messages = [str(w.message) for w in caught if issubclass(w.category, SurveyWarning)]
    if case.warns:
        assert any(case.warns in m for m in messages), messages
        if not case.error:
            assert any(case.warns in m for m in df.attrs["notes"])
    elif not case.error:
        assert not messages, messages
    assert path.read_bytes() == before                  # the file is only read


# ---------------------------------------------------------------------------- wide files
def test_5000_columns_with_likert_and_codes(tmp_path):
    """Functional, not timed (bench/bench_read_survey.py times it): the range and the codes
    apply to the 5,000 items and not to id, age or income; attrs are copied for free."""
    rng = np.random.default_rng(5)
    k, n = 5000, 300
    answers = rng.integers(1, 6, size=(n, k))
    answers[rng.random((n, k)) < 0.01] = 99
    df = pd.DataFrame(answers, columns=[f"q{i}" for i in range(k)])
    df.insert(0, "income", rng.integers(2000, 40000, n))
    df.insert(0, "age", rng.integers(18, 80, n))
    df.insert(0, "id", np.arange(1, n + 1))
    path = tmp_path / "wide.csv"
    df.to_csv(path, index=False)
    with pytest.warns(SurveyWarning, match="applied to the 5000 column"):
        out = rq.read_survey(path, missing_codes=[99], likert=(1, 5),
                             on_out_of_range="missing")
    assert len(out.attrs["likert"]) == k and "id" not in out.attrs["likert"]
    assert out["id"].tolist() == list(range(1, n + 1))
    assert out["age"].tolist() == df["age"].tolist()
    assert out.attrs["recoded_missing"]["q0"] == int((answers[:, 0] == 99).sum())
    assert np.nanmax(out.iloc[:, 3:].to_numpy(dtype=float)) == 5
    # pandas deep-copies attrs on every operation: ours are shared, not copied
    assert copy.deepcopy(out.attrs)["likert"] is out.attrs["likert"]
    assert out["q1"].attrs["likert"] is out.attrs["likert"]


def test_attrs_are_read_only_and_pickle(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes(people()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = rq.read_survey(path, missing_codes=[-9, 99], likert=(1, 5), items=["sat3"])
    with pytest.raises(TypeError, match="read-only"):
        df.attrs["recoded_missing"]["sat1"] = 0
    with pytest.raises(TypeError, match="read-only"):
        df.attrs["notes"].append("x")
    back = pickle.loads(pickle.dumps(df))
    assert back.attrs["recoded_missing"] == {"sat1": 1, "sat2": 1}
    assert back.attrs["likert"] == {"sat3": (1, 5)}
    df.attrs["mine"] = 1                                      # attrs itself stays a dict


# ---------------------------------------------------------------------------- check_data
def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


CHECK_CASES = [
    # (id, data, check_data kwargs, fragments in the problems, fragments not in them)
    ("text item: named as text with examples, not 'no answers'",
     frame(sat1=["agree", "neutral", "agree", None], sat2=[4, 5, 3, 4]),
     {"items": ["sat1", "sat2"]},
     ["'sat1' holds text, not numbers: all 3 answer(s) are text (e.g. 'agree', 'neutral')"],
     ["no answers at all", "no variance"]),
    ("Chinese answer labels in an item",
     frame(满意1=["非常同意", "同意", "一般"], 满意2=[4, 5, 3]), {"items": ["满意1", "满意2"]},
     ["'满意1' holds text", "'非常同意'"], ["no answers at all"]),
    ("some text in an item",
     frame(sat1=[1, "dk", 3, 4, 5], sat2=[4, 5, 3, 4, 2]), {"items": ["sat1", "sat2"]},
     ["'sat1' has 1 answer(s) that are text, not numbers (e.g. 'dk')"], []),
    ("an item with no answers at all",
     frame(sat1=[np.nan] * 4, sat2=[4, 5, 3, 4]), {"items": ["sat1", "sat2"]},
     ["'sat1' has no answers at all (every value is missing)"], []),
    ("one number and text: the text is counted",
     frame(sat1=[3, "dk", 3, "dk"], sat2=[4, 5, 3, 4]), {"items": ["sat1", "sat2"]},
     ["every numeric answer is 3 (the other 2 are text)"], []),
    ("text counts as unusable, not as missing",
     frame(sat1=[1, "dk", "dk", 4, 5, 2, 3, 1, 2, 3], sat2=list(range(1, 6)) * 2),
     {"items": ["sat1", "sat2"]}, ["'sat1' is missing (0%) or text (2 answers) for 20%"], []),
    ("a row with only text answers",
     frame(sat1=["dk", 2, 3], sat2=["dk", 5, 3]), {"items": ["sat1", "sat2"]},
     ["1 row(s) have no numeric answer on any item, only text"], ["have no answer on any"]),
    ("likert without a model: ids and ages are not answers out of range",
     people(), {"likert": (1, 5)}, ["columns sat1, sat2;"], ["columns id", "age", "income"]),
]


@pytest.mark.parametrize("case", CHECK_CASES, ids=[c[0] for c in CHECK_CASES])
def test_check_data_input(case):
    _, data, kwargs, wanted, unwanted = case
    before = data.copy(deep=True)
    report = rq.check_data(data, **kwargs)
    pd.testing.assert_frame_equal(data, before)
    text = "\n".join(report.problems)
    for fragment in wanted:
        assert fragment in text, (fragment, report.problems)
    for fragment in unwanted:
        assert fragment not in text, (fragment, report.problems)


def test_check_data_notes_columns_it_left_out():
    report = rq.check_data(people(), likert=(1, 5))
    notes = " ".join(report.notes)
    assert "id: named like an identifier" in notes
    assert "age, income" in notes
    assert "id" not in report.items.index
    assert report.items.loc["sat1", "text"] == 0
