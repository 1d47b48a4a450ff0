"""Ranking and matching in numpy give what Whoosh itself gives, on the real determinations."""
from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from search import engine, indexing
from search.engine import SearchParams, find, folder, schema, scoring
from search.engine import searcher as engine_searcher
from search.engine import whoosh_internals as internals
from search.engine.similar import SIMILAR_TERMS
from search.ingest import ingest_paths

from .conftest import DWC, SEEDS, seed_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(ingested, db):
    ingested.runs([SEEDS], [DWC])  # a second run: the index has several segments


def searcher():
    return engine_searcher.current().searcher


@pytest.mark.parametrize("fieldname, word", [("rationale", "pain"), ("summary", "pain"), ("request", "norco"),
                                              ("rationale_pairs", "medic necessari"), ("f_outcome", "upheld")])
def test_block_reads_give_whooshs_own_postings(corpus, fieldname, word):
    reader = searcher().reader()
    docs, weights = engine_searcher.current().store.postings(reader, fieldname, word.encode())
    matcher = reader.postings(fieldname, word.encode())
    expected = list(zip(*[(d, w) for d, w in matcher.items_as("weight")]))
    assert len(docs) > 0
    assert docs.tolist() == list(expected[0])
    assert weights.tolist() == pytest.approx(list(expected[1]))


def test_field_lengths_and_date_columns_equal_whooshs(corpus):
    reader = searcher().reader()
    arrays = engine_searcher.current().version
    lengths, dates = arrays.lengths["rationale"], arrays.decision_date
    for docnum in reader.all_doc_ids():
        assert lengths[docnum] == (reader.doc_field_length(docnum, "rationale") or 0)
    assert dates.tolist() == [value or 0 for value in reader.column_reader("decision_date")]


# Fields each item holds itself (the summary is held by a determination's first item only).
@pytest.mark.parametrize("q", ["rationale:pain", "rationale:pain rationale:medication",
                               "request:norco OR request:tramadol", "rationale:opioid -request:norco",
                               "rationale:urin* rationale:drug"])
def test_scores_equal_whooshs_bm25f(corpus, q):
    _assert_scores_are_whooshs(q)


def test_scores_kept_by_one_searcher_version_are_not_the_next_ones(data_dir):
    """A term's scores are kept per version: after an ingest its frequency and the lengths differ."""
    ingest_paths([SEEDS])
    _assert_scores_are_whooshs("rationale:pain")
    ingest_paths([DWC])
    _assert_scores_are_whooshs("rationale:pain")


def _assert_scores_are_whooshs(q: str) -> None:
    result = engine.search(SearchParams(q=q, per_page=50))
    whoosh_searcher = searcher()
    query = find.parse(q, engine_searcher.current())
    theirs = {hit.docnum: hit.score for hit in whoosh_searcher.search(query, limit=None)}
    assert result.count == len(theirs)
    for hit in result.hits:
        docnum = next(iter(whoosh_searcher.document_numbers(key=hit.key)))
        assert hit.score == pytest.approx(theirs[docnum], rel=1e-5)
    shown = [hit.score for hit in result.hits]
    assert shown == pytest.approx(sorted(theirs.values(), reverse=True)[:len(shown)], rel=1e-5)


def test_a_two_word_phrase_is_counted_exactly_from_word_pairs(corpus):
    whoosh_searcher = searcher()
    exact = wq.Or([wq.Phrase(field, ["medic", "necessari"]) for field in ("request", "rationale", "summary")])
    assert engine.search(SearchParams(q='"medically necessary"')).count == len(list(exact.docs(whoosh_searcher)))


def test_a_long_phrase_whose_pairs_are_apart_is_never_shown(data_dir, tmp_path):
    text = seed_text("000_f9e98a1e4886a13a.txt")
    assert "According to ODG, chronic pain" in text
    apart = text.replace("According to ODG, chronic pain", "Zorbly quaxen, then quaxen frimble. Chronic pain", 1)
    together = text.replace("According to ODG, chronic pain", "Zorbly quaxen frimble. Chronic pain", 1)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "apart.txt").write_text(apart)
    (tmp_path / "docs" / "together.txt").write_text(together)
    ingest_paths([tmp_path / "docs"])
    for sort in ("relevance", "newest"):
        hits = engine.search(SearchParams(q='"zorbly quaxen frimble"', sort=sort)).hits
        rationales = [hit.rationale for hit in hits]
        assert rationales and all("Zorbly quaxen frimble" in r for r in rationales)
        assert not any("quaxen, then" in r for r in rationales)
    exported = list(engine.iter_matches(SearchParams(q='"zorbly quaxen frimble"')))
    assert exported and all("Zorbly quaxen frimble" in hit.rationale for hit in exported)
    assert engine.search(SearchParams(q='"zorbly quaxen"')).count == len(
        engine.search(SearchParams(q="zorbly quaxen")).hits)


def test_segment_files_are_read_from_the_map_not_copied(corpus):
    from search.engine.whoosh_internals import MappedBufferFile

    indexing.rebuild()  # one optimised, compound segment
    engine.reset()
    reader = searcher().reader()
    assert reader.is_atomic()  # one segment: its files are parts of one compound file
    column_file = reader._perdoc._get_column_file("decision_date")[0]
    assert isinstance(column_file, MappedBufferFile)
    assert engine.search(SearchParams(q="pain")).count > 0


def test_an_index_built_before_the_pair_fields_still_takes_documents_and_phrases(data_dir, monkeypatch, settings):
    import shutil

    from whoosh.fields import Schema

    shutil.rmtree(settings.INDEX_DIR.resolve())  # the data folder's new empty index, made again with the old schema
    settings.INDEX_DIR.unlink()

    old = Schema(**{name: fieldobj for name, fieldobj in schema.SCHEMA.items()
                    if name not in schema.PAIR_FIELDS.values()})
    monkeypatch.setattr(folder, "SCHEMA", old)
    folder.ensure_index()
    monkeypatch.undo()
    ingest_paths([SEEDS])
    assert not engine_searcher.current().version.has_pairs
    positions = engine.search(SearchParams(q='"not medically necessary"')).count
    indexing.rebuild()
    assert engine_searcher.current().version.has_pairs
    assert engine.search(SearchParams(q='"not medically necessary"')).count == positions > 0


def items_with_summary_word(word: str) -> set[tuple[str, int]]:
    from search.models import DisputedItem

    return {(item.determination.slug, item.position)
            for item in DisputedItem.objects.select_related("determination")
            if word in [token.text for token in schema.TEXT_ANALYZER(item.determination.summary)]}


def test_a_word_in_the_case_summary_finds_every_item_of_the_determination_alike(corpus):
    result = engine.search(SearchParams(q="summary:knee", per_page=1000))
    expected = items_with_summary_word("knee")
    assert {(hit.slug, hit.position) for hit in result.hits} == expected and result.count == len(expected)
    scores: dict[str, list[float]] = {}
    for hit in result.hits:
        scores.setdefault(hit.slug, []).append(hit.score)
    assert any(len(items) > 1 for items in scores.values())
    assert all(max(items) == pytest.approx(min(items)) for items in scores.values())  # one score each


def test_a_replaced_determination_keeps_its_items_together_through_merges(data_dir, tmp_path):
    from django.db.models import Count

    from search.models import Determination

    ingest_paths([DWC])
    first = Determination.objects.annotate(n=Count("items")).filter(n__gte=3).order_by("slug").first()
    opening = first.summary.split()[0]
    changed = tmp_path / f"{first.case_number}.txt"
    changed.write_text(first.text.replace(opening, f"Zanzibarite {opening}", 1))
    assert ingest_paths([changed]).counts["updated"] == 1
    assert "Zanzibarite" in Determination.objects.get(pk=first.pk).summary

    def found() -> set[tuple[str, int]]:
        return {(hit.slug, hit.position) for hit in engine.search(SearchParams(q="zanzibarite", scope="summary")).hits}

    items = {(first.slug, position) for position in range(1, first.n + 1)}
    assert found() == items
    indexing.rebuild()
    assert found() == items
    assert engine.search(SearchParams(q="summary:knee")).count == len(items_with_summary_word("knee")) > 0


def test_after_a_new_segment_only_that_segment_is_read(tmp_path, monkeypatch):
    from whoosh import index as windex
    from whoosh.fields import KEYWORD, TEXT, Schema

    from search.engine import segments

    ix = windex.create_in(str(tmp_path), Schema(body=TEXT, f_outcome=KEYWORD(commas=True, scorable=False)))

    def add(batch: int) -> None:
        writer = ix.writer()
        for n in range(20):
            writer.add_document(body=f"pain batch{batch} item{n}", f_outcome="upheld" if n % 4 else "overturned")
        writer.commit(merge=False)

    read: list[str] = []
    original = internals.leaf_postings
    monkeypatch.setattr(internals, "leaf_postings",
                        lambda leaf, fieldname, btext: read.append(internals.segment_id(leaf)) or
                        original(leaf, fieldname, btext))
    store = segments.SegmentStore(term_budget=1 << 20)
    add(1)
    first = ix.searcher().reader()
    docs, _ = store.postings(first, "body", b"pain")
    outcomes = store.segment(internals.leaves(first)[0][0], ["f_outcome"]).facets["f_outcome"]
    assert len(docs) == 20 and dict(zip(outcomes.values, outcomes.counts.tolist())) == {"upheld": 15, "overturned": 5}
    add(2)
    second = ix.searcher().reader()
    read.clear()
    docs, _ = store.postings(second, "body", b"pain")
    for leaf, _ in internals.leaves(second):
        store.segment(leaf, ["f_outcome"])
    new_segment = internals.segment_id(internals.leaves(second)[1][0])
    assert docs.tolist() == list(range(40))
    assert set(read) == {new_segment}  # the first segment's postings and facets were kept


def _segmented_index(tmp_path, batches: list[list[str]]):
    """A Whoosh index with one segment per batch of bodies, and a function adding one more."""
    from whoosh import index as windex
    from whoosh.fields import TEXT, Schema

    ix = windex.create_in(str(tmp_path), Schema(body=TEXT))

    def add(bodies: list[str]) -> None:
        writer = ix.writer()
        for body in bodies:
            writer.add_document(body=body)
        writer.commit(merge=False)

    for bodies in batches:
        add(bodies)
    return ix, add


def test_a_word_absent_from_every_segment_is_found_once_a_new_segment_holds_it(tmp_path):
    from search.engine import segments

    ix, add = _segmented_index(tmp_path, [["pain knee"], ["pain back"]])
    store = segments.SegmentStore(term_budget=1 << 20)
    first = ix.searcher().reader()
    assert store.has_term(first, "body", b"pain") and not store.has_term(first, "body", b"vicodin")
    add(["vicodin taken"])
    second = ix.searcher().reader()
    assert store.has_term(second, "body", b"vicodin")  # the absences kept for the old segments do not hide it
    assert not store.has_term(first, "body", b"vicodin")  # the old version answers as it did
    assert internals.reader_memo(second, "contains") == {("body", b"vicodin"): True}  # one memo, kept on the reader


def test_whole_index_postings_are_kept_within_half_the_budget_and_read_like_each_segments(tmp_path):
    from search.engine import segments

    words = [f"word{n}" for n in range(40)]
    ix, _ = _segmented_index(tmp_path, [[" ".join(words[n:]) for n in range(40)] for _ in range(3)])
    store = segments.SegmentStore(term_budget=4 * 2_000)
    reader = ix.searcher().reader()
    for word in words:
        docs, weights = store.postings(reader, "body", word.encode())
        expected = [offset + doc for leaf, offset in internals.leaves(reader)
                    for doc in internals.leaf_postings(leaf, "body", word.encode())[0].tolist()]
        assert docs.tolist() == expected and len(weights) == len(docs)
    merged = internals.kept_on_reader(reader, "merged postings", dict)
    assert 0 < merged.bytes <= 4_000 and len(merged.terms) < len(words)


def test_the_postings_kept_grow_with_the_index_and_a_smaller_budget_drops_the_oldest():
    from search.engine import searcher as searcher_module
    from search.engine import segments

    floor = searcher_module.TERM_CACHE_BYTES
    assert searcher_module.term_budget(1_000) == floor
    assert searcher_module.term_budget(2_293_749) > 3 * floor  # the 1,000,000 run's items: a mix's terms fit
    kept = segments.KeptPostings(10_000)
    for n in range(5):
        kept.put(("body", n), (np.arange(100, dtype=np.int64), np.ones(100, dtype=np.float32)))  # 1,600 bytes each
    kept.get(("body", 0))  # used again: the newest
    kept.resize(5_000)
    assert list(kept) == [("body", 3), ("body", 4), ("body", 0)] and kept.bytes <= 5_000


def test_a_worker_keeps_as_many_postings_as_its_index_is_large(corpus):
    from search.engine import searcher as searcher_module

    context = searcher_module.current()
    budget = searcher_module.term_budget(context.version.doc_count)
    assert context.store.term_budget == context.store.terms.budget == budget
    assert context.version.scores.budget == budget // 2


@pytest.mark.parametrize("facet", ["drug", "category"])
def test_similar_items_are_whooshs_more_like_this_one_per_determination(corpus, facet):
    from search.models import DisputedItem

    whoosh_searcher = searcher()
    compared = 0
    for item in DisputedItem.objects.select_related("determination").order_by("pk"):
        value = item.drug if facet == "drug" else item.category
        if not value:
            continue
        slug = item.determination.slug
        ours = engine.similar(slug, item.position, item.rationale, facet=facet, value=value, limit=5)
        docnum = whoosh_searcher.document_number(key=f"{slug}#{item.position}")
        scope = wq.And([wq.Term(schema.facet_field(facet), schema.facet_key(facet, value)), wq.Not(wq.Term("slug", slug))])
        hits = whoosh_searcher.more_like(docnum, "rationale", text=item.rationale, top=None,
                                         numterms=SIMILAR_TERMS, filter=scope)
        theirs: dict[str, int] = {}
        for hit in hits:  # Whoosh orders ties by document number, as the numpy ranking does
            theirs.setdefault(hit["hit"]["slug"], hit["hit"]["position"])
        assert ours == list(theirs.items())[:5], (slug, item.position)
        compared += bool(ours)
    assert compared >= 20


@pytest.mark.parametrize("seed", range(6))
def test_the_best_scores_are_chosen_exactly_ties_going_to_the_lower_document(seed):
    # Scores rounded to one decimal: thousands of ties, some at the limit-th place.
    rng = np.random.default_rng(seed)
    count = [40, 700, 5_000, 20_000, 100_000, 300_000][seed]
    scores = np.round(rng.random(count) * [3, 10, 50, 1000, 7, 100][seed], 1)
    docnums = rng.permutation(count * 2)[:count]
    for limit in (1, 20, 36):
        expected = sorted(zip(-scores, docnums))[:limit]  # by score, then document: no partition at all
        assert scoring.top(scores, docnums, limit) == [(int(d), float(-s)) for s, d in expected], limit
