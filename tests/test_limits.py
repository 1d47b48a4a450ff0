"""What one ingested file may cost: too large, too long, too many pages, or a PDF whose text would
take too much memory or time is refused by name, and the rest of its batch is stored."""
from __future__ import annotations

import os
import random
import shutil
import time

import pytest

from search import sandbox
from search.extract import ExtractError, document_text
from search.ingest import REFUSED, STORED, ingest_paths
from search.limits import Limits
from search.parser import join_lines

from .bombs import pdf_with_text
from .conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def quadratic_join_lines(lines: list[str]) -> str:
    """The parser's line joining as it was before it was made linear: the reference it must equal."""
    out = ""
    for line in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        elif out.endswith(("-", "/")) and out[-2:-1].isdigit() and line[:1].isdigit():
            out += line
        else:
            out = f"{out} {line}" if out else line
    return " ".join(out.split())


def test_joining_lines_in_linear_time_gives_what_the_quadratic_join_gave():
    rng = random.Random(13)
    pieces = ["medica-", "tion", "10-", "17-2016", "5/", "325mg", "-", "a-", "B", "x", "Norco", "/", "9", "q-", "-b"]
    for _ in range(3000):
        lines = [rng.choice(pieces) for _ in range(rng.randint(0, 8))]
        assert join_lines(lines) == quadratic_join_lines(lines), lines
    real = [line for path in SEED_FILES for line in path.read_text().splitlines() if line.strip()]
    assert join_lines(real) == quadratic_join_lines(real)


@pytest.fixture
def batch(tmp_path):
    """The five seeds, and a place for one hostile file beside them."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in SEED_FILES:
        shutil.copy(path, folder / path.name)
    return folder


def ingest_with_one_bad(batch, name: str, data: bytes) -> tuple[list, list]:
    (batch / name).write_bytes(data)
    report = ingest_paths([batch])
    refused = [r for r in report.results if r.status == REFUSED]
    stored = [r for r in report.results if r.status == STORED]
    return refused, stored


@pytest.mark.django_db
def test_a_pdf_whose_page_inflates_to_megabytes_of_text_is_refused_and_its_batch_stored(batch, data_dir):
    bomb = pdf_with_text(b"The patient reports ongoing pain in the lower back and", 1_000_000)
    assert len(bomb) < 250_000  # 56 million characters of text once inflated
    refused, stored = ingest_with_one_bad(batch, "CM16-0000001.pdf", bomb)
    assert [r.path for r in refused] == [str(batch / "CM16-0000001.pdf")]
    assert "MB of memory" in refused[0].reason or "characters of text" in refused[0].reason
    assert len(stored) == len(SEED_FILES)


@pytest.mark.django_db
def test_a_file_larger_than_the_limit_is_refused_by_its_size_unread(batch, data_dir, settings):
    settings.IMR_MAX_FILE_MB = 0.05
    refused, stored = ingest_with_one_bad(batch, "huge.txt", b"x" * 100_000)
    assert len(refused) == 1 and "97.7 KB, larger than the 51.2 KB a file may be (IMR_MAX_FILE_MB)" in refused[0].reason
    assert len(stored) == len(SEED_FILES)


@pytest.mark.django_db
def test_a_text_longer_than_the_limit_is_refused(batch, data_dir, settings):
    settings.IMR_MAX_TEXT_CHARS = 100_000
    long = SEED_FILES[0].read_text().replace("Decision rationale:", "Decision rationale: " + "pain " * 30_000, 1)
    refused, stored = ingest_with_one_bad(batch, "long.txt", long.encode())
    assert len(refused) == 1 and "more than the 100,000 a determination may have" in refused[0].reason
    assert len(stored) == len(SEED_FILES)


def test_a_pdf_with_more_pages_than_the_limit_is_refused_before_its_text_is_read():
    with pytest.raises(ExtractError, match="5 pages, more than the 3"):
        document_text("many.pdf", pdf_with_text(b"pain", 2, pages=5), Limits(pages=3))
    assert "pain" in document_text("few.pdf", pdf_with_text(b"pain", 2, pages=3), Limits(pages=3))


def test_a_pdf_with_more_text_than_the_limit_is_refused():
    with pytest.raises(ExtractError, match="more than 1,000 characters of text"):
        document_text("wordy.pdf", pdf_with_text(b"pain and more pain", 100), Limits(text_chars=1000))


def _sleep_then(value: int) -> int:
    time.sleep(value)
    return value


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _fail() -> None:
    raise ExtractError("no good")


def test_the_sandbox_returns_the_value_raises_the_error_and_stops_what_runs_too_long_or_too_big():
    assert sandbox.run(_sleep_then, 0, memory=256 << 20, seconds=10) == 0
    with pytest.raises(ExtractError, match="no good"):
        sandbox.run(_fail, memory=256 << 20, seconds=10)
    with pytest.raises(sandbox.Exceeded, match="took more than 0.5 s"):
        sandbox.run(_sleep_then, 30, memory=256 << 20, seconds=0.5)
    with pytest.raises(sandbox.Exceeded, match="needed more than 64 MB of memory"):
        sandbox.run(_allocate, 200, memory=64 << 20, seconds=10)
    assert sandbox.run(os.getpid, memory=64 << 20, seconds=10) != os.getpid()


def test_sentences_found_near_each_stop_are_the_sentences_found_over_the_whole_text(monkeypatch):
    from search.engine import sentences

    texts = [path.read_text() for path in SEED_FILES]
    looked_near = [sentences.sentence_starts(text) for text in texts]
    monkeypatch.setattr(sentences, "_LONGEST_WORD", 10**9)  # as it was: every stop searched from the start
    assert looked_near == [sentences.sentence_starts(text) for text in texts]
