"""Sphinx configuration of the relqual documentation.

Build: ``sphinx-build -W -b html docs docs/_build/html`` (``pip install -e ".[docs]"``).
The generated pages (model library, construct catalog, API list, "checked against",
notebooks) are written by ``docs/generate.py`` into ``docs/_generated/`` at every build.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

import relqual  # noqa: E402

generate.main()

project = "relqual"
author = "the relqual developers"
copyright = "the relqual developers, MIT licence"
release = version = relqual.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
suppress_warnings = ["myst.header"]   # notebooks may start below a level-1 heading

# API reference: one page per public name, written by autosummary from the numpydoc docstrings
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False     # the API page lists every method with its own page
numpydoc_class_members_toctree = False

# notebooks are shown with the outputs stored in notebooks/ (the test suite executes them)
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"relqual {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path = []
