"""khabar's baseline systems behind one interface (`khabar.baselines.base.System`) and a registry.

`get_system(name)` builds a system; `available_systems()` tells which can run here and why
the others cannot (a missing optional dependency, an unconfigured endpoint).
"""

from __future__ import annotations

from .base import System, available_systems, get_system, registry

__all__ = ["System", "available_systems", "get_system", "registry"]
