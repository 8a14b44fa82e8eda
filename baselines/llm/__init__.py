"""LLM systems: any OpenAI-compatible chat-completions endpoint, on all three tasks.

`system.LLMSystem` is the registered `llm` system; `client` speaks the wire format, `prompts`
holds the task definitions and few-shot examples, `parse` repairs model output, `answers` turns
an answer into predictions (`predictions_from_answers`, shared with the lm-evaluation-harness
and inspect-ai tasks of `khabar.harness`), `cache` keeps responses on disk. Alignment of
returned strings to offsets is `khabar.align`.
"""

from __future__ import annotations

__all__ = ["AnswerReader", "LLMPrediction", "LLMSystem", "predictions_from_answers", "resolve_config"]

_WHERE = {"AnswerReader": "answers", "LLMPrediction": "answers", "predictions_from_answers": "answers",
          "LLMSystem": "system", "resolve_config": "system"}


def __getattr__(name: str):
    # lazy, so `python -m baselines.llm.prompts` does not import the system first
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(name)
