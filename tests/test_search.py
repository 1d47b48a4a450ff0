"""Search over the real documents: counts, filters, phrases, snippets, the API and the export."""
from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from search import engine
from search.engine import SearchParams, expand, schema
from search.models import DisputedItem

from .conftest import DWC, SEEDS


@pytest.fixture
def corpus(ingested, db):
    ingested(SEEDS, DWC)


pytestmark = pytest.mark.django_db


def expected_facets(items) -> dict[str, Counter]:
    """Facet counts computed from the stored records, the way the index should count them."""
    counts: dict[str, Counter] = {name: Counter() for name in engine.FACETS}
    for item in items:
        d = item.determination
        counts["outcome"][item.outcome] += 1
        if item.drug:
            counts["drug"][item.drug] += 1
        counts["category"][item.category] += 1
        for value in set(d.reviewer_specialties + d.reviewer_subspecialties):
            counts["specialty"][value] += 1
        for value in set(d.reviewer_states):
            counts["state"][value] += 1
        for value in set(item.guidelines):
            counts["guideline"][value] += 1
        if d.decision_date:
            counts["year"][str(d.decision_date.year)] += 1
        counts["source"]["Generated (demonstration)" if d.generated else "Real determinations"] += 1
        for label in set(item.reasons):
            counts["reason"][label] += 1
        for key in {citation.section.key for citation in item.citations.all()}:
            counts["section"][key] += 1
    return counts


def got_facets(result) -> dict[str, Counter]:
    return {name: Counter({v.value: v.count for v in values}) for name, values in result.facets.items()}


def test_facet_counts_over_everything_equal_the_stored_records(corpus):
    items = DisputedItem.objects.select_related("determination").prefetch_related("citations__section")
    result = engine.search(SearchParams())
    assert result.count == items.count()
    assert got_facets(result) == expected_facets(items)


def test_facet_counts_over_most_of_the_index_equal_the_stored_records(corpus):
    # more than half the items: each facet is counted by what lies outside the matches
    result = engine.search(SearchParams(filters={"outcome": ["Upheld"]}))
    items = DisputedItem.objects.select_related("determination").prefetch_related("citations__section")
    upheld = items.filter(outcome="Upheld")
    assert items.count() / 2 < result.count == upheld.count() < items.count()
    got, expected = got_facets(result), expected_facets(upheld)
    assert {k: v for k, v in got.items() if k != "outcome"} == {k: v for k, v in expected.items() if k != "outcome"}
    stored = Counter(items.filter(outcome="Overturned").values_list("category", flat=True))
    assert {v.value: v.rate_overturned for v in result.facets["category"] if v.rate_overturned} == dict(stored)


def test_overturn_counts_equal_the_stored_records(corpus):
    result = engine.search(SearchParams())
    overturned = {v.value: v.overturned for v in result.facets["category"]}
    stored = Counter(DisputedItem.objects.filter(outcome="Overturned").values_list("category", flat=True))
    assert {k: v for k, v in overturned.items() if v} == dict(stored)


def test_overturn_rates_stay_each_values_share_when_an_outcome_is_chosen(corpus):
    result = engine.search(SearchParams(filters={"outcome": ["Overturned"]}))
    categories = {v.value: v for v in result.facets["category"]}
    assert categories
    for category, value in categories.items():
        stored = DisputedItem.objects.filter(category=category)
        assert value.count == value.overturned == stored.filter(outcome="Overturned").count()
        assert (value.rate_overturned, value.rate_items) == (value.count, stored.count())
        assert value.overturn_rate < 1 or stored.filter(outcome="Upheld").count() == 0


def test_values_of_one_facet_combine_with_or_and_facets_with_and(corpus):
    result = engine.search(SearchParams(filters={"category": ["imaging", "testing"], "outcome": ["Overturned"]}))
    stored = DisputedItem.objects.filter(category__in=["imaging", "testing"], outcome="Overturned")
    assert result.count == stored.count() > 0
    assert {(h.case_number, h.position) for h in result.hits} == {
        (i.determination.slug, i.position) for i in stored.select_related("determination")}


def test_each_facet_count_reflects_the_other_facets_filters_but_not_its_own(corpus):
    result = engine.search(SearchParams(filters={"category": ["imaging"], "outcome": ["Overturned"]}))
    items = DisputedItem.objects.select_related("determination")
    # The category facet counts everything Overturned (its own choice does not narrow it)...
    assert got_facets(result)["category"] == expected_facets(items.filter(outcome="Overturned"))["category"]
    # ...the outcome facet counts all imaging items, and the others count the intersection.
    assert got_facets(result)["outcome"] == expected_facets(items.filter(category="imaging"))["outcome"]
    both = items.filter(category="imaging", outcome="Overturned")
    assert got_facets(result)["state"] == expected_facets(both)["state"]


def test_filter_values_are_matched_whatever_their_case(corpus):
    upper = engine.search(SearchParams(filters={"state": ["NORTH CAROLINA"]}))
    title = engine.search(SearchParams(filters={"state": ["North Carolina"]}))
    assert upper.count == title.count > 0


def stems(text: str) -> list[str]:
    """The words of ``text`` as the index analyses them (stemmed, lowercased)."""
    return [token.text for token in schema.TEXT_ANALYZER(text)]


def item_texts(item, scope: str = "item") -> tuple[str, ...]:
    """What a word without a field is looked for in: the item's own text (its request, rationale
    and cited guidelines), and with the summary scope its determination's case summary too."""
    own = (item.request, item.rationale, item.maximus_guideline, item.claims_guideline)
    return (*own, item.determination.summary) if scope == "summary" else own


def contains_phrase(text: str, phrase: str) -> bool:
    words, wanted = stems(text), stems(phrase)
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words)))


def within(text: str, a: str, b: str, slop: int) -> bool:
    words = stems(text)
    (sa,), (sb,) = stems(a), stems(b)
    pa = [i for i, w in enumerate(words) if w == sa]
    pb = [i for i, w in enumerate(words) if w == sb]
    return any(abs(i - j) <= slop for i in pa for j in pb)


def keys(hits) -> set[tuple[str, int]]:
    return {(h.slug, h.position) for h in hits}


@pytest.mark.parametrize("scope", ["item", "summary"])
@pytest.mark.parametrize("phrase", ["functional improvement", "not medically necessary", "urine drug screen"])
def test_a_phrase_finds_exactly_the_items_that_contain_it(corpus, phrase, scope):
    result = engine.search(SearchParams(q=f'"{phrase}"', per_page=1000, scope=scope))
    expected = {
        (item.determination.slug, item.position)
        for item in DisputedItem.objects.select_related("determination")
        if any(contains_phrase(text, phrase) for text in item_texts(item, scope))
    }
    assert keys(result.hits) == expected and result.count == len(expected)


def test_not_is_not_dropped_from_a_phrase(corpus):
    negative = engine.search(SearchParams(q='"is not medically necessary"')).count
    positive = engine.search(SearchParams(q='"is medically necessary"')).count
    assert 0 < positive < negative


@pytest.mark.parametrize("query, a, b, slop", [
    ("weaning /5 opioids", "weaning", "opioids", 5),
    ('"taper opioid"~10', "taper", "opioid", 10),
    ("benzodiazepines /25 anxiety", "benzodiazepines", "anxiety", 25),
])
@pytest.mark.parametrize("scope", ["item", "summary"])
def test_proximity_finds_exactly_the_items_with_the_words_that_close(corpus, query, a, b, slop, scope):
    result = engine.search(SearchParams(q=query, per_page=1000, scope=scope))
    expected = {
        (item.determination.slug, item.position)
        for item in DisputedItem.objects.select_related("determination")
        if any(within(text, a, b, slop) for text in item_texts(item, scope))
    }
    assert expected
    assert keys(result.hits) == expected


def test_a_brand_and_its_generic_find_the_same_items(corpus):
    by_brand = engine.search(SearchParams(q="drug:norco", per_page=100))
    by_generic = engine.search(SearchParams(q="drug:hydrocodone", per_page=100))
    assert {h.key for h in by_brand.hits} == {h.key for h in by_generic.hits}
    assert by_brand.count == DisputedItem.objects.filter(drug="hydrocodone/acetaminophen").count()


def test_fielded_terms_filter_like_facets(corpus):
    assert engine.search(SearchParams(q="outcome:overturned")).count == DisputedItem.objects.filter(
        outcome="Overturned").count()
    assert engine.search(SearchParams(q="case:CM16-0230651")).count == DisputedItem.objects.filter(
        determination__case_number="CM16-0230651").count()


def test_snippets_mark_the_matched_words(corpus):
    result = engine.search(SearchParams(q="benzodiazepines"))
    assert result.hits
    for hit in result.hits:
        assert re.search(r"<mark[^>]*>benzodiazepines?</mark>", hit.snippets[0], re.IGNORECASE), hit.snippets[0]


def test_sorting_by_date(corpus):
    newest = engine.search(SearchParams(q="mri", sort="newest", per_page=100)).hits
    dates = [h.decision_date for h in newest if h.decision_date]
    assert dates == sorted(dates, reverse=True)
    oldest = engine.search(SearchParams(q="mri", sort="oldest", per_page=100)).hits
    assert [h.decision_date for h in oldest if h.decision_date] == sorted(dates)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_either_date_order_puts_undated_items_last(corpus, sort):
    hits = engine.search(SearchParams(sort=sort, per_page=500)).hits
    dated = [h.decision_date for h in hits if h.decision_date]
    assert 0 < len(dated) < len(hits)  # the seeds carry no decision date
    assert [h.decision_date for h in hits[:len(dated)]] == sorted(dated, reverse=sort == "newest")
    assert all(h.decision_date is None for h in hits[len(dated):])


def test_a_decision_date_range_narrows(corpus):
    from datetime import date

    result = engine.search(SearchParams(date_from=date(2017, 1, 1), date_to=date(2017, 1, 31), per_page=500))
    assert result.count == DisputedItem.objects.filter(
        determination__decision_date__range=(date(2017, 1, 1), date(2017, 1, 31))).count() > 0


# -- the page, the API, the export -------------------------------------------------------

def test_the_results_page_shows_hits_facets_and_marks(corpus, client):
    response = client.get(reverse("search"), {"q": "valium"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valium 5mg #60" in re.sub(r"<[^>]+>", "", html)  # the request, its matched word marked
    assert '<mark class="match" data-match="0">Valium</mark> 5mg #60' in html
    assert "Licensure state" in html and "Overturned" in html


def facet_section(page: str, name: str) -> str:
    start = page.index(f'data-facet="{name}"')
    return page[page.index(">", start) + 1:page.index("</section>", start)]


def test_an_empty_facet_says_these_items_have_no_such_value_not_none(corpus, client):
    imaging = DisputedItem.objects.filter(category="imaging")
    assert imaging.exists() and not imaging.exclude(drug=None).exclude(drug="").exists()  # no imaging item names a drug
    page = client.get(reverse("search"), {"category": "imaging"}).content.decode()
    drug = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", facet_section(page, "drug"))).strip()
    assert drug == "Drug No drug among these items"
    assert "None" not in page.split('id="filters"')[1].split("</aside>")[0]


def test_with_no_results_the_empty_facets_are_left_out_and_chosen_ones_stay(corpus, client):
    page = client.get(reverse("search"), {"q": "zzzqqq"}).content.decode()
    assert "No disputed items match" in page
    assert "data-facet=" not in page and "among these items" not in page
    page = client.get(reverse("search"), {"q": "zzzqqq", "category": "imaging"}).content.decode()
    assert re.findall(r'data-facet="(\w+)"', page) == ["category"]
    assert 'aria-current="true"' in facet_section(page, "category")


def test_every_example_on_the_help_page_is_a_link_that_runs_it(corpus, client):
    page = client.get(reverse("query_help")).content.decode()
    examples = re.findall(r'<a class="example" href="([^"]+)"><code>(.*?)</code></a>', page)
    first_cells = re.findall(r"<tr><td>(.*?)</td>", page)
    assert len(first_cells) >= 20 and len(examples) > len(first_cells)
    for cell in first_cells:  # each row's examples are links and nothing else
        assert re.fullmatch(r'(<a class="example" href="[^"]+"><code>.*?</code></a>(, )?)+', cell), cell
    for href, code in examples:
        address = urlsplit(html.unescape(href))
        assert address.path == reverse("search") and parse_qs(address.query) == {"q": [html.unescape(code)]}
        response = client.get(html.unescape(href))
        assert response.status_code == 200 and response.context["result"].count > 0, code


def test_a_query_that_does_not_parse_gets_a_message_not_an_error(corpus, client):
    for bad in ['"unclosed', "(norco", "norco AND", "AND", "foo:bar", "a*"[:1] + "*", "NOT norco"]:
        response = client.get(reverse("search"), {"q": bad})
        assert response.status_code == 400, bad
        assert "could not be read" in response.content.decode(), bad


def test_nonsense_pages_are_refused_politely(corpus, client):
    assert client.get(reverse("search"), {"q": "mri", "page": "999"}).status_code == 404
    assert client.get(reverse("search"), {"q": "mri", "page": "abc"}).status_code == 400
    assert client.get(reverse("search"), {"q": "mri", "page": "0"}).status_code == 400
    assert "no page 999" in client.get(reverse("search"), {"q": "mri", "page": "999"}).content.decode()


def test_the_api_returns_the_documented_shape(corpus, client):
    response = client.get("/api/search", {"q": "mri", "outcome": "Upheld", "page": "1"})
    assert response.status_code == 200
    data = response.json()
    assert {"count", "page", "results", "facets"} <= set(data)
    assert data["count"] == DisputedItem.objects.filter(outcome="Upheld", request__icontains="mri").count() or data["count"] > 0
    hit = data["results"][0]
    assert {"case_number", "request", "outcome", "drug", "url", "snippets"} <= set(hit)
    assert "#item-" in hit["url"]
    assert set(data["facets"]) >= {"drug", "outcome", "state", "specialty", "guideline", "category", "year"}
    assert {"value", "count", "overturned", "overturn_rate"} == set(data["facets"]["outcome"][0])


def test_the_api_takes_repeated_parameters_as_several_values(corpus, client):
    data = client.get("/api/search?category=imaging&category=testing").json()
    assert data["count"] == DisputedItem.objects.filter(category__in=["imaging", "testing"]).count()


def test_the_api_reports_a_bad_query_as_json(corpus, client):
    response = client.get("/api/search", {"q": '"open'})
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_export_streams_every_match_not_one_page(corpus, client):
    response = client.get("/search/export.csv", {"category": "imaging"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["case_number", "decision_date", "item", "request", "outcome"]
    assert len(rows) - 1 == DisputedItem.objects.filter(category="imaging").count() > 20


def test_each_hit_links_to_its_rationale_with_the_query(corpus, client):
    html = client.get(reverse("search"), {"q": "dilaudid"}).content.decode()
    link = re.search(r'href="(/determinations/[^"]+#item-(\d+))"', html)
    assert link
    page = client.get(link.group(1).replace("&amp;", "&").split("#")[0])
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="item-{link.group(2)}"' in body
    assert re.search(r"<mark[^>]*>Dilaudid</mark>", body)


def test_an_unknown_case_number_is_a_404(corpus, client):
    assert client.get("/determinations/CM99-0000000/").status_code == 404


@pytest.mark.parametrize("query, state", [("state:TX", "Texas"), ('state:"north carolina"', "North Carolina"),
                                          ("state:texas", "Texas")])
def test_a_state_by_name_or_code_finds_its_reviewers(corpus, query, state):
    expected = sum(1 for i in DisputedItem.objects.select_related("determination")
                   if state in i.determination.reviewer_states)
    assert engine.search(SearchParams(q=query)).count == expected > 0


def test_a_word_of_a_facet_value_finds_every_value_with_it(corpus):
    carolinas = sum(1 for i in DisputedItem.objects.select_related("determination")
                    if {"North Carolina", "South Carolina"} & set(i.determination.reviewer_states))
    assert engine.search(SearchParams(q="state:carolina")).count == carolinas > 0
    orthopedic = sum(1 for i in DisputedItem.objects.select_related("determination")
                     if "Orthopedic Surgery" in i.determination.reviewer_specialties)
    assert engine.search(SearchParams(q="specialty:orthopedic")).count == orthopedic > 0
    assert engine.search(SearchParams(q="specialty:ortho*")).count == orthopedic


def test_an_unknown_facet_value_finds_nothing_rather_than_failing(corpus):
    assert engine.search(SearchParams(q="state:atlantis")).count == 0


def test_a_hit_found_only_by_its_case_summary_shows_the_summary_passage(corpus):
    # CM16-0249536's summary names gabapentin; only some of its items' rationales do.
    result = engine.search(SearchParams(q="case:CM16-0249536 AND summary:gabapentin", per_page=50))
    summary_only = [hit for hit in result.hits if "gabapentin" not in hit.rationale.lower()]
    assert summary_only
    for hit in summary_only:
        assert hit.snippets[0].startswith('<span class="snippet-source">Case summary:</span>')
        assert re.search(r"<mark[^>]*>gabapentin</mark>", hit.snippets[0], re.IGNORECASE)


def test_a_wildcard_past_the_expansion_limit_is_refused_with_a_message(corpus, client, monkeypatch):
    monkeypatch.setattr(expand, "MAX_EXPANSION", 5)
    with pytest.raises(engine.QueryError, match="more than 5 different words"):
        engine.search(SearchParams(q="me*"))
    response = client.get(reverse("search"), {"q": "me*"})
    assert response.status_code == 400 and "give it more letters" in response.content.decode()
    assert engine.search(SearchParams(q="medicat*")).count > 0


def test_a_root_expander_reaches_words_the_index_holds_as_shorter_stems(corpus):
    # "medication" is indexed as its stem "medic": medicat! must still find it.
    with_root = engine.search(SearchParams(q="medicat!", per_page=1000))
    plain = engine.search(SearchParams(q="medication", per_page=1000))
    assert plain.count > 0
    assert {h.key for h in plain.hits} <= {h.key for h in with_root.hits}


def test_the_api_gives_no_case_number_for_a_determination_without_one(corpus, client):
    data = client.get("/api/search", {"q": "dilaudid"}).json()
    hit = data["results"][0]
    assert hit["case_number"] is None and hit["id"].startswith("doc-")
    assert "q=dilaudid" in hit["url"] and hit["url"].endswith(f"#item-{hit['position']}")


def test_the_sort_shown_is_the_sort_applied(corpus, client):
    browse = client.get(reverse("search")).content.decode()
    assert re.search(r'<option value="newest" selected', browse)
    words = client.get(reverse("search"), {"q": "mri"}).content.decode()
    assert re.search(r'<option value="relevance" selected', words)


def test_a_query_typed_on_the_browsing_page_is_ranked_by_relevance(corpus, client):
    browse = client.get(reverse("search")).content.decode()
    shown = re.search(r'name="sort_shown" value="(\w+)"', browse)
    assert shown and shown[1] == "newest"
    # The form sent back as the browser sends it: the sort box still at what the page showed.
    typed = client.get(reverse("search"), {"q": "norco", "sort": "newest", "sort_shown": "newest"})
    assert typed.context["result"].params.sort == "relevance"
    assert re.search(r'<option value="relevance" selected', typed.content.decode())
    chosen = client.get(reverse("search"), {"q": "norco", "sort": "oldest", "sort_shown": "relevance"})
    assert chosen.context["result"].params.sort == "oldest"
    assert 'name="sort_shown"' in chosen.content.decode() and 'name="sort_shown" value=' not in chosen.content.decode()


@pytest.mark.parametrize("typed", ["CM16-0213037", "cm16-0213037", "CM160213037", " cm160213037 "])
def test_a_case_number_typed_as_the_query_opens_its_determination(corpus, client, typed):
    response = client.get(reverse("search"), {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("determination", args=["CM16-0213037"])


def test_a_case_number_inside_a_longer_query_finds_its_items(corpus):
    items = DisputedItem.objects.filter(determination__case_number="CM16-0213037")
    shoulder = [item for item in items if "shoulder" in item.request.lower()]
    assert shoulder and len(shoulder) < items.count()
    for q in ("CM16-0213037 shoulder", "cm160213037 AND request:shoulder"):
        assert {h.position for h in engine.search(SearchParams(q=q)).hits} == {i.position for i in shoulder}, q
    assert engine.count(SearchParams(q="case:cm160213037")) == items.count()
    assert engine.count(SearchParams(q="CM16-0213037")) == items.count()  # the API and the export find its items


@pytest.mark.parametrize("q", ["pain", "medication", "functional", "mri"])
def test_a_snippet_starts_and_ends_between_words_never_inside_a_number(corpus, q):
    import html

    rationales = {(i.determination.slug, i.position): i.rationale
                  for i in DisputedItem.objects.select_related("determination")}
    hits = engine.search(SearchParams(q=q, per_page=500)).hits
    checked = 0
    for hit in hits:
        if "<mark" not in hit.snippets[0] or hit.snippets[0].startswith('<span class="snippet-source">'):
            continue
        text = rationales[(hit.slug, hit.position)]
        for passage in html.unescape(re.sub(r"</?mark[^>]*>", "", hit.snippets[0])).split(" … "):
            at = text.find(passage)
            assert at >= 0, passage
            end = at + len(passage)
            assert at == 0 or text[at - 1].isspace(), (text[max(0, at - 10):at], passage[:30])
            assert end == len(text) or text[end].isspace(), (passage[-30:], text[end:end + 10])
            checked += 1
    assert checked > 10
