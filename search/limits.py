"""What one ingested file may cost: its size, its text, its pages, and the memory and time its
text extraction may take. Read from settings once per ingest and handed to the workers, which
import no Django.

The real determinations are 2 to 20 pages and 5 to 60 KB of text; the defaults leave room for
a hundredfold of that, and refuse what no determination is: a 228 KB PDF whose page inflated to
64 MB of text took 161 s and 7.1 GB before these limits.
"""
from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 25 * MB  # a file larger than this is not read
    text_chars: int = 1_000_000  # extracted text longer than this is refused
    pages: int = 300  # a PDF with more pages is refused before its text is read
    extract_bytes: int = 512 * MB  # memory a PDF's text extraction may take, beyond what the process has
    extract_seconds: float = 30.0  # time it may take

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            file_bytes=int(settings.IMR_MAX_FILE_MB * MB),
            text_chars=int(settings.IMR_MAX_TEXT_CHARS),
            pages=int(settings.IMR_MAX_PAGES),
            extract_bytes=int(settings.IMR_EXTRACT_MEMORY_MB * MB),
            extract_seconds=float(settings.IMR_EXTRACT_SECONDS),
        )


DEFAULT_LIMITS = Limits()


def size(count: int) -> str:
    """A file size as people write it: "25.0 MB", "97.7 KB"."""
    return f"{count / MB:,.1f} MB" if count >= MB else f"{count / 1024:,.1f} KB"
