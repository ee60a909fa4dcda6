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
