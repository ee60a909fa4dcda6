"""The web app's logic without a browser (issue 16): reading data, models, fits, tables,
downloads, simulation and the message catalog. The browser tests are in test_app_browser.py."""
from __future__ import annotations

import ast
import re
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relqual as rq

pytest.importorskip("shiny", reason='the web app needs Shiny: pip install "relqual[app]"')

from relqual.app import logic  # noqa: E402
from relqual.app.i18n import SHARED, STRINGS, catalog, known, t  # noqa: E402
from relqual.app.logic import AppError  # noqa: E402

APP = Path(logic.__file__).parent
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return rq.datasets.load("relationship_quality")


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory, survey) -> Path:
    path = tmp_path_factory.mktemp("upload") / "0.csv"
    survey.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def ml_fit(survey):
    return logic.run_fit("relationship_quality", survey)


# ---------------------------------------------------------------------------- message catalog
def test_every_text_has_english_and_chinese():
    for key, (en, zh) in STRINGS.items():
        assert en.strip() and zh.strip(), key
        words = re.sub(r"\{\w+\}", "", en)          # a template of names only: no words
        if CJK.search(en) is None and en not in ("p", "ρA", "AVE", "p < .05", "n") \
                and re.search("[A-Za-z]", words):
            assert CJK.search(zh) or zh == en, f"{key}: no Chinese text in {zh!r}"


def test_every_key_the_app_uses_is_in_the_catalog():
    used = set()
    for name in ("layout.py", "server.py", "logic.py"):
        source = (APP / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:t|label)\(\s*["']([a-z_0-9]+)["']""", source))
    used |= {f"est_{e}" for e in logic.ESTIMATORS}
    missing = sorted(k for k in used if not known(k))
    assert not missing, missing
    assert {"tab_data", "res_fit", "estimate", "sim_run"} <= used


def test_app_reuses_the_report_terms():
    """A term the reports have is not repeated in the app's catalog: one translation each."""
    from relqual import i18n as shared
    repeated = sorted(k for k, v in STRINGS.items() if v in set(shared.STRINGS.values()))
    assert not repeated, repeated
    for key, report_key in SHARED.items():
        assert key not in STRINGS and known(key)
        for lang in ("en", "zh"):
            assert t(key, lang) == catalog(lang)[key] == shared.t(report_key, lang)
    assert t("res_fit", "zh") == "模型拟合" and t("col_verdict", "en") == "Verdict"


def test_chinese_terms_follow_the_glossary(ml_fit):
    """Construct names come from the catalog: the glossary's 顾客满意感, 情感性归属, 持续性归属."""
    rows = logic.hypothesis_rows(ml_fit.result, "zh")
    paths = " ".join(rows["路径"])
    for term in ("商业友谊", "顾客满意感", "情感性归属", "持续性归属"):
        assert term in paths
    assert set(rows["结论"]) <= {"支持", "不支持（p ≥ .05）", "不支持（方向相反）"}
    assert catalog("zh")["tab_simulate"] == "模拟教学（教师）"
    assert t("n_rows", "zh", n=1, k=2) == "1 行，2 列"


# ---------------------------------------------------------------------------- data
def test_upload_reads_the_survey_as_read_survey_does(survey_csv, survey):
    loaded = logic.load_upload(survey_csv, "survey.csv")
    pd.testing.assert_frame_equal(loaded.df, survey, check_dtype=False)
    assert loaded.code == "rq.read_survey('survey.csv')"


def test_upload_excel_and_parquet(tmp_path, survey):
    pytest.importorskip("openpyxl")
    pytest.importorskip("pyarrow")
    survey.head(50).to_excel(tmp_path / "a.xlsx", index=False)
    survey.head(50).to_parquet(tmp_path / "a.parquet")
    assert logic.load_upload(tmp_path / "a.xlsx", "s.xlsx").df.shape == (50, 22)
    assert logic.load_upload(tmp_path / "a.parquet", "s.parquet").df.shape == (50, 22)


@pytest.mark.parametrize("name, content, expected", [
    ("notes.pdf", b"%PDF-1.4", "is not a survey file"),
    ("empty.csv", b"", "The file is empty"),
    ("one.csv", b"score\n1\n2\n3\n", "only one column ('score')"),
    ("header.csv", b"a,b,c\n", "no rows of answers"),
    ("broken.xlsx", b"this is not a workbook", None),
    ("broken.sav", b"\x00\x01garbage", None),
])
def test_bad_files_are_messages(tmp_path, name, content, expected):
    path = tmp_path / ("0" + Path(name).suffix)
    path.write_bytes(content)
    with pytest.raises(AppError, match=expected and re.escape(expected)) as info:
        logic.load_upload(path, name)
    assert str(tmp_path) not in str(info.value)          # the user's file name, not ours


def test_bad_files_in_chinese(tmp_path):
    path = tmp_path / "0.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(AppError, match="不是本程序能读取的问卷数据文件"):
        logic.load_upload(path, "论文.pdf", lang="zh")


def test_size_limit(survey_csv):
    size = survey_csv.stat().st_size
    with pytest.raises(AppError, match="the limit is 0.01 MB"):
        logic.load_upload(survey_csv, "survey.csv", size=size, max_mb=0.01)
    with pytest.raises(AppError, match="The file is 200.0 MB; the limit is 50 MB"):
        logic.load_upload(survey_csv, "big.csv", size=200 * 1024 * 1024)


def test_missing_codes_likert_and_reverse(tmp_path, survey):
    df = survey.copy()
    df.loc[0, "sat1"] = -9
    path = tmp_path / "0.csv"
    df.to_csv(path, index=False)
    codes = logic.parse_codes("-9，99")
    likert = logic.likert_range(True, 1, 5)
    loaded = logic.load_upload(path, "s.csv", missing_codes=codes, likert=likert,
                               reverse=logic.parse_names("tr2"))
    assert np.isnan(loaded.df.loc[0, "sat1"])
    both = survey["tr2"].notna()
    assert (loaded.df.loc[both, "tr2"] == 6 - survey.loc[both, "tr2"]).all()
    assert "reverse=['tr2']" in loaded.code and "missing_codes=[-9, 99]" in loaded.code
    with pytest.raises(AppError, match="lowest answer below"):
        logic.likert_range(True, 5, 1)
    with pytest.raises(AppError, match="comma"):
        logic.parse_codes("-9,,99")
    with pytest.raises(AppError, match="outside the Likert range"):
        logic.load_upload(path, "s.csv", likert=likert)


@pytest.mark.filterwarnings("ignore::relqual.survey.SurveyWarning")
def test_bundled_with_options_gives_runnable_code(survey):
    loaded = logic.load_bundled("relationship_quality", missing_codes=[99], likert=(1, 5))
    namespace = {"rq": rq}
    exec("import importlib.resources\ndata = " + loaded.code, namespace)
    pd.testing.assert_frame_equal(namespace["data"], loaded.df)


def test_check_report_lists_problems(survey):
    df = survey.copy()
    df["sat2"] = 3
    report = logic.check_report(df, "relationship_quality", (1, 5))
    assert any("sat2" in p for p in report.problems)
    assert logic.check_report(survey, "relationship_quality").ok


# ---------------------------------------------------------------------------- models
def test_syntax_errors_name_their_line():
    assert logic.check_syntax("f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6\ng ~ f")["paths"] == 1
    bad = logic.check_syntax("f =~ x1 + x2 + x3\n\ng =~ x4 + 5x\n")
    assert (bad["ok"], bad["line"]) == (False, 3)
    assert bad["message"] and not bad["message"].startswith("line")
    assert logic.check_syntax("   ")["ok"] is False


def test_model_overview_in_both_languages():
    en = logic.model_overview("relationship_quality", "en")
    zh = logic.model_overview("relationship_quality", "zh")
    assert [c["id"] for c in en["constructs"]] == ["CF", "SAT", "TR", "AC", "CC"]
    assert en["constructs"][1]["items"][0] == ("sat1", "Overall, I am satisfied with this "
                                                       "company.")
    assert zh["constructs"][1]["items"][0][1] == "总的来说，我对这家企业感到满意。"
    assert len(zh["hypotheses"]) == 9 and CJK.search(zh["hypotheses"][0]["statement"])
    assert zh["title"].startswith("顾客关系质量")


def test_items_mapped_to_renamed_columns_give_the_same_fit(survey):
    renamed = survey.rename(columns={"sat1": "SAT_1", "tr2": "Trust2"})
    items = logic.model_items("relationship_quality")
    absent = [i for i in items if i not in renamed.columns]
    mapping = logic.suggest_columns(absent, list(renamed.columns))
    assert mapping == {"sat1": "SAT_1", "tr2": "Trust2"}
    data = logic.apply_mapping(renamed, mapping)
    a = logic.run_fit("relationship_quality", data).result
    b = logic.run_fit("relationship_quality", survey).result
    assert np.allclose(a.paths()["est"], b.paths()["est"])
    with pytest.raises(AppError, match="more than one item"):
        logic.apply_mapping(renamed, {"sat1": "SAT_1", "tr2": "SAT_1"})
    with pytest.raises(AppError, match="Pick a column for: sat1"):
        logic.apply_mapping(renamed, {"sat1": None})


# ---------------------------------------------------------------------------- fits and tables
def test_fit_matches_rq_fit(ml_fit, survey):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = rq.fit("relationship_quality", survey)
    assert ml_fit.error is None and ml_fit.seconds < 5
    rows = logic.fit_rows(ml_fit.result).set_index("Index")
    assert rows.loc["CFI", "Value"] == f"{direct.fit_measures()['cfi']:.3f}"
    assert rows.loc["SRMR", "Verdict"] == "Good"
    hyps = logic.hypothesis_rows(ml_fit.result)
    h1 = direct.paths().query("lhs == 'SAT' and rhs == 'CF'").iloc[0]
    assert hyps.iloc[0]["β"] == f"{h1['std_all']:.3f}"
    assert (hyps["Verdict"] == "supported").sum() >= 6
    rel = logic.reliability_rows(ml_fit.result, "zh")
    assert list(rel.columns) == ["构念", "题项数", "Cronbach's α 系数", "ω（组合信度）",
                                 "平均方差抽取量（AVE）"]


@pytest.mark.parametrize("estimator", ["MLR", "WLSMV", "ULSMV", "PLS"])
def test_other_estimators_give_every_table(survey, estimator):
    out = logic.run_fit("relationship_quality", survey, estimator=estimator)
    assert out.error is None, out.error
    for lang in ("en", "zh"):
        assert len(logic.fit_rows(out.result, lang)) > 0
        assert len(logic.hypothesis_rows(out.result, lang)) == 9
        try:
            rows = logic.reliability_rows(out.result, lang)
        except NotImplementedError:      # where relqual has none yet, the page leaves it out
            assert estimator in logic.ORDINAL_ESTIMATORS
        else:
            assert len(rows) == 5
    assert "apa-table" in logic.apa_tables_html(out.result)


def test_pairwise_deletion_for_ordinal_items(survey):
    out = logic.run_fit("relationship_quality", survey, estimator="ULSMV", missing="pairwise")
    assert out.error is None, out.error
    assert out.result.call["missing"] == "pairwise"
    assert out.result.call["estimator"] == "ULSMV"
    refused = logic.run_fit("relationship_quality", survey, estimator="ML", missing="pairwise")
    assert refused.result is None and "pairwise" in refused.error


def test_pls_bootstrap_gives_verdicts(survey):
    out = logic.run_fit("relationship_quality", survey, estimator="PLS", draws=100, seed=3)
    rows = logic.hypothesis_rows(out.result)
    assert out.options["bootstrap"] == 100
    assert (rows["Verdict"] == "supported").sum() >= 6


@pytest.mark.parametrize("estimator", ["ML", "PLS"])
def test_bootstrap_in_steps_equals_rq_fit(survey, estimator):
    """The app's bootstrap in steps (progress, cancel) gives rq.fit's bootstrap."""
    job = logic.Progress()
    out = logic.run_fit("relationship_quality", survey, estimator=estimator, draws=60, seed=3,
                        job=job)
    assert (job.done, job.total) == (60, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = rq.fit("relationship_quality", survey,
                        **logic.fit_options(estimator, "listwise", 60, 3))
    same = lambda call: {k: v for k, v in call.items() if k != "test"}   # noqa: E731
    assert same(out.result.call) == same(direct.call)     # "test" listed as default or not
    assert type(out.result.boot) is type(direct.boot)
    np.testing.assert_allclose(out.result.boot.values, direct.boot.values, rtol=1e-9,
                               atol=1e-12)
    pd.testing.assert_frame_equal(out.result.estimates(), direct.estimates(), rtol=1e-9)


def test_bootstrap_reports_progress_and_stops_when_cancelled(survey):
    import threading
    job, raised = logic.Progress(), []

    def work():
        try:
            logic.run_fit("relationship_quality", survey, draws=5000, seed=1, job=job)
        except logic.Cancelled:
            raised.append(True)

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 60
    while job.done == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.total == 5000 and 0 < job.done
    job.cancel()
    worker.join(30)
    assert not worker.is_alive() and raised == [True]
    assert job.done < 5000                              # stopped early, between steps
    cancelled_first = logic.Progress()
    cancelled_first.cancel()
    with pytest.raises(logic.Cancelled):
        logic.run_fit("relationship_quality", survey, draws=100, job=cancelled_first)
    assert logic.run_fit("relationship_quality", survey).error is None   # and fits go on


@pytest.mark.parametrize("model, change, expected", [
    ("f =~ sat1 + sat2 + nope", None, "nope"),
    ("relationship_quality", ("sat1", "good"), "sat1"),
    ("f =~ ", None, ""),
])
def test_fit_problems_are_messages(survey, model, change, expected):
    df = survey.copy()
    if change:
        df[change[0]] = df[change[0]].astype(object)
        df.loc[3, change[0]] = change[1]
    out = logic.run_fit(model, df)
    assert out.result is None and expected in out.error


@pytest.mark.filterwarnings("ignore::relqual.RelqualWarning")
def test_reports_and_code(tmp_path, ml_fit, survey):
    docx = pytest.importorskip("docx")
    html = logic.write_report(ml_fit.result, survey, tmp_path / "r.html", "zh")
    assert "情感性归属" in html.read_text(encoding="utf-8")
    path = logic.write_report(ml_fit.result, survey, tmp_path / "r.docx", "en",
                              data_code="rq.datasets.load('relationship_quality')")
    cells = [c.text for table in docx.Document(path).tables for row in table.rows
             for c in row.cells]
    cfi = f"{ml_fit.result.fit_measures()['cfi']:.3f}"
    assert "CFI" in cells and cfi in cells
    code = logic.python_code("relationship_quality", "rq.datasets.load('relationship_quality')",
                             ml_fit.options, {"sat1": "SAT_1"})
    assert "data.rename(columns={'SAT_1': 'sat1'})" in code
    code = logic.python_code("relationship_quality", "rq.datasets.load('relationship_quality')",
                             ml_fit.options)
    namespace = {}
    exec(code.replace("print(res.summary())", "").replace(
        "res.report('report.html'", f"res.report({str(tmp_path / 'again.html')!r}"), namespace)
    assert np.allclose(namespace["res"].paths()["est"], ml_fit.result.paths()["est"])
    assert logic.diagram_png(ml_fit.result, "zh")[:4] == b"\x89PNG"


# ---------------------------------------------------------------------------- simulation
def test_population_without_changes_is_the_library_population():
    text = logic.population_with_paths("relationship_quality", {})
    a = rq.simulate(text, 200, seed=5)
    b = rq.simulate("relationship_quality", 200, seed=5)
    assert np.allclose(a[b.columns].to_numpy(), b.to_numpy(), atol=1e-4)


def test_simulated_estimate_follows_the_slider():
    res, truth = logic.simulate_and_fit("relationship_quality", 400, seed=1)
    res2, truth2 = logic.simulate_and_fit("relationship_quality", 400, seed=1,
                                          paths={("SAT", "CF"): 0.75})
    beta = lambda r: float(r.paths().query("lhs == 'SAT' and rhs == 'CF'")["std_all"].iloc[0])
    assert abs(beta(res) - 0.40) < 0.12 and abs(beta(res2) - 0.75) < 0.1
    assert float(truth2.iloc[0]["std_all"]) == 0.75
    rows = logic.comparison_rows(res2, truth2, "zh")
    assert rows.iloc[0]["总体 β"] == "0.75" and rows.iloc[0]["p < .05"] == "是"
    again, _ = logic.simulate_and_fit("relationship_quality", 400, seed=1)
    assert np.allclose(again.paths()["est"], res.paths()["est"])
    with pytest.raises(AppError, match="more than all of the variance"):
        logic.simulate_and_fit("relationship_quality", 300, paths={("SAT", "CF"): 0.9,
                                                                   ("TR", "SAT"): 0.9,
                                                                   ("TR", "CF"): 0.9})


# ---------------------------------------------------------------------------- app and command
def test_server_keeps_no_state_between_sessions():
    """Everything a session holds lives inside server(): module level has only imports,
    functions and constants."""
    tree = ast.parse((APP / "server.py").read_text(encoding="utf-8"))
    for node in tree.body:
        assert isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.Expr)), \
            ast.dump(node)[:80]


def test_create_app_and_missing_shiny(monkeypatch):
    import sys

    from relqual.app import create_app
    assert type(create_app()).__name__ == "App"
    monkeypatch.setitem(sys.modules, "shiny", None)
    with pytest.raises(ImportError, match=re.escape('pip install "relqual[app]"')):
        create_app()


def test_command_line(monkeypatch, capsys):
    import shiny

    from relqual.cli import main
    calls = []
    monkeypatch.setattr(shiny, "run_app", lambda app, **kw: calls.append(kw))
    assert main(["app", "--no-browser", "--port", "8765"]) == 0
    assert calls[-1] == {"host": "127.0.0.1", "port": 8765, "launch_browser": False,
                         "log_level": "warning"}
    assert "WARNING" not in capsys.readouterr().err
    assert main(["app", "--host", "0.0.0.0", "--port", "8765"]) == 0
    err = capsys.readouterr().err
    assert "reachable" not in err and "see the data uploaded" in err and "上传的数据" in err
    assert calls[-1]["launch_browser"] is True
    import sys
    monkeypatch.setitem(sys.modules, "shiny", None)
    assert main(["app", "--no-browser"]) == 2
    assert 'pip install "relqual[app]"' in capsys.readouterr().err


# ---------------------------------------------------------------------------- round 2
MODERATED = """SAT =~ sat1 + sat2 + sat3 + sat4
TR =~ tr1 + tr2 + tr3 + tr4
CF =~ cf1 + cf2 + cf3 + cf4
TR ~ SAT + CF + SAT:CF
"""
UNTRANSLATED = "程序的英文提示"          # the lead of a sentence the catalog does not know


def test_read_notes_are_in_the_catalog(tmp_path, survey):
    from relqual.i18n import translate_message
    path = tmp_path / "0.csv"
    path.write_text("Customer survey, spring\n\nq1;q2;q3\n1,5;2;3\n2;3,5;4\n4;5;1\n",
                    encoding="utf-8")
    loaded = logic.load_upload(path, "europe.csv")
    assert len(loaded.notes) == 3 and all("europe.csv" in n for n in loaded.notes)
    zh = [translate_message(n, "zh") for n in loaded.notes]
    assert not any(UNTRANSLATED in n for n in zh), zh
    assert zh[0].startswith("“europe.csv”按各行实际使用的分号作为分隔符读取")
    assert "表头在第 3 行" in zh[1] and "小数逗号" in zh[2]
    assert [translate_message(n, "en") for n in loaded.notes] == loaded.notes
    bundled = logic.load_bundled("relationship_quality", likert=(1, 5))
    (note,) = bundled.notes
    assert translate_message(note, "zh").startswith("likert=(1, 5) 未指定 items=：量表范围用于")


@pytest.mark.parametrize("content, name, expected", [
    (b"1,2,5\n3,4,5\n", "numbers.csv", "无法读取“numbers.csv”：第一行是数字"),
    (b"a,b\n1,2,3\n3,4,5\n", "shifted.csv", "数据行比表头行的 2 个列名多 1 个字段"),
])
def test_read_errors_in_chinese(tmp_path, content, name, expected):
    path = tmp_path / ("0" + Path(name).suffix)
    path.write_bytes(content)
    with pytest.raises(AppError) as info:
        logic.load_upload(path, name, lang="zh")
    assert info.value.english and expected in info.value.text("zh")
    assert info.value.text("en") == str(info.value) and "cannot read" in str(info.value)


def test_likert_range_errors_in_chinese(survey):
    with pytest.raises(AppError) as info:
        logic.load_bundled("relationship_quality", "zh", likert=(1, 4))
    text = info.value.text("zh")
    assert UNTRANSLATED not in text and "超出李克特量表范围" in text
    assert "列“cf1”（量表 1-4）：第 1 行：5" in text and "请用 missing_codes= 声明这些值" in text
    assert "（likert=(1, 4) 未指定 items=" in text         # the inferred scale's note, inside


@pytest.mark.parametrize("model, change, expected", [
    ("f =~ sat1 + sat2 + nope", None, "变量“nope”（模型第 1 行）不是数据中的列（数据的列："),
    ("f =~ sat1 + sat2 + sat3x", None, "不是数据中的列；是否指 'sat3'"),
    ("relationship_quality", ("sat1", "good"),
     "列“sat1”不是数值：第 3 行为 'good'（共 1 个非数值）"),
])
def test_fit_errors_in_chinese(survey, model, change, expected):
    df = survey.copy()
    if change:
        df[change[0]] = df[change[0]].astype(object)
        df.loc[3, change[0]] = change[1]
    out = logic.run_fit(model, df, lang="zh")
    assert expected in out.error_text("zh"), out.error_text("zh")
    assert out.error_text("en") == out.error


def test_app_messages_in_chinese():
    with pytest.raises(AppError, match="Bootstrap 抽样次数：请输入 0 到 5000"):
        logic.fit_options("ML", draws=6000, lang="zh")
    with pytest.raises(AppError, match="交互项估计方法“pi”不在"):
        logic.fit_options("ML", interaction="pi", lang="zh")
    with pytest.raises(AppError, match="没有名为“nothing”的内置数据集"):
        logic.load_bundled("nothing", "zh")
    with pytest.raises(AppError, match="样本量"):
        logic.simulate_and_fit("relationship_quality", 5, lang="zh")


@pytest.mark.filterwarnings("ignore::relqual.RelqualWarning")
def test_report_reuses_the_bootstrap_draws(tmp_path, survey, monkeypatch):
    import relqual.result
    out = logic.run_fit("relationship_quality", survey, draws=30, seed=4)
    res = out.result
    fresh = rq.fit("relationship_quality", survey).bootstrap(30, seed=4)
    cached = res.bootstrap(30, seed=4)
    assert cached is res.boot and np.array_equal(cached.values, fresh.values, equal_nan=True)

    def refit(*args, **kwargs):
        raise AssertionError("the report refitted the bootstrap resamples")
    monkeypatch.setattr(relqual.result, "run_bootstrap", refit)
    path = logic.write_report(res, survey, tmp_path / "r.html", "zh", draws=30, seed=4)
    text = path.read_text(encoding="utf-8")
    assert "Bootstrap" in text and "30 次抽样，种子 4" in text
    with pytest.raises(AssertionError, match="refitted"):     # other draws are new resamples
        logic.write_report(res, survey, tmp_path / "s.html", draws=31, seed=4)


@pytest.mark.filterwarnings("ignore::relqual.RelqualWarning")
def test_pls_report_reuses_the_bootstrap_draws(tmp_path, survey, monkeypatch):
    import relqual.plsboot
    res = logic.run_fit("relationship_quality", survey, "PLS", draws=40, seed=2).result

    def refit(*args, **kwargs):
        raise AssertionError("the report refitted the bootstrap resamples")
    monkeypatch.setattr(relqual.plsboot, "run_pls_bootstrap", refit)
    path = logic.write_report(res, survey, tmp_path / "r.html", draws=40, seed=2)
    assert "40" in path.read_text(encoding="utf-8")          # the PLS report reads res.boot


def test_interaction_method_and_test_table(survey):
    assert logic.has_interaction(MODERATED) and not logic.has_interaction("relationship_quality")
    assert logic.fit_options("ML") == {"estimator": "ML"}           # auto: rq.fit's default
    assert logic.fit_options("MLR", interaction="dblcent") == {"estimator": "MLR",
                                                               "interaction": "dblcent"}
    for method, expected in (("auto", "lms"), ("dblcent", "dblcent"), ("qml", "qml")):
        out = logic.run_fit(MODERATED, survey, interaction=method)
        assert out.error is None, out.error
        test = out.result.interaction_test()
        assert test["method"].tolist() == [expected]
        rows = logic.interaction_rows(out.result, "zh")
        assert rows.columns.tolist() == ["结果变量", "交互项", "估计方法", "Δχ²", "df", "p 值",
                                         "R²", "不含交互项的 R²", "B（非标准化系数）",
                                         "β（标准化系数）"]
        r = test.iloc[0]
        assert rows.iloc[0].tolist() == [
            "对企业的信任感", "SAT:CF", expected, f"{r['chisq']:.3f}", "1",
            f"{r['pvalue']:.3f}".replace("0.", ".", 1), f"{r['r2']:.3f}",
            f"{r['r2_without']:.3f}", f"{r['est']:.3f}", f"{r['std_est']:.3f}"]
        code = logic.python_code(MODERATED, "data", out.options)
        assert (f"interaction={method!r}" in code) == (method != "auto")
    lms = logic.run_fit(MODERATED, survey, estimator="MLR", interaction="lms")
    assert lms.result is None and "LMS" in lms.error


def test_slider_labels_name_the_constructs():
    paths = logic.population_paths("relationship_quality")
    labels = logic.path_labels("relationship_quality")
    zh = logic.path_labels("relationship_quality", "zh")
    assert len(labels) == len(zh) == len(paths)
    for r, en_label, zh_label in zip(paths.itertuples(), labels, zh):
        assert en_label.endswith(f"({r.lhs})") and f"({r.rhs}) → " in en_label
        assert zh_label.endswith(f"（{r.lhs}）") and f"（{r.rhs}）→ " in zh_label
    assert zh[0] == "商业友谊（CF）→ 顾客满意感（SAT）"


def test_interaction_terms_are_not_items():
    assert logic.model_items(MODERATED) == [f"{c}{k}" for c in ("sat", "tr", "cf")
                                            for k in range(1, 5)]
    assert logic.model_items("x9 ~ x7 + x8 + x7:x8") == ["x9", "x7", "x8"]


def test_product_factors_are_not_constructs(survey):
    res = logic.run_fit(MODERATED, survey, interaction="dblcent").result
    assert "SAT:CF" in res.reliability()["factor"].tolist()
    rows = logic.reliability_rows(res)
    assert rows["Construct"].tolist() == ["Satisfaction", "Trust in the firm",
                                          "Commercial friendship"]
    assert logic.check_syntax(MODERATED)["ov"] == 12


@pytest.mark.parametrize("text, expected", [
    ("f =~ x1 + x2\ng ~ f +", "“+”两侧缺少项\n  g ~ f +"),
    ("f =~ \n", "“=~”的右边没有内容\n  f =~"),
    ("f =~ x1 +\ng =~ x2", "第 1 行的公式还没有写完（以“+”或“*”结尾）\n  g =~ x2"),
    ("f =~ x(1 + x2", "括号“(”不配对\n  f =~ x(1 + x2"),           # the quoted line kept as is
])
def test_syntax_errors_in_chinese(text, expected):
    from relqual.i18n import translate_message
    assert expected in translate_message(logic.check_syntax(text)["message"], "zh")
