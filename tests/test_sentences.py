"""/s is the same sentence and /p the same paragraph, measured on the 72 real DWC determinations
against a sentence splitter written here, independently of search/engine/sentences.py.

The splitter's rules (the hard cases decided by reading the documents):
- a sentence ends at ".", "!" or "?" followed by white space and a capital letter or a digit;
- not after a title, unit, Latin or dosing abbreviation (Dr., mg., e.g., i.e., No., vs., b.i.d.,
  p.r.n. ...) or a single capital initial ("J. Smith");
- a paragraph is one text field (the request, the rationale, a cited guideline): the parser
  joins the lines a paragraph was wrapped over, and these fields hold one paragraph each.
"""
from __future__ import annotations

import re
from itertools import pairwise

import pytest

from search import engine
from search.engine import SearchParams, schema
from search.models import DisputedItem

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db

NOT_ENDINGS = {
    "dr", "mr", "mrs", "ms", "prof", "no", "vs", "etc", "approx", "fig", "st", "jr", "sr", "mg", "mcg", "ml",
    "cc", "lbs", "oz", "hrs", "e.g", "i.e", "a.m", "p.m", "b.i.d", "t.i.d", "q.i.d", "q.d", "p.r.n", "p.o",
    "u.s", "m.d", "d.o", "d.c", "ph.d", "inc", "co", "al", "cf", "dept", "pt", "dx",
}
PAIRS = [("pain", "relief"), ("urine", "screen"), ("physical", "therapy"), ("functional", "improvement"),
         ("opioid", "pain"), ("medically", "necessary"), ("mri", "lumbar"), ("documentation", "improvement"),
         ("patient", "medication"), ("guidelines", "recommend")]
FLOOR = 0.95


def split_sentences(text: str) -> list[str]:
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text.strip())
    sentences: list[str] = []
    for piece in pieces:
        last = re.search(r"([A-Za-z][A-Za-z.]*)\.$", sentences[-1]) if sentences else None
        if last and (last[1].lower() in NOT_ENDINGS or re.fullmatch(r"[A-Z]", last[1])):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return sentences


def stems(text: str) -> set[str]:
    return set(schema.analysed(text))


def own_paragraphs(item: DisputedItem) -> list[str]:
    return [text for text in (item.request, item.rationale, item.maximus_guideline, item.claims_guideline) if text]


def expected(items, a: str, b: str, *, unit: str) -> set[str]:
    (sa,), (sb,) = schema.analysed(a), schema.analysed(b)
    found = set()
    for item in items:
        units = [s for p in own_paragraphs(item) for s in split_sentences(p)] if unit == "s" else own_paragraphs(item)
        if any({sa, sb} <= stems(u) for u in units):
            found.add(f"{item.determination.slug}#{item.position}")
    return found


def measure(unit: str) -> tuple[float, float, dict]:
    items = list(DisputedItem.objects.select_related("determination"))
    right = got_total = want_total = 0
    per_pair = {}
    for a, b in PAIRS:
        want = expected(items, a, b, unit=unit)
        got = {hit.key for hit in engine.iter_matches(SearchParams(q=f"{a} /{unit} {b}"))}
        right, got_total, want_total = right + len(want & got), got_total + len(got), want_total + len(want)
        per_pair[f"{a} /{unit} {b}"] = (len(got), len(want), len(want & got))
    return right / got_total, right / want_total, per_pair


@pytest.fixture
def dwc(ingested):
    ingested(DWC)


def test_same_sentence_reaches_95_percent_precision_and_recall_against_a_splitter(dwc):
    precision, recall, per_pair = measure("s")
    print(f"/s precision {precision:.3f} recall {recall:.3f}", per_pair)
    assert sum(want for _, want, _ in per_pair.values()) > 100  # the pairs occur often enough to measure
    assert precision >= FLOOR and recall >= FLOOR, per_pair


def test_same_paragraph_is_the_same_text_field(dwc):
    precision, recall, per_pair = measure("p")
    print(f"/p precision {precision:.3f} recall {recall:.3f}", per_pair)
    assert precision >= FLOOR and recall >= FLOOR, per_pair


def test_words_in_neighbouring_sentences_are_not_in_one_sentence(dwc):
    item = next(i for i in DisputedItem.objects.select_related("determination")
                if len(split_sentences(i.rationale)) > 3)
    first, second = split_sentences(item.rationale)[1:3]
    a = next(w for w in schema.analysed(first) if w not in stems(item.rationale.replace(first, "")) and len(w) > 3)
    b = next(w for w in schema.analysed(second) if w not in stems(item.rationale.replace(second, "")) and len(w) > 3)
    key = f"{item.determination.slug}#{item.position}"
    assert key not in {h.key for h in engine.iter_matches(SearchParams(q=f"rationale:{a} /s rationale:{b}"))}
    assert key in {h.key for h in engine.iter_matches(SearchParams(q=f"rationale:{a} /p rationale:{b}"))}
    assert key in {h.key for h in engine.iter_matches(SearchParams(q=f"rationale:{a} /s rationale:{a}"))}


def test_abbreviations_do_not_end_a_sentence():
    from search.engine.sentences import sentence_starts

    text = "Dr. Smith prescribed Norco 10/325 mg. daily, e.g. for pain, vs. tramadol. No. 5 was noted. Then it ended."
    starts, codes = sentence_starts(text)
    sentences = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)])]
    assert sentences == ["Dr. Smith prescribed Norco 10/325 mg. daily, e.g. for pain, vs. tramadol.",
                         "No. 5 was noted.", "Then it ended."]
    assert codes == [0, 1, 2]


def test_the_word_before_a_stop_is_the_run_of_letters_and_stops_from_its_first_letter():
    # The rule as first written: the last match of "[A-Za-z][A-Za-z.]*$" in the 64 characters before
    # the stop (Python's "$" also matches before a final line break). The engine reads the run
    # backwards instead; every stop of the real texts and of random ones is judged the same.
    import random

    from search.engine import sentences

    def ends_sentence(text: str, stop: int) -> bool:
        if text[stop] != ".":
            return True
        word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, stop - 64):stop])
        return word is None or not (word[1].lower().rstrip(".") in sentences.ABBREVIATIONS
                                    or len(word[1].lower().rstrip(".")) == 1)

    rng = random.Random(5)
    texts = [path.read_text(errors="replace") for path in sorted(SEEDS.glob("*.txt"))]
    texts += ["".join(rng.choice("aAbZ. .!?\n\t.e.g.Dr.mg 1x(\"')") for _ in range(rng.randint(1, 120)))
              for _ in range(20000)]
    texts += ["x" * 100 + ". A", "." * 70 + "a. B", "Dr\n. Smith", "e.g\n. The"]
    stops = [(text, stop.start()) for text in texts for stop in sentences._STOP.finditer(text)]
    assert len(stops) > 10000
    assert [sentences._ends_sentence(text, stop) for text, stop in stops] == [
        ends_sentence(text, stop) for text, stop in stops]


def test_plus_n_keeps_the_order_of_its_words(dwc):
    forward = engine.count(SearchParams(q="physical +1 therapy"))
    either = engine.count(SearchParams(q="physical /1 therapy"))
    backward = engine.count(SearchParams(q="therapy +1 physical"))
    assert forward > backward and either >= forward
    assert engine.count(SearchParams(q="physical +1 therapy OR therapy +1 physical")) == either


def test_plus_s_keeps_order_within_the_sentence_and_a_phrase_stays_a_phrase(dwc):
    items = list(DisputedItem.objects.select_related("determination"))

    def ordered_in_a_sentence(first: str, then: str) -> set[str]:
        (a,), (b,) = schema.analysed(first), schema.analysed(then)
        keys = set()
        for item in items:
            for sentence in (s for p in own_paragraphs(item) for s in split_sentences(p)):
                words = schema.analysed(sentence)
                if a in words and b in words[words.index(a) + 1:]:
                    keys.add(f"{item.determination.slug}#{item.position}")
        return keys

    got = {h.key for h in engine.iter_matches(SearchParams(q="physical +s therapy"))}
    assert got == ordered_in_a_sentence("physical", "therapy") != set()
    backward = {h.key for h in engine.iter_matches(SearchParams(q="therapy +s physical"))}
    assert backward == ordered_in_a_sentence("therapy", "physical")
    phrase = {h.key for h in engine.iter_matches(SearchParams(q='"physical therapy" /s recommended'))}
    loose = {h.key for h in engine.iter_matches(SearchParams(q="physical /s therapy /s recommended"))}
    pair, (word,) = schema.analysed("physical therapy"), schema.analysed("recommended")

    def holds_both(sentence: str) -> bool:
        words = schema.analysed(sentence)
        return word in words and any(words[k:k + 2] == pair for k in range(len(words) - 1))

    expected = {f"{i.determination.slug}#{i.position}" for i in items
                if any(holds_both(s) for p in own_paragraphs(i) for s in split_sentences(p))}
    assert phrase <= loose and phrase - expected == set()  # every hit holds the phrase in that sentence
    # A miss is a sentence the two splitters cut differently: the engine starts a sentence at a
    # parenthesised citation after a stop ("... devices. (Colorado, 2002) Patient-specific ..."), this
    # test's splitter does not. One such item holds this phrase.
    assert len(expected - phrase) <= 1


def _phrases_across_a_stop():
    """(item, "last first"): the last word of a rationale's sentence and the first of the next one
    in its paragraph, where no sentence of the item holds the two together."""
    for item in DisputedItem.objects.select_related("determination"):
        sentences = [schema.analysed(s) for p in own_paragraphs(item) for s in split_sentences(p)]
        for paragraph in item.rationale.split("\n"):
            for first, then in pairwise(split_sentences(paragraph)):
                last, next_ = re.findall(r"\w+", first)[-1:], re.findall(r"\w+", then)[:1]
                if not (last and next_ and last[0].isalpha() and next_[0].isalpha() and len(last[0]) > 2):
                    continue
                pair = schema.analysed(f"{last[0]} {next_[0]}")
                if not any(words[k:k + 2] == pair for words in sentences for k in range(len(words))):
                    yield item, f"{last[0]} {next_[0]}"


def test_a_phrase_across_a_sentence_end_is_in_one_paragraph_not_one_sentence(dwc):
    """The words either side of a full stop are next to each other, so the phrase matches; but /s
    and +s keep each side within one sentence, and only /p lets it cross."""
    item, phrase = next(_phrases_across_a_stop())
    key = f"{item.determination.slug}#{item.position}"
    word = phrase.split()[0]

    def keys(q: str) -> set[str]:
        return {hit.key for hit in engine.iter_matches(SearchParams(q=q))}

    assert key in keys(f'rationale:"{phrase}"')
    assert key not in keys(f'rationale:"{phrase}" /s rationale:{word}')
    assert key not in keys(f'rationale:{word} +s rationale:"{phrase}"')
    assert key in keys(f'rationale:"{phrase}" /p rationale:{word}')


def test_an_index_written_before_the_sentence_breaks_says_to_rebuild_it(dwc, monkeypatch):
    from search.engine import find

    monkeypatch.setattr(find, "BREAKS_FIELD", "breaks_of_a_later_version")  # a field this index lacks
    with pytest.raises(engine.IndexMissing, match="manage.py reindex"):
        engine.search(SearchParams(q="pain /s relief"))
    assert engine.count(SearchParams(q="pain /5 relief")) > 0  # what does not need them still runs
