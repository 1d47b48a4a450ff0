"""Ingest: real files in, records stored once, bad files refused by name without harm."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from search import ingest
from search.ingest import ingest_paths, store_original
from search.models import Citation, Determination, DisputedItem

from .conftest import DWC, SEEDS, expected, seed_text

pytestmark = pytest.mark.django_db


def test_it_stores_every_real_document_once(data_dir):
    report = ingest_paths([SEEDS, DWC])
    assert report.counts["stored"] == 5 + 72
    assert not report.refused
    assert Determination.objects.count() == 77
    items = sum(len(v["outcomes"]) for v in expected(DWC).values()) + sum(
        len(v["items"]) for v in expected(SEEDS).values())
    assert DisputedItem.objects.count() == items


def test_the_same_documents_twice_store_nothing_new(data_dir):
    ingest_paths([SEEDS])
    report = ingest_paths([SEEDS])
    assert report.counts["unchanged"] == 5
    assert Determination.objects.count() == 5


def test_a_changed_document_with_the_same_case_number_replaces_it_says_so_and_keeps_the_earlier(
        data_dir, tmp_path, client, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "CM16-0234202.pdf"
    shutil.copy(DWC / "CM16-0234202.pdf", path)
    ingest_paths([path])
    first = Determination.objects.get(case_number="CM16-0234202")
    text = first.text.replace(": Upheld", ": Overturned")
    changed = folder / "CM16-0234202.txt"
    changed.write_text(text)
    call_command("ingest", str(changed))
    assert "updated" in capsys.readouterr().out.split(",")[1]
    stored = Determination.objects.get(case_number="CM16-0234202")
    assert stored.pk == first.pk
    assert [i.outcome for i in stored.items.all()] == ["Overturned"]
    assert DisputedItem.objects.count() == 1
    (earlier,) = stored.earlier_versions.all()
    assert (earlier.source_name, earlier.sha256, earlier.text) == ("CM16-0234202.pdf", first.sha256, first.text)
    page = client.get(stored.get_absolute_url()).content.decode()
    assert "Earlier versions" in page and f"original?version={earlier.pk}" in page
    download = client.get(f"/determinations/{stored.slug}/original", {"version": earlier.pk})
    assert download.status_code == 200 and b"".join(download) == (DWC / "CM16-0234202.pdf").read_bytes()
    assert client.get(f"/determinations/{stored.slug}/original", {"version": "x"}).status_code == 404


def test_a_different_file_for_a_stored_case_number_is_named_on_the_ingest_line(data_dir, tmp_path, capsys):
    path = tmp_path / "CM16-0234202.pdf"
    shutil.copy(DWC / "CM16-0234202.pdf", path)
    ingest_paths([path])
    changed = tmp_path / "again.txt"
    changed.write_text(Determination.objects.get().text.replace(": Upheld", ": Overturned"))
    report = ingest_paths([changed])
    (result,) = report.results
    assert result.status == "updated" and "a different file than the one stored for CM16-0234202" in result.reason
    call_command("ingest", str(DWC / "CM16-0234202.pdf"))  # the first file back: it replaces again, and says so
    assert "a different file than the one stored for CM16-0234202 (again.txt)" in capsys.readouterr().err
    assert Determination.objects.get().earlier_versions.count() == 2


def test_it_keeps_the_original_file_and_its_text(data_dir):
    ingest_paths([DWC / "CM16-0213037.pdf"])
    stored = Determination.objects.get()
    assert stored.original.read() == (DWC / "CM16-0213037.pdf").read_bytes()
    assert "Case Number: CM16-0213037" in stored.text
    assert stored.source_name == "CM16-0213037.pdf"


def test_an_original_is_written_whole_under_its_hash_and_a_failed_write_leaves_no_scratch_file(data_dir, monkeypatch):
    data = (DWC / "CM16-0213037.pdf").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    name = store_original(data, digest, ".PDF")
    folder = Path(settings.MEDIA_ROOT) / digest[:2]
    assert name == f"{digest[:2]}/{digest}.pdf" and (folder / f"{digest}.pdf").read_bytes() == data
    assert store_original(data, digest, ".pdf") == name and sorted(p.name for p in folder.iterdir()) == [f"{digest}.pdf"]

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("search.ingest.os.replace", refuse)
    other = b"another original"
    with pytest.raises(OSError):
        store_original(other, hashlib.sha256(other).hexdigest(), ".txt")
    assert all(p.name.endswith((".pdf", ".txt")) and not p.name.startswith(".")
               for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_a_document_without_a_case_number_gets_a_stable_address(data_dir):
    ingest_paths([SEEDS / "000_f9e98a1e4886a13a.txt"])
    stored = Determination.objects.get()
    assert stored.case_number is None
    assert stored.slug.startswith("doc-") and len(stored.slug) == 16


def test_bad_files_are_refused_by_name_and_the_rest_still_land(data_dir, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "letter.txt").write_text("Dear Sir,\nPlease find the records enclosed.\n")
    text = seed_text("000_f9e98a1e4886a13a.txt")
    (folder / "cut.txt").write_text(text[: text.index("IMR ISSUES")])
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    shutil.copy(SEEDS / "001_dc3f27e9efaf9617.txt", folder / "good.txt")
    report = ingest_paths([folder])
    reasons = {r.path.rsplit("/", 1)[1]: r.reason for r in report.refused}
    assert set(reasons) == {"empty.txt", "image.pdf", "letter.txt", "cut.txt"}  # .docx skipped in a folder
    assert "empty" in reasons["empty.txt"]
    assert "PDF" in reasons["image.pdf"]
    assert "not an IMR final determination" in reasons["letter.txt"]
    assert "cut off" in reasons["cut.txt"]
    assert report.counts["stored"] == 1
    assert Determination.objects.count() == 1


def test_a_refused_file_costs_nothing_already_stored(data_dir, tmp_path):
    ingest_paths([DWC / "CM16-0213037.pdf"])
    broken = tmp_path / "CM16-0213037.txt"
    broken.write_text("Case Number: CM16-0213037\nHOW THE IMR FINAL DETERMINATION WAS MADE\n")
    report = ingest_paths([broken])
    assert report.refused
    stored = Determination.objects.get(case_number="CM16-0213037")
    assert stored.items.count() == 2


def test_html_in_a_document_is_stored_as_text(data_dir, tmp_path):
    text = seed_text("000_f9e98a1e4886a13a.txt").replace(
        "MS Contin 30mg #90: Upheld", "<b onclick=\"x()\">MS Contin</b> 30mg #90: Upheld")
    path = tmp_path / "html.txt"
    path.write_text(text)
    ingest_paths([path])
    assert DisputedItem.objects.filter(request='<b onclick="x()">MS Contin</b> 30mg #90').exists()


def test_the_ingest_command_summarises_and_exits_1_on_a_refusal(data_dir, tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(CommandError) as exit_:
        call_command("ingest", str(SEEDS), str(tmp_path / "empty.txt"))
    assert exit_.value.returncode == 1
    out, err = capsys.readouterr()
    assert "5 stored, 0 updated, 0 unchanged, 1 refused" in out
    assert "empty.txt" in err and "empty" in err


def test_parse_determination_prints_json_in_argument_order(capsys, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    files = [DWC / "CM16-0234202.pdf", tmp_path / "empty.txt", SEEDS / "001_dc3f27e9efaf9617.txt"]
    with pytest.raises(CommandError) as exit_:
        call_command("parse_determination", "--json", *map(str, files))
    assert exit_.value.returncode == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["source"] for d in data] == [str(f) for f in files]
    first = data[0]
    assert first["case_number"] == "CM16-0234202"
    assert first["decision_date"] == expected(DWC)["CM16-0234202.pdf"]["decision_date"]
    assert {"source", "case_number", "decision_date", "injury_date", "reviewer_states", "reviewer_specialties",
            "patient_age", "patient_sex", "items"} <= set(first)
    item = first["items"][0]
    assert {"request", "outcome", "drug", "brand", "strength", "quantity", "category", "guidelines",
            "rationale"} <= set(item)
    assert item["request"] == "Norco 10/325mg #35" and item["quantity"] == 35
    assert data[1] == {"source": str(files[1]), "error": data[1]["error"]} and "empty" in data[1]["error"]
    assert data[2]["injury_date"] == "2012-02-29"


def test_symbolic_links_are_not_followed_out_of_the_folder_or_round_a_loop_and_each_is_named(data_dir, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    shutil.copy(seeds[0], folder / "sub" / "a.txt")
    shutil.copy(seeds[1], outside / "secret.txt")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "out.txt").symlink_to(outside / "secret.txt")
    (folder / "alias.txt").symlink_to(folder / "sub" / "a.txt")  # inside the folder: read (unchanged)
    report = ingest_paths([folder])
    refused = {Path(r.path).name: r.reason for r in report.refused}
    assert refused == {"loop": "a symbolic link to a folder: not followed (ingest that folder itself)",
                       "out.txt": "a symbolic link to a file outside the ingested folder: not followed"}
    assert report.counts["stored"] == 1 and report.counts["unchanged"] == 1
    assert Determination.objects.count() == 1


def test_one_ingest_with_two_files_for_a_case_number_keeps_the_later_and_the_earlier_as_a_version(data_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    from search.extract import document_text

    text = document_text("a.pdf", (DWC / "CM16-0234202.pdf").read_bytes())
    (folder / "a.txt").write_text(text)
    (folder / "b.txt").write_text(text.replace("Upheld", "Overturned"))
    (folder / "c.txt").write_text(text)  # a copy of the first: the same file, stored once
    report = ingest_paths([folder])
    assert [(r.status, bool(r.reason)) for r in report.results] == [("stored", False), ("updated", True),
                                                                   ("unchanged", False)]
    stored = Determination.objects.get()
    assert stored.slug == "CM16-0234202" and stored.source_name == "b.txt"
    assert stored.earlier_versions.get().source_name == "a.txt"
    assert [item.outcome for item in stored.items.all()] == ["Overturned"]


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("originals", [3, 5], ids=["in the next chunk", "two chunks later"])
def test_a_copy_in_a_later_chunk_read_before_the_first_was_stored_is_unchanged(data_dir, tmp_path, monkeypatch,
                                                                               workers, originals):
    # The next chunk is read (and parsed) while the one before it is stored: a copy there was not
    # yet known when it was read. Two chunks later, the database knows it.
    monkeypatch.setattr(ingest, "CHUNK", 2)
    monkeypatch.setattr(ingest, "PARALLEL_FROM", 1)
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))[:originals]
    assert len(seeds) == originals
    for number, path in enumerate([*seeds, seeds[0]]):
        shutil.copy(path, folder / f"{number}.txt")
    report = ingest_paths([folder], index=False, workers=workers)
    assert [r.status for r in report.results] == ["stored"] * originals + ["unchanged"]
    assert report.results[originals].slug == report.results[0].slug
    assert Determination.objects.count() == originals
    assert not Determination.objects.filter(earlier_versions__isnull=False)


def test_the_next_chunk_is_read_and_handed_to_the_parsers_before_a_chunk_is_stored(data_dir, monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK", 2)
    steps = []
    read_chunk, save_records = ingest._read_chunk, ingest.save_records
    monkeypatch.setattr(ingest, "_read_chunk", lambda files, *rest: steps.append("read") or read_chunk(files, *rest))
    monkeypatch.setattr(ingest, "save_records", lambda entries: steps.append("store") or save_records(entries))
    report = ingest_paths([SEEDS], index=False, workers=1)
    assert report.counts["stored"] == 5
    assert steps == ["read", "read", "store", "read", "store", "store"]


def test_a_batch_of_new_documents_is_stored_in_a_few_queries_not_a_few_per_document(
        data_dir, django_assert_max_num_queries):
    from search.extract import document_text
    from search.ingest import save_records
    from search.parser import parse

    entries = []
    for path in sorted(DWC.glob("*.pdf"))[:40]:
        text = document_text(path.name, path.read_bytes())
        entries.append({"record": parse(text), "source_name": path.name, "original": f"x/{path.name}",
                        "text": text, "sha256": path.name})
    with django_assert_max_num_queries(12):
        results = save_records(entries)
    assert {status for status, _, _ in results} == {"stored"}
    assert Determination.objects.count() == 40
    assert DisputedItem.objects.count() == sum(len(entry["record"].items) for entry in entries)


def _stored_rows() -> list[tuple]:
    """Every determination with its items and their citations, as the database holds them, without keys."""
    from django.forms.models import model_to_dict

    rows = []
    for determination in Determination.objects.order_by("slug"):
        rows.append((model_to_dict(determination, exclude=["id"]),
                     [(model_to_dict(item, exclude=["id", "determination"]),
                       list(item.citations.order_by("position").values("section__key", "position", "pages", "edition",
                                                                       "as_written")))
                      for item in determination.items.order_by("position")]))
    return rows


@pytest.mark.parametrize("parameters", [None, 40], ids=["one statement", "statements of 40 parameters"])
def test_a_batch_stores_every_row_as_storing_each_document_alone_does(data_dir, monkeypatch, parameters):
    from django.utils import timezone

    from search import inserts
    from search.extract import document_text
    from search.ingest import save_record, save_records
    from search.parser import parse

    if parameters:  # more rows than one statement takes: the keys still come back in the rows' order
        monkeypatch.setattr(inserts, "max_parameters", lambda: parameters)
    entries = []
    for path in [*sorted(DWC.glob("*.pdf"))[:12], *sorted(SEEDS.glob("*.txt"))]:
        data = path.read_bytes()
        text = document_text(path.name, data)
        entries.append({"record": parse(text), "source_name": path.name, "original": f"x/{path.name}",
                        "text": text, "sha256": path.stem})
    before = timezone.now()
    assert {status for status, _, _ in save_records(entries)} == {"stored"}
    stamps = set(Determination.objects.values_list("added_at", "updated_at"))
    assert len(stamps) == 1 and before <= min(stamps.pop()) <= timezone.now()
    in_batch = _stored_rows()
    Determination.objects.all().delete()
    for entry in entries:
        save_record(**entry)
    assert _stored_rows() == in_batch
    assert Citation.objects.count() == sum(len(item.citations) for entry in entries for item in entry["record"].items)


def test_a_batch_the_database_refuses_whole_is_stored_a_document_at_a_time(data_dir, monkeypatch, caplog):
    from django.db import DatabaseError

    from search import ingest

    def refuse(entries):
        Determination.objects.create(slug="half-written", sha256="x")  # rolled back with the batch
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(ingest, "_save_batch", refuse)
    report = ingest_paths([SEEDS])
    assert report.counts["stored"] == 5 and Determination.objects.count() == 5
    assert not Determination.objects.filter(slug="half-written").exists()
    assert "refused as a whole (disk I/O error); storing them one at a time" in caplog.text


def test_the_parse_workers_run_at_a_lower_priority_than_the_indexer():
    pool = ingest.parse_pool(2)
    try:
        niceness = set(pool.map(os.nice, [0, 0, 0, 0], chunksize=1))
    finally:
        pool.terminate()
    assert niceness == {min(os.nice(0) + ingest.PARSE_NICENESS, 19)}
