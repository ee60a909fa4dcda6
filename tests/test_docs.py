"""The documentation site (docs/) builds with warnings as errors, and has a page for every library
model, every public name and Result method, every notebook and every reference comparison.

The build needs the ``docs`` extra (in ``dev``); without it the build test is skipped. It takes
about 40 s on two cores (``-m "not slow"`` leaves it out).
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import relqual as rq

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"
DOCS_EXTRA = ("sphinx", "pydata_sphinx_theme", "numpydoc", "myst_nb")


def comparisons() -> list[dict]:
    with (REFERENCE / "comparisons.toml").open("rb") as fh:
        return tomllib.load(fh)["comparison"]


def test_every_reference_file_a_test_uses_is_on_the_checked_against_page():
    """A JSON file or folder of reference output (not of data) in tests/reference/ that a test
    reads is listed in comparisons.toml (the lavaan cases through cases.json); each entry names a
    test that exists."""
    listed = {e.get("file") or e.get("folder") for e in comparisons()}
    cases = {c["name"] for c in json.loads((REFERENCE / "cases.json").read_text())["cases"]}
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    folders = [p for p in REFERENCE.iterdir() if p.is_dir() and not any(p.glob("*.csv"))]
    missing = [p.name for p in sorted([*REFERENCE.glob("*.json"), *folders])
               if p.name not in listed and p.stem not in cases and p.name in tests]
    assert not missing, f"add these reference files to tests/reference/comparisons.toml: {missing}"
    for entry in comparisons():
        assert (ROOT / entry["test"]).exists(), entry
        for key in ("title", "program", "what", "tolerance"):
            assert entry.get(key), (key, entry)


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(tmp_path):
    absent = [name for name in DOCS_EXTRA if importlib.util.find_spec(name) is None]
    if absent:
        pytest.skip(f"the docs extra is not installed ({', '.join(absent)} missing): "
                    "pip install -e '.[docs]'")
    html = tmp_path / "html"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               "-d", str(tmp_path / "doctrees"), str(ROOT / "docs"), str(html)]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-5000:] or done.stdout[-5000:]

    pages = {p.relative_to(html).as_posix() for p in html.rglob("*.html")}
    for name in rq.models.list()["name"]:
        assert f"_generated/library/{name}.html" in pages, name
    public = [n for n in rq.__all__ if not n.startswith("__")]
    methods = [f"Result.{m}" for m, v in vars(rq.Result).items()
               if not m.startswith("_") and (callable(v) or isinstance(v, property))]
    for name in public + methods:
        module = getattr(rq, name, None)
        if inspect.ismodule(module):             # rq.models, rq.datasets, ...: their functions
            names = [f"{name}.{n}" for n, v in vars(module).items() if not n.startswith("_")
                     and (inspect.isfunction(v) or inspect.isclass(v))
                     and v.__module__ == module.__name__]
        else:
            names = [name]
        for full in names:
            assert f"_generated/api/relqual.{full}.html" in pages, full
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"_generated/notebooks/{notebook.stem}.html" in pages, notebook.name
    checked = (html / "_generated" / "checked_against.html").read_text(encoding="utf-8")
    for entry in comparisons():
        if (REFERENCE / entry.get("file", entry.get("folder", ""))).exists():
            title = entry["title"].replace("'", "\u2019")          # smart quotes
            assert entry["title"] in checked or title in checked, entry["title"]
    for page in ("index", "getting_started", "getting_started_zh", "citing",
                 "_generated/constructs", "_generated/datasets"):
        assert f"{page}.html" in pages, page
