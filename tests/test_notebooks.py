"""The notebooks in notebooks/ run from top to bottom (nbclient), so they never rot.

Each runs in a fresh temporary folder (the files it writes land there) with a kernel of the
Python running the tests: a kernelspec written for the test, pointing at ``sys.executable``, so no
``jupyter kernelspec install`` is needed in a fresh virtual environment.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
KERNEL = "relqual-tests"


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory, ):
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "relqual tests", "language": "python"}))
    return root


def test_the_worked_examples_are_there():
    assert {"01_quick_start", "02_thesis_walkthrough", "03_instructor_demo",
            "04_published_table", "05_pls_and_ml"} <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, kernel_dir, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    book = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = nbclient.NotebookClient(book, kernel_name=KERNEL, timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    elapsed = time.perf_counter() - start
    assert elapsed < 60, f"{path.name} took {elapsed:.0f} s"
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the notebook shows no figure"
    if path.stem == "01_quick_start":
        assert (tmp_path / "quickstart-report.html").stat().st_size > 50000
    if path.stem == "02_thesis_walkthrough":
        for name in ("chapter4_tables.docx", "chapter4_tables.tex", "figure4_1.png",
                     "figure4_1.pdf", "chapter4.docx"):
            assert (tmp_path / name).stat().st_size > 1000, name
