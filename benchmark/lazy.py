"""Names a package loads on first use (PEP 562), so importing the package stays cheap: `khabar
--help` and `khabar score --conll` never read the modules they do not need."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping


def lazy_names(package: str, where: Mapping[str, str | tuple[str, str]],
               names: Iterable[str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of `package`: each name of `where` is read on first use
    from its submodule (`"module"`, or `("module", "attribute")` under another name) and kept
    in the package, so the next use is a plain lookup; `names` are what `dir()` adds."""
    listed = set(names)

    def __getattr__(name: str):
        found = where.get(name)
        if found is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attr = found if isinstance(found, tuple) else (found, name)
        value = getattr(importlib.import_module(f"{package}.{module}"), attr)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | listed)

    return __getattr__, __dir__
