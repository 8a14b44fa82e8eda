"""Label-preserving perturbations of the gold: what real Arabic text does to extractors.

Each perturbation is named, seeded and documented: what it models, which tasks it may affect
and how. It plans character edits (`khabar.edits`), so the variant's gold is carried through
by offsets, never re-found by searching strings. Every variant is then checked: spans stay on
token boundaries, ids, types, entities, speakers and number values are unchanged (a number
whose text changed must still read as its gold value), only declared fields change, and the
variant passes the gold validator. A perturbation that breaks any of this raises
`PerturbationError` instead of shipping a wrong gold.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from .edits import Edit, EditError, EditResult, OffsetMap, apply_edits
from .errors import KhabarError
from .model import Document, Gold, Mention
from .normalize import (
    ALEF_FORMS,
    ALEF_MAQSURA,
    ARABIC_INDIC_DIGITS,
    DIACRITICS,
    DIGIT_MAP,
    TA_MARBUTA,
    TATWEEL,
    normalize,
    to_western_digits,
)
from .tokens import tokenize

VERSION = "1"
"""Bumped whenever a perturbation's output for a given gold and seed changes."""


class PerturbationError(KhabarError):
    """A perturbation produced (or would produce) a variant whose gold is not exact."""


@dataclass(frozen=True)
class Plan:
    """What a perturbation does to one document: edits, and new `form`s of mentions."""

    edits: list[Edit]
    forms: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Perturbation:
    """A named, seeded text transformation with its declared effect on the gold.

    `affects` maps each task it may change to how (in words); `may_change` lists the gold
    fields other than offsets and span texts that it is allowed to change (only
    `mention.form` exists today). Number values are never allowed to change.
    """

    name: str
    models: str
    affects: Mapping[str, str]
    make: Callable[[Document, random.Random], Plan]
    may_change: frozenset[str] = frozenset()
    seeded: bool = False
    needs_parser: bool = False

    def unavailable(self) -> str | None:
        """Why this perturbation cannot run (and check itself) here, or None."""
        if self.needs_parser and not parser_available():
            return "needs khabar.numerals (the number parser) to read and check number words"
        return None

    def rng(self, doc: Document, seed: int) -> random.Random:
        return random.Random(f"khabar-perturb/{VERSION}/{self.name}/{seed}/{doc.id}")

    def plan(self, doc: Document, seed: int = 0) -> Plan:
        return self.make(doc, self.rng(doc, seed))

    def apply(self, doc: Document, seed: int = 0) -> EditResult:
        """The perturbed document and its offset map, after every check passed."""
        return apply_plan(doc, self.plan(doc, seed), self)


# --- checks ----------------------------------------------------------------------------------


def parser_available() -> bool:
    """True when khabar's numeral parser (`khabar.numerals`) can be imported."""
    import importlib.util

    return importlib.util.find_spec("khabar.numerals") is not None


def read_number(text: str) -> float | None:
    """The value of a numeral as khabar's parser reads it (digits or words), or None."""
    try:
        from .numerals import parse_number
    except ImportError:  # the parser is not installed in this tree: digits only
        parse_number = None
    for t in (text, normalize(text)):
        if parse_number is not None:
            try:
                v = parse_number(t)
            except (ValueError, KhabarError):
                v = None
            v = getattr(v, "value", v)
            if v is not None:
                return float(v)
        digits = to_western_digits(t).replace("٬", "").replace(",", "").replace("٫", ".")
        if re.fullmatch(r"\d+(\.\d+)?", digits):
            return float(digits)
    return None


def check_variant(original: Document, variant: Document, perturbation: Perturbation) -> None:
    """Raise `PerturbationError` unless `variant` differs from `original` only in its text,
    offsets, span texts and the fields the perturbation declares."""

    def fail(msg: str) -> None:
        raise PerturbationError(f"perturbation {perturbation.name!r} on {original.id}: {msg}")

    if variant.entities != original.entities:
        fail("entities changed")
    if variant.text.count("\n") != original.text.count("\n"):
        fail("the number of paragraphs changed")
    for kind, a_list, b_list in (("mention", original.mentions, variant.mentions),
                                 ("quote", original.quotes, variant.quotes),
                                 ("number", original.numbers, variant.numbers)):
        if [x.id for x in a_list] != [x.id for x in b_list]:
            fail(f"{kind} ids changed")
    for a, b in zip(original.mentions, variant.mentions):
        if (a.type, a.entity, a.kind) != (b.type, b.entity, b.kind):
            fail(f"mention {a.id} changed type, entity or kind")
        if a.form != b.form and "mention.form" not in perturbation.may_change:
            fail(f"mention {a.id} changed form {a.form} -> {b.form}, which it does not declare")
    for a, b in zip(original.quotes, variant.quotes):
        if (a.speaker, a.type, a.addressee is None) != (b.speaker, b.type, b.addressee is None):
            fail(f"quote {a.id} changed speaker, type or addressee")
    for a, b in zip(original.numbers, variant.numbers):
        if (a.value, a.kind, a.unit, a.qualifier, a.in_name) != (b.value, b.kind, b.unit, b.qualifier, b.in_name):
            fail(f"number {a.id} changed value, kind, unit, qualifier or in_name")
        if a.text != b.text:
            new_value = read_number(b.text)
            if new_value is not None and new_value != float(a.value):
                fail(f"number {a.id} {a.text!r} -> {b.text!r} reads {new_value:g}, not its value {a.value:g}")
            if new_value is None and read_number(a.text) == float(a.value):
                fail(f"number {a.id} {a.text!r} -> {b.text!r} no longer reads as {a.value:g}")


def apply_plan(doc: Document, plan: Plan, perturbation: Perturbation) -> EditResult:
    """Apply a plan with every check: token boundaries, declared changes, number values,
    and the gold validator on the variant."""
    from .gold import to_dict
    from .validate import validate_raw

    try:
        result = apply_edits(doc, plan.edits, check_tokens=True)
    except EditError as e:
        raise PerturbationError(f"perturbation {perturbation.name!r} on {doc.id}: {e.message}") from None
    new = result.document
    if plan.forms:
        known = {m.id for m in new.mentions}
        unknown = set(plan.forms) - known
        if unknown:
            raise PerturbationError(f"perturbation {perturbation.name!r}: unknown mentions {sorted(unknown)}")
        new.mentions = [replace(m, form=plan.forms.get(m.id, m.form)) for m in new.mentions]
    check_variant(doc, new, perturbation)
    problems = validate_raw(to_dict(Gold("variant", [new])), f"<{perturbation.name} variant>")
    if problems:
        raise PerturbationError(f"perturbation {perturbation.name!r} on {doc.id}: invalid variant: {problems[0]}")
    return result


# --- character classes -----------------------------------------------------------------------

_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a]")
NON_CONNECTING = set("اأإآٱدذرزوؤةىء")
"""Letters that never join the next letter: no tatweel can follow them."""
SHORT_VOWELS = "\u064e\u064f\u0650\u0652"  # fatha, damma, kasra, sukun
SHADDA = "\u0651"
LONG_VOWELS = set("اأإآٱوىيء")
SPACING_PUNCT = "،,؛;:.؟?!"
QUOTE_STYLES = {"guillemets": ("«", "»"), "curly": ("“", "”"), "straight": ('"', '"')}
_ANY_QUOTE = set('"«»“”')


def _is_letter(c: str) -> bool:
    return bool(_LETTER.fullmatch(c))


def _words(text: str):
    """Tokens made of Arabic letters (with their diacritics and tatweel)."""
    for t in tokenize(text):
        if any(_is_letter(c) for c in t.text):
            yield t


def _char_map(doc: Document, table: Mapping[str, str]) -> Plan:
    return Plan([Edit.replace(i, i + 1, table[c]) for i, c in enumerate(doc.text) if c in table])


# --- orthography, diacritics, tatweel ---------------------------------------------------------


def _orthography(doc: Document, rng: random.Random) -> Plan:
    return _char_map(doc, {**ALEF_FORMS, **TA_MARBUTA, **ALEF_MAQSURA})


def _diacritics_removed(doc: Document, rng: random.Random) -> Plan:
    return Plan([Edit.delete(i, i + 1) for i, c in enumerate(doc.text) if c in DIACRITICS])


DIACRITIC_RATE = 0.3


def _diacritics_added(doc: Document, rng: random.Random) -> Plan:
    """On about 30% of words, one short vowel or sukun (now and then shadda + vowel) after
    one consonant that has no diacritic yet; the mark attaches to its letter."""
    text, edits = doc.text, []
    for tok in _words(text):
        if rng.random() >= DIACRITIC_RATE:
            continue
        slots = [
            i for i in range(tok.start, tok.end)
            if _is_letter(text[i]) and text[i] not in LONG_VOWELS
            and (i + 1 >= len(text) or text[i + 1] not in DIACRITICS)
        ]
        if not slots:
            continue
        i = rng.choice(slots)
        mark = rng.choice(SHORT_VOWELS[:3]) if rng.random() < 0.8 else SHORT_VOWELS[3]
        if rng.random() < 0.15:
            mark = SHADDA + rng.choice(SHORT_VOWELS[:3])
        edits.append(Edit.insert(i + 1, mark, attach="left"))
    return Plan(edits)


TATWEEL_RATE = 0.3


def _tatweel(doc: Document, rng: random.Random) -> Plan:
    """On about 30% of words, one to three tatweels between two joined letters."""
    text, edits = doc.text, []
    for tok in _words(text):
        if rng.random() >= TATWEEL_RATE:
            continue
        slots = []
        for i in range(tok.start, tok.end - 1):
            c = text[i]
            if not _is_letter(c) or c in NON_CONNECTING:
                continue
            j = i + 1
            while j < tok.end and text[j] in DIACRITICS:
                j += 1
            if j < tok.end and _is_letter(text[j]):
                slots.append(j)  # after the letter and its diacritics
        if slots:
            edits.append(Edit.insert(rng.choice(slots), TATWEEL * rng.choice((1, 1, 2, 3))))
    return Plan(edits)


# --- digits and number words -----------------------------------------------------------------

INDIC_SEPARATORS = {",": "٬", ".": "٫"}
WESTERN_SEPARATORS = {"٬": ",", "٫": "."}


def _digit_plan(doc: Document, digits: Mapping[str, str], seps: Mapping[str, str]) -> Plan:
    text, edits = doc.text, []
    for i, c in enumerate(text):
        if c in digits:
            edits.append(Edit.replace(i, i + 1, digits[c]))
        elif c in seps and 0 < i < len(text) - 1 and text[i - 1] in DIGIT_CHARS and text[i + 1] in DIGIT_CHARS:
            edits.append(Edit.replace(i, i + 1, seps[c]))
    return Plan(edits)


DIGIT_CHARS = set("0123456789") | set(DIGIT_MAP)


def _digits_indic(doc: Document, rng: random.Random) -> Plan:
    return _digit_plan(doc, {str(i): d for i, d in enumerate(ARABIC_INDIC_DIGITS)}, INDIC_SEPARATORS)


def _digits_western(doc: Document, rng: random.Random) -> Plan:
    return _digit_plan(doc, DIGIT_MAP, WESTERN_SEPARATORS)


_ONES = ["", "واحد", "اثنين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة",
         "أحد عشر", "اثني عشر", "ثلاثة عشر", "أربعة عشر", "خمسة عشر", "ستة عشر", "سبعة عشر",
         "ثمانية عشر", "تسعة عشر"]
_TENS = ["", "", "عشرين", "ثلاثين", "أربعين", "خمسين", "ستين", "سبعين", "ثمانين", "تسعين"]
_HUNDREDS = ["", "مائة", "مائتين", "ثلاثمائة", "أربعمائة", "خمسمائة", "ستمائة", "سبعمائة", "ثمانمائة",
             "تسعمائة"]
_SCALES = [(10**9, "مليار", "مليارين", "مليارات"), (10**6, "مليون", "مليونين", "ملايين"),
           (1000, "ألف", "ألفين", "آلاف")]


def _below_1000(n: int) -> list[str]:
    parts = []
    if n >= 100:
        parts.append(_HUNDREDS[n // 100])
        n %= 100
    if n >= 20:
        ones = n % 10
        parts.append(f"{_ONES[ones]} و{_TENS[n // 10]}" if ones else _TENS[n // 10])
    elif n:
        parts.append(_ONES[n])
    return parts


def number_to_words(n: int) -> str:
    """An integer (0 to 10^12 - 1) in Arabic words: masculine, in the genitive/accusative
    case (اثنين، عشرين، ألفين) that follows prepositions such as في عام; groups joined by و.

    A writer for the digits-to-words perturbation, not a grammar: it ignores the counted
    noun's gender and case (ANNOTATION_SPEC values do not depend on either).
    """
    if not 0 <= n < 10**12:
        raise ValueError(f"{n} is out of range for number_to_words")
    if n == 0:
        return "صفر"
    parts: list[str] = []
    for scale, one, two, plural in _SCALES:
        k, n = divmod(n, scale)
        if not k:
            continue
        if k == 1:
            parts.append(one)
        elif k == 2:
            parts.append(two)
        elif 3 <= k <= 10:
            parts.append(f"{_ONES[k]} {plural}")
        else:  # the counted noun agrees with the last two digits: ثلاثمائة وسبعة آلاف
            parts.append(" و".join(_below_1000(k)) + f" {plural if 3 <= k % 100 <= 10 else one}")
    parts += _below_1000(n)
    return " و".join(parts)


NUMBER_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")
WORD_KINDS = ("cardinal", "year")
"""Kinds whose numerals are written interchangeably in digits and in words."""


def _split_number(text: str, value: float) -> tuple[str, bool, str] | None:
    """(proclitics, has article, numeral) such that the numeral reads as `value`, or None.
    The shortest reading prefix wins (so واحد keeps its و)."""
    for p in NUMBER_CLITICS:
        if not text.startswith(p):
            continue
        rest = text[len(p):]
        cands = [(False, rest)]
        if rest.startswith("ال"):
            cands.insert(0, (True, rest[2:]))
        if p.endswith("ل") and rest.startswith("ل"):  # لل = ل + ال
            cands.insert(0, (True, rest[1:]))
        for art, core in cands:
            core = core[1:] if art and core.startswith(TATWEEL) else core
            if core and read_number(core) == float(value):
                return p, art, core
    return None


def _is_int(v: float) -> bool:
    return float(v).is_integer()


def _numbers_to_digits(doc: Document, rng: random.Random) -> Plan:
    """Each cardinal or year written in words becomes its value in Western digits; attached
    proclitics stay and an article is written الـ (الأربعة -> الـ4)."""
    edits = []
    for n in doc.numbers:
        if n.kind not in WORD_KINDS or not _is_int(n.value) or any(c in DIGIT_CHARS for c in n.text):
            continue
        split = _split_number(n.text, n.value)
        if split is None:
            continue
        p, art, _ = split
        art_w = ("" if p.endswith("ل") else "ا") + "ل" + TATWEEL if art else ""
        edits.append(Edit.replace(n.start, n.end, p + art_w + str(int(n.value))))
    return Plan(edits)


def _numbers_to_words(doc: Document, rng: random.Random) -> Plan:
    """Each cardinal or year written in digits becomes words (`number_to_words`); attached
    proclitics and an article stay (الـ4 -> الأربعة is written ال + أربعة)."""
    edits = []
    for n in doc.numbers:
        if n.kind not in WORD_KINDS or not _is_int(n.value) or not any(c in DIGIT_CHARS for c in n.text):
            continue
        split = _split_number(n.text, n.value)
        if split is None:
            continue
        p, art, _ = split
        try:
            words = number_to_words(int(n.value))
        except ValueError:
            continue
        if art:
            words = ("" if p.endswith("ل") else "ا") + "ل" + words
        edits.append(Edit.replace(n.start, n.end, p + words))
    return Plan(edits)


# --- name spellings --------------------------------------------------------------------------

NAME_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")


def _lev(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _targets(name_ar: str, n_tokens: int) -> list[str]:
    """The runs of `n_tokens` words of a canonical name (the whole name if it is shorter)."""
    words = name_ar.split()
    if n_tokens >= len(words):
        return [name_ar]
    return [" ".join(words[i:i + n_tokens]) for i in range(len(words) - n_tokens + 1)]


def split_name(text: str, references: list[str]) -> tuple[str, str, str]:
    """(proclitics, core, nearest reference): the split of a mention's text whose core is
    closest (edit distance on normalised text, half a point per clitic letter) to one of the
    reference spellings. لل before a reference that starts with ال is ل + ال."""
    best = None
    for ref in references:
        nref = normalize(ref)
        for p in NAME_CLITICS:
            if not text.startswith(p) or len(text) - len(p) < 2:
                continue
            core = text[len(p):]
            if p.endswith("ل") and core.startswith("ل") and ref.startswith("ال"):
                core = "ا" + core
            cost = _lev(normalize(core), nref) + 0.5 * len(p)
            if best is None or cost < best[0]:
                best = (cost, p, core, ref)
    assert best is not None
    return best[1], best[2], best[3]


def write_name(prefix: str, core: str) -> str:
    """Clitics and a name core written together (ل + الأمم -> للأمم)."""
    if prefix.endswith("ل") and core.startswith("ال"):
        return prefix + core[1:]
    return prefix + core


def _cluster_name_mentions(doc: Document) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = {}
    for m in doc.ner_mentions:
        out.setdefault(m.entity, []).append(m)
    return out


def _n_tokens(text: str) -> int:
    return len(text.split())


def _canonical_split(doc: Document, m: Mention) -> tuple[str, str, str]:
    """A mention split against the runs of its cluster's canonical Arabic name."""
    name_ar = doc.entity_by_id[m.entity].name_ar
    return split_name(m.text, _targets(name_ar, _n_tokens(m.text)))


def _names_canonical(doc: Document, rng: random.Random) -> Plan:
    """Every corrupted or variant name mention is respelt with its cluster's canonical Arabic
    name (the run of the name's words nearest to it: غويثر -> غوتيريش), clitics kept."""
    edits, forms = [], {}
    for m in doc.ner_mentions:
        if m.form == "canonical":
            continue
        prefix, _core, ref = _canonical_split(doc, m)
        new = write_name(prefix, ref)
        if new != m.text:
            edits.append(Edit.replace(m.start, m.end, new))
        forms[m.id] = "canonical"
    return Plan(edits, forms)


def _names_corrupted(doc: Document, rng: random.Random) -> Plan:
    """Every canonical name mention of a cluster that also has corrupted or variant mentions
    is respelt with one of them (same number of words, chosen by the seed), clitics kept; its
    form becomes that spelling's form."""
    edits, forms = [], {}
    for ent, ms in _cluster_name_mentions(doc).items():
        others: dict[str, str] = {}
        for m in ms:
            if m.form != "canonical":
                others.setdefault(_canonical_split(doc, m)[1], m.form)
        if not others:
            continue
        for m in ms:
            if m.form != "canonical":
                continue
            prefix, core, _ref = _canonical_split(doc, m)
            choices = sorted(c for c in others if _n_tokens(c) == _n_tokens(core) and normalize(c) != normalize(core))
            if not choices:
                continue
            pick = rng.choice(choices)
            edits.append(Edit.replace(m.start, m.end, write_name(prefix, pick)))
            forms[m.id] = others[pick]
    return Plan(edits, forms)


# --- quotation marks and punctuation ---------------------------------------------------------


def _quote_plan(doc: Document, style: str) -> Plan:
    """Each quotation mark becomes the opening or closing mark of `style`: opening after
    white space, the start of a line or an opening bracket, closing otherwise."""
    open_q, close_q = QUOTE_STYLES[style]
    text, edits = doc.text, []
    for i, c in enumerate(text):
        if c not in _ANY_QUOTE:
            continue
        if c in "«“":
            new = open_q
        elif c in "»”":
            new = close_q
        else:
            new = open_q if i == 0 or text[i - 1].isspace() or text[i - 1] in "([{" else close_q
        if new != c:
            edits.append(Edit.replace(i, i + 1, new))
    return Plan(edits)


def _separator(text: str, i: int) -> bool:
    """True for a `.`/`,` between two digits (2,800): part of a number, never spaced."""
    return 0 < i < len(text) - 1 and text[i - 1] in DIGIT_CHARS and text[i + 1] in DIGIT_CHARS


def _punct_tight(doc: Document, rng: random.Random) -> Plan:
    """Spaces before ، , ؛ ; : . ؟ ? ! are removed (المتحدة ، فر -> المتحدة، فر)."""
    text, edits = doc.text, []
    for m in re.finditer(r"[ \t]+(?=[" + re.escape(SPACING_PUNCT) + "])", text):
        if m.start() > 0 and text[m.start() - 1] != "\n" and not _separator(text, m.end()):
            edits.append(Edit.delete(m.start(), m.end()))
    return Plan(edits)


def _punct_loose(doc: Document, rng: random.Random) -> Plan:
    """A space is written before each ، , ؛ ; : . ؟ ? ! that follows a word directly
    (الماضية، بينما -> الماضية ، بينما); separators inside numbers stay."""
    text, edits = doc.text, []
    for i, c in enumerate(text):
        if c in SPACING_PUNCT and i > 0 and not text[i - 1].isspace() and text[i - 1] not in SPACING_PUNCT \
                and not _separator(text, i):
            edits.append(Edit.insert(i, " "))
    return Plan(edits)


# --- the registry ----------------------------------------------------------------------------

_SPAN_TEXTS = "span texts change; offsets, types and entities kept"

PERTURBATIONS: dict[str, Perturbation] = {
    p.name: p
    for p in [
        Perturbation(
            "orthography",
            "Writers and MT output that drop hamza seats and dots: أ/إ/آ/ٱ -> ا, ة -> ه, ى -> ي everywhere.",
            {"ner": "name texts respelt (الأمم -> الامم); " + _SPAN_TEXTS,
             "quotes": "cue, content and source texts respelt; speakers kept",
             "numbers": "number words respelt (ألفان -> الفان); values kept"},
            _orthography,
        ),
        Perturbation(
            "diacritics_removed",
            "Undiacritised text: every tanwin, short vowel, shadda and sukun deleted (وفقًا -> وفقا).",
            {"ner": "names with diacritics shortened (فرنسيًا -> فرنسيا); " + _SPAN_TEXTS,
             "quotes": "cues such as وفقًا lose their tanwin; speakers kept",
             "numbers": "diacritised numerals lose their marks; values kept"},
            _diacritics_removed,
        ),
        Perturbation(
            "diacritics_added",
            "Partly vocalised text: on about 30% of words one short vowel or sukun (sometimes shadda "
            "+ vowel) after a bare consonant. The marks are arbitrary, not a correct vocalisation: "
            "it tests that an extractor looks through them.",
            {"ner": "names grow marks inside their tokens; " + _SPAN_TEXTS,
             "quotes": "cue, content and source texts grow marks; speakers kept",
             "numbers": "number words grow marks; values kept"},
            _diacritics_added,
            seeded=True,
        ),
        Perturbation(
            "tatweel",
            "Kashida justification: on about 30% of words one to three tatweels (ـ) between two "
            "joined letters (طرابلس -> طرابـلس).",
            {"ner": "names stretched inside their tokens; " + _SPAN_TEXTS,
             "quotes": "cue, content and source texts stretched; speakers kept",
             "numbers": "number words stretched; values kept"},
            _tatweel,
            seeded=True,
        ),
        Perturbation(
            "digits_arabic_indic",
            "Eastern Arabic numerals as printed by many Arab outlets: 0-9 -> ٠-٩, with the Arabic "
            "thousands and decimal separators ٬ ٫ between digits.",
            {"numbers": "digit numerals rewritten (2011 -> ٢٠١١); spans, values and kinds kept"},
            _digits_indic,
        ),
        Perturbation(
            "digits_western",
            "The reverse: Arabic-Indic and Persian digits (and ٬ ٫ between them) -> 0-9, , and .",
            {"numbers": "digit numerals rewritten (٢٠١١ -> 2011); spans, values and kinds kept"},
            _digits_western,
        ),
        Perturbation(
            "numbers_to_digits",
            "Numerals written in digits instead of words: each gold cardinal or year in words becomes "
            "its value in digits (ألفان وثمانمائة -> 2800, الأربعة -> الـ4), clitics kept.",
            {"numbers": "number texts become digits; spans, values, kinds and units kept",
             "ner": "a numeral inside a name (مجموعة السبع -> مجموعة الـ7) is rewritten; type and entity kept",
             "quotes": "content texts containing numerals change; speakers kept"},
            _numbers_to_digits,
            needs_parser=True,
        ),
        Perturbation(
            "numbers_to_words",
            "Numerals spelt out: each gold cardinal or year in digits becomes Arabic words "
            "(2011 -> ألفين وأحد عشر), masculine genitive, clitics kept.",
            {"numbers": "number texts become words; spans, values, kinds and units kept",
             "ner": "a numeral inside a name is rewritten; type and entity kept",
             "quotes": "content texts containing numerals change; speakers kept"},
            _numbers_to_words,
            needs_parser=True,
        ),
        Perturbation(
            "names_canonical",
            "Clean transliteration: every corrupted or variant name spelling is replaced by the "
            "canonical Arabic name of its own gold cluster (دذرر -> حفتر), clitics kept.",
            {"ner": "non-canonical names respelt and their form set to canonical; type and entity kept",
             "quotes": "sources and contents containing those names respelt; the speaker is kept"},
            _names_canonical,
            may_change=frozenset({"mention.form"}),
        ),
        Perturbation(
            "names_corrupted",
            "Noisy transliteration: canonical mentions of clusters that also occur misspelt are "
            "replaced by one of the cluster's own corrupted or variant spellings (حفتر -> هوتر), "
            "chosen by the seed, clitics kept.",
            {"ner": "canonical names respelt and their form set to the spelling's form; type and entity kept",
             "quotes": "sources and contents containing those names respelt; the speaker is kept"},
            _names_corrupted,
            may_change=frozenset({"mention.form"}),
            seeded=True,
        ),
        Perturbation(
            "quotes_guillemets",
            "Arabic-style quotation marks: straight and curly quotes -> « » (opening after a space).",
            {"quotes": "quotation marks inside direct and mixed contents change; spans and types kept"},
            lambda d, r: _quote_plan(d, "guillemets"),
        ),
        Perturbation(
            "quotes_curly",
            "Typographic quotation marks: straight quotes and guillemets -> “ ”.",
            {"quotes": "quotation marks inside direct and mixed contents change; spans and types kept"},
            lambda d, r: _quote_plan(d, "curly"),
        ),
        Perturbation(
            "punct_tight",
            "Conventional punctuation spacing: the spaces MT output leaves before ، . : ; ? ! are removed.",
            {"quotes": "contents spanning such punctuation get shorter; spans kept on the same tokens",
             "ner": "offsets shift only"},
            _punct_tight,
        ),
        Perturbation(
            "punct_loose",
            "Detached punctuation: a space before every ، . : ; ? ! that follows a word (French-style "
            "or tokenised text).",
            {"quotes": "contents spanning such punctuation get longer; spans kept on the same tokens",
             "ner": "offsets shift only"},
            _punct_loose,
        ),
    ]
}


def get_perturbation(name: str) -> Perturbation:
    if name not in PERTURBATIONS:
        raise KhabarError(f"unknown perturbation {name!r}; known: {', '.join(PERTURBATIONS)}")
    return PERTURBATIONS[name]


@dataclass
class Variant:
    """A perturbed gold, with the offset map of each document from the original."""

    perturbation: Perturbation
    seed: int
    gold: Gold
    maps: dict[str, OffsetMap]

    @property
    def n_edits(self) -> int:
        return sum(len(m) for m in self.maps.values())


def perturb(gold: Gold, perturbation: str | Perturbation, seed: int = 0) -> Variant:
    """Apply one perturbation to every document of `gold` (checked; see `apply_plan`)."""
    p = get_perturbation(perturbation) if isinstance(perturbation, str) else perturbation
    why = p.unavailable()
    if why:
        raise PerturbationError(f"perturbation {p.name!r} cannot run here: {why}")
    docs, maps = [], {}
    for d in gold.documents:
        res = p.apply(d, seed)
        docs.append(res.document)
        maps[d.id] = res.mapping
    version = f"{gold.version}+{p.name}.s{seed}"
    return Variant(p, seed, Gold(version=version, documents=docs), maps)
