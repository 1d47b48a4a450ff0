"""The CSV export over the real documents: the old columns as scripts know them, and what the database adds."""
from __future__ import annotations

import csv
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import engine, export
from search.engine import SearchParams
from search.models import DisputedItem

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db

CASE = "CM16-0213037"  # two imaging items, injured Oct. 13, 2016; reviewer licensed in California and North Carolina
# The columns as they were before the export grew: scripts read them by name and by position.
OLD_COLUMNS = ["case_number", "decision_date", "item", "request", "outcome", "drug", "brand", "category",
               "reviewer_states", "reviewer_specialties", "url", "rationale"]


@pytest.fixture
def corpus(ingested):
    ingested(SEEDS, DWC)


def exported(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("export_csv"), params)
    assert response.status_code == 200 and response.streaming
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def header(client, **params) -> list[str]:
    response = client.get(reverse("export_csv"), params)
    return next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def stored(row: dict[str, str]) -> DisputedItem:
    slug = row["url"].split("/determinations/")[1].split("/")[0]
    return DisputedItem.objects.select_related("determination").get(determination__slug=slug, position=row["item"])


def test_the_old_columns_keep_their_names_and_order_and_the_new_ones_follow(corpus, client):
    assert header(client, q="mri") == [*OLD_COLUMNS, "injury_date", "guidelines", "generated"]
    assert header(client, q="nothingmatchesthisword") == [*OLD_COLUMNS, "injury_date", "guidelines", "generated"]


def test_each_row_gives_the_date_of_injury_the_cited_guidelines_and_the_items_address(corpus, client):
    rows = exported(client, q=f"case:{CASE}")
    assert [row["item"] for row in rows] == ["1", "2"]
    for row in rows:
        item = stored(row)
        assert row["case_number"] == CASE
        assert row["injury_date"] == item.determination.injury_date.isoformat() == "2016-10-13"
        assert row["guidelines"] == (f"Claims Administrator: {item.claims_guideline} | "
                                     f"MAXIMUS: {item.maximus_guideline}")
        assert row["reviewer_states"] == "California; North Carolina"
        assert row["url"] == f"http://testserver/determinations/{CASE}/#item-{item.position}"
    assert rows[0]["guidelines"] == ("Claims Administrator: Decision based on MTUS Shoulder Complaints 2004. | "
                                     "MAXIMUS: Decision based on MTUS Shoulder Complaints 2004, Section(s): "
                                     "Special Studies.")


def test_every_row_of_a_full_export_agrees_with_its_stored_item(corpus, client):
    rows = exported(client)
    assert len(rows) == DisputedItem.objects.count() > 150
    for row in rows:
        item = stored(row)
        injury = item.determination.injury_date
        assert row["injury_date"] == (injury.isoformat() if injury else "")
        assert row["guidelines"] == export.guidelines_text(item)
        assert item.claims_guideline.strip() in row["guidelines"] and item.maximus_guideline.strip() in row["guidelines"]
        assert row["request"] == item.request and row["outcome"] == item.outcome
        assert row["reviewer_states"] == "; ".join(item.determination.reviewer_states)


def test_the_database_is_read_once_per_batch_of_hits_not_once_per_row(corpus, client, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 50)
    response = client.get(reverse("export_csv"))
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(response.streaming_content).decode()
    rows = len(list(csv.reader(io.StringIO(body)))) - 1
    assert rows == DisputedItem.objects.count() > 150
    assert len(queries) == math.ceil(rows / 50)


def test_a_query_that_cannot_be_read_is_refused_before_the_export_starts(corpus, client):
    response = client.get(reverse("export_csv"), {"q": '"unclosed'})
    assert response.status_code == 400 and "could not be read" in response.content.decode()


def test_the_export_follows_the_chosen_sort(corpus, client):
    ranked = engine.search(SearchParams(q="weaning", per_page=500))
    rows = exported(client, q="weaning")
    assert [(r["case_number"], int(r["item"])) for r in rows] == [(h.case_number, h.position) for h in ranked.hits]
    oldest = [r["decision_date"] for r in exported(client, q="weaning", sort="oldest")]
    dated = [d for d in oldest if d]
    assert dated and oldest == sorted(dated) + [""] * (len(oldest) - len(dated))
    newest = [r["decision_date"] for r in exported(client, q="weaning", sort="newest")]
    assert newest == sorted(dated, reverse=True) + [""] * (len(newest) - len(dated))


def test_an_export_past_its_bound_is_refused_with_a_message_not_cut_short(corpus, client, settings):
    settings.IMR_EXPORT_MAX_ROWS = 5
    matching = engine.count(SearchParams(q="pain"))
    assert matching > 5
    response = client.get(reverse("export_csv"), {"q": "pain"})
    assert response.status_code == 400
    assert f"matches {matching:,} items; an export holds at most 5" in response.content.decode()
    page = client.get(reverse("search"), {"q": "pain"}).content.decode()
    assert "An export holds at most 5 items" in page and f'{reverse("export_csv")}?q=pain' not in page
    few = client.get(reverse("export_csv"), {"q": "CM16-0213037"})
    assert few.status_code == 200 and len(list(csv.reader(io.StringIO(b"".join(few).decode())))) <= 6
