"""Sentences and paragraphs, found at indexing time, so /s means the same sentence and /p the
same paragraph (as in Westlaw), not "within 20 words".

Each text field has a sentence field beside it (schema.SENTENCE_FIELDS) holding the same
words, each at a position that names its sentence and its place in it:
(paragraph * PARAGRAPH + sentence) * SENTENCE + word. A sentence's words lie within
SENTENCE / 2 positions of each other and any two sentences' at least that far apart, so /s
and +s are spans within SAME_SENTENCE positions (either order, or the first first), a phrase
there is its words next to each other, and /p is a span within SAME_PARAGRAPH.

A sentence ends at ".", "!" or "?" (closing quotes and brackets may follow) before a space
and a capital, a digit or an opening quote, unless the word before the stop is an
abbreviation ("Dr.", "mg.", "e.g.", "i.e.", "No.", "vs.", a single initial...). A paragraph
ends at a line break: the parser joins the lines a paragraph was wrapped over.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from whoosh.analysis import RegexTokenizer, Tokenizer

SENTENCE = 1 << 11  # position step between sentences; a sentence's words take at most half of it
PARAGRAPH = 1 << 20  # sentence-number step between paragraphs; a paragraph holds at most half of it
PARAGRAPH_SLOP = PARAGRAPH // 2
SAME_SENTENCE = SENTENCE // 2 - 1  # the most two words of one sentence are apart
SAME_PARAGRAPH = PARAGRAPH_SLOP * SENTENCE  # less than any two paragraphs' words are apart

# Words that end with a stop without ending the sentence (compared lowercased, without the stop).
ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "mx", "prof", "sr", "jr", "st", "mt", "ft", "no", "nos", "vs", "v", "etc",
    "approx", "appt", "apt", "dept", "est", "fig", "figs", "vol", "vols", "pp", "p", "ca", "cf", "al", "inc",
    "co", "corp", "ltd", "llc", "bros", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "wed", "thu", "fri", "mg", "mcg", "kg", "g", "ml", "l", "cc", "mm", "cm", "in",
    "lb", "lbs", "oz", "hr", "hrs", "min", "mins", "sec", "secs", "wk", "wks", "mo", "mos", "yr", "yrs", "e.g",
    "i.e", "a.m", "p.m", "b.i.d", "t.i.d", "q.i.d", "q.d", "q.h", "p.r.n", "p.o", "h.s", "q.o.d", "u.s", "m.d",
    "d.o", "d.c", "ph.d", "r.n", "p.a", "n.p", "d.p.m", "m.s", "b.s", "o.t", "p.t", "lt", "rt", "bil", "bilat",
    "dx", "hx", "tx", "rx", "sx", "fx", "pt", "pts",
})

_STOP = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_LONGEST_WORD = 64  # characters looked at before a stop: longer than any abbreviation by far


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the stop at ``stop`` ends a sentence, judging by the word before it."""
    if text[stop] != ".":
        return True
    # Only the few characters before the stop: searched from the text's start, each stop rescanned
    # everything before it (a 2 MB rationale took 24 minutes to index).
    word = _WORD_BEFORE.search(text, max(0, stop - _LONGEST_WORD), stop)
    if word is None:
        return True  # after a number or a bracket: "... 8/10. The"
    name = word[1].lower().rstrip(".")
    return not (name in ABBREVIATIONS or len(name) == 1)


def sentence_starts(text: str) -> tuple[list[int], list[int]]:
    """(the character where each sentence starts, its position code), in text order."""
    starts, codes = [0], [0]
    paragraph = sentence = 0
    breaks = [(m.start(), m.end(), "paragraph") for m in _LINE_BREAK.finditer(text)]
    stops = [(m.start(), m.end(), "sentence") for m in _STOP.finditer(text) if _ends_sentence(text, m.start())]
    for _, end, kind in sorted(breaks + stops):
        if end >= len(text) or end <= starts[-1]:
            continue
        if kind == "paragraph":
            paragraph, sentence = paragraph + 1, 0
        else:
            sentence += 1
        starts.append(end)
        codes.append(paragraph * PARAGRAPH + min(sentence, PARAGRAPH_SLOP - 1))
    return starts, codes


class SentenceTokenizer(Tokenizer):
    """The words of the text fields (the same tokenizer), each at its sentence's position code."""

    def __init__(self):
        self.words = RegexTokenizer()

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        place = _placer(*sentence_starts(value))
        for token in self.words(value, positions=True, chars=True, keeporiginal=keeporiginal,
                                removestops=removestops, start_pos=start_pos, start_char=start_char,
                                tokenize=tokenize, mode=mode, **kwargs):
            token.pos = place(token.startchar - start_char)
            yield token


def _placer(starts: list[int], codes: list[int]) -> Callable[[int], int]:
    """Where each next word goes, given where it starts: its sentence's code times SENTENCE,
    plus its place in the sentence. Words are given in text order."""
    sentence = word = 0

    def place(start: int) -> int:
        nonlocal sentence, word
        code = codes[bisect_right(starts, start) - 1]
        if code != sentence:
            sentence, word = code, 0
        word += 1
        return sentence * SENTENCE + min(word - 1, SAME_SENTENCE)

    return place
