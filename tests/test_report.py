"""APA tables (relqual.tables) and the report (res.report, relqual report, relqual demo): files
are written, hold the numbers of the fit as displayed, every warning, the call and versions."""
from __future__ import annotations

import base64
import re
import warnings
from pathlib import Path

import docx
import pytest

import relqual as rq
from relqual.cli import main
from relqual.tables import DAGGER, apa_tables, num, parse_num, pval

DATA = rq.datasets.load("relationship_quality")
DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "relationship_quality.csv"


@pytest.fixture(scope="module")
def res():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit("relationship_quality", DATA)


@pytest.fixture(scope="module")
def tables(res):
    return {t.name: t for t in apa_tables(res)}


def test_number_formats():
    assert num(0.3474, 3, bounded=True) == ".347"
    assert num(-0.0556, 3, bounded=True) == "\u2212.056"
    assert num(-0.0004, 3, bounded=True) == ".000"          # no negative zero
    assert num(1.0056, 3, bounded=True) == "1.006"
    assert num(0.352, 3) == "0.352"
    assert pval(0.0003) == "< .001" and pval(0.3076) == ".308"
    assert parse_num("\u2212.056*") == pytest.approx(-0.056)
    assert parse_num(".474" + DAGGER) == pytest.approx(0.474)


def test_tables_in_chapter_order(tables):
    assert list(tables) == ["fit", "measurement", "discriminant", "paths", "indirect"]
    assert [t.number for t in tables.values()] == [1, 2, 3, 4, 5]


def test_fit_table_has_hu_bentler_cutoffs(res, tables):
    fit = tables["fit"]
    fm = res.fit_measures()
    assert fit.cell("CFI", "Value") == num(fm["cfi"], 3, True)
    assert fit.cell("CFI", "Cut-off") == "\u2265 .95"
    assert fit.cell("RMSEA [90% CI]", "Cut-off") == "\u2264 .06"
    assert fit.cell("SRMR", "Cut-off") == "\u2264 .08"
    assert fit.cell("SRMR", "Verdict") == "Good"
    assert fit.cell("df", "Value") == "161"
    assert "Hu & Bentler, 1999" in fit.note


def test_measurement_table_matches_reliability(res, tables):
    t = tables["measurement"]
    rel = res.reliability().set_index("factor")
    items = res.item_diagnostics().set_index("item")
    for factor in rel.index:
        row = next(r for r in t.body() if r[0].endswith(f"({factor})"))
        assert parse_num(row[3]) == pytest.approx(rel.loc[factor, "alpha"], abs=5e-4)
        assert parse_num(row[4]) == pytest.approx(rel.loc[factor, "omega"], abs=5e-4)
        assert parse_num(row[5]) == pytest.approx(rel.loc[factor, "ave"], abs=5e-4)
    for r in t.body():
        assert parse_num(r[2]) == pytest.approx(items.loc[r[1], "loading"], abs=5e-4)
    # AVE below .50 is marked
    assert t.cell("cf1", "AVE").endswith(DAGGER)


def test_discriminant_table(res, tables):
    t = tables["discriminant"]
    fl = res.fornell_larcker(matrix=True)
    ht = res.htmt(matrix=True)
    factors = list(fl.index)
    for i, a in enumerate(factors):
        row = t.body()[i]
        assert parse_num(row[i + 1]) == pytest.approx(fl.loc[a, a], abs=5e-4)
        for j, b in enumerate(factors):
            if j < i:
                assert parse_num(row[j + 1]) == pytest.approx(fl.loc[a, b], abs=5e-4)
            elif j > i:
                assert parse_num(row[j + 1]) == pytest.approx(ht.loc[a, b], abs=5e-4)


def test_paths_table_hypotheses_and_verdicts(res, tables):
    t = tables["paths"]
    paths = res.paths()
    assert len(t.body()) == len(paths)
    for _, r in paths.iterrows():
        row = next(x for x in t.body() if x[1] == f"{r['rhs']} \u2192 {r['lhs']}")
        assert row[2].rstrip("*") == num(r["std_all"], 3, True)
        assert row[3] == num(r["est"], 3)
    assert t.cell("H8 (+)", "Verdict") == "Not supported"
    assert t.cell("H7 (+)", "Verdict") == "Supported"
    assert "SAT = Satisfaction" in t.note


def test_defined_hypotheses_in_paths_table():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = rq.fit("loyalty_stages", rq.datasets.load("loyalty_stages"))
    t = {x.name: x for x in apa_tables(fit)}["paths"]
    hyp = fit.hypotheses().set_index("id")
    assert t.cell("H4 (+)", "B") == num(hyp.loc["H4", "est"], 3)
    assert t.cell("H4 (+)", "Verdict") == "Supported"


def test_indirect_table(res, tables):
    t = tables["indirect"]
    ind = res.indirect()
    row = next(r for r in t.body() if r[1] == "SAT \u2192 AC \u2192 CC")
    hit = ind[ind["path"] == "SAT -> AC -> CC"].iloc[0]
    assert row[2] == num(hit["est"], 3)
    assert row[3] == f"[{num(hit['ci_lower'], 3)}, {num(hit['ci_upper'], 3)}]"


def test_exports(tables, tmp_path):
    t = tables["paths"]
    md = t.to_markdown()
    assert md.startswith("**Table 4**") and "| H1 (+) | CF \u2192 SAT |" in md
    html = t.to_html()
    assert "<table>" in html and "Supported" in html and "Note." in html
    tex = t.to_latex()
    assert "\\toprule" in tex and "$\\beta$" in tex and "$\\rightarrow$" in tex
    assert "\\_" not in tex or "\\_" in tex                     # escaped, never raw specials
    assert not re.search(r"(?<!\\)[&%#](?![^$]*\$)", tex.replace(" & ", " ")), tex
    path = tmp_path / "paths.docx"
    t.to_docx(path)
    d = docx.Document(path)
    assert d.tables[0].rows[1].cells[1].text == "CF \u2192 SAT"


def _docx_table(document, first_header):
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            return table
    raise AssertionError(f"no table starting with {first_header!r}")


def test_docx_report_cells_equal_the_fit(res, tmp_path):
    path = res.report(tmp_path / "chapter4.docx", data=DATA, indirect_ci="delta")
    d = docx.Document(path)
    table = _docx_table(d, "Hypothesis")
    header = [c.text for c in table.rows[0].cells]
    paths = res.paths()
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for _, p in paths.iterrows():
        cells = rows[f"{p['rhs']} \u2192 {p['lhs']}"]
        assert cells[header.index("\u03b2")].rstrip("*") == num(p["std_all"], 3, True)
        assert cells[header.index("B")] == num(p["est"], 3)
        assert cells[header.index("SE")] == num(p["se"], 3)
        assert cells[header.index("p")] == pval(p["pvalue"])
    assert len(d.inline_shapes) == 1                         # the diagram
    text = "\n".join(p.text for p in d.paragraphs)
    for w in res.warnings:
        assert w in text
    assert "rq.fit('relationship_quality', data)" in text
    assert "numpy" in "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)


def test_html_report_is_self_contained(res, tmp_path):
    path = res.report(tmp_path / "report.html", data=DATA, indirect_ci="bootstrap", draws=60,
                      seed=5, data_code='rq.datasets.load("relationship_quality")')
    html = path.read_text(encoding="utf-8")
    png = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert png and base64.b64decode(png.group(1))[:4] == b"\x89PNG"
    assert "src='http" not in html and 'src="http' not in html
    for w in res.warnings:
        assert w.split(";")[0] in html
    assert "Rows dropped" in html and ">63<" in html
    assert "rq.fit(&#x27;relationship_quality&#x27;, data)" in html
    assert "draws=60, seed=5" in html
    assert "bootstrap" in html and "60 draws, seed 5" in html
    for pkg in ("relqual", "numpy", "scipy", "pandas", "matplotlib"):
        assert f"<td>{pkg}</td>" in html
    fm = res.fit_measures()
    assert f"<td style=\"text-align:right\">{num(fm['srmr'], 3, True)}</td>" in html


def test_markdown_and_chinese_report(res, tmp_path):
    md = res.report(tmp_path / "r.md", indirect_ci="delta", lang="zh").read_text(encoding="utf-8")
    assert "![path diagram](data:image/png;base64," in md
    assert "顾客满意感（SAT）" in md


def test_report_rejects_unknown_format(res, tmp_path):
    with pytest.raises(ValueError, match=".html, .docx or .md"):
        res.report(tmp_path / "r.pdf")


def test_report_without_measurement_methods(res, tmp_path, monkeypatch):
    """A fit whose measurement methods fail still gets a report that says why."""
    def broken(*a, **k):
        raise NotImplementedError("not for this fit")
    monkeypatch.setattr(type(res), "reliability", broken)
    t = {x.name: x for x in apa_tables(res)}["measurement"]
    assert "not available (NotImplementedError: not for this fit)" in t.note
    assert t.body()[0][3] == ""


def test_cli_report_docx(tmp_path, capsys):
    out = tmp_path / "r.docx"
    code = main(["report", "relationship_quality", str(DATA_FILE), "--out", str(out),
                 "--bootstrap", "0"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert out.stat().st_size > 20000
    assert f"Report written to {out.resolve()}" in captured.out


def test_cli_report_bad_extension(tmp_path, capsys):
    code = main(["report", "relationship_quality", str(DATA_FILE),
                 "--out", str(tmp_path / "r.pdf")])
    err = capsys.readouterr().err
    assert code == 2 and "use a .html, .docx or .md file name" in err and "Traceback" not in err


def test_demo_writes_report_where_asked(tmp_path, capsys):
    out = tmp_path / "demo.html"
    assert main(["demo", "--out", str(out), "--bootstrap", "0"]) == 0
    printed = capsys.readouterr().out
    assert "Structural paths and hypotheses" in printed          # the demo's own output stays
    assert str(out.resolve()) in printed
    assert "data:image/png;base64," in out.read_text(encoding="utf-8")


def test_summary_sentence_leaves_out_an_undefined_p_value(tmp_path):
    """ULS with ordered items has no p-value for its chi-square (as lavaan): no 'p = ,'."""
    hso = rq.datasets.load("holzinger_swineford_ordinal")
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(model, hso, ordered=True, estimator="ULS")
    out = tmp_path / "uls.html"
    res.report(str(out))
    text = out.read_text(encoding="utf-8")
    assert "χ²(24) = 58.06, CFI" in text
    assert "p = ," not in text
