"""conlleval input: the streamed file scores exactly like the tag lists, in any block size and
any whitespace; bad lines are one-line errors; `khabar score --conll` reads files and stdin."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar import KhabarError
from khabar.scoring.conll import score_conll, score_tags

TYPES = ("PER", "ORG", "LOC", "MISC")


def corpus(n_sent: int, seed: int):
    rng = random.Random(seed)
    y_true, y_pred = [], []
    for _ in range(n_sent):
        g = []
        while len(g) < rng.randint(1, 20):
            if rng.random() < 0.2:
                t = rng.choice(TYPES)
                g += [f"B-{t}"] + [f"I-{t}"] * rng.randint(0, 2)
            else:
                g.append("O")
        p = [rng.choice(["O", "B-PER", "I-PER", "B-ORG", "I-LOC"]) if rng.random() < 0.15 else t for t in g]
        y_true.append(g)
        y_pred.append(p)
    return y_true, y_pred


def to_conll(y_true, y_pred, sep=" ", eol="\n", extra_cols=1) -> str:
    out = []
    for i, (g, p) in enumerate(zip(y_true, y_pred)):
        for j, (a, b) in enumerate(zip(g, p)):
            cols = [f"w{i}_{j}"] + ["X"] * (extra_cols - 1) + [a, b]
            out.append(sep.join(cols) + eol)
        out.append(eol)
    return "".join(out)


def rows(report):
    return [(r.key, r.score.correct, r.score.incorrect, r.score.partial, r.score.missed, r.score.spurious)
            for r in report.rows]


@pytest.fixture(scope="module")
def data():
    return corpus(400, 1)


def test_file_equals_lists(data, tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(to_conll(*data), encoding="utf-8")
    a = score_conll(path, n_boot=0)
    b = score_tags(*data, n_boot=0)
    assert rows(a) == rows(b)
    assert a.signature.split("|")[1].split("+")[1] == b.signature.split("|")[1].split("+")[1]  # same gold hash
    assert a.extra["tokens"] == sum(map(len, data[0])) and a.extra["units"] == len(data[0])
    acc = sum(x == y for g, p in zip(*data) for x, y in zip(g, p)) / a.extra["tokens"]
    assert a.extra["token_accuracy"] == pytest.approx(acc)


@pytest.mark.parametrize("block", [7, 64, 1000, 1 << 20])
def test_block_size_does_not_matter(data, block):
    text = to_conll(*data)
    a = score_conll(io.BytesIO(text.encode()), n_boot=0, block_bytes=block)
    assert rows(a) == rows(score_tags(*data, n_boot=0))
    assert a.signature == score_conll(io.BytesIO(text.encode()), n_boot=0).signature


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a B-PER O", "b O O", "c I-LOC I-LOC", "", "dd O B-ORG"]), max_size=60),
       st.sampled_from(["\n", "\r\n", "\r"]), st.integers(1, 80), st.booleans())
def test_blocks_are_the_file_cut_at_blank_lines_each_with_its_pad(lines, eol, block, last_eol):
    """`_read_blocks` gives the whole text (LF line ends, a last one added), in order, each
    block followed by its pad and ending just after a blank line or an `O O` row."""
    from khabar.scoring.conll import _PAD, _read_blocks

    text = eol.join(lines) + (eol if last_eol and lines else "")
    blocks = list(_read_blocks(io.BytesIO(text.encode()), block, "f"))
    assert all(b.endswith(b"\n" + _PAD) for b in blocks)
    body = [b[:-len(_PAD)] for b in blocks]
    want = text.replace("\r\n", "\n").replace("\r", "\n")
    want += "\n" if want and not want.endswith("\n") else ""
    assert b"".join(body) == want.encode()
    assert all(b.endswith(b"\n\n") or b.endswith(b" O O\n") for b in body[:-1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a O O", " O O", "O O", "O", "", "ab", "x B-PER O", "a O O ", "aO O", "#", "# O O"]),
                min_size=1, max_size=12))
def test_the_lines_of_a_block_are_sorted_as_reading_them_one_by_one_would(lines):
    """`_lines_of_block` counts the lines, finds the blank ones and the ones not ending in
    ` O O` (short lines at the block's start included), as splitting the block would."""
    from khabar.scoring.conll import _PAD, _lines_of_block

    text = ("\n".join(lines) + "\n").encode()
    rows = _lines_of_block(text + _PAD, 10)
    split = rows.block[:-len(_PAD)].split(b"\n")[:-1]  # `#` rows blanked first (`_boundary_rows`)
    assert rows.n_lines == len(split) == len(lines)
    assert rows.blank.tolist() == [i for i, line in enumerate(split) if line == b""]
    assert rows.lines.tolist() == [i for i, line in enumerate(split) if line and not line.endswith(b" O O")]
    assert [rows.block[a:b] for a, b in zip(rows.starts, rows.ends)] == [split[i] for i in rows.lines]


@given(st.lists(st.sampled_from([32, 0x20 | 0x80, 0x20 ^ 1, 0, 10, 65, 255]), min_size=8, max_size=8))
def test_the_space_mask_of_a_word_and_its_last_two_spaces(octets):
    """`_space_mask` marks exactly the space bytes of a 64-bit word; `_HIGHEST` and `_SECOND`
    give the last two of them (-1 where there are fewer)."""
    import numpy as np

    from khabar.scoring.conll import _HIGHEST, _SECOND, _space_mask

    mask = int(_space_mask(np.frombuffer(bytes(octets), dtype="<u8"))[0])
    spaces = [j for j, b in enumerate(octets) if b == 32]
    assert mask == sum(1 << j for j in spaces)
    assert (_HIGHEST[mask], _SECOND[mask]) == tuple((spaces[::-1] + [-1, -1])[:2])


def test_tag_slots_that_collide_fall_back_to_the_sorted_keys(data, monkeypatch):
    """With two hash slots most tags share one: the codes, so the counts, stay the same."""
    from khabar.scoring import conll

    text = to_conll(*data).encode()
    expected = rows(score_conll(io.BytesIO(text), n_boot=0, block_bytes=500))
    monkeypatch.setattr(conll, "_SLOT_BITS", 1)
    assert rows(score_conll(io.BytesIO(text), n_boot=0, block_bytes=500)) == expected


def test_totals_only_equal_summed_units(data):
    """Counting totals only (one unit, no bootstrap) gives the sums of the per-unit counts."""
    text = to_conll(*data).encode()
    with_units = score_conll(io.BytesIO(text), n_boot=20, block_bytes=1000)
    assert rows(score_conll(io.BytesIO(text), n_boot=0, block_bytes=1000)) == rows(with_units)


@pytest.mark.parametrize("sep,eol,extra", [("\t", "\n", 1), (" ", "\r\n", 3), ("  ", " \n", 0)])
def test_whitespace_variants(data, sep, eol, extra):
    text = to_conll(*data, sep=sep, eol=eol, extra_cols=extra)
    if extra == 0:
        text = text.replace("w", "")  # two columns only: gold and predicted tag
    a = score_conll(io.BytesIO(text.encode()), n_boot=0)
    assert rows(a) == rows(score_tags(*data, n_boot=0))


def test_gold_hash_ignores_predictions(data):
    y_true, y_pred = data
    other = [["O"] * len(g) for g in y_true]
    a, b = score_tags(y_true, y_pred, n_boot=0), score_tags(y_true, other, n_boot=0)
    assert a.settings.gold == b.settings.gold
    c = score_tags([["B-PER"] + g[1:] for g in y_true], y_pred, n_boot=0)
    assert c.settings.gold != a.settings.gold


def test_poisson_bootstrap_is_seeded(data, tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(to_conll(*data), encoding="utf-8")
    a, b = score_conll(path, n_boot=200, seed=3), score_conll(path, n_boot=200, seed=3)
    m = a.get("ner", "strict")
    assert (m.ci_low, m.ci_high) == (b.get("ner", "strict").ci_low, b.get("ner", "strict").ci_high)
    assert m.ci_low <= m.f1 <= m.ci_high
    assert "boot:200/poisson" in a.signature and "unit:sentence" in a.signature


@pytest.mark.parametrize("text,line,field", [
    ("a B-PER B-PER\nb\n", 2, "columns"),
    ("a O O\nb X-PER O\n", 2, "gold tag"),
    ("a O O\n\nb O B-\n", 3, "predicted tag"),
])
def test_bad_lines(tmp_path, text, line, field):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        score_conll(path, n_boot=0)
    assert (e.value.line, e.value.field, e.value.exit_code) == (line, field, 2)
    proc = subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", "score", "--conll",
                           str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(f"error: {path}:{line}: {field}: ")


def test_cli_conll_stdin(data):
    text = to_conll(*data)
    proc = subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", "score", "--conll", "-",
                           "--json", "--n-boot", "0"], capture_output=True, text=True, input=text)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    expected = score_tags(*data, n_boot=0).get("ner", "strict")
    assert d["headline"]["ner"]["f1"] == pytest.approx(expected.f1)
    assert {r["metric"] for r in d["rows"]} == {"strict", "exact", "partial", "type"}


# --- the reader thread ----------------------------------------------------------------------------


def reader_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "khabar-conll-reader"]


def test_ahead_keeps_order_and_raises_in_place(monkeypatch):
    import os

    from khabar.scoring import conll

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)  # a thread, even on one CPU

    def items():
        yield from range(5)
        raise ValueError("sixth")

    got = []
    with pytest.raises(ValueError, match="sixth"):
        for x in conll._ahead(items()):
            got.append(x)
    assert got == list(range(5)) and not reader_threads()


def test_ahead_stops_its_thread_when_the_consumer_stops(monkeypatch):
    import os

    from khabar.scoring import conll

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)

    endless = iter(int, 1)  # 0, 0, 0, ... for ever
    for i, _ in enumerate(conll._ahead(endless)):
        if i == 3:
            break
    assert not reader_threads()


@pytest.mark.parametrize("cpus", [{0}, {0, 1}])
def test_one_cpu_or_two_same_numbers_and_errors(data, tmp_path, monkeypatch, cpus):
    """With one CPU the blocks are read inline; either way the numbers are the same and an
    error deep in the file names its line, with no reader thread left behind."""
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cpus, raising=False)
    text = to_conll(*data)
    good = tmp_path / "good.conll"
    good.write_text(text, encoding="utf-8")
    assert rows(score_conll(good, n_boot=0, block_bytes=600)) == rows(score_tags(*data, n_boot=0))
    bad = text + "late X-PER O\n"
    path = tmp_path / "late.conll"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        score_conll(path, n_boot=20, block_bytes=600)
    assert (e.value.line, e.value.field) == (bad.count("\n"), "gold tag")
    assert not reader_threads()


def test_only_regular_files_are_read_ahead(tmp_path):
    """A pipe's read may wait for ever (stdin): read on a thread, it would outlive Ctrl-C."""
    import os

    from khabar.scoring.conll import _regular_file

    path = tmp_path / "f.conll"
    path.write_text("a O O\n", encoding="utf-8")
    r, w = os.pipe()
    with path.open("rb") as f, os.fdopen(r, "rb") as pipe, os.fdopen(w, "wb"):
        assert _regular_file(f) and not _regular_file(pipe) and not _regular_file(io.BytesIO(b"a O O\n"))
