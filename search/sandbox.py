"""Run one function in a child process that may use only so much memory and time.

PDF text extraction happens inside pdfium, in C: a hostile page cannot be stopped from Python
while pdfium builds its text, and one such page took 50 s and 6.7 GB. So the extraction runs in
a forked child with an address-space limit and a deadline; if it runs out of either, the child
is gone and the caller gets ``Exceeded`` saying which. The child never returns into the caller's
code: it leaves with ``os._exit``, so it closes nothing it inherited (a database connection).
"""
from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any


class Exceeded(RuntimeError):
    """The function ran out of the memory or the time it was given; the message says which."""


def _virtual_size() -> int:
    """This process's address space now, in bytes: the child's limit is counted on top of it."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(write_fd: int, fn: Callable, args: tuple, memory: int) -> None:
    try:
        # An allocator that gives up aborts the child: its crash report is noise in an ingest's log,
        # and what went wrong reaches the caller anyway.
        faulthandler.disable()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        limit = _virtual_size() + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            outcome = ("value", fn(*args))
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as error:  # noqa: BLE001 - handed back to be raised in the caller, as it was
            outcome = ("error", error)
        try:
            payload = pickle.dumps(outcome)
        except Exception as error:  # noqa: BLE001 - an unpicklable error still gets back as text
            payload = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)


def run(fn: Callable[..., Any], *args: Any, memory: int, seconds: float) -> Any:
    """``fn(*args)`` in a forked child limited to ``memory`` more bytes and ``seconds``; its value,
    or its exception raised here, or ``Exceeded``."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, fn, args, memory)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise Exceeded(f"took more than {seconds:g} s")
    if not chunks:  # killed without a word: the allocator or the kernel gave up on it
        reason = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no answer"
        raise Exceeded(f"needed more than {memory // (1024 * 1024):,} MB of memory ({reason})")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "memory":
        raise Exceeded(f"needed more than {memory // (1024 * 1024):,} MB of memory")
    if kind == "error":
        raise value
    return value
