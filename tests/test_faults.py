"""Faults driven with real processes: kill -9 mid-ingest, two ingests at once, a broken index.

The subprocesses use their own data folder and its SQLite database (DATABASE_URL is
removed from their environment), so they never touch the test database.
"""
from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import DWC, ROOT, SEEDS

SEED_ITEMS = 12
EXPECTED_ITEMS = 180 + SEED_ITEMS  # the 72 DWC PDFs and the 5 seeds


def manage(data: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(IMR_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="imrsite.settings")
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def run(data: Path, *args: str) -> subprocess.CompletedProcess:
    process = manage(data, *args)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def stored_items(data: Path) -> tuple[int, int]:
    with sqlite3.connect(data / "imr.sqlite3") as db:
        items = db.execute("select count(*) from search_disputeditem").fetchone()[0]
        dupes = db.execute("select count(*) from (select determination_id, position from search_disputeditem "
                           "group by 1, 2 having count(*) > 1)").fetchone()[0]
    return items, dupes


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A data folder with an empty, migrated database: migrated once (a subprocess, ~1.5 s), copied for each test."""
    folder = tmp_path_factory.mktemp("faults") / "data"
    assert run(folder, "migrate", "--noinput").returncode == 0
    return folder


@pytest.fixture
def data(tmp_path, migrated) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(migrated, folder, symlinks=True)  # no process has the database open: its file is the whole of it
    return folder


def test_kill_9_at_random_moments_then_a_rerun_leaves_database_and_index_consistent(data):
    rng = random.Random(7)
    for attempt in range(4):
        process = manage(data, "ingest", str(SEEDS), str(DWC))
        time.sleep(rng.uniform(0.3, 2.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
    final = run(data, "ingest", str(SEEDS), str(DWC))
    assert final.returncode == 0, final.stderr
    assert stored_items(data) == (EXPECTED_ITEMS, 0)
    check = run(data, "check_index")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "agree" in check.stdout


def test_two_ingests_at_once_do_not_corrupt_anything(data):
    first = manage(data, "ingest", str(DWC), str(SEEDS))
    second = manage(data, "ingest", str(SEEDS), str(DWC))
    _, err1 = first.communicate(timeout=300)
    _, err2 = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    assert "waiting" in err1 + err2  # one waited for the other, and said so
    assert stored_items(data) == (EXPECTED_ITEMS, 0)
    assert run(data, "check_index").returncode == 0


def hold_writer_lock(data: Path):
    """The lock exactly as another ingest holds it: an flock on the data folder's writer.lock."""
    data.mkdir(parents=True, exist_ok=True)
    handle = open(data / "writer.lock", "a+")  # noqa: SIM115 -- returned open: the caller releases the lock by closing it
    fcntl.flock(handle, fcntl.LOCK_EX)
    handle.write("pid 1 since the test began")
    handle.flush()
    return handle


def test_a_second_ingest_can_refuse_instead_of_waiting(data):
    with hold_writer_lock(data):
        second = run(data, "ingest", "--no-wait", str(SEEDS))
    assert second.returncode == 2
    assert "another ingest or reindex is running (pid 1 since the test began)" in second.stderr
    assert stored_items(data) == (0, 0)


def test_an_ingest_waits_for_the_writer_lock_then_runs(data):
    handle = hold_writer_lock(data)
    waiting = manage(data, "ingest", str(SEEDS))
    time.sleep(5)  # long enough for an ingest of five seeds that did not wait
    assert waiting.poll() is None and stored_items(data) == (0, 0)
    handle.close()  # releases the flock
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "waiting for it to finish" in err
    assert stored_items(data) == (SEED_ITEMS, 0)


def test_check_index_says_what_differs(data):
    assert run(data, "ingest", str(SEEDS)).returncode == 0
    with sqlite3.connect(data / "imr.sqlite3") as db:
        db.execute("delete from search_disputeditem where position = 1 and determination_id = "
                   "(select min(id) from search_determination)")
    check = run(data, "check_index")
    assert check.returncode == 1
    assert "1 item(s) in the index but not stored" in check.stdout
    assert "reindex" in check.stderr
    assert run(data, "reindex").returncode == 0
    assert run(data, "check_index").returncode == 0


def test_a_corrupt_index_gives_a_clear_page_and_the_command_that_mends_it(data, tmp_path):
    assert run(data, "ingest", str(SEEDS)).returncode == 0
    live = (data / "index").resolve()
    for path in live.iterdir():
        if path.suffix in (".toc", ".seg") or path.name.startswith("_MAIN"):
            path.write_bytes(b"garbage")
    page = run(data, "shell", "-c",
               "from django.test import Client; r = Client().get('/search/', {'q': 'norco'}); "
               "print('STATUS', r.status_code); print(r.content.decode())")
    status, _, body = page.stdout.partition("STATUS ")[2].partition("\n")
    assert status == "503", page.stdout + page.stderr
    assert "python manage.py reindex" in body
    assert "Traceback" not in body
    assert run(data, "reindex").returncode == 0
    assert run(data, "check_index").returncode == 0


def test_a_missing_index_folder_is_mended_by_reindex(data):
    assert run(data, "ingest", str(SEEDS)).returncode == 0
    shutil.rmtree((data / "index").resolve())
    assert run(data, "reindex").returncode == 0
    assert run(data, "check_index").returncode == 0


def test_sync_index_mends_an_index_the_database_moved_ahead_of(data):
    """A second web server sharing the database: its own index lacks what another machine ingested."""
    assert run(data, "ingest", str(SEEDS)).returncode == 0
    with sqlite3.connect(data / "imr.sqlite3") as db:  # another machine changed a stored item
        db.execute("update search_determination set updated_at = datetime('now', '+1 day') where id = "
                   "(select min(id) from search_determination)")
        db.execute("delete from search_disputeditem where id = (select max(id) from search_disputeditem)")
    assert run(data, "check_index").returncode == 1
    synced = run(data, "sync_index")
    assert synced.returncode == 0, synced.stderr
    assert "removed 1" in synced.stdout and "refreshed" in synced.stdout
    assert run(data, "check_index").returncode == 0
