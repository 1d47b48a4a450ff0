"""The synthetic corpus: it parses back to the records it was made from, in the archive's mix."""
from __future__ import annotations

import dataclasses
import random
import re
import statistics
from collections import Counter
from functools import cache
from io import StringIO

import pytest
from django.core.management import call_command

from devtools.corpus import generate, render
from search import vocab
from search.parser import parse
from search.record import UPHELD, Determination, ParseError


@cache
def sample(count: int, seed: int) -> tuple[tuple[str, str, Determination], ...]:
    return tuple(generate(count, seed=seed))


def mismatches(name: str, record: Determination, text: str) -> list[str]:
    """What a parse of ``text`` gets wrong about ``record``, one line per field."""
    try:
        got = parse(text)
    except ParseError as error:
        return [f"{name}: ParseError: {error}"]
    out = []
    for field in dataclasses.fields(Determination):
        if field.name != "items" and getattr(record, field.name) != getattr(got, field.name):
            out.append(f"{name} {field.name}: expected {getattr(record, field.name)!r}, "
                       f"got {getattr(got, field.name)!r}")
    if len(record.items) != len(got.items):
        expected_requests = [item.request for item in record.items]
        got_requests = [item.request for item in got.items]
        return [*out, f"{name} items: expected {expected_requests!r}, got {got_requests!r}"]
    for number, (want, have) in enumerate(zip(record.items, got.items), start=1):
        for field in dataclasses.fields(want):
            if getattr(want, field.name) != getattr(have, field.name):
                out.append(f"{name} item {number} {field.name}: expected {getattr(want, field.name)!r}, "
                           f"got {getattr(have, field.name)!r}")
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_generated_document_parses_back_to_its_record(seed):
    problems = []
    for name, text, record in sample(500, seed):
        problems += mismatches(f"seed {seed} {name}", record, text)
    assert not problems, f"{len(problems)} mismatches, the first:\n" + "\n".join(problems[:10])


def test_a_partial_certification_heading_wrapped_after_one_of_its_sentences_parses_back():
    # "...was the original request." / "Cyclobenzaprine 7.5mg #63 was authorized..." / "...#27 is: Upheld":
    # a line of the heading ends a sentence, yet the heading goes on.
    sentence_end = re.compile(r"(original request|Claims Administrator|IMR eligible)\. *\r?\n+ *[A-Z]")
    found = [(name, text, record) for name, text, record in sample(2000, 0) if sentence_end.search(text)]
    assert found, "the layout did not occur"
    problems = [problem for name, text, record in found for problem in mismatches(name, record, text)]
    assert not problems, f"{len(problems)} mismatches in {len(found)} documents, the first:\n" + "\n".join(
        problems[:6])


def test_rendering_a_record_again_still_parses_back_to_it():
    for name, _, record in sample(200, 3):
        text = render(record, rng=random.Random(name))
        assert mismatches(name, record, text) == []


def test_the_same_seed_gives_the_same_documents():
    first = list(generate(60, seed=7))
    again = list(generate(60, seed=7))
    assert [(name, text) for name, text, _ in first] == [(name, text) for name, text, _ in again]
    assert [record.as_json() for _, _, record in first] == [record.as_json() for _, _, record in again]


def test_different_seeds_give_different_documents():
    one = [text for _, text, _ in generate(20, seed=1)]
    two = [text for _, text, _ in generate(20, seed=2)]
    assert not set(one) & set(two)


def test_case_numbers_are_unique_and_name_the_year_of_the_case():
    names = [name for name, _, _ in sample(2000, 0)]
    assert len(set(names)) == len(names)
    for name, _, record in sample(2000, 0):
        match = re.fullmatch(r"CM(\d{2})-\d{7}\.txt", name)
        assert match, name
        year = 2000 + int(match[1])
        assert 2014 <= year <= 2017, name
        if record.case_number is not None:
            assert f"{record.case_number}.txt" == name
            # Applications received in December are often decided in January.
            assert record.decision_date.year in (year, year + 1), name
            assert record.date_assigned.year in (year, year + 1), name


def test_records_hold_dates_in_their_order():
    for name, _, record in sample(500, 0):
        if record.decision_date is not None:
            assert record.injury_date <= record.ur_denial_date < record.date_assigned < record.decision_date, name


def test_records_use_the_vocabulary_spellings():
    states = set(vocab.STATES.values())
    for name, _, record in sample(500, 0):
        assert 1 <= len(record.reviewer_states) <= 3 and set(record.reviewer_states) <= states, name
        assert record.reviewer_specialties and set(record.reviewer_specialties) <= set(vocab.SPECIALTIES), name
        for item in record.items:
            assert item.category in vocab.CATEGORIES, name
            assert set(item.guidelines) <= set(vocab.GUIDELINE_SOURCES), name
            assert item.request == " ".join(item.request.split()), name
            assert item.rationale == " ".join(item.rationale.split()), name
    medications = [item for _, _, record in sample(500, 0) for item in record.items if item.category == "medication"]
    named = [item for item in medications if item.drug]
    assert len(named) >= 0.95 * len(medications)


def test_texts_are_never_split_mid_word_by_anything_but_a_line_wrap_hyphen():
    # The parser joins "medi-" + "cally" only at a line end; nowhere else may a word end in "-".
    for name, _, record in sample(500, 0):
        for text in [record.summary, *(item.rationale for item in record.items)]:
            assert not re.search(r"[A-Za-z]- ", text), (name, text)


def blank_share(text: str) -> float:
    lines = text.replace("\r", "").replace("\f", "\n").split("\n")
    return sum(not line.strip() for line in lines) / len(lines)


# Each layout variation, and how to see it in a text.
VARIATIONS = {
    "CRLF line ends": lambda text: "\r\n" in text,
    "LF line ends": lambda text: "\r\n" not in text,
    "a form feed": lambda text: "\f" in text,
    "a page footer": lambda text: re.search(r"\nPage \d+ of \d+\s*[\f\n]", text),
    "a form feed inside a rationale": lambda text: re.search(r"[a-z,] ?\f[a-z]", text),
    "the header table": lambda text: text.startswith("Case Number:"),
    "no header table": lambda text: "Case Number:" not in text,
    "the pdfium header rows": lambda text: re.search(r"Priority: \w+ Application \s*Received: \s*\d", text),
    "credentials as two lines": lambda text: "State(s) of Licensure:" in text,
    "states without a space after the comma": lambda text: re.search(r"Licensure: [A-Za-z ]+,[A-Z]", text),
    "states with a space after the comma": lambda text: re.search(r"Licensure: [A-Za-z ]+, [A-Z]", text),
    "credentials in prose": lambda text: re.search(r"expert\s+reviewer\s+is\s+(Board\s+Certified|certified)", text),
    "prose with a subspecialty": lambda text: re.search(r"has\s+a\s+subspecialty\s+in", text),
    "prose without a subspecialty": lambda text: re.search(r"Certified\s+in\s+[A-Za-z ,&]+\s+and\s+is\s+licensed",
                                                           text),
    "an ampersand in a specialty": lambda text: "Medicine & Rehabilitation" in text,
    "'and' in a specialty": lambda text: re.search(r"Medicine\s+and\s+Rehabilitation", text),
    "dates like 10-13-16": lambda text: re.search(r"\b\d{1,2}-\d{1,2}-\d{2}\b", text),
    "dates like 10/13/2016 in the summary": lambda text: re.search(r"(on|of|from) \d{2}/\d{2}/\d{4}", text),
    "dates like 9/3/02": lambda text: re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b", text),
    "dates like February 29, 2012": lambda text: re.search(r"\b[A-Z][a-z]+ \d{1,2},\s+\d{4}", text),
    "'48 year old'": lambda text: re.search(r"\d+ year old", text),
    "'48-year-old'": lambda text: re.search(r"\d+-year-old", text),
    "'a(n) 51-year-old'": lambda text: "a(n) " in text,
    "no blank lines": lambda text: blank_share(text) == 0,
    "a blank line after every line": lambda text: blank_share(text) > 0.45,
    "blank lines between paragraphs only": lambda text: 0 < blank_share(text) < 0.35,
    "lines wrapped near 95 characters": lambda text: max(len(line) for line in text.splitlines()) < 110,
    "an item heading wrapped over lines": lambda text: re.search(r"\n[a-z][^\n:]*: (Upheld|Overturned)", text),
    "an outcome alone on its line": lambda text: re.search(r":\s*\n\s*(Upheld|Overturned)\s*\n", text),
    "a partial certification": lambda text: "remaining IMR eligible portion of the" in text.replace("\n", " "),
    "a partial certification of the other wording": lambda text: re.search(r"leaving\s+the\s+original\s+request",
                                                                           text),
    "two spaces before the outcome": lambda text: re.search(r":  (Upheld|Overturned)", text),
    "trailing spaces": lambda text: re.search(r" \r?\n", text),
    "a line-wrap hyphen": lambda text: re.search(r"[a-z]-\s*\r?\n\s*[a-z]", text),
    "pdfium's U+FFFE in a split word": lambda text: "\ufffe" in text,
    "a label after a form feed": lambda text: re.search(r"\f(Claims Administrator|MAXIMUS|Decision rationale)", text),
    "a label glued to the text before it": lambda text: re.search(r"[a-z.](MAXIMUS guideline|Decision rationale):",
                                                                  text),
    "a heading after a form feed": lambda text: re.search(r"\.\f[^\n]*: (Upheld|Overturned)", text),
    "an Overturned item": lambda text: "Overturned" in text,
    "a dozen items or more": lambda text: text.count("Decision rationale:") >= 12,
}


@pytest.mark.parametrize("variation", VARIATIONS)
def test_each_layout_variation_occurs_in_a_500_document_sample(variation):
    seen = VARIATIONS[variation]
    texts = [text for _, text, _ in sample(500, 0)]
    assert any(seen(text) for text in texts), variation


def test_proportions_are_those_of_the_archive():
    records = [record for _, _, record in sample(2000, 0)]
    items = [item for record in records for item in record.items]
    counts = [len(record.items) for record in records]
    upheld = sum(item.outcome == UPHELD for item in items) / len(items)
    assert 0.85 <= upheld <= 0.95
    assert min(counts) == 1 and max(counts) <= 21
    assert 1.5 <= statistics.mean(counts) <= 3
    assert 0.4 <= counts.count(1) / len(counts) <= 0.6
    states = Counter(state for record in records for state in record.reviewer_states)
    assert states.most_common(1)[0][0] == "California"
    specialties = Counter(name for record in records for name in record.reviewer_specialties)
    assert 0.22 <= specialties["Occupational Medicine"] / len(records) <= 0.38
    assert 0.14 <= specialties["Physical Medicine and Rehabilitation"] / len(records) <= 0.26
    assert 0.12 <= specialties["Family Practice"] / len(records) <= 0.24
    categories = Counter(item.category for item in items)
    assert set(categories) == set(vocab.CATEGORIES)
    assert categories.most_common(1)[0][0] == "medication"


def test_the_command_writes_the_files(tmp_path):
    out = tmp_path / "made" / "here"
    stdout = StringIO()
    call_command("generate_corpus", "--count", "12", "--out", str(out), "--seed", "4", stdout=stdout)
    written = sorted(out.iterdir())
    expected = list(generate(12, seed=4))
    assert [path.name for path in written] == sorted(name for name, _, _ in expected)
    items = sum(len(record.items) for _, _, record in expected)
    assert stdout.getvalue().strip() == f"wrote 12 determinations ({items} items) to {out}"
    for name, text, record in expected:
        # Bytes as generated: CRLF documents keep their CRLF.
        assert (out / name).read_bytes() == text.encode("utf-8")
        assert parse((out / name).read_bytes().decode("utf-8")).items[0].request == record.items[0].request
