"""A long ingest tells a log how far it has come: a line every few seconds with documents done,
rate and time left, and one at the end, whether or not a terminal is watching."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from search.progress import ProgressLog

from .conftest import SEEDS


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def progress_lines() -> Iterator[list[str]]:
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("imr.progress")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def test_a_line_every_few_seconds_with_done_rate_and_time_left(progress_lines):
    clock = Clock()
    progress = ProgressLog(every=5, clock=clock)
    for done in range(1, 81):
        clock.now += 0.125  # 8 documents a second
        progress.update(done, 400)
    assert progress_lines == ["40 of 400 documents (10.0%), 8.0/s over 5s, about 45s left",
                              "80 of 400 documents (20.0%), 8.0/s over 10s, about 40s left"]


def test_the_last_document_is_always_logged_and_hours_read_as_hours(progress_lines):
    clock = Clock()
    progress = ProgressLog(every=3600, clock=clock)
    clock.now += 7260
    progress.update(10, 100)
    clock.now += 1
    progress.update(100, 100)
    assert progress_lines == ["10 of 100 documents (10.0%), 0.0/s over 2h01m, about 18h09m left",
                              "100 of 100 documents (100.0%), 0.0/s over 2h01m"]


@pytest.mark.django_db
def test_the_ingest_command_logs_progress_even_when_its_per_file_lines_are_quiet(data_dir, settings, progress_lines):
    settings.IMR_PROGRESS_SECONDS = 0
    call_command("ingest", str(SEEDS), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=1)
    assert len(progress_lines) == 5
    assert progress_lines[-1].startswith("5 of 5 documents (100.0%), ")
