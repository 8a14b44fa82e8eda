"""The label inventory of the annotation spec: entity types, schemes and enum values.

Everything that names a label lives here, so the validator, the scorer and the exports agree.
"""

from __future__ import annotations

FINE_TYPES: tuple[str, ...] = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP")
"""Fine NER types (ANNOTATION_SPEC, task 1)."""

COARSE_TYPES: tuple[str, ...] = ("PER", "ORG", "LOC")
"""Coarse (ANERcorp-style) types. FAC and NORP have no place in it."""

FINE_TO_COARSE: dict[str, str] = {"PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}

SCHEMES: tuple[str, ...] = ("fine", "coarse")

FORMS: tuple[str, ...] = ("canonical", "variant", "corrupted")
MENTION_KINDS: tuple[str, ...] = ("name", "nominal")
QUOTE_TYPES: tuple[str, ...] = ("direct", "indirect", "mixed")
NUMBER_KINDS: tuple[str, ...] = ("cardinal", "ordinal", "year", "fraction", "percent", "money")
QUALIFIERS: tuple[str, ...] = ("exact", "more_than", "less_than", "approximately")


def types_of(scheme: str) -> tuple[str, ...]:
    """The entity types scored in `scheme` ('fine' or 'coarse')."""
    if scheme == "fine":
        return FINE_TYPES
    if scheme == "coarse":
        return COARSE_TYPES
    raise ValueError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")


def map_type(label: str, scheme: str) -> str | None:
    """Map a fine gold type or a predicted label onto `scheme`.

    Returns None for a label with no place in the scheme: such gold mentions are not scored and
    such predictions are ignored, not counted as false positives (ANNOTATION_SPEC, coarse scheme).
    A label that is already coarse (PER/ORG/LOC) maps to itself.
    """
    if scheme == "fine":
        return label if label in FINE_TYPES else None
    if scheme == "coarse":
        return FINE_TO_COARSE.get(label)
    raise ValueError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")


IGNORED_LABELS: tuple[str, ...] = (
    "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL", "EVENT", "PRODUCT",
    "WORK_OF_ART", "LAW", "LANGUAGE",
)
"""Labels accepted in predictions but never scored: CoNLL's MISC and the other OntoNotes 5
types. They have no place in khabar's schemes, so they are ignored, not false positives."""

ENTITY_LABELS: tuple[str, ...] = FINE_TYPES + IGNORED_LABELS
"""Every NER label a prediction may carry."""
