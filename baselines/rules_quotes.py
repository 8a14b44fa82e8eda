"""Rule-based quote attribution: a lexicon of Arabic speech cues and clause heuristics.

- Cue: a verb of saying, stating, telling, passing on or calling for (قال، أكد، نقل، دعا ...) in
  its common past and present inflections, an active participle of one (مشيرا، مؤكدة، داعيا),
  with attached و/ف; or an 'according to' construction (وفقًا لـ، بحسب، نقلًا عن ...). The
  lexicon is in `khabar.baselines.gazetteers`; passives (يشار، يذكر) are not cues.
- Content (spec: everything the cue governs, without the complementiser): the clause after
  أن / إن / بأن (إلى after دعا, the بـ phrase after طالب, a colon before a quotation), or the
  object noun phrase of أعلن / نفى / كشف. It runs on over commas and coordinated clauses and
  stops at the sentence end, before a clause with a new subject (لكن، بينما، فيما، في حين،
  حيث), narrator commentary (وهو ما، مع أن) and another cue. For 'according to', the clause it
  scopes over: the first clause after it (and the clauses marked وأن) when it opens the
  sentence, the clause after its complementiser, else the sentence before it.
- Source: the first person named between the cue and the content (وقال وزير المالية، X، إن),
  else the named or described subject right after the cue, else the subject right before it
  (X قال، غير أن خبراء حذروا), else (an implicit subject: وأضاف أن، مشيرا إلى أن) the speaker of
  the sentence's or the previous report. After نقل ... عن, the one quoted after عن; for
  'according to', the organisation or person named in the phrase (بحسب تقديرات البنك الدولي).
- Type: direct when the content is one quotation, mixed when it contains one, else indirect.
"""

from __future__ import annotations

from dataclasses import dataclass

from khabar.model import Span
from khabar.normalize import normalize
from khabar.tokens import Token, is_punct, paragraph_of_tokens, tokenize

from . import gazetteers as gz
from .rules_ner import NerMention

COMPLEMENTISERS = gz.folded("أن", "إن", "إنّ", "أنه", "إنه", "أنها", "إنها", "بأن", "بأنه", "بأنها", "أنهم",
                             "إنهم", "فإن", "بأنهم")
"""Complementisers after a verb of saying (folded; أن and إن fold alike)."""

SAY_WITH_INNA = gz.folded("قال", "قائلا")
"""Verbs after which the complementiser is إنّ rather than أنّ (قال إن)."""

SUBORDINATORS = gz.folded("بعد", "قبل", "رغم", "غير", "إلا", "منذ", "لو", "دون", "بدل", "حتى", "كما", "مع")
"""Words that make a following أن a subordinate clause of their own (بعد أن، غير أن)."""

CALL_PREPOSITIONS = {"إلى": gz.folded("إلى", "الى"), "على": gz.folded("على")}
"""The words that open the content of a verb of calling: إلى (دعا إلى), على (حث على); a verb
taking بـ opens it with the first word carrying بـ (طالب بتعويض)."""

CALL_VERB_PREPOSITION = {normalize(w): p for w, p in (
    ("دعا", "إلى"), ("حث", "على"), ("طالب", "ب"), ("ناشد", "ب"), ("طلب", "ب"), ("داعيا", "إلى"),
    ("حاثا", "على"), ("مطالبا", "ب"), ("مناشدا", "ب"))}
"""The preposition each verb of calling takes (keyed by its masculine past or participle)."""

OBJECT_VERBS = {normalize(verb): gz.folded(*preps) for verb, preps in (
    ("أعلن", ("عن",)), ("نفى", ()), ("كشف", ("عن",)), ("حذر", ("من",)), ("أعرب", ("عن",)), ("شدد", ("على",)),
    ("أكد", ("على",)), ("أشار", ("إلى",)), ("لفت", ("إلى",)))}
"""Verbs whose content may be a noun phrase object (أعلنت X حزمة إجراءات، نفى X وجود ...), with
the prepositions that may open it (أعلن عن، حذر من، أعرب عن، شدد على، أشار إلى)."""

BREAK_WORDS = gz.folded("لكن", "ولكن", "لكنه", "لكنها", "بينما", "فيما", "حيث", "إذ", "وإذ")
"""Words that open a clause with a new subject: content stops before them after a comma."""

BREAK_PAIRS = {tuple(normalize(w) for w in p.split()) for p in (
    "في حين", "غير أن", "إلا أن", "مع أن", "وهو ما", "وهي ما", "وهذا ما", "في إشارة", "الأمر الذي")}
"""Two-word openers of a new clause or of narrator commentary (في حين، وهو ما)."""

CONNECTOR_PHRASES = {tuple(normalize(w) for w in p.split()) for p in (
    "من جهته", "من جهتها", "من جانبه", "من جانبها", "في المقابل", "من ناحية أخرى", "في الوقت ذاته",
    "في الوقت نفسه", "في غضون ذلك", "في غضون هذا", "أما", "كذلك", "بدوره", "بدورها")}
"""Discourse connectors that open a sentence and are no part of what is reported."""

PASSIVE_OPENERS = gz.folded("يتوقع", "ويتوقع", "يعتقد", "يرجح", "يقدر", "يذكر", "يشار")
"""Sourceless passive verbs: an according-to after 'يتوقع أن P' supplies their agent; content is P."""

NEGATIONS = gz.folded("لم", "لا", "لن", "ولم", "ولا")
"""Negations: a negated verb of saying (لم تكشف) reports no statement."""

SAYING_NOUNS = gz.folded("قوله", "قولها", "قولهم", "تأكيده", "تأكيدها")
"""'His saying' after a quoted source (نقلت X عن مصدر قوله إن): no part of the source."""

RELATIVE_VERB_WORDS = gz.folded("لما", "ما", "بما")
"""'What' before a verb in an according-to phrase (وفقا لما نقلته X، بحسب ما أفاد به X)."""

SENTENCE_END = {".", "!", "?", "؟", "؛", ";"}
COMMAS = {"،", ","}
OPEN_QUOTES = {"«", "“", "„"}
CLOSE_QUOTES = {"»", "”"}
QUOTE_MARKS = OPEN_QUOTES | CLOSE_QUOTES | {'"'}
SPEAKER_TYPES = {"PER", "ORG", "GPE"}
PREPOSITIONS = gz.folded("في", "من", "على", "عن", "إلى", "الى", "خلال", "أمام", "عقب", "لدى", "مع", "عبر", "أثناء")
MAX_ZONE = 30


@dataclass(frozen=True)
class QuoteGuess:
    """A predicted quote: cue, content and source spans, type, and the source's named mention."""

    cue: Span
    content: Span
    source: Span | None
    type: str
    speaker: NerMention | None = None


@dataclass(frozen=True)
class Speaker:
    """A source: its span and the named mention it is, if any."""

    span: Span
    mention: NerMention | None = None


@dataclass
class Doc:
    """One text as the quote rules see it: tokens, folded forms, paragraph and quotation depth
    of each token, the named mention over each token, and the cue kind of each cue token."""

    text: str
    toks: list[Token]
    norms: list[str]
    para: list[int]
    quoted: list[bool]
    mention: dict[int, NerMention]
    cue: dict[int, str]

    def span(self, a: int, b: int) -> Span:
        """The span of tokens a..b."""
        return Span(self.toks[a].start, self.toks[b].end, self.text[self.toks[a].start:self.toks[b].end])

    def same(self, a: int, b: int) -> bool:
        """Tokens a and b exist and are in one paragraph."""
        return 0 <= a < len(self.toks) and 0 <= b < len(self.toks) and self.para[a] == self.para[b]

    def t(self, k: int) -> str:
        """The text of token k ('' outside the text)."""
        return self.toks[k].text if 0 <= k < len(self.toks) else ""

    def n(self, k: int) -> str:
        """The folded form of token k ('' outside the text)."""
        return self.norms[k] if 0 <= k < len(self.norms) else ""

    def word(self, k: int) -> bool:
        """Token k exists and is a word."""
        return 0 <= k < len(self.toks) and not is_punct(self.toks[k].text)


def _quotation_depth(toks: list[Token], para: list[int]) -> list[bool]:
    """Whether each token is inside quotation marks (a mark left open ends with its paragraph)."""
    out, inside = [], False
    for k, tok in enumerate(toks):
        if k and para[k] != para[k - 1]:
            inside = False
        if tok.text in OPEN_QUOTES or (tok.text == '"' and not inside):
            out.append(False)
            inside = True
        elif tok.text in CLOSE_QUOTES or tok.text == '"':
            out.append(False)
            inside = False
        else:
            out.append(inside)
    return out


def _doc(text: str, ner: list[NerMention]) -> Doc:
    """Tokenize `text` and index its mentions and cue words."""
    toks = tokenize(text)
    norms = [normalize(tok.text) for tok in toks]
    para = paragraph_of_tokens(text, toks)
    quoted = _quotation_depth(toks, para)
    mention = {k: m for m in ner for k in range(m.first, m.last + 1)}
    forms = gz.cue_forms()
    cue = {k: forms[n][0] for k, n in enumerate(norms) if n in forms and not quoted[k] and k not in mention}
    for k in list(cue):
        before = norms[k - 1] if k else ""
        if before in NEGATIONS or before in RELATIVE_VERB_WORDS and cue.get(k - 2) == "according" \
                or cue.get(k - 1) == "according" and before.endswith("ما"):
            del cue[k]  # لم تكشف: no report; بحسب ما أفاد به، حسبما أفاد: part of the according-to
    return Doc(text, toks, norms, para, quoted, mention, cue)


# --- clauses ---------------------------------------------------------------------------------

def ends_sentence(d: Doc, k: int) -> bool:
    """Token k ends a sentence (a full stop between two digits, بـ4.2, does not)."""
    if d.t(k) not in SENTENCE_END:
        return False
    glued = d.t(k) == "." and d.toks[k - 1].end == d.toks[k].start and k + 1 < len(d.toks) \
        and d.toks[k + 1].start == d.toks[k].end and d.t(k - 1)[-1:].isdigit() and d.t(k + 1)[:1].isdigit()
    return not glued


def _sentence_end(d: Doc, k: int) -> int:
    """The last token before the end of the sentence holding token k."""
    while k + 1 < len(d.toks) and d.same(k, k + 1) and not ends_sentence(d, k + 1):
        k += 1
    return k


def _sentence_start(d: Doc, k: int) -> int:
    """The first token of the sentence holding token k."""
    while k > 0 and d.same(k - 1, k) and not ends_sentence(d, k - 1):
        k -= 1
    return k


def _opens_clause(d: Doc, j: int) -> bool:
    """Whether a new clause (a new subject, commentary, another cue) opens at token j."""
    n0, n1 = d.n(j), d.n(j + 1)
    if n0 in BREAK_WORDS or (n0, n1) in BREAK_PAIRS or j in d.cue:
        return True
    if n0 in ("كما", "و") and j + 1 in d.cue:
        return True
    return False


def content_end(d: Doc, s: int, first_clause: bool = False) -> int:
    """The last token of the content starting at token s: the sentence, cut before a clause that
    opens a new subject, commentary or another cue (outside quotation marks). `first_clause`
    stops at the first comma too, unless a repeated complementiser (وأن) follows it."""
    k, last = s, s - 1
    while k < len(d.toks) and d.same(s, k):
        tok = d.t(k)
        if not d.quoted[k] and tok not in QUOTE_MARKS:
            if ends_sentence(d, k) or tok == ":":
                break
            if tok in COMMAS and (_opens_clause(d, k + 1) or first_clause and d.n(k + 1) not in gz.folded("وأن", "وإن")):
                break
            if k > s and (d.cue.get(k) == "according" or (d.n(k), d.n(k + 1)) in BREAK_PAIRS):
                break
        last, k = k, k + 1
    return last


def _trim(d: Doc, a: int, b: int) -> tuple[int, int]:
    """Drop leading and trailing punctuation (quotation marks stay) and a detached و."""
    while a <= b and (is_punct(d.t(a)) and d.t(a) not in QUOTE_MARKS or d.t(a) == "و"):
        a += 1
    while b >= a and is_punct(d.t(b)) and d.t(b) not in QUOTE_MARKS:
        b -= 1
    if a <= b and sum(d.t(k) in QUOTE_MARKS for k in range(a, b + 1)) == 1 and d.t(b) in QUOTE_MARKS:
        b -= 1  # a lone closing mark belongs to a quotation that opened before the content
    return a, b


def _skip_connectors(d: Doc, a: int, b: int) -> int:
    """The first token after the discourse connectors that open tokens a..b (من جهته، ...)."""
    moved = True
    while moved and a <= b:
        moved = False
        if d.t(a) == "و" or is_punct(d.t(a)) and d.t(a) not in QUOTE_MARKS:
            a, moved = a + 1, True
            continue
        for phrase in CONNECTOR_PHRASES:
            if tuple(d.n(a + m) for m in range(len(phrase))) == phrase:
                a, moved = a + len(phrase), True
                break
    return a


def _type_of(content: str) -> str:
    """direct (one quotation), mixed (with a quoted fragment) or indirect."""
    marks = [c for c in content if c in '"«»“”„']
    if not marks:
        return "indirect"
    c = content.strip()
    if c[:1] in '"«“„' and c[-1:] in '"»”' and len(marks) == 2:
        return "direct"
    return "mixed"


def _guess(d: Doc, cue: int, a: int, b: int, source: Speaker | None) -> QuoteGuess | None:
    """The quote with content tokens a..b (trimmed), or None when nothing is left."""
    a, b = _trim(d, a, b)
    if b < a:
        return None
    content = d.span(a, b)
    return QuoteGuess(d.span(cue, cue), content, source.span if source else None, _type_of(content.text),
                      source.mention if source else None)


# --- complements -----------------------------------------------------------------------------

def _call_preposition(d: Doc, i: int) -> str:
    """The preposition the verb of calling at token i takes (إلى، ب، على)."""
    return CALL_VERB_PREPOSITION.get(gz.cue_forms()[d.n(i)][1], "إلى")


def _is_complementiser(d: Doc, k: int, lemma: str | None = None) -> bool:
    """Token k is أن / إن (with its variants) and not subordinate to the word before it; إن
    written with hamza below follows only قال (and قائلا), as Arabic grammar has it."""
    if d.n(k) not in COMPLEMENTISERS or d.n(k - 1) in SUBORDINATORS:
        return False
    return lemma is None or lemma in SAY_WITH_INNA or not gz.strip_marks(d.t(k)).startswith("إ")


def _opens_call(d: Doc, k: int, prep: str) -> bool:
    """Token k opens the content of a verb of calling (إلى X، بـX، على X)."""
    n = d.n(k)
    if prep == "ب":
        return n.startswith("ب") and len(n) > 3 and n not in gz.STOPWORDS and k not in d.mention
    return n in CALL_PREPOSITIONS[prep]


def _embedded(d: Doc, k: int) -> bool:
    """Whether the cue at token k sits in a relative clause inside another cue's subject (X، الذي
    أكد ...، / مسؤول طلب عدم نشر اسمه)."""
    return d.n(k - 1) in gz.RELATIVE_AND_DEMONSTRATIVE or d.n(k + 1) == normalize("عدم")


def complement(d: Doc, i: int, call: bool) -> tuple[int, int] | None:
    """(first content token, first token after the cue's subject zone) for the cue at token i:
    after its complementiser, a colon, or the preposition of a verb of calling."""
    prep = _call_preposition(d, i) if call else None
    relative = d.n(i - 1) in gz.RELATIVE_AND_DEMONSTRATIVE
    lemma = gz.cue_forms()[d.n(i)][1]
    k = i + 1
    while d.same(i, k) and k - i <= MAX_ZONE and not ends_sentence(d, k):
        if d.t(k) == ":":
            return k + 1, k
        if _is_complementiser(d, k, lemma):
            return k + 1, k
        if call and _opens_call(d, k, prep):
            return (k if prep == "ب" else k + 1), k
        if relative and d.t(k) in COMMAS:
            return None  # الذي طلب عدم ذكر اسمه، ...: the relative clause ends at the comma
        if k in d.cue and d.cue[k] != "according" and not _embedded(d, k) \
                or d.n(k) in BREAK_WORDS or (d.n(k), d.n(k + 1)) in BREAK_PAIRS:
            return None
        k += 1
    return None


def _skip_adjuncts(d: Doc, j: int) -> int:
    """Past a time or place adjunct between commas or after في (، يوم الاثنين، / في العراق،)."""
    for _ in range(3):
        if d.t(j) in COMMAS:
            k = j + 1
            while d.word(k) and k - j <= 4:
                k += 1
            if d.t(k) in COMMAS and k - j <= 4:
                j = k + 1
                continue
            return j + 1
        if d.n(j) in PREPOSITIONS and d.word(j + 1) and d.t(j + 2) in COMMAS:
            j += 2
            continue
        break
    return j


def _subject_end(d: Doc, j: int) -> int | None:
    """The last token of the subject right after a verb: a named mention, or up to three
    definite words or a construct (السلطات المغربية، وزير الخارجية), extended over a name that
    starts inside them (الأمين العام للجامعة العربية); None when no subject follows."""
    m = d.mention.get(j)
    if m is not None and m.first == j:
        return m.last if m.type in SPEAKER_TYPES else None
    k = j - 1
    while d.word(k + 1) and k + 1 - j < 3 and d.n(k + 1) not in gz.STOPWORDS and d.same(j, k + 1) \
            and (not gz.in_vocabulary(d.n(k + 1), gz.TIME_WORDS) or _is_role(d, k)) \
            and (gz.without_article(d.n(k + 1)) or k + 1 == j and gz.without_article(d.n(j + 1))):
        k += 1
    if k < j:
        return None
    inner = d.mention.get(k)
    return inner.last if inner is not None and inner.first >= j else k


def _is_role(d: Doc, k: int) -> bool:
    """Token k is a noun of office (the العام after it is 'general', not 'the year')."""
    return k >= 0 and (gz.in_vocabulary(d.n(k), gz.ROLE_NOUNS) or d.n(k) in gz.DEFINITE_ROLES)


def object_complement(d: Doc, i: int) -> tuple[int, int] | None:
    """(first content token, end of the subject) of a noun phrase object after أعلن / نفى / كشف /
    حذر من / أعرب عن / شدد على: the words after the subject and its adjuncts."""
    lemma = gz.cue_forms()[d.n(i)][1]
    if lemma not in OBJECT_VERBS:
        return None
    preps = OBJECT_VERBS[lemma]
    j = i + 1 + (d.n(i + 1) == "قد")
    if d.n(j) in preps:
        return j + 1, j
    end = _subject_end(d, j)
    if end is None:
        return None
    k = _skip_adjuncts(d, end + 1)
    if d.n(k) in preps:
        k += 1
    elif k == end + 1 and j not in d.mention and gz.without_article(d.n(k)):
        return None  # a definite word right after a described subject: where the object starts is unclear
    if not d.word(k) or d.n(k) in gz.STOPWORDS and d.n(k) != "ما" or k in d.cue or not d.same(i, k):
        return None
    return k, k


# --- sources ---------------------------------------------------------------------------------

def _speaker(d: Doc, m: NerMention) -> Speaker:
    """The source that is the named mention m."""
    return Speaker(m.span, m)


def _np_end(d: Doc, a: int, limit: int) -> int:
    """The last token of the noun phrase of up to three words starting at token a (before
    punctuation, a function or time word, a preposition or a لـ word)."""
    k = a
    while k + 1 <= limit and k + 1 - a < 3 and d.word(k + 1) and d.n(k + 1) not in gz.STOPWORDS | SAYING_NOUNS \
            and not gz.in_vocabulary(d.n(k + 1), gz.TIME_WORDS) and not d.n(k + 1).startswith("ل") \
            and k + 1 not in d.cue and d.same(a, k + 1):
        k += 1
    return k


def _subject_zone_end(d: Doc, a: int, b: int) -> int:
    """The end of the subject noun phrase in tokens a..b: before the first preposition, لـ
    addressee, comma or according-to."""
    k = a
    while k <= b and d.t(k) not in COMMAS and d.n(k) not in PREPOSITIONS and d.cue.get(k) != "according" \
            and not (k > a and d.n(k).startswith("ل") and k not in d.mention):
        k += 1
    return k - 1


def document_issuer(d: Doc, a: int) -> Speaker | None:
    """The issuer named with a document noun at token a (بيان المنظمة، تقرير للبنك الدولي، البيان
    الصادر عن X): the source instead of the document (spec convention Q-2)."""
    if gz.bare(d.n(a)) not in gz.DOCUMENT_NOUNS:
        return None
    k = a + 1
    if gz.without_article(d.n(k)) and k not in d.mention and d.n(k + 1) == "عن":
        k += 2  # الصادر عن
    m = d.mention.get(k)
    if m is None or m.first != k or m.type not in SPEAKER_TYPES:
        return None
    return _speaker(d, m)


def zone_source(d: Doc, i: int, a: int, b: int, call: bool) -> Speaker | None:
    """The speaker named in tokens a..b between the cue at i and its content: the first person,
    else the named or described subject right after the cue."""
    cut = next((k for k in range(a, b + 1) if d.cue.get(k) == "according"), b + 1)
    b = cut - 1
    if d.cue.get(i) == "transmit":
        a = next((k + 1 for k in range(a, b + 1) if d.n(k) == "عن"), a)
    if d.n(a) == "قد":
        a += 1
    people = [d.mention[k] for k in range(a, b + 1) if k in d.mention and d.mention[k].type == "PER"]
    if people:
        return _speaker(d, people[0])
    issuer = document_issuer(d, a)
    if issuer is not None:
        return issuer
    if _is_role(d, a):  # الناطقة باسم X: the role-holder speaks
        return Speaker(d.span(a, a if call else _np_end(d, a, b)))
    np_end = _subject_zone_end(d, a, b)
    named = [d.mention[k] for k in range(a, np_end + 1) if k in d.mention and d.mention[k].type in SPEAKER_TYPES]
    if named:
        return _speaker(d, named[0])
    if a > b or not d.word(a) or d.n(a) in gz.STOPWORDS or d.n(a).startswith("ل") \
            or gz.in_vocabulary(d.n(a), gz.TIME_WORDS):
        return None
    if call:  # دعا X إلى: a definite X is the one called on; an indefinite one (a name) the speaker
        end = a
        while end + 1 <= b and d.word(end + 1) and gz.without_article(d.n(end + 1)) is None and end - a < 2:
            end += 1
        return None if gz.without_article(d.n(a)) else Speaker(d.span(a, end))
    return Speaker(d.span(a, _np_end(d, a, b)))


def before_source(d: Doc, i: int) -> Speaker | None:
    """The subject written before the cue at token i: a named mention ending right before it
    (X قال، X، فقد صرح), or the words after a complementiser or at the sentence start (غير أن
    خبراء حذروا، من جهته X يقول)."""
    p = i - 1
    if d.n(p) in gz.folded("قد", "فقد", "لقد"):
        p -= 1
    m = d.mention.get(p - (d.t(p) in COMMAS))
    if m is not None and m.last == p - (d.t(p) in COMMAS) and m.type in SPEAKER_TYPES and d.same(m.last, i):
        return _speaker(d, m)
    if d.n(p) in gz.RELATIVE_AND_DEMONSTRATIVE:
        return _relative_antecedent(d, p)
    k = p
    while k >= 0 and d.word(k) and p - k < 5 and d.same(k, i) and k not in d.cue:
        if d.n(k - 1) in COMPLEMENTISERS or k == 0 or ends_sentence(d, k - 1) or not d.same(k - 1, k):
            start = _skip_connectors(d, k, p)
            while start <= p and any(r in gz.STOPWORDS for r in gz.clitic_readings(d.n(start))):
                start += 1  # وكان الوزير قد أعلن
            return Speaker(d.span(start, p)) if start <= p and p - start < 4 else None
        k -= 1
    return None


def _relative_antecedent(d: Doc, rel: int) -> Speaker | None:
    """The speaker a relative pronoun before the cue refers back to (X، التي أكدت): the mention
    or words ending before it."""
    p = rel - 1 - (d.t(rel - 1) in COMMAS)
    m = d.mention.get(p)
    if m is not None and m.type in SPEAKER_TYPES:
        return _speaker(d, m)
    k = p
    while k - 1 >= 0 and d.word(k - 1) and p - k < 3 and d.n(k - 1) not in gz.STOPWORDS and k - 1 not in d.cue:
        k -= 1
    return Speaker(d.span(k, p)) if d.word(p) else None


def _sentence_speaker(d: Doc, i: int, quotes: list[tuple[int, QuoteGuess]]) -> Speaker | None:
    """The speaker of a participle's sentence: that of the last report in it, else the first
    person or organisation named in it."""
    s = _sentence_start(d, i)
    for k, q in reversed(quotes):
        if s <= k < i and q.source is not None and d.cue.get(k) != "according":
            return Speaker(q.source, q.speaker)
    for k in range(s, i):
        m = d.mention.get(k)
        if m is not None and m.first == k and m.type in ("PER", "ORG"):
            return _speaker(d, m)
    return None


def _implicit(d: Doc, i: int, last: Speaker | None, quotes: list[tuple[int, QuoteGuess]]) -> Speaker | None:
    """The speaker of a cue with an implicit subject: the one mentioned last, i.e. the previous
    report's speaker, unless a person is named after it in the cue's paragraph (outside what
    was reported)."""
    reported = [(q.content.start, q.content.end) for _, q in quotes]
    after = last.span.end if last is not None else -1
    for k in range(i - 1, -1, -1):
        m = d.mention.get(k)
        if not d.same(k, i) or m is not None and m.span.start < after:
            break
        if m is not None and m.type == "PER" and not any(s <= m.span.start < e for s, e in reported):
            return _speaker(d, m)
    return last


def _nearest_named(d: Doc, i: int) -> Speaker | None:
    """With no report before it, an implicit subject is the person (else organisation) named
    last before the cue in its paragraph."""
    before = [d.mention[k] for k in range(i - 1, -1, -1) if d.same(k, i) and k in d.mention]
    for types in (("PER",), ("ORG",)):
        m = next((m for m in before if m.type in types), None)
        if m is not None:
            return _speaker(d, m)
    return None


# --- quotes ----------------------------------------------------------------------------------

def quotation_before(d: Doc, i: int) -> tuple[int, int] | None:
    """(first token, cue) of a quotation that ends right before the cue at token i and opens its
    sentence («...»، قال X): the content of a cue that has none after it."""
    k = i - 1 - (d.t(i - 1) in COMMAS)
    if d.t(k) not in CLOSE_QUOTES | {'"'} or not d.same(k, i):
        return None
    opening = next((m for m in range(k - 1, -1, -1) if d.t(m) in OPEN_QUOTES | {'"'} or not d.same(m, i)), None)
    if opening is None or not d.same(opening, i) or _skip_connectors(d, _sentence_start(d, i), opening) != opening:
        return None
    return opening, i


def verb_quote(d: Doc, i: int, last: Speaker | None, quotes: list[tuple[int, QuoteGuess]]) -> QuoteGuess | None:
    """The quote of the verb or participle cue at token i (`last`: the previous report's speaker)."""
    kind = d.cue[i]
    call, participle = kind.startswith("call"), kind.endswith("participle")
    found = complement(d, i, call)
    if found is None and kind == "say":
        found = object_complement(d, i)
    if found is None and kind == "say" and (before := quotation_before(d, i)) is not None:
        source = zone_source(d, i, i + 1, _sentence_end(d, i), False) or last
        return _guess(d, i, before[0], i - 1, source)
    if found is None or not d.same(i, found[0]):
        return None
    start, zone_end = found
    if d.t(start - 1) == ":" and d.t(start) in OPEN_QUOTES | {'"'}:
        end = next((k for k in range(start + 1, len(d.toks)) if d.t(k) in CLOSE_QUOTES | {'"'} or not d.same(start, k)),
                   len(d.toks) - 1)
    else:
        end = content_end(d, start)
    if participle:
        source = _sentence_speaker(d, i, quotes) or _implicit(d, i, last, quotes)
    else:
        source = zone_source(d, i, i + 1, zone_end - 1, call) or before_source(d, i) or _implicit(d, i, last, quotes)
    if source is None and call:  # طالبت النقابة بـ: with no speaker before, the definite X speaks
        source = zone_source(d, i, i + 1, zone_end - 1, False)
    source = source or _nearest_named(d, i)
    return _guess(d, i, start, end, source)


def _according_source(d: Doc, j: int) -> tuple[Speaker | None, int]:
    """The source named in an according-to phrase starting at token j, and the phrase's last
    token: a named organisation or person in it, else its first words."""
    if d.n(j) in RELATIVE_VERB_WORDS:
        j += 2 + (d.n(j + 2) == "به")
    k = j
    while d.word(k) and d.same(j, k) and k - j < 6 and (d.n(k) not in gz.STOPWORDS or d.n(k) == "عن") \
            and not _is_complementiser(d, k):
        k += 1
    last = k - 1
    named = [d.mention[m] for m in range(j, min(last, j + 4) + 1)
             if m in d.mention and d.mention[m].type in SPEAKER_TYPES]
    if named:
        return _speaker(d, named[0]), max(last, named[0].last)
    if last < j:
        return None, j - 1
    return Speaker(d.span(j, min(_np_end(d, j, last), j + 1))), last


def _according_content(d: Doc, i: int, src_last: int) -> tuple[int, int] | None:
    """The content tokens of the according-to cue at i whose phrase ends at src_last."""
    k = src_last + 1
    while d.same(i, k) and k - src_last <= 8 and not ends_sentence(d, k):
        if _is_complementiser(d, k):
            return k + 1, content_end(d, k + 1)
        if d.t(k) in COMMAS and not _is_complementiser(d, k + 1):
            break
        k += 1
    s = _sentence_start(d, i)
    head = _skip_connectors(d, s, i - 1)
    after = src_last + 1 + (d.t(src_last + 1) in COMMAS)
    if head >= i:  # fronted: the first clause after it
        return after, content_end(d, after, first_clause=True)
    if d.t(i - 1) in COMMAS and sum(d.word(m) for m in range(head, i - 1)) <= 3 and d.t(src_last + 1) in COMMAS:
        return after, content_end(d, after)  # interrupting: X، بحسب Y، P
    if d.t(i - 1) not in COMMAS:
        head = max(head, next((m + 1 for m in range(i - 1, s, -1) if d.t(m) in COMMAS), head))
    head = _skip_connectors(d, head, i - 1)
    if d.n(head) in PASSIVE_OPENERS or d.n(head) == "إذ" and d.n(head + 1) in PASSIVE_OPENERS:
        head = next((m + 1 for m in range(head, i) if _is_complementiser(d, m)), head)
    return head, i - 1


def according_quote(d: Doc, i: int) -> QuoteGuess | None:
    """The quote of the according-to cue at token i (وفقا لـ X، بحسب X، نقلا عن X، حسبما أفاد X)."""
    j = i + 1 + (d.n(i + 1) in gz.folded("عن", "إلى"))
    if d.n(i).endswith("ما") and d.word(j):
        j += 1 + (d.n(j + 1) == "به")
    if not d.same(i, j):
        return None
    source, src_last = _according_source(d, j)
    if source is None:
        return None
    found = _according_content(d, i, src_last)
    if found is None:
        return None
    return _guess(d, i, found[0], found[1], source)


def _nested(d: Doc, i: int, quotes: list[tuple[int, QuoteGuess]]) -> bool:
    """Whether the cue at token i lies inside the content of a report found before it."""
    start = d.toks[i].start
    return any(q.content.start <= start < q.content.end for _, q in quotes)


def find_quotes(text: str, ner: list[NerMention]) -> list[QuoteGuess]:
    """Quote guesses for `text`, using the named mentions `ner` for sources."""
    d = _doc(text, ner)
    out: list[tuple[int, QuoteGuess]] = []
    main: list[tuple[int, QuoteGuess]] = []  # verb reports not nested in another's content
    last: Speaker | None = None
    for i in sorted(d.cue):
        if d.cue[i] == "according":
            q = according_quote(d, i)
        else:
            q = verb_quote(d, i, last, main)
            if q is not None and q.source is not None and not _nested(d, i, out):
                last = Speaker(q.source, q.speaker)
                main.append((i, q))
        if q is not None:
            out.append((i, q))
    return [q for _, q in out]
