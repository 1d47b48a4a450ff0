"""The session's ingest snapshots (tests/snapshots.py): a restored corpus is the ingested one."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from search import engine
from search.engine import SearchParams
from search.engine import searcher as engine_searcher
from search.indexing import check_against_database
from search.models import Determination, DisputedItem

from .conftest import SEEDS
from .snapshots import Corpora

pytestmark = pytest.mark.django_db

RUNS = ([SEEDS / "001_dc3f27e9efaf9617.txt"], [SEEDS / "002_d2b0d2b9a629fb73.txt"])


def state() -> dict:
    """Everything of a stored and indexed corpus but the primary keys."""
    determinations = [{k: v for k, v in row.items() if k != "id"}
                      for row in Determination.objects.order_by("pk").values()]
    items = [{k: v for k, v in row.items() if k not in ("id", "determination_id")}
             for row in DisputedItem.objects.order_by("pk").values("determination__slug", *[
                 f.attname for f in DisputedItem._meta.concrete_fields])]
    reader = engine_searcher.current().searcher.reader()
    documents = [reader.stored_fields(docnum) for docnum in reader.all_doc_ids()]
    return {"determinations": determinations, "items": items, "documents": documents,
            "segments": len(engine_searcher.current().searcher.reader().leaf_readers()),
            "count": engine.search(SearchParams()).count}


def originals(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_restored_corpus_equals_the_ingested_one(data_dir, settings, tmp_path_factory):
    corpora = Corpora(tmp_path_factory.mktemp("own-corpora"))  # its own: the first call ingests for real
    corpora.ingest(RUNS)
    ingested = state()
    first_pks = set(Determination.objects.values_list("pk", flat=True))
    assert ingested["segments"] == 2 and ingested["count"] == DisputedItem.objects.count() > 0
    assert check_against_database().ok
    ingested_originals = originals(Path(settings.MEDIA_ROOT))

    Determination.objects.all().delete()
    elsewhere = tmp_path_factory.mktemp("restored")
    settings.DATA_DIR, settings.INDEX_DIR = elsewhere, elsewhere / "index"
    settings.ORIGINALS_DIR = settings.MEDIA_ROOT = elsewhere / "originals"
    engine.reset()
    corpora.ingest(RUNS)

    assert state() == ingested  # the stored times to the microsecond, the items in order, the index
    assert check_against_database().ok
    assert not first_pks & set(Determination.objects.values_list("pk", flat=True))  # new keys, not copied
    assert originals(elsewhere / "originals") == ingested_originals
    link = elsewhere / "index"
    assert link.is_symlink() and os.readlink(link).startswith("index-") and "/" not in os.readlink(link)
    assert link.resolve().parent == elsewhere
    # The database goes on giving keys after the restored rows (PostgreSQL's sequence too).
    base = Determination.objects.order_by("pk").last()
    extra = Determination.objects.create(slug="doc-extra", source_name="x.txt", original=base.original.name,
                                         text="", sha256="0" * 64)
    assert extra.pk > base.pk
