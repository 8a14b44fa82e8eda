"""The registry of systems: the built-in ones of `systems.py` and any a user registers."""

from __future__ import annotations

from khabar.errors import KhabarError

from .base import Entry, System
from .systems import BUILTIN

_REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    """Add a system (a plug-in of the user's) to the registry."""
    _REGISTRY[entry.name] = entry
    return entry


def registry() -> dict[str, Entry]:
    """Every system, by name: the built-in ones, then any registered at run time."""
    return {**{e.name: e for e in BUILTIN}, **_REGISTRY}


def get_system(name: str, **options) -> System:
    """Build the system called `name`; a `KhabarError` says why when it cannot run."""
    entries = registry()
    if name not in entries:
        raise KhabarError(f"unknown system {name!r}; known: {', '.join(sorted(entries))}")
    why = entries[name].missing(**options)
    if why:
        raise KhabarError(f"system {name!r} cannot run here: {why}")
    return entries[name].build(**options)


def available_systems() -> tuple[list[str], dict[str, str]]:
    """(names that can run here, {name: reason} for those that cannot)."""
    ok, skipped = [], {}
    for name, entry in registry().items():
        why = entry.missing()
        if why:
            skipped[name] = why
        else:
            ok.append(name)
    return ok, skipped
