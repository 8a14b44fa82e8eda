"""The HTML report: highlighting invariants, counts equal to the scorer's, a self-contained page,
the CLI, and the plots. The browser checks are in test_report_browser.py."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from khabar.baselines import get_system
from khabar.cli import app
from khabar.errors import KhabarError
from khabar.model import (
    Document, Entity, Gold, Mention, Number, PredEntity, PredNumber, PredQuote, Prediction, Quote, Span,
)
from khabar.predictions import write_predictions
from khabar.report import Mark, headline_line, highlight, render_report, write_report
from khabar.schema import FINE_TYPES, map_type
from khabar.scoring import score
from khabar.tokens import is_punct, tokenize

N_BOOT = 50


# --- shared builders (test_report_browser.py imports them) --------------------------------


def noisy_predictions(gold: Gold) -> list[Prediction]:
    """Predictions made from the gold with every kind of error, deterministically: missed names,
    wrong types, stretched boundaries, spurious names, missed quotes, wrong speakers, missed
    numbers and wrong values."""
    out = []
    for d in gold.documents:
        text = d.text

        def sp(s: int, e: int) -> Span:
            return Span(s, e, text[s:e])

        ents = []
        for i, m in enumerate(sorted(d.ner_mentions, key=lambda m: m.start)):
            r = i % 6
            if r == 1:
                continue
            if r == 2:
                ents.append(PredEntity(m.span, "ORG" if m.type != "ORG" else "PER"))
            elif r == 3:
                e = text.find(" ", m.end + 1)
                ents.append(PredEntity(sp(m.start, e if e != -1 else len(text)), m.type))
            else:
                ents.append(PredEntity(m.span, m.type))
        taken = [(m.start, m.end) for m in d.ner_mentions]
        for tok in tokenize(text)[::29]:
            if not is_punct(tok.text) and not any(s < tok.end and tok.start < e for s, e in taken):
                ents.append(PredEntity(sp(tok.start, tok.end), "PER"))
        quotes = []
        for i, q in enumerate(d.quotes):
            if i % 4 == 1:
                continue
            other = next((o for o in d.quotes if o.speaker != q.speaker), None) if i % 4 == 2 else None
            quotes.append(PredQuote(q.cue, q.content, other.source if other else q.source, q.type))
        nums = []
        for i, n in enumerate(d.numbers):
            if i % 3 == 2:
                continue
            nums.append(PredNumber(n.span, n.value + (1 if i % 3 == 1 else 0), n.kind, n.unit))
        out.append(Prediction(d.id, ents, quotes, nums))
    return out


def synthetic(n_names: int, n_systems: int, seed_doc: Document) -> tuple[Gold, dict[str, list[Prediction]]]:
    """A made-up document of `n_names` gold names (plus numbers and quotes), built from the seed's
    words, and `n_systems` systems with different error patterns."""
    words = [t.text for t in tokenize(seed_doc.text) if not is_punct(t.text) and not t.text.isdigit()]
    parts: list[str] = []
    pos = 0
    mentions, numbers, entities = [], [], []
    word_spans = []
    k = 0
    n_words = n_names * 4
    for w in range(n_words):
        if w and w % 40 == 0:
            parts.append("\n")
            pos += 1
        elif w:
            parts.append(" ")
            pos += 1
        token = str(1000 + w) if w % 25 == 3 else words[(w * 7) % len(words)]
        parts.append(token)
        word_spans.append((pos, pos + len(token)))
        if w % 4 == 0:
            eid = f"e{k}"
            entities.append(Entity(eid, FINE_TYPES[k % len(FINE_TYPES)], f"Name {k}", token))
            mentions.append(Mention(f"m{k}", Span(pos, pos + len(token), token), FINE_TYPES[k % len(FINE_TYPES)],
                                    eid, "corrupted" if k % 10 == 0 else "canonical"))
            k += 1
        elif w % 25 == 3:
            numbers.append(Number(f"n{w}", Span(pos, pos + len(token), token), float(1000 + w), "cardinal"))
        pos += len(token)
    text = "".join(parts)
    quotes = []
    for qi, w in enumerate(range(41, n_words - 10, 400)):
        cue = Span(*word_spans[w], text[slice(*word_spans[w])])
        c0, c1 = word_spans[w + 1][0], word_spans[w + 6][1]
        src = mentions[w // 4]
        quotes.append(Quote(f"q{qi}", cue, Span(c0, c1, text[c0:c1]), src.span, src.entity, "indirect"))
    doc = Document("synthetic", text, entities, mentions, quotes, numbers)
    gold = Gold("synthetic", [doc], sha256="0" * 64)
    systems = {}
    for s in range(n_systems):
        ents = []
        for j, m in enumerate(mentions):
            r = (j + s) % 7
            if r == 0:
                continue
            if r == 1:
                ents.append(PredEntity(m.span, FINE_TYPES[(FINE_TYPES.index(m.type) + 1) % len(FINE_TYPES)]))
            elif r == 2 and j + 1 < len(mentions):
                end = word_spans[(j * 4) + 1][1]
                ents.append(PredEntity(Span(m.start, end, text[m.start:end]), m.type))
            else:
                ents.append(PredEntity(m.span, m.type))
        for w in range(2, n_words, 13 + s):
            if w % 4 and w % 25 != 3:
                a, b = word_spans[w]
                ents.append(PredEntity(Span(a, b, text[a:b]), "PER"))
        nums = [PredNumber(n.span, n.value + (1 if (i + s) % 5 == 0 else 0), "cardinal")
                for i, n in enumerate(numbers) if (i + s) % 4]
        qs = []
        for i, q in enumerate(quotes):
            if (i + s) % 3 == 0:
                continue
            src = q.source if (i + s) % 3 == 1 else mentions[(i * 97 + 5) % len(mentions)].span
            qs.append(PredQuote(q.cue, q.content, src, q.type))
        systems[f"system{s + 1}"] = [Prediction("synthetic", ents, qs, nums)]
    return gold, systems


class Counts(HTMLParser):
    """Counts the report's highlighted items per (system, task, outcome), and other elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.system = self.task = None
        self.items: Counter = Counter()
        self.kinds: Counter = Counter()
        self.roles = 0
        self.pairs: Counter = Counter()
        self.pieces = 0
        self.html_attrs: dict = {}
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if tag == "section" and "data-system" in a:
            self.system = a["data-system"]
        if tag == "div" and "task" in (a.get("class") or "").split():
            self.task = a["data-task"]
        if "data-outcome" in a:
            assert tag == "span"
            self.items[(self.system, self.task, a["data-outcome"])] += 1
            self.kinds[(self.system, self.task, a["data-outcome"], a.get("data-kind"))] += 1
            for key in a.get("data-link", "").split()[1:]:
                self.pairs[key] += 1
        if "data-role" in a:
            self.roles += 1
        if "data-head" in a:
            self.pieces += 1
        for k in ("src", "href"):
            v = a.get(k) or ""
            if v and not v.startswith(("#", "data:")):
                self.external.append(v)
        if tag in ("link", "iframe", "object", "embed"):
            self.external.append(tag)


def count(page: str) -> Counts:
    c = Counts()
    c.feed(page)
    return c


def gold_total(gold: Gold, task: str, scheme: str = "fine") -> int:
    if task == "ner":
        return sum(1 for d in gold.documents for m in d.ner_mentions if map_type(m.type, scheme))
    return sum(len(getattr(d, task)) for d in gold.documents)


@pytest.fixture(scope="module")
def systems(gold):
    return {
        "noisy": noisy_predictions(gold),
        "oracle": get_system("oracle").predict(gold.documents),
        "empty": get_system("empty").predict(gold.documents),
    }


@pytest.fixture(scope="module")
def reports(gold, systems):
    return {n: score(gold, p, n_boot=N_BOOT) for n, p in systems.items()}


@pytest.fixture(scope="module")
def page(gold, systems, reports):
    return render_report(systems, gold, reports=reports)


# --- highlighting -------------------------------------------------------------------------


class Pieces(HTMLParser):
    """Rebuilds the text and, per mark id, the text its head and continuation pieces cover."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str | None] = []
        self.cover: dict[str, list[str]] = {}
        self.heads: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        mid = a.get("id") or a.get("data-head")
        if a.get("id"):
            self.heads[mid] += 1
        self.open.append(mid)

    def handle_endtag(self, tag):
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)
        for mid in self.open:
            if mid:
                self.cover.setdefault(mid, []).append(data)


def _check_highlight(text: str, spans: list[tuple[int, int]]) -> Pieces:
    marks = [Mark(s, e, "hl", {"data-outcome": "TP"}, f"m{i}") for i, (s, e) in enumerate(spans)]
    out = highlight(text, marks)
    p = Pieces()
    p.feed(out)
    p.close()
    assert not p.open, "unbalanced spans"
    assert "".join(p.text) == text
    assert out.count("data-outcome") == len(marks)
    for i, (s, e) in enumerate(spans):
        assert p.heads[f"m{i}"] == 1
        assert "".join(p.cover.get(f"m{i}", [])) == text[s:e], (i, s, e)
    return p


def test_highlight_nested_and_crossing_spans():
    text = "abcdefghijklmnopqrstuvwxyz"
    _check_highlight(text, [(0, 5), (0, 5), (2, 8), (3, 4), (6, 12), (10, 20), (10, 20), (25, 26)])


def test_highlight_escapes_text_and_attributes():
    out = highlight('a<b>&"c', [Mark(0, 3, "hl", {"data-d": '{"x":"<\\"&"}'}, "m1")])
    assert out.startswith('<span class="hl" id="m1" data-d="{&quot;x&quot;:&quot;&lt;\\&quot;&amp;&quot;}">a&lt;b</span>')
    assert out.endswith('&gt;&amp;"c')


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 12)), max_size=30))))
def test_highlight_invariants(case):
    """Any set of spans: the text survives, the HTML is balanced, every mark has one head element,
    and the pieces of a mark cover exactly its text."""
    n, raw = case
    text = "".join(chr(0x0627 + (i % 20)) for i in range(n))
    spans = [(s, min(n, s + ln)) for s, ln in raw]
    _check_highlight(text, spans)


def test_highlight_pieces_stay_linear_for_chained_overlaps():
    """Overlapping neighbours (each crossing the next) split each mark at most once."""
    n = 4000
    text = "x" * (n + 2)
    marks = [Mark(i, i + 2, "hl", {"data-outcome": "FP"}, f"m{i}") for i in range(n)]
    out = highlight(text, marks)
    assert out.count("data-outcome") == n
    assert out.count("data-head=") <= n


# --- the page -----------------------------------------------------------------------------


def test_counts_equal_the_scorers_counts(page, reports):
    c = count(page)
    for name, rep in reports.items():
        for task in rep.tasks:
            m = rep.headline(task)
            got = {o: c.items[(name, task, o)] for o in ("TP", "FP", "FN")}
            assert got == {"TP": m.tp, "FP": m.fp, "FN": m.fn}, (name, task)


def test_noisy_system_shows_every_kind_of_error(page, reports):
    c = count(page)
    kinds = {(t, k) for (s, t, o, k) in c.kinds if s == "noisy" and o in ("FP", "FN")}
    assert {("ner", "partial"), ("ner", "wrong_type"), ("ner", "none"), ("quotes", "wrong_speaker"),
            ("numbers", "wrong_value")} <= kinds
    # a pair (FP and FN of one wrong prediction) is two items linked by one key
    paired = sum(n for (s, t, o, k), n in c.kinds.items() if o == "FP" and k != "none")
    assert paired > 0 and len(c.pairs) == paired and set(c.pairs.values()) == {2}


def test_oracle_has_no_fp_or_fn_and_empty_misses_everything(page, gold):
    c = count(page)
    for task in ("ner", "quotes", "numbers"):
        assert c.items[("oracle", task, "FP")] == 0 and c.items[("oracle", task, "FN")] == 0
        assert c.items[("oracle", task, "TP")] == gold_total(gold, task)
        assert c.items[("empty", task, "FN")] == gold_total(gold, task)
        assert c.items[("empty", task, "TP")] == 0 and c.items[("empty", task, "FP")] == 0


def test_page_is_rtl_arabic_and_self_contained(page, gold):
    c = count(page)
    assert c.html_attrs.get("dir") == "rtl" and c.html_attrs.get("lang") == "ar"
    assert c.external == []
    assert not re.search(r"@import|url\((?!data:)|https?://", page.split("<body", 1)[1].split("<script>", 1)[0]
                         .replace(gold.documents[0].text, ""))
    assert '<article class="doc" lang="ar" dir="rtl"' in page
    assert '"Noto Naskh Arabic", "Amiri"' in page and "serif" in page
    assert page.count('src="data:image/png;base64,') == 3


def test_every_score_shows_its_signature(page, reports):
    for rep in reports.values():
        for task in rep.tasks:
            assert rep.signature_for(task, headline_line(task)[1]) in page
        assert rep.signature in page


def test_quotes_and_numbers_tables(page, gold):
    doc = gold.documents[0]
    # each gold quote's cue, content and source, and the gold speaker's name, are in the page
    names = {e.id: e.name_en for e in doc.entities}
    for q in doc.quotes:
        assert names[q.speaker] in page
    assert page.count('data-role="cue"') >= len(doc.quotes)  # oracle and empty sections, at least
    # numbers: gold and predicted value side by side; the noisy system's wrong values show both
    wrong = [n for i, n in enumerate(doc.numbers) if i % 3 == 1]
    for n in wrong:
        v = int(n.value) if float(n.value).is_integer() else n.value
        assert re.search(rf'<td class="num">{v}</td><td class="num">{v + 1}</td>', page), n


def test_published_leaderboard_is_shown(gold, systems, reports):
    board = {"signature": "khabar:0.1.0|gold:x", "gold": {"version": "1.0.0", "sha256": "ab" * 32},
             "headline": {"ner": "strict"},
             "systems": [{"system": "rules", "tasks": {"ner": {"p": 0.5, "r": 0.25, "f1": 0.3333, "ci_low": 0.2,
                                                                 "ci_high": 0.45, "tp": 3, "fp": 3, "fn": 9}}}]}
    page = render_report({"oracle": systems["oracle"]}, gold, board, reports={"oracle": reports["oracle"]},
                         plots=False)
    assert "Committed baselines" in page and "khabar:0.1.0|gold:x" in page
    assert "<strong>0.333</strong> <span class=\"ci\">[0.200, 0.450]</span>" in page


def test_five_systems_and_a_thousand_names(doc):
    gold, preds = synthetic(1000, 5, doc)
    reports = {n: score(gold, p, n_boot=0) for n, p in preds.items()}
    page = render_report(preds, gold, reports=reports, plots=False)
    c = count(page)
    assert len(gold.documents[0].ner_mentions) == 1000
    for name, rep in reports.items():
        for task in ("ner", "quotes", "numbers"):
            m = rep.headline(task)
            assert (c.items[(name, task, "TP")], c.items[(name, task, "FP")], c.items[(name, task, "FN")]) == (
                m.tp, m.fp, m.fn)


def test_several_documents(gold):
    """Each document gets its own article per task; counts still add up to the scorer's."""
    small, _ = synthetic(40, 1, gold.documents[0])
    both = Gold("two", [gold.documents[0], small.documents[0]], sha256="1" * 64)
    preds = {"noisy": noisy_predictions(both)}
    rep = score(both, preds["noisy"], n_boot=0)
    page = render_report(preds, both, reports={"noisy": rep}, plots=False)
    assert page.count('<article class="doc"') == 2 * 3
    c = count(page)
    for task in rep.tasks:
        m = rep.headline(task)
        assert (c.items[("noisy", task, "TP")], c.items[("noisy", task, "FP")], c.items[("noisy", task, "FN")]) == (
            m.tp, m.fp, m.fn)


def test_a_system_without_some_tasks(gold, systems):
    only_numbers = [Prediction(p.id, None, None, p.numbers) for p in systems["oracle"]]
    page = render_report({"numbers-only": only_numbers}, gold, n_boot=0, plots=False)
    c = count(page)
    assert c.items[("numbers-only", "numbers", "TP")] == gold_total(gold, "numbers")
    assert not any(c.items[("numbers-only", t, o)] for t in ("ner", "quotes") for o in ("TP", "FP", "FN"))
    assert "numbers-only does not predict named entities." in page


def test_leaderboard_of_another_gold_is_flagged(tmp_path, gold, systems):
    a = tmp_path / "a.jsonl"
    write_predictions(systems["oracle"], a)
    lb = tmp_path / "leaderboard.json"
    lb.write_text('{"signature": "s", "gold": {"version": "0.9", "sha256": "' + "f" * 64 + '"}, "systems": '
                  '[{"system": "x", "tasks": {"ner": {"p": 0.5, "r": 0.5, "f1": 0.5}}}]}',
                  encoding="utf-8")
    notes: list[str] = []
    out = write_report([a], tmp_path / "r.html", leaderboard=lb, n_boot=0, notes=notes)
    assert len(notes) == 1 and "another gold" in notes[0]
    assert "another gold" in out.read_text(encoding="utf-8")


def test_rendering_grows_linearly(doc):
    """4x the items costs about 4x the work, not 16x: counted in Python function calls (cProfile),
    which do not depend on the machine's load, not timed (speed lives in benchmarks/)."""
    import cProfile
    import pstats

    def calls(n: int) -> int:
        gold, preds = synthetic(n, 1, doc)
        reports = {k: score(gold, p, n_boot=0) for k, p in preds.items()}
        profile = cProfile.Profile()
        profile.enable()
        render_report(preds, gold, reports=reports, plots=False)
        profile.disable()
        return pstats.Stats(profile).total_calls

    calls(50)  # imports out of the count
    small, large = calls(500), calls(2000)
    assert large / small < 6, (small, large)


# --- writing, the CLI ---------------------------------------------------------------------


def test_write_report_and_cli(tmp_path, gold, systems):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_predictions(systems["noisy"], a)
    write_predictions(systems["oracle"], b)
    out = tmp_path / "report.html"
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(a), str(b), "-o", str(out), "--names", "Noisy,Oracle", "--n-boot", "20"])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert 'data-system="Noisy"' in page and 'data-system="Oracle"' in page
    # never overwrites without --force
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        write_report([a], out)
    assert e.value.exit_code == 2 and out.read_text(encoding="utf-8") == "mine"
    write_report([a], out, overwrite=True, n_boot=0)
    assert 'data-system="a"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--names", "x,y"], "--names: 2 name(s) for 1 predictions file(s)"),
    (["--names", " "], "--names: system names must be distinct and non-empty"),
])
def test_cli_errors_are_one_line(tmp_path, systems, args, message):
    import subprocess
    import sys

    a = tmp_path / "a.jsonl"
    write_predictions(systems["oracle"], a)
    r = subprocess.run([sys.executable, "-m", "khabar", "report", str(a), "-o", str(tmp_path / "r.html"), *args],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "r.html").exists()


def test_cli_bad_predictions_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "000_dcb0768725cbb8f8", "entities": [{"start": 5, "end": 2, "text": "", "type": "PER"}]}\n',
                   encoding="utf-8")
    res = CliRunner().invoke(app, ["report", str(bad), "-o", str(tmp_path / "r.html")])
    assert res.exit_code != 0 and not (tmp_path / "r.html").exists()


# --- plots --------------------------------------------------------------------------------


def test_plots(tmp_path, gold, systems, reports):
    from khabar import plots

    y_true, y_pred = plots.ner_type_pairs(gold, systems["oracle"])
    assert y_true == y_pred and len(y_true) == gold_total(gold, "ner")
    y_true, y_pred = plots.ner_type_pairs(gold, systems["noisy"])
    doc = gold.documents[0]
    wrong = sum(1 for i, m in enumerate(sorted(doc.ner_mentions, key=lambda m: m.start)) if i % 6 == 2)
    assert sum(1 for t, p in zip(y_true, y_pred) if plots.NONE_LABEL not in (t, p) and t != p) == wrong
    written = plots.write_plots(tmp_path, systems, gold, reports=reports)
    assert set(written) == {"f1", "corrupted", "confusion"}
    for p in written.values():
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # equal inputs give equal bytes (no timestamp in the PNG)
    assert plots.f1_png(plots.f1_rows(reports)) == written["f1"].read_bytes()
    rows = plots.corrupted_rows(reports)
    assert {(r["system"], r["subset"]) for r in rows} == {(n, s) for n in systems for s in ("all", "corrupted")}
    assert plots.f1_png(plots.leaderboard_rows({"systems": [{"system": "x", "tasks": {"ner": {"f1": 0.5, "ci_low": 0.4,
                                                                             "ci_high": 0.6}}}]}))[:4] == b"\x89PNG"
