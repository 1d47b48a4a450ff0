"""The guideline citator, the stated-reason and section facets, and the charts, over the real
documents: every count is the count of the items that cite the section, read from the database
independently of the index, and the count its search link finds."""
from __future__ import annotations

import json
import shutil
from collections import defaultdict

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from search import engine
from search.models import Citation, DisputedItem, GuidelineSection
from search.reasons import LABELS

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db

CHRONIC_PAIN_PHYSICAL_MEDICINE = "mtus--chronic-pain-medical-treatment-guideline--physical-medicine-treatment"


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


def items_by_section() -> dict[str, set[int]]:
    """Section key -> the items citing it, from the Citation rows (not from the index)."""
    found: dict[str, set[int]] = defaultdict(set)
    for item, key in Citation.objects.values_list("item_id", "section__key"):
        found[key].add(item)
    return found


def test_ingest_stores_every_citation_and_each_section_once(corpus, real_items):
    assert Citation.objects.count() == sum(len(item.citations) for item in real_items.values()) == 221
    keys = list(GuidelineSection.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == len({c.key for item in real_items.values() for c in item.citations})
    stored = {(i.determination.source_name, i.position): i.reasons for i in DisputedItem.objects.select_related(
        "determination")}
    assert stored == {key: item.reasons for key, item in real_items.items()}


def test_the_citator_lists_each_section_with_the_items_citing_it_and_their_overturn_rate(corpus, client):
    overturned = set(DisputedItem.objects.filter(outcome="Overturned").values_list("pk", flat=True))
    want = {key: (len(items), len(items & overturned)) for key, items in items_by_section().items()}
    data = client.get(reverse("api_guidelines")).json()
    assert data["count"] == len(want)
    assert {row["key"]: (row["items"], row["overturned"]) for row in data["sections"]} == want
    assert [row["items"] for row in data["sections"]] == sorted((row["items"] for row in data["sections"]),
                                                                reverse=True)
    row = next(row for row in data["sections"] if row["key"] == CHRONIC_PAIN_PHYSICAL_MEDICINE)
    assert row["source"] == "MTUS" and row["guideline"] == "Chronic Pain Medical Treatment Guidelines"
    assert row["section"] == "Physical medicine treatment" and row["items"] == 13
    assert set(row) >= {"key", "source", "guideline", "section", "title", "items", "overturned", "overturn_rate",
                        "url", "search_url", "api_url"}
    page = client.get(reverse("guidelines")).content.decode()
    assert "Physical medicine treatment" in page and f'href="/guidelines/{CHRONIC_PAIN_PHYSICAL_MEDICINE}/"' in page


def test_the_citator_sorts_by_rate_and_by_name(corpus, client):
    by_rate = client.get(reverse("api_guidelines"), {"sort": "rate"}).json()["sections"]
    rates = [row["overturn_rate"] for row in by_rate]
    assert rates == sorted(rates, reverse=True) and rates[0] == 1.0
    by_name = client.get(reverse("api_guidelines"), {"sort": "name"}).json()["sections"]
    assert [row["source"] for row in by_name][:3] == ["MTUS"] * 3 and by_name[-1]["source"] not in ("MTUS", "ODG")
    assert client.get(reverse("api_guidelines"), {"sort": "nonsense"}).json()["sort"] == "items"


def test_a_sections_count_is_what_its_search_finds(corpus, client):
    for row in client.get(reverse("api_guidelines")).json()["sections"]:
        found = client.get(reverse("api_search"), {"section": row["key"]}).json()
        assert found["count"] == row["items"], row["key"]


def test_a_section_page_gives_years_requests_drugs_and_reasons(corpus, client):
    key = CHRONIC_PAIN_PHYSICAL_MEDICINE
    data = client.get(reverse("api_guideline_section", args=[key])).json()
    items = DisputedItem.objects.filter(citations__section__key=key).select_related("determination").distinct()
    years = defaultdict(int)
    for item in items:
        years[item.determination.decision_date.year] += 1
    assert {row["year"]: row["items"] for row in data["by_year"]} == dict(years)
    assert sum(row["items"] for row in data["categories"]) == data["items"] == len(items)
    reasons = defaultdict(int)
    for item in items:
        for label in item.reasons:
            reasons[label] += 1
    assert {row["value"]: row["items"] for row in data["reasons"]} == dict(reasons)
    assert all(row["label"] == LABELS[row["value"]] for row in data["reasons"])
    page = client.get(reverse("guideline_section", args=[key])).content.decode()
    assert "Physical medicine treatment" in page and '<svg class="chart year-chart"' in page
    assert f'href="/search/?section={key}&amp;reason=' in page


def test_an_unknown_section_is_404_on_the_page_and_the_api(corpus, client):
    assert client.get(reverse("guideline_section", args=["mtus--no-such-section"])).status_code == 404
    response = client.get(reverse("api_guideline_section", args=["mtus--no-such-section"]))
    assert response.status_code == 404 and "error" in response.json()


def test_the_search_facets_name_sections_under_their_source_and_reasons_by_name(corpus, client):
    facets = client.get(reverse("api_search"), {"q": "physical"}).json()["facets"]
    section = {row["value"]: row for row in facets["section"]}[CHRONIC_PAIN_PHYSICAL_MEDICINE]
    assert section["group"] == "MTUS" and section["label"] == "Chronic Pain Medical Treatment Guidelines · " \
                                                              "Physical medicine treatment"
    groups = [row["group"] for row in facets["section"]]
    assert groups.index("ODG") > groups.index("MTUS") and groups == sorted(groups, key=["MTUS", "ODG", "ACOEM", "UpToDate", "Web"].index)
    assert {row["label"] for row in facets["reason"]} <= set(LABELS.values())
    body = client.get(reverse("search"), {"q": "physical", "section": CHRONIC_PAIN_PHYSICAL_MEDICINE}).content.decode()
    assert "Guideline section: MTUS · Chronic Pain Medical Treatment Guidelines · Physical medicine treatment" in body


def test_search_results_carry_their_reasons_and_sections(corpus, client):
    results = client.get(reverse("api_search"), {"q": "norco"}).json()["results"]
    assert results and all(hit["reasons"] and set(hit["reasons"]) <= set(LABELS) for hit in results)
    assert all(isinstance(hit["sections"], list) for hit in results)
    filtered = client.get(reverse("api_search"), {"reason": "no_monitoring"}).json()
    assert filtered["count"] == sum("no_monitoring" in item.reasons for item in DisputedItem.objects.all())


def test_the_results_page_draws_count_and_overturn_rate_by_year_with_a_table(corpus, client):
    body = client.get(reverse("search"), {"q": "mri"}).content.decode()
    assert '<svg class="chart year-chart"' in body and 'aria-hidden="true"' in body
    table = body[body.index('<table class="table table-sm year-table'):]
    table = table[:table.index("</table>")]
    years = client.get(reverse("api_search"), {"q": "mri"}).json()["facets"]["year"]
    for row in years:
        assert f'<th scope="row">{row["value"]}</th><td class="text-end">{row["count"]}</td>' in table


def test_the_case_page_shows_each_items_reasons_and_marks_their_sentences(corpus, client):
    body = client.get(reverse("determination", args=["CM16-0230651"])).content.decode()
    item = DisputedItem.objects.get(determination__slug="CM16-0230651", position=3)
    assert item.reasons
    start = body.index('id="item-3"')
    section = body[start:body.index("</section>", start)]
    for label in item.reasons:
        assert f">{escape(LABELS[label])}</a>" in section
    assert 'class="reason-sentence" data-reasons="' in section
    assert 'href="/guidelines/' in section  # its cited sections, linked to the citator


def test_parse_determination_json_items_carry_reasons_and_citations(capsys):
    call_command("parse_determination", "--json", str(DWC / "CM16-0230651.pdf"))
    item = json.loads(capsys.readouterr().out)[0]["items"][0]
    assert item["reasons"] and set(item["reasons"]) <= set(LABELS)
    citation = item["citations"][0]
    assert set(citation) == {"source", "guideline", "section", "pages", "edition", "as_written", "key"}


def test_the_upgrade_migration_derives_what_ingest_now_stores(corpus):
    derive = __import__("search.migrations.0005_derive_citations_and_reasons", fromlist=["derive"]).derive
    before = sorted(Citation.objects.values_list("item_id", "section__key", "position", "pages", "edition"))
    reasons = dict(DisputedItem.objects.values_list("pk", "reasons"))
    Citation.objects.all().delete()
    DisputedItem.objects.update(reasons=[])
    derive(apps, None)
    assert sorted(Citation.objects.values_list("item_id", "section__key", "position", "pages", "edition")) == before
    assert dict(DisputedItem.objects.values_list("pk", "reasons")) == reasons


def test_a_missing_index_gives_the_citator_503_naming_reindex(corpus, client, settings):
    shutil.rmtree(settings.INDEX_DIR.resolve())
    engine.reset()
    for url in (reverse("guidelines"), reverse("api_guidelines"),
                reverse("api_guideline_section", args=[CHRONIC_PAIN_PHYSICAL_MEDICINE])):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 503 and "manage.py reindex" in body and str(settings.DATA_DIR) not in body


def test_the_search_page_reads_sections_names_once_per_index_version(data_dir, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.ingest import ingest_paths

    def section_queries(query: dict) -> tuple[list[str], dict]:
        with CaptureQueriesContext(connection) as queries:
            facets = client.get(reverse("api_search"), query).json()["facets"]["section"]
            client.get(reverse("search"), query)
        return [q["sql"] for q in queries.captured_queries if "guidelinesection" in q["sql"].lower()], facets

    ingest_paths([SEEDS])
    first, before = section_queries({})
    again, _ = section_queries({"q": "pain"})
    assert first and not again  # the first page named them; the next pages of this index did not ask
    ingest_paths([DWC])
    after, facets = section_queries({})
    sources = {s.key: s.source for s in GuidelineSection.objects.all()}
    assert after and {row["value"] for row in facets} > {row["value"] for row in before}
    assert all(row["group"] == sources[row["value"]] for row in facets)  # the new sections named too
