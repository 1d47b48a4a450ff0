"""What writing a batch into the index costs: the engine's writer beside Whoosh's own.

``python manage.py bench_write --docs 2000 --repeat 3`` reads the items of the first N stored
determinations of the data folder, then writes them as one new segment into a temporary folder
(the site's index is only read), once with Whoosh's SegmentWriter and once with the engine's
(``whoosh_internals.fast_writer`` with analysis.py's indexers), alternately, ``repeat`` times;
with ``--merge-parts K`` also as K segments merged into one by each writer.
It prints the CPU seconds of adding the documents and of the commit (the segment written to
disk), the best run of each writer: the two share the machine alike, so their ratio holds on
a busy one. Both write the same index; tests/test_analysis.py compares them posting by posting.
"""
from __future__ import annotations

import tempfile
import time
from typing import Any

WRITERS = ("whoosh", "engine")


def item_fields(docs: int) -> tuple[int, list[dict[str, Any]]]:
    """(how many determinations, the Whoosh fields of each of their items) of the first ``docs``
    stored determinations, as the indexer builds them."""
    from search.engine.documents import whoosh_document
    from search.indexing import documents
    from search.models import Determination

    items = list(documents(Determination.objects.order_by("pk")[:docs]))
    return sum(item.first for item in items), [whoosh_document(item) for item in items]


def _writer(index, writer_name: str):
    """A new writer of ``index``: Whoosh's own, or the engine's (the site's) for "engine"."""
    from search.engine import analysis, whoosh_internals

    writer = index.writer()
    if writer_name == "engine":
        writer = whoosh_internals.fast_writer(writer, indexers=analysis.indexers(writer.schema))
    return writer


def write_once(fields: list[dict[str, Any]], *, writer_name: str) -> tuple[float, float]:
    """(CPU s adding ``fields``, CPU s committing them) with one of WRITERS, into a new index."""
    from whoosh import index as windex

    from search.engine.schema import SCHEMA

    with tempfile.TemporaryDirectory(prefix="imr-write-bench-") as folder:
        writer = _writer(windex.create_in(folder, SCHEMA), writer_name)
        started = time.process_time()
        for document in fields:
            writer.add_document(**document)
        added = time.process_time()
        writer.commit()
        return added - started, time.process_time() - added


def _parts(fields: list[dict[str, Any]], count: int) -> list[list[dict[str, Any]]]:
    """``fields`` cut into ``count`` runs of about equal size, never inside a determination."""
    size, parts = len(fields) / count, [[]]
    for document in fields:
        if document["starts"] and len(parts) < count and len(parts[-1]) >= size:
            parts.append([])
        parts[-1].append(document)
    return parts


def merge_once(fields: list[dict[str, Any]], *, parts: int, writer_name: str) -> float:
    """CPU s one of WRITERS takes to merge ``fields``, written as ``parts`` segments, into one."""
    from whoosh import index as windex

    from search.engine.schema import SCHEMA

    with tempfile.TemporaryDirectory(prefix="imr-merge-bench-") as folder:
        index = windex.create_in(folder, SCHEMA)
        for part in _parts(fields, parts):  # the same segments for either writer to merge
            writer = _writer(index, "engine")
            for document in part:
                writer.add_document(**document)
            writer.commit(merge=False)
        writer = _writer(index, writer_name)
        started = time.process_time()
        writer.commit(optimize=True)
        return time.process_time() - started


def measure_write(*, docs: int, repeat: int, merge_parts: int = 0) -> dict[str, Any]:
    """Each writer's best run (least add + commit) of ``repeat``, and how many times faster the engine's is."""
    determinations, fields = item_fields(docs)
    if not fields:
        raise LookupError("no determination is stored here: ingest some first (make demo, or ingest a folder)")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in WRITERS}
    for _ in range(repeat):
        for name in WRITERS:
            runs[name].append(write_once(fields, writer_name=name))
    report: dict[str, Any] = {"documents": determinations, "items": len(fields), "repeat": repeat}
    for name, times in runs.items():
        add_s, commit_s = min(times, key=sum)
        report[name] = {"add_s": round(add_s, 2), "commit_s": round(commit_s, 2),
                        "ms_per_determination": round((add_s + commit_s) * 1000 / max(determinations, 1), 2)}
    whoosh, engine = (report[name]["add_s"] + report[name]["commit_s"] for name in WRITERS)
    report["speedup"] = round(whoosh / engine, 2) if engine else None
    if merge_parts > 1:  # the same items as merge_parts segments, merged into one by each writer
        merges: dict[str, list[float]] = {name: [] for name in WRITERS}
        for _ in range(repeat):
            for name in WRITERS:
                merges[name].append(merge_once(fields, parts=merge_parts, writer_name=name))
        report["merge"] = {"parts": merge_parts, **{f"{name}_s": round(min(merges[name]), 2) for name in WRITERS}}
    return report


def table(report: dict[str, Any]) -> str:
    """The report for a person."""
    lines = [(f"{report['documents']} determinations, {report['items']} items written as one segment; "
             f"CPU s, best of {report['repeat']}"),
             f"{'writer':<8} {'add':>7} {'commit':>7} {'ms/determination':>17}"]
    for name in WRITERS:
        row = report[name]
        lines.append(f"{name:<8} {row['add_s']:>7.2f} {row['commit_s']:>7.2f} {row['ms_per_determination']:>17.2f}")
    lines.append(f"the engine's writer is {report['speedup']}x Whoosh's")
    if merge := report.get("merge"):
        lines.append(f"merging them from {merge['parts']} segments into one: Whoosh {merge['whoosh_s']:.2f} s, "
                     f"the engine {merge['engine_s']:.2f} s")
    return "\n".join(lines)
