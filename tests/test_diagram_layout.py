"""The path-diagram layout alone (relqual.diagram_layout): causal order, no overlaps, the same
result every time, and no matplotlib."""
from __future__ import annotations

import math
import subprocess
import sys

import pytest

from relqual.diagram_layout import ITEM_H, Edge, Layout, Node


def graph(paths=(), covs=(), items=None, **layout):
    """A layout of the variables named in ``paths`` (src, dst) and ``covs``, with ``items``
    {factor: [item, ...]} as indicator boxes."""
    names = list(dict.fromkeys(n for pair in [*paths, *covs] for n in pair))
    items = items or {}
    nodes = {n: Node(n, label=n, items=[(i, ".80") for i in items.get(n, [])]) for n in names}
    edges = ([Edge(s, d, "path", ".30***") for s, d in paths]
             + [Edge(a, b, "cov", ".25") for a, b in covs])
    return Layout(nodes, edges, **layout)


def snapshot(layout):
    """Everything the renderer reads, as plain numbers."""
    nodes = [(n.name, n.layer, n.x, n.y, n.side) for n in layout.nodes.values()]
    edges = [(tuple(e.p0), tuple(e.p1), e.rad, e.clip, tuple(e.label_at)) for e in layout.edges]
    items = [(b.item, b.rect, tuple(b.label_at)) for b in layout.items]
    return nodes, edges, items, layout.bounds


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def node_rect(layout, node):
    return (node.x - layout.ew / 2, node.y - layout.eh / 2,
            node.x + layout.ew / 2, node.y + layout.eh / 2)


def inside_ellipse(layout, node, point) -> bool:
    dx, dy = (point[0] - node.x) / (layout.ew / 2), (point[1] - node.y) / (layout.eh / 2)
    return dx * dx + dy * dy < 1


ECSI = [("IMAG", "EXPE"), ("EXPE", "QUAL"), ("EXPE", "VAL"), ("QUAL", "VAL"), ("IMAG", "SAT"),
        ("EXPE", "SAT"), ("QUAL", "SAT"), ("VAL", "SAT"), ("IMAG", "LOY"), ("SAT", "LOY")]


def test_importing_the_layout_loads_no_matplotlib():
    code = ("import sys, relqual.diagram_layout; "
            "sys.exit(int(any(m.split('.')[0] == 'matplotlib' for m in sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_mediation_chain_runs_left_to_right():
    layout = graph([("X", "M"), ("M", "Y"), ("X", "Y")])
    nodes = layout.nodes
    assert [nodes[n].layer for n in "XMY"] == [0, 1, 2]
    assert nodes["X"].x < nodes["M"].x < nodes["Y"].x
    # the direct path X -> Y does not run through M: it is bent or M is moved off the line
    direct = next(e for e in layout.edges if (e.src, e.dst) == ("X", "Y"))
    assert direct.rad != 0 or abs(nodes["M"].y - nodes["X"].y) >= layout.eh


def test_second_order_factor_is_right_of_its_components():
    nodes = {n: Node(n, label=n) for n in ("g", "a", "b")}
    edges = [Edge("g", "a", "loading"), Edge("g", "b", "loading")]
    Layout(nodes, edges)
    assert nodes["g"].layer == 1 and nodes["a"].layer == nodes["b"].layer == 0


def test_feedback_loop_is_laid_out():
    layout = graph([("X", "A"), ("A", "B"), ("B", "A")])
    assert all(math.isfinite(n.y) for n in layout.nodes.values())
    assert layout.nodes["X"].layer == 0


def test_nodes_labels_and_item_boxes_do_not_overlap():
    layout = graph(ECSI, items={"IMAG": ["im1", "im2", "im3"], "LOY": ["lo1", "lo2"],
                                "QUAL": ["qu1", "qu2", "qu3"]}, indicators=True)
    nodes = list(layout.nodes.values())
    rects = [node_rect(layout, n) for n in nodes] + [b.rect for b in layout.items]
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            assert not overlap(rects[i], rects[j]), (i, j)
    for e in layout.edges:
        assert not any(inside_ellipse(layout, n, e.label_at) for n in nodes), e
    sides = {n.name: n.side for n in nodes}
    assert sides["IMAG"] == "left" and sides["LOY"] == "right"
    assert sides["QUAL"] in ("above", "below")
    assert all(b.rect[3] - b.rect[1] == pytest.approx(ITEM_H) for b in layout.items)
    x0, y0, x1, y1 = (v + s * 1e-9 for v, s in zip(layout.bounds, (-1, -1, 1, 1)))
    assert all(x0 <= r[0] and r[2] <= x1 and y0 <= r[1] and r[3] <= y1 for r in rects)


def test_covariances_in_a_column_bulge_out_of_it():
    layout = graph([("A", "Y"), ("B", "Y"), ("C", "Y")], covs=[("A", "B"), ("A", "C")])
    for e in layout.edges:
        if e.kind == "cov":
            assert not e.clip and e.rad != 0
            assert e.p0[0] != layout.nodes[e.src].x          # from the side of the ellipse


def test_the_layout_is_deterministic():
    first = snapshot(graph(ECSI, covs=[("IMAG", "EXPE")]))
    second = snapshot(graph(ECSI, covs=[("IMAG", "EXPE")]))
    assert first == second


def test_text_is_measured_with_the_given_function():
    def wide(text, fontsize, **kw):
        return 0.2 * len(text), 0.2

    narrow = graph([("X", "Y")])
    measured = graph([("Trust in the firm", "Y")], measure=wide)
    assert measured.ew > narrow.ew
