"""LLM systems: any OpenAI-compatible chat-completions endpoint, on all three tasks.

`system.LLMSystem` is the registered `llm` system; `client` speaks the wire format, `prompts`
holds the task definitions and few-shot examples, `parse` repairs model output, `cache` keeps
responses on disk. Alignment of returned strings to offsets is `khabar.align`.
"""

from __future__ import annotations

__all__ = ["LLMPrediction", "LLMSystem", "resolve_config"]


def __getattr__(name: str):
    # lazy, so `python -m baselines.llm.prompts` does not import the system first
    if name in __all__:
        from . import system

        return getattr(system, name)
    raise AttributeError(name)
