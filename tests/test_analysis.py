"""The ingest's writer (one pass over each text, postings pooled by term) writes the index Whoosh's
own writer writes: the same terms, postings, weights, positions, lengths and stored values, on the
real documents. Whoosh's analyzers and writer are the expected values here, not our code."""
from __future__ import annotations

import zlib
from bisect import bisect_right
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from whoosh import index as windex
from whoosh.codec.whoosh3 import W3PostingsWriter

from devtools import write_bench
from search.engine import analysis, folder, whoosh_internals
from search.engine.documents import whoosh_document
from search.engine.schema import FACETS, SCHEMA, TEXT_ANALYZER
from search.engine.sentences import PARAGRAPH, sentence_starts, starts_in
from search.indexing import documents as item_documents
from search.models import Determination, DisputedItem

from .conftest import DWC, SEEDS, seed_text

pytestmark = pytest.mark.django_db

INDEXERS = analysis.indexers(SCHEMA)
TEXT_FIELDS = ("request", "rationale", "summary", "guideline")
# Each text field and its word pairs, from one pass over the text (cited guidelines have no pairs).
ONE_PASS = {name for field in TEXT_FIELDS for name in (field, f"{field}_pairs")} - {"guideline_pairs"}


def _postings(index: analysis.Indexer, text: str) -> tuple[list[tuple[bytes, float, bytes]], int]:
    """What ``index`` adds for ``text`` as one document: (term, weight, encoded value) in term order,
    and the field's length."""
    terms: defaultdict[str, list] = defaultdict(list)
    length, _ = index(text, 0, 1.0, terms)
    return sorted((term.encode("utf-8"), weight, value) for term, [_, weight, value] in terms.items()), length


def _expected(name: str, text: str) -> tuple[list[tuple[bytes, float, bytes]], int]:
    """The same from the field's own analyzer and format (Whoosh's): the length is the sum of frequencies."""
    expected = list(SCHEMA[name].index(text))
    return (sorted((term, weight, value) for term, _, weight, value in expected),
            sum(frequency for _, frequency, _, _ in expected))


def real_texts(real_items) -> list[str]:
    texts = [seed_text(path.name) for path in sorted(SEEDS.glob("*.txt"))]  # whole letters: many paragraphs
    for item in real_items.values():
        texts += [item.request, item.rationale, item.maximus_guideline or "", item.claims_guideline or ""]
    return [text for text in texts if analysis._WORD.search(text)]


def test_every_indexed_field_of_the_schema_is_indexed_without_whooshs_analyzers():
    assert ONE_PASS <= set(INDEXERS)
    assert set(INDEXERS) == {name for name, field in SCHEMA.items() if field.indexed}


def test_the_id_keyword_and_name_fields_get_the_postings_their_analyzers_give():
    values = ["", " ", "CM16-0213037", "cm16-0213037#2", "Norco, HYDROCODONE  bitartrate,, ,x", "Pain Medicine,Orthopaedic Surgery",
              "ACOEM Ch. 12 p. 301, ODG Pain (Chronic)", "Lyrica  Pregabalin 75mg", "tab\tand\nnewline", "Ärzte Über"]
    for name in ("key", "slug", "case", "drug", *(f"f_{facet}" for facet in FACETS)):
        for value in values:
            assert _postings(INDEXERS[name], value) == _expected(name, value), (name, value)


def test_each_field_gets_the_postings_its_own_analyzer_gives_on_every_real_text(real_items):
    texts = real_texts(real_items)
    assert len(texts) > 400
    for name, index in INDEXERS.items():
        for text in texts:
            assert _postings(index, text) == _expected(name, text), (name, text[:80])


def read_breaks(value: str) -> dict[str, list[int]]:
    """A ``breaks`` column value read whole: each term and its word numbers."""
    found: dict[str, list[int]] = defaultdict(list)
    term = ""
    for part in value.split():
        if part[0].isdigit():
            found[term].append(int(part))
        else:
            term = part
    return found


def _breaks_of(text: str) -> dict[str, list[int]]:
    return read_breaks(analysis.breaks({"rationale": text, "summary": text}).decode("ascii"))


def test_the_breaks_are_the_numbers_of_the_words_that_start_each_sentence_and_paragraph(real_items):
    """Each word's sentence is the last one starting at or before its first character (Whoosh's
    tokens, sentences.sentence_starts); a break is a word whose sentence (or paragraph) is not
    the word before's."""
    texts = real_texts(real_items)
    for text in texts:
        starts, codes = sentence_starts(text)
        code = [codes[bisect_right(starts, token.startchar) - 1] for token in TEXT_ANALYZER(text, chars=True)]
        sentences = [n for n in range(1, len(code)) if code[n] != code[n - 1]]
        paragraphs = [n for n in range(1, len(code)) if code[n] // PARAGRAPH != code[n - 1] // PARAGRAPH]
        expected = {"sentence:request": sentences, "paragraph:request": paragraphs}
        value = analysis.breaks({"request": text})
        assert read_breaks(value.decode("ascii")) == {k: v for k, v in expected.items() if v}, text[:80]
        for term in ("sentence:request", "paragraph:request", "sentence:rationale"):  # what /s and /p read
            assert starts_in(value, term.encode("ascii")) == expected.get(term, []), text[:80]
    assert sum(len(_breaks_of(text)) == 4 for text in texts) >= 5  # the five whole letters have both, in each field


def test_the_highlighters_words_are_the_text_analyzers_with_their_characters_and_numbers(real_items):
    for text in real_texts(real_items):
        expected = [(t.text, t.startchar, t.endchar, t.pos) for t in TEXT_ANALYZER(text, chars=True, positions=True)]
        assert analysis.word_spans(text) == expected, text[:80]
        assert analysis.stems(text) == [stem for stem, *_ in expected]


def test_a_text_without_words_gives_no_postings_where_whooshs_pairs_would_raise():
    for name in ONE_PASS:
        index = INDEXERS[name]
        assert _postings(index, "") == ([], 0) and _postings(index, " ... -- ") == ([], 0), name


def _write(path, documents, *, fast: bool, budget: int = 2_500_000) -> None:
    path.mkdir()
    ix = windex.create_in(str(path), SCHEMA)
    writer = ix.writer()
    if fast:
        writer = whoosh_internals.fast_writer(writer, indexers=analysis.indexers(writer.schema), budget=budget)
    for document in documents:
        writer.add_document(**whoosh_document(document))
    writer.commit()


def _contents(path) -> dict:
    """Everything a search reads from an index, field by field and term by term."""
    with windex.open_dir(str(path)).reader() as reader:
        terms = {}
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            postings = []
            while matcher.is_active():  # with the block's bounds, which ranking skips blocks by
                postings.append((matcher.id(), matcher.weight(), matcher.value(), matcher.block_max_weight(),
                                 matcher.block_min_length(), matcher.block_max_length()))
                matcher.next()
            terms[(fieldname, btext)] = (postings, info.weight(), info.doc_frequency(), info.min_length(),
                                         info.max_length(), info.max_weight())
        lengths = {(docnum, name): reader.doc_field_length(docnum, name)
                   for docnum in range(reader.doc_count_all()) for name in SCHEMA.scorable_names()}
        return {"terms": terms, "lengths": lengths, "stored": list(reader.all_stored_fields()),
                "totals": {name: reader.field_length(name) for name in SCHEMA.scorable_names()}}


@pytest.mark.parametrize("budget", [2_500_000, 5_000], ids=["in memory", "spilled to disk"])
def test_the_fast_writer_writes_the_index_whooshs_writer_writes(ingested, tmp_path, budget):
    ingested(SEEDS, DWC)
    documents = list(item_documents(Determination.objects.order_by("pk")))
    assert len(documents) > 150
    _write(tmp_path / "whoosh", documents, fast=False)
    _write(tmp_path / "fast", documents, fast=True, budget=budget)
    assert _contents(tmp_path / "fast") == _contents(tmp_path / "whoosh")


@pytest.mark.parametrize("budget", [2_500_000, 5_000], ids=["in memory", "spilled to disk"])
def test_a_merge_by_the_fast_writer_writes_the_segment_whooshs_writer_writes(ingested, tmp_path, budget):
    """The last commit both adds documents and merges the segments before it, as an ingest's does:
    the pool then holds the same terms from the indexers (str) and from the merged readers (bytes)."""
    ingested(SEEDS, DWC)
    documents = list(item_documents(Determination.objects.order_by("pk")))
    *merged, added = [documents[start:start + 60] for start in range(0, len(documents), 60)]
    for name, fast in (("whoosh", False), ("fast", True)):
        path = tmp_path / name
        path.mkdir()
        ix = windex.create_in(str(path), SCHEMA)
        for chunk in merged:  # segments to merge, each with a deletion (of a committed document)
            writer = ix.writer()
            for document in chunk:
                writer.add_document(**whoosh_document(document))
            writer.commit(merge=False)
            writer = ix.writer()
            writer.delete_by_term("key", chunk[0].key)
            writer.commit(merge=False)
        assert all(segment.has_deletions() for segment in ix._segments())
        writer = ix.writer()
        if fast:
            writer = whoosh_internals.fast_writer(writer, indexers=analysis.indexers(writer.schema), budget=budget)
        for document in added:
            writer.add_document(**whoosh_document(document))
        writer.commit(optimize=True)
        assert len(ix._segments()) == 1
    assert _contents(tmp_path / "fast") == _contents(tmp_path / "whoosh")


def test_small_blocks_are_written_plain_and_read_back_as_whooshs_compressed_ones(ingested, tmp_path, monkeypatch):
    ingested(SEEDS, DWC)
    documents = list(item_documents(Determination.objects.order_by("pk")))
    with monkeypatch.context() as whooshs:
        whooshs.setattr(W3PostingsWriter, "_write_block", whoosh_internals.WHOOSH_WRITE_BLOCK)
        _write(tmp_path / "whoosh", documents, fast=False)
    _write(tmp_path / "fast", documents, fast=True)
    assert _contents(tmp_path / "fast") == _contents(tmp_path / "whoosh")
    blocks = {"whoosh": Counter(), "fast": Counter()}  # (zlib level, smaller than SMALL_BLOCK) -> blocks
    for name, counted in blocks.items():
        with windex.open_dir(str(tmp_path / name)).reader() as reader:
            for fieldname, btext in reader.all_terms():
                matcher = reader.postings(fieldname, btext)
                while matcher.is_active():
                    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
                    size = len(zlib.decompress(data) if matcher._compression else data)
                    counted[(matcher._compression, size < whoosh_internals.SMALL_BLOCK)] += 1
                    matcher._next_block()
    assert set(blocks["whoosh"]) == {(3, True), (3, False)}
    assert set(blocks["fast"]) == {(0, True), (3, False)}  # (the two pickle shared values differently)
    assert sum(blocks["fast"].values()) == sum(blocks["whoosh"].values())


def test_the_site_writes_with_the_fast_writer(data_dir):
    with folder._writing() as writer:
        assert isinstance(writer.pool, whoosh_internals.GroupedPostingPool)
        assert set(writer.indexers) == set(INDEXERS)


def test_the_write_bench_writes_every_item_of_the_determinations_asked_for_with_both_writers(ingested):
    ingested(SEEDS, DWC)
    report = write_bench.measure_write(docs=10, repeat=1, merge_parts=3)
    first = Determination.objects.order_by("pk")[:10]
    assert report["documents"] == 10
    assert report["items"] == DisputedItem.objects.filter(determination__in=list(first)).count()
    for name in write_bench.WRITERS:
        assert report[name]["add_s"] >= 0 and report[name]["commit_s"] >= 0
    assert report["merge"]["parts"] == 3 and min(report["merge"].values()) >= 0
    assert "the engine's writer is" in write_bench.table(report)


def test_the_merge_bench_cuts_segments_between_determinations(ingested):
    ingested(SEEDS, DWC)
    _, fields = write_bench.item_fields(20)
    parts = write_bench._parts(fields, 4)
    assert len(parts) == 4
    assert [document for part in parts for document in part] == fields
    assert all(part[0]["starts"] == 1 for part in parts)


def test_the_write_bench_says_so_when_nothing_is_stored(db, data_dir):
    with pytest.raises(CommandError, match="no determination is stored"):
        call_command("bench_write", "--docs", "5", "--repeat", "1")


def test_a_rebuild_in_many_parts_writes_the_index_one_writer_writes(ingested, tmp_path, monkeypatch):
    """A rebuild writes parts and merges them, a few at a time when there are many: the index is
    the one a single Whoosh writer writes of the same documents, in the same order, as one segment."""
    ingested(SEEDS, DWC)
    documents = list(item_documents(Determination.objects.order_by("pk")))
    _write(tmp_path / "whoosh", documents, fast=False)
    monkeypatch.setattr(folder, "REBUILD_PART", 4)
    monkeypatch.setattr(folder, "MERGED_AT_ONCE", 3)  # 20 parts: merged 3 at a time, then the merges
    assert folder.rebuild(documents) == Determination.objects.count()
    rebuilt = folder.live_index()
    assert len(windex.open_dir(str(rebuilt))._segments()) == 1
    assert _contents(rebuilt) == _contents(tmp_path / "whoosh")
