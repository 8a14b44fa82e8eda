"""The charts' numbers: the confusion matrix counted by hand equals scikit-learn's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from khabar import plots

LABELS = ["PER", "ORG", "GPE", "(none)"]
pairs = st.lists(st.tuples(st.sampled_from(LABELS + ["LOC"]), st.sampled_from(LABELS + ["LOC"])), max_size=40)


def test_confusion_counts_by_example():
    labels = ["PER", "ORG", "(none)"]
    assert plots.confusion_counts(["PER", "PER", "ORG", "(none)", "LOC"], ["PER", "ORG", "(none)", "PER", "PER"],
                                  labels) == [[1, 1, 0], [0, 0, 1], [1, 0, 0]]


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_confusion_counts_equal_scikit_learns(ps):
    from sklearn.metrics import confusion_matrix

    y_true, y_pred = [t for t, _ in ps], [p for _, p in ps]
    # scikit-learn refuses a y_true with none of the labels; its matrix is then all zeros
    none = not set(y_true) & set(LABELS)
    want = [[0] * len(LABELS) for _ in LABELS] if none else confusion_matrix(y_true, y_pred, labels=LABELS).tolist()
    assert plots.confusion_counts(y_true, y_pred, LABELS) == want
