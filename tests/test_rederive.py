"""``manage.py rederive`` brings stored items' stated reasons and citations up to the current rules,
changing only what differs, and ``--reindex`` makes the index agree with the database again."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from search.citations import parse_citations
from search.indexing import check_against_database
from search.models import Citation, DisputedItem, GuidelineSection
from search.reasons import labels

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rederive", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def citation_facts(item: DisputedItem) -> list[tuple[str, str]]:
    return [(c.section.key, c.pages) for c in item.citations.order_by("position")]


def test_rederive_restores_reasons_and_citations_stored_by_older_rules_and_reindexes(ingested):
    ingested(SEEDS, DWC)
    stale_reasons, lost_citations, wrong_citation = DisputedItem.objects.exclude(maximus_guideline="").order_by("pk")[:3]
    stale_reasons.reasons = ["other"]
    stale_reasons.save(update_fields=["reasons"])
    lost_citations.citations.all().delete()
    bogus = GuidelineSection.objects.create(key="made-up", source="Web", name="Made up")
    Citation.objects.create(item=wrong_citation, section=bogus, position=99, pages="1")
    call_command("reindex", stdout=io.StringIO())
    assert check_against_database().ok  # the index holds the old rules' values, like the database

    out = run("--reindex")

    assert "3 items" not in out and "with new stated reasons" in out
    assert "1 with new stated reasons, 2 with new citations" in out
    for item in (stale_reasons, lost_citations, wrong_citation):
        item.refresh_from_db()
        assert item.reasons == labels(item.rationale, item.outcome)
        assert citation_facts(item) == [(c.key, c.pages) for c in parse_citations(item.maximus_guideline)]
    assert check_against_database().ok
    assert "0 with new stated reasons, 0 with new citations" in run()


def test_rederive_changes_nothing_when_the_rules_have_not_changed(ingested):
    ingested(SEEDS, DWC)
    before = sorted(Citation.objects.values_list("pk", "item_id", "section_id", "position", "pages"))
    out = run()
    assert f"rederived {DisputedItem.objects.count()} items" in out
    assert "0 with new stated reasons, 0 with new citations" in out
    assert sorted(Citation.objects.values_list("pk", "item_id", "section_id", "position", "pages")) == before
