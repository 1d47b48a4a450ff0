"""compact_index: the live index's segments merged into one, every search answering as before."""
from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from whoosh import index as windex

from search import engine, indexing
from search.engine import SearchParams, config, folder, published
from search.ingest import ingest_paths
from search.models import Determination, DisputedItem

from .conftest import DWC, SEEDS

pytestmark = pytest.mark.django_db

QUERIES = ("", "norco", "physical therapy", '"not medically necessary"', "outcome:overturned", "opioid* /s urine")


def _segments() -> list:
    return windex.open_dir(str(folder.live_index()))._segments()


def _answers() -> dict[str, tuple]:
    """What each query counts, with every facet's counts and the first page's items in order of decision date."""
    answers = {}
    for q in QUERIES:
        result = engine.search(SearchParams(q=q, sort="newest", per_page=50))
        answers[q] = (result.count, {name: [(value.value, value.count) for value in values]
                                     for name, values in result.facets.items()},
                      [hit.key for hit in result.hits])
    return answers


@pytest.fixture
def three_segments(data_dir, tmp_path):
    """The real documents ingested in three runs, one replacing a stored determination: three
    segments, one with a deleted document."""
    pdfs = sorted(DWC.glob("*.pdf"))
    ingest_paths([SEEDS])
    ingest_paths(pdfs[:40])
    ingest_paths(pdfs[40:])
    replaced = Determination.objects.get(case_number="CM16-0230651")
    cut = tmp_path / "CM16-0230651.txt"
    cut.write_text(replaced.text[: replaced.text.index("EMG/NCV of the upper extremities")])
    ingest_paths([cut])
    assert len(_segments()) >= 3 and any(segment.has_deletions() for segment in _segments())


def test_compacting_leaves_one_segment_without_deleted_documents_and_every_answer_as_before(three_segments):
    before = _answers()
    count = len(_segments())
    assert engine.compact() == (count, 1)
    [segment] = _segments()
    assert not segment.has_deletions() and segment.doc_count_all() == DisputedItem.objects.count()
    assert _answers() == before
    assert indexing.check_against_database().ok


def test_compacting_publishes_the_arrays_of_the_merged_index_for_the_web_workers(three_segments):
    engine.compact()
    path = folder.live_index()
    with windex.open_dir(str(path)).reader() as reader:
        assert published.load(path, reader) is not None


def test_the_command_says_what_it_merged_and_then_that_there_is_nothing_to_merge(three_segments, capsys):
    count = len(_segments())
    call_command("compact_index")
    assert f"merged {count} segments into 1 in" in capsys.readouterr().out
    call_command("compact_index")
    assert "the index has 1 segment: nothing to merge" in capsys.readouterr().out


def test_more_documents_after_compacting_are_indexed_and_counted(data_dir):
    ingest_paths([SEEDS])
    ingest_paths([DWC / "CM16-0213037.pdf"])
    engine.compact()
    ingest_paths([DWC])
    assert engine.search(SearchParams()).count == DisputedItem.objects.count()
    assert indexing.check_against_database().ok


def test_an_empty_index_has_nothing_to_merge_and_a_missing_one_is_named(data_dir, capsys):
    call_command("compact_index")
    assert "the index has 0 segments: nothing to merge" in capsys.readouterr().out
    config.index_link().unlink()
    assert engine.segment_count() == 0  # an ingest's closing hint asks this
    with pytest.raises(CommandError, match="there is no search index"):
        call_command("compact_index")


def test_an_ingest_that_leaves_many_segments_names_compact_index(data_dir, capsys, monkeypatch):
    monkeypatch.setattr("search.management.commands.ingest.COMPACT_HINT_SEGMENTS", 1)
    call_command("ingest", str(SEEDS))
    assert "compact_index" not in capsys.readouterr().err  # one segment
    call_command("ingest", str(DWC / "CM16-0213037.pdf"))
    assert "the index has 2 segments: python manage.py compact_index merges them" in capsys.readouterr().err
