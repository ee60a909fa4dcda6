"""Chinese (and other non-ASCII) names and files, end to end (issue 17).

* the parser accepts identifiers as lavaan does (R's syntactic names: letters of any script,
  digits, ``_`` and ``.``, not starting with a digit) and still rejects the others, with the
  same messages (and a hint for full-width and invisible characters);
* a model with Chinese names fits to data with Chinese column names exactly as its ASCII twin,
  and its estimates, summary, tables (HTML, Word), diagram and report show the Chinese names;
* the diagram's texts use fonts that have their glyphs (checked against the font files' cmaps),
  matplotlib's "Glyph ... missing" warnings never reach the user or the report, and without a
  Chinese font there is exactly one warning, naming the package to install;
* model files saved as UTF-8 with BOM, UTF-16 (LE/BE), GB18030 or Big5 read right; others get
  an error naming the file and the encodings tried;
* the report's Warnings section holds no numpy RuntimeWarnings and no glyph warnings.
"""
from __future__ import annotations

import io
import re
import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import relqual as rq  # noqa: E402
from relqual import fonts  # noqa: E402
from relqual.models import read_model_text, resolve_model  # noqa: E402
from relqual.report import report_warnings  # noqa: E402
from relqual.syntax import ModelSyntaxError, is_name, parse  # noqa: E402

ASCII_MODEL = """
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
speed ~ visual
"""
# the same model in Chinese: 视觉 (visual), 文字 (textual), 速度 (speed)
ZH_NAMES = {"x1": "视觉1", "x2": "视觉2", "x3": "视觉3", "x4": "文字1", "x5": "文字2",
            "x6": "文字3", "x7": "速度1", "x8": "速度2", "x9": "速度3"}
ZH_MODEL = """
视觉 =~ 视觉1 + 视觉2 + 视觉3
文字 =~ 文字1 + 文字2 + 文字3
速度 =~ 速度1 + 速度2 + 速度3
速度 ~ 视觉
"""
GLYPH = re.compile(r"Glyph \d+ .* missing from font")


def triples(statements):
    return [(s.lhs, s.op, s.rhs) for s in statements]


def glyph_warnings(record):
    return [str(w.message) for w in record if GLYPH.search(str(w.message))]


@pytest.fixture(scope="module")
def zh_data(hs):
    return hs[list(ZH_NAMES)].rename(columns=ZH_NAMES)


@pytest.fixture(scope="module")
def zh_fit(zh_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit(ZH_MODEL, zh_data)


# ----------------------------------------------------------------------------- the parser
def test_parser_accepts_chinese_names():
    assert triples(parse("满意 =~ 满意1 + 满意2 + 满意3\n忠诚 ~ 满意")) == [
        ("满意", "=~", "满意1"), ("满意", "=~", "满意2"), ("满意", "=~", "满意3"),
        ("忠诚", "~", "满意")]


@pytest.mark.parametrize("name", [
    "满意", "满意1", "满意_1", "满意.1", "顾客满意度", "滿意", "まんぞく", "만족",
    "Zufriedenheit_ä",
    "удовлетворённость", "ικανοποίηση", "x1", "x.1", ".x", "_x", "a.b_c.2",
])
def test_valid_names_in_every_position(name):
    """As a factor, an indicator, a regression, a label and a defined parameter."""
    model = (f"{name} =~ {name}_i1 + {name}_i2 + {name}_i3\n"
             f"y ~ lab{name}*{name}\n"
             f"def{name} := lab{name}*2")
    assert is_name(name)
    got = parse(model)
    assert (got[0].lhs, got[0].rhs) == (name, f"{name}_i1")
    assert got[3].modifiers[0].label == f"lab{name}" and got[3].rhs == name
    assert got[4].lhs == f"def{name}"


@pytest.mark.parametrize("name", ["2满意", "1x", ".2x", "满意-1", "满意$", "满意（1）", "x@y"])
def test_invalid_names_keep_the_message(name):
    with pytest.raises(ModelSyntaxError, match="not a valid variable name") as info:
        parse(f"f =~ x1 + {name}")
    assert info.value.line == 1 and info.value.token == name
    assert not is_name(name)


def test_lavaan_rule_matches_r_make_names():
    """is_name agrees with R's make.names(x) == x (lavaan's lav_parse_check_name) on these;
    relqual additionally accepts a leading underscore, as it always has."""
    r_valid = {"x": True, "x1": True, ".x": True, "x.y": True, "x_y": True, "满意1": True,
               ".": True, "1x": False, ".1x": False, "x-y": False, "x y": False}
    assert {name: is_name(name) for name in r_valid} == r_valid


def test_ascii_errors_are_unchanged():
    with pytest.raises(ModelSyntaxError) as info:
        parse("f =~ x1 + 2x")
    assert str(info.value) == "line 1: not a valid variable name\n  f =~ x1 + 2x"


@pytest.mark.parametrize("model, token, hint", [
    ("满意 =~ 满意1 ＋ 满意2", "满意1 ＋ 满意2", "full-width '＋' (U+FF0B)"),
    ("满意 =~ 满意1 + 满意2\n忠诚 ～ 满意", None, "full-width '～'"),
    ("满意 ＝～ 满意1 + 满意2", None, "type '='"),
    ("满意 =~ 满意1 + 满意\u200b2", "满意\u200b2", "invisible character U+200B ZERO WIDTH SPACE"),
    ("f =~ x1 + a＊x2", None, "type '*'"),
])
def test_input_method_characters_get_a_hint(model, token, hint):
    with pytest.raises(ModelSyntaxError) as info:
        parse(model)
    assert hint in str(info.value)
    if token is not None:
        assert info.value.token == token


def test_byte_order_mark_and_small_tilde_are_read():
    """A BOM left by reading a file as text is not part of the first name; lavaan reads the
    small tilde U+02DC of some keyboards as '~'."""
    assert triples(parse("\ufeff满意 =~ 满意1 + 满意2")) == [("满意", "=~", "满意1"),
                                                            ("满意", "=~", "满意2")]
    assert triples(parse("忠诚 \u02dc 满意")) == [("忠诚", "~", "满意")]


def test_chinese_comments_and_punctuation_in_comments_are_fine():
    model = "# 测量模型：满意度（三个题项）\n满意 =~ 满意1 + 满意2 + 满意3  ! 注释，没问题。"
    assert len(parse(model)) == 3


def test_chinese_labels_equality_and_defined_parameters():
    model = "视觉 =~ 视觉1 + 甲*视觉2 + 甲*视觉3\n速度 ~ 乙*视觉\n间接 := 甲*乙"
    table = rq.build_partable(model).table
    assert set(table.loc[table["label"] == "甲", "rhs"]) == {"视觉2", "视觉3"}
    assert "间接" in set(table.loc[table["op"] == ":=", "lhs"])


# ----------------------------------------------------------------------------- fit and output
def test_chinese_fit_equals_its_ascii_twin(zh_fit, hs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ascii_fit = rq.fit(ASCII_MODEL, hs)
    zh, en = zh_fit.estimates(), ascii_fit.estimates()
    assert list(zh["lhs"][:3]) == ["视觉"] * 3
    assert list(zh["rhs"][:3]) == ["视觉1", "视觉2", "视觉3"]
    np.testing.assert_allclose(zh["est"], en["est"], rtol=1e-10)
    np.testing.assert_allclose(zh["se"], en["se"], rtol=1e-10)
    assert zh_fit.fit_measures()["chisq"] == pytest.approx(ascii_fit.fit_measures()["chisq"])


def test_summary_shows_the_chinese_names(zh_fit):
    text = zh_fit.summary()
    lines = [line.strip() for line in text.splitlines()]
    assert "视觉 =~" in lines and "速度 ~" in lines
    assert any(line.startswith("视觉1 ") for line in lines)


def test_tables_in_html_and_word_show_the_chinese_names(zh_fit, tmp_path):
    import docx
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = zh_fit.tables()
    html = "".join(t.to_html() for t in tables)
    for name in ("视觉", "速度1", "文字3"):
        assert name in html
    texts = []
    for t in tables:
        path = tmp_path / f"{t.name}.docx"
        t.to_docx(path)
        doc = docx.Document(path)
        texts += [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert "视觉" in " ".join(texts) and "速度1" in " ".join(texts)


def _font_files(family):
    """The font file matplotlib uses for each family name (a test-side lookup)."""
    from matplotlib import font_manager
    files = []
    for name in family:
        try:
            files.append(font_manager.findfont(font_manager.FontProperties(family=[name]),
                                               fallback_to_default=False))
        except ValueError:
            pass
    return files


def assert_every_text_has_its_glyphs(fig):
    """Every character of every text of the figure is in the cmap of one of its fonts."""
    from matplotlib.ft2font import FT2Font
    from matplotlib.text import Text
    texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
    assert texts
    for t in texts:
        family = t.get_fontfamily()
        cmaps = [FT2Font(f).get_charmap() for f in _font_files(family)]
        missing = [c for c in t.get_text() if not c.isspace()
                   and not any(ord(c) in cm for cm in cmaps)]
        assert not missing, (t.get_text(), family, missing)


@pytest.mark.parametrize("lang, indicators", [("en", True), ("en", False), ("zh", True)])
def test_diagram_of_a_chinese_model_has_every_glyph(zh_fit, lang, indicators):
    assert fonts.cjk_family() is not None, fonts.INSTALL_HINT
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = zh_fit.plot(lang=lang, indicators=indicators, title="视觉与速度")
        fig.savefig(io.BytesIO(), format="png", dpi=40)
        fig.savefig(io.BytesIO(), format="svg")
    assert not glyph_warnings(record)
    assert not [w for w in record if issubclass(w.category, fonts.MissingFontWarning)]
    labels = {a.get_gid(): a.get_text() for a in fig.relqual_artists["texts"]}
    assert labels["node-label:视觉"] == "视觉"
    assert_every_text_has_its_glyphs(fig)


@pytest.mark.parametrize("model, columns, options", [
    # English construct names, Chinese items
    ("F1 =~ 视觉1 + 视觉2 + 视觉3\nF2 =~ 速度1 + 速度2 + 速度3\nF2 ~ F1", None,
     dict(indicators=True)),
    # an English model with lang="zh": the note is Chinese
    ("visual =~ x1 + x2 + x3\nspeed =~ x7 + x8 + x9\nspeed ~ visual", "ascii", dict(lang="zh")),
    # a Chinese title only
    ("visual =~ x1 + x2 + x3\nspeed =~ x7 + x8 + x9\nspeed ~ visual", "ascii",
     dict(title="模型图")),
])
def test_any_chinese_text_of_a_diagram_gets_a_chinese_font(hs, zh_data, model, columns, options):
    data = hs if columns == "ascii" else zh_data
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = rq.fit(model, data)
        fig = res.plot(**options)
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    assert not glyph_warnings(record)
    assert_every_text_has_its_glyphs(fig)


def test_rendered_chinese_label_is_not_a_box(zh_fit):
    """Each character of the node label 视觉, drawn with the diagram's fonts, is its own glyph:
    the two differ from each other, while in DejaVu Sans both are the same missing-glyph box."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = zh_fit.plot()
    label = next(a for a in fig.relqual_artists["texts"] if a.get_gid() == "node-label:视觉")

    def render(char, family):
        f = Figure(figsize=(0.6, 0.6), dpi=80)
        f.text(0.15, 0.2, char, family=family, fontsize=24)
        canvas = FigureCanvasAgg(f)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., 0] < 128

    first, second = (render(c, label.get_fontfamily()) for c in label.get_text())
    box1, box2 = (render(c, ["DejaVu Sans"]) for c in label.get_text())
    assert np.array_equal(box1, box2)                   # the check can see boxes
    assert first.sum() > 40 and second.sum() > 40
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, box1)


def test_without_a_chinese_font_one_warning_names_the_package(zh_fit, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = zh_fit.plot(lang="zh", indicators=True)
        fig.savefig(io.BytesIO(), format="png", dpi=30)
        fig.savefig(io.BytesIO(), format="svg")
    assert not glyph_warnings(record)
    font = [str(w.message) for w in record if issubclass(w.category, fonts.MissingFontWarning)]
    assert len(font) == 1 and 'pip install "relqual[cjk]"' in font[0]


def test_characters_no_font_has_are_named_once(hs):
    """A Chinese font is found, but Korean has no glyph in it (nor in DejaVu Sans): one warning
    names the characters."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = rq.fit("visual =~ x1 + x2 + x3", hs)
        fig = res.plot(title="视觉 만족")
        fig.savefig(io.BytesIO(), format="png", dpi=30)
    font = [str(w.message) for w in record if issubclass(w.category, fonts.MissingFontWarning)]
    assert len(font) == 1 and "'만족'" in font[0] and "U+B9CC" in font[0]
    assert not glyph_warnings(record)


def test_user_text_added_later_still_warns(zh_fit):
    """Only the characters relqual checked are silenced: text the user adds is not."""
    fig = zh_fit.plot()
    fig.text(0.5, 0.5, "\u0e01", family=["DejaVu Sans"])       # Thai: in no font used here
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=30)
    assert glyph_warnings(record)


def test_bootstrap_histogram_title_gets_a_chinese_font(zh_data):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = rq.fit(ZH_MODEL.replace("速度 ~ 视觉", "文字 ~ 视觉\n速度 ~ 文字"), zh_data)
        ax = res.plot_indirect(draws=20, seed=1)
        ax.figure.savefig(io.BytesIO(), format="png", dpi=30)
    assert ax.get_title().startswith("视觉 -> 文字 -> 速度")
    assert not glyph_warnings(record)
    assert_every_text_has_its_glyphs(ax.figure)
    import matplotlib.pyplot as plt
    plt.close(ax.figure)


# ----------------------------------------------------------------------------- reports
def warnings_section(html: str) -> str:
    """The report's Warnings section, in either language (its heading from relqual.i18n)."""
    for heading in t_all("h_warnings"):
        if f"<h2>{heading}</h2>" in html:
            return html.split(f"<h2>{heading}</h2>")[1].split("<h2>")[0]
    raise AssertionError("the report has no Warnings section")


def t_all(key: str) -> list[str]:
    from relqual.i18n import t
    return [t(key, "en"), t(key, "zh")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_of_a_chinese_model(zh_fit, zh_data, tmp_path, lang):
    import docx
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        html_path = zh_fit.report(tmp_path / "报告.html", data=zh_data, lang=lang,
                                  indirect_ci="delta")
        docx_path = zh_fit.report(tmp_path / "报告.docx", lang=lang, indirect_ci="delta")
    html = html_path.read_text(encoding="utf-8")
    assert "视觉 =~ 视觉1 + 视觉2 + 视觉3" in html          # the syntax
    assert html.count("视觉1") >= 3                          # syntax, tables, item checks
    section = warnings_section(html)
    assert "Glyph" not in section and "encountered" not in section
    assert any(f"<li>{none}</li>" in section for none in t_all("none"))
    doc = docx.Document(docx_path)
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "视觉1" in text and "速度" in text


def test_report_without_a_chinese_font_has_one_font_line(zh_fit, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = zh_fit.report(tmp_path / "r.html", lang="zh", indirect_ci="delta")
    section = warnings_section(path.read_text(encoding="utf-8"))
    assert "Glyph" not in section
    assert section.count("relqual[cjk]") == 1


def test_report_warnings_leave_out_numpy_noise_and_keep_the_rest():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        np.array([0.0, 1.0]) / np.array([0.0, 0.0])
        np.log(np.array([-1.0]))
        np.nanmean(np.array([np.nan]))
        np.var(np.array([1.0]), ddof=1)
        warnings.warn("the model did not converge: modification indices are not trustworthy",
                      RuntimeWarning, stacklevel=1)
        warnings.warn("improper solution: negative residual variance of 'x4'", UserWarning,
                      stacklevel=1)
        for _ in range(2):                  # matplotlib's wording, once per drawing
            warnings.warn("Glyph 28385 (\\N{CJK UNIFIED IDEOGRAPH-6EE1}) missing from font(s) X.",
                          stacklevel=1)
    kept = report_warnings(record)
    assert kept[:2] == ["the model did not converge: modification indices are not trustworthy",
                        "improper solution: negative residual variance of 'x4'"]
    assert len(kept) == 3 and "满" in kept[2] and "relqual[cjk]" in kept[2]


def test_report_of_a_troubled_fit_has_no_runtime_warning_lines(tmp_path):
    """A near-singular FIML fit whose tables meet NaNs: numpy's RuntimeWarnings stay out of the
    Warnings section; the fit's own warnings stay in."""
    rng = np.random.default_rng(2)
    n = 60
    f = rng.normal(size=n)
    import pandas as pd
    df = pd.DataFrame({f"题{i}": np.round(2 + f + rng.normal(size=n) * 0.3) for i in range(1, 5)})
    df["题4"] = df["题1"] + 0.0001 * rng.normal(size=n)
    df["结果"] = rng.normal(size=n)
    df.loc[:40, "结果"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit("因子 =~ 题1 + 题2 + 题3 + 题4\n结果 ~ 因子", df, missing="fiml")
        path = res.report(tmp_path / "r.html", data=df, draws=20)
    section = warnings_section(path.read_text(encoding="utf-8"))
    for noise in ("encountered", "Degrees of freedom", "Mean of empty slice", "Glyph"):
        assert noise not in section
    assert "improper solution" in section or "did not converge" in section


# ----------------------------------------------------------------------------- model files
ENCODED = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 BOM (Notepad)": lambda text: text.encode("utf-8-sig"),
    "utf-16 LE BOM (Notepad 'Unicode')": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16 BE BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-16 LE without BOM": lambda text: text.encode("utf-16-le"),
    "gb18030 (Notepad 'ANSI', Simplified)": lambda text: text.encode("gb18030"),
    "utf-8 BOM, CRLF": lambda text: text.replace("\n", "\r\n").encode("utf-8-sig"),
}


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_text_model_files_in_every_notepad_encoding(zh_data, zh_fit, tmp_path, encoding):
    path = tmp_path / "模型.txt"
    path.write_bytes(ENCODED[encoding](ZH_MODEL.lstrip()))
    assert read_model_text(path).lstrip("\ufeff") == read_model_text(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = rq.fit(str(path), zh_data)
    np.testing.assert_allclose(res.estimates()["est"], zh_fit.estimates()["est"], rtol=1e-10)
    assert res.spec.name == "模型"


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_toml_model_files_in_every_notepad_encoding(tmp_path, encoding):
    text = ('name = "视觉模型"\ntitle_zh = "视觉与速度"\nsyntax = """\n' + ZH_MODEL.strip()
            + '\n"""\n')
    path = tmp_path / "model.toml"
    path.write_bytes(ENCODED[encoding](text))
    spec = resolve_model(path)
    assert spec.name == "视觉模型" and spec.title_zh == "视觉与速度"
    assert triples(parse(spec.syntax))[0] == ("视觉", "=~", "视觉1")


def test_big5_model_file_is_read_as_traditional_chinese(tmp_path):
    path = tmp_path / "model.txt"
    path.write_bytes("滿意 =~ 滿意1 + 滿意2 + 滿意3\n忠誠 ~ 滿意\n".encode("big5"))
    assert triples(parse(read_model_text(path)))[-1] == ("忠誠", "~", "滿意")


@pytest.mark.parametrize("data", [
    "Zufriedenheit =~ zufr_ä1 + zufr_ä2\n".encode("cp1252"),       # Western "ANSI"
    b"f =~ x1 + x2\n\x80\x80\x80\n",
    b"\xef\xbb\xbff =~ x1 + \xff\xfe\n",                              # a BOM, then not UTF-8
])
def test_undecodable_model_file_names_the_file_and_the_encodings(tmp_path, data):
    path = tmp_path / "bad model.txt"
    path.write_bytes(data)
    with pytest.raises(ValueError) as info:
        resolve_model(path)
    message = str(info.value)
    assert str(path) in message
    assert "UTF-8" in message and ("GB18030" in message or "byte-order mark" in message)
    assert "UnicodeDecodeError" not in type(info.value).__name__


def test_a_missing_model_file_is_named_as_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="there is no model file '模型.txt'"):
        resolve_model("模型.txt")
    with pytest.raises(ValueError, match="neither model syntax"):
        resolve_model("no_such_model")
