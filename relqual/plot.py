"""Figures made with matplotlib (imported only when a figure is drawn)."""
from __future__ import annotations

import numpy as np


def plot_bootstrap_effect(result, path: str | None = None, draws: int = 1000, seed=None,
                          standardized: bool = False, boot_ci: str = "perc", ax=None):
    """Histogram of the bootstrap draws of one effect, with the estimate and its interval.

    ``path`` names the effect as in ``res.effects()["path"]`` (e.g. "SAT -> AC -> CC"); by
    default the first specific indirect effect. Returns the matplotlib Axes.
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
    ax.set_xlabel(f"{boot_ci} {int(100 * 0.95)}% interval [{lo:.3f}, {hi:.3f}]; "
                  f"{len(values)} resamples")
    ax.set_ylabel("resamples")
    ax.legend(frameon=False)
    return ax


# =============================================================================== path diagrams
# res.plot() and ModelSpec.plot(): latent variables as ellipses in causal order, left to right.
#
# Layout: every structural variable gets a column, its layer: the length of the longest chain of
# regressions leading to it (exogenous variables in column 0; second-order factors one column
# right of their first-order factors). Within the columns, the vertical positions are chosen by
# a small search (coordinate descent over half-slot positions) that keeps arrows from passing
# through other variables, avoids crossings and keeps arrows short; an arrow that would still
# touch a variable is bent (a quadratic curve). Coefficient labels are put where they touch no
# variable, box or other label. Sizes are in inches (1 data unit = 1 inch), so text measured in
# points fits the shapes whatever the figure size.
import io
import math
import textwrap
from dataclasses import dataclass, field

STAR_LEVELS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))
NODE_FONT, EDGE_FONT, ITEM_FONT, NOTE_FONT = 10.0, 9.0, 8.0, 8.0
ITEM_W, ITEM_H, ITEM_GAP = 0.52, 0.28, 0.08
SIDE_GAP, TOP_GAP = 0.75, 0.5          # ellipse to indicator boxes beside / above or below it
COV_APEX, COV_STEP = 0.3, 0.45         # how far two-headed arcs bulge past the ellipses
INK, MUTED = "#1a1a1a", "#6b6b6b"

NOTES = {
    "en": {"std": "Standardized coefficients (std.all). * p < .05, ** p < .01, *** p < .001; "
                  "dashed arrows: p \u2265 .05. R\u00b2 in the endogenous variables.",
           "hyp": "Hypothesised model: arrows labelled with the hypothesis and its expected sign.",
           "cov": "Curved two-headed arrows: correlations.",
           "r2": "R\u00b2"},
    "zh": {"std": "标准化系数（std.all）。* p < .05，** p < .01，*** p < .001；虚线箭头：p \u2265 .05。"
                  "内生变量中为 R\u00b2。",
           "hyp": "假设模型：箭头标注假设编号与预期方向。",
           "cov": "双向弧线箭头：相关系数。",
           "r2": "R\u00b2"},
}


def stars(p) -> str:
    """APA significance stars: * p < .05, ** p < .01, *** p < .001 ('' when p is missing)."""
    if p is None or not np.isfinite(p):
        return ""
    for level, mark in STAR_LEVELS:
        if p < level:
            return mark
    return ""


def coef_text(x: float, decimals: int = 2, minus: str = "\u2212") -> str:
    """A standardized coefficient as APA writes it: no leading zero when |x| < 1 (.35, -.12)."""
    if x is None or not np.isfinite(x):
        return ""
    text = f"{abs(x):.{decimals}f}"
    if abs(round(x, decimals)) < 1:
        text = text[1:] if text.startswith("0") else text
    return (minus if x < 0 and float(text) != 0 else "") + text


@dataclass
class _Node:
    name: str
    observed: bool = False
    label: str = ""
    r2: float = float("nan")
    items: list = field(default_factory=list)        # [(item, text)] indicator boxes
    layer: int = 0
    y: float = 0.0
    side: str = ""                                    # where the indicator boxes go
    patch: object = None


@dataclass
class _Edge:
    src: str
    dst: str
    kind: str = "path"            # path | loading (latent -> latent) | cov
    text: str = ""
    dashed: bool = False
    muted: bool = False
    rad: float = 0.0
    gid: str = ""
    p0: object = None             # where the arrow starts and ends (set by the layout)
    p1: object = None
    clip: bool = True             # cut the arrow at the node outlines


def _model_rows(source, group):
    """(lhs, op, rhs, user) rows of the structural and measurement parts of a result or spec."""
    from .result import Result
    if isinstance(source, Result):
        tab = source.partable.table
        tab = tab[tab["group"] == group] if "group" in tab else tab
        return [(r.lhs, r.op, r.rhs, int(r.user)) for r in tab.itertuples()]
    from .partable import build_partable
    from .syntax import parse
    try:                                        # with lavaan's defaults (exogenous covariances)
        tab = build_partable(source.syntax).table
        return [(r.lhs, r.op, r.rhs, int(r.user)) for r in tab[tab["group"] == 1].itertuples()]
    except Exception:                           # e.g. c(...) modifiers for several groups
        return [(s.lhs, s.op, s.rhs, 1) for s in parse(source.syntax)]


def _catalog_label(spec, name: str, lang: str) -> str:
    constructs = getattr(spec, "constructs", None) or {}
    entry = constructs.get(name) or constructs.get(name.upper()) or {}
    if not entry:
        from .models import _catalog
        entry = _catalog()["constructs"].get(name, {})
    if lang == "zh" and entry.get("label_zh"):
        return entry["label_zh"]
    return entry.get("label") or name


def _wrap_label(text: str, lang: str) -> list[str]:
    from .fonts import has_cjk
    if has_cjk(text) and " " not in text.strip():
        if len(text) <= 7:
            return [text]
        lines = math.ceil(len(text) / 7)
        size = math.ceil(len(text) / lines)
        return [text[i:i + size] for i in range(0, len(text), size)]
    if len(text) <= 15:
        return [text]
    for width in range(max(10, math.ceil(len(text) / 2)), len(text) + 1):
        lines = textwrap.wrap(text, width=width, break_long_words=False)
        if len(lines) <= 2:
            return lines
    return textwrap.wrap(text, width=18)


class _Measure:
    """Text extents in inches, measured with an Agg renderer (the fonts the figure will use)."""

    def __init__(self, family):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        self.fig = Figure(dpi=72)
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        self.family = family

    def size(self, text: str, fontsize: float, **kw) -> tuple[float, float]:
        t = self.fig.text(0, 0, text, fontsize=fontsize, family=self.family, **kw)
        bb = t.get_window_extent(self.renderer)
        t.remove()
        return bb.width / 72.0, bb.height / 72.0


def _quad_points(p0, p1, rad, n=24, t0=0.0, t1=1.0):
    """Points of matplotlib's ``arc3,rad=`` connection (a quadratic Bezier) from p0 to p1."""
    (x1, y1), (x2, y2) = p0, p1
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    t = np.linspace(t0, t1, n)[:, None]
    return ((1 - t) ** 2) * np.array([x1, y1]) + 2 * (1 - t) * t * np.array([cx, cy]) \
        + t ** 2 * np.array([x2, y2])


class PathDiagram:
    """Builds the figure; :func:`path_diagram` and :func:`model_diagram` are the entry points."""

    def __init__(self, nodes: dict, edges: list, *, lang: str, family, note: str,
                 title: str | None, indicators: bool):
        self.nodes, self.edges, self.lang = nodes, edges, lang
        self.family, self.note_text, self.title = family, note, title
        self.indicators = indicators
        self.measure = _Measure(family)
        self._size_nodes()
        self._layers()
        self._columns()
        self._place()
        self._route()

    # ------------------------------------------------------------------ sizes
    def _size_nodes(self):
        widths, heights = [0.9], [0.35]
        for node in self.nodes.values():
            w, h = self.measure.size("\n".join(_wrap_label(node.label, self.lang)), NODE_FONT,
                                     linespacing=1.15)
            if np.isfinite(node.r2):
                w2, h2 = self.measure.size("R\u00b2 = .00", NODE_FONT - 1.5)
                w, h = max(w, w2), h + h2 + 0.02
            widths.append(w)
            heights.append(h)
        tw, th = max(widths), max(heights)
        # the text box inscribed in the ellipse: semi-axes sqrt(2) x half the box, plus padding
        self.ew = max(1.2, math.sqrt(2) * tw + 0.12)
        self.eh = max(0.62, math.sqrt(2) * th + 0.08)
        self.item_w = max([ITEM_W] + [self.measure.size(t, ITEM_FONT)[0] + 0.12
                                      for n in self.nodes.values() for _, t in n.items])

    def _block(self, node) -> tuple[float, float]:
        """Width and height of a node's indicator block (0, 0 without indicators)."""
        k = len(node.items) if self.indicators else 0
        if k == 0:
            return 0.0, 0.0
        if node.side in ("left", "right"):
            return self.item_w, k * ITEM_H + (k - 1) * ITEM_GAP
        return k * self.item_w + (k - 1) * ITEM_GAP, ITEM_H

    def _block_rect(self, node, y=None):
        """(x0, y0, x1, y1) of the indicator block, None without one."""
        w, h = self._block(node)
        if w == 0:
            return None
        x, y = self.x[node.layer], node.y if y is None else y
        gap = SIDE_GAP if node.side in ("left", "right") else TOP_GAP   # the loading arrows
        if node.side == "left":
            return (x - self.ew / 2 - gap - w, y - h / 2, x - self.ew / 2 - gap, y + h / 2)
        if node.side == "right":
            return (x + self.ew / 2 + gap, y - h / 2, x + self.ew / 2 + gap + w, y + h / 2)
        if node.side == "above":
            return (x - w / 2, y + self.eh / 2 + gap, x + w / 2, y + self.eh / 2 + gap + h)
        return (x - w / 2, y - self.eh / 2 - gap - h, x + w / 2, y - self.eh / 2 - gap)

    def _block_zone(self, node, y):
        """The indicator block together with the loading arrows between it and the ellipse."""
        x0, y0, x1, y1 = self._block_rect(node, y)
        x, a, b = self.x[node.layer], self.ew / 2, self.eh / 2
        if node.side == "left":
            return (x0, y0, x - a * 0.8, y1)
        if node.side == "right":
            return (x + a * 0.8, y0, x1, y1)
        if node.side == "above":
            return (x0, y + b * 0.8, x1, y1)
        return (x0, y0, x1, y - b * 0.8)

    # ------------------------------------------------------------------ layers and columns
    def _layers(self):
        succ = {n: [] for n in self.nodes}
        for e in self.edges:
            if e.kind == "path":
                succ[e.src].append(e.dst)
            elif e.kind == "loading":                # first-order factors left of their factor
                succ[e.dst].append(e.src)
        # drop edges that close a cycle (non-recursive models), found by depth-first search
        state, order, back = {}, [], set()

        def visit(u):
            state[u] = 1
            for v in succ[u]:
                if state.get(v) == 1:
                    back.add((u, v))
                elif v not in state:
                    visit(v)
            state[u] = 2
            order.append(u)

        for n in self.nodes:
            if n not in state:
                visit(n)
        layer = {n: 0 for n in self.nodes}
        for u in reversed(order):                    # topological order
            for v in succ[u]:
                if (u, v) not in back:
                    layer[v] = max(layer[v], layer[u] + 1)
        for n, node in self.nodes.items():
            node.layer = layer[n]
        self.n_layers = max(layer.values()) + 1
        self.succ = succ

    def _columns(self):
        last = self.n_layers - 1
        for node in self.nodes.values():
            if not node.items or not self.indicators:
                node.side = ""
            elif node.layer == last:
                node.side = "right"
            elif node.layer == 0:
                node.side = "left"
            else:
                node.side = "above"                  # decided after placement
        # horizontal extents of each column (ellipse plus indicator blocks)
        left, right, cell = [], [], []
        for c in range(self.n_layers):
            members = [n for n in self.nodes.values() if n.layer == c]
            l = r = self.ew / 2
            h = self.eh
            for n in members:
                bw, bh = self._block(n)
                if n.side == "left":
                    l = max(l, self.ew / 2 + SIDE_GAP + bw)
                    h = max(h, bh)
                elif n.side == "right":
                    r = max(r, self.ew / 2 + SIDE_GAP + bw)
                    h = max(h, bh)
                elif n.side:
                    l, r = max(l, bw / 2), max(r, bw / 2)
                    h = max(h, self.eh + TOP_GAP + bh)
            left.append(l)
            right.append(r)
            cell.append(h)
        gap = 1.55                                   # room for coefficient labels between columns
        for c in range(self.n_layers):               # two-headed arcs inside a column
            members = [n for n in self.nodes.values() if n.layer == c]
            arcs = [e for e in self.edges if e.kind == "cov" and self.nodes[e.src].layer == c
                    and self.nodes[e.dst].layer == c]
            if not arcs:
                continue
            reach = self.ew / 2 + COV_APEX + COV_STEP * max(0, len(members) - 2) + 0.45
            if any(n.side == "left" for n in members) and c < self.n_layers - 1 or (
                    c == self.n_layers - 1 and self.n_layers > 1
                    and not any(n.side == "right" for n in members)):
                right[c] = max(right[c], reach)
            else:
                left[c] = max(left[c], reach)
        self.x = [0.0]
        for c in range(1, self.n_layers):
            self.x.append(self.x[-1] + right[c - 1] + gap + left[c])
        self.unit = (self.eh + 0.35) / 2             # half a slot
        self.sep = [max(2, math.ceil((h + 0.35) / self.unit - 1e-9)) for h in cell]

    # ------------------------------------------------------------------ vertical placement
    def _vertical_side(self, node, y, ys):
        column = [ys[k] for k, n in enumerate(self.node_list) if n.layer == node.layer]
        middle = (max(column) + min(column)) / 2
        return "above" if y >= middle - 1e-9 else "below"

    def _obstacles(self, ys):
        """Node centres (N, 2) and indicator blocks (R, 4) for vertical positions ``ys``."""
        centers = np.column_stack([self.node_x, ys])
        rects = []
        for k, n in enumerate(self.node_list):
            if self.indicators and n.items:
                side = n.side
                if side in ("above", "below"):
                    n.side = self._vertical_side(n, ys[k], ys)
                rects.append(self._block_zone(n, ys[k]))
                n.side = side
        return centers, np.array(rects, dtype=float).reshape(-1, 4)

    def _hits(self, pts, own, centers, rects):
        """Per edge: how many nodes (other than its ends) and indicator blocks its sample points
        ``pts`` (E, K, 2) pass through; ``own`` (E, N) marks each edge's end nodes."""
        ab = np.array([self.ew / 2 + 0.12, self.eh / 2 + 0.10])
        d = (pts[:, :, None, :] - centers[None, None, :, :]) / ab
        inside = ((d ** 2).sum(axis=3) < 1.0).any(axis=1) & ~own
        hits = inside.sum(axis=1).astype(float)
        if len(rects):
            m = 0.06
            x, y = pts[..., 0][..., None], pts[..., 1][..., None]
            in_rect = ((x > rects[:, 0] - m) & (x < rects[:, 2] + m)
                       & (y > rects[:, 1] - m) & (y < rects[:, 3] + m)).any(axis=1)
            hits += in_rect.sum(axis=1)
        return hits

    def _cost(self, ys):
        centers, rects = self._obstacles(ys)
        p0, p1 = centers[self.e_src], centers[self.e_dst]
        pts = p0[:, None, :] + self.t_samples[None, :, None] * (p1 - p0)[:, None, :]
        cost = 25.0 * self._hits(pts, self.e_own, centers, rects).sum()
        cost += 0.25 * np.abs(p1[:, 1] - p0[:, 1]).sum()
        # crossings of the straight chords between edges with four distinct ends
        if len(p0) > 1:
            def orient(a, b, c):
                return ((b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1])
                        - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0]))
            A, B = p0[:, None, :], p1[:, None, :]
            C, D = p0[None, :, :], p1[None, :, :]
            cross = (orient(C, D, A) * orient(C, D, B) < 0) & (orient(A, B, C) * orient(A, B, D) < 0)
            cost += 3.0 * (cross & self.e_distinct).sum() / 2
        return cost + 0.15 * (max(ys) - min(ys))

    def _order(self):
        """Order within the columns (Sugiyama): long edges get a dummy vertex in every column
        they cross, then barycentre sweeps down and up keep the order with fewest crossings."""
        layer = {n.name: n.layer for n in self.node_list}
        columns = [[n.name for n in self.node_list if n.layer == c] for c in range(self.n_layers)]
        links = []                                  # (upper vertex, lower vertex) per column gap
        for k, e in enumerate(self.struct_edges):
            u, v = (e.src, e.dst) if e.kind == "path" else (e.dst, e.src)
            if layer[u] == layer[v]:
                continue
            if layer[u] > layer[v]:
                u, v = v, u
            chain = [u] + [("dummy", k, c) for c in range(layer[u] + 1, layer[v])] + [v]
            for c, vertex in zip(range(layer[u] + 1, layer[v]), chain[1:-1]):
                columns[c].append(vertex)
            links += list(zip(chain[:-1], chain[1:]))
        nbr_prev, nbr_next = {}, {}
        for a, b in links:
            nbr_next.setdefault(a, []).append(b)
            nbr_prev.setdefault(b, []).append(a)

        def crossings(cols):
            pos = {v: i for col in cols for i, v in enumerate(col)}
            total = 0
            for c in range(len(cols) - 1):
                pairs = [(pos[a], pos[b]) for a in cols[c] for b in nbr_next.get(a, [])]
                for i in range(len(pairs)):
                    for j in range(i + 1, len(pairs)):
                        total += (pairs[i][0] - pairs[j][0]) * (pairs[i][1] - pairs[j][1]) < 0
            return total

        def sweep(cols, down):
            cols = [list(c) for c in cols]
            order = range(1, len(cols)) if down else range(len(cols) - 2, -1, -1)
            for c in order:
                ref = cols[c - 1] if down else cols[c + 1]
                pos = {v: i for i, v in enumerate(ref)}
                nbrs = nbr_prev if down else nbr_next
                current = {v: i for i, v in enumerate(cols[c])}

                def key(v):
                    ps = [pos[w] for w in nbrs.get(v, []) if w in pos]
                    return (np.mean(ps) if ps else current[v] * len(ref) / max(1, len(cols[c])),
                            current[v])
                cols[c].sort(key=key)
            return cols

        best, best_cross = columns, crossings(columns)
        cols = columns
        for it in range(12):
            cols = sweep(cols, down=(it % 2 == 0))
            count = crossings(cols)
            if count < best_cross:
                best, best_cross = cols, count
        # transpose: swap neighbours in a column while that removes crossings
        improved = True
        while improved and best_cross > 0:
            improved = False
            for c, col in enumerate(best):
                for i in range(len(col) - 1):
                    trial = [list(x) for x in best]
                    trial[c][i], trial[c][i + 1] = trial[c][i + 1], trial[c][i]
                    count = crossings(trial)
                    if count < best_cross:
                        best, best_cross, improved = trial, count, True
        return best

    def _place(self):
        self.node_list = list(self.nodes.values())
        self.index = {n.name: k for k, n in enumerate(self.node_list)}
        self.node_x = np.array([self.x[n.layer] for n in self.node_list])
        self.struct_edges = [e for e in self.edges if e.kind in ("path", "loading")]
        self.e_src = np.array([self.index[e.src] for e in self.struct_edges], dtype=int)
        self.e_dst = np.array([self.index[e.dst] for e in self.struct_edges], dtype=int)
        n_nodes, n_edges = len(self.node_list), len(self.struct_edges)
        self.e_own = np.zeros((n_edges, n_nodes), dtype=bool)
        self.e_own[np.arange(n_edges), self.e_src] = True
        self.e_own[np.arange(n_edges), self.e_dst] = True
        ends = np.column_stack([self.e_src, self.e_dst]) if n_edges else np.zeros((0, 2), int)
        self.e_distinct = np.array([[len({*ends[a], *ends[b]}) == 4 for b in range(n_edges)]
                                    for a in range(n_edges)], dtype=bool).reshape(n_edges, n_edges)
        self.t_samples = np.linspace(0.08, 0.92, 20)

        # start: the Sugiyama order, dummies taking one unit, real variables a full cell
        columns = self._order()
        slots = np.zeros(n_nodes, dtype=int)
        real_columns = []
        for c, col in enumerate(columns):
            heights = [self.sep[c] if isinstance(v, str) else 1 for v in col]
            total = sum(heights)
            at = total / 2
            members = []
            for v, h in zip(col, heights):
                at -= h / 2
                if isinstance(v, str):
                    slots[self.index[v]] = int(round(at))
                    members.append(self.index[v])
                at -= h / 2
            real_columns.append(members)          # top to bottom
        for c, members in enumerate(real_columns):    # enforce the separation after rounding
            for a, b in zip(members, members[1:]):
                if slots[a] - slots[b] < self.sep[c]:
                    slots[b] = slots[a] - self.sep[c]
        span = max(max(len(m) * self.sep[c] for c, m in enumerate(real_columns)) // 2 + 4,
                   int(np.abs(slots).max()) + 2)

        def allowed(k, value, current):
            c = self.node_list[k].layer
            members = real_columns[c]
            r = members.index(k)
            if r > 0 and current[members[r - 1]] - value < self.sep[c]:
                return False
            if r < len(members) - 1 and value - current[members[r + 1]] < self.sep[c]:
                return False
            return True

        best = self._cost(slots * self.unit)
        for _ in range(10):
            improved = False
            for k in range(n_nodes):
                for value in range(-span, span + 1):
                    if value == slots[k] or not allowed(k, value, slots):
                        continue
                    trial = slots.copy()
                    trial[k] = value
                    cost = self._cost(trial * self.unit)
                    if cost < best - 1e-9:
                        best, slots, improved = cost, trial, True
            for c, members in enumerate(real_columns):   # swap neighbours in a column
                for r in range(len(members) - 1):
                    a, b = members[r], members[r + 1]
                    trial = slots.copy()
                    trial[a], trial[b] = slots[b], slots[a]
                    cost = self._cost(trial * self.unit)
                    if cost < best - 1e-9:
                        best, slots, improved = cost, trial, True
                        members[r], members[r + 1] = b, a
            for c, members in enumerate(real_columns):   # shift a whole column
                for delta in (-2, -1, 1, 2):
                    trial = slots.copy()
                    trial[members] += delta
                    cost = self._cost(trial * self.unit)
                    if cost < best - 1e-9:
                        best, slots, improved = cost, trial, True
            if not improved:
                break
        ys = slots * self.unit
        ys = ys - (max(ys) + min(ys)) / 2
        for k, n in enumerate(self.node_list):
            n.y = float(ys[k])
        for n in self.node_list:
            if n.side in ("above", "below"):
                n.side = self._vertical_side(n, n.y, [m.y for m in self.node_list])

    # ------------------------------------------------------------------ routing
    def _route(self):
        """Straight arrows where they pass no other variable, else the least bent curve that does."""
        ys = np.array([n.y for n in self.node_list])
        centers, rects = self._obstacles(ys)
        rads = (0.0, 0.12, -0.12, 0.22, -0.22, 0.32, -0.32, 0.45, -0.45)
        for e in self.edges:
            i, j = self.index[e.src], self.index[e.dst]
            p0, p1 = centers[i], centers[j]
            e.p0, e.p1, e.clip = p0, p1, True
            if e.kind == "cov":
                self._cov_arc(e, p0, p1)
                continue
            own = np.zeros((1, len(self.node_list)), dtype=bool)
            own[0, [i, j]] = True
            scores = [10 * self._hits(_quad_points(p0, p1, rad, n=30, t0=0.06, t1=0.94)[None],
                                      own, centers, rects)[0] + abs(rad) for rad in rads]
            e.rad = rads[int(np.argmin(scores))]

    def _cov_arc(self, e, p0, p1):
        """Two-headed arrows between variables of one column bulge out of the column (to the
        side without indicator boxes), from the sides of the ellipses, nested: an arc over k
        variables reaches k steps further out, so the arcs and their labels do not meet."""
        a, b = self.nodes[e.src], self.nodes[e.dst]
        if a.layer != b.layer:
            e.rad = 0.3
            return
        column = [n for n in self.node_list if n.layer == a.layer]
        lo, hi = sorted((a.y, b.y))
        between = sum(lo < n.y < hi for n in column)
        boxes_left = any(n.side == "left" for n in column)
        boxes_right = any(n.side == "right" for n in column)
        if a.layer == self.n_layers - 1 and self.n_layers > 1:
            bulge_left = boxes_right
        else:
            bulge_left = not boxes_left
        out = -1.0 if bulge_left else 1.0
        theta = math.radians(38 if between == 0 else 12)
        x = self.x[a.layer]

        def anchor(node, sign):                # on the outline, towards the other end
            if node.observed:                  # boxes: on the side, a little inside the corner
                return np.array([x + out * self.ew * 0.4,
                                 node.y + sign * self.eh * 0.39 * (0.6 if between == 0 else 0.2)])
            return np.array([x + out * self.ew / 2 * math.cos(theta),
                             node.y + sign * self.eh / 2 * math.sin(theta)])

        top, bottom = (a, b) if a.y > b.y else (b, a)
        q_top, q_bottom = anchor(top, -1), anchor(bottom, +1)
        e.p0, e.p1 = (q_top, q_bottom) if a is top else (q_bottom, q_top)
        e.clip = False
        dist = float(np.hypot(*(e.p1 - e.p0)))
        offset = self.ew / 2 + COV_APEX + COV_STEP * between - abs(q_top[0] - x)
        rad = 2 * offset / max(dist, 1e-6)
        down = e.p1[1] < e.p0[1]
        # arc3 bends to the right of the direction p0 -> p1 for rad > 0
        e.rad = rad if down == bulge_left else -rad

    # ------------------------------------------------------------------ drawing
    def draw(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

        xs = [self.x[n.layer] for n in self.node_list]
        x0, x1 = min(xs) - self.ew / 2, max(xs) + self.ew / 2
        y0, y1 = min(n.y for n in self.node_list) - self.eh / 2, max(n.y for n in self.node_list) + self.eh / 2
        for n in self.node_list:
            rect = self._block_rect(n) if self.indicators else None
            if rect:
                x0, y0, x1, y1 = min(x0, rect[0]), min(y0, rect[1]), max(x1, rect[2]), max(y1, rect[3])
        # curved arrows may bulge out of the box: include their points
        for e in self.edges:
            pts = _quad_points(e.p0, e.p1, e.rad, n=30)
            x0, x1 = min(x0, pts[:, 0].min() - 0.15), max(x1, pts[:, 0].max() + 0.15)
            y0, y1 = min(y0, pts[:, 1].min() - 0.15), max(y1, pts[:, 1].max() + 0.15)
        margin = 0.25
        width = x1 - x0 + 2 * margin
        note_lines = []
        if self.note_text:
            chars = max(40, int(width * 72 / (NOTE_FONT * 0.55)))
            for para in self.note_text.split("\n"):
                note_lines += self._wrap_note(para, chars)
        title_lines = []
        if self.title:
            tw, _ = self.measure.size(self.title, NODE_FONT + 1.5)
            n_lines = max(1, math.ceil(tw / max(1.0, width - 0.3)))
            from .fonts import has_cjk
            if has_cjk(self.title):
                size = math.ceil(len(self.title) / n_lines)
                title_lines = [self.title[i:i + size] for i in range(0, len(self.title), size)]
            else:
                title_lines = textwrap.wrap(self.title, width=math.ceil(len(self.title) / n_lines) + 4)
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
        text_kw = dict(family=self.family, color=INK)
        self.artists = {"nodes": [], "items": [], "labels": [], "texts": []}

        for n in self.node_list:
            cx, cy = self.x[n.layer], n.y
            if n.observed:
                bw, bh = self.ew * 0.8, self.eh * 0.78
                patch = Rectangle((cx - bw / 2, cy - bh / 2), bw, bh, fc="white", ec=INK, lw=1.2,
                                  zorder=3)
            else:
                patch = Ellipse((cx, cy), self.ew, self.eh, fc="white", ec=INK, lw=1.2, zorder=3)
            patch.set_gid(f"node:{n.name}")
            ax.add_patch(patch)
            n.patch = patch
            self.artists["nodes"].append(patch)
            lines = "\n".join(_wrap_label(n.label, self.lang))
            if np.isfinite(n.r2):
                t = ax.text(cx, cy + 0.07, lines, ha="center", va="center", fontsize=NODE_FONT,
                            linespacing=1.15, zorder=4, **text_kw)
                _, lh = self.measure.size(lines, NODE_FONT, linespacing=1.15)
                t.set_y(cy + 0.09)
                r2 = ax.text(cx, cy + 0.09 - lh / 2 - 0.03,
                             f"R\u00b2 = {coef_text(n.r2)}", ha="center", va="top",
                             fontsize=NODE_FONT - 1.5, zorder=4, style="italic", **text_kw)
                r2.set_gid(f"r2:{n.name}")
                self.artists["texts"].append(r2)
            else:
                t = ax.text(cx, cy, lines, ha="center", va="center", fontsize=NODE_FONT,
                            linespacing=1.15, zorder=4, **text_kw)
            t.set_gid(f"node-label:{n.name}")
            self.artists["texts"].append(t)

        item_boxes = []                              # (x0, y0, x1, y1) in inches
        for n in self.node_list:
            if not (self.indicators and n.items):
                continue
            bx0, by0, bx1, by1 = self._block_rect(n)
            for r, (item, text) in enumerate(n.items):
                if n.side in ("left", "right"):
                    ix, iy = bx0, by1 - ITEM_H - r * (ITEM_H + ITEM_GAP)
                else:
                    ix, iy = bx0 + r * (self.item_w + ITEM_GAP), by0
                box = Rectangle((ix, iy), self.item_w, ITEM_H, fc="white", ec=INK, lw=0.9, zorder=3)
                box.set_gid(f"item:{item}")
                ax.add_patch(box)
                self.artists["items"].append(box)
                item_boxes.append((ix, iy, ix + self.item_w, iy + ITEM_H))
                ax.text(ix + self.item_w / 2, iy + ITEM_H / 2, item, ha="center", va="center",
                        fontsize=ITEM_FONT, zorder=4, **text_kw)
                arrow = FancyArrowPatch((self.x[n.layer], n.y), (ix + self.item_w / 2, iy + ITEM_H / 2),
                                        patchA=n.patch, patchB=box, arrowstyle="-|>",
                                        mutation_scale=9, lw=0.8, color=INK, zorder=2,
                                        shrinkA=0, shrinkB=0)
                ax.add_patch(arrow)
                if text:
                    # the loading sits on the arrow near the box
                    ex = ix + self.item_w / 2
                    ey = iy + ITEM_H / 2
                    start = self._ellipse_exit((self.x[n.layer], n.y), (ex, ey))
                    end = self._box_entry((ex, ey), start, (ix, iy, ix + self.item_w, iy + ITEM_H))
                    lx, ly = start + 0.55 * (end - start)
                    lab = ax.text(lx, ly, text, ha="center", va="center", fontsize=ITEM_FONT - 1,
                                  zorder=5, bbox=dict(boxstyle="square,pad=0.08", fc="white",
                                                      ec="none"), **text_kw)
                    lab.set_gid(f"loading:{n.name}=~{item}")
                    self.artists["labels"].append(lab)
                    lw, lh = self.measure.size(text, ITEM_FONT - 1)
                    item_boxes.append((lx - lw / 2 - 0.03, ly - lh / 2 - 0.03,
                                       lx + lw / 2 + 0.03, ly + lh / 2 + 0.03))

        placed = []
        for e in self.edges:
            p0, p1 = e.p0, e.p1
            style = dict(color=MUTED if e.muted else INK, lw=1.3 if not e.muted else 1.0)
            if e.dashed:
                style["linestyle"] = (0, (5, 3))
            arrowstyle = "<|-|>" if e.kind == "cov" else "-|>"
            clip = dict(patchA=self.nodes[e.src].patch, patchB=self.nodes[e.dst].patch,
                        shrinkA=1, shrinkB=1) if e.clip else dict(shrinkA=2, shrinkB=2)
            arrow = FancyArrowPatch(tuple(p0), tuple(p1), arrowstyle=arrowstyle,
                                    mutation_scale=13, connectionstyle=f"arc3,rad={e.rad}",
                                    zorder=2, **clip, **style)
            arrow.set_gid(f"edge:{e.gid}")
            ax.add_patch(arrow)
            if e.text:
                tw, th = self.measure.size(e.text, EDGE_FONT)
                pos = self._label_position(e, p0, p1, tw + 0.08, th + 0.06, placed, item_boxes)
                placed.append((pos[0] - (tw + 0.08) / 2, pos[1] - (th + 0.06) / 2,
                               pos[0] + (tw + 0.08) / 2, pos[1] + (th + 0.06) / 2))
                lab = ax.text(pos[0], pos[1], e.text, ha="center", va="center", fontsize=EDGE_FONT,
                              zorder=5, color=style["color"],
                              bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="none"),
                              family=self.family)
                lab.set_gid(f"label:{e.gid}")
                self.artists["labels"].append(lab)
        if title_lines:
            from .fonts import has_cjk          # the CJK fonts have no bold face
            t = ax.text((x0 + x1) / 2, y1 + margin + title_h / 2, "\n".join(title_lines),
                        ha="center", va="center", fontsize=NODE_FONT + 1.5,
                        weight="normal" if has_cjk(self.title) else "bold",
                        linespacing=1.2, **text_kw)
            t.set_gid("title")
            self.artists["texts"].append(t)
        if note_lines:
            t = ax.text(x0, y0 - margin * 0.6, "\n".join(note_lines), ha="left", va="top",
                        fontsize=NOTE_FONT, color=MUTED, family=self.family, linespacing=1.3)
            t.set_gid("note")
            self.artists["texts"].append(t)
        fig.relqual_artists = self.artists
        return fig

    def _wrap_note(self, text, chars):
        """Lines of at most ``chars`` (a CJK character counts two), broken between words or
        after CJK punctuation, never inside "p < .05" or "R²"."""
        from .fonts import has_cjk
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
        width = lambda s: sum(2 if has_cjk(c) else 1 for c in s)
        lines, line = [], ""
        for piece in pieces:
            if line and width(line + piece) > chars:
                lines.append(line)
                line = ""
            line += piece
        return lines + ([line] if line else [])

    def _ellipse_exit(self, center, toward):
        c, t = np.asarray(center, float), np.asarray(toward, float)
        d = t - c
        a, b = self.ew / 2, self.eh / 2
        s = 1.0 / math.sqrt((d[0] / a) ** 2 + (d[1] / b) ** 2)
        return c + s * d

    @staticmethod
    def _box_entry(center, start, rect):
        c, s = np.asarray(center, float), np.asarray(start, float)
        x0, y0, x1, y1 = rect
        d = s - c
        scale = min(abs((x1 - x0) / 2 / d[0]) if d[0] else np.inf,
                    abs((y1 - y0) / 2 / d[1]) if d[1] else np.inf)
        return c + scale * d

    def _label_position(self, e, p0, p1, w, h, placed, item_boxes):
        a, b = self.ew / 2 + 0.03, self.eh / 2 + 0.03
        centers = np.array([[self.x[n.layer], n.y] for n in self.node_list])
        other_paths = [_quad_points(o.p0, o.p1, o.rad, n=40)
                       for o in self.edges if o is not e]
        best = None
        path = _quad_points(p0, p1, e.rad, n=101)
        for t in (0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72, 0.22, 0.78, 0.62, 0.38):
            x, y = path[int(round(t * 100))]
            corners = np.array([[x - w / 2, y - h / 2], [x + w / 2, y - h / 2], [x - w / 2, y + h / 2],
                                [x + w / 2, y + h / 2], [x, y - h / 2], [x, y + h / 2],
                                [x - w / 2, y], [x + w / 2, y], [x, y]])
            d = (corners[:, None, :] - centers[None, :, :]) / np.array([a, b])
            cost = 100.0 * float(((d ** 2).sum(axis=2) < 1).any(axis=0).sum())
            for (bx0, by0, bx1, by1) in placed + item_boxes:
                if x - w / 2 < bx1 and x + w / 2 > bx0 and y - h / 2 < by1 and y + h / 2 > by0:
                    cost += 100.0
            m = 0.08                                  # keep clear of crossings
            for pts in other_paths:
                if np.any((pts[:, 0] > x - w / 2 - m) & (pts[:, 0] < x + w / 2 + m)
                          & (pts[:, 1] > y - h / 2 - m) & (pts[:, 1] < y + h / 2 + m)):
                    cost += 12.0
            cost += abs(t - 0.5)
            if best is None or cost < best[0]:
                best = (cost, (x, y))
        return best[1]


def _diagram_figure_class():
    from matplotlib.figure import Figure

    class DiagramFigure(Figure):
        """A matplotlib Figure that shows itself in a notebook without pyplot."""

        def _repr_png_(self):
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=110, facecolor="white")
            return buf.getvalue()

    return DiagramFigure


def DiagramFigure(*args, **kwargs):
    """A :class:`matplotlib.figure.Figure` with a PNG representation for notebooks."""
    global _DIAGRAM_FIGURE
    if _DIAGRAM_FIGURE is None:
        _DIAGRAM_FIGURE = _diagram_figure_class()
    return _DIAGRAM_FIGURE(*args, **kwargs)


_DIAGRAM_FIGURE = None


def _build(source, spec, *, group, lang, indicators, covariances, hypotheses, values,
           decimals):
    """Nodes and edges of a result (``values=True``) or of a hypothesised model."""
    rows = _model_rows(source, group)
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
        est = source.estimates()
        if "group" in est:
            est = est[(est["group"] == group) | (est["op"] == ":=")]
        for r in est.itertuples():
            std[(r.lhs, r.op, r.rhs)] = (r.std_all, r.pvalue)
        paths = source.paths()
        paths = paths[paths["group"] == group] if "group" in paths else paths
        for r in paths.itertuples():
            std[(r.lhs, "~", r.rhs)] = (r.std_all, r.pvalue)
        r2s = source.r2()
        for key, value in r2s.items():
            if isinstance(key, tuple):
                if key[0] == source.group_labels[group - 1]:
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
        return not np.isfinite(p) or p < 0.05

    nodes = {}
    for name in struct_names:
        observed = name not in latents
        item_list = []
        for item in items.get(name, []):
            text = ""
            if values and indicators:
                text = coef_text(std.get((name, "=~", item), (np.nan,))[0], decimals)
            item_list.append((item, text))
        nodes[name] = _Node(name=name, observed=observed, label=_catalog_label(spec, name, lang),
                            r2=float(r2.get(name, np.nan)) if values else float("nan"),
                            items=item_list)
    edges = []
    for src, dst in regress:
        key = (dst, "~", src)
        edges.append(_Edge(src, dst, "path", edge_text(key), dashed=not significant(key),
                           muted=(not values and key not in hyp), gid=f"{dst}~{src}"))
    for factor, component in higher:
        key = (factor, "=~", component)
        edges.append(_Edge(factor, component, "loading", edge_text(key),
                           dashed=not significant(key), muted=(not values and key not in hyp),
                           gid=f"{factor}=~{component}"))
    for a, b in covs:
        key = (a, "~~", b)
        text = edge_text(key) if values else ", ".join(hyp.get(key, []))
        edges.append(_Edge(a, b, "cov", text, dashed=not significant(key), gid=f"{a}~~{b}"))
    return nodes, edges, indicators, defined_notes, bool(covs)


def _save(fig, path, dpi):
    if path is not None:
        fig.savefig(path, dpi=dpi, facecolor="white")
    return fig


def path_diagram(result, path=None, *, lang: str = "en", indicators: bool | None = None,
                 covariances: str | None = None, hypotheses: bool = False, group: int = 1,
                 title: str | None = None, note: bool = True, decimals: int = 2, dpi: int = 200):
    """Path diagram of a fitted model (``res.plot()``); returns a matplotlib Figure.

    Latent variables are ellipses (observed ones boxes), in causal order from left to right;
    arrows carry standardized coefficients (std.all) with significance stars, non-significant
    paths (p >= .05) are dashed, and endogenous variables show their R². ``lang="zh"`` takes
    the Chinese construct names from the construct catalog. ``indicators``: draw the items as
    boxes with their standardized loadings (default: only when there are no structural paths).
    ``covariances``: which two-headed arrows to draw between structural variables: "specified"
    (those written in the syntax), "all", "none", or "auto" (the default: the specified ones,
    and those among the exogenous variables when there are at most three; "all" for a CFA). ``hypotheses=True`` puts the hypothesis ids of a library
    model on its arrows. ``path``: also save the figure (PNG, SVG or PDF, from the extension).
    """
    from .fonts import font_family
    if lang not in NOTES:
        raise ValueError("lang must be 'en' or 'zh'")
    nodes, edges, indicators, defined, has_cov = _build(
        result, result.spec, group=group, lang=lang, indicators=indicators,
        covariances=covariances, hypotheses=hypotheses, values=True, decimals=decimals)
    texts = [n.label for n in nodes.values()]
    family = font_family(texts)
    note_text = ""
    if note:
        note_text = NOTES[lang]["std"] + (" " + NOTES[lang]["cov"] if has_cov else "")
        if result.partable.ngroups > 1:
            note_text += f" Group: {result.group_labels[group - 1]}."
    fig = PathDiagram(nodes, edges, lang=lang, family=family, note=note_text, title=title,
                      indicators=indicators).draw()
    return _save(fig, path, dpi)


def model_diagram(spec, path=None, *, lang: str = "en", indicators: bool = False,
                  covariances: str | None = None, title: str | bool | None = True, note: bool = True,
                  dpi: int = 200):
    """The hypothesised model of a :class:`relqual.models.ModelSpec`, before any data
    (``spec.plot()``): arrows labelled with the hypothesis id and expected sign (grey arrows: paths
    in the model without a hypothesis); hypotheses on defined (``:=``) effects are listed below.
    """
    from .fonts import font_family
    if lang not in NOTES:
        raise ValueError("lang must be 'en' or 'zh'")
    nodes, edges, indicators, defined, has_cov = _build(
        spec, spec, group=1, lang=lang, indicators=indicators, covariances=covariances,
        hypotheses=True, values=False, decimals=2)
    if title is True:
        title = (spec.title_zh if lang == "zh" and spec.title_zh else spec.title) or spec.name
    lines = []
    if note:
        lines.append(NOTES[lang]["hyp"])
        lines += defined
    texts = [n.label for n in nodes.values()] + [title or ""] + lines
    family = font_family(texts)
    fig = PathDiagram(nodes, edges, lang=lang, family=family, note="\n".join(lines),
                      title=title or None, indicators=indicators).draw()
    return _save(fig, path, dpi)
