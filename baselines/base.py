"""The system interface: what a baseline implements, and the registry row that describes one.

A system maps documents to predictions for any subset of the three tasks. It gets the whole
corpus at once, so a learned system can hold out every document it was trained on (never
predicting text it was trained on).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from khabar.model import Document, Prediction


@runtime_checkable
class System(Protocol):
    """What every baseline implements."""

    name: str
    tasks: tuple[str, ...]

    def predict(self, documents: list[Document]) -> list[Prediction]:
        """One `Prediction` per document, in order, filling the tasks in `self.tasks`."""
        ...


@dataclass(frozen=True)
class Entry:
    """A registry row: where the system lives and what it needs to run."""

    name: str
    target: str  # "module:factory"
    requires: tuple[str, ...] = ()  # importable modules the system needs
    description: str = ""

    def missing(self, **options) -> str | None:
        """Why the system cannot run here with `options`, or None if it can."""
        import importlib.util
        import inspect

        for mod in self.requires:
            if importlib.util.find_spec(mod) is None:
                return f"needs the Python package {mod!r} (not installed)"
        factory = self._factory()
        check = getattr(factory, "unavailable_reason", None)
        if not callable(check):
            return None
        params = inspect.signature(check).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return check(**options)
        return check(**{k: v for k, v in options.items() if k in {p.name for p in params}})

    def _factory(self):
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def build(self, **options) -> System:
        return self._factory()(**options)
