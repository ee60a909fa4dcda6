"""Fonts for Chinese labels in figures: find one that has the CJK glyphs, or say how to get one.

matplotlib's default font (DejaVu Sans) has no Chinese characters: they come out as empty boxes
("tofu"). :func:`cjk_family` returns the name of a font family that has them, registered with
matplotlib, from (in this order)

1. the font the ``cjk`` extra installs (``pip install "relqual[cjk]"``, included in ``dev``):
   Noto Sans SC from the data-only package ``pylopdf-fonts-zh-cn`` (SIL Open Font License 1.1),
   so figures look the same on every machine;
2. a system font with Simplified Chinese glyphs (Noto Sans CJK SC, Source Han Sans SC,
   WenQuanYi, Microsoft YaHei, SimHei, PingFang SC, ...), e.g. from Debian's ``fonts-noto-cjk``;
3. ``RELQUAL_CJK_FONT``: a path to any .ttf/.otf font file, which takes precedence over both.

Text is drawn with a family list (``[default sans, CJK family]``), so Latin letters and digits
keep the default font and matplotlib falls back per glyph to the CJK font.

A figure reports characters that no font has once, when it is made (:func:`font_family`, with
:func:`missing_glyphs`): a :class:`MissingFontWarning` saying what to install. matplotlib's own
"Glyph ... missing from font(s)" warnings for those characters, one per character and drawing,
are silenced (:func:`quiet_glyphs`). :func:`use_fonts` gives the texts of any matplotlib figure
a family with their glyphs.
"""
from __future__ import annotations

import os
import re
import warnings
from contextlib import contextmanager
from functools import cache

# Families with Simplified Chinese glyphs, best first (names as matplotlib reports them)
SYSTEM_FAMILIES = [
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Hiragino Sans GB", "Heiti SC", "STHeiti", "Sarasa Gothic SC", "Noto Sans CJK JP",
    "Droid Sans Fallback", "Arial Unicode MS",
]
TEST_TEXT = "顾客关系质量满意感信任归属"
INSTALL_HINT = ('install a Chinese font: pip install "relqual[cjk]" (Noto Sans SC), or a system '
                "font such as Debian's fonts-noto-cjk; or set RELQUAL_CJK_FONT to a .ttf/.otf file")


# matplotlib's warning for a character no font has: "Glyph 28385 (...) missing from font(s) X."
GLYPH_WARNING = re.compile(r"Glyph (\d+) \(.*\) missing from font")


class MissingFontWarning(UserWarning):
    """No font with Chinese glyphs was found: Chinese labels would show as empty boxes."""


def has_cjk(text: str) -> bool:
    """True when ``text`` contains CJK ideographs or CJK punctuation/full-width forms."""
    return any(0x3000 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF
               or 0xFF00 <= ord(c) <= 0xFFEF for c in text)


def covers(path: str, text: str = TEST_TEXT) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font
    try:
        charmap = FT2Font(str(path)).get_charmap()
    except Exception:                      # unreadable or unsupported font file
        return False
    return all(ord(c) in charmap for c in text if not c.isspace())


def _register(path: str) -> str | None:
    from matplotlib import font_manager
    if not os.path.exists(path) or not covers(path):
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _bundled_path() -> str | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    return str(pylopdf_fonts_zh_cn.sans_path())


@cache
def _find() -> tuple[str, str] | None:
    from matplotlib import font_manager
    own = os.environ.get("RELQUAL_CJK_FONT")
    if own:
        name = _register(own)
        if name:
            return name, own
        warnings.warn(f"RELQUAL_CJK_FONT={own!r} is not a font file with Chinese glyphs; "
                      "looking for another font", MissingFontWarning, stacklevel=3)
    bundled = _bundled_path()
    if bundled:
        name = _register(bundled)
        if name:
            return name, bundled
    by_name = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for family in SYSTEM_FAMILIES:
        path = by_name.get(family)
        if path and covers(path):
            return family, path
    return None


def cjk_family() -> str | None:
    """Name of a registered font family with Chinese glyphs, or None (see the module docstring)."""
    found = _find()
    return found[0] if found else None


def cjk_font_path() -> str | None:
    """File of the font :func:`cjk_family` names (None when there is none)."""
    found = _find()
    return found[1] if found else None


def font_family(texts=(), warn: bool = True) -> list[str]:
    """The family list for text that may contain Chinese: ``[default sans, CJK family]``.

    Parameters
    ----------
    texts : iterable of str
        Every text the figure will show (labels, item names, notes, titles).
    warn : bool
        Warn, once for all ``texts``, when some character has no glyph in the fonts found
        (:class:`MissingFontWarning`): for Chinese text without a Chinese font, with how to
        install one; for other characters, naming them.

    Returns
    -------
    list of str
        The family names, the default sans-serif first (Latin letters and digits keep it);
        matplotlib falls back per glyph to the CJK family.

    Examples
    --------
    >>> font_family(["Satisfaction"])
    ['DejaVu Sans']
    >>> font_family(["满意"])[1:] == [cjk_family()]
    True
    """
    import matplotlib as mpl
    texts = [str(t) for t in texts]
    base = list(mpl.rcParams["font.sans-serif"][:1] or ["DejaVu Sans"])
    needs_cjk = any(has_cjk(t) for t in texts)
    family = cjk_family() if needs_cjk else None
    out = base + [family] if family else base
    if warn:
        missing = missing_glyphs(texts, out)
        if needs_cjk and family is None:
            warnings.warn("no font with Chinese glyphs was found, so Chinese labels will show as "
                          "empty boxes; " + INSTALL_HINT, MissingFontWarning, stacklevel=3)
        elif missing:
            shown = "".join(missing[:12]) + ("..." if len(missing) > 12 else "")
            warnings.warn(f"no font found has the characters '{shown}' "
                          f"({', '.join(f'U+{ord(c):04X}' for c in missing[:3])}"
                          f"{', ...' if len(missing) > 3 else ''}), so they will show as empty "
                          f"boxes (fonts used: {', '.join(out)}); set RELQUAL_CJK_FONT to a "
                          ".ttf/.otf file that has them", MissingFontWarning, stacklevel=3)
    return out


@cache
def _charmap(path: str) -> frozenset:
    from matplotlib.ft2font import FT2Font
    try:
        return frozenset(FT2Font(str(path)).get_charmap())
    except Exception:                      # unreadable or unsupported font file
        return frozenset()


def _family_files(family) -> list[str]:
    """The font files matplotlib draws the families of ``family`` with."""
    from matplotlib import font_manager
    files = []
    for name in family:
        if name == cjk_family():
            files.append(cjk_font_path())
            continue
        try:
            files.append(font_manager.findfont(font_manager.FontProperties(family=[name]),
                                               fallback_to_default=False))
        except ValueError:                 # not installed: matplotlib skips it too
            continue
    return files


def missing_glyphs(texts, family) -> list[str]:
    """The characters of ``texts`` that no font of ``family`` has (they would draw as boxes).

    Parameters
    ----------
    texts : iterable of str
        The texts to draw.
    family : list of str
        Font family names, as given to matplotlib (e.g. from :func:`font_family`).

    Returns
    -------
    list of str
        The characters without a glyph, in order of first appearance (white space and control
        characters are not counted).

    Examples
    --------
    >>> missing_glyphs(["满意 R\u00b2"], ["DejaVu Sans"])
    ['满', '意']
    >>> missing_glyphs(["满意 R\u00b2"], font_family(["满意"]))
    []
    """
    charmaps = [_charmap(f) for f in _family_files(family)]
    out: list[str] = []
    for text in texts:
        for ch in str(text):
            if (ch.isspace() or ord(ch) < 32 or ch in out
                    or any(ord(ch) in cm for cm in charmaps)):
                continue
            out.append(ch)
    return out


@contextmanager
def quiet_glyphs(texts):
    """Silence matplotlib's "Glyph ... missing from font(s)" warnings for the characters of
    ``texts``, which :func:`font_family` has already reported (once, with the remedy).

    Warnings for other characters, and all other warnings, pass as usual.

    Parameters
    ----------
    texts : iterable of str
        The texts whose characters were checked.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with quiet_glyphs(["满"]):
    ...         warnings.warn("Glyph 28385 (\\N{CJK UNIFIED IDEOGRAPH-6EE1}) missing from font(s) "
    ...                       "DejaVu Sans.")
    ...         warnings.warn("Glyph 24847 (\\N{CJK UNIFIED IDEOGRAPH-610F}) missing from font(s) "
    ...                       "DejaVu Sans.")
    >>> [str(w.message)[:11] for w in caught]
    ['Glyph 24847']
    """
    codes = sorted({ord(ch) for text in texts for ch in str(text) if ord(ch) > 126})
    with warnings.catch_warnings():
        if codes:
            warnings.filterwarnings(
                "ignore", category=UserWarning,
                message=r"Glyph (?:{}) \(".format("|".join(map(str, codes))))
        yield


def use_fonts(fig):
    """Give every text of a matplotlib figure a font family that has its characters.

    For figures drawn with pyplot (histograms, scatter plots) whose titles, tick labels or
    legends may hold Chinese names; the path diagrams choose their fonts themselves.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, changed in place.

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> t = fig.text(0.1, 0.5, "满意 -> 忠诚")
    >>> use_fonts(fig).texts[0].get_fontfamily() == font_family(["满"])
    True
    """
    from matplotlib.text import Text
    texts = [t for t in fig.findobj(Text) if has_cjk(t.get_text())]
    if texts:
        family = font_family([t.get_text() for t in texts])
        for t in texts:
            t.set_fontfamily(family)
    return fig
