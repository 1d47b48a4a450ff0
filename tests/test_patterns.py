"""patterns.quick: a pattern with a lookahead for its first characters finds exactly what the
pattern as written finds. The expected value is always the pattern compiled by ``re`` alone."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import parser, reasons
from search.patterns import Screen, Twin, first_characters, quick, re2_screen


def _written(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern as written, without the lookahead ``quick`` put in front."""
    text = pattern.pattern
    if text.startswith("(?=") and (rest := text.find(")(?:")) > 0 and text.endswith(")"):
        return re.compile(text[rest + 4:-1], pattern.flags)
    return pattern


SITE_PATTERNS = {
    **{name: value for name, value in vars(reasons).items() if isinstance(value, re.Pattern)},
    **{f"rule {number}: {rule[0]}": rule[1] for number, rule in enumerate(reasons._RULES)},
    "parser._LABEL_BREAK": parser._LABEL_BREAKS.fallback,
}


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str | None]]:
    return [(match.start(), match.end(), match.lastgroup) for match in pattern.finditer(text)]


def test_the_stated_reason_rules_and_the_label_breaks_are_searched_through_a_lookahead():
    quickened = [name for name, pattern in SITE_PATTERNS.items() if _written(pattern) is not pattern]
    assert "rule 7: insufficient_information" in quickened and "parser._LABEL_BREAK" in quickened
    assert len(quickened) >= 25


def test_every_site_pattern_finds_the_same_matches_in_the_real_rationales(real_items):
    texts = [item.rationale for item in real_items.values()]
    for name, pattern in SITE_PATTERNS.items():
        written = _written(pattern)
        for text in texts:
            assert _spans(pattern, text) == _spans(written, text), name


# Letters whose case folds are not ASCII's (the long s, the Kelvin sign, dotted and dotless i),
# the characters the rules begin with, and what sits between words.
_ALPHABET = st.sampled_from(list("aAcCdDeEfFiInNoOsStTuUwWkKhHmM") + ["\u017f", "\u212a", "\u0130", "\u0131",
                                                                       " ", ".", ",", "'", "-", "(", "4", "\n"])
_WORDS = st.sampled_from(["not", "no", "unclear", "unspecified", "why", "Claims Administrator guideline:",
                          "cLAIMS administrator GUIDELINE :", "Decision rationale:", "CLINICAL CASE SUMMARY",
                          "State(s) of Licensure:", "\u017ftate(s) of licensure:", "exceeds", "criteria", "the patient",
                          "4 A's", "medically necessary", "failed to provide"])
_TEXTS = st.lists(st.one_of(_WORDS, st.text(_ALPHABET, max_size=6)), max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_site_pattern_finds_the_same_matches_in_any_text(text):
    for name, pattern in SITE_PATTERNS.items():
        assert _spans(pattern, text) == _spans(_written(pattern), text), name


@pytest.mark.parametrize(("written", "text"), [
    (r"\bstate\b|\bkelvin\b", "\u017ftate and \u212aelvin"),  # folds only IGNORECASE makes
    (r"(?i:claims)|CLINICAL", "cLaImS Clinical CLINICAL"),  # case-insensitive in a group only
    (r"(?:a{0,2}|x)?y|\bzz", "ay by xy zz y aay"),  # repeats that may match nothing: the next item starts
    (r"(?<!a)b|(?=c)c", "ab cb bc"),  # zero-width items consume nothing
    (r"[^a-c\d,]x|[\W\s-]y|^\W*z", "ax dx 1x ,x Dx -y  y z .z"),  # classes, negated ones, ranges, categories
    (r"[\^\]\-]q", "^q ]q -q q"),  # characters special in a class
])
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_quick_keeps_the_matches_of_patterns_built_to_trip_it(written, text, flags):
    pattern = re.compile(written, flags)
    assert _spans(quick(pattern), text) == _spans(pattern, text)


@pytest.mark.parametrize("written", [r"a*", r"(?:x|)", r".b", r"(?P<x>a)?(?P=x)b", r"(?i)abc", r"(?x) a b # c"])
def test_a_pattern_whose_first_character_is_not_worked_out_is_left_as_it_is(written):
    pattern = re.compile(written)
    assert first_characters(pattern) is None and quick(pattern) is pattern


# --- patterns.Screen: RE2 rules out only patterns ``re`` finds no match for -----------------------

_SCREENED = [pattern for pattern in SITE_PATTERNS.values() if id(pattern) in reasons._SCREEN.screened]


def _unscreened_reasons(rationale: str, outcome: str, monkeypatch) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(reasons._SCREEN, "ruled_out", lambda text: frozenset())
        return reasons.stated_reasons(rationale, outcome)


def test_every_pattern_a_sentence_is_searched_for_is_screened():
    assert len(_SCREENED) == len(reasons._SCREEN.screened) >= 30


def test_the_screen_never_rules_out_a_pattern_that_matches_a_real_sentence(real_items):
    sentences = [item.rationale[start:end] for item in real_items.values()
                 for start, end in reasons.sentences(item.rationale)]
    ruled_out = 0
    for sentence in sentences:
        out = reasons._SCREEN.ruled_out(sentence)
        ruled_out += len(out)
        for pattern in _SCREENED:
            assert not (id(pattern) in out and pattern.search(sentence)), (pattern.pattern[:60], sentence)
    assert ruled_out > len(sentences) * len(_SCREENED) / 2  # most are ruled out: the screen does its work


def test_the_stated_reasons_of_every_real_item_are_those_found_without_the_screen(real_items, monkeypatch):
    for key, item in real_items.items():
        for outcome in ("Upheld", "Overturned"):
            assert reasons.stated_reasons(item.rationale, outcome) == \
                _unscreened_reasons(item.rationale, outcome, monkeypatch), key


# ASCII's own pitfalls for RE2 besides the case folds above: \v and \x1c-\x1f are spaces to Python.
_SCREEN_ALPHABET = st.sampled_from(list("aAeEiInNoOsStTuUwWkK ., '-(4\n\t") + ["\x0b", "\x1c", "\x1f", "\u00a0",
                                                                                "\u017f", "\u212a"])
_SCREEN_TEXTS = st.lists(st.one_of(_WORDS, st.sampled_from(["not\x0brecommended", "no\x1cimprovement", "urine drug",
                                                            "more than 6 weeks", "red flags", "unspecified muscle"]),
                                   st.text(_SCREEN_ALPHABET, max_size=6)), max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_SCREEN_TEXTS)
def test_the_screen_never_rules_out_a_pattern_that_matches_any_text(text):
    out = reasons._SCREEN.ruled_out(text)
    for pattern in _SCREENED:
        assert not (id(pattern) in out and pattern.search(text)), pattern.pattern[:60]


@pytest.mark.parametrize(("written", "flags", "text"), [
    (r"(?<!or\s)without\b(?!\s+x)", 0, "or without x, and without y"),  # lookarounds: left out, the screen lets it through
    (r"\bnot\s+recommended\b", re.IGNORECASE, "NOT\x0bRECOMMENDED and not\x1frecommended"),  # Python's spaces
    (r"done$", 0, "done\n"),  # $ before a closing line break
    (r"^\W*Therefore", re.MULTILINE, "x.\n Therefore"),  # ^ at a line's start
    (r"\ba[^.]{0,250}?b\b", 0, "a " + "x" * 240 + " b"),  # a long count, left unbounded
    (r"[\]\-^\\]x|\d+\s?\w", 0, "]x -x ^x \\x 12 a"),  # characters special in a class, categories
    (r"(?i:ab)(?-i:C)|(?s:q.r)", 0, "ABC q\nr"),  # flags in a group
    (r"(?>ab|a)c|x*+y", 0, "abc xxy"),  # atomic groups and possessive repeats read as plain ones
])
def test_the_screen_lets_through_patterns_built_to_trip_it(written, flags, text):
    pattern = re.compile(written, flags)
    screen = Screen([pattern])
    assert id(pattern) in screen.screened and pattern.search(text)
    assert id(pattern) not in screen.ruled_out(text)
    assert id(pattern) in screen.ruled_out("zzz")  # and rules it out where it has no match


@pytest.mark.parametrize("written", [r"(a)\1", r"(?P<x>a)(?(x)b|c)", r"[^\W\d]", r"a{2000}"])
def test_a_pattern_re2_cannot_stand_in_for_is_never_ruled_out(written):
    pattern = re.compile(written)
    assert re2_screen(pattern) is None
    screen = Screen([pattern])
    assert id(pattern) not in screen.screened and id(pattern) not in screen.ruled_out("zzz")


def test_a_text_that_is_not_ascii_or_a_pass_re2_gives_up_on_rules_nothing_out(monkeypatch):
    pattern = re.compile(r"\bstate\b", re.IGNORECASE)
    screen = Screen([pattern])
    assert screen.ruled_out("\u017ftate") == frozenset() and pattern.search("\u017ftate")
    assert screen.ruled_out("zzz") == {id(pattern)}
    monkeypatch.setattr(screen, "_set", type("GaveUp", (), {"Match": lambda self, text: None})())
    assert screen.ruled_out("zzz") == frozenset()


# --- patterns.Twin: RE2 finding, in an ASCII text, where ``re``'s matches are ---------------------

def _substituted(twin: Twin, text: str) -> tuple[str, str]:
    """(what the twin's sub gives, what re's gives), each match replaced by its span and groups;
    where the twin reads the text, the spans RE2 finds are first checked against re's (its sub
    would fall back to re's where they differ)."""
    def mark(match: re.Match[str]) -> str:
        return f"<{match.start()}-{match.end()} {match.lastgroup} {match.groups()}>"

    if twin.twin is not None and text.isascii():
        assert [found.span() for found in twin.twin.finditer(text.encode("ascii"))] == \
            [match.span() for match in twin.pattern.finditer(text)]
    return twin.sub(mark, text), twin.pattern.sub(mark, text)


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    from search.extract import document_text

    from .conftest import DWC, SEEDS

    return [document_text(path.name, path.read_bytes()) for path in [*sorted(SEEDS.glob("*.txt")),
                                                                     *sorted(DWC.glob("*.pdf"))]]


def test_the_label_breaks_twin_finds_the_same_labels_in_every_real_document(real_texts):
    assert parser._LABEL_BREAKS.twin is not None
    ascii_texts = [text for text in real_texts if text.isascii()]
    assert len(ascii_texts) >= len(real_texts) / 2
    for text in ascii_texts:
        ours, re_alone = _substituted(parser._LABEL_BREAKS, text)
        assert ours == re_alone and ours != text


def test_normalise_gives_the_same_lines_with_the_twin_as_without(real_texts, monkeypatch):
    with_twin = [parser.normalise(text) for text in real_texts]
    monkeypatch.setattr(parser._LABEL_BREAKS, "twin", None)
    assert [parser.normalise(text) for text in real_texts] == with_twin


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.sampled_from(["Decision rationale :", "DATE OF INJURY:", "Case Number:\x0b",
                                                   "State(s)\x1cof Licensure:", "Upheld"]),
                          st.text(_ALPHABET, max_size=6)), max_size=14).map(" ".join))
def test_the_label_breaks_twin_finds_the_same_labels_in_any_text(text):
    ours, re_alone = _substituted(parser._LABEL_BREAKS, text)
    assert ours == re_alone


@pytest.mark.parametrize(("written", "flags", "text"), [
    (r"(?P<a>ab+?)(c)?|(?P<b>x[^y\d]{1,5})", 0, "abbbc abd x1 xzz xzzzzzzz y"),  # groups, lazy and counted repeats
    (r"\bnot\s+(?i:clear)\b", 0, "not\x0bCLEAR not\x1fclear notclear"),  # Python's spaces, a case-blind group
    (r"^\W*Case|\d+\s*of\s*\d+\Z", re.IGNORECASE, " case 1 of 2"),  # anchors RE2 reads alike
])
def test_a_twin_finds_what_re_finds(written, flags, text):
    twin = Twin(re.compile(written, flags))
    ours, re_alone = _substituted(twin, text)
    assert twin.twin is not None and ours == re_alone != text


@pytest.mark.parametrize(("written", "flags"), [
    (r"a(?=b)", 0), (r"(?<!a)b", 0), (r"done$", 0), (r"^x", re.MULTILINE), (r"(?>ab|a)c", 0), (r"x*+y", 0),
    (r"\u212aelvin", re.IGNORECASE), (r"[\u0130-\u0131]", re.IGNORECASE), (r"(a)\1", 0), (r"a\B", 0),
])
def test_a_pattern_re2_cannot_read_exactly_is_left_to_re(written, flags):
    twin = Twin(re.compile(written, flags))
    assert twin.twin is None
    assert twin.sub(lambda match: "#", "ab done\nx kelvin \u212aelvin aab") == \
        twin.pattern.sub(lambda match: "#", "ab done\nx kelvin \u212aelvin aab")


def _outcome_matches(line: str) -> tuple | None:
    match = parser._OUTCOME_LINE.match(line)
    return match and (match.span(), match.groupdict())


def test_an_outcome_line_is_found_as_the_pattern_finds_it_in_every_line_of_the_real_documents(real_texts):
    lines = [line for text in real_texts for line in [*text.splitlines(), *parser.normalise(text)]]
    found = 0
    for line in lines:
        ours = parser._outcome_line(line)
        assert (ours and (ours.span(), ours.groupdict())) == _outcome_matches(line), line
        found += ours is not None
    assert found >= 150


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.sampled_from(["Upheld", "OVERTURNED", "overturned.", ":", ".", "..", " ",
                                                   "\u2003", "\xa0", "\n", "\t", "uphelD :", "Overturn"]),
                          st.text(_ALPHABET, max_size=4)), max_size=10).map("".join))
def test_an_outcome_line_is_found_as_the_pattern_finds_it_in_any_line(line):
    ours = parser._outcome_line(line)
    assert (ours and (ours.span(), ours.groupdict())) == _outcome_matches(line)


@pytest.mark.parametrize("line", [
    "Norco: Upheld", "Norco : upheld.", "Norco:OVERTURNED \u2003", "Norco: Upheld\xa0.", "Norco: Upheld\t.\n",
    "Norco: Upheld\u2003.", "Norco: Upheld..", "Norco: Upheld. Then", "Norco Upheld", "Norco: Overturn",
])
def test_an_outcome_line_ending_in_any_white_space_or_stop_is_found_as_the_pattern_finds_it(line):
    ours = parser._outcome_line(line)
    assert (ours and (ours.span(), ours.groupdict())) == _outcome_matches(line)
