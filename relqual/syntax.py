"""lavaan model syntax -> a flat list of user statements.

The grammar follows the lavaan model syntax (Rosseel 2012, *J. Stat. Softw.* 48(2), section 5,
and the ``model.syntax`` manual page of the R package lavaan):

* operators ``=~`` (is measured by), ``~`` (is regressed on), ``~~`` (is correlated with),
  ``~ 1`` (intercept), ``:=`` (defined parameter), ``==``, ``<``, ``>`` (constraints) and ``|``
  (thresholds);
* a term on the right-hand side may carry modifiers joined by ``*``: a number fixes the
  parameter (``1*x``), ``NA`` frees it (``NA*x``), a name labels it (``a*x``; parameters sharing
  a label are constrained equal), ``start(.5)`` gives a starting value, ``label("a")`` and
  ``equal("a")`` name a label explicitly, and ``c(...)`` gives one modifier per group;
* names (variables and labels) are R's syntactic names, as in lavaan: letters of any script,
  digits, ``_`` and ``.``, not starting with a digit (``满意 =~ 满意1 + 满意2``; see
  :func:`is_name`);
* ``#`` and ``!`` start comments, ``;`` separates statements, and a line without an operator
  continues the statement above it (so long formulas may span lines).

Parsing is purely syntactic: which names are latent or observed is decided in
:mod:`relqual.partable`.  Every error names the line and the offending token.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Longest operators first, so that "=~" is not read as "=" and "~~" not as "~".
_OPERATOR_RE = re.compile(r"=~|<~|~~|:=|==|<=|>=|~|<|>|\|")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

# Characters a Chinese (or Japanese, Korean) input method types in place of ASCII syntax:
# full-width forms (U+FF01-FF5E) map to ASCII by an offset; the others are listed.
_WIDE_SYMBOLS = {"\u3000": " ", "\u3001": ",", "\u3002": ".", "\u201c": '"', "\u201d": '"',
                 "\u2018": "'", "\u2019": "'", "\u2014": "-", "\u2212": "-", "\u00d7": "*"}


def is_name(text: str) -> bool:
    """Whether ``text`` is a valid variable name or label in lavaan syntax.

    The rule is R's rule for syntactic names, which lavaan applies to every identifier
    (``lav_parse_check_name`` in lavaan's ``R/lav_syntax_parser.R`` tests
    ``make.names(x) == x``, after reading identifiers with ``[_.[:alpha:]][_.[:alnum:]]*``):
    letters of any script, digits, ``_`` and ``.``, not starting with a digit nor with a dot
    followed by a digit. "Letter" and "digit" are Unicode's (the characters Python allows in
    identifiers, plus ``.``), so ``满意1``, ``Zufriedenheit_ü`` and ``удовлетворённость`` are names.
    relqual also accepts a leading ``_``, as it always has (R does not).

    Parameters
    ----------
    text : str
        The candidate name.

    Returns
    -------
    bool

    Examples
    --------
    >>> [is_name(t) for t in ("满意1", "x.2", "_tmp", ".f", "2x", ".2x", "x-1", "满意 1")]
    [True, True, True, True, False, False, False, False]
    """
    if not text or (text[0] == "." and text[1:2].isdigit()):
        return False
    return text.replace(".", "_").isidentifier()


def _input_hint(text: str) -> str:
    """A hint when ``text`` holds full-width punctuation or invisible characters, else ''."""
    for ch in text:
        if 0xFF01 <= ord(ch) <= 0xFF5E and not ch.isalnum() and ch != "\uff3f":
            ascii_ch = chr(ord(ch) - 0xFEE0)
        elif ch in _WIDE_SYMBOLS:
            ascii_ch = _WIDE_SYMBOLS[ch]
        elif unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\t\n\r":
            what = " ".join(filter(None, [f"U+{ord(ch):04X}", unicodedata.name(ch, "")]))
            return (f"; it contains the invisible character {what} (copied from a web page or "
                    "Word?): delete it and type the name again")
        else:
            continue
        terms = " (terms are joined with '+')" if ascii_ch == "," else ""
        return (f"; it contains the full-width '{ch}' (U+{ord(ch):04X}) of a Chinese input "
                f"method: type '{ascii_ch}' in English input mode{terms}")
    return ""


class ModelSyntaxError(ValueError):
    """A problem in model syntax, located by line number and offending token.

    Parameters
    ----------
    message : str
        What is wrong.
    line : int, optional
        The (1-based) line of the model syntax at fault.
    token : str, optional
        The offending token (kept as ``.token``).
    text : str, optional
        The statement at fault, shown under the message.

    Examples
    --------
    >>> from relqual.syntax import ModelSyntaxError, parse
    >>> try:
    ...     parse("f =~ x1 + 2x")
    ... except ModelSyntaxError as exc:
    ...     print(exc.line, exc.token)
    ...     print(exc)
    1 2x
    line 1: not a valid variable name
      f =~ x1 + 2x
    """

    def __init__(self, message: str, line: int | None = None, token: str | None = None,
                 text: str | None = None):
        self.line, self.token, self.text = line, token, text
        where = f"line {line}: " if line is not None else ""
        shown = f"\n  {text.strip()}" if text else ""
        super().__init__(f"{where}{message}{shown}")


@dataclass
class Modifier:
    """What ``value*`` in front of a variable says about its parameter (one entry per group).

    Parameters
    ----------
    fixed : float, optional
        The value a number fixes the parameter at (``1*x``).
    free : bool
        ``NA*x``: the parameter is free even where a default would fix it.
    label : str, optional
        ``a*x``, ``label("a")*x`` or ``equal("a")*x``; parameters sharing a label are equal.
    start : float, optional
        ``start(.5)*x``: the starting value.

    Examples
    --------
    >>> from relqual.syntax import parse
    >>> parse("f =~ NA*x1 + a*x2")[1].modifiers
    [Modifier(fixed=None, free=False, label='a', start=None)]
    """

    fixed: float | None = None     # 1*x -> 1.0
    free: bool = False             # NA*x
    label: str | None = None       # a*x
    start: float | None = None     # start(.5)*x

    def merge(self, other: Modifier) -> Modifier:
        """Combine two modifiers of one term (``a*1*x``); ``other`` wins where both say something.

        Parameters
        ----------
        other : Modifier
            The modifier written later.

        Returns
        -------
        Modifier
            A new modifier; ``free`` is set when either is.

        Examples
        --------
        >>> Modifier(fixed=1.0).merge(Modifier(label="a"))
        Modifier(fixed=1.0, free=False, label='a', start=None)
        """
        return Modifier(
            fixed=other.fixed if other.fixed is not None else self.fixed,
            free=self.free or other.free,
            label=other.label if other.label is not None else self.label,
            start=other.start if other.start is not None else self.start,
        )


@dataclass
class Statement:
    """One parameter the user wrote: ``lhs op rhs`` with its modifiers and source line.

    Parameters
    ----------
    lhs, op, rhs : str
        The parameter; intercepts have ``op="~1"`` and ``rhs=""``.
    line : int
        The line of the model syntax it was written on.
    text : str
        The statement as written (for error messages).
    modifiers : list of Modifier
        One modifier, or one per group (``c(...)``).

    Examples
    --------
    >>> from relqual.syntax import parse
    >>> s = parse("y ~ c(b1, b2)*x")[0]
    >>> s.lhs, s.op, s.rhs, s.line, [m.label for m in s.modifiers]
    ('y', '~', 'x', 1, ['b1', 'b2'])
    """

    lhs: str
    op: str
    rhs: str
    line: int
    text: str
    modifiers: list[Modifier] = field(default_factory=lambda: [Modifier()])


def parse(syntax: str) -> list[Statement]:
    """Parse lavaan syntax into statements, one per (lhs, op, rhs) the user wrote.

    The grammar is lavaan's (see the module docstring); which names are latent is decided later,
    by :func:`relqual.partable.build_partable`.

    Parameters
    ----------
    syntax : str
        lavaan model syntax.

    Returns
    -------
    list of Statement
        In the order written; ``f =~ a + b`` gives one statement per indicator.

    Raises
    ------
    ModelSyntaxError
        Naming the line and the offending token.

    Examples
    --------
    >>> from relqual.syntax import parse
    >>> [(s.lhs, s.op, s.rhs) for s in parse("f =~ x1 + x2  # a comment; y ~ 1")]
    [('f', '=~', 'x1'), ('f', '=~', 'x2')]
    >>> [(s.lhs, s.op, s.rhs, s.line) for s in parse("f =~ x1 +\\n  x2; y ~ f + 1")]
    [('f', '=~', 'x1', 1), ('f', '=~', 'x2', 1), ('y', '~', 'f', 2), ('y', '~1', '', 2)]
    """
    if not isinstance(syntax, str):
        raise TypeError(f"model syntax must be a string, not {type(syntax).__name__}")
    # copies of the cached statements: callers may change theirs
    return [Statement(s.lhs, s.op, s.rhs, s.line, s.text, list(s.modifiers))
            for s in _parse_cached(syntax)]


@lru_cache(maxsize=256)
def _parse_cached(syntax: str) -> tuple[Statement, ...]:
    """:func:`parse` once per syntax string (its modifiers are never changed in place)."""
    # a byte-order mark left by a file read as text; "˜" (U+02DC) as lavaan reads it: '~'
    syntax = syntax.lstrip("\ufeff").replace("\u02dc", "~")
    statements: list[Statement] = []
    for line_no, text in _logical_lines(syntax):
        statements.extend(_parse_formula(text, line_no))
    if not statements:
        raise ModelSyntaxError("the model syntax contains no formulas")
    return tuple(statements)


def _logical_lines(syntax: str) -> list[tuple[int, str]]:
    """Strip comments, split on newlines and ';', and join continuation lines."""
    pieces: list[tuple[int, str]] = []
    for line_no, raw in enumerate(syntax.splitlines(), start=1):
        code = _strip_comment(raw)
        for part in code.split(";"):
            if part.strip():
                pieces.append((line_no, part.strip()))
    logical: list[tuple[int, str]] = []
    for line_no, text in pieces:
        operator = _OPERATOR_RE.search(_without_strings(text))
        if operator and logical and _continues(logical[-1][1], text):
            raise ModelSyntaxError(f"a new formula starts here, but the formula on line "
                                   f"{logical[-1][0]} is unfinished (it ends with '+' or '*')",
                                   line_no, operator.group(0), text)
        if operator:
            logical.append((line_no, text))
        elif logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + " " + text)
        else:
            raise ModelSyntaxError("this line has no operator (=~, ~, ~~, :=, ...)"
                                   + _input_hint(text), line_no, text.split()[0], text)
    return logical


def _continues(previous: str, text: str) -> bool:
    """A line continues the previous formula when one ends or the other starts with '+' or '*'."""
    return previous.rstrip().endswith(("+", "*")) or text.lstrip().startswith(("+", "*"))


def _strip_comment(line: str) -> str:
    in_quote = None
    for i, ch in enumerate(line):
        if ch in "\"'":
            in_quote = None if in_quote == ch else (ch if in_quote is None else in_quote)
        elif ch in "#!" and in_quote is None:
            return line[:i]
    return line


def _without_strings(text: str) -> str:
    return re.sub(r"\"[^\"]*\"|'[^']*'", "''", text)


UNSUPPORTED_OPERATORS = {"~*~": "scaling factors ('~*~')",
                         "%": "group weights ('%')"}


def _parse_formula(text: str, line: int) -> list[Statement]:
    for op, what in UNSUPPORTED_OPERATORS.items():
        if op in _without_strings(text):
            raise ModelSyntaxError(f"{what} are not supported by relqual yet", line, op, text)
    match = _OPERATOR_RE.search(_without_strings(text))
    op = match.group(0)
    lhs_text, rhs_text = text[:match.start()].strip(), text[match.end():].strip()
    if not lhs_text:
        raise ModelSyntaxError(f"nothing on the left of '{op}'", line, op, text)
    if not rhs_text:
        raise ModelSyntaxError(f"nothing on the right of '{op}'", line, op, text)

    if op in (":=", "==", "<", ">", "<=", ">="):
        if op == ":=" and not is_name(lhs_text):
            raise ModelSyntaxError("a defined parameter needs a plain name on the left of ':='",
                                   line, lhs_text, text)
        normalized = {"<=": "<", ">=": ">"}.get(op, op)
        return [Statement(lhs_text.replace(" ", ""), normalized, rhs_text.replace(" ", ""),
                          line, text)]

    lhs_names = [_check_variable(name, line, text)
                 for name in _split_top(lhs_text, "+", line, text)]
    terms = []
    for term in _split_top(rhs_text, "+", line, text):
        parts = _split_top(term, "*", line, text)
        variable, modifier_texts = parts[-1].strip(), parts[:-1]
        modifier = Modifier()
        for mod_text in modifier_texts:
            modifier = _merge_lists(modifier, _parse_modifier(mod_text.strip(), line, text))
        this_op, rhs = op, variable
        if op == "~" and variable == "1":
            this_op, rhs = "~1", ""
        elif op == "|":
            if not re.fullmatch(r"t\d+", variable):
                raise ModelSyntaxError("thresholds are written t1, t2, ...", line, variable, text)
        else:
            _check_variable(variable, line, text)
        terms.append((this_op, rhs, modifier if isinstance(modifier, list) else [modifier]))
    return [Statement(lhs, this_op, rhs, line, text, list(mods))       # lavaan's order
            for lhs in lhs_names for this_op, rhs, mods in terms]


def _merge_lists(a, b):
    """Combine modifiers that may be per-group lists (``c(...)``) or single."""
    a_list = a if isinstance(a, list) else [a]
    b_list = b if isinstance(b, list) else [b]
    if len(a_list) > 1 and len(b_list) > 1 and len(a_list) != len(b_list):
        raise ModelSyntaxError("c(...) modifiers of different lengths")
    n = max(len(a_list), len(b_list))
    merged = [a_list[min(i, len(a_list) - 1)].merge(b_list[min(i, len(b_list) - 1)])
              for i in range(n)]
    return merged if n > 1 else merged[0]


def _parse_modifier(mod: str, line: int, text: str):
    if mod.startswith("c(") and mod.endswith(")"):
        items = _split_top(mod[2:-1], ",", line, text)
        return [_parse_single_modifier(item.strip(), line, text) for item in items]
    return _parse_single_modifier(mod, line, text)


def _parse_single_modifier(mod: str, line: int, text: str) -> Modifier:
    if mod == "NA":
        return Modifier(free=True)
    if _NUMBER_RE.match(mod):
        return Modifier(fixed=float(mod))
    call = re.fullmatch(r"(start|label|equal)\((.*)\)", mod)
    if call:
        kind, arg = call.group(1), call.group(2).strip()
        if kind == "start":
            if not _NUMBER_RE.match(arg):
                raise ModelSyntaxError("start() needs a number", line, mod, text)
            return Modifier(start=float(arg))
        name = arg.strip("\"'")
        _check_name(name, line, text)
        return Modifier(label=name)
    if re.fullmatch(r"[\"'][^\"']+[\"']", mod):
        return Modifier(label=_check_name(mod[1:-1], line, text))
    if is_name(mod):
        return Modifier(label=mod)
    raise ModelSyntaxError("cannot read this modifier (expected a number, NA, a label, "
                           "start(value), label(\"name\") or c(...))" + _input_hint(mod),
                           line, mod, text)


def _check_name(name: str, line: int, text: str) -> str:
    name = name.strip()
    if not is_name(name):
        raise ModelSyntaxError("not a valid variable name" + _input_hint(name), line,
                               name or "(empty)", text)
    return name


def _check_variable(name: str, line: int, text: str) -> str:
    """A variable name, or a product term ``x:z`` (names joined by ':', lavaan's interaction
    term; which methods estimate it is decided by :mod:`relqual.interaction`)."""
    name = name.strip()
    if ":" in name:
        for part in name.split(":"):
            if not is_name(part.strip()) or part != part.strip():
                raise ModelSyntaxError("not a valid interaction term (write names joined by "
                                       "':', e.g. sat:comp)" + _input_hint(name), line,
                                       name, text)
        return name
    return _check_name(name, line, text)


def _split_top(text: str, sep: str, line: int, full: str) -> list[str]:
    """Split on ``sep`` outside parentheses and quotes; empty pieces are errors."""
    parts, depth, current, quote = [], 0, [], None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise ModelSyntaxError("unbalanced ')'", line, ")", full)
        elif ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    if depth != 0:
        raise ModelSyntaxError("unbalanced '('", line, "(", full)
    parts.append("".join(current))
    for part in parts:
        if not part.strip():
            raise ModelSyntaxError(f"empty term around '{sep}'", line, sep, full)
    return [p.strip() for p in parts]
