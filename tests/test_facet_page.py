"""A facet of thousands of values (guideline sections at 100,000 determinations) no longer makes a
page of megabytes: the results page shows each facet's largest values, and a page of its own lists
every value of one facet for the same search, each linking back to the search narrowed by it."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from search.views import FACET_SHOWN

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


def shown_values(html: str, facet: str) -> list[str]:
    section = re.search(rf'<section class="facet[^"]*" data-facet="{facet}">(.*?)</section>', html, re.DOTALL).group(1)
    return re.findall(r'class="facet-value[^"]*" href="([^"]+)"', section)


def test_the_results_page_shows_a_facets_largest_values_and_links_to_all_of_them(corpus, client):
    api = client.get(reverse("api_search")).json()["facets"]["section"]
    assert len(api) > FACET_SHOWN  # the real letters cite more sections than a page shows
    html = client.get(reverse("search")).content.decode()
    assert len(shown_values(html, "section")) <= FACET_SHOWN * len({v.get("group") for v in api})
    assert len(shown_values(html, "section")) < len(api)
    assert f'href="{reverse("facet_values", args=["section"])}?">All {len(api)} cited sections</a>' in html


def test_the_facet_page_lists_every_value_with_the_searchs_counts_and_narrowing_links(corpus, client):
    query = {"q": "pain", "outcome": "Upheld"}
    api = client.get(reverse("api_search"), query).json()["facets"]["section"]
    response = client.get(reverse("facet_values", args=["section"]), query)
    assert response.status_code == 200
    html = response.content.decode()
    links = shown_values(html, "section")
    assert len(links) == len(api)
    counts = [int(n.replace(",", "")) for n in re.findall(r'<span class="facet-count">([\d,]+)<', html)]
    assert sorted(counts) == sorted(v["count"] for v in api)  # sections are listed under their source
    chosen = [parse_qs(urlsplit(link.replace("&amp;", "&")).query) for link in links]
    assert {urlsplit(link).path for link in links} == {reverse("search")}
    assert all(query_of == {"q": ["pain"], "outcome": ["Upheld"], "section": [query_of["section"][0]]}
               for query_of in chosen)
    assert sorted(query_of["section"][0] for query_of in chosen) == sorted(v["value"] for v in api)


def test_an_unknown_facet_is_not_found(corpus, client):
    assert client.get(reverse("facet_values", args=["nonsense"])).status_code == 404


def by_source(values: list[dict]) -> dict[str, list[str]]:
    """The API's section values (every one, sources in the page's order), per source."""
    grouped: dict[str, list[str]] = {}
    for value in values:
        grouped.setdefault(value.get("group", ""), []).append(value["value"])
    return grouped


def test_the_page_lists_each_sources_largest_sections_and_a_chosen_one_beyond_them(corpus, client, monkeypatch):
    monkeypatch.setattr("search.views.FACET_SHOWN", 3)
    unfiltered = by_source(client.get(reverse("api_search")).json()["facets"]["section"])
    beyond = next(values[-1] for values in unfiltered.values() if len(values) > 3)
    api = client.get(reverse("api_search"), {"section": beyond}).json()["facets"]["section"]
    html = client.get(reverse("search"), {"section": beyond}).content.decode()
    # Each link toggles its value: the chosen one's link removes it, the others' add theirs to it.
    listed = [({beyond} ^ set(parse_qs(urlsplit(link.replace("&amp;", "&")).query).get("section", []))).pop()
              for link in shown_values(html, "section")]
    expected = [key for values in by_source(api).values()
                for key in values[:3] + ([beyond] if beyond in values[3:] else [])]
    assert beyond in listed and sorted(listed) == sorted(expected)
    assert len(api) > 3 * len(by_source(api)) and f"All {len(api)} cited sections</a>" in html
    assert html.count('class="chip ') == 1  # the chosen section, wherever it ranks


def test_a_facet_value_is_escaped_may_wrap_after_its_slash_and_toggles_itself(rf):
    from django.template import Context, Template

    from search.engine import FacetValue

    value = FacetValue('<b>"x"</b>/acetaminophen', 1234, 617, True, 1234, 617)
    html = Template("{% load search_tags %}{% facet_value v 'drug' %}").render(
        Context({"v": value, "query": rf.get("/search/", {"q": "pain", "drug": value.value}).GET, "facet_base": "/search/"}))
    assert "&lt;b&gt;&quot;x&quot;&lt;/<wbr>b&gt;/<wbr>acetaminophen" in html and "<b>" not in html
    assert 'href="/search/?q=pain"' in html and 'aria-current="true"' in html  # chosen: its link removes it
    assert "1,234<" in html and "617 of 1234 overturned" in html and ">50%<" in html
