"""Web workers are warmed before they take requests: the index opened, a first page answered and
the commonest words read, under gunicorn's own hook."""
from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from search import engine
from search.engine import searcher
from search.warmup import WARM_SEARCHES, warm

from .conftest import ROOT, SEEDS

pytestmark = pytest.mark.django_db


def test_warming_opens_the_index_and_reads_the_common_words_postings(ingested):
    ingested(SEEDS)
    engine.reset()
    assert searcher.opened() is None
    assert warm() > 0
    context = searcher.opened()
    assert context is not None
    assert any(b"pain" in key for key in context.store.terms)  # the common word's postings are kept
    assert gc.get_freeze_count() > 0  # and what warming made is out of the collector's full passes
    gc.unfreeze()


def test_a_worker_with_no_index_starts_unwarmed_and_says_why(settings, tmp_path, caplog):
    settings.INDEX_DIR = tmp_path / "no-index"
    engine.reset()
    assert warm() == 0.0
    engine.reset()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_warms_each_worker_before_it_serves(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(IMR_DATA_DIR=str(tmp_path / "data"), DEBUG="false", SECRET_KEY="warmup-test-only-" + "x" * 40,
               ALLOWED_HOSTS="127.0.0.1", IMR_HTTPS="false", DJANGO_SETTINGS_MODULE="imrsite.settings")
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["ingest", str(SEEDS)]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=300)
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "imrsite/gunicorn_conf.py",
                                   "-b", f"127.0.0.1:{port}", "imrsite.wsgi"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while log.read_text().count("worker warmed") < 2 and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            time.sleep(0.2)
        assert log.read_text().count("worker warmed") == 2, log.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search/?q=pain", timeout=30) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(WARM_SEARCHES) >= 2
