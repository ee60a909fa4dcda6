"""Path diagrams (res.plot, ModelSpec.plot): layout without overlaps, the numbers on the arrows,
Chinese labels that really render, and the file formats."""
from __future__ import annotations

import io
import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import relqual as rq  # noqa: E402
from relqual import fonts  # noqa: E402
from relqual.plot import coef_text, stars  # noqa: E402

MODELS = list(rq.models.list()["name"])


@pytest.fixture(scope="module")
def rq_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))


def fit_library(name, n=400):
    spec = rq.models.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = rq.simulate(name, n, seed=3)
        return rq.fit(name, data), spec


def extents(fig):
    """Display-space boxes of the nodes, item boxes and labels, by kind."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    arts = fig.relqual_artists
    nodes = [(a.get_gid(), a, a.get_window_extent(renderer)) for a in arts["nodes"]]
    items = [(a.get_gid(), a.get_window_extent(renderer)) for a in arts["items"]]
    labels = [(a.get_gid(), a.get_window_extent(renderer)) for a in arts["labels"]]
    texts = [(a.get_gid(), a.get_window_extent(renderer)) for a in arts["texts"]]
    return nodes, items, labels, texts


def inside_node(point, node_artist):
    """Whether a display point lies inside a node's outline (ellipse or box)."""
    return node_artist.contains_point(point)


def box_points(bb):
    x0, y0, x1, y1 = bb.x0, bb.y0, bb.x1, bb.y1
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    return [(x0, y0), (x1, y0), (x0, y1), (x1, y1), (xm, ym), (xm, y0), (xm, y1), (x0, ym),
            (x1, ym)]


def assert_no_overlaps(fig):
    nodes, items, labels, texts = extents(fig)
    boxes = [("node", g, bb) for g, _, bb in nodes] + [("item", g, bb) for g, bb in items]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i][2].overlaps(boxes[j][2]), (boxes[i][1], boxes[j][1])
    shrink = 1.0
    for g, bb in labels:
        inner = bb.padded(-shrink)
        for gid, artist, _ in nodes:
            assert not any(inside_node(p, artist) for p in box_points(inner)), (g, gid)
        for gi, ib in items:
            assert not inner.overlaps(ib), (g, gi)
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            a, b = labels[i][1].padded(-shrink), labels[j][1].padded(-shrink)
            assert not a.overlaps(b), (labels[i][0], labels[j][0])
    # the text inside a node stays inside its outline
    for g, bb in texts:
        if g and g.startswith(("node-label:", "r2:")):
            name = g.split(":", 1)[1]
            artist = next(a for gid, a, _ in nodes if gid == f"node:{name}")
            assert all(inside_node(p, artist) for p in box_points(bb.padded(-1))), g


@pytest.mark.parametrize("name", MODELS)
def test_every_library_model_draws_without_overlaps(name, tmp_path):
    res, spec = fit_library(name)
    fig = res.plot(dpi=50)
    assert_no_overlaps(fig)
    fig2 = spec.plot(dpi=50)
    assert_no_overlaps(fig2)
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=40)
    assert path.stat().st_size > 2000


@pytest.mark.parametrize("name,lang", [("relationship_quality", "zh"),
                                       ("jones_sasser_competition", "en"),
                                       ("trust_formation", "zh"),
                                       ("relationship_quality_second_order", "en")])
def test_indicators_and_chinese_labels_without_overlaps(name, lang):
    res, _ = fit_library(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no missing glyph, no missing font
        fig = res.plot(lang=lang, indicators=True)
        assert_no_overlaps(fig)


def test_arrow_labels_are_the_standardized_paths(rq_fit):
    fig = rq_fit.plot()
    labels = {a.get_gid(): a.get_text() for a in fig.relqual_artists["labels"]}
    paths = rq_fit.paths()
    assert len(paths) == 9
    for _, r in paths.iterrows():
        assert (labels[f"label:{r['lhs']}~{r['rhs']}"]
                == coef_text(r["std_all"]) + stars(r["pvalue"]))
    assert labels["label:CC~SAT"] == ".06"            # p = .31: no star
    assert labels["label:TR~SAT"] == ".42***"


def test_nonsignificant_paths_are_dashed(rq_fit):
    fig = rq_fit.plot()
    edges = {p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("edge:")}
    assert edges["edge:CC~SAT"].get_linestyle() not in ("-", "solid")
    assert edges["edge:CC~AC"].get_linestyle() in ("-", "solid")


def test_r2_inside_endogenous_nodes(rq_fit):
    fig = rq_fit.plot()
    texts = {a.get_gid(): a.get_text() for a in fig.relqual_artists["texts"]}
    r2 = rq_fit.r2()
    for name in ("SAT", "TR", "AC", "CC"):
        assert texts[f"r2:{name}"] == f"R\u00b2 = {coef_text(r2[name])}"
    assert "r2:CF" not in texts                        # exogenous: no R²
    assert texts["node-label:CF"] == "Commercial\nfriendship"


def test_causal_order_left_to_right(rq_fit):
    fig = rq_fit.plot()
    x = {a.get_gid()[5:]: a.center[0] for a in fig.relqual_artists["nodes"]}
    assert x["CF"] < x["SAT"] < x["TR"] < x["AC"] < x["CC"]


def test_chinese_labels_from_the_catalog(rq_fit):
    fig = rq_fit.plot(lang="zh")
    texts = {a.get_gid(): a.get_text() for a in fig.relqual_artists["texts"]}
    assert texts["node-label:SAT"] == "顾客满意感"
    assert texts["node-label:CC"].replace("\n", "") == "持续性归属"


def test_the_cjk_font_has_every_chinese_label():
    path = fonts.cjk_font_path()
    assert path is not None, fonts.INSTALL_HINT
    labels = "".join(rq.models.constructs()["label_zh"])
    assert fonts.covers(path, labels)


def _render(text, family):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(2.5, 0.6), dpi=80)
    fig.text(0.05, 0.3, text, family=family, fontsize=16)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].astype(int)


def test_chinese_text_renders_as_glyphs_not_boxes():
    text = "顾客满意感"
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        good = _render(text, fonts.font_family([text]))
    assert not [w for w in record if "missing from font" in str(w.message)]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        tofu = _render(text, ["DejaVu Sans"])           # no CJK glyphs: the missing-glyph box
    assert any("missing from font" in str(w.message) for w in record)
    # five distinct glyphs differ from five identical boxes, and ink is drawn
    assert (good < 128).sum() > 100
    assert np.abs(good - tofu).sum() > 0.05 * good.size * 255
    cols = (good < 128).any(axis=0)
    assert cols.sum() > 40


def test_chinese_diagram_draws_without_glyph_warnings(rq_fit):
    """lang="zh": every text (labels, note, title) has a font with its glyphs, so matplotlib
    does not warn about missing glyphs while drawing or saving."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig = rq_fit.plot(lang="zh", indicators=True, title="关系质量模型")
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    assert not [w for w in record if "missing from font" in str(w.message)]
    for t in fig.relqual_artists["texts"] + fig.relqual_artists["labels"]:
        assert fonts.missing_glyphs([t.get_text()], t.get_fontfamily()) == [], t.get_text()


def test_missing_cjk_font_warns(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_family", lambda: None)
    with pytest.warns(fonts.MissingFontWarning, match="relqual\\[cjk\\]"):
        fonts.font_family(["满意感"])


@pytest.mark.parametrize("ext,magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_saves_png_svg_pdf(rq_fit, tmp_path, ext, magic):
    path = tmp_path / f"diagram.{ext}"
    rq_fit.plot(path, lang="zh" if ext == "pdf" else "en", dpi=60)
    assert path.read_bytes()[:5].startswith(magic)
    assert path.stat().st_size > 3000


def test_spec_plot_shows_hypotheses_and_defined_effects():
    spec = rq.models.load("commitment_mediation")
    fig = spec.plot()
    labels = {a.get_gid(): a.get_text() for a in fig.relqual_artists["labels"]}
    assert labels["label:SAT~NE"] == "H2 (\u2212)"
    assert labels["label:AC~SAT"] == "H4 (+)"
    note = next(a.get_text() for a in fig.relqual_artists["texts"] if a.get_gid() == "note")
    assert "H10 (+): sat_cc_indirect = a*b + s*t*b" in note
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    assert len(buf.getvalue()) > 2000


def test_user_syntax_cfa_draws_indicators_and_correlations(hs):
    res = rq.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", hs)
    fig = res.plot()
    assert len(fig.relqual_artists["items"]) == 9
    labels = [a.get_gid() for a in fig.relqual_artists["labels"]]
    assert sum(g.startswith("label:") and "~~" in g for g in labels) == 3
    assert_no_overlaps(fig)
