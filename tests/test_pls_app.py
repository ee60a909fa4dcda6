"""A PLS fit's report through the web app's download path (relqual/app/logic.py: run_fit ->
write_report, what the HTML and Word download buttons call), for a first-order library model
and for the second-order one (two-stage approach)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import relqual as rq
from relqual.app import logic
from relqual.cli import main
from relqual.i18n import t

HOC_DATA = pd.read_csv(Path(__file__).parent / "reference" / "pls_data" / "rq_second_order.csv")


@pytest.mark.parametrize("model, data, lang", [
    ("relationship_quality", rq.datasets.load("relationship_quality"), "zh"),
    ("relationship_quality_second_order", HOC_DATA, "en"),
])
def test_pls_report_downloads_as_html_and_word(tmp_path, model, data, lang):
    out = logic.run_fit(model, data, estimator="PLS", draws=30, seed=1)
    assert out.error is None and out.result.call["estimator"] == "PLS"
    html = logic.write_report(out.result, data, tmp_path / "report.html", lang, 30, 1)
    text = html.read_text(encoding="utf-8")
    assert t("title_pls_measurement", lang) in text
    for construct in out.result.problem.partable.roles.lv:
        assert construct in text
    docx = logic.write_report(out.result, data, tmp_path / "report.docx", lang, 30, 1)
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert t("title_pls_measurement", lang) in body


def test_cli_reports_the_second_order_model_by_pls(tmp_path):
    data = tmp_path / "rq2.csv"
    HOC_DATA.to_csv(data, index=False)
    out = tmp_path / "report.html"
    code = main(["report", "relationship_quality_second_order", str(data), "--estimator", "PLS",
                 "--bootstrap", "20", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert code == 0 and t("title_pls_measurement", "en") in text and "RQ" in text


def test_cli_fits_higher_order_constructs_by_repeated_indicators(tmp_path, capsys):
    """--hoc picks the higher-order approach as rq.fit's hoc= does; without PLS it is refused."""
    import json
    import warnings

    data = tmp_path / "rq2.csv"
    HOC_DATA.to_csv(data, index=False)
    out_json = tmp_path / "fit.json"
    code = main(["fit", "relationship_quality_second_order", str(data), "--estimator", "PLS",
                 "--hoc", "repeated", "--json", str(out_json)])
    assert code == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("relationship_quality_second_order", HOC_DATA, estimator="PLS",
                     hoc="repeated")
    assert res.call["hoc"] == "repeated"
    rows = {(r["lhs"], r["op"], r["rhs"]): r["est"]
            for r in json.loads(out_json.read_text())["estimates"]}
    est = res.estimates().set_index(["lhs", "op", "rhs"])["est"]
    assert rows[("RQ", "=~", "SAT")] == pytest.approx(est[("RQ", "=~", "SAT")], abs=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        two_stage = rq.fit("relationship_quality_second_order", HOC_DATA, estimator="PLS")
    assert abs(two_stage.estimates().set_index(["lhs", "op", "rhs"])["est"][
        ("RQ", "=~", "SAT")] - rows[("RQ", "=~", "SAT")]) > 1e-3      # the other approach
    capsys.readouterr()
    code = main(["fit", "relationship_quality_second_order", str(data), "--hoc", "repeated"])
    assert code == 2 and "hoc" in capsys.readouterr().err
