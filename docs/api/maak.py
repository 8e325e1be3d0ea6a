"""Write ``docs/api/verkenning.md``, the reference of the exploration API, from its docstrings.

A section per public module of ``analysis.verkenning`` (the package, and each module whose
name does not start with an underscore): its docstring, then its public classes and functions
in the order of the source, each with its signature and docstring, and for a class its public
methods and properties. ``make docs`` runs it; ``tests/verkenning/test_api_docs.py`` fails when
the committed page differs from what it writes.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from functools import cached_property
from pathlib import Path
from types import ModuleType

PACKAGE = "analysis.verkenning"
PAGE = Path(__file__).with_name("verkenning.md")
HEADER = """# Reference: the exploration API (`analysis.verkenning`)

Generated from the docstrings by `docs/api/maak.py` (`make docs`); do not edit by hand. The
notebooks in `notebooks/verkennen/` use this API and nothing else of the package.
"""


def modules() -> list[ModuleType]:
    """The package and its public modules, in alphabetical order."""
    package = importlib.import_module(PACKAGE)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                   if not info.name.startswith("_"))
    return [package, *(importlib.import_module(f"{PACKAGE}.{name}") for name in names)]


def _line(obj: object) -> int:
    try:
        return inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        return 0


def _annotation(value: object) -> str:
    """An annotation as written (they are strings under ``from __future__ import
    annotations``)."""
    return value if isinstance(value, str) else inspect.formatannotation(value)


def _default(value: object) -> str:
    """A default as written: a function by its name (its repr holds an address)."""
    return value.__qualname__ if inspect.isfunction(value) else repr(value)


def signature(obj: object) -> str:
    """``obj``'s parameters and return annotation, as its source writes them."""
    try:
        found = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    parts, starred = [], False
    for parameter in found.parameters.values():
        kind = parameter.kind
        if kind is parameter.KEYWORD_ONLY and not starred:
            parts.append("*")
        starred = starred or kind in (parameter.VAR_POSITIONAL, parameter.KEYWORD_ONLY)
        text = {parameter.VAR_POSITIONAL: "*", parameter.VAR_KEYWORD: "**"}.get(kind, "")
        text += parameter.name
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            text += (" = " if parameter.annotation is not parameter.empty else "=") + _default(
                parameter.default)
        parts.append(text)
    if any(p.kind is p.POSITIONAL_ONLY for p in found.parameters.values()):
        last = max(i for i, p in enumerate(found.parameters.values())
                   if p.kind is p.POSITIONAL_ONLY)
        parts.insert(last + 1, "/")
    returns = found.return_annotation
    arrow = "" if returns is found.empty else f" -> {_annotation(returns)}"
    return f"({', '.join(parts)}){arrow}"


def _doc(obj: object) -> str:
    return inspect.getdoc(obj) or "(no docstring)"


def _members(module: ModuleType) -> list[tuple[str, object]]:
    """The public classes and functions defined in ``module``, in source order."""
    found = [(name, obj) for name, obj in vars(module).items()
             if not name.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
             and obj.__module__ == module.__name__]
    return sorted(found, key=lambda item: _line(item[1]))


def _klasse(name: str, cls: type) -> list[str]:
    """A class: its constructor's parameters, its docstring, and its public methods and
    properties (not its dataclass fields, which the parameters name)."""
    lines = [f"### class `{name}{signature(cls).removesuffix(' -> None')}`", "", _doc(cls), ""]
    fields = {field.name for field in dataclasses.fields(cls)} if dataclasses.is_dataclass(
        cls) else set()
    attributes = [(key, value) for key, value in vars(cls).items()
                  if not key.startswith("_") and key not in fields]
    for key, value in sorted(attributes, key=lambda item: _line(
            getattr(item[1], "fget", None) or getattr(item[1], "func", None) or item[1])):
        if isinstance(value, property | cached_property):
            lines += [f"#### `{name}.{key}` (property)", "", _doc(value), ""]
        elif isinstance(value, staticmethod | classmethod):
            lines += [f"#### `{name}.{key}{signature(getattr(cls, key))}`", "",
                      _doc(value.__func__), ""]
        elif inspect.isfunction(value):
            shown = signature(value).replace("(self, ", "(").replace("(self)", "()")
            lines += [f"#### `{name}.{key}{shown}`", "", _doc(value), ""]
    return lines


def section(module: ModuleType) -> list[str]:
    """The section of one module."""
    lines = [f"## `{module.__name__}`", "", _doc(module), ""]
    if module.__name__ == PACKAGE:
        exported = getattr(module, "__all__", [])
        lines += ["Exports: " + ", ".join(
            f"`{name}` (from `{getattr(module, name).__module__}`)" for name in exported), ""]
        return lines
    for name, obj in _members(module):
        if inspect.isclass(obj):
            lines += _klasse(name, obj)
        else:
            lines += [f"### `{name}{signature(obj)}`", "", _doc(obj), ""]
    return lines


def pagina() -> str:
    """The whole page."""
    lines = [HEADER]
    for module in modules():
        lines += section(module)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    PAGE.write_text(pagina(), encoding="utf-8")
    print(f"Geschreven: {PAGE}")
