"""A searcher version's arrays, written once by the process that changed the index and mapped by
every web worker: one copy in the page cache however many workers, and a worker's open or
refresh costs a few file maps instead of reading every segment.

The writer (an ingest's indexer, ``reindex``, ``sync_index``) publishes the arrays of each index
generation it commits under ``<index folder>/arrays/<generation>/``: one ``.npy`` file per array
and ``version.json`` for the rest, written into a temporary folder and renamed into place, so a
reader sees a whole version or none. A reader maps them read-only (``np.load(mmap_mode="r")``)
after checking they describe the segments it opened; when they are missing or do not match (an
index written before this module, a publish that failed), it builds the arrays itself, as before.
Older generations are pruned: a worker still holding one keeps its maps (the files live on
until unmapped).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import bitsets
from . import whoosh_internals as internals

if TYPE_CHECKING:
    from .searcher import Version

log = logging.getLogger("imr.engine")

FORMAT = 2  # 2: each pair's key (code and outcome) and the bitmaps; 1 held each pair's code, read still
KEEP = 3  # generations kept: the newest, and two for workers that have not refreshed yet
ARRAYS = "arrays"


class ValuePostings(Mapping):
    """Facet value -> its documents: slices of the facet's (document, code) pairs, in code order."""

    def __init__(self, values: list[str], docs: np.ndarray, offsets: np.ndarray):
        self.codes = {value: code for code, value in enumerate(values)}
        self.docs = docs
        self.offsets = offsets

    def __getitem__(self, value: str) -> np.ndarray:
        code = self.codes[value]
        return self.docs[self.offsets[code]:self.offsets[code + 1]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


def value_offsets(codes: np.ndarray, values: int) -> np.ndarray:
    """Where each value's documents start in its facet's pairs sorted by code, and where the last ends."""
    return np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=values))]).astype(np.int64)


def pair_keys(codes: np.ndarray, docs: np.ndarray, overturned: np.ndarray) -> np.ndarray:
    """Each (document, code) pair's key: its code * 2, plus 1 where the document was overturned."""
    return (codes.astype(np.int32) * 2 + overturned[docs]).astype(np.int32)


def pair_codes(keys: np.ndarray) -> np.ndarray:
    return keys >> 1


PENDING = "pending"  # in the arrays folder while a writer commits and publishes
PENDING_SECONDS = 120  # a marker older than this was left by a writer that died: not waited for


@contextmanager
def publishing(index_path: Path) -> Iterator[None]:
    """Mark the index as being committed and published for the block: a worker that sees the
    new generation before its arrays serves the one it has instead of building them itself
    (seconds of CPU at scale, taken from the searches it serves)."""
    marker = index_path / ARRAYS / PENDING
    try:
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(str(os.getpid()))
    except OSError:  # no marker: workers build the arrays themselves, as without one
        pass
    try:
        yield
    finally:
        try:
            marker.unlink(missing_ok=True)
        except OSError:
            pass


def pending(index_path: Path) -> bool:
    """Whether a writer is committing this index and publishing its arrays now."""
    try:
        return time.time() - (index_path / ARRAYS / PENDING).stat().st_mtime < PENDING_SECONDS
    except OSError:
        return False


def _folder(index_path: Path, generation: int) -> Path:
    return index_path / ARRAYS / str(generation)


def _segments(reader) -> list[str]:
    return [str(internals.segment_id(leaf)) for leaf, _ in internals.leaves(reader)]


def _arrays(version: Version) -> dict[str, np.ndarray]:
    arrays = {"live": version.live, "decision_date": version.decision_date, "added": version.added,
              "overturned": version.overturned, "group": version.group, "carrier": version.carrier}
    for name in version.values:
        arrays[f"pair_docs.{name}"] = version.pair_docs[name]
        arrays[f"pair_keys.{name}"] = version.pair_keys[name]
        arrays[f"offsets.{name}"] = version.postings[name].offsets
    arrays.update({f"lengths.{name}": lengths for name, lengths in version.lengths.items()})
    arrays.update({f"bitmaps.{name}": maps for name, maps in version.bitmaps.items()})
    arrays["overturned_bits"] = version.overturned_bits
    return arrays


def publish(index_path: Path, reader, version: Version) -> Path:
    """Write ``version`` (the arrays of ``reader``'s generation) beside the index; prune old ones."""
    generation = reader.generation()
    target = _folder(index_path, generation)
    if (target / "version.json").exists():
        return target
    target.parent.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{generation}-", dir=target.parent))
    try:
        for name, array in _arrays(version).items():
            np.save(scratch / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        manifest = {"format": FORMAT, "generation": generation, "segments": _segments(reader),
                    "doc_count": version.doc_count, "values": version.values,
                    "average_length": version.average_length, "has_pairs": version.has_pairs,
                    "lengths": sorted(version.lengths), "bitmaps": sorted(version.bitmaps)}
        (scratch / "version.json").write_text(json.dumps(manifest))
        os.rename(scratch, target)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        if not (target / "version.json").exists():
            raise
    _prune(target.parent, keep=generation)
    return target


def _prune(arrays: Path, *, keep: int) -> None:
    generations = sorted((int(p.name) for p in arrays.iterdir() if p.name.isdigit()), reverse=True)
    for generation in generations[KEEP:]:
        if generation != keep:
            shutil.rmtree(arrays / str(generation), ignore_errors=True)
    for stale in arrays.glob(".*"):  # a publish killed before its rename
        shutil.rmtree(stale, ignore_errors=True)


def load(index_path: Path, reader) -> Version | None:
    """The published arrays of ``reader``'s generation, mapped; None when there are none that match."""
    from .searcher import Version  # here: the searcher imports this module when it opens

    folder = _folder(index_path, reader.generation())
    try:
        manifest = json.loads((folder / "version.json").read_text())
    except (OSError, ValueError):
        return None
    if (manifest.get("format") not in (1, FORMAT) or manifest["segments"] != _segments(reader)
            or manifest["doc_count"] != reader.doc_count_all()):
        log.warning("the published arrays in %s do not match the index; building them in this process", folder)
        return None

    def mapped(name: str) -> np.ndarray:
        return np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)

    try:
        version = Version(manifest["doc_count"], mapped("live"), mapped("decision_date"), mapped("added"),
                          mapped("overturned"))
        version.group, version.carrier = mapped("group"), mapped("carrier")
        for name, values in manifest["values"].items():
            version.values[name] = values
            version.pair_docs[name] = mapped(f"pair_docs.{name}")
            version.pair_keys[name] = (mapped(f"pair_keys.{name}") if manifest["format"] == FORMAT else
                                       pair_keys(mapped(f"pair_codes.{name}"), version.pair_docs[name],
                                                 version.overturned))
            version.postings[name] = ValuePostings(values, version.pair_docs[name], mapped(f"offsets.{name}"))
        version.lengths = {name: mapped(f"lengths.{name}") for name in manifest["lengths"]}
        if manifest["format"] == FORMAT:
            version.bitmaps = {name: mapped(f"bitmaps.{name}") for name in manifest["bitmaps"]}
            version.overturned_bits = mapped("overturned_bits")
        else:  # format 1 had none: made here, until the next commit publishes them
            for name in manifest["values"]:
                if (maps := bitsets.for_facet(version.pair_docs[name], mapped(f"offsets.{name}"),
                                              version.doc_count)) is not None:
                    version.bitmaps[name] = maps
            version.overturned_bits = bitsets.pack(version.overturned)
    except (OSError, ValueError) as error:
        log.warning("the published arrays in %s cannot be read (%s); building them in this process", folder, error)
        return None
    version.average_length = manifest["average_length"]
    version.has_pairs = manifest["has_pairs"]
    return version
