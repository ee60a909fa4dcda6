"""The docstring examples of every relqual module run as doctests (issue 12, item 6).

One test per module (``relqual``, ``relqual.X`` and ``relqual.engine.X``; not
``relqual.__main__``), found by walking the package, so a new module is covered without editing
this file. A module without examples passes. Examples run with ELLIPSIS and NORMALIZE_WHITESPACE;
warnings they raise (a RelqualWarning about dropped rows, say) are ignored, and matplotlib draws
on the Agg backend.
"""
import doctest
import functools
import importlib
import inspect
import os
import pkgutil
import warnings

import pytest

SKIP = {"relqual.__main__"}
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def module_names() -> list[str]:
    """``relqual`` and every module below it (subpackages included), sorted."""
    package = importlib.import_module("relqual")
    names = {"relqual"}
    for info in pkgutil.walk_packages(package.__path__, prefix="relqual.",
                                      onerror=lambda name: None):
        if info.name not in SKIP:
            names.add(info.name)
    return sorted(names)


def find_tests(module) -> list[doctest.DocTest]:
    """The module's doctests, plus those of ``functools.cached_property`` members of its classes
    (which :class:`doctest.DocTestFinder` does not visit)."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = finder.find(module, module.__name__)
    for cls_name, cls in vars(module).items():
        if not inspect.isclass(cls) or cls.__module__ != module.__name__:
            continue
        for attr, value in vars(cls).items():
            if isinstance(value, functools.cached_property) and value.__doc__:
                name = f"{module.__name__}.{cls_name}.{attr}"
                tests += finder.find(value.func, name, module=module, globs=vars(module))
    return sorted(tests, key=lambda t: t.name)


@pytest.mark.parametrize("name", module_names())
def test_module_examples(name, monkeypatch):
    # matplotlib on Agg before the module (and so perhaps pyplot) is imported; the variable is
    # restored afterwards, so that subprocesses of other tests (notebook kernels) do not see it
    monkeypatch.setenv("MPLBACKEND", "Agg")
    module = importlib.import_module(name)
    try:
        tests = find_tests(module)
    except ValueError as exc:               # a docstring doctest cannot parse
        pytest.fail(f"{name}: {exc}", pytrace=False)
    if not any(t.examples for t in tests):
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runner = doctest.DocTestRunner(optionflags=OPTIONS, verbose=False)
    report: list[str] = []
    cwd = os.getcwd()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for test in tests:
                runner.run(test, out=report.append)
    finally:
        os.chdir(cwd)                       # an example that changes directory
        plt.close("all")
    if runner.failures:
        pytest.fail(f"{runner.failures} of {runner.tries} example(s) failed in {name}:\n"
                    + "".join(report), pytrace=False)
