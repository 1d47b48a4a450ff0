"""Generated demo documents look like real ones (a case number, dates) and are marked as generated
wherever the site shows them, so the demo never passes synthetic text off as a real decision."""
from __future__ import annotations

import pytest
from django.urls import reverse

from devtools.corpus import generate
from search import engine, parser
from search.engine import SearchParams
from search.ingest import ingest_paths
from search.record import GENERATED_NOTICE

from .conftest import SEEDS


def test_demo_documents_carry_a_case_number_and_dates_and_parse_back_as_generated():
    for _, text, record in generate(150, seed=5, demo=True):
        assert text.startswith(GENERATED_NOTICE)
        assert record.case_number and record.decision_date and record.date_assigned
        assert parser.parse(text) == record and record.generated


def test_the_test_corpus_is_unmarked_and_keeps_its_headerless_documents():
    records = [record for _, text, record in generate(150, seed=5) if GENERATED_NOTICE not in text]
    assert len(records) == 150 and not any(r.generated for r in records)
    assert any(r.case_number is None for r in records)


@pytest.mark.django_db
def test_generated_items_are_labelled_in_results_facets_and_on_the_case_page(data_dir, tmp_path, client):
    demo = tmp_path / "demo"
    demo.mkdir()
    for name, text, _ in generate(3, seed=9, demo=True):
        (demo / name).write_text(text)
    ingest_paths([demo, SEEDS])
    result = engine.search(SearchParams(per_page=100))
    sources = {v.value: v.count for v in result.facets["source"]}
    generated = [hit for hit in result.hits if hit.generated]
    assert sources["Generated (demonstration)"] == len(generated) > 0
    assert sources["Real determinations"] == len(result.hits) - len(generated)
    only_real = engine.search(SearchParams(filters={"source": ["real"]}, per_page=100))
    assert only_real.count == sources["Real determinations"] and not any(h.generated for h in only_real.hits)

    page = client.get(reverse("search")).content.decode()
    first_page = engine.search(SearchParams(sort="newest")).hits
    assert page.count('class="badge text-bg-secondary badge-generated"') == sum(h.generated for h in first_page) > 0
    fake = client.get(reverse("determination", args=[generated[0].slug])).content.decode()
    assert "Generated for demonstration." in fake and "must not be cited" in fake
    api = client.get(reverse("api_search"), {"source": "generated"}).json()
    assert api["count"] == len(generated) and all(row["generated"] for row in api["results"])
    export = b"".join(client.get(reverse("export_csv"), {"source": "generated"}).streaming_content).decode()
    header, *rows = export.strip().splitlines()
    assert header.endswith(",generated") and len(rows) == len(generated) and all(r.endswith(",yes") for r in rows)
    real = next(hit for hit in result.hits if not hit.generated)
    assert "Generated for demonstration." not in client.get(reverse("determination", args=[real.slug])).content.decode()


@pytest.mark.django_db
def test_a_generated_item_among_similar_determinations_is_labelled(data_dir, tmp_path):
    from search import casepage
    from search.models import DisputedItem

    demo = tmp_path / "demo"
    demo.mkdir()
    for name, text, _ in generate(40, seed=9, demo=True):
        (demo / name).write_text(text)
    ingest_paths([demo, SEEDS])
    shown = [s for item in DisputedItem.objects.select_related("determination")
             for s in casepage.similar_items(slug=item.determination.slug, item=item)]
    generated = {slug for slug in DisputedItem.objects.filter(determination__generated=True)
                 .values_list("determination__slug", flat=True)}
    assert any(s.slug in generated for s in shown) and any(s.slug not in generated for s in shown)
    assert all(s.generated == (s.slug in generated) for s in shown)
