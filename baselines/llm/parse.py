"""Turning real model output into items: JSON repair, field-name and value normalisation.

Models wrap JSON in code fences, add prose after it, stop mid-answer, rename fields and write
numbers as strings ("2,800", "٢٨٠٠"). Everything here repairs only what is unambiguous and
says what it did (`notes`); what cannot be repaired is reported by the caller, never guessed.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from khabar.normalize import to_western_digits
from khabar.schema import IGNORED_LABELS
from khabar.schema import FINE_TYPES, NUMBER_KINDS, QUOTE_TYPES

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n?(.*?)(?:```|\Z)", re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


# --- JSON ----------------------------------------------------------------------------------


def extract_json(text: str) -> tuple[object | None, list[str]]:
    """The JSON value in a model's answer, and notes on each repair made to get it.

    Handles code fences, prose before or after the JSON, trailing commas, and truncation (the
    answer is cut back to its last complete element and the open brackets are closed; the
    incomplete element is dropped, never completed). Returns (None, notes) when no JSON is found.
    """
    notes: list[str] = []
    s = text or ""
    fences = [m.group(2) for m in _FENCE.finditer(s)]
    if fences:
        notes.append("code fence removed")
        # the first fence that holds JSON (some models put prose or code in other fences)
        s = next((f for f in fences if re.search(r"[{\[]", f)), fences[0])
    starts = [i for i in (s.find("{"), s.find("[")) if i >= 0]
    if not starts:
        notes.append("no JSON object in the answer")
        return None, notes
    start = min(starts)
    if s[:start].strip():
        notes.append("text before the JSON ignored")
    s = s[start:]
    decoder = json.JSONDecoder()
    for attempt, candidate in enumerate((s, _strip_trailing_commas(s))):
        try:
            obj, end = decoder.raw_decode(candidate)
        except ValueError:
            continue
        if attempt:
            notes.append("trailing commas removed")
        if candidate[end:].strip():
            notes.append("text after the JSON ignored")
        return obj, notes
    repaired = _close_truncated(_strip_trailing_commas(s))
    if repaired is not None:
        obj, dropped = repaired
        notes.append(f"truncated JSON closed ({dropped} trailing character(s) of an incomplete element dropped)")
        return obj, notes
    notes.append("unparseable JSON")
    return None, notes


def _strip_trailing_commas(s: str) -> str:
    """Remove commas before a closing bracket, outside strings."""
    parts = re.split(r'("(?:[^"\\]|\\.)*")', s)
    return "".join(p if i % 2 else _TRAILING_COMMA.sub(r"\1", p) for i, p in enumerate(parts))


def _close_truncated(s: str) -> tuple[object, int] | None:
    """Parse a truncated JSON prefix: cut at the last complete element, close the brackets.

    Cuts are only made between the elements of a list (or between the keys of objects that are
    not inside a list), so an item is either complete or absent, never half-kept."""
    stack: list[str] = []
    in_str = esc = False
    cuts: list[tuple[int, tuple[str, ...]]] = []
    for i, c in enumerate(s):
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
            continue
        if c == '"':
            in_str = True
        elif c in "{[":
            stack.append("}" if c == "{" else "]")
            cuts.append((i + 1, tuple(stack)))  # an empty container is complete too
        elif c in "}]":
            if not stack or stack[-1] != c:
                return None  # a mismatched bracket: broken, not truncated
            stack.pop()
            cuts.append((i + 1, tuple(stack)))
            if not stack:
                return None  # complete yet unparseable: broken, not truncated
        elif c == ",":
            cuts.append((i, tuple(stack)))
    for pos, st in reversed(cuts):
        if "]" in st and st.index("]") != len(st) - 1:
            continue  # inside an element of a list: that element is incomplete, cut before it
        candidate = s[:pos].rstrip().rstrip(",") + "".join(reversed(st))
        try:
            return json.loads(candidate), len(s) - pos
        except ValueError:
            continue
    return None


# --- values ------------------------------------------------------------------------------

_ARABIC_SEPARATORS = {"٫": ".", "٬": ",", "،": ","}
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_FRACTION = re.compile(r"(\d+)/(\d+)")


def parse_value(value) -> tuple[float | None, str | None]:
    """A number from a model's `value` field, and a note when it was repaired or rejected.

    Numbers pass through; strings in Western, Arabic-Indic or Persian digits with thousands
    commas (2,800 / ٢٬٨٠٠), a decimal point (3.5 / ٣٫٥), a percent sign or a fraction (1/2) are
    parsed; number words go to `khabar.numerals.parse_number`.
    A comma that is not a thousands separator (2,5) is ambiguous and rejected.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"value {value!r} is not a number"
    if isinstance(value, (int, float)):
        v = float(value)
        return (v, None) if math.isfinite(v) else (None, f"value {value!r} is not finite")
    if not isinstance(value, str):
        return None, f"value {value!r} is not a number"
    raw = value
    s = to_western_digits(value).strip()
    s = "".join(_ARABIC_SEPARATORS.get(c, c) for c in s)
    s = re.sub(r"[\s\u00a0\u202f\u2009]", "", s)
    percent = s.endswith("%") or s.endswith("٪")
    if percent:
        s = s[:-1]
    if _PLAIN.fullmatch(s):
        v = float(s)
    elif _GROUPED.fullmatch(s):
        v = float(s.replace(",", ""))
    elif m := _FRACTION.fullmatch(s):
        if int(m.group(2)) == 0:
            return None, f"value {raw!r} divides by zero"
        v = int(m.group(1)) / int(m.group(2))
    elif "," in s and re.fullmatch(r"[+-]?[\d,.]+", s):
        return None, f"value {raw!r} is ambiguous (a comma that is not a thousands separator)"
    else:
        words = _parse_words(raw)
        if words is None:
            return None, f"value {raw!r} is not a number"
        return words, f"value {raw!r} read as number words"
    return v, (f"value {raw!r} read as {_fmt(v)}" if raw.strip() != _fmt(v) else None)


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def _parse_words(text: str) -> float | None:
    """Number words ('ثلاثة آلاف وخمسمائة') through khabar's numeral parser. Digit strings never get
    here: `parse_value` reads them itself so that an ambiguous comma is refused, not guessed."""
    from khabar.numerals import parse_number

    try:
        v = parse_number(text)
    except (ValueError, TypeError):
        return None
    if v is None:
        return None
    v = getattr(v, "value", v)
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# --- items ---------------------------------------------------------------------------------

TASK_KEYS: dict[str, tuple[str, ...]] = {
    "ner": ("entities", "named_entities", "entity", "ner", "mentions", "الكيانات", "كيانات"),
    "quotes": ("quotes", "quotations", "quote", "attributions", "الاقتباسات", "اقتباسات"),
    "numbers": ("numbers", "numerals", "number", "الأعداد", "أعداد", "الأرقام"),
}

FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ner": {
        "text": ("text", "span", "mention", "entity", "name", "surface", "string", "word", "النص"),
        "type": ("type", "label", "entity_type", "tag", "category", "class", "ner_type", "النوع"),
    },
    "quotes": {
        "cue": ("cue", "cue_word", "verb", "speech_verb", "reporting_verb", "trigger", "الفعل"),
        "content": ("content", "quote", "text", "statement", "quotation", "message", "المحتوى"),
        "source": ("source", "speaker", "speaker_mention", "attributed_to", "who", "المصدر", "القائل"),
        "type": ("type", "quote_type", "kind", "النوع"),
    },
    "numbers": {
        "text": ("text", "span", "numeral", "number_text", "mention", "surface", "string", "words", "النص"),
        "value": ("value", "number", "numeric_value", "amount", "القيمة"),
        "kind": ("kind", "type", "number_type", "category", "النوع"),
        "unit": ("unit", "counted_noun", "noun", "الوحدة"),
    },
}

TYPE_SYNONYMS = {
    "PER": "PER", "PERS": "PER", "PERSON": "PER", "PEOPLE": "PER", "شخص": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "منظمة": "ORG",
    "GPE": "GPE", "GEOPOLITICAL": "GPE", "GEO_POLITICAL_ENTITY": "GPE", "COUNTRY": "GPE", "CITY": "GPE",
    "LOC": "LOC", "LOCATION": "LOC", "مكان": "LOC",
    "FAC": "FAC", "FACILITY": "FAC", "منشأة": "FAC",
    "NORP": "NORP", "NATIONALITY": "NORP", "جنسية": "NORP",
}
KIND_SYNONYMS = {k: k for k in NUMBER_KINDS} | {
    "percentage": "percent", "currency": "money", "monetary": "money", "count": "cardinal",
    "quantity": "cardinal", "ordinal_number": "ordinal", "cardinal_number": "cardinal",
}
QUOTE_TYPE_SYNONYMS = {k: k for k in QUOTE_TYPES} | {"partial": "mixed", "reported": "indirect"}


@dataclass
class Problem:
    """Something wrong with one returned item. `dropped`: the item could not be used at all."""

    task: str
    part: str
    text: str
    reason: str
    dropped: bool
    item: dict = field(default_factory=dict)


def _key(k: str) -> str:
    return re.sub(r"[\s-]+", "_", str(k).strip().lower())


def _pick(
    d: dict, names: tuple[str, ...], exclude: set[str] = frozenset(), renames: list[str] | None = None
) -> tuple[str | None, object]:
    """The first of `names` present in `d` (keys compared case- and separator-insensitively);
    a key other than the canonical `names[0]` is recorded in `renames`."""
    keys = {_key(k): k for k in d}
    for n in names:
        if n in keys and keys[n] not in exclude:
            if renames is not None and keys[n] != names[0]:
                renames.append(f"field {keys[n]!r} read as {names[0]!r}")
            return keys[n], d[keys[n]]
    return None, None


def _as_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, (str, int, float)) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, dict):  # {"text": ..., "start": ...}
        t = v.get("text")
        return t if isinstance(t, str) else None
    return None


def task_list(obj, task: str, *, joint: bool) -> tuple[list | None, list[str]]:
    """The list of items for `task` in a parsed answer (None when it is missing)."""
    notes: list[str] = []
    if isinstance(obj, list):
        if joint:
            return None, [f"{task}: the answer is a bare list, not an object with a {TASK_KEYS[task][0]!r} key"]
        return obj, notes
    if not isinstance(obj, dict):
        return None, [f"{task}: the answer is not a JSON object"]
    k, v = _pick(obj, TASK_KEYS[task])
    if k is not None:
        if k != TASK_KEYS[task][0]:
            notes.append(f"{task}: key {k!r} read as {TASK_KEYS[task][0]!r}")
        if isinstance(v, dict) and task == "ner":
            return _by_type(v), notes + [f"{task}: entities grouped by type were flattened"]
        if isinstance(v, list):
            return v, notes
        return None, notes + [f"{task}: {k!r} is not a list"]
    if task == "ner" and obj and all(_key(k).upper() in TYPE_SYNONYMS for k in obj):
        return _by_type(obj), [f"{task}: entities grouped by type were flattened"]
    lists = [k for k, v in obj.items() if isinstance(v, list)]
    if not joint and len(lists) == 1:
        return obj[lists[0]], [f"{task}: the only list, {lists[0]!r}, read as {TASK_KEYS[task][0]!r}"]
    return None, [f"{task}: no {TASK_KEYS[task][0]!r} list in the answer"]


def _by_type(d: dict) -> list:
    out = []
    for label, items in d.items():
        for it in items if isinstance(items, list) else [items]:
            out.append({"text": _as_text(it), "type": label})
    return out


def normalize_item(raw, task: str, renames: list[str] | None = None) -> tuple[dict | None, list[Problem]]:
    """One returned item as a dict with khabar's field names and values, and its problems.

    Entities: {text, type}; quotes: {cue, content, source, type}; numbers: {text, value, kind,
    unit}. Returns (None, [problem]) when the item cannot be used at all. Field names read
    through a synonym are appended to `renames`.
    """
    probs: list[Problem] = []
    show = raw if isinstance(raw, dict) else {"raw": raw}

    def drop(reason: str, text: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(task, "item", text, reason, True, show)]

    if isinstance(raw, (list, tuple)):
        if task == "ner" and len(raw) == 2:
            raw = {"text": raw[0], "type": raw[1]}
        elif task == "numbers" and 1 <= len(raw) <= 4:
            raw = dict(zip(("text", "value", "kind", "unit"), raw))
        else:
            return drop("an item that is a list, not an object")
    elif isinstance(raw, str) and task == "numbers":
        raw = {"text": raw}
    if not isinstance(raw, dict):
        return drop(f"an item that is not an object: {raw!r}"[:120])

    fields = FIELDS[task]
    out: dict = {}
    if task == "ner":
        tk, text = _pick(raw, fields["text"], renames=renames)
        _, label = _pick(raw, fields["type"], exclude={tk}, renames=renames)
        text = _as_text(text)
        if not text or not text.strip():
            return drop("no entity text")
        if label is None:
            return drop("no entity type", text)
        t = TYPE_SYNONYMS.get(_key(label).upper(), TYPE_SYNONYMS.get(str(label).strip()))
        if t is None and _key(label).upper() in IGNORED_LABELS:
            t = _key(label).upper()  # accepted, never scored (as for every system)
        if t is None:
            return drop(f"type {label!r} is not one of {', '.join(FINE_TYPES)}", text)
        out = {"text": text, "type": t}
    elif task == "quotes":
        ck, content = _pick(raw, fields["content"], renames=renames)
        content = _as_text(content)
        if not content or not content.strip():
            return drop("no quote content")
        _, cue = _pick(raw, fields["cue"], exclude={ck}, renames=renames)
        _, source = _pick(raw, fields["source"], exclude={ck}, renames=renames)
        _, qtype = _pick(raw, fields["type"], exclude={ck}, renames=renames)
        out = {"content": content, "cue": _as_text(cue), "source": _as_text(source), "type": None}
        if qtype is not None:
            q = QUOTE_TYPE_SYNONYMS.get(_key(qtype))
            if q is None:
                probs.append(Problem(task, "type", str(qtype), f"quote type {qtype!r} unknown; left empty", False, show))
            out["type"] = q
    else:
        tk, text = _pick(raw, fields["text"], renames=renames)
        vk, value = _pick(raw, fields["value"], exclude={tk}, renames=renames)
        kk, kind = _pick(raw, fields["kind"], exclude={tk, vk}, renames=renames)
        _, unit = _pick(raw, fields["unit"], exclude={tk, vk, kk}, renames=renames)
        text = _as_text(text)
        if not text or not text.strip():
            return drop("no numeral text")
        v, note = parse_value(value)
        if note:
            probs.append(Problem(task, "value", str(value), note, False, show))
        k = None
        if kind is not None:
            k = KIND_SYNONYMS.get(_key(kind))
            if k is None:
                probs.append(Problem(task, "kind", str(kind), f"kind {kind!r} unknown; left empty", False, show))
        u = _as_text(unit)
        out = {"text": text, "value": v, "kind": k, "unit": u.strip() if u and u.strip() else None}
    return out, probs
