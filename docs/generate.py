"""Write the generated pages of the documentation into docs/_generated/ (run by conf.py).

- ``library/``: one page per library model in ``models/`` (diagram, constructs, items,
  hypotheses, sources), from ``rq.models``;
- ``constructs.md``: the construct catalog in English and Chinese;
- ``api.rst``: the API reference, one page per public name and method (autosummary);
- ``datasets.md``: ``data/DATASETS.md``;
- ``checked_against.md``: every reference comparison of ``tests/reference/comparisons.toml``,
  with the programs' versions and the cases read from the reference files;
- ``notebooks/``: copies of ``notebooks/*.ipynb`` (rendered with their stored outputs).

Nothing here is edited by hand: change the models, the catalog, the reference files or the
notebooks, and the pages follow. ``python docs/generate.py`` runs it alone.
"""
from __future__ import annotations

import fnmatch
import inspect
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import relqual as rq  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_generated"
REFERENCE = ROOT / "tests" / "reference"


def write(path: Path, text: str) -> None:
    """Write only when the text changed, so Sphinx rebuilds only what changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def remove_others(folder: Path, keep: set[str]) -> None:
    """Delete generated files that are no longer made (a stale page breaks a -W build)."""
    for path in folder.glob("*"):
        if path.is_file() and path.name not in keep:
            path.unlink()


def cell(value) -> str:
    """One cell of a Markdown table."""
    return " ".join(str(value).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------- model library
def model_page(spec) -> str:
    out = [f"# {spec.title}\n", f"{spec.title_zh}\n" if spec.title_zh else "",
           f"Library name: `{spec.name}` — `rq.models.load(\"{spec.name}\")`\n",
           " ".join(spec.description.split()) + "\n",
           f"```{{image}} {spec.name}.png\n:alt: The hypothesised {spec.name} model\n"
           ":width: 100%\n```\n"]
    dataset = spec.extra.get("dataset")
    if dataset:
        out.append(f"Bundled data: `rq.datasets.load(\"{dataset}\")` "
                   "(see {doc}`/_generated/datasets`).\n")
    out += ["## Model syntax\n", "```text\n" + spec.syntax.strip() + "\n```\n", "## Constructs\n"]
    rows = [[f"`{cid}`", c.get("label", ""), c.get("label_zh", ""),
             " ".join(c.get("definition", "").split()), len(c.get("items", []))]
            for cid, c in spec.constructs.items()]
    out.append(table(["id", "construct", "构念", "definition", "items"], rows))
    items = [[f"`{i['id']}`", cid, i["text"], i.get("text_zh", ""),
              "yes" if i.get("reverse") else ""]
             for cid, c in spec.constructs.items() for i in c.get("items", [])]
    if items:
        out += ["## Items\n", table(["item", "construct", "wording", "中文", "reversed"], items)]
    if spec.hypotheses:
        rows = [[h.get("id", ""), f"`{h['lhs']} {h['op']} {h['rhs']}`", h.get("sign", ""),
                 h.get("statement", ""), h.get("statement_zh", "")] for h in spec.hypotheses]
        out += ["## Hypotheses\n", table(["id", "path", "sign", "statement", "假设"], rows)]
    for name, alt in spec.alternatives.items():
        out += [f"## Alternative: {alt.get('title', name)}\n",
                f"`rq.models.load(\"{spec.name}:{name}\")`. "
                + " ".join(alt.get("description", "").split()) + "\n",
                "```text\n" + alt["syntax"].strip() + "\n```\n"]
    sources = list(spec.references) + sorted({c["source"] for c in spec.constructs.values()
                                              if c.get("source")} - set(spec.references))
    if sources:
        out += ["## Sources\n", "".join(f"- {s}\n" for s in sources)]
    return "\n".join(part for part in out if part)


def write_library(folder: Path) -> None:
    library = rq.models.list()
    pages = []
    for name in library["name"]:
        spec = rq.models.load(name)
        folder.mkdir(parents=True, exist_ok=True)
        plt.close(spec.plot(folder / f"{name}.png"))
        write(folder / f"{name}.md", model_page(spec))
        pages.append(name)
    rows = [[f"[{r.name}]({r.name}.md)", r.title, r.title_zh, r.hypotheses]
            for r in library.itertuples()]
    remove_others(folder, {f"{n}{ext}" for n in pages for ext in (".md", ".png")} | {"index.md"})
    write(folder / "index.md",
          "# Model library\n\n"
          "relqual's ready-made models, each with its constructs, items, hypotheses and sources "
          "(`rq.models.list()`, `rq.models.load(name)`). Fit one with "
          "`rq.fit(name, data)`; draw it before any data with `rq.models.load(name).plot()`.\n\n"
          + table(["model", "title", "标题", "hypotheses"], rows)
          + "\n```{toctree}\n:hidden:\n\n" + "\n".join(pages) + "\n```\n")


# --------------------------------------------------------------------------- construct catalog
def constructs_page() -> str:
    catalog, items = rq.models.constructs(), rq.models.items()
    out = ["# Construct catalog 构念目录\n",
           "Every construct of the model library with its definition, source and items, in "
           "English and Chinese (`rq.models.constructs()`, `rq.models.items()`).\n",
           table(["id", "construct", "构念", "items", "used in"],
                 [[f"`{c.id}`", c.label, c.label_zh, c.n_items, c.models]
                  for c in catalog.itertuples()])]
    for c in catalog.itertuples():
        out += [f"## {c.label} {c.label_zh} (`{c.id}`)\n",
                f"{c.definition}\n", f"{c.definition_zh}\n" if c.definition_zh else "",
                f"Source: {c.source}\n" if c.source else ""]
        rows = [[f"`{i.id}`", i.text, i.text_zh, i.dimension, f"{i.scale} ({i.points})",
                 "yes" if i.reverse else ""]
                for i in items[items["construct"] == c.id].itertuples()]
        out.append(table(["item", "wording", "中文", "dimension", "scale", "reversed"], rows))
    return "\n".join(part for part in out if part)


# ------------------------------------------------------------------------------ checked against
def lavaan_cases(entry: dict) -> list[dict]:
    """The cases of cases.json selected by the entry's ``where``/``exclude`` options."""
    def matches(case, rule):
        options = {**case.get("options", {}), "name": case["name"]}
        return all(key in options and fnmatch.fnmatch(str(options[key]), str(value))
                   for key, value in rule.items())

    def excluded(case, rule):
        options = {**case.get("options", {}), "name": case["name"]}
        return any(key in options and fnmatch.fnmatch(str(options[key]), str(value))
                   for key, value in rule.items())

    cases = json.loads((REFERENCE / "cases.json").read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if matches(c, entry.get("where", {}))
            and not excluded(c, entry.get("exclude", {}))]


def option(value) -> str:
    """A case option as text: lists joined, long lists counted."""
    if not isinstance(value, list):
        return str(value)
    return ", ".join(map(str, value)) if len(value) <= 4 else f"{len(value)} variables"


def versions(data: dict) -> list[str]:
    """Program versions a reference file records (lavaan, R, semTools, seminr, ADANCO ...)."""
    found = {}
    for key, value in data.items():
        if (key.endswith("_version") and isinstance(value, str)
                and key[: -8] not in ("numpy", "pandas", "python")):
            found[{"semtools": "semTools"}.get(key[: -8], key[: -8])] = value
    found.update({k: v for k, v in data.get("versions", {}).items()
                  if k not in ("numpy", "pandas", "python")})
    for case in (data.get("cases") or {}).values() if isinstance(data.get("cases"), dict) else []:
        if isinstance(case, dict) and case.get("adanco_version"):
            found["ADANCO"] = case["adanco_version"]
    return [f"{name} {re.sub(r'^R version ', '', v).split(' (')[0]}"
            for name, v in found.items()]


def case_names(data: dict, keys: list[str]) -> str:
    parts = []
    for key in keys:
        value = data.get(key)
        if isinstance(value, dict):
            parts.append(", ".join(f"`{k}`" for k in value))
        elif value and all(isinstance(v, str) for v in value):
            parts.append(", ".join(f"`{v}`" for v in value))
        elif value:
            parts.append(f"{len(value)} {key.replace('_', ' ')} settings")
    return "; ".join(parts) or data.get("description", "")


def comparison_section(entry: dict) -> str:
    program = entry["program"]
    out = [f"## {entry['title']} ({program})\n",
           f"**Compared:** {entry['what']}.  \n**Tolerance:** {entry['tolerance']}.  \n"
           f"**Test:** `{entry['test']}`.\n"]
    if entry.get("note"):
        out.append(entry["note"] + "\n")
    shown = [program_versions(entry)] if {"version", "installed"} & set(entry) else []
    if entry.get("file") == "cases.json":
        rows = []
        for case in lavaan_cases(entry):
            if not (REFERENCE / f"{case['name']}.json").exists():
                continue
            data = json.loads((REFERENCE / f"{case['name']}.json").read_text(encoding="utf-8"))
            options = ", ".join(f"{k}={option(v)}" for k, v in case.get("options", {}).items())
            rows.append([f"`{case['name']}`", case.get("description", ""), options or "defaults",
                         data.get("nobs", ""), ", ".join(shown or versions(data))])
        out.append(table(["case", "description", "options", "N", "program"], rows))
    elif "file" in entry:
        data = json.loads((REFERENCE / entry["file"]).read_text(encoding="utf-8"))
        rows = [[f"`{entry['file']}`", case_names(data, entry.get("cases", ["cases"])),
                 ", ".join(shown or versions(data))]]
        out.append(table(["reference file", "cases", "program"], rows))
    else:
        files = sorted(p.name for p in (REFERENCE / entry["folder"]).iterdir())
        schemes = sorted({f.split("_")[0] for f in files})
        rows = [[f"`{entry['folder']}/`", ", ".join(f"`{s}`" for s in schemes),
                 ", ".join(shown)]]
        out.append(table(["reference files", "cases", "program"], rows))
    return "\n".join(out)


def comparisons() -> list[dict]:
    """The entries of comparisons.toml whose reference file or folder is here."""
    with (REFERENCE / "comparisons.toml").open("rb") as fh:
        entries = tomllib.load(fh)["comparison"]
    return [e for e in entries if (REFERENCE / e.get("file", e.get("folder", ""))).exists()]


def program_versions(entry: dict) -> str:
    """The versions compared with: given, installed, or recorded in the reference file."""
    if "installed" in entry:
        return f"{entry['program']} {metadata.version(entry['installed'])}"
    if "version" in entry:
        return f"{entry['program']} {entry['version']}"
    name = entry["file"]
    if name == "cases.json":
        name = lavaan_cases(entry)[0]["name"] + ".json"
    return ", ".join(versions(json.loads((REFERENCE / name).read_text(encoding="utf-8"))))


def checked_against_page() -> str:
    entries = comparisons()
    summary = table(["comparison", "program", "test", "tolerance"],
                    [[e["title"], program_versions(e), f"`{e['test']}`", e["tolerance"]]
                     for e in entries])
    return ("# Checked against\n\n"
            "relqual's numbers are compared with established programs in its test suite, on "
            "every run, without R: the reference values are stored in `tests/reference/` "
            "(how to regenerate them: `tests/reference/README.md`). This page is generated from "
            "those files and from `tests/reference/comparisons.toml`.\n\n"
            + summary + "\n" + "\n".join(comparison_section(e) for e in entries))


# ------------------------------------------------------------------------------- API reference
def members(owner, module_name: str | None = None) -> list[str]:
    """Public functions and classes a module defines, or public methods and properties of a class
    (in the order of the source)."""
    names = []
    for name, obj in vars(owner).items():
        if name.startswith("_"):
            continue
        if module_name is None:                                  # a class
            if callable(obj) or isinstance(obj, (property, staticmethod, classmethod)):
                names.append(name)
        elif (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module_name:
            names.append(name)
    return names


API_NAMES: list[str] = []       # the full names api_page() documents (autosummary's stubs)


def autosummary(names: list[str], module: str = "relqual") -> str:
    API_NAMES.extend(f"{module}.{n}" for n in names)
    return (f".. currentmodule:: {module}\n\n.. autosummary::\n   :toctree: api\n\n"
            + "".join(f"   {n}\n" for n in names) + "\n")


def api_page() -> str:
    """Every name in ``relqual.__all__``, every function and class of the modules it exports,
    and every method of its classes (the Result above all)."""
    functions, classes, errors, modules = [], [], [], []
    for name in rq.__all__:
        obj = getattr(rq, name)
        if name.startswith("__"):
            continue
        if inspect.ismodule(obj):
            modules.append(name)
        elif inspect.isclass(obj) and issubclass(obj, (Exception, Warning)):
            errors.append(name)
        elif inspect.isclass(obj):
            classes.append(name)
        else:
            functions.append(name)
    out = ["API reference\n=============\n\n",
           "Everything ``import relqual as rq`` exports (``relqual.__all__``), generated from the "
           "numpydoc docstrings. The examples in them run in the test suite "
           "(``tests/test_doctests.py``).\n\n",
           "Functions\n---------\n\n", autosummary(functions)]
    for name in classes:
        cls = getattr(rq, name)
        out += [f"{name}\n{'-' * len(name)}\n\n", autosummary([name]),
                autosummary([f"{name}.{m}" for m in members(cls)])]
    out += ["Errors and warnings\n-------------------\n\n", autosummary(errors)]
    for name in modules:
        module = getattr(rq, name)
        title = f"rq.{name}"
        out += [f"{title}\n{'-' * len(title)}\n\n",
                (inspect.getdoc(module) or "").split("\n\n")[0] + "\n\n",
                autosummary(members(module, module.__name__), module.__name__)]
        for cname in members(module, module.__name__):
            cls = getattr(module, cname)
            if inspect.isclass(cls) and not issubclass(cls, (Exception, Warning)):
                out.append(autosummary([f"{cname}.{m}" for m in members(cls)], module.__name__))
    return "".join(out)


# ------------------------------------------------------------------------------------- notebooks
def copy_notebooks(folder: Path) -> None:
    sources = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in sources:
        write(folder / path.name, path.read_text(encoding="utf-8"))
    remove_others(folder, {p.name for p in sources} | {"index.md"})
    write(folder / "index.md",
          "# Notebooks\n\nWorked examples, shown with the outputs stored in `notebooks/` "
          "(the test suite runs them from top to bottom).\n\n```{toctree}\n:maxdepth: 1\n\n"
          + "\n".join(p.stem for p in sources) + "\n```\n")


def datasets_page() -> str:
    """data/DATASETS.md as a page (a document may not end with a horizontal rule)."""
    text = (ROOT / "data" / "DATASETS.md").read_text(encoding="utf-8").rstrip()
    return re.sub(r"\n-{3,}$", "", text).rstrip() + "\n"


def main(out: Path = OUT) -> None:
    write_library(out / "library")
    write(out / "constructs.md", constructs_page())
    write(out / "checked_against.md", checked_against_page())
    API_NAMES.clear()
    write(out / "api.rst", api_page())
    if (out / "api").exists():
        remove_others(out / "api", {f"{name}.rst" for name in API_NAMES})
    write(out / "datasets.md", datasets_page())
    copy_notebooks(out / "notebooks")


if __name__ == "__main__":
    main()
    print(f"wrote {OUT}")
