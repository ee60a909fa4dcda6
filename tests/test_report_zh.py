"""Reports and tables in Chinese (issue 16): `relqual report ... --lang zh`, res.tables(lang="zh")
of an ML and a PLS fit have no English heading, table title, column header, note or verdict left;
every heading and title is a text of the catalog (relqual.i18n)."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import relqual as rq
from relqual import i18n
from relqual.cli import main
from relqual.conventions import SOURCES

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "relationship_quality.csv"
WORD = re.compile(r"[A-Za-z]{3,}")

# Latin words a Chinese thesis keeps: statistical abbreviations, software and the cited authors
# (construct abbreviations and item names are added from the fit)
ALLOWED = {"CFI", "TLI", "RMSEA", "SRMR", "AIC", "BIC", "AVE", "HTMT", "VIF", "PLS", "SEM", "MLR",
           "FIML", "SPSS", "SHA", "relqual", "lavaan", "semTools", "compRelSEM", "Cronbach",
           "Bootstrap", "bootstrap", "Dijkstra", "Henseler", "Fornell", "Larcker", "Cohen",
           "Hair", "Risher", "Sarstedt", "Ringle", "check_data", "delta"}
ALLOWED |= {w for s in SOURCES.values() for w in WORD.findall(s.authors)}


def english(texts, extra=()) -> list[str]:
    """The English words in ``texts``: Latin letter runs of length >= 3 not allowed."""
    allowed = ALLOWED | set(extra)
    return sorted({w for text in texts for w in WORD.findall(str(text)) if w not in allowed})


def catalog_pattern(text: str) -> re.Pattern:
    """A catalog text as a regex, its {placeholders} matching anything."""
    parts = re.split(r"\{[^}]*\}", text)
    return re.compile(".+".join(re.escape(p) for p in parts) + r"\Z", re.S)


ZH_PATTERNS = [catalog_pattern(v) for v in i18n.values("zh")]


def in_catalog(text: str) -> bool:
    return any(p.match(text) for p in ZH_PATTERNS)


def names_of(res) -> set:
    """Construct abbreviations and item names (and their letter runs: 'sat' of 'sat1')."""
    names = set(res.partable.roles.lv) | set(res.partable.roles.ov)
    return names | {w for n in names for w in WORD.findall(n)}


@pytest.fixture(scope="module")
def docx_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh") / "r.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main(["report", "relationship_quality", str(DATA_FILE), "--lang", "zh", "--out", str(out),
              "--bootstrap", "100"])
    return docx.Document(str(out))


@pytest.fixture(scope="module")
def ml_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))


@pytest.fixture(scope="module")
def pls_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit("relationship_quality", rq.datasets.load("relationship_quality"),
                      estimator="PLS")


def docx_parts(document):
    """Headings, table labels, table titles, header cells (the first column of key-value
    tables), notes and verdict cells of a report, in document order."""
    body = document.element.body
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    items = list(body.iterchildren())
    parts = {"heading": [], "label": [], "title": [], "header": [], "note": [], "verdict": []}
    for k, el in enumerate(items):
        if el in paragraphs:
            p = paragraphs[el]
            if p.style.name.startswith("Heading") or p.style.name == "Title":
                parts["heading"].append(p.text)
            elif p.text.startswith("注："):
                parts["note"].append(p.text)
        elif el in tables:
            table = tables[el]
            before = [paragraphs[e].text for e in items[max(0, k - 2):k] if e in paragraphs]
            if len(before) == 2 and re.fullmatch(r"表 4-\d+", before[0]):
                parts["label"].append(before[0])
                parts["title"].append(before[1])
                header = [c.text for c in table.rows[0].cells]
                parts["header"] += header
                if "结论" in header:
                    j = header.index("结论")
                    parts["verdict"] += [r.cells[j].text for r in table.rows[1:]]
            else:                                   # key-value table: its keys
                parts["header"] += [r.cells[0].text for r in table.rows]
    return parts


def test_docx_report_has_no_english_heading_title_header_or_note(docx_report, ml_fit):
    parts = docx_parts(docx_report)
    assert len(parts["heading"]) >= 6 and len(parts["title"]) >= 5 and parts["note"]
    # package names and versions in the reproducibility table are names, not English
    packages = {w for name in ("python", "platform", "numpy", "scipy", "pandas", "matplotlib",
                               "semopy", "docx") for w in [name]}
    for kind in ("heading", "label", "title", "header", "note", "verdict"):
        assert english(parts[kind], names_of(ml_fit) | packages) == [], kind
    for text in parts["heading"] + parts["title"]:
        assert in_catalog(text), text
    assert set(parts["verdict"]) - {""} <= {"支持", "不支持", "良好", "较差"}
    assert "支持" in parts["verdict"]


def test_docx_report_sets_east_asian_font(docx_report):
    fonts = docx_report.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    heading = docx_report.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "SimHei"


@pytest.mark.parametrize("which", ["ml_fit", "pls_fit"])
def test_tables_in_chinese(which, request):
    res = request.getfixturevalue(which)
    tables = res.tables(lang="zh")
    assert tables
    for t in tables:
        assert re.fullmatch(r"表 4-\d+", t.label)
        assert in_catalog(t.title), t.title
        texts = [t.title, t.note, *t.columns] + [r for r in t.rows if isinstance(r, str)]
        if "结论" in t.columns:
            j = t.columns.index("结论")
            texts += [r[j] for r in t.body()]
        assert english(texts, names_of(res)) == [], t.name
        for fmt in (t.to_markdown(), t.to_html(), t.to_latex()):
            assert "Note" not in fmt and "Table" not in fmt


def test_english_tables_unchanged(ml_fit):
    t = {t.name: t for t in ml_fit.tables()}
    assert t["fit"].title == "Model fit" and t["fit"].label == "Table 1"
    assert t["paths"].cell("H1 (+)", "Verdict") == "Supported"
    assert t["paths"].cell("H8 (+)", "Verdict") == "Not supported"
    assert "Note." in t["fit"].to_markdown()


def test_html_report_lang_attribute(ml_fit, tmp_path):
    out = ml_fit.report(tmp_path / "r.html", lang="zh", indirect_ci="delta")
    text = out.read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in text
    assert "<h2>模型与研究假设</h2>" in text and "Reproducibility" not in text
    assert "<html lang='en'>" in ml_fit.report(tmp_path / "e.html",
                                               indirect_ci="delta").read_text(encoding="utf-8")


def test_verdicts_in_chinese():
    from relqual.verdicts import judge
    assert judge(0.3, 0.001, "+", lang="zh") == (True, "支持")
    assert judge(0.3, 0.2, "+", lang="zh")[1] == "不支持（p ≥ .05）"
    assert judge(0.3, 0.2, "+")[1] == "not supported (p >= .05)"


# ---------------------------------------------------------------------------- the body's prose
CODE = re.compile(r"\b\w+\((?:[^()]|\([^()]*\))*\)|\w+='[^']*'|\.\w+|(?<![A-Za-z])'[^']*'")


def prose_english(texts, extra=()) -> list[str]:
    """English words left in Chinese prose: code (calls, arguments, attributes) and quoted data
    values are not prose; names, numbers and the cited authors are allowed."""
    return english([CODE.sub(" ", str(text)) for text in texts], extra)


def body_paragraphs(document) -> list[str]:
    """Every paragraph of the report outside its tables, but the code (model syntax, the call)."""
    return [p.text for p in document.paragraphs
            if p.text.strip() and not any(r.font.name == "Courier New" for r in p.runs)]


def test_docx_report_body_has_no_english_prose(docx_report, ml_fit):
    """Model description, data notes, check_data, measurement verdicts and warnings included."""
    texts = body_paragraphs(docx_report)
    assert any(t.startswith("600 行数据中有 63 行") for t in texts)        # data note, warning
    assert any(t.startswith("聚合效度未达标") for t in texts)               # a verdict
    assert any(t.startswith("模型包含 5 个构念") for t in texts)            # the description
    assert prose_english(texts, names_of(ml_fit) | {"relationship", "quality"}) == []


def test_report_on_flawed_data_has_no_english_prose(tmp_path):
    df = rq.datasets.load("relationship_quality")
    items = [c for c in df.columns if c[:2] in ("cf", "sa", "tr", "ac", "cc")]
    df["sat3"] = [1.0] * 590 + [5.0] * 10                     # strongly skewed
    df.loc[:7, items] = 3.0                                   # straight-liners
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("relationship_quality", df, missing="fiml")
        out = res.report(tmp_path / "r.docx", data=df, lang="zh", indirect_ci="delta")
    texts = body_paragraphs(docx.Document(str(out)))
    assert any("直线作答" in t for t in texts) and any("严重偏离正态" in t for t in texts)
    assert any(t.startswith("全信息最大似然（FIML）") for t in texts)
    assert prose_english(texts, names_of(res) | {"relationship", "quality"}) == []


def relqual_messages() -> list[str]:
    """Real sentences of relqual: data notes, check_data problems, fit warnings (an improper
    solution), measurement verdicts (passing, failing, not assessed)."""
    df = rq.datasets.load("relationship_quality")
    hs = rq.datasets.load("holzinger_swineford")
    bad = df.astype({"sat2": object, "tr4": object}).rename(columns={"cc1": "CC_1"})
    bad = bad.drop(columns=["cc2", "cc3"]).assign(tr4="x", ac2=3.0)
    bad.loc[3, "sat2"], bad.loc[4, "ac1"] = "agree", 9
    bad["cc4"] = [None] * 590 + [1.0] * 5 + [2.0] * 5
    bad.loc[[5, 6], [c for c in bad.columns if c != "tr4"]] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = rq.fit("relationship_quality", df)
        heywood = rq.fit("f =~ x4 + x5 + x6; x5 ~~ -0.1*x5", hs)
        messages = (ml.warnings + ml.data_notes + list(ml.measurement_report().statements)
                    + rq.fit("relationship_quality", df, missing="fiml").data_notes
                    + rq.check_data(bad, "relationship_quality", likert=(1, 5)).problems
                    + heywood.warnings + list(heywood.measurement_report().statements))
    return messages


def test_relqual_messages_are_translated():
    from relqual.i18n import translate_message
    messages = relqual_messages()
    assert len(messages) >= 25
    names = {w for data in ("relationship_quality", "holzinger_swineford")
             for c in rq.datasets.load(data).columns for w in [c, *WORD.findall(c)]}
    for text in messages:
        zh = translate_message(text, "zh")
        assert "英文提示" not in zh, text                     # a sentence the catalog knows
        assert prose_english([zh], names | {"Heywood"}) == [], (text, zh)
        assert translate_message(text, "en") == text


def test_unknown_messages_keep_their_original_behind_a_chinese_lead():
    from relqual.i18n import translate_message
    zh = translate_message("ABNORMAL_TERMINATION_IN_LNSRCH", "zh")
    assert zh == "程序的英文提示（未翻译，保留原文）：（ABNORMAL_TERMINATION_IN_LNSRCH）"


# ---------------------------------------------------------------------------- reviewer checks
def test_reviewer_check_tables_in_chinese(ml_fit):
    df = rq.datasets.load("relationship_quality")
    nr = rq.nonresponse(df.assign(wave=["early"] * 300 + ["late"] * 300), wave="wave",
                        items="relationship_quality")
    hs = rq.datasets.load("holzinger_swineford")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = rq.fit("g =~ x1 + x2 + x3 + x4 + x5 + x6", hs)
        two = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6", hs)
        tables = ml_fit.tables(lang="zh", include=["fit"], checks=["cmb", nr])
    tables += rq.compare(one, two).apa_tables(lang="zh")
    assert [t.name for t in tables] == ["fit", "common_method", "nonresponse", "compare",
                                        "compare_tests"]
    names = names_of(ml_fit) | {"Model", "early", "late", "Harman", "CFA", "ULMC", "npar"}
    verdicts = {i18n.t(k, "zh", alpha=".05", model="Model 2") for k in (
        "v_concern", "v_no_concern", "v_not_tested", "v_differ", "v_same", "v_better",
        "v_indistinct")}
    for t in tables:
        assert in_catalog(t.title), t.title
        cells = [c for row in t.body() for c in row[:1]] + [r for r in t.rows if isinstance(r, str)]
        assert english([t.title, *t.columns, *cells], names) == [], t.name
        if t.name != "fit":
            j = t.columns.index("结论") if "结论" in t.columns else None
            assert j is None or {row[j] for row in t.body()} <= verdicts, t.name
            key = {"common_method": "note_common_method", "nonresponse": "note_nonresponse",
                   "compare": "note_compare", "compare_tests": "note_compare_tests"}[t.name]
            assert t.note.startswith(i18n.t(key, "zh", n=301, sizes="")[:5]), t.note
        if t.number:
            assert re.fullmatch(r"表 4-\d+", t.label)
    relation = tables[-1].body()[0][1]
    assert relation == "Model 1 嵌套于 Model 2"
    assert tables[1].cell("Harman 单因子检验：主成分分析", "结论") == "未发现问题"
    english_check = rq.compare(one, two).apa_tables()[1]
    assert english_check.title == "Competing models: tests of each pair"
    assert english_check.columns[-1] == "Verdict" and "restrictions" in english_check.body()[0][-1]


def test_a_model_written_as_syntax_is_named_in_chinese(tmp_path):
    """rq.fit on syntax names the model 'user model'; the Chinese report calls it 自定义模型."""
    res = rq.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6",
                 rq.datasets.load("holzinger_swineford"))
    res.report(tmp_path / "r.html", lang="zh")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "user model" not in html and "自定义模型" in html
