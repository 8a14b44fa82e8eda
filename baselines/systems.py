"""The built-in systems: one line per system; each lives in its own module."""

from __future__ import annotations

from .base import Entry

BUILTIN: tuple[Entry, ...] = (
    Entry("oracle", "khabar.baselines.sanity:Oracle", description="Reads the gold: must score 1.0 everywhere."),
    Entry("empty", "khabar.baselines.sanity:Empty", description="Predicts nothing: must score recall 0."),
    Entry("rules", "khabar.baselines.rules:Rules", description="CLDR gazetteers and name patterns (NER), Arabic speech-cue lexicon and clause heuristics (quotes), khabar's numeral parser (numbers); nothing learned."),
    Entry("pyarabic", "khabar.baselines.pyarabic_numbers:PyArabicNumbers", requires=("pyarabic",), description="PyArabic's own number-phrase extraction as the library ships it (numbers only; GPL, optional extra)."),
    Entry("llm", "khabar.baselines.llm.system:LLMSystem", description="Any OpenAI-compatible chat model (KHABAR_LLM_BASE_URL, KHABAR_LLM_MODEL), prompted per task; strings aligned to offsets."),
    Entry("sklearn-wojood", "khabar.baselines.sklearn_ner:SklearnCorpus", requires=("sklearn",), description="Logistic-regression token tagger (NER, number spans) trained on an outside CoNLL corpus (Wojood's public sample by default, train=PATH) through a declared label map; never saw the seed."),
    Entry("crf", "khabar.baselines.crf_ner:CRF", requires=("pycrfsuite",), description="Linear-chain CRFs (python-crfsuite) with word, affix and CLDR gazetteer features: NER trained on Wojood's public sample plus the dev split, number spans on the dev split (values from khabar's parser); a dev document is predicted by models trained without it."),
    Entry("transformers", "khabar.baselines.transformers_adapter:TransformersNER", requires=("transformers", "torch"), description="Any Hugging Face token-classification model (model=PATH_OR_HUB_ID or $KHABAR_HF_MODEL), sub-words aligned to khabar tokens."),
)
