"""Every public name of the analyst's side says what it does, with an example that runs
(make test runs them with --doctest-modules)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import codesign_widgets

PACKAGE = Path(codesign_widgets.__file__).parent
MODULES = [f"codesign_widgets.analysis.{m.name}"
           for m in pkgutil.iter_modules([str(PACKAGE / "analysis")])]  # fmt: skip
MODULES += [f"codesign_widgets.{a}.analysis" for a in ("goals", "network", "scoring")]
#: Examples that would start a kernel or a server: shown as code, not run.
NOT_RUN = {"codesign_widgets.analysis.report.build_report"}


def _public():
    for name in MODULES:
        module = importlib.import_module(name)
        for public in module.__all__:
            thing = getattr(module, public)
            if inspect.isfunction(thing) or inspect.isclass(thing):
                yield f"{name}.{public}", thing
                if inspect.isclass(thing) and thing.__module__ == name:
                    for method, value in vars(thing).items():
                        if callable(value) and not method.startswith("_"):
                            yield f"{name}.{public}.{method}", value


def test_every_public_name_has_a_docstring_with_an_example():
    missing = [name for name, thing in _public()
               if ">>>" not in (inspect.getdoc(thing) or "") and name not in NOT_RUN]  # fmt: skip
    assert missing == []


def test_the_module_docstrings_name_only_methods_that_exist():
    import re

    from codesign_widgets.analysis import workshop_data
    from codesign_widgets.analysis.loaded_data import WorkshopData

    named = set(re.findall(r"data\.(\w+)\(", workshop_data.__doc__))
    assert named
    assert named <= set(dir(WorkshopData))
