"""Bytes of an ingested file -> its text.

PDF text comes from pdfium (pypdfium2). The DWC PDFs open with a header table
("Case Number:", "Date Assigned: ... Date of Injury: ..."); pdfium emits the page's
text objects row by row, so each label stays on the line of its value. pdfminer's
layout analysis reads that table column by column (all labels, then all values),
which loses the pairing; pypdf keeps the rows too but is several times slower.
"""
from __future__ import annotations

import pypdfium2 as pdfium

from . import sandbox
from .limits import DEFAULT_LIMITS, Limits, size


class ExtractError(ValueError):
    """The file's bytes are not a readable document; the message says why."""


def pdf_text(data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of a PDF, its pages separated by form feeds; over ``limits.pages`` pages or
    ``limits.text_chars`` characters it is refused as soon as that is known."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ExtractError(f"not a readable PDF ({error})") from None
    try:
        if len(document) > limits.pages:
            raise ExtractError(f"{len(document):,} pages, more than the {limits.pages:,} a determination may have")
        pages, total = [], 0
        for page in document:
            textpage = page.get_textpage()
            total += textpage.count_chars()
            if total > limits.text_chars:
                raise ExtractError(f"more than {limits.text_chars:,} characters of text, more than a determination has")
            pages.append(textpage.get_text_range())
        return "\f".join(pages)  # a form feed between pages: the parser treats it as a page break
    finally:
        document.close()


def confined_pdf_text(data: bytes, limits: Limits) -> str:
    """``pdf_text`` in a child process held to ``limits``' memory and time (sandbox.py)."""
    try:
        return sandbox.run(pdf_text, data, limits, memory=limits.extract_bytes, seconds=limits.extract_seconds)
    except sandbox.Exceeded as error:
        raise ExtractError(f"reading its text {error}: not a determination, or a hostile file") from None


def plain_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ExtractError("a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older extractions are Windows-1252; Latin-1 cannot fail and keeps every byte.
        return data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def document_text(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """Text of a ``.pdf`` or ``.txt`` file, within ``limits``; raises ``ExtractError``."""
    if len(data) > limits.file_bytes:
        raise ExtractError(f"{size(len(data))}, larger than the {size(limits.file_bytes)} a file may be")
    if not data.strip():
        raise ExtractError("the file is empty")
    if name.lower().endswith(".pdf"):
        return confined_pdf_text(data, limits)
    text = plain_text(data)
    if len(text) > limits.text_chars:
        raise ExtractError(f"{len(text):,} characters of text, more than the {limits.text_chars:,} a determination may have")
    return text
