"""A phrase is one match: one <mark> per occurrence, on the results page and the case page,
and the case page counts occurrences, not words. Counted here from the stored texts."""
from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from search import engine
from search.engine import SearchParams, schema
from search.models import Determination, DisputedItem

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db
PHRASE = "functional improvement"


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


def occurrences(text: str, phrase: str) -> int:
    words, wanted = schema.analysed(text), schema.analysed(phrase)
    return sum(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def marks_in(fragment: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", fragment, re.DOTALL)]


def test_each_occurrence_of_a_phrase_is_one_mark_in_the_snippets(corpus):
    hits = engine.search(SearchParams(q=f'"{PHRASE}"', per_page=100)).hits
    marked = [m for hit in hits for m in marks_in(hit.snippets[0])]
    assert marked
    assert all(schema.analysed(m) == schema.analysed(PHRASE) for m in marked), marked  # never a lone word


def test_the_case_page_counts_and_marks_the_phrase_not_its_words(corpus, client):
    item = max((i for i in DisputedItem.objects.select_related("determination")
                if occurrences(i.rationale, PHRASE) > 1), key=lambda i: occurrences(i.rationale, PHRASE))
    record = Determination.objects.get(pk=item.determination_id)
    expected = sum(occurrences(text, PHRASE) for text in page_texts(record))
    body = client.get(reverse("determination", args=[record.slug]), {"q": f'"{PHRASE}"'}).content.decode()
    marked = marks_in(body)
    assert len(marked) == expected
    assert all(schema.analysed(m) == schema.analysed(PHRASE) for m in marked)
    assert f"{expected} matches" in body


def test_words_and_a_phrase_together_mark_the_phrase_once_and_other_words_alone(corpus):
    marks = engine.highlight_words(f'"{PHRASE}" OR functional')
    text = "Functional improvement was noted, and functional status improved."
    marked = marks_in(engine.highlight_text(text, marks, whole=True))
    assert marked == ["Functional improvement", "functional"]


def own_texts(item: DisputedItem) -> list[str]:
    return [item.request, item.rationale, item.maximus_guideline, item.claims_guideline]


def page_texts(record: Determination) -> list[str]:
    """The texts a case page marks, as the index reads them: the summary, and each item's request,
    cited guidelines (the two lines as one text) and rationale."""
    return [record.summary, *(text for i in record.items.all() for text in (i.request, i.cited_text, i.rationale))]


def item_section(body: str, position: int) -> str:
    return next(part for part in body.split('<section class="item" id="') if part.startswith(f'item-{position}"'))


@pytest.mark.parametrize("q", ["opioids /s monitoring", "odg", "mtus /p page", "opioids", '"chronic pain"'])
def test_every_hit_is_marked_in_its_own_item_on_the_case_page(corpus, client, q):
    # a hit may match in its request or cited guidelines only, never in the rationale: the page
    # it links to must still show why it matched
    hits = list(engine.iter_matches(SearchParams(q=q)))
    assert hits
    pages: dict[str, str] = {}
    for hit in hits:
        slug, position = hit.key.split("#")
        if slug not in pages:
            pages[slug] = client.get(reverse("determination", args=[slug]), {"q": q}).content.decode()
        assert "<mark" in item_section(pages[slug], int(position)), (q, hit.key)
    assert not any(">0 matches<" in body for body in pages.values())


@pytest.mark.parametrize("q", ["opioids /s monitoring", "odg", "mtus /p page", "opioids", '"chronic pain"'])
def test_every_hit_shows_where_it_matched_in_the_results(corpus, q):
    result = engine.search(SearchParams(q=q, per_page=100))
    assert result.hits
    for hit in result.hits:
        assert "<mark" in hit.request_html or any("<mark" in s for s in hit.snippets), (q, hit.key)


def test_a_hit_matched_in_its_cited_guidelines_only_shows_them_labelled(corpus):
    hits = engine.search(SearchParams(q="opioids /s monitoring", per_page=100)).hits
    by_guideline = [hit for hit in hits if hit.snippets[0].startswith('<span class="snippet-source">Cited guidelines:')]
    assert by_guideline
    for hit in by_guideline:
        item = DisputedItem.objects.get(determination__slug=hit.slug, position=hit.position)
        assert {m.lower() for m in marks_in(hit.snippets[0])} <= {"opioid", "opioids", "monitoring"}
        assert all(m in item.cited_text for m in marks_in(hit.snippets[0]))


@pytest.mark.parametrize("form", ["improvement", "improved", "recommended"])
def test_a_hash_word_finds_that_form_only_and_marks_only_it(corpus, form):
    pattern = re.compile(rf"(?<![A-Za-z0-9]){form}(?![A-Za-z0-9])", re.IGNORECASE)
    expected = {f"{i.determination.slug}#{i.position}" for i in DisputedItem.objects.select_related("determination")
                if any(pattern.search(t) for t in own_texts(i))}
    exact = engine.search(SearchParams(q=f"#{form}", per_page=500))
    assert {h.key for h in exact.hits} == expected and exact.count == len(expected) > 0
    assert sum(v.count for v in exact.facets["outcome"]) == len(expected)  # facets count the exact form too
    loose = {h.key for h in engine.iter_matches(SearchParams(q=form))}
    assert expected < loose  # the plain word also finds its other forms
    marked = [m for hit in exact.hits for m in marks_in(hit.snippets[0])]
    assert marked and all(m.lower() == form for m in marked)


def test_a_connector_match_is_one_match_on_the_case_page(corpus, client):
    from .test_sentences import split_sentences

    pain, relief = schema.analysed("pain")[0], schema.analysed("relief")[0]

    def both(sentence: str) -> bool:
        words = schema.analysed(sentence)
        return pain in words and relief in words

    item = next(i for i in DisputedItem.objects.select_related("determination")
                if sum(both(s) for s in split_sentences(i.rationale)) > 1)
    record = Determination.objects.get(pk=item.determination_id)
    expected = sum(both(s) for text in page_texts(record) for s in split_sentences(text))
    body = client.get(reverse("determination", args=[record.slug]), {"q": "pain /s relief"}).content.decode()
    assert f"{expected} matches" in body
    for text in re.findall(r'class="[^"]*highlightable">(.*?)</p>', body, re.DOTALL):
        numbers = re.findall(r'data-match="(\d+)"', text)
        marked = marks_in(text)
        assert all(schema.analysed(m)[0] in (pain, relief) for m in marked)
        assert len(set(numbers)) <= len(numbers)  # a sentence's words share one number
