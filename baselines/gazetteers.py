"""Gazetteers and general word lists for the `rules` baseline, built at run time.

Provenance of every list (nothing here is read off khabar's seed or its annotations):
- Territory names: Unicode CLDR through Babel (`babel.Locale('ar').territories`). Two-letter
  codes are countries and territories (GPE); UN M.49 numeric codes are continents and regions
  (LOC, e.g. 150 أوروبا، 015 شمال أفريقيا); CLDR's own `EU` and `UN` entries (الاتحاد الأوروبي،
  الأمم المتحدة) are organisations (ORG).
- City names: CLDR exemplar cities of the IANA time zones, through Babel
  (`Locale('ar').time_zones[zone]['city']`), for Region/City zones of Africa, America, Asia,
  Australia and Europe.
- Nationality adjectives (NORP): derived from the single-word CLDR country and continent names
  by general Arabic nisba morphology (ليبيا → ليبي، ليبية، الليبيون ...).
- Titles, organisation and facility head nouns, adjectives that continue a name, function
  words and time words: general Modern Standard Arabic vocabulary written for khabar.
- `COLLISIONS`: CLDR names that are also common Arabic words, dropped (general vocabulary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from khabar.normalize import normalize

CLDR_SKIP = {"001", "ZZ", "EZ", "QO", "XA", "XB"}
"""CLDR codes that are not names: the world (العالم is a common noun), unknown region,
eurozone, outlying Oceania, pseudo-locales."""
CLDR_ORG = {"EU", "UN"}
"""CLDR territory codes that name organisations in khabar's scheme."""
CITY_REGIONS = ("Africa/", "America/", "Asia/", "Australia/", "Europe/")

COLLISIONS = {normalize(w) for w in (
    "مالي",  # Mali; also 'financial', 'my money'
    "بنين",  # Benin; also 'sons'
    "نوم",  # Nome; also 'sleep'
    "سمراء",  # Samara; also 'dark-skinned'
    "العيون",  # El Aaiún; also 'the eyes'
    "بلم",  # Belém
    "جوني",  # Juneau
    "مسقط",  # Muscat; also 'birthplace' (مسقط رأس)
    "سنتر",
    "ديلي",
)}

TITLES = [normalize(w) for w in (
    "السيد", "السيدة", "الآنسة", "الجنرال", "اللواء", "المشير", "العقيد", "العميد", "الفريق",
    "النقيب", "الرائد", "الرئيس", "الرئيسة", "الوزير", "الوزيرة", "الدكتور", "الدكتورة", "د",
    "الشيخ", "الأمير", "الأميرة", "الملك", "الملكة", "المستشار", "المستشارة", "النائب", "القاضي",
    "الإمام", "البابا", "الحاج", "المبعوث", "السفير", "السفيرة", "المتحدث", "المتحدثة",
)]
"""Titles and honorifics that come before a person's name (outside the name's span)."""

ORG_HEADS = [normalize(w) for w in (
    "الاتحاد", "اتحاد", "منظمة", "المنظمة", "وزارة", "الوزارة", "جيش", "الجيش", "حكومة", "الحكومة",
    "مجلس", "المجلس", "حزب", "الحزب", "حركة", "الحركة", "وكالة", "الوكالة", "جامعة", "الجامعة",
    "شركة", "الشركة", "بنك", "البنك", "مصرف", "المصرف", "مجموعة", "المجموعة", "محكمة", "المحكمة",
    "هيئة", "الهيئة", "جبهة", "الجبهة", "تحالف", "التحالف", "لجنة", "اللجنة", "مؤسسة", "المؤسسة",
    "صندوق", "الصندوق", "برلمان", "البرلمان", "قوات", "جماعة", "الجماعة", "رابطة", "الرابطة",
    "مفوضية", "المفوضية", "منتدى", "المنتدى", "اتحاد", "الحرس", "البحرية",
)]
"""Head nouns of organisation names (a name is the head plus the words that qualify it)."""

FAC_HEADS = [normalize(w) for w in (
    "مطار", "ميناء", "فندق", "سجن", "مستشفى", "جسر", "ملعب", "قصر", "سد", "مرفأ", "قاعدة",
)]
"""Head nouns of facility names (airports, ports, prisons, bridges ...)."""

NAME_ADJECTIVES = {normalize(w) for w in (
    "الوطني", "الوطنية", "الدولي", "الدولية", "العربي", "العربية", "المتحدة", "الشعبي", "الشعبية",
    "الإسلامي", "الإسلامية", "العليا", "الأعلى", "الديمقراطي", "الديمقراطية", "الاشتراكي", "الحر",
    "الجمهوري", "الجمهورية", "الأوروبي", "الأوروبية", "الأفريقي", "الأفريقية", "الخارجية", "الداخلية",
    "الدفاع", "المالية", "العدل", "الصحة", "الأمن", "التعاون", "الوفاق", "الإنقاذ", "الثوري",
    "الثورية", "الاتحادي", "الاتحادية", "المركزي", "المركزية", "العالمي", "العالمية", "الجوية",
    "البحرية", "الأحمر", "الخليجي", "الاستقلال", "التحرير", "الشورى", "النواب", "الشيوخ", "العامة",
    "الموحدة", "الانتقالي", "الانتقالية", "الرئاسي", "الرئاسية",
)}
"""Definite adjectives and nouns that continue an organisation or facility name."""

STOPWORDS = {normalize(w) for w in (
    "في", "من", "إلى", "الى", "على", "عن", "مع", "أن", "إن", "ان", "أنه", "إنه", "انه", "بأن", "لا",
    "لم", "لن", "قد", "لقد", "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "التي", "الذي", "الذين", "اللذان",
    "اللتان", "اللاتي", "اللواتي", "و", "أو", "ثم", "بعد", "قبل", "بين", "حتى", "منذ", "عند", "كل",
    "بعض", "غير", "هو", "هي", "هم", "هن", "كان", "كانت", "يكون", "تكون", "ليس", "ليست", "كما", "لكن",
    "لكنه", "بينما", "حيث", "إذا", "اذا", "ما", "ماذا", "لماذا", "كيف", "أي", "أيضا", "فقط", "جدا",
    "خلال", "ضد", "نحو", "حول", "دون", "عبر", "لدى", "أمام", "وراء", "فوق", "تحت", "جميع", "أكثر",
    "أقل", "وحده", "نفسه", "نفسها", "ذاته", "أيضًا", "إلا", "الا", "بل", "أما", "إما", "سوف",
)}
"""General Arabic function words: never part of a name."""

TIME_WORDS = {normalize(w) for w in (
    "اليوم", "أمس", "غدا", "الليلة", "الآن", "حاليا", "الأسبوع", "الشهر", "العام", "السنة", "الماضي",
    "الماضية", "المقبل", "المقبلة", "القادم", "القادمة", "الجاري", "الحالي", "الحالية", "يوم", "صباح",
    "مساء", "السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "مؤخرا",
)}
"""Time adverbs and weekdays: never part of a name."""

RELATIVE_AND_DEMONSTRATIVE = {normalize(w) for w in ("التي", "الذي", "الذين", "اللذان", "اللتان", "اللاتي", "اللواتي")}

_NISBA_SUFFIXES = ("ي", "ية", "يان", "يين", "يون", "يتان", "يتين", "يات", "يا")


@dataclass(frozen=True)
class Entry:
    """One gazetteer name: its folded tokens, khabar type and where it came from."""

    tokens: tuple[str, ...]
    type: str
    source: str
    name: str


def _name_variants(name: str) -> list[str]:
    """CLDR names with a qualifier: 'ميانمار (بورما)' gives both names; 'الكونغو - كينشاسا'
    also gives 'الكونغو'."""
    out = [name]
    m = re.match(r"^(.*?)\s*\((.*?)\)\s*$", name)
    if m:
        out = [m.group(1)]
        if len(m.group(2).split()) <= 2:
            out.append(m.group(2))
    out2 = []
    for n in out:
        out2.append(n)
        if " - " in n:
            out2.append(n.split(" - ")[0])
    return [n.strip() for n in out2 if n.strip()]


def nisba_forms(name: str) -> list[str]:
    """Nationality adjective forms derived from a one-word place name by general nisba
    morphology: drop the article and a final -يا/-ا/-ة, add -ي and its inflections.
    Names already ending in -ي (مالي) are their own adjective and give nothing."""
    n = normalize(name)
    if " " in n:
        return []
    if n.startswith("ال"):
        n = n[2:]
    if n.endswith("ي"):
        return []
    if n.endswith("يا"):
        stem = n[:-2]
    elif n.endswith("ا") or n.endswith("ه"):
        stem = n[:-1]
    else:
        stem = n
    if len(stem) < 3:
        return []
    return [normalize(stem + s) for s in _NISBA_SUFFIXES]


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every gazetteer name (territories, regions, organisations, cities, nationality forms)."""
    from babel import Locale

    ar = Locale("ar")
    out: dict[tuple[str, ...], Entry] = {}

    def add(name: str, type_: str, source: str) -> None:
        toks = tuple(normalize(t) for t in name.split())
        if not toks or toks in out or (len(toks) == 1 and toks[0] in COLLISIONS):
            return
        out[toks] = Entry(toks, type_, source, name)

    countries = []
    for code, name in ar.territories.items():
        if code in CLDR_SKIP:
            continue
        if code in CLDR_ORG:
            typ = "ORG"
        elif code.isdigit():
            typ = "LOC"
        else:
            typ = "GPE"
        for v in _name_variants(name):
            add(v, typ, f"CLDR territory {code}")
            if typ in ("GPE", "LOC"):
                countries.append((v, code))
    for zone, data in ar.time_zones.items():
        city = data.get("city") if hasattr(data, "get") else None
        if not city or not zone.startswith(CITY_REGIONS) or zone.count("/") != 1:
            continue
        if "،" in city or "(" in city:
            continue
        add(city, "GPE", f"CLDR exemplar city of {zone}")
    for name, code in countries:
        for form in nisba_forms(name):
            add(form, "NORP", f"nisba of CLDR territory {code} ({name})")
    return tuple(out.values())


@lru_cache(maxsize=1)
def index() -> dict[str, list[Entry]]:
    """Entries by their first folded token, longest names first."""
    idx: dict[str, list[Entry]] = {}
    for e in entries():
        idx.setdefault(e.tokens[0], []).append(e)
    for v in idx.values():
        v.sort(key=lambda e: -len(e.tokens))
    return idx


def clitic_readings(token_norm: str) -> list[str]:
    """A folded token and its readings without attached و/ف and ب/ل/ك (ل + ال written لل).
    The bare token comes first."""
    out = [token_norm]
    rest = [token_norm]
    if token_norm[:1] in ("و", "ف") and len(token_norm) > 3:
        rest.append(token_norm[1:])
    for r in list(rest):
        if r[:1] in ("ب", "ل", "ك") and len(r) > 3:
            rest.append(r[1:])
            if r.startswith("لل"):
                rest.append("ال" + r[2:])
    for r in rest:
        if r not in out:
            out.append(r)
    return out


def without_article(token_norm: str) -> str | None:
    """The token without ال (after its clitics), or None when it has no article."""
    for r in clitic_readings(token_norm):
        if r.startswith("ال") and len(r) > 3:
            return r[2:]
    return None
