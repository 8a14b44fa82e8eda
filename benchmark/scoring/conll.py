"""NER over tag sequences: a seqeval-like list API and conlleval input, counted in numpy.

Decoding is `khabar.iob`'s lenient (conlleval.pl) rule set; `Engine.entities` applies the same
rules to integer tag codes and is tested against `iob.decode`.

The counting engine works in numpy on the tokens where either tag is not O: it decodes both
columns, pairs the entities that share their exact span (with non-overlapping columns such
pairs never interact with anything else, in any mode), splits the rest into connected
components of the overlap graph and runs the general nervaluate matching (`ner.match`) only on
components of three or more items. A conlleval file is read in byte blocks that end on a blank
line, its tags located and grouped in numpy, so memory stays flat however large the file; the
next block is read and split into lines on a second thread while this one is counted.
"""

from __future__ import annotations

import hashlib
import operator
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple, TypeVar

import numpy as np

from ..errors import KhabarError
from ..iob import PREFIX_CODE, split_tag
from . import ner
from .counts import Tally
from .prf import CATEGORIES, COR, INC, MIS, PAR, SPU

BLOCK_BYTES = 1 << 20

_PO, _PB, _PI, _PE, _PS = (PREFIX_CODE[p] for p in "OBIES")
_TYPE_SHIFT = 3
"""A tag's code is `label id << 3 | prefix code`: the low three bits hold the prefix."""
_PREFIX_MASK = (1 << _TYPE_SHIFT) - 1
N_OUTCOMES = len(CATEGORIES)
"""The count columns COR, INC, PAR, MIS, SPU (`prf`)."""
STRICT, EXACT, PARTIAL, TYPE = (ner.MODES.index(m) for m in ("strict", "exact", "partial", "type"))
MICRO = 0
"""Column 0 of a mode's key table is the micro line; column 1 + label id is that label's line."""
_OPENS = np.array([p in (_PB, _PS) or q in (_PO, _PE, _PS) for p in range(8) for q in range(8)])
"""Whether a token with prefix p after one with prefix q starts an entity (conlleval's rule;
a change of type starts one too), indexed by `p << 3 | q`."""
_PRED_ALONE, _GOLD_ALONE, _LARGE, _ONE_EACH = 1, 2, 3, 4
"""Kinds of overlap component: a lone prediction, a lone gold entity, three or more items
(general matching), one of each with different spans."""


# --- the counting engine -------------------------------------------------------------------


class _Emitter:
    """Collects flat count indices `(unit * n_keys + key) * N_OUTCOMES + outcome` for a bincount.

    With one unit (totals only) an outcome on a fixed line is only counted (`fixed`), not
    written out token by token."""

    def __init__(self, table: np.ndarray, n_keys: int, n_units: int) -> None:
        self.table, self.n_keys = table, n_keys
        self.parts: list[np.ndarray] = []
        self.fixed = np.zeros(n_keys * N_OUTCOMES, dtype=np.int64) if n_units == 1 else None

    def emit(self, units: np.ndarray, mode: int, col, outcome: int) -> None:
        """One `outcome` for each of `units`, on the line of `mode` and column `col` (MICRO or 1 + label)."""
        if not len(units):
            return
        if self.fixed is None:
            self.parts.append((units * self.n_keys + self.table[mode, col]) * N_OUTCOMES + outcome)
        elif isinstance(col, int):
            self.fixed[self.table[mode, col] * N_OUTCOMES + outcome] += len(units)
        else:  # unit 0 throughout
            self.parts.append(self.table[mode, col] * N_OUTCOMES + outcome)

    def emit_all_modes(self, units: np.ndarray, col, outcome: int) -> None:
        """The same outcome in every mode."""
        for mode in range(len(ner.MODES)):
            self.emit(units, mode, col, outcome)

    def counts(self, n_units: int) -> np.ndarray:
        """The counts (n_units, keys, N_OUTCOMES) of everything emitted."""
        flat = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int64)
        out = np.bincount(flat, minlength=n_units * self.n_keys * N_OUTCOMES)
        if self.fixed is not None:
            out += self.fixed
        return out.reshape(n_units, self.n_keys, N_OUTCOMES)


class Engine:
    """Counts every NER mode, micro and per type, from batches of tokens.

    Keys are `("ner", "all", mode, label)`; labels are added as they appear. A batch gives
    counts per unit (sentences, keys, 5), or a single row when units are not needed.

    With both columns decoded, entities sharing an exact span are paired first: within a
    column entities never overlap, so nothing else can touch such a pair in any mode. What is
    left splits into connected components of the overlap graph, which nervaluate's greedy
    matching also treats independently; components of one gold, one prediction or one of each
    (nearly all of them) are counted in numpy, larger ones by `ner.match`.
    """

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.label_id: dict[str, int] = {}
        self.tag_cache: dict[str | bytes, int] = {"O": 0, b"O": 0}
        self.tag_keys = _KeyTable()
        self.digests: dict[int, int] = {0: 0}
        self.keys: list[tuple] = []
        self.key_id: dict[tuple, int] = {}
        for mode in ner.MODES:
            self._key(mode, "micro")

    def _key(self, mode: str, label: str) -> int:
        k = ("ner", "all", mode, label)
        if k not in self.key_id:
            self.key_id[k] = len(self.keys)
            self.keys.append(k)
        return self.key_id[k]

    def _label(self, label: str) -> int:
        i = self.label_id.get(label)
        if i is None:
            i = self.label_id[label] = len(self.labels)
            self.labels.append(label)
            for mode in ner.MODES:
                self._key(mode, label)
        return i

    def intern(self, tag: str | bytes) -> int:
        """Code of a tag: `label id << _TYPE_SHIFT | prefix code` (`iob.PREFIX_CODE`); ValueError if malformed."""
        got = self.tag_cache.get(tag)
        if got is None:
            p, label = split_tag(tag)
            got = self.tag_cache[tag] = self._label(label) << _TYPE_SHIFT | PREFIX_CODE[p]
            text = f"{p}-{label}" if p != "O" else "O"
            self.digests[got] = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        return got

    def digest_of(self, codes: np.ndarray) -> np.ndarray:
        """A stable 64-bit digest of each code's tag text (for the gold hash)."""
        table = np.zeros(max(self.digests) + 1, dtype=np.uint64)
        for c, d in self.digests.items():
            table[c] = d
        return table[codes]

    def codes(self, tags: Sequence[str]) -> np.ndarray:
        try:
            return np.fromiter(map(self.tag_cache.__getitem__, tags), dtype=np.int64, count=len(tags))
        except KeyError:
            return np.fromiter(map(self.intern, tags), dtype=np.int64, count=len(tags))

    @staticmethod
    def entities(pos: np.ndarray, codes: np.ndarray, unit: np.ndarray):
        """Entities of one column: (start, end, label, unit) arrays, in position order."""
        n = len(pos)
        if n == 0:
            z = np.zeros(0, dtype=np.int64)
            return z, z, z, z
        pre, typ = codes & _PREFIX_MASK, codes >> _TYPE_SHIFT
        prev = np.zeros(n, dtype=np.int64)  # the previous token's code, O (0) across a gap
        prev[1:] = np.where(pos[1:] == pos[:-1] + 1, codes[:-1], 0)
        inent = pre != _PO
        start = inent & (_OPENS.take(pre << _TYPE_SHIFT | prev & _PREFIX_MASK) | (prev >> _TYPE_SHIFT != typ))
        s = np.flatnonzero(start)
        goes_on = np.zeros(n, dtype=bool)  # the next token continues this one's entity
        goes_on[:-1] = inent[1:] & ~start[1:]
        e = np.flatnonzero(inent & ~goes_on)
        return pos[s], pos[e] + 1, typ[s], unit[s]

    def count(self, pos: np.ndarray, gcodes: np.ndarray, pcodes: np.ndarray, unit: np.ndarray,
              n_units: int) -> np.ndarray:
        """Counts (n_units, keys, 5) of one batch; `unit` gives each token's unit (0..n_units-1)."""
        gold = self.entities(pos, gcodes, unit)
        pred = self.entities(pos, pcodes, unit)
        n_keys = len(self.keys)
        table = np.array([[self.key_id[("ner", "all", m, lab)] for lab in ["micro", *self.labels]]
                          for m in ner.MODES], dtype=np.int64)
        out = _Emitter(table, n_keys, n_units)
        paired, g_paired = self._pair_exact(out, gold, pred)
        g_left = np.ones(len(gold[0]), dtype=bool)
        g_left[g_paired] = False
        self._components(out, gold, pred, np.flatnonzero(g_left), np.flatnonzero(~paired))
        return out.counts(n_units)

    @staticmethod
    def _pair_exact(out: "_Emitter", gold, pred) -> tuple[np.ndarray, np.ndarray]:
        """Count the entities whose spans are equal in both columns (a gold start is unique: a
        column's entities do not overlap); returns the paired-prediction mask and gold indices."""
        gs, ge, gt, gu = gold
        ps, pe, pt, pu = pred
        j = np.searchsorted(gs, ps)
        jc = np.minimum(j, max(len(gs) - 1, 0))
        paired = (j < len(gs)) & (gs[jc] == ps) & (ge[jc] == pe) if len(gs) else np.zeros(len(ps), dtype=bool)
        pj, pp = jc[paired], np.flatnonzero(paired)
        same = gt[pj] == pt[pp]
        u_same, u_diff = gu[pj][same], gu[pj][~same]
        out.emit(u_same, STRICT, MICRO, COR)
        out.emit(u_diff, STRICT, MICRO, INC)
        out.emit(gu[pj], EXACT, MICRO, COR)
        out.emit(gu[pj], PARTIAL, MICRO, COR)
        out.emit(u_same, TYPE, MICRO, COR)
        out.emit(u_diff, TYPE, MICRO, INC)
        out.emit_all_modes(u_same, 1 + gt[pj][same], COR)
        out.emit_all_modes(u_diff, 1 + gt[pj][~same], MIS)
        out.emit_all_modes(pu[pp][~same], 1 + pt[pp][~same], SPU)
        return paired, pj

    def _components(self, out: "_Emitter", gold, pred, gi: np.ndarray, pi: np.ndarray) -> None:
        """Count what is left: connected components of the overlap graph of the unpaired items."""
        gs, ge, gt, gu = gold
        ps, pe, pt, pu = pred
        starts = np.concatenate([gs[gi], ps[pi]])
        if not len(starts):
            return
        ends = np.concatenate([ge[gi], pe[pi]])
        is_pred = np.concatenate([np.zeros(len(gi), dtype=bool), np.ones(len(pi), dtype=bool)])
        item = np.concatenate([gi, pi])
        order = np.argsort(starts, kind="stable")
        starts, ends, is_pred, item = starts[order], ends[order], is_pred[order], item[order]
        reach = np.maximum.accumulate(ends)
        new = np.ones(len(starts), dtype=bool)
        new[1:] = starts[1:] >= reach[:-1]
        comp = np.cumsum(new) - 1
        n_comp = int(comp[-1]) + 1
        n_g = np.bincount(comp[~is_pred], minlength=n_comp)
        n_p = np.bincount(comp[is_pred], minlength=n_comp)
        kind = np.where(n_g + n_p > 2, _LARGE, n_g * _GOLD_ALONE + n_p * _PRED_ALONE)
        kind = np.where((n_g == 1) & (n_p == 1), _ONE_EACH, kind)
        k_item = kind[comp]
        g_alone = item[(k_item == _GOLD_ALONE) & ~is_pred]
        p_alone = item[(k_item == _PRED_ALONE) & is_pred]
        out.emit_all_modes(gu[g_alone], MICRO, MIS)
        out.emit_all_modes(gu[g_alone], 1 + gt[g_alone], MIS)
        out.emit_all_modes(pu[p_alone], MICRO, SPU)
        out.emit_all_modes(pu[p_alone], 1 + pt[p_alone], SPU)
        sel = k_item == _ONE_EACH
        g1 = item[sel & ~is_pred][np.argsort(comp[sel & ~is_pred], kind="stable")]
        p1 = item[sel & is_pred][np.argsort(comp[sel & is_pred], kind="stable")]
        self._one_each(out, gt, gu, pt, pu, g1, p1)
        big = np.flatnonzero(kind == _LARGE)
        if len(big):
            out.parts.append(self._general(big, comp, is_pred, item, *gold, *pred, out.table, out.n_keys))

    @staticmethod
    def _one_each(out: "_Emitter", gt, gu, pt, pu, g1: np.ndarray, p1: np.ndarray) -> None:
        """Count components of one gold and one prediction that overlap with unequal spans."""
        ok = gt[g1] == pt[p1]
        u1 = gu[g1]
        out.emit(u1, STRICT, MICRO, INC)
        out.emit(u1, EXACT, MICRO, INC)
        out.emit(u1, PARTIAL, MICRO, PAR)
        out.emit(u1[ok], TYPE, MICRO, COR)
        out.emit(u1[~ok], TYPE, MICRO, INC)
        lab = 1 + gt[g1][ok]
        out.emit(u1[ok], STRICT, lab, INC)
        out.emit(u1[ok], EXACT, lab, INC)
        out.emit(u1[ok], PARTIAL, lab, PAR)
        out.emit(u1[ok], TYPE, lab, COR)
        out.emit_all_modes(u1[~ok], 1 + gt[g1][~ok], MIS)
        out.emit_all_modes(pu[p1][~ok], 1 + pt[p1][~ok], SPU)

    @staticmethod
    def _general(big, comp, is_pred, item, gs, ge, gt, gu, ps, pe, pt, pu, table, n_keys) -> np.ndarray:
        out: list[int] = []
        in_big = np.isin(comp, big)
        rows = zip(comp[in_big].tolist(), is_pred[in_big].tolist(), item[in_big].tolist())
        groups: dict[int, tuple[list, list]] = {}
        for c, isp, it in rows:
            g, p = groups.setdefault(c, ([], []))
            (p if isp else g).append(it)
        for g_idx, p_idx in groups.values():
            gold = [(int(gs[i]), int(ge[i]), int(gt[i])) for i in g_idx]
            pred = [(int(ps[i]), int(pe[i]), int(pt[i])) for i in p_idx]
            gunit = [int(gu[i]) for i in g_idx]
            punit = [int(pu[i]) for i in p_idx]
            subsets = [(0, gold, pred, gunit, punit)]
            for lab in sorted({x[2] for x in gold} | {x[2] for x in pred}):
                gk = [k for k, x in enumerate(gold) if x[2] == lab]
                pk = [k for k, x in enumerate(pred) if x[2] == lab]
                subsets.append((1 + lab, [gold[k] for k in gk], [pred[k] for k in pk], [gunit[k] for k in gk],
                                [punit[k] for k in pk]))
            for col, gl, pl, gun, pun in subsets:
                cands = ner._candidates(gl, pl)
                for m, mode in enumerate(ner.MODES):
                    key = int(table[m, col])
                    for cat, a, b in ner.match(gl, pl, mode, cands):
                        u = gun[a] if a is not None else pun[b]
                        out.append((u * n_keys + key) * N_OUTCOMES + cat)
        return np.asarray(out, dtype=np.int64)


# --- inputs ------------------------------------------------------------------------------------


class _GoldHash:
    """sha256 of the gold column: positions and tags of the non-O gold tokens, sentence
    boundaries and the token count. Independent of the predictions and of how the input was
    cut into blocks."""

    def __init__(self) -> None:
        self.tokens = hashlib.sha256()
        self.bounds = hashlib.sha256()

    def update(self, engine: Engine, pos: np.ndarray, gcodes: np.ndarray, boundaries: np.ndarray) -> None:
        mask = (gcodes & _PREFIX_MASK) != _PO
        pairs = np.empty((int(mask.sum()), 2), dtype="<u8")
        pairs[:, 0] = pos[mask]
        pairs[:, 1] = engine.digest_of(gcodes[mask])
        self.tokens.update(pairs)
        self.bounds.update(np.ascontiguousarray(boundaries, dtype="<i8"))

    def finish(self, n_tokens: int) -> str:
        final = f"{self.tokens.hexdigest()}|{self.bounds.hexdigest()}|{n_tokens}"
        return hashlib.sha256(final.encode()).hexdigest()


class Stream:
    """Accumulates batches: totals, per-unit rows (for an exact bootstrap) or a grouped Poisson
    bootstrap (`bootstrap.PoissonGroups`)."""

    def __init__(self, keep_units: bool, n_boot: int = 0, seed: int = 0) -> None:
        from .bootstrap import PoissonGroups

        self.engine = Engine()
        self.keep_units = keep_units
        self.rows: list[np.ndarray] = []
        self.totals = np.zeros((0, N_OUTCOMES), dtype=np.int64)
        self.n_boot = n_boot
        self.per_unit = keep_units or n_boot > 0  # else totals only: every token in unit 0
        self.groups = PoissonGroups(n_boot, seed) if n_boot > 0 and not keep_units else None
        self.n_units = 0
        self.n_tokens = 0
        self.tok_correct = 0
        self.hash = _GoldHash()

    @staticmethod
    def _grow(a: np.ndarray, k: int, axis: int) -> np.ndarray:
        if a.shape[axis] >= k:
            return a
        shape = list(a.shape)
        shape[axis] = k - a.shape[axis]
        return np.concatenate([a, np.zeros(shape, dtype=a.dtype)], axis=axis)

    def add(self, pos: np.ndarray, gtags: Sequence[str], ptags: Sequence[str], unit: np.ndarray, n_units: int,
            boundaries: np.ndarray) -> None:
        """One batch: token positions (a gap of one or more marks a sentence boundary), their
        gold and predicted tags, and each token's unit."""
        self.add_codes(pos, self.engine.codes(gtags), self.engine.codes(ptags), unit, n_units, boundaries)

    def add_codes(self, pos: np.ndarray, gcodes: np.ndarray, pcodes: np.ndarray, unit: np.ndarray, n_units: int,
                  boundaries: np.ndarray) -> None:
        eng = self.engine
        self.hash.update(eng, pos, gcodes, boundaries)
        per_unit = self.per_unit
        counts = eng.count(pos, gcodes, pcodes, unit if per_unit else np.zeros_like(unit),
                           n_units if per_unit else 1)
        k = counts.shape[1]
        self.totals = self._grow(self.totals, k, 0)
        self.totals[:k] += counts.sum(axis=0)
        if self.keep_units:
            self.rows.append(counts)
        elif self.groups is not None and n_units:
            self.groups.add(counts.reshape(n_units, -1))
        self.n_units += n_units

    def tally(self) -> Tally:
        keys = self.engine.keys
        if not self.rows:
            data = np.zeros((0, len(keys), N_OUTCOMES), dtype=np.int64)
        else:
            data = np.concatenate([self._grow(r, len(keys), 1) for r in self.rows], axis=0)
        return Tally([f"s{i}" for i in range(data.shape[0])], list(keys), data, "sentence")


def _bad_tag(tags_by_column: dict[str, Sequence[str]]) -> tuple[str, int, str] | None:
    """(column, index, message) of the first malformed tag."""
    for column, tags in tags_by_column.items():
        for i, t in enumerate(tags):
            try:
                split_tag(t)
            except ValueError as e:
                return column, i, str(e)
    return None


def _sequences(y, name: str) -> list:
    """`y` as a list of tag sequences, or a one-line error naming what is not one."""
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise KhabarError(f"expected a list of tag sequences, got {type(y).__name__}", field=name)
    out = list(y)
    for i, seq in enumerate(out):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise KhabarError(f"expected a sequence of tags, got {type(seq).__name__}", field=f"{name}[{i}]")
    return out


def _feed_lists(stream: Stream, y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> None:
    y_true, y_pred = _sequences(y_true, "y_true"), _sequences(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise KhabarError(f"{len(y_true)} gold sequences but {len(y_pred)} predicted", field="y_pred")
    pos, gt, pt, unit, bounds = [], [], [], [], []
    base = 0
    n_units = 0
    for i, (g, p) in enumerate(zip(y_true, y_pred)):
        if len(g) != len(p):
            raise KhabarError(f"sequence {i}: {len(g)} gold tags but {len(p)} predicted", field="y_pred")
        if not len(g):
            continue
        for j, (a, b) in enumerate(zip(g, p)):
            if a != "O" or b != "O":
                pos.append(base + j)
                gt.append(a)
                pt.append(b)
                unit.append(n_units)
        base += len(g) + 1
        bounds.append(base - 1)
        n_units += 1
        stream.n_tokens += len(g)
        stream.tok_correct += sum(map(operator.eq, g, p))
    try:
        stream.add(np.asarray(pos, dtype=np.int64), gt, pt, np.asarray(unit, dtype=np.int64), n_units,
                   np.asarray(bounds, dtype=np.int64))
    except ValueError as e:
        bad = _bad_tag({"y_true": gt, "y_pred": pt})
        raise KhabarError(bad[2] if bad else str(e), field=bad[0] if bad else "tags") from None


_OO_END = re.compile(rb"[ \t]O[ \t]+O\n")
_SKIPPED = re.compile(rb"(?m)^(?:-DOCSTART-|#)[^\n]*$")
_TAG = rb"(?:O|[BIES](?:-\S+)?)"
_TOKEN_ROW = re.compile(rb"\S[ \t]+" + _TAG + rb"[ \t]+" + _TAG + rb"[ \t]*$")


def _boundary_rows(block: bytes) -> bytes:
    """`-DOCSTART-` rows and `#` comment rows (CoNLL-U style) blanked, so they separate
    sentences and are not tokens; a row starting with `#` that ends in two tags (the token
    `#`) stays a token."""
    def blank(m: re.Match) -> bytes:
        row = m.group(0)
        return row if row.startswith(b"#") and _TOKEN_ROW.search(row) else b""

    return _SKIPPED.sub(blank, block)


_PAD = bytes(8)
"""What follows every block `_read_blocks` yields, so the 64-bit word at each of its bytes
(`_words`) stays inside it."""


def _read_blocks(f, block_bytes: int, name: str, lines_before: list[int] | None = None) -> Iterable[bytes]:
    """Byte blocks of a binary file with LF line ends (CRLF and CR turned into LF), each ending
    just after a blank line, or, in a run of lines longer than a few blocks with no blank line,
    just after a row tagged `O O` (no entity crosses such a row, so every count is the same;
    only the bootstrap's units are shorter), the last one with a line end; each is followed by
    `_PAD`, joined to it in its one copy. The first read is an eighth of the others, so the
    counting starts sooner. Memory stays flat whatever the file. Binary input (a NUL byte) and
    a line longer than `files.MAX_LINE` stop the read with one line, whose line number counts
    the lines of the blocks already read: `lines_before[0]`, kept by the caller (which counts
    them anyway), or counted here."""
    from ..files import MAX_LINE

    buf, pending_cr, first = b"", False, True
    counted = lines_before is not None
    lines_before = lines_before if counted else [0]
    while True:
        data = f.read(block_bytes if not first else min(block_bytes, max(8192, block_bytes >> 3)))
        if isinstance(data, str):
            data = data.encode("utf-8")
        if first:
            first = False
            if b"\x00" in data[:8192]:
                raise KhabarError("binary data (a NUL byte), not conlleval text", file=name)
        at_end = not data
        if pending_cr:
            data = b"\r" + data
        pending_cr = not at_end and data.endswith(b"\r")  # a CR LF may straddle two reads
        if pending_cr:
            data = data[:-1]
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if at_end:
            buf += data  # a CR held back from the last read
            if buf:
                yield b"".join((buf, b"" if buf.endswith(b"\n") else b"\n", _PAD))
            return
        cut = data.rfind(b"\n\n")
        if cut >= 0:  # the common case: the block is the tail left over, then this read to its last blank line
            cut += 2
            block, buf = b"".join((buf, memoryview(data)[:cut], _PAD)), data[cut:]
        else:
            buf += data
            cut = buf.rfind(b"\n\n")
            if cut >= 0:
                cut += 2
            elif len(buf) > 4 * block_bytes:
                last = None
                for last in _OO_END.finditer(buf, max(0, len(buf) - 2 * block_bytes)):
                    pass
                cut = last.end() if last else -1
                if cut < 0 and b"\n" not in buf[-MAX_LINE - 1:] and len(buf) > MAX_LINE:
                    raise KhabarError(f"line longer than {MAX_LINE} bytes", file=name,
                                      line=lines_before[0] + buf.count(b"\n") + 1)
            if cut < 0:
                continue
            block, buf = b"".join((memoryview(buf)[:cut], _PAD)), buf[cut:]
        if not counted:
            lines_before[0] += block.count(b"\n")
        yield block


_HASH, _DASH = 35, 45
_DOCSTART = np.uint64(int.from_bytes(b"DOCSTART", "little"))
_WHITESPACE = (9, 10, 11, 12, 13, 32)
_MAX_TAG = 64


_WS_TABLE = np.zeros(256, dtype=bool)
_WS_TABLE[list(_WHITESPACE)] = True
_OK, _EMPTY, _ONE_COLUMN, _UNRESOLVED = range(4)
_WINDOW = 40


def _locate_tags(arr: np.ndarray, s: np.ndarray, e: np.ndarray):
    """Byte ranges of the last two columns of the lines arr[s:e], from a window of the last
    bytes of each line: (gold start, gold end, pred start, pred end, state) arrays. A line whose
    two tags do not fit in the window is left `_UNRESOLVED` for the caller."""
    n = len(s)
    z = np.zeros(n, dtype=np.int64)
    if n == 0:
        return z, z.copy(), z.copy(), z.copy(), z.copy()
    k = _WINDOW
    w0 = np.maximum(e - k, s)
    off = np.arange(k, dtype=np.int8)
    idx = w0[:, None] + off
    valid = idx < e[:, None]
    ws = _WS_TABLE[arr[np.minimum(idx, len(arr) - 1)]] | ~valid
    tok = ~ws

    def last(mask, before=None):
        """Per row, the last column where `mask` holds (before column `before`), or -1."""
        if before is not None:
            mask = mask & (off < before[:, None])
        return np.where(mask, off, np.int8(-1)).max(axis=1).astype(np.int64)

    p_last = last(tok)
    s1 = last(ws, p_last)
    g_last = last(tok, s1)
    s2 = last(ws, g_last)
    whole = w0 == s  # the window holds the whole line
    state = np.full(n, _OK, dtype=np.int64)
    state[(s2 < 0) & ~whole] = _UNRESOLVED  # the gold tag may start before the window
    state[(g_last < 0) & whole] = _ONE_COLUMN
    state[(g_last < 0) & ~whole] = _UNRESOLVED
    state[p_last < 0] = np.where(whole[p_last < 0], _EMPTY, _UNRESOLVED)
    return w0 + s2 + 1, w0 + g_last + 1, w0 + s1 + 1, w0 + p_last + 1, state


_SPACES = np.uint64(0x2020202020202020)
_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)


def _spaces(word: np.ndarray) -> np.ndarray:
    """Bit 8j+7 set where byte j of each 64-bit word is a space (exact: no carry crosses a byte)."""
    v = word ^ _SPACES
    return ~(((v & _LOW7) + _LOW7) | v | _LOW7)


_BYTE_FLAGS = np.uint64(0x0101010101010101)
_GATHER_FLAGS = np.uint64(0x0102040810204080)
"""Multiplied by a word whose bytes are 0 or 1, puts byte j's bit at bit 56 + j."""
_HIGHEST = np.array([m.bit_length() - 1 for m in range(256)], dtype=np.int64)
"""The highest set bit of a byte (-1 for none)..."""
_SECOND = np.array([(m ^ 1 << m.bit_length() - 1).bit_length() - 1 if m else -1 for m in range(256)], dtype=np.int64)
"""... and the one below it."""


def _space_mask(word: np.ndarray) -> np.ndarray:
    """Per 64-bit word, a byte with bit j set where its byte j is a space (`_spaces`)."""
    return ((((_spaces(word) >> np.uint64(7)) & _BYTE_FLAGS) * _GATHER_FLAGS) >> np.uint64(56)).view(np.int64)


def _locate_tags_fast(arr: np.ndarray, block: bytes, s: np.ndarray, e: np.ndarray, words: np.ndarray):
    """`_locate_tags` for the common layout (single spaces, no tabs, no trailing blanks): the
    last two spaces of each line, read from the two 64-bit words before its end (`_space_mask`),
    so short tags need no scan of the block; other lines take the window path. The state
    is None when every line was located so."""
    if b"\t" in block or b"\r" in block or b"\x0b" in block or b"\x0c" in block or not len(s):
        return _locate_tags(arr, s, e)
    hi = _space_mask(words[np.maximum(e - 8, 0)])  # bytes e-8 .. e-1
    lo = _space_mask(words[np.maximum(e - 16, 0)])  # bytes e-16 .. e-9
    j1, j2 = _HIGHEST.take(hi), _SECOND.take(hi)  # the last two spaces among the last 8 bytes
    k1, k2 = _HIGHEST.take(lo), _SECOND.take(lo)  # and among the 8 before
    s1 = np.where(j1 >= 0, e - 8 + j1, e - 16 + k1)
    s2 = np.where(j2 >= 0, e - 8 + j2, np.where(j1 >= 0, e - 16 + k1, e - 16 + k2))
    found = np.where(j1 >= 0, (j2 >= 0) | (k1 >= 0), k2 >= 0)
    ok = (e >= 16) & found & (s2 >= s) & (s1 + 1 < e) & (s2 + 1 < s1)
    g0, g1, p0, p1 = s2 + 1, s1, s1 + 1, e
    bad = np.flatnonzero(~ok)
    if not len(bad):
        return g0, g1, p0, p1, None
    state = np.full(len(s), _OK, dtype=np.int64)
    r = _locate_tags(arr, s[bad], e[bad])
    for arr_out, got in zip((g0, g1, p0, p1, state), r):
        arr_out[bad] = got
    return g0, g1, p0, p1, state


_SHORT = 7
"""Tags of up to 7 bytes (B-PER, I-MISC, S-LOC...) are coded from one 64-bit word."""
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(_SHORT + 1)], dtype=np.uint64)


def _words(block: bytes) -> np.ndarray:
    """The little-endian 64-bit word starting at every byte of a block before its `_PAD` (a
    strided view of the block, no copy)."""
    return np.ndarray(shape=(len(block) - len(_PAD),), dtype="<u8", buffer=block, strides=(1,))


_SLOT_BITS = 12
_SLOT_MULT = np.uint64(0x9E3779B97F4A7C15)
_NO_KEY = np.uint64((1 << 64) - 1)
"""An empty slot: no key has a length byte of 255."""


class _KeyTable:
    """Codes of short tags by key (the tag's bytes and its length in one word), kept sorted
    for `np.searchsorted`: a block's tags are looked up in one call, and only tags not seen
    before are decoded in Python. A direct-mapped table over a multiplicative hash of the key
    (`_slots`) answers first: one gather instead of a binary search, the sorted keys only when
    a tag is new or shares its slot."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)
        self.codes = np.zeros(0, dtype=np.int64)
        self.slot_keys = np.full(1 << _SLOT_BITS, _NO_KEY, dtype=np.uint64)
        self.slot_codes = np.zeros(1 << _SLOT_BITS, dtype=np.int64)

    @staticmethod
    def _slots(keys: np.ndarray) -> np.ndarray:
        return ((keys * _SLOT_MULT) >> np.uint64(64 - _SLOT_BITS)).view(np.int64)

    def lookup(self, engine: Engine, keys: np.ndarray, start: np.ndarray, arr: np.ndarray) -> np.ndarray:
        slot = self._slots(keys)
        if (self.slot_keys.take(slot) == keys).all():
            return self.slot_codes.take(slot)
        codes = self._sorted_lookup(engine, keys, start, arr)
        free = self.slot_keys == _NO_KEY
        for k, c in zip(self.keys.tolist(), self.codes.tolist()):
            j = int(self._slots(np.array([k], dtype=np.uint64))[0])
            if free[j]:
                self.slot_keys[j], self.slot_codes[j], free[j] = k, c, False
        return codes

    def _sorted_lookup(self, engine: Engine, keys: np.ndarray, start: np.ndarray, arr: np.ndarray) -> np.ndarray:
        if len(self.keys):
            at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
            found = self.keys[at] == keys
            if found.all():
                return self.codes[at]
        new, first = np.unique(keys if not len(self.keys) else keys[~found], return_index=True)
        rows = np.flatnonzero(~found)[first] if len(self.keys) else first
        for i in np.sort(rows).tolist():  # in file order, so an error names the first bad line
            k = int(keys[i])
            try:
                code = engine.intern(arr[start[i]:start[i] + (k >> 56)].tobytes())
            except ValueError as e:
                raise _BadTag(i, str(e)) from None
            j = int(np.searchsorted(self.keys, np.uint64(k)))
            self.keys = np.insert(self.keys, j, np.uint64(k))
            self.codes = np.insert(self.codes, j, code)
        return self.codes[np.searchsorted(self.keys, keys)]


def _short_keys(words: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """The `_KeyTable` key of each short tag: its bytes and, in the top byte, its length."""
    return (words[start] & _MASKS[length]) | (length.astype(np.uint64) << np.uint64(56))


def _codes_of_tags(engine: Engine, arr: np.ndarray, words: np.ndarray, start: np.ndarray,
                   end: np.ndarray) -> np.ndarray:
    """Tag codes of the byte slices arr[start:end]: short tags from their 64-bit key
    (`_KeyTable`), longer ones by `_codes_of_slices`; a bad tag raises `_BadTag` with the
    first bad row."""
    length = end - start
    short = length <= _SHORT
    if short.all():  # the common case: every tag from its key
        return engine.tag_keys.lookup(engine, _short_keys(words, start, length), start, arr)
    out = np.empty(len(start), dtype=np.int64)
    bad: list[_BadTag] = []
    if short.any():
        s = start[short]
        try:
            out[short] = engine.tag_keys.lookup(engine, _short_keys(words, s, length[short]), s, arr)
        except _BadTag as b:
            bad.append(_BadTag(int(np.flatnonzero(short)[b.row]), str(b)))
    rest = np.flatnonzero(~short)
    try:
        out[rest] = _codes_of_slices(engine, arr, start[rest], end[rest])
    except _BadTag as b:
        bad.append(_BadTag(int(rest[b.row]), str(b)))
    if bad:
        raise min(bad, key=lambda b: b.row)
    return out


def _codes_of_slices(engine: Engine, arr: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Tag codes of the byte slices arr[start:end], interning each distinct tag once.

    The slices are gathered into a zero-padded matrix and grouped by a 64-bit polynomial hash;
    the grouping is then verified byte for byte, so a hash collision cannot merge two tags."""
    n = len(start)
    if n == 0:
        return np.zeros(0, dtype=np.int64)

    def one_by_one() -> np.ndarray:
        out = np.empty(n, dtype=np.int64)
        for i, (a, b) in enumerate(zip(start.tolist(), end.tolist())):
            try:
                out[i] = engine.intern(arr[a:b].tobytes())
            except ValueError as e:
                raise _BadTag(i, str(e)) from None
        return out

    length = end - start
    width = int(length.max())
    if width > _MAX_TAG:
        return one_by_one()
    off = np.arange(width)
    idx = np.minimum(start[:, None] + off, len(arr) - 1)
    mat = np.where(off < length[:, None], arr[idx], 0).astype(np.uint64)
    mult = np.array([pow(1_000_003, width - i, 1 << 64) for i in range(width)], dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = (mat * mult).sum(axis=1, dtype=np.uint64) + length.astype(np.uint64)
    uniq, first, inv = np.unique(h, return_index=True, return_inverse=True)
    rep = first[inv]
    if not (mat == mat[rep]).all() or not (length == length[rep]).all():
        return one_by_one()
    table = np.empty(len(uniq), dtype=np.int64)
    for u, i in enumerate(first.tolist()):
        try:
            table[u] = engine.intern(arr[start[i]:end[i]].tobytes())
        except ValueError as e:
            raise _BadTag(i, str(e)) from None
    return table[inv.reshape(-1)]


class _BadTag(ValueError):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row


class _Lines(NamedTuple):
    """The lines of one block (`_lines_of_block`): which are blank, which carry a tag other than O."""

    block: bytes
    """The block (`#` comment and -DOCSTART- rows blanked), followed by `_PAD`."""
    arr: np.ndarray
    """Its bytes before the pad, as an array."""
    words: np.ndarray
    """Its 64-bit words (`_words`)."""
    line_base: int
    """Lines before the block."""
    n_lines: int
    blank: np.ndarray
    """Block line of every blank line (a sentence boundary)."""
    lines: np.ndarray
    """Block line of every other line not ending in ` O O`."""
    starts: np.ndarray
    """Byte start of each of those lines."""
    ends: np.ndarray
    """And its byte end (its line end)."""


def _lines_of_block(block: bytes, line_base: int) -> _Lines:
    """The lines of one block (`_read_blocks`), found in numpy: lines ending in ` O O` (most
    of them) are only counted, blank lines and the others located by their line ends. The
    dense part of the work, over every byte, and needs nothing but the block, so it runs ahead
    of the rest on another thread (`_ahead`)."""
    arr = np.frombuffer(block, dtype=np.uint8, count=len(block) - len(_PAD))
    nl = np.flatnonzero(arr == 10)
    starts = np.empty(len(nl), dtype=np.int64)
    starts[0] = 0
    starts[1:] = nl[:-1] + 1
    words = _words(block)
    lead = arr[starts]
    dash = starts[lead == _DASH]
    if (lead == _HASH).any() or (words[np.minimum(dash + 1, len(arr) - 1)] == _DOCSTART).any():
        block = _boundary_rows(block)  # `#` comments, -DOCSTART- rows: blanked, their line ends kept
        arr = np.frombuffer(block, dtype=np.uint8, count=len(block) - len(_PAD))
        nl = np.flatnonzero(arr == 10)
        starts[1:] = nl[:-1] + 1
        words = _words(block)
    before = np.maximum(nl - 4, 0)
    padded = np.frombuffer(block, dtype=np.uint8)  # with the pad: padded[3:] holds index 0 even in a 1-byte block
    b0, b1, b2, b3 = (padded[k:].take(before) for k in range(4))  # the four bytes before each line end
    oo = (b0 == 32) & (b1 == 79) & (b2 == 32) & (b3 == 79)  # " O O"
    blank = b3 == 10  # the line before ends just before this one's end
    for i in range(int(np.searchsorted(nl, 4))):  # lines that end within the block's first four bytes
        oo[i] = False
        blank[i] = nl[i] == 0 or arr[nl[i] - 1] == 10
    lines = np.flatnonzero(~oo & ~blank)
    return _Lines(block, arr, words, line_base, len(nl), np.flatnonzero(blank), lines, starts[lines], nl[lines])


def _blocks_of_lines(f, block_bytes: int, name: str) -> Iterator[_Lines]:
    """Every block of `f` (`_read_blocks`), its lines found (`_lines_of_block`)."""
    seen = [0]
    for block in _read_blocks(f, block_bytes, name, seen):
        rows = _lines_of_block(block, seen[0])
        seen[0] += rows.n_lines
        yield rows


def _tags_of_lines(rows: _Lines, name: str) -> tuple[np.ndarray, np.ndarray, tuple, tuple]:
    """The token lines of a block with a tag other than O, its blank lines (a line of blanks
    is one too), and the byte start and end of each token line's gold and predicted tag:
    the last two columns, located in numpy (`_locate_tags_fast`), in Python when a tag is
    longer than the window. A line of one column stops the read with its line number."""
    block, s, e, lines, blank = rows.block, rows.starts, rows.ends, rows.lines, rows.blank
    g0, g1, p0, p1, state = _locate_tags_fast(rows.arr, block, s, e, rows.words)
    if state is None:  # every line located, none blank
        return lines, blank, (g0, g1), (p0, p1)
    for k in np.flatnonzero(state == _UNRESOLVED).tolist():
        cols = block[s[k]:e[k]].split()
        if len(cols) < 2:
            state[k] = _ONE_COLUMN if cols else _EMPTY
            continue
        line = block[s[k]:e[k]]
        p_at = line.rindex(cols[-1])
        g_at = line.rindex(cols[-2], 0, p_at)
        g0[k], g1[k] = s[k] + g_at, s[k] + g_at + len(cols[-2])
        p0[k], p1[k] = s[k] + p_at, s[k] + p_at + len(cols[-1])
        state[k] = _OK
    if (state == _ONE_COLUMN).any():
        k = int(np.flatnonzero(state == _ONE_COLUMN)[0])
        raise KhabarError("expected at least two columns (..., gold tag, predicted tag)", file=name,
                          line=rows.line_base + int(lines[k]) + 1, field="columns")
    empty = state == _EMPTY
    if empty.any():
        blank = np.union1d(blank, lines[empty])
        keep = ~empty
        lines, g0, g1, p0, p1 = lines[keep], g0[keep], g1[keep], p0[keep], p1[keep]
    return lines, blank, (g0, g1), (p0, p1)


T = TypeVar("T")


def _ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items of `items`, made by a background thread up to `depth` ahead of their use
    (with one CPU, here, one by one).

    numpy lets go of the GIL in its loops over arrays, so the next block is read and split
    into lines on a second core while this one is counted. An exception of the thread is
    raised here, in its place. When the consumer stops early (an error, Ctrl-C) the thread
    stops at its next item and is joined, so nothing reads the file after this returns."""
    import queue
    import threading

    from ..cores import usable_cores

    if usable_cores() < 2:
        yield from items
        return
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def put(item) -> bool:
        """Hand `item` over, unless the consumer has stopped (then False)."""
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(end)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, raised there
            put(_Raised(e))

    thread = threading.Thread(target=produce, name="khabar-conll-reader", daemon=True)
    thread.start()
    try:
        while (item := q.get()) is not end:
            if isinstance(item, _Raised):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


def _regular_file(f) -> bool:
    """Whether `f` is a regular file, whose reads never wait: a pipe's (stdin) may, and a
    thread blocked in one would outlive Ctrl-C, so a pipe is read where it is counted."""
    import os
    import stat

    try:
        return stat.S_ISREG(os.fstat(f.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # an in-memory stream: no file number
        return False


class _Raised(NamedTuple):
    """An exception of `_ahead`'s thread, on its way to the consumer."""

    error: BaseException


_BATCH_LINES = 1 << 17
"""Lines of consecutive blocks counted together when only totals are kept (`_Batch`):
counting costs a fixed amount a call besides its cost a row, and a block is small
(`BLOCK_BYTES`), to stay in the cache. Per-sentence counts (for the bootstrap) are dense,
sentences by lines, so they are counted a block at a time: memory stays flat."""


class _Batch:
    """Token rows of consecutive blocks, handed to `Stream.add_codes` together: sentences
    (units) and lines numbered across blocks, so the counts are those of block by block."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.n_lines = self.n_units = 0

    def add(self, pos: np.ndarray, gcodes: np.ndarray, pcodes: np.ndarray, unit: np.ndarray, n_units: int,
            boundaries: np.ndarray, n_lines: int) -> None:
        self.parts.append((pos, gcodes, pcodes, unit + self.n_units, boundaries))
        self.n_units += n_units
        self.n_lines += n_lines

    def count(self, stream: Stream) -> None:
        """Count what the batch holds into `stream`, and empty it."""
        if self.parts:
            pos, gcodes, pcodes, unit, boundaries = (np.concatenate(x) for x in zip(*self.parts))
            stream.add_codes(pos, gcodes, pcodes, unit, self.n_units, boundaries)
        self.parts = []
        self.n_lines = self.n_units = 0


def _feed_conll(stream: Stream, f, name: str, block_bytes: int = BLOCK_BYTES) -> None:
    """Stream conlleval lines: the last two whitespace-separated columns are the gold and the
    predicted tag; blank lines separate sentences. Blocks of a file are read and split into
    lines on a second thread (`_blocks_of_lines`, `_ahead`); here their tags are located,
    coded and counted, a few blocks at a time (`_Batch`)."""
    batch = _Batch()
    blocks = _blocks_of_lines(f, block_bytes, name)
    for rows in _ahead(blocks) if _regular_file(f) else blocks:
        lines, bpos, gold, pred = _tags_of_lines(rows, name)
        codes = []
        for column, (a, b) in (("gold tag", gold), ("predicted tag", pred)):
            try:
                codes.append(_codes_of_tags(stream.engine, rows.arr, rows.words, a, b))
            except _BadTag as bad:
                raise KhabarError(str(bad), file=name, line=rows.line_base + int(lines[bad.row]) + 1,
                                  field=column) from None
        gcodes, pcodes = codes
        n = rows.n_lines
        real = np.diff(np.concatenate([[-1], bpos, [n]])) > 1  # the sentences that hold a token
        if stream.per_unit and len(lines):
            unit = (np.cumsum(real) - 1)[np.searchsorted(bpos, lines)]
        else:  # totals only: every token counts in unit 0
            unit = np.zeros(len(lines), dtype=np.int64)
        n_tok = n - len(bpos)
        stream.n_tokens += n_tok
        stream.tok_correct += n_tok - int((gcodes != pcodes).sum())
        batch.add(lines + rows.line_base, gcodes, pcodes, unit, int(real.sum()), bpos + rows.line_base, n)
        if batch.n_lines >= _BATCH_LINES or stream.per_unit:
            batch.count(stream)
    batch.count(stream)


def _report(stream: Stream, name: str, n_boot: int, seed: int, poisson: bool):
    """The `Report` of a finished stream: per-sentence rows resampled (lists) or the Poisson
    resamples accumulated while streaming (files), through the one row builder."""
    from ..version import __version__
    from .report import Report, build
    from .rows import build_rows
    from .signature import Signature

    digest = stream.hash.finish(stream.n_tokens)
    settings = Signature(__version__, f"{name}+{digest[:12]}", ("ner",), "all", "asis", 0.0, "sentence",
                         n_boot, seed, "poisson" if poisson and n_boot > 0 else "multinomial")
    if not poisson:
        rep = build(stream.tally(), settings)
    else:
        keys = stream.engine.keys
        totals = stream._grow(stream.totals, len(keys), 0)
        boot = None
        if stream.groups is not None and stream.n_units:
            boot = stream.groups.resampled(len(keys) * N_OUTCOMES).reshape(n_boot, len(keys), N_OUTCOMES)
        rep = Report(build_rows(list(keys), totals, boot), settings)
    rep.extra = {"tokens": stream.n_tokens, "units": stream.n_units,
                 "token_accuracy": stream.tok_correct / stream.n_tokens if stream.n_tokens else 0.0,
                 "bootstrap": "poisson" if poisson else "multinomial"}
    return rep


def tally_tags(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> Tally:
    """Mergeable counts of tag sequences: one unit per sequence."""
    s = Stream(keep_units=True)
    _feed_lists(s, y_true, y_pred)
    return s.tally()


def score_tags(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]], *, n_boot: int = 1000,
               seed: int = 0):
    """Score lists of tag sequences (as seqeval does) in every NER mode, with a bootstrap over
    sequences. Returns a `Report` (task 'ner', subset 'all', labels as found)."""
    from ..params import check_n_boot, check_seed

    check_n_boot(n_boot)
    check_seed(seed)
    s = Stream(keep_units=True)
    _feed_lists(s, y_true, y_pred)
    return _report(s, "tags", n_boot, seed, poisson=False)


def score_conll(source, *, n_boot: int = 1000, seed: int = 0, block_bytes: int = BLOCK_BYTES):
    """Score conlleval input (a path, `-` for stdin, or an open file) in every NER mode.

    conlleval's format: one token per line, whitespace-separated columns of which the last two
    are the gold and the predicted tag, a blank line between sentences; any tagset, any corpus.
    The input is streamed in blocks; the bootstrap over sentences is the Poisson bootstrap
    (each sentence weighted by an independent Poisson(1) draw in each resample), the streaming
    form of the bootstrap, drawn once per group of sentences with identical counts
    (`bootstrap.PoissonGroups`: the same distribution), so memory does not grow with the file.
    """
    from ..params import check_n_boot, check_seed

    check_n_boot(n_boot)
    check_seed(seed)
    s = Stream(keep_units=False, n_boot=n_boot, seed=seed)
    if hasattr(source, "read"):
        _feed_conll(s, getattr(source, "buffer", source), getattr(source, "name", "<stream>"), block_bytes)
    elif str(source) == "-":
        _feed_conll(s, sys.stdin.buffer, "<stdin>", block_bytes)
    else:
        p = Path(source)
        try:
            with p.open("rb") as f:
                _feed_conll(s, f, str(p), block_bytes)
        except FileNotFoundError:
            raise KhabarError("file not found", file=str(p)) from None
        except IsADirectoryError:
            raise KhabarError("is a directory", file=str(p)) from None
        except OSError as e:
            raise KhabarError(f"cannot read: {e.strerror or e}", file=str(p)) from None
    if s.n_tokens == 0:
        name = getattr(source, "name", "<stdin>" if str(source) == "-" else str(source))
        raise KhabarError("no tokens: expected conlleval rows (..., gold tag, predicted tag)", file=str(name))
    return _report(s, "conll", n_boot, seed, poisson=True)
