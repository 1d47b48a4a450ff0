"""The index itself: counts that survive merges, atomic rebuilds, catching up after a crash."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.fields import ID, KEYWORD, Schema

from search import engine, indexing
from search.engine import SearchParams, config, folder
from search.ingest import ingest_paths
from search.models import Determination, DisputedItem

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db


def test_a_refreshed_searcher_counts_like_a_fresh_one_after_a_merge(tmp_path):
    """Whoosh 2.7.4 is pinned because its forks double counts here (Searcher.refresh after a merge)."""
    schema = Schema(key=ID(stored=True, unique=True), tag=KEYWORD)
    ix = windex.create_in(str(tmp_path), schema)
    for batch in range(10):  # ten small segments
        writer = ix.writer()
        for n in range(10):
            writer.add_document(key=f"{batch}-{n}", tag="even" if n % 2 == 0 else "odd")
        writer.commit(merge=False)
    searcher = ix.searcher()
    assert searcher.doc_count() == 100
    writer = ix.writer()
    writer.add_document(key="extra", tag="even")
    writer.commit(optimize=True)  # merges every segment into one
    refreshed = searcher.refresh()
    fresh = ix.searcher()
    assert refreshed.doc_count() == fresh.doc_count() == 101
    from whoosh.query import Term

    assert len(list(Term("tag", "even").docs(refreshed))) == len(list(Term("tag", "even").docs(fresh))) == 51


def test_search_counts_stay_right_after_more_documents_are_indexed(data_dir):
    ingest_paths([SEEDS])
    first = engine.search(SearchParams()).count
    ingest_paths([DWC])
    assert engine.search(SearchParams()).count == DisputedItem.objects.count() > first


def test_reindex_builds_a_new_folder_and_swaps_it_in(data_dir):
    ingest_paths([SEEDS, DWC])
    before = config.index_link().resolve()
    count = indexing.rebuild()
    after = config.index_link().resolve()
    assert count == Determination.objects.count()
    assert after != before and not before.exists()
    assert config.index_link().is_symlink()
    assert engine.search(SearchParams()).count == DisputedItem.objects.count()


def test_a_failed_rebuild_leaves_the_old_index_whole(data_dir, monkeypatch):
    ingest_paths([SEEDS])
    before = config.index_link().resolve()

    def explode(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexing, "_documents", explode)
    with pytest.raises(RuntimeError):
        indexing.rebuild()
    assert config.index_link().resolve() == before
    assert sorted(p.name for p in before.parent.glob("index-*")) == [before.name]
    assert engine.search(SearchParams()).count == DisputedItem.objects.count()


def test_stored_but_unindexed_determinations_are_indexed_by_the_next_run(data_dir):
    ingest_paths([SEEDS], index=False)  # as if killed between storing and indexing
    assert Determination.objects.filter(indexed=False).count() == 5
    assert engine.search(SearchParams()).count == 0
    ingest_paths([])
    assert Determination.objects.filter(indexed=False).count() == 0
    assert engine.search(SearchParams()).count == DisputedItem.objects.count()


def test_a_replaced_determination_leaves_no_stale_items(data_dir, tmp_path):
    ingest_paths([DWC / "CM16-0230651.pdf"])
    text = Determination.objects.get().text
    cut = text[: text.index("EMG/NCV of the upper extremities")]  # keep only the first item
    path = tmp_path / "CM16-0230651.txt"
    path.write_text(cut)
    ingest_paths([path])
    assert engine.search(SearchParams(q="case:CM16-0230651")).count == 1


def test_an_or_of_proximity_queries_can_be_sized_on_a_large_index(tmp_path):
    """Whoosh 2.7.4's SpanNear2 sizes itself through a name it never imported (patched in whoosh_internals.py)."""
    from whoosh.fields import TEXT
    from whoosh.query import Term, spans

    from search.engine import whoosh_internals

    whoosh_internals.install_patches()

    ix = windex.create_in(str(tmp_path), Schema(body=TEXT))
    writer = ix.writer()
    writer.add_document(body="weaning of opioids is advised")
    writer.commit()
    near = spans.SpanNear2([Term("body", "weaning"), Term("body", "opioids")], slop=5, ordered=False)
    with ix.searcher() as searcher:
        assert near.estimate_size(searcher.reader()) >= 0
        assert len(list(near.docs(searcher))) == 1


def test_every_match_is_counted_whatever_path_ranks_it(data_dir):
    ingest_paths([SEEDS, DWC])
    for q in ("pain", "pain AND medication", "norco OR valium", "mri -lumbar", "lum*", '"medically necessary"',
              "weaning /5 opioids"):
        ranked = engine.search(SearchParams(q=q, sort="relevance", per_page=500))
        dated = engine.search(SearchParams(q=q, sort="newest", per_page=500))
        assert ranked.count == dated.count == engine.count(SearchParams(q=q)), q
        assert {h.key for h in ranked.hits} == {h.key for h in dated.hits}, q


def test_commits_merge_small_segments_of_one_size_once_there_are_eight_keeping_their_order(tmp_path):
    schema = Schema(key=ID(stored=True, unique=True), tag=KEYWORD)
    ix = windex.create_in(str(tmp_path), schema)

    def commit(batch: int, size: int, **options) -> None:
        writer = ix.writer()
        for n in range(size):
            writer.add_document(key=f"{batch}-{n:05d}", tag="t")
        writer.commit(**options)

    commit(0, 600, merge=False)  # a bigger segment, of another tier
    commit(100, folder.MERGE_BELOW, merge=False)  # a big one: never merged by a commit
    for batch in range(1, 8):
        commit(batch, 20, merge=False)
    commit(8, 20, mergetype=folder.merge_small_tiers)  # seven of its size before it: nothing merges
    assert sorted(segment.doc_count() for segment in ix._segments()) == [20] * 8 + [600, folder.MERGE_BELOW]
    commit(9, 20, mergetype=folder.merge_small_tiers)  # eight before it: they merge, with it, into one
    assert sorted(segment.doc_count() for segment in ix._segments()) == [180, 600, folder.MERGE_BELOW]
    with ix.searcher() as searcher:
        keys = [searcher.stored_fields(docnum)["key"] for docnum in range(searcher.doc_count_all())]
    for batch in [*range(10), 100]:  # each batch's documents still together and in order
        positions = [i for i, key in enumerate(keys) if key.startswith(f"{batch}-")]
        assert positions == list(range(positions[0], positions[0] + len(positions)))
        assert [keys[i] for i in positions] == sorted(keys[i] for i in positions)


def test_a_background_indexer_stops_between_batches_once_its_ingest_is_gone(data_dir):
    ingest_paths([SEEDS], index=False)
    assert indexing.index_pending(go_on=lambda: False) == 0
    assert Determination.objects.filter(indexed=False).count() == 5
    assert folder.process_running(os.getpid())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while folder.process_running(dead.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.process_running(dead.pid)  # ended, not yet reaped: a zombie is not running
    dead.wait()
    assert not folder.process_running(dead.pid)
    assert indexing.index_pending(batch=2, go_on=lambda: True) == 5


def _answers(queries: tuple[str, ...]) -> dict[str, tuple]:
    """What the site shows for each query: the count, every hit in order and every facet's counts."""
    answers = {}
    for q in queries:
        result = engine.search(SearchParams(q=q, sort="newest", per_page=500))
        answers[q] = (result.count, [hit.key for hit in result.hits],
                      {name: [(value.value, value.count) for value in values] for name, values in result.facets.items()})
    return answers


QUERIES = ("", "pain", "norco OR valium", '"medically necessary"', "weaning /5 opioids", "lum*", "outcome:overturned")


def test_a_batch_written_by_helper_processes_answers_like_one_written_by_one(data_dir, monkeypatch):
    ingest_paths([SEEDS, DWC], index=False)
    indexing.rebuild()  # one process, one segment
    alone = _answers(QUERIES)
    monkeypatch.setattr(folder, "MERGE_BELOW", 40)  # parts of a few determinations, as 2,048 items are at scale
    monkeypatch.setattr(config._config, "index_processes", 3)
    Determination.objects.update(indexed=False)
    engine.rebuild(())  # an empty index, swapped in
    assert indexing.index_pending(batch=1000) == Determination.objects.count()
    segments = folder.open_index()._segments()
    assert len(segments) == 3 and all(segment.doc_count() >= 40 for segment in segments)
    assert sum(segment.doc_count() for segment in segments) == DisputedItem.objects.count()
    engine.reset()
    assert _answers(QUERIES) == alone
    assert indexing.check_against_database().ok


def test_parts_keep_each_determination_whole_and_in_order(data_dir, monkeypatch):
    ingest_paths([SEEDS, DWC], index=False)
    documents = list(indexing.documents(Determination.objects.order_by("pk")))
    monkeypatch.setattr(folder, "MERGE_BELOW", 40)
    cut = folder.parts(documents, 3)
    assert len(cut) == 3 and [d for part in cut for d in part] == documents
    assert all(part[0].first for part in cut)
    assert len(folder.parts(documents, 1)) == 1
    monkeypatch.setattr(folder, "MERGE_BELOW", len(documents) // 2 + 1)  # too few items for two parts
    assert folder.parts(documents, 3) == [documents]


def test_a_batch_whose_helper_fails_is_not_indexed_at_all(data_dir, monkeypatch):
    import dataclasses

    ingest_paths([SEEDS])
    before = _answers(("",))
    ingest_paths([DWC], index=False)
    monkeypatch.setattr(folder, "MERGE_BELOW", 40)
    monkeypatch.setattr(config._config, "index_processes", 2)
    stored = Determination.objects.filter(indexed=False).order_by("pk")
    documents = list(indexing.documents(stored))
    # The helper writes the first part; an item it cannot index fails it, after it wrote some.
    documents[3] = dataclasses.replace(documents[3], added="not a time")
    with pytest.raises(AttributeError):
        engine.replace([d.slug for d in stored], documents)
    engine.reset()
    assert _answers(("",)) == before
    live = config.index_link().resolve()

    def leftovers() -> list[str]:
        names = {segment.segment_id() for segment in folder.open_index()._segments()}
        return [path.name for path in live.iterdir()
                if path.name.startswith("MAIN_") and path.name.split(".")[0] not in {*names, "MAIN_WRITELOCK"}]

    assert leftovers()  # the helper's files, listed in no commit
    indexing.index_pending()  # the next commit deletes them
    assert not leftovers()
    assert indexing.check_against_database().ok


def test_the_helper_processes_are_kept_between_commits_and_replaced_after_a_failure(data_dir, monkeypatch):
    import dataclasses

    ingest_paths([SEEDS, DWC], index=False)
    monkeypatch.setattr(folder, "MERGE_BELOW", 40)
    monkeypatch.setattr(config._config, "index_processes", 2)
    folder.close_helpers()
    stored = list(Determination.objects.order_by("pk"))
    halves = (stored[:len(stored) // 2], stored[len(stored) // 2:])
    helper_pids = []
    for half in halves:
        documents = list(indexing.documents(Determination.objects.filter(pk__in=[d.pk for d in half]).order_by("pk")))
        engine.replace([d.slug for d in half], documents)
        helper_pids.append(folder._helpers(1).submit(os.getpid).result())
    assert helper_pids[0] == helper_pids[1] != os.getpid()  # one helper for both commits
    documents = list(indexing.documents(Determination.objects.order_by("pk")))
    documents[3] = dataclasses.replace(documents[3], added="not a time")  # fails the helper's part
    with pytest.raises(AttributeError):
        engine.replace([d.slug for d in stored], documents)
    assert folder._helper_pool is None  # not trusted with the next batch
    assert folder._helpers(1).submit(os.getpid).result() != helper_pids[0]
    folder.close_helpers()
    assert folder._helper_pool is None


def test_a_helper_process_ends_when_the_process_it_helps_is_killed(tmp_path):
    script = ("import os, sys; from search.engine import folder; "
              "print(folder._helpers(1).submit(os.getpid).result(), flush=True); os._exit(0)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "imrsite.settings"}
    with open(tmp_path / "out", "w") as out:
        subprocess.run([sys.executable, "-c", script], stdout=out, env=env, cwd=Path(__file__).resolve().parents[1],
                       timeout=60, check=True)
    helper = int((tmp_path / "out").read_text().split()[-1])
    deadline = time.monotonic() + 10
    while folder.process_running(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not folder.process_running(helper)


def test_a_batch_citing_more_than_a_thousand_sections_is_indexed(data_dir):
    """SQLite refuses an OR of more than 1,000 terms: what Django asks for when a batch's cited
    sections are prefetched on their own. At 300,000 determinations every batch cited more."""
    from search.models import Citation, GuidelineSection

    ingest_paths([SEEDS])
    item = DisputedItem.objects.order_by("pk").first()
    sections = GuidelineSection.objects.bulk_create(
        GuidelineSection(key=f"odg-test-{n}", source="ODG", guideline="Test", name=f"Section {n}") for n in range(1100))
    after = item.citations.count()  # positions are the item's own order: no two alike
    Citation.objects.bulk_create(Citation(item=item, section=section, position=after + n + 1)
                                 for n, section in enumerate(sections))
    Determination.objects.filter(pk=item.determination_id).update(indexed=False)
    assert indexing.index_pending() == 1
    assert indexing.check_against_database().ok
    found = engine.search(SearchParams(filters={"section": ["odg-test-1099"]}))
    assert [hit.key for hit in found.hits] == [f"{item.determination.slug}#{item.position}"]


@pytest.mark.parametrize("absent", [2, 400])  # a few slugs are asked about; many, looked up in each segment's
def test_a_commit_deletes_the_items_of_exactly_the_determinations_the_index_holds(data_dir, absent):
    ingest_paths([SEEDS])
    ingest_paths([DWC])  # a second segment
    gone = Determination.objects.order_by("slug").first().slug
    engine.remove([gone])  # its documents deleted: its slug may still be in its segment's terms
    stored = sorted(Determination.objects.values_list("slug", flat=True))
    asked = stored[:absent // 2] + [f"CM99-{n:07d}" for n in range(absent)] + [gone]
    with windex.open_dir(str(folder.live_index())).searcher() as searcher:
        reader = searcher.reader()
        assert len(reader.leaf_readers()) >= 2
        held = set(folder.held_slugs(reader, asked))
        with_documents = {slug for slug in asked if any(True for _ in searcher.document_numbers(slug=slug))}
    assert with_documents == set(stored[:absent // 2]) - {gone}
    assert with_documents <= held <= with_documents | {gone}


def documents_from_models() -> list[engine.ItemDocument]:
    """Each stored item as its model instances tell it, one relation at a time: what the rows
    the indexer reads in bulk must make."""
    made = []
    for determination in Determination.objects.order_by("pk"):
        for number, item in enumerate(determination.items.order_by("position")):
            made.append(engine.ItemDocument(
                slug=determination.slug, position=item.position, first=number == 0,
                case_number=determination.case_number or "", decision_date=determination.decision_date,
                added=determination.updated_at, request=item.request, rationale=item.rationale,
                summary=determination.summary, outcome=item.outcome, drug=item.drug or "", brand=item.brand or "",
                category=item.category, states=determination.reviewer_states,
                specialties=determination.reviewer_specialties + determination.reviewer_subspecialties,
                guidelines=item.guidelines,
                sections=[citation.section.key for citation in item.citations.order_by("position")],
                reasons=item.reasons, citations=item.cited_text, generated=determination.generated))
    return made


@pytest.mark.parametrize("chunk", [1, 7, 1000])  # chunks that cut the corpus anywhere, and one for all of it
def test_the_documents_read_from_rows_are_the_stored_items_in_order(data_dir, chunk):
    ingest_paths([SEEDS, DWC], index=False)
    expected = documents_from_models()
    assert len(expected) == DisputedItem.objects.count() > 150
    assert any(document.sections for document in expected) and any(document.reasons for document in expected)
    assert list(indexing.documents(Determination.objects.order_by("pk"), chunk=chunk)) == expected


def test_a_determination_changed_while_its_batch_was_indexed_stays_flagged(data_dir, monkeypatch):
    ingest_paths([SEEDS], index=False)
    changed = Determination.objects.order_by("pk")[2]
    replace = engine.replace

    def edited_meanwhile(slugs, documents):
        replace(slugs, documents)
        changed.summary += " Amended."
        changed.indexed = False
        changed.save()  # what an admin's edit does: updated_at moves, the row is flagged again
        monkeypatch.setattr(engine, "replace", replace)  # once

    monkeypatch.setattr(engine, "replace", edited_meanwhile)
    assert indexing.index_pending(batch=1000, go_on=iter([True, False]).__next__) == 5
    assert list(Determination.objects.filter(indexed=False).values_list("slug", flat=True)) == [changed.slug]
    assert indexing.index_pending(batch=1000) == 1
    assert not Determination.objects.filter(indexed=False).exists()
    assert indexing.check_against_database().ok
