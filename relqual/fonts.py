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
"""
from __future__ import annotations

import os
import warnings
from functools import lru_cache

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


class MissingFontWarning(UserWarning):
    """No font with Chinese glyphs was found: Chinese labels would show as empty boxes."""


def has_cjk(text: str) -> bool:
    """True when ``text`` contains CJK ideographs or CJK punctuation/full-width forms."""
    return any(0x3000 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF or 0xFF00 <= ord(c) <= 0xFFEF
               for c in text)


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


@lru_cache(maxsize=None)
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

    Warns (:class:`MissingFontWarning`) when some text has Chinese characters and no font has
    them, with how to install one.
    """
    import matplotlib as mpl
    base = list(mpl.rcParams["font.sans-serif"][:1] or ["DejaVu Sans"])
    needs_cjk = any(has_cjk(str(t)) for t in texts)
    if not needs_cjk:
        return base
    family = cjk_family()
    if family is None:
        if warn:
            warnings.warn("no font with Chinese glyphs was found, so Chinese labels will show as "
                          "empty boxes; " + INSTALL_HINT, MissingFontWarning, stacklevel=3)
        return base
    return base + [family]
