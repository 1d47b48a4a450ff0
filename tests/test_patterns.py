"""patterns.quick: a pattern with a lookahead for its first characters finds exactly what the
pattern as written finds. The expected value is always the pattern compiled by ``re`` alone."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import parser, reasons
from search.patterns import first_characters, quick


def _written(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern as written, without the lookahead ``quick`` put in front."""
    text = pattern.pattern
    if text.startswith("(?=") and (rest := text.find(")(?:")) > 0 and text.endswith(")"):
        return re.compile(text[rest + 4:-1], pattern.flags)
    return pattern


SITE_PATTERNS = {
    **{name: value for name, value in vars(reasons).items() if isinstance(value, re.Pattern)},
    **{f"rule {number}: {rule[0]}": rule[1] for number, rule in enumerate(reasons._RULES)},
    "parser._LABEL_BREAK": parser._LABEL_BREAK,
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
