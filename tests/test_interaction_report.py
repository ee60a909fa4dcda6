"""Tables and reports of latent-interaction fits (LMS, QML): no chi-square, the likelihood,
the interaction's likelihood-ratio test and R² with and without it, in English and Chinese."""
import numpy as np
import pytest

import relqual as rq
from relqual.i18n import t as _t

MODEL = ("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9; "
         "speed ~ visual + textual + visual:textual")


@pytest.fixture(scope="module")
def lms():
    return rq.fit(MODEL, rq.datasets.load("holzinger_swineford"), interaction="lms")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_fit_table_of_lms_reads_the_likelihood_and_the_interaction_test(lms, lang):
    tables = lms.tables(lang=lang)
    fit = tables[0]
    assert fit.name == "fit" and fit.title == _t("title_fit_interaction", lang)
    fm, test = lms.fit_measures(), lms.interaction_test().iloc[0]
    data = fit.data.set_index("index")
    assert data.loc[_t("row_logl", lang), "value"] == pytest.approx(fm["logl"])
    assert data.loc["AIC", "value"] == pytest.approx(-2 * fm["logl"] + 2 * fm["npar"])
    assert data.loc[_t("row_logl_without", lang), "value"] == pytest.approx(fm["baseline_logl"])
    lr = _t("row_lr_test", lang, term="visual:textual", outcome="speed", df=1)
    assert data.loc[lr, "value"] == pytest.approx(2 * (fm["logl"] - fm["baseline_logl"]))
    assert data.loc[lr, "verdict"] == _t("interaction_not_needed", lang, alpha=".05")
    r2 = _t("row_r2_with", lang, term="visual:textual", outcome="speed")
    assert fit.cell(r2, _t("col_value", lang)) == (
        f"{test['r2']:.3f} / {test['r2_without']:.3f}".replace("0.", "."))
    assert not any("χ²/df" in str(row[0]) or "CFI" in str(row[0]) for row in fit.rows)
    assert "96" in fit.note and "Klein & Moosbrugger" in fit.note
    names = [t.name for t in tables]
    assert names == ["fit", "measurement", "discriminant", "paths", "slopes"]
    paths = tables[3].data
    assert "visual:textual" in " ".join(map(str, tables[3].body()))
    assert np.isfinite(paths.select_dtypes("number").to_numpy(dtype=float)).any()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_of_an_lms_fit(lms, tmp_path, lang):
    path = lms.report(tmp_path / f"lms_{lang}.html", lang=lang)
    text = path.read_text(encoding="utf-8")
    fm = lms.fit_measures()
    assert f"logL = {fm['logl']:.2f}" in text and "ML (LMS)" in text
    assert _t("title_fit_interaction", lang) in text and _t("title_slopes", lang) in text
    assert f"χ²(1) = {fm['interaction_chisq']:.2f}" in text
    assert "CFI =" not in text                 # no chi-square-based indices in the summary
    assert _t("figure_slopes", lang, outcome="speed", focal="visual", moderator="textual") in text
    assert text.count("<img") == 2                  # the path diagram and the simple slopes
    assert "measurement report not available" not in text
    assert "bootstrap is not available" not in text


def test_the_fit_table_of_qml_says_it_integrates_nothing():
    res = rq.fit(MODEL, rq.datasets.load("holzinger_swineford"), interaction="qml")
    fit = res.tables(include=["fit"])[0]
    assert "QML (Klein & Muthén, 2007)" in fit.note and "no numerical integration" in fit.note
    assert fit.data.set_index("index").loc["Log-likelihood", "value"] == pytest.approx(
        res.fit_measures()["logl"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_simple_slopes_table_reads_the_probes(lms, lang):
    table = lms.tables(lang=lang, include=["slopes"])[0]
    assert table.title == _t("title_slopes", lang)
    slopes = lms.simple_slopes("visual", moderator="textual")
    assert table.data["est"].tolist() == pytest.approx(slopes["est"].tolist())
    assert table.data["se"].tolist() == pytest.approx(slopes["se"].tolist())
    assert [row[2] for row in table.rows] == [f"{v:.3f}" for v in slopes["est"]]
    jn = lms.johnson_neyman("visual", "textual")
    assert jn["significant"] == "inside"
    region = _t("jn_inside", lang, lower=f"{jn['lower']:.2f}".replace("-", "\u2212"),
                upper=f"{jn['upper']:.2f}")
    assert region in table.note


def test_a_quadratic_term_has_no_simple_slopes_table():
    res = rq.fit("x9 ~ x7 + x7:x7", rq.datasets.load("holzinger_swineford"))
    assert [t.name for t in res.tables()] == ["fit", "paths"]
