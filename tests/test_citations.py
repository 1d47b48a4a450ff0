"""Guideline citations: every citation of the real documents found, with its source, guideline,
section, pages and edition, against a list made by reading them (tests/labels/citations.json, its
rules in tests/labels/CITATIONS_RULES.md); the same section cited in other words under one key."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from search.citations import parse_citations, section_key

HAND_LIST = json.loads((Path(__file__).parent / "labels" / "citations.json").read_text())["items"]
FILES = sorted({entry["file"] for entry in HAND_LIST})


def fold(text: str) -> str:
    """This test's own comparison: case, spacing, punctuation, "&"/"and" and a plural "s" aside
    (the hand list names "Cervical pillows" where a letter wrote "Cervical pillow")."""
    words = re.findall(r"[a-z0-9]+", text.casefold().replace("&", " and "))
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


def as_compared(source: str, guideline: str, section: str, pages: str, edition: str) -> tuple[str, ...]:
    return (source, fold(guideline), fold(section), pages.replace(" ", ""), edition)


def test_the_hand_list_covers_every_real_item(real_items):
    assert {(entry["file"], entry["pos"]) for entry in HAND_LIST} == set(real_items)
    assert sum(len(entry["citations"]) for entry in HAND_LIST) == 221


@pytest.mark.parametrize("name", FILES)
def test_each_real_document_gives_its_hand_listed_citations(name, real_items):
    for entry in (entry for entry in HAND_LIST if entry["file"] == name):
        item = real_items[(name, entry["pos"])]
        want = Counter(as_compared(c["source"], c["guideline"], c["section"], c["pages"], c["edition"])
                       for c in entry["citations"])
        got = Counter(as_compared(c.source, c.guideline, c.section, c.pages, c.edition) for c in item.citations)
        assert got == want, f"{name} item {entry['pos']}: {item.maximus_guideline!r}"


def test_a_section_cited_in_other_words_has_one_key(real_items):
    keys: dict[tuple[str, ...], set[str]] = {}
    for entry in HAND_LIST:
        for wanted, found in zip(entry["citations"], real_items[(entry["file"], entry["pos"])].citations):
            keys.setdefault((wanted["source"], fold(wanted["guideline"]), fold(wanted["section"])), set()).add(found.key)
    assert all(len(found) == 1 for found in keys.values()), {k: v for k, v in keys.items() if len(v) > 1}
    every = [key for found in keys.values() for key in found]
    assert len(every) == len(set(every)), "two sections of the hand list share a key"


@pytest.mark.parametrize(("one", "other"), [
    ("Decision based on MTUS Chronic Pain Treatment Guidelines CRITERIA FOR USE OF OPIOIDS Page(s): 76-78.",
     "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Opioids, criteria for use."),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Hips & Pelvis Chapter, X-Ray.",
     "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Hip and Pelvis, x-ray."),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Neck & upper back, Cervical pillow.",
     "Decision based on Non-MTUS Citation ODG Neck and Upper Back Chapter, Cervical Pillows."),
    ("Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment.",
     "Decision based on MTUS Chronic Pain Treatment Guidelines Physical Medicine Page(s): 98-99."),
])
def test_spellings_of_one_section_share_its_key(one, other):
    assert parse_citations(one)[0].key == parse_citations(other)[0].key


@pytest.mark.parametrize(("written", "source", "guideline", "section", "pages"), [
    # Wordings of the archive's other years, written for the family rather than for one file.
    (("Decision based on MTUS ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 12 Low Back Complaints, "
     "page 303."), "MTUS", "Low Back Complaints", "", "303"),
    ("Decision based on MTUS Chronic Pain Medical Treatment Guidelines, Opioids, criteria for use, pages 76-80.",
     "MTUS", "Chronic Pain Medical Treatment Guidelines", "Opioids, criteria for use", "76-80"),
    ("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Pain Chapter, Urine drug testing.",
     "ODG", "Pain (Chronic)", "Urine drug testing", ""),
    (("Decision based on Non-MTUS Citation ODG, Knee & Leg (Acute & Chronic), Arthroscopic surgery for "
     "osteoarthritis."), "ODG", "Knee and Leg", "Arthroscopic surgery for osteoarthritis", ""),
    ("Decision based on Non-MTUS Citation Medscape: Tramadol dosing, accessed 3/1/2015.",
     "Medscape", "Tramadol dosing", "", ""),
])
def test_other_wordings_of_the_archive_are_read(written, source, guideline, section, pages):
    citation = parse_citations(written)[0]
    assert (citation.source, citation.guideline, citation.section, citation.pages) == (source, guideline, section,
                                                                                       pages)


def test_a_line_that_cites_nothing_gives_no_citation():
    assert parse_citations("The Expert Reviewer did not cite any medical evidence for its decision.") == []
    assert parse_citations("") == []


def test_a_section_key_is_a_url_segment_and_a_facet_value():
    long = "Decision based on Non-MTUS Citation " + "A very long title of a journal article, " * 20
    for citation in [*parse_citations(long), *parse_citations(HAND_LIST[0]["maximus"])]:
        assert re.fullmatch(r"[a-z0-9]+(?:-+[a-z0-9]+)*", citation.key) and len(citation.key) <= 200
    assert section_key("MTUS", "Low Back Complaints", "") != section_key("MTUS", "Low Back Complaints", "Summary")
