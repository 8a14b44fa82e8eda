"""Nothing a baseline is built from comes from the test article: no prompt, few-shot example or
hand-written rules list holds a name of the test article's gold or a 5-word run of its text.

The checks are real scans (every message of every prompt, every module-level list of strings in
the rules modules), each shown able to fail on a planted leak.
"""

from __future__ import annotations

import importlib

import pytest

from khabar.baselines.llm import prompts
from khabar.gold import load_gold, load_split
from khabar.normalize import normalize
from khabar.schema import FINE_TYPES, NUMBER_KINDS
from khabar.tokens import boundaries

TEST = load_gold()
RULE_MODULES = ("khabar.baselines.gazetteers", "khabar.baselines.rules", "khabar.baselines.rules_ner",
                "khabar.baselines.rules_text", "khabar.baselines.rules_persons", "khabar.baselines.rules_quotes",
                "khabar.baselines.rules_numbers")


def _runs(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


TEST_RUNS = set().union(*(_runs(d.text) for d in TEST.documents))
TEST_NAMES = {normalize(s) for d in TEST.documents
              for s in [m.text for m in d.ner_mentions] + [e.name_ar for e in d.entities if e.type != "NORP"]}
"""The test article's names as its gold writes them (normalised): every named mention, and every
non-nationality entity's canonical Arabic name."""


def leaks(text: str) -> list[str]:
    """The test names and 5-word runs of the test text found in `text`."""
    found = [" ".join(r) for r in _runs(text) & TEST_RUNS]
    norm = f" {normalize(text)} "
    found += [n for n in TEST_NAMES if f" {n} " in norm]
    return found


def test_the_scan_finds_a_planted_leak():
    doc = TEST.documents[0]
    name = next(m.text for m in doc.ner_mentions if m.type == "PER")
    assert leaks(f"قال {name} اليوم")
    assert leaks(" ".join(doc.text.split()[10:15]))
    assert not leaks("قال وزير المالية إن الحكومة ستخصص مبلغا جديدا")


@pytest.mark.parametrize("lang", prompts.LANGS)
def test_no_prompt_holds_a_test_name_or_run(lang):
    n = len(prompts.FEW_SHOT_PARAGRAPHS)
    for tasks in [(t,) for t in prompts.TASKS] + [tuple(prompts.TASKS)]:
        for m in prompts.messages("نص.", tasks, lang=lang, few_shot=n):
            assert not leaks(m["content"]), (tasks, m["role"], leaks(m["content"]))


def test_few_shot_examples_come_from_dev_and_are_consistent():
    dev = load_split("dev")
    dev_texts = {d.id: d.text for d in dev.documents}
    for (doc_id, i), ex in zip(prompts.FEW_SHOT_PARAGRAPHS, prompts.few_shot_examples()):
        assert doc_id in dev_texts and ex["text"] == dev_texts[doc_id].split("\n")[i]
        assert all(ex["text"] not in d.text for d in TEST.documents)
        text = ex["text"]
        starts, ends = boundaries(text)
        strings = [e["text"] for e in ex["entities"]] + [n["text"] for n in ex["numbers"]]
        strings += [q[k] for q in ex["quotes"] for k in ("cue", "content", "source")]
        for s in strings:
            k = text.find(s)
            assert k >= 0 and k in starts and k + len(s) in ends, s
        assert all(e["type"] in FINE_TYPES for e in ex["entities"])
        assert all(x["kind"] in NUMBER_KINDS for x in ex["numbers"])
        assert ex["entities"] and ex["quotes"] and ex["numbers"]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for v in value for s in _strings(v)]
    return []


def hand_written_lists() -> dict[str, list[str]]:
    """Every module-level collection of strings in the rules modules (the CLDR gazetteers are
    built at run time inside functions, from an outside source, and are not scanned)."""
    out = {}
    for name in RULE_MODULES:
        mod = importlib.import_module(name)
        for attr, value in vars(mod).items():
            if attr.startswith("__") or not isinstance(value, (list, tuple, set, frozenset, dict)):
                continue
            strings = _strings(value)
            if strings:
                out[f"{name}.{attr}"] = strings
    return out


def test_rules_lists_hold_no_test_name_or_run():
    lists = hand_written_lists()
    assert len(lists) >= 5  # the scan sees the lists (titles, heads, cues ...)
    for where, strings in lists.items():
        found = [leak for s in strings for leak in leaks(s)]
        assert not found, (where, found)


def test_dev_articles_share_no_test_name_or_run():
    """The dev split was written for khabar: none of the test article's names or 5-word runs."""
    for d in load_split("dev").documents:
        assert not leaks(d.text), (d.id, leaks(d.text))
