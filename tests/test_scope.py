"""What a word matches: an item's own text by default, the case summary only when chosen.

Measured on the 72 real DWC determinations. The expected sets are computed here from the
stored items and the drug vocabulary (a data table), never from the index:

- A drug name "names that drug" in an item when the item's own text (request, rationale,
  cited guidelines) holds, as a whole word in any case, the name or one of its equivalents:
  the names the vocabulary gives the same generic, the generic's parts ("hydrocodone" of
  "hydrocodone/acetaminophen"), and the names of combinations that contain the name
  (a Norco item names acetaminophen).
- An item "requests" a drug when its request holds the name or another name of the same
  generic (Norco for hydrocodone/acetaminophen), not merely one ingredient of it (a menthol
  cream does not request Salonpas, methyl salicylate/menthol).
- Only one-word names are measured: a name of several words is, searched alone, several words.
"""
from __future__ import annotations

import re
from functools import cache

import pytest
from django.urls import reverse

from search import engine, vocab
from search.engine import SearchParams
from search.models import DisputedItem

from .conftest import DWC

pytestmark = pytest.mark.django_db

PRECISION_FLOOR = 0.95


@pytest.fixture
def dwc(ingested):
    ingested(DWC)


def own_text(item: DisputedItem) -> str:
    return f"{item.request}\n{item.rationale}\n{item.maximus_guideline}\n{item.claims_guideline}"


@cache
def equivalents(name: str) -> frozenset[str]:
    generic = vocab.DRUGS[name]
    parts = set(generic.split("/"))
    names = {other for other, its in vocab.DRUGS.items() if its == generic or name in its.split("/")}
    return frozenset({name, *parts, *names})


@cache
def same_generic(name: str) -> frozenset[str]:
    return frozenset(other for other, its in vocab.DRUGS.items() if its == vocab.DRUGS[name])


def holds(text: str, words: frozenset[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", lowered) for n in words)


def names(text: str, drug: str) -> bool:
    return holds(text, equivalents(drug))


def drug_names_in_corpus(items: list[DisputedItem]) -> list[str]:
    texts = [own_text(item).lower() for item in items]
    return sorted(n for n in vocab.DRUGS if re.fullmatch(r"[a-z0-9]+", n) and len(n) > 2
                  and any(re.search(rf"(?<![a-z0-9]){n}(?![a-z0-9])", t) for t in texts))


def measure(name: str, items: list[DisputedItem]) -> tuple[int, int, set[str]]:
    """(hits, hits naming the drug, items requesting it that were not found)."""
    found = {hit.key for hit in engine.iter_matches(SearchParams(q=name))}
    by_key = {f"{item.determination.slug}#{item.position}": item for item in items}
    naming = sum(names(own_text(by_key[key]), name) for key in found)
    requesting = {key for key, item in by_key.items() if holds(item.request, same_generic(name))}
    return len(found), naming, requesting - found


def test_a_drug_name_finds_items_that_name_that_drug_and_every_item_requesting_it(dwc):
    items = list(DisputedItem.objects.select_related("determination"))
    measured = drug_names_in_corpus(items)
    assert len(measured) >= 30  # the 72 PDFs name dozens of drugs
    total_hits = total_naming = requested = 0
    for name in measured:
        hits, naming, missed = measure(name, items)
        assert not missed, (name, missed)
        assert hits and naming / hits >= PRECISION_FLOOR, (name, hits, naming)
        total_hits, total_naming = total_hits + hits, total_naming + naming
        requested += sum(holds(item.request, same_generic(name)) for item in items)
    print(f"{len(measured)} drug names, {total_hits} hits, {total_naming} naming the drug "
          f"({total_naming / total_hits:.3f}), {requested} requesting items all found")
    assert total_naming / total_hits >= PRECISION_FLOOR


def test_a_word_only_in_a_case_summary_matches_only_when_the_summary_is_chosen(dwc, client):
    items = list(DisputedItem.objects.select_related("determination"))
    word = "knee"
    in_summary = {f"{i.determination.slug}#{i.position}" for i in items
                  if re.search(rf"\b{word}\b", i.determination.summary, re.IGNORECASE)}
    in_own = {f"{i.determination.slug}#{i.position}" for i in items if re.search(rf"\b{word}s?\b", own_text(i), re.IGNORECASE)}
    assert in_summary - in_own, "the corpus has items whose summary alone says it"
    own = {hit.key for hit in engine.iter_matches(SearchParams(q=word))}
    widened = {hit.key for hit in engine.iter_matches(SearchParams(q=word, scope="summary"))}
    assert own == in_own
    assert widened == in_own | in_summary
    summary_only = engine.search(SearchParams(q=word, scope="summary", per_page=200)).hits
    labelled = [h for h in summary_only if h.key in in_summary - in_own]
    assert labelled and all(h.snippets[0].startswith('<span class="snippet-source">Case summary:') for h in labelled)

    page = client.get(reverse("search"), {"q": word}).content.decode()
    assert "not in the case summary" in page and '<option value="item" selected' in page
    wide = client.get(reverse("search"), {"q": word, "scope": "summary"}).content.decode()
    assert '<option value="summary" selected' in wide and "or in its case summary" in wide


def test_facets_the_api_and_the_export_follow_the_scope(dwc, client):
    for scope in ("item", "summary"):
        result = engine.search(SearchParams(q="knee", scope=scope))
        api = client.get(reverse("api_search"), {"q": "knee", "scope": scope}).json()
        assert api["count"] == result.count
        assert sum(v["count"] for v in api["facets"]["outcome"]) == result.count
        export = b"".join(client.get(reverse("export_csv"), {"q": "knee", "scope": scope}).streaming_content)
        assert len(export.decode().strip().splitlines()) - 1 == result.count
    assert engine.count(SearchParams(q="knee")) < engine.count(SearchParams(q="knee", scope="summary"))


def test_summary_field_searches_the_summary_in_either_scope(dwc):
    for scope in ("item", "summary"):
        assert engine.count(SearchParams(q="summary:knee", scope=scope)) == engine.count(
            SearchParams(q="summary:knee", scope="summary"))


def test_a_cited_guideline_section_is_searchable_in_words_and_by_field(dwc):
    section = {f"{i.determination.slug}#{i.position}" for i in DisputedItem.objects.select_related("determination")
               if "surgical considerations" in (i.maximus_guideline + " " + i.claims_guideline).lower()}
    assert any(key.startswith("CM16-0246487#") for key in section)
    found = {hit.key for hit in engine.iter_matches(SearchParams(q='"Surgical Considerations"'))}
    assert section <= found
    fielded = {hit.key for hit in engine.iter_matches(SearchParams(q='guideline:"surgical considerations"'))}
    assert fielded == section


def test_guideline_source_names_still_pick_the_source_facet(dwc):
    odg = sum("ODG" in item.guidelines for item in DisputedItem.objects.all())
    assert odg > 0
    assert engine.count(SearchParams(q="guideline:odg")) == odg
    assert engine.count(SearchParams(q="guideline:other")) == sum(
        "other" in item.guidelines for item in DisputedItem.objects.all())


def test_a_saved_search_keeps_its_scope(dwc):
    from saved.queries import normalize, params_for

    query = normalize("q=knee&scope=summary&page=3&junk=1")
    assert query == "q=knee&scope=summary"
    assert params_for(query).scope == "summary"
