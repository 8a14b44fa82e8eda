"""Checking the fields of one predicted item: the span checks every task's reader shares.

A problem raises `Bad(field, message)`, with `field` relative to the record, so the predictions
reader can name file, line and field in one line, whoever built the record.
"""

from __future__ import annotations

from .errors import did_you_mean
from .model import Span
from .validate import is_int


class Bad(Exception):
    """A problem inside one record: `field` relative to the line's object."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def short(s: str, n: int = 40) -> str:
    """`s` cut to `n` characters with an ellipsis, for messages."""
    return s if len(s) <= n else s[: n - 1] + "…"


def known_fields(item: dict, allowed, where: str) -> None:
    """`Bad` at the first key of `item` not in `allowed` (the schema's additionalProperties: false)."""
    for k in item:
        if k not in allowed:
            shown = k if isinstance(k, str) else repr(k)
            raise Bad(f"{where}.{shown}" if where else shown,
                      f"unknown field{did_you_mean(str(k), allowed)}; expected {', '.join(allowed)}")


def record(item, where: str, allowed: tuple[str, ...]) -> dict:
    """`item` itself if it is a JSON object with only the `allowed` fields, else `Bad` naming
    the object expected, or the unknown field with a "did you mean"."""
    if not isinstance(item, dict):
        raise Bad(where, f"expected an object {{{', '.join(allowed)}}}")
    known_fields(item, allowed, where)
    return item


def required(item: dict, key: str, where: str, note: str = ""):
    """`item[key]`, or `Bad` at `where.key` when it is absent (`note` says what to write instead)."""
    if key not in item:
        raise Bad(f"{where}.{key}", "missing field" + (f" ({note})" if note else ""))
    return item[key]


def one_of(value, allowed, where: str, what: str):
    """`value` when it is None or one of `allowed`, else `Bad` listing them (`what`: 'kind', ...)."""
    if value is not None and value not in allowed:
        raise Bad(where, f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return value


SPAN_FIELDS = ("start", "end", "text")


def span(obj, text: str, where: str, whole: bool = True) -> Span:
    """The `{start, end, text}` object `obj` as a `Span` of `text`, every field checked (and no
    other field, when the span is `whole`, not the offsets of a larger record)."""
    if not isinstance(obj, dict):
        raise Bad(where, "expected a span object {start, end, text}")
    if whole:
        known_fields(obj, SPAN_FIELDS, where)
    for k in ("start", "end", "text"):
        if k not in obj:
            raise Bad(f"{where}.{k}" if where else k, "missing field")
    st, en, tx = obj["start"], obj["end"], obj["text"]
    pre = f"{where}." if where else ""
    if not is_int(st):
        raise Bad(pre + "start", f"expected an integer offset, got {st!r}")
    if not is_int(en):
        raise Bad(pre + "end", f"expected an integer offset, got {en!r}")
    if not isinstance(tx, str):
        raise Bad(pre + "text", f"expected a string, got {tx!r}")
    if st >= en:
        raise Bad(pre + "start", f"start {st} >= end {en}")
    if st < 0 or en > len(text):
        raise Bad(pre + ("start" if st < 0 else "end"), f"offsets [{st}, {en}) out of range [0, {len(text)}]")
    if text[st:en] != tx:
        raise Bad(pre + "text", f"{short(tx)!r} does not match the document text {short(text[st:en])!r} at [{st}, {en})")
    return Span(st, en, tx)


def optional_span(item: dict, key: str, text: str, where: str) -> Span | None:
    """`item[key]` as a span, or None when absent or null."""
    return span(item[key], text, f"{where}.{key}") if item.get(key) is not None else None
