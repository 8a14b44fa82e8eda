"""The `rules` baseline: gazetteer NER, speech-cue quotes and the numeral parser, no learning.

Each task has its own module (`rules_ner` with `rules_persons` for person names,
`rules_quotes`, `rules_numbers`); quotes use the NER output to find their sources. Nothing in it
is derived from khabar's gold: the name lists come from CLDR (through Babel), the word lists are
general Arabic vocabulary, with provenance in `khabar.baselines.gazetteers` and in each module.
The rules were developed on the validation split (dev) only.
"""

from __future__ import annotations

from khabar.model import Document, PredEntity, PredQuote, Prediction

from khabar.scoring.tasks import TASKS
from .rules_ner import find_entities
from .rules_numbers import predict_numbers
from .rules_quotes import find_quotes


class Rules:
    """Rule-based predictions for all three tasks."""

    name = "rules"
    tasks = TASKS

    def predict(self, documents: list[Document]) -> list[Prediction]:
        out = []
        for d in documents:
            ner = find_entities(d.text)
            quotes = find_quotes(d.text, ner)
            out.append(Prediction(
                id=d.id,
                entities=[PredEntity(m.span, m.type) for m in ner],
                quotes=[PredQuote(q.cue, q.content, q.source, q.type) for q in quotes],
                numbers=predict_numbers(d.text),
            ))
        return out
