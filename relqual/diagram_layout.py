"""Geometry of a path diagram: where the variables, indicator boxes, arrows and labels go.

Pure geometry, without matplotlib (the drawing is :mod:`relqual.plot`), so the layout can be
tested on its own. Sizes are in inches (1 data unit = 1 inch); text extents come from a
``measure(text, fontsize, **kw) -> (width, height)`` function, by default :func:`text_size`
(an estimate from character counts), in the renderer matplotlib's own measurement.

Layout: every structural variable gets a column, its layer: the length of the longest chain of
regressions leading to it (exogenous variables in column 0; second-order factors one column
right of their first-order factors). Within the columns, the vertical positions are chosen by a
small search (coordinate descent over half-slot positions, started from the Sugiyama order with
fewest crossings) that keeps arrows from passing through other variables, avoids crossings and
keeps arrows short; an arrow that would still touch a variable is bent (a quadratic curve).
Two-headed arrows within a column bulge out of it, nested. Coefficient labels are put where they
touch no variable, box or other label.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import numpy as np

from .fonts import has_cjk

NODE_FONT, EDGE_FONT, ITEM_FONT = 10.0, 9.0, 8.0
ITEM_W, ITEM_H, ITEM_GAP = 0.52, 0.28, 0.08
SIDE_GAP, TOP_GAP = 0.75, 0.5          # ellipse to indicator boxes beside / above or below it
COV_APEX, COV_STEP = 0.3, 0.45         # how far two-headed arcs bulge past the ellipses


@dataclass
class Node:
    """A structural variable: a latent (ellipse) or ``observed`` (box) variable.

    ``label`` is the text inside it, ``r2`` its R² (NaN: none shown), ``items`` its indicator
    boxes as ``[(item, loading text)]``. The layout sets ``layer`` (its column), ``x`` and ``y``
    (its centre) and ``side`` (where its indicator boxes go: left, right, above, below or '').
    """

    name: str
    observed: bool = False
    label: str = ""
    r2: float = float("nan")
    items: list = field(default_factory=list)
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    side: str = ""


@dataclass
class Edge:
    """An arrow from ``src`` to ``dst``: a regression ("path"), a loading of a higher-order
    factor ("loading", from the factor to its component) or a covariance ("cov").

    ``text`` is its label; ``dashed``, ``muted`` and ``gid`` are for the renderer. The layout
    sets ``p0`` and ``p1`` (where it starts and ends), ``rad`` (its curvature, as matplotlib's
    ``arc3,rad=``), ``clip`` (cut it at the node outlines) and ``label_at`` (the label's centre).
    """

    src: str
    dst: str
    kind: str = "path"
    text: str = ""
    dashed: bool = False
    muted: bool = False
    gid: str = ""
    rad: float = 0.0
    p0: object = None
    p1: object = None
    clip: bool = True
    label_at: tuple | None = None


@dataclass
class ItemBox:
    """An indicator box of ``node`` at ``rect`` (x0, y0, x1, y1), its loading ``text`` centred at
    ``label_at`` (None without a text)."""

    node: str
    item: str
    text: str
    rect: tuple
    label_at: tuple | None = None


def text_size(text: str, fontsize: float, linespacing: float = 1.2) -> tuple[float, float]:
    """Estimated extent of ``text`` in inches (0.6 em per Latin and 1 em per CJK character).

    Parameters
    ----------
    text : str
        The text; lines are separated by newlines.
    fontsize : float
        The font size in points.
    linespacing : float
        The distance between lines, in font sizes.

    Returns
    -------
    tuple of float
        Width and height in inches.

    Examples
    --------
    >>> text_size("Trust", 10.0)
    (0.4166666666666667, 0.1388888888888889)
    """
    lines = text.split("\n")
    em = fontsize / 72.0
    width = max(sum(1.0 if has_cjk(c) else 0.6 for c in line) for line in lines)
    return width * em, em * (1 + linespacing * (len(lines) - 1))


def wrap_label(text: str) -> list[str]:
    """The lines of a variable's label: at most 15 characters (7 for Chinese), on two lines when
    possible.

    Parameters
    ----------
    text : str
        The label.

    Returns
    -------
    list of str
        The lines.

    Examples
    --------
    >>> wrap_label("Commercial friendship")
    ['Commercial', 'friendship']
    >>> wrap_label("SAT")
    ['SAT']
    """
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


def _quad_points(p0, p1, rad, n=24, t0=0.0, t1=1.0):
    """Points of matplotlib's ``arc3,rad=`` connection (a quadratic Bezier) from p0 to p1."""
    (x1, y1), (x2, y2) = p0, p1
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    t = np.linspace(t0, t1, n)[:, None]
    return ((1 - t) ** 2) * np.array([x1, y1]) + 2 * (1 - t) * t * np.array([cx, cy]) \
        + t ** 2 * np.array([x2, y2])


class Layout:
    """The geometry of a path diagram, computed when it is made.

    Parameters
    ----------
    nodes : dict
        ``{name: Node}``, the structural variables.
    edges : list of Edge
        The arrows between them.
    indicators : bool
        Place the indicator boxes of the nodes' ``items``.
    measure : callable
        ``measure(text, fontsize, **kw) -> (width, height)`` in inches (``kw``: ``linespacing``).

    Attributes
    ----------
    nodes, edges
        The input, with the positions set (``Node.layer x y side``; ``Edge.p0 p1 rad clip
        label_at``).
    ew, eh : float
        Width and height of the ellipses (boxes of observed variables are 0.8 x 0.78 of them).
    item_w : float
        Width of an indicator box (its height is ``ITEM_H``).
    items : list of ItemBox
        The indicator boxes with the positions of their loadings.
    bounds : tuple of float
        (x0, y0, x1, y1) of everything placed.

    Examples
    --------
    >>> nodes = {n: Node(n, label=n) for n in ("X", "M", "Y")}
    >>> edges = [Edge("X", "M"), Edge("M", "Y"), Edge("X", "Y")]
    >>> layout = Layout(nodes, edges)
    >>> [nodes[n].layer for n in ("X", "M", "Y")]
    [0, 1, 2]
    >>> nodes["X"].x < nodes["M"].x < nodes["Y"].x
    True
    """

    def __init__(self, nodes: dict, edges: list, *, indicators: bool = False, measure=text_size):
        self.nodes, self.edges = nodes, edges
        self.indicators, self.measure = indicators, measure
        self._size_nodes()
        self._layers()
        self._columns()
        self._place()
        self._route()
        self.bounds = self._bounds()
        self.items, obstacles = self._item_boxes()
        self._label_edges(obstacles)

    # ------------------------------------------------------------------ sizes
    def _size_nodes(self):
        """One ellipse size for every variable, from the longest label (and its R²)."""
        widths, heights = [0.9], [0.35]
        for node in self.nodes.values():
            w, h = self.measure("\n".join(wrap_label(node.label)), NODE_FONT, linespacing=1.15)
            if np.isfinite(node.r2):
                w2, h2 = self.measure("R\u00b2 = .00", NODE_FONT - 1.5)
                w, h = max(w, w2), h + h2 + 0.02
            widths.append(w)
            heights.append(h)
        tw, th = max(widths), max(heights)
        # the text box inscribed in the ellipse: semi-axes sqrt(2) x half the box, plus padding
        self.ew = max(1.2, math.sqrt(2) * tw + 0.12)
        self.eh = max(0.62, math.sqrt(2) * th + 0.08)
        self.item_w = max([ITEM_W] + [self.measure(t, ITEM_FONT)[0] + 0.12
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
        """Each variable's column: the longest chain of regressions leading to it (second-order
        factors right of their components; an edge that closes a cycle is not counted)."""
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
        """Where the indicator boxes go, and the x of each column: room for the boxes, for the
        two-headed arcs that bulge out of a column and for the labels between columns."""
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
            cross = ((orient(C, D, A) * orient(C, D, B) < 0)
                     & (orient(A, B, C) * orient(A, B, D) < 0))
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
        """Vertical positions: the Sugiyama order, then coordinate descent on :meth:`_cost` over
        half-slot positions, swaps of neighbours and shifts of whole columns."""
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
            for members in real_columns:                 # swap neighbours in a column
                for r in range(len(members) - 1):
                    a, b = members[r], members[r + 1]
                    trial = slots.copy()
                    trial[a], trial[b] = slots[b], slots[a]
                    cost = self._cost(trial * self.unit)
                    if cost < best - 1e-9:
                        best, slots, improved = cost, trial, True
                        members[r], members[r + 1] = b, a
            for members in real_columns:                 # shift a whole column
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
            n.x, n.y = self.x[n.layer], float(ys[k])
        for n in self.node_list:
            if n.side in ("above", "below"):
                n.side = self._vertical_side(n, n.y, [m.y for m in self.node_list])

    # ------------------------------------------------------------------ routing
    def _route(self):
        """Straight arrows where they pass no other variable, else the least bent curve that
        does."""
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

    # ------------------------------------------------------------------ what the renderer reads
    def _bounds(self):
        """(x0, y0, x1, y1) of the nodes, the indicator blocks and the (curved) arrows."""
        xs = [self.x[n.layer] for n in self.node_list]
        x0, x1 = min(xs) - self.ew / 2, max(xs) + self.ew / 2
        y0 = min(n.y for n in self.node_list) - self.eh / 2
        y1 = max(n.y for n in self.node_list) + self.eh / 2
        for n in self.node_list:
            rect = self._block_rect(n) if self.indicators else None
            if rect:
                x0, y0 = min(x0, rect[0]), min(y0, rect[1])
                x1, y1 = max(x1, rect[2]), max(y1, rect[3])
        for e in self.edges:                     # curved arrows may bulge out of the box
            pts = _quad_points(e.p0, e.p1, e.rad, n=30)
            x0, x1 = min(x0, pts[:, 0].min() - 0.15), max(x1, pts[:, 0].max() + 0.15)
            y0, y1 = min(y0, pts[:, 1].min() - 0.15), max(y1, pts[:, 1].max() + 0.15)
        return x0, y0, x1, y1

    def _item_boxes(self):
        """The indicator boxes, each loading on its arrow near the box; and the rectangles the
        arrow labels must avoid (the boxes and the loadings)."""
        boxes, obstacles = [], []
        for n in self.node_list:
            if not (self.indicators and n.items):
                continue
            bx0, by0, bx1, by1 = self._block_rect(n)
            for r, (item, text) in enumerate(n.items):
                if n.side in ("left", "right"):
                    ix, iy = bx0, by1 - ITEM_H - r * (ITEM_H + ITEM_GAP)
                else:
                    ix, iy = bx0 + r * (self.item_w + ITEM_GAP), by0
                rect = (ix, iy, ix + self.item_w, iy + ITEM_H)
                box = ItemBox(n.name, item, text, rect)
                boxes.append(box)
                obstacles.append(rect)
                if text:
                    ex, ey = ix + self.item_w / 2, iy + ITEM_H / 2
                    start = self._ellipse_exit((self.x[n.layer], n.y), (ex, ey))
                    end = self._box_entry((ex, ey), start, rect)
                    lx, ly = start + 0.55 * (end - start)
                    box.label_at = (lx, ly)
                    lw, lh = self.measure(text, ITEM_FONT - 1)
                    obstacles.append((lx - lw / 2 - 0.03, ly - lh / 2 - 0.03,
                                      lx + lw / 2 + 0.03, ly + lh / 2 + 0.03))
        return boxes, obstacles

    def _label_edges(self, obstacles):
        """The arrow labels, in the order of the edges, each clear of those placed before."""
        placed = []
        for e in self.edges:
            if not e.text:
                continue
            tw, th = self.measure(e.text, EDGE_FONT)
            w, h = tw + 0.08, th + 0.06
            pos = self._label_position(e, w, h, placed + obstacles)
            placed.append((pos[0] - w / 2, pos[1] - h / 2, pos[0] + w / 2, pos[1] + h / 2))
            e.label_at = pos

    # ------------------------------------------------------------------ geometry helpers
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

    def _label_position(self, e, w, h, boxes):
        """The centre of a w x h label on arrow ``e``: near its middle, clear of the variables,
        the rectangles ``boxes`` and the other arrows."""
        a, b = self.ew / 2 + 0.03, self.eh / 2 + 0.03
        centers = np.array([[self.x[n.layer], n.y] for n in self.node_list])
        other_paths = [_quad_points(o.p0, o.p1, o.rad, n=40)
                       for o in self.edges if o is not e]
        best = None
        path = _quad_points(e.p0, e.p1, e.rad, n=101)
        for t in (0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72, 0.22, 0.78, 0.62, 0.38):
            x, y = path[int(round(t * 100))]
            corners = np.array([[x - w / 2, y - h / 2], [x + w / 2, y - h / 2],
                                [x - w / 2, y + h / 2], [x + w / 2, y + h / 2], [x, y - h / 2],
                                [x, y + h / 2], [x - w / 2, y], [x + w / 2, y], [x, y]])
            d = (corners[:, None, :] - centers[None, :, :]) / np.array([a, b])
            cost = 100.0 * float(((d ** 2).sum(axis=2) < 1).any(axis=0).sum())
            for (bx0, by0, bx1, by1) in boxes:
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

