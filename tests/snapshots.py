"""Each corpus of real documents is ingested once per test session; later tests get a copy.

Why: ingesting the 77 real documents (PDF text, parsing, Whoosh indexing) takes ~13 s,
and well over a hundred tests start from exactly that state. A copy costs a fraction of
a second. The ingest itself is still tested for real: by the tests that call
``ingest_paths`` themselves, and by the first test of a session that asks for each corpus.

How: the first test asking for a corpus (keyed by its ingest runs: the paths of each run,
in order) ingests it for real into its own data folder (the ``data_dir`` fixture), then
records a snapshot: the rows of Determination, DisputedItem, GuidelineSection and Citation as
field values, and a copy
of the real index folder and of ``originals/``. A later test asking for the same corpus
restores it: the rows are inserted into its database (inside its own transaction, so a
``db`` test rolls them back and a ``transactional_db`` test has them flushed, as usual),
and the index folder and originals are copied into its data folder, with the
``index -> index-<stamp>-xxx`` link rebuilt the way the engine's folder module makes it.

What the restore must keep:

- The stored times. The index holds each item's ``added`` (the determination's
  ``updated_at``, in epoch ms), and ``check_against_database`` and the saved-search "new
  since" logic compare the two. ``bulk_create`` runs ``pre_save``, which overwrites the
  ``auto_now``/``auto_now_add`` fields, so they are put back with ``bulk_update`` (which
  does not call ``pre_save``). Restored rows are thus older than anything the test does
  afterwards, as "the seeds are older than the saved search" needs.
- No explicit primary keys: PostgreSQL's sequences would not advance and the test's own
  inserts would collide. The database assigns them, in the snapshot's pk order (tests that
  order by pk see the same order), and items follow their determination's new pk. The
  index holds no pk (documents are keyed by slug and position), so it stays valid.
- The process's cached searcher: ``data_dir`` resets it; it is reset again after a restore,
  so the next search opens this test's own copy of the index.
"""
from __future__ import annotations

import copy
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

Runs = tuple[tuple[str, ...], ...]  # the paths of each ingest run, in order

TIMESTAMPS = ("added_at", "updated_at")  # auto_now_add / auto_now: overwritten by bulk_create's pre_save


@dataclass(frozen=True)
class Snapshot:
    determinations: list[dict[str, Any]]  # field values by attname, pk left out, in pk order
    items: list[tuple[int, dict[str, Any]]]  # (position in ``determinations``, field values without pk or FK)
    sections: list[dict[str, Any]]  # GuidelineSection field values, pk left out
    citations: list[tuple[int, str, dict[str, Any]]]  # (position in ``items``, section key, values without FKs)
    folder: Path  # holds a copy of the real index folder and ``originals/``
    index_name: str  # the real index folder's name, which ``<data>/index`` links to


def _values(model, rows: Iterable[Any], *, leave_out: set[str]) -> list[dict[str, Any]]:
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in leave_out]
    return [{name: getattr(row, name) for name in names} for row in rows]


def _drop_empty_index(link: Path) -> None:
    """The empty index a new data folder starts with (conftest's ``data_dir``), dropped so the
    snapshot's index takes its place; an index that holds anything means the test stored too early."""
    from whoosh import index as windex

    if link.exists():
        with windex.open_dir(str(link)).reader() as reader:
            assert reader.doc_count_all() == 0, "ingested() must come before anything else is indexed"
        shutil.rmtree(link.resolve())
    if link.is_symlink():
        link.unlink()


class Corpora:
    """The session's snapshots, by the ingest runs that made them (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = root
        self.snapshots: dict[Runs, Snapshot] = {}

    def ingest(self, runs: Sequence[Sequence[Path]]) -> None:
        """The state ``ingest_paths(run)`` for each of ``runs`` leaves, in the current data folder."""
        from search import engine
        from search.ingest import ingest_paths
        from search.models import Determination

        key: Runs = tuple(tuple(str(Path(path).resolve()) for path in run) for run in runs)
        link = Path(settings.INDEX_DIR)
        # A snapshot is of a corpus ingested into an empty database and data folder.
        assert not Determination.objects.exists(), "ingested() must come before anything else is stored"
        _drop_empty_index(link)
        snapshot = self.snapshots.get(key)
        if snapshot is None:
            for run in runs:
                report = ingest_paths(list(run))
                assert not report.refused, report.refused
            self.snapshots[key] = self._take(key)
        else:
            self._restore(snapshot, link)
        engine.reset()

    def _take(self, key: Runs) -> Snapshot:
        from search.models import Citation, Determination, DisputedItem, GuidelineSection

        determinations = list(Determination.objects.order_by("pk"))
        position = {d.pk: n for n, d in enumerate(determinations)}
        items = list(DisputedItem.objects.order_by("pk"))
        item_position = {item.pk: n for n, item in enumerate(items)}
        citations = list(Citation.objects.select_related("section").order_by("pk"))
        folder = self.root / f"corpus-{len(self.snapshots)}"
        folder.mkdir()
        real = Path(settings.INDEX_DIR).resolve()
        shutil.copytree(real, folder / real.name)
        originals = Path(settings.MEDIA_ROOT)  # where the originals' storage writes (data_dir: ORIGINALS_DIR)
        if originals.exists():
            shutil.copytree(originals, folder / "originals")
        return Snapshot(
            determinations=_values(Determination, determinations, leave_out={"id"}),
            items=[(position[item.determination_id], values) for item, values in
                   zip(items, _values(DisputedItem, items, leave_out={"id", "determination_id"}))],
            sections=_values(GuidelineSection, GuidelineSection.objects.order_by("pk"), leave_out={"id"}),
            citations=[(item_position[citation.item_id], citation.section.key, values) for citation, values in
                       zip(citations, _values(Citation, citations, leave_out={"id", "item_id", "section_id"}))],
            folder=folder,
            index_name=real.name,
        )

    @staticmethod
    def _restore(snapshot: Snapshot, link: Path) -> None:
        from search.models import Citation, Determination, DisputedItem, GuidelineSection

        rows = [_fresh(values) for values in snapshot.determinations]
        with transaction.atomic():
            made = Determination.objects.bulk_create([Determination(**values) for values in rows])
            assert all(d.pk is not None for d in made)  # SQLite >= 3.35 and PostgreSQL return the new pks
            for determination, values in zip(made, rows):  # pre_save overwrote them
                for name in TIMESTAMPS:
                    setattr(determination, name, values[name])
            Determination.objects.bulk_update(made, TIMESTAMPS)  # no pre_save here
            items = DisputedItem.objects.bulk_create(
                [DisputedItem(determination_id=made[n].pk, **_fresh(values)) for n, values in snapshot.items])
            # Sections outlive the determinations citing them: a test may have left some behind.
            GuidelineSection.objects.bulk_create([GuidelineSection(**values) for values in snapshot.sections],
                                                 ignore_conflicts=True)
            sections = GuidelineSection.objects.in_bulk([values["key"] for values in snapshot.sections],
                                                        field_name="key")
            Citation.objects.bulk_create([Citation(item_id=items[n].pk, section_id=sections[key].pk, **values)
                                          for n, key, values in snapshot.citations])
        shutil.copytree(snapshot.folder / snapshot.index_name, link.parent / snapshot.index_name)
        link.symlink_to(snapshot.index_name)  # relative, as the index module makes it
        if (snapshot.folder / "originals").exists():
            shutil.copytree(snapshot.folder / "originals", Path(settings.MEDIA_ROOT))


def _fresh(values: dict[str, Any]) -> dict[str, Any]:
    """Field values a test may change without changing the snapshot (JSON fields hold lists)."""
    return {name: copy.deepcopy(value) if isinstance(value, (list, dict)) else value for name, value in values.items()}


class Ingested:
    """What the ``ingested`` fixture gives a test: ``ingested(SEEDS, DWC)`` for one ingest run,
    ``ingested.runs([SEEDS], [DWC])`` for one run after another (several index segments)."""

    def __init__(self, corpora: Corpora):
        self.corpora = corpora

    def __call__(self, *paths: Path) -> None:
        self.corpora.ingest([paths])

    def runs(self, *runs: Sequence[Path]) -> None:
        self.corpora.ingest(runs)
