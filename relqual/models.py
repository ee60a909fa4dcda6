"""The model library: ready-made model specs shipped in ``models/`` (one TOML file per model).

A spec file holds ``name``, ``title`` (and ``title_zh``), ``description``, ``references``,
``syntax`` (lavaan model syntax), ``population`` (the same model with every parameter fixed to
its population value, for simulation), ``constructs`` (a list of ids in the construct catalog
``models/constructs.toml``, or ``[constructs.ID]`` tables with labels and items),
``[[hypotheses]]`` (``id lhs op rhs sign statement``) and optional ``[alternatives.NAME]``
(competing models for the same data: ``syntax``, ``title``, ``description``, ``hypotheses``).
Other keys are kept in ``ModelSpec.extra``.

The construct catalog is the single place for construct names, definitions, sources and item
wordings: :func:`constructs` and :func:`items` list it, and a spec's ``constructs`` resolve to
catalog entries restricted to the items the model's syntax uses.
"""
from __future__ import annotations

import builtins
import copy
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .syntax import parse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PACKAGE = "relqual.models_data"
CATALOG = "constructs"          # models/constructs.toml: the construct catalog, not a model


@dataclass
class ModelSpec:
    """A library model: lavaan syntax plus the theory around it.

    Examples
    --------
    >>> import relqual as rq
    >>> spec = rq.models.load("relationship_quality")
    >>> spec.name, sorted(spec.constructs), len(spec.hypotheses)
    ('relationship_quality', ['AC', 'CC', 'CF', 'SAT', 'TR'], 9)
    >>> rq.models.ModelSpec(name="sat", syntax="SAT =~ sat1 + sat2 + sat3", title="Satisfaction")
    ModelSpec('sat': Satisfaction)
    """

    name: str
    syntax: str
    title: str = ""
    title_zh: str = ""
    description: str = ""
    references: list[str] = field(default_factory=list)
    population: str | None = None
    constructs: dict = field(default_factory=dict)
    hypotheses: list[dict] = field(default_factory=list)
    alternatives: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: str | Path) -> ModelSpec:
        """Read a model file in TOML (the format of the library's ``models/*.toml``).

        The file may be saved in UTF-8 (with or without a byte-order mark, as Windows Notepad
        writes it), UTF-16 with a byte-order mark, or GB18030/GBK (see :func:`read_model_text`).

        Parameters
        ----------
        path : str or Path
            The ``.toml`` file; it needs ``name`` and ``syntax`` entries.

        Returns
        -------
        ModelSpec

        Raises
        ------
        ValueError
            Naming the file, when it is not valid TOML, lacks ``name`` or ``syntax``, names an
            unknown construct, or cannot be decoded (the encodings tried are listed).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "satisfaction.toml"
        ...     _ = path.write_text('name = "满意"\\nsyntax = "满意 =~ 满意1 + 满意2 + 满意3"\\n',
        ...                         encoding="utf-8-sig")
        ...     spec = ModelSpec.from_toml(path)
        >>> spec.name, spec.syntax
        ('满意', '满意 =~ 满意1 + 满意2 + 满意3')
        """
        path = Path(path)
        try:
            raw = tomllib.loads(read_model_text(path))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not a valid model file: {exc}") from None
        for key in ("name", "syntax"):
            if key not in raw:
                raise ValueError(f"{path}: model file has no '{key}' entry")
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        values = {k: v for k, v in raw.items() if k in known}
        if "constructs" in values:
            try:
                values["constructs"] = _resolve_constructs(values["constructs"], raw["syntax"])
            except KeyError as exc:
                raise ValueError(f"{path}: {exc.args[0]}") from None
        return cls(**values, extra={k: v for k, v in raw.items() if k not in known})

    def hypotheses_table(self) -> pd.DataFrame:
        """The hypotheses as a table: ``id lhs op rhs sign statement statement_zh``.

        Examples
        --------
        >>> table = load("relationship_quality").hypotheses_table()
        >>> table[["id", "lhs", "op", "rhs", "sign"]].head(3)
           id  lhs op  rhs sign
        0  H1  SAT  ~   CF    +
        1  H2   TR  ~  SAT    +
        2  H3   TR  ~   CF    +
        """
        return pd.DataFrame(self.hypotheses)

    def label(self, name: str, lang: str = "en") -> str:
        """The display name of a variable: the model's own construct entry, else the catalog's.

        Parameters
        ----------
        name : str
            A variable of the model (e.g. "SAT").
        lang : str
            "en" or "zh".

        Returns
        -------
        str
            The label, or ``name`` when neither the model nor the catalog has one.

        Examples
        --------
        >>> spec = load("relationship_quality")
        >>> spec.label("SAT"), spec.label("SAT", "zh"), spec.label("x1")
        ('Satisfaction', '顾客满意感', 'x1')
        """
        return construct_label(name, lang, self.constructs)

    def plot(self, path=None, **options):
        """The hypothesised model before any data: hypothesis ids and expected signs on the
        arrows (``lang="zh"`` for Chinese labels; ``path`` saves PNG/SVG/PDF). Returns a
        matplotlib Figure (options: :func:`relqual.plot.model_diagram`).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> fig = load("relationship_quality").plot()
        >>> len(fig.axes), bool(fig.axes[0].texts)
        (1, True)
        >>> plt.close(fig)
        """
        from .plot import model_diagram
        return model_diagram(self, path, **options)

    def alternative(self, name: str) -> ModelSpec:
        """A competing model in ``[alternatives.NAME]``: same constructs and population (the
        data-generating model), its own syntax and hypotheses. Also ``load("model:NAME")``.

        Examples
        --------
        >>> alt = load("loyalty_stages").alternative("with_skips")
        >>> alt.name, alt.extra
        ('loyalty_stages:with_skips', {'alternative_of': 'loyalty_stages'})
        >>> load("loyalty_stages:with_skips").syntax == alt.syntax
        True
        """
        if name not in self.alternatives:
            have = ", ".join(sorted(self.alternatives)) or "none"
            raise KeyError(f"model '{self.name}' has no alternative '{name}' "
                           f"(alternatives: {have})")
        alt = self.alternatives[name]
        return ModelSpec(name=f"{self.name}:{name}", syntax=alt["syntax"],
                         title=alt.get("title", f"{self.title} ({name})"),
                         title_zh=alt.get("title_zh", self.title_zh),
                         description=alt.get("description", ""), references=self.references,
                         population=self.population,
                         constructs=self.constructs,
                         hypotheses=alt.get("hypotheses", []), extra={"alternative_of": self.name})

    def __repr__(self) -> str:
        return f"ModelSpec({self.name!r}: {self.title})"


def _model_files() -> dict[str, Path]:
    folder = resources.files(_PACKAGE)
    files = {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".toml")}
    files.pop(CATALOG, None)
    return files


# --------------------------------------------------------------------------- construct catalog
@lru_cache(maxsize=1)
def _catalog() -> dict:
    with resources.files(_PACKAGE).joinpath(f"{CATALOG}.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    scales = raw.get("scales", {})
    out = {}
    for cid, entry in raw.get("constructs", {}).items():
        items = []
        for item in entry.get("items", []):
            scale = item.get("scale", entry.get("scale", "agree5"))
            items.append({"id": item["id"], "text": item["text"],
                          "text_zh": item.get("text_zh", ""),
                          "dimension": item.get("dimension", ""), "scale": scale,
                          "points": scales[scale]["points"],
                          "reverse": bool(item.get("reverse", False))})
        out[cid] = {**{k: v for k, v in entry.items() if k not in ("items", "scale")},
                    "id": cid, "items": items}
    return {"constructs": out, "scales": scales}


def construct_label(name: str, lang: str = "en", constructs: dict | None = None) -> str:
    """The display name of a construct, from ``constructs`` (a model's entries) or the catalog.

    Parameters
    ----------
    name : str
        The construct id or variable name; a model's entry is also found under ``name.upper()``.
    lang : str
        "en", or "zh" for the Chinese label (the English one when there is none).
    constructs : dict, optional
        ``{id: entry}`` of a model (``ModelSpec.constructs``), looked up before the catalog.

    Returns
    -------
    str
        The label, or ``name`` itself when there is none.

    Examples
    --------
    >>> construct_label("SAT"), construct_label("SAT", "zh"), construct_label("x1")
    ('Satisfaction', '顾客满意感', 'x1')
    """
    constructs = constructs or {}
    entry = constructs.get(name) or constructs.get(name.upper()) or {}
    if not entry:
        entry = _catalog()["constructs"].get(name, {})
    if lang == "zh" and entry.get("label_zh"):
        return entry["label_zh"]
    return entry.get("label") or name


def _resolve_constructs(constructs, syntax: str) -> dict:
    """A spec's ``constructs`` (catalog ids, or tables) -> {id: entry}; catalog entries keep only
    the items the model syntax uses. A table entry without ``items`` is merged over the catalog
    entry of the same id (or of its ``catalog`` key), so a model can add a ``note``."""
    catalog = _catalog()["constructs"]
    names = {name for s in parse(syntax) for name in (s.lhs, s.rhs)}
    entries = ({cid: {} for cid in constructs}
               if isinstance(constructs, (builtins.list, tuple)) else constructs)
    out = {}
    for cid, own in entries.items():
        own = dict(own or {})
        if "items" in own:                     # a self-contained construct table
            out[cid] = own
            continue
        base = own.pop("catalog", cid)
        if base not in catalog:
            raise KeyError(f"construct '{base}' is not in the construct catalog "
                           f"({CATALOG}.toml); known: {', '.join(sorted(catalog))}")
        entry = copy.deepcopy(catalog[base])
        entry["items"] = [item for item in entry["items"] if item["id"] in names]
        out[cid] = {**entry, **own}
    return out


def constructs() -> pd.DataFrame:
    """The construct catalog: one row per construct (``id label label_zh definition dimensions
    source n_items models``), ``models`` naming the library models that use it.

    Examples
    --------
    >>> import relqual as rq
    >>> catalog = rq.models.constructs().set_index("id")
    >>> catalog.loc["SAT", "label"], catalog.loc["SAT", "label_zh"]
    ('Satisfaction', '顾客满意感')
    >>> int(catalog.loc["SAT", "n_items"])
    5
    >>> "relationship_quality" in catalog.loc["SAT", "models"]
    True
    """
    used: dict = {}
    for name, path in sorted(_model_files().items()):
        for cid in ModelSpec.from_toml(path).constructs:
            used.setdefault(cid, []).append(name)
    rows = []
    for cid, c in _catalog()["constructs"].items():
        rows.append(dict(id=cid, label=c.get("label", ""), label_zh=c.get("label_zh", ""),
                         definition=c.get("definition", ""),
                         definition_zh=c.get("definition_zh", ""),
                         dimensions=", ".join(c.get("dimensions", [])), source=c.get("source", ""),
                         n_items=len(c["items"]), models=", ".join(used.get(cid, []))))
    return pd.DataFrame(rows)


def items(construct: str | None = None) -> pd.DataFrame:
    """The catalog's items: ``construct id text text_zh dimension scale points reverse``.

    Examples
    --------
    >>> import relqual as rq
    >>> rq.models.items("SAT")[["construct", "id", "scale", "points", "reverse"]]
      construct    id   scale  points  reverse
    0       SAT  sat1  agree5       5    False
    1       SAT  sat2  agree5       5    False
    2       SAT  sat3  agree5       5    False
    3       SAT  sat4  agree5       5    False
    4       SAT  sat5  agree5       5     True
    """
    catalog = _catalog()["constructs"]
    if construct is not None and construct not in catalog:
        raise KeyError(f"construct '{construct}' is not in the construct catalog")
    rows = [{"construct": cid, **item} for cid, c in catalog.items()
            if construct in (None, cid) for item in c["items"]]
    return pd.DataFrame(rows, columns=["construct", "id", "text", "text_zh", "dimension", "scale",
                                       "points", "reverse"])


def scales() -> dict:
    """The answer scales of the catalog: {name: {points, labels, labels_zh}}.

    Examples
    --------
    >>> import relqual as rq
    >>> agree = rq.models.scales()["agree5"]
    >>> agree["points"], agree["labels"][0], agree["labels_zh"][-1]
    (5, 'strongly disagree', '非常同意')
    """
    return copy.deepcopy(_catalog()["scales"])


def list() -> pd.DataFrame:  # noqa: A001 - the public name in the API contract
    """The library's models: name, title, number of hypotheses.

    Examples
    --------
    >>> import relqual as rq
    >>> library = rq.models.list().set_index("name")
    >>> library.columns.tolist()
    ['title', 'title_zh', 'hypotheses', 'constructs']
    >>> library.loc["relationship_quality", ["hypotheses", "constructs"]].tolist()
    [9, 5]
    """
    rows = []
    for _name, path in sorted(_model_files().items()):
        spec = ModelSpec.from_toml(path)
        rows.append(dict(name=spec.name, title=spec.title, title_zh=spec.title_zh,
                         hypotheses=len(spec.hypotheses), constructs=len(spec.constructs)))
    return pd.DataFrame(rows)


def load(name: str) -> ModelSpec:
    """A library model by name, a competing model as ``"name:alternative"``, or a model file.

    Examples
    --------
    >>> import relqual as rq
    >>> rq.models.load("relationship_quality")
    ModelSpec('relationship_quality': Customer relationship quality: ...)
    >>> rq.models.load("loyalty_stages:with_skips").extra
    {'alternative_of': 'loyalty_stages'}
    >>> rq.models.load("no_such_model")
    Traceback (most recent call last):
    ...
    KeyError: "no library model named 'no_such_model'; available: acsi, ..."
    """
    path = Path(name)
    if path.suffix == ".toml" and path.exists():
        return ModelSpec.from_toml(path)
    files = _model_files()
    if ":" in name and name.split(":", 1)[0] in files:
        base, alternative = name.split(":", 1)
        return ModelSpec.from_toml(files[base]).alternative(alternative)
    if name not in files:
        raise KeyError(f"no library model named '{name}'; available: {', '.join(sorted(files))}")
    return copy.deepcopy(_library_spec(files[name]))   # a copy: the caller may change it


@lru_cache(maxsize=64)
def _library_spec(path: Path) -> ModelSpec:
    """A shipped model file, read once (the package's files do not change while it runs)."""
    return ModelSpec.from_toml(path)


# The encodings a model file may be in, as tried (byte-order marks are read first).
MODEL_ENCODINGS = ("UTF-8 (with or without BOM)", "UTF-16", "UTF-32 with BOM", "GB18030/GBK",
                   "Big5")
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def read_model_text(path: str | Path) -> str:
    """The text of a model file, whatever encoding a Windows or Chinese editor saved it in.

    A byte-order mark decides the encoding (UTF-8, UTF-16 LE/BE, UTF-32); without one the file
    is read as UTF-8, as UTF-16 when it is full of zero bytes (UTF-16 without BOM), and else as
    the Chinese "ANSI" encodings of Notepad when the text they give is Chinese: GB18030
    (GBK/GB2312, Simplified Chinese Windows), or Big5 (Traditional Chinese Windows) when GBK
    would read the bytes as rare characters outside GB2312. The byte-order mark is not part of
    the text.

    Parameters
    ----------
    path : str or Path
        The file (lavaan syntax or a ``.toml`` model file).

    Returns
    -------
    str
        The text, with Windows line ends kept (the parser accepts them).

    Raises
    ------
    ValueError
        When no encoding reads the file, naming the file and the encodings tried.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> saved = {"UTF-8 with BOM": "忠诚 ~ 满意".encode("utf-8-sig"),
    ...          "UTF-16 LE": "\\ufeff忠诚 ~ 满意".encode("utf-16-le"),
    ...          "UTF-16 BE": "\\ufeff忠诚 ~ 满意".encode("utf-16-be"),
    ...          "GB18030": "忠诚 ~ 满意".encode("gb18030"),
    ...          "Big5": "忠誠 ~ 滿意".encode("big5")}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "model.txt"
    ...     for name, data in saved.items():
    ...         _ = path.write_bytes(data)
    ...         print(name, read_model_text(path))
    UTF-8 with BOM 忠诚 ~ 满意
    UTF-16 LE 忠诚 ~ 满意
    UTF-16 BE 忠诚 ~ 满意
    GB18030 忠诚 ~ 满意
    Big5 忠誠 ~ 滿意
    """
    path = Path(path)
    data = path.read_bytes()
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                name = encoding.split("-sig")[0].upper()
                raise ValueError(f"cannot read the model file '{path}': it starts with a "
                                 f"{name} byte-order mark, but byte {exc.start} is not "
                                 f"{name}; open it in a text editor and save it as UTF-8 "
                                 "(Notepad: File > Save as > Encoding: UTF-8)") from None
    if data.count(b"\x00") > len(data) // 4:             # UTF-16 without a byte-order mark
        odd_zeros = data[1::2].count(0) > data[0::2].count(0)
        try:
            return data.decode("utf-16-le" if odd_zeros else "utf-16-be")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        readings = {}
        for encoding in ("gb18030", "big5"):
            try:
                readings[encoding] = data.decode(encoding)
            except UnicodeDecodeError:
                continue
        readings = {k: v for k, v in readings.items() if _looks_chinese(v)}
        simplified = readings.get("gb18030")
        if simplified is not None and _encodes(simplified, "gb2312"):
            return simplified                 # GB2312 text: the common case
        if "big5" in readings:                # Traditional Chinese, which GBK misreads
            return readings["big5"]
        if simplified is not None:
            return simplified
    raise ValueError(f"cannot read the model file '{path}': it is not in any of the encodings "
                     f"tried ({', '.join(MODEL_ENCODINGS)}); open it in a text editor and save "
                     "it as UTF-8 (Notepad: File > Save as > Encoding: UTF-8)")


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _looks_chinese(text: str) -> bool:
    """Most non-ASCII characters are Chinese (a GB18030 reading that is not a misreading)."""
    from .fonts import has_cjk
    wide = [c for c in text if ord(c) > 127]
    return sum(has_cjk(c) for c in wide) >= 0.8 * len(wide)


_MODEL_SUFFIXES = (".txt", ".toml", ".lav", ".lavaan", ".mod", ".model", ".r", ".sem")


def resolve_model(model) -> ModelSpec:
    """A model given as syntax, a ModelSpec, a library name or a model-file path -> ModelSpec.

    Parameters
    ----------
    model : str, Path or ModelSpec
        lavaan syntax (anything with ``~`` or ``:=``), a library model name
        (``"relationship_quality"``, ``"trust_cumulative_satisfaction:satisfaction_first"``), a
        ``.toml`` model file or a text file of lavaan syntax.

    Returns
    -------
    ModelSpec

    Raises
    ------
    ValueError
        When ``model`` is none of these (a file name such as ``"model.txt"`` that does not exist
        is named as a missing file), or a model file cannot be read.

    Examples
    --------
    >>> resolve_model("f =~ x1 + x2 + x3").name
    'user model'
    >>> resolve_model("relationship_quality").name
    'relationship_quality'

    A text file of lavaan syntax may be in any encoding :func:`read_model_text` reads (UTF-8
    with or without BOM, UTF-16, GB18030/GBK, Big5), as Windows Notepad saves it:

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "model.txt"
    ...     _ = path.write_text("满意 =~ 满意1 + 满意2 + 满意3", encoding="utf-16")
    ...     resolve_model(path).syntax
    '满意 =~ 满意1 + 满意2 + 满意3'
    """
    if isinstance(model, ModelSpec):
        return model
    if not isinstance(model, (str, Path)):
        raise TypeError("model must be lavaan syntax, a ModelSpec, a library model name or a "
                        f"path to a model file (got {type(model).__name__})")
    text = str(model)
    path = Path(text).expanduser() if "\n" not in text and len(text) < 4096 else None
    if path is not None and path.is_file():
        if path.suffix.lower() == ".toml":
            return ModelSpec.from_toml(path)
        return ModelSpec(name=path.stem, syntax=read_model_text(path))
    if any(op in text for op in ("~", ":=")):
        return ModelSpec(name="user model", syntax=text)
    if path is not None and (isinstance(model, Path) or path.suffix.lower() in _MODEL_SUFFIXES):
        raise ValueError(f"there is no model file '{path}' (looked in {Path.cwd()}); check the "
                         "file name and folder, or give the model syntax itself")
    try:
        return load(text)
    except KeyError as exc:
        raise ValueError(f"'{text}' is neither model syntax (no '=~', '~' or '~~' found), nor a "
                         f"model file, nor a library model. {exc.args[0]}") from None
