"""The release build: ``python -m build`` makes an sdist and a wheel (from the sdist), twine
accepts both, and the wheel is complete: installed with ``pip`` into a fresh virtual environment
(no system site-packages, no source tree on the path) it loads every library model and dataset,
draws a Chinese diagram and runs ``relqual demo``.

The build and the install need PyPI (setuptools for the build, relqual's dependencies for the
install); together about 1.5 minutes (``-m "not slow"`` leaves them out).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import relqual as rq

ROOT = Path(__file__).resolve().parents[1]
VERSION = rq.__version__


def run(command, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=900,
                          env={**env, "MPLBACKEND": "Agg", **kwargs.pop("env", {})}, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def source_files(folder: str) -> list[str]:
    """The files of a source folder that git tracks (all of them without git)."""
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = run(["git", "ls-files", folder], cwd=ROOT).stdout.split()
        return [f for f in listed if (ROOT / f).exists()]
    return [p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts]


def test_citation_and_changelog_name_this_version():
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", citation, re.M)
    assert re.search(rf"^version: {re.escape(VERSION)}$", citation, re.M)
    assert f"## [{VERSION}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    if importlib.util.find_spec("build") is None:
        pytest.skip("the build package is not installed: pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out)
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out.iterdir())
    assert wheels[0].name == f"relqual-{VERSION}-py3-none-any.whl"
    return wheels[0], sdists[0]


@pytest.mark.slow
def test_twine_accepts_the_distributions(dist):
    if importlib.util.find_spec("twine") is None:
        pytest.skip("twine is not installed: pip install -e '.[dev]'")
    run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist)])


@pytest.mark.slow
def test_wheel_holds_every_module_model_and_dataset(dist):
    names = set(zipfile.ZipFile(dist[0]).namelist())
    expected = {f for f in source_files("relqual") if not f.endswith(".pyc")}
    expected |= {f.replace("models/", "relqual/models_data/", 1) for f in source_files("models")
                 if f.endswith((".toml", ".py"))}
    expected |= {f.replace("data/", "relqual/data_files/", 1) for f in source_files("data")
                 if f.endswith((".csv", ".py")) or f.endswith("DATASETS.md")}
    missing = sorted(expected - names)
    assert not missing, ("the wheel lacks these files; add their package to [tool.setuptools] "
                         f"packages or their pattern to package-data in pyproject.toml: {missing}")
    assert f"relqual-{VERSION}.dist-info/licenses/LICENSE" in names


CHECK = """
import sys, warnings
from pathlib import Path
import relqual as rq

venv = Path(sys.argv[1]).resolve()
assert Path(rq.__file__).resolve().is_relative_to(venv), rq.__file__
models, datasets = int(sys.argv[2]), int(sys.argv[3])
assert len(rq.models.list()) == models, rq.models.list()
assert len(rq.datasets.list()) == datasets, rq.datasets.list()
for name in rq.models.list()["name"]:
    rq.models.load(name)
for name in rq.datasets.list():
    assert len(rq.datasets.load(name)) > 0, name
assert len(rq.models.constructs()) > 0
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rq.models.load("relationship_quality").plot("zh.png", lang="zh")
fonts = [str(w.message) for w in caught if "font" in str(w.message).lower()
         or "glyph" in str(w.message).lower()]
assert not fonts, fonts
assert Path("zh.png").stat().st_size > 10000
print("wheel ok", rq.__version__, rq.__file__)
"""


@pytest.mark.slow
def test_wheel_runs_in_a_fresh_virtual_environment(dist, tmp_path):
    venv = tmp_path / "venv"
    try:
        run([sys.executable, "-m", "venv", str(venv)])
        python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
        # --no-compile: byte-compiling the dependencies would take longer than installing them
        run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
             "--no-compile", f"relqual[cjk] @ {dist[0].as_uri()}"], cwd=tmp_path)
        work = tmp_path / "work"                  # no source tree here or on the path
        work.mkdir()
        models = len([f for f in source_files("models") if f.endswith(".toml")]) - 1  # catalog
        datasets = len([f for f in source_files("data") if f.endswith(".csv")])
        done = run([str(python), "-c", CHECK, str(venv), str(models), str(datasets)], cwd=work)
        assert "wheel ok" in done.stdout
        demo = run([str(python.parent / "relqual"), "demo", "--no-report"], cwd=work)
        assert "H1" in demo.stdout and "CFI" in demo.stdout, demo.stdout[-2000:]
        assert not list(work.glob("*.html"))
    finally:
        shutil.rmtree(venv, ignore_errors=True)   # about 700 MB
