"""Mail sent after the page has answered, so how long a page takes says nothing about whether it
wrote to anyone: a reset for a known address used to take 750 ms through a real relay, against
10 ms for an unknown one.

Each batch goes out on its own thread; a relay that fails is logged, never shown to the visitor
(who must not learn from an error either). ``wait`` lets a command or a test finish what was sent.
"""
from __future__ import annotations

import logging
import threading

from django.core.mail import EmailMessage, get_connection

log = logging.getLogger("imr.mail")
_sending: list[threading.Thread] = []
_lock = threading.Lock()


def _send(messages: list[EmailMessage]) -> None:
    try:
        get_connection().send_messages(messages)
    except Exception:  # the relay's failure is the operator's to see, not the visitor's
        log.exception("sending %d message(s) failed", len(messages))


def send_later(messages: list[EmailMessage]) -> None:
    """Send ``messages`` without the current request waiting for the relay."""
    thread = threading.Thread(target=_send, args=(messages,), name="imr-mail", daemon=True)
    with _lock:
        _sending[:] = [t for t in _sending if t.is_alive()]
        _sending.append(thread)
    thread.start()


def wait(timeout: float = 30.0) -> None:
    """Block until everything handed to ``send_later`` so far has been sent (or failed)."""
    with _lock:
        pending = list(_sending)
    for thread in pending:
        thread.join(timeout)
