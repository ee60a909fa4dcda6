"""Figures made with matplotlib (imported only when a figure is drawn).

Path diagrams: :func:`path_diagram` (``res.plot()``) and :func:`model_diagram`
(``ModelSpec.plot()``) turn a fit or a model into nodes and edges, :mod:`relqual.diagram_layout`
places them, and this module draws them. Latent variables are ellipses in causal order, left to
right; the numbers follow :mod:`relqual.conventions`.
"""
from __future__ import annotations

import io
import math
import textwrap

import numpy as np

from .conventions import ALPHA, CI_LEVEL, STARS_NOTE, coef_text, num, stars
from .diagram_layout import EDGE_FONT, ITEM_FONT, ITEM_H, NODE_FONT, Edge, Layout, Node, wrap_label
from .fonts import font_family, has_cjk, quiet_glyphs, use_fonts
from .tables import fit_status

NOTE_FONT = 8.0
INK, MUTED = "#1a1a1a", "#6b6b6b"
_DASHED = f"p \u2265 {num(ALPHA, 2, bounded=True)}"
NOTES = {
    "en": {"std": f"Standardized coefficients (std.all). {STARS_NOTE}; dashed arrows: {_DASHED}. "
                  "R\u00b2 in the endogenous variables.",
           "hyp": "Hypothesised model: arrows labelled with the hypothesis and its expected sign.",
           "cov": "Curved two-headed arrows: correlations."},
    "zh": {"std": f"标准化系数（std.all）。{STARS_NOTE.replace(', ', '，')}；虚线箭头：{_DASHED}。"
                  "内生变量中为 R\u00b2。",
           "hyp": "假设模型：箭头标注假设编号与预期方向。",
           "cov": "双向弧线箭头：相关系数。"},
}


def plot_bootstrap_effect(result, path: str | None = None, draws: int = 1000, seed=None,
                          standardized: bool = False, boot_ci: str = "perc", ax=None):
    """Histogram of the bootstrap draws of one effect, with the estimate and its interval.

    Parameters
    ----------
    result : relqual.Result
        A fit with structural paths.
    path : str, optional
        The effect as in ``res.effects()["path"]`` (e.g. "SAT -> AC -> CC"); by default the first
        specific indirect effect.
    draws : int
        Bootstrap resamples.
    seed : int, optional
        Seed of the resampling.
    standardized : bool
        Show the standardized (std.all) effect.
    boot_ci : str
        "perc", "bc" or "bca".
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure by default).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    ...     ax = plot_bootstrap_effect(res, draws=20, seed=1)
    >>> ax.get_title()
    'CF -> SAT -> TR: indirect effect'

    Chinese variable names get a font with Chinese glyphs (:func:`relqual.fonts.use_fonts`).
    """
    import matplotlib.pyplot as plt

    table = result.effects(ci="bootstrap", n=draws, seed=seed, boot_ci=boot_ci)
    effects = table[table["effect"] != "defined"].reset_index(drop=True)
    if path is None:
        candidates = np.flatnonzero(effects["effect"] == "indirect")
        if len(candidates) == 0:
            raise ValueError("the model has no indirect effect to plot")
        k = int(candidates[0])
    else:
        matches = np.flatnonzero(effects["path"] == path)
        if len(matches) == 0:
            raise ValueError(f"no effect with path '{path}'; choose one of "
                             f"{[p for p in effects['path'] if p]}")
        k = int(matches[0])
    boot = result.bootstrap(draws, seed=seed)
    values = boot.block("effects_std" if standardized else "effects")[:, k]
    row = effects.iloc[k]
    est = row["std_all"] if standardized else row["est"]
    lo, hi = ((row["std_all_ci_lower"], row["std_all_ci_upper"]) if standardized
              else (row["ci_lower"], row["ci_upper"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    ax.hist(values, bins=40, color="#9bb7d4", edgecolor="white")
    ax.axvline(est, color="#1f3b5c", lw=2, label=f"estimate {est:.3f}")
    for bound in (lo, hi):
        ax.axvline(bound, color="#c0392b", ls="--", lw=1.5)
    ax.axvline(0, color="grey", lw=0.8)
    label = "standardized " if standardized else ""
    ax.set_title(f"{row['path']}: {label}indirect effect")
    ax.set_xlabel(f"{boot_ci} {int(100 * CI_LEVEL)}% interval [{lo:.3f}, {hi:.3f}]; "
                  f"{len(values)} resamples")
    ax.set_ylabel("resamples")
    ax.legend(frameon=False)
    use_fonts(ax.figure)
    return ax


# =============================================================================== path diagrams
class _Measure:
    """Text extents in inches, measured with an Agg renderer (the fonts the figure will use)."""

    def __init__(self, family):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        self.fig = Figure(dpi=72)
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        self.family = family

    def __call__(self, text: str, fontsize: float, **kw) -> tuple[float, float]:
        t = self.fig.text(0, 0, text, fontsize=fontsize, family=self.family, **kw)
        bb = t.get_window_extent(self.renderer)
        t.remove()
        return bb.width / 72.0, bb.height / 72.0


def _wrap_note(text: str, chars: int) -> list[str]:
    """Lines of at most ``chars`` (a CJK character counts two), broken between words or after
    CJK punctuation, never inside "p < .05" or "R²"."""
    if not has_cjk(text):
        return textwrap.wrap(text, width=chars) or [""]
    pieces, current = [], ""
    for ch in text:                        # clauses end after CJK punctuation
        current += ch
        if ch in "，。；：、）":
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    width = lambda s: sum(2 if has_cjk(c) else 1 for c in s)      # noqa: E731
    lines, line = [], ""
    for piece in pieces:
        if line and width(line + piece) > chars:
            lines.append(line)
            line = ""
        line += piece
    return lines + ([line] if line else [])


def _title_lines(title: str, width: float, measure) -> list[str]:
    """The title wrapped to the figure's width (inches)."""
    tw, _ = measure(title, NODE_FONT + 1.5)
    n_lines = max(1, math.ceil(tw / max(1.0, width - 0.3)))
    if has_cjk(title):
        size = math.ceil(len(title) / n_lines)
        return [title[i:i + size] for i in range(0, len(title), size)]
    return textwrap.wrap(title, width=math.ceil(len(title) / n_lines) + 4)


def _draw(layout: Layout, *, family, measure, note: str, title: str | None):
    """The figure of a finished layout; ``fig.relqual_artists`` lists the artists by kind."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

    ew, eh, item_w = layout.ew, layout.eh, layout.item_w
    x0, y0, x1, y1 = layout.bounds
    margin = 0.25
    width = x1 - x0 + 2 * margin
    note_lines = []
    if note:
        chars = max(40, int(width * 72 / (NOTE_FONT * 0.55)))
        for para in note.split("\n"):
            note_lines += _wrap_note(para, chars)
    title_lines = _title_lines(title, width, measure) if title else []
    title_h = (len(title_lines) * (NODE_FONT + 1.5) * 1.3 / 72 + 0.2) if title_lines else 0.0
    note_h = (len(note_lines) * NOTE_FONT * 1.45 / 72 + 0.15) if note_lines else 0.0
    height = y1 - y0 + 2 * margin + title_h + note_h
    fig = DiagramFigure(figsize=(width, height))
    FigureCanvasAgg(fig)                         # drawable and measurable without pyplot
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(x0 - margin, x1 + margin)
    ax.set_ylim(y0 - margin - note_h, y1 + margin + title_h)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    text_kw = dict(family=family, color=INK)
    artists = {"nodes": [], "items": [], "labels": [], "texts": []}

    patches = {}
    for n in layout.nodes.values():
        cx, cy = n.x, n.y
        if n.observed:
            bw, bh = ew * 0.8, eh * 0.78
            patch = Rectangle((cx - bw / 2, cy - bh / 2), bw, bh, fc="white", ec=INK, lw=1.2,
                              zorder=3)
        else:
            patch = Ellipse((cx, cy), ew, eh, fc="white", ec=INK, lw=1.2, zorder=3)
        patch.set_gid(f"node:{n.name}")
        ax.add_patch(patch)
        patches[n.name] = patch
        artists["nodes"].append(patch)
        lines = "\n".join(wrap_label(n.label))
        if np.isfinite(n.r2):
            t = ax.text(cx, cy + 0.07, lines, ha="center", va="center", fontsize=NODE_FONT,
                        linespacing=1.15, zorder=4, **text_kw)
            _, lh = measure(lines, NODE_FONT, linespacing=1.15)
            t.set_y(cy + 0.09)
            r2 = ax.text(cx, cy + 0.09 - lh / 2 - 0.03, f"R\u00b2 = {coef_text(n.r2)}",
                         ha="center", va="top", fontsize=NODE_FONT - 1.5, zorder=4,
                         style="italic", **text_kw)
            r2.set_gid(f"r2:{n.name}")
            artists["texts"].append(r2)
        else:
            t = ax.text(cx, cy, lines, ha="center", va="center", fontsize=NODE_FONT,
                        linespacing=1.15, zorder=4, **text_kw)
        t.set_gid(f"node-label:{n.name}")
        artists["texts"].append(t)

    for box in layout.items:
        n = layout.nodes[box.node]
        ix, iy = box.rect[0], box.rect[1]
        rect = Rectangle((ix, iy), item_w, ITEM_H, fc="white", ec=INK, lw=0.9, zorder=3)
        rect.set_gid(f"item:{box.item}")
        ax.add_patch(rect)
        artists["items"].append(rect)
        ax.text(ix + item_w / 2, iy + ITEM_H / 2, box.item, ha="center", va="center",
                fontsize=ITEM_FONT, zorder=4, **text_kw)
        ax.add_patch(FancyArrowPatch((n.x, n.y), (ix + item_w / 2, iy + ITEM_H / 2),
                                     patchA=patches[n.name], patchB=rect, arrowstyle="-|>",
                                     mutation_scale=9, lw=0.8, color=INK, zorder=2,
                                     shrinkA=0, shrinkB=0))
        if box.label_at is not None:             # the loading, on the arrow near the box
            lab = ax.text(*box.label_at, box.text, ha="center", va="center",
                          fontsize=ITEM_FONT - 1, zorder=5,
                          bbox=dict(boxstyle="square,pad=0.08", fc="white", ec="none"), **text_kw)
            lab.set_gid(f"loading:{n.name}=~{box.item}")
            artists["labels"].append(lab)

    for e in layout.edges:
        style = dict(color=MUTED if e.muted else INK, lw=1.3 if not e.muted else 1.0)
        if e.dashed:
            style["linestyle"] = (0, (5, 3))
        arrowstyle = "<|-|>" if e.kind == "cov" else "-|>"
        clip = dict(patchA=patches[e.src], patchB=patches[e.dst], shrinkA=1,
                    shrinkB=1) if e.clip else dict(shrinkA=2, shrinkB=2)
        arrow = FancyArrowPatch(tuple(e.p0), tuple(e.p1), arrowstyle=arrowstyle,
                                mutation_scale=13, connectionstyle=f"arc3,rad={e.rad}",
                                zorder=2, **clip, **style)
        arrow.set_gid(f"edge:{e.gid}")
        ax.add_patch(arrow)
        if e.text:
            lab = ax.text(e.label_at[0], e.label_at[1], e.text, ha="center", va="center",
                          fontsize=EDGE_FONT, zorder=5, color=style["color"],
                          bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="none"),
                          family=family)
            lab.set_gid(f"label:{e.gid}")
            artists["labels"].append(lab)
    if title_lines:
        t = ax.text((x0 + x1) / 2, y1 + margin + title_h / 2, "\n".join(title_lines),
                    ha="center", va="center", fontsize=NODE_FONT + 1.5,
                    weight="normal" if has_cjk(title) else "bold",   # CJK fonts have no bold
                    linespacing=1.2, **text_kw)
        t.set_gid("title")
        artists["texts"].append(t)
    if note_lines:
        t = ax.text(x0, y0 - margin * 0.6, "\n".join(note_lines), ha="left", va="top",
                    fontsize=NOTE_FONT, color=MUTED, family=family, linespacing=1.3)
        t.set_gid("note")
        artists["texts"].append(t)
    fig.relqual_artists = artists
    return fig


def _diagram_figure_class():
    from matplotlib.figure import Figure

    class DiagramFigure(Figure):
        """A matplotlib Figure that shows itself in a notebook without pyplot."""

        relqual_checked_texts: list = []

        def draw(self, renderer):
            # the characters of these texts were checked when the figure was made (one warning)
            with quiet_glyphs(self.relqual_checked_texts):
                return super().draw(renderer)

        def _repr_png_(self):
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=110, facecolor="white")
            return buf.getvalue()

    return DiagramFigure


def DiagramFigure(*args, **kwargs):
    """A :class:`matplotlib.figure.Figure` with a PNG representation for notebooks.

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`matplotlib.figure.Figure`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; ``_repr_png_`` draws it at 110 dpi on white.

    Examples
    --------
    >>> fig = DiagramFigure(figsize=(2, 1))
    >>> fig._repr_png_()[:4]
    b'\\x89PNG'
    """
    global _DIAGRAM_FIGURE
    if _DIAGRAM_FIGURE is None:
        _DIAGRAM_FIGURE = _diagram_figure_class()
    return _DIAGRAM_FIGURE(*args, **kwargs)


_DIAGRAM_FIGURE = None


def _result_rows(result, group):
    """(lhs, op, rhs, user) rows of one group of a fitted model's parameter table."""
    tab = result.partable.table
    tab = tab[tab["group"] == group] if "group" in tab else tab
    return [(r.lhs, r.op, r.rhs, int(r.user)) for r in tab.itertuples()]


def _spec_rows(spec):
    """(lhs, op, rhs, user) rows of a model before any data, with lavaan's defaults."""
    from .partable import build_partable
    from .syntax import parse
    try:                                        # with lavaan's defaults (exogenous covariances)
        tab = build_partable(spec.syntax).table
        return [(r.lhs, r.op, r.rhs, int(r.user)) for r in tab[tab["group"] == 1].itertuples()]
    except Exception:                           # e.g. c(...) modifiers for several groups
        return [(s.lhs, s.op, s.rhs, 1) for s in parse(spec.syntax)]


def _build(rows, spec, result=None, *, group, lang, indicators, covariances, hypotheses,
           decimals):
    """Nodes and edges of a fitted model (``result`` given: its standardized values) or of a
    hypothesised model; labels from ``spec.label``."""
    values = result is not None
    latents = list(dict.fromkeys(l for l, op, r, _ in rows if op == "=~"))
    regress = [(r, l) for l, op, r, _ in rows if op == "~"]
    struct_names = list(latents)
    for src, dst in regress:
        for name in (dst, src):
            if name not in struct_names:
                struct_names.append(name)
    if not struct_names:
        raise ValueError("the model has no latent variables or regressions to draw")
    items = {f: [r for l, op, r, _ in rows if op == "=~" and l == f and r not in latents]
             for f in latents}
    higher = [(l, r) for l, op, r, _ in rows if op == "=~" and r in latents]
    has_paths = bool(regress or higher)
    if indicators is None:
        indicators = not has_paths
    if covariances is None:
        covariances = "auto" if has_paths else "all"
    if covariances not in ("auto", "specified", "all", "none"):
        raise ValueError("covariances must be 'auto', 'specified', 'all' or 'none'")
    exogenous = [n for n in struct_names if n not in {dst for _, dst in regress}
                 and n not in {c for _, c in higher}]

    def shown(l, r, user):
        if covariances == "all":
            return True
        if covariances == "auto" and len(exogenous) <= 3 and l in exogenous and r in exogenous:
            return True
        return covariances != "none" and bool(user)

    covs = [(l, r) for l, op, r, user in rows if op == "~~" and l != r and l in struct_names
            and r in struct_names and shown(l, r, user)]

    std, r2 = {}, {}
    if values:
        est = result.estimates()
        if "group" in est:
            est = est[(est["group"] == group) | (est["op"] == ":=")]
        for r in est.itertuples():
            std[(r.lhs, r.op, r.rhs)] = (r.std_all, r.pvalue)
        paths = result.paths()
        paths = paths[paths["group"] == group] if "group" in paths else paths
        for r in paths.itertuples():
            std[(r.lhs, "~", r.rhs)] = (r.std_all, r.pvalue)
        for key, value in result.r2().items():
            if isinstance(key, tuple):
                if key[0] == result.group_labels[group - 1]:
                    r2[key[1]] = value
            else:
                r2[key] = value

    hyp = {}
    defined_notes = []
    for h in (getattr(spec, "hypotheses", None) or []) if hypotheses else []:
        op = h.get("op", "~")
        sign = {"+": "+", "-": "\u2212"}.get(h.get("sign", ""), "")
        tag = f"{h.get('id', '')} ({sign})" if sign else str(h.get("id", ""))
        if op == ":=":
            defined_notes.append(f"{tag}: {h['lhs']} = {h.get('rhs', '')}")
        else:
            hyp.setdefault((h["lhs"], op, h.get("rhs", "")), []).append(tag)

    def edge_text(key):
        tags = ", ".join(hyp.get(key, []))
        if not values:
            return tags
        value, p = std.get(key, (np.nan, np.nan))
        text = coef_text(value, decimals) + stars(p)
        return f"{tags}: {text}" if tags else text

    def significant(key):
        if not values:
            return True
        p = std.get(key, (np.nan, np.nan))[1]
        return not np.isfinite(p) or p < ALPHA

    nodes = {}
    for name in struct_names:
        item_list = []
        for item in items.get(name, []):
            text = ""
            if values and indicators:
                text = coef_text(std.get((name, "=~", item), (np.nan,))[0], decimals)
            item_list.append((item, text))
        nodes[name] = Node(name=name, observed=name not in latents, label=spec.label(name, lang),
                           r2=float(r2.get(name, np.nan)) if values else float("nan"),
                           items=item_list)
    edges = []
    for src, dst in regress:
        key = (dst, "~", src)
        edges.append(Edge(src, dst, "path", edge_text(key), dashed=not significant(key),
                          muted=(not values and key not in hyp), gid=f"{dst}~{src}"))
    for factor, component in higher:
        key = (factor, "=~", component)
        edges.append(Edge(factor, component, "loading", edge_text(key),
                          dashed=not significant(key), muted=(not values and key not in hyp),
                          gid=f"{factor}=~{component}"))
    for a, b in covs:
        key = (a, "~~", b)
        text = edge_text(key) if values else ", ".join(hyp.get(key, []))
        edges.append(Edge(a, b, "cov", text, dashed=not significant(key), gid=f"{a}~~{b}"))
    return nodes, edges, indicators, defined_notes, bool(covs)


def _figure(nodes, edges, *, indicators, note, title, extra_texts=()):
    """Lay out and draw; the font family covers every text of the figure (Chinese ones too).

    Characters no font has are reported once, by :func:`relqual.fonts.font_family`; matplotlib's
    per-glyph warnings for them are silenced while measuring and drawing.
    """
    texts = [n.label for n in nodes.values()]
    texts += [s for n in nodes.values() for item in n.items for s in item]
    texts += [e.text for e in edges] + [note or "", title or ""] + list(extra_texts)
    texts = [str(t) for t in texts if t]
    family = font_family(texts)
    with quiet_glyphs(texts):
        measure = _Measure(family)
        layout = Layout(nodes, edges, indicators=indicators, measure=measure)
        fig = _draw(layout, family=family, measure=measure, note=note, title=title)
    fig.relqual_checked_texts = texts
    return fig


def _save(fig, path, dpi):
    if path is not None:
        fig.savefig(path, dpi=dpi, facecolor="white")
    return fig


def path_diagram(result, path=None, *, lang: str = "en", indicators: bool | None = None,
                 covariances: str | None = None, hypotheses: bool = False, group: int = 1,
                 title: str | None = None, note: bool = True, decimals: int = 2, dpi: int = 200):
    """Path diagram of a fitted model (``res.plot()``).

    Latent variables are ellipses (observed ones boxes), in causal order from left to right;
    arrows carry standardized coefficients (std.all) with significance stars, non-significant
    paths (p >= .05) are dashed, and endogenous variables show their R².

    Parameters
    ----------
    result : relqual.Result
        The fit (read through ``partable``, ``estimates()``, ``paths()``, ``r2()``,
        ``group_labels`` and ``spec.label()``).
    path : str or path-like, optional
        Also save the figure (PNG, SVG or PDF, from the extension).
    lang : str
        "en", or "zh" for the Chinese construct names of the construct catalog.
    indicators : bool, optional
        Draw the items as boxes with their standardized loadings (default: only when there are
        no structural paths).
    covariances : str, optional
        Two-headed arrows between structural variables: "specified" (those in the syntax),
        "all", "none", or "auto" (the default: the specified ones, and those among the exogenous
        variables when there are at most three; "all" for a CFA).
    hypotheses : bool
        Put the hypothesis ids of a library model on its arrows.
    group : int
        The group to draw (from 1).
    title : str, optional
        A title above the diagram.
    note : bool
        The note below it (stars, dashed arrows, R²).
    decimals : int
        Decimals of the coefficients.
    dpi : int
        Resolution of a saved bitmap.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (``fig.relqual_artists``: its nodes, items, labels and texts).

    Examples
    --------
    >>> import warnings, relqual as rq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
    >>> fig = path_diagram(res)
    >>> sorted(a.get_gid() for a in fig.relqual_artists["nodes"])
    ['node:AC', 'node:CC', 'node:CF', 'node:SAT', 'node:TR']
    """
    if lang not in NOTES:
        raise ValueError("lang must be 'en' or 'zh'")
    nodes, edges, indicators, _, has_cov = _build(
        _result_rows(result, group), result.spec, result, group=group, lang=lang,
        indicators=indicators, covariances=covariances, hypotheses=hypotheses, decimals=decimals)
    note_text = ""
    if note:
        note_text = NOTES[lang]["std"] + (" " + NOTES[lang]["cov"] if has_cov else "")
        if result.partable.ngroups > 1:
            note_text += f" Group: {result.group_labels[group - 1]}."
    status = fit_status(result)            # said on the figure itself, whatever the options
    if status:
        title = f"{status[0]}: {title}" if title else status[0]
        note_text = f"{status[1]} {note_text}".strip()
    fig = _figure(nodes, edges, indicators=indicators, note=note_text, title=title)
    return _save(fig, path, dpi)


def model_diagram(spec, path=None, *, lang: str = "en", indicators: bool = False,
                  covariances: str | None = None, title: str | bool | None = True,
                  note: bool = True, dpi: int = 200):
    """The hypothesised model of a :class:`relqual.models.ModelSpec`, before any data
    (``spec.plot()``).

    Arrows are labelled with the hypothesis id and expected sign (grey arrows: paths in the
    model without a hypothesis); hypotheses on defined (``:=``) effects are listed below.

    Parameters
    ----------
    spec : relqual.models.ModelSpec
        The model (read through ``syntax``, ``hypotheses``, ``title``, ``title_zh``, ``name``
        and ``label()``).
    path : str or path-like, optional
        Also save the figure (PNG, SVG or PDF, from the extension).
    lang : str
        "en" or "zh".
    indicators : bool
        Draw the items as boxes.
    covariances : str, optional
        As in :func:`path_diagram`.
    title : str or bool, optional
        The title; True: the model's title.
    note : bool
        The note below the diagram.
    dpi : int
        Resolution of a saved bitmap.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> import relqual as rq
    >>> fig = model_diagram(rq.models.load("relationship_quality"))
    >>> [a.get_text() for a in fig.relqual_artists["labels"]][:2]
    ['H1 (+)', 'H2 (+)']
    """
    if lang not in NOTES:
        raise ValueError("lang must be 'en' or 'zh'")
    nodes, edges, indicators, defined, _ = _build(
        _spec_rows(spec), spec, group=1, lang=lang, indicators=indicators,
        covariances=covariances, hypotheses=True, decimals=2)
    if title is True:
        title = (spec.title_zh if lang == "zh" and spec.title_zh else spec.title) or spec.name
    lines = []
    if note:
        lines.append(NOTES[lang]["hyp"])
        lines += defined
    fig = _figure(nodes, edges, indicators=indicators, note="\n".join(lines),
                  title=title or None, extra_texts=[title or ""] + lines)
    return _save(fig, path, dpi)
