"""Bytes of an ingested file -> its text.

PDF text comes from pdfium (pypdfium2). The DWC PDFs open with a header table
("Case Number:", "Date Assigned: ... Date of Injury: ..."); pdfium emits the page's
text objects row by row, so each label stays on the line of its value. pdfminer's
layout analysis reads that table column by column (all labels, then all values),
which loses the pairing; pypdf keeps the rows too but is several times slower.
"""
from __future__ import annotations

import pypdfium2 as pdfium


class ExtractError(ValueError):
    """The file's bytes are not a readable document; the message says why."""


def pdf_text(data: bytes) -> str:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ExtractError(f"not a readable PDF ({error})") from None
    try:
        # A form feed between pages: the parser treats it as a page break.
        return "\f".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


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


def document_text(name: str, data: bytes) -> str:
    """Text of a ``.pdf`` or ``.txt`` file; raises ``ExtractError``."""
    if not data.strip():
        raise ExtractError("the file is empty")
    if name.lower().endswith(".pdf"):
        return pdf_text(data)
    return plain_text(data)
