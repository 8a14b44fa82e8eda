"""khabar's Arabic numeral parser: numbers written in words, digits or Arabic-Indic digits.

`find_numbers(text)` returns the number mentions of a text as token-aligned spans (the spec's
convention: numeral words only, attached clitics inside, the counted noun and qualifiers such as
أكثر من outside, a multi-word numeral one span) with value, kind and counted unit.
`parse_number(s)` reads one number from a string ("2,800", "٢٨٠٠", "ألفان وثمانمائة", "30%").

Words: cardinals 0 to trillions with masculine/feminine, case and dual forms (ألفان، مائتين),
definite forms and clitics (الأربعة، وثمانمائة، بألفين، للثلاثة), teens, compounds joined by و,
multipliers (ثلاث مائة، 1.2 مليار، نصف مليون), ordinals (الثاني، الحادي عشر، الخامسة والعشرون),
fractions (نصف، ثلثان، ثلاثة أرباع، واحد ونصف), dozens, negatives (سالب، ناقص) and decimals
(فاصلة). Digits: Western, Arabic-Indic and Persian, thousands separators (2,800 / ١٬٢٣٤ /
١،٢٣٤ / 1 234 567), decimal separators (3.5 / ٣٫٥ / 4,8), slash fractions (3/4, 2 1/4) and
percent (30%، ٣٠٪، عشرين في المئة، ١٠ بالمائة; the percent words are inside the span).

`python -m khabar.numerals --recognizers PATH` runs the parser over the Recognizers-Text
Arabic number specs (an outside test suite) and prints the pass rate per file;
`python -m khabar.numerals "TEXT"` prints the mentions found in a text.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .model import OnSpan, Span
from .normalize import TATWEEL, normalize
from .tokens import Token, tokenize

__all__ = [
    "KINDS",
    "NumberMention",
    "find_numbers",
    "parse",
    "parse_number",
    "judge_recognizers",
    "RecognizersReport",
]

KINDS = ("cardinal", "ordinal", "year", "fraction", "percent", "money")

# Invisible format characters (bidi marks and embeddings) that writers and converters leave
# inside numbers: ignored when reading a value.
_FORMAT_CHARS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"
_STRIP_FORMAT = str.maketrans("", "", _FORMAT_CHARS)
_DIGITS = "0-9٠-٩۰-۹"
_TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")


def _norm(word: str) -> str:
    """A token's lexical key: format characters removed, then khabar's orthographic folding."""
    return normalize(word.translate(_STRIP_FORMAT))


# --- the lexicon -------------------------------------------------------------------------------
# General Arabic number vocabulary (standard grammar, Modern Standard Arabic spelling variants);
# written as usually spelled and folded with `normalize` when the tables are built.

@dataclass(frozen=True)
class _Word:
    cls: str  # zero unit teen_only ten tens hundred hundreds_pl scale scale_dual scale_pl
    #           dozen dozen_dual dozen_pl frac frac_dual frac_pl ord ord_teen
    value: float
    ambiguous: bool = False  # خمس 'five' or 'a fifth'; ثمن 'one eighth' or 'price'


_UNITS = {
    1: ["واحد", "واحدة", "واحدا", "واحدًا"],
    2: ["اثنان", "اثنين", "اثنتان", "اثنتين", "إثنان", "إثنين", "ثنتان", "ثنتين"],
    3: ["ثلاث", "ثلاثة"],
    4: ["أربع", "أربعة"],
    5: ["خمس", "خمسة"],
    6: ["ست", "ستة"],
    7: ["سبع", "سبعة"],
    8: ["ثمان", "ثماني", "ثمانى", "ثمانية"],
    9: ["تسع", "تسعة"],
}
_TEEN_ONLY = {1: ["أحد", "إحدى"], 2: ["اثنا", "اثني", "اثنتا", "اثنتي", "إثنا", "إثني"]}
_TEN = ["عشر", "عشرة"]
_TENS = {
    20: "عشر", 30: "ثلاث", 40: "أربع", 50: "خمس", 60: "ست", 70: "سبع", 80: "ثمان", 90: "تسع",
}
_HUNDRED_PREFIX = {3: ["ثلاث", "ثلث"], 4: ["أربع"], 5: ["خمس"], 6: ["ست"], 7: ["سبع"],
                   8: ["ثمان", "ثماني"], 9: ["تسع"]}
_SCALES = {  # value: (singular forms, dual forms, plural forms)
    1e3: (["ألف"], ["ألفان", "ألفين"], ["آلاف", "ألاف"]),
    1e6: (["مليون"], ["مليونان", "مليونين"], ["ملايين"]),
    1e9: (["مليار", "بليون"], ["ملياران", "مليارين", "بليونان", "بليونين"], ["مليارات", "بلايين"]),
    1e12: (["تريليون", "ترليون"], ["تريليونان", "تريليونين"], ["تريليونات", "ترليونات"]),
}
_FRACTIONS = {  # denominator: (singular, dual, plural)
    2: (["نصف"], ["نصفان", "نصفين"], []),
    3: (["ثلث"], ["ثلثان", "ثلثين", "ثلثا"], ["أثلاث"]),
    4: (["ربع"], ["ربعان", "ربعين"], ["أرباع"]),
    5: (["خمس"], [], ["أخماس"]),
    6: (["سدس"], [], ["أسداس"]),
    7: (["سبع"], [], ["أسباع"]),
    8: (["ثمن"], [], ["أثمان"]),
    9: (["تسع"], [], ["أتساع"]),
    10: (["عشر"], [], ["أعشار"]),
}
_ORDINALS = {
    1: ["أول", "أولى", "أولا", "أوّل"],
    2: ["ثاني", "ثانية", "ثانيا"],
    3: ["ثالث", "ثالثة", "ثالثا"],
    4: ["رابع", "رابعة", "رابعا"],
    5: ["خامس", "خامسة", "خامسا"],
    6: ["سادس", "سادسة", "سادسا"],
    7: ["سابع", "سابعة", "سابعا"],
    8: ["ثامن", "ثامنة", "ثامنا"],
    9: ["تاسع", "تاسعة", "تاسعا"],
    10: ["عاشر", "عاشرة", "عاشرا"],
}
_ORD_TEEN_ONLY = {1: ["حادي", "حادية"]}
_DOZEN = (["دزينة", "دستة"], ["دزينتان", "دزينتين", "دستتان", "دستتين"], ["دزينات", "دستات"])


def _build_lexicon() -> dict[str, list[_Word]]:
    lex: dict[str, list[_Word]] = {}

    def add(word: str, w: _Word) -> None:
        key = normalize(word)
        if w not in lex.setdefault(key, []):
            lex[key].append(w)

    add("صفر", _Word("zero", 0))
    for v, words in _UNITS.items():
        for w in words:
            add(w, _Word("unit", v))
    for v, words in _TEEN_ONLY.items():
        for w in words:
            add(w, _Word("teen_only", v))
    for w in _TEN:
        add(w, _Word("ten", 10))
    for v, stem in _TENS.items():
        add(stem + "ون", _Word("tens", v))
        add(stem + "ين", _Word("tens", v))
    for h in ("مائة", "مئة", "مائه", "مئه"):
        add(h, _Word("hundred", 100))
    for w in ("مائتان", "مائتين", "مئتان", "مئتين", "مائتا", "مئتا"):
        add(w, _Word("hundred", 200))
    for v, prefixes in _HUNDRED_PREFIX.items():
        for p in prefixes:
            for h in ("مائة", "مئة"):
                add(p + h, _Word("hundred", v * 100))
    add("مئات", _Word("hundreds_pl", 100))
    for v, (sing, dual, plural) in _SCALES.items():
        for w in sing:
            add(w, _Word("scale", v))
        for w in dual:
            add(w, _Word("scale_dual", v))
        for w in plural:
            add(w, _Word("scale_pl", v))
    # ألفا / مليونا: accusative 'a thousand' after a multiplier, dual construct 'two thousand'
    # when alone; resolved in the grammar (tanwin, when written, settles it).
    add("ألفا", _Word("scale", 1e3))
    add("مليونا", _Word("scale", 1e6))
    add("مليارا", _Word("scale", 1e9))
    sing, dual, plural = _DOZEN
    for w in sing:
        add(w, _Word("dozen", 12))
    for w in dual:
        add(w, _Word("dozen_dual", 12))
    for w in plural:
        add(w, _Word("dozen_pl", 12))
    for d, (sing, dual, plural) in _FRACTIONS.items():
        for w in sing:
            add(w, _Word("frac", 1 / d, ambiguous=d in (5, 7, 8, 9, 10)))
        for w in dual:
            add(w, _Word("frac_dual", 2 / d))
        for w in plural:
            add(w, _Word("frac_pl", 1 / d))
    for v, words in _ORDINALS.items():
        for w in words:
            add(w, _Word("ord", v))
    for v, words in _ORD_TEEN_ONLY.items():
        for w in words:
            add(w, _Word("ord_teen", v))
    return lex


_LEX = _build_lexicon()

# Attached clitics: conjunction و/ف, preposition ب/ل/ك, article ال (ل + ال is written لل).
_PREFIXES = sorted(
    {"", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ول", "وب", "وك",
     "فب", "فل", "فك", "وبال", "فبال", "ولل", "فلل", "وكال", "فكال"},
    key=len,
)

_PERCENT_SIGNS = {"%", "٪", "﹪"}
_PERCENT_WORDS = {normalize(w) for w in ("بالمائة", "بالمئة", "بالمائه", "بالمئه")}
_PERCENT_AFTER_FI = {normalize(w) for w in ("المائة", "المئة", "المائه", "المئه")}
_NEGATIVE_WORDS = {normalize(w) for w in ("سالب", "ناقص")}
_DECIMAL_WORDS = {normalize(w) for w in ("فاصلة", "فاصله")}
_AND = "و"
_NOT_NUMBER_BEFORE_ONE = {normalize(w) for w in ("أي", "أيّ", "كل")}  # أي واحد 'which one'

# Qualifiers before a number (general Arabic): outside the span, reported as `qualifier`.
_QUALIFIERS = [
    (("أكثر", "من"), "more_than"), (("اكثر", "من"), "more_than"), (("ما", "يزيد", "عن"), "more_than"),
    (("ما", "يزيد", "على"), "more_than"), (("أزيد", "من"), "more_than"), (("ما", "يفوق"), "more_than"),
    (("أقل", "من"), "less_than"), (("اقل", "من"), "less_than"), (("ما", "يقل", "عن"), "less_than"),
    (("حوالي",), "approximately"), (("حوالى",), "approximately"), (("نحو",), "approximately"),
    (("قرابة",), "approximately"), (("زهاء",), "approximately"), (("ما", "يقرب", "من"), "approximately"),
    (("ما", "يناهز"), "approximately"), (("تقريبا",), "approximately"),
    # comparatives and verbs of exceeding: أكبر من ٤٥٦٥، فوق الثلاثين، تحت ١٧٠، يتجاوز ٣٠٠٠، >٣٠
    (("أكبر", "من"), "more_than"), (("أعلى", "من"), "more_than"), (("يزيد", "عن"), "more_than"),
    (("يزيد", "على"), "more_than"), (("تزيد", "عن"), "more_than"), (("تزيد", "على"), "more_than"),
    (("يتجاوز",), "more_than"), (("تتجاوز",), "more_than"), (("يفوق",), "more_than"),
    (("تفوق",), "more_than"), (("فوق",), "more_than"), ((">",), "more_than"),
    (("أصغر", "من"), "less_than"), (("أدنى", "من"), "less_than"), (("يقل", "عن"), "less_than"),
    (("تقل", "عن"), "less_than"), (("تحت",), "less_than"), (("<",), "less_than"),
]
# A negation before a comparative turns it round: لا أقل من ٣٠ 'no less than 30' is a lower
# bound (khabar has no 'at least': the nearest qualifier is more_than).
_NEGATIONS = {normalize(w) for w in ("لا", "ولا", "فلا", "لن", "لم")}
_FLIP = {"more_than": "less_than", "less_than": "more_than"}
# Symbols after which a hyphen is a minus sign: <-30, (-5)
_SIGN_AFTER = {"<", ">", "=", "(", "[", "≤", "≥"}

# Counted nouns (general news vocabulary, singular, accusative, dual-free plural forms) and the
# English singular khabar records as `unit`.
_UNIT_NOUNS = {
    "person": ["شخص", "شخصا", "أشخاص", "اشخاص", "نسمة", "فرد", "فردا", "أفراد"],
    "civilian": ["مدني", "مدنيا", "مدنيين", "مدنيون"],
    "soldier": ["جندي", "جنديا", "جنود"],
    "fighter": ["مقاتل", "مقاتلا", "مقاتلين", "مقاتلون"],
    "child": ["طفل", "طفلا", "أطفال"],
    "woman": ["امرأة", "نساء"],
    "man": ["رجل", "رجلا", "رجال"],
    "refugee": ["لاجئ", "لاجئا", "لاجئين", "لاجئون"],
    "migrant": ["مهاجر", "مهاجرا", "مهاجرين", "مهاجرون"],
    "day": ["يوم", "يوما", "أيام"],
    "week": ["أسبوع", "أسبوعا", "أسابيع"],
    "month": ["شهر", "شهرا", "أشهر", "شهور"],
    "year": ["عام", "عاما", "أعوام", "سنة", "سنوات", "سنين"],
    "hour": ["ساعة", "ساعات"],
    "minute": ["دقيقة", "دقائق"],
    "country": ["دولة", "دول", "بلد", "بلدان"],
    "city": ["مدينة", "مدن"],
    "time": ["مرة", "مرات"],
    "kilometre": ["كيلومتر", "كيلومترا", "كيلومترات", "كم"],
    "metre": ["متر", "مترا", "أمتار"],
    "tonne": ["طن", "طنا", "أطنان"],
}
_CURRENCIES = {
    "dollar": ["دولار", "دولارا", "دولارات"],
    "euro": ["يورو"],
    "dinar": ["دينار", "دينارا", "دنانير"],
    "riyal": ["ريال", "ريالا", "ريالات"],
    "pound": ["جنيه", "جنيها", "جنيهات"],
    "dirham": ["درهم", "درهما", "دراهم"],
    "lira": ["ليرة", "ليرات"],
    "rouble": ["روبل", "روبلا"],
    "yuan": ["يوان"],
    "yen": ["ين"],
    "franc": ["فرنك", "فرنكا", "فرنكات"],
}
_CURRENCY_SIGNS = {"$": "dollar", "€": "euro", "£": "pound"}
_UNIT_LEX = {normalize(w): u for u, ws in _UNIT_NOUNS.items() for w in ws}
_CURRENCY_LEX = {normalize(w): u for u, ws in _CURRENCIES.items() for w in ws}
_YEAR_NOUNS = {normalize(w) for w in ("عام", "سنة", "العام", "السنة")}
# Definite plural nouns after which a definite tens numeral is a cardinal (الأيام العشرين).
_PLURAL_NOUNS = {normalize(w) for ws in _UNIT_NOUNS.values() for w in ws if len(w) > 2} | {
    normalize(w) for w in ("ناس", "أطراف", "دول", "قتلى", "جرحى", "ضحايا", "سكان")}


def _strip_prefix(norm: str) -> list[tuple[str, str]]:
    """(prefix, stem) readings of a folded word, the bare word first."""
    out = []
    for p in _PREFIXES:
        if norm.startswith(p) and len(norm) > len(p):
            stem = norm[len(p):]
            if p and p not in ("و", "ال") and len(stem) < 3:
                continue  # لست 'I am not' is not ل + ست
            out.append((p, stem))
    return out


def _is_definite(prefix: str) -> bool:
    return prefix.endswith("ال") or prefix.endswith("لل")


# --- digits ------------------------------------------------------------------------------------

_DIGIT_TOKEN = re.compile(
    rf"^(?P<pre>(?:[وفبلك]|وب|ول|فب|فل|وك)?(?:ال)?)(?P<sign>[$€£])?"
    rf"(?P<num>[{_DIGITS}]+(?:[.,٫٬][{_DIGITS}]+)*)"
    rf"(?P<pct>[%٪﹪])?(?P<suf>م|هـ|ه)?$"
)
_PLAIN_DIGITS = re.compile(rf"^[{_DIGITS}]+$")
_GROUP_SPACES = {" ", "\u00a0", "\u202f", "\u2009"}  # 1 234 567 (plain, no-break, thin)


def digits_value(s: str) -> float | None:
    """The value of a digit string with separators: '2,800' 2800, '٣٫٥' 3.5, '4,8' 4.8,
    '1.234,5' 1234.5, '١،٢٣٤' 1234. A comma before exactly three digits groups thousands;
    before anything else it is a decimal comma. None when the separators make no number."""
    s = s.translate(_STRIP_FORMAT).translate(_TO_WESTERN).replace("،", "\u0000")
    if not s or not re.fullmatch(r"[0-9.,\u0000]+", s) or not s[0].isdigit() and s[0] != ".":
        return None
    if s.startswith("."):
        return float(s) if re.fullmatch(r"\.[0-9]+", s) else None
    arabic_groups = s.split("\u0000")
    if len(arabic_groups) > 1:  # the Arabic comma only ever groups thousands
        head, tail = arabic_groups[0], arabic_groups[1:]
        last = tail[-1]
        if not re.fullmatch(r"[0-9]{1,3}", head) or not all(re.fullmatch(r"[0-9]{3}", g) for g in tail[:-1]):
            return None
        m = re.fullmatch(r"([0-9]{3})(?:[.,]([0-9]+))?", last)
        if not m:
            return None
        whole = head + "".join(tail[:-1]) + m.group(1)
        return float(whole + ("." + m.group(2) if m.group(2) else ""))
    seps = [c for c in s if c in ".,"]
    if not seps:
        return float(s)
    groups = re.split(r"[.,]", s)
    if len(set(seps)) == 2:  # the last separator is the decimal one
        dec = seps[-1]
        thou = "," if dec == "." else "."
        body, _, frac = s.rpartition(dec)
        parts = body.split(thou)
        if not re.fullmatch(r"[0-9]{1,3}", parts[0]) or not all(re.fullmatch(r"[0-9]{3}", p) for p in parts[1:]):
            return None
        return float("".join(parts) + "." + frac)
    sep = seps[0]
    thousands = (
        re.fullmatch(r"[1-9][0-9]{0,2}", groups[0]) is not None
        and all(len(g) == 3 for g in groups[1:])
    )
    if len(seps) > 1:
        return float("".join(groups)) if thousands else None
    if sep == "," and thousands:
        return float("".join(groups))
    return float(groups[0] + "." + groups[1])


# --- mentions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberMention(OnSpan):
    """One number found in a text: its token-aligned span, value, kind, counted unit and the
    qualifier before it (more_than / less_than / approximately / exact)."""

    span: Span
    value: float
    kind: str
    unit: str | None = None
    qualifier: str = "exact"


@dataclass
class _Atom:
    """One numeral token (or digit group) as the grammar sees it."""

    first: int  # token index range [first, last]
    last: int
    word: _Word | None  # None for digits
    value: float
    prefix: str = ""
    conj: bool = False  # joined to the previous atom by و
    digits: bool = False
    percent: bool = False
    sign: str | None = None  # currency sign written on the digits
    year_suffix: bool = False
    slash: bool = False  # a slash fraction 3/4
    raw: str = ""
    entries: tuple = ()  # the lexicon readings of a word


@dataclass
class _Acc:
    """The value being built while atoms are read left to right."""

    total: float = 0.0  # closed scale groups
    group: float = 0.0  # the group below the smallest scale so far
    last_scale: float = math.inf
    part: float = 0.0  # the last additive part (numerator of a following أخماس)
    part_cls: str = ""
    has_unit: bool = False
    has_tens: bool = False
    has_hundred: bool = False
    needs_teen: bool = False
    teen: bool = False
    ordinal: bool = False
    fraction: bool = False
    closed: bool = False  # a fraction part ends the number
    atoms: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.atoms

    @property
    def value(self) -> float:
        return self.total + self.group

    def new_group(self) -> None:
        self.group = 0.0
        self.has_unit = self.has_tens = self.has_hundred = self.teen = False

    def copy(self) -> "_Acc":
        c = _Acc(**{k: v for k, v in self.__dict__.items() if k != "atoms"})
        c.atoms = list(self.atoms)
        return c


def _step(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """`acc` extended by atom `a` read as (`cls`, `value`), or None when that is not Arabic
    number grammar (the number then ends before `a`)."""
    if acc.closed:
        return None
    n = acc.copy()
    c = a.conj
    if acc.empty:
        if cls in ("teen_suffix", "frac_pl", "hundreds_pl", "scale_pl", "dozen_pl"):
            return None
        if c:
            pass  # a leading و is a clitic (وثلاثة), not a join
    elif not c and cls not in ("teen_suffix", "hundred_mult", "scale", "scale_pl", "dozen", "dozen_pl",
                                "frac_pl", "frac_whole", "hundreds_pl"):
        return None
    if acc.needs_teen and cls != "teen_suffix" and not (cls == "tens" and c):
        return None  # أحد / الحادي only before عشر or a joined ten: أحد عشر، الحادي والعشرون

    if cls in ("unit", "ord", "ord_teen", "teen_only"):
        if acc.empty:
            n.group = value
        elif c and not acc.has_unit and not acc.teen and (acc.has_tens or acc.group % 100 == 0):
            n.group += value
        else:
            return None
        n.has_unit = True
        n.part, n.part_cls = value, cls
        n.needs_teen = cls in ("teen_only", "ord_teen")
        n.ordinal |= cls in ("ord", "ord_teen")
    elif cls == "ten":
        if acc.empty or (c and acc.group % 100 == 0 and not acc.has_unit):
            n.group += 10
        else:
            return None
        n.has_unit = n.teen = True
        n.part, n.part_cls = 10, "ten"
    elif cls == "teen_suffix":
        if acc.part_cls not in ("unit", "ord", "ord_teen", "teen_only") or acc.teen or acc.has_tens \
                or acc.part > 9 or c:
            return None
        n.group += 10
        n.part += 10
        n.teen = True
        n.needs_teen = False
        n.part_cls = "teen"
    elif cls == "tens":
        if acc.empty:
            n.group = value
        elif c and not acc.has_tens and not acc.teen and (acc.group % 100) < 10 and acc.part_cls != "ten":
            n.group += value
        else:
            return None
        n.has_tens = True
        n.needs_teen = False
        n.part, n.part_cls = value, "tens"
    elif cls == "hundred":
        if acc.empty:
            n.group = value
        elif c and acc.group == 0 and value < acc.last_scale:
            n.group = value
        else:
            return None
        n.has_hundred = True
        n.part, n.part_cls = value, "hundred"
    elif cls in ("hundred_mult", "hundreds_pl"):
        # ثلاث مائة / 3 مئة / 322 مائة: the last part times a hundred
        if acc.empty or c or acc.has_hundred or acc.teen or acc.part_cls not in ("unit", "digits") \
                or (acc.part_cls == "unit" and acc.part > 9):
            return None
        n.group = acc.group - acc.part + acc.part * 100
        n.has_hundred, n.has_unit = True, False
        n.part, n.part_cls = n.group, "hundred"
    elif cls in ("scale", "scale_dual", "scale_pl"):
        if value > acc.last_scale and not c and cls == "scale" and not acc.fraction and acc.value > 0:
            # ألف مليار، مائة ألف تريليون: a larger scale multiplies the whole number so far
            n.total, n.last_scale = acc.value * value, value
            n.new_group()
            n.part, n.part_cls = n.total, "scale"
            return n
        if value >= acc.last_scale:
            return None
        if acc.empty:
            if cls == "scale_pl":
                return None
            n.total = value * (2 if cls == "scale_dual" else 1)
        elif c:
            if acc.group != 0 or cls == "scale_pl":
                return None
            n.total += value * (2 if cls == "scale_dual" else 1)
        else:
            if cls == "scale_dual":
                return None
            mult = acc.group
            if acc.part_cls == "frac":
                mult = acc.part  # نصف مليون
                n.fraction = False
            if mult <= 0 or (cls == "scale_pl" and mult < 2):
                return None
            n.total += mult * value
        n.last_scale = value
        n.new_group()
        n.part, n.part_cls = n.total, "scale"
    elif cls in ("dozen", "dozen_dual", "dozen_pl"):
        if acc.empty:
            if cls == "dozen_pl":
                return None
            n.group = value * (2 if cls == "dozen_dual" else 1)
        elif c:
            if cls != "dozen_dual" and cls != "dozen":
                return None
            n.group += value * (2 if cls == "dozen_dual" else 1)
        else:
            mult = acc.part if acc.part_cls == "frac" else acc.group
            if cls == "dozen_dual" or mult <= 0:
                return None
            n.group = mult * value if acc.part_cls != "frac" else mult * value
            n.fraction = False
        n.part, n.part_cls = n.group, "dozen"
    elif cls in ("frac", "frac_dual"):
        if acc.empty:
            n.group = value
            n.fraction = True
            n.part, n.part_cls = value, "frac"
            return n
        if not c:
            return None
        n.closed = True
        if acc.group == 0 and acc.last_scale < math.inf:
            n.total += value * acc.last_scale  # مليون ونصف 1.5 million
        else:
            n.group += value  # واحد ونصف، مائة وثلاثة وثلثان
            n.fraction = True
    elif cls == "frac_whole":
        # ثلاثة وعشرون خمس: a singular fraction after a number of eleven or more divides it
        whole = acc.value
        if c or whole < 11 or acc.part_cls == "frac":
            return None
        n.total, n.group = 0.0, whole * value
        n.fraction = n.closed = True
    elif cls == "frac_pl":
        # ثلاثة أرباع، عشرون وثلاثة أخماس (3-10 count plurals), مئة وثلاثون أخماس
        if c or acc.part_cls == "frac":
            return None
        if acc.part_cls in ("unit", "ten", "digits") and 2 <= acc.part <= 10:
            n.group = acc.group - acc.part + acc.part * value
        else:
            n.total, n.group = 0.0, acc.value * value
        n.fraction = n.closed = True
    elif cls == "zero":
        if not acc.empty:
            return None
        n.group = 0.0
        n.closed = True
        n.part, n.part_cls = 0.0, "zero"
    elif cls == "digits":
        if acc.empty:
            n.group = value
        elif c and value == int(value) and (
            (acc.group == 0 and value < acc.last_scale)
            or (acc.has_hundred and not acc.has_tens and not acc.has_unit and acc.group % 100 == 0 and value < 100)
        ):
            n.group += value
        else:
            return None
        n.part, n.part_cls = value, "digits"
        if a.slash:
            n.fraction = n.closed = True
    else:
        return None
    return n


def _readings(a: _Atom, acc: _Acc, nxt_norm: str | None) -> list[tuple[str, float]]:
    """The grammatical readings of an atom to try, most likely first."""
    if a.digits:
        return [("digits", a.value)]
    out: list[tuple[str, float]] = []
    for cand in a.entries:
        cls, v = cand.cls, cand.value
        if cls == "ten":
            if not acc.empty and not a.conj:
                out.append(("teen_suffix", 10))
            out.append(("ten", 10))
        elif cls == "hundred" and v == 100:
            if not acc.empty and not a.conj:
                out.append(("hundred_mult", 100))
            out.append(("hundred", 100))
        elif cls == "frac":
            if cand.ambiguous:
                if acc.empty:
                    # خمس الفطيرة 'a fifth of the pie'; خمس سنوات 'five years'; ثمن alone is 'price'
                    definite_next = nxt_norm is not None and nxt_norm.startswith("ال") and nxt_norm not in _LEX
                    if v == 1 / 8 or not definite_next:
                        continue
                    out.insert(0, ("frac", v))
                    continue
            if not acc.empty and not a.conj:
                if cand.ambiguous and _is_multiplier(nxt_norm):
                    continue  # ألف خمس مائة: خمس is 'five' before مائة, not 'a fifth'
                out.append(("frac_whole", v))
            else:
                out.append(("frac", v))
        else:
            out.append((cls, v))
    return out


def _is_multiplier(norm: str | None) -> bool:
    """Whether a folded word is مائة or a scale word (ألف، مليون ...), bare or with و/ال."""
    if norm is None:
        return False
    return any(stem in _LEX and any(e.cls in ("hundred", "scale", "scale_pl") for e in _LEX[stem])
               for _, stem in _strip_prefix(norm))


def _word_atom(tok: Token, i: int, first: bool, after_and: bool = False) -> _Atom | None:
    norm = _norm(tok.text)
    readings = _strip_prefix(norm)
    if not first and not after_and:  # a leading و inside a number joins: وأحد عشر, وواحد
        readings.sort(key=lambda r: r[0] != "و")
    for prefix, stem in readings:
        if stem in _LEX:
            if not first and prefix not in ("", "و", "ال", "وال"):
                continue  # inside a number only the conjunction and the article attach
            entries = tuple(_LEX[stem])
            return _Atom(i, i, entries[0], entries[0].value, prefix=prefix,
                         conj=prefix.startswith("و") and not first, raw=stem, entries=entries)
    return None


def _digit_atom(tokens: list[Token], text: str, i: int) -> _Atom | None:
    """A digit group starting at token i, with the tokens it spans: 2,800 / ١،٢٣٤،٥٦٧ /
    1 234 567 / 3/4 / 2 1/4 / .25 / 30% / و2011."""
    tok = tokens[i]
    clean = tok.text.translate(_STRIP_FORMAT).replace(TATWEEL, "")
    m = _DIGIT_TOKEN.match(clean)
    lead_dot = False
    if not m and tok.text == "." and i + 1 < len(tokens) and tokens[i + 1].start == tok.end \
            and _PLAIN_DIGITS.match(tokens[i + 1].text.translate(_STRIP_FORMAT)) \
            and (i == 0 or tokens[i - 1].end < tok.start):
        lead_dot = True  # .25
    if not m and not lead_dot:
        return None
    last = i
    if lead_dot:
        num = "." + tokens[i + 1].text.translate(_STRIP_FORMAT)
        last = i + 1
        m = None
        pre, sign, pct, suf = "", None, None, None
    else:
        pre, sign, num, pct, suf = m.group("pre"), m.group("sign"), m.group("num"), m.group("pct"), m.group("suf")
    # digits glued to letters (180ميلي، ١مليون) are not a number: the tokeniser split them
    nxt = tokens[last + 1] if last + 1 < len(tokens) else None
    if nxt is not None and nxt.start == tokens[last].end and nxt.text[0].isalpha():
        return None

    def gap(a: int, b: int) -> str:
        return text[tokens[a].end:tokens[b].start]

    # digit groups joined by a separator token with no space: ١،٢٣٤،٥٦٧ / 26،013‪,94
    j = last
    while not pct and not suf and j + 2 < len(tokens) and tokens[j + 1].text in ("،", ",", ".") \
            and gap(j, j + 1) == "" and gap(j + 1, j + 2) == "" \
            and re.fullmatch(rf"[{_DIGITS}]+(?:[.,٫٬][{_DIGITS}]+)?[%٪]?", tokens[j + 2].text.translate(_STRIP_FORMAT)):
        j += 2
    num_value = None
    if j > last:
        tail = "".join(t.text for t in tokens[last + 1:j + 1]).translate(_STRIP_FORMAT)
        tail_pct = tail[-1] in _PERCENT_SIGNS
        num_value = digits_value(num + (tail[:-1] if tail_pct else tail))
        if num_value is not None:
            last, pct = j, pct or ("%" if tail_pct else None)
    if num_value is None:
        num_value = digits_value(num)
    if num_value is None:
        return None
    value = num_value
    slash = False
    # space-grouped thousands: 1 234 567 / 40 000 (first group 1-3 digits, then groups of 3)
    if not pre and not sign and not pct and not suf and re.fullmatch(rf"[{_DIGITS}]{{1,3}}", num):
        k = last
        groups = [num]
        while k + 1 < len(tokens) and gap(k, k + 1) in _GROUP_SPACES \
                and re.fullmatch(rf"[{_DIGITS}]{{3}}(?:[.٫][{_DIGITS}]+)?", tokens[k + 1].text):
            groups.append(tokens[k + 1].text)
            k += 1
            if not re.fullmatch(rf"[{_DIGITS}]{{3}}", tokens[k].text):
                break
        if k > last:
            v = digits_value("".join(groups).translate(_TO_WESTERN).replace(",", "."))
            if v is not None:
                value, last = v, k
    # slash fractions 3/4 (not dates 5/17/2018), and mixed numbers 2 1/4
    if not pct and not suf and value == int(value) and _PLAIN_DIGITS.match(num):
        def slash_at(k: int) -> int | None:
            if k + 2 < len(tokens) and tokens[k + 1].text == "/" and gap(k, k + 1) == "" \
                    and gap(k + 1, k + 2) == "" and _PLAIN_DIGITS.match(tokens[k + 2].text):
                return k + 2
            return None

        e = slash_at(last)
        after_slash = i >= 1 and tokens[i - 1].text == "/" and tokens[i - 1].end == tok.start
        if e is not None or after_slash:
            if after_slash:
                return _Atom(i, last, None, value, prefix=pre, digits=True, raw=num)  # in a date
            if slash_at(e) is not None or (e + 1 < len(tokens) and tokens[e + 1].text == "/" and gap(e, e + 1) == ""):
                return _Atom(i, last, None, value, prefix=pre, digits=True, raw=num)  # a date
            den = float(tokens[e].text.translate(_TO_WESTERN))
            if den == 0:
                return None
            value, last, slash = value / den, e, True
        elif last + 1 < len(tokens) and gap(last, last + 1) == " " and last == i:
            e2 = slash_at(last + 1)
            if e2 is not None and _PLAIN_DIGITS.match(tokens[last + 1].text):
                num2 = float(tokens[last + 1].text.translate(_TO_WESTERN))
                den = float(tokens[e2].text.translate(_TO_WESTERN))
                if den and 0 < num2 < den and (e2 + 1 >= len(tokens) or tokens[e2 + 1].text != "/"):
                    value, last, slash = value + num2 / den, e2, True
    return _Atom(i, last, None, value, prefix=pre, conj=False, digits=True,
                 percent=bool(pct), sign=sign, year_suffix=bool(suf), slash=slash, raw=num)


def _norm_at(tokens: list[Token], k: int) -> str | None:
    return _norm(tokens[k].text) if 0 <= k < len(tokens) else None


def _stem(norm: str | None) -> str | None:
    """A word without its article and attached prepositions/conjunctions (for noun look-ups)."""
    if norm is None:
        return None
    for p in reversed(_PREFIXES):
        if p and norm.startswith(p) and len(norm) - len(p) >= 2:
            return norm[len(p):]
    return norm


def _same_line(text: str, tokens: list[Token], a: int, b: int) -> bool:
    return "\n" not in text[tokens[a].end:tokens[b].start]


def _fraction_part(acc: _Acc, a: _Atom, tokens: list[Token], text: str) -> _Acc | None:
    """ثلاثة وعشرون وثلاثة أخماس: a joined count of 2-10 with a plural fraction after a
    complete number adds that fraction (the count alone would not extend the number)."""
    if acc.empty or acc.closed or not a.conj or a.word is None or a.digits:
        return None
    if not any(e.cls in ("unit", "ten") and 2 <= e.value <= 10 for e in a.entries):
        return None
    k = a.last + 1
    if k >= len(tokens) or not _same_line(text, tokens, a.last, k):
        return None
    frac = _word_atom(tokens[k], k, first=False)
    if frac is None or frac.prefix or not any(e.cls == "frac_pl" for e in frac.entries):
        return None
    count = next(e.value for e in a.entries if e.cls in ("unit", "ten") and 2 <= e.value <= 10)
    per = next(e.value for e in frac.entries if e.cls == "frac_pl")
    n = acc.copy()
    n.group += count * per
    n.fraction = n.closed = True
    n.atoms += [a, frac]
    return n


def _parse_at(tokens: list[Token], text: str, i: int) -> tuple[_Acc, int, bool] | None:
    """The longest number starting at token i: (accumulator, last token index, negative)."""
    negative = False
    start = i
    t = tokens[i]
    if t.text == "-" and i + 1 < len(tokens) and tokens[i + 1].start == t.end \
            and (i == 0 or tokens[i - 1].end < t.start or tokens[i - 1].text in _SIGN_AFTER) \
            and (i == 0 or not any(ch.isdigit() for ch in tokens[i - 1].text)):
        negative, i = True, i + 1
    elif _norm(t.text) in _NEGATIVE_WORDS and i + 1 < len(tokens) and _same_line(text, tokens, i, i + 1):
        negative, i = True, i + 1
    first = _digit_atom(tokens, text, i) or _word_atom(tokens[i], i, first=True)
    if first is None:
        return None
    if negative and first.prefix:
        return None
    acc = _Acc()
    a = first
    last = start - 1
    while a is not None:
        nxt_norm = _norm_at(tokens, a.last + 1)
        new = None
        for cls, v in _readings(a, acc, nxt_norm):
            new = _step(acc, a, cls, v)
            if new is not None:
                break
        if new is None:
            new = _fraction_part(acc, a, tokens, text)
            if new is not None:
                acc, last = new, new.atoms[-1].last
            break
        new.atoms.append(a)
        acc, last = new, a.last
        if a.digits and (a.percent or a.year_suffix or a.slash and acc.closed):
            break
        # the next atom: a word or digits, after an optional standalone و
        k = a.last + 1
        conj = False
        if k < len(tokens) and tokens[k].text == _AND and _same_line(text, tokens, a.last, k):
            conj, k = True, k + 1
        if k >= len(tokens) or not _same_line(text, tokens, k - 1, k):
            break
        if tokens[k].start - tokens[k - 1].end > 3:
            break
        nxt = _digit_atom(tokens, text, k)
        if nxt is not None:
            if nxt.prefix not in ("", "و"):
                break
            nxt.conj = conj or nxt.prefix == "و"
            if conj and nxt.prefix:
                break
        else:
            nxt = _word_atom(tokens[k], k, first=False, after_and=conj)
            if nxt is None:
                break
            if conj:
                if nxt.prefix not in ("", "ال"):
                    break
                nxt.conj = True
            else:
                nxt.conj = nxt.prefix.startswith("و")
        a = nxt
    if acc.empty or acc.needs_teen:
        return None
    # اثنان فاصلة خمسة: a decimal point in words, then the decimals as a whole number
    k = last + 1
    if not acc.closed and not acc.fraction and k + 1 < len(tokens) and _norm(tokens[k].text) in _DECIMAL_WORDS \
            and _same_line(text, tokens, last, k + 1):
        sub = _parse_at(tokens, text, k + 1)
        if sub is not None and not sub[2] and not sub[0].fraction and sub[0].value == int(sub[0].value):
            decimals = int(sub[0].value)
            acc.group += decimals / 10 ** len(str(decimals))
            last = sub[1]
    return acc, last, negative


def _qualifier(tokens: list[Token], i: int) -> str:
    for words, q in _QUALIFIERS:
        n = len(words)
        if q == "approximately" and words == ("تقريبا",):
            continue
        if i - n < 0:
            continue
        first = _norm(tokens[i - n].text)
        w0 = normalize(words[0])
        # the first word may carry a conjunction: وأقل من ١٠
        if first != w0 and not (first[:1] in ("و", "ف") and first[1:] == w0 and len(w0) > 1):
            continue
        if all(_norm(tokens[i - n + k].text) == normalize(w) for k, w in enumerate(words) if k):
            if q in _FLIP and _norm_at(tokens, i - n - 1) in _NEGATIONS:
                return _FLIP[q]
            return q
    return "exact"


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mention in `text`, left to right, as token-aligned spans."""
    tokens = tokenize(text)
    out: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        parsed = _parse_at(tokens, text, i)
        if parsed is None:
            i += 1
            continue
        acc, last, negative = parsed
        m = _mention(tokens, text, i, last, acc, negative)
        if m is None:
            i += 1
            continue
        mention, last = m
        out.append(mention)
        i = last + 1
    return out


def _mention(tokens: list[Token], text: str, i: int, last: int, acc: _Acc, negative: bool):
    atoms: list[_Atom] = acc.atoms
    a0 = atoms[0]
    value = acc.value
    prev = _norm_at(tokens, i - 1)
    nxt = _norm_at(tokens, last + 1)
    definite = _is_definite(a0.prefix)
    single = len(atoms) == 1
    w0 = a0.word
    # words that look like numerals but are not numbers here
    if w0 is not None and single:
        if w0.cls == "unit" and w0.value == 1 and prev in _NOT_NUMBER_BEFORE_ONE:
            return None
        if w0.cls == "unit" and w0.value == 2 and definite:
            return None  # الاثنين alone is mostly 'Monday' in news
        if w0.cls == "ord" and a0.raw == normalize("ثانية") and not definite and _ends_number(tokens, text, i - 1):
            return None  # 30 ثانية: the noun 'second'
        if w0.cls in ("hundreds_pl", "scale_pl", "dozen_pl"):
            return None
    if w0 is not None and w0.cls == "scale" and a0.raw in (normalize("ألفا"), normalize("مليونا"), normalize("مليارا")) \
            and single and "\u064b" not in tokens[a0.first].text:
        value *= 2  # ألفا شخص: dual construct 'two thousand'
    if negative:
        value = -value
    kind = "cardinal"
    unit = None
    if acc.fraction:
        kind = "fraction"
    if acc.ordinal:
        kind = "ordinal"
    elif definite and w0 is not None and not acc.fraction:
        first_cls = w0.cls
        has_tens = any(a.word is not None and a.word.cls == "tens" for a in atoms)
        ordinal_candidate = (
            first_cls == "tens"
            or (first_cls in ("hundred", "scale", "scale_dual") and (not single or _after_definite_noun(tokens, i)))
            or (first_cls == "unit" and w0.value in (1, 2) and has_tens)
        )
        if ordinal_candidate and not _after_plural_or_indefinite_noun(tokens, i):
            kind = "ordinal"
    # percent: a sign on the digits, a following % token, في المائة, بالمائة
    end_tok = last
    percent = any(a.percent for a in atoms)
    if not percent and kind in ("cardinal", "fraction"):
        if nxt is not None and tokens[last + 1].text in _PERCENT_SIGNS and tokens[last + 1].start - tokens[last].end <= 1:
            percent, end_tok = True, last + 1
        elif nxt in _PERCENT_WORDS and _same_line(text, tokens, last, last + 1):
            percent, end_tok = True, last + 1
        elif nxt == "في" and _norm_at(tokens, last + 2) in _PERCENT_AFTER_FI and _same_line(text, tokens, last, last + 2):
            percent, end_tok = True, last + 2
    after = _stem(_norm_at(tokens, end_tok + 1))
    after_raw = _norm_at(tokens, end_tok + 1)
    if percent:
        kind = "percent"
    elif kind == "ordinal":
        pass
    elif any(a.sign for a in atoms):
        kind, unit = "money", _CURRENCY_SIGNS[next(a.sign for a in atoms if a.sign)]
    elif after_raw in _CURRENCY_LEX or after in _CURRENCY_LEX:
        kind, unit = "money", _CURRENCY_LEX.get(after_raw) or _CURRENCY_LEX[after]
    elif kind == "cardinal" and value == int(value) and 1000 <= value <= 2100 and (
        any(a.year_suffix for a in atoms)
        or (_stem(prev) in _YEAR_NOUNS or prev in _YEAR_NOUNS) and not definite
        or (single and a0.digits and len(a0.raw) == 4 and 1900 <= value <= 2100
            and after not in _UNIT_LEX and after_raw not in _UNIT_LEX
            and _qualifier(tokens, i) == "exact")
    ):
        kind = "year"
    if kind in ("cardinal",):
        unit = _UNIT_LEX.get(after_raw) or _UNIT_LEX.get(after or "")
        if unit is None and (definite or (w0 is not None and w0.cls == "unit" and w0.value in (1, 2))):
            unit = _UNIT_LEX.get(_stem(prev) or "") or _UNIT_LEX.get(prev or "")
    start, end = tokens[i].start, tokens[end_tok].end
    return NumberMention(Span(start, end, text[start:end]), float(value), kind, unit,
                         _qualifier(tokens, i)), end_tok


def _ends_number(tokens: list[Token], text: str, k: int) -> bool:
    """Whether token k is the end of a numeral (digits or a number word)."""
    if k < 0:
        return False
    if _digit_atom(tokens, text, k) is not None:
        return True
    a = _word_atom(tokens[k], k, first=True)
    return a is not None and a.word.cls not in ("ord", "ord_teen", "frac", "frac_pl")


def _is_arabic_word(tokens: list[Token], k: int) -> bool:
    return 0 <= k < len(tokens) and any("\u0600" <= c <= "\u06ff" and c.isalpha() for c in tokens[k].text)


def _after_definite_noun(tokens: list[Token], i: int) -> bool:
    prev = _norm_at(tokens, i - 1)
    return prev is not None and _is_arabic_word(tokens, i - 1) and (prev.startswith("ال") or prev.startswith("لل")
                                                                     or prev.startswith("بال") or prev.startswith("وال"))


_PREPOSITIONS_AND_PRONOUNS = {normalize(w) for w in ("في", "من", "إلى", "الى", "على", "عن", "هو", "هي", "مع", "و")}


def _after_plural_or_indefinite_noun(tokens: list[Token], i: int) -> bool:
    """الأيام العشرين, مجموعة العشرين: a definite tens numeral after these is a cardinal."""
    prev = _norm_at(tokens, i - 1)
    if prev is None or not _is_arabic_word(tokens, i - 1):
        return False
    if prev in _PREPOSITIONS_AND_PRONOUNS:
        return False
    if not _after_definite_noun(tokens, i):
        return True
    stem = _stem(prev) or prev
    return stem.endswith("ات") or stem.endswith("ين") or stem.endswith("ون") or stem in _PLURAL_NOUNS


def parse(s: str) -> NumberMention | None:
    """The one number that makes up the whole string `s` (surrounding spaces and punctuation
    aside), or None."""
    s2 = s.strip()
    if not s2:
        return None
    found = find_numbers(s2)
    if len(found) != 1:
        return None
    m = found[0]
    rest = (s2[:m.start] + s2[m.end:]).strip(" \t\n.,،؛:;!?؟\"'«»()[]")
    return m if not rest else None


def parse_number(s: str) -> float | None:
    """The value of a number written as a string: '2,800' 2800.0, '٢٨٠٠' 2800.0, 'ألفان
    وثمانمائة' 2800.0, '30%' 30.0, '3.5' 3.5, 'الأربعة' 4.0. None when `s` is not one number."""
    if not isinstance(s, str):
        return None
    m = parse(s)
    if m is not None:
        return m.value
    try:
        v = float(s.translate(_STRIP_FORMAT).translate(_TO_WESTERN).replace("،", "").strip())
    except ValueError:
        return None
    return v if math.isfinite(v) else None


# --- the Recognizers-Text outside test suite ----------------------------------------------------

RECOGNIZERS_FILES = ("NumberModel", "OrdinalModel", "PercentModel", "NumberRangeModel")
# Which of khabar's kinds each spec file is about (the others are ignored in that file).
_FILE_KINDS = {
    "NumberModel": {"cardinal", "year", "money", "fraction"},
    "OrdinalModel": {"ordinal"},
    "PercentModel": {"percent"},
}
# Cases whose expected type does not fit the text (Recognizers-Text marks cardinal numbers as
# ordinals in its ordinal file); judged by a reading of the Arabic, listed with the reason.
_MISLABELLED = {
    "ثلاثة تريليون": "a cardinal (three trillion) labelled ordinal",
    "مائة تريليون": "a cardinal (a hundred trillion) labelled ordinal",
    "تريليون": "a cardinal (a trillion) labelled ordinal",
    "واحد و عشرون تريليون و ثلاثمائة و اثنان و عشرون": "a cardinal labelled ordinal",
}


@dataclass
class CaseResult:
    file: str
    index: int
    input: str
    status: str  # pass / fail / excluded
    reason: str = ""
    expected: list = field(default_factory=list)
    got: list = field(default_factory=list)


@dataclass
class RecognizersReport:
    """Per-file pass rates of the parser over the Recognizers-Text Arabic number specs."""

    cases: list[CaseResult]

    def rows(self) -> list[dict]:
        out = []
        for f in RECOGNIZERS_FILES:
            cs = [c for c in self.cases if c.file == f]
            if not cs:
                continue
            judged = [c for c in cs if c.status != "excluded"]
            passed = [c for c in judged if c.status == "pass"]
            out.append({
                "file": f, "cases": len(cs), "judged": len(judged), "passed": len(passed),
                "pass_rate": len(passed) / len(judged) if judged else None,
            })
        return out

    def excluded_reasons(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.cases:
            if c.status == "excluded":
                out[c.reason] = out.get(c.reason, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def table(self) -> str:
        lines = [f"{'file':<18}{'cases':>7}{'judged':>8}{'passed':>8}{'pass rate':>11}"]
        for r in self.rows():
            rate = "-" if r["pass_rate"] is None else f"{r['pass_rate']:.1%}"
            lines.append(f"{r['file']:<18}{r['cases']:>7}{r['judged']:>8}{r['passed']:>8}{rate:>11}")
        lines.append("not judged (a convention khabar does not share):")
        for reason, n in self.excluded_reasons().items():
            lines.append(f"  {n:4}  {reason}")
        return "\n".join(lines)


def _exclusion(file: str, case: dict, starts: set[int], ends: set[int]) -> str | None:
    text = case["Input"]
    results = case.get("Results", [])
    if file == "NumberRangeModel":
        return _range_exclusion(case)
    for r in results:
        sub = (r.get("Resolution") or {}).get("subtype")
        if r["TypeName"] == "ordinal.relative":
            return "relative position word (last / next / previous), not a numeral"
        if sub == "power" or re.search(r"[\^eE]", r["Text"]):
            return "exponent notation (1e10, 1.1^23)"
        if text[r["Start"]:r["End"] + 1] != r["Text"]:
            return "the spec's Text does not match its own offsets"
    for r in results:
        t = r["Text"]
        words = [normalize(w) for w in t.split()]
        if r["TypeName"] == "number" and _ratio_split(t) is not None:
            why = _ratio_exclusion(r)
            if why:
                return why
        if r["TypeName"] == "percentage" and (words[0] in {normalize("نسبة")} or words[0] in _PERCENT_WORDS):
            return "percent word or نسبة before the number (khabar: نسبة is a noun; percent follows the number)"
        if file == "OrdinalModel" and t in _MISLABELLED:
            return _MISLABELLED[t]
    for r in results:
        s, e = r["Start"], r["End"] + 1
        # invisible marks next to a span do not count against it
        while s > 0 and text[s - 1] in _FORMAT_CHARS:
            s -= 1
        while e < len(text) and text[e] in _FORMAT_CHARS:
            e += 1
        if s not in starts or e not in ends:
            return "span cuts inside a token (khabar spans are whole tokens, clitics inside)"
    return None


_RATIO_PARTS = {normalize(w) for w in ("جزء", "أجزاء", "اجزاء")}
_RATIO_LINKS = {normalize(w) for w in ("من", "على", "في")}
# Ratio cases whose expected value is not the ratio of the numerals written (checked by hand).
_RATIO_SPEC_ERRORS = {
    "واحد من مئة تريليونات": "the spec's value (1E-10) is not 1 / مئة تريليونات (10^14)",
    "جزء من مئة الف تريليونات": "the spec's value (1E-07) is not 1 / مئة ألف تريليونات (10^17)",
    "خمسة وتسعون مائة على خمسة": "'خمسة وتسعون مائة' (ninety-five hundred) is an English calque, "
                                 "not an Arabic numeral",
}


def _ratio_split(t: str) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    """'X من/على/في Y' or 'X جزء من Y' (X may be absent before جزء): the character spans of X
    and Y inside `t`, or None when `t` is not written as a ratio."""
    toks = tokenize(t)
    words = [_norm(k.text) for k in toks]
    for j, w in enumerate(words[:-1]):
        if w in _RATIO_PARTS and words[j + 1] == normalize("من") and j + 2 < len(words):
            right = (toks[j + 2].start, toks[-1].end)
            return ((toks[0].start, toks[j - 1].end) if j else None), right
        if w in _RATIO_LINKS and j >= 1:
            return (toks[0].start, toks[j - 1].end), (toks[j + 1].start, toks[-1].end)
    return None


def _ratio_exclusion(r: dict) -> str | None:
    t = r["Text"]
    if t in _RATIO_SPEC_ERRORS:
        return "ratio: " + _RATIO_SPEC_ERRORS[t]
    if (r.get("Resolution") or {}).get("subtype") == "decimal" or any(_norm(w) in _DECIMAL_WORDS for w in t.split()):
        return ("ratio: a whole plus hundredths ('مائتان وثلاثة جزء من مائة' = 200.03), "
                "not the ratio of the numerals written")
    return None


def _judge_ratio(r: dict, got: list[tuple[int, int, float]]) -> tuple[list[tuple[int, int]], bool]:
    """The spans khabar must find for a ratio result (X and Y, or Y alone after جزء من), and
    whether the values it reads there give the spec's ratio X / Y."""
    left, right = _ratio_split(r["Text"])
    base = r["Start"]
    spans = [(base + a, base + b) for a, b in ([left] if left else []) + [right]]
    by_span = {g[:2]: g[2] for g in got}
    if any(sp not in by_span for sp in spans):
        return spans, False
    num = by_span[spans[0]] if left else 1.0
    den = by_span[spans[-1]]
    v = _expected_value(r)
    ok = v is not None and den != 0 and math.isclose(num / den, v, rel_tol=1e-6, abs_tol=1e-12)
    return spans, ok


_RANGE_VALUE = re.compile(r"^([\[(])\s*([-+0-9.eE]*)\s*,\s*([-+0-9.eE]*)\s*([\])])$")
_RANGE_GLUED = re.compile(rf"[{_DIGITS}][~=]|[~=][{_DIGITS}]")


def _range_exclusion(case: dict) -> str | None:
    text = case["Input"]
    results = case.get("Results", [])
    if not results:
        return "range: the spec expects no range here (khabar has no range type: nothing to judge)"
    for r in results:
        if r["Start"] < 0 or text[r["Start"]:r["End"] + 1] != r["Text"] or not r["Text"]:
            return "the spec's Text does not match its own offsets"
    for r in results:
        t = r["Text"]
        if re.search(rf"[{_DIGITS}]\s+(?:في|من|على)\s+[{_DIGITS}]", t):
            return "range: an end computed as the ratio 'X في/من/على Y' (khabar reads the numerals in it)"
        if _RANGE_GLUED.search(t):
            return "range: an end glued to a symbol in one token (٢٠~١٠٠، >=٣٠): khabar spans are whole tokens"
        if re.search(r"[٠-٩]/[٠-٩]", t):
            return ("range: '٢/١' read as ½ goes against the spec's own NumberModel reading "
                    "('٣/٤' = 0.75: numerator first)")
        if not _RANGE_VALUE.match(str((r.get("Resolution") or {}).get("value", ""))):
            return "range: no interval in the spec's value"
    return None


def _judge_range(r: dict, mentions: list[NumberMention]) -> tuple[list, bool]:
    """A range result holds when the numbers khabar finds inside its span are exactly its finite
    ends, and an open one-sided range's end carries the matching qualifier ('(x,' more_than,
    ',x)' less_than; closed ends such as 'at least' have no qualifier of their own in khabar)."""
    lo_b, lo, hi, hi_b = _RANGE_VALUE.match(str(r["Resolution"]["value"])).groups()
    s, e = r["Start"], r["End"] + 1
    inside = [m for m in mentions if s <= m.start and m.end <= e]
    crossing = [m for m in mentions if m.start < e and m.end > s and m not in inside]
    ends = sorted({float(x) for x in (lo, hi) if x})
    got = sorted(m.value for m in inside)
    ok = not crossing and len(got) == len(ends) and all(
        math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(got, ends))
    if ok and bool(lo) != bool(hi):
        want = ("more_than" if lo_b == "(" else None) if lo else ("less_than" if hi_b == ")" else None)
        if want is not None and inside[0].qualifier != want:
            ok = False
    return [(m.start, m.end, m.value, m.qualifier) for m in inside + crossing], ok


def _expected_value(r: dict) -> float | None:
    res = r.get("Resolution") or {}
    v = res.get("value")
    if v is None:
        return None
    try:
        return float(str(v).rstrip("%"))
    except ValueError:
        return None


def _trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))
    while s < e and text[s] in _FORMAT_CHARS:
        s += 1
    while e > s and text[e - 1] in _FORMAT_CHARS:
        e -= 1
    return s, e


def judge_recognizers(folder: str | Path) -> RecognizersReport:
    """Run `find_numbers` over every case of the Recognizers-Text Arabic specs in `folder`.

    A judged case passes when the parser finds exactly the expected spans (of the kinds the
    file is about) with the expected values (spans only when the spec says IgnoreResolution).
    khabar keeps one span per numeral with qualifiers outside, so a ratio 'X على Y' passes when
    X and Y are found as the two spans with X / Y the spec's value, and a range when the numbers
    inside its span are exactly its finite ends (with more_than / less_than on an open one-sided
    range). Cases whose expectations follow a convention khabar does not share are excluded,
    each with its reason."""
    folder = Path(folder)
    cases: list[CaseResult] = []
    for f in RECOGNIZERS_FILES:
        p = folder / f"{f}.json"
        if not p.exists():
            continue
        data = json.loads(p.read_text(encoding="utf-8-sig"))
        for idx, case in enumerate(data):
            text = case["Input"]
            toks = tokenize(text)
            starts, ends = {t.start for t in toks}, {t.end for t in toks}
            # a span may also end before invisible marks inside a token
            for t in toks:
                s, e = _trim_span(text, t.start, t.end)
                starts.add(s)
                ends.add(e)
            reason = _exclusion(f, case, starts, ends)
            expected = [(*_trim_span(text, r["Start"], r["End"] + 1),
                         (r.get("Resolution") or {}).get("value") if f == "NumberRangeModel" else _expected_value(r))
                        for r in case.get("Results", [])]
            if reason:
                cases.append(CaseResult(f, idx, text, "excluded", reason, expected))
                continue
            mentions = find_numbers(text)
            if f == "NumberRangeModel":
                got, ok = [], True
                for r in case["Results"]:
                    g, r_ok = _judge_range(r, mentions)
                    got += g
                    ok = ok and r_ok
                cases.append(CaseResult(f, idx, text, "pass" if ok else "fail", "", expected, got))
                continue
            kinds = _FILE_KINDS[f]
            got = [(*_trim_span(text, m.start, m.end), m.value) for m in mentions if m.kind in kinds]
            ignore_value = bool(case.get("IgnoreResolution"))
            # a ratio 'X على Y' is judged as its two numerals: the spans of X and Y, and X / Y
            want, ok = [], True
            for r, x in zip(case.get("Results", []), expected):
                if r["TypeName"] == "number" and _ratio_split(r["Text"]) is not None:
                    spans, r_ok = _judge_ratio(r, got)
                    want += spans
                    ok = ok and (r_ok or ignore_value)
                else:
                    want.append(x[:2])
            ok = ok and sorted(g[:2] for g in got) == sorted(want)
            if ok and not ignore_value:
                by_span = {g[:2]: g[2] for g in got}
                for r, (s, e, v) in zip(case.get("Results", []), expected):
                    if r["TypeName"] == "number" and _ratio_split(r["Text"]) is not None:
                        continue
                    if v is None or not math.isclose(by_span[(s, e)], v, rel_tol=1e-6, abs_tol=1e-9):
                        ok = False
            cases.append(CaseResult(f, idx, text, "pass" if ok else "fail", "", expected, got))
    return RecognizersReport(cases)


def _main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m khabar.numerals", description=__doc__.split("\n\n")[0])
    ap.add_argument("text", nargs="?", help="print the number mentions found in this text")
    ap.add_argument("--recognizers", metavar="PATH", help="folder with the Recognizers-Text Arabic specs")
    ap.add_argument("--failures", action="store_true", help="also list the judged cases that fail")
    args = ap.parse_args(argv)
    if args.recognizers:
        if not Path(args.recognizers).is_dir():
            print(f"error: {args.recognizers}: no such folder", file=sys.stderr)
            return 2
        rep = judge_recognizers(args.recognizers)
        print(rep.table())
        if args.failures:
            for c in rep.cases:
                if c.status == "fail":
                    print(f"FAIL {c.file}[{c.index}] {c.input!r}\n     expected {c.expected}\n     got      {c.got}")
        return 0
    if args.text is None:
        ap.print_help()
        return 2
    for m in find_numbers(args.text):
        print(f"{m.start:5} {m.end:5}  {m.text!r:30} {m.value:g}  {m.kind}"
              + (f"  unit={m.unit}" if m.unit else "") + (f"  {m.qualifier}" if m.qualifier != "exact" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
