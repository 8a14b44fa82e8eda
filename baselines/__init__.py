"""khabar's baseline systems behind one interface (`khabar.baselines.base.System`) and a registry.

`get_system(name)` builds a system; `available_systems()` tells which can run here and why
the others cannot (a missing optional dependency, an unconfigured endpoint).
"""

from __future__ import annotations

from .base import Entry, System
from .registry import available_systems, get_system, register, registry

__all__ = ["Entry", "System", "available_systems", "get_system", "register", "registry"]
